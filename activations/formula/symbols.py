"""The SymPy side: functions with float64-faithful values and stable derivatives, the quick
builders of conditions and piecewise expressions, and the helpers registry entries write their
symbolic forms with (:data:`HELPERS`)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from types import SimpleNamespace
from typing import Any

import numpy as np
import sympy as sp
from scipy import special
from sympy.codegen import cfunctions
from sympy.core.basic import Basic
from sympy.core.containers import Tuple
from sympy.core.logic import fuzzy_and
from sympy.core.relational import Relational
from sympy.functions.elementary.piecewise import ExprCondPair

from activations.formula.limits import PARAM_NAMES

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


def _relation(cls: type) -> Callable[[Any, Any], Any]:
    return lambda u, v: _rel(cls, u, v)


# What registry entries write their symbolic forms with: ``symbolic=lambda s, u: s.max(0, u)``
# (activations/registry.py). Conditions and piecewise expressions come from the quick builders
# above, so that a kink takes the branch whose slope NUMERICS.md prescribes (relu'(0) = 0:
# ``s.piecewise((u, s.gt(u, 0)), (0, True))`` puts 0 in the second branch).
HELPERS = SimpleNamespace(
    piecewise=lambda *pairs: _pw(*pairs),
    gt=_relation(sp.Gt),
    ge=_relation(sp.Ge),
    lt=_relation(sp.Lt),
    le=_relation(sp.Le),
    max=fmax,
    min=fmin,
    clip=clip,
    sigmoid=sigmoid,
    softplus=softplus,
    ndtr=ndtr,
    tanh=tanh,
    expm1=expm1,
    abs=sp.Abs,
    sin=sp.sin,
    exp=sp.exp,
    sqrt=sp.sqrt,
    pi=sp.pi,
    half=sp.S.Half,
    number=sp.Float,
)
