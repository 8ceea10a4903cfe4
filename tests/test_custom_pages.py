"""AppTest: every formula the parser accepts renders on every page that takes activations,
with a short note where it is undefined or infinite (never a traceback, never a blank page)."""

from __future__ import annotations

import pytest
from figtools import figures

# Formulas that parse but are NaN or ±∞ somewhere (or everywhere), and harmless ones.
FORMULAS = ["x/0", "1/x", "log(x)", "sqrt(x)", "x**-1", "0*x", "exp(x)", "exp(x**2)"]
PAGES = {
    "curves": {"act": ["relu", "custom"]},
    "warp": {"act": "custom"},
    "train": {"act": "custom", "epochs": "20", "n": "60"},
    "gradients": {"act": ["custom", "relu"]},
}


def _texts(at) -> list[str]:
    parts = [*at.markdown, *at.caption, *at.info, *at.warning, *at.error]
    return [str(getattr(e, "value", "")) for e in parts]


@pytest.mark.parametrize("page", list(PAGES))
@pytest.mark.parametrize("text", FORMULAS)
def test_formula_renders_on_every_page(run_page, page, text):
    at = run_page(page, {"fx": text, **PAGES[page]})
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    assert figures(at), "the page draws its charts"
