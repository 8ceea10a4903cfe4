"""Timing of the Train page's training loop and the Gradients page's depth experiment.

Run: ``.venv/bin/python bench/bench_train.py`` (add ``OPENBLAS_NUM_THREADS=1`` to compare; on a
busy 2-core machine one BLAS thread is faster and much steadier for these small matrices).

Targets (issue 5 and 6): 1 000 epochs of a 2-8-8-1 network on 400 points, full batch, Adam,
under 2 s; the depth experiment for 50 layers of width 256 and four activations under 1 s.
"""

from __future__ import annotations

import os
import statistics
import time
from collections.abc import Callable

from activations import experiments
from activations.clouds import make_dataset
from activations.nn import LayerSpec, TrainConfig, train


def _times(fn: Callable[[], object], repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t)
    return out


def _report(label: str, times: list[float], target: float, width: int = 44) -> None:
    best, med = min(times), statistics.median(times)
    verdict = "ok" if med < target else "SLOW"
    print(
        f"{label:<{width}} best {best:6.3f} s  median {med:6.3f} s  (target {target} s: {verdict})"
    )


def bench_train(repeat: int = 5) -> None:
    """1 000 epochs, 2-8-8-1, 400 points (300 train / 100 test), full batch, Adam."""
    data = make_dataset("circles", 400, 0.1, seed=0)
    for act in ("relu", "tanh", "sigmoid", "gelu"):
        config = TrainConfig(
            hidden=(LayerSpec(8, act), LayerSpec(8, act)), optimizer="adam", epochs=1000, seed=0
        )
        _report(
            f"train 2-8-8-1 {act:<8} 1000 epochs",
            _times(lambda c=config: train(data, c), repeat),
            2.0,
        )
    config = TrainConfig(hidden=(LayerSpec(8, "relu"), LayerSpec(8, "relu")), batch_size=32)
    _report(
        "train 2-8-8-1 relu 500 epochs batch 32", _times(lambda: train(data, config), repeat), 2.0
    )


def bench_depth(repeat: int = 5) -> None:
    """Depth 50, width 256, 256 samples; sigmoid, tanh, relu, gelu one after the other."""

    def four() -> None:
        for act in ("sigmoid", "tanh", "relu", "gelu"):
            experiments.depth_experiment(act, 50, 256, "xavier", 1.0, seed=0)

    def cold() -> None:
        experiments._depth_draws.cache_clear()
        four()

    _report("depth 50x256, 4 activations (cold cache)", _times(cold, repeat), 1.0)
    _report("depth 50x256, 4 activations (warm cache)", _times(four, repeat), 1.0)


if __name__ == "__main__":
    print(
        f"OPENBLAS_NUM_THREADS={os.environ.get('OPENBLAS_NUM_THREADS', 'unset')}, "
        f"cpus={os.cpu_count()}, load={os.getloadavg()[0]:.2f}"
    )
    bench_train()
    bench_depth()
