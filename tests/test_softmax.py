"""softmax, log_softmax, the softmax Jacobian and maxout."""

from __future__ import annotations

from pathlib import Path

import mpmath as mp
import numpy as np
import pytest

import activations
from activations import log_softmax, maxout, maxout_argmax, maxout_grad, softmax, softmax_jacobian

pytestmark = pytest.mark.filterwarnings("error")

BRIEF_X = [1.0, 5.0, 2.0, 0.0, 6.0, 7.0]


def _mp_softmax(x: list[float]) -> np.ndarray:
    mp.mp.dps = 50
    e = [mp.exp(mp.mpf(v)) for v in x]
    s = mp.fsum(e)
    return np.array([float(v / s) for v in e])


def test_brief_example():
    s = softmax(BRIEF_X)
    # the tutorial's rounded numbers …
    np.testing.assert_allclose(s, [0.00164, 0.0894, 0.00445, 0.000603, 0.2431, 0.6608], rtol=3e-3)
    # … and the exact ones to 6 significant digits (in fact to ~1e-16)
    six = ["0.00163793", "0.089428", "0.00445236", "0.000602561", "0.243091", "0.660789"]
    assert [f"{v:.6g}" for v in s] == six
    np.testing.assert_allclose(s, _mp_softmax(BRIEF_X), rtol=2e-15)


def test_sums_to_one_and_shift_invariance():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(7, 5, 9)) * 10
    for axis in (0, 1, -1):
        s = softmax(x, axis=axis)
        assert s.shape == x.shape and (s >= 0).all()
        np.testing.assert_allclose(s.sum(axis=axis), 1.0, rtol=1e-15)
        np.testing.assert_allclose(softmax(x + 1000.0, axis=axis), s, rtol=1e-12)
        np.testing.assert_allclose(softmax(x - 1e5, axis=axis), s, rtol=1e-9)
        np.testing.assert_allclose(np.exp(log_softmax(x, axis=axis)), s, rtol=1e-14)


def test_temperature():
    x = np.array(BRIEF_X)
    for t in (0.1, 0.5, 2.0, 30.0):
        np.testing.assert_allclose(softmax(x, temperature=t), softmax(x / t), rtol=1e-15)
        np.testing.assert_allclose(
            log_softmax(x, temperature=t), log_softmax(x / t), rtol=1e-15, atol=1e-15
        )
    np.testing.assert_allclose(softmax(x, temperature=1e6), 1 / 6, rtol=1e-5)
    np.testing.assert_array_equal(softmax(x, temperature=1e-3), [0, 0, 0, 0, 0, 1])
    for bad in (0.0, -1.0, np.inf, np.nan, "hot"):
        with pytest.raises(ValueError, match="temperature"):
            softmax(x, temperature=bad)


def test_dtypes_shapes_and_special_values():
    x32 = np.array(BRIEF_X, np.float32)
    assert softmax(x32).dtype == np.float32 and log_softmax(x32).dtype == np.float32
    assert softmax([1, 2]).dtype == np.float64
    assert softmax(3.0) == 1.0 and log_softmax(3.0) == 0.0
    assert softmax(np.empty((0, 4))).shape == (0, 4)
    assert softmax(np.empty((3, 0))).shape == (3, 0)
    np.testing.assert_array_equal(softmax([1.0, np.inf, 2.0]), [0, 1, 0])
    np.testing.assert_array_equal(softmax([np.inf, 0.0, np.inf]), [0.5, 0, 0.5])
    np.testing.assert_array_equal(log_softmax([1.0, np.inf, 2.0]), [-np.inf, 0, -np.inf])
    np.testing.assert_array_equal(softmax([-np.inf, 0.0, -np.inf]), [0, 1, 0])
    assert np.isnan(softmax([-np.inf, -np.inf])).all()
    assert np.isnan(softmax([np.nan, 1.0])).all()
    # rows are independent
    x = np.array([[1.0, np.inf], [np.nan, 0.0], [0.0, 0.0]])
    s = softmax(x)
    np.testing.assert_array_equal(s[0], [0, 1])
    assert np.isnan(s[1]).all()
    np.testing.assert_array_equal(s[2], [0.5, 0.5])


def test_log_softmax_stable_at_huge_inputs():
    out = log_softmax([1e300, -1e300, 0.0])
    np.testing.assert_array_equal(out, [0.0, -2e300, -1e300])
    x = np.array([1.7e308, -1.7e308, np.nextafter(1.7e308, 0)])
    out = log_softmax(x)
    assert out[1] == -np.inf  # −3.4e308 overflows: the true value is below −1.8e308
    np.testing.assert_array_equal(out[[0, 2]], [0.0, x[2] - x[0]])
    np.testing.assert_allclose(log_softmax([1e3, 1e3]), [-np.log(2)] * 2, rtol=1e-15)
    np.testing.assert_array_equal(softmax([1e300, -1e300, 0.0]), [1, 0, 0])
    np.testing.assert_allclose(log_softmax([-1e300, -1e300]), [-np.log(2)] * 2, rtol=1e-15)
    f32 = log_softmax(np.array([3e38, -3e38, 0], np.float32))
    assert f32.dtype == np.float32 and f32[0] == 0


