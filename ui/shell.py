"""The app shell: language picker, page header, page switches. Used by app.py and every page.

Server set-up (BLAS, garbage collection, the deep-link guard) lives in :mod:`ui.server`.
"""

from __future__ import annotations

import streamlit as st

import i18n
from ui import server

LANG_KEY = "lang"


def _session_language() -> str | None:
    return st.session_state.get(LANG_KEY)


def language_selector() -> str:
    """Sidebar language picker bound to ``?lang=``; defaults to the browser's language.

    A link may name the language by code (``lang=zh_Hant``, the form to share) or by the name
    the picker shows, which is what Streamlit keeps in the address bar.
    """
    i18n.set_provider(_session_language)
    link_code = None
    if LANG_KEY not in st.session_state:
        raw = (st.query_params.get_all(LANG_KEY) or [None])[-1]
        names = {name: code for code, name in i18n.LANGUAGES.items()}
        if raw in i18n.LANGUAGES:
            # The picker only accepts names from the link: hand it the code instead.
            st.session_state[LANG_KEY] = link_code = raw
        elif raw not in names:
            lang = i18n.set_language(i18n.match_locale(st.context.locale))
            st.session_state[LANG_KEY] = lang
            if raw is not None:
                st.warning(
                    i18n._("The link names an unknown language; valid values are {codes}.").format(
                        codes=", ".join(i18n.LANGUAGES)
                    ),
                    icon="⚠️",
                )
    lang = st.sidebar.selectbox(
        "Language · 語言 · 语言 · Dil",
        list(i18n.LANGUAGES),
        format_func=i18n.LANGUAGES.__getitem__,
        key=LANG_KEY,
        bind="query-params",
    )
    if link_code not in (None, i18n.DEFAULT_LANGUAGE):
        server.keep_in_link(LANG_KEY, i18n.LANGUAGES[link_code])
    return i18n.set_language(lang)


def header(title: str, intro: str) -> None:
    """Page title and a one-paragraph introduction."""
    st.title(title)
    st.markdown(intro)


# Session keys that belong to the whole app, not to one page.
APP_KEYS = ("lang", "img", "scale")
APP_PREFIXES = ("fx",)


def forget_other_pages(page_id: str) -> None:
    """On a page switch, drop the previous page's widget values.

    Pages share URL key names (Warp's and Train's ``layers``, Gradients' and Train's ``width``)
    with different ranges; Streamlit 1.67 carries a bound widget's value to the next page's
    widget of the same key, where it may be out of range (an exception) or simply wrong.
    """
    last = st.session_state.get("_page")
    if last is not None and last != page_id:
        for key in list(st.session_state.keys()):
            name = str(key)
            if name.startswith("_") or name in APP_KEYS or name.split(".")[0] in APP_PREFIXES:
                continue
            del st.session_state[key]
    st.session_state["_page"] = page_id
