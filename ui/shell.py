"""The app shell: entry-point guard, language, page header. Used by app.py and every page."""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import gc
import importlib
import threading
import time
from collections.abc import Iterator

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager
from streamlit.runtime.state import get_session_state

import i18n

LANG_KEY = "lang"
# Page scripts computing at once in one server process. They share one interpreter, so more
# only interleave: under load (50 sessions on Warp) the rest wait their turn instead, which cut
# p95 latency by a third and peak memory by 40 % (docs/classroom.md).
CONCURRENT_SCRIPTS = 2
# Seconds between full garbage collections (see compute_slot).
GC_INTERVAL = 0.5
_last_collection = [0.0]


@st.cache_resource
def _compute_slots() -> threading.BoundedSemaphore:
    return threading.BoundedSemaphore(CONCURRENT_SCRIPTS)


# Every module a page imports, loaded before the freeze below so that it is frozen too.
PAGE_MODULES = (
    "activations",
    "activations.formula",
    "charts.curves",
    "charts.export",
    "charts.gradients",
    "charts.softmax",
    "charts.train",
    "charts.warp",
    "ui.controls",
    "ui.custom",
    "ui.export",
    "ui.live_chart",
)


@st.cache_resource(show_spinner=False)
def freeze_startup_objects() -> None:
    """Import every page's modules, then move all objects alive now out of the cyclic GC's
    sight (``gc.freeze``), so that the collections of :func:`compute_slot` scan only what
    sessions made since. Once per process, in the first run after a start (about 1 s more for
    that run); cycles among the objects frozen then are never collected, so this must run
    before sessions pile up, not later."""
    for name in PAGE_MODULES:
        importlib.import_module(name)
    gc.collect()
    gc.freeze()


@contextlib.contextmanager
def compute_slot() -> Iterator[None]:
    """Run the page holding one of ``CONCURRENT_SCRIPTS`` slots of this server process; then,
    at most every ``GC_INTERVAL`` seconds, collect garbage cycles.

    Each page run leaves its namespace in a reference cycle (its functions point back at it),
    so only a full collection frees that run's arrays and figures: left to Python's own
    thresholds, 50 sessions on Warp held ~200 MB more. Streamlit's runner.postScriptGC
    collects after every run, which cost 20-30 % of the server's CPU under that load.
    """
    try:
        with _compute_slots():
            yield
    finally:
        now = time.monotonic()
        if now - _last_collection[0] >= GC_INTERVAL:
            _last_collection[0] = now  # a race at worst runs two collections
            gc.collect()
            if _malloc_trim is not None:
                _malloc_trim(0)


def _find_malloc_trim():
    """glibc's malloc_trim, which hands free pages back to the system; None elsewhere."""
    try:
        return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").malloc_trim
    except (OSError, AttributeError):  # not glibc (macOS, musl): nothing to trim
        return None


_malloc_trim = _find_malloc_trim()


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
        _keep_in_link(LANG_KEY, i18n.LANGUAGES[link_code])
    return i18n.set_language(lang)


def _keep_in_link(key: str, shown: str) -> None:
    """Write a bound picker's value into the address bar now, so a copied link keeps it.

    Streamlit drops the link's code (not one of the picker's names) and writes a bound value
    only after a change in the browser; this is its own URL auto-correction call. Should a
    Streamlit version lack it, the language still applies, only the address bar omits it.
    """
    with contextlib.suppress(Exception), get_session_state().query_params() as params:
        params.set_corrected_value(key, shown, "string_value")


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
