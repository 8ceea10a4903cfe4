"""A custom activation for tests: an :class:`activations.Activation` outside the registry."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from activations import Activation, Kernels


def custom_activation(
    name: str,
    fn: Callable[[np.ndarray], np.ndarray],
    grad: Callable[[np.ndarray], np.ndarray],
) -> Activation:
    """f and f′ given as functions of a float array (no parameters, no declared kinks)."""
    return Activation(
        name=name,
        label=name,
        formula=f"f(x) = {name}(x)",
        grad_formula=f"f'(x) = {name}'(x)",
        note="",
        kernels=Kernels(fn, grad),
    )
