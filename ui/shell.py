"""The app shell: entry-point guard, language, page header. Used by app.py and every page."""

from __future__ import annotations

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager

import i18n

LANG_KEY = "lang"


def ensure_entrypoint(*, entrypoint: bool = False) -> None:
    """Make a deep link behave exactly like a click.

    Until some session has called ``st.navigation``, Streamlit (1.67) treats a ``pages/`` folder
    next to the entry point as a legacy multipage app: the first request after a server start,
    e.g. ``/curves``, runs ``pages/curves.py`` directly and never runs ``app.py``. app.py calls
    this with ``entrypoint=True`` and turns the legacy mode off (its own ``st.navigation`` then
    takes over in the same run). A page that still finds the legacy mode on was run without
    app.py, so it reruns: the rerun goes through app.py's navigation to the same page.
    """
    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        if not entrypoint:
            st.rerun()


def _session_language() -> str | None:
    return st.session_state.get(LANG_KEY)


def language_selector() -> str:
    """Sidebar language picker bound to ``?lang=``; defaults to the browser's language."""
    i18n.set_provider(_session_language)
    if LANG_KEY not in st.session_state and LANG_KEY not in st.query_params:
        st.session_state[LANG_KEY] = i18n.match_locale(st.context.locale)
    lang = st.sidebar.selectbox(
        "Language · 語言 · 语言 · Dil",
        list(i18n.LANGUAGES),
        format_func=i18n.LANGUAGES.__getitem__,
        key=LANG_KEY,
        bind="query-params",
    )
    return i18n.set_language(lang)


def header(title: str, intro: str) -> None:
    """Page title and a one-paragraph introduction."""
    st.title(title)
    st.markdown(intro)
