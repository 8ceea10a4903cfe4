"""Figures and their data as files: standalone HTML, CSV, and PNG/SVG/PDF through kaleido."""

from __future__ import annotations

import csv
import io
import os
import shutil
from collections.abc import Mapping

import numpy as np
import orjson
import plotly.graph_objects as go
import plotly.io as pio
from _plotly_utils.utils import to_typed_array_spec

from charts.theme import FigureSpec, fast_figure

IMAGE_FORMATS = ("png", "svg", "pdf")
_BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")


def find_browser() -> str | None:
    """Path of a Chrome or Chromium that kaleido can drive, or None."""
    explicit = os.environ.get("BROWSER_PATH")
    if explicit and os.path.exists(explicit):
        return explicit
    for name in _BROWSERS:
        if path := shutil.which(name):
            return path
    return None


def as_figure(fig: go.Figure | FigureSpec) -> go.Figure:
    """``fig`` as a plotly.py Figure (a :data:`~charts.theme.FigureSpec` is wrapped)."""
    return fig if isinstance(fig, go.Figure) else fast_figure(**fig)


def to_html(fig: go.Figure | FigureSpec) -> bytes:
    """A standalone interactive HTML file (plotly.js embedded, so it works offline)."""
    return pio.to_html(as_figure(fig), include_plotlyjs=True, full_html=True).encode("utf-8")


def to_json_bytes(fig: go.Figure | FigureSpec) -> bytes:
    """The figure as Plotly JSON (UTF-8), what ``plotly.io.to_json`` gives, several times faster.

    ``pio.to_json`` deep-copies the figure and walks it twice (base64 conversion, cleaning) and
    escapes the text for HTML pages: 12 ms for a Warp animation, where this takes 1. It reads
    the figure's own dicts, encodes numpy arrays as typed arrays as plotly.py does, and falls
    back to ``pio.to_json`` for any value orjson cannot take (dates, pandas objects).
    """
    if isinstance(fig, go.Figure):
        spec = {"data": fig._data, "layout": fig._layout}  # plotly.py's own plain-dict state
        frames = [frame._props for frame in fig._frame_objs]
        if frames:
            spec["frames"] = frames
    else:
        spec = fig
    try:
        return orjson.dumps(spec, default=_json_value)
    except TypeError:
        return pio.to_json(as_figure(fig), validate=False, engine="orjson").encode("utf-8")


def _json_value(value: object) -> object:
    """orjson's fallback: numpy arrays as typed arrays (or lists), numpy scalars as numbers."""
    if isinstance(value, np.ndarray):
        spec = to_typed_array_spec(value)
        return spec if isinstance(spec, dict) else value.tolist()
    if isinstance(value, np.generic):
        return value.item()
    raise TypeError(f"not JSON: {type(value).__name__}")


def to_csv(columns: Mapping[str, np.ndarray | list]) -> bytes:
    """Columns of equal length as CSV (shorter columns are padded with blanks)."""
    names = list(columns)
    arrays = [np.asarray(columns[name]).ravel() for name in names]
    length = max((len(a) for a in arrays), default=0)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(names)
    for i in range(length):
        writer.writerow([_cell(a[i]) if i < len(a) else "" for a in arrays])
    return buffer.getvalue().encode("utf-8")


def to_image(fig: go.Figure | FigureSpec, image_format: str, scale: float = 2.0) -> bytes:
    """PNG, SVG or PDF rendered server-side by kaleido (needs a Chrome or Chromium)."""
    if image_format not in IMAGE_FORMATS:
        raise ValueError(f"image_format must be one of {IMAGE_FORMATS}, not {image_format!r}")
    return pio.to_image(as_figure(fig), format=image_format, scale=scale)


def _cell(value: object) -> str:
    if isinstance(value, float | np.floating):
        return repr(float(value))
    return str(value)