def test_jacobian_matches_finite_differences():
    x = np.array([0.3, -1.2, 2.0, 0.0, 0.7])
    for t in (1.0, 0.5, 3.0):
        jac = softmax_jacobian(x, temperature=t)
        s = softmax(x, temperature=t)
        np.testing.assert_allclose(jac, (np.diag(s) - np.outer(s, s)) / t, rtol=1e-15)
        h = 1e-6
        fd = np.empty_like(jac)
        for j in range(x.size):
            e = np.zeros_like(x)
            e[j] = h
            fd[:, j] = (softmax(x + e, temperature=t) - softmax(x - e, temperature=t)) / (2 * h)
        np.testing.assert_allclose(jac, fd, atol=1e-9)
        np.testing.assert_allclose(jac.sum(axis=0), 0.0, atol=1e-15)
        np.testing.assert_array_equal(jac, jac.T)
    with pytest.raises(ValueError, match="1-D"):
        softmax_jacobian(np.ones((2, 2)))


def test_agrees_with_pytorch():
    with np.load(Path(__file__).with_name("data") / "torch_reference.npz") as d:
        for i in range(int(d["n_softmax"])):
            for dtype, rtol in (("float32", 1e-6), ("float64", 1e-14)):
                x = d[f"softmax/{i}/{dtype}/x"]
                s, ls = softmax(x), log_softmax(x)
                assert s.dtype == x.dtype
                if np.isposinf(x).any():  # ±1e300 in float32: PyTorch gives NaN, we the limit
                    np.testing.assert_array_equal(s, np.isposinf(x))
                    continue
                np.testing.assert_allclose(s, d[f"softmax/{i}/{dtype}/softmax"], rtol=rtol)
                np.testing.assert_allclose(
                    ls, d[f"softmax/{i}/{dtype}/log_softmax"], rtol=rtol, atol=1e-12
                )


# ----------------------------------------------------------------------------- maxout

W1 = np.array([[1.0], [-1.0], [0.5]])
B1 = np.array([0.0, 0.0, 1.0])


def test_maxout_single_unit_piecewise_linear():
    x = np.linspace(-4, 4, 81)[:, None]
    y = maxout(x, W1, B1)
    assert y.shape == (81,)
    np.testing.assert_allclose(y, np.maximum.reduce([x[:, 0], -x[:, 0], 0.5 * x[:, 0] + 1]))
    idx = maxout_argmax(x, W1, B1)
    slope = maxout_grad(x, W1, B1)[:, 0]
    np.testing.assert_array_equal(slope, W1[idx, 0])
    assert maxout_argmax([[-3.0]], W1, B1) == 1 and maxout_argmax([[0.0]], W1, B1) == 2
    # ReLU and |x| are maxout units with k = 2
    relu = activations.get("relu")
    np.testing.assert_array_equal(maxout(x, [[1.0], [0.0]], [0.0, 0.0]), relu.fn(x[:, 0]))
    np.testing.assert_array_equal(maxout(x, [[1.0], [-1.0]], [0, 0]), np.abs(x[:, 0]))
    # slope by finite differences away from the breakpoints
    xs = np.array([[-3.3], [-0.4], [0.9], [3.1]])
    h = 1e-6
    fd = (maxout(xs + h, W1, B1) - maxout(xs - h, W1, B1)) / (2 * h)
    np.testing.assert_allclose(maxout_grad(xs, W1, B1)[:, 0], fd, rtol=1e-8)


def test_maxout_multi_unit_2d():
    rng = np.random.default_rng(3)
    k, d, m = 4, 2, 3
    w = rng.normal(size=(k, d, m))
    b = rng.normal(size=(k, m))
    x = rng.normal(size=(10, 7, d))
    y = maxout(x, w, b)
    assert y.shape == (10, 7, m)
    brute = np.max(np.einsum("abd,kdm->abkm", x, w) + b, axis=2)
    np.testing.assert_allclose(y, brute, rtol=1e-14)
    jac = maxout_grad(x, w, b)
    assert jac.shape == (10, 7, m, d)
    idx = maxout_argmax(x, w, b)
    assert idx.shape == (10, 7, m)
    for i in range(m):
        np.testing.assert_array_equal(jac[..., i, :], w[idx[..., i], :, i])
    # Jacobian by finite differences
    h = 1e-6
    p = x[0, 0]
    for j in range(d):
        e = np.zeros(d)
        e[j] = h
        fd = (maxout(p + e, w, b) - maxout(p - e, w, b)) / (2 * h)
        np.testing.assert_allclose(jac[0, 0, :, j], fd, rtol=1e-7)
    assert maxout(x.astype(np.float32), w, b).dtype == np.float32


def test_maxout_shape_errors():
    with pytest.raises(ValueError, match="weights"):
        maxout(np.ones((3, 2)), np.ones((2, 3)), np.ones(2))
    with pytest.raises(ValueError, match="biases"):
        maxout(np.ones((3, 2)), np.ones((2, 2)), np.ones(3))
    with pytest.raises(ValueError):
        maxout(1.0, W1, B1)
    with pytest.raises(ValueError, match="at least one"):
        maxout(np.ones((3, 1)), np.ones((0, 1)), np.ones(0))
