"""The Curves figure: each activation and its exact derivative, aligned or overlaid."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import plotly.graph_objects as go

from charts.theme import base_layout_dict, fast_figure
from i18n import _


@dataclass(frozen=True)
class Curve:
    """One plotted activation: what to draw and how it looks."""

    key: str  # unique per plotted curve, e.g. "leaky_relu" or "leaky_relu~2"
    label: str  # legend text, parameters included
    activation: object  # an activations.Activation (or a custom formula activation)
    params: Mapping[str, float] = field(default_factory=dict)
    color: str = "#1f77b4"
    dash: str = "solid"


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
        f, df = curve.activation.value_and_grad(x, **curve.params)
        columns[f"{curve.key} f"] = np.asarray(f, dtype=float)
        columns[f"{curve.key} f'"] = np.asarray(df, dtype=float)
    return columns


def curves_figure(
    curves: Sequence[Curve],
    x_range: tuple[float, float],
    *,
    overlay: bool = False,
    log_grad: bool = False,
    probe: float | None = None,
    n: int = 601,
    height: int = 620,
) -> go.Figure:
    """Plot f and f′ of every curve.

    Two aligned panels (f above, f′ below, one shared x axis) or one panel with f′ dotted.
    ``log_grad`` plots |f′| on a log axis; exact zeros cannot be drawn there and leave gaps.
    ``probe`` marks f(probe) and f′(probe) on every curve.
    """
    x = sample_grid(*x_range, n=n)
    table = curve_table(curves, x)
    grad_title = _("|f′(x)| (log scale)") if log_grad else _("derivative f′(x)")
    grad_axis = "y2" if (log_grad or not overlay) else "y"
    x_plot = x.astype(np.float32)
    traces: list[dict] = []
    for curve in curves:
        f, df = _plotted(table[f"{curve.key} f"], table[f"{curve.key} f'"], log_grad)
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
                "name": _grad_name(curve.label),
                "mode": "lines",
                "legendgroup": curve.key,
                "showlegend": overlay,
                "line": dict(line, width=1.8, dash="dot" if overlay else curve.dash),
                # The name already ends in "· f′" (the unified hover label shows both).
                "hovertemplate": "%{y:.6g}",
                "yaxis": grad_axis,
            }
        )
        if probe is not None:
            fp, dfp = _probe_values(curve, curve.params, probe, log_grad)
            traces.append(_probe_marker(probe, fp, curve.color, "y"))
            traces.append(_probe_marker(probe, dfp, curve.color, grad_axis))

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
    return fast_figure(traces, layout)


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


def _plotted(f: np.ndarray, df: np.ndarray, log_grad: bool) -> tuple[np.ndarray, np.ndarray]:
    """The arrays drawn for f and f′: float32 halves the payload and draws the same picture;
    |f′| on a log axis keeps float64, whose range reaches the tiny values it is there to show."""
    if log_grad:
        with np.errstate(divide="ignore", invalid="ignore"):
            return f.astype(np.float32), np.where(np.abs(df) > 0, np.abs(df), np.nan)
    return f.astype(np.float32), df.astype(np.float32)


def _probe_values(
    curve: Curve, params: Mapping[str, float], probe: float, log_grad: bool
) -> tuple[float, float]:
    fp, dfp = curve.activation.value_and_grad(probe, **params)
    return float(fp), float(abs(dfp) if log_grad else dfp)


@dataclass(frozen=True)
class ParamSweep:
    """The traces of ``curves_figure`` for every listed value of one curve's parameter."""

    curve_key: str
    param: str
    values: np.ndarray
    traces: list[int]  # indices in the figure: f, f′, then the probe markers if any
    ys: list[list[np.ndarray]]  # ys[i][j]: trace traces[j] at values[i]
    names: list[list[str]]  # names[i][j]: legend name of trace traces[j] at values[i]


def param_sweep(
    curves: Sequence[Curve],
    index: int,
    param: str,
    values: np.ndarray,
    x_range: tuple[float, float],
    *,
    log_grad: bool = False,
    probe: float | None = None,
    n: int = 601,
    label: Callable[[Mapping[str, float]], str] | None = None,
) -> ParamSweep:
    """What ``curves_figure(curves, ...)`` draws for ``curves[index]`` as ``param`` takes each of
    ``values`` (other parameters fixed), so a browser can redraw it without the server."""
    curve = curves[index]
    x = sample_grid(*x_range, n=n)
    per_curve = 2 if probe is None else 4  # f, f′, then the two probe markers
    traces = list(range(per_curve * index, per_curve * (index + 1)))
    ys: list[list[np.ndarray]] = []
    names: list[list[str]] = []
    for value in values:
        params = {**curve.params, param: float(value)}
        f, df = _plotted(*curve.activation.value_and_grad(x, **params), log_grad)
        row = [f, df]
        if probe is not None:
            row += [np.array([v]) for v in _probe_values(curve, params, probe, log_grad)]
        ys.append(row)
        name = label(params) if label else curve.label
        names.append([name, _grad_name(name), "", ""][: len(traces)])
    return ParamSweep(curve.key, param, np.asarray(values, dtype=float), traces, ys, names)


def _grad_name(label: str) -> str:
    return label + " · f′"
