"""A trained network as code to take away: a NumPy script, PyTorch code, and its weights as JSON.

Each hidden layer's activation is generated from its one definition, the registry entry's
symbolic (SymPy) form or the user's formula, printed as array code (no second list of
activations): the NumPy script evaluates it with NumPy, and the PyTorch code evaluates the
same printed text with ``torch`` functions standing in for NumPy's (:data:`_TORCH_NAMES`), each
activation a small ``nn.Module``. The weights are written with every digit (``repr``), so both
reproduce the app's predictions to about 1e-12.

The NumPy script needs nothing but NumPy (and Python's ``math``) and defines
``predict_proba(x)``: an (n, 2) array of points in, (n, k) class probabilities out (two
classes: columns P(class 0), P(class 1)), and ``predict(x)``: the most probable class, or for a
regression network (a linear head) the prediction itself.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

import numpy as np
import sympy as sp

from activations.formula.compiler import _Printer
from activations.formula.symbols import _NUMERIC, _PARAM_SYMBOLS, HELPERS, X
from activations.registry import Activation

__all__ = ["activation_code", "numpy_script", "torch_code", "weights_json"]

FORMAT = "activation-lab-mlp"

# What the printed code may call besides NumPy: the helpers of the formula compiler.
_HELPER_NAMES = tuple(_NUMERIC)

_NUMPY_HELPERS = '''
_erf = numpy.frompyfunc(math.erf, 1, 1)
_erfc = numpy.frompyfunc(math.erfc, 1, 1)


def erf(u):
    return numpy.asarray(_erf(numpy.asarray(u, dtype=numpy.float64)), dtype=numpy.float64)


def ndtr(u):
    """The standard normal CDF Φ(u) = erfc(−u/√2)/2."""
    u = numpy.asarray(u, dtype=numpy.float64)
    return 0.5 * numpy.asarray(_erfc(-u / math.sqrt(2.0)), dtype=numpy.float64)


def sigmoid(u):
    u = numpy.asarray(u, dtype=numpy.float64)
    e = numpy.exp(-numpy.abs(u))
    return numpy.where(u >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def softplus(u):
    return numpy.logaddexp(0.0, u)


def fmax(u, v):
    return numpy.maximum(u, v)


def fmin(u, v):
    return numpy.minimum(u, v)


def clip(u, lo, hi):
    return numpy.minimum(numpy.maximum(u, lo), hi)


def _finish(out, x):
    return numpy.broadcast_to(numpy.asarray(out, dtype=numpy.float64), numpy.shape(x))
'''

# NumPy's names as the printer writes them -> what stands in for them in PyTorch; any other
# ``numpy.<name>`` is ``torch.<name>`` (sin, exp, tanh, log1p, where, maximum, ...).
_TORCH_NAMES = {
    "select": "_select",
    "equal": "torch.eq",
    "not_equal": "torch.ne",
    "greater": "torch.gt",
    "greater_equal": "torch.ge",
    "less": "torch.lt",
    "less_equal": "torch.le",
    "power": "torch.pow",
    "absolute": "torch.abs",
    "arcsin": "torch.asin",
    "arccos": "torch.acos",
    "arctan": "torch.atan",
    "arctan2": "torch.atan2",
    "arcsinh": "torch.asinh",
    "arccosh": "torch.acosh",
    "arctanh": "torch.atanh",
    "amax": "_amax",
    "amin": "_amin",
    "nan": "math.nan",
    "inf": "math.inf",
    "pi": "math.pi",
    "e": "math.e",
}

_TORCH_HELPERS = """
def _t(u, like):
    return torch.as_tensor(u, dtype=like.dtype, device=like.device)


def _select(conds, values, default):
    out = default
    for cond, value in zip(reversed(conds), reversed(values)):
        out = torch.where(torch.as_tensor(cond), torch.as_tensor(value), torch.as_tensor(out))
    return out


