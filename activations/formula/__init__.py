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

Safety: the text is never passed to ``eval``, ``exec``, ``sympify`` or ``parse_expr``; see
:mod:`~activations.formula.text`, the security boundary. Only a whitelisted tree is translated,
node by node, into SymPy, with limits on literals, constant exponents and expression size
(:mod:`~activations.formula.limits`, checked at every node, as functions such as ``step(u)``
repeat their argument). All SymPy work (building, LaTeX, lambdify) runs under a budget of
:data:`TIME_BUDGET` seconds of CPU time (3x that of wall time), enforced by a watchdog thread
(:mod:`~activations.formula.budget`; debuggers and coverage keep working). Results, errors
included, are cached per ``(text, params)`` (LRU, 256 entries).

The package, in the order a formula goes through it: ``text`` (characters, brackets, syntax
tree whitelist), ``derive`` (SymPy expression and exact derivative, node by node, with the
functions of ``symbols``), ``compiler`` (NumPy code, kinks, LaTeX, :class:`CustomActivation`),
all under ``budget``; ``errors`` holds :class:`FormulaError`.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Mapping, Sequence
from typing import Any

from activations.formula.budget import Timeout, time_budget
from activations.formula.compiler import CustomActivation, compile_formula, short_text
from activations.formula.derive import function_names, registry_ids_in_formulas
from activations.formula.errors import N_, FormulaError
from activations.formula.limits import (
    DEFAULT_RANGE,
    MAX_DEPTH,
    MAX_EXPONENT,
    MAX_GRAD_SIZE,
    MAX_LATEX,
    MAX_LENGTH,
    MAX_LITERAL,
    MAX_NODES,
    MAX_SIZE,
    PARAM_NAMES,
    TIME_BUDGET,
)

__all__ = [
    "DEFAULT_RANGE",
    "MAX_DEPTH",
    "MAX_EXPONENT",
    "MAX_GRAD_SIZE",
    "MAX_LATEX",
    "MAX_LENGTH",
    "MAX_LITERAL",
    "MAX_NODES",
    "MAX_SIZE",
    "N_",
    "PARAM_NAMES",
    "TIME_BUDGET",
    "CustomActivation",
    "FormulaError",
    "function_names",
    "parse_formula",
    "registry_ids_in_formulas",
    "short_text",
]


@functools.lru_cache(maxsize=256)
def _compile_cached(
    text: str, ranges: tuple[tuple[str, float, float, float], ...]
) -> CustomActivation | tuple[str, int | None, str | None, tuple[tuple[str, Any], ...]]:
    """Parse under the time budget; errors are cached too (as FormulaError.parts())."""
    try:
        with time_budget(TIME_BUDGET):
            return compile_formula(text, ranges)
    except FormulaError as exc:
        return exc.parts()
    except Timeout as exc:
        if not exc.cpu:  # wall-clock cap on a busy machine: raise, so it is not cached
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
