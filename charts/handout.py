"""A lesson's printable handout: an HTML document with every step's text, figure and question,
printed to PDF by a headless Chrome or Chromium on the server.

The figures are drawn by plotly.js inside the document (embedded: nothing is loaded from the
network) as static SVG, in the figure builders' own fonts (Noto Sans CJK for Chinese), so the PDF
holds vector figures and real text. One browser prints the whole handout; kaleido's
:func:`charts.export.to_image` starts a browser per figure (4-6 s each here), which for a
five-step lesson would take half a minute. The pictures use :func:`charts.export.static_figure`
as kaleido's do (no Play buttons, no slider).
"""

from __future__ import annotations

import html
import re
import subprocess
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from plotly.offline import get_plotlyjs

from charts import export
from charts.theme import FONT_FAMILY, FONT_FAMILY_TC, FigureSpec

PAGE_WIDTH_PX = 700  # A4 at 96 dpi (794 px) less the page margins
MAX_FIGURE_HEIGHT = 440  # leaves room on the page for the step's text, notes and question
PRINT_TIMEOUT = 90.0  # seconds


@dataclass(frozen=True)
class HandoutStep:
    """One step as printed: its heading, text (Markdown with **bold**), figure, the question
    and its options; ``link``: the full page with the step's settings (text, may be empty)."""

    heading: str
    text: str
    figure: FigureSpec
    question: str
    options: Sequence[str]
    link: str = ""
    notes: Sequence[str] = field(default_factory=tuple)


@dataclass(frozen=True)
class Handout:
    """A lesson's handout. ``labels`` holds the document's own words, translated by the caller:
    "objectives", "question", "answer_line", "answers", "explore", "minutes"."""

    lang: str
    title: str
    summary: str
    objectives: Sequence[str]
    minutes: str
    steps: Sequence[HandoutStep]
    answers: Sequence[str]
    labels: dict[str, str]


def _inline(text: str) -> str:
    """Markdown's **bold** and `code` as HTML; everything else escaped."""
    escaped = html.escape(text, quote=False)
    escaped = re.sub(r"\*\*(.+?)\*\*", r"<b>\1</b>", escaped)
    return re.sub(r"`([^`]+)`", r"<code>\1</code>", escaped)


def _paragraphs(text: str) -> str:
    return "".join(f"<p>{_inline(p.strip())}</p>" for p in text.split("\n\n") if p.strip())


def _note(text: str) -> str:
    """A note under the figure: a paragraph, or a Markdown table ("| a | b |" rows) as a table."""
    lines = [line.strip() for line in text.strip().splitlines()]
    if not lines or not all(line.startswith("|") for line in lines):
        return _paragraphs(text)
    rows = [
        [cell.strip() for cell in line.strip("|").split("|")]
        for line in lines
        if not re.fullmatch(r"\|?(\s*:?-+:?\s*\|)+\s*", line)  # the header's rule
    ]
    head = "".join(f"<th>{_inline(cell)}</th>" for cell in rows[0])
    body = "".join(
        "<tr>" + "".join(f"<td>{_inline(cell)}</td>" for cell in row) + "</tr>" for row in rows[1:]
    )
    return f'<table class="note"><tr>{head}</tr>{body}</table>'


def _printed(fig: FigureSpec) -> FigureSpec:
    """The figure as a picture at the page's width, no taller than ``MAX_FIGURE_HEIGHT``."""
    spec = export.static_figure(fig)
    layout = dict(spec["layout"])
    layout["width"] = PAGE_WIDTH_PX
    layout["height"] = min(int(layout.get("height") or 450), MAX_FIGURE_HEIGHT)
    return {"data": spec["data"], "layout": layout}


_CSS = """
@page { size: A4; margin: 12mm 12mm 14mm 12mm; }
body { font-family: %(font)s; font-size: 10.5pt; line-height: 1.4; color: #111; margin: 0; }
h1 { font-size: 18pt; margin: 0 0 4pt 0; }
h2 { font-size: 13.5pt; margin: 0 0 6pt 0; }
section { break-after: page; page-break-after: always; }
section:last-of-type { break-after: auto; page-break-after: auto; }
.figure { width: %(width)dpx; margin: 6pt 0; }
.question { border: 1px solid #999; border-radius: 4pt; padding: 6pt 10pt; margin-top: 6pt;
  break-inside: avoid; }
.question ol { margin: 4pt 0; }
.line { border-bottom: 1px solid #999; height: 18pt; }
.link { font-size: 8.5pt; color: #444; word-break: break-all; }
.meta { color: #444; }
table.note { border-collapse: collapse; margin: 4pt 0; font-size: 9.5pt; }
table.note th, table.note td { border: 1px solid #bbb; padding: 2pt 6pt; text-align: left; }
code { font-family: 'Noto Sans Mono', monospace; }
"""


