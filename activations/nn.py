"""A small fully connected network for 2-D classification, trained with plain NumPy.

The network is ``x -> [W_l x + b_l, f_l] (1..4 hidden layers) -> w·h + b -> sigmoid``, trained on
the mean binary cross-entropy (plus an optional L2 penalty) by backpropagation. With 3 to 5
classes (``TrainConfig.classes``) the output layer has one unit per class read through a softmax,
trained on the mean cross-entropy; two classes keep the single sigmoid unit. Each hidden layer
has its own activation from the registry; backprop uses the registry's exact derivatives
(``value_and_grad``), never finite differences.

All parameters live in one flat float64 vector (``MLP.theta``); ``weights`` and ``biases`` are
views into it. That makes an optimiser step a handful of vector operations and a snapshot one
copy, which is what keeps 1 000 epochs well under a second. The network computes in float64
whatever the input's dtype (training needs the precision; the arrays are small).

Everything is deterministic for a seed: one ``numpy.random.Generator`` seeded from
``TrainConfig.seed`` draws the initial weights and then the mini-batch order.

``init="auto"`` fits the initial network to the activations and the training points (see
:func:`fit_to_data`): with a 2-unit last layer, a plain random start leaves a quarter or more of
the runs stuck with two classes folded onto the same flat or saturated part of that layer.
"""

from __future__ import annotations

import itertools
import math
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import numpy as np
from scipy.special import expit

from activations.registry import Activation, get

__all__ = [
    "AUTO_INIT",
    "INITS",
    "MAX_CLASSES",
    "MAX_HIDDEN_LAYERS",
    "MAX_WIDTH",
    "MIN_WIDTH",
    "MLP",
    "OPTIMIZERS",
    "TASKS",
    "TRAIN_INITS",
    "Boundary",
    "FitFrame",
    "ForwardCache",
    "FrozenParams",
    "HiddenFrame",
    "History",
    "LayerSpec",
    "Pieces",
    "ReplayFrame",
    "ThresholdXOR",
    "TrainConfig",
    "Trainer",
    "activation_gain",
    "checked_params",
    "decision_grid",
    "estimated_seconds",
    "fit_frames",
    "fit_to_data",
    "grid_lines",
    "hidden_boundary",
    "hidden_decision_grid",
    "hidden_limits",
    "informative_units",
    "init_std",
    "init_weights",
    "input_slope",
    "linear_pieces",
    "map_lines",
    "piece_growth",
    "piecewise_linear",
    "r_squared",
    "replay_frames",
    "round_step",
    "train",
    "unit_summary",
    "value_and_grad",
    "xor_by_hand",
]

INITS = ("xavier", "he", "lecun", "normal")  # data-free: the std of the weights (init_std)
AUTO_INIT = "auto"
TRAIN_INITS = (AUTO_INIT, *INITS)  # what a TrainConfig accepts
OPTIMIZERS = ("sgd", "adam")
OUTPUTS = ("logistic", "softmax", "linear")
TASKS = ("classify", "regress")
MIN_WIDTH, MAX_WIDTH = 2, 16
MAX_HIDDEN_LAYERS = 4
MAX_SNAPSHOTS = 100
MAX_CLASSES = 5

_ADAM_BETA1, _ADAM_BETA2, _ADAM_EPS = 0.9, 0.999, 1e-8


def checked_params(act: Activation, params: Mapping[str, float]) -> dict[str, float]:
    """``act.check_params(**params)``: validated, defaults filled."""
    return dict(act.check_params(**params))


def value_and_grad(
    act: Activation, z: np.ndarray, params: Mapping[str, float], dtype: Any = np.float64
) -> tuple[np.ndarray, np.ndarray]:
    """(f(z), f'(z)) as ``dtype`` arrays, from the activation's exact derivative."""
    f, d = act.value_and_grad(z, **params)
    return np.asarray(f, dtype=dtype), np.asarray(d, dtype=dtype)


def init_std(init: str, fan_in: int, fan_out: int, scale: float = 1.0) -> float:
    """Standard deviation of a layer's initial (normal) weights.

    xavier (Glorot normal): sqrt(2 / (fan_in + fan_out)); he: sqrt(2 / fan_in);
    lecun: sqrt(1 / fan_in); normal: 1. The result is multiplied by ``scale``.
    """
    if init == "xavier":
        std = math.sqrt(2.0 / (fan_in + fan_out))
    elif init == "he":
        std = math.sqrt(2.0 / fan_in)
    elif init == "lecun":
        std = math.sqrt(1.0 / fan_in)
    elif init == "normal":
        std = 1.0
    else:
        raise ValueError(f"unknown init {init!r}; expected one of {INITS}")
    return std * float(scale)


# E[g(u)], u ~ N(0, 1), as a sum over a fine grid (the trapezoid rule): spectrally accurate for
# smooth g, within about 1e-6 for g with kinks and 1e-3 with jumps (Gauss–Hermite's few nodes
# miss hard_tanh's kinks at ±1 by 1 %).
_NORMAL_NODES = np.linspace(-12.0, 12.0, 4800)  # no node on 0, where a step jumps
_NORMAL_WEIGHTS = np.exp(-0.5 * _NORMAL_NODES**2)
_NORMAL_WEIGHTS /= _NORMAL_WEIGHTS.sum()


def activation_gain(act: str | Activation, params: Mapping[str, float] | None = None) -> float:
    """The gain g = 1 / √E[f(u)²], u ~ N(0, 1), computed from the function itself.

    Weights of standard deviation g / √fan_in keep the variance of a layer's input from
    layer to layer when the previous layer's inputs are standard normal (He et al.'s argument,
    for any f): √2 for ReLU as in PyTorch's ``calculate_gain``, 1.59 for tanh (PyTorch uses
    5/3), 1.85 for sigmoid, 1.53 for GELU. 1.0 when E[f²] is 0 or not finite (a constant zero
    or an exploding custom formula).
    """
    act = get(act)
    with np.errstate(all="ignore"):
        f, _ = value_and_grad(act, _NORMAL_NODES, checked_params(act, params or {}))
        second_moment = float(np.dot(_NORMAL_WEIGHTS, f * f))
    if not math.isfinite(second_moment) or second_moment <= 0.0:
        return 1.0
    return 1.0 / math.sqrt(second_moment)


def init_weights(
    sizes: Sequence[int], init: str, scale: float, rng: np.random.Generator
) -> list[np.ndarray]:
    """Normal weight matrices (fan_in, fan_out) for consecutive layer ``sizes``, std from
    :func:`init_std`, drawn layer by layer from ``rng``."""
    return [
        rng.normal(0.0, init_std(init, fi, fo, scale), size=(fi, fo))
        for fi, fo in itertools.pairwise(sizes)
    ]


def round_step(
    at_least: float, multiple_of: int = 1, mantissas: tuple[int, ...] = (1, 2, 5)
) -> int:
    """The smallest step of the form 1, 2 or 5 (``mantissas``) times a power of ten that is
    ``>= at_least`` and a multiple of ``multiple_of``: epochs kept at such steps read 0, 50,
    100, ... not 0, 21, 39. When ``multiple_of`` has no such multiple (3 has none),
    ``multiple_of`` times such a step."""
    multiple_of = max(1, int(multiple_of))
    limit = 10 * multiple_of * max(1.0, float(at_least))
    power = 1
    while power <= limit:
        for mantissa in mantissas:
            step = mantissa * power
            if step >= at_least and step % multiple_of == 0:
                return step
        power *= 10
    return multiple_of * round_step(at_least / multiple_of, mantissas=mantissas)


class FrozenParams(dict):
    """A read-only, hashable and picklable ``dict`` of activation parameters."""

    def _read_only(self, *args: Any, **kwargs: Any) -> None:
        raise TypeError("FrozenParams is read-only")

    __setitem__ = __delitem__ = __ior__ = _read_only  # type: ignore[assignment]
    clear = pop = popitem = setdefault = update = _read_only  # type: ignore[assignment]

    def __hash__(self) -> int:  # type: ignore[override]
        return hash(tuple(sorted(self.items())))

    def __reduce__(self) -> tuple[type, tuple[dict[str, float]]]:
        # The default dict pickling would call the blocked __setitem__.
        return FrozenParams, (dict(self),)


