"""Figure builders: their output must pass plotly's validation (they skip it for speed)."""

from __future__ import annotations

import datetime
import json

import numpy as np
import plotly.graph_objects as go
import plotly.io as pio
import pytest

import activations
from charts import export
from charts.curves import Curve, curve_table, curves_figure, sample_grid
from charts.theme import activation_color, plotly_config, safe_filename

CURVES = [
    Curve(
        key=n,
        label=activations.get(n).label,
        activation=activations.get(n),
        color=activation_color(n),
    )
    for n in ("sigmoid", "relu", "gelu")
]


@pytest.mark.parametrize("overlay", [False, True])
@pytest.mark.parametrize("log_grad", [False, True])
@pytest.mark.parametrize("probe", [None, 0.5])
def test_curves_figure_is_valid_plotly(overlay, log_grad, probe):
    fig = curves_figure(CURVES, (-5.0, 5.0), overlay=overlay, log_grad=log_grad, probe=probe)
    go.Figure(fig.to_dict())  # raises on any invalid property


def test_sample_grid_contains_the_kink():
    x = sample_grid(-1.0, 2.0, 10)
    assert 0.0 in x and x[0] == -1.0 and x[-1] == 2.0 and np.all(np.diff(x) > 0)


def test_colours_are_stable_and_distinct():
    colours = [activation_color(n) for n in activations.names()]
    assert len(set(colours)) == len(colours)
    assert activation_color("relu") == activation_color("relu")


def test_csv_export_round_trips():
    table = curve_table(CURVES, np.array([-1.0, 0.0, 1.0]))
    text = export.to_csv(table).decode()
    lines = text.strip().split("\n")
    assert lines[0].split(",")[0] == "x" and len(lines) == 4
    assert float(lines[3].split(",")[1]) == pytest.approx(1 / (1 + np.exp(-1.0)), rel=1e-15)


def test_html_export_is_standalone():
    html = export.to_html(curves_figure(CURVES, (-1.0, 1.0))).decode()
    assert "<html" in html and len(html) > 1_000_000  # plotly.js is embedded
    assert 'src="http' not in html  # nothing loaded from the network


def test_file_names_are_safe():
    assert safe_filename("activation curves / 激活函数") == "activation_curves_激活函数"
    assert plotly_config("a b", scale=3)["toImageButtonOptions"] == {
        "format": "png",
        "filename": "a_b",
        "scale": 3,
    }


@pytest.mark.skipif(export.find_browser() is None, reason="kaleido needs Chrome or Chromium")
def test_server_side_png_export():
    png = export.to_image(curves_figure(CURVES[:1], (-1.0, 1.0)), "png", scale=1)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"


def _plotly_json(fig) -> dict:
    return json.loads(pio.to_json(fig, validate=False))


def test_fast_json_matches_plotly_io():
    """to_json_bytes reads plotly.py's internals: it must say exactly what pio.to_json says,
    for validated figures holding numpy arrays (float, int64, bool, non-contiguous), for
    plain-dict builders, and for animation frames."""
    x = np.linspace(-2.0, 2.0, 7)
    validated = curves_figure(CURVES, (-5.0, 5.0), probe=0.5)
    validated.add_scatter(x=np.arange(5, dtype=np.int64), y=x[::2][::-1], name="strided")
    validated.add_scatter(x=[1, 2], y=np.array([True, False]), customdata=np.float32([0.5, 1]))
    validated.add_scatter(x=[np.float64(1.5), np.int32(2)], y=[np.nan, np.inf])
    animated = go.Figure(
        data=[go.Scatter(x=x, y=x**2)],
        frames=[go.Frame(name=str(k), data=[go.Scatter(y=x**k)]) for k in range(3)],
    )
    for fig in (validated, animated):
        assert json.loads(export.to_json_bytes(fig)) == _plotly_json(fig)
    spec = animated.to_dict()
    assert json.loads(export.to_json_bytes(spec)) == _plotly_json(animated)


def test_fast_json_falls_back_for_what_orjson_cannot_take():
    fig = go.Figure(go.Scatter(x=[datetime.date(2026, 11, 22)], y=[1.0]))
    assert json.loads(export.to_json_bytes(fig)) == _plotly_json(fig)