def _amax(values, axis=0):
    return torch.amax(torch.stack(torch.broadcast_tensors(*map(torch.as_tensor, values))), axis)


def _amin(values, axis=0):
    return torch.amin(torch.stack(torch.broadcast_tensors(*map(torch.as_tensor, values))), axis)


def sigmoid(u):
    return torch.sigmoid(torch.as_tensor(u))


def softplus(u):
    u = torch.as_tensor(u)
    return torch.logaddexp(u, torch.zeros_like(u))


def ndtr(u):
    return torch.special.ndtr(torch.as_tensor(u))


def erf(u):
    return torch.special.erf(torch.as_tensor(u))


def fmax(u, v):
    return torch.maximum(torch.as_tensor(u), torch.as_tensor(v))


def fmin(u, v):
    return torch.minimum(torch.as_tensor(u), torch.as_tensor(v))


def clip(u, lo, hi):
    return fmin(fmax(u, lo), hi)


def _finish(out, x):
    return torch.broadcast_to(_t(out, x), x.shape)
"""


def _printer() -> _Printer:
    return _Printer(
        {
            "fully_qualified_modules": True,
            "inline": True,
            "allow_unknown_functions": True,
            "user_functions": {k: k for k in _HELPER_NAMES},
        }
    )


def _expression(act: Activation, params: Mapping[str, float]) -> sp.Expr:
    """f(x) as SymPy: the user's formula, or the registry entry's symbolic form, with the
    parameters' values put in and every constant evaluated (sqrt(2/π) as a number)."""
    values = {p.name: float(params.get(p.name, p.default)) for p in act.params}
    expression = getattr(act, "expression", None)
    if expression is not None:  # a custom formula: its parameters are symbols a, b, ...
        expr = expression.xreplace(
            {_PARAM_SYMBOLS[n]: sp.Float(v, 17) for n, v in values.items() if n in _PARAM_SYMBOLS}
        )
    elif act.symbolic is not None:
        expr = act.symbolic(HELPERS, X, *(sp.Float(values[p.name], 17) for p in act.params))
    else:
        raise ValueError(f"{act.name} has no symbolic form to write as code")
    return _numbers(sp.N(expr, 17))


def _numbers(expr: sp.Expr) -> sp.Expr:
    """Constant sub-expressions as numbers (sqrt(2)/sqrt(pi) as 0.7978845608028654): PyTorch's
    functions take tensors, not Python numbers, and evalf leaves function arguments alone."""

    def constant(e: Any) -> bool:
        return isinstance(e, sp.Expr) and not e.is_Atom and e.is_number

    def value(e: sp.Expr) -> sp.Expr:
        v = e.evalf(17)
        return v if isinstance(v, sp.Float) and v.is_finite else e

    return expr.replace(constant, value)


def activation_code(act: Activation, params: Mapping[str, float]) -> str:
    """f(x) as one line of array code over ``x``, calling ``numpy.<name>`` and the helpers
    sigmoid, softplus, ndtr, erf, fmax, fmin and clip."""
    return _printer().doprint(_expression(act, params))


def _torch_line(code: str) -> str:
    """The printed NumPy code with PyTorch's functions in place of NumPy's."""
    return re.sub(
        r"numpy\.(\w+)", lambda m: _TORCH_NAMES.get(m.group(1), f"torch.{m.group(1)}"), code
    )


def _layers(model: Any) -> list[dict[str, Any]]:
    out = []
    for k, (w, b) in enumerate(zip(model.weights, model.biases, strict=True)):
        layer: dict[str, Any] = {"weights": np.asarray(w).tolist(), "bias": np.asarray(b).tolist()}
        if k < model.n_hidden:
            act, params = model.activations[k], model.params[k]
            layer["activation"] = act.name
            layer["params"] = dict(params)
            if getattr(act, "text", ""):
                layer["formula"] = act.text
        out.append(layer)
    return out