def _activation_key(act: str | Activation) -> str:
    return act if isinstance(act, str) else act.name


@dataclass(frozen=True)
class LayerSpec:
    """One hidden layer: its width (2..16), activation (registry id or object) and parameters."""

    width: int = 8
    activation: str | Activation = "tanh"
    params: Mapping[str, float] = field(default_factory=FrozenParams)

    def __post_init__(self) -> None:
        if not isinstance(self.width, int | np.integer) or not (
            MIN_WIDTH <= self.width <= MAX_WIDTH
        ):
            raise ValueError(f"width must be an integer in [{MIN_WIDTH}, {MAX_WIDTH}]")
        object.__setattr__(self, "width", int(self.width))
        object.__setattr__(
            self, "params", FrozenParams({k: float(v) for k, v in self.params.items()})
        )

    def __hash__(self) -> int:
        return hash((self.width, _activation_key(self.activation), self.params))


@dataclass(frozen=True)
class TrainConfig:
    """Everything that determines a training run (with the dataset).

    ``batch_size=None`` trains full batch. ``snapshot_every=None`` keeps a snapshot every 1,
    5, 10, 50, 100, ... epochs (:func:`round_step`), at most ``MAX_SNAPSHOTS`` (100) of them
    plus the ends; epoch 0 and the last epoch are always kept.
    """

    hidden: tuple[LayerSpec, ...] = (LayerSpec(8, "tanh"), LayerSpec(8, "tanh"))
    init: str = "xavier"
    init_scale: float = 1.0
    optimizer: str = "adam"
    lr: float = 0.03
    momentum: float = 0.9
    l2: float = 0.0
    batch_size: int | None = None
    epochs: int = 500
    seed: int = 0
    snapshot_every: int | None = None
    classes: int = 2  # 2: one sigmoid unit; 3 to MAX_CLASSES: a softmax over one unit each
    task: str = "classify"  # or "regress": one linear output unit, mean squared error

    def __post_init__(self) -> None:
        hidden = tuple(self.hidden)
        object.__setattr__(self, "hidden", hidden)
        if not 1 <= len(hidden) <= MAX_HIDDEN_LAYERS:
            raise ValueError(f"need 1 to {MAX_HIDDEN_LAYERS} hidden layers")
        if not all(isinstance(layer, LayerSpec) for layer in hidden):
            raise TypeError("hidden must hold LayerSpec objects")
        if self.init not in TRAIN_INITS:
            raise ValueError(f"unknown init {self.init!r}; expected one of {TRAIN_INITS}")
        if self.optimizer not in OPTIMIZERS:
            raise ValueError(f"unknown optimizer {self.optimizer!r}; expected one of {OPTIMIZERS}")
        for name in ("init_scale", "lr", "momentum", "l2"):
            value = getattr(self, name)
            if not math.isfinite(value) or value < 0:
                raise ValueError(f"{name} must be finite and >= 0")
        if self.init_scale <= 0 or self.lr <= 0:
            raise ValueError("init_scale and lr must be > 0")
        if self.momentum >= 1:
            raise ValueError("momentum must be < 1")
        if self.batch_size is not None and self.batch_size < 1:
            raise ValueError("batch_size must be >= 1 or None")
        if self.epochs < 1:
            raise ValueError("epochs must be >= 1")
        if self.snapshot_every is not None and self.snapshot_every < 1:
            raise ValueError("snapshot_every must be >= 1 or None")
        if not isinstance(self.classes, int) or not 2 <= self.classes <= MAX_CLASSES:
            raise ValueError(f"classes must be an integer in [2, {MAX_CLASSES}]")
        if self.task not in TASKS:
            raise ValueError(f"unknown task {self.task!r}; expected one of {TASKS}")

    @property
    def output(self) -> str:
        """The output head: "logistic" (2 classes), "softmax" (more) or "linear" (regress)."""
        if self.task == "regress":
            return "linear"
        return "logistic" if self.classes == 2 else "softmax"

    @property
    def snapshot_step(self) -> int:
        """Epochs between snapshots (``snapshot_every`` or the automatic choice)."""
        if self.snapshot_every is not None:
            return int(self.snapshot_every)
        # 1, 5, 10, 50, ...: every larger step of 1, 2 or 5 times a power of ten (a replay's
        # frames, charts.train.round_epoch_indices) is a multiple of these.
        return round_step(self.epochs / MAX_SNAPSHOTS, mantissas=(1, 5))


class ForwardCache(NamedTuple):
    """What a forward pass keeps for backprop; index ``l`` is hidden layer ``l`` (0-based).

    ``a[0]`` is the input and ``a[l + 1] = f_l(z[l])``; ``d[l] = f_l'(z[l])``; ``logit`` is the
    output's pre-activation, shape (n,) for one output unit, (n, k) for a softmax head.
    """

    a: list[np.ndarray]
    z: list[np.ndarray]
    d: list[np.ndarray]
    logit: np.ndarray


