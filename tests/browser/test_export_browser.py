"""Charts in a real browser, as a teacher uses them for slides: the camera button saves the
figure only (the frame on screen, no Play/Pause buttons or slider), no toolbar button sends a
chart anywhere, the toolbar never covers the legend and speaks the page's language, labels
fit, and an exported HTML file works offline."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import numpy as np
import plotly.graph_objects as go
import pytest
from browserkit import png_width, toolbar_png, wait_idle

from charts import export
from charts.theme import base_layout_dict

PLOTS = "Array.from(document.querySelectorAll('.js-plotly-plot'))"
# Light links for every page (Train trains its default network on opening: 300 epochs).
PAGES = {
    "home": "/",
    "curves": "/curves?act=sigmoid&act=tanh&act=relu&act=leaky_relu&act=gelu&act=gelu_tanh"
    "&act=silu&act=swish&act=softplus&act=elu",
    "warp": "/warp?n=2000",
    "train": "/train",
    "gradients": "/gradients?depth=10&width=64",
    "softmax": "/softmax?k=6",
    "lessons": "/lessons?lesson=why&step=1",
}


def open_page(page, url: str) -> None:
    page.goto(url)
    page.wait_for_selector(".js-plotly-plot", timeout=90_000)
    wait_idle(page, 90_000)
    # Every chart drawn (they draw one after another).
    page.wait_for_function(f"() => {PLOTS}.every(p => p._fullLayout)", timeout=60_000)


def with_language(url: str, lang: str) -> str:
    return url + ("&" if "?" in url else "?") + "lang=" + lang


def png_size(data: bytes) -> tuple[int, int]:
    from PIL import Image

    with Image.open(io.BytesIO(data)) as image:
        return image.size


def test_camera_saves_the_frame_on_screen_without_the_controls(page, app_url, tmp_path):
    open_page(page, app_url + "/train")
    chart = page.locator(".js-plotly-plot").first
    layout = chart.evaluate(
        "p => ({h: p._fullLayout.height, b: p.layout.margin.b, menus: p.layout.updatemenus"
        ".length, sliders: p.layout.sliders.length, frames: p._transitionData._frames.length})"
    )
    assert layout["menus"] == layout["sliders"] == 1 and layout["frames"] > 2
    usual = base_layout_dict()["margin"]["b"]
    name, last_epoch, width_css = toolbar_png(page, chart, tmp_path)
    assert name.endswith(".png")
    # The figure only: the band of the buttons and the slider is gone, the rest is as shown.
    assert png_size(last_epoch) == (
        round(width_css * 2),
        (layout["h"] - (layout["b"] - usual)) * 2,
    )
    # The chart on the page keeps its controls.
    assert chart.evaluate("p => p.layout.updatemenus.length + p.layout.sliders.length") == 2

    # Replay to the first epoch in the browser: the camera saves that frame.
    chart.evaluate(
        """p => Plotly.animate(p, [p._transitionData._frames[0].name],
            {mode: 'immediate', frame: {duration: 0, redraw: true}, transition: {duration: 0}})"""
    )
    page.wait_for_timeout(500)
    _, first_epoch, _ = toolbar_png(page, chart, tmp_path)
    assert png_size(first_epoch) == png_size(last_epoch) and first_epoch != last_epoch
    assert page.console.errors() == []


@pytest.mark.parametrize("name", list(PAGES))
def test_toolbar_sends_nothing_away_covers_nothing_and_speaks_the_language(page, app_url, name):
    open_page(page, with_language(app_url + PAGES[name], "zh_Hant"))
    charts = page.evaluate(
        f"""() => {PLOTS}.map(p => ({{
            share: p._context.showSendToCloud,
            server: p._context.plotlyServerURL,
            buttons: Array.from(p.querySelectorAll('.modebar-btn')).map(
                b => [b.getAttribute('data-title'), b.getAttribute('data-attr') || '']),
        }}))"""
    )
    assert charts
    for chart in charts:
        assert chart["share"] is False and chart["server"] == ""
        titles = [title for title, _ in chart["buttons"]]
        assert not [t for t in titles if "Share" in t or "Cloud" in t or "分享" in t]
        assert [attr for _, attr in chart["buttons"] if "image" in attr] == ["static-image"]
        # plotly.js's own texts in the page's language (its locale, filled from our catalogue).
        assert "Zoom" not in titles and "Autoscale" not in titles, titles
        assert "將圖表下載為 PNG" in titles, titles
    # The toolbar sits in its own band above each chart: it covers no legend item, no title.
    overlaps = page.evaluate(
        f"""() => {PLOTS}.flatMap(p => {{
            const bar = p.querySelector('.modebar');
            if (!bar) return [];
            p.querySelector('.modebar-container').style.display = 'block';
            bar.style.opacity = 1;
            const b = bar.getBoundingClientRect();
            return Array.from(p.querySelectorAll('.legend .traces, .gtitle, .annotation'))
                .map(e => [e.textContent, e.getBoundingClientRect()])
                .filter(([, r]) => r.width > 0 && r.left < b.right && b.left < r.right
                    && r.top < b.bottom && b.top < r.bottom)
                .map(([text]) => text);
        }})"""
    )
    assert overlaps == []
    assert page.console.errors() == []


@pytest.mark.parametrize("lang", ["zh_Hant", "zh_Hans", "tr"])
def test_labels_fit_in_every_language(browser, app_url, lang):
    """No label of the Curves, Gradients and Softmax pages is cut off ("單一面板（f′ 以虛線表…")
    in a 1280 px window."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        for name in ("curves", "gradients", "softmax"):
            open_page(page, with_language(app_url + PAGES[name], lang))
            # Streamlit cuts a label that does not fit with an ellipsis (text-overflow).
            cut = page.evaluate(
                """() => Array.from(document.querySelectorAll("[data-testid='stMain'] *"))
                    .filter(e => !e.closest('.katex') && (e.innerText || '').trim()
                        && getComputedStyle(e).textOverflow === 'ellipsis'
                        && e.scrollWidth > e.clientWidth + 1 && e.clientWidth > 0
                        && !e.querySelector('.js-plotly-plot, [data-testid="stDataFrame"]'))
                    .map(e => e.innerText.slice(0, 60))"""
            )
            assert cut == [], (name, cut)
    finally:
        context.close()


