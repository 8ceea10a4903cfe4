"""Figures and their data as files: standalone HTML, CSV, and PNG/SVG/PDF through kaleido."""

from __future__ import annotations

import asyncio
import base64
import concurrent.futures
import contextlib
import csv
import html
import io
import json
import os
import re
import shutil
import tempfile
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import orjson
import plotly.graph_objects as go
import plotly.io as pio
from _plotly_utils.utils import to_typed_array_spec
from plotly.offline import get_plotlyjs

from charts.theme import (
    LIGHT_INK,
    MODEBAR_BAND,
    FigureSpec,
    base_layout_dict,
    camera_title,
    fast_figure,
    is_dark,
    light_template,
    plotly_config,
)

IMAGE_FORMATS = ("png", "svg", "pdf")
# The camera button of live charts and HTML files (see the file for why it is not plotly's).
STATIC_IMAGE_JS = Path(__file__).with_name("static_image.js").read_text(encoding="utf-8")
_BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")


def find_browser() -> str | None:
    """Path of a Chrome or Chromium that kaleido can drive, or None."""
    explicit = os.environ.get("BROWSER_PATH")
    if explicit and os.path.exists(explicit):
        return explicit
    for name in _BROWSERS:
        if path := shutil.which(name):
            return path
    return None


def as_figure(fig: go.Figure | FigureSpec) -> go.Figure:
    """``fig`` as a plotly.py Figure (a :data:`~charts.theme.FigureSpec` is wrapped)."""
    return fig if isinstance(fig, go.Figure) else fast_figure(**fig)


def static_layout_patch(layout: Mapping[str, Any]) -> dict[str, Any]:
    """What a picture of a figure changes in its layout ({} when nothing): a picture shows the
    figure only, so an animation's Play/Pause buttons and frame slider go, and the bottom
    margin the builder made room for them in shrinks to the app's usual one (the figure loses
    that band; the plot area keeps its size).

    Static images use it: the server's PNG/SVG/PDF (:func:`to_image`) and the camera button of
    the live charts and HTML files (``static_image.js``, which applies it to the chart as
    shown). Interactive HTML keeps the controls.
    """
    menus, sliders = layout.get("updatemenus") or [], layout.get("sliders") or []
    if not menus and not sliders:
        return {}
    patch: dict[str, Any] = {"updatemenus": [], "sliders": []}
    # Controls below the plot (y < 0.5 of the paper: sliders default to y = 0, menus to 1).
    below = any(float(m.get("y", 1.0)) < 0.5 for m in menus) or any(
        float(s.get("y", 0.0)) < 0.5 for s in sliders
    )
    margin = dict(layout.get("margin") or {})
    bottom, usual = margin.get("b"), base_layout_dict()["margin"]["b"]
    height = layout.get("height")
    if below and bottom is not None and bottom > usual and height:
        patch["margin"] = dict(margin, b=usual)
        patch["height"] = height - (bottom - usual)
    return patch


def _spec(fig: go.Figure | FigureSpec) -> FigureSpec:
    """``fig`` as plain dicts: a Figure's own state (not a copy), or the spec itself."""
    if not isinstance(fig, go.Figure):
        return fig
    spec = {"data": fig._data, "layout": fig._layout}  # plotly.py's own plain-dict state
    frames = [frame._props for frame in fig._frame_objs]
    if frames:
        spec["frames"] = frames
    return spec


def static_figure(fig: go.Figure | FigureSpec) -> FigureSpec:
    """``fig`` as a picture: its data and layout with :func:`static_layout_patch`, no frames."""
    spec = _spec(fig)
    layout = spec.get("layout", {})
    return {"data": spec.get("data", []), "layout": {**layout, **static_layout_patch(layout)}}


def camera(fig: go.Figure | FigureSpec, image_format: str = "png") -> dict[str, Any]:
    """What ``static_image.js`` needs for ``fig``'s camera button: its title and layout patch;
    for a chart drawn dark, what makes its picture light (the light template and backgrounds,
    the ink colours to turn back), used unless the chart's config asks for the screen's
    colours (``toImageButtonOptions.exportTheme``, set by ``ui.export``)."""
    layout = _spec(fig).get("layout", {})
    result: dict[str, Any] = {
        "title": camera_title(image_format),
        "patch": static_layout_patch(layout),
    }
    if is_dark(layout):
        # Used unless the chart's toImageButtonOptions say exportTheme "screen" (ui.export).
        result["light"] = {
            "patch": {
                "template": light_template(),
                "paper_bgcolor": "white",
                "plot_bgcolor": "white",
            },
            "recolour": LIGHT_INK,
        }
    return result


