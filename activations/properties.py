"""Properties of an activation, computed numerically from its ``fn`` and ``grad``.

Nothing here is typed in by hand: every property is measured on a grid (fine on [−12, 12],
geometric out to ±1e6), at the declared or detected kinks, and at ±∞, then refined where a
grid is not exact (extrema by bounded 1-D minimisation, jumps by bisection, moments under a
standard normal input by adaptive quadrature split at the kinks). Results are cached per
(activation, parameters), so a page listing 30 activations pays once.

Definitions (what the Curves page's property table shows):

- **zero-centred**: ``|E[f(Z)]| ≤ ZERO_CENTRED_MAX · √E[f(Z)²]`` for Z ~ N(0, 1), i.e. the mean
  output for standard-normal input is at most a tenth of its root mean square. ``f(0) = 0``
  is not enough: ReLU-like units (leaky ReLU, GELU, SiLU, Mish, ELU at α = 1) have a positive
  mean of 0.2–0.56 times their RMS, which is what makes the next layer's gradients share a
  sign (the zig-zag of gradient descent). SELU's α and λ are chosen so that E[f(Z)] = 0 and
  E[f(Z)²] = 1 (its self-normalising fixed point), so it is zero-centred by construction.
- **monotonic**: f never decreases, or never increases (``increasing`` says which).
- **bounded**: which ends of the output range are finite (``bounded_sides``).
- **smooth (C¹)**: f and f′ have no jump.
- **saturating**: f′(x) → 0 as x → −∞ ("left"), as x → +∞ ("right"), or both.
"""

from __future__ import annotations

import itertools
import math
import time
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np

from activations.registry import Activation, get

__all__ = ["ZERO_CENTRED_MAX", "Properties", "format_range", "properties"]

_CORE_H = 1e-3
_CORE = np.linspace(-12.0, 12.0, 24001)  # spacing 1e-3, exact 0 in the middle
_FAR = np.geomspace(12.0, 1e6, 400)[1:]
_GRID = np.concatenate([-_FAR[::-1], _CORE, _FAR])
_JUMP_MIN = 1e-7  # smaller jumps in f or f′ are not reported as discontinuities
_FLAT_TOL = 1e-12
_COST_N = 200_000
# zero-centred: |mean| ≤ ZERO_CENTRED_MAX · RMS of f(Z), Z ~ N(0, 1) (module docstring)
ZERO_CENTRED_MAX = 0.1
_MOMENT_EDGE = 40.0  # N(0, 1) has no mass to speak of beyond ±40 (φ(40) ≈ 1e−348)
_COST_REPEATS = 5


@dataclass(frozen=True)
class Properties:
    """Measured properties of one activation at given parameters.

    - ``output_range``: (lo, hi, lo_closed, hi_closed): the infimum and supremum of f over ℝ;
      an end is closed when f attains it at a finite x (an interior extremum, or a limit value
      reached on a flat piece at a kink).
    - ``range_str``: the range in interval notation, e.g. "(0, 1)" or "[0, ∞)".
    - ``bounded``: both ends of the output range are finite.
    - ``bounded``: both ends of the output range are finite; ``bounded_sides`` says which:
      "both", "below", "above" or "no".
    - ``monotonic``: f never decreases or never increases on ℝ (no change of direction on the
      grid beyond rounding); ``increasing``: it never decreases.
    - ``mean_normal``, ``rms_normal``: E[f(Z)] and √E[f(Z)²] for a standard normal Z (NaN
      where f is not finite on [−40, 40] or the integral diverges); ``centring``: their
      ratio; ``zero_centred``: |centring| ≤ :data:`ZERO_CENTRED_MAX` (None when undefined).
    - ``continuous``: f has no jump; ``smooth``: f is C¹, i.e. f and f′ have no jump.
    - ``saturating``: f′(x) → 0 as x → −∞ or as x → +∞ (``saturates_left``/``_right`` say
      which side; ``saturates`` as "both", "left", "right" or "no").
    - ``defined``: f is a finite number at every grid point (False for a formula such as
      log(x) or 1/x); ``defined_anywhere``: at some grid point (False for x/0).
    - ``max_abs_grad``: sup |f′(x)| over ℝ (∞ if f′ is unbounded).
    Range ends and ``max_abs_grad`` are rounded to 14 significant digits.
    - ``grad_at_0``: f′(0), with the library's convention if 0 is a kink.
    - ``limits``: (f(−∞), f(+∞)), NaN where there is no limit.
    - ``kinks``: points where f or f′ jumps (declared by the activation or found by bisection
      on [−12, 12]).
    - ``cost_ns_f``, ``cost_ns_grad``: measured ns per element of fn and grad on 2·10⁵ float64
      elements, best of 5 runs.
    """

    name: str
    params: tuple[tuple[str, float], ...]
    output_range: tuple[float, float, bool, bool]
    range_str: str
    bounded: bool
    bounded_sides: str
    monotonic: bool
    increasing: bool
    zero_centred: bool | None
    mean_normal: float
    rms_normal: float
    centring: float
    continuous: bool
    smooth: bool
    saturating: bool
    saturates_left: bool
    saturates_right: bool
    saturates: str
    defined: bool
    defined_anywhere: bool
    max_abs_grad: float
    grad_at_0: float
    limits: tuple[float, float]
    kinks: tuple[float, ...]
    cost_ns_f: float
    cost_ns_grad: float


