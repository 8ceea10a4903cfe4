"""Warp: watch one layer f(W x + b) rotate, stretch, shift and fold a cloud of points."""

import functools

import streamlit as st

from charts import warp as warp_charts
from charts.theme import safe_filename
from i18n import _
from ui import controls, server, shell, warp_view
from ui.export import show_chart

server.ensure_entrypoint()

shell.header(
    _("Warp"),
    _(
        "A layer computes f(W x + b). Follow a cloud of points through it: W rotates (Vᵀ), "
        "scales the axes (Σ) and rotates again (U), b shifts, and only the activation f bends "
        "the plane. Colours mark each point's starting quadrant (or class), so you can see "
        "where f folds it. Press ▶ Play or drag the stage slider; it runs in your browser."
    ),
)
warp_view.report_link()

controls_col, main_col = st.columns([1, 3], gap="large")
with controls_col:
    chosen = warp_view.controls_column()

sides = chosen.sides()
setup = chosen.setup()
colouring = chosen.colouring
n, slots = chosen.n, chosen.slots
results = warp_view.results(setup, sides, colouring)
anim_points, _steps = warp_view.plan(setup, sides, colouring)
# The CSV of every point at every stage, computed only when downloaded, from small arguments.
full_stages = functools.partial(
    warp_view.layer_table,
    (chosen.cloud, n, chosen.seed),
    chosen.w,
    chosen.b,
    [
        (s, controls.activation_from_key(side.act), dict(side.params))
        for s, side in zip(slots, sides, strict=True)
    ],
    colouring.eps,
)
file_stem = _("warp {acts}").format(acts="-".join(slots))

with main_col:
    if len(sides) == 1:
        plot_col, metric_col = st.columns([4, 1], gap="small")
    else:
        plot_col, metric_col = st.container(), None
    with plot_col:
        show_chart(
            warp_view.animation(setup, sides, colouring, results),
            file_stem,
            full_stages,
            key="warp",
            rebuild=functools.partial(warp_view.animation, setup, sides, colouring),
            links=[warp_view.animation_link(chosen, setup, sides, results)],
        )
        if anim_points < n:
            st.caption(
                _(
                    "The animation shows {m:,} of the {n:,} points (evenly spread); the numbers "
                    "use them all."
                ).format(m=anim_points, n=n)
            )
        if colouring.sat:
            warp_view.show_marks(setup, sides, colouring, results)
        st.download_button(
            _("Download the animation as GIF"),
            data=warp_view.gif_maker(setup, sides, colouring),
            file_name=safe_filename(file_stem) + ".gif",
            mime="image/gif",
            on_click="ignore",
            icon=":material/animation:",
            key="gif-warp",
        )
    warp_view.show_diagnostics(chosen, sides, results, metric_col)
    warp_view.show_counts(
        setup, sides, colouring.eps, _("warp counts {acts}").format(acts="-".join(slots))
    )

st.subheader(_("The stages"))
stage_titles = warp_charts.stage_titles()
if len(sides) > 1:
    stage_titles = stage_titles[:5] + [f"{_('activate')}: {side.title}" for side in sides]
stages_args = (setup, sides, colouring, stage_titles)
show_chart(
    warp_view.stages(*stages_args, results),
    _("warp stages"),
    full_stages,
    key="warp-stages",
    rebuild=functools.partial(warp_view.stages, *stages_args),
    links=[warp_view.stages_link(chosen, setup, sides, results)],
)
if n > warp_view.STAGES_MAX_POINTS:
    st.caption(
        _("Each panel shows {m:,} of the {n:,} points.").format(m=warp_view.STAGES_MAX_POINTS, n=n)
    )

if chosen.layers > 1:
    warp_view.show_stack(chosen)
