"""The Lessons page: every step of every lesson in every language, the link, previous and
next, the question, the numbers the texts state, and the handout."""

from __future__ import annotations

import re
from urllib.parse import parse_qs

import pytest
from figtools import chart_figure
from test_i18n import (
    chart_strings,
    code_names,
    english_left,
    english_words,
    live_chart_protos,
    missing_glyphs,
    page_texts,
)

import activations
import i18n
from charts import handout
from ui import lessons
from ui.lessons import choose, view

STEPS = [(lesson.id, i) for lesson in lessons.LESSONS for i in range(len(lesson.steps))]


def param(at, key: str) -> str:
    """The link's value of ``key`` (AppTest holds a set value as a string, a given one as a
    list)."""
    value = at.query_params[key]
    return value if isinstance(value, str) else value[-1]


def main_text(at) -> str:
    return "\n".join(m.value for m in at.markdown)


@pytest.mark.parametrize("lang", list(i18n.LANGUAGES))
@pytest.mark.parametrize(("lesson_id", "index"), STEPS, ids=[f"{a}-{b + 1}" for a, b in STEPS])
def test_every_step_in_every_language(run_page, lesson_id, index, lang):
    """Each step's link opens that step: its title, a drawn figure, the question, no warning,
    and in zh_Hant, zh_Hans and tr no English left (a source string or a word)."""
    at = run_page("lessons", {"lesson": lesson_id, "step": str(index + 1), "lang": lang})
    assert not at.exception, [e.value for e in at.exception]
    assert not at.warning, [w.value for w in at.warning]
    lesson = lessons.get(lesson_id)
    step = lesson.steps[index]
    expected_title = i18n.translated(lang, i18n._, step.title)
    assert [s.value for s in at.subheader] == [expected_title]
    charts = live_chart_protos(at)
    assert len(charts) == 1
    figure = chart_figure(charts[0])
    assert figure["data"], "the step's figure has no traces"
    radio = at.radio[0]
    assert len(radio.options) == len(step.question.options) and radio.value is None
    texts, files = page_texts(at)
    drawn = chart_strings(figure)
    assert missing_glyphs(drawn) == []
    if lang == i18n.DEFAULT_LANGUAGE:
        return
    assert english_left([t for t in texts if t.lower() not in code_names()], lang) == []
    assert english_words(texts + drawn, lang) == []
    assert english_left([f.replace("_", " ") for f in files], lang) == []


def test_a_bare_link_opens_the_first_step(run_page):
    at = run_page("lessons")
    assert not at.exception and not at.warning
    assert at.subheader[0].value == lessons.LESSONS[0].steps[0].title
    assert "Step 1 of 5" in [c.value for c in at.caption]


@pytest.mark.parametrize(
    ("query", "named"),
    [
        ({"lesson": "nope", "step": "2"}, "lesson"),
        ({"lesson": "<script>alert(1)</script>"}, "lesson"),
        ({"lesson": "xor", "step": "two"}, "step"),
        ({"lesson": "xor", "step": "0"}, "step"),
        ({"lesson": "xor", "step": "1.5"}, "step"),
        ({"lesson": "xor", "step": "1e400"}, "step"),
    ],
)
def test_a_bad_link_says_so_and_shows_a_safe_step(run_page, query, named):
    at = run_page("lessons", query)
    assert not at.exception
    warning = " ".join(w.value for w in at.warning)
    assert f"'{named}'" in warning, warning
    lesson = lessons.get(query["lesson"]) or lessons.LESSONS[0]
    # The first lesson for an unknown one; its first step for a bad step, else that step.
    step = int(query["step"]) if query.get("step", "").isdigit() and query["step"] != "0" else 1
    assert at.subheader[0].value == lesson.steps[step - 1].title
    assert "<script" not in main_text(at)


def test_a_step_beyond_the_lesson_shows_its_last_step_and_says_so(run_page):
    """An old link into a lesson that has fewer steps now keeps working."""
    at = run_page("lessons", {"lesson": "softmax", "step": str(lessons.MAX_STEPS)})
    assert not at.exception
    last = lessons.get("softmax").steps[-1]
    assert at.subheader[0].value == last.title
    assert "has 4 steps" in at.warning[0].value


def test_next_and_previous_move_through_the_lesson_and_into_the_next(run_page):
    at = run_page("lessons", {"lesson": "why", "step": "4"})
    at.button(key="lessons.next").click().run()
    assert param(at, "step") == "5" and at.subheader[0].value == lessons.get("why").steps[4].title
    # The last step's next button opens the next lesson.
    assert "Next lesson" in at.button(key="lessons.next").label
    at.button(key="lessons.next").click().run()
    assert param(at, "lesson") == "xor" and param(at, "step") == "1"
    assert at.button(key="lessons.previous").disabled
    at.button(key="lessons.next").click().run()
    at.button(key="lessons.previous").click().run()
    assert param(at, "step") == "1"
    assert not at.exception


