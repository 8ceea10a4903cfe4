"""Tests for activations.experiments: depth, dying ReLU, zig-zag."""

from __future__ import annotations

import numpy as np
import pytest

import activations
from activations.experiments import (
    MAX_DEPTH,
    depth_experiment,
    depth_network,
    dying_relu_experiment,
    gradient_bound,
    vanishing_bound,
    zigzag_experiment,
)

pytestmark = pytest.mark.filterwarnings("error")


# --- depth --------------------------------------------------------------------------------------


def _loss_from_layer(act, z: np.ndarray, weights: list[np.ndarray], g: np.ndarray, layer: int):
    """L = Σ g ⊙ a_depth as a function of the pre-activation z of ``layer`` (0-based)."""
    a = act.fn(z)
    for w in weights[layer + 1 :]:
        a = act.fn(a @ w)
    return float(np.sum(g * a))


@pytest.mark.parametrize("name", ["sigmoid", "tanh", "gelu", "relu", "elu"])
def test_depth_gradient_norms_match_finite_differences(name):
    act = activations.get(name)
    depth, width = 5, 16
    x, weights, g = depth_network(depth, width, "he", 1.3, seed=4, n_samples=6)
    result = depth_experiment(name, depth, width, "he", 1.3, 4, 6, dtype=np.float64)
    a, h = x, 1e-6
    for layer, w in enumerate(weights):
        z = a @ w
        assert np.abs(z).min() > 1e-4  # no kink inside the difference step
        numeric = np.empty_like(z)
        for idx in np.ndindex(z.shape):
            zp, zm = z.copy(), z.copy()
            zp[idx] += h
            zm[idx] -= h
            up = _loss_from_layer(act, zp, weights, g, layer)
            down = _loss_from_layer(act, zm, weights, g, layer)
            numeric[idx] = (up - down) / (2 * h)
        assert result.grad_norm[layer] == pytest.approx(np.linalg.norm(numeric), rel=1e-6)
        a = act.fn(z)
    np.testing.assert_allclose(result.act_std[-1], a.std(), rtol=1e-12)


def test_sigmoid_gradient_obeys_the_quarter_bound():
    """Claim: ||∂L/∂z_l||_F ≤ 0.25^(depth − l + 1) · Π_{k>l} ||W_k||₂ · ||∂L/∂a_depth||_F.

    Each backward step multiplies by W_kᵀ (at most its spectral norm) and by σ'(z) ≤ 0.25;
    here ||∂L/∂a_depth||_F = 1. It must hold for every layer, init and gain.
    """
    for init, gain in [("xavier", 1.0), ("he", 2.0), ("lecun", 0.5)]:
        _, weights, _ = depth_network(30, 64, init, gain, seed=1)
        result = depth_experiment("sigmoid", 30, 64, init, gain, seed=1, dtype=np.float64)
        bound = gradient_bound(weights, 0.25)
        assert np.all(result.grad_norm <= bound * (1 + 1e-12))
        assert result.grad_norm[-1] <= 0.25


def test_sigmoid_vanishes_by_orders_of_magnitude_relu_he_stays_flat():
    sig = depth_experiment("sigmoid", MAX_DEPTH, 256, "xavier", 1.0, seed=0)
    # Xavier keeps the weights' factor near 1, so sigmoid loses ≥ 3.3× per layer on average.
    assert sig.grad_norm[0] / sig.grad_norm[-1] < 0.3 ** (MAX_DEPTH - 1)
    assert sig.grad_norm[0] < 1e-25
    for width, seed in [(256, 0), (128, 1)]:
        relu = depth_experiment("relu", MAX_DEPTH, width, "he", 1.0, seed=seed)
        assert relu.grad_norm.max() / relu.grad_norm.min() < 10
        assert 0.1 < relu.act_std[-1] / relu.act_std[0] < 10
    # The same ReLU net with Xavier (half He's variance) loses √2 per layer.
    relu_x = depth_experiment("relu", MAX_DEPTH, 256, "xavier", 1.0, seed=0)
    assert relu_x.grad_norm[0] / relu_x.grad_norm[-1] < 1e-5


