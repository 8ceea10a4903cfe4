"""Custom activations typed as formulas, parsed safely, with exact SymPy derivatives.

A formula is an expression in ``x`` with up to three parameters ``a``, ``b``, ``c``::

    >>> from activations.formula import parse_formula
    >>> act = parse_formula("x * sigmoid(b*x)", {"b": (1.0, 0.0, 5.0)})
    >>> act.fn([0.0, 1.0], b=2.0)                    # x·σ(2x)
    array([0.        , 0.88079708])
    >>> act.grad_formula                             # exact derivative, as LaTeX
    "f'(x) = b x \\sigma\\left(- b x\\right) \\sigma\\left(b x\\right) + ..."

Grammar (Python syntax, ASCII only):

* numbers (``2``, ``0.5``, ``1e-3``; magnitude at most :data:`MAX_LITERAL`), the names ``x``,
  ``a``, ``b``, ``c`` and the constants ``pi`` and ``e``;
* ``+ - * / **`` and unary ``-``; ``^`` is rejected with a hint to use ``**``;
* comparisons ``< <= > >=`` (chains such as ``0 < x < 1`` too) combined with ``and``, ``or``,
  ``not``; a comparison used as a number is 1 where it holds and 0 elsewhere;
* functions of :func:`function_names`: ``exp log log1p expm1 sqrt abs sign sin cos tan atan sinh
  cosh tanh erf sigmoid softplus``, ``log(u, base)``, ``max(u, v, ...)``, ``min(u, v, ...)``,
  ``clip(u, lo, hi)``, ``where(cond, u, v)``, ``piecewise(c1, u1, c2, u2, ..., otherwise)``, and
  every registry activation by id, e.g. ``relu(x)``, ``elu(x)`` (registry defaults) or
  ``leaky_relu(x, 0.2)``, ``elu(x, a)``: extra arguments are the registry parameters in registry
  order and must not depend on ``x``.

Derivatives are exact and symbolic, built node by node alongside the expression (forward mode:
``sympy.diff`` would differentiate ``u`` twice in ``u*Phi(u)``, 2^depth times when nested),
then compiled to NumPy with ``sympy.lambdify``; registry ids map to SymPy expressions that use
stable primitives (σ via ``expit``, softplus via ``logaddexp``, Φ via ``ndtr``, tanh′ = 1/cosh²).
Conventions at kinks reproduce NUMERICS.md for every registry id: ``max``/``min`` follow their
first argument on ties (so ``max(0, x)`` has slope 0 at 0 like ReLU, ``max(a*x, x)`` slope ``a``
like leaky ReLU); ``clip`` has slope 0 at both ends (like hard tanh); ``where`` and
``piecewise`` take the slope of the branch whose condition holds; ``abs'(0) = sign' = 0``.

Values follow NumPy's float64 arithmetic: a constant sub-expression that is not a real number
(``sqrt(-1)``, ``log(-2)``, ``1/0``, ``0/0``) is NaN, ``log(0)`` is -inf, values beyond float64
overflow to ±inf, and NaNs of non-constant parts (``log(-1 - x**2)``) appear at evaluation.
NaN in ``x`` gives NaN out; f′ is NaN wherever f is; at x = ±inf, where ∞ arithmetic gives NaN
(``x*sigmoid(x)`` is −∞·0), the value at ±1e300 is used if it agrees with the one at ±1e150.
``kinks()`` lists the zeros of switch expressions (conditions, max/min/clip/abs/sign arguments)
that are piecewise polynomials in x of degree ≤ 4: a superset of the points where f′ jumps.

Safety: the text is never passed to ``eval``, ``exec``, ``sympify`` or ``parse_expr``. It is
checked for length, characters (printable ASCII from a small set; look-alikes such as Cyrillic
``х`` or fullwidth ``ｘ`` are named and refused, never NFKC-normalised) and bracket depth,
parsed with ``ast.parse(mode="eval")``, walked with a whitelist of node types (counting nodes
and depth), and only then translated node by node into SymPy, with limits on literals,
constant exponents and expression size (checked at every node, as functions such as
``step(u)`` repeat their argument). All SymPy work (building, LaTeX, lambdify) runs under a
budget of :data:`TIME_BUDGET` seconds of CPU time (3x that of wall time) enforced by a
``sys.settrace`` hook (a debugger or coverage tracer is suspended while a formula is
parsed). Results, errors included, are cached per ``(text, params)`` (LRU, 256 entries).

Sharing: :func:`to_url` packs a formula and its parameter ranges into one string such as
``x*sigmoid(b*x);b=2.0:0.0:5.0`` for a query parameter; :func:`from_url` unpacks and validates
it; the page then calls :func:`parse_formula`.
"""

from __future__ import annotations

import ast
import contextlib
import difflib
import functools
import io
import itertools
import math
import sys
import time
import tokenize
import unicodedata
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import numpy as np
import sympy as sp
from scipy import special
from sympy.calculus.accumulationbounds import AccumulationBounds
from sympy.codegen import cfunctions
from sympy.core.basic import Basic
from sympy.core.containers import Tuple
from sympy.core.logic import fuzzy_and
from sympy.core.relational import Relational
from sympy.functions.elementary.piecewise import ExprCondPair
from sympy.printing.numpy import NumPyPrinter

from activations._functions import SELU_ALPHA, SELU_SCALE
from activations.registry import Activation, Param
from activations.registry import get as _registry_get
from activations.registry import names as _registry_names

