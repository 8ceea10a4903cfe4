"""The Warp page's data and figures, cached on small arguments and rebuilt from them.

Every function here takes small hashable values (cloud kind and size, the matrix entries, the
activation keys), so the page's exports (HTML, images, GIF) are deferred as
``functools.partial`` of these functions: until its next run a session then holds a few
numbers, not the figures (1.5 MB at 20 000 points) nor the page's namespace.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

import numpy as np
import streamlit as st

from activations import warp
from activations.clouds import Cloud, make_cloud
from charts import warp as warp_charts
from charts.theme import FigureSpec
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


@st.cache_data(max_entries=8, show_spinner=False)
def layer_of(setup: Setup, act: Key, params: Params, eps: float, points: int, steps: int) -> dict:
    """Diagnostics on every point; the stages and animation frames of a subsample."""
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
        "diag": warp.diagnostics(cloud, setup.w, setup.bias, activation, eps=eps, **dict(params)),
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
    return {
        "outputs": [y[small].astype(np.float32) for y in outputs],
        "single": (w_total, b_total),
        "gap": gap,
    }


def results(setup: Setup, sides: Sequence[Side], colouring: Colouring) -> list[dict]:
    """:func:`layer_of` for each side, with the animation plan of this many points and sides."""
    anim_points, steps = warp_charts.animation_plan(setup.n, len(sides))
    return [
        layer_of(setup, side.act, side.params, colouring.eps, anim_points, steps) for side in sides
    ]


def palette(setup: Setup, colouring: Colouring) -> warp_charts.Palette:
    two_class = cloud_of(setup.kind, setup.n, setup.seed).two_class
    return warp_charts.area_palette() if colouring.area else warp_charts.group_palette(two_class)


def _colour_values(
    result: dict, index: np.ndarray, cloud: Cloud, colouring: Colouring
) -> np.ndarray:
    if colouring.area:
        return warp_charts.area_values(result["diag"].jacobian_det[index])
    saturated = result["diag"].saturated[index] if colouring.sat else None
    return warp_charts.group_values(cloud.labels[index], cloud.two_class, saturated)


def _line_ids(cloud: Cloud, index: np.ndarray) -> np.ndarray | None:
    return None if cloud.line_ids is None else cloud.line_ids[index]


def _animation_panels(
    setup: Setup, sides: Sequence[Side], colouring: Colouring, found: list[dict] | None
) -> tuple[list[tuple[str, list[np.ndarray], np.ndarray]], list[str], np.ndarray | None]:
    cloud = cloud_of(setup.kind, setup.n, setup.seed)
    anim_points, steps = warp_charts.animation_plan(setup.n, len(sides))
    index = warp_charts.subsample(setup.n, anim_points)
    panels = [
        (side.title, list(r["frames"]), _colour_values(r, index, cloud, colouring))
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
    values = [_colour_values(r, index, cloud, colouring) for r in found]
    panels = [(titles[i], found[0]["small"][i], values[0]) for i in range(6)]
    panels += [
        (title, r["small"][5], v)
        for title, r, v in zip(titles[6:], found[1:], values[1:], strict=True)
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
        [(title, y, values) for title, y in zip(titles, outputs, strict=True)],
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
