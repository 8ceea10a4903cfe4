"""The registry: every element-wise activation, each described once, in one entry.

An entry (:class:`Activation`) holds everything about its activation: id, label, parameters with
ranges and descriptions, the LaTeX of f and f′, its NumPy kernels (in ``_functions.py``), its
symbolic (SymPy) form, its kinks with the derivative there, a note, and its colour. Every page,
chart, picker, the formula parser and the translation catalogue read these entries; nothing
else lists activations.

**To add an activation**: write its kernels in ``activations/_functions.py``, add one
``Activation(...)`` to ``ENTRIES`` below, and run ``i18n/extract.py``'s recipe (its label and
note are translated like any other text). Nothing else: ``tests/test_registry.py`` proves it by
adding a toy entry and finding it on every list the app builds.

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
from typing import Any

import numpy as np

from activations import _functions as K

__all__ = ["Activation", "Kernels", "Param", "as_float_array", "get", "names"]


@dataclass(frozen=True)
class Param:
    """A numeric parameter of an activation, with the range its slider allows."""

    name: str
    default: float
    min: float
    max: float
    description: str
    step: float


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
class Kernels:
    """The NumPy kernels of an activation (``activations/_functions.py`` says what they may
    assume): f, f′, and optionally both at once, sharing work (one exp)."""

    f: Callable[..., np.ndarray]
    grad: Callable[..., np.ndarray]
    value_and_grad: Callable[..., tuple[np.ndarray, np.ndarray]] | None = None


def _no_kinks(**_params: float) -> dict[float, float]:
    return {}


Symbolic = Callable[..., Any]
"""``(s, u, *params) -> SymPy expression`` of f at ``u``, written with the helpers of
:mod:`activations.formula.symbols` passed in as ``s`` (SymPy loads only when a formula needs
it); the parameters come in the order of ``Activation.params``."""


@dataclass(frozen=True, kw_only=True)
class Activation:
    """An element-wise activation function with its exact derivative: one registry entry.

    ``fn`` and ``grad`` accept any array-like of any shape (0-d and empty included) and return
    an ndarray of the same shape: float32 stays float32, float64 stays float64, anything else
    becomes float64. NaN gives NaN, ±∞ gives the mathematical limit, no floating-point warning
    is ever raised. At kinks ``grad`` follows PyTorch's autograd (``kink_slopes`` says what it
    gives there).

    Fields: ``name`` (the id), ``label`` (English; the app translates it), ``params``,
    ``formula`` and ``grad_formula`` (LaTeX), ``note`` (English prose), ``kernels``,
    ``symbolic`` (SymPy form; None where a formula cannot call it), ``kink_slopes``
    (``**params -> {x: f′(x)}`` at every point where f or f′ may jump), ``colour`` (on every
    chart), ``check`` (a constraint between parameters, raising ValueError).
    """

    name: str
    label: str
    formula: str
    grad_formula: str
    note: str
    # Compared (by the kernel functions' identity): two activations are equal only if they
    # compute the same, so caches keyed on an activation (properties) never mix two up.
    kernels: Kernels = field(repr=False)
    params: tuple[Param, ...] = ()
    symbolic: Symbolic | None = field(default=None, repr=False, compare=False)
    kink_slopes: Callable[..., Mapping[float, float]] = field(
        default=_no_kinks, repr=False, compare=False
    )
    colour: str = "#111111"
    check: Callable[..., None] | None = field(default=None, repr=False, compare=False)

    def fn(self, x: Any, **params: float) -> np.ndarray:
        """f(x), element-wise."""
        return _call(self.kernels.f, x, self.check_params(**params))

    def grad(self, x: Any, **params: float) -> np.ndarray:
        """The exact derivative f′(x), element-wise (PyTorch's convention at kinks)."""
        return _call(self.kernels.grad, x, self.check_params(**params))

    def value_and_grad(self, x: Any, **params: float) -> tuple[np.ndarray, np.ndarray]:
        """(f(x), f′(x)), sharing work (one exp) where the two share it."""
        p = self.check_params(**params)
        if self.kernels.value_and_grad is not None:
            return _call(self.kernels.value_and_grad, x, p)
        return _call(self.kernels.f, x, p), _call(self.kernels.grad, x, p)

    def defaults(self) -> dict[str, float]:
        """The default value of every parameter."""
        return {p.name: p.default for p in self.params}

    def kinks(self, **params: float) -> tuple[float, ...]:
        """Points where f or f′ may jump (f′ there follows the convention); empty if smooth."""
        return tuple(sorted(self.kink_slopes(**self.check_params(**params))))

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
        if self.check is not None:
            self.check(**out)
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


ENTRIES: tuple[Activation, ...] = (
    Activation(
        name="identity",
        label="Identity (linear)",
        formula=r"f(x) = x",
        grad_formula=r"f'(x) = 1",
        kernels=Kernels(K.identity_f, K.identity_g),
        symbolic=lambda s, u: u,
        colour="#6f6f6f",
        note="No activation at all: a stack of linear layers collapses into one linear map, so it "
        "cannot solve XOR. Used on the output of regression nets.",
    ),
    Activation(
        name="step",
        label="Step (Heaviside)",
        formula=r"f(x) = \begin{cases} 1 & x > 0 \\ 0 & x \le 0 \end{cases}",
        grad_formula=r"f'(x) = 0 \quad (\text{also at } 0,\ \text{by convention})",
        kernels=Kernels(K.step_f, K.step_g),
        symbolic=lambda s, u: s.piecewise((1, s.gt(u, 0)), (0, True)),
        kink_slopes=lambda: {0.0: 0.0},
        colour="#00838f",
        note="The threshold unit of McCulloch–Pitts neurons and Rosenblatt's perceptron (1958). "
        "Its derivative is zero everywhere, so gradient descent cannot train it.",
    ),
    Activation(
        name="sigmoid",
        label="Sigmoid (logistic)",
        formula=r"\sigma(x) = \frac{1}{1 + e^{-x}}",
        grad_formula=r"\sigma'(x) = \sigma(x)\,\sigma(-x) = \sigma(x)\,(1 - \sigma(x))",
        kernels=Kernels(K.sigmoid_f, K.sigmoid_g),
        symbolic=lambda s, u: s.sigmoid(u),
        colour="#1f77b4",
        note="The classic smooth squashing function, read as a probability in (0, 1). Its "
        "derivative peaks at 0.25, so deep sigmoid nets suffer vanishing gradients; outputs "
        "are not zero-centred.",
    ),
    Activation(
        name="hard_sigmoid",
        label="Hard sigmoid",
        formula=r"f(x) = \min\!\left(\max\!\left(\tfrac{x}{6} + \tfrac{1}{2},\, 0\right),\, "
        r"1\right)",
        grad_formula=r"f'(x) = \begin{cases} \tfrac16 & -3 < x < 3 \\ 0 & \text{otherwise} "
        r"\end{cases}",
        kernels=Kernels(K.hard_sigmoid_f, K.hard_sigmoid_g),
        symbolic=lambda s, u: s.clip(u / 6 + s.half, 0, 1),
        kink_slopes=lambda: {-3.0: 0.0, 3.0: 0.0},
        colour="#5a8fd0",
        note="A piecewise-linear sigmoid without an exp (PyTorch, Keras 3, MobileNetV3). Keras 2 "
        "and ONNX used 0.2x + 0.5 instead.",
    ),
    Activation(
        name="tanh",
        label="tanh",
        formula=r"\tanh x = \frac{e^{x} - e^{-x}}{e^{x} + e^{-x}} = 2\sigma(2x) - 1",
        grad_formula=r"f'(x) = 1 - \tanh^2 x",
        kernels=Kernels(K.tanh_f, K.tanh_g),
        symbolic=lambda s, u: s.tanh(u),
        colour="#e46c0a",
        note="A rescaled sigmoid with range (−1, 1), zero-centred; its derivative peaks at 1 but "
        "is about 0.0099 by |x| = 3. The standard choice before ReLU, still used in RNN cells.",
    ),
    Activation(
        name="hard_tanh",
        label="Hard tanh",
        params=(
            Param("min_val", -1.0, -5.0, 0.0, "lower clipping value", 0.1),
            Param("max_val", 1.0, 0.0, 5.0, "upper clipping value", 0.1),
        ),
        formula=r"f(x) = \min(\max(x, \text{min\_val}), \text{max\_val})",
        grad_formula=r"f'(x) = \begin{cases} 1 & \text{min\_val} < x < \text{max\_val} \\ 0 & "
        r"\text{otherwise} \end{cases}",
        kernels=Kernels(K.hard_tanh_f, K.hard_tanh_g),
        symbolic=lambda s, u, min_val, max_val: s.clip(u, min_val, max_val),
        kink_slopes=lambda min_val, max_val: {min_val: 0.0, max_val: 0.0},
        check=_check_hard_tanh,
        colour="#a67c00",
        note="A piecewise-linear tanh: identity in the middle, clipped outside. Cheap, used in "
        "early speech nets and quantised models.",
    ),
    Activation(
        name="relu",
        label="ReLU",
        formula=r"f(x) = \max(0, x)",
        grad_formula=r"f'(x) = \begin{cases} 1 & x > 0 \\ 0 & x \le 0 \end{cases}",
        kernels=Kernels(K.relu_f, K.relu_g),
        symbolic=lambda s, u: s.max(0, u),
        kink_slopes=lambda: {0.0: 0.0},
        colour="#2ca02c",
        note="The default since AlexNet (2012), which trained about 6× faster than with tanh: "
        "cheap, no saturation for x > 0. A unit whose input is always negative gets zero "
        "gradient forever (“dying ReLU”).",
    ),
    Activation(
        name="leaky_relu",
        label="Leaky ReLU",
        params=(_slope(0.01),),
        formula=r"f(x) = \begin{cases} x & x > 0 \\ a\,x & x \le 0 \end{cases}",
        grad_formula=r"f'(x) = \begin{cases} 1 & x > 0 \\ a & x \le 0 \end{cases}",
        kernels=Kernels(K.leaky_relu_f, K.leaky_relu_g),
        symbolic=lambda s, u, a: s.piecewise((u, s.gt(u, 0)), (a * u, True)),
        kink_slopes=lambda negative_slope: {0.0: negative_slope},
        colour="#d62728",
        note="ReLU with a small slope a (usually 0.01) for x < 0, so no unit dies (Maas et al., "
        "2013). Keras defaults to a = 0.2 (layer: 0.3).",
    ),
    Activation(
        name="prelu",
        label="PReLU",
        params=(_slope(0.25),),
        formula=r"f(x) = \begin{cases} x & x > 0 \\ a\,x & x \le 0 \end{cases}",
        grad_formula=r"f'(x) = \begin{cases} 1 & x > 0 \\ a & x \le 0 \end{cases}",
        kernels=Kernels(K.leaky_relu_f, K.leaky_relu_g),
        symbolic=lambda s, u, a: s.piecewise((u, s.gt(u, 0)), (a * u, True)),
        kink_slopes=lambda negative_slope: {0.0: negative_slope},
        colour="#a6192e",
        note="Parametric ReLU (He et al., 2015): a leaky ReLU whose slope a is learned per "
        "channel; PyTorch initialises it at 0.25.",
    ),
    Activation(
        name="relu6",
        label="ReLU6",
        formula=r"f(x) = \min(\max(0, x), 6)",
        grad_formula=r"f'(x) = \begin{cases} 1 & 0 < x < 6 \\ 0 & \text{otherwise} \end{cases}",
        kernels=Kernels(K.relu6_f, K.relu6_g),
        symbolic=lambda s, u: s.clip(u, 0, 6),
        kink_slopes=lambda: {0.0: 0.0, 6.0: 0.0},
        colour="#4d7f17",
        note="ReLU capped at 6, which keeps activations small for low-precision mobile nets "
        "(MobileNet).",
    ),
    Activation(
        name="leaky_relu6",
        label="Leaky ReLU6",
        params=(_slope(0.01),),
        formula=r"f(x) = \begin{cases} a\,x & x \le 0 \\ x & 0 < x < 6 \\ 6 & x \ge 6 \end{cases}",
        grad_formula=r"f'(x) = \begin{cases} a & x \le 0 \\ 1 & 0 < x < 6 \\ 0 & x \ge 6 "
        r"\end{cases}",
        kernels=Kernels(K.leaky_relu6_f, K.leaky_relu6_g),
        symbolic=lambda s, u, a: s.piecewise((a * u, s.le(u, 0)), (6, s.ge(u, 6)), (u, True)),
        kink_slopes=lambda negative_slope: {0.0: negative_slope, 6.0: 0.0},
        colour="#ad494a",
        note="Leaky below 0 and capped at 6: a combination tutorials ask about but frameworks do "
        "not ship.",
    ),
    Activation(
        name="elu",
        label="ELU",
        params=(_alpha("saturation value −α for x → −∞"),),
        formula=r"f(x) = \begin{cases} x & x > 0 \\ \alpha\,(e^{x} - 1) & x \le 0 \end{cases}",
        grad_formula=r"f'(x) = \begin{cases} 1 & x > 0 \\ \alpha\,e^{x} & x \le 0 \end{cases}",
        kernels=Kernels(K.elu_f, K.elu_g),
        symbolic=lambda s, u, alpha: s.piecewise((u, s.gt(u, 0)), (alpha * s.expm1(u), True)),
        kink_slopes=lambda alpha: {0.0: alpha},
        colour="#8c564b",
        note="Exponential linear unit (Clevert et al., 2015): smooth negative side saturating at "
        "−α pushes mean activations towards zero, but only part of the way: for "
        "standard-normal input its mean is 0.16 (0.2 of its RMS) at α = 1, so it is not "
        "zero-centred.",
    ),
    Activation(
        name="selu",
        label="SELU",
        formula=rf"f(x) = \lambda \begin{{cases}} x & x > 0 \\ \alpha\,(e^{{x}} - 1) & x \le 0 "
        rf"\end{{cases}},\ \alpha \approx {_SELU_A},\ \lambda \approx {_SELU_L}",
        grad_formula=r"f'(x) = \lambda \begin{cases} 1 & x > 0 \\ \alpha\,e^{x} & x \le 0 "
        r"\end{cases}",
        kernels=Kernels(K.selu_f, K.selu_g),
        symbolic=lambda s, u: (
            s.number(K.SELU_SCALE)
            * s.piecewise((u, s.gt(u, 0)), (s.number(K.SELU_ALPHA) * s.expm1(u), True))
        ),
        kink_slopes=lambda: {0.0: K.SELU_SCALE * K.SELU_ALPHA},
        colour="#a0522d",
        note="Scaled ELU (Klambauer et al., 2017) whose constants make activations of a deep "
        "fully connected net converge to zero mean and unit variance (self-normalising): α "
        "and λ solve E[f(Z)] = 0 and E[f(Z)²] = 1 for standard-normal Z, so it is "
        "zero-centred by construction.",
    ),
    Activation(
        name="celu",
        label="CELU",
        params=(_alpha("scale α: saturation value −α and curvature 1/α"),),
        formula=r"f(x) = \max(0, x) + \min\!\left(0,\, \alpha\,(e^{x/\alpha} - 1)\right)",
        grad_formula=r"f'(x) = \begin{cases} 1 & x > 0 \\ e^{x/\alpha} & x \le 0 \end{cases}",
        kernels=Kernels(K.celu_f, K.celu_g),
        symbolic=lambda s, u, alpha: s.piecewise(
            (u, s.gt(u, 0)), (alpha * s.expm1(u / alpha), True)
        ),
        colour="#7a7a00",
        note="Continuously differentiable ELU (Barron, 2017): unlike ELU its derivative is "
        "continuous at 0 for every α.",
    ),
    Activation(
        name="gelu",
        label="GELU (exact)",
        formula=r"f(x) = x\,\Phi(x) = \tfrac{x}{2}\left(1 + \operatorname{erf}(x/\sqrt2)\right)",
        grad_formula=r"f'(x) = \Phi(x) + x\,\varphi(x)",
        kernels=Kernels(K.gelu_f, K.gelu_g, K.gelu_vg),
        symbolic=lambda s, u: u * s.ndtr(u),
        colour="#9467bd",
        note="Gaussian error linear unit (Hendrycks & Gimpel, 2016): x weighted by the chance "
        "that a standard normal is below x. The activation of BERT and GPT.",
    ),
    Activation(
        name="gelu_tanh",
        label="GELU (tanh approx.)",
        formula=r"f(x) = \tfrac{x}{2}\left(1 + \tanh u\right),\ "
        r"u = \sqrt{2/\pi}\,(x + 0.044715\,x^3)",
        grad_formula=r"f'(x) = \tfrac12(1 + \tanh u) + \tfrac{x}{2}(1 - \tanh^2 u)\,"
        r"\sqrt{2/\pi}\,(1 + 3 \cdot 0.044715\,x^2)",
        kernels=Kernels(K.gelu_tanh_f, K.gelu_tanh_g, K.gelu_tanh_vg),
        symbolic=lambda s, u: u * s.sigmoid(2 * s.sqrt(2 / s.pi) * (u + s.number(0.044715) * u**3)),
        colour="#6a3d9a",
        note="The tanh approximation of GELU used by the original BERT and GPT-2 code; jax's "
        "default gelu.",
    ),
    Activation(
        name="silu",
        label="SiLU",
        formula=r"f(x) = x\,\sigma(x)",
        grad_formula=r"f'(x) = \sigma(x)\,\left(1 + x\,\sigma(-x)\right)",
        kernels=Kernels(K.silu_f, K.silu_g, K.silu_vg),
        symbolic=lambda s, u: u * s.sigmoid(u),
        colour="#c13a9b",
        note="Sigmoid linear unit (Elfwing et al., 2017), swish with β = 1: smooth, "
        "non-monotonic with a small dip below 0.",
    ),
    Activation(
        name="swish",
        label="Swish",
        params=(_beta("sharpness β (β → ∞ gives ReLU, β = 1 gives SiLU)"),),
        formula=r"f(x) = x\,\sigma(\beta x)",
        grad_formula=r"f'(x) = \sigma(\beta x)\,\left(1 + \beta x\,\sigma(-\beta x)\right)",
        kernels=Kernels(K.swish_f, K.swish_g, K.swish_vg),
        symbolic=lambda s, u, beta: u * s.sigmoid(beta * u),
        colour="#d6336c",
        note="Found by automated search (Ramachandran et al., 2017); interpolates between a "
        "scaled linear function (β → 0) and ReLU (β → ∞).",
    ),
    Activation(
        name="hard_swish",
        label="Hard swish",
        formula=r"f(x) = x\,\frac{\min(\max(x + 3, 0), 6)}{6}",
        grad_formula=r"f'(x) = \begin{cases} 0 & x \le -3 \\ \frac{2x + 3}{6} & -3 < x < 3 "
        r"\\ 1 & x \ge 3 "
        r"\end{cases}",
        kernels=Kernels(K.hard_swish_f, K.hard_swish_g),
        symbolic=lambda s, u: u * s.clip(u + 3, 0, 6) / 6,
        kink_slopes=lambda: {-3.0: 0.0, 3.0: 1.0},
        colour="#393b79",
        note="Swish without the exp, from MobileNetV3 (Howard et al., 2019): cheap on phones.",
    ),
    Activation(
        name="mish",
        label="Mish",
        formula=r"f(x) = x\,\tanh(\operatorname{softplus}(x))",
        grad_formula=r"f'(x) = \tanh(\operatorname{softplus} x) + x\,\sigma(x)\,"
        r"\operatorname{sech}^2(\operatorname{softplus} x)",
        kernels=Kernels(K.mish_f, K.mish_g, K.mish_vg),
        symbolic=lambda s, u: u * s.tanh(s.softplus(u)),
        colour="#637939",
        note="A self-regularised smooth non-monotonic activation (Misra, 2019), used in YOLOv4.",
    ),
    Activation(
        name="softplus",
        label="Softplus",
        params=(_beta("sharpness β (β → ∞ gives ReLU)"),),
        formula=r"f(x) = \frac{1}{\beta}\log\left(1 + e^{\beta x}\right)",
        grad_formula=r"f'(x) = \sigma(\beta x)",
        kernels=Kernels(K.softplus_f, K.softplus_g),
        symbolic=lambda s, u, beta: s.softplus(beta * u) / beta,
        colour="#8c6d31",
        note="A smooth ReLU (Dugas et al., 2001) whose derivative is the sigmoid. Computed "
        "exactly here (PyTorch switches to x above a threshold).",
    ),
    Activation(
        name="softsign",
        label="Softsign",
        formula=r"f(x) = \frac{x}{1 + |x|}",
        grad_formula=r"f'(x) = \frac{1}{(1 + |x|)^2}",
        kernels=Kernels(K.softsign_f, K.softsign_g),
        symbolic=lambda s, u: u / (1 + s.abs(u)),
        colour="#0d5f8a",
        note="A tanh-like squashing function without an exp; it approaches ±1 polynomially, "
        "so it saturates more slowly than tanh.",
    ),
    Activation(
        name="log_sigmoid",
        label="Log-sigmoid",
        formula=r"f(x) = \log \sigma(x) = -\operatorname{softplus}(-x)",
        grad_formula=r"f'(x) = \sigma(-x)",
        kernels=Kernels(K.log_sigmoid_f, K.log_sigmoid_g),
        symbolic=lambda s, u: -s.softplus(-u),
        colour="#843c39",
        note="The log of the sigmoid, the building block of the logistic (cross-entropy) loss; "
        "computing it directly avoids log(0).",
    ),
    Activation(
        name="tanhshrink",
        label="Tanhshrink",
        formula=r"f(x) = x - \tanh x",
        grad_formula=r"f'(x) = \tanh^2 x",
        kernels=Kernels(K.tanhshrink_f, K.tanhshrink_g),
        symbolic=lambda s, u: u - s.tanh(u),
        colour="#7b4173",
        note="x minus its tanh: flat (≈ x³/3) near 0 and ≈ x ∓ 1 far out; used in sparse coding.",
    ),
    Activation(
        name="softshrink",
        label="Softshrink",
        params=(_lambd(),),
        formula=r"f(x) = \begin{cases} x - \lambda & x > \lambda \\ x + \lambda & x < -\lambda "
        r"\\ 0 & "
        r"\text{otherwise} \end{cases}",
        grad_formula=r"f'(x) = \begin{cases} 1 & |x| > \lambda \\ 0 & \text{otherwise} \end{cases}",
        kernels=Kernels(K.softshrink_f, K.shrink_g),
        symbolic=lambda s, u, lam: s.piecewise(
            (u - lam, s.gt(u, lam)), (u + lam, s.lt(u, -lam)), (0, True)
        ),
        kink_slopes=lambda lambd: {-lambd: 0.0, lambd: 0.0},
        colour="#1b9e77",
        note="Soft thresholding, the proximal operator of the L1 norm: it zeroes small values and "
        "shrinks the rest towards 0 (LASSO, ISTA, denoising).",
    ),
    Activation(
        name="hardshrink",
        label="Hardshrink",
        params=(_lambd(),),
        formula=r"f(x) = \begin{cases} x & |x| > \lambda \\ 0 & \text{otherwise} \end{cases}",
        grad_formula=r"f'(x) = \begin{cases} 1 & |x| > \lambda \\ 0 & \text{otherwise} \end{cases}",
        kernels=Kernels(K.hardshrink_f, K.shrink_g),
        symbolic=lambda s, u, lam: s.piecewise((u, s.gt(u, lam)), (u, s.lt(u, -lam)), (0, True)),
        kink_slopes=lambda lambd: {-lambd: 0.0, lambd: 0.0},
        colour="#c44e00",
        note="Hard thresholding: it zeroes values in [−λ, λ] and keeps the rest; discontinuous "
        "at ±λ.",
    ),
    Activation(
        name="sine",
        label="Sine",
        formula=r"f(x) = \sin x",
        grad_formula=r"f'(x) = \cos x",
        kernels=Kernels(K.sine_f, K.sine_g),
        symbolic=lambda s, u: s.sin(u),
        colour="#0b6e4f",
        note="A periodic activation: SIREN networks (Sitzmann et al., 2020) use it to fit "
        "signals and their derivatives. It has no limit at ±∞ (NaN there).",
    ),
    Activation(
        name="gaussian",
        label="Gaussian",
        formula=r"f(x) = e^{-x^2}",
        grad_formula=r"f'(x) = -2x\,e^{-x^2}",
        kernels=Kernels(K.gaussian_f, K.gaussian_g, K.gaussian_vg),
        symbolic=lambda s, u: s.exp(-(u**2)),
        colour="#b5179e",
        note="A bump: the radial-basis-function unit. Non-monotonic and saturating on both sides, "
        "so it makes a good contrast with sigmoidal units.",
    ),
)

_REGISTRY: dict[str, Activation] = {entry.name: entry for entry in ENTRIES}
_NAMES: tuple[str, ...] = tuple(_REGISTRY)


def names() -> tuple[str, ...]:
    """The ids of all registered element-wise activations, in display order."""
    return _NAMES


def get(activation: str | Activation) -> Activation:
    """The registered activation with this id (ValueError listing the valid ids otherwise);
    an :class:`Activation` (e.g. a custom formula) is returned as it is."""
    if isinstance(activation, Activation):
        return activation
    if not isinstance(activation, str):
        raise TypeError(f"expected an activation id or an Activation, got {activation!r}")
    try:
        return _REGISTRY[activation]
    except KeyError:
        raise ValueError(
            f"unknown activation {activation!r}; valid ids: {', '.join(_NAMES)}"
        ) from None
