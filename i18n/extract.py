"""A Babel extraction method for the activation library's own prose.

Each activation's label, note and parameter descriptions are written once, in
``activations/registry.py``, as data rather than ``_()`` calls (the library knows nothing of
translation). Pages show them through ``_()`` at display time (labels through
``charts.theme.activation_label``); this extractor puts them in the catalogue so they get
translated too. It reads the live registry, so the strings are exactly
those the pages look up.
"""

from __future__ import annotations

import sys
from collections.abc import Collection, Iterator, Mapping
from pathlib import Path
from typing import IO, Any

_ROOT = Path(__file__).resolve().parent.parent


def registry_strings() -> list[str]:
    """Every registry activation's label, note and parameter descriptions, in display order."""
    if str(_ROOT) not in sys.path:
        sys.path.insert(0, str(_ROOT))
    import activations

    found: dict[str, None] = {}
    for name in activations.names():
        act = activations.get(name)
        found[act.label] = None
        found[act.note] = None
        for param in act.params:
            found[param.description] = None
    return [text for text in found if text]


def extract_registry(
    fileobj: IO[bytes],
    keywords: Collection[str],
    comment_tags: Collection[str],
    options: Mapping[str, Any],
) -> Iterator[tuple[int, str, str, list[str]]]:
    """Babel extractor, named ``registry`` in i18n/babel.cfg.

    Yields ``(lineno, funcname, message, comments)`` with the line where each string starts.
    """
    source = fileobj.read().decode("utf-8")
    for text in registry_strings():
        # The first words locate the string in the source (notes are split over lines).
        head = text[:30]
        index = source.find(head)
        lineno = source.count("\n", 0, index) + 1 if index >= 0 else 0
        yield lineno, "_", text, []