def test_float32_default_matches_float64_below_float32_range():
    # Lecun with gain 0.5: the sigmoid gradient reaches ~1e-46, below float32's smallest
    # normal number (1.2e-38); renormalising at every layer keeps it exact to rounding.
    r32 = depth_experiment("sigmoid", MAX_DEPTH, 64, "lecun", 0.5, seed=2)
    r64 = depth_experiment("sigmoid", MAX_DEPTH, 64, "lecun", 0.5, seed=2, dtype=np.float64)
    assert r64.grad_norm[0] < 1e-40
    np.testing.assert_allclose(r32.grad_norm, r64.grad_norm, rtol=1e-5)
    np.testing.assert_allclose(r32.act_std, r64.act_std, rtol=1e-5)


def test_vanishing_bound_values():
    np.testing.assert_allclose(vanishing_bound(3), [0.25**3, 0.25**2, 0.25])
    np.testing.assert_allclose(vanishing_bound(2, max_slope=1.0, top=5.0), [5.0, 5.0])
    # For 1-Lipschitz identity weights the rigorous bound is the plain power.
    np.testing.assert_allclose(gradient_bound([np.eye(4)] * 3), vanishing_bound(3))


def test_depth_dead_and_saturated_shares():
    relu = depth_experiment("relu", 10, 128, "he", 1.0, seed=0)
    assert np.all(np.abs(relu.off - 0.5) < 0.05)  # half of each layer's inputs are negative
    assert np.all(relu.saturated == 0)
    tanh = depth_experiment("tanh", 10, 128, "xavier", 4.0, seed=0)
    assert tanh.saturated[-1] > 0.3 and np.all(tanh.off == 0)  # large gain: |z| > 3 often
    step = depth_experiment("step", 3, 16, "he", 1.0, seed=0)
    np.testing.assert_allclose(step.off + step.saturated, 1.0)  # f' = 0 everywhere
    assert np.all(step.grad_norm == 0)
    relu6 = depth_experiment("relu6", 5, 64, "he", 8.0, seed=0)
    assert relu6.saturated.min() > 0.1  # above the cap: flat with output 6, not dead


def test_depth_is_deterministic_and_layers_do_not_depend_on_depth():
    a = depth_experiment("tanh", 10, 32, "lecun", 1.5, seed=3)
    b = depth_experiment("tanh", 40, 32, "lecun", 1.5, seed=3)
    np.testing.assert_array_equal(a.act_std, b.act_std[:10])
    np.testing.assert_array_equal(a.layer, np.arange(1, 11))
    c = depth_experiment("tanh", 10, 32, "lecun", 1.5, seed=4)
    assert not np.array_equal(a.act_std, c.act_std)
    with pytest.raises(ValueError):
        depth_experiment("tanh", MAX_DEPTH + 1, 32)
    with pytest.raises(ValueError):
        depth_experiment("tanh", 10, 8)
    with pytest.raises(ValueError):
        depth_experiment("tanh", 10, 32, init="normal")


def test_depth_passes_activation_parameters():
    a = depth_experiment("leaky_relu", 5, 32, "he", 1.0, seed=0, negative_slope=0.5)
    b = depth_experiment("leaky_relu", 5, 32, "he", 1.0, seed=0)
    assert np.all(a.off == 0) and a.grad_norm[0] > b.grad_norm[0]


# --- dying ReLU ---------------------------------------------------------------------------------


