"""The Warp page's data and figures, cached on small arguments and rebuilt from them.

Every function here takes small hashable values (cloud kind and size, the matrix entries, the
activation keys), so the page's exports (HTML, images, GIF) are deferred as
``functools.partial`` of these functions: until its next run a session then holds a few
numbers, not the figures (1.5 MB at 20 000 points) nor the page's namespace.
"""

from __future__ import annotations

import contextlib
import functools
import math
from collections.abc import Sequence
from typing import NamedTuple

import numpy as np
import pandas as pd
import streamlit as st
from streamlit.errors import StreamlitAPIException

from activations import warp
from activations.clouds import Cloud, make_cloud
from charts import export
from charts import warp as warp_charts
from charts.theme import FigureSpec, safe_filename
from i18n import _
from ui import controls

STAGES_MAX_POINTS = 5_000  # per small-multiple panel; dots in a 200-px panel saturate long before


class Setup(NamedTuple):
    """The cloud and the chosen layer: everything but the activation (a small cache key)."""

    kind: str
    n: int
    seed: int
    matrix: tuple[float, float, float, float]
    bias: tuple[float, float]

    @property
    def w(self) -> np.ndarray:
        return np.reshape(self.matrix, (2, 2))


Key = controls.ActivationKey
Params = tuple[tuple[str, float], ...]  # an activation's parameters, sorted (name, value)


class Side(NamedTuple):
    """One activation shown: its title, registry key and parameters (sorted items)."""

    title: str
    act: Key
    params: Params


class Colouring(NamedTuple):
    """How points are coloured: by group, with |f′| < eps marked (sat), or by area change."""

    eps: float
    area: bool
    sat: bool


@st.cache_data(max_entries=8, show_spinner=False)
def cloud_of(kind: str, n: int, seed: int) -> Cloud:
    return make_cloud(kind, n, seed)


@st.cache_data(max_entries=16, show_spinner=False)
def diag_of(setup: Setup, act: Key, params: Params, eps: float) -> warp.Diagnostics:
    """The layer's diagnostics on every point (see :func:`activations.warp.diagnostics`)."""
    cloud = cloud_of(setup.kind, setup.n, setup.seed).points
    activation = controls.activation_from_key(act)
    return warp.diagnostics(cloud, setup.w, setup.bias, activation, eps=eps, **dict(params))


@st.cache_data(max_entries=8, show_spinner=False)
def frames_of(setup: Setup, act: Key, params: Params, points: int, steps: int) -> dict:
    """The stages and animation frames of a subsample (``points`` for the animation,
    :data:`STAGES_MAX_POINTS` for the small multiples)."""
    cloud = cloud_of(setup.kind, setup.n, setup.seed).points
    activation = controls.activation_from_key(act)
    stages = warp.layer_stages(cloud, setup.w, setup.bias, activation, **dict(params))
    anim = warp_charts.subsample(setup.n, points)
    small = warp_charts.subsample(setup.n, STAGES_MAX_POINTS)
    frames = warp.interpolate_stages(
        [(name, a[anim]) for name, a in stages], warp.decompose(setup.w), steps
    )
    return {
        "frames": np.stack(frames).astype(np.float32),  # drawn as float32 anyway
        "small": [a[small].astype(np.float32) for _, a in stages],
    }


@st.cache_data(max_entries=8, show_spinner=False)
def stack_of(
    setup: Setup, act: Key, params: Params, layers: int, wseed: int, wscale: float
) -> dict:
    """The stack's outputs on a subsample, and how far it is from its single affine map."""
    points = cloud_of(setup.kind, setup.n, setup.seed).points
    outputs, affine = warp.stack_outputs(
        points,
        setup.w,
        np.asarray(setup.bias),
        controls.activation_from_key(act),
        layers,
        wseed,
        wscale,
        **dict(params),
    )
    w_total, b_total = warp.compose_linear(affine)
    with np.errstate(all="ignore"):
        gap = float(np.max(np.abs(outputs[-1] - (outputs[0] @ w_total.T + b_total))))
    small = warp_charts.subsample(setup.n, STAGES_MAX_POINTS)
    cloud = cloud_of(setup.kind, setup.n, setup.seed)
    return {
        "outputs": [y[small].astype(np.float32) for y in outputs],
        "single": (w_total, b_total),
        "gap": gap,
        "counts": warp.count_by_group(cloud.labels, group_count(cloud), warp.fates(outputs[-1])),
    }


