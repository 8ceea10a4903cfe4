"""The Train figures: decision regions and the hidden space with an in-browser replay over the
epochs, the training curves, gradient norms per layer, and the XOR-by-hand network.

The replay is one figure with Plotly frames (one per kept snapshot): dragging its slider or
pressing Play needs no server round trip. Frames carry only what changes (the probability map,
the mapped points, grid lines and boundary, the hidden axes' ranges); the input points are drawn
once. :func:`replay_frames` computes the frames from snapshots with the library's picture helpers;
the builders only draw.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from activations.nn import (
    FitFrame,
    HiddenFrame,
    History,
    ReplayFrame,
    ThresholdXOR,
    UnitSummary,
    decision_grid,
    round_step,
)
from charts.theme import FigureSpec, base_layout_dict, panel_title, typed_array
from i18n import _

# Every array of these figures travels as float32: it draws the same picture at half the size.
_typed = functools.partial(typed_array, dtype="f4")

__all__ = [
    "CLASS_COLORS",
    "CLASS_NAMES",
    "PALE_COLORS",
    "Plane",
    "class_regions",
    "grad_norm_figure",
    "grad_norm_table",
    "hand_figure",
    "hand_table",
    "hidden_labels",
    "layer_names",
    "log_ticks",
    "pad_figure",
    "pieces_figure",
    "plane_classes",
    "plane_limits",
    "regions_colorscale",
    "regression_figure",
    "regression_table",
    "replay_figure",
    "replay_table",
    "round_epoch_indices",
    "spread_indices",
    "training_figure",
    "training_table",
    "unit_notes",
]

CLASS_COLORS = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e")
# Pale versions of the class colours: the regions under the points.
PALE_COLORS = ("#9ecae1", "#fc9272", "#a1d99b", "#bcbddc", "#fdd0a2")
# The same colours by the names Streamlit's Markdown knows (":blue[●]"), for widget labels.
CLASS_NAMES = ("blue", "red", "green", "violet", "orange")
UNSURE_COLOR = "#f7f7f7"
# Pale ends so the points stay readable on top; white where the network is unsure.
PROB_COLORSCALE = [[0.0, PALE_COLORS[0]], [0.5, UNSURE_COLOR], [1.0, PALE_COLORS[1]]]
HAND_COLORSCALE = [[0.0, "#c6dbef"], [0.5, "#c6dbef"], [0.5, "#fcbba1"], [1.0, "#fcbba1"]]
GRID_COLOR = "#8c8c8c"
BOUNDARY_COLOR = "#111111"
TRAIN_COLOR, TEST_COLOR = "#1f77b4", "#ff7f0e"
LAYER_COLORS = ("#1f77b4", "#2ca02c", "#9467bd", "#8c564b", "#e377c2")
OUTPUT_COLOR = "#7f7f7f"
GAP = 0.14  # horizontal gap between the two replay panels (paper fraction)


# --- data -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Plane:
    """The input plane: its limits and the train/test points (x: (m, 2), y: (m,) in
    {0, .., k-1})."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    xlim: tuple[float, float]
    ylim: tuple[float, float]


def plane_limits(points: np.ndarray, pad: float = 0.15) -> tuple[float, float]:
    """Symmetric limits (−r, r) holding every finite coordinate of ``points`` with a margin."""
    p = np.asarray(points, dtype=np.float64)
    finite = np.abs(p[np.isfinite(p)])
    r = float(finite.max()) if finite.size else 1.0
    r = float(np.clip(r, 1.0, 10.0)) + pad
    return (-r, r)


def spread_indices(count: int, limit: int) -> list[int]:
    """At most ``limit`` of the indices 0..count-1, evenly spread, first and last kept (which
    snapshots become replay frames, which points are mapped into the hidden space)."""
    if count <= limit:
        return list(range(count))
    return sorted(set(np.linspace(0, count - 1, limit).round().astype(int).tolist()))


def round_epoch_indices(epochs: Sequence[int], limit: int) -> list[int]:
    """Which of the snapshots taken at ``epochs`` (increasing) become replay frames: those at
    multiples of one round step (1, 2, 5, 10, 20, 50, ... epochs), at most ``limit`` of them,
    always the first and the last, so that the epoch slider reads 0, 10, 20, ... 300.

    The step is a multiple of the snapshots' own spacing (the first gap), so every multiple
    has a snapshot.
    """
    ep = [int(e) for e in epochs]
    if len(ep) <= limit or limit < 2:
        return spread_indices(len(ep), limit)
    spacing = max(1, ep[1] - ep[0])
    step = round_step((ep[-1] - ep[0]) / max(1, limit - 1), multiple_of=spacing)
    while True:
        picked = [i for i, e in enumerate(ep) if (e - ep[0]) % step == 0]
        if picked[-1] != len(ep) - 1:
            picked.append(len(ep) - 1)
        if len(picked) <= limit:
            return picked
        step = round_step(step + 1, multiple_of=spacing)


def regions_colorscale(k: int) -> list[list[Any]]:
    """The colorscale of :func:`class_regions` for ``k`` classes: band c (z in [c, c + 1))
    runs from white (the network unsure) to class c's pale colour (sure)."""
    scale: list[list[Any]] = []
    for c in range(k):
        scale += [[c / k, UNSURE_COLOR], [(c + 1) / k, PALE_COLORS[c % len(PALE_COLORS)]]]
    return scale


def class_regions(prob: np.ndarray) -> np.ndarray:
    """Class probabilities (…, k) as one number per point for a heatmap: the most probable
    class c plus its confidence in [0, 1) (0 where all k are equally likely, nearly 1 where the
    network is sure), so that :func:`regions_colorscale` colours each class's region and pales
    it towards the boundaries. NaN (a diverged run) becomes class 0, unsure."""
    p = np.asarray(prob, dtype=np.float64)
    k = p.shape[-1]
    with np.errstate(invalid="ignore"):
        clean = np.where(np.isfinite(p), p, -1.0)
        cls = np.argmax(clean, axis=-1)
        top = np.max(clean, axis=-1)
        sure = np.clip((top - 1.0 / k) / (1.0 - 1.0 / k), 0.0, 0.999)
    return (cls + np.where(top >= 0, sure, 0.0)).astype(np.float32)


