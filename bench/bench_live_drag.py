"""Frames per second while a real pointer drags a slider: Warp and Curves redrawn in the browser.

Run: .venv/bin/python bench/bench_live_drag.py [--seconds 4]
A fresh ``streamlit run`` and Chromium (software WebGL, as in the tests); Playwright holds the
mouse down on the slider's thumb and moves it back and forth for a few seconds. Each frame the
page draws is counted (ui/live_chart.js counts its redraws; several pointer moves in one
animation frame make one redraw), so the figure is what the eye sees. Printed per case: frames
per second over the drag (of the chart that redrew most), the median time one redraw took in
JavaScript (compute and drawing), and how many frames per second the slider showed a new value
in (the most a chart can redraw: a slow stretch of the sweep, or a slider of coarse steps,
changes the value less than once a frame).
Targets (issue 19): Warp ≥ 30 fps at 5 000 points, ≥ 15 at 20 000; Curves likewise smooth.
The load average of the machine is printed with them: the two cores here are shared.
"""

from __future__ import annotations

import argparse
import os
import statistics

from browserbench import IDLE, launch_args, require_chromium, serve_app
from playwright.sync_api import sync_playwright

# The slope starts mid-track: a sweep around 0.01 would push the thumb against the track's
# end half of the time, where the value (and so the chart) does not change.
CASES = [
    ("Warp, b₁, 5 000 points", "/warp?n=5000", "b1:slider"),
    ("Warp, θ (svd), 5 000 points", "/warp?n=5000&mode=svd", "theta:slider"),
    ("Warp, b₁, 20 000 points", "/warp?n=20000", "b1:slider"),
    ("Warp, θ (svd), 20 000 points", "/warp?n=20000&mode=svd", "theta:slider"),
    ("Warp, θ, 5 000 points, area colours", "/warp?n=5000&mode=svd&area=true", "theta:slider"),
    ("Warp, θ, 5 000 points, |f′| < ε rings", "/warp?n=5000&mode=svd&sat=true", "theta:slider"),
    # A window tall enough to show the animation and the six stage panels at once: both redraw.
    ("Warp, θ, 5 000 points, both charts", "/warp?n=5000&mode=svd", "theta:slider", 2400),
    (
        "Warp, leaky ReLU slope, 5 000 points",
        "/warp?n=5000&act=leaky_relu&b1=-1&leaky_relu.negative_slope=0.5",
        "leaky_relu.negative_slope",
    ),
    (
        "Curves, leaky ReLU slope (4 curves)",
        "/curves?act=sigmoid&act=tanh&act=leaky_relu&act=elu&leaky_relu.negative_slope=0.5",
        "leaky_relu.negative_slope",
    ),
]

# ui/live_chart.js counts its redraws and keeps their durations.
# ui/live_chart.js counts its redraws and keeps their durations. Besides, each animation frame
# in which the slider shows a new value is counted: a chart cannot redraw more often than its
# value changes (a slow stretch of the sweep, or a slider of coarse steps, changes it less
# than once a frame).
COLLECT_JS = """(selector) => {
  window.__activationLabFrames = 0;
  window.__activationLabChartFrames = {};
  window.__activationLabRelayouts = 0;
  window.__activationLabFrameTimes = [];
  window.__alStart = performance.now();
  window.__alChanges = 0;
  window.__alWatching = true;
  const input = selector && document.querySelector(selector);
  let last = input && input.value;
  const watch = () => {
    if (!window.__alWatching) return;
    if (input && input.value !== last) { window.__alChanges++; last = input.value; }
    requestAnimationFrame(watch);
  };
  requestAnimationFrame(watch);
}"""
STOP_JS = """() => {
  window.__alWatching = false;
  return {
    frames: window.__activationLabFrames,
    byChart: window.__activationLabChartFrames,
    relayouts: window.__activationLabRelayouts,
    changes: window.__alChanges,
    seconds: (performance.now() - window.__alStart) / 1000,
    times: window.__activationLabFrameTimes,
  };
}"""


def widget_class(key: str) -> str:
    return "st-key-" + "".join(c if c.isalnum() or c in "_-" else "-" for c in key)


# Pointer moves from inside the page, two per animation frame, while Playwright's real mouse
# button stays down: React Aria's slider takes them like any pointer move. (Playwright's own
# moves wait for each event's round trip, about 70 ms here: that rate, not the redraw, bounds
# the first measurement.)
SWEEP_JS = """([x, y, seconds]) => new Promise((resolve) => {
  const start = performance.now();
  window.__alPainted = 0;  // animation frames the browser ran during the sweep
  const target = document.elementFromPoint(x, y) || document.body;
  const move = (t) => {
    const px = x + 40 * Math.sin(t / 150);
    target.dispatchEvent(new PointerEvent('pointermove', {
      pointerId: 1, pointerType: 'mouse', isPrimary: true, buttons: 1,
      clientX: px, clientY: y, bubbles: true, cancelable: true, composed: true,
    }));
  };
  const tick = () => {
    const t = performance.now() - start;
    window.__alPainted++;
    move(t);
    setTimeout(() => move(performance.now() - start), 8);
    if (t < seconds * 1000) requestAnimationFrame(tick); else resolve();
  };
  requestAnimationFrame(tick);
})"""