def _sides(first: bool, second: bool, first_name: str, second_name: str) -> str:
    """ "both", ``first_name``, ``second_name`` or "no": a code the app translates."""
    if first and second:
        return "both"
    return first_name if first else second_name if second else "no"


def _round(v: float) -> float:
    """14 significant digits: drops the last-bit noise of measured extrema (tanh′ peaks at
    1.0000000000000002 in floating point) while keeping them far more precise than shown."""
    return float(f"{v:.14g}") + 0.0 if math.isfinite(v) else float(v)


def _fmt(v: float) -> str:
    if math.isinf(v):
        return "−∞" if v < 0 else "∞"
    s = f"{v:.4g}"
    if s == "-0":
        s = "0"
    return s.replace("-", "−")


def format_range(lo: float, hi: float, lo_closed: bool, hi_closed: bool) -> str:
    """Interval notation with ∞ and a typographic minus, e.g. "[−0.2785, ∞)"; "—" when
    there is no range (f is nowhere a number)."""
    if math.isnan(lo) or math.isnan(hi):
        return "—"
    return f"{'[' if lo_closed else '('}{_fmt(lo)}, {_fmt(hi)}{']' if hi_closed else ')'}"


def properties(act: str | Activation, **params: float) -> Properties:
    """Measure the properties of an activation (an id or an activation object) at ``params``
    (defaults for the rest). Cached per (activation, parameters)."""
    a = get(act)
    p = a.check_params(**params)
    key = tuple(sorted(p.items()))
    return _cached(a, key)


@lru_cache(maxsize=1024)
def _cached(a: Activation, key: tuple[tuple[str, float], ...]) -> Properties:
    return _compute(a, key)


def _jumps(func: Any, xs: np.ndarray, values: np.ndarray) -> list[tuple[float, float]]:
    """Locate jumps of ``func`` between consecutive grid points by bisection.

    Returns (x, jump size) for every interval whose difference stays above ``_JUMP_MIN``
    after shrinking it to ~1e-13 (a smooth function's difference shrinks with the interval).
    """
    d = np.abs(np.diff(values))
    sus = np.flatnonzero(~(d <= _JUMP_MIN))  # NaN counts as suspicious
    if sus.size == 0:
        return []
    a = xs[sus].copy()
    b = xs[sus + 1].copy()
    fa = values[sus].copy()
    fb = values[sus + 1].copy()
    for _ in range(45):
        m = 0.5 * (a + b)
        fm = func(m)
        left = np.abs(fm - fa) >= np.abs(fb - fm)
        b = np.where(left, m, b)
        fb = np.where(left, fm, fb)
        a = np.where(left, a, m)
        fa = np.where(left, fa, fm)
    # the one-sided values just outside the final bracket: a value that differs only at one
    # point (softshrink′(0) = 0 with λ = 0, i.e. the identity) is a convention, not a jump
    mids = 0.5 * (a + b)
    width = np.maximum(b - a, np.spacing(np.abs(mids)))
    size = np.abs(func(b + width) - func(a - width))
    keep = size > _JUMP_MIN
    mids = mids[keep]
    return [(float(m), float(s)) for m, s in zip(mids, size[keep], strict=True)]


def _refine(func: Any, xs: np.ndarray, i: int, sign: float) -> float:
    """Refine the grid extremum at index i: the minimum of sign·func near xs[i]."""
    lo, hi = xs[max(i - 1, 0)], xs[min(i + 1, xs.size - 1)]
    best = sign * float(func(np.array([xs[i]]))[0])
    if hi > lo:
        from scipy import optimize  # loaded on first use: it doubles `import activations`

        with np.errstate(all="ignore"):  # beside a pole (1/x) its parabola steps overflow
            res = optimize.minimize_scalar(
                lambda t: sign * float(func(np.array([t]))[0]),
                bounds=(lo, hi),
                method="bounded",
                options={"xatol": 1e-12 * max(1.0, abs(xs[i]))},
            )
        if np.isfinite(res.fun):
            best = min(best, float(res.fun))
    return sign * best


