"""Real-browser test fixtures (see browserkit.py for the helpers)."""

from __future__ import annotations

import pytest
from browserkit import ConsoleLog, launch_args, require_chromium, serve_app


@pytest.fixture(scope="session")
def app_url():
    """Start the app once per test session (per xdist worker); yield its base URL."""
    require_chromium()
    yield from serve_app()


@pytest.fixture(scope="session")
def browser():
    path = require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=path, args=launch_args())
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    """A fresh browser page (own context: downloads allowed); ``page.console`` records logs."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    page = context.new_page()
    page.console = ConsoleLog()
    page.on("console", lambda m: page.console.append((m.type, m.text, m.location.get("url", ""))))
    page.on("pageerror", lambda e: page.console.append(("error", str(e), "")))
    yield page
    context.close()
