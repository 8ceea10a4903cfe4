"""Link-bound controls, each declared once: key, kind, range or options, default, label.

A page declares its controls in one :class:`Controls` (in its ``ui/<page>_view.py``); the URL
check (:mod:`ui.urlstate`'s rule) and the widget both come from that declaration, the way
TensorFlow Playground's ``state.ts`` lets one list of properties drive both reading and writing
the link::

    CONTROLS = link.Controls(
        link.Number("n", N_("Points"), 10, 200_000, 2_000, step=1000, integer=True, widget="input"),
        link.Choice("mode", N_("Matrix W"), ("preset", "random", "svd", "typed")),
    )
    CONTROLS.report()                      # one warning for a link's bad or unknown values
    n = CONTROLS.show("n", column)         # the widget, bound to ?n=

Labels and help texts are English msgids marked with ``N_`` (Babel extracts them) and
translated when shown. Keys are the link's parameter names, so old links keep working.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import streamlit as st

from i18n import N_, _
from ui import urlstate

BIND = "query-params"
SEED_MAX = 2**31 - 1  # seeds are whole numbers in [0, 2³¹ − 1], as NumPy takes them
Options = Sequence[Any] | Callable[[], Sequence[Any]]


def _options(options: Options) -> list[Any]:
    return list(options() if callable(options) else options)


def _text(value: object) -> str:
    """An option as the link writes it: numbers as %g (0.03, not 0.030000000000000002)."""
    return f"{value:g}" if isinstance(value, float) else str(value)


@dataclass(frozen=True, kw_only=True)
class Control:
    """What every control has: its link key, its label and help (English msgids)."""

    key: str
    label: str
    help: str | None = None
    # Values for {fields} in the label, e.g. {"n": 20} for "Logits (up to {n} numbers)".
    label_args: dict[str, Any] = field(default_factory=dict)

    def shown_label(self) -> str:
        return _(self.label).format(**self.label_args) if self.label else ""

    def shown_help(self) -> str | None:
        return _(self.help) if self.help else None

    def rule(self) -> urlstate.Rule:
        raise NotImplementedError

    def show(self, where: Any = st, **widget_args: Any) -> Any:
        raise NotImplementedError


@dataclass(frozen=True, kw_only=True)
class Number(Control):
    """A number in [lo, hi]: a slider, a number field (``widget="input"``), or both side by
    side (``widget="fine"``: sweep with the slider, type or step exactly in the field)."""

    lo: float
    hi: float
    default: float
    step: float | None = None
    integer: bool = False
    widget: str = "slider"  # "slider", "input" or "fine"
    fine_step: float | None = None  # the field's step beside a "fine" slider
    number_format: str | None = None  # the number field's printf format

    def rule(self) -> urlstate.Rule:
        return urlstate.number(self.key, self.lo, self.hi, integer=self.integer)

    def show(self, where: Any = st, **widget_args: Any) -> float:
        args = {"help": self.shown_help(), **widget_args}
        if self.widget == "fine":
            return _fine_slider(where, self, args)
        if self.widget == "input":
            return _number_field(where, self, self.step, args)
        if self.integer:
            lo, hi, default = int(self.lo), int(self.hi), int(self.default)
            step = int(self.step or 1)
        else:
            lo, hi, default = float(self.lo), float(self.hi), float(self.default)
            step = None if self.step is None else float(self.step)
        return where.slider(
            self.shown_label(), lo, hi, default, step, key=self.key, bind=BIND, **args
        )


def _number_field(where: Any, number: Number, step: float | None, args: dict[str, Any]) -> float:
    """A number field bound to the link. Whole numbers are held as floats shown without
    decimals: Streamlit 1.67's integer number_input raises OverflowError on an infinite link
    value (``n=1e400``) instead of ignoring it, while the float one falls back to its default
    (:meth:`Controls.report` has already warned)."""
    if number.integer:
        args = {"format": "%.0f", **args}
    elif number.number_format is not None:
        args = {"format": number.number_format, **args}
    value = where.number_input(
        number.shown_label(),
        float(number.lo),
        float(number.hi),
        float(number.default),
        step=None if step is None else float(step),
        key=number.key,
        bind=BIND,
        **args,
    )
    return round(value) if number.integer else value


def _fine_slider(where: Any, number: Number, args: dict[str, Any]) -> float:
    """A slider to sweep and, beside it, a number field to type or step precisely. The field
    holds the link binding (same key, range and default as a slider alone would have); each
    widget's change is copied into the other."""
    whole = number.fine_step == 1
    slider_key = f"{number.key}:slider"
    slide_col, field_col = where.columns([3, 2], vertical_alignment="bottom")
    field_args = {
        "label_visibility": "collapsed",
        "on_change": _round_field,
        "args": (number.key, whole),
        **args,
    }
    fine = Number(
        key=number.key,
        label=number.label,
        label_args=number.label_args,
        lo=number.lo,
        hi=number.hi,
        default=number.default,
        integer=whole,
        number_format=None if whole else "%g",  # as typed: 0.777 stays 0.777
    )
    value = _number_field(field_col, fine, number.fine_step, field_args)
    # The slider follows the field (a link or a typed value) before it is drawn.
    st.session_state[slider_key] = int(value) if whole else float(value)
    slide_col.slider(
        number.shown_label(),
        int(number.lo) if whole else float(number.lo),
        int(number.hi) if whole else float(number.hi),
        step=int(number.step or 1) if whole else float(number.step or 0.01),
        key=slider_key,
        on_change=_copy_slider,
        args=(number.key,),
        help=args.get("help"),
    )
    return value


