"""Lessons in a real browser: a step's link opened cold, a question answered, next and back,
and the handout downloaded as a PDF with a page or more per step."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlparse

from browserkit import settle

from charts import handout
from ui import lessons

MAIN = "[data-testid='stMain']"


def step_of(page) -> tuple[str, str]:
    query = parse_qs(urlparse(page.url).query)
    return query["lesson"][-1], query["step"][-1]


def test_a_step_link_cold_answer_next_back_and_the_handout(page, app_url, tmp_path):
    page.goto(app_url + "/lessons?lesson=why&step=3")
    page.wait_for_selector(".js-plotly-plot", timeout=90_000)
    settle(page, 90_000)
    main = page.locator(MAIN)
    step = lessons.get("why").steps[2]
    assert page.locator("h3", has_text=step.title).count() == 1
    assert "Step 3 of 5" in main.inner_text()
    assert page.locator("[data-testid='stException']").count() == 0

    # Predict, then check: a wrong answer is told the right one.
    question = step.question
    wrong = (question.answer + 1) % len(question.options)
    page.get_by_text(question.options[wrong], exact=False).first.click()
    settle(page)
    page.get_by_role("button", name="Check").click()
    settle(page)
    alert = page.locator("[data-testid='stAlert']").first
    assert "Not quite" in alert.inner_text()
    assert question.options[question.answer] in alert.inner_text()

    # Next, then back: the link follows, and the step comes back as it was left.
    page.get_by_role("button", name="Next", exact=True).click()
    page.wait_for_function("() => location.search.includes('step=4')", timeout=30_000)
    settle(page, 60_000)
    assert step_of(page) == ("why", "4")
    assert page.locator("h3", has_text=lessons.get("why").steps[3].title).count() == 1
    page.get_by_role("button", name="Previous").click()
    page.wait_for_function("() => location.search.includes('step=3')", timeout=30_000)
    settle(page, 60_000)
    assert step_of(page) == ("why", "3")
    assert "Not quite" in page.locator("[data-testid='stAlert']").first.inner_text()

    # The teacher's handout: a PDF with a page or more per step (the answers after them).
    page.get_by_text("For teachers: lesson plan and printable handout").click()
    button = page.get_by_role("button", name="Printable handout (PDF)")
    button.wait_for(timeout=30_000)
    with page.expect_download(timeout=120_000) as download_info:
        button.click()
    target = tmp_path / download_info.value.suggested_filename
    download_info.value.save_as(target)
    pdf = target.read_bytes()
    assert pdf.startswith(b"%PDF-") and b"%%EOF" in pdf[-1024:]
    assert handout.page_count(pdf) >= len(lessons.get("why").steps) + 1
    assert re.fullmatch(r"why-en\.pdf", download_info.value.suggested_filename)
    assert page.console.errors() == []