def group_count(cloud: Cloud) -> int:
    return 2 if cloud.two_class else 4


def plan(setup: Setup, sides: Sequence[Side], colouring: Colouring) -> tuple[int, int]:
    """(points animated per panel, frames per transition): :func:`charts.warp.animation_plan`
    for this many points and sides, and the rings of |f′| < ε when they are shown."""
    marked = 0.0
    if colouring.sat:
        marked = sum(
            float(np.mean(diag_of(setup, side.act, side.params, colouring.eps).saturated))
            for side in sides
        )
    return warp_charts.animation_plan(setup.n, len(sides), marked)


def results(setup: Setup, sides: Sequence[Side], colouring: Colouring) -> list[dict]:
    """Per side, its frames (:func:`frames_of`, planned by :func:`plan`) and its diagnostics
    ("diag", :func:`diag_of`)."""
    anim_points, steps = plan(setup, sides, colouring)
    return [
        {
            **frames_of(setup, side.act, side.params, anim_points, steps),
            "diag": diag_of(setup, side.act, side.params, colouring.eps),
        }
        for side in sides
    ]


def palette(setup: Setup, colouring: Colouring) -> warp_charts.Palette:
    two_class = cloud_of(setup.kind, setup.n, setup.seed).two_class
    return warp_charts.area_palette() if colouring.area else warp_charts.group_palette(two_class)


def _panel(
    title: str,
    points: np.ndarray | Sequence[np.ndarray],
    result: dict,
    index: np.ndarray,
    cloud: Cloud,
    colouring: Colouring,
) -> warp_charts.Panel:
    """A panel of ``points`` (the subsample ``index`` of the cloud): colours by group or by
    area change, and rings on |f′| < ε when that overlay is on (both can show at once)."""
    d = result["diag"]
    if colouring.area:
        values = warp_charts.area_values(d.jacobian_det[index])
    else:
        values = warp_charts.group_values(cloud.labels[index], cloud.two_class)
    return warp_charts.Panel(title, points, values, d.saturated[index] if colouring.sat else None)


def _line_ids(cloud: Cloud, index: np.ndarray) -> np.ndarray | None:
    return None if cloud.line_ids is None else cloud.line_ids[index]


def _animation_panels(
    setup: Setup, sides: Sequence[Side], colouring: Colouring, found: list[dict] | None
) -> tuple[list[warp_charts.Panel], list[str], np.ndarray | None]:
    cloud = cloud_of(setup.kind, setup.n, setup.seed)
    anim_points, steps = plan(setup, sides, colouring)
    index = warp_charts.subsample(setup.n, anim_points)
    panels = [
        _panel(side.title, list(r["frames"]), r, index, cloud, colouring)
        for side, r in zip(sides, found or results(setup, sides, colouring), strict=True)
    ]
    return panels, warp_charts.frame_labels(steps), _line_ids(cloud, index)


def animation(
    setup: Setup, sides: Sequence[Side], colouring: Colouring, found: list[dict] | None = None
) -> FigureSpec:
    """The animated view of the layer (see :func:`charts.warp.animation_spec`). ``found``:
    :func:`results` for these arguments when the caller has them (each lookup unpickles)."""
    panels, labels, line_ids = _animation_panels(setup, sides, colouring, found)
    return warp_charts.animation_spec(panels, palette(setup, colouring), labels, line_ids=line_ids)


def animation_gif(setup: Setup, sides: Sequence[Side], colouring: Colouring) -> bytes:
    """The animation as a looping GIF (see :func:`charts.warp.animation_gif`)."""
    panels, labels = _animation_panels(setup, sides, colouring, None)[:2]
    return warp_charts.animation_gif(panels, palette(setup, colouring), labels)