def test_large_learning_rate_kills_relu_units_leaky_relu_survives():
    seeds = range(4)
    big = [dying_relu_experiment("relu", lr=0.3, seed=s) for s in seeds]
    small = [dying_relu_experiment("relu", lr=0.003, seed=s) for s in seeds]
    leaky = [dying_relu_experiment("leaky_relu", lr=0.3, seed=s) for s in seeds]
    big_dead = np.mean([r.dead[-1] for r in big])
    small_dead = np.mean([r.dead[-1] for r in small])
    assert big_dead > 0.5 and small_dead < 0.15
    for r in big:
        assert r.dead[-1] > r.dead[0]  # the large steps killed units that were alive at init
        # A dead ReLU unit is exactly one whose input is ≤ 0 on every sample.
        np.testing.assert_array_equal(r.dead, r.negative)
    for r in leaky:
        assert np.all(r.dead == 0)  # the derivative is never 0
    assert np.median([r.loss[-1] for r in leaky]) < np.median([r.loss[-1] for r in big])


def test_bad_bias_init_starts_relu_units_dead():
    r = dying_relu_experiment("relu", lr=0.01, bias_init=-1.0, epochs=5)
    assert r.dead[0] > 0.3
    assert r.epoch.shape == r.dead.shape == r.loss.shape == (6,)
    assert r.prediction.shape == r.x.shape == r.y.shape


def test_dying_experiment_is_deterministic():
    a = dying_relu_experiment("relu", lr=0.1, epochs=50, seed=5)
    b = dying_relu_experiment("relu", lr=0.1, epochs=50, seed=5)
    np.testing.assert_array_equal(a.loss, b.loss)
    np.testing.assert_array_equal(a.dead, b.dead)


# --- zig-zag ------------------------------------------------------------------------------------


def test_positive_inputs_zigzag_and_take_more_steps():
    pos = zigzag_experiment("positive", lr=3.0, steps=200, seed=0)
    cen = zigzag_experiment("centred", lr=3.0, steps=200, seed=0)
    assert pos.steps_to_converge is not None and cen.steps_to_converge is not None
    assert pos.steps_to_converge > 5 * cen.steps_to_converge
    assert cen.steps_to_converge <= 10
    # All inputs positive: every per-sample gradient has two components of one sign.
    assert np.all(pos.x > 0) and pos.same_sign_share == 1.0
    assert 0.3 < cen.same_sign_share < 0.7
    # From (0, 0) both weights first grow together, though w2 must end up negative.
    first = pos.path[1] - pos.path[0]
    assert first[0] > 0 and first[1] > 0 and pos.target[1] < 0
    # The zig-zag: the offset along the valley's steep direction flips sign step after step.
    steep = np.linalg.eigh(pos.hessian)[1][:, -1]
    across = (pos.path - pos.target) @ steep
    assert np.count_nonzero(np.diff(np.sign(across[:20])) != 0) >= 15
    assert pos.condition > 5 > 2 > cen.condition
    # Gradient descent on a quadratic with lr < 2/λmax: the loss never increases.
    for r in (pos, cen):
        assert np.all(np.diff(r.loss) <= 1e-15)
        np.testing.assert_allclose(r.path[-1], r.target, atol=1e-6)


def test_zigzag_grid_is_the_loss_surface():
    r = zigzag_experiment("positive", steps=30, seed=1, resolution=41)
    assert r.loss_grid.shape == (41, 41)
    i, j = 7, 29
    w = np.array([r.w1[j], r.w2[i]])
    direct = 0.5 * np.mean((r.x @ w - r.x @ r.target) ** 2)
    assert r.loss_grid[i, j] == pytest.approx(direct, rel=1e-10)
    assert r.w1[0] <= r.path[:, 0].min() and r.w1[-1] >= r.path[:, 0].max()
    assert r.w2[0] <= r.path[:, 1].min() and r.w2[-1] >= r.path[:, 1].max()
    np.testing.assert_allclose(r.loss[0], 0.5 * np.mean((r.x @ r.target) ** 2))


def test_zigzag_divergence_is_reported():
    r = zigzag_experiment("positive", lr=10.0, steps=500)
    assert r.diverged and r.steps_to_converge is None
    assert np.all(np.isfinite(r.loss_grid))
    with pytest.raises(ValueError):
        zigzag_experiment("negative")
