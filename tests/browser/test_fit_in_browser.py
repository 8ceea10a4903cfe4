"""Fitting in, in a real browser: the app and its charts follow the user's light or dark choice,
every chart has an accessible name from its title, Train/Stop/Play answer the keyboard, and the
colour-blind-safe palette arrives through a link."""

from __future__ import annotations

import re

from browserkit import IDLE, settle, wait_idle

from charts.theme import OKABE_ITO, activation_color

SMALL_TRAIN = "/train?n=2000&epochs=1500"  # waits for Train (see test_train_browser.py)
METRIC = "[data-testid='stMain'] [data-testid='stMetricValue']"
CHART_INFO = """() => [...document.querySelectorAll('.al-live-chart')].map(d => {
    const gd = d.classList.contains('js-plotly-plot') ? d : d.querySelector('.js-plotly-plot');
    return {role: d.getAttribute('role'), name: d.getAttribute('aria-label'),
            paper: gd && gd._fullLayout.paper_bgcolor, font: gd && gd._fullLayout.font.color,
            title: gd && gd.layout && gd.layout.title && (gd.layout.title.text || gd.layout.title)};
})"""


def open_in(browser, url: str, scheme: str):
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, color_scheme=scheme)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(url)
    page.wait_for_selector(".js-plotly-plot", timeout=90_000)
    settle(page, 90_000)
    page.errors = errors
    return context, page