def stages(
    setup: Setup,
    sides: Sequence[Side],
    colouring: Colouring,
    titles: Sequence[str],
    found: list[dict] | None = None,
) -> FigureSpec:
    """Small multiples of the stages of the first side, then the activate stage of each side
    (``titles``: the six stage titles, then one per extra side; ``found`` as in
    :func:`animation`)."""
    cloud = cloud_of(setup.kind, setup.n, setup.seed)
    index = warp_charts.subsample(setup.n, STAGES_MAX_POINTS)
    found = found or results(setup, sides, colouring)
    panels = [
        _panel(titles[i], found[0]["small"][i], found[0], index, cloud, colouring) for i in range(6)
    ]
    panels += [
        _panel(title, r["small"][5], r, index, cloud, colouring)
        for title, r in zip(titles[6:], found[1:], strict=True)
    ]
    return warp_charts.stages_spec(
        panels,
        palette(setup, colouring),
        line_ids=_line_ids(cloud, index),
        columns=3 if len(panels) <= 6 else 4,
    )


def stack(
    setup: Setup,
    act: Key,
    params: Params,
    layers: int,
    wseed: int,
    wscale: float,
    titles: Sequence[str],
) -> FigureSpec:
    """Small multiples of the input and the output of each layer of the stack."""
    cloud = cloud_of(setup.kind, setup.n, setup.seed)
    index = warp_charts.subsample(setup.n, STAGES_MAX_POINTS)
    outputs = stack_of(setup, act, params, layers, wseed, wscale)["outputs"]
    values = warp_charts.group_values(cloud.labels[index], cloud.two_class)
    return warp_charts.stages_spec(
        [warp_charts.Panel(title, y, values) for title, y in zip(titles, outputs, strict=True)],
        warp_charts.group_palette(cloud.two_class),
        line_ids=_line_ids(cloud, index),
        columns=min(len(titles), 5),
    )


# --- small views (here, not in the page: a function defined in a page script keeps that
# run's whole namespace alive until a garbage collection finds the cycle) ---


def second_slot(act: str, act2: str | None) -> str | None:
    """The compared activation's slot: a copy when it is the same activation, so its
    parameters get their own sliders (leaky ReLU at two slopes)."""
    if act2 is None:
        return None
    return f"{act2}~2" if act2 == act else act2


def matrix_latex(w: np.ndarray) -> str:
    """A 2×2 matrix as LaTeX (4 significant digits)."""
    return (
        r"\begin{bmatrix}"
        + rf"{w[0, 0]:.4g} & {w[0, 1]:.4g} \\ {w[1, 0]:.4g} & {w[1, 1]:.4g}"
        + r"\end{bmatrix}"
    )


def vector_latex(b: np.ndarray) -> str:
    """A 2-vector as a LaTeX column (4 significant digits)."""
    return rf"\begin{{bmatrix}}{b[0]:.4g} \\ {b[1]:.4g}\end{{bmatrix}}"


def one_to_one_badge(d: warp.Diagnostics) -> None:
    """A green or orange badge: whether the layer maps distinct points to distinct points."""
    if d.one_to_one:
        st.badge(
            _("one-to-one"),
            icon=":material/check:",
            color="green",
            help=_("det W ≠ 0 and f strictly monotonic: no two points land on the same spot."),
        )
    else:
        st.badge(
            _("not one-to-one"),
            icon=":material/close:",
            color="orange",
            help=_("det W = 0 or f is not strictly monotonic: some points merge."),
        )


def diagnostic_metrics(d: warp.Diagnostics, cells: list) -> None:
    """The fold and squash shares, then (given a fifth cell) the median area change, one
    metric per cell."""
    shares = (
        (_("on an axis"), d.on_axis, _("Exactly one coordinate is 0 after f: the ReLU fold.")),
        (_("at the origin"), d.at_origin, _("Both coordinates are 0 after f.")),
        ("in (0, 1)²", d.in_unit_square, _("Inside the open unit square, where sigmoid lands.")),
        ("in (−1, 1)²", d.in_centred_square, _("Inside the open square where tanh lands.")),
    )
    for cell, (label, share, help_text) in zip(cells, shares, strict=False):
        cell.metric(label, f"{share:.1%}", help=help_text)
    if len(cells) <= len(shares):
        return
    cells[len(shares)].metric(
        _("median |det J|"),
        f"{d.area_change:.3g}×",
        help=_("How much the whole layer scales area near a point (median over the points)."),
    )