def _probability(prob: np.ndarray) -> dict[str, str]:
    """P(class 1) as float32 (NaN, from a diverged run, shows as 0.5: undecided). Coarser
    steps, e.g. whole percent in uint8, draw a staircase 0.5 contour where p is nearly flat."""
    p = np.asarray(prob, dtype=np.float32)
    return _typed(np.where(np.isnan(p), np.float32(0.5), p))


def replay_table(frame: ReplayFrame, plane: Plane, labels: np.ndarray) -> dict[str, np.ndarray]:
    """CSV columns of one frame: the probability map (long format; every class's with more
    than two), then the shown points' hidden coordinates with their class (``labels``)."""
    gx, gy = np.meshgrid(frame.xs, frame.ys)
    table: dict[str, np.ndarray] = {"grid x1": gx.ravel(), "grid x2": gy.ravel()}
    prob = np.asarray(frame.prob, dtype=np.float64)
    if prob.ndim == 3:
        for c in range(prob.shape[-1]):
            table[f"grid P(class {c})"] = prob[..., c].ravel()
    else:
        table["grid P(class 1)"] = prob.ravel()
    table.update(
        {
            "point class": np.asarray(labels),
            "point h_a": frame.hidden.points[:, 0].astype(np.float64),
            "point h_b": frame.hidden.points[:, 1].astype(np.float64),
        }
    )
    x = np.concatenate((plane.x_train, plane.x_test))
    table["data x1"], table["data x2"] = x[:, 0], x[:, 1]
    table["data class"] = np.concatenate((plane.y_train, plane.y_test))
    table["data split"] = np.array(["train"] * len(plane.y_train) + ["test"] * len(plane.y_test))
    return table


# --- replay figure ----------------------------------------------------------------------------


def _prob_trace(axes: tuple[str, str], *, scale: bool, classes: int = 2) -> dict[str, Any]:
    """A probability map with a single contour line at p = 0.5; with more than two classes,
    the regions of the most probable class (:func:`class_regions`)."""
    if classes > 2:
        return {
            "type": "heatmap",
            "zmin": 0.0,
            "zmax": float(classes),
            "colorscale": regions_colorscale(classes),
            "showscale": False,
            "name": _("most probable class"),
            "hovertemplate": "(%{x:.2f}, %{y:.2f})<extra></extra>",
            "xaxis": axes[0],
            "yaxis": axes[1],
        }
    trace: dict[str, Any] = {
        "type": "contour",
        "zmin": 0.0,
        "zmax": 1.0,
        "colorscale": PROB_COLORSCALE,
        # A smooth shaded map with one line where p = 0.5: the decision boundary.
        "contours": {"coloring": "heatmap", "start": 0.5, "end": 0.5, "size": 1.0},
        "line": {"color": BOUNDARY_COLOR, "width": 2.5},
        "showscale": scale,
        "name": _("P(class 1)"),
        "hovertemplate": "(%{x:.2f}, %{y:.2f})<br>"
        + _("P(class 1)")
        + " = %{z:.3f}<extra></extra>",
        "xaxis": axes[0],
        "yaxis": axes[1],
    }
    if scale:
        trace["colorbar"] = {
            "title": {"text": "P(1)", "side": "top"},
            "x": 1.02,
            "xanchor": "left",
            "len": 0.6,
            "thickness": 10,
            "tickvals": [0, 0.5, 1],
        }
    return trace


