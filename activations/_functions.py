"""Element-wise kernels: value, derivative and value-and-derivative of every activation.

Private module. Every kernel receives a floating ndarray ``x`` with ``ndim >= 1`` (the public
wrappers in :mod:`activations.registry` convert inputs, handle 0-d arrays and silence floating
point warnings) and validated parameters as Python floats, so float32 stays float32 (NEP 50).
Kernels never modify ``x`` and always return fresh arrays.

Accuracy (float64, against mpmath): tails use forms without cancellation, e.g.
``σ′ = e/(1+e)²`` with ``e = exp(−|x|)``, ``1 − tanh² = 4e/(1+e)²`` with ``e = exp(−2|x|)``,
``x·Φ(x)`` with ``scipy.special.ndtr``, ``tanh(softplus x) = n/(n+2)`` with ``n = eˣ(eˣ+2)``.
Infinite inputs give the mathematical limits; NaN gives NaN for values and derivatives.

Speed: NumPy's masked operations (``np.where``, ``where=``, ``copyto(where=)``) cost 5–10 ns
per element on random masks, against 0.2–0.5 ns for arithmetic, so branches are written as
arithmetic (``max(x, 0) + α·expm1(min(x, 0))``, indicator products) and the rare special
values (NaN, ±∞) are patched only when present.
"""

from __future__ import annotations

import numpy as np
from scipy import special

__all__ = ["KERNELS", "SELU_ALPHA", "SELU_SCALE"]

SELU_ALPHA = 1.6732632423543772848170429916717
SELU_SCALE = 1.0507009873554804934193349852946
_SQRT_2_OVER_PI = 0.79788456080286535587989211986876  # √(2/π)
_INV_SQRT_2PI = 0.39894228040143267793994605993438  # 1/√(2π)
_GELU_TANH_K = 0.044715

# ----------------------------------------------------------------------------- helpers


def _keep_nan(out: np.ndarray, x: np.ndarray) -> np.ndarray:
    """Write NaN into ``out`` wherever ``x`` is NaN (indicator-style results lose it)."""
    m = np.isnan(x)
    if m.any():
        out[m] = np.nan
    return out


def _fix_inf(out: np.ndarray, x: np.ndarray, at_neg: float | None, at_pos: float | None) -> None:
    """Overwrite the results at x = −∞ / +∞ with the mathematical limits."""
    if at_neg is not None:
        m = x == -np.inf
        if m.any():
            out[m] = at_neg
    if at_pos is not None:
        m = x == np.inf
        if m.any():
            out[m] = at_pos


def _indicator(cond: np.ndarray, x: np.ndarray) -> np.ndarray:
    """1.0 where ``cond`` holds, else 0.0, in x's dtype; NaN where ``x`` is NaN."""
    return _keep_nan(cond.astype(x.dtype), x)


def _sig(t: np.ndarray) -> np.ndarray:
    """σ(t) = 1/(1 + e^(−t)), a fresh array. Relatively accurate for every t (e^(−t) may
    overflow to ∞, giving 0, where σ is below the normal range anyway)."""
    s = np.negative(t)
    np.exp(s, out=s)
    s += 1.0
    return np.reciprocal(s, out=s)


def _sig_neg(t: np.ndarray) -> np.ndarray:
    """σ(−t) = 1/(1 + e^t), a fresh array (computed directly, not as 1 − σ(t))."""
    s = np.exp(t)
    s += 1.0
    return np.reciprocal(s, out=s)


def _dsig(t: np.ndarray) -> np.ndarray:
    """σ′(t) = σ(t)σ(−t) = e/(1+e)² with e = e^(−|t|): no cancellation, no overflow."""
    e = np.abs(t)
    np.negative(e, out=e)
    np.exp(e, out=e)
    d = e + 1.0
    np.multiply(d, d, out=d)
    return np.divide(e, d, out=e)


# ----------------------------------------------------------------------------- piecewise


def identity_f(x):
    return x.copy()


def identity_g(x):
    return _keep_nan(np.ones_like(x), x)


def step_f(x):
    return _indicator(x > 0, x)


def step_g(x):
    return _keep_nan(np.zeros_like(x), x)


def relu_f(x):
    return np.clip(x, 0.0, np.inf)  # as fast as a copy; np.maximum is 2× slower


def relu_g(x):
    return _indicator(x > 0, x)


