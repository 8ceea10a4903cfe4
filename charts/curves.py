"""The Curves figure: each activation and its exact derivative, aligned or overlaid."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from charts.theme import FigureSpec, base_layout_dict
from i18n import _


@dataclass(frozen=True)
class Curve:
    """One plotted activation: its sampled values and how it looks.

    ``f`` and ``df`` are f and f′ on the figure's x grid (:func:`sample_grid`); ``probe`` is
    (x, f(x), f′(x)) at the probed point, or None.
    """

    key: str  # unique per plotted curve, e.g. "leaky_relu" or "leaky_relu~2"
    label: str  # legend text, parameters included
    f: np.ndarray
    df: np.ndarray
    color: str = "#1f77b4"
    dash: str = "solid"
    probe: tuple[float, float, float] | None = None


def sample_grid(x_min: float, x_max: float, n: int = 601) -> np.ndarray:
    """``n`` points on [x_min, x_max], with 0 added when it is inside so kinks are drawn exactly."""
    x = np.linspace(x_min, x_max, n)
    if x_min < 0.0 < x_max:
        x = np.union1d(x, [0.0])
    return x


def curve_table(curves: Sequence[Curve], x: np.ndarray) -> dict[str, np.ndarray]:
    """Columns x, then f and f′ of every curve: the data behind the figure (CSV export)."""
    columns: dict[str, np.ndarray] = {"x": x}
    for curve in curves:
        columns[f"{curve.key} f"] = np.asarray(curve.f, dtype=float)
        columns[f"{curve.key} f'"] = np.asarray(curve.df, dtype=float)
    return columns


def curves_figure(
    curves: Sequence[Curve],
    x_range: tuple[float, float],
    *,
    overlay: bool = False,
    log_grad: bool = False,
    height: int = 620,
) -> FigureSpec:
    """Plot f and f′ of every curve, sampled on ``sample_grid(*x_range)``.

    Two aligned panels (f above, f′ below, one shared x axis) or one panel with f′ dotted.
    ``log_grad`` plots |f′| on a log axis; exact zeros cannot be drawn there and leave gaps.
    Curves with a ``probe`` get markers at f(probe) and f′(probe), and a dotted line there.
    """
    x = sample_grid(*x_range, n=len(curves[0].f) if curves else 601)
    grad_title = _("|f′(x)| (log scale)") if log_grad else _("derivative f′(x)")
    grad_axis = "y2" if (log_grad or not overlay) else "y"
    x_plot = x.astype(np.float32)
    traces: list[dict] = []
    for curve in curves:
        f, df = plotted(curve.f, curve.df, log_grad)
        line = {"color": curve.color, "dash": curve.dash, "width": 2.5}
        traces.append(
            {
                "type": "scatter",
                "x": x_plot,
                "y": f,
                "name": curve.label,
                "mode": "lines",
                "legendgroup": curve.key,
                "line": line,
                "hovertemplate": "f = %{y:.6g}",
                "yaxis": "y",
            }
        )
        traces.append(
            {
                "type": "scatter",
                "x": x_plot,
                "y": df,
                "name": grad_name(curve.label),
                "mode": "lines",
                "legendgroup": curve.key,
                "showlegend": overlay,
                "line": dict(line, width=1.8, dash="dot" if overlay else curve.dash),
                # The name already ends in "· f′" (the unified hover label shows both).
                "hovertemplate": "%{y:.6g}",
                "yaxis": grad_axis,
            }
        )
        if curve.probe is not None:
            px, fp, dfp = probe_values(curve.probe, log_grad)
            traces.append(_probe_marker(px, fp, curve.color, "y"))
            traces.append(_probe_marker(px, dfp, curve.color, grad_axis))

    layout = base_layout_dict(height=height)
    axis_style = {"zeroline": True, "zerolinecolor": "#888", "showspikes": True}
    if overlay:
        layout["yaxis"] = dict(axis_style, title={"text": "f(x), f′(x)"})
        layout["xaxis"] = dict(axis_style, range=list(x_range), title={"text": "x"})
        if log_grad:
            layout["yaxis2"] = {
                "type": "log",
                "overlaying": "y",
                "side": "right",
                "exponentformat": "power",
                "title": {"text": grad_title},
            }
    else:
        layout["xaxis"] = dict(axis_style, range=list(x_range), title={"text": "x"}, anchor="y2")
        layout["yaxis"] = dict(axis_style, domain=[0.53, 1.0], title={"text": _("activation f(x)")})
        layout["yaxis2"] = dict(axis_style, domain=[0.0, 0.47], title={"text": grad_title})
        if log_grad:
            layout["yaxis2"].update(type="log", exponentformat="power")
    probe = next((c.probe[0] for c in curves if c.probe is not None), None)
    if probe is not None:
        layout["shapes"] = [
            {
                "type": "line",
                "xref": "x",
                "yref": "paper",
                "x0": probe,
                "x1": probe,
                "y0": 0,
                "y1": 1,
                "line": {"color": "#555", "width": 1, "dash": "dot"},
            }
        ]
    return {"data": traces, "layout": layout}


def _probe_marker(x: float, y: float, color: str, axis: str) -> dict:
    return {
        "type": "scatter",
        "mode": "markers",
        "showlegend": False,
        "hoverinfo": "skip",
        "x": [x],
        "y": [y],
        "yaxis": axis,
        "marker": {"color": color, "size": 10, "line": {"color": "white", "width": 1.5}},
    }


def plotted(f: np.ndarray, df: np.ndarray, log_grad: bool) -> tuple[np.ndarray, np.ndarray]:
    """The arrays drawn for f and f′: float32 halves the payload and draws the same picture;
    |f′| on a log axis keeps float64, whose range reaches the tiny values it is there to show."""
    f, df = np.asarray(f), np.asarray(df)
    if log_grad:
        with np.errstate(divide="ignore", invalid="ignore"):
            return f.astype(np.float32), np.where(np.abs(df) > 0, np.abs(df), np.nan)
    return f.astype(np.float32), df.astype(np.float32)


def probe_values(probe: tuple[float, float, float], log_grad: bool) -> tuple[float, float, float]:
    """(x, f, f′) as the probe markers draw them (|f′| on a log axis)."""
    x, fp, dfp = probe
    return x, float(fp), float(abs(dfp) if log_grad else dfp)


def grad_name(label: str) -> str:
    """The legend name of a curve's f′."""
    return label + " · f′"
