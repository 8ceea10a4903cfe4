"""AppTest: the Home and Curves pages, their URL parameters and their controls."""

from __future__ import annotations

import numpy as np
import pytest
from figtools import arr, figures


def figure(at, index: int = 0) -> dict:
    return figures(at)[index]


def trace_values(trace: dict, key: str) -> np.ndarray:
    return arr(trace[key])


def curve(at, name_part: str) -> tuple[np.ndarray, np.ndarray]:
    for trace in figure(at)["data"]:
        if trace.get("name", "").startswith(name_part) and trace.get("mode") == "lines":
            return trace_values(trace, "x"), trace_values(trace, "y")
    raise AssertionError(f"no curve named {name_part!r}")


def test_home_page_runs_and_links_to_pages(run_page):
    at = run_page("home")
    assert not at.exception
    assert at.title[0].value.startswith("〽️ Activation Lab")
    assert len(figures(at)) == 1


def test_curves_default_view(run_page):
    at = run_page("curves")
    assert not at.exception
    assert at.multiselect(key="act").value == ["sigmoid", "tanh", "relu", "leaky_relu"]
    names = [t.get("name") for t in figure(at)["data"] if t.get("showlegend", True)]
    assert names[:4] == ["Sigmoid (logistic)", "tanh", "ReLU", "Leaky ReLU"] or len(names) >= 4
    assert not at.warning
    properties = at.table[-1].value
    assert len(properties) == 4
    assert properties.iloc[0]["range"] == "(0,\u00a01)"  # one line in the table


def test_curves_several_activations_and_changed_parameters(run_page):
    at = run_page(
        "curves",
        {
            "act": ["elu", "softplus", "swish"],
            "elu.alpha": "2",
            "swish.beta": "3",
            "xmin": "-3",
            "xmax": "3",
        },
    )
    assert not at.exception and not at.warning
    x, y = curve(at, "ELU")
    assert x[0] == pytest.approx(-3.0)
    assert y[0] == pytest.approx(2.0 * np.expm1(-3.0), rel=1e-6)
    x, y = curve(at, "Swish")
    assert y[-1] == pytest.approx(3.0 / (1.0 + np.exp(-9.0)), rel=1e-6)


def test_same_activation_twice_with_two_slopes(run_page):
    at = run_page(
        "curves",
        {"act": ["leaky_relu", "leaky_relu~2"], "leaky_relu~2.negative_slope": "0.2"},
    )
    assert not at.exception and not at.warning
    _x1, y1 = curve(at, "Leaky ReLU")
    _x2, y2 = curve(at, "Leaky ReLU (negative_slope=0.2)")
    assert y1[0] == pytest.approx(-6 * 0.01, rel=1e-6)
    assert y2[0] == pytest.approx(-6 * 0.2, rel=1e-6)
    lines = [t for t in figure(at)["data"] if t.get("mode") == "lines" and t.get("yaxis") == "y"]
    assert lines[0]["line"]["color"] == lines[1]["line"]["color"]  # same colour, other dash
    assert lines[0]["line"]["dash"] != lines[1]["line"]["dash"]


def test_slider_change_redraws(run_page):
    at = run_page("curves", {"act": "leaky_relu"})
    at.slider(key="leaky_relu.negative_slope").set_value(0.5).run()
    assert not at.exception
    _x, y = curve(at, "Leaky ReLU (negative_slope=0.5)")
    assert y[0] == pytest.approx(-3.0)


def test_add_a_copy_button(run_page):
    at = run_page("curves", {"act": "leaky_relu"})
    at.selectbox(key="copy_source").set_value("leaky_relu")
    at.button[0].click().run()
    assert at.multiselect(key="act").value == ["leaky_relu", "leaky_relu~2"]
    assert at.slider(key="leaky_relu~2.negative_slope").value == pytest.approx(0.01)


@pytest.mark.parametrize(
    "query",
    [
        {"act": "nope"},
        {"act": ["relu", "<script>alert(1)</script>"]},
        {"leaky_relu.negative_slope": "5"},
        {"leaky_relu.negative_slope": "nan"},
        {"xmin": "abc"},
        {"xmin": "inf"},
        {"xmin": "1e400"},
        {"probe": "-1e9"},
        {"overlay": "maybe"},
        {"unknown_key": "1"},
        {"act": "leaky_relu~99"},
    ],
)
def test_bad_url_parameters_warn_and_fall_back(run_page, query):
    at = run_page("curves", query)
    assert not at.exception
    assert at.warning, "a bad link must say what was ignored"
    text = at.warning[0].value
    assert "<script>" not in text  # escaped, never raw HTML
    assert figures(at), "the page keeps working"


def test_x_range_must_be_increasing(run_page):
    at = run_page("curves", {"xmin": "5", "xmax": "-5"})
    assert not at.exception
    assert any("x min must be below x max" in w.value for w in at.warning)
    x, _ = curve(at, "tanh")
    assert x[0] == pytest.approx(-6.0)


def test_log_scale_and_overlay(run_page):
    at = run_page("curves", {"act": "sigmoid", "logd": "true", "xmin": "-40", "xmax": "40"})
    assert not at.exception
    layout = figure(at)["layout"]
    assert layout["yaxis2"]["type"] == "log"
    grad = [t for t in figure(at)["data"] if t.get("yaxis") == "y2" and t.get("mode") == "lines"]
    y = trace_values(grad[0], "y")
    # σ′(−40) ≈ 4.25e−18: the tail is drawn, not rounded to 0.
    assert y[0] == pytest.approx(np.exp(-40.0) / (1 + np.exp(-40.0)) ** 2, rel=1e-9)
    at = run_page("curves", {"act": "sigmoid", "overlay": "true"})
    assert not at.exception
    assert "yaxis2" not in figure(at)["layout"] or figure(at)["layout"].get("yaxis2") is None


def test_properties_table_sorts_by_a_column(run_page):
    at = run_page("curves", {"act": ["relu", "sigmoid", "tanh"], "sort": "max |f′|"})
    assert not at.exception
    table = at.table[-1].value
    assert list(table.index) == ["Sigmoid (logistic)", "ReLU", "tanh"] or list(
        table["max |f′|"]
    ) == sorted(table["max |f′|"])
    assert list(table["max |f′|"]) == sorted(table["max |f′|"])
    assert table.loc["Sigmoid (logistic)", "max |f′|"] == pytest.approx(0.25)
