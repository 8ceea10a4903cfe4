"""Tests for activations.nn: backprop against finite differences, training behaviour, pictures."""

from __future__ import annotations

import dataclasses
import pickle
import time

import numpy as np
import pytest

from activations import Activation, Kernels
from activations.clouds import make_dataset
from activations.nn import (
    MLP,
    FrozenParams,
    History,
    LayerSpec,
    TrainConfig,
    Trainer,
    decision_grid,
    estimated_seconds,
    grid_lines,
    hidden_boundary,
    hidden_decision_grid,
    map_lines,
    train,
    xor_by_hand,
)

pytestmark = pytest.mark.filterwarnings("error")


def _random_problem(seed: int = 1, n: int = 24) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    return rng.normal(size=(n, 2)), (rng.random(n) > 0.5).astype(np.float64)


def _numeric_gradient(model: MLP, x: np.ndarray, y: np.ndarray, h: float = 1e-6) -> np.ndarray:
    """Central differences of model.loss over every entry of the flat parameter vector."""
    out = np.empty_like(model.theta)
    for i in range(model.theta.size):
        keep = model.theta[i]
        model.theta[i] = keep + h
        up = model.loss(x, y)
        model.theta[i] = keep - h
        down = model.loss(x, y)
        model.theta[i] = keep
        out[i] = (up - down) / (2 * h)
    return out


def _flat(weights: list[np.ndarray], biases: list[np.ndarray]) -> np.ndarray:
    pairs = zip(weights, biases, strict=True)
    return np.concatenate([np.concatenate((w.ravel(), b)) for w, b in pairs])


def _min_abs_preactivation(model: MLP, x: np.ndarray) -> float:
    return min(float(np.abs(z).min()) for z in model.forward(x)[1].z)


@pytest.mark.parametrize(
    ("layers", "l2"),
    [
        ((("tanh", {}), ("tanh", {})), 0.0),
        ((("sigmoid", {}), ("sigmoid", {}), ("sigmoid", {})), 0.0),
        ((("relu", {}), ("relu", {})), 0.0),
        ((("gelu", {}),), 0.0),
        ((("leaky_relu", {"negative_slope": 0.2}), ("elu", {"alpha": 0.5})), 0.0),
        ((("elu", {}), ("tanh", {}), ("gelu", {}), ("sigmoid", {})), 0.3),
        ((("relu", {}), ("leaky_relu", {})), 0.1),
    ],
)
def test_backprop_matches_finite_differences(layers, l2):
    x, y = _random_problem()
    config = TrainConfig(
        hidden=tuple(LayerSpec(5, name, params) for name, params in layers),
        init="he",
        l2=l2,
        seed=3,
    )
    model = MLP.from_config(config)
    model.biases[0][:] = 0.1  # non-zero biases so their gradients are exercised
    # Piecewise-linear activations: stay clear of kinks, where differences are meaningless.
    assert _min_abs_preactivation(model, x) > 1e-4
    analytic = _flat(*model.gradients(x, y))
    numeric = _numeric_gradient(model, x, y)
    np.testing.assert_allclose(analytic, numeric, rtol=1e-6, atol=1e-8)


def _Cube() -> Activation:
    """A custom activation outside the registry: f = x³/3, f′ = x² (no value_and_grad)."""
    return Activation(
        name="cube",
        label="x³/3",
        formula="f(x) = x^3/3",
        grad_formula="f'(x) = x^2",
        note="",
        kernels=Kernels(lambda x: x**3 / 3.0, lambda x: x**2),
    )


def test_custom_activation_object_is_accepted_and_backprop_is_exact():
    x, y = _random_problem(seed=2)
    model = MLP.from_config(TrainConfig(hidden=(LayerSpec(3, _Cube()), LayerSpec(3, "tanh"))))
    np.testing.assert_allclose(
        _flat(*model.gradients(x, y)), _numeric_gradient(model, x, y), rtol=1e-6, atol=1e-8
    )


def test_linear_head_gradient_and_mse_loss():
    x, y = _random_problem(seed=4)
    rng = np.random.default_rng(0)
    weights = [rng.normal(size=(2, 6)), rng.normal(size=(6, 1))]
    biases = [rng.normal(size=6), np.array([0.3])]
    model = MLP(weights, biases, ["tanh"], output="linear", l2=0.05)
    pred = model.predict_proba(x)
    expected = np.mean((pred - y) ** 2) + 0.025 * sum(np.sum(w**2) for w in weights)
    assert model.loss(x, y) == pytest.approx(expected, rel=1e-12)
    np.testing.assert_allclose(
        _flat(*model.gradients(x, y)), _numeric_gradient(model, x, y), rtol=1e-6, atol=1e-8
    )


def test_loss_is_stable_for_huge_logits():
    # Logits of ±1e4: naive log(sigmoid) would give log(0) = -inf; softplus(z) - y z does not.
    weights = [np.array([[1e3, 0.0], [0.0, 1e3]]), np.array([[10.0], [-10.0]])]
    model = MLP(weights, [np.zeros(2), np.zeros(1)], ["identity"])
    x = np.array([[1.0, 0.0], [0.0, 1.0]])
    assert model.loss(x, np.array([1.0, 0.0])) == pytest.approx(0.0, abs=1e-300)
    # Both wrong by a logit of 1e4 each: the loss is exactly that margin.
    assert model.loss(x, np.array([0.0, 1.0])) == pytest.approx(1e4, rel=1e-12)
    assert np.all(np.isfinite(_flat(*model.gradients(x, np.array([0.0, 1.0])))))


