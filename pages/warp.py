"""Warp: watch one layer f(W x + b) rotate, stretch, shift and fold a cloud of points."""

import functools
import math

import numpy as np
import streamlit as st

from activations import warp
from activations.clouds import CLOUD_KINDS
from charts import warp as warp_charts
from charts.theme import safe_filename
from i18n import _
from ui import controls, server, shell, urlstate, warp_view
from ui.export import show_chart

server.ensure_entrypoint()

N_MIN, N_MAX, N_DEFAULT = 10, 200_000, 2_000
SEED_MAX = 2**31 - 1
MAX_LAYERS = 8
MODES = ("preset", "random", "svd", "typed")
ENTRY_KEYS = ("w11", "w12", "w21", "w22")
BIAS_LIMIT = 3.0
ANGLE_LIMIT = 180
SIGMA_LIMIT = 3.0
SCALE_MIN, SCALE_MAX = 0.1, 3.0
EPS_OPTIONS = (0.0001, 0.001, 0.01, 0.05, 0.1)
DEFAULTS = {"act": "relu", "cloud": "square"}

shell.header(
    _("Warp"),
    _(
        "A layer computes f(W x + b). Follow a cloud of points through it: W rotates (Vᵀ), "
        "scales the axes (Σ) and rotates again (U), b shifts, and only the activation f bends "
        "the plane. Colours mark each point's starting quadrant (or class), so you can see "
        "where f folds it. Press ▶ Play or drag the stage slider; it runs in your browser."
    ),
)

names = controls.base_ids()  # the registry, and "custom" when a formula is defined


slots_now = [controls.picked("act") or DEFAULTS["act"]]
if (slot2_now := warp_view.second_slot(slots_now[0], controls.picked("act2"))) is not None:
    slots_now.append(slot2_now)
urlstate.report(
    [
        urlstate.choice("act", names),
        urlstate.choice("act2", names),
        urlstate.choice("cloud", CLOUD_KINDS),
        urlstate.number("n", N_MIN, N_MAX, integer=True),
        urlstate.number("seed", 0, SEED_MAX, integer=True),
        urlstate.number("layers", 1, MAX_LAYERS, integer=True),
        urlstate.choice("mode", MODES),
        urlstate.number("wseed", 0, SEED_MAX, integer=True),
        urlstate.number("wscale", SCALE_MIN, SCALE_MAX),
        urlstate.number("theta", -ANGLE_LIMIT, ANGLE_LIMIT, integer=True),
        urlstate.number("phi", -ANGLE_LIMIT, ANGLE_LIMIT, integer=True),
        urlstate.number("s1", 0.0, SIGMA_LIMIT),
        urlstate.number("s2", 0.0, SIGMA_LIMIT),
        urlstate.flag("reflect"),
        *[urlstate.number(key, -warp.MAX_ENTRY, warp.MAX_ENTRY) for key in ENTRY_KEYS],
        urlstate.number("b1", -BIAS_LIMIT, BIAS_LIMIT),
        urlstate.number("b2", -BIAS_LIMIT, BIAS_LIMIT),
        urlstate.flag("area"),
        urlstate.flag("sat"),
        urlstate.choice("eps", [str(e) for e in EPS_OPTIONS]),
        *controls.param_rules(slots_now),
    ]
)


# --- controls ---


def _show_example(example: warp_view.Example) -> None:
    """Button callback: the SVD controls and ε of ``example``, in the widgets and the URL."""
    warp_view.set_bound(
        mode="svd",
        theta=float(example.theta),
        s1=example.s1,
        s2=example.s2,
        phi=float(example.phi),
        reflect=example.reflect,
        eps=example.eps,
        sat=True,
    )