# --- counts: where the points went ---


def counts_frame(table: np.ndarray, two_class: bool, eps: float | None) -> pd.DataFrame:
    """A :func:`activations.warp.count_by_group` table for the page: a row per starting
    quadrant (or class) and one for all points; per fate (and |f′| < ``eps``), "n of N (p%)"
    with N the row's points."""
    names = [*warp_charts.group_names(two_class), _("all points")]
    headers = [_("kept"), _("onto an axis"), _("onto the origin")]
    if eps is not None:
        headers.append(f"|f′| < {eps:g}")
    rows = []
    for row in table:
        total = int(row[0])
        rows.append(
            [
                _("{n} of {total}").format(n=f"{int(k):,}", total=f"{total:,}")
                + (f" ({k / total:.1%})" if total else "")
                for k in row[1 : 1 + len(headers)]
            ]
        )
    frame = pd.DataFrame(rows, columns=headers, index=names)
    return frame.rename_axis(_("class") if two_class else _("starting quadrant"))


def show_counts(setup: Setup, sides: Sequence[Side], eps: float, file_stem: str) -> None:
    """The counts table of each side (per starting quadrant or class: kept, onto an axis,
    onto the origin, |f′| < ε) and a CSV download of them all."""
    two_class = cloud_of(setup.kind, setup.n, setup.seed).two_class
    heading = (
        _("Where the points went, by class")
        if two_class
        else _("Where the points went, by starting quadrant")
    )
    st.markdown(f"**{heading}**")
    for side in sides:
        if len(sides) > 1:
            st.caption(side.title)
        st.table(counts_frame(side_counts(setup, side, eps), two_class, eps))
    st.download_button(
        _("Download the counts as CSV"),
        data=functools.partial(_csv_bytes, counts_csv, setup, sides, eps),
        file_name=safe_filename(file_stem) + ".csv",
        mime="text/csv",
        on_click="ignore",
        icon=":material/table:",
        key="csv-warp-counts",
    )


def show_stack_counts(stack_key: tuple, file_stem: str) -> None:
    """The counts after the last layer of the stack :func:`stack_of` (``stack_key``: its
    arguments), and their CSV."""
    setup, layers = stack_key[0], stack_key[3]
    two_class = cloud_of(setup.kind, setup.n, setup.seed).two_class
    st.markdown("**" + _("Where the points went after layer {k}").format(k=layers) + "**")
    st.table(counts_frame(stack_of(*stack_key)["counts"], two_class, None))
    st.download_button(
        _("Download the counts as CSV"),
        data=functools.partial(_csv_bytes, stack_counts_csv, *stack_key),
        file_name=safe_filename(file_stem) + ".csv",
        mime="text/csv",
        on_click="ignore",
        icon=":material/table:",
        key="csv-warp-stack-counts",
    )


def _csv_bytes(columns_of, *args) -> bytes:
    return export.to_csv(columns_of(*args))


def counts_csv(setup: Setup, sides: Sequence[Side], eps: float) -> dict[str, list]:
    """The counts of every side as CSV columns (see :func:`charts.warp.counts_table`)."""
    cloud = cloud_of(setup.kind, setup.n, setup.seed)
    tables = []
    for side in sides:
        d = diag_of(setup, side.act, side.params, eps)
        tables.append(
            (side.title, warp.count_by_group(cloud.labels, group_count(cloud), d.fate, d.saturated))
        )
    return warp_charts.counts_table(tables, warp_charts.group_names(cloud.two_class), eps)


def stack_counts_csv(*stack_key) -> dict[str, list]:
    """The counts after the last layer of the stack :func:`stack_of` (``stack_key``: its
    arguments) as CSV columns."""
    setup = stack_key[0]
    cloud = cloud_of(setup.kind, setup.n, setup.seed)
    table = stack_of(*stack_key)["counts"]
    name = _("after layer {k}").format(k=stack_key[3])
    return warp_charts.counts_table([(name, table)], warp_charts.group_names(cloud.two_class), None)


def side_counts(setup: Setup, side: Side, eps: float) -> np.ndarray:
    cloud = cloud_of(setup.kind, setup.n, setup.seed)
    d = diag_of(setup, side.act, side.params, eps)
    return warp.count_by_group(cloud.labels, group_count(cloud), d.fate, d.saturated)