def _leaky(x, a):
    if a == 0.0:  # 0·(−∞) would be NaN; the limit is 0
        return np.clip(x, 0.0, np.inf)
    # max(x, a·x) is leaky ReLU for 0 ≤ a ≤ 1 and propagates NaN
    out = x * a
    return np.maximum(out, x, out=out)


def leaky_relu_f(x, negative_slope):
    return _leaky(x, negative_slope)


def leaky_relu_g(x, negative_slope):
    # max([x > 0], a) is exactly 1 or a (a ≤ 1)
    g = (x > 0).astype(x.dtype)
    np.maximum(g, negative_slope, out=g)
    return _keep_nan(g, x)


def relu6_f(x):
    return np.clip(x, 0.0, 6.0)


def relu6_g(x):
    return _indicator((x > 0) & (x < 6), x)


def leaky_relu6_f(x, negative_slope):
    out = _leaky(x, negative_slope)
    return np.minimum(out, 6.0, out=out)


def leaky_relu6_g(x, negative_slope):
    g = ((x > 0) & (x < 6)).astype(x.dtype)
    if negative_slope != 0.0:
        neg = (x <= 0).astype(x.dtype)
        neg *= negative_slope
        g += neg  # exactly a, 1 or 0: one of the two terms is 0
    return _keep_nan(g, x)


def hard_tanh_f(x, min_val, max_val):
    return np.clip(x, min_val, max_val)


def hard_tanh_g(x, min_val, max_val):
    return _indicator((x > min_val) & (x < max_val), x)


def hard_sigmoid_f(x):
    # (x+3)/6 keeps relative accuracy near −3, where x/6 + 1/2 would cancel
    t = x + 3.0
    np.clip(t, 0.0, 6.0, out=t)
    t /= 6.0
    return t


def hard_sigmoid_g(x):
    g = _indicator((x > -3) & (x < 3), x)
    g *= 1.0 / 6.0
    return g


def softsign_f(x):
    out = np.abs(x)
    out += 1.0
    np.divide(x, out, out=out)
    m = np.isinf(x)
    if m.any():  # ∞/∞
        out[m] = np.sign(x[m])
    return out


def softsign_g(x):
    out = np.abs(x)
    out += 1.0
    np.multiply(out, out, out=out)
    return np.reciprocal(out, out=out)


def softshrink_f(x, lambd):
    # x − clip(x, −λ, λ): exact 0 inside, x ∓ λ outside, NaN and ±∞ pass through
    out = np.clip(x, -lambd, lambd)
    return np.subtract(x, out, out=out)


def shrink_g(x, lambd):
    return _indicator(np.abs(x) > lambd, x)


def hardshrink_f(x, lambd):
    # x·[|x| > λ]; NaN·0 stays NaN, and ±∞ always has the factor 1
    out = np.abs(x)
    np.greater(out, lambd, out=out)
    return np.multiply(out, x, out=out)


def hard_swish_f(x):
    # x·(clip(x, −3, 3) + 3)/6; the factor is ≤ 1 before it meets x (no overflow), and
    # exact near −3 (Sterbenz), where (x + 3) carries all the digits
    r = np.clip(x, -3.0, 3.0)
    r += 3.0
    r /= 6.0
    r *= x
    _fix_inf(r, x, 0.0, None)
    return r


def hard_swish_g(x):
    # (2x+3)/6 on (−3, 3), 1 from 3 on, 0 up to −3; x clipped so ±∞ gives no ∞·0
    g = np.clip(x, -3.0, 3.0)
    g *= 2.0
    g += 3.0
    g /= 6.0
    g *= (x > -3) & (x < 3)
    g += x >= 3
    return g  # NaN stays NaN through the clip


# ----------------------------------------------------------------------------- exp family


def sigmoid_f(x):
    return _sig(x)


def sigmoid_g(x):
    return _dsig(x)


def log_sigmoid_f(x):
    # log σ(x) = min(x, 0) − log1p(e^(−|x|))
    f = np.abs(x)
    np.negative(f, out=f)
    np.exp(f, out=f)
    np.log1p(f, out=f)
    return np.subtract(np.minimum(x, 0.0), f, out=f)


def log_sigmoid_g(x):
    return _sig_neg(x)


def softplus_f(x, beta):
    # log(1 + e^(βx))/β = max(x, 0) + log1p(e^(−β|x|))/β: no overflow, no cancellation
    f = np.abs(x)
    f *= -beta
    np.exp(f, out=f)
    np.log1p(f, out=f)
    if beta != 1.0:
        f /= beta
    f += np.clip(x, 0.0, np.inf)
    return f


