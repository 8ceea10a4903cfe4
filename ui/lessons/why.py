"""Lesson 1: why networks need activations. A layer is rotate, scale, rotate, shift; linear
layers stack into one; ReLU folds; sigmoid and tanh squash; with an activation, depth bends."""

from __future__ import annotations

from typing import Any

import numpy as np

import activations
from activations import warp
from charts import warp as warp_charts
from charts.theme import FigureSpec, activation_label
from i18n import N_, _
from ui import warp_view
from ui.lessons import Lesson, Pick, Question, Slider, Step, Values

N_POINTS = 2_000  # the Warp page's default cloud, so that its link shows the same points
A = tuple(float(v) for v in warp.PRESET_MATRIX.flat)  # the tutorial's matrix A
PLAIN = warp_view.Colouring(eps=0.01, area=False, sat=False)


def _label(name: str) -> str:
    return activation_label(activations.get(name))


def _setup(kind: str, b1: float = 0.0, b2: float = 0.0) -> warp_view.Setup:
    return warp_view.Setup(kind, N_POINTS, 0, A, (float(b1), float(b2)))


def _stages(kind: str, act: str, b1: float = 0.0, b2: float = 0.0) -> FigureSpec:
    side = warp_view.Side(_label(act), act, ())
    return warp_view.stages(_setup(kind, b1, b2), [side], PLAIN, warp_charts.stage_titles())


def _diag(kind: str, act: str, b1: float = 0.0, b2: float = 0.0) -> warp.Diagnostics:
    return warp_view.diag_of(_setup(kind, b1, b2), act, (), PLAIN.eps)


def _stack(act: str, layers: int) -> dict:
    return warp_view.stack_of(_setup("grid"), act, (), int(layers), 0, 1.0)


def _stack_figure(act: str, layers: int) -> FigureSpec:
    titles = [_("input")] + [_("after layer {k}").format(k=k) for k in range(1, int(layers) + 1)]
    return warp_view.stack_figure(_setup("grid"), act, (), int(layers), 0, 1.0, titles)


def _link(act: str, cloud: str, **more: Any) -> tuple[str, dict[str, Any]]:
    return "warp", {"act": act, "cloud": cloud, **{k: v for k, v in more.items() if v}}


def _pct(share: float) -> str:
    return f"{share:.0%}"


# --- 1. a layer ----------------------------------------------------------------------------


def _svd_text(values: Values) -> str:
    svd = warp.decompose(np.asarray(A).reshape(2, 2))
    return _(
        "A layer computes **W x + b**. Here W is the matrix A of a tutorial, and every matrix is "
        "a rotation, a stretch along the axes and another rotation (its SVD). For A: turn by "
        "θ = {theta:.1f}°, stretch by σ₁ = {s1:.3f} and σ₂ = {s2:.3f}, turn by φ = {phi:.1f}°. "
        "Then the bias b shifts everything. Watch the grid go through each stage: lines stay "
        "straight and parallel."
    ).format(
        theta=np.degrees(svd.theta),
        s1=svd.sigma1,
        s2=svd.sigma2,
        phi=np.degrees(svd.phi),
    )


def _svd_why(values: Values) -> str:
    svd = warp.decompose(np.asarray(A).reshape(2, 2))
    return _(
        "Both stretches of A are below 1 (σ₁ = {s1:.3f}, σ₂ = {s2:.3f}), so the scale stage "
        "shrinks the grid; along the second direction to {pct} of its length. The area of every "
        "square is multiplied by σ₁σ₂ = |det A| = {det:.3f}."
    ).format(
        s1=svd.sigma1,
        s2=svd.sigma2,
        pct=_pct(svd.sigma2),
        det=abs(float(np.linalg.det(np.asarray(A).reshape(2, 2)))),
    )


