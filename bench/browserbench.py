"""Shared helpers for the browser benchmarks: start the app, open Chromium, time a redraw."""

from __future__ import annotations

import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "browser"))

from browserkit import IDLE, launch_args, require_chromium, serve_app  # noqa: E402

# Arms a timer: from the next key press until the first Plotly chart shows new data (a new
# element or data array after a rerun, or new full data after an in-browser restyle) and the
# browser has painted it.
# Read the result with READ_REDRAW_JS (milliseconds, or -1 after 15 s without a redraw).
ARM_REDRAW_JS = """
(selector) => {
  const chart = document.querySelector(selector);
  const before = [chart, chart.data, chart._fullData];
  window.__redraw = new Promise((resolve) => {
    document.addEventListener('keydown', () => {
      const start = performance.now();
      const poll = () => {
        const now = document.querySelector(selector);
        if (now && (now !== before[0] || now.data !== before[1] || now._fullData !== before[2])) {
          requestAnimationFrame(() => resolve(performance.now() - start));
        } else if (performance.now() - start > 15000) {
          resolve(-1);
        } else {
          requestAnimationFrame(poll);
        }
      };
      poll();
    }, {once: true, capture: true});
  });
}
"""
READ_REDRAW_JS = "() => window.__redraw"

# Arms a second timer: from the next key press until the rerun it starts has finished (the
# app's script state went to running and back), i.e. URL, tables and the rest are up to date.
ARM_RERUN_JS = """
() => {
  const app = document.querySelector("[data-testid='stApp']");
  window.__rerun = new Promise((resolve) => {
    document.addEventListener('keydown', () => {
      const start = performance.now();
      let ran = false;
      const observer = new MutationObserver(() => {
        const state = app.getAttribute('data-test-script-state');
        if (state === 'running') ran = true;
        if (ran && state === 'notRunning') {
          observer.disconnect();
          requestAnimationFrame(() => resolve(performance.now() - start));
        }
      });
      observer.observe(app, {attributes: true, attributeFilter: ['data-test-script-state']});
      setTimeout(() => { observer.disconnect(); resolve(-1); }, 15000);
    }, {once: true, capture: true});
  });
}
"""
READ_RERUN_JS = "() => window.__rerun"


def summarize(label: str, samples_ms: list[float]) -> str:
    ok = [s for s in samples_ms if s >= 0]
    if not ok:
        return f"{label:<40} no redraw observed"
    timeouts = len(samples_ms) - len(ok)
    return (
        f"{label:<40} median {statistics.median(ok):7.1f} ms   "
        f"min {min(ok):7.1f}   max {max(ok):7.1f}   n={len(ok)} (timeouts {timeouts})"
    )


__all__ = [
    "ARM_REDRAW_JS",
    "ARM_RERUN_JS",
    "IDLE",
    "READ_REDRAW_JS",
    "READ_RERUN_JS",
    "ROOT",
    "launch_args",
    "require_chromium",
    "serve_app",
    "summarize",
]