def _lines_xy(lines: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Polylines (L, S, 2) as one x and one y array with NaN between lines."""
    n, s = lines.shape[:2]
    out = np.full((n, s + 1, 2), np.nan, dtype=np.float32)
    out[:, :s] = lines
    flat = out.reshape(-1, 2)
    return flat[:, 0], flat[:, 1]


def _map_data(xs: np.ndarray, ys: np.ndarray, prob: np.ndarray) -> dict[str, Any]:
    """The data of a probability map: P(class 1) for a contour, or the class regions."""
    if np.ndim(prob) == 3:
        return {
            "type": "heatmap",
            "x": _typed(xs),
            "y": _typed(ys),
            "z": _typed(class_regions(prob)),
        }
    return {"type": "contour", "x": _typed(xs), "y": _typed(ys), "z": _probability(prob)}


def _input_data(frame: ReplayFrame) -> dict[str, Any]:
    return _map_data(frame.xs, frame.ys, frame.prob)


def _hidden_data(frame: HiddenFrame, has_prob: bool, has_boundary: bool) -> list[dict[str, Any]]:
    """The frame-varying traces of the hidden panel, in drawing order."""
    data: list[dict[str, Any]] = []
    if has_prob:
        data.append(_map_data(frame.xs, frame.ys, frame.prob))
    lx, ly = _lines_xy(frame.lines)
    data.append({"type": "scatter", "x": _typed(lx), "y": _typed(ly)})
    data.append(
        {"type": "scatter", "x": _typed(frame.points[:, 0]), "y": _typed(frame.points[:, 1])}
    )
    if has_boundary:
        seg = frame.boundary
        data.append(
            {
                "type": "scatter",
                "x": [] if seg is None else seg[:, 0].tolist(),
                "y": [] if seg is None else seg[:, 1].tolist(),
            }
        )
    return data


def _points_traces(plane: Plane) -> list[dict[str, Any]]:
    """The train (filled) and test (hollow) points of each class on the input plane."""
    traces = []
    splits = (("train", plane.x_train, plane.y_train), ("test", plane.x_test, plane.y_test))
    for split, x, y in splits:
        filled = split == "train"
        for cls in range(plane_classes(plane)):
            sel = np.asarray(y) == cls
            traces.append(
                {
                    "type": "scatter",
                    "mode": "markers",
                    "x": _typed(x[sel, 0]),
                    "y": _typed(x[sel, 1]),
                    "name": _("class {k} {split}").format(
                        k=cls, split=_("train") if filled else _("test")
                    ),
                    "marker": _marker(CLASS_COLORS[cls], hollow=not filled),
                    "hovertemplate": "(%{x:.3f}, %{y:.3f})<extra></extra>",
                    "xaxis": "x",
                    "yaxis": "y",
                }
            )
    return traces


def plane_classes(plane: Plane) -> int:
    """The number of classes of the plane's points (at least 2)."""
    labels = np.concatenate((np.ravel(plane.y_train), np.ravel(plane.y_test))).astype(np.int64)
    return max(2, int(labels.max(initial=1)) + 1)


def _marker(color: str, *, hollow: bool) -> dict[str, Any]:
    if hollow:
        return {"color": color, "size": 8, "symbol": "circle-open", "line": {"width": 2}}
    return {"color": color, "size": 7, "line": {"color": "white", "width": 1}}


def _hidden_points_marker(labels: np.ndarray, is_test: np.ndarray) -> dict[str, Any]:
    colors = np.array(CLASS_COLORS)[np.asarray(labels, dtype=np.int64)]
    is_test = np.asarray(is_test, dtype=bool)
    return {
        "color": colors.tolist(),
        "size": np.where(is_test, 8, 7).tolist(),
        "symbol": np.where(is_test, "circle-open", "circle").tolist(),
        "line": {"color": np.where(is_test, colors, "white").tolist(), "width": 1},
    }


def replay_figure(
    frames: Sequence[ReplayFrame],
    plane: Plane,
    hidden_labels: np.ndarray,
    hidden_is_test: np.ndarray,
    *,
    hidden_title: str,
    hidden_axes: tuple[str, str] = ("h₁", "h₂"),
    height: int = 540,
) -> FigureSpec:
    """The input plane (P(class 1), its 0.5 contour, train points filled and test points hollow)
    beside the hidden space (mapped points and grid lines; for a width-2 layer the output's
    probability and its boundary there), with a slider and Play over the ``frames``.

    ``hidden_labels`` and ``hidden_is_test`` describe the points of ``frame.hidden.points``.
    The figure opens on the last frame.
    """
    if not frames:
        raise ValueError("need at least one frame")
    last = frames[-1]
    has_prob = last.hidden.prob is not None
    has_boundary = has_prob and any(f.hidden.boundary is not None for f in frames)
    left, right = [0.0, 0.5 - GAP / 2], [0.5 + GAP / 2, 1.0]
    classes = last.prob.shape[-1] if np.ndim(last.prob) == 3 else 2

    traces: list[dict[str, Any]] = [
        dict(_prob_trace(("x", "y"), scale=True, classes=classes), **_input_data(last))
    ]
    traces.extend(_points_traces(plane))
    hidden_first = len(traces)
    styles: list[dict[str, Any]] = []
    if has_prob:
        styles.append(_prob_trace(("x2", "y2"), scale=False, classes=classes))
    styles.append(
        {
            "mode": "lines",
            "name": _("grid lines, mapped"),
            "showlegend": False,
            "line": {"color": GRID_COLOR, "width": 1},
            "hoverinfo": "skip",
        }
    )
    styles.append(
        {
            "mode": "markers",
            "name": _("points, mapped"),
            "showlegend": False,
            "marker": _hidden_points_marker(hidden_labels, hidden_is_test),
            "hovertemplate": "(%{x:.3f}, %{y:.3f})<extra></extra>",
        }
    )
    if has_boundary:
        styles.append(
            {
                "mode": "lines",
                "name": _("output boundary (p = 0.5)"),
                "showlegend": False,
                "line": {"color": BOUNDARY_COLOR, "width": 3},
                "hoverinfo": "skip",
            }
        )
    for style, data in zip(styles, _hidden_data(last.hidden, has_prob, has_boundary), strict=True):
        traces.append({**data, **style, "xaxis": "x2", "yaxis": "y2"})
    animated = [0, *range(hidden_first, len(traces))]

    names = [str(f.epoch) for f in frames]
    frame_dicts = [
        {
            "name": name,
            "data": [_input_data(f), *_hidden_data(f.hidden, has_prob, has_boundary)],
            "traces": animated,
            "layout": {
                "xaxis2": {"range": list(f.hidden.xlim)},
                "yaxis2": {"range": list(f.hidden.ylim)},
            },
        }
        for name, f in zip(names, frames, strict=True)
    ]

    layout = base_layout_dict(height=height)
    axis = {"zeroline": True, "zerolinecolor": "#bbbbbb", "showgrid": False}
    layout.update(
        hovermode="closest",
        margin={"l": 45, "r": 60, "t": 80, "b": 110 if len(frames) > 1 else 40},
        legend={
            "orientation": "h",
            "yanchor": "bottom",
            "y": 1.07,
            "x": 0.0,
            "font": {"size": 12},
        },
        xaxis={
            **axis,
            "domain": left,
            "range": list(plane.xlim),
            "title": {"text": "x₁"},
            "constrain": "domain",
        },
        yaxis={
            **axis,
            "range": list(plane.ylim),
            "title": {"text": "x₂"},
            "scaleanchor": "x",
            "constrain": "domain",
        },
        xaxis2={
            **axis,
            "domain": right,
            "range": list(last.hidden.xlim),
            "title": {"text": hidden_axes[0]},
            "anchor": "y2",
        },
        yaxis2={
            **axis,
            "range": list(last.hidden.ylim),
            "title": {"text": hidden_axes[1]},
            "anchor": "x2",
        },
    )
    left_title = (
        _("Input plane: P(class 1) and the boundary p = 0.5")
        if classes == 2
        else _("Input plane: the most probable of {k} classes").format(k=classes)
    )
    # Two long titles side by side run into each other ("… p = 0.5Hidden layer 1 (…): units
    # 10 and 12 of 16"): then each takes two lines, and the legend moves up to make room.
    wrap = len(left_title) + len(hidden_title) > TITLE_CHARS
    if wrap:
        layout["margin"]["t"] = 110
        layout["legend"]["y"] = 1.16
    layout["annotations"] = [
        _title(_two_lines(left_title) if wrap else left_title, left),
        _title(_two_lines(hidden_title) if wrap else hidden_title, right),
    ]
    if len(frames) > 1:
        layout["updatemenus"], layout["sliders"] = _replay_controls(names)
    spec: FigureSpec = {"data": traces, "layout": layout}
    if len(frames) > 1:
        spec["frames"] = frame_dicts
    return spec


def _replay_controls(names: Sequence[str]) -> tuple[list[dict], list[dict]]:
    """Play/Pause buttons and the epoch slider; the slider starts on the last frame."""
    still = {
        "mode": "immediate",
        "frame": {"duration": 0, "redraw": True},
        "transition": {"duration": 0},
    }
    play = {
        "frame": {"duration": 120, "redraw": True},
        "transition": {"duration": 0},
        "fromcurrent": True,
        "mode": "immediate",
    }
    buttons = {
        "type": "buttons",
        "direction": "left",
        "showactive": False,
        "x": 0.0,
        "xanchor": "left",
        "y": -0.1,
        "yanchor": "top",
        "pad": {"t": 10, "r": 10},
        "buttons": [
            {"label": "▶ " + _("Play"), "method": "animate", "args": [None, play]},
            {"label": "‖ " + _("Pause"), "method": "animate", "args": [[None], still]},
        ],
    }
    slider = {
        "active": len(names) - 1,
        "x": 0.16,
        "len": 0.84,
        "y": -0.08,
        "yanchor": "top",
        "pad": {"t": 10, "b": 0},
        "currentvalue": {"prefix": _("epoch") + " ", "xanchor": "right"},
        "transition": {"duration": 0},
        "steps": [{"label": n, "method": "animate", "args": [[n], still]} for n in names],
    }
    return [buttons], [slider]


# --- regression: the data, the fit and its slope ---------------------------------------------

FIT_COLOR, TRUTH_COLOR, SLOPE_COLOR, KINK_COLOR = "#d62728", "#7f7f7f", "#2ca02c", "#111111"


def _kink_xy(frame: FitFrame, xs: np.ndarray) -> tuple[list[float], list[float]]:
    if frame.kinks is None or not len(frame.kinks):
        return [], []
    fit = np.asarray(frame.fit, dtype=np.float64)
    return np.asarray(frame.kinks).tolist(), np.interp(frame.kinks, xs, fit).tolist()


def _fit_data(frame: FitFrame, xs: np.ndarray, pieces: bool) -> list[dict[str, Any]]:
    """The frame-varying traces: the fit, its kinks (if counted), its slope."""
    data: list[dict[str, Any]] = [{"type": "scatter", "x": _typed(xs), "y": _typed(frame.fit)}]
    if pieces:
        kx, ky = _kink_xy(frame, xs)
        data.append({"type": "scatter", "x": kx, "y": ky})
    data.append({"type": "scatter", "x": _typed(xs), "y": _typed(frame.slope)})
    return data


def regression_figure(
    xs: np.ndarray,
    frames: Sequence[FitFrame],
    x_train: np.ndarray,
    y_train: np.ndarray,
    x_test: np.ndarray,
    y_test: np.ndarray,
    truth: np.ndarray | None = None,
    *,
    pieces: bool = False,
    height: int = 600,
) -> FigureSpec:
    """Top: the training points (filled), test points (hollow), the clean target (dashed) and
    the network's fit, its kinks marked when ``pieces``. Bottom: the fit's slope f′(x). With a
    slider and Play over the ``frames`` (the fit at each kept epoch); opens on the last."""
    if not frames:
        raise ValueError("need at least one frame")
    xs = np.asarray(xs, dtype=np.float64)
    last = frames[-1]
    traces: list[dict[str, Any]] = []
    marker = {"size": 6, "color": TRAIN_COLOR, "line": {"color": "white", "width": 1}}
    for name, x, y, mk in (
        (_("train"), x_train, y_train, marker),
        (_("test"), x_test, y_test, _marker(TEST_COLOR, hollow=True)),
    ):
        traces.append(
            {
                "type": "scatter",
                "mode": "markers",
                "x": _typed(np.ravel(x)),
                "y": _typed(y),
                "name": name,
                "marker": mk,
                "hovertemplate": "(%{x:.3f}, %{y:.3f})<extra></extra>",
            }
        )
    if truth is not None:
        traces.append(
            {
                "type": "scatter",
                "mode": "lines",
                "x": _typed(xs),
                "y": _typed(truth),
                "name": _("target"),
                "line": {"color": TRUTH_COLOR, "dash": "dash", "width": 2},
                "hoverinfo": "skip",
            }
        )
    first = len(traces)
    styles: list[dict[str, Any]] = [
        {
            "mode": "lines",
            "name": _("the network's fit"),
            "line": {"color": FIT_COLOR, "width": 3},
            "hovertemplate": "x = %{x:.3f}: %{y:.4f}<extra></extra>",
        }
    ]
    if pieces:
        styles.append(
            {
                "mode": "markers",
                "name": _("kinks"),
                "marker": {
                    "symbol": "line-ns",
                    "size": 12,
                    "color": KINK_COLOR,
                    "line": {"width": 2},
                },
                "hovertemplate": _("kink at x = %{x:.3f}") + "<extra></extra>",
            }
        )
    styles.append(
        {
            "mode": "lines",
            "name": _("slope of the fit"),
            "line": {"color": SLOPE_COLOR, "width": 2},
            "hovertemplate": "x = %{x:.3f}: f′ = %{y:.4f}<extra></extra>",
            "xaxis": "x2",
            "yaxis": "y2",
            "showlegend": False,
        }
    )
    for style, data in zip(styles, _fit_data(last, xs, pieces), strict=True):
        traces.append({**data, **style})
    animated = list(range(first, len(traces)))
    names = [str(f.epoch) for f in frames]
    layout = base_layout_dict(height=height)
    with np.errstate(invalid="ignore"):
        ys = np.concatenate((np.ravel(y_train), np.ravel(y_test)))
        ys = ys[np.isfinite(ys)]
    lo, hi = (float(ys.min()), float(ys.max())) if ys.size else (-1.0, 1.0)
    pad = 0.15 * max(hi - lo, 0.2)
    slopes = np.concatenate([np.asarray(f.slope, dtype=np.float64) for f in frames])
    slopes = slopes[np.isfinite(slopes)]
    s_lo, s_hi = (float(slopes.min()), float(slopes.max())) if slopes.size else (-1.0, 1.0)
    s_pad = 0.1 * max(s_hi - s_lo, 0.2)
    layout.update(
        hovermode="closest",
        margin={"l": 55, "r": 20, "t": 70, "b": 110 if len(frames) > 1 else 40},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.04, "x": 0.0},
        xaxis={"range": [float(xs[0]), float(xs[-1])], "anchor": "y", "showticklabels": False},
        yaxis={"domain": [0.4, 1.0], "range": [lo - pad, hi + pad], "title": {"text": "y"}},
        xaxis2={
            "range": [float(xs[0]), float(xs[-1])],
            "anchor": "y2",
            "matches": "x",
            "title": {"text": "x"},
        },
        yaxis2={
            "domain": [0.0, 0.3],
            "range": [s_lo - s_pad, s_hi + s_pad],
            "title": {"text": "f′(x)"},
        },
        annotations=[
            _title(_("The data and the fit"), (0.0, 1.0)),
            panel_title("<b>" + _("The slope of the fit") + "</b>", 0.5, 0.33),
        ],
    )
    spec: FigureSpec = {"data": traces, "layout": layout}
    if len(frames) > 1:
        layout["updatemenus"], layout["sliders"] = _replay_controls(names)
        spec["frames"] = [
            {"name": name, "data": _fit_data(f, xs, pieces), "traces": animated}
            for name, f in zip(names, frames, strict=True)
        ]
    return spec


