"""Lesson 4: softmax and the output layer. Scores to probabilities, the temperature, the
two-class case (the sigmoid), softmax as a map that keeps only differences, and the output
layer of a classifier on the triangle of probabilities."""

from __future__ import annotations

import numpy as np

import activations
from activations.clouds import make_cloud
from activations.softmax_maps import two_class_softmax
from charts import softmax as softmax_charts
from charts.theme import FigureSpec
from i18n import N_, _
from ui import softmax_view
from ui.lessons import Lesson, Question, Slider, Step, Values

LOGITS = np.array([1.0, 5.0, 2.0, 0.0, 6.0, 7.0])  # a tutorial's example (BRIEF.md)
TRIPLE = LOGITS[:3]


def _numbers(values: np.ndarray, digits: int = 4) -> str:
    return "(" + ", ".join(f"{v:.{digits}g}" for v in values) + ")"


def _temperature(default: float = 1.0) -> Slider:
    return Slider("t", N_("Temperature T"), softmax_view.T_MIN, softmax_view.T_MAX, default, 0.1)


# --- 1. scores to probabilities --------------------------------------------------------------


def _probs_figure(values: Values) -> FigureSpec:
    t = float(values["t"])
    probs = activations.softmax(LOGITS, temperature=t)
    log_probs = activations.log_softmax(LOGITS, temperature=t)
    return softmax_charts.probabilities_figure(LOGITS, probs, log_probs, temperature=t)


def _probs_text(values: Values) -> str:
    t = float(values["t"])
    probs = activations.softmax(LOGITS, temperature=t)
    top = int(np.argmax(probs))
    return _(
        "A classifier's last layer gives one score (logit) per class. Softmax turns them into "
        "probabilities: pᵢ = e^(zᵢ/T) / Σⱼ e^(zⱼ/T). For a tutorial's scores z = {z} it gives "
        "{p} at T = 1: all positive, summing to {total:.15g}, the largest score the most "
        "likely. At T = {t:g} the top class z = {top:g} gets **{share:.1%}**. Move the "
        "temperature: small T sharpens, large T flattens."
    ).format(
        z=_numbers(LOGITS),
        p=_numbers(activations.softmax(LOGITS), 3),
        total=float(activations.softmax(LOGITS).sum()),
        t=t,
        top=LOGITS[top],
        share=float(probs[top]),
    )


def _probs_why(values: Values) -> str:
    shifted = activations.softmax(LOGITS + 10.0)
    gap = float(np.max(np.abs(shifted - activations.softmax(LOGITS))))
    return _(
        "They stay the same: e^(zᵢ+10) / Σⱼ e^(zⱼ+10) = e^(zᵢ) / Σⱼ e^(zⱼ), the factor e^10 "
        "cancels. Computed: the largest change is {gap:.1e}. Only differences between scores "
        "matter."
    ).format(gap=gap)


PROBS = Step(
    key="probs",
    title=N_("From scores to probabilities"),
    text=_probs_text,
    figure=_probs_figure,
    name=N_("softmax probabilities"),
    controls=(_temperature(),),
    question=Question(
        prompt=N_("Add 10 to every score. What happens to the probabilities?"),
        options=(
            N_("They all grow"),
            N_("They stay exactly the same"),
            N_("They become equal"),
        ),
        answer=1,
        why=_probs_why,
    ),
    explore=lambda v: ("softmax", {"t": v["t"]}),
)


# --- 2. two classes: the sigmoid ---------------------------------------------------------------