class MLP:
    """A fully connected network with one output, or one per class.

    ``weights[l]`` has shape (fan_in, fan_out) so a layer computes ``z = a @ W + b``; the last
    entry is the output layer (fan_out 1, or k for ``"softmax"``). ``output="logistic"`` (the
    default) reads the output through a sigmoid and trains on binary cross-entropy; ``"softmax"``
    reads k outputs through a softmax and trains on cross-entropy (labels 0..k-1); ``"linear"``
    is a regression head with mean squared error. ``l2`` adds ``l2 / 2 · Σ ||W||²`` (weights
    only, not biases) to the loss.
    """

    def __init__(
        self,
        weights: Sequence[np.ndarray],
        biases: Sequence[np.ndarray],
        activations: Sequence[str | Activation],
        params: Sequence[Mapping[str, float]] | None = None,
        l2: float = 0.0,
        output: str = "logistic",
    ) -> None:
        if len(weights) != len(biases) or len(weights) != len(activations) + 1:
            raise ValueError("need one weight and bias per layer and one activation per hidden")
        if output not in OUTPUTS:
            raise ValueError(f"output must be one of {OUTPUTS}")
        self.activations = [get(a) for a in activations]
        self.params = [
            checked_params(act, p)
            for act, p in zip(self.activations, params or [{}] * len(self.activations), strict=True)
        ]
        self.l2 = float(l2)
        self.output = output
        self.shapes = [np.shape(w) for w in weights]
        if (self.shapes[-1][1] == 1) == (output == "softmax") or self.shapes[-1][1] < 1:
            raise ValueError("the output layer must have one unit (k > 2 for a softmax)")
        for (_, fan_out), b in zip(self.shapes, biases, strict=True):
            if np.shape(b) != (fan_out,):
                raise ValueError("bias shapes must match the layers' fan_out")
        self.theta = np.concatenate(
            [
                np.concatenate((np.ravel(w), np.ravel(b)))
                for w, b in zip(weights, biases, strict=True)
            ]
        ).astype(np.float64)
        self.weights, self.biases = self.unpack(self.theta)

    # --- construction -----------------------------------------------------------------------

    @classmethod
    def from_config(
        cls,
        config: TrainConfig,
        n_inputs: int = 2,
        rng: np.random.Generator | None = None,
        x: np.ndarray | None = None,
    ) -> MLP:
        """A freshly initialised network: normal weights, zero biases.

        The weights' standard deviation is :func:`init_std`'s; for ``init="auto"`` it is
        g / √fan_in with g the layer's :func:`activation_gain` (1 for the output layer), and
        then, given the training inputs ``x``, the network is fitted to them
        (:func:`fit_to_data`). :class:`Trainer` passes ``x``; pass the same to draw the
        network a run starts from.
        """
        rng = np.random.default_rng(config.seed) if rng is None else rng
        k = config.classes if config.output == "softmax" else 1
        sizes = [n_inputs, *(layer.width for layer in config.hidden), k]
        if config.init == AUTO_INIT:
            gains = [activation_gain(layer.activation, layer.params) for layer in config.hidden]
            weights = [
                rng.normal(0.0, init_std("lecun", fi, fo, config.init_scale * g), size=(fi, fo))
                for (fi, fo), g in zip(itertools.pairwise(sizes), [*gains, 1.0], strict=True)
            ]
        else:
            weights = init_weights(sizes, config.init, config.init_scale, rng)
        biases = [np.zeros(fo) for fo in sizes[1:]]
        model = cls(
            weights,
            biases,
            [layer.activation for layer in config.hidden],
            [layer.params for layer in config.hidden],
            l2=config.l2,
            output=config.output,
        )
        if config.init == AUTO_INIT and x is not None:
            fit_to_data(model, x, config.init_scale)
        return model

    def unpack(self, theta: np.ndarray) -> tuple[list[np.ndarray], list[np.ndarray]]:
        """Views of a flat parameter vector as this network's (weights, biases) lists."""
        weights, biases, i = [], [], 0
        for fan_in, fan_out in self.shapes:
            weights.append(theta[i : i + fan_in * fan_out].reshape(fan_in, fan_out))
            i += fan_in * fan_out
            biases.append(theta[i : i + fan_out])
            i += fan_out
        return weights, biases

    def with_weights(self, weights: Sequence[np.ndarray], biases: Sequence[np.ndarray]) -> MLP:
        """The same architecture with other parameters (e.g. a snapshot, for replay)."""
        return MLP(weights, biases, self.activations, self.params, self.l2, self.output)

    @property
    def n_hidden(self) -> int:
        """Number of hidden layers."""
        return len(self.activations)

    @property
    def widths(self) -> list[int]:
        """Widths of the hidden layers."""
        return [fan_out for _, fan_out in self.shapes[:-1]]

    @property
    def classes(self) -> int:
        """Number of classes: 2 for a sigmoid head, k for a softmax head (1 for regression)."""
        if self.output == "softmax":
            return self.shapes[-1][1]
        return 2 if self.output == "logistic" else 1

    # --- forward ------------------------------------------------------------------------------

    def forward(self, x: np.ndarray) -> tuple[np.ndarray, ForwardCache]:
        """Output (probability, or prediction for a linear head), shape (n,), and the cache."""
        cache = self._forward(np.asarray(x, dtype=np.float64))
        return self._link(cache.logit), cache

    def _forward(self, x: np.ndarray, upto: int | None = None) -> ForwardCache:
        a, zs, ds = [x], [], []
        stop = self.n_hidden if upto is None else upto + 1
        with np.errstate(all="ignore"):
            for act, p, w, b in zip(
                self.activations[:stop], self.params, self.weights, self.biases, strict=False
            ):
                z = a[-1] @ w
                z += b
                f, d = value_and_grad(act, z, p)
                zs.append(z)
                a.append(f)
                ds.append(d)
            logit = self._output(a[-1]) if upto is None else None
        return ForwardCache(a, zs, ds, logit)  # type: ignore[arg-type]

    def _output(self, a: np.ndarray) -> np.ndarray:
        """The output layer's pre-activation: (n,) for one unit, (n, k) for a softmax head."""
        logit = a @ self.weights[-1] + self.biases[-1]
        return logit if self.output == "softmax" else logit[:, 0]

    def _link(self, logit: np.ndarray) -> np.ndarray:
        if self.output == "logistic":
            return expit(logit)
        if self.output == "softmax":
            return _softmax(logit)
        return logit.copy()

    def hidden(self, x: np.ndarray, layer: int) -> np.ndarray:
        """Activations of hidden layer ``layer`` (0-based; negative counts from the last)."""
        layer = range(self.n_hidden)[layer]
        return self._forward(np.asarray(x, dtype=np.float64), upto=layer).a[-1]

    def forward_from(self, h: np.ndarray, layer: int) -> np.ndarray:
        """The network's output given the activations ``h`` of hidden layer ``layer``."""
        layer = range(self.n_hidden)[layer]
        a = np.asarray(h, dtype=np.float64)
        with np.errstate(all="ignore"):
            for act, p, w, b in zip(
                self.activations[layer + 1 :],
                self.params[layer + 1 :],
                self.weights[layer + 1 : -1],
                self.biases[layer + 1 : -1],
                strict=True,
            ):
                a = np.asarray(act.fn(a @ w + b, **p), dtype=np.float64)
            logit = self._output(a)
        return self._link(logit)

    def predict_proba(self, x: np.ndarray) -> np.ndarray:
        """P(class 1 | x) for a logistic head, shape (n,); the class probabilities (n, k) for
        a softmax head; the prediction (n,) for a linear head."""
        return self.forward(x)[0]

    def predict(self, x: np.ndarray) -> np.ndarray:
        """Class labels: 0/1 (logit > 0), or the most probable class of a softmax head."""
        return _labels_of(self._forward(np.asarray(x, dtype=np.float64)).logit)

    # --- loss and gradients -------------------------------------------------------------------

    def _data_loss(self, logit: np.ndarray, y: np.ndarray) -> float:
        with np.errstate(all="ignore"):
            if self.output == "logistic":
                # BCE from the logit: softplus(z) - y z, stable for any z.
                return float(np.mean(np.logaddexp(0.0, logit) - y * logit))
            if self.output == "softmax":
                # CE from the logits: logsumexp(z) - z_y, stable for any z (shifted by the
                # row's max; written out: scipy's logsumexp costs more than the epoch's matmuls).
                shifted = logit - logit.max(axis=1, keepdims=True)
                picked = shifted[np.arange(len(y)), y.astype(np.int64)]
                return float(np.mean(np.log(np.exp(shifted).sum(axis=1)) - picked))
            return float(np.mean((logit - y) ** 2))

    def _penalty(self) -> float:
        if self.l2 == 0.0:
            return 0.0
        return 0.5 * self.l2 * sum(float(np.vdot(w, w)) for w in self.weights)

    def loss(self, x: np.ndarray, y: np.ndarray) -> float:
        """Mean (binary) cross-entropy (MSE for a linear head) plus ``l2 / 2 · Σ ||W||²``."""
        logit = self._forward(np.asarray(x, dtype=np.float64)).logit
        return self._data_loss(logit, np.asarray(y, dtype=np.float64)) + self._penalty()

    def _backward(self, cache: ForwardCache, y: np.ndarray, out: np.ndarray) -> np.ndarray:
        """Write the loss gradient w.r.t. ``theta`` into ``out`` (same layout); return it."""
        gw, gb = self.unpack(out)
        n = len(y)
        with np.errstate(all="ignore"):
            if self.output == "logistic":
                # sigmoid + BCE: dL/dlogit = (p - y) / n
                g = ((expit(cache.logit) - y) / n)[:, None]
            elif self.output == "softmax":
                # softmax + CE: dL/dlogit = (p - onehot(y)) / n
                g = _softmax(cache.logit)
                g[np.arange(n), y.astype(np.int64)] -= 1.0
                g /= n
            else:
                g = (2.0 * (cache.logit - y) / n)[:, None]
            np.matmul(cache.a[-1].T, g, out=gw[-1])
            np.sum(g, axis=0, out=gb[-1])
            delta = g @ self.weights[-1].T  # dL/da of the last hidden layer
            for layer in range(self.n_hidden - 1, -1, -1):
                delta *= cache.d[layer]  # dL/dz
                np.matmul(cache.a[layer].T, delta, out=gw[layer])
                np.sum(delta, axis=0, out=gb[layer])
                if layer:
                    delta = delta @ self.weights[layer].T
            if self.l2:
                for g_w, w in zip(gw, self.weights, strict=True):
                    g_w += self.l2 * w
        return out

    def gradients(self, x: np.ndarray, y: np.ndarray) -> tuple[list[np.ndarray], list[np.ndarray]]:
        """Gradients of :meth:`loss` by backprop, as (dL/dW per layer, dL/db per layer)."""
        cache = self._forward(np.asarray(x, dtype=np.float64))
        flat = self._backward(cache, np.asarray(y, dtype=np.float64), np.empty_like(self.theta))
        return self.unpack(flat)