# A band above the chart for the toolbar, so that it never covers the legend or a title
# (plotly.js draws it over the figure's top right corner).
MODEBAR_CSS = (
    f".al-chart {{ padding-top: {MODEBAR_BAND}px; box-sizing: content-box; }}\n"
    f".al-chart .modebar-container {{ top: -{MODEBAR_BAND}px !important; }}\n"
)

_HTML_HEAD = """<!DOCTYPE html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<title>{title}</title>
<style>
body {{ margin: 8px; }}
{css}</style>
</head>
<body>
<div id="chart" class="al-chart"></div>
<script>"""
_HTML_DRAW = """
const config = activationLabCameraConfig(Plotly, {config}, {camera});
Plotly.newPlot("chart", figure.data, figure.layout, config).then(function (gd) {{
  if (figure.frames) return Plotly.addFrames(gd, figure.frames);
}});
</script>
</body>
</html>
"""


def to_html(
    fig: go.Figure | FigureSpec, name: str = "chart", *, image_format: str = "png", scale: float = 2
) -> bytes:
    """A standalone interactive HTML file: plotly.js embedded (it works offline and loads
    nothing from the network), the animation controls kept, and the app's toolbar: no button
    that sends the chart anywhere, a camera that saves the figure only (file ``name``)."""
    config = plotly_config(name, image_format=image_format, scale=scale)
    config.pop("plotlyServerURL", None)  # no outside address in the file at all
    head = _HTML_HEAD.format(
        lang=config.get("locale", "en").replace("_", "-"),
        title=html.escape(name),
        css=MODEBAR_CSS,
    )
    draw = _HTML_DRAW.format(
        config=_script_json(json.dumps(config)),
        camera=_script_json(json.dumps(camera(fig, image_format))),
    )
    return b"".join(
        [
            head.encode(),
            get_plotlyjs().encode(),
            b"</script>\n<script>\n",
            STATIC_IMAGE_JS.encode(),
            b"\nconst figure = ",
            _script_json(to_json_bytes(fig)),
            b";",
            draw.encode(),
        ]
    )


def _script_json(data: bytes | str) -> bytes | str:
    """JSON that is safe inside an HTML <script>: "</" can only occur inside a JSON string,
    where the escape "<\\/" reads the same."""
    return data.replace(b"</", b"<\\/") if isinstance(data, bytes) else data.replace("</", "<\\/")


def to_json_bytes(fig: go.Figure | FigureSpec) -> bytes:
    """The figure as Plotly JSON (UTF-8), what ``plotly.io.to_json`` gives, several times faster.

    ``pio.to_json`` deep-copies the figure and walks it twice (base64 conversion, cleaning) and
    escapes the text for HTML pages: 12 ms for a Warp animation, where this takes 1. It reads
    the figure's own dicts, encodes numpy arrays as typed arrays as plotly.py does, and falls
    back to ``pio.to_json`` for any value orjson cannot take (dates, pandas objects).
    """
    spec = _spec(fig)
    try:
        return orjson.dumps(spec, default=_json_value)
    except TypeError:
        return pio.to_json(as_figure(fig), validate=False, engine="orjson").encode("utf-8")


def _json_value(value: object) -> object:
    """orjson's fallback: numpy arrays as typed arrays (or lists), numpy scalars as numbers."""
    if isinstance(value, np.ndarray):
        spec = to_typed_array_spec(value)
        return spec if isinstance(spec, dict) else value.tolist()
    if isinstance(value, np.generic):
        return value.item()
    raise TypeError(f"not JSON: {type(value).__name__}")


def to_csv(columns: Mapping[str, np.ndarray | list]) -> bytes:
    """Columns of equal length as CSV (shorter columns are padded with blanks)."""
    names = list(columns)
    arrays = [np.asarray(columns[name]).ravel() for name in names]
    length = max((len(a) for a in arrays), default=0)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(names)
    for i in range(length):
        writer.writerow([_cell(a[i]) if i < len(a) else "" for a in arrays])
    return buffer.getvalue().encode("utf-8")


