"""Experiments for the Gradients page: vanishing gradients with depth, dying ReLUs, the zig-zag.

Each function is deterministic for its seed and returns plain arrays for the charts.

* :func:`depth_experiment` — one forward and one backward pass through a deep random MLP; per
  layer, how spread out the activations are, how many sit on a flat part of the activation, and
  the norm of the gradient of a fixed random loss w.r.t. the layer's pre-activations.
* :func:`dying_relu_experiment` — a small regression net trained with a chosen learning rate and
  initialisation; the share of units whose activation derivative is 0 on every sample.
* :func:`zigzag_experiment` — gradient descent on a two-weight linear neuron whose inputs are all
  positive (sigmoid outputs) or zero-centred (tanh outputs).
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from activations.nn import (
    MLP,
    TrainConfig,
    _Optimizer,
    checked_params,
    init_std,
    init_weights,
    value_and_grad,
)
from activations.registry import Activation, get

__all__ = [
    "DEPTH_INITS",
    "MAX_DEPTH",
    "DepthResult",
    "DyingResult",
    "ZigzagResult",
    "depth_experiment",
    "depth_network",
    "dying_relu_experiment",
    "gradient_bound",
    "vanishing_bound",
    "zigzag_experiment",
]

MAX_DEPTH = 50
MIN_DEPTH_WIDTH, MAX_DEPTH_WIDTH = 16, 256
DEPTH_INITS = ("xavier", "he", "lecun")


def _activation_name(act: str | Activation) -> str:
    return get(act).name


# --- 1. depth -----------------------------------------------------------------------------------


@functools.lru_cache(maxsize=2)
def _depth_draws(width: int, seed: int, n_samples: int) -> tuple[np.ndarray, ...]:
    """Inputs, loss projection and standard-normal weights for MAX_DEPTH layers.

    Drawn once per (width, seed, n_samples) and shared by every activation, depth and gain, so
    side-by-side curves use the same weights and layer l does not change when depth does. The
    weights are drawn in float32 (3x faster; they are random numbers, not results).
    """
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n_samples, width))
    g = rng.standard_normal((n_samples, width))
    g /= np.linalg.norm(g)
    w = rng.standard_normal((MAX_DEPTH, width, width), dtype=np.float32)
    for a in (x, g, w):
        a.flags.writeable = False
    return x, g, w


def _check_depth_args(depth: int, width: int, init: str, gain: float, n_samples: int) -> None:
    if not 1 <= depth <= MAX_DEPTH:
        raise ValueError(f"depth must be in [1, {MAX_DEPTH}]")
    if not MIN_DEPTH_WIDTH <= width <= MAX_DEPTH_WIDTH:
        raise ValueError(f"width must be in [{MIN_DEPTH_WIDTH}, {MAX_DEPTH_WIDTH}]")
    if init not in DEPTH_INITS:
        raise ValueError(f"init must be one of {DEPTH_INITS}")
    if not (math.isfinite(gain) and gain > 0):
        raise ValueError("gain must be finite and > 0")
    if n_samples < 1:
        raise ValueError("n_samples must be >= 1")


def depth_network(
    depth: int, width: int, init: str, gain: float, seed: int, n_samples: int = 256
) -> tuple[np.ndarray, list[np.ndarray], np.ndarray]:
    """The random network of :func:`depth_experiment`: ``(x, weights, g)``.

    ``x`` (n_samples, width) standard normal inputs; ``weights[l]`` (width, width) normal with
    standard deviation ``gain · init_std(init)`` and no biases; ``g`` the fixed loss projection
    (n_samples, width), normalised to ``||g||_F = 1``.
    """
    return _depth_network(depth, width, init, gain, seed, n_samples, np.float64)


def _depth_network(
    depth: int, width: int, init: str, gain: float, seed: int, n_samples: int, dtype: Any
) -> tuple[np.ndarray, list[np.ndarray], np.ndarray]:
    _check_depth_args(depth, width, init, gain, n_samples)
    x, g, normals = _depth_draws(int(width), int(seed), int(n_samples))
    std = init_std(init, width, width, gain)
    weights = [np.multiply(normals[i], std, dtype=dtype) for i in range(depth)]
    return x.astype(dtype), weights, g.astype(dtype)


@dataclass(frozen=True)
class DepthResult:
    """Per-layer statistics of a deep random MLP; index ``i`` is layer ``i + 1`` (1 = nearest
    the input, ``depth`` = the top).

    * ``act_mean``, ``act_std`` — mean and standard deviation of the layer's outputs f(z).
    * ``saturated`` — share of (sample, unit) pairs on a flat part with a non-zero output:
      |f'(z)| < eps and not off (sigmoid/tanh tails, ReLU6 above 6).
    * ``off`` — share of pairs with f'(z) = 0 and f(z) = 0 (ReLU's negative side) on that
      sample. Not "dead": a unit is dead only when it is off on *every* sample (see
      :class:`DyingResult`); at initialisation about half of a ReLU layer's pairs are off.
    * ``grad_norm`` — ||∂L/∂z_l||_F, the gradient w.r.t. the layer's pre-activations, for the loss
      L = Σ g ⊙ a_depth with a fixed random g, ||g||_F = 1 (so the gradient arriving at the top
      has norm exactly 1 and the curve reads as "fraction of the top gradient left").
    """

    activation: str
    depth: int
    width: int
    init: str
    gain: float
    layer: np.ndarray
    act_mean: np.ndarray
    act_std: np.ndarray
    saturated: np.ndarray
    off: np.ndarray
    grad_norm: np.ndarray


def depth_experiment(
    activation: str | Activation,
    depth: int = 20,
    width: int = 256,
    init: str = "xavier",
    gain: float = 1.0,
    seed: int = 0,
    n_samples: int = 256,
    eps: float = 1e-2,
    dtype: Any = np.float32,
    **params: float,
) -> DepthResult:
    """One forward and one backward pass through ``depth`` layers ``a_l = f(a_{l-1} W_l)``.

    Inputs are standard normal, weights as in :func:`depth_network`, and the loss is the random
    projection L = Σ g ⊙ a_depth, whose gradient ∂L/∂a_depth = g carries no preference for any
    unit or sign. Backprop: δ_depth = g ⊙ f'(z_depth), δ_{l-1} = (δ_l W_lᵀ) ⊙ f'(z_{l-1}).
    See :class:`DepthResult` for the statistics; ``params`` go to the activation.

    The arrays are float32 by default (twice as fast; the statistics need no more). The
    backward signal is renormalised at every layer and its scale carried in float64, so norms
    far below float32's range (sigmoid: 1e-40 and less) are still exact to float32 rounding.
    ``dtype=np.float64`` computes everything in double precision.
    """
    act = get(activation)
    p = checked_params(act, params)
    x, weights, g = _depth_network(depth, width, init, gain, seed, n_samples, dtype)
    mean, std, sat, off, gnorm = (np.empty(depth) for _ in range(5))
    derivs = []
    a = x
    with np.errstate(all="ignore"):
        for i, w in enumerate(weights):
            a, d = value_and_grad(act, a @ w, p, dtype)
            zero = (d == 0) & (a == 0)
            off[i] = zero.mean()
            sat[i] = ((np.abs(d) < eps) & ~zero).mean()
            mean[i] = a.mean(dtype=np.float64)
            std[i] = a.std(dtype=np.float64)
            derivs.append(d)
        delta = g * derivs[-1]
        log_scale = 0.0  # gnorm = ||delta|| · e^log_scale
        for i in range(depth - 1, -1, -1):
            norm = float(np.linalg.norm(delta))
            gnorm[i] = norm * math.exp(log_scale)
            if not (math.isfinite(norm) and norm > 0):
                gnorm[:i] = norm  # 0 stays 0 (e.g. step), NaN/inf propagates
                break
            delta /= dtype(norm)
            log_scale += math.log(norm)
            if i:
                delta = delta @ weights[i].T
                delta *= derivs[i - 1]
    return DepthResult(
        _activation_name(act),
        depth,
        width,
        init,
        float(gain),
        np.arange(1, depth + 1),
        mean,
        std,
        sat,
        off,
        gnorm,
    )


def vanishing_bound(depth: int, max_slope: float = 0.25, top: float = 1.0) -> np.ndarray:
    """The derivative factor alone: ``top · max_slope^(depth − l + 1)`` for layers l = 1..depth.

    With sigmoid (max σ' = 0.25) every layer multiplies the gradient by at most 0.25 *times
    what the weights do*; this curve is that 0.25ⁿ, the weights' factor left out. For a rigorous
    bound that includes the weights see :func:`gradient_bound`.
    """
    return top * max_slope ** (depth - np.arange(1, depth + 1) + 1.0)


def gradient_bound(
    weights: list[np.ndarray], max_slope: float = 0.25, top: float = 1.0
) -> np.ndarray:
    """A rigorous upper bound on :attr:`DepthResult.grad_norm`, layer by layer.

    Since δ_l = (δ_{l+1} W_{l+1}ᵀ) ⊙ f'(z_l) and |f'| ≤ max_slope,
    ||δ_l||_F ≤ top · max_slope^(depth − l + 1) · Π_{k=l+1}^{depth} ||W_k||₂ (spectral norms),
    where top = ||∂L/∂a_depth||_F (1 in :func:`depth_experiment`). Costs one SVD per layer.
    """
    spectral = np.array([np.linalg.norm(w, 2) for w in weights])
    # Π_{k=l+1}^{depth} ||W_k||: reversed cumulative product, shifted by one layer.
    tail = np.append(np.cumprod(spectral[:0:-1])[::-1], 1.0)
    return vanishing_bound(len(weights), max_slope, top) * tail


# --- 2. dying ReLU ------------------------------------------------------------------------------


@dataclass(frozen=True)
class DyingResult:
    """Per-epoch record of :func:`dying_relu_experiment`; index 0 is the initial network.

    * ``dead`` — share of hidden units whose activation derivative is 0 on every sample (they
      receive no gradient and can never recover).
    * ``negative`` — share of hidden units whose pre-activation is ≤ 0 on every sample: dead for
      ReLU; for leaky ReLU such units still get a gradient (slope a) and can come back.
    * ``loss`` — mean squared error on the training points.
    """

    activation: str
    epoch: np.ndarray
    dead: np.ndarray
    negative: np.ndarray
    loss: np.ndarray
    x: np.ndarray
    y: np.ndarray
    prediction: np.ndarray


def dying_relu_experiment(
    activation: str | Activation = "relu",
    lr: float = 0.1,
    init: str = "he",
    init_scale: float = 1.0,
    epochs: int = 300,
    seed: int = 0,
    *,
    bias_init: float = 0.0,
    width: int = 16,
    n_samples: int = 200,
    optimizer: str = "adam",
    **params: float,
) -> DyingResult:
    """Fit y = sin(x) on [−3, 3] with a 1-``width``-``width``-1 net and watch units die.

    Full-batch training with Adam (or ``optimizer="sgd"``: plain gradient descent) on the mean
    squared error. A large ``lr`` makes big early steps that push a ReLU unit's input below 0 for
    every sample; from then on its derivative is 0 everywhere and no update can revive it.
    ``bias_init < 0`` starts units in that state ("bad initialisation"). With leaky ReLU the
    derivative is never 0, so ``dead`` stays at 0; units pushed below 0 (``negative``) keep a
    small gradient and some come back. Seeds 0-3: at init 6-25 % of the ReLU units are dead
    (second-layer units that happen to start negative); after 300 epochs about 40 % with the
    default lr = 0.1, 50-72 % with lr = 0.3, and no more than at init with lr = 0.003.
    """
    act = get(activation)
    p = checked_params(act, params)
    if epochs < 1:
        raise ValueError("epochs must be >= 1")
    rng = np.random.default_rng(seed)
    x = np.linspace(-3.0, 3.0, n_samples)[:, None]
    y = np.sin(x[:, 0])
    sizes = [1, width, width, 1]
    weights = init_weights(sizes, init, init_scale, rng)
    biases = [np.full(fo, float(bias_init)) for fo in sizes[1:-1]] + [np.zeros(1)]
    model = MLP(weights, biases, [act, act], [p, p], output="linear")
    opt = _Optimizer(TrainConfig(optimizer=optimizer, lr=lr, momentum=0.0), model.theta.size)
    grad = np.empty_like(model.theta)
    dead, negative, loss = (np.full(epochs + 1, np.nan) for _ in range(3))
    n_units = 2 * width
    for epoch in range(epochs + 1):
        cache = model._forward(x)
        dead[epoch] = sum(int(np.count_nonzero(~d.any(axis=0))) for d in cache.d) / n_units
        negative[epoch] = sum(int(np.count_nonzero((z <= 0).all(axis=0))) for z in cache.z)
        negative[epoch] /= n_units
        loss[epoch] = model._data_loss(cache.logit, y)
        if epoch == epochs or not math.isfinite(loss[epoch]):
            break
        model._backward(cache, y, grad)
        opt.step(model.theta, grad)
    return DyingResult(
        _activation_name(act),
        np.arange(epochs + 1),
        dead,
        negative,
        loss,
        x[:, 0],
        y,
        model.predict_proba(x),
    )


# --- 3. zig-zag ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ZigzagResult:
    """Gradient descent on L(w) = 1/(2n) Σ (w·x_i − y_i)² with y_i = w*·x_i (so L(w*) = 0).

    ``path`` (k+1, 2) holds w_0..w_k and ``loss`` the loss along it. ``steps_to_converge`` is the
    first step with ||w − w*|| ≤ tol · ||w_0 − w*|| (None if not reached, or diverged).
    ``loss_grid[i, j]`` is L at (w1[j], w2[i]). ``hessian`` = XᵀX/n; ``condition`` its
    eigenvalue ratio (the valley's elongation). ``same_sign_share`` is the share of samples
    whose two per-sample weight gradients (w·x_i − y_i)·x_i have the same sign: 1 for
    all-positive inputs.
    """

    input_kind: str
    x: np.ndarray
    start: np.ndarray
    target: np.ndarray
    lr: float
    path: np.ndarray
    loss: np.ndarray
    steps_to_converge: int | None
    diverged: bool
    w1: np.ndarray
    w2: np.ndarray
    loss_grid: np.ndarray
    hessian: np.ndarray
    condition: float
    same_sign_share: float


def zigzag_experiment(
    input_kind: str = "positive",
    lr: float = 3.0,
    steps: int = 100,
    seed: int = 0,
    *,
    n_samples: int = 200,
    start: tuple[float, float] = (0.0, 0.0),
    target: tuple[float, float] = (1.5, -0.5),
    tol: float = 1e-3,
    resolution: int = 101,
) -> ZigzagResult:
    """A linear neuron y = w1·x1 + w2·x2 trained by full-batch gradient descent from ``start``.

    Inputs are u ~ N(0, 1) passed through sigmoid (``"positive"``: every input in (0, 1)) or
    tanh (``"centred"``: mean 0). The optimum ``target`` needs w1 to grow and w2 to shrink from
    the start. For positive inputs every sample's gradient (w·x − y)·x has the sign of its error
    in both components, so the weights move together; averaged over the batch this shows up as
    a long valley along w1 = −w2 with steep walls (Hessian XᵀX/n with large off-diagonal
    entries), and GD bounces across it while creeping along it. Centred inputs give a nearly
    round bowl and a direct path. Default setting: positive ≈ 60 steps, centred ≈ 5.
    """
    if input_kind not in ("positive", "centred"):
        raise ValueError("input_kind must be 'positive' or 'centred'")
    if not (math.isfinite(lr) and lr > 0) or steps < 1:
        raise ValueError("lr must be > 0 and steps >= 1")
    rng = np.random.default_rng(seed)
    u = rng.standard_normal((n_samples, 2))
    squash = get("sigmoid" if input_kind == "positive" else "tanh")
    x = np.asarray(squash.fn(u), dtype=np.float64)
    w_star = np.array(target, dtype=np.float64)
    w0 = np.array(start, dtype=np.float64)
    h = x.T @ x / n_samples

    def loss_at(dw: np.ndarray) -> np.ndarray:
        # L(w) = ½ (w − w*)ᵀ H (w − w*), exact because y is exactly linear in x.
        return 0.5 * np.einsum("...i,ij,...j->...", dw, h, dw)

    path = np.empty((steps + 1, 2))
    path[0] = w0
    dist0 = np.linalg.norm(w0 - w_star)
    converged: int | None = 0 if dist0 == 0 else None
    diverged = False
    k = 0
    with np.errstate(all="ignore"):
        for k in range(1, steps + 1):
            path[k] = path[k - 1] - lr * (h @ (path[k - 1] - w_star))
            dist = np.linalg.norm(path[k] - w_star)
            if not math.isfinite(dist) or dist > 1e6 * max(dist0, 1.0):
                diverged = True
                break
            if converged is None and dist <= tol * dist0:
                converged = k
        path = path[: k + 1]
        losses = loss_at(path - w_star)

    finite = path[np.isfinite(path).all(axis=1)]
    pts = np.vstack((finite, w_star))
    lo, hi = pts.min(axis=0), pts.max(axis=0)
    pad = 0.15 * np.maximum(hi - lo, 0.5)
    w1 = np.linspace(lo[0] - pad[0], hi[0] + pad[0], resolution)
    w2 = np.linspace(lo[1] - pad[1], hi[1] + pad[1], resolution)
    g1, g2 = np.meshgrid(w1, w2)
    grid = loss_at(np.stack((g1 - w_star[0], g2 - w_star[1]), axis=-1))
    eig = np.linalg.eigvalsh(h)
    same_sign = float(np.mean(np.sign(x[:, 0]) == np.sign(x[:, 1])))
    return ZigzagResult(
        input_kind,
        x,
        w0,
        w_star,
        float(lr),
        path,
        losses,
        None if diverged else converged,
        diverged,
        w1,
        w2,
        grid,
        h,
        float(eig[-1] / eig[0]),
        same_sign,
    )