def test_xor_tanh_2_4_1_reaches_full_train_accuracy():
    data = make_dataset("xor", 200, 0.0, seed=0)
    config = TrainConfig(hidden=(LayerSpec(4, "tanh"),), epochs=2000, seed=0)
    model, hist = train(data, config)
    assert hist.train_acc[-1] == 1.0
    first = int(hist.epoch[np.argmax(hist.train_acc == 1.0)])
    assert first <= 2000
    assert np.mean(model.predict(data.x_train) == data.y_train) == 1.0
    assert hist.test_acc[-1] >= 0.95


@pytest.mark.parametrize("kind", ["xor", "circles"])
def test_linear_network_cannot_solve_xor_or_circles(kind):
    # Identity activations: the stack is one affine map, so the boundary is a straight line.
    data = make_dataset(kind, 400, 0.05, seed=0)
    config = TrainConfig(
        hidden=(LayerSpec(8, "identity"), LayerSpec(8, "identity")), epochs=2000, seed=1
    )
    model, hist = train(data, config)
    assert hist.train_acc.max() < 0.8
    # ... and the probability is a logistic function of one linear form of the input.
    xs, ys, prob = decision_grid(model, resolution=21)
    logit = np.log(prob / (1 - prob))
    gx, gy = np.meshgrid(xs, ys)
    design = np.column_stack((gx.ravel(), gy.ravel(), np.ones(gx.size)))
    coef, *_ = np.linalg.lstsq(design, logit.ravel(), rcond=None)
    np.testing.assert_allclose(design @ coef, logit.ravel(), atol=1e-8)


def test_relu_bends_the_plane_on_circles():
    data = make_dataset("circles", 400, 0.05, seed=0)
    config = TrainConfig(hidden=(LayerSpec(8, "relu"), LayerSpec(8, "relu")), epochs=600, seed=0)
    _, hist = train(data, config)
    assert hist.train_acc[-1] > 0.95


def test_training_is_deterministic_for_a_seed():
    data = make_dataset("moons", 120, 0.1, seed=2)
    config = TrainConfig(
        hidden=(LayerSpec(6, "elu", {"alpha": 0.7}), LayerSpec(3, "sigmoid")),
        optimizer="sgd",
        lr=0.3,
        batch_size=16,
        l2=1e-3,
        epochs=40,
        seed=7,
    )
    (m1, h1), (m2, h2) = train(data, config), train(data, config)
    np.testing.assert_array_equal(m1.theta, m2.theta)
    for name in ("loss", "test_loss", "train_acc", "test_acc", "grad_norm", "dead_units"):
        np.testing.assert_array_equal(getattr(h1, name), getattr(h2, name))
    m3, _ = train(data, dataclasses.replace(config, seed=8))
    assert not np.array_equal(m1.theta, m3.theta)


def test_history_contents_and_snapshots():
    data = make_dataset("blobs", 100, 0.2, seed=0)
    config = TrainConfig(hidden=(LayerSpec(3, "tanh"), LayerSpec(2, "relu")), epochs=250)
    model, hist = train(data, config)
    assert hist.n_epochs == 250 and not hist.stopped and not hist.diverged
    np.testing.assert_array_equal(hist.epoch, np.arange(1, 251))
    assert hist.grad_norm.shape == (250, 3)
    assert hist.dead_per_layer.shape == (250, 2)
    np.testing.assert_array_equal(hist.dead_units, hist.dead_per_layer.sum(axis=1))
    assert np.all(np.isfinite(hist.grad_norm)) and np.all(hist.grad_norm >= 0)
    # Recorded loss and accuracy are those of the model after the epoch.
    assert hist.loss[-1] == pytest.approx(model.loss(data.x_train, data.y_train), rel=1e-12)
    assert hist.test_loss[-1] == pytest.approx(model.loss(data.x_test, data.y_test), rel=1e-12)
    # Snapshots: epoch 0, every 5 epochs (the round step >= 250 / 100), and the last one.
    epochs = [s[0] for s in hist.snapshots]
    assert epochs[0] == 0 and epochs[-1] == 250 and epochs[1:4] == [5, 10, 15]
    assert len(epochs) <= 102
    first = MLP.from_config(config)
    np.testing.assert_array_equal(hist.snapshots[0][1][0], first.weights[0])
    last = model.with_weights(*hist.snapshot_at(250)[1:])
    np.testing.assert_array_equal(last.predict_proba(data.x_test), model.predict_proba(data.x_test))
    assert hist.snapshot_at(7)[0] == 5
    # Snapshots are copies: training on did not change the initial one.
    assert not np.array_equal(hist.snapshots[0][1][0], model.weights[0])


def test_callback_and_stop_button():
    data = make_dataset("xor", 80, 0.1, seed=0)
    calls: list[tuple[int, int]] = []

    def callback(epoch: int, hist: History) -> None:
        calls.append((epoch, hist.n_epochs))

    polls = iter(range(10_000))
    _, hist = train(
        data,
        TrainConfig(epochs=500),
        callback=callback,
        should_stop=lambda: next(polls) >= 123,
        callback_every=20,
    )
    assert hist.stopped and hist.n_epochs == 123
    assert calls[:3] == [(20, 20), (40, 40), (60, 60)]
    assert calls[-1] == (123, 123)
    assert hist.snapshots[-1][0] == 123


