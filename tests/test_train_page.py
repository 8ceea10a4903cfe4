"""AppTest: the Train page trains on load, shows metrics and pictures, keeps its results across
reruns, applies presets, and falls back to defaults (with one warning) on bad links. Long runs
train in slices over several script runs; Stop and setting changes end them."""

from __future__ import annotations

import ast
import sys
import time
from pathlib import Path

import numpy as np
import pytest
import streamlit as st
from figtools import arr, figures, walk

from activations.clouds import make_dataset
from activations.nn import LayerSpec, TrainConfig, informative_units, train, unit_summary
from ui import train_view

# The biggest configuration the page allows: 5000 epochs on 2000 points, 4 layers of 16 units,
# mini-batches of 8 (about 2 minutes of training here).
BIGGEST = {
    "n": "2000",
    "epochs": "5000",
    "layers": "4",
    "width": "16",
    "neck": "false",
    "batch": "8",
}
RUN_SECONDS = 2.5  # the most one script run may take while training


def page_config(widths=(8, 8, 2), act: str = "relu", **settings) -> TrainConfig:
    """The TrainConfig the page trains with its defaults (and ``settings``)."""
    settings = {"init": "auto", "lr": 0.01, "epochs": 300, "seed": 0, **settings}
    return TrainConfig(hidden=tuple(LayerSpec(w, act) for w in widths), **settings)