LAYER = Step(
    key="layer",
    title=N_("A layer: rotate, scale, rotate, shift"),
    text=_svd_text,
    figure=lambda v: _stages("grid", "identity", v["b1"], v["b2"]),
    name=N_("a layer in stages"),
    controls=(
        Slider("b1", N_("Shift b₁"), -1.0, 1.0, 0.5, 0.1),
        Slider("b2", N_("Shift b₂"), -1.0, 1.0, 0.0, 0.1),
    ),
    question=Question(
        prompt=N_("Both of A's stretches are below 1. What does the scale stage do to the grid?"),
        options=(
            N_("It stretches the grid"),
            N_("It shrinks the grid"),
            N_("It bends the grid lines"),
        ),
        answer=1,
        why=_svd_why,
    ),
    explore=lambda v: _link("identity", "grid", b1=v["b1"], b2=v["b2"]),
)


# --- 2. linear layers stack into one ---------------------------------------------------------


def _linear_text(values: Values) -> str:
    stack = _stack("identity", values["layers"])
    w, b = stack["single"]
    return _(
        "Stack {k} layers without an activation, each with its own W and b. The result is again "
        "one layer: W′x + b′ with W′ = [[{w11:.3f}, {w12:.3f}], [{w21:.3f}, {w22:.3f}]] and "
        "b′ = ({b1:.3f}, {b2:.3f}). Over all {n} points the stack and that single layer differ "
        "by at most {gap:.1e}: rounding, nothing more."
    ).format(
        k=int(values["layers"]),
        w11=w[0, 0],
        w12=w[0, 1],
        w21=w[1, 0],
        w22=w[1, 1],
        b1=b[0],
        b2=b[1],
        n=N_POINTS,
        gap=stack["gap"],
    )


def _linear_why(values: Values) -> str:
    return _(
        "W₂(W₁x + b₁) + b₂ = (W₂W₁)x + (W₂b₁ + b₂): one matrix and one shift, however many layers. "
        "Straight lines stay straight (largest difference here: {gap:.1e}), so such a network "
        "can only ever draw one straight boundary."
    ).format(gap=_stack("identity", values["layers"])["gap"])


LINEAR = Step(
    key="linear",
    title=N_("Two linear layers are one"),
    text=_linear_text,
    figure=lambda v: _stack_figure("identity", v["layers"]),
    name=N_("linear layers stacked"),
    controls=(Slider("layers", N_("Layers"), 2, 4, 2, 1),),
    question=Question(
        prompt=N_("With enough linear layers (no activation), can the grid lines become curved?"),
        options=(
            N_("Yes, with enough layers"),
            N_("No: the stack is one matrix and one shift"),
        ),
        answer=1,
        why=_linear_why,
    ),
    explore=lambda v: _link("identity", "grid", layers=int(v["layers"])),
)


# --- 3. ReLU folds -----------------------------------------------------------------------------


def _relu_text(values: Values) -> str:
    d = _diag("square", "relu", values["b1"])
    return _(
        "Now the same layer ends with **ReLU**, max(0, z) on each coordinate. The points are "
        "coloured by the quadrant they start in. ReLU keeps what is positive and sets every "
        "negative coordinate to 0: a point with one negative coordinate lands on an axis, with "
        "two on the origin. Here {kept} of the points keep both coordinates, {axis} land on an "
        "axis and {origin} on the origin. Move the shift b₁ and watch the fold move."
    ).format(
        kept=_pct(1.0 - d.on_axis - d.at_origin),
        axis=_pct(d.on_axis),
        origin=_pct(d.at_origin),
    )


def _relu_why(values: Values) -> str:
    d = _diag("square", "relu", values["b1"])
    return _(
        "Both coordinates become 0, so all of them land on one point, the origin: {origin} of "
        "the points here. Many points on one point: ReLU folds the plane, and no later layer can "
        "tell them apart again."
    ).format(origin=_pct(d.at_origin))


RELU = Step(
    key="relu",
    title=N_("ReLU folds the plane"),
    text=_relu_text,
    figure=lambda v: _stages("square", "relu", v["b1"]),
    name=N_("relu folds"),
    controls=(Slider("b1", N_("Shift b₁"), -1.0, 1.0, 0.0, 0.1),),
    question=Question(
        prompt=N_("After ReLU, where do the points with both coordinates of W x + b negative go?"),
        options=(
            N_("They stay where they are"),
            N_("Onto an axis"),
            N_("Onto the origin (0, 0)"),
        ),
        answer=2,
        why=_relu_why,
    ),
    explore=lambda v: _link("relu", "square", b1=v["b1"]),
)


