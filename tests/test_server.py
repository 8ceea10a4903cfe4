"""The server set-up's private Streamlit APIs exist: an upgrade that removes one fails here,
loudly, instead of silently degrading deep links or shared links (ui/server.py)."""

from __future__ import annotations

import gc

from ui import server


def test_pages_manager_flag_exists():
    manager = server.pages_manager()
    assert manager is not None, "streamlit.runtime.pages_manager.PagesManager lost its flag"
    assert hasattr(manager, "uses_pages_directory")


def test_url_corrector_exists():
    assert server.url_corrector() is not None, "QueryParams.set_corrected_value is gone"


def test_url_correction_reaches_the_address_bar(run_page):
    # A language given by code is rewritten to the picker's shown name through the private call.
    at = run_page("home", {"lang": "tr"})
    assert not at.exception
    assert at.query_params["lang"] in ("Türkçe", ["Türkçe"])


def test_set_up_freezes_and_imports_every_page_module():
    import sys

    server.set_up.clear()
    try:
        server.set_up()
        assert all(name in sys.modules for name in server.PAGE_MODULES)
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
        server.set_up.clear()


def test_compute_slot_collects_at_most_every_interval(monkeypatch):
    calls = []
    monkeypatch.setattr(server.gc, "collect", lambda: calls.append(1))
    server._last_collection[0] = 0.0
    with server.compute_slot():
        pass
    with server.compute_slot():
        pass
    assert calls == [1]
