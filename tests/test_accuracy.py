"""Accuracy against mpmath (60+ digits) and agreement with PyTorch where PyTorch is right.

Reference data live in tests/data/ with the scripts that regenerate them:
- mpmath_reference.npz  (make_mpmath_reference.py): f and f′ on a dense grid, |x| ≤ 1e300,
  at 80 digits;
- torch_reference.npz   (make_torch_reference.py): PyTorch 2.13 values and autograd
  derivatives at PyTorch's own test points, float32 and float64. torch is not needed here.
"""

from __future__ import annotations

import importlib.util
from functools import cache
from pathlib import Path

import numpy as np
import pytest

import activations

DATA = Path(__file__).with_name("data")

pytestmark = pytest.mark.filterwarnings("error")


def _load_reference_module():
    spec = importlib.util.spec_from_file_location("mpref", DATA / "make_mpmath_reference.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


MPREF = _load_reference_module()


def _parse(row: str) -> tuple[str, str, dict[str, float]]:
    key, name, ps = row.split(";")
    return key, name, {k: float(v) for k, v in (kv.split("=") for kv in ps.split(",") if kv)}


@cache
def _npz(name: str) -> dict[str, np.ndarray]:
    with np.load(DATA / name) as z:
        return {k: z[k] for k in z.files}


MP_CASES = [_parse(str(r)) for r in _npz("mpmath_reference.npz")["cases"]]
TORCH_CASES = [_parse(str(r)) for r in _npz("torch_reference.npz")["cases"]]


def _near_zero_crossing(x: np.ndarray, ref: np.ndarray, width: float = 0.2) -> np.ndarray:
    """Points within ``width`` of a root of the reference away from 0 (x sorted): a sign
    change between neighbours, or an exact zero such as hard_swish′(−1.5). The root f(0) = 0
    of most activations is not one: there they keep full relative accuracy."""
    s = np.sign(ref)
    change = np.flatnonzero(s[:-1] * s[1:] < 0)
    roots = np.concatenate([0.5 * (x[change] + x[change + 1]), x[(s == 0) & (x != 0)]])
    if roots.size == 0:
        return np.zeros(x.shape, bool)
    return np.min(np.abs(x[:, None] - roots[None, :]), axis=1) < width


# ----------------------------------------------------------------------------- mpmath grid


@pytest.mark.parametrize(("key", "name", "params"), MP_CASES, ids=[c[0] for c in MP_CASES])
@pytest.mark.parametrize("which", ["f", "grad"])
def test_mpmath_grid(key, name, params, which):
    """Relative error ≤ 1e-14 for |x| ≤ 5 and ≤ 1e-12 in the tails (every reference value
    ≥ 1e-300); within 0.2 of a zero of the reference other than x = 0 (silu′ at −1.28,
    gelu′ at −0.75), where relative error means nothing, absolute error ≤ 1e-15; results
    below 1e-300 within 1e-300. The cases cover every parameter at its minimum, default and
    maximum (the README's accuracy paragraph quotes these bounds)."""
    d = _npz("mpmath_reference.npz")
    x = d[f"{key}/x"]
    ref = d[f"{key}/f" if which == "f" else f"{key}/g"]
    act = activations.get(name)
    ours = act.fn(x, **params) if which == "f" else act.grad(x, **params)
    err = np.abs(ours - ref)
    normal = np.abs(ref) >= 1e-300
    rel = np.divide(err, np.abs(ref), out=np.zeros_like(err), where=normal)
    crossing = _near_zero_crossing(x, ref)
    core = np.abs(x) <= 5
    bad_core = core & normal & ~crossing & (rel > 1e-14)
    bad_tail = ~core & normal & ~crossing & (rel > 1e-12)
    bad_cross = crossing & (err > 1e-15)
    bad_small = ~normal & (err > 1e-300)  # tiny results: only subnormal rounding allowed
    for label, bad in (("core", bad_core), ("tail", bad_tail), ("zero crossing", bad_cross)):
        assert not bad.any(), (label, x[bad][:5], ours[bad][:5], ref[bad][:5], rel[bad][:5])
    assert not bad_small.any(), (x[bad_small][:5], ours[bad_small][:5], ref[bad_small][:5])


def test_mpmath_data_is_current():
    """The committed reference agrees with the generator's formulas (guards stale data)."""
    d = _npz("mpmath_reference.npz")
    rng = np.random.default_rng(7)
    for key, name, params in MP_CASES:
        x = d[f"{key}/x"]
        idx = rng.choice(x.size, 6, replace=False)
        f, g = MPREF.evaluate(name, params, x[idx])
        np.testing.assert_array_equal(f, d[f"{key}/f"][idx], err_msg=key)
        np.testing.assert_array_equal(g, d[f"{key}/g"][idx], err_msg=key)


def _random_params(act, rng) -> dict[str, float]:
    while True:
        p = {q.name: float(rng.uniform(q.min, q.max)) for q in act.params}
        try:
            return act.check_params(**p)
        except ValueError:  # hard_tanh with min_val ≥ max_val
            continue


@pytest.mark.parametrize("name", activations.names())
def test_mpmath_random_points_and_params(name):
    """Every id (piecewise ones too) at random parameters and points, live against mpmath:
    values and derivatives within 4 ulp, or 1e-15 absolute where the result is small."""
    act = activations.get(name)
    rng = np.random.default_rng(abs(hash(name)) % 2**32)
    for _ in range(4):
        params = _random_params(act, rng)
        x = np.concatenate([rng.uniform(-8, 8, 30), rng.standard_normal(10) * 40])
        kinks = np.array([*act.kinks(**params), np.inf])
        x = x[np.min(np.abs(x[:, None] - kinks[None, :]), axis=1) > 1e-9]
        f_ref, g_ref = MPREF.evaluate(name, params, x)
        f, g = act.value_and_grad(x, **params)
        np.testing.assert_allclose(f, f_ref, rtol=1e-15 * 4, atol=1e-15, err_msg=str(params))
        np.testing.assert_allclose(g, g_ref, rtol=1e-15 * 4, atol=1e-15, err_msg=str(params))


# ----------------------------------------------------------------------------- float32


@pytest.mark.parametrize("name", activations.names())
def test_float32_error_bounded_by_conditioning(name):
    """float32 results are as good as float32 allows: |error| ≤ 8·ε₃₂·(|f| + |x·f′|), i.e. a
    few ulps, plus what the function's own condition number makes of input-sized rounding;
    results within 1000× of the smallest normal float32 may lose digits (x·σ(x) with σ
    subnormal, 0 for σ below 1e−45). The float64 result (checked above) is the truth at the
    float32 points."""
    act = activations.get(name)
    with np.errstate(over="ignore"):
        x32 = np.unique(
            np.concatenate([np.linspace(-12, 12, 4801), np.geomspace(1e-30, 1e4, 400)]).astype(
                np.float32
            )
        )
    x32 = np.concatenate([-x32[::-1], x32])
    x64 = x32.astype(np.float64)
    eps = float(np.finfo(np.float32).eps)
    tiny = float(np.finfo(np.float32).tiny)
    for ps in ({}, *({p.name: p.max} for p in act.params if p.name != "min_val")):
        f64, g64 = act.value_and_grad(x64, **ps)
        f32, g32 = act.value_and_grad(x32, **ps)
        # f″ by differences of the exact f′, for the conditioning of f′
        h = 1e-6 * np.maximum(1.0, np.abs(x64))
        d2 = np.abs(act.grad(x64 + h, **ps) - act.grad(x64 - h, **ps)) / (2 * h)
        kinks = np.array([*act.kinks(**ps), np.inf])
        away = np.min(np.abs(x64[:, None] - kinks[None, :]), axis=1) > 1e-5
        for got, want, slope in ((f32, f64, g64), (g32, g64, d2)):
            with np.errstate(over="ignore"):
                want32_ok = np.abs(want) < 3e38
            bound = 8 * eps * (np.abs(want) + np.abs(x64 * slope)) + 1e3 * tiny
            err = np.abs(got.astype(np.float64) - want)
            bad = away & want32_ok & ~(err <= bound)
            assert not bad.any(), (ps, x64[bad][:5], got[bad][:5], want[bad][:5])


# ----------------------------------------------------------------------------- PyTorch


def _mp_truth(name: str, params: dict[str, float], x: np.ndarray, which: str) -> np.ndarray:
    f, g = MPREF.evaluate(name, params, x)
    return f if which == "f" else g


@pytest.mark.parametrize(("key", "name", "params"), TORCH_CASES, ids=[c[0] for c in TORCH_CASES])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_agrees_with_pytorch_or_pytorch_is_wrong(key, name, params, dtype):
    """Values and autograd derivatives agree with PyTorch (float64: 1e-13 relative, float32:
    2e-6, differences below 1e-200 / 1e-30 ignored as tail underflow), except:

    - NaN input: PyTorch's autograd returns the one-sided slope of piecewise functions
      (relu′(NaN) = 1) and heaviside(NaN) = 0; we return NaN (NaN in, NaN out).
    - PyTorch gives NaN where the limit exists: gelu, silu, swish, mish, hard_swish, softsign
      and their derivatives at ±∞, gelu_tanh′ at |x| ≥ 1e20 (float32) / 1e200 (float64),
      gaussian′ at ±∞. We return the limit (tested in test_functions.py).
    - PyTorch is inaccurate: σ(1−σ) and 1−tanh² in float32, 1+erf for gelu at −3 and −6,
      x − tanh x near 0 in float32, softsign′ in float32 and at 1e20, hardsigmoid′ with a
      float32 1/6 in float64. At each such point mpmath must show that we are right and
      PyTorch is not.
    """
    d = _npz("torch_reference.npz")
    x = d[f"{key}/{dtype}/x"]
    act = activations.get(name)
    if dtype == "float64":
        rtol, atol, ours_rtol, ours_atol = 1e-13, 1e-200, 1e-14, 1e-16
    else:  # float32 conditioning: e.g. gelu_tanh(−6) = −6·σ(2u) with 2u ≈ −25
        rtol, atol, ours_rtol, ours_atol = 2e-6, 1e-30, 1e-5, 1e-7
    for which, ours in (("f", act.fn(x, **params)), ("g", act.grad(x, **params))):
        theirs = d[f"{key}/{dtype}/{which}"]
        assert ours.dtype == np.dtype(dtype)
        if name == "step" and which == "g":
            continue  # torch.heaviside has no derivative
        nan_in = np.isnan(x)
        assert np.isnan(ours[nan_in]).all()
        torch_nan = np.isnan(theirs) & ~nan_in
        if name != "sine":
            assert not np.isnan(ours[torch_nan]).any()
        check = ~nan_in & ~torch_nan
        with np.errstate(invalid="ignore"):
            close = np.isclose(ours, theirs, rtol=rtol, atol=atol)
        wrong = check & ~close
        assert not np.isinf(x[wrong]).any(), x[wrong]
        if wrong.any():
            xs = x[wrong].astype(np.float64)
            truth = _mp_truth(name, params, xs, which).astype(dtype).astype(np.float64)
            o = ours[wrong].astype(np.float64)
            t = theirs[wrong].astype(np.float64)
            np.testing.assert_allclose(o, truth, rtol=ours_rtol, atol=ours_atol, err_msg=which)
            assert (np.abs(t - truth) > np.abs(o - truth)).all(), (xs, o, t, truth)


def test_pytorch_reference_file():
    d = _npz("torch_reference.npz")
    assert str(d["torch_version"]).startswith("2.13")
    x = d["relu/float64/x"]
    for p in (0.001, 0.25, 1.0, np.pi / 2, 501.0, 1001.2, 13437.7, 4988429.2, 1e20, np.inf):
        assert p in x and -p in x
    assert np.isnan(x).any() and 0.0 in x
