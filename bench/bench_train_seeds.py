"""How often the Train page's defaults solve each lesson: activation × dataset → seeds solved.

Run: ``OPENBLAS_NUM_THREADS=1 .venv/bin/python bench/bench_train_seeds.py`` (``--seeds 40`` for
more seeds, ``--first 20`` for seeds the defaults were not chosen on, ``--ablation`` for which
change does what; about 2 minutes, 5 with ``--ablation``).

A seed is solved when the train accuracy after the default epochs is at least 95 %. The seed
draws the data (200 points, noise 0.05, as on the page) and the initial weights, as on the page;
every run is one honest training run (no restarts, no picking). Old and new defaults side by
side, then spirals with the Spirals preset, then the shared link
``/train?dataset=xor&act=tanh&seed=0&epochs=2000``. Seconds are the mean wall time of one run.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from activations.clouds import make_dataset
from activations.nn import LayerSpec, TrainConfig, train

ACTIVATIONS = ("relu", "leaky_relu", "tanh", "sigmoid", "gelu", "silu")
DATASETS = ("xor", "circles", "moons", "spirals")
SOLVED = 0.95

Setting = Callable[[str, int], TrainConfig]


def network(widths: tuple[int, ...], init: str, lr: float, epochs: int = 300) -> Setting:
    """A setting: the config for an activation and a seed (Adam, full batch)."""

    def config(act: str, seed: int) -> TrainConfig:
        hidden = tuple(LayerSpec(w, act) for w in widths)
        return TrainConfig(hidden=hidden, init=init, lr=lr, epochs=epochs, seed=seed)

    return config


# The page's defaults before and after "Every lesson lands" (pages/train.py NETWORK_DEFAULTS).
OLD = network((8, 2), "xavier", 0.03)
NEW = network((8, 8, 2), "auto", 0.01)
SPIRALS_PRESET = network((16, 16, 16, 2), "auto", 0.01, epochs=1000)  # with leaky_relu
ABLATION = {
    "old, init auto": network((8, 2), "auto", 0.03),
    "old, init auto, lr 0.01": network((8, 2), "auto", 0.01),
    "old, 3 layers": network((8, 8, 2), "xavier", 0.03),
    "new, init xavier": network((8, 8, 2), "xavier", 0.01),
    "new, init lecun": network((8, 8, 2), "lecun", 0.01),
    "new, lr 0.03": network((8, 8, 2), "auto", 0.03),
}


def solved(setting: Setting, dataset: str, act: str, seeds: range) -> tuple[int, float]:
    """(seeds solved, mean seconds per run)."""
    count, seconds = 0, []
    for seed in seeds:
        data = make_dataset(dataset, 200, 0.05, seed)
        start = time.perf_counter()
        _, history = train(data, setting(act, seed))
        seconds.append(time.perf_counter() - start)
        count += history.train_acc[-1] >= SOLVED
    return count, statistics.fmean(seconds)


def table(columns: dict[str, Setting], datasets: tuple[str, ...], seeds: range) -> None:
    n = len(seeds)
    widths = [max(18, len(name)) + 2 for name in columns]
    header = "".join(f"{name:>{w}}" for name, w in zip(columns, widths, strict=True))
    print(f"{'dataset':<9}{'activation':<12}{header}")
    for dataset in datasets:
        for act in ACTIVATIONS:
            cells = []
            for setting, w in zip(columns.values(), widths, strict=True):
                count, seconds = solved(setting, dataset, act, seeds)
                cells.append(f"{f'{count}/{n} {seconds:5.3f} s':>{w}}")
            print(f"{dataset:<9}{act:<12}" + "".join(cells), flush=True)
    print()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seeds", type=int, default=20, help="how many seeds (default 20)")
    parser.add_argument("--first", type=int, default=0, help="the first seed (default 0)")
    parser.add_argument("--ablation", action="store_true", help="also each change on its own")
    args = parser.parse_args()
    seeds = range(args.first, args.first + args.seeds)
    print(
        f"OPENBLAS_NUM_THREADS={os.environ.get('OPENBLAS_NUM_THREADS', 'unset')}, "
        f"cpus={os.cpu_count()}, load={os.getloadavg()[0]:.2f}; seeds {seeds[0]}-{seeds[-1]}; "
        f"solved: train accuracy >= {SOLVED:.0%} after the default epochs\n"
    )
    print("old: 2-8-2-1, init xavier, Adam lr 0.03, 300 epochs")
    print("new: 2-8-8-2-1, init auto, Adam lr 0.01, 300 epochs")
    table({"old": OLD, "new": NEW}, DATASETS, seeds)

    print("Spirals preset (with leaky_relu): 2-16-16-16-2-1, init auto, Adam lr 0.01, 1000 epochs")
    table({"Spirals preset": SPIRALS_PRESET}, ("spirals",), seeds)

    link = make_dataset("xor", 200, 0.05, 0)
    print("/train?dataset=xor&act=tanh&seed=0&epochs=2000 (train accuracy after 2000 epochs):")
    for name, setting in (("old", OLD), ("new", NEW)):
        config = setting("tanh", 0)
        _, history = train(link, dataclasses.replace(config, epochs=2000))
        print(f"  {name}: {history.train_acc[-1]:.1%}")
    print()

    if args.ablation:
        print("Each change on its own (xor is where the old defaults failed most):")
        table(ABLATION, ("xor", "circles", "moons"), seeds)


if __name__ == "__main__":
    main()
