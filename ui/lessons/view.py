"""The Lessons page: where the link says we are, one step (text, live figure, its controls, a
"predict, then check" question, a link to the full page), previous/next, and the teacher's
lesson plan with a printable handout."""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import urlencode, urlsplit

import streamlit as st

import i18n
from charts import export, handout
from charts.theme import FigureSpec
from i18n import N_, _
from ui import lessons, link
from ui.export import show_chart
from ui.lessons import LESSONS, Lesson, Pick, Slider, Step

LESSON_KEY, STEP_KEY = "lesson", "step"
LETTERS = "ABCDEFGH"


def lesson_title(lesson_id: str) -> str:
    lesson = lessons.get(lesson_id)
    return _(lesson.title) if lesson is not None else lesson_id


# The page's link: the lesson and the step, declared once (the check of a link's values; the
# page moves between steps with buttons, which write both into the address bar).
CONTROLS = link.Controls(
    link.Choice(
        key=LESSON_KEY,
        label=N_("Lesson"),
        options=tuple(lesson.id for lesson in LESSONS),
        default=LESSONS[0].id,
        shown=lesson_title,
    ),
    link.Number(
        key=STEP_KEY, label=N_("Step"), lo=1, hi=lessons.MAX_STEPS, default=1, integer=True
    ),
    page="lessons",
)


def report_link() -> None:
    """One warning for the link's bad or unknown values (an unknown lesson, a step that is not
    a whole number from 1 to the longest lesson's length)."""
    CONTROLS.report()


def position() -> tuple[Lesson, int]:
    """The lesson and the step (0-based) the link names; the first lesson and step when it
    names none. A step beyond the lesson's last shows its last step, and says so."""
    lesson = lessons.get(st.query_params.get(LESSON_KEY) or "") or LESSONS[0]
    raw = st.query_params.get(STEP_KEY)
    try:
        number = float(raw) if raw is not None else 1.0
    except ValueError:  # already reported by report_link
        number = 1.0
    if not math.isfinite(number) or number < 1 or number != int(number):
        number = 1.0
    count = len(lesson.steps)
    if number > count:
        st.warning(
            _(
                "The lesson “{lesson}” has {n} steps; the link asks for step {step}. "
                "Showing step {n}."
            ).format(lesson=_(lesson.title), n=count, step=int(number)),
            icon="⚠️",
        )
        number = count
    return lesson, int(number) - 1


def go(lesson_id: str, index: int) -> None:
    """Button callback: show step ``index`` (0-based) of lesson ``lesson_id``, in the link."""
    st.query_params[LESSON_KEY] = lesson_id
    st.query_params[STEP_KEY] = str(index + 1)


def step_query(lesson_id: str, index: int) -> str:
    """A step's own link, relative to the app: "lessons?lesson=why&step=2"."""
    return "lessons?" + urlencode({LESSON_KEY: lesson_id, STEP_KEY: index + 1})


def app_base() -> str:
    """The app's address up to its pages ("http://host:8501/"), for links printed on paper;
    "/" when the server does not know it."""
    parts = urlsplit(getattr(st.context, "url", None) or "")
    if not parts.scheme or not parts.netloc:
        return "/"
    # The last segment of the path names a page (or is empty): the app lives above it.
    folder = parts.path.rsplit("/", 1)[0] if "/" in parts.path else ""
    return f"{parts.scheme}://{parts.netloc}{folder}/"


def explore_query(step: Step, values: Mapping[str, Any], lang: str) -> str:
    """The full page that explores ``step`` with its values: "warp?act=relu&b1=0.5"."""
    page, params = step.explore(values)
    pairs: list[tuple[str, str]] = []
    for key, value in params.items():
        for item in value if isinstance(value, list | tuple) else [value]:
            pairs.append((key, f"{item:g}" if isinstance(item, float) else str(item)))
    if lang != i18n.DEFAULT_LANGUAGE:
        pairs.append(("lang", lang))
    return page + ("?" + urlencode(pairs) if pairs else "")


# --- the lessons and the step --------------------------------------------------------------


def lesson_picker(current: Lesson) -> None:
    """One button per lesson (the current one highlighted): a click opens its first step."""
    row = st.container(horizontal=True, gap="small")
    for number, lesson in enumerate(LESSONS, 1):
        row.button(
            f"{number} · {_(lesson.title)}",
            key=f"lessons.open.{lesson.id}",
            type="primary" if lesson is current else "secondary",
            on_click=go,
            args=(lesson.id, 0),
        )


def _widget_key(lesson: Lesson, index: int, key: str) -> str:
    return f"lessons.{lesson.id}.{index}.{key}"


_KEPT = "_lessons_kept"  # the session's answers and control values, by widget key