def metrics(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def percent(text: str) -> float:
    return float(text.rstrip("%")) / 100


def status(at) -> str:
    return " ".join(c.value for c in at.caption if "epochs in" in c.value)


def formatted(hist, units: int) -> dict[str, str]:
    """The metrics as the page prints them."""
    return {
        "train accuracy": f"{hist.train_acc[-1]:.1%}",
        "test accuracy": f"{hist.test_acc[-1]:.1%}",
        "loss": f"{hist.loss[-1]:.4g}",
        "dead units": f"{hist.dead_units[-1]} / {units}",
    }


class Slices:
    """Each at.run() is one script run: the Train page's own ``st.rerun()`` ends the run instead
    (AppTest would otherwise carry out the reruns it asks for, all inside one at.run())."""

    def __init__(self) -> None:
        self.asked = False  # whether the last script run asked for another
        self.on = True
        self._rerun = st.rerun

    def rerun(self, *args, **kwargs):
        page = sys._getframe(1).f_code.co_filename.endswith("train.py")
        if not (self.on and page):  # e.g. the deep-link guard in ui/server.py
            return self._rerun(*args, **kwargs)
        self.asked = True
        st.stop()

    def run(self, at) -> float:
        """One script run; returns its wall time."""
        self.asked = False
        start = time.perf_counter()
        at.run()
        assert not at.exception, at.exception
        return time.perf_counter() - start


@pytest.fixture
def slices(monkeypatch) -> Slices:
    state = Slices()
    monkeypatch.setattr(st, "rerun", state.rerun)
    return state


def training(at) -> tuple[bool, str | None]:
    """(Stop enabled, the progress bar's text or None)."""
    bars = at.get("progress")
    return not at.button(key="stop").disabled, bars[0].text if bars else None


def test_default_load_trains_and_shows_everything(run_page):
    at = run_page("train")
    assert not at.exception and not at.warning
    shown = metrics(at)
    assert list(shown) == ["train accuracy", "test accuracy", "loss", "dead units"]
    # ReLU 2-8-8-2-1 solves XOR: the page opens on a network that has learned it.
    _, hist = train(make_dataset("xor", 200, 0.05, 0), page_config())
    assert metrics(at) == formatted(hist, 18) and hist.train_acc[-1] >= 0.95
    assert status(at).startswith("Trained 300 epochs in")
    replay, curves, grads = figures(at)
    assert len(replay["frames"]) > 20  # the replay slider scrubs in the browser
    assert replay["layout"]["annotations"][1]["text"] == "<b>Hidden layer 3 (relu)</b>"
    assert [t["name"] for t in grads["data"]] == [
        "layer 1 (relu)",
        "layer 2 (relu)",
        "layer 3 (relu)",
        "output",
    ]
    assert len(arr(curves["data"][0]["y"])) == 300
    # The replay's slider reads round epochs.
    assert [f["name"] for f in replay["frames"]] == [str(e) for e in range(0, 301, 10)]


def test_a_rerun_keeps_the_trained_network(run_page):
    at = run_page("train")
    before = status(at)
    at.run()
    assert status(at) == before  # same run, same recorded training time: nothing retrained


@pytest.mark.parametrize("dataset", ["xor", "circles", "moons", "spirals", "blobs"])
def test_every_dataset(run_page, dataset):
    at = run_page("train", {"dataset": dataset, "epochs": "150", "n": "120"})
    assert not at.exception and not at.warning
    assert at.selectbox(key="dataset").value == dataset
    assert percent(metrics(at)["train accuracy"]) > 0.5
    replay = figures(at)[0]
    points = sum(len(arr(t["x"])) for t in replay["data"][1:5])
    assert points == 120


def test_changing_the_activation_retrains(run_page):
    at = run_page("train", {"epochs": "100"})
    loss_relu = metrics(at)["loss"]
    at.selectbox(key="act").set_value("tanh").run()
    assert not at.exception
    assert metrics(at)["loss"] != loss_relu
    assert figures(at)[2]["data"][0]["name"] == "layer 1 (tanh)"
    # Back to ReLU: the kept result comes back, deltas compare with the tanh run.
    at.selectbox(key="act").set_value("relu").run()
    assert metrics(at)["loss"] == loss_relu


def test_linear_only_preset_cannot_solve_xor(run_page):
    at = run_page("train", {"dataset": "circles", "act": "tanh"})
    at.button[0].click().run()  # "Linear only"
    assert not at.exception
    assert at.selectbox(key="act").value == "identity"
    assert at.selectbox(key="dataset").value == "xor"
    assert percent(metrics(at)["train accuracy"]) < 0.8
    assert any("one affine map" in i.value for i in at.info)
    assert at.latex and "w'" in at.latex[0].value
    at.button[1].click().run()  # "ReLU on XOR"
    assert at.selectbox(key="act").value == "relu"
    assert percent(metrics(at)["train accuracy"]) >= 0.95


def test_the_shared_tanh_link_solves_xor(run_page):
    # It ended at 79 % with the old defaults: "tanh cannot do XOR" is the wrong lesson.
    at = run_page("train", {"dataset": "xor", "act": "tanh", "seed": "0", "epochs": "2000"})
    assert not at.exception and not at.warning
    _, hist = train(make_dataset("xor", 200, 0.05, 0), page_config(act="tanh", epochs=2000))
    assert metrics(at) == formatted(hist, 18) and hist.train_acc[-1] == 1.0


def test_spirals_say_they_need_the_spirals_preset_which_solves_them(run_page):
    at = run_page("train", {"dataset": "spirals", "act": "sigmoid"})
    assert not at.exception
    hint = [i.value for i in at.info if "Spirals presets" in i.value]
    # The network as the preset builds it: the 2-unit last layer included (#14 review).
    assert len(hint) == 1 and "hidden layers 16-16-16-2 (leaky_relu), 1000 epochs" in hint[0]
    at.button[2].click().run()  # "Spirals"
    assert not at.exception
    assert at.selectbox(key="act").value == "leaky_relu"
    assert at.selectbox(key="dataset").value == "spirals"
    assert (at.slider(key="layers").value, at.slider(key="width").value) == (4, 16)
    assert at.number_input(key="epochs").value == 1000
    assert not any("Spirals presets" in i.value for i in at.info)
    assert status(at).startswith("Trained 1000 epochs")  # by itself: under the automatic budget
    config = page_config((16, 16, 16, 2), act="leaky_relu", epochs=1000)
    _, hist = train(make_dataset("spirals", 200, 0.05, 0), config)
    assert metrics(at) == formatted(hist, 50) and hist.train_acc[-1] >= 0.95
    # A preset resets what it needs: back to the default network for ReLU on XOR.
    at.button[1].click().run()
    assert (at.slider(key="layers").value, at.slider(key="width").value) == (3, 8)
    assert at.number_input(key="epochs").value == 300


def test_a_wide_hidden_layer_shows_live_informative_units(run_page):
    # The case: spirals, "Layer shown" = 1. Units 1 and 2 of 8 included a dead one.
    query = {"dataset": "spirals", "view": "1"}
    at = run_page("train", query)
    assert not at.exception and not at.warning
    assert at.selectbox(key="u1").value is None  # "auto"
    data = make_dataset("spirals", 200, 0.05, 0)
    model, _ = train(data, page_config())
    units = informative_units(model, data.x_train, 0)
    assert not unit_summary(model, data.x_train, 0).dead[list(units)].any()
    replay = figures(at)[0]
    a, b = units[0] + 1, units[1] + 1
    assert replay["layout"]["annotations"][1]["text"] == (
        f"<b>Hidden layer 1 (relu): units {a} and {b} of 8</b>"
    )
    # The axes fit the points (the grid's far corners reach 30 and more).
    h = model.hidden(np.concatenate((data.x_train, data.x_test)), 0)
    lo, hi = replay["layout"]["xaxis2"]["range"]
    assert lo <= h[:, units[0]].min() and hi <= 1.3 * h[:, units[0]].max() + 0.3
    # A unit in the link holds; its partner is chosen for it.
    at = run_page("train", {**query, "u1": "5"})
    title = figures(at)[0]["layout"]["annotations"][1]["text"]
    partner = informative_units(model, data.x_train, 0, (4, None))[1] + 1
    assert title == f"<b>Hidden layer 1 (relu): units 5 and {partner} of 8</b>"


def test_a_dead_unit_on_the_right_is_named(run_page):
    at = run_page("train", {"act": "step", "epochs": "20"})  # f′ = 0 everywhere: all dead
    assert not at.exception
    dead = [i.value for i in at.info if "is dead" in i.value]
    assert len(dead) == 2 and dead[0].startswith("h3[1] is dead: f′ = 0 on every training point")
    assert "flat" not in dead[0]  # a step still sorts the points into 0 and 1
    at = run_page("train")  # the defaults: both units on the right live
    assert not any("is dead" in i.value or "is constant" in i.value for i in at.info)


def test_xor_by_hand(run_page):
    at = run_page("train", {"hand": "true"})
    assert not at.exception
    table = at.dataframe[0].value
    assert list(table["y"]) == [0, 1, 1, 0] and list(table["h"]) == [0, 0, 0, 1]
    hand = figures(at)[0]
    assert hand["layout"]["annotations"][1]["text"].startswith("<b>Feature space")


def test_layers_with_own_activations_and_a_wide_hidden_view(run_page):
    query = {
        "layers": "3",
        "width": "4",
        "neck": "false",
        "act2": "tanh",
        "act3": "leaky_relu",
        "leaky_relu.negative_slope": "0.2",
        "view": "2",
        "u1": "2",
        "u2": "4",
        "epochs": "80",
    }
    at = run_page("train", query)
    assert not at.exception and not at.warning
    assert at.slider(key="leaky_relu.negative_slope").value == pytest.approx(0.2)
    replay, _curves, grads = figures(at)
    assert replay["layout"]["annotations"][1]["text"] == (
        "<b>Hidden layer 2 (tanh): units 2 and 4 of 4</b>"
    )
    assert [t["name"] for t in grads["data"]] == [
        "layer 1 (relu)",
        "layer 2 (tanh)",
        "layer 3 (leaky_relu)",
        "output",
    ]
    assert any("its space has 4 dimensions" in c.value for c in at.caption)


def test_a_long_run_waits_for_the_train_button(run_page):
    # Estimated over the automatic budget (mini-batches of 8 on 150 points, 700 epochs).
    at = run_page("train", {"batch": "8", "epochs": "700"})
    assert not at.exception
    assert set(metrics(at).values()) == {"—"}
    assert any("press Train" in i.value for i in at.info)
    assert at.button(key="stop").disabled
    replay = figures(at)[0]
    assert not replay.get("frames")  # the untrained network, one picture
    at.button(key="train").click().run()
    assert not at.exception
    assert percent(metrics(at)["train accuracy"]) > 0.6
    assert status(at).startswith("Trained 700 epochs")


def test_own_formula_as_activation(run_page):
    at = run_page(
        "train", {"fx": "x * sigmoid(b*x)", "act": "custom", "custom.b": "2", "epochs": "60"}
    )
    assert not at.exception and not at.warning
    assert at.selectbox(key="act").value == "custom"
    assert figures(at)[2]["data"][0]["name"] == "layer 1 (custom)"


@pytest.mark.parametrize(
    "query",
    [
        {"layers": "9"},
        {"width": "1"},
        {"width": "40"},
        {"n": "99999"},
        {"epochs": "0"},
        {"epochs": "6000"},
        {"epochs": "1e400"},
        {"n": "-1e400"},
        {"seed": "inf"},
        {"act": "<script>alert(1)</script>"},
        {"act3": "nope"},
        {"lr": "7"},
        {"batch": "3"},
        {"dataset": "nope"},
        {"noise": "nan"},
        {"neck": "maybe"},
        {"optimizer": "", "act": "", "dataset": "", "init": ""},
        {"view": "0"},
        {"relu.alpha": "1"},
    ],
)
def test_bad_link_values_warn_once_and_use_defaults(run_page, query):
    at = run_page("train", query)
    assert not at.exception
    assert len(at.warning) == 1, [w.value for w in at.warning]
    assert "could not be used" in at.warning[0].value
    assert "<script>" not in at.warning[0].value
    assert at.slider(key="layers").value == 3 and at.slider(key="width").value == 8
    assert percent(metrics(at)["train accuracy"]) >= 0.95  # the default network, trained


def test_a_long_run_trains_over_several_script_runs_like_one_run(run_page, slices):
    at = run_page("train", {"batch": "8", "epochs": "2000"})  # 3 s of training
    assert any("press Train" in i.value for i in at.info)
    at.button(key="train").click()
    assert slices.run(at) < RUN_SECONDS
    assert slices.asked  # one slice, then a rerun for the next
    enabled, bar = training(at)
    assert enabled and 0 < int(bar.split()[1]) < 2000 and bar.endswith("of 2000")
    assert not status(at)
    # The run began in this script run: the picture of the untrained network, one frame.
    (picture,) = figures(at)
    assert not picture.get("frames")
    # AppTest carries out the page's st.rerun() itself: one at.run() trains on to the end.
    slices.on = False
    at.run()
    assert not at.exception
    assert status(at).startswith("Trained 2000 epochs in")
    _, hist = train(make_dataset("xor", 200, 0.05, 0), page_config(batch_size=8, epochs=2000))
    assert metrics(at) == formatted(hist, 18)
    replay, curves, _grads = figures(at)
    np.testing.assert_array_equal(arr(curves["data"][0]["y"]), hist.loss)
    assert replay["frames"][-1]["name"].endswith("2000")
    assert training(at)[1] is None
    # The run ended inside the last script run, after Stop was drawn: a late click changes nothing.
    at.button(key="stop").click().run()
    assert status(at).startswith("Trained 2000 epochs in") and training(at) == (False, None)
    assert metrics(at)["loss"] == formatted(hist, 18)["loss"]


def test_stop_in_the_middle_of_the_biggest_run_keeps_what_it_learned(run_page, slices):
    at = run_page("train", BIGGEST)
    assert at.button(key="stop").disabled
    at.button(key="train").click()
    seconds, progress = [], []
    for _ in range(2):
        seconds.append(slices.run(at))
        assert slices.asked  # one slice each, not the run
        enabled, bar = training(at)  # Stop and the progress bar stay, slice after slice
        assert enabled and bar.endswith("of 5000")
        progress.append(int(bar.split()[1]))
    assert max(seconds) < RUN_SECONDS, seconds
    assert 0 < progress[0] < progress[1] < 5000
    # Live: one picture instead of the replay, and the curves as far as the slice began.
    picture, curves, grads = figures(at)
    assert not picture.get("frames")
    assert progress[0] <= len(arr(curves["data"][0]["y"])) <= progress[1]
    assert len(grads["data"]) == 5  # four hidden layers and the output
    at.button(key="stop").click()
    seconds.append(slices.run(at))
    assert not slices.asked and seconds[-1] < RUN_SECONDS
    stopped = [w.value for w in at.warning if w.value.startswith("Stopped at epoch")]
    assert len(stopped) == 1
    epoch = int(stopped[0].split()[3])
    assert 1 < epoch < 5000 and "of 5000" in stopped[0]
    assert training(at) == (False, None)
    # What the page shows is training stopped after that epoch.
    polls = iter(range(10_000))
    config = page_config((16,) * 4, batch_size=8, epochs=5000)
    data = make_dataset("xor", 2000, 0.05, 0)
    _, hist = train(data, config, should_stop=lambda: next(polls) >= epoch)
    assert metrics(at) == formatted(hist, 64)
    replay, curves, _grads = figures(at)
    assert len(arr(curves["data"][0]["y"])) == epoch
    assert replay["frames"][-1]["name"].endswith(str(epoch))
    # Nothing trains on: a rerun leaves it as it is.
    slices.run(at)
    assert not slices.asked and metrics(at) == formatted(hist, 64)


def test_a_setting_changed_mid_run_abandons_the_run(run_page, slices):
    at = run_page("train", BIGGEST)
    at.button(key="train").click()
    slices.run(at)
    assert slices.asked
    shown = int(training(at)[1].split()[1])
    at.number_input(key="seed").set_value(1.0)
    slices.run(at)
    assert not slices.asked  # the new setting does not train by itself
    assert training(at) == (False, None)
    assert any("press Train" in i.value for i in at.info)
    assert set(metrics(at).values()) == {"—"}
    # Back to the first setting: what the run had learned when it was left.
    at.number_input(key="seed").set_value(0.0)
    slices.run(at)
    assert not slices.asked and training(at) == (False, None)
    stopped = [w.value for w in at.warning if w.value.startswith("Stopped at epoch")]
    assert len(stopped) == 1 and shown <= int(stopped[0].split()[3]) < 5000


def test_every_control_is_declared_once_and_shows_its_declared_default(run_page):
    declared, keys = train_view.CONTROLS, train_view.CONTROLS.keys()
    at = run_page("train")
    assert not at.exception
    drawn = {key: at.session_state[key] for key in keys if key in at.session_state}
    assert drawn == {key: declared.default(key) for key in drawn}
    # Not drawn by default: layer 4's own activation (3 layers), the unit pickers (the layer
    # shown has 2 units), the number of classes (XOR has two), your own points (a dataset of
    # its own), the regression target and its formula (the task is to classify).
    assert set(keys) - set(drawn) == {"act4", "u1", "u2", "classes", "pts", "target", "tfx"}
    # Every control drawn: each widget the page binds to the link has a declaration (or is an
    # activation's parameter, or the sidebar's, which every page binds: Home's). Three runs
    # draw them all: classification (blobs), your own points, fitting a curve (a formula).
    sidebar = bound_keys(run_page("home"))
    drawn, bound = set(), set()
    for query in (
        {"layers": "4", "view": "1", "hand": "true", "act": "leaky_relu", "dataset": "blobs"},
        {"dataset": "own"},
        {"task": "regress", "target": "custom"},
    ):
        at = run_page("train", query)
        assert not at.exception and not at.warning
        drawn |= {key for key in keys if key in at.session_state}
        bound |= bound_keys(at) - sidebar - {"leaky_relu.negative_slope"}
    assert drawn == set(keys)
    assert bound == set(keys) - {
        "dataset",  # shown translated: the page writes the link itself (ui.link._id_choice)
        "batch",
        "init",
        "task",
        "target",
    }


def bound_keys(at) -> set[str]:
    """The link keys of the widgets Streamlit binds to the link in this run."""
    protos = (getattr(node, "proto", None) for node in walk(at._tree))
    return {key for proto in protos if (key := getattr(proto, "query_param_key", ""))}


def test_the_page_defines_no_function_or_class():
    # A function defined in a page script keeps that run's whole namespace alive for the
    # session (ui/export.py); the page's helpers live in ui/train_view.py.
    page = Path(__file__).resolve().parent.parent / "pages" / "train.py"
    tree = ast.parse(page.read_text(encoding="utf-8"))
    defined = [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef | ast.Lambda)
    ]
    assert not defined