def to_html(handout: Handout) -> bytes:
    """The handout as one HTML document (plotly.js inside), a page or more per step."""
    font = FONT_FAMILY_TC if handout.lang == "zh_Hant" else FONT_FAMILY
    labels = handout.labels
    parts = [
        f'<!DOCTYPE html><html lang="{handout.lang.replace("_", "-")}"><head>'
        f'<meta charset="utf-8"><title>{html.escape(handout.title)}</title>'
        f"<style>{_CSS % {'font': font, 'width': PAGE_WIDTH_PX}}</style></head><body>"
    ]
    figures = []
    for i, step in enumerate(handout.steps):
        parts.append("<section>")
        if i == 0:  # the lesson's heading on the first page
            parts.append(f"<h1>{html.escape(handout.title)}</h1>")
            parts.append(
                f'<p class="meta">{_inline(handout.summary)} · {_inline(handout.minutes)}</p>'
            )
            items = "".join(f"<li>{_inline(o)}</li>" for o in handout.objectives)
            parts.append(f"<p><b>{html.escape(labels['objectives'])}</b></p><ul>{items}</ul>")
        parts.append(f"<h2>{html.escape(step.heading)}</h2>")
        parts.append(_paragraphs(step.text))
        parts.append(f'<div class="figure" id="figure-{i}"></div>')
        parts.extend(_note(note) for note in step.notes)
        options = "".join(f"<li>{_inline(o)}</li>" for o in step.options)
        parts.append(
            f'<div class="question"><b>{html.escape(labels["question"])}</b> '
            f'{_inline(step.question)}<ol type="A">{options}</ol>'
            f"<div>{html.escape(labels['answer_line'])}</div>"
            '<div class="line"></div></div>'
        )
        if step.link:
            parts.append(
                f'<p class="link">{html.escape(labels["explore"])}: {html.escape(step.link)}</p>'
            )
        parts.append("</section>")
        figures.append(_printed(step.figure))
    answers = "".join(f"<li>{_inline(a)}</li>" for a in handout.answers)
    parts.append(f"<section><h2>{html.escape(labels['answers'])}</h2><ol>{answers}</ol></section>")
    data = b"[" + b",".join(export.to_json_bytes(f) for f in figures) + b"]"
    return b"".join(
        [
            "".join(parts).encode(),
            b"<script>",
            get_plotlyjs().encode(),
            b"</script>\n<script>\nconst figures = ",
            data.replace(b"</", b"<\\/"),  # safe inside <script>, as in charts.export
            b";\nfigures.forEach(function (fig, i) {\n"
            b'  Plotly.newPlot("figure-" + i, fig.data, fig.layout, {staticPlot: true});\n'
            b"});\n</script></body></html>",
        ]
    )


def to_pdf(handout: Handout, browser: str | None = None) -> bytes:
    """The handout printed to PDF by a headless Chrome or Chromium (``browser``, or the one
    :func:`charts.export.find_browser` finds). Raises RuntimeError when there is none or it
    fails."""
    browser = browser or export.find_browser()
    if browser is None:
        raise RuntimeError("printing a handout needs Chrome or Chromium on the server")
    with tempfile.TemporaryDirectory(prefix="handout-") as tmp:
        page, pdf = Path(tmp) / "handout.html", Path(tmp) / "handout.pdf"
        page.write_bytes(to_html(handout))
        command = [
            browser,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-extensions",
            "--no-first-run",
            "--no-pdf-header-footer",
            f"--user-data-dir={tmp}/profile",
            # Virtual time runs on while the page is busy: the figures are drawn before printing.
            "--virtual-time-budget=30000",
            f"--print-to-pdf={pdf}",
            page.as_uri(),
        ]
        done = subprocess.run(command, capture_output=True, timeout=PRINT_TIMEOUT, check=False)
        if not pdf.exists() or pdf.stat().st_size == 0:
            raise RuntimeError(f"the browser printed nothing: {done.stderr[-500:]!r}")
        return pdf.read_bytes()


def page_count(pdf: bytes) -> int:
    """Pages of a PDF (its /Type /Page objects; Chromium's PDFs do not compress them)."""
    return len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", pdf))