__all__ = [
    "DEFAULT_RANGE",
    "MAX_DEPTH",
    "MAX_EXPONENT",
    "MAX_GRAD_SIZE",
    "MAX_LENGTH",
    "MAX_LITERAL",
    "MAX_NODES",
    "MAX_SIZE",
    "PARAM_NAMES",
    "REGISTRY_UNSUPPORTED",
    "TIME_BUDGET",
    "CustomActivation",
    "FormulaError",
    "from_url",
    "function_names",
    "parse_formula",
    "registry_ids_in_formulas",
    "short_text",
    "to_url",
]

MAX_LENGTH = 500  # characters of formula text, checked before anything else
MAX_NODES = 200  # syntax-tree nodes (names, numbers, operators, calls)
MAX_DEPTH = 40  # nesting depth of the syntax tree, and of brackets (checked before parsing)
MAX_EXPONENT = 100  # |p| for a constant exponent in u**p (SymPy expands integer powers eagerly)
MAX_LITERAL = 1e100  # |number| written in the formula
MAX_SIZE = 2000  # nodes of the SymPy expression f (registry ids like step(u) repeat u)
MAX_GRAD_SIZE = 5000  # nodes of the SymPy expression f′
TIME_BUDGET = 2.0  # CPU seconds of SymPy work (build, LaTeX, lambdify) per formula
MAX_LATEX = 4000  # characters of LaTeX shown; longer formulas get a placeholder
_LATEX_NODES = 1000  # larger expressions are not even printed (their LaTeX is far too long)
PARAM_NAMES = ("a", "b", "c")
DEFAULT_RANGE = (1.0, -5.0, 5.0)  # (default, min, max) of a parameter not given a range

_BIG_BITS = 1100  # exact integers beyond ~1e330 become floats (i.e. ±inf), like NumPy's
_EXACT_LIMIT = 1e6  # constant function arguments larger than this are folded to float64


def N_(template: str) -> str:
    """Mark an English message template for the app's translation catalogue (Babel extracts
    ``N_`` calls from this file; i18n/babel.cfg) and return it unchanged: the library itself
    never translates."""
    return template


class FormulaError(ValueError):
    """A formula that cannot be used: ``str(err)`` is one English line, e.g.
    ``unknown function 'foo' at column 7``. ``column`` is 1-based, or None.

    For translation the parts stay apart: ``what`` and ``hint`` are stable templates (each
    marked with :func:`N_`) filled from ``values``; ``render(translate)`` builds the line
    with any gettext function, e.g. ``err.render(_)`` in the app.
    """

    def __init__(
        self, what: str, column: int | None = None, hint: str | None = None, **values: Any
    ) -> None:
        self.what = what
        self.hint = hint
        self.values = values
        self.column = column
        self.message = self.render()
        super().__init__(self.message)

    def render(self, translate: Callable[[str], str] = str) -> str:
        """The one-line message, each template passed through ``translate`` first."""
        message = translate(self.what).format(**self.values)
        if self.column is not None:
            template = translate(N_("{what} at column {column}"))
            message = template.format(what=message, column=self.column)
        if self.hint:
            hint = translate(self.hint).format(**self.values)
            message = translate(N_("{message}; {hint}")).format(message=message, hint=hint)
        return message

    def parts(self) -> tuple[str, int | None, str | None, tuple[tuple[str, Any], ...]]:
        """(what, column, hint, values): what the parse cache keeps to raise it afresh."""
        return self.what, self.column, self.hint, tuple(self.values.items())


class _Timeout(BaseException):
    """Raised by the trace hook when the budget is spent; a BaseException so that library
    code's ``except Exception`` cannot swallow it. ``args[0]``: was it the CPU budget?"""


@contextlib.contextmanager
def _time_budget(seconds: float) -> Iterator[None]:
    """Raise :class:`_Timeout` at the next Python call once this thread has used ``seconds``
    of CPU time (a busy machine does not count against a formula), or 3x that in wall time."""
    wall, cpu = time.perf_counter, time.thread_time
    wall_end, cpu_end = wall() + seconds, cpu() + seconds

    def check() -> None:
        if cpu() > cpu_end:
            raise _Timeout(True)
        if wall() > wall_end + 2 * seconds:
            raise _Timeout(False)  # the machine is too busy: not the formula's fault

    def hook(frame: Any, event: str, arg: Any) -> None:
        if wall() > wall_end:  # the CPU clock is only read once it could matter
            check()
        return None  # no line tracing: only calls are checked

    previous = sys.gettrace()
    sys.settrace(hook)
    try:
        yield
    finally:
        sys.settrace(previous)
    check()  # in case the hook's exception was swallowed somewhere


# ----------------------------------------------------------------------------- SymPy functions

X = sp.Symbol("x", real=True)
_PARAM_SYMBOLS = {n: sp.Symbol(n, real=True) for n in PARAM_NAMES}


def _latex_call(name: str, args: Sequence[sp.Basic], printer: Any, exp: str | None) -> str:
    """``name(args)``, or ``name^{exp}(args)`` when the printer asks for a power."""
    power = "" if exp is None else f"^{{{exp}}}"
    inner = ", ".join(printer._print(arg) for arg in args)
    return rf"{name}{power}\left({inner}\right)"


class _RealFn(sp.Function):
    """A real function of real arguments, printed in LaTeX as ``_tex(args)``."""

    _tex = ""

    def _eval_is_extended_real(self) -> bool | None:
        return fuzzy_and(arg.is_extended_real for arg in self.args)

    def _latex(self, printer: Any, exp: str | None = None) -> str:
        return _latex_call(self._tex, self.args, printer, exp)


def _np_softplus(u: Any) -> Any:
    return np.logaddexp(0.0, u)