def regression_table(xs: np.ndarray, frame: FitFrame) -> dict[str, np.ndarray]:
    """CSV columns: x, the fit and its slope at the last frame."""
    return {
        "x": np.asarray(xs, dtype=np.float64),
        "fit": np.asarray(frame.fit, dtype=np.float64),
        "slope": np.asarray(frame.slope, dtype=np.float64),
    }


def pieces_figure(
    counts: np.ndarray,
    widths: Sequence[int],
    depths: Sequence[int],
    trained: tuple[int, int, int] | None = None,
    *,
    height: int = 320,
) -> FigureSpec:
    """The mean number of linear pieces (``counts``, depths × widths) against the width, one
    line per depth; ``trained`` (depth, width, count) marks the trained network's own."""
    traces: list[dict[str, Any]] = []
    for i, depth in enumerate(depths):
        traces.append(
            {
                "type": "scatter",
                "mode": "lines+markers",
                "x": list(widths),
                "y": np.asarray(counts[i], dtype=np.float64).tolist(),
                "name": _("{d} hidden layers").format(d=depth)
                if depth > 1
                else _("1 hidden layer"),
                "line": {"color": LAYER_COLORS[i % len(LAYER_COLORS)], "width": 2},
                "hovertemplate": _("width %{x}: %{y:.1f} pieces") + "<extra></extra>",
            }
        )
    if trained is not None:
        depth, width, count = trained
        traces.append(
            {
                "type": "scatter",
                "mode": "markers",
                "x": [width],
                "y": [count],
                "name": _("this trained network"),
                "marker": {"symbol": "star", "size": 14, "color": FIT_COLOR},
                "hovertemplate": _("{d} layers of {w}: {n} pieces").format(
                    d=depth, w=width, n=count
                )
                + "<extra></extra>",
            }
        )
    layout = base_layout_dict(height=height)
    layout.update(
        margin={"l": 55, "r": 20, "t": 30, "b": 50},
        xaxis={"title": {"text": _("units per layer")}, "tickvals": list(widths), "type": "log"},
        yaxis={"title": {"text": _("linear pieces on [−2, 2]")}, "rangemode": "tozero"},
        legend={"orientation": "v"},
    )
    return {"data": traces, "layout": layout}