def _head(model: Any) -> tuple[str, int]:
    """(output kind, number of classes) of a network: logistic 2, softmax k, linear 1."""
    return model.output, int(model.classes)


def weights_json(model: Any) -> str:
    """The network's architecture and weights as JSON: per layer ``weights`` (fan_in ×
    fan_out, so a layer computes a @ W + b), ``bias``, and for hidden layers ``activation``,
    ``params`` and, for a formula, ``formula``; the output's kind and the number of classes."""
    output, classes = _head(model)
    return json.dumps(
        {
            "format": FORMAT,
            "version": 1,
            "inputs": 2,
            "output": output,
            "classes": classes,
            "layers": _layers(model),
        },
        indent=1,
    )


def _array(values: Any) -> str:
    return f"numpy.array({np.asarray(values, dtype=np.float64).tolist()!r})"


def _describe(model: Any) -> str:
    widths = "-".join(str(w) for w in [2, *model.widths, model.shapes[-1][1]])
    acts = ", ".join(a.name for a in model.activations)
    return f"a {widths} network ({acts})"


def numpy_script(model: Any) -> str:
    """A self-contained Python script (NumPy only) that computes what the network computes."""
    output, classes = _head(model)
    lines = [
        f'"""{_describe(model)} trained in Activation Lab, as a NumPy script.',
        "",
        "predict_proba(x): an (n, 2) array of points in, (n, k) class probabilities out.",
        "predict(x): the most probable class of each point"
        + (" (for this regression network: its prediction)." if output == "linear" else "."),
        "Needs only NumPy.",
        '"""',
        "",
        "import math",
        "",
        "import numpy",
        _NUMPY_HELPERS,
    ]
    for k, (act, params) in enumerate(zip(model.activations, model.params, strict=True), 1):
        lines += [
            "",
            f"def f{k}(x):",
            f'    """Hidden layer {k}: {act.name}{_params_text(params)}."""',
            f"    return _finish({activation_code(act, params)}, x)",
            "",
        ]
    lines += [
        "",
        "WEIGHTS = [",
        *(f"    {_array(w)}," for w in model.weights),
        "]",
        "BIASES = [",
        *(f"    {_array(b)}," for b in model.biases),
        "]",
        f"ACTIVATIONS = [{', '.join(f'f{k}' for k in range(1, model.n_hidden + 1))}]",
        "",
        "",
        "def forward(x):",
        '    """The output layer\'s values (logits) for points x of shape (n, inputs)."""',
        f"    a = numpy.asarray(x, dtype=numpy.float64).reshape(-1, {model.shapes[0][0]})",
        "    for w, b, f in zip(WEIGHTS[:-1], BIASES[:-1], ACTIVATIONS):",
        "        a = f(a @ w + b)",
        "    return a @ WEIGHTS[-1] + BIASES[-1]",
        "",
        "",
    ]
    if output == "linear":
        lines += [
            "def predict(x):",
            '    """The network\'s prediction for each point, shape (n,)."""',
            "    return forward(x)[:, 0]",
        ]
    else:
        if output == "logistic":
            body = [
                "    p = sigmoid(forward(x)[:, 0])",
                "    return numpy.column_stack((1 - p, p))",
            ]
        else:
            body = [
                "    z = forward(x)",
                "    e = numpy.exp(z - z.max(axis=1, keepdims=True))",
                "    return e / e.sum(axis=1, keepdims=True)",
            ]
        lines += [
            "def predict_proba(x):",
            f'    """Class probabilities, shape (n, {classes})."""',
            *body,
            "",
            "",
            "def predict(x):",
            '    """The most probable class of each point, shape (n,)."""',
            "    return numpy.argmax(predict_proba(x), axis=1)",
        ]
    lines += [
        "",
        "",
        'if __name__ == "__main__":',
        "    points = numpy.array([[0.0, 0.0], [1.0, -1.0], [-1.0, 1.0]])",
        "    print(predict(points))",
        "",
    ]
    return "\n".join(lines)


