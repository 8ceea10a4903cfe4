"""Figure builders of the Gradients and Softmax pages: valid Plotly (they skip validation for
speed), the plotted data is the experiments' data, and the CSV tables match the figures."""

from __future__ import annotations

import numpy as np
import pytest
from figtools import arr, valid

import activations
from activations.experiments import (
    depth_experiment,
    dying_relu_experiment,
    vanishing_bound,
    zigzag_experiment,
)
from activations.softmax_maps import maxout_envelope, random_maxout, two_class_softmax
from charts import export
from charts import gradients as gcharts
from charts import softmax as scharts
from charts.theme import activation_color


@pytest.fixture(scope="module")
def depth_results():
    return [depth_experiment(a, 12, 32, "he", 1.0, 0) for a in ("sigmoid", "relu", "step")]


def test_depth_figure_plots_the_experiment(depth_results):
    bound = vanishing_bound(12)
    fig = valid(gcharts.depth_figure(depth_results, {"relu": "ReLU (mine)"}, bound=bound))
    grad = [t for t in fig["data"] if t.get("mode") == "lines+markers"]
    assert [t["name"] for t in grad] == [
        activations.get("sigmoid").label,
        "ReLU (mine)",
        activations.get("step").label,
    ]
    sig = grad[0]
    np.testing.assert_allclose(arr(sig["y"]), depth_results[0].grad_norm)
    assert sig["line"]["color"] == activation_color("sigmoid")
    # The step's gradient is exactly 0: a gap on the log axis, never a 0 or a negative value.
    step_y = arr(grad[2]["y"])
    assert np.isnan(step_y).all()
    # The 0.25ⁿ line: last trace, 0.25 at the top layer and 0.25^12 at layer 1.
    line = fig["data"][-1]
    y = arr(line["y"])
    assert y[-1] == pytest.approx(0.25) and y[0] == pytest.approx(0.25**12)
    assert fig["layout"]["yaxis"]["type"] == "log" and fig["layout"]["yaxis2"]["type"] == "log"


def test_depth_table_columns(depth_results):
    table = gcharts.depth_table(depth_results, vanishing_bound(12))
    assert list(table)[:5] == [
        "layer",
        "sigmoid grad_norm",
        "sigmoid act_std",
        "sigmoid saturated",
        "sigmoid off",
    ]
    np.testing.assert_array_equal(table["layer"], np.arange(1, 13))
    np.testing.assert_array_equal(table["relu off"], depth_results[1].off)
    lines = export.to_csv(table).decode().strip().split("\n")
    assert len(lines) == 13


def test_dying_figure_and_table():
    results = [dying_relu_experiment(a, 0.3, "he", epochs=40) for a in ("relu", "leaky_relu")]
    fig = valid(gcharts.dying_figure(results))
    dead = [t for t in fig["data"] if t["name"] in ("ReLU", "Leaky ReLU") and "xaxis" not in t]
    np.testing.assert_allclose(arr(dead[0]["y"]), results[0].dead)
    assert np.all(arr(dead[1]["y"]) == 0.0)  # leaky ReLU never has f' = 0
    fits = [t for t in fig["data"] if t.get("xaxis") == "x2"]
    assert fits[0]["name"] == "sin(x)" and len(fits) == 3
    table = gcharts.dying_table(results)
    assert len(table["epoch"]) == 41 and len(table["x"]) == len(results[0].x)
    np.testing.assert_array_equal(table["leaky_relu prediction"], results[1].prediction)


def test_zigzag_figure_shares_one_window_and_levels():
    results = [zigzag_experiment(k) for k in ("positive", "centred")]
    fig = valid(gcharts.zigzag_figure(results, ["pos", "cen"], ["#111111", "#222222"]))
    layout = fig["layout"]
    assert layout["xaxis"]["range"] == layout["xaxis2"]["range"]
    assert layout["yaxis2"]["scaleanchor"] == "x2"
    contours = [t for t in fig["data"] if t["type"] == "contour"]
    assert contours[0]["contours"] == contours[1]["contours"]
    # √L is 0 at the optimum and matches ½ (w − w*)ᵀ H (w − w*) elsewhere.
    c = contours[0]
    w1, w2, z = (arr(c[k]) for k in ("x", "y", "z"))
    i, j = 7, 90
    d = np.array([w1[j], w2[i]]) - results[0].target
    assert z[i, j] == pytest.approx(np.sqrt(0.5 * d @ results[0].hessian @ d), rel=1e-12)
    paths = [t for t in fig["data"] if t.get("mode") == "lines+markers"]
    np.testing.assert_array_equal(arr(paths[0]["x"]), results[0].path[:, 0])
    table = gcharts.zigzag_table(results)
    assert len(table["step"]) == len(results[0].path)


def test_zigzag_window_ignores_a_diverging_path():
    results = [zigzag_experiment("positive", lr=4.5, steps=300), zigzag_experiment("centred")]
    assert results[0].diverged
    layout = valid(gcharts.zigzag_figure(results, ["a", "b"], ["#111111", "#222222"]))["layout"]
    x0, x1 = layout["xaxis"]["range"]
    assert x1 - x0 < 20  # not stretched to the diverged points (1e6 away)


