"""The JavaScript generated from each activation's symbolic form (activations/jscode.py), run
in Node, against the NumPy kernels on a dense grid.

Agreement (float64, both sides): for every registry entry at its default, smallest and
largest parameters, and for custom formulas, on 80 001 points of [−40, 40], ±10⁻³⁰⁰…10³⁰⁰,
the kinks and ±∞:

* NaN exactly where the kernels give NaN, ±∞ exactly where they give ±∞;
* otherwise |js − numpy| ≤ 1e-12·|numpy| + 1e-15: relative error at most 1e-12, and an
  absolute error of at most 1e-15 near the zeros of f and f′, where the symbolic form and the
  hand-tuned kernel cancel differently (x − tanh x, 1 − 1/cosh² x, the dip of GELU′).

The one exception, excluded below: GELU (tanh)'s f′ beyond |x| = 1e100, where x³ overflows
in the symbolic form (∞·0 = NaN); the kernel knows the limit. The browser never sees such x.
"""

from __future__ import annotations

import numpy as np
import pytest
from jsnode import NODE, evaluate

import activations
from activations.formula import parse_formula
from activations.jscode import activation_js

pytestmark = pytest.mark.skipif(NODE is None, reason="needs Node.js")

RTOL, ATOL = 1e-12, 1e-15

_GRID = np.linspace(-40.0, 40.0, 80_001)
_EXTREMES = np.concatenate(
    [
        np.logspace(-300, 300, 601),
        -np.logspace(-300, 300, 601),
        [0.0, -0.0, np.inf, -np.inf, np.nan, 700, -700, 710, -710, 745, -745, 37.5, -37.5],
    ]
)
X = np.concatenate([_GRID, _EXTREMES])


def _parameter_sets(act: activations.Activation) -> list[dict[str, float]]:
    sets = [act.defaults()]
    if act.params:
        for end in ("min", "max"):
            values = {p.name: getattr(p, end) for p in act.params}
            if act.name == "hard_tanh":  # min_val < max_val
                values = (
                    {"min_val": -5.0, "max_val": 0.0}
                    if end == "min"
                    else {
                        "min_val": 0.0,
                        "max_val": 5.0,
                    }
                )
            sets.append(act.check_params(**values))
    return sets


def _compare(label: str, x: np.ndarray, js: np.ndarray, ref: np.ndarray) -> float:
    """Assert the stated agreement; returns the largest relative error away from zeros."""
    ref = np.asarray(ref, dtype=np.float64)
    nan_js, nan_ref = np.isnan(js), np.isnan(ref)
    assert np.array_equal(nan_js, nan_ref), (label, x[nan_js != nan_ref][:5])
    inf = np.isinf(ref) | np.isinf(js)
    assert np.array_equal(js[inf], ref[inf]), (label, x[inf][js[inf] != ref[inf]][:5])
    ok = ~(nan_ref | inf)
    err = np.abs(js[ok] - ref[ok])
    bound = RTOL * np.abs(ref[ok]) + ATOL
    worst = np.argmax(err - bound)
    assert err[worst] <= bound[worst], (label, x[ok][worst], js[ok][worst], ref[ok][worst])
    away = np.abs(ref[ok]) > 1e-3
    return float((err[away] / np.abs(ref[ok][away])).max(initial=0.0))


def test_every_registry_entry_matches_its_kernels() -> None:
    jobs, cases = [], []
    for name in activations.names():
        act = activations.get(name)
        for params in _parameter_sets(act):
            x = X
            if name == "gelu_tanh":
                x = X[~(np.abs(X) > 1e100)]  # see the module docstring
            jobs.append((activation_js(name), x, [params[p.name] for p in act.params]))
            cases.append((act, params, x))
    worst = 0.0
    for (act, params, x), (f, g) in zip(cases, evaluate(jobs), strict=True):
        ref_f, ref_g = act.value_and_grad(x, **params)
        kinks = np.array(act.kinks(**params))
        worst = max(worst, _compare(f"{act.name} f {params}", x, f, ref_f))
        worst = max(worst, _compare(f"{act.name} f' {params}", x, g, ref_g))
        if kinks.size:  # f′ at a kink follows the registry's convention exactly
            _f, g_kinks = evaluate([(activation_js(act.name), kinks, list(params.values()))])[0]
            slopes = act.kink_slopes(**params)
            assert g_kinks.tolist() == [slopes[k] for k in kinks.tolist()], act.name
    assert worst < RTOL


FORMULAS = [
    ("x * sigmoid(b*x)", {"b": (1.5, 0.0, 5.0)}),
    ("where(x < 0, a*x, log1p(x))", {"a": (0.1, 0.0, 1.0)}),
    ("max(x, a*x)", {"a": (0.2, 0.0, 1.0)}),
    ("clip(x, -a, a) + erf(x)", {"a": (1.0, 0.1, 3.0)}),
    ("gelu(x) + elu(x, a)", {"a": (0.7, 0.1, 2.0)}),
    ("sign(x) * x**2 - abs(x)", {}),
    ("log(x)", {}),
    ("1/x + sqrt(x)", {}),
    ("piecewise(x < -1, -1, x < 1, x**3, 1)", {}),
    ("x**(1/3) + atan(x) + cosh(x/50)", {}),
    ("softplus(x) * tanh(x) + exp(-x**2) * sin(c*x)", {"c": (3.0, 0.0, 10.0)}),
]


@pytest.mark.parametrize(("text", "ranges"), FORMULAS)
def test_custom_formulas_match_their_kernels(text: str, ranges: dict) -> None:
    act = parse_formula(text, ranges)
    params = act.defaults()
    x = X[~(np.abs(X) > 1e100)]
    spec = activation_js(act)
    f, g = evaluate([(spec, x, [params[p.name] for p in act.params])])[0]
    ref_f, ref_g = act.value_and_grad(x, **params)
    _compare(f"{text} f", x, f, ref_f)
    _compare(f"{text} f'", x, g, ref_g)


def test_a_new_entry_needs_no_javascript() -> None:
    """An activation outside the registry's list (a toy entry with a symbolic form) gets its
    JavaScript from that form alone."""
    import dataclasses

    base = activations.get("swish")
    toy = dataclasses.replace(
        base,
        name="toy",
        symbolic=lambda s, u, beta: u * s.tanh(beta * u) + s.max(0, u),
    )
    spec = activation_js(toy)
    x = np.linspace(-5, 5, 101)
    f, g = evaluate([(spec, x, [2.0])])[0]
    np.testing.assert_allclose(f, x * np.tanh(2 * x) + np.maximum(0, x), rtol=1e-14, atol=1e-15)
    slope = np.tanh(2 * x) + 2 * x / np.cosh(2 * x) ** 2 + (x > 0)
    np.testing.assert_allclose(g, slope, rtol=1e-13, atol=1e-15)