def test_dead_units_counts_units_without_gradient():
    data = make_dataset("circles", 100, 0.1, seed=0)
    # step: derivative 0 everywhere, so every hidden unit is dead and its weights never move.
    config = TrainConfig(hidden=(LayerSpec(5, "step"), LayerSpec(3, "tanh")), epochs=30)
    model, hist = train(data, config)
    np.testing.assert_array_equal(hist.dead_per_layer[:, 0], 5)
    np.testing.assert_array_equal(hist.dead_per_layer[:, 1], 0)
    np.testing.assert_array_equal(model.weights[0], hist.snapshots[0][1][0])
    assert np.all(hist.grad_norm[:, 0] == 0)
    # A ReLU unit whose input is negative on every sample is dead; the others are not.
    rng = np.random.default_rng(0)
    weights = [rng.normal(size=(2, 4)), rng.normal(size=(4, 1))]
    biases = [np.array([0.0, -100.0, 0.0, 0.0]), np.zeros(1)]
    cache = MLP(weights, biases, ["relu"]).forward(data.x_train)[1]
    np.testing.assert_array_equal(~cache.d[0].any(axis=0), [False, True, False, False])


def test_divergence_stops_training_without_warnings():
    data = make_dataset("xor", 100, 0.1, seed=0)
    config = TrainConfig(
        hidden=(LayerSpec(16, "identity"),) * 4, init="normal", init_scale=3.0, optimizer="sgd",
        lr=100.0, epochs=200,
    )  # fmt: skip
    _, hist = train(data, config)
    assert hist.diverged and hist.n_epochs < 200
    assert not np.isfinite(hist.loss[-1])


_HISTORY_FIELDS = (
    "epoch",
    "loss",
    "test_loss",
    "train_acc",
    "test_acc",
    "grad_norm",
    "dead_units",
    "dead_per_layer",
)


def _assert_same_run(a: tuple[MLP, History], b: tuple[MLP, History]) -> None:
    """Bit for bit: weights, every recorded number, the snapshots and the end flags."""
    (ma, ha), (mb, hb) = a, b
    np.testing.assert_array_equal(ma.theta, mb.theta)
    for name in _HISTORY_FIELDS:
        np.testing.assert_array_equal(getattr(ha, name), getattr(hb, name), err_msg=name)
    assert [s[0] for s in ha.snapshots] == [s[0] for s in hb.snapshots]
    for (_, wa, ba), (_, wb, bb) in zip(ha.snapshots, hb.snapshots, strict=True):
        np.testing.assert_array_equal(_flat(wa, ba), _flat(wb, bb))
    assert (ha.stopped, ha.diverged) == (hb.stopped, hb.diverged)


_MINIBATCH_ADAM = TrainConfig(
    hidden=(LayerSpec(6, "tanh"), LayerSpec(4, "elu", {"alpha": 0.5}), LayerSpec(2, "relu")),
    optimizer="adam",
    lr=0.01,
    batch_size=16,
    l2=1e-3,
    epochs=60,
    seed=5,
)


@pytest.mark.parametrize("full_batch", [False, True])
def test_trainer_in_slices_is_bit_identical_to_one_run(full_batch):
    data = make_dataset("moons", 150, 0.1, seed=3)
    config = _MINIBATCH_ADAM
    if full_batch:  # the full-batch path reuses the last epoch's forward pass across calls
        config = dataclasses.replace(config, batch_size=None, optimizer="sgd", momentum=0.9)
    calls_one: list[tuple[int, int]] = []
    one = train(data, config, lambda e, h: calls_one.append((e, h.n_epochs)), callback_every=7)

    # Slices of one epoch (a deadline already past), then of a few, then the rest at once.
    trainer = Trainer(data, config)
    calls: list[tuple[int, int]] = []
    slices = 0
    deadlines = [0.0] * 10 + [-1.0, 0.0, 0.0] + [None]
    for deadline in deadlines:
        before = trainer.done
        over = trainer.run(lambda e, h: calls.append((e, h.n_epochs)), None, 7, deadline)
        slices += 1
        if deadline is not None:
            assert trainer.done == before + 1  # at least, and with a past deadline exactly, one
        if over:
            break
    assert over and trainer.finished and slices == len(deadlines)
    _assert_same_run((trainer.model, trainer.history()), one)
    assert calls == calls_one and calls[-1] == (60, 60)


def test_trainer_split_at_real_deadlines_and_after_a_raising_callback():
    # A page's callback may raise (Streamlit interrupts a script at a draw): the epoch it saw is
    # recorded, and the next call goes on from there.
    data = make_dataset("spirals", 200, 0.1, seed=1)
    config = dataclasses.replace(_MINIBATCH_ADAM, batch_size=8, epochs=80)
    one = train(data, config)

    class Interrupt(Exception):
        pass

    def interrupt_at_25(epoch: int, _hist: History) -> None:
        if epoch == 25:
            raise Interrupt

    trainer = Trainer(data, config)
    with pytest.raises(Interrupt):
        trainer.run(interrupt_at_25, callback_every=1)
    assert trainer.done == 25 and not trainer.finished
    calls = 0
    while not trainer.run(deadline=time.perf_counter() + 0.003):
        calls += 1
    assert calls > 1
    _assert_same_run((trainer.model, trainer.history()), one)
    assert trainer.run() is True and trainer.done == 80  # over: further calls train nothing


