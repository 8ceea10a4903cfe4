"""Widgets that several pages share: activation pickers and parameter sliders from the registry."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

import streamlit as st

import activations
from charts.theme import activation_label
from i18n import _
from ui import custom, urlstate

# A copy of an activation is a "slot" named "<id>~<k>", so one activation can be plotted with
# several parameter settings; its parameters are bound to "<slot>.<param>" in the URL.
_COPY = re.compile(r"^(?P<base>[a-z0-9_]+)~(?P<k>[2-9])$")
MAX_COPIES = 9

# Labels may hold the user's formula: escape them wherever Streamlit renders Markdown.
escape_markdown = custom.escape_markdown


def slot_activation(slot: str) -> str:
    """The activation id of a slot ("leaky_relu~2" -> "leaky_relu")."""
    match = _COPY.match(slot)
    return match["base"] if match else slot


def copy_index(slot: str) -> int:
    """0 for the original, k-1 for "<id>~k"."""
    match = _COPY.match(slot)
    return int(match["k"]) - 1 if match else 0


def base_ids() -> tuple[str, ...]:
    """The registry's ids, then "custom" when the user has defined a formula in the sidebar."""
    return (*activations.names(), custom.CUSTOM) if custom.current() else activations.names()


def activation_of(slot: str) -> activations.Activation:
    """The activation a slot plots: a registry entry, or the user's own formula."""
    base = slot_activation(slot)
    if base == custom.CUSTOM:
        act = custom.current()
        if act is None:
            raise ValueError("no formula is defined")
        return act
    return activations.get(base)


def is_valid_slot(slot: str) -> bool:
    return slot_activation(slot) in base_ids() and (
        slot in base_ids() or _COPY.match(slot) is not None
    )


def slot_options(requested: Iterable[str]) -> list[str]:
    """Every id (registry, then custom), then the valid copies among ``requested``."""
    copies = sorted({s for s in requested if is_valid_slot(s) and s not in base_ids()})
    return [*base_ids(), *copies]


def next_copy(slot: str, taken: Sequence[str]) -> str | None:
    """The first free copy slot of ``slot``'s activation, or None when all are taken."""
    base = slot_activation(slot)
    for k in range(2, MAX_COPIES + 1):
        if f"{base}~{k}" not in taken:
            return f"{base}~{k}"
    return None


def param_key(slot: str, param: str) -> str:
    return f"{slot}.{param}"


def param_sliders(slot: str, container=st) -> dict[str, float]:
    """One slider per parameter of ``slot``'s activation, bound to ``<slot>.<param>``."""
    act = activation_of(slot)
    values: dict[str, float] = {}
    for p in act.params:
        values[p.name] = container.slider(
            f"{p.name}",
            min_value=float(p.min),
            max_value=float(p.max),
            value=float(p.default),
            step=float(p.step),
            key=param_key(slot, p.name),
            help=_(p.description),
            bind="query-params",
        )
    try:
        return act.check_params(**values)
    except ValueError as error:  # e.g. hard_tanh with min_val >= max_val
        container.warning(_("{error}; using the defaults.").format(error=error))
        return act.defaults()


# Slider positions precomputed for the in-browser redraw: a block-aligned window (so it stays the
# same, and costs nothing to resend, while the slider moves inside it) with a margin both ways.
SWEEP_BLOCK = 50
SWEEP_MARGIN = 10


def slider_values(param: activations.Param, value: float) -> list[float]:
    """The values ``param``'s slider can show near ``value``, as the slider computes them."""
    steps = round((param.max - param.min) / param.step)
    at = min(max(round((value - param.min) / param.step), 0), steps)
    start = at // SWEEP_BLOCK * SWEEP_BLOCK
    ks = range(max(start - SWEEP_MARGIN, 0), min(start + SWEEP_BLOCK + SWEEP_MARGIN, steps) + 1)
    return [float(f"{param.min + k * param.step:.12g}") for k in ks]


def valid_values(
    slot: str, params: dict[str, float], name: str, values: list[float]
) -> list[float]:
    """The ``values`` of parameter ``name`` that ``slot``'s activation accepts with ``params``."""
    act = activation_of(slot)
    ok = []
    for value in values:
        try:
            act.check_params(**{**params, name: value})
        except ValueError:
            continue
        ok.append(value)
    return ok


def param_rules(slots: Iterable[str]) -> list[urlstate.Rule]:
    """URL rules for the parameter keys of ``slots``."""
    rules = []
    for slot in slots:
        if not is_valid_slot(slot):
            continue
        for p in activation_of(slot).params:
            rules.append(urlstate.number(param_key(slot, p.name), p.min, p.max))
    return rules


def slot_label(slot: str, params: dict[str, float]) -> str:
    """Legend text: the activation's label, with its parameters when they are not the defaults
    or when the slot is a copy."""
    act = activation_of(slot)
    label = activation_label(act)
    changed = {k: v for k, v in params.items() if v != act.defaults().get(k)}
    shown = params if copy_index(slot) or changed else {}
    if not shown:
        return label
    inner = ", ".join(f"{k}={v:g}" for k, v in shown.items())
    return f"{label} ({inner})"


