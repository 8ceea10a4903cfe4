"""Shared test set-up: the repository root on sys.path, and AppTest helpers."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

# One BLAS thread per test process, as in the app (app.py): pytest-xdist already runs one
# process per core, and oversubscribed OpenBLAS threads slow matrix products 5-15x.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


@pytest.fixture
def run_page():
    """Run ``app.py`` on a page with URL parameters; returns the finished AppTest."""
    from streamlit.testing.v1 import AppTest

    def run(page: str, query: dict[str, str | list[str]] | None = None, timeout: float = 60):
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=timeout)
        for key, value in (query or {}).items():
            at.query_params[key] = value
        at.switch_page(f"pages/{page}.py")
        at.run()
        return at

    return run
