"""AppTest: the user's own activation, typed in the sidebar, used on the Curves page."""

from __future__ import annotations

import json

import pytest
from figtools import figures


def lines(at) -> dict[str, dict]:
    spec = figures(at)[0]
    return {t["name"]: t for t in spec["data"] if t.get("mode") == "lines"}


def test_formula_from_a_link_is_plotted_with_its_derivative(run_page):
    at = run_page(
        "curves",
        {"fx": "x * sigmoid(b*x)", "act": ["custom", "silu"], "custom.b": "2"},
    )
    assert not at.exception and not at.warning and not at.error
    assert at.multiselect(key="act").value == ["custom", "silu"]
    assert at.slider(key="custom.b").value == pytest.approx(2.0)
    names = list(lines(at))
    assert any(n.startswith("Custom: x * sigmoid(b*x)") and "b=2" in n for n in names)
    # Its formulas are rendered, and its derivative too.
    latex = [e.value for e in at.latex]
    assert any("sigma" in v or "e^{" in v for v in latex)
    props = at.table[-1].value
    assert props.iloc[0]["range"].startswith("[−0.139")


def test_custom_matches_the_registry_when_it_rewrites_an_entry(run_page):
    at = run_page("curves", {"fx": "x * sigmoid(x)", "act": ["custom", "silu"]})
    assert not at.exception
    traces = list(lines(at).values())
    custom_f, silu_f = traces[0], traces[2]
    assert custom_f["y"] == silu_f["y"]  # same float32 payload, bit for bit


@pytest.mark.parametrize(
    "text, message_part",
    [
        ("foo(x)", "unknown function 'foo'"),
        ("x.__class__", ""),
        ("__import__('os')", ""),
        ("9**9**9", ""),
        ("(" * 200 + "x" + ")" * 200, ""),
        ("x + q", "x, a, b, c"),
    ],
)
def test_bad_formulas_give_one_clear_line_and_the_page_keeps_working(run_page, text, message_part):
    at = run_page("curves", {"fx": text, "act": ["relu", "custom"]})
    assert not at.exception
    errors = [e.value for e in at.error]
    assert len(errors) == 1 and "\n" not in errors[0]
    assert message_part in errors[0]
    assert figures(at), "the rest of the page keeps working"
    assert "custom" not in at.multiselect(key="act").value


def test_parameter_ranges_travel_in_the_link(run_page):
    at = run_page(
        "curves",
        {"fx": "max(a*x, x)", "act": "custom", "fx.a.min": "0", "fx.a.max": "1", "custom.a": "0.2"},
    )
    assert not at.exception and not at.warning
    slider = at.slider(key="custom.a")
    assert (slider.min, slider.max, slider.value) == (0.0, 1.0, pytest.approx(0.2))


@pytest.mark.parametrize(
    "page, query",
    [
        ("warp", {"act": "custom", "cloud": "grid", "n": "500"}),
        ("warp", {"act": "relu", "act2": "custom", "n": "500", "layers": "2"}),
        ("gradients", {"act": ["custom", "relu"], "depth": "10", "width": "32"}),
        ("train", {"act": "custom", "epochs": "50", "n": "100"}),
    ],
)
def test_own_activation_works_on_every_page(run_page, page, query):
    at = run_page(page, {"fx": "x * sigmoid(b*x)", "custom.b": "2", **query})
    assert not at.exception, at.exception
    assert not at.warning, [w.value for w in at.warning]
    text = json.dumps(figures(at))
    assert "Custom: x * sigmoid(b*x)" in text or page == "train"
