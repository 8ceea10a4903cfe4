"""The long-lived renderer behind server-side PNG/SVG/PDF (charts.export.Renderer): one browser
for every export, results that never cross between callers, a bounded queue, and PDFs whose
text is text in every language (issue 14: kaleido's own PDF turned tick labels into glyphs no
reader could extract)."""

from __future__ import annotations

import io
import os
import threading

import pytest

import i18n
from charts import export
from charts.theme import DARK_BACKGROUND, base_layout_dict, themed

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def renderer():
    if export.find_browser() is None:
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail("no Chrome or Chromium, and REQUIRE_BROWSER=1 forbids skipping")
        pytest.skip("the renderer needs Chrome or Chromium (none found)")
    r = export.Renderer(tabs=2, capacity=8)
    yield r
    r.close()


def figure(title: str, lang: str = "en", width: int = 500) -> dict:
    i18n.set_language(lang)
    try:
        layout = base_layout_dict(title=title, height=300)
    finally:
        i18n.set_language("en")
    layout.update(width=width, xaxis={"title": {"text": "x"}})
    return {"data": [{"type": "scatter", "x": [0, 1, 2], "y": [0.5, 1.5, 1.0]}], "layout": layout}


TITLES = {
    "en": "Derivative of the activation",
    "zh_Hant": "激活函數的導數",
    "zh_Hans": "激活函数的导数",
    "tr": "Aktivasyonun türevi: ğüşıöç",
}


@pytest.mark.parametrize("lang", list(TITLES))
def test_pdf_text_is_extractable_in_every_language(renderer, lang):
    from pypdf import PdfReader

    pdf = renderer.render(figure(TITLES[lang], lang), "pdf")
    assert pdf.startswith(b"%PDF")
    page = PdfReader(io.BytesIO(pdf)).pages[0]
    text = page.extract_text()
    # pypdf may put a space where the glyph run changes font (pdftotext reads it whole).
    assert "".join(TITLES[lang].split()) in "".join(text.split())
    # Tick labels are text too (they were "\x00" runs), in order.
    for tick in ("0", "0.5", "1", "1.5", "2"):
        assert tick in text.split()
    assert "\x00" not in text
    # One page of the figure's size (px -> pt at 96 dpi).
    width, height = float(page.mediabox.width), float(page.mediabox.height)
    assert (round(width), round(height)) == (375, 225)


def test_png_and_svg_and_a_dark_picture(renderer):
    from PIL import Image

    png = renderer.render(figure("light"), "png", scale=2)
    image = Image.open(io.BytesIO(png)).convert("RGB")
    assert image.size == (1000, 600)
    assert image.getpixel((5, 5)) == (255, 255, 255)
    dark = renderer.render(themed(figure("dark"), theme="dark"), "png", scale=1)
    corner = Image.open(io.BytesIO(dark)).convert("RGB").getpixel((5, 5))
    assert corner == tuple(int(DARK_BACKGROUND[i : i + 2], 16) for i in (1, 3, 5))
    svg = renderer.render(figure("vector title"), "svg").decode()
    assert svg.lstrip().startswith("<svg") and ">vector title<" in svg


def test_concurrent_callers_each_get_their_own_picture(renderer):
    results: dict[int, str] = {}

    def one(k: int) -> None:
        results[k] = renderer.render(figure(f"figure number {k}", width=400 + k), "svg").decode()

    threads = [threading.Thread(target=one, args=(k,)) for k in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert sorted(results) == list(range(6))
    for k, svg in results.items():
        assert f"figure number {k}<" in svg and f'width="{400 + k}"' in svg
    assert renderer.pending == 0


def test_a_full_queue_refuses_at_once_and_recovers(renderer):
    with renderer._lock:
        renderer._pending += renderer.capacity  # as if the queue were full
    try:
        assert renderer.full
        with pytest.raises(export.ExportBusy):
            renderer.render(figure("refused"), "png")
    finally:
        with renderer._lock:
            renderer._pending -= renderer.capacity
    assert not renderer.full
    assert renderer.render(figure("accepted"), "png").startswith(b"\x89PNG")


def test_a_dead_browser_is_started_again(renderer):
    import signal

    assert renderer.render(figure("before"), "png").startswith(b"\x89PNG")
    browser = renderer._browser_obj.subprocess  # choreographer's Chromium process
    os.kill(browser.pid, signal.SIGKILL)
    browser.wait(10)
    assert renderer.render(figure("after"), "png").startswith(b"\x89PNG")


def test_bad_format_is_refused():
    with pytest.raises(ValueError):
        export.Renderer().render(figure("x"), "gif")
