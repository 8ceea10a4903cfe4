"""The Gradients page's controls, cached experiments and sections (one fragment each)."""

from __future__ import annotations

import functools
import math

import streamlit as st

from activations.experiments import (
    DEPTH_INITS,
    MAX_DEPTH,
    DepthResult,
    DyingResult,
    ZigzagResult,
    depth_experiment,
    dying_relu_experiment,
    vanishing_bound,
    zigzag_experiment,
)
from activations.nn import INITS
from charts import gradients as charts
from charts.theme import activation_color
from i18n import N_, _
from ui import controls, link
from ui.export import show_chart

MAX_ACTS = 4
DEFAULT_ACTS = ["sigmoid", "tanh", "relu", "leaky_relu"]
WIDTH_MIN, WIDTH_MAX = 16, 256
GAIN_MIN, GAIN_MAX = 0.1, 3.0
LEARNING_RATES = (0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0)
BIAS_MIN, BIAS_MAX = -1.5, 0.5
EPOCHS = 300
ZLR_MIN, ZLR_MAX = 0.1, 4.5
ZSTEPS_MIN, ZSTEPS_MAX = 10, 300
ZIGZAG_KINDS = ("positive", "centred")


# The page's link: every control, declared once (URL check and widget both come from here).
CONTROLS = link.Controls(
    link.Choices(
        key="act",
        label=N_("Activations (up to 4)"),
        options=controls.base_ids,
        default=DEFAULT_ACTS,
        max_count=MAX_ACTS,
    ),
    link.Number(
        key="depth", label=N_("Depth (layers)"), lo=1, hi=MAX_DEPTH, default=20, integer=True
    ),
    link.Number(
        key="width",
        label=N_("Width (units per layer)"),
        lo=WIDTH_MIN,
        hi=WIDTH_MAX,
        default=256,
        step=16,
        integer=True,
    ),
    link.Choice(
        key="init",
        label=N_("Initialisation"),
        options=DEPTH_INITS,
        default="he",
        widget="segmented",
        help=N_(
            "Weight std: xavier √(2/(fan_in+fan_out)), he √(2/fan_in), lecun √(1/fan_in); "
            "times the gain."
        ),
    ),
    link.Number(key="gain", label=N_("Gain"), lo=GAIN_MIN, hi=GAIN_MAX, default=1.0, step=0.05),
    link.seed("seed"),
    link.Choice(
        key="lr",
        label=N_("Learning rate"),
        options=LEARNING_RATES,
        default=0.3,
        widget="select_slider",
    ),
    link.Choice(key="dinit", label=N_("Initialisation"), options=INITS, default="he"),
    link.Number(
        key="bias",
        label=N_("Initial bias"),
        lo=BIAS_MIN,
        hi=BIAS_MAX,
        default=0.0,
        step=0.1,
        help=N_("A negative bias starts units below zero: a bad initialisation."),
    ),
    link.seed("dseed"),
    link.Number(
        key="zlr", label=N_("Learning rate"), lo=ZLR_MIN, hi=ZLR_MAX, default=3.0, step=0.1
    ),
    link.Number(
        key="zsteps",
        label=N_("Steps at most"),
        lo=ZSTEPS_MIN,
        hi=ZSTEPS_MAX,
        default=100,
        step=10,
        integer=True,
    ),
    link.seed("zseed"),
    page="gradients",
)


def report_link() -> None:
    """One warning for the link's bad or unknown values (the activations' parameters too)."""
    names = controls.base_ids()
    url_acts = [a for a in st.query_params.get_all("act") if a in names]
    chosen = url_acts[:MAX_ACTS] or st.session_state.get("act", DEFAULT_ACTS)
    CONTROLS.report(*controls.param_rules(chosen))


# --- cached experiments (small hashable keys) ----------------------------------------------


@st.cache_data(max_entries=32, show_spinner=False)
def run_depth(
    act: controls.ActivationKey,
    depth: int,
    width: int,
    init: str,
    gain: float,
    seed: int,
    params: tuple[tuple[str, float], ...],
) -> DepthResult:
    act = controls.activation_from_key(act)
    return depth_experiment(act, depth, width, init, gain, seed, **dict(params))


@st.cache_data(max_entries=32, show_spinner=False)
def run_dying(act: str, lr: float, init: str, bias: float, seed: int) -> DyingResult:
    return dying_relu_experiment(act, lr, init, epochs=EPOCHS, seed=seed, bias_init=bias)


@st.cache_data(max_entries=32, show_spinner=False)
def run_zigzag(kind: str, lr: float, steps: int, seed: int) -> ZigzagResult:
    return zigzag_experiment(kind, lr, steps, seed)


