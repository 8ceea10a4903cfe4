"""Point clouds for the Warp page and two-class datasets for training.

Every shape has one vectorised generator ``_shape(rng, n) -> (points, labels | None, line_ids |
None)`` that draws *clean* points; :func:`make_cloud` and :func:`make_dataset` both call it and
then add isotropic Gaussian noise of standard deviation ``noise``. All shapes are roughly centred
on the origin and fit in about [-1.5, 1.5]² (the Gaussian blob in about [-2, 2]²).

Two-class shapes alternate their labels (0, 1, 0, 1, ...) and draw each point independently given
its label, so any prefix of the points is balanced to within one point.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from numbers import Integral, Real

import numpy as np

__all__ = [
    "CLOUD_KINDS",
    "DATASET_KINDS",
    "MAX_CLASSES",
    "MAX_POINTS",
    "MULTI_CLASS_KINDS",
    "REGRESSION_TARGETS",
    "Cloud",
    "Dataset",
    "make_cloud",
    "make_dataset",
    "make_regression",
    "quadrant_labels",
    "regression_target",
]

MAX_POINTS = 1_000_000
QUADRANT_NAMES = ("+x +y", "−x +y", "−x −y", "+x −y")

# Grid: at most this many lines per direction, spanning [-1, 1].
_GRID_MAX_LINES = 11

_Shape = tuple[np.ndarray, np.ndarray | None, np.ndarray | None]


def _readonly(a: np.ndarray) -> np.ndarray:
    # Clouds are cached by the app; a frozen array stops one caller corrupting another's copy.
    a.flags.writeable = False
    return a


def _polar(r: np.ndarray, angle: np.ndarray) -> np.ndarray:
    return np.stack((r * np.cos(angle), r * np.sin(angle)), axis=1)


def _alternating(n: int) -> np.ndarray:
    return np.arange(n, dtype=np.int64) % 2


# --- shape generators: (rng, n) -> (points (n, 2) float64, labels or None, line_ids or None) ---


def _square(rng: np.random.Generator, n: int) -> _Shape:
    return rng.uniform(-1.0, 1.0, size=(n, 2)), None, None


def _gaussian(rng: np.random.Generator, n: int) -> _Shape:
    return rng.normal(0.0, 0.6, size=(n, 2)), None, None


def _grid(rng: np.random.Generator, n: int) -> _Shape:
    """k horizontal then k vertical lines through [-1, 1]², points ordered along each line."""
    k = int(np.clip(np.floor(np.sqrt(n / 8.0)), 1, _GRID_MAX_LINES))
    n_lines = 2 * k
    counts = n // n_lines + (np.arange(n_lines) < n % n_lines)
    starts = np.concatenate(([0], np.cumsum(counts)[:-1]))
    line_ids = np.repeat(np.arange(n_lines, dtype=np.int64), counts)
    j = np.arange(n) - starts[line_ids]  # index along the line
    m = counts[line_ids]
    t = np.where(m > 1, j / np.maximum(m - 1, 1), 0.5)
    along = 2.0 * t - 1.0
    offsets = np.linspace(-1.0, 1.0, k) if k > 1 else np.zeros(1)
    across = offsets[line_ids % k]
    horizontal = line_ids < k
    points = np.where(
        horizontal[:, None], np.stack((along, across), 1), np.stack((across, along), 1)
    )
    return points, None, line_ids


def _circle(rng: np.random.Generator, n: int) -> _Shape:
    return _polar(np.ones(n), rng.uniform(-np.pi, np.pi, n)), None, None


def _disk(rng: np.random.Generator, n: int) -> _Shape:
    # sqrt makes the density uniform in area, not in radius.
    return _polar(np.sqrt(rng.uniform(0.0, 1.0, n)), rng.uniform(-np.pi, np.pi, n)), None, None


def _xor(rng: np.random.Generator, n: int) -> _Shape:
    """Class 0 in quadrants +x+y / −x−y, class 1 in −x+y / +x−y; a 0.1 gap along the axes."""
    labels = _alternating(n)
    mag = rng.uniform(0.1, 1.0, size=(n, 2))
    s = rng.choice(np.array([-1.0, 1.0]), size=n)
    points = np.stack((s * mag[:, 0], np.where(labels == 0, s, -s) * mag[:, 1]), axis=1)
    return points, labels, None


def _moons(rng: np.random.Generator, n: int) -> _Shape:
    """Two interleaved half circles (as scikit-learn's make_moons), centred on the origin."""
    labels = _alternating(n)
    t = rng.uniform(0.0, np.pi, n)
    upper = labels == 0
    x = np.where(upper, np.cos(t), 1.0 - np.cos(t)) - 0.5
    y = np.where(upper, np.sin(t), 0.5 - np.sin(t)) - 0.25
    return np.stack((x, y), axis=1), labels, None


def _rings(rng: np.random.Generator, n: int) -> _Shape:
    """Concentric circles: class 0 at radius 0.5, class 1 at radius 1."""
    labels = _alternating(n)
    r = np.where(labels == 0, 0.5, 1.0)
    return _polar(r, rng.uniform(-np.pi, np.pi, n)), labels, None


def _spirals(rng: np.random.Generator, n: int, k: int = 2) -> _Shape:
    """k interleaved spirals of 1.5 turns, radius 0.1 → 1.5; class c is class 0 turned by
    2πc/k (two spirals: class 1 turned by π)."""
    labels = np.arange(n, dtype=np.int64) % k
    t = rng.uniform(0.0, 1.0, n)
    return _polar(0.1 + 1.4 * t, 3.0 * np.pi * t + 2.0 * np.pi * labels / k), labels, None


def _blobs(rng: np.random.Generator, n: int, k: int = 2) -> _Shape:
    """k Gaussian blobs (std 0.35); two at (−0.7, −0.7) and (0.7, 0.7), more evenly spaced on
    the circle of radius 0.99 through those two."""
    labels = np.arange(n, dtype=np.int64) % k
    angle = 1.25 * np.pi + 2.0 * np.pi * labels / k
    centres = 0.99 * np.stack((np.cos(angle), np.sin(angle)), axis=1)
    if k == 2:  # exactly the two-class set of before
        centres = np.where(labels[:, None] == 0, -0.7, 0.7)
    return centres + rng.normal(0.0, 0.35, size=(n, 2)), labels, None


_CLOUD_SHAPES: dict[str, Callable[[np.random.Generator, int], _Shape]] = {
    "square": _square,
    "gaussian": _gaussian,
    "grid": _grid,
    "circle": _circle,
    "disk": _disk,
    "xor": _xor,
    "moons": _moons,
    "rings": _rings,
    "spirals": _spirals,
    "blobs": _blobs,
}
CLOUD_KINDS: tuple[str, ...] = tuple(_CLOUD_SHAPES)
"""Cloud kinds in display order; the last five carry class labels."""
TWO_CLASS_CLOUDS: frozenset[str] = frozenset({"xor", "moons", "rings", "spirals", "blobs"})

_DATASET_SHAPES: dict[str, Callable[[np.random.Generator, int], _Shape]] = {
    "xor": _xor,
    "circles": _rings,
    "moons": _moons,
    "spirals": _spirals,
    "blobs": _blobs,
}
DATASET_KINDS: tuple[str, ...] = tuple(_DATASET_SHAPES)
MULTI_CLASS_KINDS: tuple[str, ...] = ("blobs", "spirals")  # kinds drawn with 2 to 5 classes
MAX_CLASSES = 5


# --- validation ---


def _check_kind(kind: object, valid: tuple[str, ...], what: str) -> str:
    if not isinstance(kind, str) or kind not in valid:
        raise ValueError(f"unknown {what} {kind!r}; valid kinds: {', '.join(valid)}")
    return kind


def check_int(value: object, what: str, low: int, high: int | None = None) -> int:
    """``value`` as an int if it is an integer (not a bool) in [low, high]; else ValueError."""
    ok = isinstance(value, Integral) and not isinstance(value, bool)
    if not ok or value < low or (high is not None and value > high):
        where = f"in [{low:,}, {high:,}]" if high is not None else f"≥ {low:,}"
        raise ValueError(f"{what} must be an integer {where}, got {value!r}")
    return int(value)


def check_real(value: object, what: str, low: float = -np.inf, high: float = np.inf) -> float:
    """``value`` as a float if it is a real number (not a bool) in [low, high] (so not NaN);
    else ValueError."""
    ok = isinstance(value, Real) and not isinstance(value, bool) and low <= value <= high
    if not ok:
        raise ValueError(f"{what} must be a finite number in [{low:g}, {high:g}], got {value!r}")
    return float(value)


def _draw(shape: Callable[[np.random.Generator, int], _Shape], n: int, seed: int, noise: float):
    rng = np.random.default_rng(seed)
    points, labels, line_ids = shape(rng, n)
    if noise > 0.0:
        points = points + rng.normal(0.0, noise, size=points.shape)
    return rng, np.ascontiguousarray(points, dtype=np.float64), labels, line_ids


# --- public API ---


def quadrant_labels(points: np.ndarray) -> np.ndarray:
    """Quadrant of each point: 0 = +x+y, 1 = −x+y, 2 = −x−y, 3 = +x−y.

    A coordinate equal to 0 counts as positive, so every point gets exactly one label.
    """
    p = np.asarray(points)
    if p.ndim != 2 or p.shape[1] != 2:
        raise ValueError(f"points must have shape (n, 2), got {p.shape}")
    x_pos = p[:, 0] >= 0
    y_pos = p[:, 1] >= 0
    return np.where(y_pos, np.where(x_pos, 0, 1), np.where(x_pos, 3, 2)).astype(np.int64)


@dataclass(frozen=True)
class Cloud:
    """A 2-D point cloud (arrays are read-only).

    points: (n, 2) float64. labels: (n,) int64 — the class (0/1) for two-class kinds, otherwise
    the starting quadrant (see :func:`quadrant_labels`) so folding stays visible. line_ids: for
    ``"grid"`` the line of each point (points are ordered along each line, lines contiguous, so a
    plot can draw them as polylines); ``None`` for other kinds.
    """

    points: np.ndarray
    labels: np.ndarray
    kind: str
    line_ids: np.ndarray | None = None

    @property
    def two_class(self) -> bool:
        """True when ``labels`` are classes rather than quadrants."""
        return self.kind in TWO_CLASS_CLOUDS


def make_cloud(kind: str, n: int, seed: int, noise: float = 0.0) -> Cloud:
    """n points of shape ``kind`` (one of :data:`CLOUD_KINDS`), deterministic per seed.

    ``noise`` is the standard deviation of Gaussian jitter added to both coordinates.
    Raises ValueError for an unknown kind, n outside [1, 1_000_000], a negative seed or noise
    outside [0, 10].
    """
    kind = _check_kind(kind, CLOUD_KINDS, "cloud kind")
    n, seed = check_int(n, "n", 1, MAX_POINTS), check_int(seed, "seed", 0)
    noise = check_real(noise, "noise", 0.0, 10.0)
    _, points, labels, line_ids = _draw(_CLOUD_SHAPES[kind], n, seed, noise)
    if labels is None:
        labels = quadrant_labels(points)
    return Cloud(
        points=_readonly(points),
        labels=_readonly(labels),
        kind=kind,
        line_ids=None if line_ids is None else _readonly(line_ids),
    )


@dataclass(frozen=True)
class Dataset:
    """A labelled dataset: x_* float64 (m, 2), y_* int64 in {0, .., k-1}; read-only arrays."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    kind: str = ""


def make_dataset(
    kind: str, n: int, noise: float, seed: int, test_fraction: float = 0.25, classes: int = 2
) -> Dataset:
    """n labelled points of ``kind`` (one of :data:`DATASET_KINDS`) split into train and test.

    ``classes`` (2 to 5) is the number of classes of the kinds in :data:`MULTI_CLASS_KINDS`
    (k blobs, k spiral arms); the other kinds have two.

    The test set has ``round(n * test_fraction)`` points; each part is balanced to within one
    point and shuffled. Deterministic per seed. ``noise`` is the standard deviation of Gaussian
    jitter on both coordinates (labels keep the clean shape's class, so noise makes classes
    overlap). Raises ValueError for bad arguments, or if the train set would be empty.
    """
    kind = _check_kind(kind, DATASET_KINDS, "dataset kind")
    n, seed = check_int(n, "n", 2, MAX_POINTS), check_int(seed, "seed", 0)
    noise = check_real(noise, "noise", 0.0, 10.0)
    test_fraction = check_real(test_fraction, "test_fraction", 0.0, 1.0)
    classes = check_int(classes, "classes", 2, MAX_CLASSES)
    if classes != 2 and kind not in MULTI_CLASS_KINDS:
        raise ValueError(f"{kind} has two classes; {', '.join(MULTI_CLASS_KINDS)} have 2 to 5")
    n_test = round(n * test_fraction)
    if n_test >= n:
        raise ValueError(f"test_fraction {test_fraction} leaves no training points for n={n}")
    shape = _DATASET_SHAPES[kind]
    if classes != 2:
        shape = functools.partial(shape, k=classes)
    rng, points, labels, _ = _draw(shape, n, seed, noise)
    # Points are i.i.d. given their alternating labels, so contiguous slices stay balanced.
    test = rng.permutation(n_test)
    train = n_test + rng.permutation(n - n_test)
    return Dataset(
        x_train=_readonly(points[train]),
        y_train=_readonly(labels[train]),
        x_test=_readonly(points[test]),
        y_test=_readonly(labels[test]),
        kind=kind,
    )


# --- regression: a 1-D target with noise ----------------------------------------------------

REGRESSION_TARGETS: tuple[str, ...] = ("sine", "abs", "step", "poly", "custom")
REGRESSION_RANGE = (-2.0, 2.0)

_TARGETS: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    "sine": lambda x: np.sin(2.0 * x),
    "abs": np.abs,
    "step": lambda x: (x > 0).astype(np.float64),
    "poly": lambda x: 0.5 * x**3 - x,
}


def regression_target(
    target: str, x: np.ndarray, fn: Callable[[np.ndarray], np.ndarray] | None = None
) -> np.ndarray:
    """The clean target at ``x``: sin 2x, |x|, a step (0 then 1), x³/2 − x, or ``fn`` (the
    user's formula) for ``"custom"``."""
    target = _check_kind(target, REGRESSION_TARGETS, "regression target")
    x = np.asarray(x, dtype=np.float64)
    if target == "custom":
        if fn is None:
            raise ValueError("the custom target needs its function")
        with np.errstate(all="ignore"):
            return np.asarray(fn(x), dtype=np.float64).reshape(x.shape)
    return _TARGETS[target](x)


def make_regression(
    target: str,
    n: int,
    noise: float,
    seed: int,
    fn: Callable[[np.ndarray], np.ndarray] | None = None,
    test_fraction: float = 0.25,
) -> Dataset:
    """n points x uniform on [−2, 2] (shape (n, 1)) with y = target(x) + Gaussian noise of
    standard deviation ``noise``, split into train and test like :func:`make_dataset`.
    Raises ValueError for bad arguments or a target that is not finite on some point (a
    custom formula undefined there)."""
    n, seed = check_int(n, "n", 2, MAX_POINTS), check_int(seed, "seed", 0)
    noise = check_real(noise, "noise", 0.0, 10.0)
    test_fraction = check_real(test_fraction, "test_fraction", 0.0, 1.0)
    rng = np.random.default_rng(seed)
    x = rng.uniform(*REGRESSION_RANGE, size=n)
    y = regression_target(target, x, fn)
    if not np.isfinite(y).all():
        raise ValueError("the target is not a finite number on every point")
    if noise > 0.0:
        y = y + rng.normal(0.0, noise, size=n)
    n_test = round(n * test_fraction)
    if n_test >= n:
        raise ValueError(f"test_fraction {test_fraction} leaves no training points for n={n}")
    order = rng.permutation(n)
    test, train = order[:n_test], order[n_test:]
    return Dataset(
        x_train=_readonly(x[train, None]),
        y_train=_readonly(y[train]),
        x_test=_readonly(x[test, None]),
        y_test=_readonly(y[test]),
        kind=target,
    )
