"""Charts that follow the hand: Warp and Curves redraw in the browser while a slider is dragged,
with the server cut off (every message from the page to the server dropped), so no rerun can
have drawn what the test sees."""

from __future__ import annotations

import math
import re

import numpy as np
import pytest
from browserkit import settle

import activations
from activations import warp
from activations.clouds import make_cloud

PLOT = "document.querySelectorAll('.js-plotly-plot')"


def cut_off(page) -> dict:
    """Route Streamlit's websocket through the test; once ``cut["on"]``, drop every message
    from the page (widget changes, reruns): the server sees nothing."""
    cut = {"on": False, "dropped": 0}

    def handler(ws) -> None:
        server = ws.connect_to_server()

        def from_page(message) -> None:
            if cut["on"]:
                cut["dropped"] += 1
            else:
                server.send(message)

        ws.on_message(from_page)

    page.route_web_socket(re.compile(r".*/_stcore/stream"), handler)
    return cut


def drag_slider(page, key: str, dx: float) -> float:
    """Drag slider ``key``'s thumb by ``dx`` pixels with the mouse; the value it shows after."""
    css = ".st-key-" + re.sub(r"[^A-Za-z0-9_-]", "-", key)
    thumb = page.locator(f"{css} input[type=range]").first.locator("xpath=../..")
    thumb.scroll_into_view_if_needed()
    box = thumb.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + dx, y, steps=15)
    page.wait_for_timeout(300)  # a frame or two
    value = float(page.locator(f"{css} input[type=range]").first.get_attribute("value"))
    return value


def watch_reruns(page) -> None:
    page.evaluate(
        """() => {
            window.__reruns = 0;
            const app = document.querySelector("[data-testid='stApp']");
            new MutationObserver(() => {
                if (app.getAttribute('data-test-script-state') === 'running') window.__reruns++;
            }).observe(app, {attributes: true, attributeFilter: ['data-test-script-state']});
        }"""
    )


def trace_xy(page, chart: int, trace: int) -> np.ndarray:
    xy = page.evaluate(
        f"""() => {{
            const t = {PLOT}[{chart}]._fullData[{trace}];
            return [Array.from(t.x), Array.from(t.y)];
        }}"""
    )
    return np.array(xy, dtype=float).T


def test_warp_follows_a_drag_with_the_server_cut_off(page, app_url):
    cut = cut_off(page)
    page.goto(app_url + "/warp?act=relu&cloud=gaussian&n=2000&seed=3&mode=svd&sat=true")
    page.wait_for_selector(".js-plotly-plot", timeout=60_000)
    settle(page, 60_000)
    before = trace_xy(page, 0, 0)
    counts_before = page.locator(".st-key-warp-counts-0 table").inner_text()

    cut["on"] = True
    watch_reruns(page)
    theta = drag_slider(page, "theta:slider", 60)
    assert theta != 30  # the thumb moved (θ starts at 30°)
    page.wait_for_function("() => (window.__activationLabFrames || 0) > 0", timeout=10_000)
    after = trace_xy(page, 0, 0)
    rotate_panel = page.evaluate(f"() => {PLOT}[1]._fullData.findIndex((t) => t.xaxis === 'x2')")
    rotate = trace_xy(page, 1, rotate_panel)
    page.mouse.up()
    page.wait_for_timeout(500)

    # The release's rerun request was dropped, and the page never re-ran...
    assert cut["dropped"] > 0
    assert page.evaluate("() => window.__reruns") == 0
    # ...yet the animated view shows f(W x + b) for the new θ: the +x +y points of the cloud.
    cloud = make_cloud("gaussian", 2000, 3)
    w = warp.matrix_from_svd(math.radians(theta), 1.5, 0.5, math.radians(-20), False)
    expected = np.maximum(cloud.points @ w.T, 0.0)[cloud.labels == 0]
    assert not np.allclose(after, before)
    np.testing.assert_allclose(after, expected, rtol=1e-5, atol=1e-5)
    # The counts follow too, counted on every point in the browser.
    table = warp.count_by_group(cloud.labels, 4, warp.fates(np.maximum(cloud.points @ w.T, 0)))
    counts_after = page.locator(".st-key-warp-counts-0 table").inner_text()
    assert counts_after != counts_before
    total = table[4]
    assert f"{total[2]:,} of 2,000" in counts_after  # onto an axis, all points
    # Every stage panel moved: the "rotate" panel (x Vᵀ) shows the cloud turned by θ. (A chart
    # out of view is redrawn when it comes into view.)
    page.locator(".js-plotly-plot").nth(1).scroll_into_view_if_needed()
    page.wait_for_timeout(1000)
    rotate_panel = page.evaluate(f"() => {PLOT}[1]._fullData.findIndex((t) => t.xaxis === 'x2')")
    rotate = trace_xy(page, 1, rotate_panel)
    rotated = (cloud.points @ warp.decompose(w).Vt.T)[cloud.labels == 0]
    np.testing.assert_allclose(rotate, rotated, rtol=1e-5, atol=1e-5)


