"""AppTest: the Softmax page — logits from the URL or the text box, temperature, the two-class
case, softmax as a map, maxout; bad input gives one clear message and the default."""

from __future__ import annotations

import numpy as np
import pytest
from figtools import arr, figures
from test_gradients_page import chart, traces

from activations import maxout, softmax
from activations.softmax_maps import maxout_envelope, random_maxout

PROBS, JACOBIAN, TWO_CLASS, SEGMENT, SIMPLEX, MAXOUT_CURVE, MAXOUT_WARP = range(7)
# BRIEF.md §2: softmax([1, 5, 2, 0, 6, 7]) from a tutorial, and the same to 4 significant digits.
BRIEF = [0.00164, 0.0894, 0.00445, 0.000603, 0.2431, 0.6608]
FOUR_DIGITS = ["0.001638", "0.08943", "0.004452", "0.0006026", "0.2431", "0.6608"]


def table(at):
    return at.dataframe[0].value


def test_default_view_is_the_brief_example(run_page):
    at = run_page("softmax")
    assert not at.exception and not at.warning
    assert len(figures(at)) == 7
    assert at.text_input(key="z").value == "1, 5, 2, 0, 6, 7"
    df = table(at)
    np.testing.assert_allclose(df["z"], [1, 5, 2, 0, 6, 7])
    np.testing.assert_allclose(df["p"], BRIEF, rtol=5e-3)  # the tutorial's rounding
    assert [f"{p:.4g}" for p in df["p"]] == FOUR_DIGITS
    np.testing.assert_allclose(df["log p"], np.log(df["p"]), rtol=1e-12)
    # The same numbers are on the bars, the argmax bar stands out, the sum is in the title.
    bars = chart(at, PROBS)["data"][0]
    assert bars["text"] == FOUR_DIGITS
    assert bars["marker"]["color"][5] != bars["marker"]["color"][0]
    assert "Σ p = 1.0000000000" in chart(at, PROBS)["layout"]["title"]["text"]
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["argmax"] == "z₆ (z = 7)"
    assert metrics["Sum of the probabilities"] == "1"
    assert metrics["Its probability"] == "0.660789"


def test_jacobian_of_the_shown_logits(run_page):
    at = run_page("softmax", {"z": "0.5, -1, 2", "t": "2"})
    assert not at.exception and not at.warning
    z = np.array([0.5, -1.0, 2.0])
    p = softmax(z / 2.0)
    np.testing.assert_allclose(table(at)["p"], p, rtol=1e-12)
    jac = arr(chart(at, JACOBIAN)["data"][0]["z"])
    np.testing.assert_allclose(jac, (np.diag(p) - np.outer(p, p)) / 2.0, atol=1e-15)
    np.testing.assert_allclose(jac.sum(axis=1), 0.0, atol=1e-15)


def test_temperature_flattens_and_sharpens(run_page):
    at = run_page("softmax", {"z": "1, 2, 3", "t": "10"})
    flat = table(at)["p"].to_numpy()
    at.slider(key="t").set_value(0.1).run()
    sharp = table(at)["p"].to_numpy()
    assert flat.max() < 0.4 and sharp.max() > 0.9999
    # Three logits: the star in the triangle is their softmax at the current T.
    star = traces(at, SIMPLEX, name="(z₁, z₂, z₃) = (1, 2, 3)")[0]
    p = softmax(np.array([1.0, 2.0, 3.0]) / 0.1)
    xy = p @ np.array([[0, 0], [1, 0], [0.5, np.sqrt(3) / 2]])
    assert arr(star["x"])[0] == pytest.approx(xy[0]) and arr(star["y"])[0] == pytest.approx(xy[1])


def test_typing_new_logits(run_page):
    at = run_page("softmax")
    at.text_input(key="z").input("[3 3 3 3]").run()
    assert not at.exception and not at.warning
    np.testing.assert_allclose(table(at)["p"], 0.25)
    assert len(chart(at, PROBS)["data"][0]["x"]) == 4


