"""High-precision reference for every activation, and the script that writes it to disk.

``reference(name, params)`` returns a function mapping an mpmath number x to (f(x), f′(x)),
written without cancellation so that mpmath's 80 working digits give every float64 result
(down to 1e-300) to full precision; the formulas are independent of the library's float64
ones. The tests import it (to check a few points on the fly) and read the file it writes.

Regenerate tests/data/mpmath_reference.npz from the repository root (a few seconds):
    .venv/bin/python tests/data/make_mpmath_reference.py
The file holds, per case, ``<key>/x`` (float64 points, used exactly), ``<key>/f``, ``<key>/g``
(the reference rounded to float64) and ``cases``: rows "key;activation id;params".
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import mpmath as mp
import numpy as np

mp.mp.dps = 80

SELU_ALPHA = mp.mpf("1.6732632423543772848170429916717")
SELU_SCALE = mp.mpf("1.0507009873554804934193349852946")
GELU_K = mp.mpf(0.044715)  # the float64 constant, as the library uses it
ONE, ZERO = mp.mpf(1), mp.mpf(0)

Pair = tuple[mp.mpf, mp.mpf]


def sig(t):
    return 1 / (1 + mp.exp(-t))


def dsig(t):  # σ(t)σ(−t) without cancellation
    e = mp.exp(-abs(t))
    return e / (1 + e) ** 2


def softplus(t):
    return mp.log1p(mp.exp(t)) if t < 0 else t + mp.log1p(mp.exp(-t))


def sech2(t):
    e = mp.exp(-2 * abs(t))
    return 4 * e / (1 + e) ** 2


def tanhshrink(x) -> Pair:
    # x − tanh x ≈ x³/3 cancels about 2·log10(1/|x|) digits: add them
    with mp.workdps(mp.mp.dps + int(2 * max(0, -mp.log10(abs(x) + mp.mpf(1e-320))))):
        return +(x - mp.tanh(x)), mp.tanh(x) ** 2


def gelu(x) -> Pair:
    # beyond |x| = 1e4 the float64 result is exactly (0, 0) or (x, 1); mpmath's erfc
    # cannot take such arguments
    if abs(x) > 1e4:
        return (x, ONE) if x > 0 else (ZERO, ZERO)
    return x * mp.ncdf(x), mp.ncdf(x) + x * mp.npdf(x)


def gelu_tanh(x) -> Pair:
    z = 2 * mp.sqrt(2 / mp.pi) * (x + GELU_K * x**3)
    dz = 2 * mp.sqrt(2 / mp.pi) * (1 + 3 * GELU_K * x**2)
    return x * sig(z), sig(z) + x * dsig(z) * dz


def mish(x) -> Pair:
    sp = softplus(x)
    t = mp.tanh(sp)
    return x * t, t + x * sech2(sp) * sig(x)


def elu(x, alpha) -> Pair:
    return (x, ONE) if x > 0 else (alpha * mp.expm1(x), alpha * mp.exp(x))


def celu(x, alpha) -> Pair:
    return (x, ONE) if x > 0 else (alpha * mp.expm1(x / alpha), mp.exp(x / alpha))


def swish(x, beta) -> Pair:
    t = beta * x
    return x * sig(t), sig(t) + t * dsig(t)


def clip(x, lo, hi) -> Pair:
    if x <= lo:
        return lo, ZERO
    if x >= hi:
        return hi, ZERO
    return x, ONE


def hard_swish(x) -> Pair:
    if x <= -3:
        return ZERO, ZERO
    if x >= 3:
        return x, ONE
    return x * (x + 3) / 6, (2 * x + 3) / 6


def leaky_relu6(x, a) -> Pair:
    if x <= 0:
        return a * x, a
    return (x, ONE) if x < 6 else (mp.mpf(6), ZERO)


def reference(name: str, params: dict[str, float] | None = None) -> Callable[[mp.mpf], Pair]:
    """x ↦ (f(x), f′(x)) at mpmath precision, kink conventions as in the library."""
    p = {k: mp.mpf(v) for k, v in (params or {}).items()}
    a = p.get("negative_slope", mp.mpf({"prelu": 0.25}.get(name, 0.01)))
    alpha = p.get("alpha", ONE)
    beta = p.get("beta", ONE)
    lam = p.get("lambd", mp.mpf(0.5))
    table: dict[str, Callable[[mp.mpf], Pair]] = {
        "identity": lambda x: (x, ONE),
        "step": lambda x: (ONE if x > 0 else ZERO, ZERO),
        "sigmoid": lambda x: (sig(x), dsig(x)),
        "hard_sigmoid": lambda x: ((clip(x, -3, 3)[0] + 3) / 6, clip(x, -3, 3)[1] / 6),
        "tanh": lambda x: (mp.tanh(x), sech2(x)),
        "hard_tanh": lambda x: clip(x, p.get("min_val", -ONE), p.get("max_val", ONE)),
        "relu": lambda x: (x, ONE) if x > 0 else (ZERO, ZERO),
        "leaky_relu": lambda x: (x, ONE) if x > 0 else (a * x, a),
        "prelu": lambda x: (x, ONE) if x > 0 else (a * x, a),
        "relu6": lambda x: clip(x, 0, 6),
        "leaky_relu6": lambda x: leaky_relu6(x, a),
        "elu": lambda x: elu(x, alpha),
        "selu": lambda x: tuple(SELU_SCALE * v for v in elu(x, SELU_ALPHA)),
        "celu": lambda x: celu(x, alpha),
        "gelu": gelu,
        "gelu_tanh": gelu_tanh,
        "silu": lambda x: swish(x, ONE),
        "swish": lambda x: swish(x, beta),
        "hard_swish": hard_swish,
        "mish": mish,
        "softplus": lambda x: (softplus(beta * x) / beta, sig(beta * x)),
        "softsign": lambda x: (x / (1 + abs(x)), 1 / (1 + abs(x)) ** 2),
        "log_sigmoid": lambda x: (-softplus(-x), sig(-x)),
        "tanhshrink": tanhshrink,
        "softshrink": lambda x: (
            (x - lam, ONE) if x > lam else (x + lam, ONE) if x < -lam else (ZERO, ZERO)
        ),
        "hardshrink": lambda x: (x, ONE) if abs(x) > lam else (ZERO, ZERO),
        "sine": lambda x: (mp.sin(x), mp.cos(x)),
        "gaussian": lambda x: (mp.exp(-(x**2)), -2 * x * mp.exp(-(x**2))),
    }
    return table[name]


# (case key, activation id, params): every smooth id at its default parameters and at each
# parameter's minimum and maximum (and a value between); the piecewise-linear ids are exact in
# float64 and are covered by the kink, random-parameter and PyTorch tests instead
CASES: list[tuple[str, str, dict[str, float]]] = [
    ("sigmoid", "sigmoid", {}),
    ("tanh", "tanh", {}),
    ("elu", "elu", {}),
    ("elu|alpha=0.3", "elu", {"alpha": 0.3}),
    ("elu|alpha=0.01", "elu", {"alpha": 0.01}),
    ("elu|alpha=5.0", "elu", {"alpha": 5.0}),
    ("selu", "selu", {}),
    ("celu", "celu", {}),
    ("celu|alpha=2.5", "celu", {"alpha": 2.5}),
    ("celu|alpha=0.3", "celu", {"alpha": 0.3}),
    ("celu|alpha=0.01", "celu", {"alpha": 0.01}),
    ("celu|alpha=5.0", "celu", {"alpha": 5.0}),
    ("gelu", "gelu", {}),
    ("gelu_tanh", "gelu_tanh", {}),
    ("silu", "silu", {}),
    ("swish|beta=0.1", "swish", {"beta": 0.1}),
    ("swish|beta=0.3", "swish", {"beta": 0.3}),
    ("swish|beta=4.0", "swish", {"beta": 4.0}),
    ("swish|beta=10.0", "swish", {"beta": 10.0}),
    ("mish", "mish", {}),
    ("softplus", "softplus", {}),
    ("softplus|beta=0.1", "softplus", {"beta": 0.1}),
    ("softplus|beta=0.5", "softplus", {"beta": 0.5}),
    ("softplus|beta=7.0", "softplus", {"beta": 7.0}),
    ("softplus|beta=10.0", "softplus", {"beta": 10.0}),
    ("softsign", "softsign", {}),
    ("log_sigmoid", "log_sigmoid", {}),
    ("tanhshrink", "tanhshrink", {}),
    ("hard_swish", "hard_swish", {}),
    ("hard_sigmoid", "hard_sigmoid", {}),
    ("sine", "sine", {}),
    ("gaussian", "gaussian", {}),
]


def grid() -> np.ndarray:
    """Dense core |x| ≤ 5, tiny |x| down to 1e-300, tails out to 1e300, both signs."""
    core = np.linspace(-5.0, 5.0, 2001)
    tiny = np.geomspace(1e-300, 1e-2, 40)
    tail = np.concatenate([np.geomspace(5.0, 800.0, 300)[1:], np.geomspace(800.0, 1e300, 60)[1:]])
    pos = np.concatenate([tiny, tail])
    return np.unique(np.concatenate([core, pos, -pos]))


def evaluate(name: str, params: dict[str, float], x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The reference at float64 points, rounded to float64."""
    func = reference(name, params)
    f = np.empty(x.size)
    g = np.empty(x.size)
    for i, xi in enumerate(x):
        fv, gv = func(mp.mpf(float(xi)))
        f[i], g[i] = float(fv), float(gv)
    return f, g


def main() -> None:
    x = grid()
    out: dict[str, np.ndarray] = {}
    rows = []
    for key, name, params in CASES:
        xs = x[np.abs(x) <= 1e3] if name == "sine" else x
        out[f"{key}/x"] = xs
        out[f"{key}/f"], out[f"{key}/g"] = evaluate(name, params, xs)
        rows.append(f"{key};{name};" + ",".join(f"{k}={v!r}" for k, v in params.items()))
        print(key, xs.size, flush=True)
    out["cases"] = np.array(rows)
    path = Path(__file__).with_name("mpmath_reference.npz")
    np.savez_compressed(path, **out)
    print("wrote", path, path.stat().st_size, "bytes")


if __name__ == "__main__":
    main()
