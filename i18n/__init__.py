r"""Translations for Activation Lab: GNU gettext catalogues managed with Babel.

The source language is English. Catalogues live in ``i18n/locales/<lang>/LC_MESSAGES/messages.po``
and are compiled in memory at start-up (no build step, no stale ``.mo`` files). The current
language is held in a context variable, so figure builders can translate without knowing about
Streamlit; the app sets it at the start of every run.

The template ``i18n/messages.pot`` holds every ``_()``/``ngettext()`` string of ``app.py``,
``pages/``, ``charts/`` and ``ui/``, plus the activation library's notes and parameter
descriptions (``i18n/extract.py``, which needs the repository on the path). After changing a
string, from the repository root::

    PYTHONPATH=. .venv/bin/pybabel extract -F i18n/babel.cfg -o i18n/messages.pot \
        --no-location --sort-output --project "Activation Lab" .
    .venv/bin/pybabel update -i i18n/messages.pot -d i18n/locales --no-fuzzy-matching \
        --ignore-obsolete
    # translate every new empty msgstr in the three messages.po files, then check them:
    for l in zh_Hant zh_Hans tr; do .venv/bin/pybabel compile --statistics \
        -i i18n/locales/$l/LC_MESSAGES/messages.po -o /tmp/$l.mo; done
    .venv/bin/python -m pytest tests/test_i18n.py -q

A new language: ``pybabel init -i i18n/messages.pot -d i18n/locales -l <code>`` and an entry
in ``LANGUAGES``. The app needs no compiled ``.mo`` files; ``compile`` only reports statistics
and syntax errors (``tests/test_i18n.py`` fails on any untranslated or fuzzy entry).
"""

from __future__ import annotations

import contextvars
import functools
import gettext
import io
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

LOCALES_DIR = Path(__file__).parent / "locales"
DOMAIN = "messages"

# Language code -> name shown in the language selector (in its own language).
LANGUAGES: dict[str, str] = {
    "en": "English",
    "zh_Hant": "繁體中文",
    "zh_Hans": "简体中文",
    "tr": "Türkçe",
}
DEFAULT_LANGUAGE = "en"
T = TypeVar("T")

_current: contextvars.ContextVar[str] = contextvars.ContextVar("language", default="en")
# The app installs a provider that reads the language of the session being served; Streamlit may
# run fragments in other threads, where a context variable set by the main script is not visible.
_provider: Callable[[], str | None] | None = None


@functools.cache
def _translations(lang: str) -> gettext.NullTranslations:
    """Compile ``lang``'s .po catalogue in memory; English (the source) needs none."""
    po_path = LOCALES_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"
    if lang == DEFAULT_LANGUAGE or not po_path.exists():
        return gettext.NullTranslations()
    with po_path.open("rb") as handle:
        catalog = read_po(handle)
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


def set_language(lang: str) -> str:
    """Make ``lang`` the current language (unknown codes fall back to English); return it."""
    lang = lang if lang in LANGUAGES else DEFAULT_LANGUAGE
    _current.set(lang)
    return lang


def set_provider(provider: Callable[[], str | None] | None) -> None:
    """Install a function that returns the current language (or None to use the default)."""
    global _provider
    _provider = provider


def translated(lang: str, build: Callable[..., T], *args: object) -> T:
    """``build(*args)`` with ``lang`` as the current language: for work deferred past the
    script run (a download made when clicked), where the session's language is not known."""

    def call() -> T:
        set_language(lang)
        return build(*args)

    return contextvars.copy_context().run(call)


def current_language() -> str:
    if _provider is not None:
        try:
            lang = _provider()
        except Exception:  # outside a Streamlit session: fall back to the context variable
            lang = None
        if lang in LANGUAGES:
            return lang
    return _current.get()


def match_locale(locale: str | None) -> str:
    """Best supported language for a browser locale such as 'zh-TW', 'zh-CN', 'tr-TR'."""
    if not locale:
        return DEFAULT_LANGUAGE
    tag = locale.replace("_", "-").lower()
    if tag.startswith("zh"):
        traditional = any(part in tag for part in ("hant", "-tw", "-hk", "-mo"))
        return "zh_Hant" if traditional else "zh_Hans"
    if tag.startswith("tr"):
        return "tr"
    return DEFAULT_LANGUAGE


def N_(message: str) -> str:
    """Mark ``message`` for the catalogue without translating it (a label declared at import
    time, translated with ``_()`` where it is shown)."""
    return message


def _(message: str) -> str:
    """Translate ``message`` into the current language."""
    if not message:  # gettext("") is the catalogue's header, not an empty string
        return message
    return _translations(current_language()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """Translate ``singular`` or ``plural`` (chosen by ``n`` and the language's plural rule)."""
    return _translations(current_language()).ngettext(singular, plural, n)
