"""Figure builders: their output must pass plotly's validation (they skip it for speed)."""

from __future__ import annotations

import datetime
import io
import json
import re

import numpy as np
import plotly.graph_objects as go
import plotly.io as pio
import pytest

import activations
import i18n
from charts import export
from charts.curves import Curve, curve_table, curves_figure, sample_grid
from charts.theme import (
    CUSTOM_COLOR,
    OUTSIDE_SERVICE_BUTTONS,
    activation_color,
    base_layout_dict,
    plotly_config,
    safe_filename,
)


def sampled(x_range=(-5.0, 5.0), probe=None, names=("sigmoid", "relu", "gelu")) -> list[Curve]:
    """Curves as the Curves page makes them: sampled on the figure's grid (and at ``probe``)."""
    x = sample_grid(*x_range)
    curves = []
    for n in names:
        act = activations.get(n)
        f, df = act.value_and_grad(x)
        probed = None if probe is None else (probe, *map(float, act.value_and_grad(probe)))
        curves.append(Curve(n, act.label, f, df, color=activation_color(n), probe=probed))
    return curves


@pytest.mark.parametrize("overlay", [False, True])
@pytest.mark.parametrize("log_grad", [False, True])
@pytest.mark.parametrize("probe", [None, 0.5])
def test_curves_figure_is_valid_plotly(overlay, log_grad, probe):
    fig = curves_figure(sampled(probe=probe), (-5.0, 5.0), overlay=overlay, log_grad=log_grad)
    go.Figure(fig)  # raises on any invalid property


def test_sample_grid_contains_the_kink():
    x = sample_grid(-1.0, 2.0, 10)
    assert 0.0 in x and x[0] == -1.0 and x[-1] == 2.0 and np.all(np.diff(x) > 0)


def test_colours_are_stable_and_distinct():
    colours = [activation_color(n) for n in activations.names()]
    assert len(set(colours)) == len(colours)
    assert activation_color("relu") == activation_color("relu")


def test_csv_export_round_trips():
    x = np.array([-1.0, 0.0, 1.0])
    f, df = activations.get("sigmoid").value_and_grad(x)
    table = curve_table([Curve("sigmoid", "Sigmoid", f, df)], x)
    text = export.to_csv(table).decode()
    lines = text.strip().split("\n")
    assert lines[0].split(",")[0] == "x" and len(lines) == 4
    assert float(lines[3].split(",")[1]) == pytest.approx(1 / (1 + np.exp(-1.0)), rel=1e-15)


def contrast_on_white(colour: str) -> float:
    """WCAG 2 contrast ratio of ``colour`` ("#rrggbb") against white."""

    def linear(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(int(colour[i : i + 2], 16) / 255) for i in (1, 3, 5))
    return 1.05 / (0.2126 * r + 0.7152 * g + 0.0722 * b + 0.05)


def test_contrast_on_white_matches_wcag():
    assert contrast_on_white("#000000") == pytest.approx(21.0)
    assert contrast_on_white("#ffffff") == pytest.approx(1.0)
    assert contrast_on_white("#767676") == pytest.approx(4.54, abs=0.01)  # WCAG's AA grey


def test_every_line_colour_stands_out_on_white():
    """WCAG's 3:1 for graphics: swish's pale pink (#f7b6d2) had 1.67, tanh's orange 2.53."""
    low = {
        name: round(contrast_on_white(activation_color(name)), 2)
        for name in activations.names()
        if contrast_on_white(activation_color(name)) < 3.0
    }
    assert low == {}
    assert contrast_on_white(CUSTOM_COLOR) >= 3.0


# --- exports: nothing leaves the machine; pictures show the figure only --------------------


def test_no_chart_control_sends_anything_away():
    for lang in i18n.LANGUAGES:
        i18n.set_language(lang)
        try:
            config = plotly_config("a chart")
        finally:
            i18n.set_language("en")
        assert config["showSendToCloud"] is False and config["plotlyServerURL"] == ""
        assert set(OUTSIDE_SERVICE_BUTTONS) <= set(config["modeBarButtonsToRemove"])
        assert "sendChartToCloud" in OUTSIDE_SERVICE_BUTTONS  # plotly.js 4's "Share chart"
        assert not re.search(r"https?:|plot\.ly|plotly\.com", json.dumps(config))


def test_the_bundled_plotly_js_names_the_share_button_we_remove():
    """If a plotly.js update renames the upload button, the removal above must follow it."""
    js = export.get_plotlyjs()
    assert "sendChartToCloud" in js and "showSendToCloud" in js


def _outside_plotly_js(html: str) -> str:
    """The exported page without the embedded plotly.js library (which holds, unused, the
    addresses of its optional services: map tiles, Plotly Cloud)."""
    js = export.get_plotlyjs()
    assert html.count(js) == 1
    return html.replace(js, "")


def test_html_export_is_standalone_and_sends_nothing():
    html = export.to_html(curves_figure(sampled((-1.0, 1.0)), (-1.0, 1.0)), "curves").decode()
    assert "<html" in html and len(html) > 1_000_000  # plotly.js is embedded
    page = _outside_plotly_js(html)
    # Nothing loaded from the network (no CDN, no MathJax), no outside address at all.
    assert not re.search(r"https?:|//cdn|mathjax|<link|@import|url\(", page, re.IGNORECASE)
    assert not re.search(r"<script[^>]*\bsrc=", page)
    config = json.loads(re.search(r"activationLabCameraConfig\(Plotly, (\{.*?\}), \{", page)[1])
    assert config["showSendToCloud"] is False
    assert set(OUTSIDE_SERVICE_BUTTONS) <= set(config["modeBarButtonsToRemove"])
    assert config["toImageButtonOptions"]["filename"] == "curves"


