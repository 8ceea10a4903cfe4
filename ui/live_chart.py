"""A Plotly chart that stays mounted across reruns and follows its controls in the browser.

``st.plotly_chart`` gives each new figure a new element id (it hashes the spec), so every rerun
tears the chart down and draws it from scratch: ~200 ms of browser time per slider step on the
Curves page. This component keeps one chart per key and hands new figures to ``Plotly.react``.

A :class:`LiveLink` makes the chart *live*: it names the controls the chart follows (their
widgets' CSS classes and current values) and carries the data the browser needs to redraw the
chart for other values of them: the points and the activations' f and f′ as JavaScript
generated from their symbolic forms (:mod:`activations.jscode`; nothing is precomputed per
slider value). While a control moves, ``live_chart.js`` recomputes the chart at most once per
animation frame with no server round trip; the rerun that follows brings the server's figure,
which is not drawn over a newer frame when it was made for older values.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import plotly.graph_objects as go
import streamlit as st
import streamlit.components.v1 as components_v1

from activations.jscode import activation_js, runtime_source
from activations.registry import Activation
from charts.export import MODEBAR_CSS, STATIC_IMAGE_JS, camera, to_json_bytes
from charts.theme import FigureSpec, typed_array

# plotly.js with only the trace types the app draws (ui/plotly/bundle builds it from the same
# plotly.js version as plotly.py's exports): a fresh browser evaluates it in ~0.2 s, the full
# 4.8 MB bundle in ~1 s. Served, gzipped, by Streamlit's component file route.
PLOTLY_BUNDLE_DIR = Path(__file__).resolve().parent / "plotly" / "served"
_plotly_js = components_v1.declare_component("plotlyjs", path=str(PLOTLY_BUNDLE_DIR))
PLOTLY_JS_URL = f"component/{_plotly_js.name}/plotly-lab.min.js"
BUNDLED_TRACES = frozenset(
    json.loads((PLOTLY_BUNDLE_DIR / "plotly-lab.json").read_text(encoding="utf-8"))["traces"]
)

_live_chart = st.components.v2.component(
    "activation_lab.live_chart",
    # The camera button's code and the activations' runtime first: the chart's module uses them.
    js=STATIC_IMAGE_JS
    + runtime_source()
    + (Path(__file__).with_name("live_chart.js")).read_text(encoding="utf-8"),
    isolate_styles=False,  # plotly.js styles its toolbar and hover labels in the document head
)


@dataclass(frozen=True)
class LiveLink:
    """What a chart needs to follow its controls in the browser.

    ``kind`` picks the redraw in ``live_chart.js`` ("curves", "warp-animation",
    "warp-stages"); ``controls`` maps each followed value's key to (the CSS classes of the
    widgets that set it, its value in this figure); ``data`` (points, trace layout, generated
    activations) travels in an element of its own, resent only when it changes; ``dynamic``
    (small) travels with each figure.
    """

    kind: str
    controls: Mapping[str, tuple[Sequence[str], float]]
    data: Mapping[str, Any]
    dynamic: Mapping[str, Any] = field(default_factory=dict)


def widget_class(key: str) -> str:
    """The CSS class Streamlit puts on the container of the widget with ``key``."""
    return "st-key-" + re.sub(r"[^A-Za-z0-9_-]", "-", key)


def encode(array: np.ndarray, dtype: str | None = None) -> dict[str, str]:
    """A typed array for the browser (float64 stays float64 unless ``dtype`` says otherwise)."""
    array = np.asarray(array)
    if dtype is None:
        dtype = "f8" if array.dtype == np.float64 else "f4"
    return typed_array(array, dtype)


def js_activation(act: Activation) -> dict[str, Any]:
    """``act``'s f and f′ as generated JavaScript (see :mod:`activations.jscode`)."""
    return activation_js(act).to_json()


def preload() -> None:
    """Start loading plotly.js now (a hidden element): the page's first chart, further down,
    then finds it loaded, or on its way, instead of asking for it only once it is drawn."""
    _live_chart(key="plotly-preload", data={"preload": PLOTLY_JS_URL}, height="content")


def _height(fig: go.Figure | FigureSpec) -> int | None:
    if isinstance(fig, go.Figure):
        return fig.layout.height
    return fig.get("layout", {}).get("height")


def trace_types(fig: go.Figure | FigureSpec) -> set[str]:
    """The trace types ``fig`` draws, its animation frames included."""
    if isinstance(fig, go.Figure):
        traces = [*fig.data, *(trace for frame in fig.frames for trace in frame.data or ())]
        return {trace.type or "scatter" for trace in traces}
    traces = [*fig.get("data", [])]
    for frame in fig.get("frames", []) or []:
        traces.extend(frame.get("data", []))
    return {trace.get("type") or "scatter" for trace in traces}


def live_chart(
    fig: go.Figure | FigureSpec,
    *,
    key: str,
    config: dict[str, Any],
    links: Sequence[LiveLink] = (),
) -> None:
    """Show ``fig`` in a chart that survives reruns (keyed by ``key``); its camera button saves
    the figure only (``charts/static_image.js``). ``links``: at most one :class:`LiveLink`."""
    if missing := trace_types(fig) - BUNDLED_TRACES:
        # A developer's error, met by the page tests: the browser's plotly.js would not draw it.
        raise ValueError(f"add {sorted(missing)} to ui/plotly/bundle/entry.js and rebuild")
    image_format = config.get("toImageButtonOptions", {}).get("format", "png")
    link = links[0] if links else None
    meta = {
        "chart": key,
        "config": dict(config, responsive=True),
        "camera": camera(fig, image_format),
        "css": MODEBAR_CSS,
        "height": _height(fig) or 450,
        "plotly_src": PLOTLY_JS_URL,
        "state": {k: float(v) for k, (_c, v) in link.controls.items()} if link else {},
        "controls": {k: list(c) for k, (c, _v) in link.controls.items()} if link else {},
        "dynamic": dict(link.dynamic) if link else {},
    }
    # Raw bytes: a figure's JSON embedded as is, not escaped again inside a JSON string (that
    # cost ~10 % of a Warp rerun at 20 000 points, and a second parse in the browser).
    payload = b'{"meta":' + json.dumps(meta).encode() + b',"figure":' + to_json_bytes(fig) + b"}"
    _live_chart(key=key, data=payload, height="content")
    if link is not None:
        # Its own element: moving a control leaves it unchanged, and Streamlit resends an
        # unchanged element as a small reference to its cached copy.
        live = dict(link.data, kind=link.kind)
        _live_chart(key=f"{key}-live", data={"chart": key, "live": live}, height="content")
