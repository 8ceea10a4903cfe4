"""Figures and their data as files: standalone HTML, CSV, and PNG/SVG/PDF through kaleido."""

from __future__ import annotations

import csv
import io
import os
import shutil
from collections.abc import Mapping

import numpy as np
import plotly.graph_objects as go
import plotly.io as pio

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


def to_html(fig: go.Figure) -> bytes:
    """A standalone interactive HTML file (plotly.js embedded, so it works offline)."""
    return pio.to_html(fig, include_plotlyjs=True, full_html=True).encode("utf-8")


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


def to_image(fig: go.Figure, image_format: str, scale: float = 2.0) -> bytes:
    """PNG, SVG or PDF rendered server-side by kaleido (needs a Chrome or Chromium)."""
    if image_format not in IMAGE_FORMATS:
        raise ValueError(f"image_format must be one of {IMAGE_FORMATS}, not {image_format!r}")
    return pio.to_image(fig, format=image_format, scale=scale)


def _cell(value: object) -> str:
    if isinstance(value, float | np.floating):
        return repr(float(value))
    return str(value)
