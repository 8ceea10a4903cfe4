"""The Gradients figures: gradient norms through depth, dying ReLUs, the zig-zag of GD.

Pure builders: experiment results in, plain-dict figures out (validated once in the tests).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

import activations
from activations.experiments import DepthResult, DyingResult, ZigzagResult
from charts.theme import FigureSpec, activation_color, activation_label, base_layout_dict
from i18n import _

__all__ = [
    "depth_figure",
    "depth_table",
    "dying_figure",
    "dying_table",
    "zigzag_figure",
    "zigzag_table",
]

TARGET_COLOR = "#444444"
MARKERS = ("circle", "square", "diamond", "x")
BOUND_DASH = "dash"


def _label(name: str, labels: Mapping[str, str] | None) -> str:
    if labels and name in labels:
        return labels[name]
    return activation_label(activations.get(name)) if name in activations.names() else name


def _positive(values: np.ndarray) -> np.ndarray:
    """Values for a log axis: zeros, negatives and non-finite values become gaps (NaN)."""
    v = np.asarray(values, dtype=np.float64)
    return np.where(np.isfinite(v) & (v > 0), v, np.nan)


def _note(text: str, xref: str, y: float, yref: str | None = None) -> dict:
    """A small grey line-style key, right-aligned at (1, y); above y when yref is the paper."""
    return {
        "text": text,
        "xref": xref,
        "yref": yref or xref,
        "x": 1.0,
        "y": y,
        "xanchor": "right",
        "yanchor": "bottom" if yref is None else "top",
        "showarrow": False,
        "font": {"size": 11, "color": "#555"},
    }


def _log_ticks(series: Sequence[np.ndarray]) -> dict:
    """Tick settings for a log axis. Within about a decade plotly labels every digit, which
    overlaps in a small panel: label the 1-2-5 values in full instead."""
    values = np.concatenate([_positive(s) for s in series]) if series else np.array([])
    values = values[np.isfinite(values)]
    if not values.size:
        return {"nticks": 5}
    span = np.log10(values.max() / values.min())
    if span >= 1.5:  # labels on whole decades only (plotly's "2" and "5" between them crowd)
        return {"dtick": max(1, int(np.ceil(span / 4)))}
    lo, hi = values.min() / 1.3, values.max() * 1.3
    decades = range(int(np.floor(np.log10(lo))), int(np.ceil(np.log10(hi))) + 1)
    ticks = [m * 10.0**e for e in decades for m in (1, 2, 5) if lo <= m * 10.0**e <= hi]
    return {"tickmode": "array", "tickvals": ticks, "ticktext": [f"{t:g}" for t in ticks]}


def depth_table(
    results: Sequence[DepthResult], bound: np.ndarray | None = None
) -> dict[str, np.ndarray]:
    """Columns layer, then per activation the gradient norm, activation std, saturated and off
    shares (and the 0.25ⁿ curve when given): the data behind :func:`depth_figure`."""
    depth = max((r.depth for r in results), default=0)
    columns: dict[str, np.ndarray] = {"layer": np.arange(1, depth + 1)}
    for r in results:
        columns[f"{r.activation} grad_norm"] = r.grad_norm
        columns[f"{r.activation} act_std"] = r.act_std
        columns[f"{r.activation} saturated"] = r.saturated
        columns[f"{r.activation} off"] = r.off
    if bound is not None:
        columns["0.25^n"] = bound
    return columns


def depth_figure(
    results: Sequence[DepthResult],
    labels: Mapping[str, str] | None = None,
    *,
    bound: np.ndarray | None = None,
    height: int = 760,
) -> FigureSpec:
    """Three aligned panels over the layer index: the gradient norm ‖∂L/∂z_l‖ (log axis), the
    standard deviation of the layer's outputs (log axis), and the shares of saturated (solid)
    and off (dotted) units. ``bound`` (from ``vanishing_bound``) is drawn dashed in sigmoid's
    colour. ``labels`` maps activation ids to legend text."""
    traces: list[dict] = []
    for i, r in enumerate(results):
        color = activation_color(r.activation)
        name = _label(r.activation, labels)
        # Later curves are thinner and carry other markers: identical curves (ReLU and leaky
        # ReLU) stay visible on top of each other.
        lw = 3.5 - 0.6 * i
        symbol = MARKERS[i % len(MARKERS)]
        common = {"type": "scatter", "x": r.layer, "legendgroup": r.activation}
        traces.append(
            dict(
                common,
                y=_positive(r.grad_norm),
                name=name,
                mode="lines+markers",
                marker={"size": 10 - 1.5 * i, "symbol": symbol},
                line={"color": color, "width": lw},
                hovertemplate=name + ": ‖∂L/∂z‖ = %{y:.3e}<extra></extra>",
                yaxis="y",
            )
        )
        traces.append(
            dict(
                common,
                y=_positive(r.act_std),
                name=name,
                showlegend=False,
                mode="lines",
                line={"color": color, "width": lw},
                hovertemplate=name + ": " + _("std of f(z)") + " = %{y:.3e}<extra></extra>",
                yaxis="y2",
            )
        )
        for share, dash, what in (
            (r.saturated, "solid", _("saturated")),
            (r.off, "dot", _("off")),
        ):
            traces.append(
                dict(
                    common,
                    y=share,
                    name=f"{name} · {what}",
                    showlegend=False,
                    mode="lines",
                    line={"color": color, "width": lw - 0.5, "dash": dash},
                    hovertemplate=f"{name} · {what}: " + "%{y:.1%}<extra></extra>",
                    yaxis="y3",
                )
            )
    if bound is not None:
        traces.append(
            {
                "type": "scatter",
                "x": np.arange(1, len(bound) + 1),
                "y": _positive(bound),
                "name": _("0.25ⁿ: sigmoid's derivative factor alone"),
                "mode": "lines",
                "line": {"color": activation_color("sigmoid"), "width": 1.5, "dash": BOUND_DASH},
                "hovertemplate": "0.25ⁿ = %{y:.3e}<extra></extra>",
                "yaxis": "y",
            }
        )
    depth = max((r.depth for r in results), default=1)
    layout = base_layout_dict(height=height)
    layout["hovermode"] = "x"
    grid = {"showspikes": True, "spikemode": "across", "spikethickness": 1}
    layout["xaxis"] = dict(
        grid,
        anchor="y3",
        range=[0.5, depth + 0.5],
        title={"text": _("layer (1 = next to the input; the gradient flows from right to left)")},
    )
    log_axis = {"type": "log", "exponentformat": "power"}
    layout["yaxis"] = dict(log_axis, domain=[0.5, 1.0], title={"text": _("gradient norm ‖∂L/∂z‖")})
    layout["yaxis2"] = dict(
        log_axis,
        domain=[0.27, 0.46],
        title={"text": _("std of f(z)")},
        **_log_ticks([r.act_std for r in results]),
    )
    layout["yaxis3"] = {
        "domain": [0.0, 0.23],
        "range": [-0.03, 1.03],
        "tickformat": ".0%",
        "title": {"text": _("share of units")},
    }
    layout["annotations"] = [
        _note(
            _("solid: saturated (|f′| < 0.01) · dotted: off on that sample (f = f′ = 0)"),
            "paper",
            0.235,
        )
    ]
    return {"data": traces, "layout": layout}


def dying_table(results: Sequence[DyingResult]) -> dict[str, np.ndarray]:
    """Per epoch the dead and negative shares and the loss of each run, then the fit."""
    columns: dict[str, np.ndarray] = {}
    if results:
        columns["epoch"] = results[0].epoch
    for r in results:
        columns[f"{r.activation} dead"] = r.dead
        columns[f"{r.activation} negative"] = r.negative
        columns[f"{r.activation} loss"] = r.loss
    if results:
        columns["x"] = results[0].x
        columns["sin(x)"] = results[0].y
    for r in results:
        columns[f"{r.activation} prediction"] = r.prediction
    return columns


def dying_figure(
    results: Sequence[DyingResult],
    labels: Mapping[str, str] | None = None,
    *,
    height: int = 430,
) -> FigureSpec:
    """Left: the share of dead units (solid) and of units negative on every sample (dotted)
    over the epochs. Right: the target sin(x) and each network's fit after training."""
    traces: list[dict] = []
    for r in results:
        color = activation_color(r.activation)
        name = _label(r.activation, labels)
        traces.append(
            {
                "type": "scatter",
                "x": r.epoch,
                "y": r.dead,
                "name": name,
                "legendgroup": r.activation,
                "mode": "lines",
                "line": {"color": color, "width": 2.5},
                "hovertemplate": name + " · " + _("dead") + ": %{y:.1%}<extra></extra>",
            }
        )
        traces.append(
            {
                "type": "scatter",
                "x": r.epoch,
                "y": r.negative,
                "name": name + " · " + _("negative everywhere"),
                "legendgroup": r.activation,
                "showlegend": False,
                "mode": "lines",
                "line": {"color": color, "width": 1.5, "dash": "dot"},
                "hovertemplate": name
                + " · "
                + _("negative everywhere")
                + ": %{y:.1%}<extra></extra>",
            }
        )
    if results:
        traces.append(
            {
                "type": "scatter",
                "x": results[0].x,
                "y": results[0].y,
                "name": "sin(x)",
                "mode": "lines",
                "line": {"color": TARGET_COLOR, "width": 6},
                "opacity": 0.25,
                "xaxis": "x2",
                "yaxis": "y2",
                "hovertemplate": "sin(x) = %{y:.3f}<extra></extra>",
            }
        )
    for r in results:
        name = _label(r.activation, labels)
        traces.append(
            {
                "type": "scatter",
                "x": r.x,
                "y": r.prediction,
                "name": name,
                "legendgroup": r.activation,
                "showlegend": False,
                "mode": "lines",
                "line": {"color": activation_color(r.activation), "width": 2},
                "xaxis": "x2",
                "yaxis": "y2",
                "hovertemplate": name + ": %{y:.3f}<extra></extra>",
            }
        )
    layout = base_layout_dict(height=height)
    layout["hovermode"] = "closest"
    layout["xaxis"] = {"domain": [0.0, 0.44], "title": {"text": _("epoch")}}
    layout["yaxis"] = {
        "range": [-0.03, 1.03],
        "tickformat": ".0%",
        "title": {"text": _("share of hidden units")},
    }
    layout["xaxis2"] = {"domain": [0.6, 1.0], "anchor": "y2", "title": {"text": "x"}}
    layout["yaxis2"] = {"anchor": "x2", "title": {"text": _("fit after training")}}
    layout["annotations"] = [
        _note(_("solid: dead · dotted: negative on every sample"), "x domain", 0.99, "y domain")
    ]
    return {"data": traces, "layout": layout}