def _params_text(params: Mapping[str, float]) -> str:
    return "".join(f", {k}={v:g}" for k, v in params.items())


def _class_name(act: Activation, k: int) -> str:
    base = re.sub(r"[^0-9a-zA-Z]+", " ", act.name).title().replace(" ", "")
    return f"Layer{k}{base}"


def torch_code(model: Any) -> str:
    """PyTorch code: ``model``, an ``nn.Sequential`` of ``nn.Linear`` layers with the trained
    weights and one small ``nn.Module`` per hidden layer's activation (generated from the same
    definition as the app's), in float64; ``predict_proba`` / ``predict`` as in the NumPy
    script."""
    output, classes = _head(model)
    lines = [
        f'"""{_describe(model)} trained in Activation Lab, as PyTorch code.',
        "",
        "model: a torch.nn.Sequential in float64 with the trained weights; each activation is a",
        "small nn.Module written from its formula. predict_proba(x) / predict(x) as in the",
        "NumPy script; train on with model.train() and any torch optimiser.",
        '"""',
        "",
        "import math",
        "",
        "import torch",
        "from torch import nn",
        _TORCH_HELPERS,
    ]
    names = []
    for k, (act, params) in enumerate(zip(model.activations, model.params, strict=True), 1):
        name = _class_name(act, k)
        names.append(name)
        code = _torch_line(activation_code(act, params))
        lines += [
            "",
            f"class {name}(nn.Module):",
            f'    """{act.name}{_params_text(params)}, element-wise."""',
            "",
            "    def forward(self, x):",
            f"        return _finish({code}, x)",
            "",
        ]
    modules = []
    for k, w in enumerate(model.weights):
        fan_in, fan_out = np.shape(w)
        modules.append(f"    nn.Linear({fan_in}, {fan_out}),")
        if k < model.n_hidden:
            modules.append(f"    {names[k]}(),")
    lines += ["", "model = nn.Sequential(", *modules, ").double()", "", "with torch.no_grad():"]
    for linear, (w, b) in enumerate(zip(model.weights, model.biases, strict=True)):
        index = 2 * linear  # Linear, activation, Linear, ...
        w_t = np.asarray(w, dtype=np.float64).T.tolist()  # nn.Linear keeps (fan_out, fan_in)
        lines.append(f"    model[{index}].weight.copy_(torch.tensor({w_t!r}, dtype=torch.float64))")
        lines.append(
            f"    model[{index}].bias.copy_(torch.tensor("
            f"{np.asarray(b, dtype=np.float64).tolist()!r}, dtype=torch.float64))"
        )
    lines += ["model.eval()", "", ""]
    if output == "linear":
        lines += [
            "def predict(x):",
            '    """The prediction for each point of x, shape (n,)."""',
            "    with torch.no_grad():",
            "        x = torch.as_tensor(x, dtype=torch.float64)",
            f"        return model(x.reshape(-1, {model.shapes[0][0]}))[:, 0]",
        ]
    else:
        head = (
            "        p = torch.sigmoid(z[:, 0])\n        return torch.stack((1 - p, p), dim=1)"
            if output == "logistic"
            else "        return torch.softmax(z, dim=1)"
        )
        lines += [
            "def predict_proba(x):",
            f'    """Class probabilities, shape (n, {classes})."""',
            "    with torch.no_grad():",
            "        z = model(torch.as_tensor(x, dtype=torch.float64).reshape(-1, 2))",
            head,
            "",
            "",
            "def predict(x):",
            '    """The most probable class of each point, shape (n,)."""',
            "    return torch.argmax(predict_proba(x), dim=1)",
        ]
    lines += [
        "",
        "",
        'if __name__ == "__main__":',
        "    print(predict([[0.0, 0.0], [1.0, -1.0], [-1.0, 1.0]]))",
        "",
    ]
    return "\n".join(lines)