# The ceiling: animation frames the browser runs per second on the same page, nothing moving.
IDLE_RATE_JS = """(seconds) => new Promise((resolve) => {
  let frames = 0;
  const start = performance.now();
  const tick = () => {
    frames++;
    if (performance.now() - start < seconds * 1000) requestAnimationFrame(tick);
    else resolve(frames / ((performance.now() - start) / 1000));
  };
  requestAnimationFrame(tick);
})"""


def open_fresh(page, url: str) -> None:
    """Open ``url`` and wait until its run has finished and every chart has painted."""
    page.goto(url)
    page.wait_for_selector(".js-plotly-plot", timeout=60_000)
    page.wait_for_selector(IDLE, timeout=60_000)
    page.wait_for_timeout(2500)


def thumb_centre(page, key: str) -> tuple[float, float]:
    """Press the mouse on slider ``key``'s thumb; its centre."""
    thumb = page.locator(f".{widget_class(key)} input[type=range]").first.locator("xpath=../..")
    thumb.scroll_into_view_if_needed()
    box = thumb.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    return x, y


def drag(page, key: str, seconds: float, in_page: bool = False) -> dict:
    """Hold the thumb of slider ``key`` and sweep it for ``seconds``; frames drawn. Moves by
    Playwright's mouse, or (``in_page``) dispatched in the page at the display's rate."""
    x, y = thumb_centre(page, key)
    page.evaluate(COLLECT_JS, f".{widget_class(key)} input[type=range]")
    step = 0
    if in_page:
        page.evaluate(SWEEP_JS, [x, y, seconds])
    while (
        not in_page
        and page.evaluate("() => (performance.now() - window.__alStart) / 1000") < seconds
    ):
        # Back and forth across 60 px, a pixel or two per pointer event.
        target = x + (40 if step % 2 == 0 else -40)
        page.mouse.move(target, y, steps=40)
        step += 1
    result = page.evaluate(STOP_JS)
    page.mouse.up()
    return result


def main(seconds: float) -> None:
    chromium = require_chromium()
    server = serve_app()
    url = next(server)
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium, args=launch_args())
            for label, query, key, *height in CASES:
                size = {"width": 1400, "height": height[0] if height else 1000}
                page = browser.new_page(viewport=size)
                open_fresh(page, url + query)
                ceiling = page.evaluate(IDLE_RATE_JS, 2)
                print(
                    f"{label:<38} {'idle page':<10} {ceiling:5.1f} frames/s (the browser's ceiling)"
                )
                # The slider alone: the same sweep with the charts not following it.
                page.evaluate(
                    "() => document.querySelectorAll('.al-live-chart')"
                    ".forEach((d) => { d.__alSaved = d.__alControls; d.__alControls = {}; })"
                )
                page.evaluate(COLLECT_JS, None)
                page.evaluate(SWEEP_JS, [*thumb_centre(page, key), 2])
                alone = page.evaluate("() => window.__alPainted") / 2
                page.mouse.up()
                print(
                    f"{label:<38} {'slider':<10} {alone:5.1f} frames/s (page moves, charts still)"
                )
                for in_page in (False, True):
                    # From the link's values each time: a sweep around a thumb left near the
                    # end of its track would change nothing half of the time.
                    open_fresh(page, url + query)
                    result = drag(page, key, seconds, in_page)
                    times = result["times"] or [float("nan")]
                    # The chart that redrew most: the one the eye follows (a chart out of
                    # view waits until it scrolls in).
                    frames = max(result["byChart"].values(), default=0)
                    fps = frames / result["seconds"]
                    how = "page moves" if in_page else "mouse"
                    print(
                        f"{label:<38} {how:<10} {fps:5.1f} fps   redraw median"
                        f" {statistics.median(times):5.1f} ms   ({frames} frames in"
                        f" {result['seconds']:.1f} s; the value changed in"
                        f" {result['changes'] / result['seconds']:.1f} frames/s;"
                        f" {result['relayouts']} new axis ranges; load {os.getloadavg()[0]:.1f})"
                    )
                page.close()
            browser.close()
    finally:
        server.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=4.0)
    main(parser.parse_args().seconds)
