"""Figure builders of the Train page: valid Plotly (they skip validation for speed), and the
plotted data is the network's: probability maps, hidden-space pictures, replay frames, curves."""

from __future__ import annotations

import csv
import io

import numpy as np
import plotly.graph_objects as go
import pytest
from figtools import arr, valid

from activations import nn
from activations.clouds import make_dataset
from activations.nn import MLP, LayerSpec, TrainConfig, train, xor_by_hand
from charts import export
from charts import train as tc
from ui import train_view


def models_of(model: MLP, history, limit: int = 5) -> list[tuple[int, MLP]]:
    snaps = history.snapshots
    return [
        (snaps[i][0], model.with_weights(snaps[i][1], snaps[i][2]))
        for i in tc.spread_indices(len(snaps), limit)
    ]


@pytest.fixture(scope="module")
def xor():
    return make_dataset("xor", 80, 0.05, seed=1)


@pytest.fixture(scope="module")
def neck_run(xor):
    """2-6-2-1 tanh: the last hidden layer has width 2 (the boundary is a line there)."""
    config = TrainConfig(hidden=(LayerSpec(6, "tanh"), LayerSpec(2, "tanh")), epochs=60, seed=2)
    return train(xor, config)


@pytest.fixture(scope="module")
def wide_run(xor):
    """2-2-5-1 relu: an inner layer of width 2, a last layer of width 5."""
    config = TrainConfig(hidden=(LayerSpec(2, "relu"), LayerSpec(5, "relu")), epochs=30, seed=3)
    return train(xor, config)


def plane_of(data) -> tc.Plane:
    lim = tc.plane_limits(np.concatenate((data.x_train, data.x_test)))
    return tc.Plane(data.x_train, data.y_train, data.x_test, data.y_test, lim, lim)


def test_spread_indices_keep_ends_and_limit():
    assert tc.spread_indices(5, 10) == [0, 1, 2, 3, 4]
    picked = tc.spread_indices(101, 41)
    assert picked[0] == 0 and picked[-1] == 100 and len(picked) == 41
    assert picked == sorted(set(picked))
    gaps = np.diff(picked)
    assert gaps.min() >= 2 and gaps.max() <= 3  # evenly spread


def test_plane_limits_are_symmetric_and_hold_every_point():
    pts = np.array([[0.2, -1.7], [1.1, 0.3]])
    lo, hi = tc.plane_limits(pts)
    assert lo == -hi and hi > 1.7
    assert tc.plane_limits(np.array([[0.1, 0.1]])) == (-1.15, 1.15)  # at least [-1, 1]
    assert tc.plane_limits(np.array([[np.nan, np.inf]])) == (-1.15, 1.15)


def test_replay_frames_last_layer_of_width_two(xor, neck_run):
    model, history = neck_run
    models = models_of(model, history)
    pts = np.concatenate((xor.x_train, xor.x_test))
    frames = nn.replay_frames(
        models, pts, xlim=(-1.5, 1.5), ylim=(-1.5, 1.5), resolution=32, line_samples=21
    )
    assert [f.epoch for f in frames] == [m[0] for m in models]
    last = frames[-1]
    assert last.prob.shape == (32, 32) and last.prob.dtype == np.float32
    np.testing.assert_allclose(
        last.prob[5, 7], model.predict_proba([[last.xs[7], last.ys[5]]])[0], rtol=1e-5
    )
    h = last.hidden
    assert h.points.shape == (len(pts), 2) and h.lines.shape == (22, 21, 2)
    np.testing.assert_allclose(h.points, model.hidden(pts, -1), rtol=1e-5, atol=1e-6)
    # Every mapped point lies inside the hidden axes' limits (none is a far outlier here).
    for values, (lo, hi) in ((h.points[:, 0], h.xlim), (h.points[:, 1], h.ylim)):
        assert lo <= values.min() and values.max() <= hi
    # The output's boundary is the straight line w·h + b = 0: p = 0.5 on it.
    assert h.boundary is not None and h.boundary.shape == (2, 2)
    p = model.forward_from(h.boundary, -1)
    np.testing.assert_allclose(p, 0.5, atol=1e-9)
    assert h.prob.shape == (32, 32) and len(h.xs) == 32


