"""The Curves page in a real browser: deep links, keyboard, URL binding, toolbar PNG export."""

from __future__ import annotations

from browserkit import IDLE, png_width, serve_app, toolbar_png, wait_idle

LINK = "/curves?act=leaky_relu&leaky_relu.negative_slope=0.2"


def plot_traces(page) -> list[dict]:
    """Names and data of the traces of the first Plotly chart, read from the DOM."""
    return page.evaluate(
        """() => {
            const plot = document.querySelector('.js-plotly-plot');
            return plot._fullData.map(
                t => ({name: t.name, x: Array.from(t.x), y: Array.from(t.y)}));
        }"""
    )


def value_at(trace: dict, x: float) -> float:
    """The trace's y where its x is closest to ``x`` (curves travel as float32)."""
    i = min(range(len(trace["x"])), key=lambda k: abs(trace["x"][k] - x))
    return trace["y"][i]


def test_deep_link_first_request_gets_the_apps_navigation(page):
    """The very first request after a start is a deep link: it must still run app.py."""
    server = serve_app()
    url = next(server)
    try:
        page.goto(url + "/curves?act=relu")
        page.wait_for_selector(IDLE, timeout=30_000)
        page.wait_for_selector(".js-plotly-plot", timeout=30_000)
        wait_idle(page)
        # Each link reads "<icon ligature>\n\n<title>"; the title is the last line.
        nav = [
            t.split("\n")[-1].strip()
            for t in page.locator("[data-testid='stSidebarNav'] a").all_inner_texts()
        ]
        assert nav[:2] == ["Home", "Curves"]
        assert not {"app", "curves", "home"} & set(nav)
        assert page.locator("h1").first.inner_text().strip() == "Curves"
        assert page.title().startswith("Curves")
        # A click from Home lands on the same page, titles and navigation.
        page.locator("[data-testid='stSidebarNav'] a").first.click()
        page.wait_for_function("() => document.title.startsWith('Home')", timeout=10_000)
        page.locator("[data-testid='stSidebarNav'] a").nth(1).click()
        page.wait_for_function("() => document.title.startsWith('Curves')", timeout=10_000)
        wait_idle(page)
        clicked = [
            t.split("\n")[-1].strip()
            for t in page.locator("[data-testid='stSidebarNav'] a").all_inner_texts()
        ]
        assert clicked == nav
        assert page.locator("h1").first.inner_text().strip() == "Curves"
    finally:
        server.close()


def test_link_slider_url_and_png_export(page, app_url, tmp_path):
    page.goto(app_url + LINK)
    page.wait_for_selector(".js-plotly-plot", timeout=30_000)
    wait_idle(page)

    # The shared view: one curve, leaky ReLU at slope 0.2 (f(-6) = -1.2, f'(-6) = 0.2).
    traces = [t for t in plot_traces(page) if t["name"] and "Leaky ReLU" in t["name"]]
    assert traces, plot_traces(page)
    f, df = traces[0], traces[1]
    assert "0.2" in f["name"]
    assert abs(value_at(f, -6.0) + 1.2) < 1e-6
    assert abs(value_at(df, -6.0) - 0.2) < 1e-6

    # Keyboard: one step right on the slope slider moves chart and URL together.
    thumb = page.locator(
        "[data-testid='stMain'] [data-testid='stSlider'] input[type='range']"
    ).first
    thumb.focus()
    thumb.press("ArrowRight")
    page.wait_for_function("() => location.search.includes('negative_slope=0.21')", timeout=10_000)
    wait_idle(page)
    page.wait_for_function(
        "() => document.querySelector('.js-plotly-plot')._fullData[0].name.includes('0.21')",
        timeout=10_000,
    )
    assert abs(value_at(plot_traces(page)[0], -6.0) + 1.26) < 1e-6

    # Toolbar camera: a PNG at the chosen scale (2x by default).
    name, data, width_css = toolbar_png(page, page.locator(".js-plotly-plot").first, tmp_path)
    assert name.endswith(".png")
    assert png_width(data) == 2 * round(width_css)

    assert page.console.errors() == []


def test_parameter_slider_redraws_without_the_server(page, app_url):
    """A parameter slider redraws the chart in the browser (generated JavaScript): with
    the connection to the server cut, the chart still follows the keyboard, exactly."""
    page.goto(app_url + "/curves?act=relu&act=leaky_relu&act=elu&leaky_relu.negative_slope=0.1")
    page.wait_for_selector(".js-plotly-plot", timeout=30_000)
    wait_idle(page)
    # Drop every message to the server from now on: no rerun can happen.
    page.evaluate("() => { WebSocket.prototype.send = function () {}; }")
    slope = page.locator(
        ".st-key-leaky_relu-negative_slope [data-testid='stSlider'] input[type='range']"
    )
    slope.focus()
    for _ in range(3):
        slope.press("ArrowRight")
    page.wait_for_function(
        "() => document.querySelector('.js-plotly-plot')._fullData"
        ".some(t => (t.name || '').includes('0.13'))",
        timeout=5_000,
    )
    traces = {t["name"]: t for t in plot_traces(page) if t["name"]}
    leaky = traces["Leaky ReLU (negative_slope=0.13)"]
    assert abs(value_at(leaky, -6.0) + 0.78) < 1e-6
    assert abs(value_at(traces["Leaky ReLU (negative_slope=0.13) · f′"], -6.0) - 0.13) < 1e-6
    # No rerun happened: the server-drawn probe table still shows the old slope.
    table = page.locator("[data-testid='stTable']").first.inner_text()
    assert "negative_slope=0.1)" in table and "0.13" not in table
    # The other curves stay where they were; the elu slider works too.
    assert abs(value_at(traces["ReLU"], -6.0)) < 1e-12
    alpha = page.locator(".st-key-elu-alpha [data-testid='stSlider'] input[type='range']")
    alpha.focus()
    alpha.press("ArrowLeft")
    page.wait_for_function(
        "() => document.querySelector('.js-plotly-plot')._fullData"
        ".some(t => (t.name || '').includes('alpha=0.99'))",
        timeout=5_000,
    )
    elu = {t["name"]: t for t in plot_traces(page) if t["name"]}["ELU (alpha=0.99)"]
    assert abs(value_at(elu, -6.0) - 0.99 * (2.718281828459045**-6 - 1)) < 1e-6
    assert page.console.errors() == []


def test_chart_follows_the_width_of_its_column(page, app_url):
    """The chart stays mounted across reruns, so it must follow its column's width itself
    (the sidebar opening or closing changes it without a window resize)."""
    page.goto(app_url + "/curves?act=relu")
    page.wait_for_selector(".js-plotly-plot", timeout=30_000)
    wait_idle(page)
    width = "() => document.querySelector('.js-plotly-plot')._fullLayout.width"
    before = page.evaluate(width)
    page.evaluate(
        "() => { document.querySelector('.js-plotly-plot')"
        ".closest('.stElementContainer').style.width = '420px'; }"
    )
    page.wait_for_function(f"() => ({width})() === 420", timeout=5_000)
    assert before > 420
    assert page.console.errors() == []
