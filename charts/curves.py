"""The Curves figure: each activation and its exact derivative, aligned or overlaid."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from charts.theme import base_layout
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


def sample_grid(x_min: float, x_max: float, n: int = 801) -> np.ndarray:
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
    n: int = 801,
    height: int = 620,
) -> go.Figure:
    """Plot f and f′ of every curve.

    Two aligned panels (f above, f′ below, shared x axis) or one panel with f′ dashed.
    ``log_grad`` plots |f′| on a log axis; exact zeros cannot be drawn there and leave gaps.
    ``probe`` marks f(probe) and f′(probe) on every curve.
    """
    x = sample_grid(*x_range, n=n)
    table = curve_table(curves, x)
    grad_title = _("|f′(x)| (log scale)") if log_grad else _("derivative f′(x)")
    if overlay:
        fig = go.Figure()
        rows = {"f": (None, None), "df": (None, None)}
    else:
        fig = make_subplots(
            rows=2,
            cols=1,
            shared_xaxes=True,
            vertical_spacing=0.06,
        )
        rows = {"f": (1, 1), "df": (2, 1)}

    for curve in curves:
        f = table[f"{curve.key} f"]
        df = table[f"{curve.key} f'"]
        if log_grad:
            with np.errstate(divide="ignore", invalid="ignore"):
                df = np.where(np.abs(df) > 0, np.abs(df), np.nan)
        line = {"color": curve.color, "dash": curve.dash, "width": 2.5}
        fig.add_trace(
            go.Scatter(
                x=x,
                y=f,
                name=curve.label,
                legendgroup=curve.key,
                mode="lines",
                line=line,
                hovertemplate="f = %{y:.6g}",
            ),
            *_cell(rows["f"]),
        )
        grad_line = dict(line, width=1.8) if not overlay else dict(line, dash="dot", width=1.8)
        fig.add_trace(
            go.Scatter(
                x=x,
                y=df,
                name=curve.label + " · f′",
                legendgroup=curve.key,
                mode="lines",
                line=grad_line,
                showlegend=overlay,
                hovertemplate="f′ = %{y:.6g}",
                yaxis="y2" if overlay and log_grad else None,
            ),
            *_cell(rows["df"]),
        )
        if probe is not None:
            fp, dfp = curve.activation.value_and_grad(np.array([probe]), **curve.params)
            dfp = np.abs(dfp) if log_grad else dfp
            for value, cell, axis in ((fp, rows["f"], None), (dfp, rows["df"], "y2")):
                fig.add_trace(
                    go.Scatter(
                        x=[probe],
                        y=[float(value[0])],
                        mode="markers",
                        legendgroup=curve.key,
                        yaxis=axis if overlay and log_grad else None,
                        marker={
                            "color": curve.color,
                            "size": 10,
                            "line": {"color": "white", "width": 1.5},
                        },
                        showlegend=False,
                        hoverinfo="skip",
                    ),
                    *_cell(cell),
                )

    base_layout(fig, height=height)
    fig.update_xaxes(range=list(x_range), zeroline=True, zerolinecolor="#888", showspikes=True)
    fig.update_yaxes(zeroline=True, zerolinecolor="#888")
    if probe is not None:
        fig.add_vline(x=probe, line={"color": "#555", "width": 1, "dash": "dot"})
    if overlay:
        fig.update_xaxes(title_text="x")
        if log_grad:
            fig.update_layout(
                yaxis2={"type": "log", "overlaying": "y", "side": "right", "title": grad_title}
            )
    else:
        fig.update_xaxes(title_text="x", row=2, col=1)
        fig.update_yaxes(title_text=_("activation f(x)"), row=1, col=1)
        fig.update_yaxes(title_text=grad_title, row=2, col=1)
        if log_grad:
            fig.update_yaxes(type="log", exponentformat="power", row=2, col=1)
    return fig


def _cell(cell: tuple[int | None, int | None]) -> tuple:
    row, col = cell
    return () if row is None else (row, col)
