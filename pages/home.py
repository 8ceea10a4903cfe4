"""Home: what Activation Lab is, one picture, and a way into each page."""

import streamlit as st

from charts.curves import curves_figure, sample_grid
from charts.theme import plotly_config
from i18n import _
from ui import curves_view, link, server, shell
from ui.live_chart import live_chart

server.ensure_entrypoint()
link.Controls().report()  # no controls of its own; the sidebar's are checked

shell.header(
    "〽️ Activation Lab",
    _(
        "See what activation functions do: their curves and exact derivatives, how they bend the "
        "plane, and why a network needs them."
    ),
)

x = sample_grid(-4.0, 4.0)
picture = [
    curves_view.sample_curve(name, {}, x, None) for name in ("sigmoid", "tanh", "relu", "gelu")
]
live_chart(
    curves_figure(picture, (-4.0, 4.0), height=420),
    config=plotly_config(_("activation curves")),
    key="home-picture",
)

st.subheader(_("Where to go"))
for path, icon, pitch in (
    (
        "pages/curves.py",
        ":material/show_chart:",
        _("Curves: compare activations and their derivatives"),
    ),
    (
        "pages/warp.py",
        ":material/transform:",
        _("Warp: watch one layer rotate, stretch, shift and fold the plane"),
    ),
    (
        "pages/train.py",
        ":material/model_training:",
        _("Train: train a small network and see why nonlinearity matters"),
    ),
    (
        "pages/gradients.py",
        ":material/trending_down:",
        _("Gradients: vanishing gradients, dying ReLUs, zig-zag descent"),
    ),
    (
        "pages/softmax.py",
        ":material/bar_chart:",
        _("Softmax: from logits to probabilities, and softmax as a map"),
    ),
    (
        "pages/lessons.py",
        ":material/school:",
        _("Lessons: the tutorials' arguments step by step, with handouts for teachers"),
    ),
):
    st.page_link(path, label=pitch, icon=icon)