def _number(value: float) -> str:
    """A metric value: plain for moderate sizes, scientific for tiny or huge ones; "—" for
    no number (a formula undefined on the layer's inputs)."""
    if not math.isfinite(value):
        return "—"
    return f"{value:.3g}" if 1e-3 <= abs(value) < 1e4 else f"{value:.2e}"


def _shrink(result: DepthResult) -> float:
    """By how much the gradient shrank from the top layer to layer 1 (∞ if nothing arrived)."""
    top, bottom = result.grad_norm[-1], result.grad_norm[0]
    return top / bottom if bottom > 0 else math.inf


def _depth_caption(results: list[DepthResult], labels: dict[str, str], bound: bool) -> str:
    """What the depth chart shows for the activations picked, with their own numbers."""
    finite = [r for r in results if math.isfinite(r.grad_norm[0])]
    text = _("What to see: how far each curve falls from the top layer (right) to layer 1 (left).")
    if finite:
        best = min(finite, key=_shrink)
        worst = max(finite, key=_shrink)
        if _shrink(best) < 1:  # the gradient arriving at layer 1 is larger than at the top
            text += " " + _("{best} keeps the most (it even grows {b} times)").format(
                best=labels[best.activation], b=_factor(1 / _shrink(best))
            )
        else:
            text += " " + _("{best} keeps the most (it shrinks {b} times)").format(
                best=labels[best.activation], b=_factor(_shrink(best))
            )
        if worst is not best:
            text += _("; {worst} the least ({w} times)").format(
                worst=labels[worst.activation], w=_factor(_shrink(worst))
            )
        text += "."
    if bound:
        text += " " + _(
            "The dashed line is 0.25ⁿ, sigmoid's derivative factor alone: the weights' own "
            "factor is left out, so real curves may lie above it."
        )
    return controls.escape_markdown(text)


def _factor(value: float) -> str:
    """A ratio for prose: 3.2e+25 -> "3e25", 1.3 -> "1.3"."""
    if not math.isfinite(value):
        return "∞"
    if 0.01 <= value < 1000:
        return f"{value:.2g}"
    mantissa, exponent = f"{value:.0e}".split("e")
    return f"{mantissa}·10{str(int(exponent)).translate(_SUPERSCRIPT)}"


_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def _metric_grid(n: int) -> list:
    """Places for ``n`` metrics, two per row: four in a row cut labels and values off in
    narrower windows and in the longer languages ("6.44e-11" lost its last digits)."""
    if n <= 2:
        return list(st.columns(n))
    return [col for _row in range(math.ceil(n / 2)) for col in st.columns(2)][:n]


def _section(title: str, text: str) -> tuple:
    """A section's heading and explanation; returns its (controls, chart) columns."""
    st.subheader(title)
    st.markdown(text)
    return st.columns([1, 3], gap="large")


# --- 1. depth ----------------------------------------------------------------------------------


@st.fragment
def depth_section() -> None:
    st.subheader(_("1 · Vanishing gradients with depth"))
    st.markdown(
        _(
            "One forward and one backward pass through a deep random network: every layer "
            "multiplies the gradient by its weights and by f′. Sigmoid's f′ is at most 0.25, so "
            "n layers shrink it by up to 0.25ⁿ."
        )
    )
    acts = CONTROLS.show("act")
    left, right = st.columns([1, 3], gap="large")
    with left:
        depth, width, init, gain, seed = CONTROLS.show_each(
            ("depth", "width", "init", "gain", "seed")
        )
        params: dict[str, dict[str, float]] = {}
        with_params = [a for a in acts if controls.activation_of(a).params]
        if with_params:
            with st.expander(_("Activation parameters")):
                for act in with_params:
                    params[act] = controls.param_sliders(act)
    if not acts:
        right.info(_("Pick at least one activation."))
        return
    results = [
        run_depth(
            controls.activation_key(a),
            int(depth),
            int(width),
            init,
            float(gain),
            int(seed),
            tuple(params.get(a, {}).items()),
        )
        for a in acts
    ]
    labels = {a: controls.slot_label(a, params.get(a, {})) for a in acts}
    bound = vanishing_bound(int(depth)) if "sigmoid" in acts else None
    with right:
        show_chart(
            charts.depth_figure(results, labels, bound=bound),
            _("gradient norm through depth"),
            functools.partial(charts.depth_table, results, bound),
            key="depth",
        )
        st.caption(_depth_caption(results, labels, bound is not None))
        cols = _metric_grid(len(results))
        for col, r in zip(cols, results, strict=True):
            top, bottom = r.grad_norm[-1], r.grad_norm[0]
            if not math.isfinite(bottom):
                help_text = _(
                    "Not a number: f or f′ is undefined on some input of a layer (your "
                    "formula's gaps are listed in the sidebar)."
                )
            else:
                help_text = _(
                    "Gradient norm at layer 1 (the top layer gets {top:.2e}): it shrank "
                    "{ratio} times on the way down."
                ).format(top=top, ratio=_factor(_shrink(r)))
            col.metric(
                controls.escape_markdown(labels[r.activation]),  # metric labels are Markdown
                _number(bottom),
                help=help_text,
            )
        st.caption(_("Gradient norm reaching layer 1, per activation."))


