"""Vector activations: softmax, log-softmax, the softmax Jacobian, and maxout.

All functions work in float64 unless given float32, never emit floating-point warnings, and
handle infinite inputs by their limits: a +∞ entry takes all the probability (ties share it
equally), −∞ entries get probability 0; a slice that is entirely −∞ or contains NaN gives NaN.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from activations.registry import as_float_array

__all__ = [
    "log_softmax",
    "maxout",
    "maxout_argmax",
    "maxout_grad",
    "softmax",
    "softmax_jacobian",
]


def _check_temperature(temperature: float) -> float:
    try:
        t = float(temperature)
    except (TypeError, ValueError):
        raise ValueError(f"temperature must be a positive number, got {temperature!r}") from None
    if not (math.isfinite(t) and t > 0.0):
        raise ValueError(f"temperature must be finite and > 0, got {temperature!r}")
    return t


def _shifted(x: Any, axis: int, temperature: float) -> np.ndarray:
    """z = (x − max x)/T along axis, with +∞ entries mapped to 0 and the rest to −∞ in
    slices that contain a +∞ (the limit of softmax there).

    The maximum is subtracted before dividing by T: dividing first lets different logits
    overflow to the same ±∞ (x/T with T = 1e−308) and tie falsely. A difference that itself
    overflows (1.5e308 − (−1.5e308)) is recomputed from halves, exact at that size, so a
    large T still sees it. float32 stays float32; a T beyond float32's range is applied in
    float64 (as a float32 it would round to 0 or ∞).
    """
    t = _check_temperature(temperature)
    z = as_float_array(x)
    if z.ndim == 0:  # a single number: a softmax over one element
        z = z.reshape(1)
    if z.size == 0:
        return z.copy()
    m = np.max(z, axis=axis, keepdims=True)
    d = z - m  # +∞ − +∞ = NaN, fixed below
    over = np.isinf(d) & np.isfinite(z) & np.isfinite(m)
    if t != 1.0:
        info = np.finfo(z.dtype)
        if info.tiny <= t <= info.max:
            if over.any():
                half = 0.5 * z - 0.5 * m  # |each half| < max: no overflow, exact
                d = np.where(over, (half / t) * 2.0, d / t)
            else:
                d /= t
        else:  # only float32 gets here: T as a float32 would be 0 or ∞
            d64 = d.astype(np.float64) / t
            if over.any():
                d64 = np.where(over, (0.5 * z.astype(np.float64) - 0.5 * m) / t * 2.0, d64)
            d = d64.astype(z.dtype)
    pinf = np.isposinf(m)
    if pinf.any():
        has = np.broadcast_to(pinf, d.shape)
        d = np.where(has, np.where(np.isnan(d), 0.0, -np.inf).astype(d.dtype), d)
    return d


def softmax(x: Any, axis: int = -1, temperature: float = 1.0) -> np.ndarray:
    """Softmax along ``axis``: ``s_i = exp(x_i/T) / Σ_j exp(x_j/T)``.

    Computed as ``exp((x − max x)/T)`` normalised, so it never overflows; the result sums to
    1 along ``axis`` and is invariant to adding a constant to ``x``.
    """
    with np.errstate(all="ignore"):
        z = _shifted(x, axis, temperature)
        np.exp(z, out=z)
        z /= np.sum(z, axis=axis, keepdims=True)
    return z.reshape(np.shape(x))


def log_softmax(x: Any, axis: int = -1, temperature: float = 1.0) -> np.ndarray:
    """Log of the softmax along ``axis``: ``z_i − log Σ_j exp(z_j)`` with ``z = (x − max)/T``.

    Stable for huge inputs (±1e300): no overflow. One maximum per slice has ``z = 0``, so
    ``log Σ exp(z) = log1p(Σ of the other terms)``: the largest entry gets ``−log1p(rest)``,
    accurate even when the rest is 1e−37 (``log(1 + rest)`` would round it to 0), and exactly
    ``−log(number of maxima)`` at ties.
    """
    with np.errstate(all="ignore"):
        z = _shifted(x, axis, temperature)
        if z.size == 0:
            return z.reshape(np.shape(x))
        e = np.exp(z)
        top = np.expand_dims(np.argmax(z, axis=axis), axis)  # a NaN slice keeps its NaN
        np.put_along_axis(e, top, 0.0, axis=axis)
        z -= np.log1p(np.sum(e, axis=axis, keepdims=True))
    return z.reshape(np.shape(x))


def softmax_jacobian(x: Any, temperature: float = 1.0) -> np.ndarray:
    """The (n, n) Jacobian ``∂s_i/∂x_j = (diag(s) − s sᵀ)_ij / T`` of softmax for a 1-D x."""
    a = as_float_array(x)
    if a.ndim != 1:
        raise ValueError(f"softmax_jacobian expects a 1-D vector, got shape {a.shape}")
    t = _check_temperature(temperature)
    s = softmax(a, temperature=t)
    jac = np.diag(s) - np.outer(s, s)
    if t != 1.0:
        jac /= t
    return jac


# ----------------------------------------------------------------------------- maxout


def _maxout_pieces(x: Any, weights: Any, biases: Any) -> tuple[np.ndarray, np.ndarray, bool]:
    """Return (z, W, single) with z[..., j] or z[..., j, m] the k affine pieces."""
    a = as_float_array(x)
    w = np.asarray(weights, dtype=a.dtype)
    b = np.asarray(biases, dtype=a.dtype)
    if a.ndim == 0:
        raise ValueError("maxout expects x of shape (..., d)")
    d = a.shape[-1]
    if w.ndim == 2 and w.shape[1] == d and b.shape == (w.shape[0],):
        single = True
        z = a @ w.T + b  # (..., k)
    elif w.ndim == 3 and w.shape[1] == d and b.shape == (w.shape[0], w.shape[2]):
        single = False
        z = np.einsum("...d,kdm->...km", a, w) + b  # (..., k, m)
    else:
        raise ValueError(
            "maxout expects weights (k, d) with biases (k,), or weights (k, d, m) with "
            f"biases (k, m); got x {a.shape}, weights {w.shape}, biases {b.shape}"
        )
    if w.shape[0] < 1:
        raise ValueError("maxout needs at least one piece (k >= 1)")
    return z, w, single


def maxout(x: Any, weights: Any, biases: Any) -> np.ndarray:
    """Maxout: the maximum of k affine pieces, ``max_j (x · W_j + b_j)``.

    Shapes: ``x`` is (..., d). With ``weights`` (k, d) and ``biases`` (k,) there is one output
    unit and the result is (...). With ``weights`` (k, d, m) and ``biases`` (k, m) there are m
    units, unit i using pieces ``weights[:, :, i]``, and the result is (..., m).
    For a scalar input use d = 1, e.g. ``maxout(x[:, None], w[:, None], b)``.
    """
    with np.errstate(all="ignore"):
        z, _, single = _maxout_pieces(x, weights, biases)
        return np.max(z, axis=-1 if single else -2)


def maxout_argmax(x: Any, weights: Any, biases: Any) -> np.ndarray:
    """Index of the active piece (ties → lowest index); shape (...) or (..., m) as maxout."""
    with np.errstate(all="ignore"):
        z, _, single = _maxout_pieces(x, weights, biases)
        return np.argmax(z, axis=-1 if single else -2)


def maxout_grad(x: Any, weights: Any, biases: Any) -> np.ndarray:
    """Derivative of maxout with respect to x: the active piece's weights.

    Shape (..., d) for weights (k, d); the Jacobian (..., m, d) for weights (k, d, m).
    For d = 1 and one unit, ``maxout_grad(...)[..., 0]`` is the slope of the piecewise-linear
    curve (the lowest-index piece wins at a tie, like ``np.argmax``).
    """
    with np.errstate(all="ignore"):
        z, w, single = _maxout_pieces(x, weights, biases)
        if single:
            return w[np.argmax(z, axis=-1)]  # (..., d)
        idx = np.argmax(z, axis=-2)  # (..., m)
        m = w.shape[2]
        # w[idx[..., i], :, i] for each unit i -> (..., m, d)
        return w[idx, :, np.arange(m)]
