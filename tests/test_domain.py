"""Where a formula is not a number (activations.domain.gaps)."""

from __future__ import annotations

import math

import pytest

import activations
from activations.domain import Gap, gaps
from activations.formula import parse_formula

INF = math.inf


@pytest.mark.parametrize(
    ("text", "f_gaps", "grad_gaps"),
    [
        ("x/0", [Gap("undefined", -INF, INF, False, False)], None),
        ("1/x", [Gap("infinite", 0.0, 0.0, True, True)], None),
        ("x**-1", [Gap("infinite", 0.0, 0.0, True, True)], None),
        (
            "log(x)",
            [Gap("undefined", -INF, 0.0, False, False), Gap("infinite", 0.0, 0.0, True, True)],
            None,
        ),
        (
            "sqrt(x)",
            [Gap("undefined", -INF, 0.0, False, False)],
            [Gap("undefined", -INF, 0.0, False, False), Gap("infinite", 0.0, 0.0, True, True)],
        ),
        ("0*x", [], []),
        ("exp(x)", [Gap("infinite", 709.783, INF, True, False)], None),
        ("1/(x-1)", [Gap("infinite", 1.0, 1.0, True, True)], None),
        (
            "sqrt(1-x**2)",
            [Gap("undefined", -INF, -1.0, False, False), Gap("undefined", 1.0, INF, False, False)],
            [
                Gap("undefined", -INF, -1.0, False, False),
                Gap("infinite", -1.0, -1.0, True, True),
                Gap("infinite", 1.0, 1.0, True, True),
                Gap("undefined", 1.0, INF, False, False),
            ],
        ),
        ("where(x > 0, log(x), 0)", [], []),
    ],
)
def test_gaps_of_formulas(text, f_gaps, grad_gaps):
    act = parse_formula(text)
    assert list(gaps(act)) == f_gaps
    assert list(gaps(act, "grad")) == (f_gaps if grad_gaps is None else grad_gaps)


def test_registry_has_no_gaps_at_any_parameter_extreme():
    for name in activations.names():
        act = activations.get(name)
        for p in [{}, *({q.name: v} for q in act.params for v in (q.min, q.max))]:
            try:
                p = act.check_params(**p)
            except ValueError:
                continue
            assert gaps(act, **p) == () and gaps(act, "grad", **p) == (), (name, p)


def test_gap_helpers():
    assert Gap("undefined", -INF, INF, False, False).everywhere
    assert Gap("infinite", 0.0, 0.0, True, True).is_point
    assert not Gap("undefined", -INF, 0.0, False, False).is_point