def test_trainer_stop_keeps_the_model_and_ends_the_run():
    data = make_dataset("xor", 80, 0.1, seed=0)
    config = TrainConfig(epochs=500)
    trainer = Trainer(data, config)
    assert trainer.done == 0 and trainer.history().n_epochs == 0
    assert [s[0] for s in trainer.history().snapshots] == [0]
    for _ in range(3):
        assert trainer.run(deadline=0.0) is False
    partial = trainer.history()
    assert partial.n_epochs == 3 and not partial.stopped
    trainer.stop()
    hist = trainer.history()
    assert trainer.finished and hist.stopped and hist.n_epochs == 3
    epoch, w, b = hist.snapshots[-1]
    assert epoch == 3
    np.testing.assert_array_equal(_flat(w, b), trainer.model.theta)
    # The same as asking train() to stop before epoch 4.
    polls = iter(range(10_000))
    _assert_same_run(
        (trainer.model, hist), train(data, config, should_stop=lambda: next(polls) >= 3)
    )
    assert trainer.run() is True and trainer.done == 3
    # Stopping a finished run changes nothing.
    done = Trainer(data, dataclasses.replace(config, epochs=5))
    done.run()
    done.stop()
    assert not done.history().stopped and done.history().n_epochs == 5


def test_trainer_divergence_inside_a_slice():
    data = make_dataset("xor", 100, 0.1, seed=0)
    config = TrainConfig(
        hidden=(LayerSpec(16, "identity"),) * 4, init="normal", init_scale=3.0, optimizer="sgd",
        lr=100.0, epochs=200,
    )  # fmt: skip
    one = train(data, config)
    assert one[1].diverged and one[1].n_epochs >= 2
    trainer = Trainer(data, config)
    assert trainer.run(deadline=0.0) is False  # one epoch, still finite
    ends: list[int] = []
    assert trainer.run(lambda e, h: ends.append(e)) is True  # diverges within this call
    assert ends == [one[1].n_epochs]  # the end callback, once
    assert trainer.finished and trainer.history().diverged
    _assert_same_run((trainer.model, trainer.history()), one)


def test_trainer_returns_at_its_deadline():
    data = make_dataset("circles", 1000, 0.1, seed=0)
    config = TrainConfig(hidden=(LayerSpec(16, "relu"),) * 4, batch_size=8, epochs=5000)
    trainer = Trainer(data, config)
    start = time.perf_counter()
    assert trainer.run(deadline=0.0) is False
    one_epoch = time.perf_counter() - start
    assert trainer.done == 1
    budget = 0.15
    start = time.perf_counter()
    assert trainer.run(deadline=start + budget) is False
    elapsed = time.perf_counter() - start
    # It stops at the first epoch boundary after the deadline: at most about one epoch late.
    assert budget <= elapsed <= budget + 3 * one_epoch + 0.1
    assert 1 < trainer.done < 5000
    assert trainer.seconds == pytest.approx(one_epoch + elapsed, abs=0.01)


def test_xor_by_hand_truth_table_and_line_in_feature_space():
    net = xor_by_hand()
    np.testing.assert_array_equal(
        net.truth_table(), [[0, 0, 0, 0], [0, 1, 0, 1], [1, 0, 0, 1], [1, 1, 1, 0]]
    )
    # Away from the corners it is still the hand-made rule: y = 1 iff 0.5 < x1 + x2 <= 1.5.
    pts = np.array([[0.3, 0.1], [0.4, 0.4], [1.2, 0.2], [2.0, 0.0]])
    np.testing.assert_array_equal(net.predict(pts), [0, 1, 1, 0])
    # In (x1 + x2, h) the output is the line s - 2h - 0.5 = 0.
    feats = net.feature_space(pts)
    np.testing.assert_array_equal(net.predict(pts), (feats @ [1.0, -2.0] - 0.5 > 0).astype(int))
    _, _, prob = decision_grid(net, (-0.5, 1.5), (-0.5, 1.5), 5)
    assert set(np.unique(prob)) == {0.0, 1.0}


def _width2_model() -> tuple[MLP, object]:
    data = make_dataset("circles", 200, 0.05, seed=1)
    config = TrainConfig(hidden=(LayerSpec(6, "tanh"), LayerSpec(2, "tanh")), epochs=300)
    return train(data, config)[0], data


def test_hidden_boundary_is_where_probability_is_one_half():
    model, data = _width2_model()
    line = hidden_boundary(model)
    seg = line.segment((-1.0, 1.0), (-1.0, 1.0))
    assert seg is not None and seg.shape == (2, 2)
    t = np.linspace(0, 1, 11)[:, None]
    on_line = seg[0] + t * (seg[1] - seg[0])
    np.testing.assert_allclose(model.forward_from(on_line, -1), 0.5, atol=1e-12)
    # The side of the line decides the class of every training point.
    h = model.hidden(data.x_train, -1)
    side = h @ line.coef + line.intercept > 0
    np.testing.assert_array_equal(side, model.predict_proba(data.x_train) > 0.5)
    # The hidden-space grid agrees with predict_proba of the mapped points.
    xs, ys, prob = hidden_decision_grid(model, 1, (-1, 1), (-1, 1), 11)
    assert prob.shape == (11, 11)
    assert prob[0, 3] == pytest.approx(float(model.forward_from(np.array([[xs[3], ys[0]]]), 1)[0]))
    with pytest.raises(ValueError, match="last hidden"):
        hidden_boundary(model, 0)