def _normal_moments(f: Any, kinks: list[float]) -> tuple[float, float]:
    """(E[f(Z)], E[f(Z)²]) for Z ~ N(0, 1), by adaptive Gauss–Kronrod quadrature on
    [−40, 40] split at the kinks (where the integrand is not smooth). NaN when f is not finite
    there, when f² φ is not negligible at ±40 (the integral diverges, e.g. exp(x²)), or when
    the quadrature does not converge."""
    from scipy import integrate  # loaded on first use, as in _refine

    edge = _MOMENT_EDGE
    probe = f(np.linspace(-edge, edge, 8001))
    ends = np.abs(f(np.array([-edge, edge])))
    if not np.isfinite(probe).all():
        return math.nan, math.nan
    with np.errstate(divide="ignore"):  # log(0) = −∞ is fine: f vanishes there
        if np.any(2.0 * np.log(ends) - 0.5 * edge * edge > -60.0):
            return math.nan, math.nan
    points = [-edge, *(k for k in kinks if -edge < k < edge), edge]
    c = 1.0 / math.sqrt(2.0 * math.pi)
    sums = [0.0, 0.0]
    for power in (1, 2):

        def integrand(t: float, power: int = power) -> float:
            return float(f(np.array([t]))[0]) ** power * math.exp(-0.5 * t * t) * c

        for lo, hi in itertools.pairwise(points):
            out = integrate.quad(
                integrand, lo, hi, epsabs=1e-14, epsrel=1e-12, limit=200, full_output=1
            )
            if len(out) > 3 or not math.isfinite(out[0]):  # a convergence message
                return math.nan, math.nan
            sums[power - 1] += out[0]
    return sums[0], sums[1]


def _best_ns(func: Any, x: np.ndarray) -> float:
    best = math.inf
    for _ in range(_COST_REPEATS):
        t0 = time.perf_counter()
        func(x)
        best = min(best, time.perf_counter() - t0)
    return best * 1e9 / x.size


def _compute(a: Any, key: tuple[tuple[str, float], ...]) -> Properties:
    # a user's formula may be NaN or ±∞ anywhere: ∞ − ∞ in a bisection is expected, not news
    with np.errstate(all="ignore"):
        return _measure(a, key)