def softplus_g(x, beta):
    return _sig(x if beta == 1.0 else x * beta)


def tanh_f(x):
    return np.tanh(x)


def tanh_g(x):
    # 1 − tanh²x = 4e/(1+e)², e = exp(−2|x|): accurate where tanh²x rounds to 1
    e = np.abs(x)
    e *= -2.0
    np.exp(e, out=e)
    d = e + 1.0
    np.multiply(d, d, out=d)
    e *= 4.0
    return np.divide(e, d, out=e)


def tanhshrink_f(x):
    out = np.tanh(x)
    np.subtract(x, out, out=out)
    small = np.abs(x) < _TANHSHRINK_SERIES_MAX
    if small.any():
        out[small] = _tanhshrink_series(x[small])
    return out


def tanhshrink_g(x):
    out = np.tanh(x)
    return np.multiply(out, out, out=out)


# x − tanh x = Σ_(k≥1) c_k x^(2k+1), the Taylor series of tanh (c_k from its Bernoulli-number
# formula, rounded to float64). Used below |x| = 0.5, where x − tanh x would cancel; the
# terms shrink by ≈ (2x/π)² ≤ 0.1 each, so 21 terms reach full precision.
_TANHSHRINK_SERIES_MAX = 0.5
_TANHSHRINK_COEFFS = (
    0.3333333333333333,
    -0.13333333333333333,
    0.05396825396825397,
    -0.021869488536155203,
    0.008863235529902197,
    -0.003592128036572481,
    0.0014558343870513183,
    -0.000590027440945586,
    0.00023912911424355248,
    -9.691537956929451e-05,
    3.927832388331683e-05,
    -1.5918905069328964e-05,
    6.451689215655431e-06,
    -2.6147711512907546e-06,
    1.0597268320104654e-06,
    -4.294911078273806e-07,
    1.7406618963571648e-07,
    -7.054636946400968e-08,
    2.859136662305254e-08,
    -1.1587644432798853e-08,
    4.6962953982309016e-09,
)


def _tanhshrink_series(x):
    z = x * x
    acc = np.full_like(x, _TANHSHRINK_COEFFS[-1])
    for c in _TANHSHRINK_COEFFS[-2::-1]:
        acc *= z
        acc += c
    acc *= z
    acc *= x
    return acc


def elu_f(x, alpha):
    # max(x, 0) + α·expm1(min(x, 0)): one of the two terms is exactly 0
    f = np.minimum(x, 0.0)
    np.expm1(f, out=f)
    if alpha != 1.0:
        f *= alpha
    f += np.clip(x, 0.0, np.inf)
    return f


def _pos_or(x, neg_part):
    """1 where x > 0, else ``neg_part`` (NaN kept): [x>0] + (1 − [x>0])·neg_part, exact."""
    p = (x > 0).astype(x.dtype)
    neg_part *= 1.0 - p
    neg_part += p
    return neg_part


def elu_g(x, alpha):
    g = np.exp(np.minimum(x, 0.0))
    if alpha != 1.0:
        g *= alpha
    return _pos_or(x, g)


def selu_f(x):
    f = elu_f(x, SELU_ALPHA)
    f *= SELU_SCALE
    return f


def selu_g(x):
    g = elu_g(x, SELU_ALPHA)
    g *= SELU_SCALE
    return g


def celu_f(x, alpha):
    # max(x, 0) + α·expm1(min(x, 0)/α); x/α divided, not multiplied by 1/α (one rounding)
    f = np.minimum(x, 0.0)
    if alpha != 1.0:
        f /= alpha
    np.expm1(f, out=f)
    if alpha != 1.0:
        f *= alpha
    f += np.clip(x, 0.0, np.inf)
    return f


