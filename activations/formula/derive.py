"""From a checked syntax tree to SymPy: the expression and its exact derivative, node by node.

Derivatives are built alongside the expression (forward mode: ``sympy.diff`` would
differentiate ``u`` twice in ``u*Phi(u)``, 2^depth times when nested). Each function's partial
derivatives come from its SymPy form once (:func:`_partials`); registry activations use the
symbolic form of their entry (``Activation.symbolic``). Limits on literals, constant exponents
and expression size are checked at every node.
"""

from __future__ import annotations

import ast
import difflib
import functools
import math
from collections.abc import Callable
from fractions import Fraction
from typing import Any

import sympy as sp
from sympy.calculus.accumulationbounds import AccumulationBounds

import activations
from activations.formula.budget import Timeout
from activations.formula.errors import N_, FormulaError
from activations.formula.limits import (
    BIG_BITS,
    EXACT_LIMIT,
    MAX_EXPONENT,
    MAX_GRAD_SIZE,
    MAX_LITERAL,
    MAX_SIZE,
)
from activations.formula.symbols import (
    _PARAM_SYMBOLS,
    HELPERS,
    X,
    _and,
    _both_numbers,
    _drop_dirac,
    _or,
    _pw,
    _rel,
    _replace,
    _size_exceeds,
    clip,
    expm1,
    fmax,
    fmin,
    log1p,
    tanh,
)
from activations.formula.text import _column, _op_column

_CMPOPS: dict[type, Callable[[sp.Expr, sp.Expr], Any]] = {
    ast.Lt: sp.Lt,
    ast.LtE: sp.Le,
    ast.Gt: sp.Gt,
    ast.GtE: sp.Ge,
}


def _log(u: sp.Expr, base: sp.Expr | None = None) -> sp.Expr:
    if u.is_zero:
        return sp.S.NegativeInfinity  # NumPy's log(0); SymPy says zoo
    out = sp.log(u)
    return out if base is None else out / sp.log(base)


# name -> (min args, max args or None for any number, builder)
_MATH: dict[str, tuple[int, int | None, Callable[..., sp.Expr]]] = {
    "exp": (1, 1, sp.exp),
    "log": (1, 2, _log),
    "log1p": (1, 1, log1p),
    "expm1": (1, 1, expm1),
    "sqrt": (1, 1, sp.sqrt),
    "abs": (1, 1, sp.Abs),
    "sign": (1, 1, sp.sign),
    "sin": (1, 1, sp.sin),
    "cos": (1, 1, sp.cos),
    "tan": (1, 1, sp.tan),
    "atan": (1, 1, sp.atan),
    "sinh": (1, 1, sp.sinh),
    "cosh": (1, 1, sp.cosh),
    "tanh": (1, 1, tanh),
    "erf": (1, 1, sp.erf),
    "max": (2, None, lambda *u: functools.reduce(fmax, u)),
    "min": (2, None, lambda *u: functools.reduce(fmin, u)),
    "clip": (3, 3, clip),
}
_CONDITIONAL = ("where", "piecewise")


def registry_ids_in_formulas() -> tuple[str, ...]:
    """Registry ids callable in formulas: every entry with a symbolic form."""
    return tuple(n for n in activations.names() if activations.get(n).symbolic is not None)


def _registry_form(name: str) -> tuple[tuple[str, ...], Callable[..., sp.Expr]] | None:
    """(parameter names in registry order, SymPy builder f(u, *params)) of registry entry
    ``name``, or None if there is no such entry with a symbolic form."""
    if name not in activations.names() or (symbolic := activations.get(name).symbolic) is None:
        return None
    return tuple(p.name for p in activations.get(name).params), functools.partial(symbolic, HELPERS)


def function_names() -> tuple[str, ...]:
    """Every function a formula may call, sorted (math functions and registry ids)."""
    return tuple(sorted({*_MATH, *_CONDITIONAL, *registry_ids_in_formulas()}))