# --- more classes, your own points, fitting a curve, the network as code ---------------------


def protos(at) -> list:
    """The protos of every element an AppTest run rendered."""
    return [p for node in walk(at._tree) if (p := getattr(node, "proto", None)) is not None]


def test_three_classes_train_a_softmax_and_link_to_the_softmax_page(run_page):
    at = run_page("train", {"dataset": "blobs", "classes": "3", "epochs": "200"})
    assert not at.exception and not at.warning
    assert at.slider(key="classes").value == 3
    config = page_config(classes=3, epochs=200)
    _, hist = train(make_dataset("blobs", 200, 0.05, 0, classes=3), config)
    assert metrics(at) == formatted(hist, 18) and hist.train_acc[-1] > 0.9
    replay = figures(at)[0]
    assert replay["data"][0]["type"] == "heatmap" and replay["data"][0]["zmax"] == 3
    assert any("softmax" in c.value for c in at.caption)
    links = [p for p in protos(at) if type(p).__name__ == "PageLink"]
    assert any("Softmax page" in link.label for link in links)
    # XOR has two classes: the control is not shown, and the link's value is not used.
    at = run_page("train", {"dataset": "xor", "classes": "3"})
    assert not at.exception and figures(at)[0]["data"][0]["type"] == "contour"


def test_the_three_spirals_preset(run_page):
    at = run_page("train", {"dataset": "xor"})
    at.button[3].click().run()  # "Three spirals"
    assert not at.exception
    assert at.selectbox(key="dataset").value == "spirals" and at.slider(key="classes").value == 3
    assert (at.slider(key="layers").value, at.slider(key="width").value) == (4, 16)


