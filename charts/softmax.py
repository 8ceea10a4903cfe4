"""The Softmax figures: probabilities and log-probabilities, the Jacobian, the two-class case,
softmax as a map onto the segment and the triangle, and maxout's piecewise-linear pieces.

Pure builders: arrays in, plain-dict figures out (validated once in the tests).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from activations.softmax_maps import simplex_xy
from charts.theme import FigureSpec, activation_color, base_layout_dict
from i18n import _

__all__ = [
    "CLASS3_COLORS",
    "QUADRANT_COLORS",
    "jacobian_figure",
    "logit_labels",
    "maxout_curve_figure",
    "maxout_warp_figure",
    "probabilities_figure",
    "segment_figure",
    "simplex_figure",
    "two_class_figure",
]

BAR_COLOR = "#9ecae1"
ARGMAX_COLOR = "#d62728"
LOG_COLOR = "#6baed6"
QUADRANT_COLORS = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728")  # +x+y, −x+y, −x−y, +x−y
CLASS3_COLORS = ("#1f77b4", "#ff7f0e", "#2ca02c")
# Maxout's pieces: thin dashed lines under the thick black maximum.
PIECE_COLORS = (
    "#1f77b4",
    "#e46c0a",
    "#2ca02c",
    "#9467bd",
    "#8c564b",
    "#c13a9b",
    "#6f6f6f",
    "#7a7a00",
)
# Explicit stops: a named scale ("RdBu") means opposite directions in plotly.py and plotly.js.
DIVERGING = [[0.0, "#2166ac"], [0.5, "#f7f7f7"], [1.0, "#b2182b"]]
GUIDE = {"color": "#888888", "width": 1, "dash": "dot"}
_SUBSCRIPTS = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


def logit_labels(n: int) -> list[str]:
    """Category names z₁ … zₙ (unique, so equal logits still get their own bar)."""
    return [f"z{str(i + 1).translate(_SUBSCRIPTS)}" for i in range(n)]


def probabilities_figure(
    logits: np.ndarray,
    probs: np.ndarray,
    log_probs: np.ndarray,
    *,
    temperature: float = 1.0,
    height: int = 520,
) -> FigureSpec:
    """Two aligned bar panels: softmax probabilities (labelled, the argmax in red, their sum in
    the title) above, log-softmax below."""
    n = len(logits)
    names = logit_labels(n)
    top = int(np.argmax(probs))
    colors = [ARGMAX_COLOR if i == top else BAR_COLOR for i in range(n)]
    ticks = [f"{name}<br>{z:g}" for name, z in zip(names, logits, strict=True)]
    text_size = 12 if n <= 10 else 9
    traces = [
        {
            "type": "bar",
            "x": names,
            "y": probs,
            "name": "softmax",
            "marker": {"color": colors},
            "text": [f"{p:.4g}" for p in probs],
            "textposition": "outside",
            "textfont": {"size": text_size},
            "cliponaxis": False,
            "customdata": logits,
            "hovertemplate": "%{x} = %{customdata:g}<br>p = %{y:.6g}<extra></extra>",
        },
        {
            "type": "bar",
            "x": names,
            "y": log_probs,
            "name": "log-softmax",
            "marker": {"color": [ARGMAX_COLOR if i == top else LOG_COLOR for i in range(n)]},
            "text": [f"{v:.3g}" for v in log_probs],
            "textposition": "outside",
            "textfont": {"size": text_size},
            "cliponaxis": False,
            "xaxis": "x2",
            "yaxis": "y2",
            "customdata": logits,
            "hovertemplate": "%{x} = %{customdata:g}<br>log p = %{y:.6g}<extra></extra>",
        },
    ]
    total = float(np.sum(probs))
    title = _("Probabilities p = softmax(z / T), T = {t:g}: Σ p = {total:.10f}").format(
        t=temperature, total=total
    )
    layout = base_layout_dict(title=title, height=height)
    layout["showlegend"] = False
    layout["hovermode"] = "closest"
    layout["bargap"] = 0.25
    axis_x = {"tickmode": "array", "tickvals": names, "ticktext": ticks}
    layout["xaxis"] = dict(axis_x, anchor="y", showticklabels=False)
    layout["xaxis2"] = dict(axis_x, anchor="y2", matches="x")
    layout["yaxis"] = {
        "domain": [0.5, 1.0],
        "range": [0.0, max(1.0, float(np.max(probs)) * 1.12)],
        "title": {"text": _("probability p")},
    }
    low = float(np.min(log_probs))
    layout["yaxis2"] = {
        "domain": [0.0, 0.4],
        "range": [low * 1.18 - 0.3, 0.0] if np.isfinite(low) else None,
        "title": {"text": _("log p (log-softmax)")},
    }
    if layout["yaxis2"]["range"] is None:
        del layout["yaxis2"]["range"]
    return {"data": traces, "layout": layout}


def jacobian_figure(jacobian: np.ndarray, *, height: int = 520) -> FigureSpec:
    """The Jacobian ∂pᵢ/∂zⱼ = (diag(p) − p pᵀ)ᵢⱼ / T as a diverging heatmap (row i, column j),
    values written in the cells when there are at most 10 logits."""
    n = jacobian.shape[0]
    names = logit_labels(n)
    rows = [f"p{name[1:]}" for name in names]
    limit = float(np.max(np.abs(jacobian))) or 1.0
    trace = {
        "type": "heatmap",
        "z": jacobian,
        "x": names,
        "y": rows,
        "colorscale": DIVERGING,
        "zmid": 0.0,
        "zmin": -limit,
        "zmax": limit,
        "hovertemplate": "∂%{y}/∂%{x} = %{z:.6g}<extra></extra>",
        "colorbar": {"thickness": 12, "len": 0.8},
    }
    if n <= 10:
        trace["texttemplate"] = "%{z:.3f}"
        trace["textfont"] = {"size": 11 if n <= 7 else 9}
    layout = base_layout_dict(title=_("Jacobian ∂pᵢ/∂zⱼ = (diag(p) − p pᵀ) / T"), height=height)
    layout["hovermode"] = "closest"
    layout["xaxis"] = {"side": "bottom", "title": {"text": "zⱼ"}}
    layout["yaxis"] = {"autorange": "reversed", "title": {"text": "pᵢ"}}
    return {"data": [trace], "layout": layout}


def two_class_figure(
    z: np.ndarray,
    softmax_pairs: np.ndarray,
    sigmoids: np.ndarray,
    *,
    temperature: float = 1.0,
    height: int = 400,
) -> FigureSpec:
    """Both components of softmax((z, 0) / T) (thick, pale) with σ(z/T) and σ(−z/T) drawn thin
    on top: ``softmax_pairs`` and ``sigmoids`` are (n, 2), and the curves coincide."""
    colors = (activation_color("sigmoid"), "#ff7f0e")
    t = f"{temperature:g}"
    traces: list[dict] = []
    for k, (name, sig_name) in enumerate(
        (("softmax(z, 0)₁", f"σ(z / {t})"), ("softmax(z, 0)₂", f"σ(−z / {t})"))
    ):
        traces.append(
            {
                "type": "scatter",
                "x": z,
                "y": softmax_pairs[:, k],
                "name": name,
                "mode": "lines",
                "line": {"color": colors[k], "width": 8},
                "opacity": 0.45,
                "hovertemplate": name + " = %{y:.10f}",
            }
        )
        traces.append(
            {
                "type": "scatter",
                "x": z,
                "y": sigmoids[:, k],
                "name": sig_name,
                "mode": "lines",
                "line": {"color": "#111111", "width": 1.8, "dash": "dash" if k == 0 else "dot"},
                "hovertemplate": sig_name + " = %{y:.10f}",
            }
        )
    layout = base_layout_dict(height=height)
    layout["xaxis"] = {"title": {"text": _("logit z of class 1 (class 2 fixed at 0)")}}
    layout["yaxis"] = {"title": {"text": _("probability")}, "range": [-0.03, 1.03]}
    return {"data": traces, "layout": layout}


def segment_figure(
    points: np.ndarray,
    probs: np.ndarray,
    *,
    temperature: float = 1.0,
    levels: Sequence[float] = (-4.0, -2.0, 0.0, 2.0, 4.0),
    height: int = 460,
) -> FigureSpec:
    """Left: points (z₁, z₂) of the plane coloured by p₁, with the lines z₁ − z₂ = c (each one
    collapses to a single point). Right: their images (p₁, p₂) on the segment p₁ + p₂ = 1."""
    p1 = probs[:, 0]
    marker = {
        "color": p1,
        "colorscale": DIVERGING,
        "cmin": 0.0,
        "cmax": 1.0,
        "size": 5,
        "opacity": 0.8,
    }
    traces: list[dict] = [
        {
            "type": "scatter",
            "x": points[:, 0],
            "y": points[:, 1],
            "mode": "markers",
            "name": _("logits (z₁, z₂)"),
            "marker": dict(marker, colorbar={"title": {"text": "p₁"}, "thickness": 12}),
            "hovertemplate": "z = (%{x:.2f}, %{y:.2f})<br>p₁ = %{marker.color:.4f}<extra></extra>",
        },
        {
            "type": "scatter",
            "x": [1.0, 0.0],
            "y": [0.0, 1.0],
            "mode": "lines",
            "name": "p₁ + p₂ = 1",
            "line": {"color": "#888888", "width": 1.5},
            "xaxis": "x2",
            "yaxis": "y2",
            "hoverinfo": "skip",
        },
        {
            "type": "scatter",
            "x": probs[:, 0],
            "y": probs[:, 1],
            "mode": "markers",
            "name": _("softmax(z / T)"),
            "marker": dict(marker, size=7, opacity=0.35),
            "xaxis": "x2",
            "yaxis": "y2",
            "hovertemplate": "p = (%{x:.4f}, %{y:.4f})<extra></extra>",
        },
    ]
    span = float(np.max(np.abs(points))) * 1.05 if len(points) else 1.0
    shapes, notes = [], []
    for c in levels:
        # z₁ − z₂ = c, clipped to the square [−span, span]²
        lo, hi = max(-span, -span + c), min(span, span + c)
        if lo >= hi:
            continue
        shapes.append(
            {
                "type": "line",
                "x0": lo,
                "y0": lo - c,
                "x1": hi,
                "y1": hi - c,
                "xref": "x",
                "yref": "y",
                "line": GUIDE,
            }
        )
        p = 1.0 / (1.0 + np.exp(-c / temperature))
        notes.append(
            {
                "x": hi,
                "y": hi - c,
                "xref": "x",
                "yref": "y",
                "text": f"p₁={p:.2f}",
                "showarrow": False,
                "font": {"size": 10, "color": "#555"},
                "xanchor": "left" if c > 0 else "center",
                "yanchor": "middle" if c > 0 else "bottom",
            }
        )
    layout = base_layout_dict(height=height)
    layout["showlegend"] = False
    layout["hovermode"] = "closest"
    layout["shapes"] = shapes
    layout["annotations"] = notes
    layout["xaxis"] = {
        "domain": [0.0, 0.44],
        "range": [-span, span],
        "title": {"text": "z₁"},
        "constrain": "domain",
    }
    layout["yaxis"] = {
        "range": [-span, span],
        "title": {"text": "z₂"},
        "scaleanchor": "x",
        "constrain": "domain",
    }
    layout["xaxis2"] = {
        "domain": [0.56, 1.0],
        "anchor": "y2",
        "range": [-0.05, 1.05],
        "title": {"text": "p₁"},
        "constrain": "domain",
    }
    layout["yaxis2"] = {
        "anchor": "x2",
        "range": [-0.05, 1.05],
        "title": {"text": "p₂"},
        "scaleanchor": "x2",
        "constrain": "domain",
    }
    return {"data": traces, "layout": layout}


def simplex_figure(
    probs: np.ndarray,
    *,
    highlight: np.ndarray | None = None,
    highlight_label: str = "",
    path: np.ndarray | None = None,
    height: int = 460,
) -> FigureSpec:
    """Probability triples as points of the triangle (barycentric coordinates), coloured by the
    most likely class. ``highlight`` (one triple) is drawn as a black star named
    ``highlight_label``; ``path`` (m, 3) as a black line, e.g. one logit triple over a range of
    temperatures."""
    xy = simplex_xy(probs)
    winner = np.argmax(probs, axis=1)
    corners = simplex_xy(np.eye(3))
    outline = np.vstack((corners, corners[:1]))
    traces: list[dict] = [
        {
            "type": "scatter",
            "x": outline[:, 0],
            "y": outline[:, 1],
            "mode": "lines",
            "line": {"color": "#888888", "width": 1.5},
            "hoverinfo": "skip",
            "showlegend": False,
        }
    ]
    for k in range(3):
        mask = winner == k
        traces.append(
            {
                "type": "scatter",
                "x": xy[mask, 0],
                "y": xy[mask, 1],
                "mode": "markers",
                "name": _("argmax = {k}").format(k=k + 1),
                "marker": {"color": CLASS3_COLORS[k], "size": 5, "opacity": 0.55},
                "customdata": probs[mask],
                "hovertemplate": "p = (%{customdata[0]:.3f}, %{customdata[1]:.3f}, "
                "%{customdata[2]:.3f})<extra></extra>",
            }
        )
    if path is not None:
        pxy = simplex_xy(path)
        traces.append(
            {
                "type": "scatter",
                "x": pxy[:, 0],
                "y": pxy[:, 1],
                "mode": "lines",
                "name": _("T from 0.1 to 10"),
                "line": {"color": "#111111", "width": 2},
                "hoverinfo": "skip",
            }
        )
    if highlight is not None:
        h = simplex_xy(highlight)
        traces.append(
            {
                "type": "scatter",
                "x": [h[0]],
                "y": [h[1]],
                "mode": "markers",
                "name": highlight_label or _("your logits"),
                "marker": {
                    "symbol": "star",
                    "size": 18,
                    "color": "#111111",
                    "line": {"color": "white", "width": 1},
                },
                "hovertemplate": "p = ("
                + ", ".join(f"{v:.4f}" for v in highlight)
                + ")<extra></extra>",
            }
        )
    notes = [
        {
            "x": x,
            "y": y,
            "text": label,
            "showarrow": False,
            "xanchor": anchor,
            "yanchor": "top" if y < 0.5 else "bottom",
            "font": {"size": 13},
        }
        for (x, y), label, anchor in zip(
            corners, ("p₁ = 1", "p₂ = 1", "p₃ = 1"), ("right", "left", "center"), strict=True
        )
    ]
    layout = base_layout_dict(height=height)
    layout["hovermode"] = "closest"
    layout["annotations"] = notes
    hidden = {"visible": False, "constrain": "domain"}
    layout["xaxis"] = dict(hidden, range=[-0.12, 1.12])
    layout["yaxis"] = dict(hidden, range=[-0.1, 0.96], scaleanchor="x")
    return {"data": traces, "layout": layout}


def maxout_curve_figure(
    slopes: np.ndarray,
    intercepts: np.ndarray,
    x_vertices: np.ndarray,
    y_vertices: np.ndarray,
    *,
    height: int = 430,
) -> FigureSpec:
    """Each affine piece aⱼx + bⱼ (thin, dashed) and their maximum (thick): the exact
    piecewise-linear graph through its kinks (``x_vertices``, ``y_vertices``). The pieces share
    one legend entry (one per piece took half the chart at k = 6); hovering names each one."""
    lo, hi = float(x_vertices[0]), float(x_vertices[-1])
    # The legend's entry for every piece: a grey dashed key that shows or hides them all.
    traces: list[dict] = [
        {
            "type": "scatter",
            "x": [None],
            "y": [None],
            "mode": "lines",
            "name": _("pieces aⱼx + bⱼ"),
            "legendgroup": "pieces",
            "line": {"width": 1.4, "dash": "dash", "color": "#6f6f6f"},
            "hoverinfo": "skip",
        }
    ]
    for j, (a, b) in enumerate(zip(slopes, intercepts, strict=True)):
        formula = f"{a:.2f}·x {b:+.2f}"
        traces.append(
            {
                "type": "scatter",
                "x": [lo, hi],
                "y": [a * lo + b, a * hi + b],
                "mode": "lines",
                "name": formula,
                "legendgroup": "pieces",
                "showlegend": False,
                "line": {
                    "width": 1.4,
                    "dash": "dash",
                    "color": PIECE_COLORS[j % len(PIECE_COLORS)],
                },
                "opacity": 0.85,
                "hovertemplate": formula + "<extra></extra>",
            }
        )
    traces.append(
        {
            "type": "scatter",
            "x": x_vertices,
            "y": y_vertices,
            "mode": "lines+markers",
            "name": _("maxout = max of the pieces"),
            "cliponaxis": False,
            "line": {"color": "#111111", "width": 3.5},
            "marker": {"size": 8, "color": "#111111"},
            "hovertemplate": "x = %{x:.4f}<br>f = %{y:.4f}<extra></extra>",
        }
    )
    layout = base_layout_dict(height=height)
    layout["hovermode"] = "closest"
    pad = 0.04 * (hi - lo)  # the end dots and the corner tick labels need a little room
    layout["xaxis"] = {"range": [lo - pad, hi + pad], "title": {"text": "x"}, "zeroline": True}
    span = float(np.ptp(y_vertices)) or 1.0
    layout["yaxis"] = {
        "title": {"text": "f(x)"},
        "range": [float(np.min(y_vertices)) - 0.6 * span, float(np.max(y_vertices)) + 0.15 * span],
        "zeroline": True,
    }
    return {"data": traces, "layout": layout}


def maxout_warp_figure(
    points: np.ndarray,
    mapped: np.ndarray,
    groups: np.ndarray,
    group_names: Sequence[str],
    *,
    height: int = 460,
) -> FigureSpec:
    """The cloud before (left) and after (right) a two-unit maxout layer, coloured by group
    (starting quadrant or class), so each fold is visible."""
    traces: list[dict] = []
    for g, name in enumerate(group_names):
        mask = groups == g
        color = QUADRANT_COLORS[g % len(QUADRANT_COLORS)]
        for xa, ya, data, show in (("x", "y", points, True), ("x2", "y2", mapped, False)):
            traces.append(
                {
                    "type": "scatter",
                    "x": data[mask, 0],
                    "y": data[mask, 1],
                    "mode": "markers",
                    "name": name,
                    "legendgroup": name,
                    "showlegend": show,
                    "marker": {"color": color, "size": 4, "opacity": 0.7},
                    "xaxis": xa,
                    "yaxis": ya,
                    "hovertemplate": "(%{x:.3f}, %{y:.3f})<extra></extra>",
                }
            )
    layout = base_layout_dict(height=height)
    layout["hovermode"] = "closest"
    layout["xaxis"] = {"domain": [0.0, 0.42], "title": {"text": "x₁"}, "constrain": "domain"}
    layout["yaxis"] = {"title": {"text": "x₂"}, "scaleanchor": "x", "constrain": "domain"}
    layout["xaxis2"] = {
        "domain": [0.58, 1.0],
        "anchor": "y2",
        "title": {"text": _("maxout unit 1")},
        "constrain": "domain",
    }
    layout["yaxis2"] = {
        "anchor": "x2",
        "title": {"text": _("maxout unit 2")},
        "scaleanchor": "x2",
        "constrain": "domain",
    }
    return {"data": traces, "layout": layout}