def _tame(expr: Any) -> Any:
    """Bring a freshly built node in line with float64: huge exact numbers become floats
    (±inf beyond the range), non-real or undefined constants become NaN."""
    if isinstance(expr, sp.Float):
        return sp.Float(float(expr))  # rounds to double; overflow gives ±oo
    if isinstance(expr, sp.Rational):
        p, q = expr.p, expr.q
        if max(p.bit_length(), q.bit_length()) <= BIG_BITS:
            return expr
        try:
            return sp.Float(float(Fraction(p, q)))
        except OverflowError:
            return sp.S.Infinity if p > 0 else sp.S.NegativeInfinity
    if not isinstance(expr, sp.Expr):
        return expr
    if expr.has(sp.S.ComplexInfinity, sp.I, AccumulationBounds):  # 1/0, sqrt(-x**2), sin(oo)
        bad = (sp.S.ComplexInfinity, sp.I)
        expr = _replace(
            expr, lambda e: sp.S.NaN if e in bad or isinstance(e, AccumulationBounds) else None
        )
    if expr.is_number and expr is not sp.S.NaN and expr.is_extended_real is False:
        return sp.S.NaN  # (-1)**(1/3), log(-2): NaN as in NumPy
    return expr


def _float_value(expr: sp.Expr) -> float:
    """The float64 value of a constant expression (NaN if it is not a real number)."""
    if isinstance(expr, sp.Rational | sp.Float) or expr in (sp.S.Infinity, sp.S.NegativeInfinity):
        try:
            return float(expr)
        except OverflowError:  # an exact number beyond float64 (up to BIG_BITS bits)
            return math.copysign(math.inf, expr.p)
    try:
        value = complex(expr.evalf(20))
    except (TypeError, ValueError, ArithmeticError):
        return math.nan
    return value.real if value.imag == 0 else math.nan


def _exact(value: float) -> sp.Expr:
    """1.0 -> 1 so that softplus(x) shows as softplus(x), not softplus(1.0 x)/1.0."""
    return sp.Integer(int(value)) if float(value).is_integer() else sp.Float(value)


def _is_constant(expr: Any) -> bool:
    return isinstance(expr, sp.Expr) and not expr.free_symbols


def _fold_arguments(values: list[sp.Expr]) -> list[sp.Expr]:
    """Constant arguments that are not plain numbers and exceed :data:`EXACT_LIMIT` are
    replaced by their float64 values: SymPy would otherwise evaluate e.g. exp(exp(exp(9)))
    symbolically (unbounded precision); NumPy's answer (inf) is the one plotted anyway. As
    every kept argument is small, the evalf here stays cheap."""
    if not all(_is_constant(v) for v in values):
        return values
    if all(isinstance(v, sp.Number) or abs(_float_value(v)) <= EXACT_LIMIT for v in values):
        return values
    return [v if isinstance(v, sp.Number) else sp.Float(_float_value(v)) for v in values]


# Partial derivatives of each function, computed once on dummy arguments:
# (name, number of arguments) -> (dummies, [∂f/∂t_i]).
_PARTIALS: dict[tuple[str, int], tuple[tuple[sp.Dummy, ...], list[sp.Expr]]] = {}


def _partials(name: str, builder: Callable[..., sp.Expr], n: int) -> Any:
    key = (name, n)
    if key not in _PARTIALS:
        ts = tuple(sp.Dummy(f"t{i}", real=True) for i in range(n))
        f = builder(*ts)
        _PARTIALS[key] = (ts, [_drop_dirac(sp.diff(f, t)) for t in ts])
    return _PARTIALS[key]


