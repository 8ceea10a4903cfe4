"""From SymPy to NumPy: generated code for f and f′ with float64 semantics, kinks, LaTeX,
and the :class:`CustomActivation` that wraps them."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import numpy as np
import sympy as sp
from sympy.core.relational import Relational
from sympy.printing.numpy import NumPyPrinter

from activations.formula.derive import _Builder
from activations.formula.limits import DEFAULT_RANGE, LATEX_NODES, MAX_LATEX, PARAM_NAMES
from activations.formula.symbols import (
    _NAN_BRANCH,
    _NUMERIC,
    _PARAM_SYMBOLS,
    X,
    _drop_dirac,
    _replace,
    _size_exceeds,
    clip,
    fmax,
    fmin,
)
from activations.formula.text import parse
from activations.registry import Activation, Kernels, Param


def _floats_for_print(expr: sp.Expr) -> sp.Expr:
    """Exact numbers that NumPy cannot take as Python ints (beyond int64) become floats."""
    big = {
        r: sp.Float(float(Fraction(r.p, r.q))) if max(abs(r.p), r.q) < 2**1000 else sp.oo
        for r in expr.atoms(sp.Rational)
        if max(abs(r.p), r.q) > 2**53
    }
    return _replace(expr, big.get) if big else expr


_ARGS = (X, *_PARAM_SYMBOLS.values())


class _Printer(NumPyPrinter):
    """NumPy code printer whose Piecewise does not run ``simplify_logic`` on conditions that
    contain ITE (SymPy turns a comparison of a Piecewise into one); that can take seconds."""

    def _print_Piecewise(self, expr: sp.Piecewise) -> str:
        conds = ", ".join(self._print(arg.cond) for arg in expr.args)
        values = ", ".join(self._print(arg.expr) for arg in expr.args)
        select, nan = self._module_format("numpy.select"), self._print(sp.S.NaN)
        return f"{select}([{conds}], [{values}], default={nan})"

    def _print_Symbol(self, expr: sp.Symbol) -> str:
        if expr == _NAN_BRANCH:
            return self._module_format("numpy.nan")
        return super()._print_Symbol(expr)

    def _print_ITE(self, expr: Any) -> str:
        cond, then, other = (self._print(arg) for arg in expr.args)
        return f"{self._module_format('numpy.where')}({cond}, {then}, {other})"


def _lambdify(expr: Any) -> Callable[..., Any]:
    """Generated NumPy code for ``expr`` (no ``cse``: its rebuilding re-folds conditions)."""
    printer = _Printer(
        {
            "fully_qualified_modules": False,
            "inline": True,
            "allow_unknown_functions": True,
            "user_functions": {k: k for k in _NUMERIC},
        }
    )
    return sp.lambdify(_ARGS, expr, modules=[_NUMERIC, "numpy"], printer=printer, docstring_limit=0)


def _finish(out: Any, x: np.ndarray) -> np.ndarray:
    """Generated-code output -> array of x's shape and dtype, NaN wherever x is NaN."""
    out = np.asarray(out)
    if np.iscomplexobj(out):  # e.g. (-8)**(1/3) in Python arithmetic: NaN, as NumPy gives
        out = np.where(out.imag == 0, out.real, np.nan)
    out = np.broadcast_to(out, x.shape).astype(x.dtype, copy=True)
    nan = np.isnan(x)
    if nan.any():
        out[nan] = np.nan
    return out


