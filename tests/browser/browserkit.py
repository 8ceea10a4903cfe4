"""Helpers for real-browser tests: a `streamlit run` server on a free port and Debian's Chromium.

Without a Chromium the tests skip with a reason, except where REQUIRE_BROWSER=1 (CI), where
that is a failure: CI installs Chromium, so a skip there would hide a broken set-up.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
IDLE = "[data-testid='stApp'][data-test-script-state='notRunning']"
# Streamlit's frontend first probes /<page>/_stcore/{health,host-config} on a deep link, gets a
# 404 and retries at the root (streamlit/streamlit#7074). Those two requests are Streamlit's own.
KNOWN_CONSOLE_NOISE = ("/_stcore/health", "/_stcore/host-config")


def chromium_path() -> str | None:
    for candidate in (os.environ.get("CHROMIUM"), "/usr/bin/chromium", shutil.which("chromium")):
        if candidate and os.path.exists(candidate):
            return candidate
    return None


def require_chromium() -> str:
    path = chromium_path()
    if path is None:
        message = "Debian's chromium is not installed (apt-get install chromium)"
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(message + "; REQUIRE_BROWSER=1 forbids skipping browser tests")
        pytest.skip(message)
    try:
        import playwright  # noqa: F401
    except ImportError:
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail("playwright is not installed (requirements-dev.txt)")
        pytest.skip("playwright is not installed")
    return path


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def streamlit_command(port: int) -> list[str]:
    """``streamlit run app.py`` on a loopback port, headless, without the file watcher."""
    return [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        "app.py",
        "--server.port",
        str(port),
        "--server.address",
        "127.0.0.1",
        "--server.headless",
        "true",
        "--browser.gatherUsageStats",
        "false",
        "--server.fileWatcherType",
        "none",
    ]


def serve_app() -> Iterator[str]:
    """Start a fresh `streamlit run app.py` on a free port; yield its URL; stop it after."""
    port = _free_port()
    log = open(ROOT / f".pytest-streamlit-{port}.log", "w")  # noqa: SIM115
    server = subprocess.Popen(
        streamlit_command(port),
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    break
        except OSError:
            pass
        if time.monotonic() > deadline or server.poll() is not None:
            server.kill()
            pytest.fail("streamlit did not start: " + (ROOT / log.name).read_text()[-2000:])
        time.sleep(0.3)
    try:
        yield url
    finally:  # also on generator.close(): callers stop the server that way
        server.terminate()
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()
        Path(log.name).unlink(missing_ok=True)


def launch_args() -> list[str]:
    """Chromium flags for this machine: root needs --no-sandbox; there is no network."""
    return [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
    ]


class ConsoleLog(list):
    def errors(self) -> list[str]:
        return [
            text
            for kind, text, location in self
            if kind == "error" and not any(noise in location for noise in KNOWN_CONSOLE_NOISE)
        ]


def wait_idle(page, timeout: float = 30_000) -> None:
    """Wait until Streamlit has finished the current run (as Streamlit's own e2e tests do)."""
    page.wait_for_timeout(150)  # let a just-triggered rerun start
    page.wait_for_selector(IDLE, timeout=timeout)


def settle(page, timeout: float = 30_000) -> None:
    """Wait for the rerun to finish, every chart to paint, and the page to stop growing, so a
    click lands where the element is (charts painting above it move it down)."""
    wait_idle(page, timeout)
    page.wait_for_function(
        """() => [...document.querySelectorAll('.js-plotly-plot')].every(p => p._fullLayout)""",
        timeout=timeout,
    )
    page.wait_for_function(
        """() => {
            const h = document.querySelector('[data-testid=stMain]')?.scrollHeight ?? 0;
            const now = performance.now();
            if (window.__settleHeight !== h) {
                window.__settleHeight = h;
                window.__settleSince = now;
            }
            return now - window.__settleSince > 400;
        }""",
        polling=100,
        timeout=timeout,
    )


def toolbar_png(page, chart, folder: Path) -> tuple[str, bytes, float]:
    """Click ``chart``'s toolbar camera; return (file name, PNG bytes, chart width in CSS px)."""
    chart.hover()
    width_css = chart.evaluate("plot => plot._fullLayout.width")
    with page.expect_download(timeout=30_000) as download_info:
        chart.locator(
            # The app's camera (charts/static_image.js): its title is translated.
            ".modebar-btn[data-attr='static-image']"
        ).first.click()
    download = download_info.value
    target = folder / download.suggested_filename
    download.save_as(target)
    return download.suggested_filename, target.read_bytes(), width_css


def png_width(data: bytes) -> int:
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    return int.from_bytes(data[16:20], "big")