def _animated_figure() -> go.Figure:
    x = np.linspace(0.0, 1.0, 20)
    layout = base_layout_dict(height=420)
    layout["margin"] = dict(layout["margin"], b=110)
    still = {"mode": "immediate", "frame": {"duration": 0, "redraw": True}}
    layout["updatemenus"] = [
        {
            "type": "buttons",
            "y": -0.12,
            "yanchor": "top",
            "x": 0.0,
            "xanchor": "left",
            "buttons": [{"label": "▶ Play", "method": "animate", "args": [None, still]}],
        }
    ]
    layout["sliders"] = [
        {
            "y": -0.1,
            "x": 0.2,
            "len": 0.8,
            "steps": [
                {"label": str(k), "method": "animate", "args": [[str(k)], still]} for k in range(4)
            ],
        }
    ]
    return go.Figure(
        data=[go.Scatter(x=x, y=x, name="x")],
        layout=layout,
        frames=[go.Frame(name=str(k), data=[go.Scatter(y=x ** (k + 1))]) for k in range(4)],
    )


def test_exported_html_works_offline_and_its_camera_saves_the_figure_only(page, tmp_path):
    path = tmp_path / "chart.html"
    path.write_bytes(export.to_html(_animated_figure(), "animated"))
    requests: list[str] = []
    page.route("**/*", lambda route: (requests.append(route.request.url), route.continue_()))
    page.goto(path.as_uri())
    page.wait_for_selector(".js-plotly-plot .updatemenu-button", timeout=30_000)
    page.wait_for_function("() => document.querySelector('.js-plotly-plot')._transitionData")
    assert [url for url in requests if not url.startswith(("file:", "data:"))] == []
    chart = page.locator(".js-plotly-plot")
    # Interactive: Play and the slider stay, with their frames.
    assert chart.evaluate("p => p._transitionData._frames.length") == 4
    titles = chart.evaluate(
        "p => Array.from(p.querySelectorAll('.modebar-btn')).map(b => b.dataset.title)"
    )
    assert not [t for t in titles if "Share" in t] and "Download the chart as PNG" in titles
    _, data, width_css = toolbar_png(page, chart, tmp_path)
    assert png_width(data) == round(width_css * 2)
    assert png_size(data)[1] == (420 - (110 - 50)) * 2
    assert [url for url in requests if not url.startswith(("file:", "data:"))] == []
    assert page.console.errors() == []
    assert Path(path).stat().st_size > 1_000_000


def test_exported_html_speaks_the_page_language(page, app_url, tmp_path):
    """The HTML file is made when clicked, after the page's run: still in its language."""
    open_page(page, app_url + "/softmax?lang=tr")
    page.locator("[data-testid='stPopover'] button").first.click()
    with page.expect_download(timeout=60_000) as download_info:
        body = page.locator("[data-testid='stPopoverBody'] [data-testid='stDownloadButton']")
        body.locator("button").filter(has_text="HTML").first.click()
    html = Path(download_info.value.path()).read_text(encoding="utf-8")
    assert '<html lang="tr">' in html
    match = re.search(r"activationLabCameraConfig\(Plotly, (\{.*?\}), (\{.*?\})\);", html)
    config, camera = json.loads(match[1]), json.loads(match[2])
    assert config["locale"] == "tr"
    assert config["locales"]["tr"]["dictionary"]["Zoom in"] == "Yakınlaştır"
    assert camera["title"] == "Grafiği PNG olarak indir"
    assert "sendChartToCloud" in config["modeBarButtonsToRemove"]
