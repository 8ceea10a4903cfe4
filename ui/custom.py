"""The user's own activation: a formula box in the sidebar, shared by every page.

The formula travels in the URL as ``fx``, each parameter's slider range as ``fx.<p>.min`` and
``fx.<p>.max``; the parameter values themselves are ordinary per-page sliders (slot "custom",
keys ``custom.<p>``), exactly as for a registry activation.

Typing a new formula shows it at once: the box's change callback adds "custom" to the
current page's activation picker (Curves and Gradients append it; Warp and Train, which show
one activation, switch to it). The picker is bound to the URL, so the link reproduces the view.
"""

from __future__ import annotations

import math
import re

import streamlit as st

from activations import domain, formula
from i18n import _
from ui import link, shell
from ui.app_controls import APP_CONTROLS, FORMULA_KEY, range_key

CUSTOM = "custom"
EXAMPLES = (
    "x * sigmoid(b*x)",
    "max(a*x, x)",
    "x * tanh(softplus(x))",
    "where(x > 0, x, a*(exp(x)-1))",
)
PICKER_KEY = "act"  # every page's (first) activation picker
_REPLACED = "_custom_replaced"  # what the formula took the place of, said once

# What Markdown (and Streamlit's :colour[...] and :icon: extensions) would act on inside a
# line: a formula's * and _ must not turn into emphasis, nor x<0 into a tag.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>~$|:])")
_LINE_START = re.compile(r"^(\s*\d*)([#+\-=>.)])")  # a heading, list or quote marker


def escape_markdown(text: str) -> str:
    """``text`` shown literally where Streamlit renders Markdown (labels, titles, captions)."""
    text = _MARKDOWN_SPECIAL.sub(r"\\\1", text)
    return _LINE_START.sub(lambda m: m[1] + "\\" + m[2], text)


def note(act: formula.CustomActivation) -> str:
    """What the formulas section says about the user's formula (Markdown-safe)."""
    return _(
        "Your formula f(x) = {formula}. The derivative is exact (SymPy); at kinks it takes the "
        "slope of the branch whose condition holds (max/min: the first argument on ties; clip: "
        "0 at the ends)."
    ).format(formula=escape_markdown(" ".join(act.text.split())))


def error_text(error: formula.FormulaError) -> str:
    """The parser's one-line message in the user's language."""
    return error.render(_)


def _ranges() -> dict[str, tuple[float, float, float]]:
    """(default, min, max) per parameter from the range inputs; the default is 1 if inside."""
    ranges = {}
    for name in formula.PARAM_NAMES:
        lo = st.session_state.get(range_key(name, "min"))
        hi = st.session_state.get(range_key(name, "max"))
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


# ----------------------------------------------------------------------------- gaps


def _number(x: float) -> str:
    return f"{x:.6g}".replace("-", "−")


def _where(gap: domain.Gap) -> str:
    """The gap as an inequality in x, e.g. "x < 0", "x ≥ 709.783", "−1 < x ≤ 1"."""
    left = f"{_number(gap.lo)} {'≤' if gap.lo_closed else '<'} " if gap.lo > -math.inf else ""
    right = f" {'≤' if gap.hi_closed else '<'} {_number(gap.hi)}" if gap.hi < math.inf else ""
    if left and not right:  # "x > a" reads better than "a < x"
        return f"x {'≥' if gap.lo_closed else '>'} {_number(gap.lo)}"
    return f"{left}x{right}"


def describe_gaps(gaps: tuple[domain.Gap, ...]) -> str:
    """One short phrase per gap, e.g. "undefined for x < 0; infinite at x = 0"."""
    phrases = []
    for gap in gaps:
        undefined = gap.kind == "undefined"
        if gap.everywhere:
            phrases.append(_("undefined everywhere") if undefined else _("infinite everywhere"))
        elif gap.is_point:
            template = _("undefined at x = {x}") if undefined else _("infinite at x = {x}")
            phrases.append(template.format(x=_number(gap.lo)))
        elif undefined:
            phrases.append(_("undefined for {where}").format(where=_where(gap)))
        else:  # ±∞ over an interval: past float64's largest number (exp(x) beyond 709.8)
            phrases.append(_("beyond floating point (±∞) for {where}").format(where=_where(gap)))
    return "; ".join(phrases)