def _round_field(key: str, whole: bool) -> None:
    """The number field changed: round it if it holds whole numbers (the slider follows it
    on the run this change starts)."""
    value = st.session_state.get(key)
    if whole and value is not None and value != round(value):
        st.session_state[key] = float(round(value))


def _copy_slider(key: str) -> None:
    """The slider moved: the number field, which holds the link binding, takes its value."""
    st.session_state[key] = float(st.session_state[f"{key}:slider"])


@dataclass(frozen=True, kw_only=True)
class Flag(Control):
    """On or off: a toggle."""

    default: bool = False

    def rule(self) -> urlstate.Rule:
        return urlstate.flag(self.key)

    def show(self, where: Any = st, **widget_args: Any) -> bool:
        args = {"help": self.shown_help(), **widget_args}
        return where.toggle(self.shown_label(), value=self.default, key=self.key, bind=BIND, **args)


@dataclass(frozen=True, kw_only=True)
class Text(Control):
    """A line of text of at most ``max_length`` characters."""

    default: str = ""
    max_length: int = 500

    def rule(self) -> urlstate.Rule:
        return urlstate.text(self.key, self.max_length)

    def show(self, where: Any = st, **widget_args: Any) -> str:
        args = {"help": self.shown_help(), **widget_args}
        return where.text_input(self.shown_label(), self.default, key=self.key, bind=BIND, **args)


@dataclass(frozen=True, kw_only=True)
class Choice(Control):
    """One of ``options`` (or of what the function ``options`` returns).

    ``shown`` turns an option into the text the user reads (translated). The link always
    names the option itself ("full", "grid", 0.03), so a link works in every language:
    Streamlit's own binding writes the shown text, so a translated choice keeps its link
    value itself (:func:`_id_choice`). ``optional``: no choice is allowed (a placeholder).
    """

    options: Options
    default: Any = None
    widget: str = "select"  # "select", "segmented", "select_slider" or "radio"
    shown: Callable[[Any], str] | None = None
    # An option as the link writes it when it is not its plain text ("2×" for a scale of 2).
    link_text: Callable[[Any], str] | None = None
    optional: bool = False
    placeholder: str | None = None

    def rule(self) -> urlstate.Rule:
        as_text = self.link_text or _text
        return urlstate.choice(self.key, [as_text(o) for o in _options(self.options)])

    def show(self, where: Any = st, **widget_args: Any) -> Any:
        options = _options(self.options)
        args: dict[str, Any] = {"help": self.shown_help(), **widget_args}
        default = self.default if self.default is not None or self.optional else options[0]
        if self.widget == "select_slider":
            args["value"] = default
        elif self.widget == "segmented":
            args.update(default=default, required=not self.optional)
        elif default is None:
            args["index"] = None
        else:
            args["index"] = options.index(default) if default in options else 0
        if self.placeholder:
            args["placeholder"] = _(self.placeholder)
        widget = {
            "select": where.selectbox,
            "segmented": where.segmented_control,
            "select_slider": where.select_slider,
            "radio": where.radio,
        }[self.widget]
        if self.shown is not None:
            return _id_choice(widget, self.shown_label(), options, self, args)
        format_func = self.link_text or _text
        return widget(
            self.shown_label(), options, format_func=format_func, key=self.key, bind=BIND, **args
        )


