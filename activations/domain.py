"""Where an activation is not a finite number: the gaps a page explains under its chart.

A typed formula such as ``log(x)`` is NaN for x < 0 and −∞ at 0; ``1/x`` is ∞ at 0; ``x/0`` is
NaN everywhere; ``exp(x)`` overflows float64 beyond x ≈ 709.78. :func:`gaps` finds such
places by sampling f (or f′) on a grid that holds 0, every integer and half-integer of
[−50, 50], a fine grid on [−12, 12] and a geometric one out to ±1e6 (f(±∞) is a limit, not a
gap); it then
locates each boundary by bisection between the last finite sample and the first one that is
not. A run that reaches the grid's end goes on for ever. The result is plain data; the app
words it in the user's language.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from activations.registry import Activation, get

__all__ = ["Gap", "gaps"]

_FINE = np.linspace(-12.0, 12.0, 4801)
_NICE = np.arange(-100, 101) / 2.0  # integers and half-integers in [−50, 50]: typed poles
_FAR = np.geomspace(12.0, 1e6, 300)
_GRID = np.unique(np.concatenate([-_FAR, _FINE, _NICE, _FAR, [0.0]]))
_SAME = 1e-9  # boundaries closer than this (relative) are one point


@dataclass(frozen=True)
class Gap:
    """A place where f is not a finite number.

    ``kind`` is "undefined" (NaN) or "infinite" (±∞). ``lo``/``hi`` bound it (±∞ when it
    runs on for ever; ``lo == hi`` for a single point); ``lo_closed``/``hi_closed`` say
    whether the end itself belongs to the gap. Ends are rounded to 6 significant digits.
    """

    kind: Literal["undefined", "infinite"]
    lo: float
    hi: float
    lo_closed: bool
    hi_closed: bool

    @property
    def is_point(self) -> bool:
        return self.lo == self.hi

    @property
    def everywhere(self) -> bool:
        return self.lo == -math.inf and self.hi == math.inf


def _classify(values: np.ndarray) -> np.ndarray:
    """0 for a finite value, 1 for NaN, 2 for ±∞."""
    return np.where(np.isnan(values), 1, np.where(np.isinf(values), 2, 0))


def _boundary(func: Any, a: float, b: float, kind_a: int) -> float:
    """A point where the class changes between a (class ``kind_a``) and b, by bisection."""
    for _ in range(200):
        m = 0.5 * (a + b)
        if m in (a, b):
            break
        if _classify(func(np.array([m])))[0] == kind_a:
            a = m
        else:
            b = m
    return b if abs(b) < abs(a) else a


def _snap(x: float) -> float:
    if not math.isfinite(x) or abs(x) < 1e-9:
        return 0.0 if math.isfinite(x) else x
    return float(f"{x:.6g}")


def gaps(act: str | Activation, which: str = "f", **params: float) -> tuple[Gap, ...]:
    """The gaps of ``act``'s value (``which="f"``) or derivative (``which="grad"``) at
    ``params``, left to right. Empty for every registry activation."""
    a = get(act)
    p = a.check_params(**params)
    method = a.fn if which == "f" else a.grad

    def func(x: np.ndarray) -> np.ndarray:
        with np.errstate(all="ignore"):
            return np.asarray(method(x, **p), dtype=np.float64)

    kinks = [float(k) for k in a.kinks(**p)]
    xs = np.unique(np.concatenate([_GRID, [k for k in kinks if math.isfinite(k)]]))
    cls = _classify(func(xs))
    out: list[Gap] = []
    i, n = 0, xs.size
    while i < n:
        if cls[i] == 0:
            i += 1
            continue
        j = i
        while j + 1 < n and cls[j + 1] == cls[i]:
            j += 1
        kind: Literal["undefined", "infinite"] = "undefined" if cls[i] == 1 else "infinite"
        # a run that reaches the grid's end (±1e6) goes on for ever
        lo = -math.inf if i == 0 else _snap(_boundary(func, xs[i], xs[i - 1], int(cls[i])))
        hi = math.inf if j == n - 1 else _snap(_boundary(func, xs[j], xs[j + 1], int(cls[i])))
        if math.isfinite(lo) and math.isfinite(hi) and abs(hi - lo) <= _SAME * max(1.0, abs(lo)):
            lo = hi = _snap(xs[i]) if i == j else lo
        lo_closed = math.isfinite(lo) and _classify(func(np.array([lo])))[0] == cls[i]
        hi_closed = math.isfinite(hi) and _classify(func(np.array([hi])))[0] == cls[i]
        out.append(Gap(kind, lo, hi, bool(lo_closed), bool(hi_closed)))
        i = j + 1
    return tuple(out)
