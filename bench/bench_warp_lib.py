"""Time the Warp page's library calls (clouds, stages, frames, diagnostics, stacks).

Run: .venv/bin/python bench/bench_warp_lib.py [--sizes 1000 20000 200000] [--repeat 5]
Prints the best of ``repeat`` runs in milliseconds (after one warm-up call).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from activations.clouds import CLOUD_KINDS, make_cloud
from activations.warp import (
    PRESET_MATRIX,
    decompose,
    diagnostics,
    interpolate_stages,
    layer_stages,
    stack_layers,
)

BIAS = (0.1, -0.2)


def best_ms(f: Callable[[], object], repeat: int) -> float:
    """Best wall time of ``repeat`` calls, in ms, after one warm-up call."""
    f()
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        f()
        times.append(time.perf_counter() - t)
    return 1e3 * min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 20_000, 200_000])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--steps", type=int, default=8, help="frames per stage transition")
    args = parser.parse_args()
    svd = decompose(PRESET_MATRIX)

    print(f"{'n':>8} {'call':<28} {'ms':>8}")
    for n in args.sizes:
        slowest = max((best_ms(partial(make_cloud, k, n, 1), args.repeat), k) for k in CLOUD_KINDS)
        print(f"{n:>8} {'make_cloud (slowest: ' + slowest[1] + ')':<28} {slowest[0]:>8.2f}")
        x = make_cloud("gaussian", n, 1).points
        for act in ("relu", "sigmoid", "gelu"):
            stages = layer_stages(x, PRESET_MATRIX, BIAS, act)
            rows = {
                f"layer_stages {act}": partial(layer_stages, x, PRESET_MATRIX, BIAS, act),
                f"interpolate x{1 + 5 * args.steps} {act}": partial(
                    interpolate_stages, stages, svd, args.steps
                ),
                f"diagnostics {act}": partial(diagnostics, x, PRESET_MATRIX, BIAS, act),
                f"stack_layers 3 {act}": partial(stack_layers, x, 3, 0, act),
            }
            for name, f in rows.items():
                print(f"{n:>8} {name:<28} {best_ms(f, args.repeat):>8.2f}")


if __name__ == "__main__":
    main()