# --- 4. sigmoid and tanh squash ------------------------------------------------------------


def _squash_text(values: Values) -> str:
    act = values["act"]
    d = _diag("grid", act)
    square = "(0, 1)²" if act == "sigmoid" else "(−1, 1)²"
    share = d.in_unit_square if act == "sigmoid" else d.in_centred_square
    return _(
        "**{act}** never folds: it squashes. Every coordinate goes into {range}, so the whole "
        "plane lands inside the square {square}, bent a little (lines curve near its edges). "
        "Here {share} of the points end inside it. Switch between sigmoid and tanh."
    ).format(
        act=_label(act),
        range=activations.properties(act).range_str,
        square=square,
        share=_pct(share),
    )


def _squash_why(values: Values) -> str:
    return _(
        "tanh's range is {tanh}, sigmoid's is {sigmoid}: tanh fills (−1, 1)², centred on 0, "
        "sigmoid (0, 1)². Both are one-to-one, so nothing folds; far-out points crowd near the "
        "edges, where the slope is almost 0."
    ).format(
        tanh=activations.properties("tanh").range_str,
        sigmoid=activations.properties("sigmoid").range_str,
    )


SQUASH = Step(
    key="squash",
    title=N_("Sigmoid and tanh squash"),
    text=_squash_text,
    figure=lambda v: _stages("grid", v["act"]),
    name=N_("sigmoid and tanh squash"),
    controls=(Pick("act", N_("Activation"), ("sigmoid", "tanh"), "sigmoid", _label),),
    question=Question(
        prompt=N_("Which square holds every output of tanh?"),
        options=("(0, 1)²", "(−1, 1)²", N_("No square: the whole plane")),
        answer=1,
        why=_squash_why,
    ),
    explore=lambda v: _link(v["act"], "grid"),
)


# --- 5. with an activation, depth bends --------------------------------------------------


def _bend_text(values: Values) -> str:
    act, layers = values["act"], int(values["layers"])
    return _(
        "Stack {k} layers again, now with **{act}** after each. The grid bends and folds more "
        "with every layer, and the stack is no longer one matrix: its matrices and shifts "
        "multiplied into one W′x + b′ miss the real output by up to {gap:.2f}. This is what "
        "depth buys, and only with an activation. Training then chooses W and b so that the "
        "bends and cuts fall where the data needs them."
    ).format(k=layers, act=_label(act), gap=_stack(act, layers)["gap"])


def _bend_why(values: Values) -> str:
    return _(
        "No. Each activation bends the output of the layer before it, so the stack differs from "
        "any single matrix: here by up to {gap:.2f}, against {linear:.1e} without activation."
    ).format(
        gap=_stack(values["act"], values["layers"])["gap"],
        linear=_stack("identity", values["layers"])["gap"],
    )


BEND = Step(
    key="bend",
    title=N_("With an activation, depth bends"),
    text=_bend_text,
    figure=lambda v: _stack_figure(v["act"], v["layers"]),
    name=N_("layers with an activation"),
    controls=(
        Pick("act", N_("Activation"), ("relu", "tanh"), "relu", _label),
        Slider("layers", N_("Layers"), 2, 4, 3, 1),
    ),
    question=Question(
        prompt=N_("With an activation after each layer, are the stacked layers still one matrix?"),
        options=(N_("Yes, as before"), N_("No: each layer bends the last one's output")),
        answer=1,
        why=_bend_why,
    ),
    explore=lambda v: _link(v["act"], "grid", layers=int(v["layers"])),
)


LESSON = Lesson(
    id="why",
    title=N_("Why networks need activations"),
    summary=N_(
        "A layer only rotates, stretches and shifts; stacked, it stays one layer. An activation "
        "folds or squashes the plane, and only then does depth add anything."
    ),
    minutes=10,
    objectives=(
        N_("Read a 2×2 matrix as rotate, scale, rotate (its SVD), and a bias as a shift."),
        N_("Explain why stacked linear layers are one linear layer."),
        N_("Describe what ReLU does to the plane (folds) and what sigmoid and tanh do (squash)."),
    ),
    steps=(LAYER, LINEAR, RELU, SQUASH, BEND),
)