# --- the drawing pad of the user's own points --------------------------------------------------

PAD_LIMIT = 2.0
PAD_CELLS = 41  # clickable spots per side: 0.1 apart over [-2, 2]


def pad_figure(x: np.ndarray, y: np.ndarray, *, height: int = 230) -> FigureSpec:
    """The user's points by class on [−2, 2]², over a grid of invisible, clickable spots: a
    click selects the nearest spot (x, y), where the page adds a point."""
    ticks = np.linspace(-PAD_LIMIT, PAD_LIMIT, PAD_CELLS)
    gx, gy = np.meshgrid(ticks, ticks)
    traces: list[dict[str, Any]] = [
        {
            "type": "scatter",
            "mode": "markers",
            "x": np.round(gx.ravel(), 2).tolist(),
            "y": np.round(gy.ravel(), 2).tolist(),
            "marker": {"size": 9, "color": "rgba(0,0,0,0)"},
            "selected": {"marker": {"color": "rgba(0,0,0,0)"}},
            "unselected": {"marker": {"opacity": 1}},
            "hovertemplate": "(%{x:.1f}, %{y:.1f})<extra></extra>",
            "showlegend": False,
            "name": "pad",
        }
    ]
    x = np.asarray(x, dtype=np.float64).reshape(-1, 2)
    y = np.asarray(y, dtype=np.int64)
    for cls in range(len(CLASS_COLORS)):
        sel = y == cls
        if not sel.any():
            continue
        traces.append(
            {
                "type": "scatter",
                "mode": "markers",
                "x": x[sel, 0].tolist(),
                "y": x[sel, 1].tolist(),
                "marker": _marker(CLASS_COLORS[cls], hollow=False),
                "unselected": {"marker": {"opacity": 1}},
                "hoverinfo": "skip",
                "name": str(cls),
                "showlegend": False,
            }
        )
    layout = base_layout_dict(height=height)
    axis = {
        "range": [-PAD_LIMIT - 0.1, PAD_LIMIT + 0.1],
        "zeroline": True,
        "zerolinecolor": "#bbbbbb",
        "showgrid": True,
        "fixedrange": True,
        "dtick": 1,
    }
    layout.update(
        margin={"l": 30, "r": 10, "t": 10, "b": 30},
        hovermode="closest",
        dragmode=False,
        clickmode="event+select",
        xaxis={**axis, "constrain": "domain"},
        yaxis={**axis, "scaleanchor": "x", "constrain": "domain"},
    )
    return {"data": traces, "layout": layout}


