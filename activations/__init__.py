"""Activation Lab's numerical core: activation functions, exact derivatives and properties.

Pure NumPy/SciPy (no Streamlit, no Plotly). Element-wise activations live in a registry::

    import activations
    act = activations.get("gelu")
    y, dy = act.value_and_grad([-1.0, 0.0, 1.0])
"""

from activations.properties import ZERO_CENTRED_MAX, Properties, format_range, properties
from activations.registry import Activation, Kernels, Param, as_float_array, get, names
from activations.softmax import (
    log_softmax,
    maxout,
    maxout_argmax,
    maxout_grad,
    softmax,
    softmax_jacobian,
)

# Submodules load on first use (``activations.warp``, ``activations.formula``...): SymPy and
# the trainer are not paid for by a script that only wants a few functions.
_SUBMODULES = ("clouds", "experiments", "formula", "nn", "softmax_maps", "warp")


def __getattr__(name: str):
    if name in _SUBMODULES:
        import importlib

        return importlib.import_module(f"activations.{name}")
    raise AttributeError(f"module 'activations' has no attribute {name!r}")


__all__ = [
    "ZERO_CENTRED_MAX",
    "Activation",
    "Kernels",
    "Param",
    "Properties",
    "as_float_array",
    "format_range",
    "get",
    "log_softmax",
    "maxout",
    "maxout_argmax",
    "maxout_grad",
    "names",
    "properties",
    "softmax",
    "softmax_jacobian",
]