def test_grid_lines_and_their_image_in_a_hidden_layer():
    lines = grid_lines((-2, 2), (-1, 1), n_lines=5, samples=7)
    assert lines.shape == (10, 7, 2)
    np.testing.assert_array_equal(lines[0, :, 0], -2.0)  # first vertical line
    np.testing.assert_array_equal(lines[5, :, 1], -1.0)  # first horizontal line
    np.testing.assert_allclose(lines[5, :, 0], np.linspace(-2, 2, 7))
    model, _ = _width2_model()
    mapped = map_lines(model, lines, 1)
    assert mapped.shape == (10, 7, 2)
    np.testing.assert_allclose(mapped[3], model.hidden(lines[3], 1))
    assert np.all(np.abs(mapped) < 1)  # tanh squashes into the open square


def test_decision_grid_layout_rows_follow_y():
    model, _ = _width2_model()
    xs, ys, prob = decision_grid(model, (-1.5, 1.5), (-1.0, 1.0), 9)
    assert prob.shape == (9, 9)
    assert prob[2, 7] == pytest.approx(float(model.predict_proba(np.array([[xs[7], ys[2]]]))[0]))


def test_config_validation_and_hashable_specs():
    with pytest.raises(ValueError):
        LayerSpec(1, "relu")
    with pytest.raises(ValueError):
        LayerSpec(17, "relu")
    with pytest.raises(ValueError):
        TrainConfig(hidden=(LayerSpec(),) * 5)
    with pytest.raises(ValueError):
        TrainConfig(init="orthogonal")
    with pytest.raises(ValueError):
        TrainConfig(optimizer="rmsprop")
    with pytest.raises(ValueError, match="out of range"):
        MLP.from_config(TrainConfig(hidden=(LayerSpec(4, "leaky_relu", {"negative_slope": 5}),)))
    spec = LayerSpec(4, "elu", {"alpha": 2})
    assert spec.params == {"alpha": 2.0} and isinstance(spec.params, FrozenParams)
    with pytest.raises(TypeError):
        spec.params["alpha"] = 3.0  # type: ignore[index]
    assert hash(spec) == hash(LayerSpec(4, "elu", {"alpha": 2.0}))
    config = TrainConfig(hidden=[spec, LayerSpec()])  # a list is accepted and frozen
    assert isinstance(config.hidden, tuple)
    assert pickle.loads(pickle.dumps(config)) == config
    assert hash(config) == hash(TrainConfig(hidden=(spec, LayerSpec())))
    assert TrainConfig(epochs=1000).snapshot_step == 10
    assert TrainConfig(epochs=50).snapshot_step == 1


# --- the "auto" initialisation and the page's defaults ---------------------------------------

# The Train page's defaults (ui/train_view.py): 2-8-8-2-1, auto init, Adam at 0.01, 300 epochs,
# full batch, on 200 points with noise 0.05; the seed draws the data and the weights.
DEFAULT_WIDTHS, DEFAULT_LR, DEFAULT_EPOCHS = (8, 8, 2), 0.01, 300


def _default_run(dataset: str, act: str, seed: int, epochs: int = DEFAULT_EPOCHS):
    config = TrainConfig(
        hidden=tuple(LayerSpec(w, act) for w in DEFAULT_WIDTHS),
        init="auto",
        lr=DEFAULT_LR,
        epochs=epochs,
        seed=seed,
    )
    return train(make_dataset(dataset, 200, 0.05, seed), config)


# Seeds 0, 5, 7 and 11 failed XOR with the old defaults (2-8-2-1, xavier, lr 0.03) for ReLU,
# tanh or sigmoid, or all three; bench/bench_train_seeds.py has the whole table.
@pytest.mark.parametrize("act", ["relu", "leaky_relu", "tanh", "sigmoid", "gelu", "silu"])
def test_the_default_network_solves_xor_for_seeds_that_used_to_fail(act):
    for seed in (0, 5, 7, 11):
        _, hist = _default_run("xor", act, seed)
        assert hist.train_acc[-1] >= 0.95, (act, seed, hist.train_acc[-1])


def test_the_shared_tanh_link_solves_xor_and_stays_solved():
    # /train?dataset=xor&act=tanh&seed=0&epochs=2000 ended at 79 % with the old defaults.
    _, hist = _default_run("xor", "tanh", 0, epochs=2000)
    assert hist.train_acc[299] >= 0.95 and hist.train_acc[-1] == 1.0


@pytest.mark.parametrize(
    ("act", "expected"),
    [
        ("identity", 1.0),
        ("relu", np.sqrt(2.0)),  # E[relu(u)²] = 1/2: PyTorch's calculate_gain("relu")
        ("leaky_relu", np.sqrt(2.0 / (1.0 + 0.01**2))),  # calculate_gain("leaky_relu", 0.01)
        ("step", np.sqrt(2.0)),  # E[step(u)²] = P(u > 0) = 1/2
        # E[u²; |u| < 1] + P(|u| > 1) = (2Φ(1) − 1 − 2φ(1)) + 2(1 − Φ(1)) = 1 − 2φ(1)
        ("hard_tanh", 1.0 / np.sqrt(1.0 - 2.0 * np.exp(-0.5) / np.sqrt(2.0 * np.pi))),
    ],
)
def test_activation_gain_is_one_over_the_rms_of_f_under_a_standard_normal(act, expected):
    from activations.nn import activation_gain

    assert activation_gain(act) == pytest.approx(expected, rel=1e-6)