def test_curves_follow_a_drag_with_the_server_cut_off(page, app_url):
    cut = cut_off(page)
    page.goto(app_url + "/curves?act=leaky_relu&act=elu&show_probe=false")
    page.wait_for_selector(".js-plotly-plot", timeout=60_000)
    settle(page, 60_000)
    cut["on"] = True
    watch_reruns(page)
    slope = drag_slider(page, "leaky_relu.negative_slope", 80)
    assert slope != 0.01
    page.wait_for_function("() => (window.__activationLabFrames || 0) > 0", timeout=10_000)
    f = trace_xy(page, 0, 0)
    page.mouse.up()
    page.wait_for_timeout(500)
    assert cut["dropped"] > 0 and page.evaluate("() => window.__reruns") == 0
    x = f[:, 0]
    expected = activations.get("leaky_relu").fn(x, negative_slope=slope)
    np.testing.assert_allclose(f[:, 1], expected, rtol=1e-6, atol=1e-6)
    name = page.evaluate(f"() => {PLOT}[0]._fullData[0].name")
    assert name == f"Leaky ReLU (negative_slope={slope:g})"


def test_the_rerun_draws_its_figure_when_fields_round_their_values(page, app_url):
    """W's typed entries show 6 digits of the preset's; that must not make the rerun's figure
    look stale (made for other values) and stay undrawn after the live frame."""
    page.goto(app_url + "/warp?act=relu&cloud=gaussian&n=300&mode=typed")
    page.wait_for_selector(".js-plotly-plot", timeout=60_000)
    settle(page, 60_000)
    slider = page.locator(".st-key-b1-slider input[type=range]").first
    slider.focus()
    slider.press("ArrowRight")  # b1 = 0.05: a live frame, then the rerun
    page.wait_for_function("() => location.search.includes('b1=0.05')", timeout=20_000)
    settle(page, 60_000)
    page.wait_for_timeout(500)
    # The server's figure arrives as typed-array specs ({dtype, bdata}); a live frame's
    # arrays are Float32Arrays.
    drawn = page.evaluate(f"() => typeof {PLOT}[0].data[0].x.bdata")
    assert drawn == "string"
    cloud = make_cloud("gaussian", 300, 0)
    expected = np.maximum(cloud.points @ warp.PRESET_MATRIX.T + [0.05, 0.0], 0.0)
    np.testing.assert_allclose(
        trace_xy(page, 0, 0), expected[cloud.labels == 0], rtol=1e-5, atol=1e-5
    )


# Holds the "hand has rested" touch-ups (Plotly's own redraw 200 ms after the last frame), so
# the test looks at what the hand sees while it moves: the 2-D overlay of ui/live_chart.js.
HOLD_TOUCH_UPS_JS = """() => {
  const original = window.setTimeout;
  window.setTimeout = (fn, ms, ...args) => original(fn, ms === 200 ? 600000 : ms, ...args);
}"""

# The overlay's alpha at each data point (x, y) of chart 0's trace ``trace`` axes, and whether
# Plotly's own drawing of it is hidden.
OVERLAY_AT_JS = """([trace, points]) => {
  const div = document.querySelectorAll('.js-plotly-plot')[0];
  const canvas = div.querySelector('canvas.al-live-overlay');
  const full = div._fullData[trace], layout = div._fullLayout;
  const xa = layout[full.xaxis.replace('x', 'xaxis')];
  const ya = layout[full.yaxis.replace('y', 'yaxis')];
  const ratio = canvas.width / layout.width;
  const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
  const alpha = points.map(([x, y]) => {
    const px = Math.round((xa._offset + xa.c2p(x)) * ratio);
    const py = Math.round((ya._offset + ya.c2p(y)) * ratio);
    return pixels[4 * (py * canvas.width + px) + 3];
  });
  const rgb = points.map(([x, y]) => {
    const px = Math.round((xa._offset + xa.c2p(x)) * ratio);
    const py = Math.round((ya._offset + ya.c2p(y)) * ratio);
    return Array.from(pixels.slice(4 * (py * canvas.width + px), 4 * (py * canvas.width + px) + 3));
  });
  return {
    alpha,
    rgb,
    overlay: getComputedStyle(canvas).visibility,
    plotly: Array.from(div.querySelectorAll('canvas.gl-canvas, g.trace'))
      .map((node) => getComputedStyle(node).visibility),
  };
}"""


def open_cut_off_and_held(page, url: str) -> None:
    """Open ``url``, then cut the server off and hold the touch-ups (HOLD_TOUCH_UPS_JS)."""
    cut = cut_off(page)
    page.goto(url)
    page.wait_for_selector(".js-plotly-plot", timeout=60_000)
    settle(page, 60_000)
    cut["on"] = True
    page.evaluate(HOLD_TOUCH_UPS_JS)


