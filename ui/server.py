"""Server set-up: everything the app does to Streamlit's process rather than to a page.

app.py calls :func:`set_up` once per script run (the work itself happens once per process) and
runs each page inside :func:`compute_slot`; every page file starts with :func:`ensure_entrypoint`.
Private Streamlit APIs are used here and nowhere else; ``tests/test_server.py`` fails on an
upgrade that removes one of them. At run time a missing one degrades a feature (logged), it
never breaks a page.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import gc
import importlib
import logging
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import streamlit as st
from threadpoolctl import threadpool_limits

_log = logging.getLogger(__name__)

# Page scripts computing at once in one server process. They share one interpreter, so more
# only interleave: under load (50 sessions on Warp) the rest wait their turn instead, which cut
# p95 latency by a third and peak memory by 40 % (docs/classroom.md).
CONCURRENT_SCRIPTS = 2
# Seconds between full garbage collections (see compute_slot).
GC_INTERVAL = 0.5
# Every module a page imports, loaded before the freeze in set_up so that it is frozen too.
PAGE_MODULES = (
    "activations",
    "activations.formula",
    "charts.curves",
    "charts.export",
    "charts.gradients",
    "charts.handout",
    "charts.softmax",
    "charts.train",
    "charts.warp",
    "ui.controls",
    "ui.curves_view",
    "ui.custom",
    "ui.export",
    "ui.gradients_view",
    "ui.lessons",
    "ui.lessons.view",
    "ui.live_chart",
    "ui.softmax_view",
    "ui.train_view",
    "ui.warp_view",
)


# ----------------------------------------------------------------------------- private APIs
# Each returns None when this Streamlit lacks it; tests/test_server.py asserts none does.


def pages_manager() -> Any:
    """Streamlit's PagesManager class (its ``uses_pages_directory`` flag drives the guard)."""
    try:
        from streamlit.runtime.pages_manager import PagesManager
    except ImportError:
        return None
    return PagesManager if hasattr(PagesManager, "uses_pages_directory") else None


def url_corrector() -> Callable[[str, str, str], None] | None:
    """Streamlit's own URL auto-correction for the session being served:
    ``correct(key, value, value_type)`` rewrites one query parameter in the address bar."""
    try:
        from streamlit.runtime.state import get_session_state
        from streamlit.runtime.state.query_params import QueryParams
    except ImportError:
        return None
    if not hasattr(QueryParams, "set_corrected_value"):
        return None

    def correct(key: str, value: str, value_type: str) -> None:
        with get_session_state().query_params() as params:
            params.set_corrected_value(key, value, value_type)

    return correct


def _find_malloc_trim() -> Callable[[int], int] | None:
    """glibc's malloc_trim, which hands free pages back to the system; None elsewhere."""
    try:
        return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").malloc_trim
    except (OSError, AttributeError):  # not glibc (macOS, musl): nothing to trim
        return None


_malloc_trim = _find_malloc_trim()
_last_collection = [0.0]


# ----------------------------------------------------------------------------- set-up


@st.cache_resource(show_spinner=False)
def set_up() -> None:
    """Once per process, in the first run after a start (about 1 s more for that run):

    - one BLAS thread per computation: concurrent sessions share the cores better, and
      OpenBLAS's own threads made the depth experiment 5-15x slower under load;
    - import every page's modules, then move all objects alive now out of the cyclic GC's sight
      (``gc.freeze``), so that :func:`compute_slot`'s collections scan only what sessions made
      since. Cycles among the objects frozen then are never collected, so this must run before
      sessions pile up, not later.
    """
    threadpool_limits(1, user_api="blas")
    keep_downloads()
    for name in PAGE_MODULES:
        importlib.import_module(name)
    gc.collect()
    gc.freeze()


DOWNLOAD_GRACE = 60.0  # seconds a file made by a download click stays fetchable


def keep_downloads(grace: float = DOWNLOAD_GRACE, manager: Any = None) -> bool:
    """Keep each file a download button's function made (a deferred download: the HTML, CSV
    and PNG/SVG/PDF of every chart) for ``grace`` seconds. True once it is in place.

    Streamlit 1.67 keeps such a file in no session's list, so the clean-up after any
    session's next two script runs deletes it, fetched or not: with a class rerunning many
    times a second, the browser's GET that follows the click came too late (404) for 1-3 of
    30 students pressing Export at once (bench/bench_export_class.py).
    """
    if manager is None:
        try:
            from streamlit.runtime import Runtime

            manager = Runtime.instance().media_file_mgr
        except Exception:  # no runtime (bare mode, AppTest)
            return False
    if getattr(manager, "_activation_lab_keeps_downloads", False):
        return True
    made: dict[str, float] = {}
    execute, inactive = manager.execute_deferred, manager._get_inactive_file_ids

    def execute_deferred(file_id: str) -> str:
        url = execute(file_id)
        made[url.rsplit("/", 1)[-1].split("?")[0].split(".")[0]] = time.monotonic()
        return url

    def get_inactive_file_ids() -> set[str]:
        now = time.monotonic()
        for file_id, when in list(made.items()):
            if now - when > grace:
                made.pop(file_id, None)
        return inactive() - made.keys()

    manager.execute_deferred = execute_deferred
    manager._get_inactive_file_ids = get_inactive_file_ids
    manager._activation_lab_keeps_downloads = True
    return True


@st.cache_resource
def _compute_slots() -> threading.BoundedSemaphore:
    return threading.BoundedSemaphore(CONCURRENT_SCRIPTS)


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


def ensure_entrypoint(*, entrypoint: bool = False) -> None:
    """Make a deep link behave exactly like a click.

    Until some session has called ``st.navigation``, Streamlit (1.67) treats a ``pages/`` folder
    next to the entry point as a legacy multipage app: the first request after a server start,
    e.g. ``/curves``, runs ``pages/curves.py`` directly and never runs ``app.py``. app.py calls
    this with ``entrypoint=True`` and turns the legacy mode off (its own ``st.navigation`` then
    takes over in the same run). A page that still finds the legacy mode on was run without
    app.py, so it reruns: the rerun goes through app.py's navigation to the same page.
    """
    manager = pages_manager()
    if manager is None:
        _log.warning("PagesManager.uses_pages_directory is gone: deep links may skip app.py")
        return
    if manager.uses_pages_directory:
        manager.uses_pages_directory = False
        if not entrypoint:
            st.rerun()


def keep_in_link(key: str, value: object) -> None:
    """Write a bound widget's value into the address bar now, so a copied link keeps it.

    Streamlit writes a bound value only after a change in the browser or when it comes from an
    earlier run (and drops a link value that is not one of a picker's shown names). Without the
    private call, the value still applies; only the address bar omits it.
    """
    correct = url_corrector()
    if correct is None:
        _log.warning("QueryParams.set_corrected_value is gone: the link omits %s", key)
        return
    if isinstance(value, list | tuple):
        correct(key, [_link_text(v) for v in value], "string_array_value")
    else:
        correct(key, _link_text(value), "string_value")


def _link_text(value: object) -> str:
    """A value as a link writes it: true/false, numbers as %g (5000, not 5000.0)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def drop_from_link(key: str) -> None:
    """Take ``key`` out of the address bar, also when a widget is bound to it (Streamlit's
    ``st.query_params`` refuses to delete a bound key; its own clean-up call does not)."""
    try:
        from streamlit.runtime.state import get_session_state
    except ImportError:
        return
    with get_session_state().query_params() as params:
        remove = getattr(params, "remove_param", None)
        if remove is None:
            _log.warning("QueryParams.remove_param is gone: the link keeps %s", key)
            return
        remove(key)