def test_activation_gain_of_smooth_functions_matches_numerical_integration():
    from scipy import integrate, stats

    import activations
    from activations.nn import activation_gain

    for name in ("tanh", "sigmoid", "gelu", "silu", "elu", "softplus"):
        act = activations.get(name)
        m2, _ = integrate.quad(lambda u, a=act: float(a.fn(u)) ** 2 * stats.norm.pdf(u), -40, 40)
        assert activation_gain(name) == pytest.approx(1.0 / np.sqrt(m2), rel=1e-9), name
    # Parameters count: leaky ReLU with slope 1 is the identity.
    assert activation_gain("leaky_relu", {"negative_slope": 1.0}) == pytest.approx(1.0)


def test_activation_gain_falls_back_to_one_for_zero_or_exploding_functions():
    from actkit import custom_activation

    from activations.nn import activation_gain

    zero = custom_activation("zero", lambda x: 0.0 * x, lambda x: 0.0 * x)
    huge = custom_activation("huge", lambda x: np.exp(1e3 * x), lambda x: np.exp(x))
    assert activation_gain(zero) == 1.0 and activation_gain(huge) == 1.0


def test_auto_init_without_data_is_kaiming_with_the_gain():
    from activations.nn import activation_gain

    config = TrainConfig(
        hidden=(LayerSpec(16, "tanh"), LayerSpec(16, "relu")), init="auto", init_scale=0.5
    )
    model = MLP.from_config(config, rng=np.random.default_rng(0))
    redraw = np.random.default_rng(0)
    gains = [activation_gain("tanh"), activation_gain("relu"), 1.0]
    for w, b, g in zip(model.weights, model.biases, gains, strict=True):
        expected = redraw.normal(0.0, 0.5 * g / np.sqrt(w.shape[0]), size=w.shape)
        np.testing.assert_allclose(w, expected, rtol=1e-14)
        assert not b.any()


@pytest.mark.parametrize("act", ["relu", "tanh", "sigmoid", "gelu", "identity"])
def test_auto_init_fits_each_layer_to_the_training_points(act):
    from activations.nn import activation_gain

    data = make_dataset("moons", 300, 0.1, seed=4)
    config = TrainConfig(hidden=(LayerSpec(8, act), LayerSpec(6, act), LayerSpec(2, act)))
    config = dataclasses.replace(config, init="auto", init_scale=1.5)
    model = MLP.from_config(config, x=data.x_train)
    z = model.forward(data.x_train)[1].z
    gain = activation_gain(act)
    for inner in z[:2]:  # centred on the points, spread scale · gain
        np.testing.assert_allclose(inner.mean(axis=0), 0.0, atol=1e-12)
        np.testing.assert_allclose(inner.std(axis=0), 1.5 * gain, rtol=1e-12)
    last = z[2]
    np.testing.assert_allclose(last.std(axis=0), 1.5, rtol=1e-12)
    d = activations_grad(act, last)
    if act in ("relu", "identity"):
        assert np.all(d == 1.0)  # every point where the unit is linear: nothing folded yet
    if act in ("tanh", "sigmoid"):  # the range centred on 0, where f′ peaks
        np.testing.assert_allclose(last.max(axis=0) + last.min(axis=0), 0.0, atol=0.05)
    if act == "gelu":  # shifted up, away from GELU's flat dip below 0
        assert d.min() > 0.5
    # The trainer starts from exactly that network.
    trainer = Trainer(data, config)
    np.testing.assert_array_equal(_flat(*trainer.history().snapshots[0][1:]), model.theta)


def activations_grad(act: str, z: np.ndarray) -> np.ndarray:
    import activations

    return activations.get(act).grad(z)


def test_auto_init_leaves_units_it_cannot_fit_and_stays_quiet():
    config = TrainConfig(hidden=(LayerSpec(4, "tanh"), LayerSpec(2, "relu")), init="auto")
    drawn = MLP.from_config(config)
    # All points equal: no spread to fit, nothing changes but the centring.
    same = MLP.from_config(config, x=np.ones((10, 2)))
    np.testing.assert_array_equal(same.weights[0], drawn.weights[0])
    # Huge and non-finite inputs: no warning (the module's filter turns warnings into errors).
    for x in (np.full((5, 2), 1e300), np.array([[np.inf, 0.0], [np.nan, 1.0], [0.0, 2.0]])):
        model = MLP.from_config(config, x=x)
        assert np.isfinite(model.theta).all() or not np.isfinite(x).all()
    # float32 points train in float64 as before.
    data = make_dataset("xor", 60, 0.05, seed=0)
    x32 = data.x_train.astype(np.float32)
    np.testing.assert_allclose(
        MLP.from_config(config, x=x32).theta, MLP.from_config(config, x=data.x_train).theta,
        rtol=1e-6,
    )  # fmt: skip


def test_round_steps():
    from activations.nn import round_step

    assert [round_step(v) for v in (0.3, 1, 1.5, 3, 7, 10.3, 21, 99, 101)] == [
        1, 1, 2, 5, 10, 20, 50, 100, 200,
    ]  # fmt: skip
    assert round_step(10.3, multiple_of=5) == 20 and round_step(66.7, multiple_of=20) == 100
    assert round_step(4, multiple_of=3) == 6  # no round multiple of 3: 3 × 2
    assert round_step(15, mantissas=(1, 5)) == 50
    # Snapshots every 1, 5, 10, 50, ... epochs: replay steps of 1-2-5 are multiples of them.
    assert TrainConfig(epochs=300).snapshot_step == 5
    assert TrainConfig(epochs=2000).snapshot_step == 50
    assert TrainConfig(epochs=5000).snapshot_step == 50