def _exp_quotient(x, alpha):
    """e^(x/α) for x ≤ 0 (NaN kept), with the rounding of x/α corrected.

    q = fl(x/α) is off by up to ½ulp, which e^q multiplies by |q|: 3e−14 at α = 0.01,
    x = −3.4. The exact remainder r = x − q·α (Dekker's product, no FMA needed) gives
    x/α = q + r/α, so e^(x/α) = e^q·(1 + r/α) to full precision. Inputs below −800α
    are clamped first: e^q is 0 there, and the splitting must not overflow.
    """
    alpha = x.dtype.type(alpha)  # as NumPy rounds it: the splitting below is in x's type
    xc = np.maximum(x, -800.0 * alpha)
    q = xc / alpha
    split = x.dtype.type(134217729.0 if x.dtype == np.float64 else 4097.0)  # 2^27+1, 2^12+1
    a_hi = split * alpha - (split * alpha - alpha)
    a_lo = alpha - a_hi
    c = q * split
    q_hi = c - (c - q)
    q_lo = q - q_hi
    p_hi = q * alpha
    p_lo = ((q_hi * a_hi - p_hi) + q_hi * a_lo + q_lo * a_hi) + q_lo * a_lo
    r = xc - p_hi
    r -= p_lo
    r /= alpha
    g = np.exp(q)
    r *= g
    g += r
    return g


def celu_g(x, alpha):
    g = np.minimum(x, 0.0)
    if alpha != 1.0:
        g = _exp_quotient(g, alpha)
    else:
        np.exp(g, out=g)
    return _pos_or(x, g)


# ----------------------------------------------------------------------------- x·gate(x)


def swish_f(x, beta):
    # x·σ(βx) = x/(1 + e^(−βx)); only x = −∞ gives ∞/∞
    d = np.negative(x) if beta == 1.0 else x * -beta
    np.exp(d, out=d)
    d += 1.0
    f = np.divide(x, d, out=d)
    _fix_inf(f, x, 0.0, None)
    return f


def _swish_grad(t, s):
    """σ(t)(1 + t·σ(−t)) from t = βx and s = σ(t), σ(−t) computed directly (no 1 − σ
    cancellation); overwrites nothing it is given."""
    r = _sig_neg(t)
    r *= t
    r += 1.0
    r *= s
    _fix_inf(r, t, 0.0, 1.0)  # (−∞)·σ(∞) and 0·(−∞)
    return r


def swish_g(x, beta):
    t = x if beta == 1.0 else x * beta
    return _swish_grad(t, _sig(t))


def swish_vg(x, beta):
    t = x if beta == 1.0 else x * beta
    d = np.negative(t)
    np.exp(d, out=d)
    d += 1.0
    f = np.divide(x, d)  # as swish_f, bit for bit
    _fix_inf(f, x, 0.0, None)
    return f, _swish_grad(t, np.reciprocal(d, out=d))


def silu_f(x):
    return swish_f(x, 1.0)


def silu_g(x):
    return swish_g(x, 1.0)


def silu_vg(x):
    return swish_vg(x, 1.0)


def _mish_ratio(x):
    """(t, n, e) with e = e^min(x, 40), n = e(e+2), t = n/(n+2) = tanh(softplus x).
    Above 40 the ratio is 1 in double precision; the cap avoids overflow."""
    e = np.minimum(x, 40.0)
    np.exp(e, out=e)
    n = e + 2.0
    n *= e
    t = n + 2.0
    np.divide(n, t, out=t)
    return t, n, e


def mish_f(x):
    t = _mish_ratio(x)[0]
    t *= x
    _fix_inf(t, x, 0.0, None)
    return t


def mish_vg(x):
    t, n, e = _mish_ratio(x)
    f = x * t
    _fix_inf(f, x, 0.0, None)
    # f′ = t + x·σ(x)·(1 − t²), 1 − t² = 4(n+1)/(n+2)², σ(x) = e/(1+e). x is clipped at
    # −800 (e = 0 there) and 40 (the term is < 1e−30 there): no ∞·0, same result
    d = n + 2.0
    np.multiply(d, d, out=d)
    n += 1.0
    n *= 4.0
    n /= d
    n *= e
    e += 1.0
    n /= e
    n *= np.clip(x, -800.0, 40.0)
    n += t
    return f, n


def mish_g(x):
    return mish_vg(x)[1]


def gelu_f(x):
    f = special.ndtr(x)
    f *= x
    _fix_inf(f, x, 0.0, None)
    return f


def gelu_vg(x):
    cdf = special.ndtr(x)
    f = x * cdf
    _fix_inf(f, x, 0.0, None)
    xc = np.clip(x, -1e3, 1e3)  # φ underflows to 0 long before; avoids ∞·0
    g = np.square(xc)
    g *= -0.5
    np.exp(g, out=g)
    g *= _INV_SQRT_2PI
    g *= xc
    g += cdf
    return f, g


