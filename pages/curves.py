"""Curves: pick activations, tweak their parameters, compare f and f′ side by side."""

import streamlit as st

from i18n import _
from ui import curves_view, server, shell

server.ensure_entrypoint()

shell.header(
    _("Curves"),
    _(
        "Each activation f and its exact derivative f′. Pick any set, move their parameters, "
        "add a copy of one to compare two settings, and probe a point to read the values."
    ),
)
curves_view.report_link()

slots = curves_view.activation_picker()
if not slots:
    st.info(_("Pick at least one activation above."))
    st.stop()
curves_view.interactive_view(slots)
curves_view.formulas_section(slots)
