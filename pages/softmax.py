"""Softmax: scores to probabilities, its Jacobian, the two-class sigmoid, softmax as a map of
the plane onto the segment and the triangle, and maxout's learned piecewise-linear shapes."""

import streamlit as st

from i18n import _
from ui import server, shell, softmax_view

server.ensure_entrypoint()

shell.header(
    _("Softmax"),
    _(
        "Softmax turns a vector of scores (logits) into probabilities: "
        "pᵢ = e^(zᵢ/T) / Σⱼ e^(zⱼ/T). Type your own logits, change the temperature T, and see "
        "softmax as a map that folds the whole space onto a segment or a triangle."
    ),
)
softmax_view.CONTROLS.report()

logits, temperature = softmax_view.logits_section()
st.divider()
softmax_view.two_class_section(temperature)
st.divider()
softmax_view.map_section(logits, temperature)
st.divider()
softmax_view.maxout_section()
