"""Lesson 3: choosing an activation. Sigmoid's 0.25 and depth; zero-centring and the zig-zag;
dying ReLU and leaky ReLU; cost; the smooth modern ones; a closing comparison. Every number in
the text comes from the library (the registry's kernels, activations.properties, the
experiments the Gradients page runs)."""

from __future__ import annotations

import functools
from typing import Any

import activations
from activations.experiments import vanishing_bound
from charts import gradients as gradient_charts
from charts.curves import curves_figure, sample_grid
from charts.theme import FigureSpec, activation_color, activation_label
from i18n import N_, _
from ui import curves_view, gradients_view
from ui.lessons import Lesson, Pick, Question, Slider, Step, Values

DEPTH_ACTS = ("sigmoid", "tanh", "relu")
COMPARED = ("sigmoid", "tanh", "relu", "leaky_relu", "elu", "gelu", "silu")
_SUPERSCRIPTS = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")


def _label(name: str) -> str:
    return activation_label(activations.get(name))


def power(base: str, exponent: int) -> str:
    """``base`` to the power ``exponent`` as text: 0.25¹⁰."""
    return base + str(exponent).translate(_SUPERSCRIPTS)


@functools.cache
def max_slope(name: str) -> float:
    """sup |f′| of activation ``name``, measured by activations.properties from its kernel."""
    return float(activations.properties(name).max_abs_grad)


def bound_text(depth: int) -> str:
    """ "0.25¹⁰ ≈ 9.5e-07": sigmoid's largest slope to the power ``depth``, both computed."""
    slope = max_slope("sigmoid")
    return f"{power(f'{slope:g}', depth)} ≈ {slope**depth:.2g}"


def _curves(names: tuple[str, ...], *, log_grad: bool = False, height: int = 520) -> FigureSpec:
    x = sample_grid(-5.0, 5.0)
    curves = [curves_view.sample_curve(name, {}, x, None) for name in names]
    return curves_figure(curves, (-5.0, 5.0), log_grad=log_grad, height=height)


def _curves_link(names: tuple[str, ...], **more: Any) -> tuple[str, dict[str, Any]]:
    return "curves", {"act": list(names), **more}


# --- 1. sigmoid's 0.25 and depth -----------------------------------------------------------


def _depth_results(depth: int) -> list:
    defaults = gradients_view.CONTROLS.default
    return [
        gradients_view.run_depth(
            name,
            int(depth),
            int(defaults("width")),
            defaults("init"),
            float(defaults("gain")),
            int(defaults("seed")),
            (),
        )
        for name in DEPTH_ACTS
    ]


def _depth_figure(values: Values) -> FigureSpec:
    depth = int(values["depth"])
    labels = {name: _label(name) for name in DEPTH_ACTS}
    return gradient_charts.depth_figure(
        _depth_results(depth), labels, bound=vanishing_bound(depth), height=640
    )


def _depth_text(values: Values) -> str:
    depth = int(values["depth"])
    reached = {r.activation: float(r.grad_norm[0]) for r in _depth_results(depth)}
    return _(
        "Backpropagation multiplies the gradient by f′ once per layer. Sigmoid's f′ is at most "
        "**{slope:g}** (at x = 0), so after {n} sigmoid layers the gradient is at most "
        "**{bound}** times what it was, from f′ alone. Top panel: the gradient reaching each "
        "layer of a random {n}-layer network (right is the top, left is layer 1): "
        "{sigmoid:.2g} for sigmoid, {relu:.2g} for ReLU at layer 1. Move the depth."
    ).format(
        slope=max_slope("sigmoid"),
        n=depth,
        bound=bound_text(depth),
        sigmoid=reached["sigmoid"],
        relu=reached["relu"],
    )


def _depth_why(values: Values) -> str:
    return _(
        "{bound}: each of the 10 factors is at most {slope:g}, and they multiply. tanh's f′ "
        "reaches {tanh:g} and ReLU's is exactly {relu:g} for x > 0, which is why deep networks "
        "use them (with a good initialisation)."
    ).format(
        bound=bound_text(10),
        slope=max_slope("sigmoid"),
        tanh=max_slope("tanh"),
        relu=max_slope("relu"),
    )