# --- training curves --------------------------------------------------------------------------


def _positive(values: np.ndarray) -> np.ndarray:
    """Values for a log axis: non-positive and non-finite become NaN (a gap)."""
    v = np.asarray(values, dtype=np.float64)
    with np.errstate(invalid="ignore"):
        return np.where(np.isfinite(v) & (v > 0), v, np.nan)


def log_ticks(lo: float, hi: float, most: int = 6) -> list[float]:
    """Round values for a log axis over [lo, hi] spanning at most a decade or two: the
    1-2-5 sequence (0.1, 0.2, 0.5, 1, ...), or 1-2-3-5 or 1-9 times powers of ten when too
    few of those fall inside, or for a range narrower still, multiples of a round step
    (0.684, 0.686, ...); thinned to at most ``most``. Plotly's own choice there labels every
    minor tick ("1" above "9 8 7 6 5"), and its labels collide."""
    if not (0 < lo < hi and math.isfinite(hi)):
        return []
    first, last = math.floor(math.log10(lo)), math.ceil(math.log10(hi))
    ticks: list[float] = []
    for mantissas, enough in (((1, 2, 5), 3), ((1, 2, 3, 5), 3), (tuple(range(1, 10)), 2)):
        ticks = [
            float(f"{m}e{p}")  # exact decimal values: 0.3, not 0.30000000000000004
            for p in range(first, last + 1)
            for m in mantissas
            if lo <= float(f"{m}e{p}") <= hi
        ]
        if len(ticks) >= enough:
            break
    if len(ticks) < 2:  # within one step of the 1-9 sequence: a round step that gives 2 or more
        exponent = math.floor(math.log10((hi - lo) / 2))
        step = max(
            float(f"{m}e{exponent}") for m in (1, 2, 5) if m * 10.0**exponent <= (hi - lo) / 2
        )
        decimals = max(0, -exponent)
        ticks = [
            round(k * step, decimals)
            for k in range(math.ceil(lo / step), math.floor(hi / step) + 1)
        ]
    if len(ticks) > most:
        ticks = ticks[:: math.ceil(len(ticks) / most)]
    return ticks


def _log_axis(values: np.ndarray, title: str) -> dict[str, Any]:
    """A log axis; labelled ticks every decade (or every few, six labels at most) when the data
    spans more than two (the default minor labels crowd), round values of :func:`log_ticks`
    otherwise."""
    axis: dict[str, Any] = {"type": "log", "title": {"text": title}, "exponentformat": "power"}
    v = _positive(values)
    if not np.isfinite(v).any():
        return axis
    lo, hi = float(np.nanmin(v)), float(np.nanmax(v))
    if hi / lo > 100.0:
        # One label per decade, or per two, three... so that at most six show (a stopped long
        # run spans eleven decades on a small panel).
        decades = math.ceil(math.log10(hi)) - math.floor(math.log10(lo))
        axis["dtick"] = max(1, math.ceil(decades / 6))
        return axis
    ticks = log_ticks(lo, hi)
    if ticks:  # else a flat curve: plotly's own ticks around its one value
        axis["tickvals"] = ticks
        axis["ticktext"] = [f"{t:g}" for t in ticks]
    # A margin above and below (a tenth of the span, at least 2 % of a decade): a short range
    # otherwise runs the curve into the panel's edges and its end ticks.
    a, b = math.log10(lo), math.log10(hi)
    pad = max(0.1 * (b - a), 0.02)
    axis["range"] = [a - pad, b + pad]
    return axis


def training_table(history: History) -> dict[str, np.ndarray]:
    """CSV columns: per epoch, the loss and accuracy on train and test, and the dead units."""
    return {
        "epoch": np.asarray(history.epoch),
        "train loss": np.asarray(history.loss),
        "test loss": np.asarray(history.test_loss),
        "train accuracy": np.asarray(history.train_acc),
        "test accuracy": np.asarray(history.test_acc),
        "dead units": np.asarray(history.dead_units),
    }