class ExportBusy(RuntimeError):
    """The renderer's queue is full: the caller should ask the user to try again shortly."""


# PDF: the SVG shown inline in a free page, alone and sized to it, then printed: its text
# stays text (kaleido's own PDF prints the SVG as an <img>, where Chromium turned tick labels
# into glyphs no PDF reader could extract: issue 14). Cleared again after printing.
_SHOW_SVG = """((svg, css) => {
  const make = (tag, id, parent) =>
    parent.appendChild(Object.assign(document.createElement(tag), {id: id}));
  const style = document.getElementById("al-print-style")
    || make("style", "al-print-style", document.head);
  style.textContent = css;
  const box = document.getElementById("al-print-box") || make("div", "al-print-box", document.body);
  box.innerHTML = svg;
  return document.fonts.ready.then(() => 1);
})"""
_CLEAR_SVG = """(() => {
  for (const id of ["al-print-style", "al-print-box"]) document.getElementById(id)?.remove();
  return 1;
})()"""
_PRINT_CSS = """@page {{ size: {w}px {h}px; margin: 0; }}
html, body {{ margin: 0; padding: 0; background: {bg}; }}
body > *:not(#al-print-box) {{ display: none !important; }}
#al-print-box svg {{ display: block; }}"""


class Renderer:
    """One long-lived headless Chromium that renders PNG/SVG/PDF for the whole server process,
    with a bounded queue.

    A cold ``plotly.io.to_image`` starts a browser per image (2.5-5 s and ~150 MB each): thirty
    students pressing Export at once would start thirty. Here one browser (started on the first
    export, living until the process ends) keeps ``tabs`` pages with plotly.js loaded, and each
    export is one ``Plotly.toImage`` call in a free page: no browser start, no page load
    (kaleido's own server reloads its page after every image, which costs several times the
    drawing). PDFs are printed from the SVG shown inline in such a page, so their text stays
    text. Pages are reloaded every ``RELOAD_EVERY`` images, and a browser that died is started
    again.

    Calls come from any thread (Streamlit runs deferred downloads in worker threads, not in
    script runs, so an export never holds up anyone's rerun); each waits on its own future, so
    results never cross between callers. When ``capacity`` renders are already queued or
    running, :meth:`render` raises :class:`ExportBusy` at once instead of letting the queue
    grow without bound.
    """

    RELOAD_EVERY = 200

    def __init__(self, *, tabs: int = 2, capacity: int = 40, timeout: float = 60.0) -> None:
        self.tabs, self.capacity, self.timeout = tabs, capacity, timeout
        self._lock = threading.Lock()
        self._pending = 0
        self._loop: asyncio.AbstractEventLoop | None = None
        self._browser_obj: Any = None
        self._pages: asyncio.Queue | None = None
        self._start_lock: asyncio.Lock | None = None
        self._tmp: tempfile.TemporaryDirectory | None = None  # made with the browser

    @property
    def pending(self) -> int:
        """Renders queued or running now."""
        return self._pending

    @property
    def full(self) -> bool:
        return self._pending >= self.capacity

    def render(self, fig: go.Figure | FigureSpec, image_format: str, scale: float = 2.0) -> bytes:
        """``fig`` as a picture (:func:`static_figure`) in ``image_format``, at ``scale``
        (PNG; SVG and PDF are vector)."""
        if image_format not in IMAGE_FORMATS:
            raise ValueError(f"image_format must be one of {IMAGE_FORMATS}, not {image_format!r}")
        with self._lock:
            if self._pending >= self.capacity:
                raise ExportBusy(f"{self._pending} exports queued")
            self._pending += 1
            loop = self._ensure_loop()
        try:
            figure = json.loads(to_json_bytes(static_figure(fig)))
            future = asyncio.run_coroutine_threadsafe(
                self._render(figure, image_format, scale), loop
            )
            try:
                return future.result(self.timeout)
            except concurrent.futures.TimeoutError:
                future.cancel()
                raise
        finally:
            with self._lock:
                self._pending -= 1

    def close(self) -> None:
        """Stop the browser and the renderer's thread (tests; the server keeps it)."""
        with self._lock:
            loop, self._loop = self._loop, None
        if loop is None:
            return
        asyncio.run_coroutine_threadsafe(self._close_browser(), loop).result(30)
        loop.call_soon_threadsafe(loop.stop)

    def _ensure_loop(self) -> asyncio.AbstractEventLoop:
        if self._loop is None:
            loop = asyncio.new_event_loop()
            threading.Thread(
                target=loop.run_forever, name="activation-lab-renderer", daemon=True
            ).start()
            self._loop = loop
        return self._loop

    async def _browser(self) -> Any:
        if self._start_lock is None:
            self._start_lock = asyncio.Lock()
        async with self._start_lock:
            if self._browser_obj is not None and not await _alive(self._browser_obj):
                await self._close_browser()  # it died between two exports: start another
            if self._browser_obj is None:
                import choreographer
                from kaleido import PageGenerator

                # plotly.js from plotly.py's own package; mathjax=False: kaleido's page would
                # load MathJax from a CDN (nothing leaves the machine).
                page = PageGenerator(mathjax=False).generate_index()
                if self._tmp is None:
                    self._tmp = tempfile.TemporaryDirectory(prefix="activation-lab-render-")
                self._index = Path(self._tmp.name) / "plotly.html"
                self._index.write_text(page, encoding="utf-8")
                browser = choreographer.Browser(path=find_browser(), headless=True)
                await browser.open()
                try:
                    pages: asyncio.Queue = asyncio.Queue()
                    for _ in range(self.tabs):
                        tab = await self._new_tab(browser, self._index.as_uri())
                        await pages.put([tab, 0])
                except BaseException:
                    with contextlib.suppress(Exception):
                        await browser.close()
                    raise
                self._browser_obj, self._pages = browser, pages
        return self._browser_obj

    async def _new_tab(self, browser: Any, url: str) -> Any:
        tab = await browser.create_tab(url="", window=True)
        await tab.send_command("Page.enable")
        await self._navigate(tab, url)
        return tab

    async def _navigate(self, tab: Any, url: str) -> None:
        loaded = tab.subscribe_once("Page.loadEventFired")
        while loaded.done():  # an event left over from the last page
            loaded = tab.subscribe_once("Page.loadEventFired")
        await tab.send_command("Page.navigate", params={"url": url})
        await asyncio.wait_for(loaded, self.timeout)

    async def _close_browser(self) -> None:
        browser, self._browser_obj, self._pages = self._browser_obj, None, None
        if browser is not None:
            with contextlib.suppress(Exception):
                await browser.close()

    async def _render(self, figure: FigureSpec, image_format: str, scale: float) -> bytes:
        for attempt in (1, 2):
            try:
                await self._browser()
                if image_format == "png":
                    data = await self._to_image(figure, "png", scale)
                    return base64.b64decode(data.split(",", 1)[-1])
                svg = await self._to_image(figure, "svg", 1)
                if image_format == "svg":
                    return svg.encode("utf-8")
                return await self._print_pdf(figure, svg)
            except Exception:
                # A browser that died (killed, out of memory) is started again, once.
                browser = self._browser_obj
                if attempt == 2 or browser is None or await _alive(browser):
                    raise
                await self._close_browser()
        raise AssertionError("unreachable")

    async def _to_image(self, figure: FigureSpec, image_format: str, scale: float) -> str:
        """``Plotly.toImage`` in a free page: PNG as base64, SVG as text."""
        layout = figure.get("layout", {})
        options = {
            "format": image_format,
            "width": layout.get("width") or 700,
            "height": layout.get("height") or 500,
            "scale": scale,
            "imageDataOnly": True,
        }
        # JSON is a JavaScript expression: the figure goes in as a literal.
        expression = (
            f"(F => Plotly.toImage({{data: F.data || [], layout: F.layout || {{}}, config: {{}}}},"
            f" {json.dumps(options)}))({json.dumps(figure)})"
        )
        pages = self._pages
        assert pages is not None
        slot = await pages.get()
        try:
            tab, used = slot
            if used >= self.RELOAD_EVERY:  # what a page holds on to, given back now and then
                await self._navigate(tab, self._index.as_uri())
                slot[1] = 0
            response = await asyncio.wait_for(
                tab.send_command(
                    "Runtime.evaluate",
                    params={"expression": expression, "awaitPromise": True, "returnByValue": True},
                ),
                self.timeout,
            )
            slot[1] += 1
        finally:
            pages.put_nowait(slot)
        result = response.get("result", {})
        if "error" in response or "exceptionDetails" in result:
            detail = response.get("error") or result["exceptionDetails"].get("text")
            raise RuntimeError(f"Plotly.toImage failed: {detail}")
        return result["result"]["value"]

    async def _print_pdf(self, figure: FigureSpec, svg: str) -> bytes:
        layout = figure.get("layout", {})
        width = int(layout.get("width") or _svg_size(svg, "width") or 700)
        height = int(layout.get("height") or _svg_size(svg, "height") or 500)
        background = (layout.get("paper_bgcolor") or _template_paper(layout)) or "white"
        css = _PRINT_CSS.format(w=width, h=height, bg=background)
        show = f"{_SHOW_SVG}({json.dumps(svg)}, {json.dumps(css)})"
        pages = self._pages
        assert pages is not None
        slot = await pages.get()
        try:
            tab = slot[0]
            shown = await tab.send_command(
                "Runtime.evaluate", params={"expression": show, "awaitPromise": True}
            )
            if "error" in shown or "exceptionDetails" in shown.get("result", {}):
                raise RuntimeError(f"showing the SVG failed: {shown}")
            response = await asyncio.wait_for(
                tab.send_command(
                    "Page.printToPDF",
                    params={
                        "printBackground": True,
                        "preferCSSPageSize": True,
                        "marginTop": 0,
                        "marginBottom": 0,
                        "marginLeft": 0,
                        "marginRight": 0,
                        "pageRanges": "1",
                    },
                ),
                self.timeout,
            )
            await tab.send_command("Runtime.evaluate", params={"expression": _CLEAR_SVG})
        finally:
            pages.put_nowait(slot)
        if "error" in response:
            raise RuntimeError(f"printToPDF failed: {response['error']}")
        return base64.b64decode(response["result"]["data"])