DEPTH = Step(
    key="depth",
    title=N_("Sigmoid's 0.25 and depth"),
    text=_depth_text,
    figure=_depth_figure,
    name=N_("gradient norm through depth"),
    controls=(Slider("depth", N_("Depth (layers)"), 2, 50, 10, 1),),
    question=Question(
        prompt=N_(
            "Each sigmoid layer multiplies the gradient by f′ ≤ 0.25. After 10 layers, that "
            "factor is at most about…"
        ),
        options=("0.25 × 10 = 2.5", "0.25¹⁰ ≈ 1e-6", "0.25"),
        answer=1,
        why=_depth_why,
    ),
    explore=lambda v: ("gradients", {"act": list(DEPTH_ACTS), "depth": int(v["depth"])}),
)


# --- 2. zero-centring and the zig-zag -------------------------------------------------------


def _zigzag(lr: float) -> list:
    defaults = gradients_view.CONTROLS.default
    return [
        gradients_view.run_zigzag(kind, float(lr), int(defaults("zsteps")), int(defaults("zseed")))
        for kind in gradients_view.ZIGZAG_KINDS
    ]


def _steps_text(result: Any) -> str:
    if result.diverged:
        return _("diverged")
    if result.steps_to_converge is None:
        return _("> {n}").format(n=len(result.path) - 1)
    return str(result.steps_to_converge)


def _zigzag_figure(values: Values) -> FigureSpec:
    titles = [_("all-positive inputs (sigmoid)"), _("zero-centred inputs (tanh)")]
    colors = [activation_color("sigmoid"), activation_color("tanh")]
    return gradient_charts.zigzag_figure(_zigzag(values["zlr"]), titles, colors)


def _zigzag_text(values: Values) -> str:
    positive, centred = _zigzag(values["zlr"])
    return _(
        "Sigmoid's outputs are all positive (its mean on a standard normal input is "
        "{mean:.2f}; tanh's is {tanh_mean:.2f}). A neuron fed only positive inputs gets weight "
        "gradients that share one sign, so it cannot grow one weight while shrinking another "
        "in one step: it zig-zags. Left: positive inputs, {pos} steps to the optimum; right: "
        "zero-centred inputs, {cen} steps. Try a larger learning rate."
    ).format(
        mean=activations.properties("sigmoid").mean_normal,
        tanh_mean=activations.properties("tanh").mean_normal,
        pos=_steps_text(positive),
        cen=_steps_text(centred),
    )


def _zigzag_why(values: Values) -> str:
    positive, centred = _zigzag(values["zlr"])
    return _(
        "The same sign: the gradient of wᵢ is δ·xᵢ, and with every xᵢ > 0 all of them take δ's "
        "sign. Here {pos_share} of the samples give two gradients of one sign with positive "
        "inputs, {cen_share} with centred ones; the valley is {pos_cond:.1f} times longer than "
        "wide, against {cen_cond:.1f}."
    ).format(
        pos_share=f"{positive.same_sign_share:.0%}",
        cen_share=f"{centred.same_sign_share:.0%}",
        pos_cond=positive.condition,
        cen_cond=centred.condition,
    )


ZIGZAG = Step(
    key="zigzag",
    title=N_("Zero-centring and the zig-zag"),
    text=_zigzag_text,
    figure=_zigzag_figure,
    name=N_("zig-zag"),
    controls=(
        Slider(
            "zlr", N_("Learning rate"), gradients_view.ZLR_MIN, gradients_view.ZLR_MAX, 3.0, 0.1
        ),
    ),
    question=Question(
        prompt=N_("If every input of a neuron is positive, its weight gradients for one sample…"),
        options=(N_("all have the same sign"), N_("have random signs"), N_("are all zero")),
        answer=0,
        why=_zigzag_why,
    ),
    explore=lambda v: ("gradients", {"zlr": v["zlr"]}),
)


# --- 3. dying ReLU and leaky ReLU ------------------------------------------------------------


def _dying(lr: float, bias: float) -> list:
    defaults = gradients_view.CONTROLS.default
    return [
        gradients_view.run_dying(
            name, float(lr), defaults("dinit"), float(bias), int(defaults("dseed"))
        )
        for name in ("relu", "leaky_relu")
    ]


def _dying_text(values: Values) -> str:
    relu, leaky = _dying(values["lr"], values["bias"])
    return _(
        "A small network learns sin(x) with Adam. A ReLU unit whose input is negative on every "
        "sample has f′ = 0 on all of them: it gets no gradient and never comes back. With this "
        "learning rate and initial bias, **{relu} of ReLU's units** are dead after training, "
        "**{leaky}** of leaky ReLU's (its slope below 0 is {slope:g}, never 0). Raise the "
        "learning rate, lower the bias."
    ).format(
        relu=f"{relu.dead[-1]:.0%}",
        leaky=f"{leaky.dead[-1]:.0%}",
        slope=float(activations.get("leaky_relu").grad(-1.0)),
    )


