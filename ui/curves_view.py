"""The Curves page's controls, its interactive view (one fragment) and its tables."""

from __future__ import annotations

import functools
import math

import numpy as np
import pandas as pd
import streamlit as st

import activations
from charts.curves import (
    Curve,
    curve_table,
    curves_figure,
    sample_grid,
)
from charts.theme import activation_color, activation_label, copy_dash
from i18n import N_, _
from ui import controls, custom, link
from ui.export import show_chart
from ui.live_chart import LiveLink, encode, js_activation, widget_class

DEFAULT_SLOTS = ["sigmoid", "tanh", "relu", "leaky_relu"]
X_LIMIT = 1000.0
# More curves than colours are unreadable, and each one costs the server (252 took 7.8 s).
MAX_CURVES = 12
ACT_COL = "activation"
# Property table columns that can be sorted; ids, not translated, since they travel in the URL.
SORT_KEYS = (
    "order",
    "range",
    "mean/RMS",
    "max |f′|",
    "f′(0)",
    "cost f (ns)",
    "cost f′ (ns)",
)
NUMBER_FORMATS = {
    "mean/RMS": "{:.2f}",
    "max |f′|": "{:.6g}",
    "f′(0)": "{:.6g}",
    "cost f (ns)": "{:.1f}",
    "cost f′ (ns)": "{:.1f}",
}


def slot_choices() -> list[str]:
    """Every activation id, then the copies ("leaky_relu~2") the link or session asks for."""
    requested = [*st.query_params.get_all("act"), *st.session_state.get("act", [])]
    return controls.slot_options(requested)


def _x(key: str, label: str, default: float, step: float) -> link.Number:
    return link.Number(
        key=key, label=label, lo=-X_LIMIT, hi=X_LIMIT, default=default, step=step, widget="input"
    )


# The page's link: every control, declared once (URL check and widget both come from here).
CONTROLS = link.Controls(
    link.Choices(
        key="act",
        label=N_("Activations"),
        options=slot_choices,
        default=DEFAULT_SLOTS,
        max_count=MAX_CURVES,
        help=N_("Type to search. Every activation in the library is here."),
    ),
    _x("xmin", N_("x min"), -6.0, 1.0),
    _x("xmax", N_("x max"), 6.0, 1.0),
    link.Flag(key="overlay", label=N_("One panel"), help=N_("f and f′ in one panel, f′ dotted.")),
    link.Flag(
        key="logd",
        label=N_("Log-scale |f′|"),
        help=N_("Shows how fast gradients vanish in the tails."),
    ),
    link.Flag(key="show_probe", label=N_("Probe a point"), default=True),
    _x("probe", N_("Probe x"), 1.0, 0.1),
    link.Choice(
        key="sort", label=N_("Sort by"), options=SORT_KEYS, shown=lambda key: _sort_label(key)
    ),
    page="curves",
)


def report_link() -> None:
    """One warning for the link's bad or unknown values (the activations' parameters too)."""
    in_link = [s for s in st.query_params.get_all("act") if s in slot_choices()]
    CONTROLS.report(*controls.param_rules(in_link or st.session_state.get("act", DEFAULT_SLOTS)))


def add_copy() -> None:
    source = st.session_state.get("copy_source")
    chosen = list(st.session_state.get("act", []))
    if source and (slot := controls.next_copy(source, chosen)):
        st.session_state["act"] = [*chosen, slot]


def activation_picker() -> list[str]:
    """The activations to plot, and a way to add a copy of one with other parameters."""
    pick_col, copy_col = st.columns([5, 2], vertical_alignment="bottom")
    slots = CONTROLS.show("act", pick_col)
    with_params = sorted(
        {controls.slot_activation(s) for s in slots if controls.activation_of(s).params}
    )
    if with_params:
        with copy_col.popover(_("Compare two settings"), icon=":material/add:", width="stretch"):
            st.selectbox(_("Add a copy of"), with_params, key="copy_source")
            st.button(_("Add a copy"), on_click=add_copy, icon=":material/add:")
    return slots