def _id_choice(
    widget: Callable[..., Any], label: str, options: list[Any], choice: Choice, args: dict
) -> Any:
    """A choice shown translated while the link keeps the option itself. The widget is not
    bound: its first value comes from the link (else the default), and after each run the
    value goes back into the link (left out when it is the default)."""
    key = choice.key
    initial = args.pop("value", None) if "value" in args else None
    if "index" in args:
        index = args.pop("index")
        initial = None if index is None else options[index]
    elif "default" in args:
        initial = args.pop("default")
    if key not in st.session_state:  # a new view: the link decides
        by_text = {_text(option): option for option in options}
        st.session_state[key] = by_text.get(st.query_params.get(key), initial)
    shown_key = f"_shown.{key}"
    current = st.session_state[key]
    shown = choice.shown
    if st.session_state.get(shown_key, shown(current)) != shown(current):
        # The language changed: the browser still shows (and would send back) the option's
        # old text, so hand the widget its value again, which redraws it.
        st.session_state[key] = current
    value = widget(label, options, format_func=shown, key=key, **args)
    st.session_state[shown_key] = shown(value)
    keep_in_link(key, None if value is None or value == initial else _text(value))
    return value


def keep_in_link(key: str, text: str | None) -> None:
    """Write ``text`` as the link's ``key`` (remove it when None), if it differs."""
    if st.query_params.get(key) == text:
        return
    if text is None:
        if key in st.query_params:
            del st.query_params[key]
    else:
        st.query_params[key] = text


@dataclass(frozen=True, kw_only=True)
class Choices(Control):
    """Several of ``options``, in order, at most ``max_count``: a multiselect."""

    options: Options
    default: Sequence[Any] = ()
    max_count: int | None = None

    def rule(self) -> urlstate.Rule:
        return urlstate.choice(
            self.key, [str(o) for o in _options(self.options)], multi=True, max_count=self.max_count
        )

    def show(self, where: Any = st, **widget_args: Any) -> list[Any]:
        args = {"help": self.shown_help(), **widget_args}
        # A page may widen the list (Curves adds copies of an activation).
        options = list(args.pop("options")) if "options" in args else _options(self.options)
        return where.multiselect(
            self.shown_label(),
            options,
            default=list(self.default),
            key=self.key,
            bind=BIND,
            max_selections=self.max_count,
            **args,
        )


# Each page's controls by the page's url path ("warp"): what the sidebar's formula box adds
# its activation to, and what a page switch puts aside.
PAGES: dict[str, Controls] = {}


class Controls:
    """The link-bound controls of one page (``page``, its url path) or of the app's sidebar,
    each declared once."""

    def __init__(self, *controls: Control, page: str | None = None) -> None:
        self.by_key: dict[str, Control] = {}
        for control in controls:
            if control.key in self.by_key:
                raise ValueError(f"two controls with the key {control.key!r}")
            self.by_key[control.key] = control
        if page is not None:
            PAGES[page] = self

    def __getitem__(self, key: str) -> Control:
        return self.by_key[key]

    def __iter__(self):
        return iter(self.by_key.values())

    def keys(self) -> tuple[str, ...]:
        return tuple(self.by_key)

    def rules(self) -> list[urlstate.Rule]:
        return [control.rule() for control in self]

    def report(self, *extra: urlstate.Rule) -> None:
        """Warn once about the link's bad or unknown values: these controls' rules, the
        sidebar's, and ``extra`` ones for keys that depend on the view (an activation's
        parameters)."""
        from ui.app_controls import APP_CONTROLS  # the sidebar's declarations use this module

        urlstate.report([*APP_CONTROLS.rules(), *self.rules(), *extra])

    def show(self, key: str, where: Any = st, **widget_args: Any) -> Any:
        """The widget of control ``key`` in ``where`` (a column, the sidebar...)."""
        return self.by_key[key].show(where, **widget_args)

    def show_each(self, keys: Sequence[str], where: Any = st) -> tuple[Any, ...]:
        """The widgets of ``keys`` in order: all in ``where``, or one per place of a sequence
        of places (``st.columns(3)``)."""
        places = where if isinstance(where, list | tuple) else [where] * len(keys)
        return tuple(self.show(key, place) for key, place in zip(keys, places, strict=True))

    def default(self, key: str) -> Any:
        return getattr(self.by_key[key], "default", None)


def seed(key: str, label: str = N_("Seed"), help: str | None = None) -> Number:
    """A random seed: a whole number typed in a field."""
    return Number(
        key=key,
        label=label,
        help=help,
        lo=0,
        hi=SEED_MAX,
        default=0,
        step=1,
        integer=True,
        widget="input",
    )