controls_col, main_col = st.columns([1, 3], gap="large")
with controls_col:
    act = st.selectbox(
        _("Activation f"),
        names,
        index=names.index(DEFAULTS["act"]),
        key="act",
        bind="query-params",
        help=_("Applied to each coordinate after W x + b."),
    )
    params = controls.param_sliders(act)
    act2 = st.selectbox(
        _("Compare with"),
        names,
        index=None,
        placeholder=_("no second activation"),
        key="act2",
        bind="query-params",
        help=_("Shows a second activation side by side, on the same cloud and layer."),
    )
    slot2 = warp_view.second_slot(act, act2)
    params2 = controls.param_sliders(slot2) if slot2 is not None else {}

    st.divider()
    cloud_kind = controls.id_choice(
        st.selectbox,
        _("Point cloud"),
        CLOUD_KINDS,
        format_func=controls.shape_label,
        index=CLOUD_KINDS.index(DEFAULTS["cloud"]),
        key="cloud",
        bind="query-params",
        help=_(
            "xor, moons, rings, spirals and blobs are coloured by class, the others by quadrant."
        ),
    )
    n_col, seed_col = st.columns(2)
    n = controls.whole_number_input(n_col, _("Points"), N_MIN, N_MAX, N_DEFAULT, 1000, "n")
    seed = controls.whole_number_input(seed_col, _("Seed"), 0, SEED_MAX, 0, 1, "seed")

    st.divider()
    mode = st.selectbox(
        _("Matrix W"),
        MODES,
        key="mode",
        bind="query-params",
        help=_(
            "preset: the tutorial's example; random: Gaussian entries; svd: build W from two "
            "rotations and two stretches; typed: enter the four entries."
        ),
    )
    layers = st.slider(
        _("Layers"),
        1,
        MAX_LAYERS,
        1,
        key="layers",
        bind="query-params",
        help=_("Layer 1 is the one chosen here; further layers have random W and b."),
    )
    if mode == "random" or layers > 1:
        r_col, s_col = st.columns(2)
        wseed = controls.whole_number_input(r_col, _("Matrix seed"), 0, SEED_MAX, 0, 1, "wseed")
        wscale = s_col.number_input(
            _("Entry scale"),
            SCALE_MIN,
            SCALE_MAX,
            1.0,
            step=0.1,
            key="wscale",
            bind="query-params",
            help=_("Standard deviation of the random entries."),
        )
    else:
        wseed, wscale = 0, 1.0

    w = warp.PRESET_MATRIX
    try:
        if mode == "random":
            w = warp.random_matrix(int(wseed), float(wscale))
        elif mode == "svd":
            # Each with a number field beside it: type a value or step it exactly.
            angle = {"bounds": (-ANGLE_LIMIT, ANGLE_LIMIT), "step": 1, "fine_step": 1}
            sigma = {"bounds": (0.0, SIGMA_LIMIT), "step": 0.05, "fine_step": 0.01}
            theta = warp_view.fine_slider(st, "θ (°)", default=30, key="theta", **angle)
            s1 = warp_view.fine_slider(st, "σ₁", default=1.5, key="s1", **sigma)
            s2 = warp_view.fine_slider(st, "σ₂", default=0.5, key="s2", **sigma)
            phi = warp_view.fine_slider(st, "φ (°)", default=-20, key="phi", **angle)
            reflect = st.toggle(_("Reflect"), key="reflect", bind="query-params")
            w = warp.matrix_from_svd(math.radians(theta), s1, s2, math.radians(phi), reflect)
        elif mode == "typed":
            cells = st.columns(2)
            typed = [
                cells[i % 2].number_input(
                    "W" + key[1:].translate(str.maketrans("12", "₁₂")),
                    -warp.MAX_ENTRY,
                    warp.MAX_ENTRY,
                    float(warp.PRESET_MATRIX.flat[i]),
                    step=0.1,
                    format="%.6g",
                    key=key,
                    bind="query-params",
                )
                for i, key in enumerate(ENTRY_KEYS)
            ]
            w = warp.as_matrix(np.reshape(typed, (2, 2)))
    except ValueError as error:
        st.warning(_("Cannot use this matrix ({error}); showing the preset.").format(error=error))
        w = warp.PRESET_MATRIX

    b = np.array(
        [
            warp_view.fine_slider(
                st,
                f"b{i + 1}",
                (-BIAS_LIMIT, BIAS_LIMIT),
                0.0,
                key=f"b{i + 1}",
                step=0.05,
                fine_step=0.01,
            )
            for i in range(2)
        ]
    )
    svd = warp.decompose(w)
    det_w = float(np.linalg.det(w))
    st.latex(rf"\small W = {warp_view.matrix_latex(w)}")
    st.latex(rf"\small b = {warp_view.vector_latex(b)}")
    st.caption(
        _(
            "W = R(φ)·diag(σ₁, {sign}σ₂)·R(θ) with θ = {theta:.1f}°, σ₁ = {s1:.4g}, "
            "σ₂ = {s2:.4g}, φ = {phi:.1f}°; det W = {det:.4g}."
        ).format(
            sign="−" if svd.reflect else "",
            theta=math.degrees(svd.theta),
            s1=svd.sigma1,
            s2=svd.sigma2,
            phi=math.degrees(svd.phi),
            det=det_w,
        )
    )

    st.divider()
    area = st.toggle(
        _("Area change |det J|"),
        key="area",
        bind="query-params",
        help=_(
            "Colours each point by log₁₀ of how much the whole layer stretches (red) or shrinks "
            "(blue) area near it, instead of by its starting quadrant."
        ),
    )
    sat = st.toggle(
        _("Mark |f′| < ε"),
        key="sat",
        bind="query-params",
        help=_(
            "Rings in black the points where the derivative of some coordinate is below ε: "
            "learning stalls there. Works with either colouring."
        ),
    )
    eps = st.select_slider("ε", EPS_OPTIONS, value=0.01, key="eps", bind="query-params")

