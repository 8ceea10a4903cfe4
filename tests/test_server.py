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


def test_link_clean_up_call_exists():
    from streamlit.runtime.state.query_params import QueryParams

    assert hasattr(QueryParams, "remove_param"), "QueryParams.remove_param is gone"


def test_rejected_link_values_leave_the_address_bar(run_page):
    # theta is bound to a number field; a value out of range is reported, then dropped, so a
    # copied link does not carry it on (nor the warning with it).
    at = run_page("warp", {"mode": "svd", "theta": "1e308", "s1": "2", "nonsense": "1"})
    assert not at.exception
    assert "could not be used" in at.warning[0].value
    assert "theta" not in at.query_params and "nonsense" not in at.query_params
    assert at.query_params["s1"] in ("2", ["2"], "2.0", ["2.0"])
