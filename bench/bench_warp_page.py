"""Speed of the Warp page at n = 1 000, 20 000 and 200 000 points.

Server: the page's pipeline timed step by step (cloud, stages + diagnostics + animation frames,
figure build, the JSON that ``st.plotly_chart`` sends), then a whole AppTest rerun of the page
after a bias change (nothing cached). Browser: from a key press on the b1 slider to the
repainted animated chart, in Chromium against a real ``streamlit run``.

Run: .venv/bin/python bench/bench_warp_page.py [--sizes 1000 20000 200000] [--presses 8]
     [--no-browser]
Targets (issue 4): under 150 ms server and under 400 ms end to end at 20 000 points; 200 000
points under 2 s.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import numpy as np  # noqa: E402

from activations import warp  # noqa: E402
from activations.clouds import make_cloud  # noqa: E402
from charts import warp as warp_charts  # noqa: E402
from charts.export import to_json_bytes  # noqa: E402

ACT = "relu"
CLOUD = "gaussian"
BIAS = (0.1, -0.2)


def pipeline_ms(n: int) -> dict[str, float]:
    """The page's pure pipeline for one activation, timed per step (ms), and the JSON size."""
    times: dict[str, float] = {}

    def lap(name: str, start: float) -> float:
        now = time.perf_counter()
        times[name] = 1e3 * (now - start)
        return now

    t = time.perf_counter()
    cloud = make_cloud(CLOUD, n, 1)
    t = lap("cloud", t)
    m, steps = warp_charts.animation_plan(n)
    anim = warp_charts.subsample(n, m)
    small = warp_charts.subsample(n, 5_000)
    w = warp.PRESET_MATRIX
    stages = warp.layer_stages(cloud.points, w, BIAS, ACT)
    frames = warp.interpolate_stages([(s, a[anim]) for s, a in stages], warp.decompose(w), steps)
    diag = warp.diagnostics(cloud.points, w, BIAS, ACT)
    t = lap("stages+diag+frames", t)
    palette = warp_charts.group_palette(cloud.two_class)
    values = warp_charts.group_values(cloud.labels, cloud.two_class)
    labels = warp_charts.frame_labels(steps)
    fig = warp_charts.animation_figure([(ACT, frames, values[anim])], palette, labels)
    titles = warp_charts.stage_titles()
    small_fig = warp_charts.stages_figure(
        [(titles[i], a[small], values[small]) for i, (_, a) in enumerate(stages)],
        palette,
        columns=3,
    )
    t = lap("figures", t)
    size = 0
    for figure in (fig, small_fig):  # exactly what the page and ui.live_chart do
        size += len(to_json_bytes(figure))
    lap("json", t)
    times["total"] = sum(times.values())
    times["json_mb"] = size / 1e6
    times["frames"] = len(labels)
    times["animated"] = m
    assert np.isfinite(diag.on_axis)
    return times


def apptest_ms(n: int, repeat: int) -> float:
    """Median wall time of a whole page rerun after a b1 change (a cache miss every time)."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.query_params.update({"act": ACT, "cloud": CLOUD, "n": str(n), "seed": "1"})
    at.switch_page("pages/warp.py")
    at.run()
    samples = []
    for i in range(repeat):
        at.number_input(key="b1").set_value(round(0.05 * (i + 1), 2))  # the bound field
        start = time.perf_counter()
        at.run()
        samples.append(1e3 * (time.perf_counter() - start))
        assert not at.exception, at.exception
    return statistics.median(samples)


def browser_ms(sizes: list[int], presses: int) -> dict[int, float]:
    """Median ms from a b1-slider key press to the repainted animated chart, per size."""
    from browserbench import ARM_REDRAW_JS, IDLE, launch_args, require_chromium, serve_app
    from playwright.sync_api import sync_playwright

    chromium = require_chromium()
    server = serve_app()
    url = next(server)
    results = {}
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium, args=launch_args())
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            for n in sizes:
                page.goto(f"{url}/warp?act={ACT}&cloud={CLOUD}&n={n}&seed=1")
                page.wait_for_selector(".js-plotly-plot", timeout=60_000)
                page.wait_for_selector(IDLE, timeout=60_000)
                page.wait_for_timeout(1000)
                thumb = page.get_by_test_id("stSlider").filter(has_text="b1").get_by_role("slider")
                thumb.focus()
                samples = []
                for i in range(presses):
                    page.evaluate(ARM_REDRAW_JS, ".js-plotly-plot")
                    thumb.press("ArrowRight" if i % 2 == 0 else "ArrowLeft")
                    samples.append(page.evaluate("() => window.__redraw"))
                    page.wait_for_selector(IDLE, timeout=60_000)
                    page.wait_for_timeout(300)
                ok = [s for s in samples if s >= 0]
                results[n] = statistics.median(ok) if ok else float("nan")
            browser.close()
    finally:
        # Resume the generator past its yield so it stops the server; close() would skip that.
        next(server, None)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 20_000, 200_000])
    parser.add_argument("--repeat", type=int, default=5, help="pipeline and AppTest repeats")
    parser.add_argument("--presses", type=int, default=8, help="key presses per size")
    parser.add_argument("--no-browser", action="store_true")
    args = parser.parse_args()

    rows = []
    for n in args.sizes:
        pipeline_ms(n)  # warm-up: imports, first-call costs
        runs = [pipeline_ms(n) for _ in range(args.repeat)]
        best = {k: min(r[k] for r in runs) for k in runs[0]}
        rows.append((n, best, apptest_ms(n, args.repeat)))
    browser = {} if args.no_browser else browser_ms(args.sizes, args.presses)

    print(
        f"{'n':>8} {'anim pts':>8} {'frames':>6} {'cloud':>7} {'lib':>7} {'figs':>7} "
        f"{'json':>7} {'pipeline':>9} {'JSON MB':>8} {'page rerun':>11} {'browser':>9}"
    )
    for n, t, rerun in rows:
        shown = browser.get(n, float("nan"))
        print(
            f"{n:>8} {int(t['animated']):>8} {int(t['frames']):>6} {t['cloud']:>7.1f} "
            f"{t['stages+diag+frames']:>7.1f} {t['figures']:>7.1f} {t['json']:>7.1f} "
            f"{t['total']:>9.1f} {t['json_mb']:>8.2f} {rerun:>11.1f} {shown:>9.1f}"
        )
    print("times in ms (pipeline: best of repeats; page rerun and browser: medians)")


if __name__ == "__main__":
    main()
