"""AppTest: the Gradients page — depth, dying ReLU and zig-zag sections, their URL parameters
and controls."""

from __future__ import annotations

import numpy as np
import pytest
from figtools import arr, figures

from activations.experiments import depth_experiment

DEPTH, DYING, ZIGZAG = 0, 1, 2


def chart(at, index: int) -> dict:
    return figures(at)[index]


def traces(at, index: int, **match) -> list[dict]:
    """The traces of chart ``index`` whose properties equal ``match``."""
    return [
        t
        for t in chart(at, index)["data"]
        if all(t.get(key) == value for key, value in match.items())
    ]


def grad_lines(at) -> dict[str, np.ndarray]:
    """Gradient norm per layer, by legend name."""
    return {t["name"]: arr(t["y"]) for t in traces(at, DEPTH, mode="lines+markers")}


def metric(at, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def test_default_view_shows_the_three_claims(run_page):
    at = run_page("gradients")
    assert not at.exception and not at.warning
    assert len(figures(at)) == 3
    assert at.multiselect(key="act").value == ["sigmoid", "tanh", "relu", "leaky_relu"]
    lines = grad_lines(at)
    sigmoid, relu = lines["Sigmoid (logistic)"], lines["ReLU"]
    assert len(sigmoid) == 20
    # Sigmoid loses orders of magnitude; ReLU with He stays within a factor of 2.
    assert sigmoid[0] / sigmoid[-1] < 1e-8
    assert 0.5 < relu[0] / relu[-1] < 2.0
    bound = traces(at, DEPTH, mode="lines", yaxis="y")[0]
    assert arr(bound["y"])[0] == pytest.approx(0.25**20)
    assert float(metric(at, "Sigmoid (logistic)")) < 1e-8
    # Dying ReLU at lr 0.3: most ReLU units die, no leaky ReLU unit does.
    assert int(metric(at, "ReLU: dead units").rstrip("%")) > 50
    assert metric(at, "Leaky ReLU: dead units") == "0%"
    # Zig-zag: the all-positive case needs many more steps.
    steps = [m.value for m in at.metric if m.label.startswith("Steps,")]
    assert int(steps[0]) > 5 * int(steps[1])


def test_linked_depth_setting_matches_the_library(run_page):
    query = {
        "act": ["relu", "sigmoid"],
        "depth": "50",
        "width": "64",
        "init": "xavier",
        "gain": "1.5",
        "seed": "3",
    }
    at = run_page("gradients", query)
    assert not at.exception and not at.warning
    lines = grad_lines(at)
    assert list(lines) == ["ReLU", "Sigmoid (logistic)"]
    expected = depth_experiment("relu", 50, 64, "xavier", 1.5, 3).grad_norm
    np.testing.assert_allclose(lines["ReLU"], expected, rtol=1e-12)
    assert chart(at, DEPTH)["layout"]["xaxis"]["range"] == [0.5, 50.5]
    share_lines = [t for t in traces(at, DEPTH, yaxis="y3") if t["name"].startswith("ReLU")]
    assert len(share_lines) == 2  # saturated and dead


def test_activation_parameters_are_linked(run_page):
    at = run_page(
        "gradients", {"act": "leaky_relu", "leaky_relu.negative_slope": "0.3", "depth": "10"}
    )
    assert not at.exception and not at.warning
    lines = grad_lines(at)
    (name,) = lines
    assert name == "Leaky ReLU (negative_slope=0.3)"
    expected = depth_experiment("leaky_relu", 10, 256, "he", 1.0, 0, negative_slope=0.3)
    np.testing.assert_allclose(lines[name], expected.grad_norm, rtol=1e-12)
    assert not traces(at, DEPTH, mode="lines", yaxis="y")  # no sigmoid, no 0.25ⁿ line


def test_controls_rerun_their_section(run_page):
    at = run_page("gradients")
    at.slider(key="depth").set_value(5).run()
    assert not at.exception
    assert len(grad_lines(at)["ReLU"]) == 5
    at.select_slider(key="lr").set_value(0.003).run()
    assert not at.exception
    assert int(metric(at, "ReLU: dead units").rstrip("%")) < 30
    at.multiselect(key="act").set_value(["tanh"]).run()
    assert list(grad_lines(at)) == ["tanh"]


def test_bad_init_kills_relu_units_and_high_lr_breaks_the_zigzag(run_page):
    at = run_page("gradients", {"bias": "-1.0", "dinit": "xavier", "zlr": "4.5", "zsteps": "300"})
    assert not at.exception and not at.warning
    dead = next(t for t in traces(at, DYING, name="ReLU") if "xaxis" not in t)
    assert arr(dead["y"])[0] > 0.5  # dead from the start
    steps = [m.value for m in at.metric if m.label.startswith("Steps,")]
    assert steps[0] == "diverged"


def test_more_than_four_activations_keep_the_first_four(run_page):
    at = run_page("gradients", {"act": ["relu", "tanh", "elu", "gelu", "silu"]})
    assert not at.exception
    assert "at most 4" in at.warning[0].value
    assert at.multiselect(key="act").value == ["relu", "tanh", "elu", "gelu"]
    assert len(grad_lines(at)) == 4


def test_no_activation_leaves_a_hint(run_page):
    at = run_page("gradients")
    at.multiselect(key="act").set_value([]).run()
    assert not at.exception
    assert any("Pick at least one" in i.value for i in at.info)
    assert len(figures(at)) == 2  # the other sections still show


@pytest.mark.parametrize(
    "query",
    [
        {"act": "nope"},
        {"depth": "0"},
        {"depth": "51"},
        {"depth": "2.5"},
        {"width": "8"},
        {"width": "abc"},
        {"init": "orthogonal"},
        {"gain": "inf"},
        {"gain": "-1"},
        {"seed": "-3"},
        {"lr": "0.5"},
        {"dinit": "<b>x</b>"},
        {"bias": "nan"},
        {"zlr": "100"},
        {"zsteps": "1e9"},
        {"act": "elu", "elu.alpha": "99"},
        {"bogus": "1"},
    ],
)
def test_bad_url_values_warn_and_fall_back(run_page, query):
    at = run_page("gradients", query)
    assert not at.exception
    assert at.warning, "a bad link must say what was ignored"
    assert "<b>" not in at.warning[0].value
    assert len(figures(at)) == 3


def test_depth_caption_says_grows_when_the_gradient_grows_and_writes_powers_as_superscripts():
    """tanh's gradient at layer 1 can be larger than at the top: "shrinks 0.58 times" read as
    nonsense; a factor of 4e9 reads 4·10⁹, not 4·10^9."""
    from ui import gradients_view

    results = [depth_experiment(a, 20, 256, "he", seed=0) for a in ("sigmoid", "tanh")]
    labels = {"sigmoid": "sigmoid", "tanh": "tanh"}
    caption = gradients_view._depth_caption(results, labels, bound=False)
    assert "tanh keeps the most (it even grows" in caption
    assert "^" not in caption and "·10" in caption
    assert gradients_view._factor(4e9) == "4·10⁹" and gradients_view._factor(2e-5) == "2·10⁻⁵"
