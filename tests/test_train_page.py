"""AppTest: the Train page trains on load, shows metrics and pictures, keeps its results across
reruns, applies presets, and falls back to defaults (with one warning) on bad links."""

from __future__ import annotations

import base64

import numpy as np
import pytest
from figtools import figures


def arr(value) -> np.ndarray:
    if isinstance(value, dict) and "bdata" in value:
        flat = np.frombuffer(base64.b64decode(value["bdata"]), dtype=np.dtype(value["dtype"]))
        shape = value.get("shape")
        return flat.reshape([int(n) for n in str(shape).split(",")]) if shape else flat
    return np.asarray(value, dtype=float)


def metrics(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def percent(text: str) -> float:
    return float(text.rstrip("%")) / 100


def status(at) -> str:
    return " ".join(c.value for c in at.caption if "epochs in" in c.value)


def test_default_load_trains_and_shows_everything(run_page):
    at = run_page("train")
    assert not at.exception and not at.warning
    shown = metrics(at)
    assert list(shown) == ["train accuracy", "test accuracy", "loss", "dead units"]
    # ReLU 2-8-2-1 solves XOR: the page opens on a network that has learned it.
    assert percent(shown["train accuracy"]) >= 0.95
    assert shown["dead units"].endswith("/ 10")
    assert status(at).startswith("Trained 300 epochs in")
    replay, curves, grads = figures(at)
    assert len(replay["frames"]) > 20  # the replay slider scrubs in the browser
    assert replay["layout"]["annotations"][1]["text"] == "<b>Hidden layer 2 (relu)</b>"
    assert [t["name"] for t in grads["data"]] == ["layer 1 (relu)", "layer 2 (relu)", "output"]
    assert len(arr(curves["data"][0]["y"])) == 300


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
    assert at.slider(key="layers").value == 2 and at.slider(key="width").value == 8
    assert percent(metrics(at)["train accuracy"]) >= 0.95  # the default network, trained