# --- data-dependent initialisation -------------------------------------------------------------

_SHIFTS = np.linspace(-6.0, 6.0, 241)  # where the last layer's input range may be centred
_SHIFT_QUANTILES = np.linspace(0.0, 1.0, 33)  # the points f' is checked at (min and max kept)


def _responsive_shift(act: Any, params: Mapping[str, float], z: np.ndarray) -> np.ndarray:
    """Per column of ``z`` (n, k), the bias b that maximises min over the points of f′(z + b).

    For ReLU every point lands where f′ = 1 (the unit starts linear over the data, folding
    nothing); for tanh and sigmoid the range is centred on 0 where f′ is largest. Among equally
    good shifts the one that moves the range's centre least wins.
    """
    q = np.quantile(z, _SHIFT_QUANTILES, axis=0)  # (Q, k)
    centre = (q[0] + q[-1]) / 2.0
    shifted = q[None, :, :] - centre[None, None, :] + _SHIFTS[:, None, None]  # (S, Q, k)
    _, d = value_and_grad(act, shifted, params)
    with np.errstate(invalid="ignore"):
        score = np.where(np.isnan(d), -np.inf, d).min(axis=1)  # (S, k)
    best = score.max(axis=0)
    near = score >= best - 1e-9 * np.maximum(1.0, np.abs(best))
    cost = np.where(near, np.abs(_SHIFTS)[:, None], np.inf)
    return _SHIFTS[np.argmin(cost, axis=0)] - centre


def fit_to_data(model: MLP, x: np.ndarray, scale: float = 1.0) -> MLP:
    """Fit a freshly drawn network's start to the training inputs ``x``, layer by layer, in place.

    Each hidden unit's weights are rescaled so that its input z = a·w + b spreads over the
    points with standard deviation ``scale · g`` (g the layer's :func:`activation_gain`: what
    a standard-normal input would give), and its bias centres z on the points: every unit
    starts bent in the middle of the data, neither flat (dead) nor saturated, as in LSUV
    (Mishkin & Matas 2016) and Krähenbühl et al.'s data-dependent init (2016). The last hidden
    layer, which the output reads, starts gentler: spread ``scale`` and shifted to where f′ is
    largest on every point (:func:`_responsive_shift`), so that no group of points starts
    stuck where f′ ≈ 0 next to points of the other class; its units bend the plane as
    training goes. A unit whose input is constant or not finite on the points is left as
    drawn. Returns ``model``.
    """
    a = np.asarray(x, dtype=np.float64)
    last = model.n_hidden - 1
    with np.errstate(all="ignore"):
        for layer, (act, params) in enumerate(zip(model.activations, model.params, strict=True)):
            w, b = model.weights[layer], model.biases[layer]
            z = a @ w
            spread = z.std(axis=0)
            ok = np.isfinite(spread) & (spread > 1e-12) & np.isfinite(z).all(axis=0)
            target = scale * (1.0 if layer == last else activation_gain(act, params))
            w[:, ok] *= target / spread[ok]
            z[:, ok] *= target / spread[ok]
            if ok.any():
                b[ok] = (
                    _responsive_shift(act, params, z[:, ok])
                    if layer == last
                    else -z[:, ok].mean(axis=0)
                )
            z += b
            a, _ = value_and_grad(act, z, params)
    return model


# --- training ---------------------------------------------------------------------------------


@dataclass
class History:
    """Per-epoch record of a run; row ``i`` describes the state after epoch ``epoch[i]``.

    ``train_acc`` and ``test_acc`` are accuracies, or for a regression network R².

    ``grad_norm[i, l]`` is the Frobenius norm of dL/dW_l (data loss + L2) for hidden layers
    ``l = 0..L-1`` and the output layer (last column), taken at the start of each update and
    averaged over the epoch's mini-batches. ``dead_units`` counts hidden units whose activation
    derivative f'(z) is exactly 0 on every training sample (``dead_per_layer`` splits it).
    ``snapshots`` holds ``(epoch, weights, biases)`` from epoch 0 on, every
    ``TrainConfig.snapshot_step`` epochs, and at the last epoch.
    """

    epoch: np.ndarray
    loss: np.ndarray
    test_loss: np.ndarray
    train_acc: np.ndarray
    test_acc: np.ndarray
    grad_norm: np.ndarray
    dead_units: np.ndarray
    dead_per_layer: np.ndarray
    snapshots: list[tuple[int, list[np.ndarray], list[np.ndarray]]] = field(default_factory=list)
    stopped: bool = False
    diverged: bool = False

    @classmethod
    def _allocate(cls, epochs: int, n_hidden: int) -> History:
        return cls(
            epoch=np.arange(1, epochs + 1),
            loss=np.full(epochs, np.nan),
            test_loss=np.full(epochs, np.nan),
            train_acc=np.full(epochs, np.nan),
            test_acc=np.full(epochs, np.nan),
            grad_norm=np.full((epochs, n_hidden + 1), np.nan),
            dead_units=np.zeros(epochs, dtype=np.int64),
            dead_per_layer=np.zeros((epochs, n_hidden), dtype=np.int64),
        )

    def _head(self, n: int) -> History:
        """The first ``n`` epochs as views (cheap: for live callbacks and early stops)."""
        return History(
            self.epoch[:n],
            self.loss[:n],
            self.test_loss[:n],
            self.train_acc[:n],
            self.test_acc[:n],
            self.grad_norm[:n],
            self.dead_units[:n],
            self.dead_per_layer[:n],
            list(self.snapshots),
            self.stopped,
            self.diverged,
        )

    @property
    def n_epochs(self) -> int:
        """Number of completed epochs."""
        return len(self.epoch)

    def snapshot_at(self, epoch: int) -> tuple[int, list[np.ndarray], list[np.ndarray]]:
        """The latest snapshot taken at or before ``epoch`` (the first one if none)."""
        epochs = [s[0] for s in self.snapshots]
        i = int(np.searchsorted(epochs, epoch, side="right")) - 1
        return self.snapshots[max(i, 0)]


class _Optimizer:
    """SGD with (classical) momentum, or Adam, on a flat parameter vector, in place."""

    def __init__(self, config: TrainConfig, size: int) -> None:
        self.kind, self.lr, self.momentum = config.optimizer, config.lr, config.momentum
        self.m = np.zeros(size)
        self.v = np.zeros(size)
        self.tmp = np.empty(size)
        self.t = 0

    def step(self, theta: np.ndarray, grad: np.ndarray) -> None:
        self.t += 1
        if self.kind == "sgd":
            # v <- mu v - lr g; theta <- theta + v
            self.m *= self.momentum
            self.m -= self.lr * grad
            theta += self.m
            return
        # Adam (Kingma & Ba): m, v moving averages of g and g², bias-corrected.
        m, v, tmp = self.m, self.v, self.tmp
        m *= _ADAM_BETA1
        m += (1.0 - _ADAM_BETA1) * grad
        np.multiply(grad, grad, out=tmp)
        tmp *= 1.0 - _ADAM_BETA2
        v *= _ADAM_BETA2
        v += tmp
        c1 = 1.0 - _ADAM_BETA1**self.t
        c2 = 1.0 - _ADAM_BETA2**self.t
        np.sqrt(v / c2, out=tmp)
        tmp += _ADAM_EPS
        np.divide(m, tmp, out=tmp)
        tmp *= self.lr / c1
        theta -= tmp


