"""Time, size and pages of a lesson's printable handout (the Lessons page's "Printable handout
(PDF)" button): ``ui.lessons.view.handout_bytes``, split into building the document (every
step's text and figure, caches warm as in a running app) and printing it with headless
Chromium. Baseline in the same run: one figure printed by kaleido (``charts.export.to_image``,
the app's other server-side image path), which starts a browser per figure.

Run: .venv/bin/python bench/bench_handout.py [--repeat 3] [--lang zh_Hant]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from streamlit import logger as streamlit_logger  # noqa: E402

# st.cache_data outside a running app warns, for every cached function, that it has none.
streamlit_logger.set_log_level("error")

import i18n  # noqa: E402
from charts import export, handout  # noqa: E402
from ui import lessons  # noqa: E402
from ui.lessons import view  # noqa: E402

BASE = "http://localhost:8501/"


def timed(repeat: int, run, *args) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = run(*args)
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--lang", default="en", choices=list(i18n.LANGUAGES))
    args = parser.parse_args()
    print(f"language {args.lang}, median of {args.repeat}")
    print(f"{'lesson':>8} {'steps':>5} {'build s':>8} {'print s':>8} {'pages':>5} {'PDF MB':>6}")
    for lesson in lessons.LESSONS:
        i18n.translated(args.lang, view.build_handout, lesson.id, BASE)  # warm the caches
        build, document = timed(
            args.repeat, i18n.translated, args.lang, view.build_handout, lesson.id, BASE
        )
        printing, pdf = timed(args.repeat, handout.to_pdf, document)
        print(
            f"{lesson.id:>8} {len(lesson.steps):>5} {build:>8.2f} {printing:>8.2f} "
            f"{handout.page_count(pdf):>5} {len(pdf) / 1e6:>6.2f}"
        )
    figure = lessons.LESSONS[0].steps[0].figure(lessons.LESSONS[0].steps[0].defaults())
    kaleido, _ = timed(args.repeat, export.to_image, figure, "svg")
    print(f"baseline: one figure as SVG by kaleido (a browser per call): {kaleido:.2f} s")


if __name__ == "__main__":
    main()
