"""Gradients: why deep sigmoid nets stop learning, how ReLUs die, why zero-centring matters."""

import streamlit as st

from i18n import _
from ui import gradients_view, server, shell

server.ensure_entrypoint()

shell.header(
    _("Gradients"),
    _(
        "Three claims about training, each one live: deep sigmoid networks lose their gradient "
        "layer by layer, ReLU units can die for good, and inputs that are all positive make "
        "gradient descent zig-zag."
    ),
)
gradients_view.report_link()

gradients_view.depth_section()
st.divider()
gradients_view.dying_section()
st.divider()
gradients_view.zigzag_section()
