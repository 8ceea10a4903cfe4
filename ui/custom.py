"""The user's own activation: a formula box in the sidebar, shared by every page.

The formula travels in the URL as ``fx``, each parameter's slider range as ``fx.<p>.min`` and
``fx.<p>.max``; the parameter values themselves are ordinary per-page sliders (slot "custom",
keys ``custom.<p>``), exactly as for a registry activation.
"""

from __future__ import annotations

import streamlit as st

from activations import formula
from i18n import _

CUSTOM = "custom"
FORMULA_KEY = "fx"
RANGE_LIMIT = 1000.0
EXAMPLES = (
    "x * sigmoid(b*x)",
    "max(a*x, x)",
    "x * tanh(softplus(x))",
    "where(x > 0, x, a*(exp(x)-1))",
)


def _range_key(param: str, end: str) -> str:
    return f"{FORMULA_KEY}.{param}.{end}"


def _ranges() -> dict[str, tuple[float, float, float]]:
    """(default, min, max) per parameter from the range inputs; the default is 1 if inside."""
    ranges = {}
    for name in formula.PARAM_NAMES:
        lo = st.session_state.get(_range_key(name, "min"))
        hi = st.session_state.get(_range_key(name, "max"))
        if lo is None and hi is None:
            continue
        lo = formula.DEFAULT_RANGE[1] if lo is None else float(lo)
        hi = formula.DEFAULT_RANGE[2] if hi is None else float(hi)
        if lo < hi:
            ranges[name] = (min(max(formula.DEFAULT_RANGE[0], lo), hi), lo, hi)
    return ranges


def current() -> formula.CustomActivation | None:
    """The parsed formula of this session, or None when there is none or it does not parse."""
    text = (st.session_state.get(FORMULA_KEY) or "").strip()
    if not text:
        return None
    try:
        return formula.parse_formula(text, _ranges())
    except formula.FormulaError:
        return None


def formula_box() -> None:
    """Sidebar expander: type a formula, set its parameters' ranges, see f and f′."""
    text = (st.session_state.get(FORMULA_KEY) or st.query_params.get(FORMULA_KEY) or "").strip()
    with st.sidebar.expander(
        _("Your own activation"), expanded=bool(text), icon=":material/function:"
    ):
        text = st.text_input(
            "f(x) =",
            key=FORMULA_KEY,
            bind="query-params",
            max_chars=formula.MAX_LENGTH,
            placeholder=EXAMPLES[0],
            help=_(
                "An expression in x with up to three parameters a, b, c. Functions: {names}; "
                "every activation by its id, e.g. relu(x); constants pi and e."
            ).format(names=", ".join(formula.function_names())),
        ).strip()
        if not text:
            st.caption(
                _("Examples: {examples}").format(examples=" · ".join(f"`{e}`" for e in EXAMPLES))
            )
            return
        try:
            act = formula.parse_formula(text, _ranges())
        except formula.FormulaError as error:
            st.error(str(error), icon=":material/error:")
            return
        for name, _default, lo, hi in act.ranges:
            cols = st.columns(2)
            cols[0].number_input(
                _("{p} from").format(p=name),
                -RANGE_LIMIT,
                RANGE_LIMIT,
                lo,
                key=_range_key(name, "min"),
                bind="query-params",
            )
            cols[1].number_input(
                _("{p} to").format(p=name),
                -RANGE_LIMIT,
                RANGE_LIMIT,
                hi,
                key=_range_key(name, "max"),
                bind="query-params",
            )
        st.latex(act.formula)
        st.latex(act.grad_formula)
        st.caption(_("Pick “custom” in any page's activation list to use it."))