def _layer_norms(model: MLP, grad: np.ndarray) -> np.ndarray:
    return np.array([np.linalg.norm(g) for g in model.unpack(grad)[0]])


def _softmax(logit: np.ndarray) -> np.ndarray:
    """Row-wise softmax of (n, k) logits (shifted by the row's max: no overflow)."""
    with np.errstate(all="ignore"):
        e = np.exp(logit - logit.max(axis=1, keepdims=True))
        return e / e.sum(axis=1, keepdims=True)


def _labels_of(logit: np.ndarray) -> np.ndarray:
    """Predicted classes: logit > 0 for one output, the largest logit for several (NaN
    logits, a diverged run: class 0)."""
    if logit.ndim == 2:
        labels = np.argmax(logit, axis=1)
        labels[np.isnan(logit).any(axis=1)] = 0
        return labels.astype(np.int64)
    return (logit > 0).astype(np.int64)


def _accuracy(logit: np.ndarray, y: np.ndarray) -> float:
    return float(np.mean(_labels_of(logit) == np.rint(y))) if len(y) else float("nan")


def r_squared(prediction: np.ndarray, y: np.ndarray) -> float:
    """The coefficient of determination 1 − SSE/SST (1: a perfect fit; 0: no better than the
    mean; negative: worse); NaN without points or for constant targets."""
    y = np.asarray(y, dtype=np.float64)
    if len(y) < 2:
        return float("nan")
    with np.errstate(all="ignore"):
        sst = float(np.sum((y - y.mean()) ** 2))
        sse = float(np.sum((np.asarray(prediction, dtype=np.float64) - y) ** 2))
    return 1.0 - sse / sst if sst > 0 else float("nan")


def _score(output: str, logit: np.ndarray, y: np.ndarray) -> float:
    """The history's "accuracy": the share of points classified right, or R² for regression."""
    return r_squared(logit, y) if output == "linear" else _accuracy(logit, y)


class Trainer:
    """A training run that can pause between epochs and go on later, bit for bit as one run.

    ``Trainer(dataset, config)`` draws a fresh network (``dataset`` has ``x_train, y_train,
    x_test, y_test``) and records the epoch-0 snapshot. Each :meth:`run` trains on until the last
    epoch, a stop request, divergence or a deadline, so a caller with a time budget (a web page
    that must answer quickly) trains a long run in slices. All state lives in the object: the
    model, the optimiser's moments, the random generator that orders the mini-batches.

    ``model`` is the network being trained (updated in place), ``done`` the number of completed
    epochs, ``finished`` whether the run is over (all epochs done, stopped or diverged),
    ``seconds`` the wall time spent in :meth:`run` so far.
    """

    def __init__(self, dataset: Any, config: TrainConfig) -> None:
        self.config = config
        x = np.asarray(dataset.x_train, dtype=np.float64)
        self._x = x
        self._y = np.asarray(dataset.y_train, dtype=np.float64).ravel()
        self._x_test = np.asarray(dataset.x_test, dtype=np.float64).reshape(-1, x.shape[1])
        self._y_test = np.asarray(dataset.y_test, dtype=np.float64).ravel()
        self._rng = np.random.default_rng(config.seed)
        self.model = MLP.from_config(config, n_inputs=x.shape[1], rng=self._rng, x=x)
        n = len(self._y)
        self._batch = n if config.batch_size is None else min(int(config.batch_size), n)
        self._hist = History._allocate(config.epochs, self.model.n_hidden)
        self._opt = _Optimizer(config, self.model.theta.size)
        self._grad = np.empty_like(self.model.theta)
        self._gw_norms = np.empty(self.model.n_hidden + 1)
        self.done = 0
        self.finished = False
        self.seconds = 0.0
        self._snapshot(0)
        # The forward pass of the previous epoch's metrics is the next full-batch training pass.
        self._cache = self.model._forward(x)

    def _snapshot(self, epoch: int) -> None:
        w, b = self.model.unpack(self.model.theta.copy())
        self._hist.snapshots.append((epoch, w, b))

    def _epoch(self) -> None:
        """Train one epoch and record its row of the history (``done`` counts it)."""
        model, x, y, grad, gw_norms = self.model, self._x, self._y, self._grad, self._gw_norms
        n, hist, opt = len(y), self._hist, self._opt
        if self._batch >= n:
            model._backward(self._cache, y, grad)
            gw_norms[:] = _layer_norms(model, grad)
            opt.step(model.theta, grad)
        else:
            gw_norms[:] = 0.0
            order = self._rng.permutation(n)
            starts = range(0, n, self._batch)
            for s in starts:
                idx = order[s : s + self._batch]
                model._backward(model._forward(x[idx]), y[idx], grad)
                gw_norms += _layer_norms(model, grad)
                opt.step(model.theta, grad)
            gw_norms /= len(starts)
        cache = self._cache = model._forward(x)
        epoch = self.done + 1
        i = epoch - 1
        hist.grad_norm[i] = gw_norms
        penalty = model._penalty()
        hist.loss[i] = model._data_loss(cache.logit, y) + penalty
        hist.train_acc[i] = _score(model.output, cache.logit, y)
        if len(self._y_test):
            test_logit = model._forward(self._x_test).logit
            hist.test_loss[i] = model._data_loss(test_logit, self._y_test) + penalty
            hist.test_acc[i] = _score(model.output, test_logit, self._y_test)
        dead = [int(np.count_nonzero(~d.any(axis=0))) for d in cache.d]
        hist.dead_per_layer[i] = dead
        hist.dead_units[i] = sum(dead)
        self.done = epoch
        diverged = not math.isfinite(hist.loss[i])
        if epoch % self.config.snapshot_step == 0 or epoch == self.config.epochs or diverged:
            self._snapshot(epoch)
        hist.diverged = diverged

    def _end(self) -> None:
        if self._hist.snapshots[-1][0] != self.done:
            self._snapshot(self.done)
        self.finished = True

    def run(
        self,
        callback: Callable[[int, History], None] | None = None,
        should_stop: Callable[[], bool] | None = None,
        callback_every: int | None = None,
        deadline: float | None = None,
    ) -> bool:
        """Train on until the last epoch, ``should_stop()``, divergence, or the deadline.

        ``deadline`` is a ``time.perf_counter()`` value, checked between epochs; every call trains
        at least one epoch (if any is left), so a call returns about one epoch after it.
        ``callback(epoch, history)`` runs after every ``callback_every``-th epoch (default: about
        50 calls per run) and once more when the run ends; ``should_stop()`` is polled before
        every epoch, and True ends the run (``history.stopped``). A callback may raise: the epoch
        it saw is recorded, and the next call goes on from there. Returns ``finished``.
        """
        if self.finished:
            return True
        start = time.perf_counter()
        epochs = self.config.epochs
        every = callback_every or max(1, math.ceil(epochs / 50))
        try:
            first = True
            while self.done < epochs:
                if not first and deadline is not None and time.perf_counter() >= deadline:
                    return False
                first = False
                if should_stop is not None and should_stop():
                    self._hist.stopped = True
                    break
                self._epoch()
                if self._hist.diverged:
                    break
                epoch = self.done
                if callback is not None and epoch % every == 0 and epoch != epochs:
                    callback(epoch, self._hist._head(epoch))
            self._end()
            if callback is not None:
                callback(self.done, self.history())
            return True
        finally:
            self.seconds += time.perf_counter() - start

    def stop(self) -> None:
        """End the run where it is (``history.stopped``), keeping what it has learned."""
        if not self.finished:
            self._hist.stopped = True
            self._end()

    def history(self) -> History:
        """The completed epochs so far, as views of the run's buffers (recorded rows never
        change); once the run is over its last snapshot is the final model."""
        return self._hist._head(self.done)


