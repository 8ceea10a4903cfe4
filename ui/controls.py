"""Widgets that several pages share: activation pickers and parameter sliders from the registry."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

import streamlit as st

import activations
from charts.theme import activation_label
from i18n import N_, _
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


# Point clouds' and datasets' names (``activations.clouds`` kinds), translated when shown.
SHAPE_NAMES = {
    "square": N_("square"),
    "gaussian": N_("Gaussian"),
    "grid": N_("grid"),
    "circle": N_("circle"),
    "disk": N_("disk"),
    "xor": N_("XOR"),
    "moons": N_("moons"),
    "rings": N_("rings"),
    "circles": N_("circles"),
    "spirals": N_("spirals"),
    "blobs": N_("blobs"),
}


def shape_label(kind: str) -> str:
    """A point cloud's or dataset's name in the user's language."""
    return _(SHAPE_NAMES.get(kind, kind))
