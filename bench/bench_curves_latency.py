"""Browser latency of the Curves page: slider key press -> redrawn chart, 5 activations.

Run: .venv/bin/python bench/bench_curves_latency.py [presses]
Prints the median over the presses (target: under 150 ms here).
"""

from __future__ import annotations

import sys

from browserbench import (
    ARM_REDRAW_JS,
    IDLE,
    READ_REDRAW_JS,
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
            samples = []
            for i in range(presses):
                page.evaluate(ARM_REDRAW_JS, ".js-plotly-plot")
                thumb.press("ArrowRight" if i % 2 == 0 else "ArrowLeft")
                samples.append(page.evaluate(READ_REDRAW_JS))
                page.wait_for_selector(IDLE)
                page.wait_for_timeout(300)
            print(summarize("slider key press -> redrawn chart", samples))
            browser.close()
    finally:
        server.close()


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20)
