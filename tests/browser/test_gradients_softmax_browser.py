"""The Gradients and Softmax pages in a real browser: a shared link draws the linked view, one
control changes chart and URL together, and the console stays clean."""

from __future__ import annotations

import numpy as np
from browserkit import wait_idle

from activations import softmax
from activations.experiments import depth_experiment

READ_PLOT = """(index) => {
    const plot = document.querySelectorAll('.js-plotly-plot')[index];
    return plot._fullData.map(t => ({
        name: t.name, mode: t.mode, type: t.type,
        x: t.x ? Array.from(t.x) : [], y: t.y ? Array.from(t.y) : []}));
}"""


def plot(page, index: int = 0) -> list[dict]:
    return page.evaluate(READ_PLOT, index)


def open_link(page, url: str, n_plots: int) -> None:
    page.goto(url)
    page.wait_for_function(
        f"() => document.querySelectorAll('.js-plotly-plot').length >= {n_plots}",
        timeout=60_000,
    )
    wait_idle(page)


def test_gradients_link_and_depth_slider(page, app_url):
    open_link(page, app_url + "/gradients?act=sigmoid&act=relu&depth=30&init=he&seed=1", 3)
    lines = {t["name"]: t for t in plot(page) if t["mode"] == "lines+markers"}
    assert list(lines) == ["Sigmoid (logistic)", "ReLU"]
    sigmoid, relu = np.array(lines["Sigmoid (logistic)"]["y"]), np.array(lines["ReLU"]["y"])
    assert len(relu) == 30 and lines["ReLU"]["x"][-1] == 30
    np.testing.assert_allclose(relu, depth_experiment("relu", 30, 256, "he", 1.0, 1).grad_norm)
    assert sigmoid[0] < 1e-12 * sigmoid[-1]  # orders of magnitude lost on the way down

    # Keyboard on the depth slider (the first slider of the page): chart and URL follow.
    thumb = page.locator("[data-testid='stMain'] [data-testid='stSlider'] input[type='range']")
    thumb.first.focus()
    thumb.first.press("ArrowLeft")
    page.wait_for_function("() => location.search.includes('depth=29')", timeout=15_000)
    page.wait_for_function(
        """() => document.querySelector('.js-plotly-plot')._fullData
                 .find(t => t.name === 'ReLU').y.length === 29""",
        timeout=15_000,
    )
    wait_idle(page)
    assert "act=sigmoid" in page.evaluate("location.search")
    assert page.console.errors() == []


def test_softmax_link_and_typed_logits(page, app_url):
    open_link(page, app_url + "/softmax?z=2%2C+0%2C+-1&t=0.5", 7)
    bars = plot(page)[0]
    assert bars["type"] == "bar" and len(bars["y"]) == 3
    np.testing.assert_allclose(bars["y"], softmax(np.array([2.0, 0.0, -1.0]) / 0.5), rtol=1e-12)
    box = page.locator("[data-testid='stMain'] [data-testid='stTextInput'] input").first
    assert box.input_value() == "2, 0, -1"

    box.fill("4, 4, 4, 4")
    box.press("Enter")
    page.wait_for_function(
        "() => document.querySelector('.js-plotly-plot')._fullData[0].y.length === 4",
        timeout=15_000,
    )
    wait_idle(page)
    np.testing.assert_allclose(plot(page)[0]["y"], 0.25, rtol=1e-12)
    assert "z=4" in page.evaluate("decodeURIComponent(location.search)")
    assert page.console.errors() == []