def gelu_g(x):
    return gelu_vg(x)[1]


def _gelu_tanh_z(x):
    """2u = 2√(2/π)(x + 0.044715x³), as 2√(2/π)·x·(1 + 0.044715x²)."""
    z = np.square(x)
    z *= _GELU_TANH_K
    z += 1.0
    z *= x
    z *= 2.0 * _SQRT_2_OVER_PI
    return z


def gelu_tanh_f(x):
    # ½x(1 + tanh u) = x·σ(2u) = x/(1 + e^(−2u))
    d = _gelu_tanh_z(x)
    np.negative(d, out=d)
    np.exp(d, out=d)
    d += 1.0
    f = np.divide(x, d, out=d)
    _fix_inf(f, x, 0.0, None)
    return f


def gelu_tanh_vg(x):
    # f′ = σ(2u) + x·σ(2u)σ(−2u)·2u′, 2u′ = 2√(2/π)(1 + 3·0.044715x²)
    z = _gelu_tanh_z(x)
    d = np.negative(z)
    np.exp(d, out=d)
    d += 1.0
    f = np.divide(x, d)  # as gelu_tanh_f, bit for bit
    _fix_inf(f, x, 0.0, None)
    s = np.reciprocal(d, out=d)
    r = _sig_neg(z)
    xc = np.clip(x, -100.0, 100.0)  # σ(2u)σ(−2u) is 0 beyond |x| ≈ 27; avoids ∞·0
    du = np.square(xc)
    du *= 3.0 * _GELU_TANH_K
    du += 1.0
    du *= 2.0 * _SQRT_2_OVER_PI
    du *= xc
    r *= s
    r *= du
    r += s
    return f, r


def gelu_tanh_g(x):
    return gelu_tanh_vg(x)[1]


# ----------------------------------------------------------------------------- teaching extras


def sine_f(x):
    return np.sin(x)


def sine_g(x):
    return np.cos(x)


def gaussian_f(x):
    out = np.square(x)
    np.negative(out, out=out)
    return np.exp(out, out=out)


def gaussian_g(x):
    xc = np.clip(x, -40.0, 40.0)  # e^(−1600) = 0: the clip only avoids ∞·0
    g = gaussian_f(xc)
    g *= xc
    g *= -2.0
    return g


def gaussian_vg(x):
    xc = np.clip(x, -40.0, 40.0)
    f = gaussian_f(xc)
    g = xc * -2.0
    g *= f
    return f, g


# ----------------------------------------------------------------------------- table

KERNELS: dict[str, tuple] = {
    # id: (f, f′, (f, f′) sharing work or None)
    "identity": (identity_f, identity_g, None),
    "step": (step_f, step_g, None),
    "sigmoid": (sigmoid_f, sigmoid_g, None),
    "hard_sigmoid": (hard_sigmoid_f, hard_sigmoid_g, None),
    "tanh": (tanh_f, tanh_g, None),
    "hard_tanh": (hard_tanh_f, hard_tanh_g, None),
    "relu": (relu_f, relu_g, None),
    "leaky_relu": (leaky_relu_f, leaky_relu_g, None),
    "prelu": (leaky_relu_f, leaky_relu_g, None),
    "relu6": (relu6_f, relu6_g, None),
    "leaky_relu6": (leaky_relu6_f, leaky_relu6_g, None),
    "elu": (elu_f, elu_g, None),
    "selu": (selu_f, selu_g, None),
    "celu": (celu_f, celu_g, None),
    "gelu": (gelu_f, gelu_g, gelu_vg),
    "gelu_tanh": (gelu_tanh_f, gelu_tanh_g, gelu_tanh_vg),
    "silu": (silu_f, silu_g, silu_vg),
    "swish": (swish_f, swish_g, swish_vg),
    "hard_swish": (hard_swish_f, hard_swish_g, None),
    "mish": (mish_f, mish_g, mish_vg),
    "softplus": (softplus_f, softplus_g, None),
    "softsign": (softsign_f, softsign_g, None),
    "log_sigmoid": (log_sigmoid_f, log_sigmoid_g, None),
    "tanhshrink": (tanhshrink_f, tanhshrink_g, None),
    "softshrink": (softshrink_f, shrink_g, None),
    "hardshrink": (hardshrink_f, shrink_g, None),
    "sine": (sine_f, sine_g, None),
    "gaussian": (gaussian_f, gaussian_g, gaussian_vg),
}
