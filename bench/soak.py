"""A long lesson: one session visits every page in turn and moves its controls, for N minutes.

Each page that app.py lists is opened as a link, then ``--moves`` reruns each change one or two
of its controls to random valid values (any bound slider, number input, select box or toggle,
so sizes reach their maxima too), then the next page. Prints the server's memory and the errors
every ``--every`` seconds, the slowest rerun of each page, and how memory moved over the second
half of the run (a leak keeps climbing; bounded caches level off).

Run: .venv/bin/python bench/soak.py [--minutes 10] [--url http://127.0.0.1:PORT --pid PID]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from load_test import (
    Session,
    app_pages,
    local_server,
    movable,
    move,
    require_loopback,
    rss_mb,
)


async def soak(
    url: str, pids: list[int], minutes: float, moves: int, every: float, seed: int
) -> dict:
    """Cycle through the pages until ``minutes`` have passed; returns the measurements."""
    rng = random.Random(seed)
    pages = app_pages()  # name -> path in a link
    session = Session(url, timeout=120)
    await session.connect()
    for path in pages.values():  # warm-up: imports, first runs
        await session.open_page(path, "")
    start_rss = rss_mb(pids)
    start = time.monotonic()
    deadline = start + 60 * minutes
    timeline: list[tuple[float, float]] = [(0.0, start_rss)]
    slowest: dict[str, float] = defaultdict(float)
    latencies: list[float] = []
    errors: list[str] = []
    next_report = every
    print(f"{'minute':>6} {'reruns':>6} {'errors':>6} {'p50 s':>6} {'max s':>6} {'RSS MB':>7}")
    try:
        while time.monotonic() < deadline:
            for page, path in pages.items():
                runs = [await session.open_page(path, "")]
                for _ in range(moves):
                    choices = movable(session.widgets, ())
                    picked = rng.sample(choices, min(2, len(choices)))
                    changes = [c for c in (move(w, rng) for w in picked) if c is not None]
                    runs.append(await session.rerun(changes))
                for run in runs:
                    if run.ok:
                        latencies.append(run.seconds)
                        slowest[page] = max(slowest[page], run.seconds)
                    else:
                        errors.append(f"{page}: {run.error}")
                        if run.error.startswith("disconnect"):
                            await session.close()
                            await session.connect()
                elapsed = time.monotonic() - start
                if elapsed >= next_report or time.monotonic() >= deadline:
                    timeline.append((elapsed, rss_mb(pids)))
                    recent = latencies[-50:]
                    print(
                        f"{elapsed / 60:>6.1f} {len(latencies) + len(errors):>6} "
                        f"{len(errors):>6} {statistics.median(recent):>6.2f} "
                        f"{max(recent):>6.2f} {timeline[-1][1]:>7.0f}",
                        flush=True,
                    )
                    next_report += every
                if time.monotonic() >= deadline:
                    break
    finally:
        await session.close()
    half = [(t, m) for t, m in timeline if t >= timeline[-1][0] / 2]
    slope = 0.0
    if len(half) >= 2 and half[-1][0] > half[0][0]:
        slope = (half[-1][1] - half[0][1]) / ((half[-1][0] - half[0][0]) / 60)
    return {
        "minutes": (time.monotonic() - start) / 60,
        "reruns": len(latencies) + len(errors),
        "errors": errors,
        "rss_start": start_rss,
        "rss_max": max(m for _, m in timeline),
        "rss_end": timeline[-1][1],
        "slope": slope,
        "slowest": dict(slowest),
    }


def print_summary(r: dict) -> None:
    print(
        f"\nsoak: {r['minutes']:.1f} min, {r['reruns']} reruns, {len(r['errors'])} errors; "
        f"RSS start {r['rss_start']:.0f} MB, max {r['rss_max']:.0f} MB, end {r['rss_end']:.0f} MB "
        f"(growth {r['rss_end'] - r['rss_start']:+.0f} MB); second half "
        f"{r['slope']:+.1f} MB/min"
    )
    print("slowest rerun per page: " + ", ".join(f"{p} {s:.2f} s" for p, s in r["slowest"].items()))
    for error in sorted(set(r["errors"]))[:10]:
        print("error:", error)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--moves", type=int, default=3, help="control changes per page visit")
    parser.add_argument("--every", type=float, default=30.0, help="report interval, s")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--url", help="a running server on loopback (default: start one)")
    parser.add_argument("--pid", type=int, action="append", default=[], help="server process")
    parser.add_argument("--log", default="/tmp/soak_server.log", help="server log")
    args = parser.parse_args(argv)
    minutes = min(max(args.minutes, 0.1), 24 * 60.0)

    def run(url: str, pids: list[int]) -> dict:
        return asyncio.run(soak(url, pids, minutes, args.moves, args.every, args.seed))

    if args.url:
        result = run(require_loopback(args.url), args.pid)
    else:
        with local_server(Path(args.log)) as (url, pid):
            result = run(url, [pid])
    print_summary(result)
    return 1 if result["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