class _Sigmoidal(_RealFn):
    """A function of one argument with known values at −∞, 0, +∞ that folds a Float
    argument with its float64 implementation ``_numeric`` (the one the generated code uses)."""

    nargs = 1
    _at: tuple[sp.Expr, sp.Expr, sp.Expr] = (sp.S.NaN, sp.S.NaN, sp.S.NaN)  # −∞, 0, +∞
    _numeric: Callable[[Any], Any] = staticmethod(np.negative)

    @classmethod
    def eval(cls, u: sp.Expr) -> sp.Expr | None:
        if u is sp.S.NaN:
            return sp.S.NaN
        if u is sp.S.NegativeInfinity or u.is_zero or u is sp.S.Infinity:
            return cls._at[0 if u is sp.S.NegativeInfinity else 1 if u.is_zero else 2]
        if isinstance(u, sp.Float):
            with np.errstate(all="ignore"):
                return sp.Float(float(cls._numeric(float(u))))
        return None


class sigmoid(_Sigmoidal):
    """σ(u) = 1/(1 + e^(−u)), evaluated with scipy.special.expit."""

    _tex = r"\sigma"
    _at = (sp.S.Zero, sp.S.Half, sp.S.One)
    _numeric = staticmethod(special.expit)

    def fdiff(self, argindex: int = 1) -> sp.Expr:
        u = self.args[0]
        return sigmoid(u) * sigmoid(-u)


class softplus(_Sigmoidal):
    """log(1 + e^u), evaluated as logaddexp(0, u) (no overflow)."""

    _tex = r"\operatorname{softplus}"
    _at = (sp.S.Zero, sp.log(2), sp.S.Infinity)
    _numeric = staticmethod(_np_softplus)

    def fdiff(self, argindex: int = 1) -> sp.Expr:
        return sigmoid(self.args[0])


class ndtr(_Sigmoidal):
    """Φ(u), the standard normal CDF, evaluated with scipy.special.ndtr (accurate tails)."""

    _tex = r"\Phi"
    _at = (sp.S.Zero, sp.S.Half, sp.S.One)
    _numeric = staticmethod(special.ndtr)

    def fdiff(self, argindex: int = 1) -> sp.Expr:
        u = self.args[0]
        return sp.exp(-(u**2) / 2) / sp.sqrt(2 * sp.pi)


class tanh(sp.tanh):
    """tanh with derivative 1/cosh², accurate in the tails where 1 − tanh² cancels."""

    def fdiff(self, argindex: int = 1) -> sp.Expr:
        return sp.cosh(self.args[0]) ** -2


class expm1(cfunctions.expm1):
    """e^u − 1 without cancellation near 0."""

    def _latex(self, printer: Any, exp: str | None = None) -> str:
        return _latex_call(r"\operatorname{expm1}", self.args, printer, exp)


class log1p(cfunctions.log1p):
    """log(1 + u) without cancellation near 0."""

    def _latex(self, printer: Any, exp: str | None = None) -> str:
        return _latex_call(r"\operatorname{log1p}", self.args, printer, exp)


def _both_numbers(*args: sp.Expr) -> bool:
    return all(isinstance(arg, sp.Number) for arg in args)


# NaN as a branch value: SymPy's nan cannot be sorted against numbers (printing a product of
# two Piecewise raises "Invalid NaN comparison"), so branches hold this symbol instead
# (printed as numpy.nan in generated code, "NaN" in LaTeX).
_NAN_BRANCH = sp.Symbol("NaN")


# Conditions and piecewise functions are built unevaluated unless trivially decidable: SymPy's
# assumption queries on nested expressions (is u >= v?) are slow and rarely decide anything.


def _rel(cls: type, u: sp.Expr, v: sp.Expr) -> Any:
    """The comparison ``cls(u, v)``, evaluated only between plain numbers."""
    u, v = (sp.Integer(t) if isinstance(t, int) else t for t in (u, v))
    if sp.S.NaN in (u, v) or _NAN_BRANCH in (u, v):
        return sp.false  # NumPy: every comparison with NaN is False
    return cls(u, v) if _both_numbers(u, v) else cls(u, v, evaluate=False)


def _and(*conds: Any) -> Any:
    if any(c is sp.false for c in conds):
        return sp.false
    kept = [c for c in conds if c is not sp.true]
    if len(kept) <= 1:
        return kept[0] if kept else sp.true
    return sp.And(*kept, evaluate=False)


def _or(*conds: Any) -> Any:
    if any(c is sp.true for c in conds):
        return sp.true
    kept = [c for c in conds if c is not sp.false]
    if len(kept) <= 1:
        return kept[0] if kept else sp.false
    return sp.Or(*kept, evaluate=False)


def _pair(value: Any, cond: Any) -> ExprCondPair:
    """ExprCondPair without its constructor, which folds a condition containing a Piecewise
    into an ITE (``piecewise_fold``: exponential in the nesting)."""
    value = sp.Integer(value) if isinstance(value, int) else value
    if value is sp.S.NaN:
        value = _NAN_BRANCH
    return Tuple.__new__(ExprCondPair, value, cond)


def _pw(*pairs: tuple[Any, Any]) -> sp.Expr:
    """Piecewise((value, condition), ...), the last condition True; branches after a true
    condition and branches with a false one are dropped. Built without SymPy's evaluation
    (condition simplification and folding are slow and would change no value)."""
    kept = []
    for value, cond in pairs:
        cond = sp.true if cond is True else sp.false if cond is False else cond
        if cond is sp.false:
            continue
        kept.append(_pair(value, cond))
        if cond is sp.true:
            break
    if kept[0].cond is sp.true or all(pair.expr == kept[0].expr for pair in kept):
        return kept[0].expr
    return Basic.__new__(Piecewise, *kept)


class Piecewise(sp.Piecewise):
    """SymPy's Piecewise built by :func:`_pw`, also when SymPy rebuilds one (``u**-1``
    distributes over the branches): the evaluating constructor simplifies conditions, which
    is slow, and can raise on constant branches such as 1/0."""

    def __new__(cls, *args: Any, **options: Any) -> Any:
        return _pw(*(getattr(arg, "args", arg) for arg in args))


