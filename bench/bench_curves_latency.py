"""Browser latency of the Curves page: slider key press -> redrawn chart, 5 activations.

Run: .venv/bin/python bench/bench_curves_latency.py [presses]
Prints the median over the presses (target: under 150 ms here) of two times: until the chart
shows the new parameter (drawn in the browser from the activation's generated JavaScript),
and until the rerun that the press starts has finished (URL, probe values and properties).
"""

from __future__ import annotations

import sys

from browserbench import (
    ARM_REDRAW_JS,
    ARM_RERUN_JS,
    IDLE,
    READ_REDRAW_JS,
    READ_RERUN_JS,
    launch_args,
    require_chromium,
    serve_app,
    summarize,
)
from playwright.sync_api import sync_playwright

QUERY = "/curves?act=sigmoid&act=tanh&act=relu&act=leaky_relu&act=elu"


def main(presses: int = 20) -> None:
    chromium = require_chromium()
    server = serve_app()
    url = next(server)
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium, args=launch_args())
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.goto(url + QUERY)
            page.wait_for_selector(".js-plotly-plot", timeout=60_000)
            page.wait_for_selector(IDLE)
            page.wait_for_timeout(1000)
            thumb = page.locator(
                "[data-testid='stMain'] [data-testid='stSlider'] input[type='range']"
            ).first
            thumb.focus()
            redraws, reruns = [], []
            for _ in range(presses):
                page.evaluate(ARM_REDRAW_JS, ".js-plotly-plot")
                page.evaluate(ARM_RERUN_JS)
                # Always forward: each press reaches a value the page has not shown yet.
                thumb.press("ArrowRight")
                redraws.append(page.evaluate(READ_REDRAW_JS))
                reruns.append(page.evaluate(READ_RERUN_JS))
                page.wait_for_selector(IDLE)
                page.wait_for_timeout(300)
            print(summarize("slider key press -> redrawn chart", redraws))
            print(summarize("slider key press -> rerun finished", reruns))
            browser.close()
    finally:
        server.close()


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20)
