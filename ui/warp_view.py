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
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
import pandas as pd
import streamlit as st
from streamlit.errors import StreamlitAPIException

import i18n
from activations import warp
from activations.clouds import CLOUD_KINDS, Cloud, make_cloud
from charts import export
from charts import warp as warp_charts
from charts.theme import FigureSpec, safe_filename
from i18n import N_, _
from ui import controls, link
from ui.export import show_chart
from ui.live_chart import LiveLink, encode, js_activation, widget_class

STAGES_MAX_POINTS = 5_000  # per small-multiple panel; dots in a 200-px panel saturate long before
MODES = ("preset", "random", "svd", "typed")
ENTRY_KEYS = ("w11", "w12", "w21", "w22")
BIAS_LIMIT = 3.0
ANGLE_LIMIT = 180
SIGMA_LIMIT = 3.0
EPS_OPTIONS = (0.0001, 0.001, 0.01, 0.05, 0.1)
MAX_LAYERS = 8


MODE_NAMES = {  # how W is made, translated when shown
    "preset": N_("preset"),
    "random": N_("random"),
    "svd": N_("svd (rotate, scale, rotate)"),
    "typed": N_("typed"),
}


def mode_label(mode: str) -> str:
    """How W is made, as the picker shows it."""
    return _(MODE_NAMES.get(mode, mode))


def _entry(key: str, index: int) -> link.Number:
    return link.Number(
        key=key,
        label="W" + key[1:].translate(str.maketrans("12", "₁₂")),
        lo=-warp.MAX_ENTRY,
        hi=warp.MAX_ENTRY,
        default=float(warp.PRESET_MATRIX.flat[index]),
        step=0.1,
        widget="input",
        number_format="%.6g",
    )


def _angle(key: str, label: str, default: int) -> link.Number:
    return link.Number(
        key=key,
        label=label,
        lo=-ANGLE_LIMIT,
        hi=ANGLE_LIMIT,
        default=default,
        integer=True,
        step=1,
        widget="fine",
        fine_step=1,
    )


def _stretch(key: str, label: str, default: float, lo: float, hi: float) -> link.Number:
    return link.Number(
        key=key,
        label=label,
        lo=lo,
        hi=hi,
        default=default,
        step=0.05,
        widget="fine",
        fine_step=0.01,
    )