def test_html_export_keeps_its_animation_controls():
    fig = _animated(height=500, bottom=110)
    html = _outside_plotly_js(export.to_html(fig, "anim").decode())
    figure = json.loads(re.search(r"const figure = (\{.*?\});\n", html, re.DOTALL)[1])
    assert figure["layout"]["updatemenus"] and figure["layout"]["sliders"]
    assert len(figure["frames"]) == 3 and "Plotly.addFrames" in html
    # The camera's patch travels with it: the picture drops them.
    camera = json.loads(
        re.search(r"activationLabCameraConfig\(Plotly, \{.*?\}, (\{.*?\})\);", html)[1]
    )
    assert camera["patch"]["updatemenus"] == [] and camera["patch"]["height"] == 440


def test_html_export_escapes_script_endings_in_text():
    fig = go.Figure(curves_figure(sampled((-1.0, 1.0), names=("sigmoid",)), (-1.0, 1.0)))
    fig.update_layout(title={"text": "</script><script>alert(1)</script>"})
    html = export.to_html(fig).decode()
    assert "</script><script>alert(1)" not in html
    figure = json.loads(re.search(r"const figure = (\{.*?\});\n", _outside_plotly_js(html))[1])
    assert figure["layout"]["title"]["text"] == "</script><script>alert(1)</script>"


def _animated(*, height: int, bottom: int) -> go.Figure:
    x = np.linspace(0.0, 1.0, 5)
    layout = base_layout_dict(height=height)
    layout["margin"] = dict(layout["margin"], b=bottom)
    layout["updatemenus"] = [
        {"type": "buttons", "y": -0.1, "yanchor": "top", "buttons": [{"label": "▶ Play"}]}
    ]
    layout["sliders"] = [{"y": -0.08, "steps": [{"label": str(k)} for k in range(3)]}]
    return go.Figure(
        data=[go.Scatter(x=x, y=x)],
        layout=layout,
        frames=[go.Frame(name=str(k), data=[go.Scatter(y=x**k)]) for k in range(3)],
    )


def test_static_layout_patch_drops_controls_and_their_margin():
    fig = _animated(height=500, bottom=110)
    patch = export.static_layout_patch(fig.to_dict()["layout"])
    usual = base_layout_dict()["margin"]["b"]
    assert patch["updatemenus"] == [] and patch["sliders"] == []
    assert patch["margin"]["b"] == usual and patch["margin"]["l"] == 60  # the rest kept
    assert patch["height"] == 500 - (110 - usual)  # the plot area keeps its size
    static = export.static_figure(fig)
    assert "frames" not in static and static["layout"]["sliders"] == []
    assert fig.layout.sliders  # the figure itself is untouched
    # Nothing to do for a figure without controls, or with controls above the plot.
    assert (
        export.static_layout_patch(curves_figure(sampled((-1.0, 1.0)), (-1.0, 1.0))["layout"]) == {}
    )
    on_top = {"height": 400, "margin": {"b": 50}, "updatemenus": [{"y": 1.1}]}
    assert export.static_layout_patch(on_top) == {"updatemenus": [], "sliders": []}


needs_kaleido = pytest.mark.skipif(
    export.find_browser() is None, reason="kaleido needs Chrome or Chromium"
)


@needs_kaleido
def test_server_side_images_show_the_figure_only():
    """The PNG of an animated figure is the PNG of the same figure built without its
    controls: no Play/Pause buttons, no slider, no empty band where they were."""
    from PIL import Image

    fig = _animated(height=500, bottom=110)
    plain = go.Figure(fig)
    plain.frames = []
    plain.update_layout(updatemenus=[], sliders=[], height=440, margin={"b": 50})
    png = export.to_image(fig, "png", scale=1)
    assert Image.open(io.BytesIO(png)).size[1] == 440
    assert png == export.to_image(plain, "png", scale=1)
    svg = export.to_image(fig, "svg", scale=1).decode()
    assert "Play" not in svg and "updatemenu" not in svg and "slider" not in svg


def test_file_names_are_safe():
    assert safe_filename("activation curves / 激活函数") == "activation_curves_激活函数"
    assert plotly_config("a b", scale=3)["toImageButtonOptions"] == {
        "format": "png",
        "filename": "a_b",
        "scale": 3,
    }


@pytest.mark.skipif(export.find_browser() is None, reason="kaleido needs Chrome or Chromium")
def test_server_side_png_export():
    png = export.to_image(
        curves_figure(sampled((-1.0, 1.0), names=("sigmoid",)), (-1.0, 1.0)), "png", scale=1
    )
    assert png[:8] == b"\x89PNG\r\n\x1a\n"


def _plotly_json(fig) -> dict:
    return json.loads(pio.to_json(fig, validate=False))


def test_fast_json_matches_plotly_io():
    """to_json_bytes reads plotly.py's internals: it must say exactly what pio.to_json says,
    for validated figures holding numpy arrays (float, int64, bool, non-contiguous), for
    plain-dict builders, and for animation frames."""
    x = np.linspace(-2.0, 2.0, 7)
    validated = go.Figure(curves_figure(sampled(probe=0.5), (-5.0, 5.0)))
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