def luminance(css: str) -> float:
    """Relative brightness 0..1 of a CSS colour: #rgb, #rrggbb, rgb() or rgba()."""
    named = {"white": "#ffffff", "black": "#000000"}
    css = named.get(css, css)
    if css.startswith("#"):
        digits = css[1:] if len(css) > 4 else "".join(c * 2 for c in css[1:])
        r, g, b = (int(digits[i : i + 2], 16) for i in (0, 2, 4))
    else:
        r, g, b = (float(v) for v in re.findall(r"[\d.]+", css)[:3])
    return (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255


def test_charts_follow_the_dark_theme_and_light_stays_light(browser, app_url):
    for scheme in ("dark", "light"):
        context, page = open_in(browser, app_url + "/softmax", scheme)
        try:
            # The theme the browser shows reaches the server: charts redraw to match.
            page.wait_for_function(
                f"""() => {{ const i = ({CHART_INFO})();
                    return i.length && i.every(c => c.font && c.paper); }}""",
                timeout=30_000,
            )
            wait_idle(page, 30_000)
            app_bg = page.evaluate(
                "() => getComputedStyle(document.querySelector('.stApp')).backgroundColor"
            )
            charts = page.evaluate(CHART_INFO)
            assert (luminance(app_bg) < 0.5) == (scheme == "dark")
            for chart in charts:
                text_light = luminance(chart["font"]) > 0.5
                assert text_light == (scheme == "dark"), (scheme, chart)
                if scheme == "dark":  # the page shows through
                    assert chart["paper"] in ("rgba(0, 0, 0, 0)", "rgba(0,0,0,0)")
                else:
                    assert luminance(chart["paper"]) > 0.9
            assert not page.errors
        finally:
            context.close()


def test_every_chart_has_an_accessible_name_from_its_title(page, app_url):
    for url in ("/softmax", "/curves", "/gradients?depth=10&width=64"):
        page.goto(app_url + url)
        page.wait_for_selector(".js-plotly-plot", timeout=90_000)
        settle(page, 90_000)
        page.wait_for_function(
            "() => [...document.querySelectorAll('.al-live-chart')]"
            ".every(d => d.getAttribute('aria-label'))",
            timeout=30_000,
        )
        charts = page.evaluate(CHART_INFO)
        assert charts, url
        for chart in charts:
            assert chart["role"] == "figure" and chart["name"].strip(), (url, chart)
            if chart["title"]:  # a titled figure is named by its title, as plain text
                assert chart["name"] == re.sub(r"<[^>]+>", "", chart["title"]).strip()
        # Screen readers see them: the accessibility tree has a named figure per chart.
        names = {c["name"] for c in charts}
        for name in list(names)[:3]:
            assert page.get_by_role("figure", name=name, exact=True).count() >= 1


def test_keyboard_trains_stops_and_plays(page, app_url):
    page.goto(app_url + SMALL_TRAIN)
    page.wait_for_selector(".js-plotly-plot", timeout=60_000)
    page.wait_for_selector(IDLE, timeout=60_000)
    wait_idle(page)
    train = page.locator(".st-key-train button").first
    train.wait_for(timeout=60_000)
    page.wait_for_function(
        "() => document.querySelector('.st-key-stop button')?.getAttribute('aria-keyshortcuts')",
        timeout=30_000,
    )
    assert train.get_attribute("aria-keyshortcuts") == "Alt+T"
    assert page.locator(".st-key-stop button").first.get_attribute("aria-keyshortcuts") == "Alt+S"
    assert "Alt+T" in page.locator("[data-testid='stSidebar']").inner_text()
    # Typing in a field does not train.
    page.locator("[data-testid='stSidebar'] input").first.focus()
    page.keyboard.press("Alt+KeyT")
    page.wait_for_timeout(500)
    assert page.locator(METRIC).first.inner_text().strip() == "—"
    page.locator("h1").first.click()  # focus leaves the field
    page.keyboard.press("Alt+KeyT")
    page.wait_for_selector("text=Trained 1500 epochs", timeout=60_000)
    wait_idle(page, 60_000)
    assert page.locator(METRIC).first.inner_text().strip().endswith("%")

    # Alt+P plays the replay (from its first epoch), Alt+P again pauses it.
    settle(page, 60_000)
    label = "document.querySelector('.js-plotly-plot .slider-group > .slider-label').textContent"
    page.evaluate(
        "() => { const gd = document.querySelector('.js-plotly-plot');"
        " return Plotly.animate(gd, [gd._transitionData._frames[0].name],"
        " {mode: 'immediate', frame: {duration: 0, redraw: true}, transition: {duration: 0}}); }"
    )
    first = page.evaluate(f"() => {label}")
    page.keyboard.press("Alt+KeyP")
    page.wait_for_function(f"(first) => {label} !== first", arg=first, timeout=10_000)
    page.keyboard.press("Alt+KeyP")
    page.wait_for_timeout(400)
    paused = page.evaluate(f"() => {label}")
    page.wait_for_timeout(800)
    assert page.evaluate(f"() => {label}") == paused, "Alt+P again pauses"


def test_stop_answers_alt_s(page, app_url):
    page.goto(app_url + "/train?n=2000&epochs=5000&width=16&neck=false&batch=16")
    page.locator(".st-key-train button").first.wait_for(timeout=60_000)
    wait_idle(page)
    page.locator("h1").first.click()
    page.keyboard.press("Alt+KeyT")
    page.locator("[data-testid='stMain'] [data-testid='stProgress']").wait_for(timeout=60_000)
    page.keyboard.press("Alt+KeyS")
    page.wait_for_selector("text=/Stopped at epoch \\d+ of 5000/", timeout=60_000)


def test_colour_blind_palette_arrives_through_the_link(page, app_url):
    page.goto(app_url + "/curves?act=relu&act=gelu&act=sigmoid&palette=okabe_ito")
    page.wait_for_selector(".js-plotly-plot", timeout=60_000)
    settle(page, 60_000)
    colours = page.evaluate(
        "() => document.querySelector('.js-plotly-plot')._fullData"
        ".filter(t => t.line && t.legendgroup !== undefined).map(t => t.line.color)"
    )
    distinct = list(dict.fromkeys(c.upper() for c in colours))  # f and f′ share a colour
    assert distinct[:3] == list(OKABE_ITO[:3])
    assert activation_color("relu") not in colours
    assert page.locator("[data-testid='stSidebar'] input[type=radio]:checked").count() == 1
    assert "palette=okabe_ito" in page.url  # it stays in the address bar to share


def test_switching_to_dark_in_the_menu_redraws_the_charts_dark(browser, app_url):
    context, page = open_in(browser, app_url + "/softmax", "light")
    try:
        fonts = page.evaluate(f"() => ({CHART_INFO})().map(c => c.font)")
        assert fonts and all(luminance(f) < 0.5 for f in fonts)
        # The ⋮ menu keeps its theme switch (System, Light, Dark).
        page.locator("[data-testid=stMainMenuButton]").click()
        page.locator("[data-testid='stMainMenuItem-theme-Dark']").click()
        page.keyboard.press("Escape")
        page.wait_for_function(
            f"""() => {{ const i = ({CHART_INFO})();
                return i.length && i.every(c => c.font && c.font !== '{fonts[0]}'); }}""",
            timeout=60_000,
        )
        wait_idle(page, 30_000)
        assert all(luminance(c["font"]) > 0.5 for c in page.evaluate(CHART_INFO))
        assert not page.errors
    finally:
        context.close()