def _restore(key: str, is_valid: Callable[[Any], bool]) -> bool:
    """Give widget ``key`` the value it had when the student left its step (Streamlit forgets
    a widget's value once a run does not show it); whether it has one. A value the widget no
    longer accepts is dropped."""
    kept = st.session_state.setdefault(_KEPT, {})
    if key not in st.session_state and key in kept:
        st.session_state[key] = kept[key]
    if key in st.session_state and not is_valid(st.session_state[key]):
        del st.session_state[key]
    return key in st.session_state


def _keep(key: str, value: Any) -> None:
    st.session_state.setdefault(_KEPT, {})[key] = value


def show_controls(lesson: Lesson, index: int) -> dict[str, Any]:
    """The step's one or two controls, side by side; their values by key. A value kept from
    an earlier visit that the control no longer accepts goes back to the default."""
    step = lesson.steps[index]
    values = step.defaults()
    if not step.controls:
        return values
    columns = st.columns(max(len(step.controls), 2), gap="large")
    for column, control in zip(columns, step.controls, strict=False):
        key = _widget_key(lesson, index, control.key)
        kept = _restore(key, control.is_valid)
        if isinstance(control, Slider):
            whole = all(float(v).is_integer() for v in (control.lo, control.hi, control.step))
            kind = int if whole else float
            value = column.slider(
                _(control.label),
                kind(control.lo),
                kind(control.hi),
                None if kept else kind(control.default),
                kind(control.step),
                key=key,
            )
        else:
            assert isinstance(control, Pick)
            value = column.segmented_control(
                _(control.label),
                list(control.options),
                default=None if kept else control.default,
                format_func=control.shown,
                key=key,
                required=True,
            )
        _keep(key, value)
        values[control.key] = control.default if value is None else value
    return values


def figure_of(lesson_id: str, index: int, values: tuple[tuple[str, Any], ...]) -> FigureSpec:
    """Step ``index``'s figure for ``values`` (small arguments: exports rebuild it from them)."""
    lesson = lessons.get(lesson_id)
    assert lesson is not None
    return lesson.steps[index].figure(dict(values))


def show_step(lesson: Lesson, index: int) -> None:
    """Step ``index`` of ``lesson``: where we are, its text, controls, figure and question."""
    step, count = lesson.steps[index], len(lesson.steps)
    st.progress((index + 1) / count)
    st.caption(_("Step {i} of {n}").format(i=index + 1, n=count))
    st.subheader(_(step.title))
    text_slot = st.empty()  # the text states numbers of the values the controls choose below
    values = show_controls(lesson, index)
    text_slot.markdown(step.text(values))
    frozen = tuple(sorted(values.items()))
    show_chart(
        step.figure(values),
        _(step.name),
        key=f"lesson-{lesson.id}-{step.key}",
        rebuild=functools.partial(figure_of, lesson.id, index, frozen),
    )
    for note in step.notes(values):
        st.markdown(note)
    if step.on_screen:
        st.caption(_(step.on_screen))
    show_question(lesson, index, values)
    lang = i18n.current_language()
    st.link_button(
        _("Explore this on the full page"),
        explore_query(step, values, lang),
        icon=":material/open_in_new:",
    )


def _reveal(key: str) -> None:
    st.session_state[key] = True


def show_question(lesson: Lesson, index: int, values: Mapping[str, Any]) -> None:
    """ "Predict, then check": pick an answer, then reveal whether it is right, and why."""
    question = lesson.steps[index].question
    key = _widget_key(lesson, index, "answer")
    revealed = f"{key}.revealed"
    with st.container(border=True):
        st.markdown("**" + _("Predict, then check") + "** · " + _(question.prompt))
        options = list(range(len(question.options)))
        _restore(key, lambda value: value is None or value in options)
        picked = st.radio(
            _("Your answer"),
            options,
            format_func=lambda i: f"{LETTERS[i]}. {_(question.options[i])}",
            index=None,
            key=key,
        )
        _keep(key, picked)
        st.button(
            _("Check"),
            key=f"{key}.check",
            on_click=_reveal,
            args=(revealed,),
            icon=":material/check:",
        )
        if not st.session_state.get(revealed):
            return
        right = _(question.options[question.answer])
        why = question.why(values)
        if picked is None:
            st.info(_("The answer: {answer}.").format(answer=right) + " " + why)
        elif picked == question.answer:
            st.success(_("Right: {answer}.").format(answer=right) + " " + why)
        else:
            st.error(_("Not quite. The answer: {answer}.").format(answer=right) + " " + why)