# --- the |f′| < ε overlay: what it marks, and why nothing when nothing ---


@st.cache_data(max_entries=64, show_spinner=False)
def zone_of(act: Key, params: Params, eps: float) -> list[tuple[float, float]]:
    """Where |f′| < eps (see :func:`activations.warp.flat_zone`)."""
    return warp.flat_zone(controls.activation_from_key(act), eps, **dict(params))


def _num(value: float, strip: bool = False) -> str:
    """A z value for the notes: two decimals (the zones' precision; without trailing zeros if
    ``strip``), a true minus sign."""
    text = f"{value:.2f}" if abs(value) < 1e4 else f"{value:.3g}"
    if strip and "." in text and "e" not in text:
        text = text.rstrip("0").rstrip(".")
    return ("0" if text == "-0" else text).replace("-", "−")


def zone_text(zones: Sequence[tuple[float, float]], z_range: tuple[float, float]) -> str:
    """Where f is flat, in words: "where |z| > 2.99", "where z < 0" or "everywhere"; the three
    zones nearest to ``z_range`` when there are more, then "…"."""
    if zones == [(-math.inf, math.inf)]:
        return _("everywhere")
    symmetric = len(zones) == 2 and zones[0] == (-math.inf, -zones[1][0])
    if symmetric and zones[1][1] == math.inf and zones[1][0] > 0:
        return _("where {zones}").format(zones=f"|z| > {_num(zones[1][0], True)}")
    centre = (z_range[0] + z_range[1]) / 2 if all(map(math.isfinite, z_range)) else 0.0

    def distance(zone: tuple[float, float]) -> float:
        return max(zone[0] - centre, centre - zone[1], 0.0)

    shown = sorted(sorted(zones, key=distance)[:3])
    parts = []
    for lo, hi in shown:
        if lo == -math.inf:
            parts.append(f"z < {_num(hi, True)}")
        elif hi == math.inf:
            parts.append(f"z > {_num(lo, True)}")
        else:
            parts.append(f"{_num(lo, True)} < z < {_num(hi, True)}")
    text = (" " + _("or") + " ").join(parts) + (" …" if len(zones) > len(shown) else "")
    return _("where {zones}").format(zones=text)


def _md(text: str) -> str:
    """``text`` shown literally in Markdown (a custom formula's label may hold * or $)."""
    for char in "\\`*_[]$<>":
        text = text.replace(char, "\\" + char)
    return text


def mark_note(title: str, d: warp.Diagnostics, zones: Sequence[tuple[float, float]]) -> str:
    """One paragraph on the |f′| < ε overlay for one activation: how many points it marks and
    where f is that flat, or why it marks none."""
    n = d.saturated.size
    k = int(np.count_nonzero(d.saturated))
    eps = f"{d.eps:g}"
    if k:
        text = _(
            "**{title}**: |f′| < {eps} {zone}. {k} of {n} points ({share}) have a "
            "coordinate of W x + b there: they are ringed in black."
        ).format(
            title=_md(title),
            eps=eps,
            zone=zone_text(zones, d.z_range),
            k=f"{k:,}",
            n=f"{n:,}",
            share=f"{k / n:.1%}",
        )
        if np.count_nonzero(d.fate[d.saturated] > 0) > k / 2:
            text += " " + _(
                "After f most of them lie on an axis or at the origin: the input panel of the "
                "stages below shows where they started."
            )
        return text
    if not zones:
        return _(
            "**{title}**: |f′| ≥ {eps} everywhere (here at least {g}), so no point is marked."
        ).format(title=_md(title), eps=eps, g=f"{d.min_abs_grad:.3g}")
    lo, hi = d.z_range
    return _(
        "**{title}**: none of the {n} points is marked. |f′| < {eps} only {zone}, but "
        "here every coordinate of W x + b lies in [{lo}, {hi}], where |f′| ≥ {g}. Larger "
        "weights or a bias reach that zone; so does a larger ε."
    ).format(
        title=_md(title),
        n=f"{n:,}",
        eps=eps,
        zone=zone_text(zones, d.z_range),
        lo=_num(lo),
        hi=_num(hi),
        g=f"{d.min_abs_grad:.3g}",
    )


