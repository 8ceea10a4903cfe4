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
    # The slider is set before the frame's data is drawn: wait for the drawing.
    expected = [float(v) for v in first_quadrant[:5, 0]]
    page.wait_for_function(
        f"""(want) => Array.from({PLOT}._fullData[0].x.slice(0, 5))
            .every((v, i) => Math.abs(v - want[i]) < 1e-6)""",
        arg=expected,
        timeout=10_000,
    )
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
        assert gif.size[0] >= 720 and gif.size[1] >= 720  # slide-sized, with axes

    # The Export menu's HTML is rebuilt from small arguments when clicked: the animation again.
    page.get_by_role("button", name="Export").first.click()
    with page.expect_download(timeout=60_000) as download_info:
        page.get_by_role("button", name="HTML").first.click()
    html = Path(download_info.value.path()).read_text(encoding="utf-8")
    assert "Plotly.addFrames" in html and "f(Wx + b)" in html

    assert page.console.errors() == []


def query(page) -> dict[str, str]:
    from urllib.parse import parse_qsl, urlsplit

    return dict(parse_qsl(urlsplit(page.url).query))


def test_svd_fields_type_step_and_keep_old_links(page, app_url):
    """θ, σ₁ … have a number field beside the slider: typing or stepping either moves the
    other, the link keeps the same keys, and an old link opens the same view."""
    page.goto(app_url + "/warp?mode=svd&theta=45&s1=2&phi=-30&n=300")
    page.wait_for_selector(".js-plotly-plot", timeout=60_000)
    wait_idle(page, 60_000)
    theta_field = page.get_by_role("spinbutton", name="θ (°)")
    theta_slider = page.get_by_role("slider", name="θ (°)")
    assert theta_field.input_value() == "45" and theta_slider.input_value() == "45"
    assert page.get_by_role("spinbutton", name="σ₁").input_value() == "2"
    assert page.get_by_role("spinbutton", name="φ (°)").input_value() == "-30"

    theta_field.fill("12")
    theta_field.press("Enter")
    wait_idle(page)
    page.wait_for_function("() => location.search.includes('theta=12')", timeout=10_000)
    assert theta_slider.input_value() == "12"

    # One key press on the σ₁ slider: one 0.05 step, copied into the field and the link.
    page.get_by_role("slider", name="σ₁").press("ArrowRight")
    wait_idle(page)
    page.wait_for_function("() => location.search.includes('s1=2.05')", timeout=10_000)
    assert page.get_by_role("spinbutton", name="σ₁").input_value() == "2.05"

    # The field's own steps are finer: 0.01.
    s2_field = page.get_by_role("spinbutton", name="σ₂")
    s2_field.fill("0.37")
    s2_field.press("Enter")
    wait_idle(page)
    page.wait_for_function("() => location.search.includes('s2=0.37')", timeout=10_000)
    caption = page.get_by_text("σ₂ = 0.37").first
    assert caption.is_visible()

    page.reload()
    page.wait_for_selector(".js-plotly-plot", timeout=60_000)
    wait_idle(page, 60_000)
    assert page.get_by_role("spinbutton", name="θ (°)").input_value() == "12"
    assert page.get_by_role("slider", name="σ₁").input_value() == "2.05"
    assert {k: query(page)[k] for k in ("mode", "theta", "s1", "s2", "phi")} == {
        "mode": "svd",
        "theta": "12",
        "s1": "2.05",
        "s2": "0.37",
        "phi": "-30",
    }
    assert page.console.errors() == []


def test_show_me_puts_the_saturating_layer_in_the_link(page, app_url):
    page.goto(app_url + "/warp?sat=true&act=tanh&n=500")
    page.wait_for_selector(".js-plotly-plot", timeout=60_000)
    wait_idle(page, 60_000)
    assert page.get_by_text("none of the 500 points is marked").is_visible()
    ring_traces = f"() => {PLOT}._fullData.filter(t => t.name === '|f′| < ε').length"
    assert page.evaluate(ring_traces) == 0
    page.get_by_role("button", name="Show me").click()
    wait_idle(page, 60_000)
    page.wait_for_function("() => location.search.includes('s1=3')", timeout=10_000)
    link = query(page)
    assert link["mode"] == "svd" and {"theta", "s2", "phi"} <= set(link)
    page.wait_for_function(f"{ring_traces} === 1", timeout=10_000)
    # The link alone opens the same view, rings included.
    page.goto(page.url)
    page.wait_for_selector(".js-plotly-plot", timeout=60_000)
    wait_idle(page, 60_000)
    page.wait_for_function(f"{ring_traces} === 1", timeout=10_000)
    assert page.get_by_role("spinbutton", name="σ₁").input_value() == "3"
    assert page.console.errors() == []