def test_probabilities_and_jacobian_figures():
    z = np.array([1.0, 5, 2, 0, 6, 7])
    p, logp = activations.softmax(z), activations.log_softmax(z)
    fig = valid(scharts.probabilities_figure(z, p, logp, temperature=1.0))
    bars = fig["data"][0]
    np.testing.assert_allclose(arr(bars["y"]), p)
    assert bars["text"][5] == "0.6608" and bars["text"][3] == "0.0006026"
    colors = bars["marker"]["color"]
    assert colors[5] == scharts.ARGMAX_COLOR and colors.count(scharts.ARGMAX_COLOR) == 1
    assert "Σ p = 1.0000000000" in fig["layout"]["title"]["text"]
    np.testing.assert_allclose(arr(fig["data"][1]["y"]), logp)
    jac = activations.softmax_jacobian(z)
    heat = valid(scharts.jacobian_figure(jac))["data"][0]
    np.testing.assert_allclose(arr(heat["z"]), jac)
    assert heat["zmid"] == 0 and heat["texttemplate"]
    many = np.linspace(-3, 3, 15)
    assert (
        "texttemplate"
        not in valid(scharts.jacobian_figure(activations.softmax_jacobian(many)))["data"][0]
    )


def test_logit_labels_are_unique_subscripts():
    assert scharts.logit_labels(12)[:2] == ["z₁", "z₂"] and scharts.logit_labels(12)[-1] == "z₁₂"


def test_two_class_segment_and_simplex_figures():
    z = np.linspace(-6, 6, 121)
    pairs = np.stack((two_class_softmax(z, 2.0), two_class_softmax(-z, 2.0)), 1)
    sig = activations.get("sigmoid")
    sigmoids = np.stack((sig.fn(z / 2.0), sig.fn(-z / 2.0)), 1)
    fig = valid(scharts.two_class_figure(z, pairs, sigmoids, temperature=2.0))
    assert [t["name"] for t in fig["data"]][:2] == ["softmax(z, 0)₁", "σ(z / 2)"]
    np.testing.assert_allclose(arr(fig["data"][0]["y"]), arr(fig["data"][1]["y"]), atol=1e-15)

    pts = np.random.default_rng(1).normal(0, 2, (200, 2))
    probs = activations.softmax(pts)
    seg = valid(scharts.segment_figure(pts, probs))
    mapped = seg["data"][2]
    x, y = arr(mapped["x"]), arr(mapped["y"])
    np.testing.assert_allclose(x + y, 1.0, atol=1e-15)  # every point on the segment
    assert len(seg["layout"]["shapes"]) == 5  # the level lines z₁ − z₂ = c

    p3 = activations.softmax(np.random.default_rng(2).normal(0, 2, (300, 3)))
    path = activations.softmax(np.array([1.0, 5, 2])[None, :] / np.geomspace(0.1, 10, 20)[:, None])
    tri = valid(scharts.simplex_figure(p3, highlight=p3[0], highlight_label="mine", path=path))
    names = [t.get("name") for t in tri["data"]]
    assert "mine" in names and "argmax = 1" in names
    groups = [t for t in tri["data"] if str(t.get("name", "")).startswith("argmax")]
    assert sum(len(arr(t["x"])) for t in groups) == 300


def test_maxout_figures():
    w, b = random_maxout(4, 1, seed=5)
    xv, yv, _ = maxout_envelope(w[:, 0], b, -3.0, 3.0)
    fig = valid(scharts.maxout_curve_figure(w[:, 0], b, xv, yv))
    top = fig["data"][-1]
    np.testing.assert_allclose(arr(top["x"]), xv)
    assert len(fig["data"]) == 6  # the pieces' legend key, four pieces, their maximum
    w2, b2 = random_maxout(3, 2, 2, seed=5)
    pts = np.random.default_rng(0).uniform(-1, 1, (400, 2))
    groups = (pts[:, 0] < 0).astype(int)
    mapped = activations.maxout(pts, w2, b2)
    warp = valid(scharts.maxout_warp_figure(pts, mapped, groups, ["right", "left"]))
    out = [t for t in warp["data"] if t.get("xaxis") == "x2"]
    assert sum(len(arr(t["x"])) for t in out) == 400
    np.testing.assert_allclose(arr(out[0]["x"]), mapped[groups == 0, 0])


def test_short_log_axis_gets_full_labels():
    flat = [depth_experiment("tanh", 10, 64, "xavier", 1.0, 0)]  # std stays within a decade
    axis = valid(gcharts.depth_figure(flat))["layout"]["yaxis2"]
    assert axis["ticktext"] == [f"{v:g}" for v in axis["tickvals"]]
    assert {f"{v:.0e}"[0] for v in axis["tickvals"]} <= {"1", "2", "5"}
    std = flat[0].act_std
    assert min(axis["tickvals"]) <= std.max() * 1.3 and max(axis["tickvals"]) >= std.min() / 1.3
    wide = [depth_experiment("relu", 50, 64, "xavier", 1.0, 0)]  # std shrinks ~√2 per layer
    assert "tickvals" not in valid(gcharts.depth_figure(wide))["layout"]["yaxis2"]
