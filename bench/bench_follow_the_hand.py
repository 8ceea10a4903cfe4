"""Issue 19's figures in one run: frames per second during real pointer drags (Warp at 5 000
and 20 000 points, Curves), then each page's first paint next to a bare Streamlit page.

Run: .venv/bin/python bench/bench_follow_the_hand.py [--seconds 3] [--runs 5]
See bench_live_drag.py and bench_first_paint.py for what each part measures.
"""

from __future__ import annotations

import argparse

import bench_first_paint
import bench_live_drag

if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    print("== Frames per second while dragging (targets: Warp ≥ 30 at 5 000, ≥ 15 at 20 000)")
    bench_live_drag.main(args.seconds)
    print("\n== First paint, fresh browser each time (target: at most 1.3× the bare page)")
    bench_first_paint.main(args.runs)
