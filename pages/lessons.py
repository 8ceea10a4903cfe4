"""Lessons: the tutorials' arguments, step by step, each step live, with a plan and a
printable handout for teachers."""

import streamlit as st

from i18n import _
from ui import server, shell
from ui.lessons import view

server.ensure_entrypoint()

shell.header(
    _("Lessons"),
    _(
        "The arguments of the tutorials, step by step: read a few sentences, play with the "
        "figure, predict the answer to the question, then check it. Every step is a link."
    ),
)
view.report_link()

lesson, index = view.position()
view.lesson_picker(lesson)
st.divider()
view.show_step(lesson, index)
view.navigation(lesson, index)
st.divider()
view.teacher_section(lesson)