@st.fragment
def interactive_view(slots: list[str]) -> None:
    """Sliders, chart, probe values and properties: a slider move reruns only this part."""
    controls_col, chart_col = st.columns([1, 3], gap="large")
    with controls_col:
        params: dict[str, dict[str, float]] = {}
        for slot in slots:
            if controls.activation_of(slot).params:
                st.markdown(f"**{slot}**")
                params[slot] = controls.param_sliders(slot)
            else:
                params[slot] = {}
        if any(params.values()):
            st.divider()
        x_cols = st.columns(2)
        x_min, x_max = CONTROLS.show("xmin", x_cols[0]), CONTROLS.show("xmax", x_cols[1])
        if not x_min < x_max:
            st.warning(_("x min must be below x max; showing [-6, 6]."))
            x_min, x_max = -6.0, 6.0
        overlay = CONTROLS.show("overlay")
        log_grad = CONTROLS.show("logd")
        probe = CONTROLS.show("probe") if CONTROLS.show("show_probe") else None

    x = sample_grid(x_min, x_max)
    curves = [sample_curve(slot, params[slot], x, probe) for slot in slots]
    with chart_col:
        for curve in curves:
            if controls.slot_activation(curve.key) == custom.CUSTOM and (
                gaps := custom.gaps_note(controls.activation_of(curve.key), params[curve.key])
            ):
                name, where = custom.escape_markdown(curve.label), custom.escape_markdown(gaps)
                st.caption(f":material/warning: **{name}**: {where}")
        fig = curves_figure(curves, (x_min, x_max), overlay=overlay, log_grad=log_grad)
        show_chart(
            fig,
            _("activation curves"),
            functools.partial(curve_table, curves, x),
            key="curves",
            links=[_live_link(curves, params, x, log_grad, probe)],
        )
        if probe is not None:
            # Static tables: an interactive data grid costs ~100 ms of browser time per redraw.
            st.markdown(_("**Values at x = {x:g}**").format(x=probe))
            st.table(
                pd.DataFrame([_probe_row(c) for c in curves])
                .set_index(ACT_COL)
                .rename_axis(_("activation"))
            )

    st.subheader(_("Properties"))
    st.caption(_property_caption())
    table = pd.DataFrame([_property_row(c, params[c.key]) for c in curves])
    sort_by = CONTROLS.show("sort")
    if sort_by != "order":
        table = table.sort_values(sort_by, kind="stable", key=_sort_key, na_position="last")
    shown = table.set_index(ACT_COL).rename(columns=_property_labels()).rename_axis(_("activation"))
    labels = _property_labels()
    st.table(
        shown.style.format(
            {
                labels.get(k, k): functools.partial(_format_number, spec)
                for k, spec in NUMBER_FORMATS.items()
            }
        )
    )


def sample_curve(slot: str, params: dict[str, float], x: np.ndarray, probe: float | None) -> Curve:
    """Slot ``slot``'s activation at ``params``, sampled on ``x`` (and at ``probe``), with its
    legend label, colour and dash."""
    act = controls.activation_of(slot)
    f, df = act.value_and_grad(x, **params)
    probed = None
    if probe is not None:
        fp, dfp = act.value_and_grad(probe, **params)
        probed = (float(probe), float(fp), float(dfp))
    return Curve(
        key=slot,
        label=controls.slot_label(slot, params),
        f=f,
        df=df,
        color=activation_color(controls.slot_activation(slot)),
        dash=copy_dash(controls.copy_index(slot)),
        probe=probed,
    )


def _live_link(
    curves: list[Curve],
    params: dict[str, dict[str, float]],
    x: np.ndarray,
    log_grad: bool,
    probe: float | None,
) -> LiveLink:
    """Every parameter slider, followed in the browser: each curve's f and f′ are generated
    JavaScript (activations.jscode) evaluated on the figure's x grid for the slider's value."""
    per_curve = 2 if probe is None else 4  # f, f′, then the two probe markers
    shown, controls_ = [], {}
    for i, curve in enumerate(curves):
        act = controls.activation_of(curve.key)
        keys = [controls.param_key(curve.key, p.name) for p in act.params]
        for key, p in zip(keys, act.params, strict=True):
            controls_[key] = ([widget_class(key)], params[curve.key][p.name])
        shown.append(
            {
                "spec": js_activation(act) if act.params else None,
                "params": keys,
                "names": [p.name for p in act.params],
                "defaults": [p.default for p in act.params],
                "copy": bool(controls.copy_index(curve.key)),
                "label": activation_label(act),
                "traces": list(range(per_curve * i, per_curve * (i + 1))),
            }
        )
    data = {"x": encode(x, "f8"), "log_grad": log_grad, "probe": probe, "curves": shown}
    return LiveLink("curves", controls_, data)