def test_a_lesson_button_opens_its_first_step(run_page):
    at = run_page("lessons", {"lesson": "why", "step": "3"})
    at.button(key="lessons.open.softmax").click().run()
    assert param(at, "lesson") == "softmax" and param(at, "step") == "1"
    assert at.subheader[0].value == lessons.get("softmax").steps[0].title


def test_predict_then_check(run_page):
    """The answer stays hidden until Check; a wrong pick is told the right one and why."""
    at = run_page("lessons", {"lesson": "why", "step": "3"})
    question = lessons.get("why").steps[2].question
    assert not at.success and not at.error
    wrong = (question.answer + 1) % len(question.options)
    at.radio[0].set_value(wrong).run()
    assert not at.error  # nothing revealed before Check
    at.button(key="lessons.why.2.answer.check").click().run()
    assert at.error and question.options[question.answer] in at.error[0].value
    at.radio[0].set_value(question.answer).run()
    assert at.success and "origin" in at.success[0].value
    # Away and back: the step keeps the student's answer and control values.
    at.slider(key="lessons.why.2.b1").set_value(0.3).run()
    at.button(key="lessons.next").click().run()
    at.button(key="lessons.previous").click().run()
    assert at.radio[0].value == question.answer and at.success
    assert at.slider(key="lessons.why.2.b1").value == pytest.approx(0.3)


def test_a_control_changes_the_text_and_the_figure(run_page):
    at = run_page("lessons", {"lesson": "choose", "step": "1"})
    before = chart_figure(live_chart_protos(at)[0])
    assert choose.bound_text(10) in main_text(at)
    at.slider(key="lessons.choose.0.depth").set_value(20).run()
    assert not at.exception
    assert choose.bound_text(20) in main_text(at)
    after = chart_figure(live_chart_protos(at)[0])
    assert after["data"][0]["x"] != before["data"][0]["x"]


def test_the_vanishing_bound_is_computed_from_the_kernel():
    """0.25 is sigmoid's largest slope as its kernel gives it, and the text's power follows."""
    slope = float(activations.get("sigmoid").grad(0.0))
    assert choose.max_slope("sigmoid") == pytest.approx(slope) == pytest.approx(0.25)
    assert choose.bound_text(10) == "0.25¹⁰ ≈ 9.5e-07"
    assert choose.power("0.25", 12) == "0.25¹²"


def test_explore_links_name_only_keys_their_page_declares():
    """Each step's full-page link uses its page's declared link keys with valid values."""
    from ui import link

    for lesson in lessons.LESSONS:
        for step in lesson.steps:
            query = view.explore_query(step, step.defaults(), "tr")
            page, _, params = query.partition("?")
            declared = link.PAGES[page]
            values = parse_qs(params)
            assert values.pop("lang") == ["tr"]
            for key, raw in values.items():
                assert key in declared.keys(), (step.key, key)  # noqa: SIM118 (Controls)
                problem = declared[key].rule().check(raw)
                assert problem is None, (step.key, key, raw, problem)


def test_the_teachers_plan_lists_every_step_and_offers_the_handout(run_page):
    at = run_page("lessons", {"lesson": "xor", "step": "2"})
    plan = main_text(at)
    lesson = lessons.get("xor")
    for i, step in enumerate(lesson.steps, 1):
        assert step.title in plan and f"lessons?lesson=xor&step={i}" in plan
    assert "About 15 minutes." in plan
    assert at.get("download_button")


@pytest.mark.parametrize("lang", ["zh_Hant", "tr"])
def test_the_handout_holds_every_step_in_the_language(lang):
    document = i18n.translated(lang, view.build_handout, "xor", "http://school.example/")
    lesson = lessons.get("xor")
    assert len(document.steps) == len(lesson.steps)
    page = handout.to_html(document).decode()
    assert page.count("<section>") == len(lesson.steps) + 1  # and the answers
    assert "http://school.example/train?" in page
    words = [document.title, document.summary, *document.objectives]
    for step in document.steps:
        words += [step.heading, step.text, step.question, *step.options]
    assert english_words(words, lang) == []
    assert re.search(r"<table class=\"note\">", page)  # the truth table as a table


@pytest.mark.parametrize("lesson", [lesson.id for lesson in lessons.LESSONS])
def test_the_printed_handout_asks_for_no_button(lesson):
    """Paper has no ▶ button: what to press on the live chart is said on screen only."""
    document = view.build_handout(lesson, "http://school.example/")
    texts = [step.text for step in document.steps] + [n for s in document.steps for n in s.notes]
    assert not [text for text in texts if "▶" in text or "Press" in text]