def train(
    dataset: Any,
    config: TrainConfig,
    callback: Callable[[int, History], None] | None = None,
    should_stop: Callable[[], bool] | None = None,
    callback_every: int | None = None,
) -> tuple[MLP, History]:
    """Train a fresh network on ``dataset`` (``x_train, y_train, x_test, y_test``) in one go.

    ``callback(epoch, history)`` is called every ``callback_every`` epochs (default: about 50
    calls per run) and once more at the end, with the history so far (its arrays are views of
    the run's buffers; recorded rows never change). ``should_stop()`` is polled before every
    epoch; when it returns True, training ends and ``history.stopped`` is set. A non-finite loss
    also ends training (``history.diverged``). Returns the trained model and the history of the
    completed epochs. :class:`Trainer` does the same in slices.
    """
    trainer = Trainer(dataset, config)
    trainer.run(callback, should_stop, callback_every)
    return trainer.model, trainer.history()


def estimated_seconds(config: TrainConfig, n_train: int) -> float:
    """A rough wall time of :func:`train` for ``config`` on ``n_train`` training points, on the
    server this app was measured on: a fixed cost per epoch and per optimiser step, plus a cost
    per sample and weight (a forward and a backward pass over the training set per epoch)."""
    sizes = [2, *(layer.width for layer in config.hidden), 1]
    if config.output == "softmax":
        sizes[-1] = config.classes
    weights = sum(a * b for a, b in itertools.pairwise(sizes))
    units = sum(sizes[1:-1])
    batch = config.batch_size or n_train
    steps = math.ceil(n_train / min(batch, n_train))
    per_epoch = (
        1e-4
        + steps * (5e-5 + 4e-5 * len(config.hidden))
        + 2 * n_train * (weights + 10 * units) * 2.5e-9
    )
    return config.epochs * per_epoch


# --- XOR by hand ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ThresholdXOR:
    """The hand-wired threshold network that solves XOR (BRIEF.md section 1).

    h = step(x1 + x2 − 1.5)  (an AND), and the output, which also sees the inputs directly,
    y = step(x1 + x2 − 2h − 0.5). In the plane (s, h) with s = x1 + x2 the output is the straight
    line s − 2h − 0.5 = 0 (see :meth:`feature_space`).
    """

    w_hidden: tuple[float, float] = (1.0, 1.0)
    b_hidden: float = -1.5
    w_skip: tuple[float, float] = (1.0, 1.0)
    w_out_hidden: float = -2.0
    b_out: float = -0.5

    @staticmethod
    def _step(z: np.ndarray) -> np.ndarray:
        return np.asarray(get("step").fn(z), dtype=np.float64)

    def hidden(self, x: np.ndarray, layer: int = 0) -> np.ndarray:
        """The hidden unit h, shape (n, 1)."""
        if layer not in (0, -1):
            raise IndexError("the threshold network has one hidden layer")
        x = np.asarray(x, dtype=np.float64)
        return self._step(x @ np.array(self.w_hidden) + self.b_hidden)[:, None]

    def logit(self, x: np.ndarray) -> np.ndarray:
        """The output unit's input x·w_skip + w_out_hidden·h + b_out, shape (n,)."""
        x = np.asarray(x, dtype=np.float64)
        h = self.hidden(x)[:, 0]
        return x @ np.array(self.w_skip) + self.w_out_hidden * h + self.b_out

    def predict_proba(self, x: np.ndarray) -> np.ndarray:
        """The output y ∈ {0, 1} as float (a threshold unit has no graded probability)."""
        return self._step(self.logit(x))

    def predict(self, x: np.ndarray) -> np.ndarray:
        """The output y ∈ {0, 1} as int."""
        return self.predict_proba(x).astype(np.int64)

    def feature_space(self, x: np.ndarray) -> np.ndarray:
        """Points mapped to (x1 + x2, h), where the output's boundary is a straight line."""
        x = np.asarray(x, dtype=np.float64)
        return np.column_stack((x.sum(axis=1), self.hidden(x)[:, 0]))

    def truth_table(self) -> np.ndarray:
        """Rows (x1, x2, h, y) for the four binary inputs, int array of shape (4, 4)."""
        x = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
        return np.column_stack((x, self.hidden(x)[:, 0], self.predict_proba(x))).astype(np.int64)


def xor_by_hand() -> ThresholdXOR:
    """The threshold network with the hand-set weights of BRIEF.md; see :class:`ThresholdXOR`."""
    return ThresholdXOR()


# --- pictures: decision regions, warped grid lines, the boundary in hidden space --------------