def _measure(a: Any, key: tuple[tuple[str, float], ...]) -> Properties:
    p = dict(key)

    def f(x: np.ndarray) -> np.ndarray:
        return np.asarray(a.fn(x, **p), dtype=np.float64)

    def g(x: np.ndarray) -> np.ndarray:
        return np.asarray(a.grad(x, **p), dtype=np.float64)

    # kinks: jumps of f or f′ found by bisection on the core grid, plus declared kinks
    # where the one-sided values differ (elu with α = 1 declares 0 but is C¹ there)
    fc, gc = f(_CORE), g(_CORE)
    f_jumps = [x for x, _ in _jumps(f, _CORE, fc)]
    g_jumps = [x for x, _ in _jumps(g, _CORE, gc)]
    declared = np.array([float(k) for k in a.kinks(**p)])
    if declared.size:
        left, right = np.nextafter(declared, -np.inf), np.nextafter(declared, np.inf)
        for func, found in ((f, f_jumps), (g, g_jumps)):
            side = np.abs(func(right) - func(left)) > _JUMP_MIN
            found.extend(declared[side].tolist())
    kinks: list[float] = []
    for x in sorted(f_jumps + g_jumps):
        if not kinks or abs(x - kinks[-1]) > 1e-9 * max(1.0, abs(x)):
            kinks.append(x)
    # prefer the exact declared position over a bisection estimate
    kinks = [
        next((float(d) for d in declared if abs(d - k) <= 1e-9 * max(1.0, abs(d))), k)
        for k in kinks
    ]
    near = np.array(
        [v for k in kinks for v in (k, np.nextafter(k, -np.inf), np.nextafter(k, np.inf))]
    )
    xs = np.unique(np.concatenate([_GRID, near])) if near.size else _GRID
    fx, gx = f(xs), g(xs)
    finite = np.isfinite(fx)

    # limits at ±∞ (NaN where there is none, e.g. sine)
    lim = f(np.array([-np.inf, np.inf]))
    glim = g(np.array([-np.inf, np.inf]))
    glim = np.where(np.isnan(glim), g(np.array([-1e6, 1e6])), glim)

    # infinite values at finite x (a pole such as 1/x at 0, log at 0): the range reaches ±∞.
    # The pole's sign on each side comes from the neighbouring floats (1/−0 = −∞).
    poles = xs[np.isinf(fx)]
    pole_values = f(
        np.concatenate([poles, np.nextafter(poles, -np.inf), np.nextafter(poles, np.inf)])
    )
    constant = bool(finite.any() and np.ptp(fx[finite]) == 0 and not poles.size)

    # output range
    def end(sign: float) -> tuple[float, bool]:
        if not finite.any():  # f is nowhere a number (x/0): no range
            return math.nan, False
        if np.any(sign * pole_values == -np.inf):
            return -sign * math.inf, False
        if constant:  # 0*x: the one value, attained everywhere
            return float(fx[finite][0]), True
        vals = np.where(finite, sign * fx, np.inf)
        i = int(np.argmin(vals))
        m = sign * _refine(f, xs, i, sign) if np.isfinite(vals[i]) else math.inf
        lims = [sign * v for v in lim if not np.isnan(v)]
        lim_best = min(lims) if lims else math.inf
        # an interior extremum when no limit lies beyond it (a limit of +∞ here never does)
        if not lims or lim_best == math.inf or m < lim_best - _FLAT_TOL * max(1.0, abs(lim_best)):
            return sign * m, True
        if math.isinf(lim_best):
            return sign * lim_best, False
        # the limit value: attained iff f takes it at (or just beside) a kink
        attained = near.size > 0 and bool(np.any(sign * f(near) <= lim_best))
        return sign * lim_best, attained

    lo, lo_closed = end(1.0)
    hi, hi_closed = end(-1.0)

    # monotonic: no change of direction beyond rounding (either direction counts)
    drops = np.diff(fx[finite])
    scale = np.maximum(np.abs(fx[finite][1:]), np.abs(fx[finite][:-1]))
    increasing = bool(np.all(drops >= -_FLAT_TOL * scale))
    monotonic = increasing or bool(np.all(drops <= _FLAT_TOL * scale))

    mean, mean_sq = _normal_moments(f, kinks)
    rms = math.sqrt(mean_sq) if mean_sq >= 0 else math.nan
    centring = mean / rms if rms > 0 else (0.0 if rms == 0 else math.nan)
    zero_centred = None if math.isnan(centring) else bool(abs(centring) <= ZERO_CENTRED_MAX)

    sat_left = bool(abs(glim[0]) <= _FLAT_TOL)
    sat_right = bool(abs(glim[1]) <= _FLAT_TOL)

    # sup |f′|: the grid's largest finite |f′| and the limits at ±∞ (none when f′ is nowhere
    # a number, e.g. x/0: max() of a single array element was the TypeError behind issue 6)
    absg = np.where(np.isnan(gx), -np.inf, np.abs(gx))
    i = int(np.argmax(absg))
    candidates = np.concatenate([absg[i : i + 1], np.abs(glim[~np.isnan(glim)])])
    max_abs_grad = float(np.max(candidates))
    if max_abs_grad == -np.inf:
        max_abs_grad = math.nan
    if 0 < i < xs.size - 1 and np.isfinite(max_abs_grad):
        max_abs_grad = max(max_abs_grad, abs(_refine(lambda t: np.abs(g(t)), xs, i, -1.0)))

    xt = np.random.default_rng(0).standard_normal(_COST_N) * 3.0
    return Properties(
        name=a.name,
        params=key,
        output_range=(_round(lo), _round(hi), lo_closed, hi_closed),
        range_str=format_range(lo, hi, lo_closed, hi_closed),
        bounded=bool(math.isfinite(lo) and math.isfinite(hi)),
        bounded_sides=_sides(math.isfinite(lo), math.isfinite(hi), "below", "above"),
        monotonic=monotonic,
        increasing=increasing,
        zero_centred=zero_centred,
        mean_normal=mean + 0.0,
        rms_normal=rms,
        centring=centring + 0.0,
        continuous=not f_jumps,
        smooth=not f_jumps and not g_jumps,
        saturating=sat_left or sat_right,
        saturates_left=sat_left,
        saturates_right=sat_right,
        saturates=_sides(sat_left, sat_right, "left", "right"),
        defined=bool(finite.all()),
        defined_anywhere=bool(finite.any()),
        max_abs_grad=_round(max_abs_grad),
        grad_at_0=float(g(np.array([0.0]))[0]) + 0.0,  # + 0.0 turns −0 into 0
        limits=(float(lim[0]), float(lim[1])),
        kinks=tuple(kinks),
        cost_ns_f=_best_ns(lambda x: a.fn(x, **p), xt),
        cost_ns_grad=_best_ns(lambda x: a.grad(x, **p), xt),
    )