def navigation(lesson: Lesson, index: int) -> None:
    """Previous and next (the next lesson after the last step), and this step's own link."""
    count = len(lesson.steps)
    row = st.container(horizontal=True, gap="small", vertical_alignment="center")
    row.button(
        _("Previous"),
        key="lessons.previous",
        icon=":material/arrow_back:",
        disabled=index == 0,
        on_click=go,
        args=(lesson.id, index - 1),
    )
    if index + 1 < count:
        row.button(
            _("Next"),
            key="lessons.next",
            icon=":material/arrow_forward:",
            type="primary",
            on_click=go,
            args=(lesson.id, index + 1),
        )
    else:
        following = LESSONS[(LESSONS.index(lesson) + 1) % len(LESSONS)]
        row.button(
            _("Next lesson: {title}").format(title=_(following.title)),
            key="lessons.next",
            icon=":material/arrow_forward:",
            type="primary",
            on_click=go,
            args=(following.id, 0),
        )
    st.caption(
        _("This step's own link: {link}").format(
            link=f"`{app_base()}{step_query(lesson.id, index)}`"
        )
    )


# --- for teachers ------------------------------------------------------------------------------


def teacher_section(lesson: Lesson) -> None:
    """The lesson plan (objectives, about how long, the questions and answers, the links) and
    the printable handout."""
    lang = i18n.current_language()
    base = app_base()
    with st.expander(
        _("For teachers: lesson plan and printable handout"), icon=":material/school:"
    ):
        st.markdown(f"**{_(lesson.title)}**. {_(lesson.summary)}")
        st.markdown(_("About {minutes} minutes.").format(minutes=lesson.minutes))
        st.markdown("**" + _("Objectives") + "**")
        st.markdown("\n".join(f"- {_(objective)}" for objective in lesson.objectives))
        st.markdown("**" + _("Steps, questions and answers") + "**")
        lines = []
        for i, step in enumerate(lesson.steps):
            values = step.defaults()
            q = step.question
            lines.append(
                f"{i + 1}. **{_(step.title)}**: {_(q.prompt)} → "
                f"{LETTERS[q.answer]}. {_(q.options[q.answer])}  \n"
                + _("Step: {step} · Full page: {page}").format(
                    step=f"`{base}{step_query(lesson.id, i)}`",
                    page=f"`{base}{explore_query(step, values, lang)}`",
                )
            )
        st.markdown("\n".join(lines))
        name = f"{lesson.id}-{lang}"
        if export.find_browser() is None:
            st.caption(
                _(
                    "A PDF needs Chrome or Chromium on the server; here is the handout as a web "
                    "page to print from your browser."
                )
            )
            st.download_button(
                _("Handout (HTML)"),
                data=functools.partial(handout_bytes, lesson.id, lang, base, "html"),
                file_name=f"{name}.html",
                mime="text/html",
                on_click="ignore",
                key="lessons.handout",
                icon=":material/print:",
            )
            return
        st.download_button(
            _("Printable handout (PDF)"),
            data=functools.partial(handout_bytes, lesson.id, lang, base, "pdf"),
            file_name=f"{name}.pdf",
            mime="application/pdf",
            on_click="ignore",
            key="lessons.handout",
            icon=":material/print:",
            help=_("Every step's text, figure and question, a page each; the answers at the end."),
        )


def build_handout(lesson_id: str, base: str) -> handout.Handout:
    """Lesson ``lesson_id``'s handout in the current language, each step at its settings."""
    lesson = lessons.get(lesson_id)
    assert lesson is not None
    lang = i18n.current_language()
    steps, answers = [], []
    count = len(lesson.steps)
    for i, step in enumerate(lesson.steps):
        values = step.defaults()
        q = step.question
        steps.append(
            handout.HandoutStep(
                heading=_("Step {i} of {n}").format(i=i + 1, n=count) + " · " + _(step.title),
                text=step.text(values),
                figure=step.figure(values),
                question=_(q.prompt),
                options=[_(option) for option in q.options],
                link=base + explore_query(step, values, lang),
                notes=list(step.notes(values)),
            )
        )
        answers.append(
            f"**{_(step.title)}**: {LETTERS[q.answer]}. {_(q.options[q.answer])}. {q.why(values)}"
        )
    return handout.Handout(
        lang=lang,
        title=_(lesson.title),
        summary=_(lesson.summary),
        objectives=[_(objective) for objective in lesson.objectives],
        minutes=_("About {minutes} minutes.").format(minutes=lesson.minutes),
        steps=steps,
        answers=answers,
        labels={
            "objectives": _("Objectives"),
            "question": _("Predict, then check") + ":",
            "answer_line": _("Your answer and why:"),
            "answers": _("Answers"),
            "explore": _("Explore this on the full page"),
        },
    )


def handout_bytes(lesson_id: str, lang: str, base: str, kind: str = "pdf") -> bytes:
    """The handout of ``lesson_id`` in ``lang`` as a PDF (``kind`` "pdf") or HTML page; made
    when the teacher clicks, outside the page's run."""
    document = i18n.translated(lang, build_handout, lesson_id, base)
    return handout.to_pdf(document) if kind == "pdf" else handout.to_html(document)