def gaps_note(act: formula.CustomActivation, params: dict[str, float] | None = None) -> str | None:
    """Where f and f′ are not numbers, as one line for a caption ("f: …  ·  f′: …"), or None
    when both are finite everywhere."""
    params = act.check_params(**(params or {}))
    f_gaps = domain.gaps(act, "f", **params)
    g_gaps = domain.gaps(act, "grad", **params)
    parts = []
    if f_gaps:
        parts.append(f"f: {describe_gaps(f_gaps)}")
    if g_gaps and g_gaps != f_gaps:
        parts.append(f"f′: {describe_gaps(g_gaps)}")
    return "  ·  ".join(parts) if parts else None


# ----------------------------------------------------------------------------- type and see


def _show_on_this_page() -> None:
    """The box's change callback: a new, valid formula joins the page's activation picker."""
    act = current()
    page = shell.current_page()
    if act is None or page is None:
        return
    picker = _picker(page)
    if picker is None:
        return
    chosen = st.session_state.get(PICKER_KEY)
    if isinstance(picker, link.Choices):
        chosen = list(chosen) if isinstance(chosen, list | tuple) else []
        if CUSTOM in chosen:
            return
        limit = picker.max_count or len(chosen) + 1
        st.session_state[PICKER_KEY] = [*chosen[: limit - 1], CUSTOM]
        # Said in the box: a full picker gives up its last activation for the formula.
        st.session_state[_REPLACED] = chosen[limit - 1 :]
    else:
        st.session_state[PICKER_KEY] = CUSTOM


def _picker(page: str | None) -> link.Choice | link.Choices | None:
    """The page's (first) activation picker, as the page declares it; None if it has none."""
    controls = link.PAGES.get(page or "")
    picker = controls.by_key.get(PICKER_KEY) if controls is not None else None
    return picker if isinstance(picker, link.Choice | link.Choices) else None


def shown_on_this_page() -> bool | None:
    """Whether this page's picker shows the formula; None on a page without one."""
    page = shell.current_page()
    if _picker(page) is None:
        return None
    # "act" and the pages' other pickers: Warp's "act2" (compare), Train's "act2".."act4"
    for key in (control.key for control in link.PAGES[page]):
        if not key.startswith(PICKER_KEY):
            continue
        chosen = st.session_state.get(key, st.query_params.get_all(key))
        chosen = [chosen] if isinstance(chosen, str) else list(chosen or [])
        if CUSTOM in chosen:
            return True
    return False


def formula_box() -> None:
    """Sidebar expander: type a formula, set its parameters' ranges, see f and f′."""
    text = (st.session_state.get(FORMULA_KEY) or st.query_params.get(FORMULA_KEY) or "").strip()
    with st.sidebar.expander(
        _("Your own activation"), expanded=bool(text), icon=":material/function:"
    ):
        text = APP_CONTROLS.show(
            FORMULA_KEY,
            placeholder=EXAMPLES[0],
            on_change=_show_on_this_page,
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
            st.error(error_text(error), icon=":material/error:")
            return
        for name, *_range in act.ranges:
            cols = st.columns(2)
            APP_CONTROLS.show(range_key(name, "min"), cols[0])
            APP_CONTROLS.show(range_key(name, "max"), cols[1])
        # Inline math wraps at + and = (a display formula is cut at the sidebar's edge).
        st.markdown(f"${act.formula}$")
        st.markdown(f"${act.grad_formula}$")
        if gaps := gaps_note(act):
            st.caption(f":material/warning: {escape_markdown(gaps)}")
        shown = shown_on_this_page()
        replaced = st.session_state.pop(_REPLACED, None)
        if shown and replaced:
            st.caption(
                _("Shown on this page as “custom”, in place of {names} (at most {n}).").format(
                    names=", ".join(replaced), n=len(st.session_state.get(PICKER_KEY, []))
                )
            )
        elif shown:
            st.caption(_("Shown on this page as “custom”."))
        elif shown is False:
            st.caption(_("Pick “custom” in this page's activation list to see it."))
        else:
            st.caption(
                _("Pick “custom” in the activation list of Curves, Warp, Train or Gradients.")
            )