@pytest.mark.parametrize(
    ("n", "slider"),
    [(300, "theta:slider"), (5000, "b1:slider")],  # dots drawn as circles; as pixels (≤ 3.5 px)
)
def test_while_the_hand_moves_the_warp_overlay_draws_the_new_points(page, app_url, n, slider):
    open_cut_off_and_held(
        page, app_url + f"/warp?act=tanh&cloud=gaussian&n={n}&seed=3&mode=svd&sat=false"
    )
    value = drag_slider(page, slider, 60)
    cloud = make_cloud("gaussian", n, 3)

    def layer(theta: float, b1: float) -> np.ndarray:
        w = warp.matrix_from_svd(math.radians(theta), 1.5, 0.5, math.radians(-20), False)
        return np.tanh(cloud.points @ w.T + [b1, 0.0])

    new = layer(value, 0.0) if slider == "theta:slider" else layer(30.0, value)
    old = layer(30.0, 0.0)
    ours = cloud.labels == 0  # chart 0's trace 0: the +x +y group
    seen = page.evaluate(OVERLAY_AT_JS, [0, new[ours][:: n // 30].tolist()])
    assert seen["overlay"] == "visible" and set(seen["plotly"]) == {"hidden"}
    assert min(seen["alpha"]) > 0  # every sampled new point is drawn
    # Where points were, away from every new point (of any group), nothing is left.
    gap = [np.abs(new - p).max(axis=1).min() for p in old[ours]]
    far = old[ours][np.array(gap) > 0.12]  # several marker widths
    assert len(far) >= 3, "the drag should move some points away"
    assert max(page.evaluate(OVERLAY_AT_JS, [0, far[:50].tolist()])["alpha"]) == 0
    page.mouse.up()


def test_while_the_hand_moves_the_curves_overlay_draws_the_new_curve(page, app_url):
    open_cut_off_and_held(page, app_url + "/curves?act=leaky_relu&act=sigmoid&show_probe=false")
    slope = drag_slider(page, "leaky_relu.negative_slope", 80)
    assert slope > 0.1
    x = np.linspace(-5.5, -0.5, 11)
    seen = page.evaluate(OVERLAY_AT_JS, [0, np.column_stack([x, slope * x]).tolist()])
    assert seen["overlay"] == "visible"
    assert min(seen["alpha"]) > 0  # the new leaky ReLU, drawn while the slider moves
    assert page.evaluate(OVERLAY_AT_JS, [0, np.column_stack([x, 0.01 * x]).tolist()])["alpha"] == [
        0
    ] * len(x)  # the old one is gone (hidden in Plotly's drawing, not on the canvas)
    # sigmoid does not move: Plotly keeps drawing it.
    hidden = page.evaluate(
        f"() => Array.from({PLOT}[0].querySelectorAll('g.trace'))"
        ".map((g) => [g.__data__[0].trace.index, getComputedStyle(g).visibility])"
    )
    assert {i for i, v in hidden if v == "hidden"} == {0, 1}
    page.mouse.up()


def test_while_the_hand_moves_area_colours_follow_too(page, app_url):
    """Colour by area change: a point ReLU keeps (both coordinates of W x + b positive) has
    |det J| = |det W| = 0.75, near the middle of the colour scale (light); a point folded onto
    an axis has det J = 0, the scale's dark blue end."""
    url = "/warp?act=relu&cloud=gaussian&n=300&seed=3&mode=svd&sat=false&area=true"
    open_cut_off_and_held(page, app_url + url)
    theta = drag_slider(page, "theta:slider", 40)
    assert theta != 30
    cloud = make_cloud("gaussian", 300, 3)
    w = warp.matrix_from_svd(math.radians(theta), 1.5, 0.5, math.radians(-20), False)
    z = cloud.points @ w.T
    kept = z[(z > 0.15).all(axis=1)]  # clear of the axes, where the folded points lie
    every_kept = z[(z > 0).all(axis=1)]
    folded = np.maximum(z, 0.0)[(z[:, 0] > 0.3) & (z[:, 1] < -0.05)]
    # ...and no kept point drawn over a folded one (a marker is ~0.05 wide here).
    folded = folded[[np.abs(every_kept - p).max(axis=1).min() > 0.1 for p in folded]]
    assert len(kept) and len(folded)
    seen = page.evaluate(OVERLAY_AT_JS, [0, [*kept[:20].tolist(), *folded[:20].tolist()]])
    assert seen["overlay"] == "visible" and min(seen["alpha"]) > 0
    light, dark = seen["rgb"][: len(kept[:20])], seen["rgb"][len(kept[:20]) :]
    assert all(min(c) > 170 for c in light), light  # |det J| = 0.75: log₁₀ ≈ −0.12
    assert [c for c in dark if not (c[2] > 80 and c[0] < 60)] == []  # det J = 0: the blue end
    page.mouse.up()