async def _alive(browser: Any) -> bool:
    process = getattr(browser, "subprocess", None)  # choreographer's Chromium process
    return process is not None and process.poll() is None


def _svg_size(svg: str, attr: str) -> float | None:
    match = re.search(rf'<svg[^>]*\b{attr}="([0-9.]+)', svg)
    return float(match.group(1)) if match else None


def _template_paper(layout: Mapping[str, Any]) -> str | None:
    template = layout.get("template")
    if isinstance(template, Mapping):
        return (template.get("layout") or {}).get("paper_bgcolor")
    return None


_RENDERER: Renderer | None = None
_RENDERER_LOCK = threading.Lock()


def renderer() -> Renderer:
    """The server process's one renderer (made on first use; its browser on first render).
    ``ACTIVATION_LAB_EXPORT_TABS`` and ``ACTIVATION_LAB_EXPORT_QUEUE`` size it."""
    global _RENDERER
    with _RENDERER_LOCK:
        if _RENDERER is None:
            _RENDERER = Renderer(
                tabs=int(os.environ.get("ACTIVATION_LAB_EXPORT_TABS", "2")),
                capacity=int(os.environ.get("ACTIVATION_LAB_EXPORT_QUEUE", "40")),
            )
        return _RENDERER


def to_image(fig: go.Figure | FigureSpec, image_format: str, scale: float = 2.0) -> bytes:
    """PNG, SVG or PDF rendered server-side by the process's long-lived renderer (needs a
    Chrome or Chromium); raises :class:`ExportBusy` when its queue is full.
    ``ACTIVATION_LAB_EXPORT=cold`` restores the old browser-per-image path, for the bench's
    baseline (bench/bench_export_class.py)."""
    if os.environ.get("ACTIVATION_LAB_EXPORT") == "cold":
        return to_image_cold(fig, image_format, scale)
    return renderer().render(fig, image_format, scale)


def to_image_cold(fig: go.Figure | FigureSpec, image_format: str, scale: float = 2.0) -> bytes:
    """The old path, for comparison in bench/bench_export_class.py: ``plotly.io.to_image``,
    which starts and stops a browser for every image."""
    if image_format not in IMAGE_FORMATS:
        raise ValueError(f"image_format must be one of {IMAGE_FORMATS}, not {image_format!r}")
    return pio.to_image(fast_figure(**static_figure(fig)), format=image_format, scale=scale)


def _cell(value: object) -> str:
    if isinstance(value, float | np.floating):
        return repr(float(value))
    return str(value)
