"""Figures and their data as files: standalone HTML, CSV, and PNG/SVG/PDF through kaleido."""

from __future__ import annotations

import csv
import html
import io
import json
import os
import shutil
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import orjson
import plotly.graph_objects as go
import plotly.io as pio
from _plotly_utils.utils import to_typed_array_spec
from plotly.offline import get_plotlyjs

from charts.theme import (
    MODEBAR_BAND,
    FigureSpec,
    base_layout_dict,
    camera_title,
    fast_figure,
    plotly_config,
)

IMAGE_FORMATS = ("png", "svg", "pdf")
# The camera button of live charts and HTML files (see the file for why it is not plotly's).
STATIC_IMAGE_JS = Path(__file__).with_name("static_image.js").read_text(encoding="utf-8")
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


def static_layout_patch(layout: Mapping[str, Any]) -> dict[str, Any]:
    """What a picture of a figure changes in its layout ({} when nothing): a picture shows the
    figure only, so an animation's Play/Pause buttons and frame slider go, and the bottom
    margin the builder made room for them in shrinks to the app's usual one (the figure loses
    that band; the plot area keeps its size).

    Static images use it: the server's PNG/SVG/PDF (:func:`to_image`) and the camera button of
    the live charts and HTML files (``static_image.js``, which applies it to the chart as
    shown). Interactive HTML keeps the controls.
    """
    menus, sliders = layout.get("updatemenus") or [], layout.get("sliders") or []
    if not menus and not sliders:
        return {}
    patch: dict[str, Any] = {"updatemenus": [], "sliders": []}
    # Controls below the plot (y < 0.5 of the paper: sliders default to y = 0, menus to 1).
    below = any(float(m.get("y", 1.0)) < 0.5 for m in menus) or any(
        float(s.get("y", 0.0)) < 0.5 for s in sliders
    )
    margin = dict(layout.get("margin") or {})
    bottom, usual = margin.get("b"), base_layout_dict()["margin"]["b"]
    height = layout.get("height")
    if below and bottom is not None and bottom > usual and height:
        patch["margin"] = dict(margin, b=usual)
        patch["height"] = height - (bottom - usual)
    return patch


def _spec(fig: go.Figure | FigureSpec) -> FigureSpec:
    """``fig`` as plain dicts: a Figure's own state (not a copy), or the spec itself."""
    if not isinstance(fig, go.Figure):
        return fig
    spec = {"data": fig._data, "layout": fig._layout}  # plotly.py's own plain-dict state
    frames = [frame._props for frame in fig._frame_objs]
    if frames:
        spec["frames"] = frames
    return spec


def static_figure(fig: go.Figure | FigureSpec) -> FigureSpec:
    """``fig`` as a picture: its data and layout with :func:`static_layout_patch`, no frames."""
    spec = _spec(fig)
    layout = spec.get("layout", {})
    return {"data": spec.get("data", []), "layout": {**layout, **static_layout_patch(layout)}}


def camera(fig: go.Figure | FigureSpec, image_format: str = "png") -> dict[str, Any]:
    """What ``static_image.js`` needs for ``fig``'s camera button: its title and layout patch."""
    layout = _spec(fig).get("layout", {})
    return {"title": camera_title(image_format), "patch": static_layout_patch(layout)}


# A band above the chart for the toolbar, so that it never covers the legend or a title
# (plotly.js draws it over the figure's top right corner).
MODEBAR_CSS = (
    f".al-chart {{ padding-top: {MODEBAR_BAND}px; box-sizing: content-box; }}\n"
    f".al-chart .modebar-container {{ top: -{MODEBAR_BAND}px !important; }}\n"
)

_HTML_HEAD = """<!DOCTYPE html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<title>{title}</title>
<style>
body {{ margin: 8px; }}
{css}</style>
</head>
<body>
<div id="chart" class="al-chart"></div>
<script>"""
_HTML_DRAW = """
const config = activationLabCameraConfig(Plotly, {config}, {camera});
Plotly.newPlot("chart", figure.data, figure.layout, config).then(function (gd) {{
  if (figure.frames) return Plotly.addFrames(gd, figure.frames);
}});
</script>
</body>
</html>
"""


def to_html(
    fig: go.Figure | FigureSpec, name: str = "chart", *, image_format: str = "png", scale: float = 2
) -> bytes:
    """A standalone interactive HTML file: plotly.js embedded (it works offline and loads
    nothing from the network), the animation controls kept, and the app's toolbar: no button
    that sends the chart anywhere, a camera that saves the figure only (file ``name``)."""
    config = plotly_config(name, image_format=image_format, scale=scale)
    config.pop("plotlyServerURL", None)  # no outside address in the file at all
    head = _HTML_HEAD.format(
        lang=config.get("locale", "en").replace("_", "-"),
        title=html.escape(name),
        css=MODEBAR_CSS,
    )
    draw = _HTML_DRAW.format(
        config=_script_json(json.dumps(config)),
        camera=_script_json(json.dumps(camera(fig, image_format))),
    )
    return b"".join(
        [
            head.encode(),
            get_plotlyjs().encode(),
            b"</script>\n<script>\n",
            STATIC_IMAGE_JS.encode(),
            b"\nconst figure = ",
            _script_json(to_json_bytes(fig)),
            b";",
            draw.encode(),
        ]
    )


def _script_json(data: bytes | str) -> bytes | str:
    """JSON that is safe inside an HTML <script>: "</" can only occur inside a JSON string,
    where the escape "<\\/" reads the same."""
    return data.replace(b"</", b"<\\/") if isinstance(data, bytes) else data.replace("</", "<\\/")


def to_json_bytes(fig: go.Figure | FigureSpec) -> bytes:
    """The figure as Plotly JSON (UTF-8), what ``plotly.io.to_json`` gives, several times faster.

    ``pio.to_json`` deep-copies the figure and walks it twice (base64 conversion, cleaning) and
    escapes the text for HTML pages: 12 ms for a Warp animation, where this takes 1. It reads
    the figure's own dicts, encodes numpy arrays as typed arrays as plotly.py does, and falls
    back to ``pio.to_json`` for any value orjson cannot take (dates, pandas objects).
    """
    spec = _spec(fig)
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
    return pio.to_image(fast_figure(**static_figure(fig)), format=image_format, scale=scale)


def _cell(value: object) -> str:
    if isinstance(value, float | np.floating):
        return repr(float(value))
    return str(value)
