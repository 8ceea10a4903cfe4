"""The app shell: language picker, page header, page switches. Used by app.py and every page.

Server set-up (BLAS, garbage collection, the deep-link guard) lives in :mod:`ui.server`.
"""

from __future__ import annotations

import streamlit as st

import i18n
from ui import server, shortcuts
from ui.app_controls import APP_KEYS, LANG_KEY


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


# Long formulas scroll sideways instead of being cut at their box's edge: KaTeX breaks a line
# only at + and =, so f′ of x*sigmoid(b*x)*... is one long run (sidebar, formula cards).
# Streamlit's "Running... Stop" status stays hidden, as under toolbarMode "minimal" (the menu is
# shown now for its theme switch): pages have their own Stop, and the header's would be a
# second button of that name.
_STYLE = """<style>
.katex-display { overflow-x: auto; overflow-y: hidden; padding-bottom: 2px; }
[data-testid="stSidebar"] [data-testid="stMarkdownContainer"]:has(.katex) { overflow-x: auto; }
[data-testid="stStatusWidget"] { display: none; }
.st-key-plotly-preload, .st-key-_page_helpers { display: none; }
</style>"""


def style() -> None:
    """The app's few CSS rules (see ``_STYLE``) and its page-wide browser helpers (keyboard
    shortcuts, accessible chart names, the light/dark theme: ``ui.shortcuts``), once per run."""
    st.html(_STYLE)
    shortcuts.install()


def theme_type() -> str:
    """ "light" or "dark", as the user's browser shows the app (charts follow it)."""
    return shortcuts.theme_type()


def shortcut_hint() -> None:
    """The keyboard shortcuts, in the sidebar of the page that has them (Train)."""
    if current_page() == "train":
        st.sidebar.caption(
            i18n._("Keyboard: Alt+T trains, Alt+S stops, Alt+P plays or pauses the replay.")
        )


def header(title: str, intro: str) -> None:
    """Page title and a one-paragraph introduction."""
    st.title(title)
    st.markdown(intro)


_PAGE = "_page"  # the page of the last run
_KEPT = "_kept"  # per page: what its controls held when the user left it
_LINKS = "_links"  # per page: its link after its last run


def current_page() -> str | None:
    """The url path of the page this run shows ("warp"), once app.py has navigated."""
    return st.session_state.get(_PAGE)


def switch_pages(page_id: str) -> None:
    """On a page switch, put the previous page's control values aside and bring back the new
    page's, so that coming back to a page finds it as it was left.

    Pages share link key names (Warp's and Train's ``layers``, Gradients' and Train's
    ``width``) with different meanings and ranges; Streamlit 1.67 carries a bound widget's
    value to the next page's widget of the same key, where it may be out of range (an
    exception) or simply wrong. So each page's values are kept under the page's name, and only
    the sidebar's (``ui.app_controls``) stay for every page. A key the new page's link names
    (a link into the page) wins over the kept value.
    """
    last = st.session_state.get(_PAGE)
    if last is not None and last != page_id:
        kept = st.session_state.setdefault(_KEPT, {})
        left = {}
        for key in list(st.session_state.keys()):
            name = str(key)
            if name.startswith("_") or name in APP_KEYS:
                continue
            left[name] = st.session_state[key]
            del st.session_state[key]
        kept[last] = left
        for key, value in kept.pop(page_id, {}).items():
            if key not in st.query_params:
                st.session_state[key] = value
        # Streamlit writes a bound widget's value into the address bar when it comes from an
        # earlier run, not when it is set in this one: write the page's link as it was left.
        for key, values in st.session_state.get(_LINKS, {}).get(page_id, {}).items():
            if key not in st.query_params and key not in APP_KEYS:
                server.keep_in_link(key, values if len(values) > 1 else values[0])
    st.session_state[_PAGE] = page_id


def remember_link(page_id: str) -> None:
    """After a page's run: its link as the address bar shows it, for :func:`switch_pages`."""
    links = st.session_state.setdefault(_LINKS, {})
    links[page_id] = {key: st.query_params.get_all(key) for key in st.query_params}