def whole_number_input(
    container, label: str, lo: int, hi: int, default: int, step: int, key: str, **kwargs
) -> int:
    """A number input for a whole number, bound to the URL.

    It holds a float shown without decimals: Streamlit 1.67's integer ``number_input`` raises
    OverflowError on an infinite link value (e.g. ``n=1e400``) instead of ignoring it, while
    the float one falls back to its default (:func:`ui.urlstate.report` has already warned).
    """
    value = container.number_input(
        label,
        float(lo),
        float(hi),
        float(default),
        step=float(step),
        format="%.0f",
        key=key,
        bind="query-params",
        **kwargs,
    )
    return round(value)


ActivationKey = str | tuple[str, str, tuple]


def activation_key(slot: str) -> ActivationKey:
    """A small hashable key for ``slot``'s activation, for ``st.cache_data``: the registry id,
    or ("custom", formula text, ranges) for the user's own formula."""
    act = activation_of(slot)
    if slot_activation(slot) == custom.CUSTOM:
        return (custom.CUSTOM, act.text, act.ranges)
    return act.name


def activation_from_key(key: ActivationKey) -> activations.Activation:
    """The activation that :func:`activation_key` describes (formulas are parsed once, cached)."""
    if isinstance(key, tuple):
        _name, text, ranges = key
        return activations.formula.parse_formula(text, {n: (d, lo, hi) for n, d, lo, hi in ranges})
    return activations.get(key)


def picked(key: str) -> str | None:
    """The activation id the URL (or the session) asks for under ``key``, if it is a real one.

    Pages read it before their widgets exist, to set up the URL checks and parameter sliders.
    """
    value = st.query_params.get(key) or st.session_state.get(key)
    return value if value in base_ids() else None


def batch_label(size: int | str) -> str:
    """A batch size as shown: a number, or "full" (the whole training set) translated."""
    return _("full") if size == "full" else str(size)


def init_label(init: str) -> str:
    """An initialisation as shown: "auto" translated, the others by their method's name."""
    return _("auto") if init == "auto" else init


def shape_label(kind: str) -> str:
    """A point cloud's or dataset's name (``activations.clouds`` kinds) in the user's language."""
    labels = {
        "square": _("square"),
        "gaussian": _("Gaussian"),
        "grid": _("grid"),
        "circle": _("circle"),
        "disk": _("disk"),
        "xor": _("XOR"),
        "moons": _("moons"),
        "rings": _("rings"),
        "circles": _("circles"),
        "spirals": _("spirals"),
        "blobs": _("blobs"),
    }
    return labels.get(kind, kind)


def id_choice(widget, label: str, options: Sequence, *, key: str, format_func, **kwargs):
    """``widget(label, options, format_func=format_func, key=key, **kwargs)`` (a selectbox,
    select_slider, segmented_control or radio) that shows each option translated by
    ``format_func`` while the link keeps the option itself ("full", "grid").

    With ``bind="query-params"``, Streamlit writes the *shown* text into the address bar, so a
    link would depend on the language it was made in. Here the widget is not bound: its first
    value comes from the link (else from ``index``, ``value`` or ``default``, whichever the
    widget takes), and after each run the value goes back into the link (it is left out when
    it is that initial one). Pages check the link's values as usual (``urlstate.choice``).
    """
    if kwargs.get("bind") != "query-params":
        return widget(label, options, format_func=format_func, key=key, **kwargs)
    del kwargs["bind"]
    options = list(options)
    if "index" in kwargs:
        index = kwargs.pop("index")
        initial = None if index is None else options[index]
    elif "value" in kwargs:
        initial = kwargs.pop("value")
    elif "default" in kwargs:
        initial = kwargs.pop("default")
    else:
        initial = options[0] if options else None
    if key not in st.session_state:  # a new view: the link decides
        by_text = {str(option): option for option in options}
        st.session_state[key] = by_text.get(st.query_params.get(key), initial)
    shown_key = f"_shown.{key}"
    current = st.session_state[key]
    if st.session_state.get(shown_key, format_func(current)) != format_func(current):
        # The language changed: the browser still shows (and would send back) the option's
        # old text, so hand the widget its value again, which redraws it.
        st.session_state[key] = current
    value = widget(label, options, format_func=format_func, key=key, **kwargs)
    st.session_state[shown_key] = format_func(value)
    _keep_in_link(key, None if value is None or value == initial else str(value))
    return value


def _keep_in_link(key: str, text: str | None) -> None:
    """Write ``text`` as the link's ``key`` (remove it when None), if it differs."""
    if st.query_params.get(key) == text:
        return
    if text is None:
        del st.query_params[key]
    else:
        st.query_params[key] = text
