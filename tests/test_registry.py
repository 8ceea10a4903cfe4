"""One spec per activation: a new registry entry alone reaches every list the app builds.

The toy entry is squareplus (So, 2021): f(x) = (x + √(x² + b))/2, a smooth ReLU without an exp.
It is added to the registry for the test only; nothing else is told about it.
"""

from __future__ import annotations

import inspect
import re

import numpy as np
import pytest

import activations
from activations import Activation, Kernels, Param, registry

NAME = "squareplus_test"


def _f(x: np.ndarray, b: float) -> np.ndarray:
    return (x + np.sqrt(x * x + b)) / 2


def _g(x: np.ndarray, b: float) -> np.ndarray:
    return (1 + x / np.sqrt(x * x + b)) / 2


SQUAREPLUS = Activation(
    name=NAME,
    label="Squareplus",
    params=(Param("b", 4.0, 0.01, 10.0, "smoothness b of the bend at 0", 0.01),),
    formula=r"f(x) = \tfrac12\left(x + \sqrt{x^2 + b}\right)",
    grad_formula=r"f'(x) = \tfrac12\left(1 + \frac{x}{\sqrt{x^2 + b}}\right)",
    kernels=Kernels(_f, _g),
    symbolic=lambda s, u, b: (u + s.sqrt(u**2 + b)) / 2,
    colour="#3d5a80",
    note="A smooth ReLU built from a square root instead of an exp (So, 2021).",
)


@pytest.fixture
def with_squareplus(monkeypatch):
    """The registry as it would be with SQUAREPLUS as its last entry."""
    monkeypatch.setattr(registry, "ENTRIES", (*registry.ENTRIES, SQUAREPLUS))
    monkeypatch.setattr(registry, "_REGISTRY", {**registry._REGISTRY, NAME: SQUAREPLUS})
    monkeypatch.setattr(registry, "_NAMES", (*registry._NAMES, NAME))
    return SQUAREPLUS


def test_the_module_docstring_says_how_to_add_an_activation():
    doc = inspect.getdoc(registry)
    assert "To add an activation" in doc and "ENTRIES" in doc


def test_every_entry_is_complete():
    for name in activations.names():
        act = activations.get(name)
        assert act.label and act.note and act.formula.strip() and act.grad_formula.strip()
        assert re.fullmatch(r"#[0-9a-f]{6}", act.colour), name
        assert act.symbolic is not None, name
        assert all(p.description and p.min <= p.default <= p.max for p in act.params), name
        # the kink slopes are what the kernels give there
        for x, slope in act.kink_slopes(**act.defaults()).items():
            assert act.grad(x) == pytest.approx(slope, abs=1e-15), (name, x)
    colours = [activations.get(n).colour for n in activations.names()]
    assert len(set(colours)) == len(colours)  # each activation recognisable by its colour


def test_a_new_entry_reaches_the_library_and_the_formula_parser(with_squareplus):
    act = activations.get(NAME)
    assert NAME in activations.names()
    np.testing.assert_allclose(act.fn([-2.0, 0.0, 3.0]), [0.4142135623730951, 1.0, 3.3027756377])
    props = activations.properties(NAME)
    assert props.smooth and props.monotonic and not props.kinks
    # callable in formulas, with its exact derivative from the symbolic form
    assert NAME in activations.formula.function_names()
    typed = activations.formula.parse_formula(f"{NAME}(x, 2)")
    x = np.linspace(-5, 5, 101)
    np.testing.assert_allclose(typed.fn(x), act.fn(x, b=2.0), rtol=1e-14)
    np.testing.assert_allclose(typed.grad(x), act.grad(x, b=2.0), rtol=1e-14)


def test_a_new_entry_reaches_charts_and_the_translation_catalogue(with_squareplus):
    from charts.theme import activation_color
    from i18n.extract import registry_strings

    assert activation_color(NAME) == "#3d5a80"
    strings = registry_strings()
    assert {"Squareplus", SQUAREPLUS.note, "smoothness b of the bend at 0"} <= set(strings)


def test_a_new_entry_reaches_every_page(with_squareplus, run_page):
    curves = run_page("curves", {"act": [NAME, "relu"], f"{NAME}.b": "1"})
    assert not curves.exception
    assert NAME in curves.multiselect(key="act").options
    assert any(NAME in str(s.label) or s.key == f"{NAME}.b" for s in curves.slider)
    for page, query in [
        ("warp", {"act": NAME}),
        ("train", {"act": NAME}),
        ("gradients", {"act": NAME}),
    ]:
        at = run_page(page, query)
        assert not at.exception, page
        assert not at.warning or all("could not be used" not in w.value for w in at.warning), page
