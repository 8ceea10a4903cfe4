"""Helpers for tests that read what the app rendered: AppTest trees and Plotly figures."""

from __future__ import annotations

import base64
import json

import numpy as np
import plotly.graph_objects as go


def valid(fig: dict | go.Figure) -> dict:
    """Validate like plotly's constructor would, and return the figure as a dict.

    The builders return Plotly's JSON dicts unvalidated, for speed; the tests validate them once.
    """
    return go.Figure(fig if isinstance(fig, dict) else fig.to_dict()).to_dict()


def arr(value) -> np.ndarray:
    """A trace's array, decoded from plotly's typed-array JSON ({"dtype", "bdata", "shape"})."""
    if isinstance(value, dict) and "bdata" in value:
        flat = np.frombuffer(base64.b64decode(value["bdata"]), dtype=np.dtype(value["dtype"]))
        shape = value.get("shape")
        return flat.reshape([int(n) for n in str(shape).split(",")]) if shape else flat
    return np.asarray(value, dtype=float)


def is_live_chart(proto) -> bool:
    """A ui.live_chart chart (its payload is bytes; its slider-link stores carry JSON)."""
    return type(proto).__name__ == "BidiComponent" and bool(proto.bytes)


def live_charts(at) -> list:
    """The chart elements an AppTest run rendered."""
    return [e for e in at.get("bidi_component") if is_live_chart(e.proto)]


def figures(at) -> list[dict]:
    """The figures an AppTest run sent, as the browser receives them."""
    return [chart_figure(e.proto) for e in live_charts(at)]


def chart_figure(proto) -> dict:
    """The figure inside one live chart's proto."""
    return json.loads(proto.bytes)["figure"]


def chart_config(proto) -> dict:
    """The plotly config (toolbar file name, scale) of one live chart's proto."""
    return json.loads(proto.bytes)["meta"]["config"]


def walk(node):
    """Every node of an AppTest element tree, depth first."""
    yield node
    children = getattr(node, "children", None)
    if isinstance(children, dict):
        for child in children.values():
            yield from walk(child)
