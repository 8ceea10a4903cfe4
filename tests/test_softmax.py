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


def _mp_softmax_t(x: list[float], t: float) -> tuple[np.ndarray, np.ndarray]:
    """softmax and log_softmax of x/T at 60 digits (x and T taken exactly)."""
    mp.mp.dps = 60
    z = [mp.mpf(v) / mp.mpf(t) for v in x]
    top = max(z)
    lse = top + mp.log(mp.fsum(mp.exp(v - top) for v in z))
    return np.array([float(mp.exp(v - lse)) for v in z]), np.array([float(v - lse) for v in z])


@pytest.mark.parametrize(
    ("x", "t"),
    [
        ([2.0, 3.0], 1e-308),  # x/T overflows both logits to ∞: a false tie before the fix
        ([1e308, 1.5e308], 0.5),
        ([-1e308, -1.5e308, 1e308], 1e-300),
        ([1.5e308, -1.5e308], 1e308),  # x − max overflows, yet (x − max)/T = −3 is finite
        ([1.5e308, -1.5e308, 0.0], 1e300),
        ([-36.3, -27.09], 0.108),  # log_softmax of the dominant entry is −9.2e−38, not 0
        ([1e-300, 0.0, -1e-300], 1e-300),
        ([5e-324, 0.0], 1e-308),  # subnormal logits keep their difference
        ([0.1, 0.2, 0.3], 1e300),
    ],
)
def test_extreme_logits_and_temperatures_match_mpmath(x, t):
    want_s, want_ls = _mp_softmax_t(x, t)
    s, ls = softmax(x, temperature=t), log_softmax(x, temperature=t)
    np.testing.assert_allclose(s, want_s, rtol=1e-14, atol=1e-300)
    finite = np.isfinite(want_ls)
    np.testing.assert_allclose(ls[finite], want_ls[finite], rtol=1e-14, atol=1e-300)
    assert (ls[~finite] == -np.inf).all()
    np.testing.assert_allclose(np.sum(s), 1.0, rtol=1e-15)


def test_log_softmax_dominant_entry_keeps_tiny_rest():
    out = log_softmax([-36.3, -27.09], temperature=0.108)
    assert out[1] != 0.0
    np.testing.assert_allclose(out[1], -9.2115281185202452771793406e-38, rtol=1e-14)
    # ties still give exactly −log(k)
    assert log_softmax([4.0, 4.0, 4.0, 4.0])[0] == -np.log(4.0)
    assert log_softmax([np.inf, 1.0, np.inf])[0] == -np.log(2.0)


def test_float32_extreme_temperatures_stay_float32():
    x = np.array([2.0, 3.0], np.float32)
    for t in (1e-308, 1e-50, 1e-40):  # below float32's range: 0 as a float32
        s, ls = softmax(x, temperature=t), log_softmax(x, temperature=t)
        assert s.dtype == ls.dtype == np.float32
        np.testing.assert_array_equal(s, [0.0, 1.0])
        np.testing.assert_array_equal(ls, [-np.inf, 0.0])
    for t in (1e300, 1e50):  # beyond float32's range: ∞ as a float32
        s = softmax(x, temperature=t)
        assert s.dtype == np.float32
        np.testing.assert_allclose(s, [0.5, 0.5], rtol=1e-6)
        assert s[1] >= s[0]
    big = np.array([3e38, -3e38], np.float32)  # the difference overflows float32
    s = softmax(big, temperature=1e38)
    assert s.dtype == np.float32
    np.testing.assert_allclose(s, _mp_softmax_t([3e38, -3e38], 1e38)[0], rtol=1e-6)


# Published cases: SciPy's scipy/special/tests (test_log_softmax.py, test_softmax.py); the
# expected values there were computed with mpmath at 200 digits.
SCIPY_ARANGE4 = [-3.4401896985611953, -2.4401896985611953, -1.4401896985611953,
                 -0.44018969856119533]  # fmt: skip


def test_scipy_published_cases():
    np.testing.assert_allclose(log_softmax(np.arange(4)), SCIPY_ARANGE4, rtol=1e-13)
    np.testing.assert_allclose(log_softmax(np.arange(4) + 100), SCIPY_ARANGE4, rtol=1e-13)
    np.testing.assert_allclose(log_softmax([1000, 1]), [0, -999], rtol=1e-13)
    x = [[1000.0, 1.0], [1000.0, 1.0]]
    np.testing.assert_allclose(log_softmax(x, axis=0), np.log(0.5) * np.ones((2, 2)), rtol=1e-13)
    np.testing.assert_allclose(log_softmax(x, axis=1), [[0, -999], [0, -999]], rtol=1e-13)
    np.testing.assert_allclose(softmax([1000, 0, 0, 0]), [1, 0, 0, 0], atol=1e-300)
    np.testing.assert_allclose(softmax([1, 1]), [0.5, 0.5], rtol=1e-15)
    np.testing.assert_allclose(softmax([[1000, 0], [1000, 0]], axis=0), 0.5, rtol=1e-15)
    np.testing.assert_allclose(softmax([[1000, 0], [1000, 0]], axis=1), [[1, 0], [1, 0]])
    np.testing.assert_allclose(np.exp(SCIPY_ARANGE4), softmax(np.arange(4)), rtol=1e-15)


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
