"""Screenshots of every page for the README: starts the app, opens each view in Chromium.

Run: .venv/bin/python docs/make_screenshots.py [page ...]
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "browser"))

from browserkit import IDLE, launch_args, require_chromium, serve_app  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402

VIEWS = {
    "home": "/",
    "curves": "/curves?act=sigmoid&act=tanh&act=relu&act=leaky_relu&act=leaky_relu~2"
    "&leaky_relu~2.negative_slope=0.2&act=gelu",
    "warp": "/warp?act=relu&cloud=grid&n=4000&seed=1",
    "train": "/train",
    "gradients": "/gradients",
    "softmax": "/softmax",
}


def main(pages: list[str]) -> None:
    chromium = require_chromium()
    server = serve_app()
    url = next(server)
    out = ROOT / "docs" / "screenshots"
    out.mkdir(parents=True, exist_ok=True)
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium, args=launch_args())
            page = browser.new_page(viewport={"width": 1400, "height": 1250})
            for name in pages or list(VIEWS):
                page.goto(url + VIEWS[name])
                page.wait_for_selector(IDLE, timeout=60_000)
                # Every page draws at least one chart; wait for it, then for late reruns.
                page.wait_for_selector(".js-plotly-plot", timeout=60_000)
                page.wait_for_timeout(2500)
                page.wait_for_selector(IDLE, timeout=60_000)
                page.screenshot(path=out / f"{name}.png")
                print("wrote", out / f"{name}.png")
            browser.close()
    finally:
        server.close()


if __name__ == "__main__":
    main(sys.argv[1:])