def training_figure(
    history: History, epochs: int, *, height: int = 420, score: str | None = None
) -> FigureSpec:
    """Loss (log scale, top) and accuracy (bottom) on train and test, over ``epochs`` epochs;
    ``score`` names another bottom measure in [0, 1] (R² of a regression, shown to 0.01).

    The x range is the whole run, so the curves grow into it while training is live.
    """
    x = np.asarray(history.epoch)
    traces = []
    for split, loss, acc, color, dash in (
        (_("train"), history.loss, history.train_acc, TRAIN_COLOR, "solid"),
        (_("test"), history.test_loss, history.test_acc, TEST_COLOR, "dash"),
    ):
        bottom = score or _("accuracy")
        for y, axis, what in ((_positive(loss), "y", _("loss")), (acc, "y2", bottom)):
            traces.append(
                {
                    "type": "scatter",
                    "mode": "lines",
                    "x": x,
                    "y": np.asarray(y, dtype=np.float64),
                    "name": split,
                    "legendgroup": split,
                    "showlegend": axis == "y",
                    "line": {"color": color, "dash": dash, "width": 2},
                    "hovertemplate": f"{split} {what} %{{y:.4g}}<extra></extra>",
                    "yaxis": axis,
                }
            )
    layout = base_layout_dict(height=height)
    layout["xaxis"] = {
        "range": [0, max(int(epochs), 1)],
        "title": {"text": _("epoch")},
        "anchor": "y2",
    }
    losses = np.concatenate((np.asarray(history.loss), np.asarray(history.test_loss)))
    layout["yaxis"] = dict(_log_axis(losses, _("loss (log)")), domain=[0.55, 1.0])
    layout["yaxis2"] = {
        "domain": [0.0, 0.45],
        # Below 0 a little, so that the "0%" label sits above the epoch axis's "0".
        "range": [-0.08, 1.05],
        "tickvals": [0.0, 0.25, 0.5, 0.75, 1.0],
        "tickformat": ".2f" if score else ".0%",
        "title": {"text": score or _("accuracy")},
    }
    return {"data": traces, "layout": layout}


def grad_norm_table(history: History, layer_names: Sequence[str]) -> dict[str, np.ndarray]:
    """CSV columns: per epoch, the gradient norm ||dL/dW|| of each layer."""
    g = np.asarray(history.grad_norm)
    table: dict[str, np.ndarray] = {"epoch": np.asarray(history.epoch)}
    for j, name in enumerate(layer_names):
        table[f"||dL/dW|| {name}"] = g[:, j]
    return table


def grad_norm_figure(
    history: History, layer_names: Sequence[str], *, height: int = 420
) -> FigureSpec:
    """The Frobenius norm of dL/dW per layer over training, on a log axis (zeros leave gaps).

    ``layer_names`` names the columns of ``history.grad_norm`` (hidden layers, then output).
    """
    g = np.asarray(history.grad_norm)
    if g.ndim != 2 or g.shape[1] != len(layer_names):
        raise ValueError("need one name per column of history.grad_norm")
    x = np.asarray(history.epoch)
    traces = []
    for j, name in enumerate(layer_names):
        last = j == len(layer_names) - 1
        traces.append(
            {
                "type": "scatter",
                "mode": "lines",
                "x": x,
                "y": _positive(g[:, j]),
                "name": name,
                "line": {
                    "color": OUTPUT_COLOR if last else LAYER_COLORS[j % len(LAYER_COLORS)],
                    "width": 2,
                    "dash": "dot" if last else "solid",
                },
                "hovertemplate": "%{y:.3g}",
            }
        )
    layout = base_layout_dict(height=height)
    layout["xaxis"] = {"title": {"text": _("epoch")}}
    layout["yaxis"] = _log_axis(g, "‖∂L/∂W‖")
    return {"data": traces, "layout": layout}


# --- XOR by hand ------------------------------------------------------------------------------

_CORNERS = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])


def hand_table(net: ThresholdXOR) -> dict[str, np.ndarray]:
    """The truth table: x1, x2, the hidden unit h, x1 + x2 and the output y (one row per input)."""
    t = net.truth_table()
    return {"x1": t[:, 0], "x2": t[:, 1], "h": t[:, 2], "x1 + x2": t[:, 0] + t[:, 1], "y": t[:, 3]}


