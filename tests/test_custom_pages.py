"""AppTest: every formula the parser accepts renders on every page that takes activations,
with a short note where it is undefined or infinite (never a traceback, never a blank page)."""

from __future__ import annotations

import pytest
from figtools import figures

# Formulas that parse but are NaN or ±∞ somewhere (or everywhere), and harmless ones.
FORMULAS = ["x/0", "1/x", "log(x)", "sqrt(x)", "x**-1", "0*x", "exp(x)", "exp(x**2)"]
GAPS = {
    "x/0": "f: undefined everywhere",
    "1/x": "f: infinite at x = 0",
    "x**-1": "f: infinite at x = 0",
    "log(x)": "f: undefined for x < 0; infinite at x = 0",
    "sqrt(x)": "f: undefined for x < 0  ·  f′: undefined for x < 0; infinite at x = 0",
    "exp(x)": "f: beyond floating point (±∞) for x ≥ 709.783",
    "exp(x**2)": "f: beyond floating point (±∞) for x < −26.6417; beyond floating",
}
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
    notes = [c.value.replace("\\", "") for c in at.sidebar.caption]
    if text in GAPS:  # the sidebar box, on every page, says where the formula breaks down
        assert any(GAPS[text] in n for n in notes), notes
    else:
        assert not any(n.startswith(":material/warning:") for n in notes), notes