class _Builder:
    """Translate a whitelisted tree into SymPy, node by node, with the derivative in x built
    alongside (forward mode: each node is differentiated once, whereas ``sympy.diff`` of
    ``u*ndtr(u)`` differentiates ``u`` twice and nested calls cost 2^depth).

    ``build`` returns ``(expr, derivative, is_condition)``; conditions have no derivative.
    """

    def __init__(self, text: str, lead: int) -> None:
        self.text = text
        self.lead = lead
        self.used: set[str] = set()

    def col(self, node: ast.AST) -> int | None:
        return _column(node, self.lead)

    def number(self, node: ast.AST) -> tuple[sp.Expr, sp.Expr]:
        expr, deriv, is_cond = self.build(node)
        if is_cond:  # a condition used as a number: 1 where it holds, 0 elsewhere
            return _pw((1, expr), (0, True)), sp.S.Zero
        return expr, deriv

    def condition(self, node: ast.AST, where: str) -> Any:
        expr, _, is_cond = self.build(node)
        if not is_cond:
            raise FormulaError(
                N_("{where} needs a condition such as x > 0"), self.col(node), where=where
            )
        return expr

    def build(self, node: ast.AST) -> tuple[Any, Any, bool]:
        method = getattr(self, f"build_{type(node).__name__}")
        try:
            expr, deriv, is_cond = method(node)
        except (FormulaError, Timeout):
            raise
        except (ArithmeticError, TypeError, ValueError, NotImplementedError, AttributeError):
            raise FormulaError(
                N_("cannot evaluate this part of the formula"), self.col(node)
            ) from None
        # Functions such as gelu(u) = u·Φ(u) repeat their argument: nesting them grows the
        # tree exponentially (SymPy shares the subtrees, but traversals do not), so stop early.
        if _size_exceeds(expr, MAX_SIZE):
            raise FormulaError(
                N_("formula too large once expanded (more than {limit} terms)"),
                self.col(node),
                N_("nest fewer functions"),
                limit=MAX_SIZE,
            )
        if is_cond:
            return expr, None, True
        if _size_exceeds(deriv, MAX_GRAD_SIZE):
            raise FormulaError(
                N_("the derivative is too large (more than {limit} terms)"),
                self.col(node),
                limit=MAX_GRAD_SIZE,
            )
        expr = _tame(expr)
        deriv = sp.S.NaN if expr is sp.S.NaN else _tame(deriv)
        return expr, deriv, False

    def build_Expression(self, node: ast.Expression) -> tuple[Any, Any, bool]:
        return self.build(node.body)

    def build_Constant(self, node: ast.Constant) -> tuple[Any, Any, bool]:
        value = node.value
        if not abs(value) <= MAX_LITERAL:  # exact for ints; False for inf and NaN
            raise FormulaError(
                N_("number too large (the limit is {limit})"),
                self.col(node),
                limit=f"{MAX_LITERAL:g}",
            )
        expr = sp.Integer(value) if isinstance(value, int) else sp.Float(value)
        return expr, sp.S.Zero, False

    def build_Name(self, node: ast.Name) -> tuple[Any, Any, bool]:
        name = node.id
        if name == "x":
            return X, sp.S.One, False
        if name in _PARAM_SYMBOLS:
            self.used.add(name)
            return _PARAM_SYMBOLS[name], sp.S.Zero, False
        if name in ("pi", "e"):
            return (sp.pi if name == "pi" else sp.E), sp.S.Zero, False
        if name in _MATH or name in _CONDITIONAL or _registry_form(name) is not None:
            raise FormulaError(
                N_("'{name}' is a function"), self.col(node), N_("write {name}(x)"), name=name
            )
        raise FormulaError(
            N_("unknown name '{name}'"),
            self.col(node),
            N_("expressions may use x, a, b, c and the constants pi and e"),
            name=name,
        )

    def build_UnaryOp(self, node: ast.UnaryOp) -> tuple[Any, Any, bool]:
        if isinstance(node.op, ast.Not):
            return sp.Not(self.condition(node.operand, "'not'")), None, True
        u, du = self.number(node.operand)
        return (-u, -du, False) if isinstance(node.op, ast.USub) else (u, du, False)

    def build_BinOp(self, node: ast.BinOp) -> tuple[Any, Any, bool]:
        (u, du), (v, dv) = self.number(node.left), self.number(node.right)
        op = type(node.op)
        if op is ast.Add:
            return u + v, du + dv, False
        if op is ast.Sub:
            return u - v, du - dv, False
        if op is ast.Mult:
            return u * v, du * v + u * dv, False
        if op is ast.Div:
            return u / v, du / v - u * dv / v**2, False
        # Pow: SymPy evaluates constant integer powers eagerly, so bound the exponent first.
        if _is_constant(v) and v is not sp.S.NaN:
            size = abs(_float_value(v))
            if not size <= MAX_EXPONENT:
                shown = sp.sstr(v) if len(sp.sstr(v)) < 30 else "…"
                raise FormulaError(
                    N_("exponent {exponent} is too large (the limit is {limit})"),
                    _op_column(self.text, self.lead, node.left),
                    exponent=shown,
                    limit=MAX_EXPONENT,
                )
        power = u**v
        deriv = sp.S.Zero
        if du != 0:
            deriv += v * u ** (v - 1) * du
        if dv != 0:
            deriv += power * sp.log(u) * dv
        return power, deriv, False

    def build_BoolOp(self, node: ast.BoolOp) -> tuple[Any, Any, bool]:
        word = "'and'" if isinstance(node.op, ast.And) else "'or'"
        conds = [self.condition(v, word) for v in node.values]
        return (_and(*conds) if isinstance(node.op, ast.And) else _or(*conds)), None, True

    def build_Compare(self, node: ast.Compare) -> tuple[Any, Any, bool]:
        operands = [self.number(node.left)[0], *(self.number(c)[0] for c in node.comparators)]
        parts = []
        for op, lhs, rhs in zip(node.ops, operands, operands[1:], strict=False):
            if _is_constant(lhs) and _is_constant(rhs) and not _both_numbers(lhs, rhs):
                lhs, rhs = sp.Float(_float_value(lhs)), sp.Float(_float_value(rhs))  # as NumPy
            parts.append(_rel(_CMPOPS[type(op)], lhs, rhs))
        return _and(*parts), None, True

    def build_Call(self, node: ast.Call) -> tuple[Any, Any, bool]:
        assert isinstance(node.func, ast.Name)  # guaranteed by _check_tree
        name, col, args = node.func.id, self.col(node.func), node.args
        if name in _CONDITIONAL:
            return (*self.conditional(name, col, args), False)
        if (form := _registry_form(name)) is not None:
            param_names, builder = form
            self.arity(name, col, len(args), 1, 1 + len(param_names), ("x", *param_names))
            built = [self.number(a) for a in args]
            for arg, (value, _) in zip(args[1:], built[1:], strict=True):
                if value.has(X):
                    raise FormulaError(
                        N_("parameters of {name}() must not depend on x"), self.col(arg), name=name
                    )
            defaults = [_exact(p.default) for p in activations.get(name).params]
            built += [(d, sp.S.Zero) for d in defaults[len(built) - 1 :]]
        elif name in _MATH:
            lo, hi, builder = _MATH[name]
            self.arity(name, col, len(args), lo, hi, None)
            built = [self.number(a) for a in args]
        else:
            close = difflib.get_close_matches(name, function_names(), n=1)
            hint = N_("did you mean '{close}'?") if close else None
            raise FormulaError(
                N_("unknown function '{name}'"),
                col,
                hint,
                name=name,
                close=close[0] if close else "",
            )
        values = _fold_arguments([v for v, _ in built])
        if sp.S.NaN in values:
            return sp.S.NaN, sp.S.NaN, False
        # chain rule: f(u1, ..., un)' = sum of ∂f/∂t_i (at t = u) · u_i'
        ts, partials = _partials(name, builder, len(values))
        at = dict(zip(ts, values, strict=True))
        deriv = sp.S.Zero
        for partial, (_, du) in zip(partials, built, strict=True):
            if du != 0 and partial != 0:
                deriv += _replace(partial, at.get) * du
        return builder(*values), deriv, False

    def arity(self, name: str, col: int | None, n: int, lo: int, hi: int | None, sig: Any) -> None:
        if lo <= n and (hi is None or n <= hi):
            return
        if hi is None:
            what = N_("{name}() takes at least {lo} arguments, got {n}")
        elif lo == hi == 1:
            what = N_("{name}() takes 1 argument, got {n}")
        elif lo == hi:
            what = N_("{name}() takes {lo} arguments, got {n}")
        else:
            what = N_("{name}() takes {lo} to {hi} arguments, got {n}")
        hint = "{signature}" if sig else None  # code, not words: never translated
        signature = f"{name}({', '.join(sig)})" if sig else ""
        raise FormulaError(what, col, hint, name=name, lo=lo, hi=hi, n=n, signature=signature)

    def conditional(self, name: str, col: int | None, args: list[ast.expr]) -> tuple[Any, Any]:
        if name == "where":
            self.arity(name, col, len(args), 3, 3, ("condition", "u", "v"))
        elif len(args) < 3 or len(args) % 2 == 0:
            raise FormulaError(
                N_("piecewise() takes condition, value pairs and a last value, got {n} arguments"),
                col,
                N_("e.g. piecewise(x < 0, -x, x < 1, x**2, 1)"),
                n=len(args),
            )
        values, slopes = [], []
        for cond_node, value_node in zip(args[:-1:2], args[1:-1:2], strict=True):
            cond = self.condition(cond_node, f"{name}()")
            value, slope = self.number(value_node)
            values.append((value, cond))
            slopes.append((slope, cond))
        value, slope = self.number(args[-1])
        values.append((value, sp.true))
        slopes.append((slope, sp.true))
        return _pw(*values), _pw(*slopes)