def _replace(expr: sp.Basic, rule: Callable[[sp.Basic], Any]) -> Any:
    """Rebuild ``expr`` bottom-up with ``rule(node)`` (a replacement or None) applied, once
    per distinct subtree. Unlike ``xreplace``/``replace``, conditions and piecewise
    functions are rebuilt through :func:`_rel`, :func:`_pw`, :func:`_and`, :func:`_or`."""
    memo: dict[sp.Basic, Any] = {}

    def walk(e: sp.Basic) -> Any:
        if e in memo:
            return memo[e]
        out = rule(e)
        if out is None:
            args = tuple(walk(a) for a in e.args)
            if args == e.args:
                out = e
            elif isinstance(e, Relational):
                out = _rel(e.func, *args)
            elif isinstance(e, ExprCondPair):
                out = _pair(*args)
            elif isinstance(e, sp.Piecewise):
                out = _pw(*(pair.args for pair in args))
            elif isinstance(e, sp.And):
                out = _and(*args)
            elif isinstance(e, sp.Or):
                out = _or(*args)
            else:
                out = e.func(*args)
        memo[e] = out
        return out

    return walk(expr)


class _Extremum(_RealFn):
    """max or min of two arguments; on a tie the derivative follows the first (Python's max
    and min return the first of equal items), so max(0, x) has slope 0 at 0 like ReLU."""

    nargs = 2
    _wins: type = sp.Ge  # the first argument is the result where _wins(u, v) holds

    @classmethod
    def eval(cls, u: sp.Expr, v: sp.Expr) -> sp.Expr | None:
        if sp.S.NaN in (u, v):
            return sp.S.NaN
        if u == v:
            return u
        if _both_numbers(u, v):
            return u if cls._wins(u, v) else v
        return None

    def fdiff(self, argindex: int = 1) -> sp.Expr:
        first = _rel(self._wins, *self.args)
        return _pw((1, first), (0, True)) if argindex == 1 else _pw((0, first), (1, True))


class fmax(_Extremum):
    """max(u, v) (np.maximum: NaN propagates)."""

    _tex = r"\max"
    _wins = sp.Ge


class fmin(_Extremum):
    """min(u, v) (np.minimum: NaN propagates)."""

    _tex = r"\min"
    _wins = sp.Le


class clip(_RealFn):
    """min(max(u, lo), hi); slope 0 at both ends, like hard tanh and ReLU6."""

    nargs = 3
    _tex = r"\operatorname{clip}"

    @classmethod
    def eval(cls, u: sp.Expr, lo: sp.Expr, hi: sp.Expr) -> sp.Expr | None:
        if sp.S.NaN in (u, lo, hi):
            return sp.S.NaN
        if _both_numbers(u, lo, hi):
            low = u if u >= lo else lo
            return low if low <= hi else hi
        return None

    def fdiff(self, argindex: int = 1) -> sp.Expr:
        u, lo, hi = self.args
        if argindex == 1:
            cond = _and(_rel(sp.Gt, u, lo), _rel(sp.Lt, u, hi))
        elif argindex == 2:
            cond = _and(_rel(sp.Le, u, lo), _rel(sp.Lt, lo, hi))
        else:
            cond = _or(_rel(sp.Ge, u, hi), _rel(sp.Ge, lo, hi))
        return _pw((1, cond), (0, True))


def _np_clip(u: Any, lo: Any, hi: Any) -> Any:
    return np.minimum(np.maximum(u, lo), hi)  # propagates NaN, unlike np.clip with NaN bounds


# Names in the generated code resolve here first, then in NumPy.
_NUMERIC: dict[str, Any] = {
    "sigmoid": special.expit,
    "softplus": _np_softplus,
    "ndtr": special.ndtr,
    "erf": special.erf,
    "fmax": np.maximum,
    "fmin": np.minimum,
    "clip": _np_clip,
}

# ----------------------------------------------------------------------------- registry ids


def _leaky(u: sp.Expr, slope: sp.Expr) -> sp.Expr:
    return _pw((u, _rel(sp.Gt, u, 0)), (slope * u, True))


def _elu(u: sp.Expr, alpha: sp.Expr) -> sp.Expr:
    return _pw((u, _rel(sp.Gt, u, 0)), (alpha * expm1(u), True))


_SQRT_2_OVER_PI = sp.sqrt(2) / sp.sqrt(sp.pi)