def test_your_own_points_from_the_link_train_and_offer_the_code(run_page):
    pts = "-1,-1,0;-0.8,-1.2,0;-1.2,-0.7,0;1,1,1;0.8,1.2,1;1.1,0.7,1;1,-1,2;0.9,-1.2,2;1.2,-0.8,2"
    at = run_page("train", {"dataset": "own", "pts": pts})
    assert not at.exception and not at.warning
    assert at.text_input(key="pts").value == pts
    assert figures(at)[0]["data"][0]["zmax"] == 3  # three classes
    assert status(at).startswith("Trained 300 epochs")
    buttons = [p.label for p in protos(at) if type(p).__name__ == "DownloadButton"]
    code = ["NumPy script", "PyTorch code", "Weights (JSON)"]
    assert [b for b in buttons if b in code] == code


def test_your_own_points_start_from_a_few_and_bad_links_say_why(run_page):
    at = run_page("train", {"dataset": "own"})
    assert not at.exception
    assert at.text_input(key="pts").value == train_view.STARTER_POINTS
    for pts, why in (
        ("0,0,0;1,abc,1", "“abc” is not a number"),
        ("0,0,9;1,1,1", "not a whole number from 0 to 4"),
        (";".join(["0,0,0"] * 101), "at most 100 are used"),
        ("99,0,0;1,1,1", "outside the plane"),
    ):
        at = run_page("train", {"dataset": "own", "pts": pts})
        assert not at.exception
        assert any(why in w.value for w in at.warning), (pts, [w.value for w in at.warning])
        assert any("Add at least 4 points" in i.value for i in at.info)
        assert not at.metric  # nothing trained
    at = run_page("train", {"dataset": "own", "pts": "0,0,0;1,1,0;2,2,0;3,3,0"})
    assert any("two classes or more" in i.value for i in at.info) and not at.metric


