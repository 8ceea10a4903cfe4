"""The one error a formula can raise, with its message kept translatable."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def N_(template: str) -> str:
    """Mark an English message template for the app's translation catalogue (Babel extracts
    ``N_`` calls from this file; i18n/babel.cfg) and return it unchanged: the library itself
    never translates."""
    return template


class FormulaError(ValueError):
    """A formula that cannot be used: ``str(err)`` is one English line, e.g.
    ``unknown function 'foo' at column 7``. ``column`` is 1-based, or None.

    For translation the parts stay apart: ``what`` and ``hint`` are stable templates (each
    marked with :func:`N_`) filled from ``values``; ``render(translate)`` builds the line
    with any gettext function, e.g. ``err.render(_)`` in the app.
    """

    def __init__(
        self, what: str, column: int | None = None, hint: str | None = None, **values: Any
    ) -> None:
        self.what = what
        self.hint = hint
        self.values = values
        self.column = column
        self.message = self.render()
        super().__init__(self.message)

    def render(self, translate: Callable[[str], str] = str) -> str:
        """The one-line message, each template passed through ``translate`` first."""
        message = translate(self.what).format(**self.values)
        if self.column is not None:
            template = translate(N_("{what} at column {column}"))
            message = template.format(what=message, column=self.column)
        if self.hint:
            hint = translate(self.hint).format(**self.values)
            message = translate(N_("{message}; {hint}")).format(message=message, hint=hint)
        return message

    def parts(self) -> tuple[str, int | None, str | None, tuple[tuple[str, Any], ...]]:
        """(what, column, hint, values): what the parse cache keeps to raise it afresh."""
        return self.what, self.column, self.hint, tuple(self.values.items())