# The page's link: every control, declared once (URL check and widget both come from here).
CONTROLS = link.Controls(
    link.Choice(
        key="act",
        label=N_("Activation f"),
        options=controls.base_ids,
        default="relu",
        help=N_("Applied to each coordinate after W x + b."),
    ),
    link.Choice(
        key="act2",
        label=N_("Compare with"),
        options=controls.base_ids,
        optional=True,
        placeholder=N_("no second activation"),
        help=N_("Shows a second activation side by side, on the same cloud and layer."),
    ),
    link.Choice(
        key="cloud",
        label=N_("Point cloud"),
        options=CLOUD_KINDS,
        default="square",
        shown=controls.shape_label,
        help=N_(
            "xor, moons, rings, spirals and blobs are coloured by class, the others by quadrant."
        ),
    ),
    link.Number(
        key="n",
        label=N_("Points"),
        lo=10,
        hi=200_000,
        default=2_000,
        step=1000,
        integer=True,
        widget="input",
    ),
    link.seed("seed"),
    link.Choice(
        key="mode",
        label=N_("Matrix W"),
        options=MODES,
        shown=mode_label,
        help=N_(
            "preset: the tutorial's example; random: Gaussian entries; svd: build W from two "
            "rotations and two stretches; typed: enter the four entries."
        ),
    ),
    link.Number(
        key="layers",
        label=N_("Layers"),
        lo=1,
        hi=MAX_LAYERS,
        default=1,
        integer=True,
        help=N_("Layer 1 is the one chosen here; further layers have random W and b."),
    ),
    link.seed("wseed", N_("Matrix seed")),
    link.Number(
        key="wscale",
        label=N_("Entry scale"),
        lo=0.1,
        hi=3.0,
        default=1.0,
        step=0.1,
        widget="input",
        help=N_("Standard deviation of the random entries."),
    ),
    _angle("theta", "θ (°)", 30),
    _stretch("s1", "σ₁", 1.5, 0.0, SIGMA_LIMIT),
    _stretch("s2", "σ₂", 0.5, 0.0, SIGMA_LIMIT),
    _angle("phi", "φ (°)", -20),
    link.Flag(key="reflect", label=N_("Reflect")),
    *(_entry(key, i) for i, key in enumerate(ENTRY_KEYS)),
    _stretch("b1", "b1", 0.0, -BIAS_LIMIT, BIAS_LIMIT),
    _stretch("b2", "b2", 0.0, -BIAS_LIMIT, BIAS_LIMIT),
    link.Flag(
        key="area",
        label=N_("Area change |det J|"),
        help=N_(
            "Colours each point by log₁₀ of how much the whole layer stretches (red) or shrinks "
            "(blue) area near it, instead of by its starting quadrant."
        ),
    ),
    link.Flag(
        key="sat",
        label=N_("Mark |f′| < ε"),
        help=N_(
            "Rings in black the points where the derivative of some coordinate is below ε: "
            "learning stalls there. Works with either colouring."
        ),
    ),
    link.Choice(key="eps", label="ε", options=EPS_OPTIONS, default=0.01, widget="select_slider"),
    page="warp",
)


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
    """The animated view of the layer (see :func:`charts.warp.animation_figure`). ``found``:
    :func:`results` for these arguments when the caller has them (each lookup unpickles)."""
    panels, labels, line_ids = _animation_panels(setup, sides, colouring, found)
    return warp_charts.animation_figure(
        panels, palette(setup, colouring), labels, line_ids=line_ids
    )


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
    return warp_charts.stages_figure(
        panels,
        palette(setup, colouring),
        line_ids=_line_ids(cloud, index),
        columns=3 if len(panels) <= 6 else 4,
    )


