"""Lesson 2: XOR. No line separates it; two threshold units do, by hand; a trained network's
hidden space, where one line does; that line, mapped back, is a curve in the plane.

The networks are trained exactly as the Train page trains them (its controls' defaults, seed
0, which solve xor, circles and moons: bench/bench_train_seeds.py), so a step's "explore" link
opens the Train page on the same run.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np
import pandas as pd
import streamlit as st

import activations
from activations import nn
from charts import train as train_charts
from charts.theme import FigureSpec, activation_label
from i18n import N_, _
from ui import controls, train_view
from ui.lessons import Lesson, Pick, Question, Slider, Step, Values

SEED = 0


def _label(name: str) -> str:
    return activation_label(activations.get(name))


def _chosen(act: str, dataset: str) -> train_view.Chosen:
    """The Train page's choices for ``act`` on ``dataset``, every other control at its default."""
    default = train_view.CONTROLS.default
    layers = int(default("layers"))
    return train_view.Chosen(
        dataset=dataset,
        n=int(default("n")),
        seed=SEED,
        noise=float(default("noise")),
        layers=layers,
        width=int(default("width")),
        neck=bool(default("neck")),
        acts=(act,) * layers,
        functions=(act,) * layers,
        params=({},) * layers,
        optimizer=default("optimizer"),
        lr=float(default("lr")),
        epochs=int(default("epochs")),
        batch=default("batch"),
        init=default("init"),
        iscale=float(default("iscale")),
        l2=float(default("l2")),
        layer=layers - 1,
        units=(None, None),
    )


@st.cache_resource(max_entries=16, show_spinner=False)
def trained(act: str, dataset: str) -> tuple[train_view.Setting, train_view.Result]:
    """The Train page's run of ``act`` on ``dataset`` (deterministic; shared, never changed)."""
    setting = train_view.prepare(_chosen(act, dataset))
    model, history = nn.train(setting.data, setting.config)
    return setting, train_view.Result(model, history, complete=True, seconds=0.0)


def _figure(act: str, dataset: str) -> FigureSpec:
    setting, run = trained(act, dataset)
    return train_view.figures(setting, run, live=False).replay


def _accuracy(act: str, dataset: str) -> str:
    return f"{float(trained(act, dataset)[1].history.test_acc[-1]):.0%}"


def _link(act: str, dataset: str) -> tuple[str, dict[str, Any]]:
    return "train", {"dataset": dataset, "act": act}


# --- 1. no line separates XOR ------------------------------------------------------------------


def _line_text(values: Values) -> str:
    dataset = values["dataset"]
    return _(
        "XOR's classes sit on opposite corners: (0, 0) and (1, 1) in one class, (0, 1) and "
        "(1, 0) in the other. Here a network **without activations** (identity in every layer) "
        "has trained on {data}. Whatever its depth, it is one linear map, so its boundary "
        "(left) is a straight line. Test accuracy: **{acc}**, not much better than a coin."
    ).format(data=controls.shape_label(dataset), acc=_accuracy("identity", dataset))


def _line_why(values: Values) -> str:
    return _(
        "Three. A line can put (0, 0) alone on one side, or (1, 1), but the two corners of one "
        "class lie on a diagonal and the other two on the other diagonal: every line gets at "
        "least one corner wrong. The linear network reached {acc} on the test points."
    ).format(acc=_accuracy("identity", "xor"))


LINE = Step(
    key="line",
    title=N_("No straight line separates XOR"),
    text=_line_text,
    figure=lambda v: _figure("identity", v["dataset"]),
    name=N_("a linear network on xor"),
    controls=(Pick("dataset", N_("Dataset"), ("xor", "circles"), "xor", controls.shape_label),),
    question=Question(
        prompt=N_(
            "At best, how many of XOR's four corners can one straight line put on the right side?"
        ),
        options=(N_("Two"), N_("Three"), N_("All four")),
        answer=1,
        why=_line_why,
    ),
    explore=lambda v: _link("identity", v["dataset"]),
)


# --- 2. threshold units by hand --------------------------------------------------------------


def _net(threshold: float) -> nn.ThresholdXOR:
    # The hidden unit h = step(x₁ + x₂ − t).
    return dataclasses.replace(nn.xor_by_hand(), b_hidden=-float(threshold))


def _right_rows(threshold: float) -> int:
    table = _net(threshold).truth_table()
    return int(np.sum(table[:, 3] == (table[:, 0] ^ table[:, 1])))


def _working_range() -> tuple[float, float]:
    """The thresholds t (on a fine grid) for which the hand network computes XOR."""
    grid = np.round(np.arange(0.0, 3.0001, 0.01), 2)
    good = [t for t in grid if _right_rows(t) == 4]
    return float(min(good)), float(max(good))


def _hand_text(values: Values) -> str:
    t = float(values["t"])
    return _(
        "Two threshold units solve XOR by hand. The hidden unit **h = step(x₁ + x₂ − t)** fires "
        "only when both inputs are 1 (an AND, for t = 1.5). The output **y = step(x₁ + x₂ − 2h − "
        "0.5)** sees the inputs and h. Right: the four inputs in the plane (x₁ + x₂, h), where "
        "(0, 1) and (1, 0) meet and one straight line separates the classes. With t = {t:g}, "
        "**{right} of 4** rows of the truth table are right."
    ).format(t=t, right=_right_rows(t))


