"""Helpers for tests that read Plotly figures."""

from __future__ import annotations

import base64

import numpy as np
import plotly.graph_objects as go


def valid(fig: go.Figure) -> dict:
    """Validate like plotly's constructor would, and return the figure as a dict.

    The builders skip validation for speed (charts.theme.fast_figure); the tests do it once.
    """
    return go.Figure(fig.to_dict()).to_dict()


def arr(value) -> np.ndarray:
    """A trace's array, decoded from plotly's typed-array JSON ({"dtype", "bdata", "shape"})."""
    if isinstance(value, dict) and "bdata" in value:
        flat = np.frombuffer(base64.b64decode(value["bdata"]), dtype=np.dtype(value["dtype"]))
        shape = value.get("shape")
        return flat.reshape([int(n) for n in str(shape).split(",")]) if shape else flat
    return np.asarray(value, dtype=float)