# id -> (registry parameter names in order, SymPy builder f(u, *params)). Piecewise forms put
# the kink point in the branch whose slope NUMERICS.md prescribes (relu'(0) = 0, elu'(0) = α).
_REGISTRY_FORMS: dict[str, tuple[tuple[str, ...], Callable[..., sp.Expr]]] = {
    "identity": ((), lambda u: u),
    "step": ((), lambda u: _pw((1, _rel(sp.Gt, u, 0)), (0, True))),
    "sigmoid": ((), sigmoid),
    "hard_sigmoid": ((), lambda u: clip(u / 6 + sp.S.Half, 0, 1)),
    "tanh": ((), tanh),
    "hard_tanh": (("min_val", "max_val"), clip),
    "relu": ((), lambda u: fmax(0, u)),
    "leaky_relu": (("negative_slope",), _leaky),
    "prelu": (("negative_slope",), _leaky),
    "relu6": ((), lambda u: clip(u, 0, 6)),
    "leaky_relu6": (
        ("negative_slope",),
        lambda u, s: _pw((s * u, _rel(sp.Le, u, 0)), (6, _rel(sp.Ge, u, 6)), (u, True)),
    ),
    "elu": (("alpha",), _elu),
    "selu": ((), lambda u: sp.Float(SELU_SCALE) * _elu(u, sp.Float(SELU_ALPHA))),
    "celu": (("alpha",), lambda u, al: _pw((u, _rel(sp.Gt, u, 0)), (al * expm1(u / al), True))),
    "gelu": ((), lambda u: u * ndtr(u)),
    # ½(1 + tanh t) = σ(2t) avoids the cancellation of 1 + tanh t for x ≪ 0
    "gelu_tanh": (
        (),
        lambda u: u * sigmoid(2 * _SQRT_2_OVER_PI * (u + sp.Float(0.044715) * u**3)),
    ),
    "silu": ((), lambda u: u * sigmoid(u)),
    "swish": (("beta",), lambda u, beta: u * sigmoid(beta * u)),
    "hard_swish": ((), lambda u: u * clip(u + 3, 0, 6) / 6),
    "mish": ((), lambda u: u * tanh(softplus(u))),
    "softplus": (("beta",), lambda u, beta: softplus(beta * u) / beta),
    "softsign": ((), lambda u: u / (1 + sp.Abs(u))),
    "log_sigmoid": ((), lambda u: -softplus(-u)),
    "tanhshrink": ((), lambda u: u - tanh(u)),
    "softshrink": (
        ("lambd",),
        lambda u, lam: _pw(
            (u - lam, _rel(sp.Gt, u, lam)), (u + lam, _rel(sp.Lt, u, -lam)), (0, True)
        ),
    ),
    "hardshrink": (
        ("lambd",),
        lambda u, lam: _pw((u, _rel(sp.Gt, u, lam)), (u, _rel(sp.Lt, u, -lam)), (0, True)),
    ),
    "sine": ((), sp.sin),
    "gaussian": ((), lambda u: sp.exp(-(u**2))),
}

# Registry ids that formulas deliberately do not offer, with the reason (tests check that
# every registry id is in exactly one of the two tables).
REGISTRY_UNSUPPORTED: dict[str, str] = {}


def registry_ids_in_formulas() -> tuple[str, ...]:
    """Registry ids callable in formulas (all current ids except :data:`REGISTRY_UNSUPPORTED`)."""
    return tuple(n for n in _registry_names() if n in _REGISTRY_FORMS)


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


def function_names() -> tuple[str, ...]:
    """Every function a formula may call, sorted (math functions and registry ids)."""
    return tuple(sorted({*_MATH, *_CONDITIONAL, *registry_ids_in_formulas()}))


# ----------------------------------------------------------------------------- text checks

_ALLOWED_CHARS = frozenset(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_ .,()+-*/<>=^"
)
_CHAR_HINTS = {
    "[": N_("use ( ) for grouping"),
    "]": N_("use ( ) for grouping"),
    "{": N_("use ( ) for grouping"),
    "}": N_("use ( ) for grouping"),
    "'": N_("strings are not allowed"),
    '"': N_("strings are not allowed"),
    "%": N_("there is no remainder operator"),
    "!": N_("use <, <=, > or >= in comparisons"),
    "&": N_("use 'and' inside where()"),
    "|": N_("use 'or' inside where(), or abs(u) for |u|"),
}
_UNICODE_HINTS = {
    "\u2212": "-",  # minus sign
    "\u2013": "-",
    "\u00d7": "*",
    "\u00b7": "*",
    "\u22c5": "*",
    "\u00f7": "/",
    "\u03c0": "pi",
    "\u2264": "<=",
    "\u2265": ">=",
    "\u00b2": "**2",
    "\u00b3": "**3",
    # Cyrillic and Greek look-alikes of Latin letters
    "\u0430": "a",
    "\u0441": "c",
    "\u0435": "e",
    "\u0445": "x",
    "\u043e": "o",
    "\u0440": "p",
    "\u0455": "s",
    "\u0456": "i",
    "\u03bf": "o",
    "\u03c7": "x",
}


def _check_characters(text: str) -> None:
    for i, ch in enumerate(text, start=1):
        if ch in _ALLOWED_CHARS:
            continue
        if ch.isascii():
            raise FormulaError(
                N_("character {char} is not allowed"), i, _CHAR_HINTS.get(ch), char=repr(ch)
            )
        name = unicodedata.name(ch, f"U+{ord(ch):04X}")
        suggestion = _UNICODE_HINTS.get(ch)
        if suggestion is None:
            folded = unicodedata.normalize("NFKC", ch)
            if folded.isascii() and folded.isprintable() and folded.strip():
                suggestion = folded
        hint = N_("did you mean {suggestion}?") if suggestion else N_("formulas use plain ASCII")
        raise FormulaError(
            N_("non-ASCII character {char} ({name})"),
            i,
            hint,
            char=repr(ch),
            name=name,
            suggestion=repr(suggestion),
        )


def _check_brackets(text: str) -> None:
    opened: list[int] = []
    for i, ch in enumerate(text, start=1):
        if ch == "(":
            opened.append(i)
            if len(opened) > MAX_DEPTH:
                raise FormulaError(N_("brackets nested more than {limit} deep"), i, limit=MAX_DEPTH)
        elif ch == ")":
            if not opened:
                raise FormulaError(N_("unmatched ')'"), i)
            opened.pop()
    if opened:
        raise FormulaError(N_("'(' is never closed"), opened[-1])


def _check_number_then_name(body: str, lead: int) -> None:
    """Reject ``2x`` and ``1if``: Python parses some of these with only a SyntaxWarning
    (which would reach the server log)."""
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(body).readline))
    except (tokenize.TokenError, SyntaxError):
        return  # ast.parse reports it
    for first, second in itertools.pairwise(tokens):
        if (
            first.type == tokenize.NUMBER
            and second.type == tokenize.NAME
            and first.end == second.start
        ):
            raise FormulaError(
                N_("a number runs into a name"), first.start[1] + 1 + lead, N_("write 2*x, not 2x")
            )