def test_unit_summary_finds_dead_and_constant_units():
    from activations.nn import unit_summary

    rng = np.random.default_rng(0)
    weights = [rng.normal(size=(2, 4)), rng.normal(size=(4, 1))]
    x = rng.normal(size=(50, 2))
    relu = MLP(weights, [np.array([0.0, -100.0, 0.0, 0.0]), np.zeros(1)], ["relu"])
    summary = unit_summary(relu, x, 0)
    np.testing.assert_array_equal(summary.dead, [False, True, False, False])
    np.testing.assert_array_equal(summary.live, [True, False, True, True])
    assert summary.spread[1] == 0.0 and summary.spread[0] > 0
    # A saturated sigmoid: f′ > 0 in theory, f = 1 to the last digit on every point.
    sig = MLP(weights, [np.array([0.0, 60.0, 0.0, 0.0]), np.zeros(1)], ["sigmoid"])
    summary = unit_summary(sig, x * 1e-3, 0)
    assert summary.constant[1] and not summary.dead[1]
    # Non-finite inputs do not make a dead unit look alive.
    x_bad = np.vstack((x, [[np.nan, np.inf]]))
    assert unit_summary(relu, x_bad, 0).dead[1]


def test_informative_units_skip_dead_units_and_lines():
    from activations.nn import informative_units

    rng = np.random.default_rng(1)
    x = rng.normal(size=(200, 2))
    # Units: 0 dead, 1 = x1, 2 = 2·x1 (a line with unit 1), 3 = x2 (small but independent).
    w = np.array([[1.0, 1.0, 2.0, 0.0], [0.0, 0.0, 0.0, 0.3]])
    b = np.array([-100.0, 0.0, 0.0, 0.0])
    model = MLP([w, np.ones((4, 1))], [b, np.zeros(1)], ["identity"])
    assert informative_units(model, x, 0) == (2, 3)  # the largest area: 2·x1 against x2
    assert informative_units(model, x, 0, fixed=(1, None)) == (1, 3)
    # The user's unit on y holds (unit 0 = x1 − 100: x1 again), with its best partner, x2.
    assert informative_units(model, x, 0, fixed=(None, 0)) == (3, 0)
    assert informative_units(model, x, 0, fixed=(1, 1)) == (1, 1)
    relu = MLP([w, np.ones((4, 1))], [b, np.zeros(1)], ["relu"])
    assert 0 not in informative_units(relu, x, 0)  # relu: unit 0 is dead
    # Fewer than two live units: the largest spreads, live first.
    flat = MLP([w * [[1, 1, 0, 0], [1, 1, 0, 0]], np.ones((4, 1))], [b, np.zeros(1)], ["relu"])
    assert 1 in informative_units(flat, x, 0)  # the one live unit (relu(x1)) is shown


def test_estimated_training_time_grows_with_epochs_steps_and_size():
    small = TrainConfig(hidden=(LayerSpec(8, "relu"), LayerSpec(8, "relu"), LayerSpec(2, "relu")))
    full = dataclasses.replace(small, epochs=300, batch_size=None)
    base = estimated_seconds(full, 150)
    assert base > 0 and np.isfinite(base)
    assert estimated_seconds(dataclasses.replace(full, epochs=600), 150) == pytest.approx(2 * base)
    # Mini-batches of 8 on 150 points: 19 optimiser steps an epoch instead of 1.
    assert estimated_seconds(dataclasses.replace(full, batch_size=8), 150) > 3 * base
    # A batch larger than the training set is one step, as full batch.
    assert estimated_seconds(dataclasses.replace(full, batch_size=512), 150) == base
    assert estimated_seconds(full, 1500) > estimated_seconds(full, 150)
    wide = dataclasses.replace(full, hidden=(LayerSpec(16, "relu"),) * 4)
    assert estimated_seconds(wide, 150) > base


# --- more classes: the softmax head ------------------------------------------------------------


@pytest.mark.parametrize(
    ("classes", "act", "l2"), [(3, "tanh", 0.0), (5, "gelu", 0.1), (4, "elu", 0)]
)
def test_softmax_head_backprop_matches_finite_differences(classes, act, l2):
    rng = np.random.default_rng(classes)
    x, y = rng.normal(size=(30, 2)), rng.integers(0, classes, 30).astype(np.float64)
    config = TrainConfig(
        hidden=(LayerSpec(5, act), LayerSpec(4, act)), classes=classes, init="he", l2=l2, seed=1
    )
    model = MLP.from_config(config)
    model.biases[-1][:] = np.linspace(-0.5, 0.5, classes)
    assert model.output == "softmax" and model.shapes[-1] == (4, classes)
    np.testing.assert_allclose(
        _flat(*model.gradients(x, y)), _numeric_gradient(model, x, y), rtol=1e-6, atol=1e-8
    )


