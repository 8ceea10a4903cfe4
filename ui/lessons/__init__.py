"""Lessons: the tutorials' arguments (``/work/shared/BRIEF.md`` §7), step by step, live.

Each lesson is a :class:`Lesson` of :class:`Step` s; this module holds the registry
(:data:`LESSONS`), one module per lesson holds its steps (``why``, ``xor``, ``choose``,
``softmax``), and :mod:`ui.lessons.view` shows them. A step's text is a function of its
controls' values, so every number it states is computed by the library, never typed.

Texts are English msgids (``N_``) translated when shown; a step's functions return translated
text.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from charts.theme import FigureSpec

Values = Mapping[str, Any]  # a step's control values by key


@dataclass(frozen=True)
class Slider:
    """A number a step lets the student move (not in the link: a step's link opens it as the
    lesson sets it)."""

    key: str
    label: str  # msgid
    lo: float
    hi: float
    default: float
    step: float

    def is_valid(self, value: Any) -> bool:
        return isinstance(value, int | float) and self.lo <= value <= self.hi


@dataclass(frozen=True)
class Pick:
    """One of a few options, shown as a row of buttons."""

    key: str
    label: str  # msgid
    options: tuple[Any, ...]
    default: Any
    shown: Callable[[Any], str] = str  # an option as the student reads it (translated)

    def is_valid(self, value: Any) -> bool:
        return value in self.options


Control = Slider | Pick


@dataclass(frozen=True)
class Question:
    """ "Predict, then check": a question, its options (msgids), the right one's index, and why
    (a function of the step's values, translated, with computed numbers)."""

    prompt: str
    options: tuple[str, ...]
    answer: int
    why: Callable[[Values], str]


@dataclass(frozen=True)
class Step:
    """One step: a title (msgid), its text and figure for the controls' values, the figure's
    file name (msgid), its one or two controls, the question, and the full page that explores
    it with the same settings: ``explore(values)`` gives (page url path, link parameters)."""

    key: str
    title: str
    text: Callable[[Values], str]
    figure: Callable[[Values], FigureSpec]
    name: str
    controls: tuple[Control, ...]
    question: Question
    explore: Callable[[Values], tuple[str, dict[str, Any]]]
    # Extra lines under the figure (e.g. a truth table or a comparison), translated Markdown.
    notes: Callable[[Values], Sequence[str]] = field(default=lambda values: ())
    # A hint about the live chart (msgid), shown on screen only: paper has no ▶ button.
    on_screen: str = ""

    def defaults(self) -> dict[str, Any]:
        return {control.key: control.default for control in self.controls}


@dataclass(frozen=True)
class Lesson:
    """A lesson: its link id, title and summary (msgids), about how many minutes it takes,
    what a student learns (msgids) and its steps."""

    id: str
    title: str
    summary: str
    minutes: int
    objectives: tuple[str, ...]
    steps: tuple[Step, ...]


# The lesson modules use the classes above.
from ui.lessons import choose, softmax, why, xor  # noqa: E402

LESSONS: tuple[Lesson, ...] = (why.LESSON, xor.LESSON, choose.LESSON, softmax.LESSON)
BY_ID: dict[str, Lesson] = {lesson.id: lesson for lesson in LESSONS}
MAX_STEPS = max(len(lesson.steps) for lesson in LESSONS)


def get(lesson_id: str) -> Lesson | None:
    """The lesson with link id ``lesson_id``, or None."""
    return BY_ID.get(lesson_id)
