"""Hypothesis fuzzing of the formula parser: random token soups and random valid trees.

Every input must either raise :class:`FormulaError` (one line) or give a working activation,
within the time budget and without warnings. Random valid trees must parse (or hit a named
resource limit), and their derivative must equal SymPy's own ``diff`` of the same expression.
The number of inputs tried is written to the terminal at the end of the module.
"""

from __future__ import annotations

import time
import warnings
from collections import Counter

import numpy as np
import pytest
import sympy as sp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import activations
from activations import formula as F
from activations.formula import FormulaError, compiler, parse_formula, symbols

COUNTS: Counter[str] = Counter()
X_GRID = np.concatenate([np.linspace(-5.0, 5.0, 41), [-np.inf, np.inf, np.nan, 1e300]])
LIMITS = ("too long", "too large", "nested more than", "too slow", "more than", "exponent")
FUZZ = dict(
    derandomize=True,  # deterministic: the same inputs on every run
    database=None,
    deadline=None,  # each case is bounded by the parser's own time budget, checked below
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@pytest.fixture(scope="module", autouse=True)
def report_counts(request):
    yield
    line = (
        f"formula fuzz: {COUNTS['soup']} token soups tried ({COUNTS['soup ok']} parsed), "
        f"{COUNTS['tree']} random trees tried ({COUNTS['tree ok']} parsed, "
        f"{COUNTS['tree checked']} derivatives compared with sympy.diff)"
    )
    reporter = request.config.pluginmanager.get_plugin("terminalreporter")
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    if reporter is not None and capture is not None:  # not under xdist workers
        with capture.global_and_fixture_disabled():
            reporter.write_line(line)
    print(line)  # shown with -s, and in the report of a failing run


def parse_or_error(text: str) -> F.CustomActivation | None:
    """Parse within the budget; None for a FormulaError (checked to be one short line)."""
    start = time.perf_counter()
    try:
        act = parse_formula(text)
    except FormulaError as err:
        assert "\n" not in str(err) and 0 < len(str(err)) < 300, str(err)
        assert "internal error" not in str(err), (text, str(err))
        act = None
    assert time.perf_counter() - start < F.TIME_BUDGET + 2.0, text
    return act


def check_evaluates(act: F.CustomActivation) -> tuple[np.ndarray, np.ndarray]:
    params = {p.name: p.min + 0.3 * (p.max - p.min) for p in act.params}
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        f, g = act.value_and_grad(X_GRID, **params)
        f32 = act.fn(X_GRID[:-1].astype(np.float32), **params)
        kinks = act.kinks(**params)
    assert f.shape == g.shape == X_GRID.shape and f.dtype == g.dtype == np.float64
    assert f32.dtype == np.float32
    assert np.isnan(f[-2]) and np.isnan(g[-2])  # NaN in, NaN out
    assert np.isnan(g[np.isnan(f)]).all()  # no slope where there is no value
    assert all(np.isfinite(k) for k in kinks)
    return f, g


# ----------------------------------------------------------------------------- valid trees
# Formulas grown from the grammar (every function, operator and conditional).

ONE_ARG = sorted(
    {"exp", "log", "log1p", "expm1", "sqrt", "abs", "sign", "sin", "cos", "tan", "atan"}
    | {"sinh", "cosh", "tanh", "erf", "sigmoid", "softplus", *F.registry_ids_in_formulas()}
)
WITH_PARAMS = sorted(n for n in F.registry_ids_in_formulas() if activations.get(n).params)

leaves = st.one_of(
    st.sampled_from(["x", "x", "x", "a", "b", "c", "pi", "e"]),
    st.integers(0, 9).map(str),
    st.floats(0.0, 10.0, allow_nan=False).map(lambda v: f"{v:.3g}"),
)


def extend(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.one_of(
        st.tuples(children, st.sampled_from(["+", "-", "*", "/"]), children).map(
            lambda t: f"({t[0]} {t[1]} {t[2]})"
        ),
        st.tuples(children, st.integers(-3, 4)).map(lambda t: f"({t[0]})**{t[1]}"),
        st.tuples(children, children).map(lambda t: f"({t[0]})**({t[1]})"),
        children.map(lambda s: f"(-{s})"),
        st.tuples(st.sampled_from(ONE_ARG), children).map(lambda t: f"{t[0]}({t[1]})"),
        st.tuples(
            st.sampled_from(WITH_PARAMS), children, st.floats(0.1, 2.0).map(lambda v: f"{v:.3g}")
        ).map(lambda t: f"{t[0]}({t[1]}, {t[2]})"),
        st.tuples(st.sampled_from(["max", "min"]), st.lists(children, min_size=2, max_size=3)).map(
            lambda t: f"{t[0]}({', '.join(t[1])})"
        ),
        st.tuples(
            children, st.sampled_from(["<", "<=", ">", ">="]), children, children, children
        ).map(lambda t: f"where({t[0]} {t[1]} {t[2]}, {t[3]}, {t[4]})"),
        st.tuples(children, children, children).map(lambda t: f"clip({t[0]}, {t[1]}, {t[2]})"),
        st.tuples(children, children, children, children).map(
            lambda t: f"piecewise({t[0]} < 0, {t[1]}, x > 1, {t[2]}, {t[3]})"
        ),
    )


trees = st.recursive(leaves, extend, max_leaves=10)


# ----------------------------------------------------------------------------- token soups
# Random tokens, random text, and valid formulas with a few tokens inserted or overwritten.

TOKENS = [
    *["x", "a", "b", "c", "pi", "e", "0", "1", "2", "9", "2.5", "1e-3", "1e99"],
    *["(", ")", ",", "+", "-", "*", "/", "**", "^", "<", "<=", ">", ">=", "==", "and", "or"],
    *["not", "__import__", "lambda", ":", ".", "__class__", "[", "]", "'", '"', "if", "else"],
    *["for", "in", "=", "@", "%", "j", "_", "#", ";", "\\", "{", "}"],
    *F.function_names(),
    "9**9**9",
    "x**9**9",
    "(" * 20,
    ")" * 20,
    " ",
    "\n",
    "\t",
    "\x00",
    "х",  # Cyrillic
    "ｘ",  # fullwidth
    "１",
    "\u2212",
    "π",
    "𝑥",
]


def mutate(text: str, edits: list[tuple[int, int, str]]) -> str:
    """Insert or overwrite tokens at a few positions of a valid formula."""
    for position, width, token in edits:
        i = position % (len(text) + 1)
        text = text[:i] + token + text[i + width :]
    return text


near_valid = st.tuples(
    trees,
    st.lists(
        st.tuples(st.integers(0, 10**6), st.integers(0, 2), st.sampled_from(TOKENS)),
        min_size=1,
        max_size=3,
    ),
).map(lambda t: mutate(*t))

soups = st.one_of(
    near_valid,
    st.tuples(st.lists(st.sampled_from(TOKENS), max_size=60), st.sampled_from(["", " "])).map(
        lambda t: t[1].join(t[0])
    ),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=80),
    st.text(alphabet="xabce0123456789()+-*/<>=.,^ ", max_size=120),
)


@settings(max_examples=400, **FUZZ)
@given(soups)
def test_token_soups_give_an_error_or_a_working_activation(text):
    COUNTS["soup"] += 1
    act = parse_or_error(text)
    if act is not None:
        COUNTS["soup ok"] += 1
        check_evaluates(act)


def sympy_derivative(act: F.CustomActivation):
    """Reference derivative: SymPy's diff of the expression, Dirac deltas (sign') as 0."""
    reference = sp.diff(act.expression, symbols.X)
    reference = reference.replace(lambda e: isinstance(e, sp.DiracDelta), lambda e: sp.S.Zero)
    return compiler._lambdify(compiler._floats_for_print(reference))


@settings(max_examples=150, **FUZZ)
@given(trees)
def test_random_valid_trees_parse_and_their_derivative_equals_sympy_diff(text):
    COUNTS["tree"] += 1
    try:
        act = parse_formula(text)
    except FormulaError as err:
        assert any(part in str(err) for part in LIMITS), (text, str(err))
        return
    COUNTS["tree ok"] += 1
    check_evaluates(act)
    if symbols._size_exceeds(act.expression, 150):
        return  # SymPy's diff re-differentiates shared subtrees: keep the reference cheap
    COUNTS["tree checked"] += 1
    params = {p.name: p.min + 0.3 * (p.max - p.min) for p in act.params}
    values = [params.get(n, 0.0) for n in F.PARAM_NAMES]
    x = X_GRID[np.isfinite(X_GRID)]
    with np.errstate(all="ignore"):
        expected = np.broadcast_to(np.asarray(sympy_derivative(act)(x, *values)), x.shape)
    got = act.grad(x, **params)
    both = np.isfinite(expected) & np.isfinite(got) & np.isfinite(act.fn(x, **params))
    error = np.abs(got[both] - expected[both])
    assert np.all(error <= 1e-7 * np.maximum(1.0, np.abs(expected[both]))), (text, x[both])