def test_replay_frames_wide_and_inner_layers(xor, wide_run):
    model, history = wide_run
    pts = xor.x_train[:30]
    models = models_of(model, history, limit=3)
    wide = nn.replay_frames(models, pts, xlim=(-2, 2), ylim=(-2, 2), layer=1, units=(4, 2))
    h = wide[-1].hidden
    np.testing.assert_allclose(h.points, model.hidden(pts, 1)[:, [4, 2]], rtol=1e-5, atol=1e-6)
    assert h.prob is None and h.boundary is None  # 5 units: no plane to draw p on
    inner = nn.replay_frames(models, pts, xlim=(-2, 2), ylim=(-2, 2), layer=0)
    h = inner[-1].hidden
    assert h.prob is not None and h.boundary is None  # curved there: later layers still bend
    np.testing.assert_allclose(h.points, model.hidden(pts, 0), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("which", ["neck", "wide"])
def test_replay_figure_is_valid_and_animates_both_views(which, xor, neck_run, wide_run):
    model, history = neck_run if which == "neck" else wide_run
    pts = np.concatenate((xor.x_train, xor.x_test))
    frames = nn.replay_frames(
        models_of(model, history), pts, xlim=(-1.5, 1.5), ylim=(-1.5, 1.5), resolution=24
    )
    labels = np.concatenate((xor.y_train, xor.y_test))
    is_test = np.arange(len(pts)) >= len(xor.y_train)
    fig = valid(tc.replay_figure(frames, plane_of(xor), labels, is_test, hidden_title="layer"))
    assert len(fig["frames"]) == len(frames) == len(fig["layout"]["sliders"][0]["steps"])
    assert fig["layout"]["sliders"][0]["active"] == len(frames) - 1  # opens on the result
    contour = fig["data"][0]
    assert contour["type"] == "contour" and contour["contours"]["start"] == 0.5
    np.testing.assert_array_equal(arr(contour["z"]), frames[-1].prob)  # the last frame's map
    # Train points filled, test points hollow, by class.
    names = [t.get("name") for t in fig["data"][1:5]]
    assert names == ["class 0 train", "class 1 train", "class 0 test", "class 1 test"]
    assert fig["data"][3]["marker"]["symbol"] == "circle-open"
    assert len(arr(fig["data"][1]["x"])) == int(np.sum(xor.y_train == 0))
    # Each frame moves the input map and every hidden trace, and rescales the hidden axes.
    first = fig["frames"][0]
    assert first["traces"][0] == 0 and len(first["traces"]) == len(first["data"])
    np.testing.assert_array_equal(arr(first["data"][0]["z"]), frames[0].prob)
    assert first["layout"]["xaxis2"]["range"] == list(frames[0].hidden.xlim)
    points_trace = fig["data"][first["traces"][-1 if which == "wide" else -2]]
    np.testing.assert_allclose(arr(points_trace["x"]), frames[-1].hidden.points[:, 0], rtol=1e-6)
    kinds = [fig["data"][i]["type"] for i in first["traces"]]
    if which == "neck":
        assert kinds == ["contour", "contour", "scatter", "scatter", "scatter"]
        boundary = fig["data"][first["traces"][-1]]
        np.testing.assert_allclose(boundary["x"], frames[-1].hidden.boundary[:, 0])
    else:
        assert kinds == ["contour", "scatter", "scatter"]


def test_single_frame_and_a_diverged_network(xor, neck_run):
    model, _ = neck_run
    broken = model.with_weights(
        [np.full_like(w, np.nan) for w in model.weights], [b.copy() for b in model.biases]
    )
    frames = nn.replay_frames([(7, broken)], xor.x_train, xlim=(-1, 1), ylim=(-1, 1))
    fig = valid(
        tc.replay_figure(
            frames,
            plane_of(xor),
            xor.y_train,
            np.zeros(len(xor.y_train), bool),
            hidden_title="h",
        )
    )
    assert not fig.get("frames") and "sliders" not in fig["layout"]
    assert np.all(arr(fig["data"][0]["z"]) == 0.5)  # NaN shows as undecided
    assert frames[0].hidden.xlim == (-1.0, 1.0)


def test_replay_table_exports_the_plotted_data(xor, neck_run):
    model, history = neck_run
    frames = nn.replay_frames(models_of(model, history, 2), xor.x_test, xlim=(-1, 1), ylim=(-1, 1))
    table = tc.replay_table(frames[-1], plane_of(xor), xor.y_test)
    assert len(table["grid x1"]) == 56 * 56 == len(table["grid P(class 1)"])
    assert len(table["point h_a"]) == len(xor.y_test)
    assert len(table["data split"]) == len(xor.y_train) + len(xor.y_test)
    rows = list(csv.reader(io.StringIO(export.to_csv(table).decode())))
    assert rows[0][:3] == ["grid x1", "grid x2", "grid P(class 1)"] and len(rows) == 56 * 56 + 1


def test_training_and_gradient_figures(neck_run):
    _, history = neck_run
    fig = valid(tc.training_figure(history, 100))
    assert fig["layout"]["xaxis"]["range"] == [0, 100]  # grows into the whole run when live
    losses = [t for t in fig["data"] if t["yaxis"] == "y"]
    np.testing.assert_allclose(arr(losses[0]["y"]), history.loss)
    assert fig["layout"]["yaxis"]["type"] == "log"
    names = tc.layer_names(["tanh", "tanh"])
    assert names == ["layer 1 (tanh)", "layer 2 (tanh)", "output"]
    grads = valid(tc.grad_norm_figure(history, names))
    assert [t["name"] for t in grads["data"]] == names
    np.testing.assert_allclose(arr(grads["data"][2]["y"]), history.grad_norm[:, 2])
    with pytest.raises(ValueError):
        tc.grad_norm_figure(history, names[:2])
    table = tc.grad_norm_table(history, names)
    assert list(table) == ["epoch", *[f"||dL/dW|| {n}" for n in names]]
    assert len(tc.training_table(history)["train accuracy"]) == history.n_epochs


def test_zero_gradients_leave_gaps_on_the_log_axis(neck_run):
    _, history = neck_run
    flat = type(history)(**{**history.__dict__, "grad_norm": history.grad_norm * 0.0})
    fig = valid(tc.grad_norm_figure(flat, tc.layer_names(["step", "step"])))
    assert all(np.isnan(arr(t["y"])).all() for t in fig["data"])
    assert "dtick" not in fig["layout"]["yaxis"]  # nothing spans a decade: plotly's own ticks


def test_xor_by_hand_figure_and_truth_table():
    net = xor_by_hand()
    table = tc.hand_table(net)
    np.testing.assert_array_equal(table["y"], table["x1"] ^ table["x2"])
    np.testing.assert_array_equal(table["h"], table["x1"] & table["x2"])
    fig = valid(tc.hand_figure(net))
    regions = arr(fig["data"][0]["z"])
    assert set(np.unique(regions)) == {0.0, 1.0}
    # In the feature space the four inputs sit on the right side of s − 2h − 0.5 = 0.
    feats = arr(fig["data"][4]["x"]), arr(fig["data"][4]["y"])
    side = feats[0] - 2 * feats[1] - 0.5
    np.testing.assert_array_equal(side > 0, table["y"] == 1)


def test_hidden_limits_fit_the_points_not_far_outliers():
    rng = np.random.default_rng(0)
    v = rng.uniform(0.0, 3.0, 600)
    lo, hi = nn.hidden_limits(v)
    assert lo <= v.min() and v.max() <= hi and hi - lo < 3.0 * 1.2  # all of them, snugly
    with_outliers = np.concatenate((v, [30.0, 45.0, -20.0]))
    lo2, hi2 = nn.hidden_limits(with_outliers)
    assert hi2 < 5.0 and lo2 > -1.0  # three far points do not squash the other 600
    assert nn.hidden_limits(np.full(10, 2.0)) == pytest.approx((1.888, 2.112))  # constant unit
    assert nn.hidden_limits(np.array([np.nan, np.inf])) == (-1.0, 1.0)
    assert nn.hidden_limits(np.array([], dtype=float)) == (-1.0, 1.0)
    lo3, hi3 = nn.hidden_limits(np.array([1e300, -1e300, 0.0, np.nan]))
    assert np.isfinite(lo3) and np.isfinite(hi3)


def test_relu_hidden_view_is_fitted_to_the_points_not_the_grid():
    # ReLU maps the corners of the input grid far out (to 30 and more on spirals): the view
    # follows the data points, not the grid.
    data = make_dataset("spirals", 200, 0.05, seed=0)
    config = TrainConfig(hidden=(LayerSpec(8, "relu"), LayerSpec(2, "relu")), epochs=300, seed=0)
    model, _ = train(data, config)
    pts = np.concatenate((data.x_train, data.x_test))
    lim = tc.plane_limits(pts)
    (frame,) = nn.replay_frames([(300, model)], pts, xlim=lim, ylim=lim, layer=0, units=(0, 1))
    h = model.hidden(pts, 0)[:, [0, 1]]
    for k, (lo, hi) in enumerate((frame.hidden.xlim, frame.hidden.ylim)):
        assert lo <= h[:, k].min() + 1e-6 and h[:, k].max() - 1e-6 <= hi
        assert hi - lo <= 1.2 * (h[:, k].max() - h[:, k].min()) + 0.25
    assert frame.hidden.lines[..., 0].max() > frame.hidden.xlim[1]  # the grid goes beyond


def test_replay_frames_sit_on_round_epochs():
    epochs_300 = list(range(0, 301, 5))  # TrainConfig(epochs=300): a snapshot every 5 epochs
    picked = tc.round_epoch_indices(epochs_300, 31)
    assert [epochs_300[i] for i in picked] == list(range(0, 301, 10))
    epochs_2000 = list(range(0, 2001, 20))
    picked = tc.round_epoch_indices(epochs_2000, 31)
    assert [epochs_2000[i] for i in picked] == list(range(0, 2001, 100))
    stopped = [*range(0, 140, 2), 137]  # a run stopped at epoch 137
    shown = [stopped[i] for i in tc.round_epoch_indices(stopped, 31)]
    assert shown[0] == 0 and shown[-1] == 137 and len(shown) <= 31
    assert all(e % 5 == 0 for e in shown[:-1])
    assert tc.round_epoch_indices([0, 3, 6], 31) == [0, 1, 2]  # few snapshots: all of them
    odd = list(range(0, 400, 3))  # snapshot_every=3: no round multiple of 3: 3 × a round step
    shown = [odd[i] for i in tc.round_epoch_indices(odd, 31)]
    assert len(shown) <= 31 and all(e % 15 == 0 for e in shown[:-1])  # 3 × 5
    # The page's whole path: a TrainConfig's snapshots, the slider's labels.
    data = make_dataset("xor", 60, 0.05, 0)
    for epochs, step in ((300, 10), (1500, 50), (2000, 100), (137, 5)):
        _, history = train(data, TrainConfig(hidden=(LayerSpec(2, "tanh"),), epochs=epochs))
        snaps = [s[0] for s in history.snapshots]
        shown = [snaps[i] for i in tc.round_epoch_indices(snaps, 31)]
        assert shown[:-1] == list(range(0, epochs, step)) and shown[-1] == epochs
        assert len(shown) >= 21  # a replay, not a few jumps


@pytest.mark.parametrize(
    ("lo", "hi"),
    [(0.6826, 0.6922), (0.62, 0.69), (0.3, 0.9), (0.05, 1.0), (0.01, 0.7), (1e-5, 3e-5)],
)
def test_log_ticks_are_round_and_inside_a_short_range(lo, hi):
    ticks = tc.log_ticks(lo, hi)
    assert 2 <= len(ticks) <= 6
    assert all(lo <= t <= hi for t in ticks) and ticks == sorted(ticks)
    labels = [f"{t:g}" for t in ticks]
    assert all(len(label) <= 6 for label in labels), labels  # 0.684, not 0.68400000001
    assert tc.log_ticks(0.5, 0.5) == [] and tc.log_ticks(0.0, 1.0) == []


def test_a_flat_loss_curve_gets_readable_log_ticks(neck_run):
    _, history = neck_run
    flat = type(history)(**{**history.__dict__, "loss": np.linspace(0.69, 0.683, history.n_epochs)})
    flat.test_loss[:] = np.linspace(0.692, 0.686, history.n_epochs)
    axis = valid(tc.training_figure(flat, history.n_epochs))["layout"]["yaxis"]
    assert "dtick" not in axis and len(axis["tickvals"]) >= 2
    assert all(0.683 <= t <= 0.692 for t in axis["tickvals"])
    assert axis["ticktext"] == [f"{t:g}" for t in axis["tickvals"]]
    # Over more than two decades: one label per decade.
    steep = type(history)(**{**history.__dict__, "loss": np.geomspace(0.7, 1e-4, history.n_epochs)})
    assert valid(tc.training_figure(steep, history.n_epochs))["layout"]["yaxis"]["dtick"] == 1


def test_xor_by_hand_ticks_do_not_collide():
    layout = valid(tc.hand_figure(xor_by_hand()))["layout"]
    for name in ("xaxis", "yaxis", "xaxis2", "yaxis2"):
        ticks = layout[name]["tickvals"]
        lo, hi = layout[name]["range"]
        # No tick at the lower corner (−0.5 on both axes met there) or the top edge (1.5 ran
        # into the panel title): only the inputs' own values.
        assert all(lo < t < hi for t in ticks) and min(ticks) == 0 and max(ticks) < hi - 0.25


def test_unit_notes_name_dead_and_constant_units():
    from activations.nn import UnitSummary

    summary = UnitSummary(
        spread=np.array([0.0, 0.0, 1.0, 0.5]),
        dead=np.array([True, False, False, True]),
        constant=np.array([True, True, False, False]),
    )
    notes = tc.unit_notes(summary, (0, 1), ("h1[1]", "h1[2]"))
    assert notes[0].startswith("h1[1] is dead: f′ = 0 on every training point")
    assert notes[0].endswith("the picture is flat along it.")
    assert notes[1].startswith("h1[2] is constant")
    assert tc.unit_notes(summary, (2, 2), ("a", "b")) == []
    # A dead unit that still takes several values (a step) is not called flat.
    (note,) = tc.unit_notes(summary, (3, 2), ("h1[4]", "h1[3]"))
    assert note.startswith("h1[4] is dead") and "flat" not in note


def test_live_figure_is_one_light_frame_of_the_replay(neck_run):
    model, history = neck_run
    data = make_dataset("xor", 2000, 0.05, seed=1)
    lim = tc.plane_limits(np.concatenate((data.x_train, data.x_test)))
    fig = train_view.live_figure(
        data,
        history.n_epochs,
        model,
        lim=lim,
        layer=-1,
        units=(0, 1),
        hidden_title="Hidden layer 2 (tanh)",
        hidden_axes=("h2[1]", "h2[2]"),
        max_points=300,
    )
    spec = valid(fig)
    assert not spec.get("frames")  # nothing to replay: the network as it is now
    points = [t for t in spec["data"] if t.get("mode") == "markers"]
    shown = [len(arr(t["x"])) for t in points]
    # 300 of the 1500 training points and 100 of the 500 test points in the input plane, then
    # 300 of all the points mapped into the hidden space.
    assert sum(shown[:2]) == 300 and sum(shown[2:4]) == 100 and shown[4:] == [300]
    assert spec["layout"]["annotations"][1]["text"] == "<b>Hidden layer 2 (tanh)</b>"
    assert spec["layout"]["xaxis"]["range"] == list(lim)


def test_a_log_axis_over_many_decades_labels_at_most_six():
    from charts.train import _log_axis

    assert _log_axis(np.array([0.5, 1e-11]), "loss")["dtick"] == 2  # 11 decades: every second
    assert _log_axis(np.array([1.0, 1e-3]), "loss")["dtick"] == 1


# --- more classes, regression, the drawing pad ---------------------------------------------------


def figure(spec: dict) -> go.Figure:
    """The figure validated, with attribute access."""
    return go.Figure(valid(spec))


@pytest.fixture(scope="module")
def three_class_run():
    data = make_dataset("blobs", 120, 0.05, seed=0, classes=3)
    config = TrainConfig(
        hidden=(LayerSpec(6, "relu"), LayerSpec(2, "relu")), classes=3, epochs=80, seed=1
    )
    return data, *train(data, config)


def test_class_regions_encode_the_class_and_how_sure_the_network_is():
    prob = np.array([[1 / 3, 1 / 3, 1 / 3], [0.0, 1.0, 0.0], [0.1, 0.2, 0.7], [np.nan] * 3])
    z = tc.class_regions(prob)
    assert z[0] == pytest.approx(0.0)  # unsure: the white end of class 0's band
    assert z[1] == pytest.approx(1.999, abs=1e-6)  # sure of class 1: its full colour
    assert 2.0 < z[2] < 3.0 and z[2] == pytest.approx(2 + (0.7 - 1 / 3) / (2 / 3), abs=1e-6)
    assert z[3] == 0.0  # a diverged run: undecided
    scale = tc.regions_colorscale(3)
    assert [s[0] for s in scale] == [0.0, 1 / 3, 1 / 3, 2 / 3, 2 / 3, 1.0]
    assert scale[1][1] == tc.PALE_COLORS[0] and scale[5][1] == tc.PALE_COLORS[2]


def test_replay_figure_of_three_classes_colours_each_region(three_class_run):
    data, model, hist = three_class_run
    points = np.concatenate((data.x_train, data.x_test))
    frames = nn.replay_frames(models_of(model, hist), points, xlim=(-2, 2), ylim=(-2, 2))
    assert frames[-1].prob.shape == (56, 56, 3) and frames[-1].hidden.boundary is None
    plane = tc.Plane(data.x_train, data.y_train, data.x_test, data.y_test, (-2, 2), (-2, 2))
    labels = np.concatenate((data.y_train, data.y_test))
    is_test = np.arange(len(points)) >= len(data.x_train)
    spec = tc.replay_figure(frames, plane, labels, is_test, hidden_title="h")
    fig = figure(spec)
    assert fig.data[0].type == "heatmap" and fig.data[0].zmax == 3.0
    names = [t.name for t in fig.data if t.name and t.name.startswith("class")]
    assert "class 2 train" in names and "class 2 test" in names
    regions = arr(fig.data[0].z)
    expected = tc.class_regions(frames[-1].prob)
    np.testing.assert_allclose(regions.reshape(expected.shape), expected, atol=1e-6)
    # The hidden plane (width 2) is coloured by class too, and every frame animates both maps.
    assert fig.data[[t.xaxis for t in fig.data].index("x2")].type == "heatmap"
    assert all(f.data[0].type == "heatmap" for f in fig.frames)
    assert "3 classes" in fig.layout.annotations[0].text
    table = tc.replay_table(frames[-1], plane, labels)
    assert {"grid P(class 0)", "grid P(class 2)"} <= set(table)


def test_regression_figure_draws_data_fit_kinks_and_slope():
    from activations.clouds import make_regression

    data = make_regression("abs", 80, 0.02, 0)
    config = TrainConfig(hidden=(LayerSpec(6, "relu"),), task="regress", epochs=60, seed=0)
    model, hist = train(data, config)
    xs = np.linspace(-2, 2, 101)
    frames = nn.fit_frames(models_of(model, hist, 3), xs, pieces=True)
    spec = tc.regression_figure(
        xs, frames, data.x_train, data.y_train, data.x_test, data.y_test, np.abs(xs), pieces=True
    )
    fig = figure(spec)
    names = [t.name for t in fig.data]
    assert names[:3] == ["train", "test", "target"]
    fit = fig.data[names.index("the network's fit")]
    np.testing.assert_allclose(arr(fit.y), model.predict_proba(xs[:, None]), atol=1e-5)
    kinks = fig.data[names.index("kinks")]
    assert len(kinks.x) == len(frames[-1].kinks) >= 1
    slope = fig.data[-1]
    assert slope.yaxis == "y2"
    np.testing.assert_allclose(arr(slope.y), nn.input_slope(model, xs), atol=1e-5)
    assert len(fig.frames) == 3 and len(fig.layout.sliders[0].steps) == 3
    assert set(tc.regression_table(xs, frames[-1])) == {"x", "fit", "slope"}


def test_pieces_figure_and_pad_figure():
    counts = np.array([[2.0, 4.0], [3.0, 9.0]])
    fig = figure(tc.pieces_figure(counts, (2, 8), (1, 2), trained=(2, 8, 11)))
    assert [t.name for t in fig.data] == [
        "1 hidden layer",
        "2 hidden layers",
        "this trained network",
    ]
    assert list(fig.data[1].y) == [3.0, 9.0]
    pad = figure(tc.pad_figure(np.array([[0.5, -0.5], [1.0, 1.0]]), np.array([0, 3])))
    assert len(pad.data[0].x) == tc.PAD_CELLS**2  # the clickable spots
    assert [t.name for t in pad.data[1:]] == ["0", "3"]
    assert pad.layout.clickmode == "event+select"


def test_accuracy_labels_clear_the_epoch_axis_and_the_loss_axis_has_room(neck_run):
    _, hist = neck_run
    fig = figure(tc.training_figure(hist, 60))
    assert fig.layout.yaxis2.range[0] < 0 and fig.layout.yaxis2.tickvals[0] == 0.0
    lo, hi = fig.layout.yaxis.range
    losses = np.concatenate((hist.loss, hist.test_loss))
    assert lo < np.log10(np.nanmin(losses)) and hi > np.log10(np.nanmax(losses))
    score = figure(tc.training_figure(hist, 60, score="R²"))
    assert score.layout.yaxis2.title.text == "R²" and score.layout.yaxis2.tickformat == ".2f"


def test_an_undefined_unit_is_not_called_dead():
    from activations.nn import UnitSummary

    summary = UnitSummary(
        spread=np.zeros(2),
        dead=np.array([False, True]),
        constant=np.array([False, True]),
        undefined=np.array([True, False]),
    )
    first, second = tc.unit_notes(summary, (0, 1), ("h1[1]", "h1[2]"))
    assert first.startswith("h1[1] is undefined") and "dead" not in first
    assert second.startswith("h1[2] is dead")


def test_long_panel_titles_wrap_instead_of_colliding(xor, wide_run):
    # #14 review: the Spirals preset with "Layer shown" = 1 put "… p = 0.5" against
    # "Hidden layer 1 (leaky_relu): units 10 and 12 of 16".
    model, hist = wide_run
    points = np.concatenate((xor.x_train, xor.x_test))
    frames = nn.replay_frames(models_of(model, hist, 2), points, xlim=(-2, 2), ylim=(-2, 2))
    plane = tc.Plane(xor.x_train, xor.y_train, xor.x_test, xor.y_test, (-2, 2), (-2, 2))
    labels = np.concatenate((xor.y_train, xor.y_test))
    is_test = np.arange(len(points)) >= len(xor.x_train)
    short = tc.replay_figure(frames, plane, labels, is_test, hidden_title="Hidden layer 3 (relu)")
    assert all("<br>" not in a["text"] for a in short["layout"]["annotations"])
    title = "Hidden layer 1 (leaky_relu): units 10 and 12 of 16"
    long = valid(tc.replay_figure(frames, plane, labels, is_test, hidden_title=title))
    texts = [a["text"] for a in long["layout"]["annotations"]]
    assert texts[1] == "<b>Hidden layer 1 (leaky_relu):<br>units 10 and 12 of 16</b>"
    assert "<br>" in texts[0] and long["layout"]["legend"]["y"] > 1.1
