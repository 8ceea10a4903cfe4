"""Shared look of every chart: colours stable per activation, layout defaults, toolbar config."""

from __future__ import annotations

import re
from typing import Any

import plotly.graph_objects as go
from plotly.colors import qualitative

import activations

# Long enough that every registered activation gets its own colour.
PALETTE: tuple[str, ...] = (
    tuple(qualitative.D3) + tuple(qualitative.Dark24) + tuple(qualitative.Set1)
)
CUSTOM_COLOR = "#111111"
# Copies of one activation share its colour and differ by dash, so "same function, other
# parameters" reads at a glance.
DASHES: tuple[str, ...] = ("solid", "dash", "dot", "dashdot", "longdash", "longdashdot")
FONT_FAMILY = "Inter, 'Noto Sans', 'Noto Sans CJK SC', 'Noto Sans CJK TC', sans-serif"


def activation_color(name: str) -> str:
    """The colour of activation ``name`` on every page (custom formulas are drawn in black)."""
    names = activations.names()
    if name not in names:
        return CUSTOM_COLOR
    return PALETTE[names.index(name) % len(PALETTE)]


def copy_dash(copy_index: int) -> str:
    """Line dash for the ``copy_index``-th copy (0 = the original) of an activation."""
    return DASHES[copy_index % len(DASHES)]


def base_layout(fig: go.Figure, *, title: str | None = None, height: int = 480) -> go.Figure:
    """Apply the app-wide layout: white template, readable fonts, compact margins."""
    fig.update_layout(
        template="plotly_white",
        height=height,
        title={"text": title, "x": 0.0, "xanchor": "left"} if title else None,
        font={"family": FONT_FAMILY, "size": 13},
        margin={"l": 60, "r": 20, "t": 70 if title else 40, "b": 50},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.06, "x": 0.0},
        hovermode="x unified",
    )
    return fig


def safe_filename(text: str) -> str:
    """A file-name stem from a title: letters, digits, dots, dashes (unicode letters kept)."""
    stem = re.sub(r"[^\w.\-]+", "_", text, flags=re.UNICODE).strip("_")
    return stem[:80] or "chart"


def plotly_config(
    filename: str, *, image_format: str = "png", scale: float = 2.0
) -> dict[str, Any]:
    """Chart toolbar config: the camera button downloads ``filename`` at ``scale``."""
    return {
        "displaylogo": False,
        "toImageButtonOptions": {
            "format": image_format,
            "filename": safe_filename(filename),
            "scale": scale,
        },
        "modeBarButtonsToRemove": ["lasso2d", "select2d"],
    }
