"""JavaScript for each activation's f and f′, generated from its symbolic form.

The browser redraws Warp and Curves while a slider moves (``ui/live_chart.js``); what it
evaluates comes from here, so there is no second, hand-written list of activations in
JavaScript. A registry entry's f is its ``symbolic`` form (SymPy, written with the helpers of
:mod:`activations.formula.symbols`), f′ is SymPy's derivative of it (the helpers' derivatives
carry the kink conventions of NUMERICS.md, as for formulas); a custom formula's f and f′ are the
SymPy expressions its parser built from the checked syntax tree (never the user's text). Both
are printed with SymPy's JavaScript code printer; the few primitives that JavaScript's Math
lacks (σ, softplus, Φ, erf, clip) are in ``jscode_runtime.js`` with SciPy's float64 semantics.

>>> spec = activation_js(get("leaky_relu"))
>>> spec.params
('negative_slope',)
>>> "negative_slope" in spec.f
True

``tests/test_jscode.py`` runs the generated code in Node on a dense grid and compares it with
the NumPy kernels (the agreement is stated there).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sympy as sp
from sympy.printing.jscode import JavascriptCodePrinter

from activations.formula.symbols import _NAN_BRANCH, HELPERS, X, _drop_dirac
from activations.registry import Activation, get

__all__ = ["JsActivation", "activation_js", "runtime_source"]

_RUNTIME = Path(__file__).with_name("jscode_runtime.js")

# SymPy function (class name) -> what the generated code calls.
_FUNCTIONS = {
    "sigmoid": "R.sigmoid",
    "softplus": "R.softplus",
    "ndtr": "R.ndtr",
    "erf": "R.erf",
    "fmax": "Math.max",  # NaN propagates, as np.maximum
    "fmin": "Math.min",
    "clip": "R.clip",
    "expm1": "Math.expm1",
    "log1p": "Math.log1p",
    "tanh": "Math.tanh",
    "atan": "Math.atan",
}


class _Printer(JavascriptCodePrinter):
    """SymPy's JavaScript printer with the app's functions, NaN branches, and conditions
    printed as ternaries (``ITE`` included)."""

    def __init__(self) -> None:
        super().__init__({"user_functions": dict(_FUNCTIONS), "precision": 17})

    def _print_Symbol(self, expr: sp.Symbol) -> str:
        return "NaN" if expr == _NAN_BRANCH else super()._print_Symbol(expr)

    def _print_NaN(self, expr: Any) -> str:
        return "NaN"

    def _print_Infinity(self, expr: Any) -> str:
        return "Infinity"

    def _print_NegativeInfinity(self, expr: Any) -> str:
        return "(-Infinity)"

    def _print_Piecewise(self, expr: sp.Piecewise) -> str:
        # Inline, last branch the fallback (its condition is True by construction).
        out = self._print(expr.args[-1].expr)
        for pair in reversed(expr.args[:-1]):
            out = f"(({self._print(pair.cond)}) ? ({self._print(pair.expr)}) : ({out}))"
        return out

    def _print_ITE(self, expr: Any) -> str:
        cond, then, other = (self._print(arg) for arg in expr.args)
        return f"(({cond}) ? ({then}) : ({other}))"

    def _print_Pow(self, expr: sp.Pow) -> str:
        base, exp = expr.args
        if exp == 2:
            b = self._print(base)
            return f"(({b})*({b}))"
        if exp == -1:
            return f"(1/({self._print(base)}))"
        if exp == sp.Rational(1, 3):  # NaN below 0, as x**(1/3) in NumPy (not Math.cbrt)
            return f"Math.pow({self._print(base)}, 1/3)"
        return super()._print_Pow(expr)

    def _print_sign(self, expr: Any) -> str:
        return f"Math.sign({self._print(expr.args[0])})"

    def _print_Float(self, expr: sp.Float) -> str:
        return repr(float(expr))  # shortest text that reads back as the same double


@dataclass(frozen=True)
class JsActivation:
    """JavaScript source of ``function (x, p) {...}`` for f and for f′, ``p`` the parameter
    values in the order of ``params`` (``jscode_runtime.js`` ``compile`` makes them callable)."""

    params: tuple[str, ...]
    f: str
    g: str

    def to_json(self) -> dict[str, Any]:
        return {"params": list(self.params), "f": self.f, "g": self.g}


def _identifier(name: str) -> str:
    return re.sub(r"\W", "_", name)


def _function(expr: sp.Expr, params: tuple[str, ...]) -> str:
    symbols = {s.name: s for s in expr.free_symbols if isinstance(s, sp.Symbol)}
    renames = {symbols[n]: sp.Symbol(f"p_{_identifier(n)}", real=True) for n in symbols if n != "x"}
    body = _Printer().doprint(expr.xreplace(renames) if renames else expr)
    unpack = "".join(f"const p_{_identifier(n)} = p[{i}]; " for i, n in enumerate(params))
    return f"function (x, p) {{ {unpack}return ({body}); }}"


def _symbolic(act: Activation) -> tuple[sp.Expr, sp.Expr]:
    """f and f′ of ``act`` as SymPy expressions in x and its parameters (by name)."""
    expression = getattr(act, "expression", None)
    if expression is not None:  # a formula: the parser's expressions
        return expression, act.derivative
    if act.symbolic is None:
        raise ValueError(f"{act.name} has no symbolic form to generate JavaScript from")
    symbols = [sp.Symbol(p.name, real=True) for p in act.params]
    f = sp.sympify(act.symbolic(HELPERS, X, *symbols))
    return f, _drop_dirac(sp.diff(f, X))


def _generate(act: Activation) -> JsActivation:
    params = tuple(p.name for p in act.params)
    f, g = _symbolic(act)
    return JsActivation(params, _function(sp.sympify(f), params), _function(sp.sympify(g), params))


@functools.cache
def _registry_js(name: str) -> JsActivation:
    return _generate(get(name))


def activation_js(act: str | Activation) -> JsActivation:
    """f and f′ of a registry entry (id or entry) or a custom formula, as JavaScript."""
    act = get(act)
    if getattr(act, "expression", None) is None and act is _registered(act.name):
        return _registry_js(act.name)
    return _generate(act)


def _registered(name: str) -> Activation | None:
    try:
        return get(name)
    except ValueError:
        return None


def runtime_source() -> str:
    """The primitives the generated code calls (defines ``ActivationLabRuntime``)."""
    return _RUNTIME.read_text(encoding="utf-8")
