"""Check the URL's query parameters before the widgets bound to them read it.

Streamlit's ``bind="query-params"`` already ignores values it cannot use (garbage, out of range)
and falls back to the widget's default. It does so silently; these checks say what was ignored,
in one short warning, so a user who opens a broken link knows why the view differs.
"""

from __future__ import annotations

import html
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

import streamlit as st

from i18n import _
from ui import server

CUSTOM = "custom"  # the user's own formula's id in the pickers (ui.custom)
# A raw value is echoed in a warning; keep it short so a hostile link cannot flood the page.
_ECHO_LIMIT = 40


@dataclass(frozen=True)
class Rule:
    """What one URL key accepts. ``drop``: a value it rejects leaves the address bar (a
    multi-valued key keeps its usable values instead)."""

    key: str
    check: Callable[[list[str]], str | None]  # the raw values -> a problem, or None if fine
    drop: bool = True


def number(key: str, lo: float, hi: float, *, integer: bool = False) -> Rule:
    def check(values: list[str]) -> str | None:
        raw = values[-1]
        try:
            value = float(raw)
        except ValueError:
            return _("'{key}' must be a number, not '{value}'").format(key=key, value=_echo(raw))
        if not math.isfinite(value) or not lo <= value <= hi:
            return _("'{key}' must be between {lo} and {hi}, not {value}").format(
                key=key, lo=_fmt(lo), hi=_fmt(hi), value=_echo(raw)
            )
        if integer and value != int(value):
            return _("'{key}' must be a whole number, not {value}").format(
                key=key, value=_echo(raw)
            )
        return None

    return Rule(key, check)


def choice(
    key: str, options: Sequence[str], *, multi: bool = False, max_count: int | None = None
) -> Rule:
    def check(values: list[str]) -> str | None:
        chosen = values if multi else values[-1:]
        if max_count is not None and len(chosen) > max_count:
            message = _("'{key}': at most {limit} values, not {n}; the first {limit} are shown")
            return message.format(key=key, limit=max_count, n=len(chosen))
        unknown = [v for v in chosen if v not in options]
        if not unknown:
            return None
        if unknown[0] == CUSTOM:
            return _("'{key}': your own formula (custom) cannot be used; see the sidebar").format(
                key=key
            )
        return _("'{key}': unknown value '{value}'; valid values are {options}").format(
            key=key, value=_echo(unknown[0]), options=_list(options)
        )

    return Rule(key, check, drop=not multi)


def flag(key: str) -> Rule:
    def check(values: list[str]) -> str | None:
        if values[-1].lower() in ("true", "false"):
            return None
        return _("'{key}' must be true or false, not '{value}'").format(
            key=key, value=_echo(values[-1])
        )

    return Rule(key, check)


def text(key: str, max_length: int) -> Rule:
    def check(values: list[str]) -> str | None:
        if len(values[-1]) <= max_length:
            return None
        return _("'{key}' is too long ({n} characters; the limit is {limit})").format(
            key=key, n=len(values[-1]), limit=max_length
        )

    # The text stays in its box and in the link (the page says what it used instead): a
    # user's long text is never thrown away.
    return Rule(key, check, drop=False)


def problems(query: Mapping[str, list[str]], rules: Iterable[Rule]) -> tuple[list[str], list[str]]:
    """The problems with ``query`` under ``rules``, and the keys no rule (or page) knows."""
    found, unknown, _rejected = _review(query, rules)
    return found, unknown


def _review(
    query: Mapping[str, list[str]], rules: Iterable[Rule]
) -> tuple[list[str], list[str], list[str]]:
    """(problems, unknown keys, keys whose rejected value should leave the address bar)."""
    by_key = {rule.key: rule for rule in rules}
    found: list[str] = []
    unknown: list[str] = []
    rejected: list[str] = []
    for key, values in query.items():
        if key == "lang":
            continue
        rule = by_key.get(key)
        if rule is None:
            unknown.append(key)
        elif values and (message := rule.check(list(values))):
            found.append(message)
            if rule.drop:
                rejected.append(key)
    return found, unknown, rejected


_SNAPSHOT = "_link"


def snapshot() -> None:
    """Keep the link as it arrived; app.py calls this before its sidebar widgets, which
    silently drop values they cannot use (so a page's report would never see them)."""
    st.session_state[_SNAPSHOT] = {key: st.query_params.get_all(key) for key in st.query_params}


def report(rules: Iterable[Rule]) -> None:
    """Warn about bad or unknown URL parameters; drop the unknown ones from the address bar."""
    query = st.session_state.get(_SNAPSHOT)
    if query is None:
        query = {key: st.query_params.get_all(key) for key in st.query_params}
    found, unknown, rejected = _review(query, rules)
    if unknown:
        found.append(_("Ignored unknown link parameters: {keys}").format(keys=_list(unknown[:8])))
    # What was not used leaves the address bar, so a copied link does not carry it on.
    for key in [*unknown, *rejected]:
        server.drop_from_link(key)
    # Report a link once: later reruns read the address bar as it is then.
    st.session_state.pop(_SNAPSHOT, None)
    if found:
        # Escaped and rendered as Markdown text, never as HTML.
        lines = "\n".join(f"- {_md_escape(message)}" for message in found[:10])
        st.warning(
            _("Some settings in the link could not be used; defaults are shown instead.")
            + "\n\n"
            + lines,
            icon="⚠️",
        )


def _fmt(value: float) -> str:
    return f"{value:g}"


def _echo(raw: str) -> str:
    raw = raw.replace("\n", " ")
    return raw if len(raw) <= _ECHO_LIMIT else raw[:_ECHO_LIMIT] + "…"


def _list(items: Iterable[str]) -> str:
    items = list(items)
    shown = ", ".join(items[:12])
    return shown + (", …" if len(items) > 12 else "")


def _md_escape(text: str) -> str:
    text = html.escape(text, quote=False)
    for char in "\\`*_{}[]()#+!|<>~$":
        text = text.replace(char, "\\" + char)
    return text