def _limit_at_infinity(
    fun: Callable[..., Any], sign: float, dtype: np.dtype, values: list[float]
) -> float:
    """f(±∞) when ∞ arithmetic gives NaN (x·σ(x) is −∞·0 at −∞): the value at two huge
    arguments (1e300 and 1e150 in float64) if they agree, else NaN (sin(x) has no limit)."""
    exponent = int(np.log10(np.finfo(dtype).max)) - 8
    probe = sign * np.array([10.0**exponent, 10.0 ** (exponent // 2)], dtype=dtype)
    far, near = _finish(fun(probe, *values), probe)
    tol = 1e-9 if dtype == np.float64 else 1e-5
    if np.isfinite(far) and abs(far - near) <= tol * max(1.0, abs(far), abs(near)):
        return float(far)
    return math.nan


def _kernels(
    f_code: Callable[..., Any], g_code: Callable[..., Any]
) -> tuple[Callable[..., np.ndarray], Callable[..., np.ndarray], Callable[..., Any]]:
    """Registry-style kernels (f, f′, (f, f′)) from generated code: float array in, same shape
    and dtype out; NaN where x is NaN; f′ is NaN where f is (log(−1 − x²) has no slope);
    limits at ±∞ where NumPy's ∞ arithmetic gives NaN (x·σ(x) is −∞·0 at −∞)."""

    def run(code: Callable[..., Any], x: np.ndarray, params: dict[str, float]) -> np.ndarray:
        # 0-d arrays, not Python floats: NumPy semantics (0**-1 is inf, not ZeroDivisionError)
        # and no float64 promotion of float32 inputs
        values = [np.asarray(params.get(n, 0.0), dtype=x.dtype) for n in PARAM_NAMES]
        out = _finish(code(x, *values), x)
        for sign in (-1.0, 1.0):
            bad = (x == sign * np.inf) & np.isnan(out)
            if bad.any():
                out[bad] = _limit_at_infinity(code, sign, x.dtype, values)
        return out

    def f(x: np.ndarray, **params: float) -> np.ndarray:
        return run(f_code, x, params)

    def vg(x: np.ndarray, **params: float) -> tuple[np.ndarray, np.ndarray]:
        value, slope = run(f_code, x, params), run(g_code, x, params)
        slope[np.isnan(value)] = np.nan
        return value, slope

    def g(x: np.ndarray, **params: float) -> np.ndarray:
        return vg(x, **params)[1]

    return f, g, vg


_MAX_PIECES = 32  # smooth pieces tried per switch expression when looking for kinks


def _pieces(expr: sp.Expr) -> list[sp.Expr]:
    """The smooth pieces of ``expr``: every max/min/clip/abs/sign/Piecewise inside replaced
    by each of its branches in turn (at most :data:`_MAX_PIECES` combinations)."""
    node = next(
        (
            n
            for n in sp.preorder_traversal(expr)
            if isinstance(n, sp.Piecewise | fmax | fmin | clip | sp.Abs | sp.sign)
        ),
        None,
    )
    if node is None:
        return [expr]
    if isinstance(node, sp.Piecewise):
        choices = [pair.expr for pair in node.args]
    elif isinstance(node, sp.Abs):
        choices = [node.args[0], -node.args[0]]
    elif isinstance(node, sp.sign):
        choices = [sp.S.NegativeOne, sp.S.Zero, sp.S.One]
    else:
        choices = list(node.args)
    out: list[sp.Expr] = []
    for choice in choices:
        out += _pieces(_replace(expr, {node: choice}.get))
        if len(out) >= _MAX_PIECES:
            break
    return out[:_MAX_PIECES]


def _kink_finder(expr: sp.Expr) -> Callable[..., tuple[float, ...]]:
    """Kinks: zeros of the switch expressions (the two sides of a condition, max/min/clip
    arguments, abs/sign arguments) whose smooth pieces are polynomials in x of degree ≤ 4.
    A root counts if the switch expression itself vanishes there. Switches that are not
    piecewise polynomial (e.g. sigmoid(x) > 0.5) are not found."""
    switches = [r.lhs - r.rhs for r in expr.atoms(Relational)]
    for node in expr.atoms(fmax, fmin):
        switches.append(node.args[0] - node.args[1])
    for node in expr.atoms(clip):
        switches += [node.args[0] - node.args[1], node.args[0] - node.args[2]]
    switches += [node.args[0] for node in expr.atoms(sp.Abs, sp.sign)]
    switches = [s for s in dict.fromkeys(switches) if s.has(X)]
    owners, coeff_lists = [], []
    for i, switch in enumerate(switches):
        for piece in _pieces(switch):
            try:
                poly = sp.Poly(piece, X)
            except sp.PolynomialError:
                continue
            coeffs = poly.all_coeffs()
            if 1 <= poly.degree() <= 4 and not any(c.has(X) for c in coeffs):
                owners.append(i)
                coeff_lists.append(coeffs)
    if not coeff_lists:
        return lambda **_: ()
    coeffs_of = _lambdify(coeff_lists)
    switches_at = _lambdify(switches)

    def kinks(**params: float) -> tuple[float, ...]:
        values = [params.get(n, 0.0) for n in PARAM_NAMES]
        found: set[float] = set()
        with np.errstate(all="ignore"):
            for owner, coeffs in zip(owners, coeffs_of(0.0, *values), strict=True):
                coeffs = np.asarray(coeffs, dtype=float)
                if not np.all(np.isfinite(coeffs)):
                    continue
                roots = np.roots(coeffs)
                roots = roots.real[np.abs(roots.imag) <= 1e-9 * np.maximum(1.0, np.abs(roots))]
                if roots.size == 0:
                    continue
                residual = np.abs(np.broadcast_to(switches_at(roots, *values)[owner], roots.shape))
                scale = 1.0 + np.max(np.abs(coeffs))
                ok = residual <= 1e-8 * scale * (1.0 + np.abs(roots)) ** (len(coeffs) - 1)
                found.update(float(r) + 0.0 for r in roots[ok])
        return tuple(sorted(found))

    return kinks


def _latex_or_note(expr: sp.Expr, lhs: str) -> str:
    """``lhs = <LaTeX>``, or a placeholder when the LaTeX would be too long to read."""
    tex = None if _size_exceeds(expr, LATEX_NODES) else sp.latex(expr)
    if tex is None or len(tex) > MAX_LATEX:
        return rf"{lhs} = \text{{(too long to display)}}"
    return f"{lhs} = {tex}"


def _nice_step(lo: float, hi: float) -> float:
    """A 1-2-5 step giving about 100 slider positions."""
    raw = (hi - lo) / 100
    if not raw > 0:
        return 0.01
    power = 10.0 ** math.floor(math.log10(raw))
    return next(m * power for m in (1, 2, 5, 10) if m * power >= raw)


def short_text(text: str, limit: int = 40) -> str:
    """The formula on one line, cut to ``limit`` characters (for legends and labels)."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _kink_slopes(
    finder: Callable[..., tuple[float, ...]], grad: Callable[..., np.ndarray]
) -> Callable[..., dict[float, float]]:
    """``kink_slopes`` of a formula: the kinks the finder lists, with f′ there as computed."""

    def kink_slopes(**params: float) -> dict[float, float]:
        points = finder(**params)
        if not points:
            return {}
        with np.errstate(all="ignore"):
            slopes = grad(np.array(points, dtype=np.float64), **params)
        return dict(zip(points, slopes.tolist(), strict=True))

    return kink_slopes


@dataclass(frozen=True, kw_only=True)
class CustomActivation(Activation):
    """An :class:`Activation` defined by a formula (name ``"custom"``); usable wherever a
    registry entry is. Extra fields: ``text`` (the formula), ``ranges`` ((name, default,
    min, max) for each parameter the formula uses), ``expression`` and ``derivative`` (SymPy).
    Pickling and copying re-parse the formula (the compiled functions are not picklable)."""

    text: str = ""
    ranges: tuple[tuple[str, float, float, float], ...] = ()
    expression: Any = field(default=None, repr=False, compare=False)
    derivative: Any = field(default=None, repr=False, compare=False)

    def __reduce__(self) -> tuple[Any, ...]:
        from activations.formula import parse_formula  # the package's cached entry point

        return (parse_formula, (self.text, {n: (d, lo, hi) for n, d, lo, hi in self.ranges}))


def compile_formula(
    text: str, ranges: tuple[tuple[str, float, float, float], ...]
) -> CustomActivation:
    """Parse, check, differentiate and compile ``text`` (no caching, no time bound: see
    :func:`activations.formula.parse_formula`)."""
    tree, flat, lead = parse(text)
    builder = _Builder(flat, lead)
    expr, grad = builder.number(tree.body)
    grad = sp.S.NaN if expr is sp.S.NaN else _drop_dirac(grad)  # sizes checked per node
    f_num, g_num = _floats_for_print(expr), _floats_for_print(grad)
    given = dict((n, (d, lo, hi)) for n, d, lo, hi in ranges)
    used = [n for n in PARAM_NAMES if n in builder.used]
    params = []
    for n in used:
        d, lo, hi = given.get(n, DEFAULT_RANGE)
        params.append(Param(n, d, lo, hi, f"parameter {n} of the formula", _nice_step(lo, hi)))
    f_kernel, g_kernel, vg_kernel = _kernels(_lambdify(f_num), _lambdify(g_num))
    return CustomActivation(
        name="custom",
        label=f"Custom: {short_text(text)}",
        params=tuple(params),
        formula=_latex_or_note(expr, "f(x)"),
        grad_formula=_latex_or_note(grad, "f'(x)"),
        note=(
            f"Your formula f(x) = {' '.join(text.split())}. The derivative is exact (SymPy); "
            "at kinks it takes the slope of the branch whose condition holds (max/min: the "
            "first argument on ties; clip: 0 at the ends)."
        ),
        kernels=Kernels(f_kernel, g_kernel, vg_kernel),
        kink_slopes=_kink_slopes(_kink_finder(expr), g_kernel),
        text=text,
        ranges=tuple((n, *given.get(n, DEFAULT_RANGE)) for n in used),
        expression=expr,
        derivative=grad,
    )
