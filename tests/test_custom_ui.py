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


# ----------------------------------------------------------------------------- translated errors


def test_formula_errors_speak_the_users_language(run_page):
    at = run_page("curves", {"fx": "foo(x)", "act": ["relu"], "lang": "tr"})
    assert not at.exception
    (error,) = [e.value for e in at.error]
    assert error == "bilinmeyen fonksiyon 'foo' (1. sütunda); 'floor' mı demek istediniz?" or (
        error.startswith("bilinmeyen fonksiyon 'foo' (1. sütunda)")
    )
    at = run_page("curves", {"fx": "2x", "act": ["relu"], "lang": "zh_Hant"})
    (error,) = [e.value for e in at.error]
    assert "數字緊接著名稱" in error and "請寫 2*x" in error and "column" not in error


def test_the_library_keeps_english_messages():
    from activations.formula import FormulaError, parse_formula

    with pytest.raises(FormulaError) as info:
        parse_formula("foo(x)")
    err = info.value
    assert str(err).startswith("unknown function 'foo' at column 1")
    assert err.what == "unknown function '{name}'" and err.values["name"] == "foo"
    shout = {"unknown function '{name}'": "UNKNOWN FUNCTION '{name}'"}
    assert err.render(lambda s: shout.get(s, s)).startswith("UNKNOWN FUNCTION 'foo' at column 1")


# ----------------------------------------------------------------------------- type and see


def test_typing_a_formula_adds_it_to_the_curves_chart(run_page):
    at = run_page("curves", {"act": ["relu", "tanh"]})
    at.text_input(key="fx").input("x * sigmoid(b*x)").run()
    assert not at.exception
    assert at.multiselect(key="act").value == ["relu", "tanh", "custom"]
    assert "custom" in at.query_params["act"] or at.query_params["act"] == [
        "relu",
        "tanh",
        "custom",
    ]
    names = list(lines(at))
    assert any(n.startswith("Custom: x * sigmoid(b*x)") for n in names)
    assert any("Shown on this page" in c.value for c in at.sidebar.caption)


@pytest.mark.parametrize("page", ["warp", "train"])
def test_typing_a_formula_switches_single_activation_pages_to_it(run_page, page):
    query = {"n": "200", "epochs": "20"} if page == "train" else {"n": "300"}
    at = run_page(page, query)
    at.text_input(key="fx").input("x * tanh(x)").run()
    assert not at.exception
    assert at.selectbox(key="act").value == "custom"


def _plain(elements) -> list[str]:
    """Caption texts with Markdown escapes removed."""
    return [c.value.replace("\\", "") for c in elements]


def test_gap_notes_are_computed_and_shown(run_page):
    at = run_page("curves", {"fx": "log(x)", "act": ["relu", "custom"]})
    for captions in (_plain(at.main.caption), _plain(at.sidebar.caption)):
        assert any("f: undefined for x < 0; infinite at x = 0" in c for c in captions)
    at = run_page("curves", {"fx": "x/0", "act": ["relu", "custom"]})
    assert any("f: undefined everywhere" in c for c in _plain(at.caption))
    table = at.table[-1].value
    assert table.iloc[1]["range"] == "—" and table.iloc[1]["monotonic"] == "—"
    at = run_page("curves", {"fx": "exp(x)", "act": ["custom"], "lang": "tr"})
    assert any("x ≥ 709.783 için kayan noktalı" in c for c in _plain(at.caption))
    at = run_page("curves", {"fx": "sqrt(x)", "act": ["custom"]})
    note = "f: undefined for x < 0  ·  f′: undefined for x < 0; infinite at x = 0"
    assert any(note in c for c in _plain(at.caption))


def test_user_text_is_escaped_where_markdown_renders_it(run_page):
    at = run_page("curves", {"fx": "x*sigmoid(b*x)", "act": ["custom"]})
    titles = [m.value for m in at.markdown if "sigmoid" in m.value]
    assert any(r"x\*sigmoid(b\*x)" in t for t in titles), titles


def test_property_table_speaks_words_not_booleans(run_page):
    at = run_page("curves", {"act": ["relu", "tanh"], "lang": "tr"})
    table = at.table[-1].value
    words = table.select_dtypes(include="object")
    values = set(words.to_numpy().ravel().tolist())
    assert not any(isinstance(v, bool) for v in values) and not values & {"True", "False"}
    assert {"evet", "hayır", "sol", "iki yanda"} <= values
    assert "N(0,1) altında ortalama/RMS" in table.columns


def test_the_box_says_whether_this_page_shows_the_formula(run_page):
    def caption(at) -> str:
        return " ".join(c.value for c in at.sidebar.caption)

    at = run_page("warp", {"fx": "x*tanh(x)", "act": "relu", "act2": "custom", "n": "300"})
    assert "Shown on this page" in caption(at)
    at = run_page("warp", {"fx": "x*tanh(x)", "act": "relu", "n": "300"})
    assert "Pick “custom” in this page's activation list" in caption(at)
    at = run_page("softmax", {"fx": "x*tanh(x)"})
    assert "Curves, Warp, Train or Gradients" in caption(at)
    at = run_page("gradients", {"act": ["relu", "tanh", "sigmoid", "elu"]})
    at.text_input(key="fx").input("x*tanh(x)").run()
    assert at.multiselect(key="act").value == ["relu", "tanh", "sigmoid", "custom"]
    assert "Shown on this page" in caption(at)
