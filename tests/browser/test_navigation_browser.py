"""Page switches: each page keeps what it showed, and no page inherits another page's values
under a shared key name (Warp's and Train's ``layers``, ``n``, ``seed``, ``act``)."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

from browserkit import wait_idle

NAV = "[data-testid='stSidebarNav'] a"


def go(page, title: str) -> None:
    """Click the sidebar link to the page called ``title`` and wait for its run."""
    links = page.locator(NAV)
    for i in range(links.count()):
        if links.nth(i).inner_text().split("\n")[-1].strip() == title:
            links.nth(i).evaluate("a => a.click()")
            break
    else:
        raise AssertionError(f"no page {title!r} in the navigation")
    page.wait_for_function(
        f"() => document.querySelector('h1')?.innerText.trim() === {title!r}", timeout=30_000
    )
    wait_idle(page, 60_000)


def query(page) -> dict[str, list[str]]:
    return parse_qs(urlparse(page.url).query)


def test_a_page_switch_keeps_each_pages_view(page, app_url):
    page.goto(app_url + "/warp?layers=5&n=5000&act=tanh&seed=3")
    page.wait_for_selector(".js-plotly-plot", timeout=60_000)
    wait_idle(page, 60_000)

    go(page, "Train")  # Train's own defaults, not Warp's values under the same names
    assert page.locator("[data-testid='stException']").count() == 0
    assert not {"layers", "n", "seed"} & set(query(page))
    assert "could not be used" not in page.locator("[data-testid='stMain']").inner_text()

    go(page, "Gradients")
    assert page.locator("[data-testid='stException']").count() == 0
    assert query(page).get("act") in (None, [])  # Gradients' four defaults, not Warp's tanh

    go(page, "Warp")  # back as it was left
    assert page.locator("[data-testid='stException']").count() == 0
    q = query(page)
    assert q.get("act") == ["tanh"] and q.get("layers") == ["5"]
    assert float(q["n"][0]) == 5000 and float(q["seed"][0]) == 3
    assert page.console.errors() == []
