"""First paint of every page next to a bare Streamlit page with one Plotly chart, in one run.

Run: .venv/bin/python bench/bench_first_paint.py [--runs 3]
Each measurement launches a fresh Chromium (empty cache) and opens one page; first paint is
the time from navigation start until the page's first Plotly chart has drawn its SVG and the
browser has painted a frame after it. The baseline is bench/bare_plotly_app.py (a title and one
st.plotly_chart), served by its own ``streamlit run`` next to the app's. Pages and the baseline
take turns, so a busy moment of the (shared) machine hits both. Printed: the median per page
and its ratio to the baseline's median (target, issue 19: at most 1.3×).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
import urllib.request

from browserbench import ROOT, launch_args, require_chromium, serve_app
from playwright.sync_api import sync_playwright

PAGES = ["/home", "/curves", "/warp", "/train", "/gradients", "/softmax", "/lessons"]

# From navigation start to the first frame painted after a Plotly chart drew its SVG.
FIRST_PAINT_JS = """() => new Promise((resolve) => {
  const found = () => document.querySelector('.js-plotly-plot .main-svg');
  const done = () => requestAnimationFrame(() => resolve(performance.now()));
  if (found()) return done();
  const observer = new MutationObserver(() => {
    if (found()) { observer.disconnect(); done(); }
  });
  observer.observe(document, {subtree: true, childList: true});
})"""


def serve_bare() -> tuple[subprocess.Popen, str]:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    command = [
        sys.executable, "-m", "streamlit", "run", "bench/bare_plotly_app.py",
        "--server.port", str(port), "--server.address", "127.0.0.1",
        "--server.headless", "true", "--browser.gatherUsageStats", "false",
        "--server.fileWatcherType", "none",
    ]  # fmt: skip
    server = subprocess.Popen(
        command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url + "/_stcore/health", timeout=2):
                return server, url
        except OSError:
            time.sleep(0.3)
    server.kill()
    raise RuntimeError("the bare page's server did not start")


def first_paint(playwright, chromium: str, url: str) -> float:
    """Milliseconds to the first painted chart of ``url`` in a freshly launched browser."""
    browser = playwright.chromium.launch(executable_path=chromium, args=launch_args())
    try:
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(url, wait_until="commit")
        return float(page.evaluate(FIRST_PAINT_JS))
    finally:
        browser.close()


def main(runs: int) -> None:
    chromium = require_chromium()
    app = serve_app()
    app_url = next(app)
    bare, bare_url = serve_bare()
    try:
        with sync_playwright() as playwright:
            # One unmeasured visit each: Python imports and caches warm, as on a running server.
            first_paint(playwright, chromium, bare_url)
            for page in PAGES:
                first_paint(playwright, chromium, app_url + page)
            times: dict[str, list[float]] = {"bare": [], **{p: [] for p in PAGES}}
            for _ in range(runs):
                for page in PAGES:
                    times["bare"].append(first_paint(playwright, chromium, bare_url))
                    times[page].append(first_paint(playwright, chromium, app_url + page))
        base = statistics.median(times["bare"])
        print(f"{'bare Streamlit + 1 Plotly chart':<34} {base:7.0f} ms   1.00×")
        for page in PAGES:
            median = statistics.median(times[page])
            print(
                f"{page:<34} {median:7.0f} ms   {median / base:4.2f}×"
                f"   (runs: {', '.join(f'{t:.0f}' for t in times[page])})"
            )
        print(f"load average {os.getloadavg()[0]:.1f} (2 shared cores)")
    finally:
        app.close()
        bare.terminate()
        bare.wait(10)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    main(parser.parse_args().runs)