def _sort_label(key: str) -> str:
    return _("order picked") if key == "order" else _property_labels().get(key, key)


def _sort_key(column: pd.Series) -> pd.Series:
    return column.astype(str) if column.dtype == object else column


def _probe_row(curve: Curve) -> dict[str, object]:
    _x, f, df = curve.probe
    return {ACT_COL: curve.label, "f(x)": _probe_number(f), "f′(x)": _probe_number(df)}


def _probe_number(value: float) -> str:
    return "—" if math.isnan(value) else f"{value:.10g}"  # NaN: f is not a number there


def _format_number(spec: str, value: float) -> str:
    """A table number: "—" where there is none (a formula undefined everywhere), ∞, and a
    typographic minus."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    if isinstance(value, float) and math.isinf(value):
        return "−∞" if value < 0 else "∞"
    text = spec.format(value)
    return "0.00" if text == "-0.00" else text.replace("-", "−")


def _property_caption() -> str:
    return _(
        "Computed from the functions themselves at the chosen parameters. **mean/RMS**: the "
        "mean output for standard-normal input divided by its root mean square, "
        "E[f(Z)] / √E[f(Z)²]; **zero-centred** when its size is at most {limit} (the ReLU "
        "family sits at 0.2–0.56, SELU at 0 by construction). **monotonic**: f never "
        "decreases, or never increases. **bounded**: on which side the output range is "
        "finite. **smooth (C¹)**: no jump in f or f′. **saturating**: on which side f′ → 0 "
        "(left: x → −∞, right: x → +∞); ReLU does not saturate for x > 0. **Cost**: "
        "nanoseconds per element, measured on this server."
    ).format(limit=activations.ZERO_CENTRED_MAX)


def _property_labels() -> dict[str, str]:
    return {
        "range": _("range"),
        "bounded": _("bounded"),
        "monotonic": _("monotonic"),
        "mean/RMS": _("mean/RMS under N(0,1)"),
        "zero-centred": _("zero-centred"),
        "smooth": _("smooth (C¹)"),
        "saturating": _("saturating"),
        "cost f (ns)": _("cost f (ns)"),
        "cost f′ (ns)": _("cost f′ (ns)"),
    }


def _word(value: bool | str | None) -> str:
    """yes/no and the side words of the property table, in the user's language."""
    words = {
        True: _("yes"),
        False: _("no"),
        "no": _("no"),
        "both": _("both"),
        "left": _("left"),
        "right": _("right"),
        "below": _("below"),
        "above": _("above"),
    }
    return "—" if value is None else words[value]


def _property_row(curve: Curve, params: dict[str, float]) -> dict[str, object]:
    props = activations.properties(controls.activation_of(curve.key), **params)
    known = props.defined_anywhere  # x/0 has no range, no shape, no moments

    def word(value: bool | str | None) -> str:
        return _word(value if known else None)

    return {
        ACT_COL: curve.label,
        "range": props.range_str.replace(", ", ",\u00a0"),  # "(−∞, ∞)" on one line
        "bounded": word(props.bounded_sides),
        "monotonic": word(props.monotonic),
        "mean/RMS": props.centring,
        "zero-centred": word(props.zero_centred),
        "smooth": word(props.smooth),
        "saturating": word(props.saturates),
        "max |f′|": float(f"{props.max_abs_grad:.12g}"),
        "f′(0)": float(f"{props.grad_at_0:.12g}"),
        "cost f (ns)": round(props.cost_ns_f, 1),
        "cost f′ (ns)": round(props.cost_ns_grad, 1),
    }


def formulas_section(slots: list[str]) -> None:
    """Each chosen activation's f and f′ in LaTeX, and its note."""
    st.subheader(_("Formulas"))
    formula_cols = st.columns(2)
    for i, name in enumerate(dict.fromkeys(controls.slot_activation(s) for s in slots)):
        act = controls.activation_of(name)
        is_custom = name == custom.CUSTOM
        with formula_cols[i % 2].container(border=True):
            st.markdown(f"**{custom.escape_markdown(activation_label(act))}** · `{act.name}`")
            st.latex(act.formula)
            st.latex(act.grad_formula)
            st.caption(custom.note(act) if is_custom else _(act.note))
