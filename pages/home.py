"""Home: what Activation Lab is, one picture, and a way into each page."""

import streamlit as st

import activations
from charts.curves import Curve, curves_figure
from charts.theme import activation_color
from i18n import _
from ui import shell, urlstate
from ui.live_chart import live_chart

shell.ensure_entrypoint()
urlstate.report([])  # Home has no controls of its own; the sidebar's keys are still checked

shell.header(
    "〽️ Activation Lab",
    _(
        "See what activation functions do: their curves and exact derivatives, how they bend the "
        "plane, and why a network needs them."
    ),
)

picture = [
    Curve(
        key=name,
        label=activations.get(name).label,
        activation=activations.get(name),
        color=activation_color(name),
    )
    for name in ("sigmoid", "tanh", "relu", "gelu")
]
live_chart(
    curves_figure(picture, (-4.0, 4.0), probe=None, height=420),
    config={"displaylogo": False},
    key="home-picture",
)

st.subheader(_("Where to go"))
st.page_link(
    "pages/curves.py",
    label=_("Curves: compare activations and their derivatives"),
    icon=":material/show_chart:",
)