def test_two_class_curves_coincide(run_page):
    at = run_page("softmax", {"t": "0.5"})
    data = chart(at, TWO_CLASS)["data"]
    z = arr(data[0]["x"])
    soft, sig = arr(data[0]["y"]), arr(data[1]["y"])
    np.testing.assert_allclose(soft, 1 / (1 + np.exp(-z / 0.5)), rtol=1e-12, atol=1e-300)
    np.testing.assert_allclose(soft, sig, atol=1e-15)
    assert any("Largest difference" in c.value for c in at.caption)


def test_plane_maps_onto_the_segment(run_page):
    at = run_page("softmax", {"cloud": "gaussian", "spread": "5", "t": "1.5"})
    assert not at.exception and not at.warning
    data = chart(at, SEGMENT)["data"]
    plane = np.stack((arr(data[0]["x"]), arr(data[0]["y"])), 1)
    image = np.stack((arr(data[2]["x"]), arr(data[2]["y"])), 1)
    np.testing.assert_allclose(image, softmax(plane / 1.5), rtol=1e-12)
    np.testing.assert_allclose(image.sum(axis=1), 1.0, atol=1e-15)


def test_maxout_pieces_and_warp(run_page):
    at = run_page("softmax", {"k": "5", "mseed": "7", "mcloud": "moons"})
    assert not at.exception and not at.warning
    w, b = random_maxout(5, 1, seed=7)
    xv, _yv, _ = maxout_envelope(w[:, 0], b, -3.0, 3.0)
    curve = chart(at, MAXOUT_CURVE)["data"]
    assert len(curve) == 7  # the pieces' legend key, five pieces, their maximum
    np.testing.assert_allclose(arr(curve[-1]["x"]), xv)
    np.testing.assert_allclose(arr(curve[-1]["y"]), maxout(xv[:, None], w, b), rtol=1e-12)
    warp = chart(at, MAXOUT_WARP)["data"]
    assert {t["name"] for t in warp} == {"class 0", "class 1"}
    at.slider(key="k").set_value(1).run()
    assert not at.exception
    assert len(chart(at, MAXOUT_CURVE)["data"]) == 3  # one piece: a straight line


@pytest.mark.parametrize(
    ("z", "problem"),
    [
        ("1, two, 3", "'two' is not a number"),
        ("1, inf", "'inf' is not a finite number"),
        ("nan", "'nan' is not a finite number"),
        ("1e999", "not a finite number"),
        (", ".join(["1"] * 21), "more than 20 values"),
        ("   ", "no numbers"),
    ],
)
def test_bad_logits_give_one_message_and_the_default(run_page, z, problem):
    at = run_page("softmax", {"z": z})
    assert not at.exception
    assert len(at.warning) == 1
    assert problem in at.warning[0].value and "1, 5, 2, 0, 6, 7" in at.warning[0].value
    assert [f"{p:.4g}" for p in table(at)["p"]] == FOUR_DIGITS
    assert len(figures(at)) == 7


@pytest.mark.parametrize(
    "query",
    [
        {"z": "1," * 150},
        {"t": "0"},
        {"t": "abc"},
        {"cloud": "cube"},
        {"spread": "100"},
        {"k": "0"},
        {"k": "3.5"},
        {"mseed": "-1"},
        {"mcloud": "<img src=x>"},
        {"extra": "1"},
    ],
)
def test_bad_url_values_warn_once_and_fall_back(run_page, query):
    at = run_page("softmax", query)
    assert not at.exception
    assert len(at.warning) == 1
    assert "<img" not in at.warning[0].value
    assert [f"{p:.4g}" for p in table(at)["p"]] == FOUR_DIGITS
    assert len(figures(at)) == 7


def test_typing_too_long_a_text_gives_one_message(run_page):
    at = run_page("softmax")
    at.text_input(key="z").input("1, " * 80).run()
    assert not at.exception
    assert len(at.warning) == 1
    assert "200" in at.warning[0].value
    assert [f"{p:.4g}" for p in table(at)["p"]] == FOUR_DIGITS