def test_every_upload_problem_has_a_message():
    from activations.userdata import DataError

    details = {"size": 2_000_000, "limit": 1_048_576, "rows": 3, "least": 4, "row": 2}
    details |= {"column": 1, "found": 2, "text": "abc", "most": 4, "label": 1}
    codes = ("too_big", "empty", "binary", "too_many_rows", "too_few_rows", "columns")
    codes += ("empty_cell", "not_number", "not_finite", "label", "one_class", "far")
    errors = [DataError(code, **details) for code in codes]
    messages = {train_view.data_message(err) for err in errors}
    # One sentence each, none the English fallback of an unknown code ("too_big: {...}").
    assert len(messages) == len(codes) and not messages & {str(err) for err in errors}


def test_fitting_a_curve_shows_the_fit_its_slope_and_its_pieces(run_page):
    at = run_page("train", {"task": "regress", "target": "abs"})
    assert not at.exception and not at.warning
    values = metrics(at)
    assert list(values) == ["train R²", "test R²", "loss", "dead units"]
    assert float(values["train R²"]) > 0.9
    fit, pieces = figures(at)[:2]
    names = [t.get("name") for t in fit["data"]]
    assert {"the network's fit", "kinks", "slope of the fit", "target"} <= set(names)
    assert pieces["data"][0]["name"] == "1 hidden layer"
    assert any("straight pieces on [−2, 2]" in c.value for c in at.caption)
    # Smooth activations: no kinks to count.
    at = run_page("train", {"task": "regress", "act": "tanh"})
    assert not at.exception and any("no kinks" in c.value for c in at.caption)


