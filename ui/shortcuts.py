"""Page-wide browser helpers, mounted once per run from ``ui.shell.style``: keyboard shortcuts
for buttons found by their key, accessible names for every chart, and the light/dark theme as
the browser shows it (``ui/shortcuts.js`` says how).

Shortcuts are declared here by button key, so a page gets one by giving its button that key:
Train's buttons are ``st.button(..., key="train")`` and ``key="stop"``; Play/Pause is the first
animated chart's own control. Alt plus a letter, so that no single key press (a screen reader's
or a typist's) triggers anything.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import streamlit as st

from ui.live_chart import widget_class


@dataclass(frozen=True)
class Shortcut:
    keys: str  # as aria-keyshortcuts writes it: "Alt+T"
    button_key: str | None  # the st.button's key; None for Play/Pause
    action: str = "click"

    @property
    def code(self) -> str:
        return "Key" + self.keys.rsplit("+", 1)[-1].upper()


SHORTCUTS = (
    Shortcut("Alt+T", "train"),
    Shortcut("Alt+S", "stop"),
    Shortcut("Alt+P", None, action="play"),
)
THEME_KEY = "_theme"  # the theme the browser reported (light or dark)

_helpers = st.components.v2.component(
    "activation_lab.page_helpers",
    js=Path(__file__).with_name("shortcuts.js").read_text(encoding="utf-8"),
    isolate_styles=False,
)


def _remember_theme() -> None:
    reported = st.session_state.get("_page_helpers")
    theme = getattr(reported, "theme", None) if reported is not None else None
    if theme in ("light", "dark"):
        st.session_state[THEME_KEY] = theme


def theme_type() -> str:
    """ "light" or "dark": what the browser last reported, else Streamlit's guess, else light."""
    theme = st.session_state.get(THEME_KEY)
    if theme not in ("light", "dark"):
        try:
            theme = st.context.theme.type
        except Exception:  # no browser context (AppTest, bare mode)
            theme = None
    return theme if theme in ("light", "dark") else "light"


def install() -> None:
    """Mount the helpers (once per run; they stay mounted across reruns)."""
    _helpers(
        key="_page_helpers",
        data={
            "theme": theme_type(),
            "shortcuts": [
                {
                    "keys": s.keys,
                    "code": s.code,
                    "action": s.action,
                    "target": widget_class(s.button_key) if s.button_key else None,
                }
                for s in SHORTCUTS
            ],
        },
        on_theme_change=_remember_theme,
        height="content",
    )