def zigzag_table(results: Sequence[ZigzagResult]) -> dict[str, np.ndarray]:
    """Per input kind the gradient-descent path (w1, w2) and the loss along it."""
    columns: dict[str, np.ndarray] = {}
    longest = max((len(r.path) for r in results), default=0)
    columns["step"] = np.arange(longest)
    for r in results:
        columns[f"{r.input_kind} w1"] = r.path[:, 0]
        columns[f"{r.input_kind} w2"] = r.path[:, 1]
        columns[f"{r.input_kind} loss"] = r.loss
    return columns


def _zigzag_window(results: Sequence[ZigzagResult], pad: float = 0.15) -> tuple[float, ...]:
    """One square window (x0, x1, y0, y1) for every panel: start, optimum and the path points
    within 3x the start's distance of the optimum (a diverging path is cut, not followed)."""
    pts = []
    for r in results:
        reach = 3.0 * max(float(np.linalg.norm(r.start - r.target)), 0.5)
        near = r.path[np.isfinite(r.path).all(axis=1)]
        near = near[np.linalg.norm(near - r.target, axis=1) <= reach]
        pts.extend([near, r.start[None], r.target[None]])
    allp = np.vstack(pts)
    lo, hi = allp.min(axis=0), allp.max(axis=0)
    centre, half = (lo + hi) / 2.0, float(np.max(hi - lo)) / 2.0 * (1.0 + 2.0 * pad)
    half = max(half, 0.5)
    return centre[0] - half, centre[0] + half, centre[1] - half, centre[1] + half