def _dying_why(values: Values) -> str:
    relu, _leaky = _dying(values["lr"], values["bias"])
    return _(
        "Exactly zero: ReLU's f′ is {zero:g} for every negative input, so no sample moves the "
        "unit's weights and it stays dead ({relu} of the units here). Leaky ReLU's f′ there is "
        "{slope:g}: small, but never zero, so its units can come back."
    ).format(
        zero=float(activations.get("relu").grad(-1.0)),
        relu=f"{relu.dead[-1]:.0%}",
        slope=float(activations.get("leaky_relu").grad(-1.0)),
    )


DYING = Step(
    key="dying",
    title=N_("Dying ReLU and leaky ReLU"),
    text=_dying_text,
    figure=lambda v: gradient_charts.dying_figure(_dying(v["lr"], v["bias"])),
    name=N_("dying ReLU"),
    controls=(
        Pick("lr", N_("Learning rate"), (0.01, 0.1, 0.3, 1.0), 0.3, lambda v: f"{v:g}"),
        Slider(
            "bias", N_("Initial bias"), gradients_view.BIAS_MIN, gradients_view.BIAS_MAX, 0.0, 0.1
        ),
    ),
    question=Question(
        prompt=N_("What gradient does a ReLU unit get if its input is negative on every sample?"),
        options=(
            N_("A small one"),
            N_("Exactly zero, so it never recovers"),
            N_("A large one"),
        ),
        answer=1,
        why=_dying_why,
    ),
    explore=lambda v: ("gradients", {"lr": v["lr"], "bias": v["bias"]}),
)


# --- 4. cost -------------------------------------------------------------------------------


def _cost(name: str) -> float:
    return float(activations.properties(name).cost_ns_f)


def _cost_text(values: Values) -> str:
    act = values["act"]
    return _(
        "Every unit computes its activation on every input, forward and backward, so cost "
        "adds up. Measured on this server (2·10⁵ values): **{act}** takes {ns:.1f} ns per "
        "value, ReLU {relu:.1f} ns: about {ratio:.1f} times as much. ReLU is one comparison; "
        "sigmoid, ELU and SiLU need an exponential, GELU an error function. Hard-swish copies "
        "SiLU's shape without the exponential ({hard:.1f} ns)."
    ).format(
        act=_label(act),
        ns=_cost(act),
        relu=_cost("relu"),
        ratio=_cost(act) / max(_cost("relu"), 1e-9),
        hard=_cost("hard_swish"),
    )


def _cost_why(values: Values) -> str:
    names = ("sigmoid", "relu", "gelu")
    cheapest = min(names, key=_cost)
    return _(
        "ReLU: max(0, x) is a single comparison. Measured here: {timings}; the cheapest of the "
        "three is {cheapest}."
    ).format(
        timings=", ".join(f"{_label(n)} {_cost(n):.1f} ns" for n in names),
        cheapest=_label(cheapest),
    )


COST = Step(
    key="cost",
    title=N_("What it costs"),
    text=_cost_text,
    figure=lambda v: _curves(("relu", v["act"], "hard_swish")),
    name=N_("activation curves"),
    controls=(Pick("act", N_("Activation"), ("sigmoid", "silu", "gelu", "elu"), "silu", _label),),
    question=Question(
        prompt=N_("Which is cheapest to compute?"),
        options=(
            N_("sigmoid (an exponential)"),
            N_("ReLU (a comparison)"),
            N_("GELU (an error function)"),
        ),
        answer=1,
        why=_cost_why,
    ),
    explore=lambda v: _curves_link(("relu", v["act"], "hard_swish")),
)


# --- 5. the smooth modern ones ---------------------------------------------------------------


def _smooth_text(values: Values) -> str:
    act = values["act"]
    props = activations.properties(act)
    return _(
        "The newer activations look like ReLU far from 0 but are smooth at 0 and dip a little "
        "below it before rising: **{act}** reaches its lowest value {low:.4f}, its slope at 0 "
        "is {slope:g} (ReLU jumps from 0 to 1 there). Smooth curves give smooth gradients; "
        "deep networks such as Transformers use GELU, mobile networks hard-swish."
    ).format(act=_label(act), low=props.output_range[0], slope=props.grad_at_0)


