"""The registry: every element-wise activation described once.

>>> import activations
>>> act = activations.get("leaky_relu")
>>> act.fn([-2.0, 3.0], negative_slope=0.1)
array([-0.2,  3. ])
>>> act.grad(0.0)  # PyTorch's convention at the kink
array(0.01)
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

import numpy as np

from activations import _functions as K

__all__ = ["Activation", "ActivationLike", "Param", "as_float_array", "get", "names", "resolve"]


@dataclass(frozen=True)
class Param:
    """A numeric parameter of an activation, with the range its slider allows."""

    name: str
    default: float
    min: float
    max: float
    description: str
    step: float


@runtime_checkable
class ActivationLike(Protocol):
    """Anything with ``fn``, ``grad`` and ``params`` can stand in for an :class:`Activation`."""

    params: Any

    def fn(self, x: Any, **params: float) -> np.ndarray: ...

    def grad(self, x: Any, **params: float) -> np.ndarray: ...


def as_float_array(x: Any) -> np.ndarray:
    """Convert input to a floating ndarray: float32 and float64 are kept, float16 becomes
    float32, everything else (Python numbers, ints, bools, long double) becomes float64."""
    a = np.asarray(x)
    dt = a.dtype
    if dt == np.float64 or dt == np.float32:
        return a
    if dt == np.float16:
        return a.astype(np.float32)
    if np.issubdtype(dt, np.complexfloating):
        raise TypeError("activations are defined for real inputs only, got a complex array")
    return a.astype(np.float64)


def _call(kernel: Callable[..., Any], x: Any, params: Mapping[str, float]) -> Any:
    """Run a kernel on a float array of ndim ≥ 1 with all floating-point warnings silenced."""
    a = as_float_array(x)
    scalar = a.ndim == 0
    if scalar:
        a = a.reshape(1)
    with np.errstate(all="ignore"):
        out = kernel(a, **params)
    if scalar:
        if isinstance(out, tuple):
            return tuple(o.reshape(()) for o in out)
        return out.reshape(())
    return out


@dataclass(frozen=True)
class Activation:
    """An element-wise activation function with its exact derivative.

    ``fn`` and ``grad`` accept any array-like of any shape (0-d and empty included) and return
    an ndarray of the same shape: float32 stays float32, float64 stays float64, anything else
    becomes float64. NaN gives NaN, ±∞ gives the mathematical limit, no floating-point warning
    is ever raised. At kinks ``grad`` follows PyTorch's autograd.
    """

    name: str
    label: str
    params: tuple[Param, ...]
    formula: str
    grad_formula: str
    note: str
    family: str = ""
    _f: Callable[..., np.ndarray] = field(default=K.identity_f, repr=False, compare=False)
    _g: Callable[..., np.ndarray] = field(default=K.identity_g, repr=False, compare=False)
    _vg: Callable[..., tuple[np.ndarray, np.ndarray]] | None = field(
        default=None, repr=False, compare=False
    )
    _kinks: Callable[..., tuple[float, ...]] = field(
        default=lambda **_: (), repr=False, compare=False
    )
    _check: Callable[..., None] | None = field(default=None, repr=False, compare=False)

    def fn(self, x: Any, **params: float) -> np.ndarray:
        """f(x), element-wise."""
        return _call(self._f, x, self.check_params(**params))

    def grad(self, x: Any, **params: float) -> np.ndarray:
        """The exact derivative f′(x), element-wise (PyTorch's convention at kinks)."""
        return _call(self._g, x, self.check_params(**params))

    def value_and_grad(self, x: Any, **params: float) -> tuple[np.ndarray, np.ndarray]:
        """(f(x), f′(x)), sharing work (one exp) where the two share it."""
        p = self.check_params(**params)
        if self._vg is not None:
            return _call(self._vg, x, p)
        return _call(self._f, x, p), _call(self._g, x, p)

    def defaults(self) -> dict[str, float]:
        """The default value of every parameter."""
        return {p.name: p.default for p in self.params}

    def kinks(self, **params: float) -> tuple[float, ...]:
        """Points where f or f′ may jump (f′ there follows the convention); empty if smooth."""
        return tuple(self._kinks(**self.check_params(**params)))

    def check_params(self, **params: float) -> dict[str, float]:
        """Validate parameters and fill in defaults; returns {name: float}.

        Raises ValueError naming the parameter and its allowed range for unknown names,
        non-numeric, non-finite or out-of-range values.
        """
        if not params:
            return {p.name: p.default for p in self.params}
        known = {p.name: p for p in self.params}
        for key in params:
            if key not in known:
                valid = ", ".join(known) if known else "none"
                raise ValueError(f"{self.name} has no parameter {key!r} (its parameters: {valid})")
        out: dict[str, float] = {}
        for p in self.params:
            if p.name not in params:
                out[p.name] = p.default
                continue
            raw = params[p.name]
            try:
                if isinstance(raw, bool | str | bytes):
                    raise TypeError
                v = float(raw)
            except (TypeError, ValueError):
                raise ValueError(
                    f"{self.name}: {p.name} must be a number in [{p.min:g}, {p.max:g}], got {raw!r}"
                ) from None
            if not (math.isfinite(v) and p.min <= v <= p.max):
                raise ValueError(
                    f"{self.name}: {p.name}={v!r} is out of range; allowed [{p.min:g}, {p.max:g}]"
                )
            out[p.name] = v
        if self._check is not None:
            self._check(**out)
        return out


# ----------------------------------------------------------------------------- definitions


def _slope(default: float) -> Param:
    return Param(
        "negative_slope", default, 0.0, 1.0, "slope a for x < 0 (0 is ReLU, 1 is linear)", 0.01
    )


def _lambd() -> Param:
    return Param("lambd", 0.5, 0.0, 3.0, "half-width λ of the dead zone [−λ, λ]", 0.05)


def _alpha(desc: str) -> Param:
    return Param("alpha", 1.0, 0.01, 5.0, desc, 0.01)


def _beta(desc: str) -> Param:
    return Param("beta", 1.0, 0.1, 10.0, desc, 0.1)


def _check_hard_tanh(min_val: float, max_val: float) -> None:
    if not min_val < max_val:
        raise ValueError(
            f"hard_tanh: min_val ({min_val:g}) must be smaller than max_val ({max_val:g})"
        )


_SELU_A = "1.6733"
_SELU_L = "1.0507"

# (id, label, family, params, formula, grad_formula, note, kinks)
_SPECS: tuple[tuple[Any, ...], ...] = (
    (
        "identity",
        "Identity (linear)",
        "classic",
        (),
        r"f(x) = x",
        r"f'(x) = 1",
        "No activation at all: a stack of linear layers collapses into one linear map, so it "
        "cannot solve XOR. Used on the output of regression nets.",
        None,
    ),
    (
        "step",
        "Step (Heaviside)",
        "classic",
        (),
        r"f(x) = \begin{cases} 1 & x > 0 \\ 0 & x \le 0 \end{cases}",
        r"f'(x) = 0 \quad (\text{also at } 0,\ \text{by convention})",
        "The threshold unit of McCulloch–Pitts neurons and Rosenblatt's perceptron (1958). "
        "Its derivative is zero everywhere, so gradient descent cannot train it.",
        lambda: (0.0,),
    ),
    (
        "sigmoid",
        "Sigmoid (logistic)",
        "classic",
        (),
        r"\sigma(x) = \frac{1}{1 + e^{-x}}",
        r"\sigma'(x) = \sigma(x)\,\sigma(-x) = \sigma(x)\,(1 - \sigma(x))",
        "The classic smooth squashing function, read as a probability in (0, 1). Its "
        "derivative peaks at 0.25, so deep sigmoid nets suffer vanishing gradients; outputs "
        "are not zero-centred.",
        None,
    ),
    (
        "hard_sigmoid",
        "Hard sigmoid",
        "classic",
        (),
        r"f(x) = \min\!\left(\max\!\left(\tfrac{x}{6} + \tfrac{1}{2},\, 0\right),\, 1\right)",
        r"f'(x) = \begin{cases} \tfrac16 & -3 < x < 3 \\ 0 & \text{otherwise} \end{cases}",
        "A piecewise-linear sigmoid without an exp (PyTorch, Keras 3, MobileNetV3). Keras 2 "
        "and ONNX used 0.2x + 0.5 instead.",
        lambda: (-3.0, 3.0),
    ),
    (
        "tanh",
        "tanh",
        "classic",
        (),
        r"\tanh x = \frac{e^{x} - e^{-x}}{e^{x} + e^{-x}} = 2\sigma(2x) - 1",
        r"f'(x) = 1 - \tanh^2 x",
        "A rescaled sigmoid with range (−1, 1), zero-centred; its derivative peaks at 1 but "
        "is about 0.0099 by |x| = 3. The standard choice before ReLU, still used in RNN cells.",
        None,
    ),
    (
        "hard_tanh",
        "Hard tanh",
        "classic",
        (
            Param("min_val", -1.0, -5.0, 0.0, "lower clipping value", 0.1),
            Param("max_val", 1.0, 0.0, 5.0, "upper clipping value", 0.1),
        ),
        r"f(x) = \min(\max(x, \text{min\_val}), \text{max\_val})",
        r"f'(x) = \begin{cases} 1 & \text{min\_val} < x < \text{max\_val} \\ 0 & "
        r"\text{otherwise} \end{cases}",
        "A piecewise-linear tanh: identity in the middle, clipped outside. Cheap, used in "
        "early speech nets and quantised models.",
        lambda min_val, max_val: (min_val, max_val),
    ),
    (
        "relu",
        "ReLU",
        "relu",
        (),
        r"f(x) = \max(0, x)",
        r"f'(x) = \begin{cases} 1 & x > 0 \\ 0 & x \le 0 \end{cases}",
        "The default since AlexNet (2012), which trained about 6× faster than with tanh: "
        "cheap, no saturation for x > 0. A unit whose input is always negative gets zero "
        "gradient forever (“dying ReLU”).",
        lambda: (0.0,),
    ),
    (
        "leaky_relu",
        "Leaky ReLU",
        "relu",
        (_slope(0.01),),
        r"f(x) = \begin{cases} x & x > 0 \\ a\,x & x \le 0 \end{cases}",
        r"f'(x) = \begin{cases} 1 & x > 0 \\ a & x \le 0 \end{cases}",
        "ReLU with a small slope a (usually 0.01) for x < 0, so no unit dies (Maas et al., "
        "2013). Keras defaults to a = 0.2 (layer: 0.3).",
        lambda negative_slope: (0.0,),
    ),
    (
        "prelu",
        "PReLU",
        "relu",
        (_slope(0.25),),
        r"f(x) = \begin{cases} x & x > 0 \\ a\,x & x \le 0 \end{cases}",
        r"f'(x) = \begin{cases} 1 & x > 0 \\ a & x \le 0 \end{cases}",
        "Parametric ReLU (He et al., 2015): a leaky ReLU whose slope a is learned per "
        "channel; PyTorch initialises it at 0.25.",
        lambda negative_slope: (0.0,),
    ),
    (
        "relu6",
        "ReLU6",
        "relu",
        (),
        r"f(x) = \min(\max(0, x), 6)",
        r"f'(x) = \begin{cases} 1 & 0 < x < 6 \\ 0 & \text{otherwise} \end{cases}",
        "ReLU capped at 6, which keeps activations small for low-precision mobile nets "
        "(MobileNet).",
        lambda: (0.0, 6.0),
    ),
    (
        "leaky_relu6",
        "Leaky ReLU6",
        "relu",
        (_slope(0.01),),
        r"f(x) = \begin{cases} a\,x & x \le 0 \\ x & 0 < x < 6 \\ 6 & x \ge 6 \end{cases}",
        r"f'(x) = \begin{cases} a & x \le 0 \\ 1 & 0 < x < 6 \\ 0 & x \ge 6 \end{cases}",
        "Leaky below 0 and capped at 6: a combination tutorials ask about but frameworks do "
        "not ship.",
        lambda negative_slope: (0.0, 6.0),
    ),
    (
        "elu",
        "ELU",
        "smooth",
        (_alpha("saturation value −α for x → −∞"),),
        r"f(x) = \begin{cases} x & x > 0 \\ \alpha\,(e^{x} - 1) & x \le 0 \end{cases}",
        r"f'(x) = \begin{cases} 1 & x > 0 \\ \alpha\,e^{x} & x \le 0 \end{cases}",
        "Exponential linear unit (Clevert et al., 2015): smooth negative side saturating at "
        "−α pushes mean activations towards zero, but only part of the way: for "
        "standard-normal input its mean is 0.16 (0.2 of its RMS) at α = 1, so it is not "
        "zero-centred.",
        lambda alpha: (0.0,),
    ),
    (
        "selu",
        "SELU",
        "smooth",
        (),
        rf"f(x) = \lambda \begin{{cases}} x & x > 0 \\ \alpha\,(e^{{x}} - 1) & x \le 0 "
        rf"\end{{cases}},\ \alpha \approx {_SELU_A},\ \lambda \approx {_SELU_L}",
        r"f'(x) = \lambda \begin{cases} 1 & x > 0 \\ \alpha\,e^{x} & x \le 0 \end{cases}",
        "Scaled ELU (Klambauer et al., 2017) whose constants make activations of a deep "
        "fully connected net converge to zero mean and unit variance (self-normalising): α "
        "and λ solve E[f(Z)] = 0 and E[f(Z)²] = 1 for standard-normal Z, so it is "
        "zero-centred by construction.",
        lambda: (0.0,),
    ),
    (
        "celu",
        "CELU",
        "smooth",
        (_alpha("scale α: saturation value −α and curvature 1/α"),),
        r"f(x) = \max(0, x) + \min\!\left(0,\, \alpha\,(e^{x/\alpha} - 1)\right)",
        r"f'(x) = \begin{cases} 1 & x > 0 \\ e^{x/\alpha} & x \le 0 \end{cases}",
        "Continuously differentiable ELU (Barron, 2017): unlike ELU its derivative is "
        "continuous at 0 for every α.",
        None,
    ),
    (
        "gelu",
        "GELU (exact)",
        "smooth",
        (),
        r"f(x) = x\,\Phi(x) = \tfrac{x}{2}\left(1 + \operatorname{erf}(x/\sqrt2)\right)",
        r"f'(x) = \Phi(x) + x\,\varphi(x)",
        "Gaussian error linear unit (Hendrycks & Gimpel, 2016): x weighted by the chance "
        "that a standard normal is below x. The activation of BERT and GPT.",
        None,
    ),
    (
        "gelu_tanh",
        "GELU (tanh approx.)",
        "smooth",
        (),
        r"f(x) = \tfrac{x}{2}\left(1 + \tanh u\right),\ u = \sqrt{2/\pi}\,(x + 0.044715\,x^3)",
        r"f'(x) = \tfrac12(1 + \tanh u) + \tfrac{x}{2}(1 - \tanh^2 u)\,"
        r"\sqrt{2/\pi}\,(1 + 3 \cdot 0.044715\,x^2)",
        "The tanh approximation of GELU used by the original BERT and GPT-2 code; jax's "
        "default gelu.",
        None,
    ),
    (
        "silu",
        "SiLU",
        "smooth",
        (),
        r"f(x) = x\,\sigma(x)",
        r"f'(x) = \sigma(x)\,\left(1 + x\,\sigma(-x)\right)",
        "Sigmoid linear unit (Elfwing et al., 2017), swish with β = 1: smooth, "
        "non-monotonic with a small dip below 0.",
        None,
    ),
    (
        "swish",
        "Swish",
        "smooth",
        (_beta("sharpness β (β → ∞ gives ReLU, β = 1 gives SiLU)"),),
        r"f(x) = x\,\sigma(\beta x)",
        r"f'(x) = \sigma(\beta x)\,\left(1 + \beta x\,\sigma(-\beta x)\right)",
        "Found by automated search (Ramachandran et al., 2017); interpolates between a "
        "scaled linear function (β → 0) and ReLU (β → ∞).",
        None,
    ),
    (
        "hard_swish",
        "Hard swish",
        "smooth",
        (),
        r"f(x) = x\,\frac{\min(\max(x + 3, 0), 6)}{6}",
        r"f'(x) = \begin{cases} 0 & x \le -3 \\ \frac{2x + 3}{6} & -3 < x < 3 \\ 1 & x \ge 3 "
        r"\end{cases}",
        "Swish without the exp, from MobileNetV3 (Howard et al., 2019): cheap on phones.",
        lambda: (-3.0, 3.0),
    ),
    (
        "mish",
        "Mish",
        "smooth",
        (),
        r"f(x) = x\,\tanh(\operatorname{softplus}(x))",
        r"f'(x) = \tanh(\operatorname{softplus} x) + x\,\sigma(x)\,"
        r"\operatorname{sech}^2(\operatorname{softplus} x)",
        "A self-regularised smooth non-monotonic activation (Misra, 2019), used in YOLOv4.",
        None,
    ),
    (
        "softplus",
        "Softplus",
        "smooth",
        (_beta("sharpness β (β → ∞ gives ReLU)"),),
        r"f(x) = \frac{1}{\beta}\log\left(1 + e^{\beta x}\right)",
        r"f'(x) = \sigma(\beta x)",
        "A smooth ReLU (Dugas et al., 2001) whose derivative is the sigmoid. Computed "
        "exactly here (PyTorch switches to x above a threshold).",
        None,
    ),
    (
        "softsign",
        "Softsign",
        "classic",
        (),
        r"f(x) = \frac{x}{1 + |x|}",
        r"f'(x) = \frac{1}{(1 + |x|)^2}",
        "A tanh-like squashing function without an exp; it approaches ±1 polynomially, "
        "so it saturates more slowly than tanh.",
        None,
    ),
    (
        "log_sigmoid",
        "Log-sigmoid",
        "smooth",
        (),
        r"f(x) = \log \sigma(x) = -\operatorname{softplus}(-x)",
        r"f'(x) = \sigma(-x)",
        "The log of the sigmoid, the building block of the logistic (cross-entropy) loss; "
        "computing it directly avoids log(0).",
        None,
    ),
    (
        "tanhshrink",
        "Tanhshrink",
        "shrink",
        (),
        r"f(x) = x - \tanh x",
        r"f'(x) = \tanh^2 x",
        "x minus its tanh: flat (≈ x³/3) near 0 and ≈ x ∓ 1 far out; used in sparse coding.",
        None,
    ),
    (
        "softshrink",
        "Softshrink",
        "shrink",
        (_lambd(),),
        r"f(x) = \begin{cases} x - \lambda & x > \lambda \\ x + \lambda & x < -\lambda \\ 0 & "
        r"\text{otherwise} \end{cases}",
        r"f'(x) = \begin{cases} 1 & |x| > \lambda \\ 0 & \text{otherwise} \end{cases}",
        "Soft thresholding, the proximal operator of the L1 norm: it zeroes small values and "
        "shrinks the rest towards 0 (LASSO, ISTA, denoising).",
        lambda lambd: (-lambd, lambd),
    ),
    (
        "hardshrink",
        "Hardshrink",
        "shrink",
        (_lambd(),),
        r"f(x) = \begin{cases} x & |x| > \lambda \\ 0 & \text{otherwise} \end{cases}",
        r"f'(x) = \begin{cases} 1 & |x| > \lambda \\ 0 & \text{otherwise} \end{cases}",
        "Hard thresholding: it zeroes values in [−λ, λ] and keeps the rest; discontinuous at ±λ.",
        lambda lambd: (-lambd, lambd),
    ),
    (
        "sine",
        "Sine",
        "teaching",
        (),
        r"f(x) = \sin x",
        r"f'(x) = \cos x",
        "A periodic activation: SIREN networks (Sitzmann et al., 2020) use it to fit "
        "signals and their derivatives. It has no limit at ±∞ (NaN there).",
        None,
    ),
    (
        "gaussian",
        "Gaussian",
        "teaching",
        (),
        r"f(x) = e^{-x^2}",
        r"f'(x) = -2x\,e^{-x^2}",
        "A bump: the radial-basis-function unit. Non-monotonic and saturating on both sides, "
        "so it makes a good contrast with sigmoidal units.",
        None,
    ),
)


def _build() -> dict[str, Activation]:
    reg: dict[str, Activation] = {}
    for name, label, family, params, formula, grad_formula, note, kinks in _SPECS:
        f, g, vg = K.KERNELS[name]
        reg[name] = Activation(
            name=name,
            label=label,
            params=tuple(params),
            formula=formula,
            grad_formula=grad_formula,
            note=note,
            family=family,
            _f=f,
            _g=g,
            _vg=vg,
            _kinks=kinks if kinks is not None else (lambda **_: ()),
            _check=_check_hard_tanh if name == "hard_tanh" else None,
        )
    return reg


_REGISTRY: dict[str, Activation] = _build()
_NAMES: tuple[str, ...] = tuple(_REGISTRY)


def names() -> tuple[str, ...]:
    """The ids of all registered element-wise activations, in display order."""
    return _NAMES


def get(name: str) -> Activation:
    """The registered activation with this id; ValueError listing the valid ids otherwise."""
    try:
        return _REGISTRY[name]
    except (KeyError, TypeError):
        raise ValueError(f"unknown activation {name!r}; valid ids: {', '.join(_NAMES)}") from None


def resolve(obj: str | ActivationLike) -> Activation | ActivationLike:
    """An id gives the registry entry; an object with ``fn``, ``grad`` and ``params``
    (e.g. a custom formula activation) is returned unchanged."""
    if isinstance(obj, str):
        return get(obj)
    if all(hasattr(obj, a) for a in ("fn", "grad", "params")):
        return obj
    raise TypeError(f"expected an activation id or an object with fn/grad/params, got {obj!r}")