def _parse_text(text: str) -> tuple[ast.Expression, int]:
    """Checks on the raw text, then ``ast.parse``; returns the tree and the count of leading
    spaces (which ast columns do not include). Type and length are checked by the caller."""
    text = text.replace("\t", " ").replace("\n", " ").replace("\r", " ")
    if not text.strip():
        raise FormulaError(
            N_("empty formula"), None, N_("type an expression in x such as x * sigmoid(x)")
        )
    _check_characters(text)
    _check_brackets(text)
    body = text.lstrip(" ")
    lead = len(text) - len(body)
    _check_number_then_name(body, lead)
    try:
        tree = ast.parse(body, mode="eval")
    except SyntaxError as exc:
        detail = (exc.msg or "invalid syntax").split(". Perhaps")[0]
        column = exc.offset + lead if exc.offset and exc.offset <= len(body) else len(text) + 1
        # Python's own wording is kept as a value (translated only when it is the usual one)
        msg, hint = (N_("invalid syntax") if detail == "invalid syntax" else "{detail}"), None
        if detail == "invalid decimal literal":
            msg, hint = N_("a number runs into a name"), N_("write 2*x, not 2x")
        elif column > len(text):
            msg = N_("the formula ends too early")
        raise FormulaError(msg, column, hint, detail=detail) from None
    except (RecursionError, MemoryError, ValueError):
        raise FormulaError(N_("formula too complex to parse")) from None
    return tree, lead


# ----------------------------------------------------------------------------- AST whitelist

_BINOPS: dict[type, str] = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.Pow: "**"}
_CMPOPS: dict[type, Callable[[sp.Expr, sp.Expr], Any]] = {
    ast.Lt: sp.Lt,
    ast.LtE: sp.Le,
    ast.Gt: sp.Gt,
    ast.GtE: sp.Ge,
}
_OK_NODES = (
    ast.Expression,
    ast.BinOp,
    ast.UnaryOp,
    ast.BoolOp,
    ast.Compare,
    ast.Call,
    ast.Name,
    ast.Constant,
    ast.Load,
    ast.USub,
    ast.UAdd,
    ast.Not,
    ast.And,
    ast.Or,
    *_BINOPS,
    *_CMPOPS,
)
_NODE_NAMES: dict[type, tuple[str, str | None]] = {
    ast.Attribute: (N_("attribute access ('.') is not allowed"), None),
    ast.Subscript: (N_("indexing is not allowed"), None),
    ast.Lambda: (N_("lambda is not allowed"), None),
    ast.IfExp: (N_("'if ... else' is not allowed"), N_("use where(condition, u, v)")),
    ast.ListComp: (N_("comprehensions are not allowed"), None),
    ast.SetComp: (N_("comprehensions are not allowed"), None),
    ast.DictComp: (N_("comprehensions are not allowed"), None),
    ast.GeneratorExp: (N_("comprehensions are not allowed"), None),
    ast.Tuple: (N_("a comma outside a function call is not allowed"), None),
    ast.List: (N_("lists are not allowed"), None),
    ast.Set: (N_("sets are not allowed"), None),
    ast.Dict: (N_("dicts are not allowed"), None),
    ast.Starred: (N_("starred arguments are not allowed"), None),
    ast.keyword: (
        N_("keyword arguments are not allowed"),
        N_("pass parameters by position, e.g. softplus(x, 2)"),
    ),
    ast.NamedExpr: (N_("assignment is not allowed"), None),
    ast.JoinedStr: (N_("strings are not allowed"), None),
    ast.Await: (N_("await is not allowed"), None),
    ast.Yield: (N_("yield is not allowed"), None),
    ast.YieldFrom: (N_("yield is not allowed"), None),
    ast.BitXor: (N_("'^' is not allowed"), N_("use ** for powers")),
    ast.Mod: (N_("'%' is not allowed"), None),
    ast.FloorDiv: (N_("'//' is not allowed"), N_("use /")),
    ast.MatMult: (N_("'@' is not allowed"), None),
    ast.BitAnd: (N_("'&' is not allowed"), N_("use 'and' inside where()")),
    ast.BitOr: (N_("'|' is not allowed"), N_("use 'or' inside where(), or abs(u) for |u|")),
    ast.LShift: (N_("'<<' is not allowed"), None),
    ast.RShift: (N_("'>>' is not allowed"), None),
    ast.Invert: (N_("'~' is not allowed"), None),
    ast.Eq: (N_("'==' is not allowed"), N_("use <, <=, > or >=")),
    ast.NotEq: (N_("'!=' is not allowed"), N_("use <, <=, > or >=")),
    ast.Is: (N_("'is' is not allowed"), None),
    ast.IsNot: (N_("'is not' is not allowed"), None),
    ast.In: (N_("'in' is not allowed"), None),
    ast.NotIn: (N_("'not in' is not allowed"), None),
}
_CONSTANT_NAMES = {
    str: N_("strings are not allowed"),
    bytes: N_("strings are not allowed"),
    bool: N_("True and False are not allowed"),
    complex: N_("complex numbers are not allowed"),
}


def _column(node: ast.AST, lead: int) -> int | None:
    offset = getattr(node, "col_offset", None)
    return None if offset is None else offset + 1 + lead


def _op_column(text: str, lead: int, left: ast.AST) -> int | None:
    """1-based column of the operator after operand ``left`` (ast does not record it)."""
    start = getattr(left, "end_col_offset", None)
    if start is None:
        return _column(left, lead)
    i = start + lead
    while i < len(text) and text[i] in " )":
        i += 1
    return i + 1


