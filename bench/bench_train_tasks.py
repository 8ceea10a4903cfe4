"""Timing of the Train page's new tasks next to the two-class baseline, in the same run.

Run: ``OPENBLAS_NUM_THREADS=1 .venv/bin/python bench/bench_train_tasks.py``.

Target (issue 17): 1 000 epochs of 2-8-8-k on 400 points (300 train / 100 test), full batch,
Adam, under 2 s for k = 3 and 5 classes (softmax head) as for the two-class baseline (k = 1, a
sigmoid unit); the regression of a 1-D target the same; and the extras a regression page draws
(linear pieces of the fit, their growth with width and depth) and the code export.
"""

from __future__ import annotations

import os

from bench_train import _report as report  # the script's folder is on sys.path
from bench_train import _times

from activations import export_code
from activations.clouds import make_dataset, make_regression
from activations.nn import LayerSpec, TrainConfig, linear_pieces, piece_growth, train


def _report(label: str, times: list[float], target: float) -> None:
    report(label, times, target, width=48)


def bench_classes(repeat: int = 5) -> None:
    for act in ("relu", "tanh"):
        for classes in (2, 3, 5):
            kind = "circles" if classes == 2 else "blobs"
            data = make_dataset(kind, 400, 0.1, seed=0, classes=classes)
            config = TrainConfig(
                hidden=(LayerSpec(8, act), LayerSpec(8, act)),
                epochs=1000,
                classes=classes,
                seed=0,
            )
            k = 1 if classes == 2 else classes
            label = f"train 2-8-8-{k} {act:<5} {classes} classes 1000 ep"
            _report(
                label + (" (baseline)" if classes == 2 else ""),
                _times(lambda d=data, c=config: train(d, c), repeat),
                2.0,
            )


def bench_regression(repeat: int = 5) -> None:
    data = make_regression("sine", 400, 0.05, seed=0)
    config = TrainConfig(
        hidden=(LayerSpec(8, "relu"), LayerSpec(8, "relu")), epochs=1000, task="regress"
    )
    _report(
        "train 1-8-8-1 relu regression 1000 ep", _times(lambda: train(data, config), repeat), 2.0
    )
    model, _ = train(data, config)
    _report(
        "linear pieces of the fit (20 001 points)",
        _times(lambda: linear_pieces(model), repeat),
        0.5,
    )
    _report("piece growth table (4 x 4 x 5 networks)", _times(lambda: piece_growth("relu"), 2), 2.0)


def bench_export(repeat: int = 5) -> None:
    data = make_dataset("blobs", 400, 0.1, seed=0, classes=3)
    config = TrainConfig(hidden=(LayerSpec(16, "gelu"),) * 3, classes=3, epochs=10)
    model, _ = train(data, config)
    _report(
        "NumPy script of 2-16-16-16-3 gelu",
        _times(lambda: export_code.numpy_script(model), repeat),
        1.0,
    )
    _report(
        "PyTorch code of 2-16-16-16-3 gelu",
        _times(lambda: export_code.torch_code(model), repeat),
        1.0,
    )


if __name__ == "__main__":
    print(
        f"OPENBLAS_NUM_THREADS={os.environ.get('OPENBLAS_NUM_THREADS', 'unset')}, "
        f"cpus={os.cpu_count()}, load={os.getloadavg()[0]:.2f}"
    )
    bench_classes()
    bench_regression()
    bench_export()