# --- computation ---

sides = [
    warp_view.Side(
        controls.slot_label(act, params),
        controls.activation_key(act),
        tuple(sorted(params.items())),
    )
]
if slot2 is not None:
    sides.append(
        warp_view.Side(
            controls.slot_label(slot2, params2),
            controls.activation_key(slot2),
            tuple(sorted(params2.items())),
        )
    )
sides = tuple(sides)
slots = [act] + ([slot2] if slot2 is not None else [])
setup = warp_view.Setup(
    cloud_kind, int(n), int(seed), tuple(w.ravel().tolist()), (float(b[0]), float(b[1]))
)
colouring = warp_view.Colouring(float(eps), bool(area), bool(sat))
results = warp_view.results(setup, sides, colouring)
anim_points, _steps = warp_view.plan(setup, sides, colouring)
# The CSV of every point at every stage, computed only when downloaded, from small arguments.
full_stages = functools.partial(
    warp_charts.layer_table,
    (cloud_kind, int(n), int(seed)),
    w,
    b,
    [
        (s, controls.activation_from_key(side.act), dict(side.params))
        for s, side in zip(slots, sides, strict=True)
    ],
    float(eps),
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
        )
        notes = []
        if anim_points < n:
            notes.append(
                _(
                    "The animation shows {m:,} of the {n:,} points (evenly spread); the numbers "
                    "use them all."
                ).format(m=anim_points, n=int(n))
            )
        if notes:
            st.caption(" ".join(notes))
        if sat:
            example = None
            for side, r in zip(sides, results, strict=True):
                zones = warp_view.zone_of(side.act, side.params, float(eps))
                st.markdown(warp_view.mark_note(side.title, r["diag"], zones))
                if example is None and zones and not r["diag"].saturated.any():
                    example = warp_view.saturating_example(
                        setup, side, EPS_OPTIONS, float(eps), SIGMA_LIMIT
                    )
            if example is not None:
                st.button(
                    _("Show me: W scaled up to σ₁ = {s1:g}, ε = {eps:g}").format(
                        s1=example.s1, eps=example.eps
                    ),
                    on_click=_show_example,
                    args=(example,),
                    icon=":material/zoom_out_map:",
                    help=_(
                        "Switches W to its SVD controls with the same rotations and both "
                        "stretches scaled up, so that W x + b reaches where f is flat."
                    ),
                )
        st.download_button(
            _("Download the animation as GIF"),
            data=functools.partial(warp_view.animation_gif, setup, sides, colouring),
            file_name=safe_filename(file_stem) + ".gif",
            mime="image/gif",
            on_click="ignore",
            icon=":material/animation:",
            key="gif-warp",
        )

    if metric_col is not None:
        with metric_col:
            warp_view.one_to_one_badge(results[0]["diag"])
            st.metric(
                "det W",
                f"{det_w:.4g}",
                help=_("The factor by which W scales area; negative when it reflects."),
            )
            warp_view.diagnostic_metrics(results[0]["diag"], [st] * 5)
    else:
        for title, r in zip(
            [controls.escape_markdown(s.title) for s in sides], results, strict=True
        ):
            badge = (
                ":green-badge[:material/check: " + _("one-to-one") + "]"
                if r["diag"].one_to_one
                else ":orange-badge[:material/close: " + _("not one-to-one") + "]"
            )
            # The area change ("0.00225×") goes in the title line: in a fifth column of
            # metrics it, or "100.0%" beside it, would be cut.
            st.markdown(
                f"**{title}** {badge} · det W = {det_w:.4g} · "
                + _("median |det J|")
                + f" = {r['diag'].area_change:.3g}×"
            )
            warp_view.diagnostic_metrics(r["diag"], st.columns(4, gap="small"))

    warp_view.show_counts(
        setup, sides, float(eps), _("warp counts {acts}").format(acts="-".join(slots))
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
)
if n > warp_view.STAGES_MAX_POINTS:
    st.caption(
        _("Each panel shows {m:,} of the {n:,} points.").format(
            m=warp_view.STAGES_MAX_POINTS, n=int(n)
        )
    )