def test_a_target_formula_and_its_problems(run_page):
    at = run_page("train", {"task": "regress", "target": "custom", "tfx": "exp(-x**2)"})
    assert not at.exception and not at.error
    assert float(metrics(at)["train R²"]) > 0.8
    at = run_page("train", {"task": "regress", "target": "custom", "tfx": "exp(-x**"})
    assert not at.exception
    assert any("The sine is fitted instead" in e.value for e in at.error)
    at = run_page("train", {"task": "regress", "target": "custom", "tfx": "log(x)"})
    assert not at.exception
    assert any("not a number everywhere on [−2, 2]" in e.value for e in at.error)


def test_an_undefined_formula_says_so_not_diverged_or_dead(run_page):
    # #14 review: log(x − 5) is NaN on every input the network gets; that is not divergence
    # (a lower learning rate does not help) and its units are not "dead".
    at = run_page("train", {"fx": "log(x-5)", "act": "custom"})
    assert not at.exception
    warnings = [w.value for w in at.warning]
    assert any("undefined (NaN) on the inputs it gets" in w for w in warnings), warnings
    assert not any("diverged" in w for w in warnings)
    notes = [i.value for i in at.info]
    assert any("is undefined" in n for n in notes) and not any("is dead" in n for n in notes)
    assert metrics(at)["loss"] == "—"