class Example(NamedTuple):
    """A layer (SVD controls, degrees) and ε where the overlay marks points: W scaled up."""

    theta: int
    s1: float
    s2: float
    phi: int
    reflect: bool
    eps: float


def saturating_example(
    setup: Setup, side: Side, eps_options: Sequence[float], eps: float, sigma_limit: float
) -> Example | None:
    """The page's W scaled up until σ₁ = ``sigma_limit``, with the smallest ε of
    ``eps_options`` (not below ``eps``) at which at least 2 % of the points are marked; None
    when even that marks too few."""
    svd = warp.decompose(setup.w)
    factor = sigma_limit / svd.sigma1 if svd.sigma1 > 0 else 0.0
    s1 = sigma_limit
    s2 = min(round(svd.sigma2 * factor, 2), sigma_limit) if factor else sigma_limit
    theta, phi = round(math.degrees(svd.theta)), round(math.degrees(svd.phi))
    w = warp.matrix_from_svd(math.radians(theta), s1, s2, math.radians(phi), svd.reflect)
    bigger = setup._replace(matrix=tuple(w.ravel().tolist()))
    for candidate in [e for e in eps_options if e >= eps]:
        if np.mean(diag_of(bigger, side.act, side.params, candidate).saturated) >= 0.02:
            return Example(theta, s1, s2, phi, svd.reflect, candidate)
    return None


def set_bound(**values: object) -> None:
    """From a callback: give widgets bound to the URL these values, in the URL too.

    A widget drawn in the last run takes a session-state value and writes it to the URL
    itself. One not drawn then (the SVD controls when W was the preset) takes it too when it
    appears, but Streamlit leaves the URL without it: write its key to the URL here, or the
    link would not show this view.
    """
    for key, value in values.items():
        st.session_state[key] = value
        if isinstance(value, bool):
            text = str(value).lower()
        else:
            text = f"{value:g}" if isinstance(value, float | int) else str(value)
        with contextlib.suppress(StreamlitAPIException):  # bound: the widget writes it
            st.query_params[key] = text


# --- fine control: a slider and a number field for one URL key ---


def fine_slider(
    container,
    label: str,
    bounds: tuple[float, float],
    default: float,
    *,
    key: str,
    step: float,
    fine_step: float,
    help: str | None = None,
) -> float:
    """A slider to sweep and, beside it, a number field to type or step precisely, for one
    value bound to the URL under ``key`` (the field holds the binding: the same key, range and
    default as the slider alone had, so old links still work). ``fine_step`` is the field's
    step; whole numbers when it is 1. Each widget's change is copied into the other."""
    lo, hi = bounds
    whole = fine_step == 1
    slider_key = f"{key}:slider"
    slide_col, field_col = container.columns([3, 2], vertical_alignment="bottom")
    field = {
        "label_visibility": "collapsed",
        "on_change": _round_field,
        "args": (key, whole),
        "help": help,
    }
    if whole:
        value = controls.whole_number_input(field_col, label, lo, hi, default, 1, key, **field)
    else:
        limits = (float(lo), float(hi), float(default))
        field.update(step=float(fine_step), format="%.2f", key=key, bind="query-params")
        value = field_col.number_input(label, *limits, **field)
    # The slider follows the field (a link or a typed value) before it is drawn.
    st.session_state[slider_key] = int(value) if whole else float(value)
    slide_col.slider(
        label,
        int(lo) if whole else float(lo),
        int(hi) if whole else float(hi),
        step=int(step) if whole else float(step),
        key=slider_key,
        on_change=_copy_slider,
        args=(key,),
        help=help,
    )
    return value


def _round_field(key: str, whole: bool) -> None:
    """The number field changed: round it if it holds whole numbers (the slider follows it
    on the run this change starts)."""
    value = st.session_state.get(key)
    if whole and value is not None and value != round(value):
        st.session_state[key] = float(round(value))


def _copy_slider(key: str) -> None:
    """The slider moved: the number field, which holds the URL binding, takes its value."""
    st.session_state[key] = float(st.session_state[f"{key}:slider"])