def stack_figure(
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
    return warp_charts.stages_figure(
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
        (_("in (0, 1)²"), d.in_unit_square, _("Inside the open unit square, where sigmoid lands.")),
        (_("in (−1, 1)²"), d.in_centred_square, _("Inside the open square where tanh lands.")),
    )
    for cell, (label, share, help_text) in zip(cells, shares, strict=False):
        cell.metric(label, f"{share:.1%}", help=help_text)
    if len(cells) <= len(shares):
        return
    cells[len(shares)].metric(
        _("median |det J|"),
        area_text(d.area_change),
        help=_("How much the whole layer scales area near a point (median over the points)."),
    )


# --- counts: where the points went ---


def count_columns(eps: float | None, undefined: bool) -> list[int]:
    """The columns of a :func:`activations.warp.count_by_group` table the page shows: kept,
    onto an axis, onto the origin, undefined (when ``undefined``), |f′| < ε (unless ``eps``
    is None)."""
    columns = [1, 2, 3] + ([4] if undefined else [])
    return columns + ([1 + len(warp.FATES)] if eps is not None else [])


def counts_frame(
    table: np.ndarray, two_class: bool, eps: float | None, undefined: bool = False
) -> pd.DataFrame:
    """A :func:`activations.warp.count_by_group` table for the page: a row per starting
    quadrant (or class) and one for all points; per fate (undefined only when ``undefined``;
    and |f′| < ``eps``), "n of N (p%)" with N the row's points."""
    names = [*warp_charts.group_names(two_class), _("all points")]
    headers = [_("kept"), _("onto an axis"), _("onto the origin")]
    if undefined:
        headers.append(_("undefined"))
    if eps is not None:
        headers.append(f"|f′| < {eps:g}")
    rows = []
    for row in table:
        total = int(row[0])
        rows.append(
            [
                _("{n} of {total}").format(n=f"{int(row[k]):,}", total=f"{total:,}")
                + (f" ({row[k] / total:.1%})" if total else "")
                for k in count_columns(eps, undefined)
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
    tables = [side_counts(setup, side, eps) for side in sides]
    undefined = shows_undefined(sides, tables)
    for i, (side, table) in enumerate(zip(sides, tables, strict=True)):
        if len(sides) > 1:
            st.caption(side.title)
        # Keyed: the live chart rewrites its cells while a control moves (ui/live_chart.js).
        st.container(key=f"warp-counts-{i}").table(counts_frame(table, two_class, eps, undefined))
    if undefined:
        st.caption(
            _(
                "**undefined**: f gives no number there (NaN or ±∞ for a coordinate, e.g. "
                "log(x) for x ≤ 0), so the point lands nowhere in the plane and is not drawn."
            )
        )
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
    table = stack_of(*stack_key)["counts"]
    undefined = int(table[-1, warp.UNDEFINED + 1]) > 0
    st.table(counts_frame(table, two_class, None, undefined))
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


def shows_undefined(sides: Sequence[Side], tables: Sequence[np.ndarray]) -> bool:
    """Whether the counts show the undefined fate: for a custom formula (it may leave points
    undefined while a control moves), or when some point is undefined."""
    custom_side = any(not isinstance(side.act, str) for side in sides)
    return custom_side or any(int(table[-1, warp.UNDEFINED + 1]) > 0 for table in tables)


def side_counts(setup: Setup, side: Side, eps: float) -> np.ndarray:
    cloud = cloud_of(setup.kind, setup.n, setup.seed)
    d = diag_of(setup, side.act, side.params, eps)
    return warp.count_by_group(cloud.labels, group_count(cloud), d.fate, d.saturated)


# --- the |f′| < ε overlay: what it marks, and why nothing when nothing ---


@st.cache_data(max_entries=64, show_spinner=False)
def zone_of(act: Key, params: Params, eps: float) -> list[tuple[float, float]]:
    """Where |f′| < eps (see :func:`activations.warp.flat_zone`)."""
    return warp.flat_zone(controls.activation_from_key(act), eps, **dict(params))


def area_text(change: float) -> str:
    """A median area change as shown: "0.177×", or "—" where it is not a number (f′ undefined
    on the points, as log(x) left of 0)."""
    return f"{change:.3g}×" if math.isfinite(change) else "—"


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


# --- CSV of every point, built when a download asks for it ---


def layer_table(
    cloud: tuple[str, int, int],
    matrix: np.ndarray,
    bias: np.ndarray,
    sides: Sequence[tuple[str, object, dict[str, float]]],
    eps: float = 0.01,
) -> dict[str, np.ndarray]:
    """CSV columns: every point of ``cloud`` (kind, n, seed) at every stage of the layer, the
    activate stage once per (name, activation, params) side, with each point's fate there
    (kept, axis, origin) and whether some |f′| < ``eps`` (1 or 0).

    Built from small arguments when a download asks for it: a deferred download keeps its
    arguments alive for the session, so it must not hold the page's arrays."""
    points_cloud = make_cloud(*cloud)
    table: dict[str, np.ndarray] = {}
    for k, (name, act, params) in enumerate(sides):
        stages = warp.layer_stages(points_cloud.points, matrix, bias, act, **params)
        columns = warp_charts.stages_table(stages, points_cloud.labels, name)
        table.update(columns if k == 0 else {c: v for c, v in columns.items() if "activate" in c})
        d = warp.diagnostics(points_cloud.points, matrix, bias, act, eps=eps, **params)
        table[f"fate {name}"] = np.asarray(warp.FATES)[d.fate]
        table[f"|f'| < {eps:g} {name}"] = d.saturated.astype(np.int8)
    return table


def stack_table(
    cloud: tuple[str, int, int],
    matrix: np.ndarray,
    bias: np.ndarray,
    act: object,
    params: dict[str, float],
    layers: int,
    wseed: int,
    wscale: float,
) -> dict[str, np.ndarray]:
    """CSV columns: every point of ``cloud`` after each layer of the stack (see
    :func:`activations.warp.stack_outputs`), built from small arguments like
    :func:`layer_table`."""
    points_cloud = make_cloud(*cloud)
    outputs, _affine = warp.stack_outputs(
        points_cloud.points, matrix, bias, act, layers, wseed, wscale, **params
    )
    columns = {"label": points_cloud.labels}
    for k, y in enumerate(outputs):
        columns[f"layer {k} x"], columns[f"layer {k} y"] = y[:, 0], y[:, 1]
    columns[f"fate after layer {layers}"] = np.asarray(warp.FATES)[warp.fates(outputs[-1])]
    return columns


# --- the controls column ---


@dataclass(frozen=True)
class Chosen:
    """What the controls column chose: the activations (and the compared one's slot), the
    cloud, the layer W x + b, the colouring, and the stack's settings."""

    act: str
    params: dict[str, float]
    slot2: str | None
    params2: dict[str, float]
    cloud: str
    n: int
    seed: int
    layers: int
    wseed: int
    wscale: float
    w: np.ndarray
    b: np.ndarray
    colouring: Colouring
    mode: str = "preset"

    @property
    def slots(self) -> list[str]:
        return [self.act] + ([self.slot2] if self.slot2 is not None else [])

    def sides(self) -> tuple[Side, ...]:
        pairs = [(self.act, self.params)]
        if self.slot2 is not None:
            pairs.append((self.slot2, self.params2))
        return tuple(
            Side(
                controls.slot_label(slot, params),
                controls.activation_key(slot),
                tuple(sorted(params.items())),
            )
            for slot, params in pairs
        )

    def setup(self) -> Setup:
        return Setup(
            self.cloud,
            self.n,
            self.seed,
            tuple(self.w.ravel().tolist()),
            (float(self.b[0]), float(self.b[1])),
        )


def report_link() -> None:
    """One warning for the link's bad or unknown values (the activations' parameters too)."""
    slots = [controls.picked("act") or CONTROLS.default("act")]
    if (slot2 := second_slot(slots[0], controls.picked("act2"))) is not None:
        slots.append(slot2)
    CONTROLS.report(*controls.param_rules(slots))


def controls_column() -> Chosen:
    """The page's controls, top to bottom, in the current container."""
    act = CONTROLS.show("act")
    params = controls.param_sliders(act)
    slot2 = second_slot(act, CONTROLS.show("act2"))
    params2 = controls.param_sliders(slot2) if slot2 is not None else {}
    st.divider()
    cloud = CONTROLS.show("cloud")
    n_col, seed_col = st.columns(2)
    n, seed = CONTROLS.show("n", n_col), CONTROLS.show("seed", seed_col)
    st.divider()
    mode = CONTROLS.show("mode")
    layers = CONTROLS.show("layers")
    wseed, wscale = 0, 1.0
    if mode == "random" or layers > 1:
        r_col, s_col = st.columns(2)
        wseed, wscale = CONTROLS.show("wseed", r_col), CONTROLS.show("wscale", s_col)
    w = _matrix(mode, wseed, wscale)
    b = np.array([CONTROLS.show("b1"), CONTROLS.show("b2")])
    _layer_summary(w, b)
    st.divider()
    area, sat = CONTROLS.show("area"), CONTROLS.show("sat")
    eps = CONTROLS.show("eps")
    return Chosen(
        act=act,
        params=params,
        slot2=slot2,
        params2=params2,
        cloud=cloud,
        n=int(n),
        seed=int(seed),
        layers=int(layers),
        wseed=int(wseed),
        wscale=float(wscale),
        w=w,
        b=b,
        colouring=Colouring(float(eps), bool(area), bool(sat)),
        mode=mode,
    )


def _matrix(mode: str, wseed: int, wscale: float) -> np.ndarray:
    """W as the chosen mode makes it (with its controls); the preset if it cannot be used."""
    try:
        if mode == "random":
            return warp.random_matrix(int(wseed), float(wscale))
        if mode == "svd":
            theta, s1, s2, phi = (CONTROLS.show(key) for key in ("theta", "s1", "s2", "phi"))
            reflect = CONTROLS.show("reflect")
            return warp.matrix_from_svd(math.radians(theta), s1, s2, math.radians(phi), reflect)
        if mode == "typed":
            cells = st.columns(2)
            typed = [CONTROLS.show(key, cells[i % 2]) for i, key in enumerate(ENTRY_KEYS)]
            return warp.as_matrix(np.reshape(typed, (2, 2)))
    except ValueError as error:
        st.warning(_("Cannot use this matrix ({error}); showing the preset.").format(error=error))
    return warp.PRESET_MATRIX


def _layer_summary(w: np.ndarray, b: np.ndarray) -> None:
    """W and b as matrices, and W's SVD in words."""
    svd = warp.decompose(w)
    st.latex(rf"\small W = {matrix_latex(w)}")
    st.latex(rf"\small b = {vector_latex(b)}")
    st.caption(
        _(
            "W = R(φ)·diag(σ₁, {sign}σ₂)·R(θ) with θ = {theta:.1f}°, σ₁ = {s1:.4g}, "
            "σ₂ = {s2:.4g}, φ = {phi:.1f}°; det W = {det:.4g}."
        ).format(
            sign="−" if svd.reflect else "",
            theta=math.degrees(svd.theta),
            s1=svd.sigma1,
            s2=svd.sigma2,
            phi=math.degrees(svd.phi),
            det=float(np.linalg.det(w)),
        )
    )


def show_example(example: Example) -> None:
    """Button callback: the SVD controls and ε of ``example``, in the widgets and the URL."""
    set_bound(
        mode="svd",
        theta=float(example.theta),
        s1=example.s1,
        s2=example.s2,
        phi=float(example.phi),
        reflect=example.reflect,
        eps=example.eps,
        sat=True,
    )


# --- the output sections ---


def show_marks(
    setup: Setup, sides: Sequence[Side], colouring: Colouring, results: list[dict]
) -> None:
    """Where |f′| < ε and how many points are marked, per activation; a button to a W that
    reaches the flat zone when none is marked."""
    example = None
    for side, r in zip(sides, results, strict=True):
        zones = zone_of(side.act, side.params, colouring.eps)
        st.markdown(mark_note(side.title, r["diag"], zones))
        if example is None and zones and not r["diag"].saturated.any():
            example = saturating_example(setup, side, EPS_OPTIONS, colouring.eps, SIGMA_LIMIT)
    if example is not None:
        st.button(
            _("Show me: W scaled up to σ₁ = {s1:g}, ε = {eps:g}").format(
                s1=example.s1, eps=example.eps
            ),
            on_click=show_example,
            args=(example,),
            icon=":material/zoom_out_map:",
            help=_(
                "Switches W to its SVD controls with the same rotations and both "
                "stretches scaled up, so that W x + b reaches where f is flat."
            ),
        )


def show_diagnostics(
    chosen: Chosen, sides: Sequence[Side], results: list[dict], metric_col: object | None
) -> None:
    """The fold and squash numbers: a column beside one activation's chart, or a title line
    and a row of metrics per activation when two are compared."""
    det_w = float(np.linalg.det(chosen.w))
    if metric_col is not None:
        # Keyed: the live chart rewrites the numbers while a control moves (ui/live_chart.js).
        with metric_col.container(key="warp-metrics-0"):
            one_to_one_badge(results[0]["diag"])
            st.metric(
                "det W",
                f"{det_w:.4g}",
                help=_("The factor by which W scales area; negative when it reflects."),
            )
            diagnostic_metrics(results[0]["diag"], [st] * 5)
        return
    for i, (side, r) in enumerate(zip(sides, results, strict=True)):
        badge = (
            ":green-badge[:material/check: " + _("one-to-one") + "]"
            if r["diag"].one_to_one
            else ":orange-badge[:material/close: " + _("not one-to-one") + "]"
        )
        # The area change ("0.00225×") goes in the title line: in a fifth column of metrics
        # it, or "100.0%" beside it, would be cut.
        st.markdown(
            f"**{controls.escape_markdown(side.title)}** {badge} · det W = {det_w:.4g} · "
            + _("median |det J|")
            + f" = {area_text(r['diag'].area_change)}"
        )
        with st.container(key=f"warp-metrics-{i}"):
            diagnostic_metrics(r["diag"], st.columns(4, gap="small"))


def show_stack(chosen: Chosen) -> None:
    """The layer followed by more random layers with the same activation, and, for the
    identity, the single affine map they make."""
    layers, n = chosen.layers, chosen.n
    st.subheader(_("{k} layers stacked").format(k=layers))
    stack_key = (
        chosen.setup(),
        controls.activation_key(chosen.act),
        tuple(sorted(chosen.params.items())),
        layers,
        chosen.wseed,
        chosen.wscale,
    )
    stack = stack_of(*stack_key)
    titles = [_("input")] + [_("after layer {k}").format(k=k) for k in range(1, layers + 1)]
    stack_csv = functools.partial(
        stack_table,
        (chosen.cloud, n, chosen.seed),
        chosen.w,
        chosen.b,
        controls.activation_from_key(stack_key[1]),
        dict(stack_key[2]),
        *stack_key[3:],
    )
    show_chart(
        stack_figure(*stack_key, titles),
        _("warp stack"),
        stack_csv,
        key="warp-stack",
        rebuild=functools.partial(stack_figure, *stack_key, titles),
    )
    show_stack_counts(stack_key, _("warp stack counts {act}").format(act=chosen.act))
    if chosen.act != "identity":
        st.caption(
            _(
                "Layers 2 to {k} have random W and b (from the matrix seed + 1) and the same "
                "activation. With a nonlinear f the stack is not one matrix: each layer bends "
                "the output of the last."
            ).format(k=layers)
        )
        return
    w_total, b_total = stack["single"]
    st.markdown(
        _("With the identity activation the {k} layers are one affine map, x ↦ W′x + b′:").format(
            k=layers
        )
    )
    st.latex(rf"W' = {matrix_latex(w_total)},\quad b' = {vector_latex(b_total)}")
    st.caption(
        _(
            "Largest difference between the stack and W′x + b′ over all {n:,} points: {gap:.2g}."
        ).format(n=n, gap=stack["gap"])
    )


# --- following the hand: the charts redrawn in the browser while a control moves ---

LIVE_COUNTS_MAX = 20_000
"""Largest cloud whose counts and metrics the browser recomputes while a control moves (all
its points travel once, as float64); larger clouds update them after the release."""
FINE_KEYS = ("theta", "s1", "s2", "phi", "b1", "b2")  # a slider and a number field each
SVD_KEYS = ("theta", "s1", "s2", "phi", "reflect")


def _classes(key: str) -> list[str]:
    if key in FINE_KEYS:
        return [widget_class(f"{key}:slider"), widget_class(key)]
    return [widget_class(key)]


def live_controls(chosen: Chosen) -> dict[str, tuple[list[str], float]]:
    """Every continuous control of the layer, with the value this run used: b, the
    activations' parameters, and θ, σ₁, σ₂, φ, the reflection (svd) or W's entries (typed)."""
    keys = ["b1", "b2"]
    if chosen.mode == "svd":
        keys += SVD_KEYS
    elif chosen.mode == "typed":
        keys += ENTRY_KEYS
    out = {key: (_classes(key), float(st.session_state.get(key, 0.0))) for key in keys}
    for k, key in enumerate(("b1", "b2")):
        out[key] = (_classes(key), float(chosen.b[k]))
    for slot, params in zip(chosen.slots, (chosen.params, chosen.params2), strict=False):
        for name, value in params.items():
            key = controls.param_key(slot, name)
            out[key] = ([widget_class(key)], float(value))
    return out


def _live_sides(chosen: Chosen) -> list[dict]:
    sides = []
    for slot in chosen.slots:
        act = controls.activation_of(slot)
        keys = [controls.param_key(slot, p.name) for p in act.params]
        sides.append({"spec": js_activation(act), "params": keys})
    return sides


def _panel_values(
    result: dict, index: np.ndarray, cloud: Cloud, colouring: Colouring
) -> tuple[np.ndarray, np.ndarray | None]:
    """(colour values, marked) of a panel, as :func:`_panel` gives them to the figure."""
    panel = _panel("", np.zeros((0, 2)), result, index, cloud, colouring)
    return panel.values, panel.marked


def _dynamic(chosen: Chosen) -> dict:
    return {"mode": chosen.mode, "w": chosen.w.ravel().tolist(), "eps": chosen.colouring.eps}


def animation_link(
    chosen: Chosen, setup: Setup, sides: Sequence[Side], found: list[dict]
) -> LiveLink:
    """The animated view, followed in the browser: its points, each activation's generated
    JavaScript, and (up to :data:`LIVE_COUNTS_MAX` points) the whole cloud for the counts."""
    colouring = chosen.colouring
    cloud = cloud_of(setup.kind, setup.n, setup.seed)
    anim_points, steps = plan(setup, sides, colouring)
    index = warp_charts.subsample(setup.n, anim_points)
    values = [_panel_values(r, index, cloud, colouring) for r in found]
    data = {
        "points": encode(cloud.points[index], "f8"),
        "panels": [{"side": i} for i in range(len(sides))],
        "traces": warp_charts.trace_layout(
            values, palette(setup, colouring), _line_ids(cloud, index)
        ),
        "sides": _live_sides(chosen),
        "steps": steps,
        "last": (len(warp.STAGE_NAMES) - 1) * steps,
        "sat": colouring.sat,
        "area": colouring.area,
        "counts": _live_counts(setup, sides, colouring.eps) if setup.n <= LIVE_COUNTS_MAX else None,
    }
    return LiveLink("warp-animation", live_controls(chosen), data, _dynamic(chosen))


def _live_counts(setup: Setup, sides: Sequence[Side], eps: float) -> dict:
    cloud = cloud_of(setup.kind, setup.n, setup.seed)
    tables = [side_counts(setup, side, eps) for side in sides]
    metrics = ["detw", "axis", "origin", "unit", "centred", "area"]
    return {
        "points": encode(cloud.points, "f8"),
        "labels": encode(cloud.labels, "i1"),
        "groups": group_count(cloud),
        "of": _("{n} of {total}"),
        "columns": count_columns(eps, shows_undefined(sides, tables)),
        "metrics": [metrics] if len(sides) == 1 else [metrics[1:5]] * len(sides),
    }


def stages_link(chosen: Chosen, setup: Setup, sides: Sequence[Side], found: list[dict]) -> LiveLink:
    """The small multiples, followed in the browser (see :func:`animation_link`)."""
    colouring = chosen.colouring
    cloud = cloud_of(setup.kind, setup.n, setup.seed)
    index = warp_charts.subsample(setup.n, STAGES_MAX_POINTS)
    panels = [{"side": 0, "stage": k} for k in range(len(warp.STAGE_NAMES))]
    panels += [{"side": j, "stage": len(warp.STAGE_NAMES) - 1} for j in range(1, len(sides))]
    values = [_panel_values(found[p["side"]], index, cloud, colouring) for p in panels]
    data = {
        "points": encode(cloud.points[index], "f8"),
        "panels": panels,
        "traces": warp_charts.trace_layout(
            values, palette(setup, colouring), _line_ids(cloud, index)
        ),
        "sides": _live_sides(chosen),
        "sat": colouring.sat,
        "area": colouring.area,
    }
    return LiveLink("warp-stages", live_controls(chosen), data, _dynamic(chosen))


def gif_maker(setup: Setup, sides: Sequence[Side], colouring: Colouring):
    """The GIF download's data: made when clicked, in this run's language (its stage line
    and legend are translated; the click comes after the run)."""
    return functools.partial(
        i18n.translated, i18n.current_language(), animation_gif, setup, sides, colouring
    )