def _hand_notes(values: Values) -> list[str]:
    table = pd.DataFrame(_net(values["t"]).truth_table(), columns=["x₁", "x₂", "h", "y"])
    rows = ["| x₁ | x₂ | h | y |", "|---|---|---|---|"]
    rows += ["| " + " | ".join(str(v) for v in row) + " |" for row in table.to_numpy()]
    return ["\n".join(rows)]


def _hand_why(values: Values) -> str:
    lo, hi = _working_range()
    return _(
        "Any t with 1 ≤ t < 2 works (checked here on a grid: from {lo:g} to {hi:g}). h must fire "
        "for x₁ + x₂ = 2 and stay off for 1, so the threshold must lie between them. Training "
        "finds such weights by itself, with smooth activations instead of steps."
    ).format(lo=lo, hi=hi)


HAND = Step(
    key="hand",
    title=N_("Threshold units, by hand"),
    text=_hand_text,
    figure=lambda v: train_charts.hand_figure(_net(v["t"])),
    name=N_("xor by hand"),
    controls=(Slider("t", N_("Threshold t of the hidden unit"), 0.0, 3.0, 1.5, 0.25),),
    question=Question(
        prompt=N_("For which thresholds t does the network still compute XOR?"),
        options=(N_("Only t = 1.5"), N_("Any t between 1 and 2"), N_("Any t at all")),
        answer=1,
        why=_hand_why,
    ),
    explore=lambda v: ("train", {"hand": "true"}),
    notes=_hand_notes,
)


# --- 3. the hidden space -------------------------------------------------------------------


def _hidden_text(values: Values) -> str:
    act = values["act"]
    return _(
        "Now a network with **{act}** after each layer has learned XOR (the Train page's "
        "default network: 8, 8 and 2 units, seed 0). Right: the points as its last hidden layer "
        "sees them, two units, so a plane. The network has moved the points so that the output "
        "separates the classes there with **one straight line** (black). Test accuracy: "
        "**{acc}**."
    ).format(act=_label(act), acc=_accuracy(act, "xor"))


def _hidden_why(values: Values) -> str:
    return _(
        "A straight line: the output unit is σ(w·h + b), so its boundary w·h + b = 0 is a line "
        "in the hidden plane. All the bending happened in the layers before it; with {act} the "
        "test accuracy is {acc}."
    ).format(act=_label(values["act"]), acc=_accuracy(values["act"], "xor"))


HIDDEN = Step(
    key="hidden",
    title=N_("A trained network's hidden space"),
    text=_hidden_text,
    figure=lambda v: _figure(v["act"], "xor"),
    name=N_("a trained network on xor"),
    on_screen=N_("Press ▶ under the chart to replay the training, epoch by epoch."),
    controls=(Pick("act", N_("Activation"), ("relu", "tanh", "sigmoid"), "relu", _label),),
    question=Question(
        prompt=N_("In the hidden space (right), what shape is the output's boundary?"),
        options=(N_("A straight line"), N_("A circle"), N_("A zig-zag")),
        answer=0,
        why=_hidden_why,
    ),
    explore=lambda v: _link(v["act"], "xor"),
)


# --- 4. the curve back in the plane ----------------------------------------------------------


def _curve_text(values: Values) -> str:
    dataset = values["dataset"]
    return _(
        "Left: the same kind of network (ReLU) on {data}. Its boundary in the input plane (the "
        "0.5 line between the colours) is curved: it is the straight line of the hidden space "
        "(right), mapped back through the layers that bent the plane. Test accuracy: **{acc}**. "
        "Try the other datasets."
    ).format(data=controls.shape_label(dataset), acc=_accuracy("relu", dataset))


def _curve_why(values: Values) -> str:
    return _(
        "The hidden layers bend the plane, and the output draws a straight line in the bent "
        "space; pulled back into the input plane that line is a curve. A network without "
        "activations cannot bend, so it stays at {linear} on XOR, against {relu} with ReLU."
    ).format(linear=_accuracy("identity", "xor"), relu=_accuracy("relu", "xor"))


CURVE = Step(
    key="curve",
    title=N_("The curved boundary, back in the plane"),
    text=_curve_text,
    figure=lambda v: _figure("relu", v["dataset"]),
    name=N_("a curved boundary"),
    controls=(
        Pick(
            "dataset", N_("Dataset"), ("xor", "circles", "moons"), "circles", controls.shape_label
        ),
    ),
    question=Question(
        prompt=N_(
            "The output draws a straight line. Why is the boundary in the input plane curved?"
        ),
        options=(
            N_("The output layer itself is curved"),
            N_("The hidden layers bend the plane, and the line is drawn in the bent space"),
            N_("Because the data is noisy"),
        ),
        answer=1,
        why=_curve_why,
    ),
    explore=lambda v: _link("relu", v["dataset"]),
)


LESSON = Lesson(
    id="xor",
    title=N_("XOR: why a hidden layer"),
    summary=N_(
        "One line cannot separate XOR. A hidden layer moves the points until one line can; "
        "seen in the input plane, that line is a curve."
    ),
    minutes=15,
    objectives=(
        N_("Show that no single straight line separates XOR's classes."),
        N_("Check by hand that two threshold units compute XOR."),
        N_("Explain a trained network's hidden space and its curved boundary in the input plane."),
    ),
    steps=(LINE, HAND, HIDDEN, CURVE),
)