def _bad_operator(node: ast.AST) -> tuple[ast.AST, ast.AST] | None:
    """(operator, operand before it) if ``node`` uses an operator outside the whitelist."""
    if isinstance(node, ast.BinOp) and type(node.op) not in _BINOPS:
        return node.op, node.left
    if isinstance(node, ast.Compare):
        for op, left in zip(node.ops, [node.left, *node.comparators], strict=False):
            if type(op) not in _CMPOPS:
                return op, left
    return None


def _check_tree(tree: ast.Expression, text: str, lead: int) -> None:
    """Reject any node outside the whitelist; bound node count and depth (iteratively)."""
    count = 0
    stack: list[tuple[ast.AST, int, int | None]] = [(tree, 0, None)]
    while stack:
        node, depth, col = stack.pop()
        col = _column(node, lead) or col  # operators have no position: use their parent's
        bad = _bad_operator(node)
        if bad is not None:
            what, hint = _NODE_NAMES.get(type(bad[0]), (N_("this operator is not allowed"), None))
            raise FormulaError(what, _op_column(text, lead, bad[1]), hint)
        if not isinstance(node, _OK_NODES):
            what, hint = _NODE_NAMES.get(type(node), (N_("'{node}' is not allowed"), None))
            if isinstance(node, ast.Attribute):  # point at the dot
                col = _op_column(text, lead, node.value)
            raise FormulaError(what, col, hint, node=type(node).__name__)
        if isinstance(node, ast.Constant) and type(node.value) not in (int, float):
            # exact type: bool is a subclass of int
            what = _CONSTANT_NAMES.get(type(node.value), N_("this constant is not allowed"))
            raise FormulaError(what, col)
        if isinstance(node, ast.Call):
            if not isinstance(node.func, ast.Name):
                raise FormulaError(N_("only plain calls such as exp(x) are allowed"), col)
            if node.keywords:
                kw = node.keywords[0]
                what, hint = _NODE_NAMES[ast.keyword]
                raise FormulaError(what, _column(kw, lead) or col, hint)
        if isinstance(node, ast.expr):
            count += 1
        if count > MAX_NODES:
            raise FormulaError(N_("formula too large (more than {limit} parts)"), limit=MAX_NODES)
        if depth > MAX_DEPTH:
            raise FormulaError(N_("formula nested more than {limit} deep"), col, limit=MAX_DEPTH)
        for child in ast.iter_child_nodes(node):
            stack.append((child, depth + 1, col))


# ----------------------------------------------------------------------------- AST -> SymPy


def _tame(expr: Any) -> Any:
    """Bring a freshly built node in line with float64: huge exact numbers become floats
    (±inf beyond the range), non-real or undefined constants become NaN."""
    if isinstance(expr, sp.Float):
        return sp.Float(float(expr))  # rounds to double; overflow gives ±oo
    if isinstance(expr, sp.Rational):
        p, q = expr.p, expr.q
        if max(p.bit_length(), q.bit_length()) <= _BIG_BITS:
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
        except OverflowError:  # an exact number beyond float64 (up to _BIG_BITS bits)
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
    """Constant arguments that are not plain numbers and exceed :data:`_EXACT_LIMIT` are
    replaced by their float64 values: SymPy would otherwise evaluate e.g. exp(exp(exp(9)))
    symbolically (unbounded precision); NumPy's answer (inf) is the one plotted anyway. As
    every kept argument is small, the evalf here stays cheap."""
    if not all(_is_constant(v) for v in values):
        return values
    if all(isinstance(v, sp.Number) or abs(_float_value(v)) <= _EXACT_LIMIT for v in values):
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
        except (FormulaError, _Timeout):
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
        if name in _MATH or name in _CONDITIONAL or name in _REGISTRY_FORMS:
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
        if name in _REGISTRY_FORMS:
            param_names, builder = _REGISTRY_FORMS[name]
            self.arity(name, col, len(args), 1, 1 + len(param_names), ("x", *param_names))
            built = [self.number(a) for a in args]
            for arg, (value, _) in zip(args[1:], built[1:], strict=True):
                if value.has(X):
                    raise FormulaError(
                        N_("parameters of {name}() must not depend on x"), self.col(arg), name=name
                    )
            defaults = [_exact(p.default) for p in _registry_get(name).params]
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


# ----------------------------------------------------------------------------- compiling


def _size_exceeds(expr: sp.Basic, limit: int) -> bool:
    """True if the expression tree has more than ``limit`` nodes (stops counting there, so a
    DAG whose tree is astronomically large costs only ``limit`` steps)."""
    count = 0
    stack = [expr]
    while stack:
        node = stack.pop()
        count += 1
        if count > limit:
            return True
        stack.extend(node.args)
    return False


def _drop_dirac(expr: sp.Expr) -> sp.Expr:
    """sign' is 2·δ(u) to SymPy; element-wise it is 0 everywhere (PyTorch's convention)."""
    if not expr.has(sp.DiracDelta):
        return expr
    return _replace(expr, lambda e: sp.S.Zero if isinstance(e, sp.DiracDelta) else None)


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
    tex = None if _size_exceeds(expr, _LATEX_NODES) else sp.latex(expr)
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


@dataclass(frozen=True)
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
        return (parse_formula, (self.text, {n: (d, lo, hi) for n, d, lo, hi in self.ranges}))


def _compile(text: str, ranges: tuple[tuple[str, float, float, float], ...]) -> CustomActivation:
    tree, lead = _parse_text(text)
    flat = text.replace("\t", " ").replace("\n", " ").replace("\r", " ")
    _check_tree(tree, flat, lead)
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
        family="custom",
        _f=f_kernel,
        _g=g_kernel,
        _vg=vg_kernel,
        _kinks=_kink_finder(expr),
        text=text,
        ranges=tuple((n, *given.get(n, DEFAULT_RANGE)) for n in used),
        expression=expr,
        derivative=grad,
    )