def test_softmax_loss_probabilities_and_predictions():
    rng = np.random.default_rng(0)
    weights = [rng.normal(size=(2, 4)), rng.normal(size=(4, 3))]
    biases = [rng.normal(size=4), rng.normal(size=3)]
    model = MLP(weights, biases, ["tanh"], output="softmax")
    x, y = rng.normal(size=(10, 2)), rng.integers(0, 3, 10)
    z = np.tanh(x @ weights[0] + biases[0]) @ weights[1] + biases[1]
    p = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
    np.testing.assert_allclose(model.predict_proba(x), p, rtol=1e-12)
    np.testing.assert_array_equal(model.predict(x), p.argmax(axis=1))
    expected = -np.mean(np.log(p[np.arange(10), y]))
    assert model.loss(x, y) == pytest.approx(expected, rel=1e-12)
    # Huge logits: no overflow, finite loss.
    big = MLP([w * 1e4 for w in weights], biases, ["tanh"], output="softmax")
    assert np.isfinite(big.loss(x, y)) and np.isfinite(big.predict_proba(x)).all()
    # decision_grid keeps every class's probability.
    *_, prob = decision_grid(model, resolution=7)
    assert prob.shape == (7, 7, 3)
    np.testing.assert_allclose(prob.sum(axis=-1), 1.0)


def test_two_classes_keep_the_sigmoid_head_and_config_checks_classes():
    assert MLP.from_config(TrainConfig()).output == "logistic"
    assert TrainConfig(classes=4).output == "softmax"
    for bad in (1, 6, 2.5):
        with pytest.raises(ValueError, match="classes"):
            TrainConfig(classes=bad)
    with pytest.raises(ValueError, match="task"):
        TrainConfig(task="cluster")


def test_three_spiral_arms_and_five_blobs_are_learned():
    data = make_dataset("blobs", 400, 0.05, 0, classes=5)
    assert sorted(set(data.y_train.tolist())) == [0, 1, 2, 3, 4]
    config = TrainConfig(
        hidden=(LayerSpec(8, "relu"), LayerSpec(8, "relu")),
        classes=5,
        init="auto",
        lr=0.01,
        epochs=600,
    )
    model, hist = train(data, config)
    assert hist.train_acc[-1] > 0.85 and hist.test_acc[-1] > 0.85
    assert model.predict_proba(data.x_test).shape == (100, 5)
    spirals = make_dataset("spirals", 300, 0.0, 0, classes=3)
    config = TrainConfig(
        hidden=(LayerSpec(16, "relu"),) * 3, classes=3, init="auto", lr=0.01, epochs=800
    )
    _, hist = train(spirals, config)
    assert hist.train_acc[-1] > 0.95


# --- regression ------------------------------------------------------------------------------


def test_regression_task_trains_a_linear_head_and_scores_r_squared():
    from activations.clouds import make_regression
    from activations.nn import r_squared

    data = make_regression("sine", 200, 0.05, 0)
    assert data.x_train.shape == (150, 1)
    config = TrainConfig(
        hidden=(LayerSpec(8, "tanh"), LayerSpec(8, "tanh")), task="regress", init="auto", lr=0.01
    )
    model, hist = train(data, config)
    assert model.output == "linear"
    assert hist.train_acc[-1] > 0.95  # R²
    assert hist.train_acc[-1] == pytest.approx(
        r_squared(model.predict_proba(data.x_train), data.y_train)
    )
    assert hist.loss[-1] == pytest.approx(
        np.mean((model.predict_proba(data.x_train) - data.y_train) ** 2)
    )
    # The regression loss's gradient against finite differences (1-D input).
    x, y = data.x_train[:20], data.y_train[:20]
    np.testing.assert_allclose(
        _flat(*model.gradients(x, y)), _numeric_gradient(model, x, y), rtol=1e-5, atol=1e-8
    )


def test_input_slope_matches_finite_differences():
    from activations.nn import input_slope

    config = TrainConfig(hidden=(LayerSpec(6, "gelu"), LayerSpec(5, "tanh")), task="regress")
    model = MLP.from_config(config, n_inputs=1)
    x = np.linspace(-2, 2, 41)
    h = 1e-6
    numeric = (model.predict_proba((x + h)[:, None]) - model.predict_proba((x - h)[:, None])) / (
        2 * h
    )
    np.testing.assert_allclose(input_slope(model, x), numeric, rtol=1e-6, atol=1e-8)


def test_piecewise_linear_activations_are_found_from_their_derivative():
    from activations.nn import piecewise_linear

    for name in ("relu", "leaky_relu", "hard_tanh", "relu6", "identity", "step", "hardshrink"):
        assert piecewise_linear(name), name
    for name in ("tanh", "gelu", "silu", "hard_swish", "sine", "softplus"):
        assert not piecewise_linear(name), name


def test_linear_pieces_of_a_hand_made_relu_network():
    from activations.nn import linear_pieces, piece_growth

    # y = relu(x - 0.5) + relu(-x - 1) + relu(x + 0.25): kinks at 0.5, -1, -0.25.
    weights = [np.array([[1.0, -1.0, 1.0]]), np.array([[1.0], [1.0], [1.0]])]
    biases = [np.array([-0.5, -1.0, 0.25]), np.zeros(1)]
    model = MLP(weights, biases, ["relu"], output="linear")
    pieces = linear_pieces(model, -2.0, 2.0)
    assert pieces.count == 4
    np.testing.assert_allclose(np.sort(pieces.kinks), [-1.0, -0.25, 0.5], atol=2e-4)
    counts = piece_growth("relu", widths=(2, 8), depths=(1, 3), seeds=3)
    assert counts.shape == (2, 2)
    assert counts[0, 0] <= 3  # one layer of 2 units: at most 2 kinks
    assert counts[1, 1] > counts[0, 1] > counts[0, 0]  # more with width, more with depth
