"""Your own activation in a real browser: type a formula, see it, share the link."""

from __future__ import annotations

from browserkit import wait_idle


def test_type_a_formula_then_open_the_shared_link(page, app_url, browser):
    """Type and see: the formula joins the Curves chart at once (no picking), the link
    carries it, and its derivative fits the sidebar (it wraps instead of being cut)."""
    page.goto(app_url + "/curves?act=relu")
    page.wait_for_selector(".js-plotly-plot", timeout=30_000)
    wait_idle(page)

    box = page.get_by_label("f(x) =", exact=True)
    if not box.is_visible():
        page.get_by_text("Your own activation").click()
    box.fill("x*sigmoid(b*x)")
    box.press("Enter")
    wait_idle(page)
    page.wait_for_function(
        "() => document.querySelector('.js-plotly-plot')._fullData"
        ".some(t => t.name && t.name.startsWith('Custom: x*sigmoid(b*x)'))",
        timeout=15_000,
    )
    assert "fx=" in page.url and "act=custom" in page.url and "act=relu" in page.url
    sidebar = page.locator("[data-testid='stSidebar']")
    assert sidebar.get_by_text("Shown on this page as “custom”.").is_visible()

    # f′ = b x σ(−bx) σ(bx) + σ(bx): every KaTeX glyph inside the sidebar's width
    page.wait_for_selector("[data-testid='stSidebar'] .katex", timeout=10_000)
    overflow = page.evaluate(
        """() => {
            const bar = document.querySelector("[data-testid='stSidebar']");
            const right = bar.getBoundingClientRect().right;
            const glyphs = [...bar.querySelectorAll('.katex .base')];
            return glyphs.length === 0 ? -1 : Math.max(
                ...glyphs.map(g => g.getBoundingClientRect().right - right));
        }"""
    )
    assert -1e9 < overflow <= 0, overflow
    derivative = page.evaluate(
        """() => [...document.querySelectorAll("[data-testid='stSidebar'] .katex")]
            .map(k => k.textContent).join(' ')"""
    )
    assert derivative.count("σ") >= 4 and "+" in derivative  # the "+ σ(bx)" term is there

    # A classmate opens the same address: the same curve, slider included.
    shared = browser.new_context(viewport={"width": 1400, "height": 1000})
    other = shared.new_page()
    try:
        other.goto(page.url)
        other.wait_for_selector(".js-plotly-plot", timeout=30_000)
        wait_idle(other)
        names = other.evaluate(
            "() => document.querySelector('.js-plotly-plot')._fullData.map(t => t.name)"
        )
        assert any(n and n.startswith("Custom: x*sigmoid(b*x)") for n in names)
    finally:
        shared.close()
    assert page.console.errors() == []
