"""A Plotly chart that stays mounted across reruns and can follow a slider in the browser.

``st.plotly_chart`` gives each new figure a new element id (it hashes the spec), so every rerun
tears the chart down and draws it from scratch: ~200 ms of browser time per slider step on the
Curves page. This component keeps one chart per key and hands new figures to ``Plotly.react``.

A *link* ties one Streamlit slider to precomputed trace data (``SliderLink``): when that slider
moves, the chart swaps in the matching arrays at once, with no server round trip; the rerun the
move also triggers (for the URL, tables and the rest) then brings the same figure.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import plotly.graph_objects as go
import plotly.io as pio
import streamlit as st
import streamlit.components.v1 as components_v1

from charts.export import MODEBAR_CSS, STATIC_IMAGE_JS, camera, to_json_bytes
from charts.theme import FigureSpec, typed_array

_PLOTLY_JS_DIR = Path(pio.__file__).resolve().parent.parent / "package_data"
# Served by Streamlit's component file route: the same plotly.js as plotly.py's own exports.
_plotly_js = components_v1.declare_component("plotlyjs", path=str(_PLOTLY_JS_DIR))
PLOTLY_JS_URL = f"component/{_plotly_js.name}/plotly.min.js"

_live_chart = st.components.v2.component(
    "activation_lab.live_chart",
    # The camera button's code first: the chart's module script uses it.
    js=STATIC_IMAGE_JS + (Path(__file__).with_name("live_chart.js")).read_text(encoding="utf-8"),
    isolate_styles=False,  # plotly.js styles its toolbar and hover labels in the document head
)


@dataclass(frozen=True)
class SliderLink:
    """Trace data for every value of one slider, drawn in the browser when the slider moves.

    ``ys[i][j]`` is the new y of trace ``traces[j]`` when the slider shows ``values[i]``;
    ``names[i][j]`` (optional) its new legend name. ``current`` is the value the figure shows;
    it travels with the figure, the rest in a separate element that reruns rarely change.
    """

    widget_key: str
    current: float
    values: Sequence[float]
    traces: Sequence[int]
    ys: Sequence[Sequence[np.ndarray]]
    names: Sequence[Sequence[str]] | None = None


def widget_class(key: str) -> str:
    """The CSS class Streamlit puts on the container of the widget with ``key``."""
    return "st-key-" + re.sub(r"[^A-Za-z0-9_-]", "-", key)


def _encode(array: np.ndarray) -> dict[str, str]:
    array = np.asarray(array)
    return typed_array(array, "f8" if array.dtype == np.float64 else "f4")


def _link_payload(link: SliderLink) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "widget": widget_class(link.widget_key),
        "values": [float(v) for v in link.values],
        "traces": list(link.traces),
        "y": [[_encode(y) for y in row] for row in link.ys],
    }
    if link.names is not None:
        payload["name"] = [list(row) for row in link.names]
    return payload


def _height(fig: go.Figure | FigureSpec) -> int | None:
    if isinstance(fig, go.Figure):
        return fig.layout.height
    return fig.get("layout", {}).get("height")


def live_chart(
    fig: go.Figure | FigureSpec,
    *,
    key: str,
    config: dict[str, Any],
    links: Sequence[SliderLink] = (),
) -> None:
    """Show ``fig`` in a chart that survives reruns (keyed by ``key``); its camera button saves
    the figure only (``charts/static_image.js``)."""
    image_format = config.get("toImageButtonOptions", {}).get("format", "png")
    meta = {
        "chart": key,
        "config": dict(config, responsive=True),
        "camera": camera(fig, image_format),
        "css": MODEBAR_CSS,
        "height": _height(fig) or 450,
        "plotly_src": PLOTLY_JS_URL,
        "state": {widget_class(link.widget_key): float(link.current) for link in links},
    }
    # Raw bytes: a figure's JSON embedded as is, not escaped again inside a JSON string (that
    # cost ~10 % of a Warp rerun at 20 000 points, and a second parse in the browser).
    payload = b'{"meta":' + json.dumps(meta).encode() + b',"figure":' + to_json_bytes(fig) + b"}"
    _live_chart(key=key, data=payload, height="content")
    for link in links:
        # One element per slider: moving one leaves the others' data unchanged, and Streamlit
        # resends an unchanged element as a small reference to its cached copy.
        _live_chart(
            key=f"{key}-{link.widget_key}",
            data={"chart": key, "link": _link_payload(link)},
            height="content",
        )