# --- 2. dying ReLU -----------------------------------------------------------------------------


@st.fragment
def dying_section() -> None:
    left, right = _section(
        _("2 · Dying ReLUs"),
        _(
            "A small network (1 → 16 → 16 → 1) learns sin(x) with Adam. A unit whose input is "
            "negative for every sample has f′ = 0 everywhere: it gets no gradient and never "
            "recovers. Large learning rates and negative biases kill units; leaky ReLU keeps a "
            "small slope, so its units stay trainable."
        ),
    )
    lr, init, bias, seed = CONTROLS.show_each(("lr", "dinit", "bias", "dseed"), left)
    results = [
        run_dying(a, float(lr), init, float(bias), int(seed)) for a in ("relu", "leaky_relu")
    ]
    with right:
        show_chart(
            charts.dying_figure(results),
            _("dying ReLU"),
            functools.partial(charts.dying_table, results),
            key="dying",
        )
        cols = _metric_grid(4)
        relu, leaky = results
        cols[0].metric(
            _("ReLU: dead units"),
            f"{relu.dead[-1]:.0%}",
            delta=f"{relu.dead[-1] - relu.dead[0]:+.0%}",
            delta_color="inverse",
            help=_("After {n} epochs; the change is since initialisation.").format(n=EPOCHS),
        )
        cols[1].metric(_("Leaky ReLU: dead units"), f"{leaky.dead[-1]:.0%}")
        cols[2].metric(_("ReLU: final loss"), _number(relu.loss[-1]))
        cols[3].metric(_("Leaky ReLU: final loss"), _number(leaky.loss[-1]))
        st.caption(
            _(
                "Dotted: units negative on every sample. For ReLU they are exactly the dead "
                "ones; leaky ReLU units there still get a gradient (slope 0.01) and can return."
            )
        )


# --- 3. zig-zag --------------------------------------------------------------------------------


@st.fragment
def zigzag_section() -> None:
    left, right = _section(
        _("3 · The zig-zag: why zero-centred inputs help"),
        _(
            "A neuron y = w₁x₁ + w₂x₂ learns a target that needs w₁ to grow and w₂ to shrink. "
            "If its inputs are all positive (outputs of a sigmoid), the two weight gradients of "
            "each sample share one sign, the loss valley is long and narrow, and gradient "
            "descent bounces across it. Zero-centred inputs (tanh) give a round bowl."
        ),
    )
    lr, steps, seed = CONTROLS.show_each(("zlr", "zsteps", "zseed"), left)
    results = [run_zigzag(kind, float(lr), int(steps), int(seed)) for kind in ZIGZAG_KINDS]
    titles = [_("all-positive inputs (sigmoid)"), _("zero-centred inputs (tanh)")]
    short = [_("Steps, positive inputs"), _("Steps, centred inputs")]
    colors = [activation_color("sigmoid"), activation_color("tanh")]
    with right:
        show_chart(
            charts.zigzag_figure(results, titles, colors),
            _("zig-zag"),
            functools.partial(charts.zigzag_table, results),
            key="zigzag",
        )
        cols = _metric_grid(4)
        for i, (r, label) in enumerate(zip(results, short, strict=True)):
            if r.diverged:
                value = _("diverged")
            elif r.steps_to_converge is None:
                value = _("> {n}").format(n=len(r.path) - 1)
            else:
                value = str(r.steps_to_converge)
            cols[2 * i].metric(
                label,
                value,
                help=_("First step within a thousandth of the starting distance to the optimum."),
            )
            cols[2 * i + 1].metric(
                _("Valley elongation"),
                f"{r.condition:.1f}",
                help=_(
                    "Ratio of the Hessian's eigenvalues: 1 is a round bowl. Samples whose two "
                    "gradients share a sign: {share:.0%}."
                ).format(share=r.same_sign_share),
            )
        st.caption(
            _(
                "Circle: start (0, 0); star: the optimum w* = (1.5, −0.5). Contours of the "
                "loss are equally spaced in √L. Above a learning rate of about 3.8 the positive "
                "case no longer converges, while the centred one still does."
            )
        )
