"""The Warp page in a real browser: frames, play/pause and scrubbing in the browser, exports."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from browserkit import png_width, toolbar_png, wait_idle
from PIL import Image

from activations.clouds import make_cloud
from charts.warp import animation_plan

LINK = "/warp?act=relu&cloud=gaussian&n=5000&seed=1"
PLOT = "document.querySelector('.js-plotly-plot')"


def first_x(page) -> list[float]:
    """The first few x values of the first animated trace (quadrant +x +y) as drawn now."""
    return page.evaluate(f"() => Array.from({PLOT}._fullData[0].x.slice(0, 5))")


def test_animation_plays_pauses_scrubs_and_exports(page, app_url, tmp_path):
    page.goto(app_url + LINK)
    page.wait_for_selector(".js-plotly-plot", timeout=60_000)
    wait_idle(page, 60_000)

    # The frames came with the figure: 1 + 5 steps per transition.
    _, steps = animation_plan(5000)
    n_frames = page.evaluate(f"() => {PLOT}._transitionData._frames.length")
    assert n_frames == 1 + 5 * steps
    output = first_x(page)  # the figure opens on the last stage, f(Wx + b)

    page.evaluate(
        f"""() => {{
            window.__frames = []; window.__done = false;
            {PLOT}.on('plotly_animatingframe', (e) => window.__frames.push(e.name));
            {PLOT}.on('plotly_animated', () => {{ window.__done = true; }});
        }}"""
    )
    chart = page.locator(".js-plotly-plot").first
    play, pause = (
        chart.locator(".updatemenu-button").nth(0),
        chart.locator(".updatemenu-button").nth(1),
    )

    # Play from the input to the output, entirely in the browser.
    play.click()
    page.wait_for_function("() => window.__done", timeout=60_000)
    seen = page.evaluate("() => window.__frames")
    assert seen == [str(k) for k in range(n_frames)]
    assert first_x(page) == output
    assert page.evaluate(f"() => {PLOT}._fullLayout.sliders[0].active") == n_frames - 1

    assert page.console.errors() == []

    # Pause stops it part-way.
    page.evaluate("() => { window.__frames = []; }")
    play.click()
    page.wait_for_function("() => window.__frames.length >= 3", timeout=30_000)
    pause.click()
    page.wait_for_timeout(300)
    stopped = len(page.evaluate("() => window.__frames"))
    page.wait_for_timeout(800)
    assert len(page.evaluate("() => window.__frames")) == stopped < n_frames
    # Plotly.js rejects the interrupted Play promise and nothing catches it: it logs
    # "API call to Plotly.animate rejected. undefined" and the page sees an uncaught
    # rejection whose reason is undefined. That is every Plotly pause button; nothing else is
    # allowed through.
    interrupted = page.console.errors()
    assert interrupted and set(interrupted) == {"undefined"}
    page.console.clear()

    # Scrubbing to the first step shows the input cloud, without a rerun of the script.
    grip_box = chart.locator(".slider-rail-touch-rect").bounding_box()
    page.mouse.click(grip_box["x"] + 2, grip_box["y"] + grip_box["height"] / 2)
    page.wait_for_function(f"() => {PLOT}._fullLayout.sliders[0].active === 0", timeout=10_000)
    cloud = make_cloud("gaussian", 5000, 1)
    first_quadrant = cloud.points[cloud.labels == 0].astype(np.float32)  # trace 0: +x +y
    assert np.allclose(first_x(page), first_quadrant[:5, 0])
    assert page.locator("[data-testid='stApp'][data-test-script-state='running']").count() == 0

    # Toolbar camera: a PNG at the default 2× scale.
    name, data, width_css = toolbar_png(page, chart, tmp_path)
    assert name.endswith(".png")
    assert png_width(data) == 2 * round(width_css)

    # The GIF is drawn on the server when the button is clicked.
    with page.expect_download(timeout=60_000) as download_info:
        page.get_by_role("button", name="Download the animation as GIF").click()
    with Image.open(download_info.value.path()) as gif:  # closes the file: no ResourceWarning
        assert gif.format == "GIF" and gif.n_frames > 5

    # The Export menu's HTML is rebuilt from small arguments when clicked: the animation again.
    page.get_by_role("button", name="Export").first.click()
    with page.expect_download(timeout=60_000) as download_info:
        page.get_by_role("button", name="HTML").first.click()
    html = Path(download_info.value.path()).read_text(encoding="utf-8")
    assert "Plotly.addFrames" in html and "f(Wx + b)" in html

    assert page.console.errors() == []