def _grid(
    xlim: tuple[float, float], ylim: tuple[float, float], resolution: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    xs = np.linspace(xlim[0], xlim[1], resolution)
    ys = np.linspace(ylim[0], ylim[1], resolution)
    gx, gy = np.meshgrid(xs, ys)
    return xs, ys, np.column_stack((gx.ravel(), gy.ravel()))


def decision_grid(
    model: Any,
    xlim: tuple[float, float] = (-2.0, 2.0),
    ylim: tuple[float, float] = (-2.0, 2.0),
    resolution: int = 101,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(xs, ys, prob)`` with ``prob[i, j] = model.predict_proba([xs[j], ys[i]])``.

    Rows follow y, columns follow x (the layout of a Plotly heatmap/contour ``z``); a softmax
    head gives every class's probability, ``prob[i, j, c]``.
    """
    xs, ys, pts = _grid(xlim, ylim, resolution)
    prob = np.asarray(model.predict_proba(pts))
    return xs, ys, prob.reshape(len(ys), len(xs), *prob.shape[1:])


def hidden_decision_grid(
    model: MLP,
    layer: int,
    xlim: tuple[float, float],
    ylim: tuple[float, float],
    resolution: int = 101,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Like :func:`decision_grid`, over the plane of a width-2 hidden layer's activations.

    Curved for an inner layer; a straight 0.5 contour for the last one (see
    :func:`hidden_boundary`).
    """
    if model.widths[layer] != 2:
        raise ValueError("hidden_decision_grid needs a layer of width 2")
    xs, ys, pts = _grid(xlim, ylim, resolution)
    prob = model.forward_from(pts, layer)
    return xs, ys, prob.reshape(len(ys), len(xs), *prob.shape[1:])


def grid_lines(
    xlim: tuple[float, float] = (-2.0, 2.0),
    ylim: tuple[float, float] = (-2.0, 2.0),
    n_lines: int = 11,
    samples: int = 101,
) -> np.ndarray:
    """A grid of straight lines, shape (2·n_lines, samples, 2).

    The first ``n_lines`` are vertical (x constant), the rest horizontal; each is sampled at
    ``samples`` evenly spaced points so it bends smoothly when mapped (:func:`map_lines`).
    """
    t = np.linspace(0.0, 1.0, samples)
    x_at = np.linspace(xlim[0], xlim[1], n_lines)
    y_at = np.linspace(ylim[0], ylim[1], n_lines)
    along_y = ylim[0] + t * (ylim[1] - ylim[0])
    along_x = xlim[0] + t * (xlim[1] - xlim[0])
    vertical = np.stack(np.broadcast_arrays(x_at[:, None], along_y[None, :]), axis=-1)
    horizontal = np.stack(np.broadcast_arrays(along_x[None, :], y_at[:, None]), axis=-1)
    return np.concatenate((vertical, horizontal))


def map_lines(model: Any, lines: np.ndarray, layer: int) -> np.ndarray:
    """Lines of input points (…, samples, 2) mapped into hidden layer ``layer``: (…, width)."""
    lines = np.asarray(lines, dtype=np.float64)
    h = model.hidden(lines.reshape(-1, lines.shape[-1]), layer)
    return h.reshape(*lines.shape[:-1], h.shape[-1])


@dataclass(frozen=True)
class UnitSummary:
    """How the units of one hidden layer behave on a set of points (one entry per unit).

    ``spread``: standard deviation of the unit's activation over the points. ``dead``: f′ = 0
    on every point, so no gradient passes and the unit no longer learns (a dying ReLU).
    ``constant``: the activation takes one value on every point (up to 1e-6 relative), e.g. a
    saturated sigmoid; a picture of it is a line. ``undefined``: the activation is not a
    number (NaN) on every point, e.g. a formula log(x) fed only x < 0; such a unit is neither
    called dead nor constant.
    """

    spread: np.ndarray
    dead: np.ndarray
    constant: np.ndarray
    undefined: np.ndarray | None = None

    @property
    def live(self) -> np.ndarray:
        """Units neither dead nor constant."""
        return ~(self.dead | self.constant)


def unit_summary(model: MLP, x: np.ndarray, layer: int) -> UnitSummary:
    """The :class:`UnitSummary` of hidden layer ``layer`` over the points ``x``."""
    layer = range(model.n_hidden)[layer]
    cache = model._forward(np.asarray(x, dtype=np.float64), upto=layer)
    h, d = cache.a[-1], cache.d[-1]
    finite = np.isfinite(h)
    with np.errstate(all="ignore"):
        spread = np.ma.masked_invalid(h).std(axis=0).filled(0.0)
        top = np.where(finite, h, -np.inf).max(axis=0, initial=-np.inf)
        bottom = np.where(finite, h, np.inf).min(axis=0, initial=np.inf)
        constant = ~(top - bottom > 1e-6 * (1.0 + np.maximum(np.abs(top), np.abs(bottom))))
    passes = (d != 0) & np.isfinite(d)
    undefined = np.isnan(h).all(axis=0) if len(h) else np.zeros(h.shape[1], dtype=bool)
    return UnitSummary(spread, ~passes.any(axis=0) & ~undefined, constant & ~undefined, undefined)


def informative_units(
    model: MLP, x: np.ndarray, layer: int, fixed: tuple[int | None, int | None] = (None, None)
) -> tuple[int, int]:
    """The two units of hidden layer ``layer`` whose picture spreads the points ``x`` over the
    largest area: the pair with the largest determinant of their covariance, var₁·var₂·(1 − ρ²).

    A dead or constant unit spans no area, and two units that move together (ρ ≈ ±1) draw a
    line, so neither is picked while a better pair exists. ``fixed`` keeps a unit the user chose
    on x or y (0-based) and picks its best partner. Without any pair spanning an area (fewer
    than two live units), the units with the largest spread, live ones first.
    """
    layer = range(model.n_hidden)[layer]
    width = model.widths[layer]
    h = model.hidden(np.asarray(x, dtype=np.float64), layer)
    summary = unit_summary(model, x, layer)
    h = h[np.isfinite(h).all(axis=1)]
    with np.errstate(all="ignore"):
        h = h / max(float(np.abs(h).max(initial=0.0)), 1e-300)  # no overflow in the products
        cov = np.cov(h, rowvar=False) if len(h) > 1 else np.zeros((width, width))
        cov = np.where(np.isfinite(cov), cov, 0.0)
        var = np.diag(cov)
        area = np.outer(var, var) - cov**2
    live = summary.live
    area[~live, :] = area[:, ~live] = -1.0
    np.fill_diagonal(area, -1.0)
    first, second = fixed
    candidates = np.ones((width, width), dtype=bool)
    if first is not None:
        candidates[np.arange(width) != first, :] = False
    if second is not None:
        candidates[:, np.arange(width) != second] = False
    scores = np.where(candidates, area, -np.inf)
    best = np.unravel_index(int(np.argmax(scores)), scores.shape)
    if scores[best] > 1e-12 * float(var.max(initial=0.0)) ** 2:
        return int(best[0]), int(best[1])
    # No pair spans an area: the largest spreads, live units first (a stable order on ties).
    ranked = [int(i) for i in np.lexsort((-np.nan_to_num(summary.spread), ~live))]
    if first is None and second is None:
        a, b = ranked[0], ranked[1]
        return (a, b) if a < b else (b, a)
    if first is not None and second is not None:
        return first, second
    chosen = first if first is not None else second
    partner = next(i for i in ranked if i != chosen)
    return (chosen, partner) if first is not None else (partner, chosen)


@dataclass(frozen=True)
class Boundary:
    """The output's decision boundary ``coef · h + intercept = 0`` in the last hidden space."""

    coef: np.ndarray
    intercept: float

    def segment(self, xlim: tuple[float, float], ylim: tuple[float, float]) -> np.ndarray | None:
        """Endpoints (2, 2) of the line clipped to the box, or None if it misses the box."""
        (a, b), c = self.coef, self.intercept
        pts = []
        if b != 0:
            for x in xlim:
                y = -(a * x + c) / b
                if ylim[0] <= y <= ylim[1]:
                    pts.append((x, y))
        if a != 0:
            for y in ylim:
                x = -(b * y + c) / a
                if xlim[0] <= x <= xlim[1]:
                    pts.append((x, y))
        if len(pts) < 2:
            return None
        pts_arr = np.array(pts)
        # The corner case can repeat a point; keep the two farthest apart.
        d = np.linalg.norm(pts_arr[:, None] - pts_arr[None], axis=-1)
        i, j = np.unravel_index(np.argmax(d), d.shape)
        return pts_arr[[i, j]]


def hidden_boundary(model: MLP, layer: int = -1) -> Boundary:
    """The output's straight boundary ``w · h + b = 0`` (p = 0.5) in the last hidden layer.

    Only the last hidden layer feeds the output linearly, so ``layer`` must be it; drawing the
    line needs that layer to have width 2 (:meth:`Boundary.segment`).
    """
    if range(model.n_hidden)[layer] != model.n_hidden - 1:
        raise ValueError("the boundary is a straight line only in the last hidden layer")
    if model.output == "softmax":
        raise ValueError("a softmax head has one straight boundary per pair of classes")
    return Boundary(model.weights[-1][:, 0].copy(), float(model.biases[-1][0]))


# --- replay: the network seen at its snapshots -------------------------------------------


@dataclass(frozen=True)
class HiddenFrame:
    """One epoch in the hidden space: mapped points (m, 2), mapped grid lines (L, S, 2), the
    axis limits, the output probability over the plane (width-2 layers, else None) and the
    output's straight boundary (2, 2) (last layer of width 2, else None)."""

    points: np.ndarray
    lines: np.ndarray
    xlim: tuple[float, float]
    ylim: tuple[float, float]
    xs: np.ndarray | None = None
    ys: np.ndarray | None = None
    prob: np.ndarray | None = None
    boundary: np.ndarray | None = None


@dataclass(frozen=True)
class ReplayFrame:
    """One epoch: P(class 1) over the input plane (rows follow y; (rows, columns, k) class
    probabilities for a softmax head) and the hidden view."""

    epoch: int
    xs: np.ndarray
    ys: np.ndarray
    prob: np.ndarray
    hidden: HiddenFrame


def hidden_limits(
    values: np.ndarray, min_span: float = 0.2, tail: float = 1.0
) -> tuple[float, float]:
    """Axis limits that fit a hidden unit's values: every value, except far outliers, which
    would shrink everyone else into a corner: the limits reach at most a quarter of the
    ``tail``-to-(100 − ``tail``) percentile range beyond those percentiles. A margin of 6 % on
    each side, and a span of at least ``min_span`` (a constant unit)."""
    v = np.asarray(values, dtype=np.float64)
    v = v[np.isfinite(v)]
    if not v.size:
        return (-1.0, 1.0)
    q_lo, q_hi = (float(q) for q in np.percentile(v, [tail, 100.0 - tail]))
    reach = 0.25 * (q_hi - q_lo)
    lo, hi = max(float(v.min()), q_lo - reach), min(float(v.max()), q_hi + reach)
    if hi - lo < min_span:
        mid = (lo + hi) / 2
        lo, hi = mid - min_span / 2, mid + min_span / 2
    pad = 0.06 * (hi - lo)
    return (lo - pad, hi + pad)


def replay_frames(
    models: Sequence[tuple[int, MLP]],
    points: np.ndarray,
    *,
    xlim: tuple[float, float],
    ylim: tuple[float, float],
    layer: int = -1,
    units: tuple[int, int] = (0, 1),
    resolution: int = 56,
    hidden_resolution: int = 32,
    n_lines: int = 11,
    line_samples: int = 25,
) -> list[ReplayFrame]:
    """One :class:`ReplayFrame` per ``(epoch, model)``.

    ``points`` (m, 2) are mapped into hidden layer ``layer``; a layer wider than 2 is shown by
    the pair ``units`` (0-based). A width-2 layer also gets the output probability over its plane
    (:func:`activations.nn.hidden_decision_grid`), and the last one the output's straight
    boundary (:func:`activations.nn.hidden_boundary`).
    """
    lines = grid_lines(xlim, ylim, n_lines, line_samples)
    pts = np.asarray(points, dtype=np.float64)
    frames = []
    with np.errstate(all="ignore"):
        for epoch, model in models:
            xs, ys, prob = decision_grid(model, xlim, ylim, resolution)
            index = range(model.n_hidden)[layer]
            width = model.widths[index]
            cols = [0, 1] if width == 2 else list(units)
            h_pts = model.hidden(pts, index)[:, cols]
            h_lines = map_lines(model, lines, index)[..., cols]
            # Fitted to the points: the mapped grid reaches far beyond them (ReLU to 30 and more).
            hx, hy = hidden_limits(h_pts[:, 0]), hidden_limits(h_pts[:, 1])
            hxs = hys = hprob = boundary = None
            if width == 2:
                hxs, hys, hprob = hidden_decision_grid(model, index, hx, hy, hidden_resolution)
                if index == model.n_hidden - 1 and model.output != "softmax":
                    boundary = hidden_boundary(model).segment(hx, hy)
            hidden = HiddenFrame(
                _f32(h_pts), _f32(h_lines), hx, hy, hxs, hys, _f32(hprob), boundary
            )
            frames.append(ReplayFrame(int(epoch), xs, ys, _f32(prob), hidden))
    return frames


def _f32(a: np.ndarray | None) -> np.ndarray | None:
    # Half the payload of float64, the same picture; huge values (a diverged run) become inf.
    if a is None:
        return None
    with np.errstate(over="ignore", invalid="ignore"):
        return np.asarray(a, dtype=np.float32)


# --- regression: the fit's slope and its linear pieces ----------------------------------------


def input_slope(model: MLP, x: np.ndarray) -> np.ndarray:
    """d(output)/dx of a network with one input and one output unit, at the points ``x``
    (n,) or (n, 1): forward-mode differentiation with the activations' exact derivatives (at a
    kink the registry's convention), shape (n,)."""
    if model.shapes[0][0] != 1 or model.shapes[-1][1] != 1:
        raise ValueError("input_slope needs a network with one input and one output")
    cache = model._forward(np.asarray(x, dtype=np.float64).reshape(-1, 1))
    with np.errstate(all="ignore"):
        tangent = np.ones((len(cache.a[0]), 1))
        for w, d in zip(model.weights[:-1], cache.d, strict=True):
            tangent = (tangent @ w) * d
        return (tangent @ model.weights[-1])[:, 0]


_PL_GRID = np.linspace(-8.0, 8.0, 3201)


def piecewise_linear(act: str | Activation, params: Mapping[str, float] | None = None) -> bool:
    """Whether f is piecewise linear: f′ takes at most one value between consecutive kinks
    (ReLU and its family, hard tanh, hard sigmoid, step, the shrinks, the identity), checked
    on a grid over [−8, 8] with the activation's exact derivative."""
    act = get(act)
    p = checked_params(act, params or {})
    try:
        kinks = np.array(act.kinks(**p), dtype=np.float64)
    except Exception:  # a formula whose kinks cannot be found: not known to be linear
        return False
    with np.errstate(all="ignore"):
        _, d = value_and_grad(act, _PL_GRID, p)
    if not np.isfinite(d).all():
        return False
    piece = np.searchsorted(kinks, _PL_GRID)
    away = np.ones_like(_PL_GRID, dtype=bool)
    for k in kinks:  # the kink itself takes one side's slope
        away &= np.abs(_PL_GRID - k) > 1e-9
    for j in np.unique(piece[away]):
        slopes = d[away & (piece == j)]
        if np.ptp(slopes) > 1e-9 * max(1.0, float(np.abs(slopes).max())):
            return False
    return True


@dataclass(frozen=True)
class Pieces:
    """The linear pieces of a piecewise-linear 1-D fit over [lo, hi]: how many, and the x of
    each kink (where the slope changes) between them."""

    count: int
    kinks: np.ndarray


def linear_pieces(
    model: MLP, lo: float = -2.0, hi: float = 2.0, samples: int = 20001, tol: float = 1e-7
) -> Pieces:
    """Count the linear pieces of a network with one input and one output over [lo, hi]: the
    slope (:func:`input_slope`) on ``samples`` evenly spaced points, a kink wherever it changes
    by more than ``tol`` relative to the largest slope. Two kinks closer than the spacing
    (2e-4 by default) count as one. Meaningful when every activation is piecewise linear."""
    x = np.linspace(lo, hi, samples)
    slope = input_slope(model, x)
    scale = max(1.0, float(np.nanmax(np.abs(slope), initial=0.0)))
    with np.errstate(invalid="ignore"):
        change = np.abs(np.diff(slope)) > tol * scale
    where = np.flatnonzero(change)
    return Pieces(len(where) + 1, (x[where] + x[where + 1]) / 2)


def piece_growth(
    act: str | Activation,
    params: Mapping[str, float] | None = None,
    widths: Sequence[int] = (2, 4, 8, 16),
    depths: Sequence[int] = (1, 2, 3, 4),
    seeds: int = 5,
    lo: float = -2.0,
    hi: float = 2.0,
) -> np.ndarray:
    """The mean number of linear pieces over [lo, hi] of freshly initialised 1-D networks
    (He-normal weights, biases normal with std 0.5 so kinks fall inside the range) with
    ``depth`` hidden layers of ``width`` units of ``act``: an array (len(depths),
    len(widths)). The count grows with width and, faster, with depth (Montúfar et al., 2014;
    Hanin & Rolnick, 2019)."""
    out = np.zeros((len(depths), len(widths)))
    params = dict(params or {})
    for i, depth in enumerate(depths):
        for j, width in enumerate(widths):
            counts = []
            for seed in range(seeds):
                rng = np.random.default_rng(seed)
                sizes = [1, *([width] * depth), 1]
                weights = init_weights(sizes, "he", 1.0, rng)
                biases = [rng.normal(0.0, 0.5, size=fo) for fo in sizes[1:]]
                model = MLP(weights, biases, [act] * depth, [params] * depth, output="linear")
                counts.append(linear_pieces(model, lo, hi, samples=4001).count)
            out[i, j] = float(np.mean(counts))
    return out


@dataclass(frozen=True)
class FitFrame:
    """One epoch of a regression run: the fit and its slope at the points ``xs`` of the
    replay, and, for a piecewise-linear network, its kinks' x (else None)."""

    epoch: int
    fit: np.ndarray
    slope: np.ndarray
    kinks: np.ndarray | None = None


def fit_frames(
    models: Sequence[tuple[int, MLP]], xs: np.ndarray, pieces: bool = False
) -> list[FitFrame]:
    """One :class:`FitFrame` per ``(epoch, model)`` of a 1-D regression network; ``pieces``:
    find the kinks (:func:`linear_pieces` over the range of ``xs``)."""
    xs = np.asarray(xs, dtype=np.float64)
    frames = []
    with np.errstate(all="ignore"):
        for epoch, model in models:
            fit = model.predict_proba(xs[:, None])
            slope = input_slope(model, xs)
            kinks = linear_pieces(model, float(xs[0]), float(xs[-1])).kinks if pieces else None
            frames.append(FitFrame(int(epoch), _f32(fit), _f32(slope), kinks))
    return frames