def zigzag_figure(
    results: Sequence[ZigzagResult],
    titles: Sequence[str],
    colors: Sequence[str],
    *,
    resolution: int = 121,
    height: int = 420,
) -> FigureSpec:
    """One panel per result, side by side on one common square window: contours of √L at the
    same levels in every panel (evenly spaced ellipses around the optimum), and the
    gradient-descent path from the start (circle) towards the optimum (star). Equal axis
    scales, so an elongated valley looks elongated.

    √L is evaluated from each result's Hessian H: L(w) = ½ (w − w*)ᵀ H (w − w*).
    """
    n = max(len(results), 1)
    # The panels share one window, so only the first one names its y axis: the second one's
    # "w2", drawn left of its tick labels, ran into the first panel.
    gap = 0.1
    width = (1.0 - gap * (n - 1)) / n
    x0, x1, y0, y1 = _zigzag_window(results) if results else (-1.0, 1.0, -1.0, 1.0)
    w1 = np.linspace(x0, x1, resolution)
    w2 = np.linspace(y0, y1, resolution)
    g1, g2 = np.meshgrid(w1, w2)
    grids = []
    for r in results:
        d = np.stack((g1 - r.target[0], g2 - r.target[1]), axis=-1)
        grids.append(np.sqrt(np.maximum(0.5 * np.einsum("...i,ij,...j->...", d, r.hessian, d), 0)))
    top = max((float(g.max()) for g in grids), default=1.0) or 1.0
    traces: list[dict] = []
    layout = base_layout_dict(height=height)
    layout["hovermode"] = "closest"
    layout["showlegend"] = False
    annotations = []
    for i, (r, title, color, grid) in enumerate(zip(results, titles, colors, grids, strict=True)):
        suffix = "" if i == 0 else str(i + 1)
        xa, ya = f"x{suffix}", f"y{suffix}"
        traces.append(
            {
                "type": "contour",
                "x": w1,
                "y": w2,
                "z": grid,
                "xaxis": xa,
                "yaxis": ya,
                "autocontour": False,
                "contours": {"coloring": "lines", "start": 0.0, "end": top, "size": top / 16},
                "colorscale": [[0.0, "#9ecae1"], [1.0, "#08306b"]],
                "showscale": False,
                "line": {"width": 1},
                "hovertemplate": "w1 = %{x:.3f}<br>w2 = %{y:.3f}<br>√L = %{z:.3g}<extra></extra>",
            }
        )
        traces.append(
            {
                "type": "scatter",
                "x": r.path[:, 0],
                "y": r.path[:, 1],
                "xaxis": xa,
                "yaxis": ya,
                "mode": "lines+markers",
                "name": title,
                "line": {"color": color, "width": 2},
                "marker": {"size": 5, "color": color},
                "customdata": np.arange(len(r.path)),
                "hovertemplate": _("step")
                + " %{customdata}: w = (%{x:.3f}, %{y:.3f})<extra></extra>",
            }
        )
        traces.append(
            {
                "type": "scatter",
                "x": [r.start[0], r.target[0]],
                "y": [r.start[1], r.target[1]],
                "xaxis": xa,
                "yaxis": ya,
                "mode": "markers",
                "marker": {
                    "symbol": ["circle", "star"],
                    "size": [12, 18],
                    "color": [color, "#111111"],
                    "line": {"color": "white", "width": 1},
                },
                "text": [_("start"), _("optimum w*")],
                "hovertemplate": "%{text}: (%{x:.3f}, %{y:.3f})<extra></extra>",
            }
        )
        lo = i * (width + gap)
        layout[f"xaxis{suffix}"] = {
            "domain": [lo, lo + width],
            "anchor": ya,
            "title": {"text": "w1"},
            "range": [x0, x1],
            "constrain": "domain",
        }
        layout[f"yaxis{suffix}"] = {
            "anchor": xa,
            "title": {"text": "w2" if i == 0 else ""},
            "range": [y0, y1],
            "scaleanchor": xa,
            "scaleratio": 1,
            "constrain": "domain",
        }
        annotations.append(
            {
                "text": f"<b>{title}</b>",
                "xref": f"{xa} domain",
                "yref": f"{ya} domain",
                "x": 0.5,
                "y": 1.0,
                "xanchor": "center",
                "yanchor": "bottom",
                "showarrow": False,
            }
        )
    layout["annotations"] = annotations
    return {"data": traces, "layout": layout}