def hand_figure(net: ThresholdXOR, *, height: int = 420) -> FigureSpec:
    """Left: the threshold network's output over the input plane, the four XOR inputs on it.
    Right: the same inputs in the feature space (s, h) = (x1 + x2, h), where the output's
    boundary s − 2h − 0.5 = 0 is one straight line."""
    lim = (-0.5, 1.5)
    xs, ys, out = decision_grid(net, lim, lim, 201)
    s_lim, h_lim = (-0.5, 2.5), (-0.5, 1.5)
    ss = np.linspace(*s_lim, 151)
    hs = np.linspace(*h_lim, 101)
    a, b = net.w_skip[0], net.w_out_hidden
    # The output only sees s = x1 + x2 (w_skip = (1, 1)) and h: its region in the (s, h) plane.
    feature_out = (ss[None, :] * a + hs[:, None] * b + net.b_out > 0).astype(float)
    truth = net.truth_table()
    feats = net.feature_space(_CORNERS)
    colors = [CLASS_COLORS[int(y)] for y in truth[:, 3]]
    left, right = [0.0, 0.44], [0.56, 1.0]
    texts = [
        f"({int(p[0])}, {int(p[1])}) → {int(y)}" for p, y in zip(_CORNERS, truth[:, 3], strict=True)
    ]
    traces: list[dict[str, Any]] = [
        {
            "type": "heatmap",
            "x": xs,
            "y": ys,
            "z": out,
            "zmin": 0,
            "zmax": 1,
            "colorscale": HAND_COLORSCALE,
            "showscale": False,
            "hovertemplate": "(%{x:.2f}, %{y:.2f}) → y = %{z}<extra></extra>",
        },
        {
            "type": "scatter",
            "mode": "markers+text",
            "x": _CORNERS[:, 0],
            "y": _CORNERS[:, 1],
            "text": texts,
            "textposition": ["bottom center", "top center", "bottom center", "top center"],
            "marker": {"color": colors, "size": 14, "line": {"color": "white", "width": 1.5}},
            "showlegend": False,
            "hoverinfo": "skip",
        },
        {
            "type": "heatmap",
            "x": ss,
            "y": hs,
            "z": feature_out,
            "zmin": 0,
            "zmax": 1,
            "colorscale": HAND_COLORSCALE,
            "showscale": False,
            "xaxis": "x2",
            "yaxis": "y2",
            "hovertemplate": "s = %{x:.2f}, h = %{y:.2f} → y = %{z}<extra></extra>",
        },
        {
            "type": "scatter",
            "mode": "lines",
            "x": list(s_lim),
            "y": [(s - 0.5) / 2 for s in s_lim],
            "line": {"color": BOUNDARY_COLOR, "width": 3},
            "name": "s − 2h − 0.5 = 0",
            "xaxis": "x2",
            "yaxis": "y2",
            "hoverinfo": "skip",
        },
        {
            "type": "scatter",
            "mode": "markers+text",
            "x": feats[:, 0],
            "y": feats[:, 1],
            "text": ["(0, 0)", "(0, 1), (1, 0)", "", "(1, 1)"],
            "textposition": ["top center", "bottom right", "top center", "top center"],
            "marker": {"color": colors, "size": 14, "line": {"color": "white", "width": 1.5}},
            "showlegend": False,
            "xaxis": "x2",
            "yaxis": "y2",
            "hoverinfo": "skip",
        },
    ]
    layout = base_layout_dict(height=height)
    layout.update(
        hovermode="closest",
        showlegend=False,
        margin={"l": 55, "r": 20, "t": 50, "b": 50},
        # Ticks at the inputs' values only: −0.5 on both axes met in the corner, and a top
        # tick 1.5 ran into the panel's title.
        xaxis={
            "domain": left,
            "range": list(lim),
            "title": {"text": "x₁"},
            "constrain": "domain",
            "tickvals": [0, 1],
        },
        yaxis={
            "range": list(lim),
            "title": {"text": "x₂"},
            "scaleanchor": "x",
            "constrain": "domain",
            "tickvals": [0, 1],
        },
        xaxis2={
            "domain": right,
            "range": list(s_lim),
            "title": {"text": "s = x₁ + x₂"},
            "anchor": "y2",
            "tickvals": [0, 1, 2],
        },
        yaxis2={"range": list(h_lim), "title": {"text": "h"}, "anchor": "x2", "tickvals": [0, 1]},
        annotations=[
            _title(_("Input plane: y = 1 in red"), left),
            _title(_("Feature space (s, h): one straight line"), right),
        ],
    )
    return {"data": traces, "layout": layout}


def hidden_labels(
    layer: int, activation: str, width: int, units: tuple[int, int]
) -> tuple[str, tuple[str, str]]:
    """The hidden panel's title and axis titles for hidden layer ``layer`` (0-based) of
    ``width`` units, shown by ``units`` (0-based) when wider than 2."""
    k = layer + 1
    if width == 2:
        return _("Hidden layer {k} ({act})").format(k=k, act=activation), (f"h{k}[1]", f"h{k}[2]")
    a, b = units[0] + 1, units[1] + 1
    title = _("Hidden layer {k} ({act}): units {a} and {b} of {w}").format(
        k=k, act=activation, a=a, b=b, w=width
    )
    return title, (f"h{k}[{a}]", f"h{k}[{b}]")


def unit_notes(summary: UnitSummary, units: Sequence[int], names: Sequence[str]) -> list[str]:
    """One sentence for each shown unit (0-based ``units``, called ``names``) that is dead or
    constant on the points of ``summary``: the picture is flat along it, and why."""
    notes = []
    undefined = summary.undefined
    for u, name in zip(units, names, strict=True):
        if undefined is not None and undefined[u]:
            text = _(
                "{unit} is undefined: its activation gives no number (NaN) on the training "
                "points, so the picture has nothing to draw along it. The formula is not "
                "defined where this layer's inputs fall."
            )
        elif summary.dead[u] and summary.constant[u]:
            text = _(
                "{unit} is dead: f′ = 0 on every training point, so it passes no gradient and "
                "no longer learns; the picture is flat along it."
            )
        elif summary.dead[u]:  # e.g. a step: it still sorts the points, but nothing moves it
            text = _(
                "{unit} is dead: f′ = 0 on every training point, so it passes no gradient and "
                "no longer learns."
            )
        elif summary.constant[u]:
            text = _(
                "{unit} is constant: every training point gets the same value, so the picture "
                "is flat along it."
            )
        else:
            continue
        notes.append(text.format(unit=name))
    return notes


def layer_names(activation_ids: Sequence[str]) -> list[str]:
    """Legend names for the grad-norm columns: "layer k (id)" per hidden layer, then "output"."""
    return [_("layer {k} ({act})").format(k=k, act=a) for k, a in enumerate(activation_ids, 1)] + [
        _("output")
    ]


TITLE_CHARS = 92  # the two replay panels' titles together, beyond which they wrap


def _two_lines(text: str) -> str:
    """The text on two lines, broken after a colon if it has one, else at the space nearest
    its middle."""
    if ": " in text:
        head, tail = text.split(": ", 1)
        return f"{head}:<br>{tail}"
    spaces = [i for i, ch in enumerate(text) if ch == " "]
    if not spaces:
        return text
    cut = min(spaces, key=lambda i: abs(i - len(text) / 2))
    return f"{text[:cut]}<br>{text[cut + 1 :]}"


def _title(text: str, domain: Sequence[float]) -> dict[str, Any]:
    return panel_title(f"<b>{text}</b>", (domain[0] + domain[1]) / 2, 1.0)
