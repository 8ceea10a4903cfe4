"""Languages in a real browser: links that open in a language, the browser's own language as the
default, switching in the sidebar, translated charts."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

from browserkit import IDLE, settle, wait_idle

PLOT = "document.querySelector('.js-plotly-plot')"
SIDEBAR_LANGUAGE = "[data-testid='stSidebar'] [data-testid='stSelectbox']"


def open_page(page, url: str) -> None:
    page.goto(url)
    page.wait_for_selector(".js-plotly-plot", timeout=60_000)
    wait_idle(page, 60_000)


def heading(page) -> str:
    return page.locator("h1").first.inner_text().strip()


def nav_titles(page) -> list[str]:
    # Each link reads "<icon ligature>\n\n<title>"; the title is the last line.
    links = page.locator("[data-testid='stSidebarNav'] a").all_inner_texts()
    return [text.split("\n")[-1].strip() for text in links]


def visible(page, text: str) -> bool:
    return page.get_by_text(text, exact=True).first.is_visible()


def link_language(page) -> str | None:
    """The ``lang`` the address bar holds now: the link a user would share."""
    values = parse_qs(urlparse(page.url).query).get("lang")
    return values[-1] if values else None


def test_curves_link_in_traditional_chinese(page, app_url):
    open_page(page, app_url + "/curves?lang=zh_Hant&act=sigmoid")
    assert heading(page) == "曲線"
    assert page.title().startswith("曲線")
    assert nav_titles(page)[:3] == ["首頁", "曲線", "變形"]
    for label in ("激活函數", "探測一個點", "性質", "公式"):
        assert visible(page, label), label
    # The chart speaks the language too: axis titles, and the camera button's file name.
    layout = page.evaluate(
        f"""() => ({{
            y: {PLOT}._fullLayout.yaxis.title.text,
            y2: {PLOT}._fullLayout.yaxis2.title.text,
            file: {PLOT}._context.toImageButtonOptions.filename,
        }})"""
    )
    assert layout == {"y": "激活函數 f(x)", "y2": "導數 f′(x)", "file": "激活函數曲線"}
    # The sidebar picker shows the language by name; the shared link keeps it.
    assert page.locator(SIDEBAR_LANGUAGE + " input").input_value() == "繁體中文"
    assert link_language(page) == "繁體中文"
    assert page.console.errors() == []

    # That link, opened again, is still in Traditional Chinese.
    open_page(page, page.url)
    assert heading(page) == "曲線"
    assert page.console.errors() == []


def test_warp_link_in_turkish(page, app_url):
    open_page(page, app_url + "/warp?lang=tr&act=relu&n=2000")
    assert heading(page) == "Bükme"
    assert nav_titles(page)[:3] == ["Ana sayfa", "Eğriler", "Bükme"]
    for label in ("Aktivasyon f", "Nokta bulutu", "W matrisi", "Aşamalar"):
        assert visible(page, label), label
    prefix = page.evaluate(f"() => {PLOT}._fullLayout.sliders[0].currentvalue.prefix")
    assert prefix.strip() == "aşama:"
    # Panel titles of every chart on the page (Plotly annotations).
    titles = page.evaluate(
        """() => Array.from(document.querySelectorAll('.js-plotly-plot')).flatMap(
            p => (p._fullLayout.annotations || []).map(a => a.text))"""
    )
    assert any(t.startswith("girdi") for t in titles), titles
    assert any("döndürme" in t for t in titles), titles
    assert link_language(page) == "Türkçe"
    assert page.console.errors() == []


def test_the_browser_language_is_the_default(browser, app_url):
    """No ``lang`` in the link: the browser's language (Taiwan: Traditional, China: Simplified)."""
    for locale, title in (("zh-TW", "曲線"), ("zh-CN", "曲线")):
        context = browser.new_context(locale=locale, viewport={"width": 1400, "height": 1000})
        try:
            page = context.new_page()
            page.goto(app_url + "/curves?act=relu")
            page.wait_for_selector(IDLE, timeout=60_000)
            page.wait_for_function(
                f"() => document.querySelector('h1')?.innerText.trim() === '{title}'",
                timeout=30_000,
            )
            # Not written into the link: whoever opens it gets their own browser's language.
            assert link_language(page) is None
        finally:
            context.close()


def test_switching_language_in_the_sidebar(page, app_url):
    open_page(page, app_url + "/curves?act=relu")
    assert heading(page) == "Curves"
    page.locator(SIDEBAR_LANGUAGE).click()
    page.get_by_role("option", name="简体中文").click()
    page.wait_for_function("() => document.querySelector('h1')?.innerText.trim() === '曲线'")
    wait_idle(page)
    assert nav_titles(page)[:2] == ["首页", "曲线"]
    assert link_language(page) == "简体中文"
    # Another page keeps the language.
    page.locator("[data-testid='stSidebarNav'] a").nth(3).click()
    page.wait_for_function("() => document.querySelector('h1')?.innerText.trim() === '训练'")
    assert page.console.errors() == []


def test_translated_options_keep_their_ids_in_the_link(page, app_url):
    """A point cloud is shown in the page's language; the link names it by its id, so it
    works in every language, and a language switch redraws the option's text."""
    cloud = ".st-key-cloud [data-testid='stSelectbox']"
    open_page(page, app_url + "/softmax?lang=tr&cloud=spirals")
    assert page.locator(cloud + " input").input_value() == "spiraller"
    page.locator(SIDEBAR_LANGUAGE).click()
    page.get_by_role("option", name="繁體中文").click()
    page.wait_for_function("() => document.querySelector('h1')?.innerText.trim() === 'Softmax'")
    wait_idle(page)
    page.wait_for_function(
        f"() => document.querySelector(\"{cloud} input\").value === '螺旋'", timeout=10_000
    )
    assert parse_qs(urlparse(page.url).query)["cloud"] == ["spirals"]
    opener = page.locator(cloud + " button[aria-haspopup=listbox]")
    opener.scroll_into_view_if_needed()
    settle(page)  # charts scrolled into view paint, and move what is below them
    opener.click()
    page.get_by_role("option", name="同心環").click()
    wait_idle(page)
    page.wait_for_function("() => location.search.includes('cloud=rings')", timeout=10_000)
    assert page.locator(cloud + " input").input_value() == "同心環"
    assert page.console.errors() == []