def _smooth_why(values: Values) -> str:
    return _(
        "It dips below 0 and is smooth at 0: SiLU's lowest value is {silu:.4f}, GELU's "
        "{gelu:.4f}, and neither has a kink. They are not monotonic, and unbounded above like "
        "ReLU."
    ).format(
        silu=activations.properties("silu").output_range[0],
        gelu=activations.properties("gelu").output_range[0],
    )


SMOOTH = Step(
    key="smooth",
    title=N_("The smooth modern ones"),
    text=_smooth_text,
    figure=lambda v: _curves(("relu", v["act"])),
    name=N_("activation curves"),
    controls=(Pick("act", N_("Activation"), ("gelu", "silu", "mish", "elu"), "silu", _label),),
    question=Question(
        prompt=N_("Unlike ReLU, SiLU (swish)…"),
        options=(
            N_("is never negative"),
            N_("dips slightly below 0 and has no kink at 0"),
            N_("is bounded above"),
        ),
        answer=1,
        why=_smooth_why,
    ),
    explore=lambda v: _curves_link(("relu", v["act"])),
)


# --- 6. a closing comparison ----------------------------------------------------------------


def _yes_no(value: bool | None) -> str:
    return "—" if value is None else _("yes") if value else _("no")


def _saturates(value: str) -> str:
    return {
        "both": _("both sides"),
        "left": _("left"),
        "right": _("right"),
        "no": _("no"),
    }.get(value, value)


def _comparison_table(values: Values) -> list[str]:
    head = (
        _("Activation"),
        _("Range"),
        _("Zero-centred"),
        _("Largest slope"),
        _("Saturates"),
        _("ns per value"),
    )
    rows = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for name in COMPARED:
        p = activations.properties(name)
        cells = (
            _label(name),
            p.range_str,
            _yes_no(p.zero_centred),
            f"{p.max_abs_grad:.3g}",
            _saturates(p.saturates),
            f"{p.cost_ns_f:.1f}",
        )
        rows.append("| " + " | ".join(cells) + " |")
    return ["\n".join(rows)]


def _compare_text(values: Values) -> str:
    return _(
        "All of them side by side, with what the library measures from their kernels (table "
        "below). A common choice: ReLU or a variant (leaky ReLU, GELU, SiLU) in the hidden "
        "layers; sigmoid only for a yes/no output; softmax for several classes (next lesson). "
        "Switch |f′| to a log scale to see how fast each gradient vanishes in the tails."
    )


def _compare_why(values: Values) -> str:
    relu = activations.properties("relu")
    return _(
        "ReLU or one of its variants: its slope is {slope:g} for every x > 0 (no vanishing "
        "there), it is the cheapest here ({ns:.1f} ns), and leaky ReLU, GELU or SiLU remove "
        "its dead zone. Sigmoid's largest slope is {sigmoid:g}."
    ).format(slope=relu.max_abs_grad, ns=relu.cost_ns_f, sigmoid=max_slope("sigmoid"))


COMPARE = Step(
    key="compare",
    title=N_("A closing comparison"),
    text=_compare_text,
    figure=lambda v: _curves(COMPARED, log_grad=v["scale"] == "log", height=620),
    name=N_("activation curves"),
    controls=(
        Pick(
            "scale",
            N_("Scale of |f′|"),
            ("linear", "log"),
            "linear",
            lambda v: _("linear") if v == "linear" else _("log"),
        ),
    ),
    question=Question(
        prompt=N_("Which is the usual first choice for hidden layers today?"),
        # The registry's labels (translated with the activations' names).
        options=(
            activations.get("sigmoid").label,
            N_("ReLU or a variant of it"),
            activations.get("step").label,
        ),
        answer=1,
        why=_compare_why,
    ),
    explore=lambda v: _curves_link(COMPARED, **({"logd": "true"} if v["scale"] == "log" else {})),
    notes=_comparison_table,
)


LESSON = Lesson(
    id="choose",
    title=N_("Choosing an activation"),
    summary=N_(
        "What tutorials judge an activation by: vanishing gradients, zero-centring, dead "
        "units, cost and smoothness; and which to use where."
    ),
    minutes=20,
    objectives=(
        N_("Compute the vanishing-gradient bound 0.25ⁿ for n sigmoid layers."),
        N_("Explain why positive-only outputs make gradient descent zig-zag."),
        N_("Recognise a dead ReLU unit and how leaky ReLU avoids it."),
        N_("Compare activations by range, slope, saturation and cost."),
    ),
    steps=(DEPTH, ZIGZAG, DYING, COST, SMOOTH, COMPARE),
)