def _two_class(t: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    z = np.linspace(-10.0, 10.0, 801)
    pairs = np.stack((two_class_softmax(z, t), two_class_softmax(-z, t)), 1)
    sigmoid = activations.get("sigmoid")
    sigmoids = np.stack((sigmoid.fn(z / t), sigmoid.fn(-z / t)), 1)
    return z, pairs, sigmoids


def _two_text(values: Values) -> str:
    _z, pairs, sigmoids = _two_class(float(values["t"]))
    return _(
        "With two classes and scores (z, 0), softmax's first probability is e^(z/T) / "
        "(e^(z/T) + 1) = 1 / (1 + e^(−z/T)): the sigmoid of z/T. So a yes/no classifier with a "
        "sigmoid output is a two-class softmax. The curves coincide; the largest difference "
        "computed here is {gap:.1e}."
    ).format(gap=float(np.max(np.abs(pairs - sigmoids))))


def _two_why(values: Values) -> str:
    sigmoid = float(activations.get("sigmoid").fn(2.0))
    soft = float(activations.softmax([2.0, 0.0])[0])
    return _(
        "σ(z/T). For example at z = 2, T = 1: softmax(2, 0)₁ = {soft:.6f} and σ(2) = {sigmoid:.6f}."
    ).format(soft=soft, sigmoid=sigmoid)


TWO = Step(
    key="two",
    title=N_("Two classes: softmax is the sigmoid"),
    text=_two_text,
    figure=lambda v: softmax_charts.two_class_figure(
        *_two_class(float(v["t"])), temperature=float(v["t"])
    ),
    name=N_("two-class softmax and sigmoid"),
    controls=(_temperature(),),
    question=Question(
        prompt=N_("With scores (z, 0), what is softmax's first probability?"),
        options=("σ(z/T)", "z/T", "tanh(z/T)"),
        answer=0,
        why=_two_why,
    ),
    explore=lambda v: ("softmax", {"t": v["t"]}),
)


# --- 3. softmax as a map -----------------------------------------------------------------------


def _map_figure(values: Values) -> FigureSpec:
    cloud = make_cloud(softmax_view.CONTROLS.default("cloud"), softmax_view.CLOUD_POINTS, seed=0)
    plane = np.asarray(cloud.points) * float(values["spread"])
    return softmax_charts.segment_figure(plane, activations.softmax(plane), temperature=1.0)


def _map_text(values: Values) -> str:
    return _(
        "Softmax sends every point (z₁, z₂) of the plane onto the segment p₁ + p₂ = 1. A whole "
        "line z₁ − z₂ = c lands on one point, p₁ = σ(c): the map keeps the difference of the "
        "scores and forgets the rest. The cloud here spreads to ±{spread:g}; move the spread "
        "and watch the points crowd at the segment's ends."
    ).format(spread=float(values["spread"]))


def _map_why(values: Values) -> str:
    a = activations.softmax([1.0, 3.0])
    b = activations.softmax([2.0, 4.0])
    return _(
        "(2, 4): its difference is −2, like (1, 3)'s. Computed: softmax(1, 3) = {a} and "
        "softmax(2, 4) = {b}."
    ).format(a=_numbers(a, 6), b=_numbers(b, 6))


MAP = Step(
    key="map",
    title=N_("Softmax as a map: only differences matter"),
    text=_map_text,
    figure=_map_figure,
    name=N_("softmax maps the plane onto a segment"),
    controls=(
        Slider(
            "spread",
            N_("Spread of the logits"),
            softmax_view.SPREAD_MIN,
            softmax_view.SPREAD_MAX,
            3.0,
            0.5,
        ),
    ),
    question=Question(
        prompt=N_("Which scores (z₁, z₂) give the same probabilities as (1, 3)?"),
        options=("(2, 4)", "(2, 6)", "(3, 1)"),
        answer=0,
        why=_map_why,
    ),
    explore=lambda v: ("softmax", {"spread": v["spread"]}),
)


# --- 4. the output layer --------------------------------------------------------------------


def _simplex_figure(values: Values) -> FigureSpec:
    t = float(values["t"])
    space = np.random.default_rng(0).normal(0.0, 2.0, (softmax_view.CLOUD_POINTS, 3))
    t_path = np.geomspace(softmax_view.T_MIN, softmax_view.T_MAX, 80)
    return softmax_charts.simplex_figure(
        activations.softmax(space, temperature=t),
        highlight=activations.softmax(TRIPLE, temperature=t),
        highlight_label=_("(z₁, z₂, z₃) = {z}").format(z=_numbers(TRIPLE)),
        path=activations.softmax(TRIPLE[None, :] / t_path[:, None]),
    )


def _output_text(values: Values) -> str:
    t = float(values["t"])
    return _(
        "A network for three classes ends with three scores and a softmax: its answer is a "
        "point of this triangle. Each corner is a certain class, the centre is complete doubt. "
        "Training pushes the right class's p up (cross-entropy, −log p). The star is the "
        "scores {z} at T = {t:g}: p = {p}. The black line is their path as T runs from 0.1 to "
        "10."
    ).format(z=_numbers(TRIPLE), t=t, p=_numbers(activations.softmax(TRIPLE, temperature=t), 3))


def _output_why(values: Values) -> str:
    return _(
        "To the corner of the largest score: at T = 0.1 the scores {z} give {cold}; at T = 10 "
        "they give {hot}, near the centre."
    ).format(
        z=_numbers(TRIPLE),
        cold=_numbers(activations.softmax(TRIPLE, temperature=0.1), 3),
        hot=_numbers(activations.softmax(TRIPLE, temperature=10.0), 3),
    )


OUTPUT = Step(
    key="output",
    title=N_("The output layer"),
    text=_output_text,
    figure=_simplex_figure,
    name=N_("softmax maps space onto a triangle"),
    controls=(_temperature(),),
    question=Question(
        prompt=N_("As the temperature T goes to 0, where do the probabilities go?"),
        options=(
            N_("To the centre (⅓, ⅓, ⅓)"),
            N_("To the corner of the largest score"),
            N_("Nowhere: T changes nothing"),
        ),
        answer=1,
        why=_output_why,
    ),
    explore=lambda v: ("softmax", {"t": v["t"], "z": ", ".join(f"{x:g}" for x in TRIPLE)}),
)


LESSON = Lesson(
    id="softmax",
    title=N_("Softmax and the output layer"),
    summary=N_(
        "How a classifier's scores become probabilities, why only their differences matter, "
        "and how two classes give back the sigmoid."
    ),
    minutes=10,
    objectives=(
        N_("Compute softmax probabilities and explain the temperature."),
        N_("Show that softmax of (z, 0) is the sigmoid of z."),
        N_("Read a classifier's output as a point of the probability triangle."),
    ),
    steps=(PROBS, TWO, MAP, OUTPUT),
)