if layers > 1:
    st.subheader(_("{k} layers stacked").format(k=layers))
    stack_key = (
        setup,
        controls.activation_key(act),
        tuple(sorted(params.items())),
        int(layers),
        int(wseed),
        float(wscale),
    )
    stack = warp_view.stack_of(*stack_key)
    stack_titles = [_("input")] + [_("after layer {k}").format(k=k) for k in range(1, layers + 1)]
    stack_csv = functools.partial(
        warp_charts.stack_table,
        (cloud_kind, int(n), int(seed)),
        w,
        b,
        controls.activation_from_key(stack_key[1]),
        dict(stack_key[2]),
        *stack_key[3:],
    )
    show_chart(
        warp_view.stack(*stack_key, stack_titles),
        _("warp stack"),
        stack_csv,
        key="warp-stack",
        rebuild=functools.partial(warp_view.stack, *stack_key, stack_titles),
    )
    warp_view.show_stack_counts(stack_key, _("warp stack counts {act}").format(act=act))
    if act == "identity":
        w_total, b_total = stack["single"]
        st.markdown(
            _(
                "With the identity activation the {k} layers are one affine map, x ↦ W′x + b′:"
            ).format(k=layers)
        )
        st.latex(
            rf"W' = {warp_view.matrix_latex(w_total)},\quad b' = {warp_view.vector_latex(b_total)}"
        )
        st.caption(
            _(
                "Largest difference between the stack and W′x + b′ over all {n:,} points: "
                "{gap:.2g}."
            ).format(n=int(n), gap=stack["gap"])
        )
    else:
        st.caption(
            _(
                "Layers 2 to {k} have random W and b (from the matrix seed + 1) and the same "
                "activation. With a nonlinear f the stack is not one matrix: each layer bends "
                "the output of the last."
            ).format(k=layers)
        )