@functools.lru_cache(maxsize=256)
def _compile_cached(
    text: str, ranges: tuple[tuple[str, float, float, float], ...]
) -> CustomActivation | tuple[str, int | None, str | None, tuple[tuple[str, Any], ...]]:
    """Parse under the time budget; errors are cached too (as FormulaError.parts())."""
    try:
        with _time_budget(TIME_BUDGET):
            return _compile(text, ranges)
    except FormulaError as exc:
        return exc.parts()
    except _Timeout as exc:
        if not exc.args[0]:  # wall-clock cap on a busy machine: raise, so it is not cached
            raise FormulaError(
                N_("the server is busy and timed out analysing the formula")
            ) from None
        error = FormulaError(
            N_("formula too slow to analyse (over {limit} s)"), limit=f"{TIME_BUDGET:g}"
        )
    except RecursionError:
        error = FormulaError(N_("formula too complex to analyse"))
    except Exception as exc:  # a SymPy corner case must not take the page down
        error = FormulaError(
            N_("cannot analyse this formula (internal error: {error})"), error=type(exc).__name__
        )
    return error.parts()


def _range_key(
    params: Mapping[str, Sequence[float]] | None,
) -> tuple[tuple[str, float, float, float], ...]:
    """Validate parameter ranges; a hashable, sorted form for the cache."""
    if params is None:
        return ()
    if not isinstance(params, Mapping):
        raise FormulaError(N_("parameter ranges must be a mapping name -> (default, min, max)"))
    out = []
    for name in sorted(params, key=str):
        if name not in PARAM_NAMES:
            raise FormulaError(
                N_("unknown parameter {name}; formulas use a, b and c"), name=repr(name)
            )
        try:
            d, lo, hi = (float(v) for v in params[name])
        except (TypeError, ValueError):
            raise FormulaError(
                N_("parameter {name}: give (default, min, max) as three numbers"), name=name
            ) from None
        if not all(math.isfinite(v) for v in (d, lo, hi)):
            raise FormulaError(
                N_("parameter {name}: default, min and max must be finite"), name=name
            )
        if not lo < hi:
            raise FormulaError(
                N_("parameter {name}: min ({lo}) must be below max ({hi})"),
                name=name,
                lo=f"{lo:g}",
                hi=f"{hi:g}",
            )
        if not lo <= d <= hi:
            raise FormulaError(
                N_("parameter {name}: default {default} is outside [{lo}, {hi}]"),
                name=name,
                default=f"{d:g}",
                lo=f"{lo:g}",
                hi=f"{hi:g}",
            )
        out.append((name, d, lo, hi))
    return tuple(out)


def parse_formula(
    text: str, params: Mapping[str, Sequence[float]] | None = None
) -> CustomActivation:
    """Parse a formula in ``x`` (parameters ``a``, ``b``, ``c``) into a custom activation.

    ``params`` gives ``name -> (default, min, max)`` for parameters; a parameter the formula
    uses but ``params`` omits gets :data:`DEFAULT_RANGE`; entries for unused names are
    ignored. The activation's ``params`` are exactly the parameters the formula uses, in the
    order a, b, c. Raises :class:`FormulaError` (one line, with a column where there is one).
    Results are cached on ``(text, params)``.
    """
    if isinstance(text, str) and len(text) > MAX_LENGTH:  # before caching a huge key
        raise FormulaError(
            N_("formula too long ({length} characters; the limit is {limit})"),
            length=len(text),
            limit=MAX_LENGTH,
        )
    if not isinstance(text, str):
        raise FormulaError(N_("a formula must be text, not {type}"), type=type(text).__name__)
    result = _compile_cached(text, _range_key(params))
    if isinstance(result, tuple):
        what, column, hint, values = result
        raise FormulaError(what, column, hint, **dict(values))
    return result


# ----------------------------------------------------------------------------- sharing


def to_url(custom: CustomActivation, **values: float) -> str:
    """Pack a custom activation into one string for a URL query parameter, e.g.
    ``x*sigmoid(b*x);b=2.0:0.0:5.0`` (``name=default:min:max``). ``values`` (current slider
    positions) replace the defaults so a shared link shows what the sender saw."""
    chosen = custom.check_params(**values)
    parts = [custom.text]
    for name, _d, lo, hi in custom.ranges:
        parts.append(f"{name}={chosen[name]!r}:{lo!r}:{hi!r}")
    return ";".join(parts)


def from_url(s: str) -> tuple[str, dict[str, tuple[float, float, float]]]:
    """Unpack :func:`to_url`'s string into ``(text, {name: (default, min, max)})``, validated
    (the text itself is checked by :func:`parse_formula`). Raises :class:`FormulaError`."""
    if not isinstance(s, str) or len(s) > MAX_LENGTH + 3 * 80:
        raise FormulaError(N_("shared formula too long or malformed"))
    text, *specs = s.split(";")
    ranges: dict[str, tuple[float, float, float]] = {}
    for spec in specs:
        name, sep, rest = spec.partition("=")
        numbers = rest.split(":")
        if not sep or name not in PARAM_NAMES or name in ranges or len(numbers) != 3:
            raise FormulaError(
                N_("malformed parameter {spec} in the shared formula"), spec=repr(spec[:20])
            )
        try:
            d, lo, hi = (float(v) for v in numbers if len(v) <= 30)
        except ValueError:
            raise FormulaError(N_("malformed number in parameter {name}"), name=name) from None
        ranges[name] = (d, lo, hi)
    _range_key(ranges)  # same validation as parse_formula
    return text, ranges
