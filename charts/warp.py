"""The Warp figures: a point cloud through one layer f(W x + b).

Small multiples of the stages, one animated view whose frames play and scrub in the browser
(Plotly frames, no server round trip), and the same animation as a GIF. Points carry a colour
value: a group code (starting quadrant or class) drawn as one constant-colour Scattergl trace
per group, or log₁₀|det J| on a continuous colour axis. Either way, points with |f′| < ε can be
ringed in black on top (one more trace per panel), so both overlays show at once.
"""

from __future__ import annotations

import base64
import copy
import functools
import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
import plotly.graph_objects as go
from plotly.colors import hex_to_rgb, sample_colorscale

from activations.clouds import QUADRANT_NAMES
from activations.warp import STAGE_NAMES
from charts.theme import FigureSpec, base_layout, panel_title, typed_array
from i18n import _

__all__ = [
    "ANIMATION_BUDGET",
    "MARK_NAME",
    "MAX_STEPS",
    "MIN_STEPS",
    "STAGE_FORMULAS",
    "Palette",
    "Panel",
    "animation_figure",
    "animation_gif",
    "animation_plan",
    "area_palette",
    "area_values",
    "frame_labels",
    "group_palette",
    "group_values",
    "stage_titles",
    "stages_figure",
    "stages_table",
    "subsample",
    "trace_layout",
]

STAGE_FORMULAS = ("x", "Vᵀx", "ΣVᵀx", "Wx", "Wx + b", "f(Wx + b)")
# CSV column stems, one per stage (the two rotations need distinct names).
STAGE_KEYS = ("input", "rotate_v", "scale", "rotate_u", "shift", "activate")

QUADRANT_COLORS = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728")  # +x+y, −x+y, −x−y, +x−y
CLASS_COLORS = ("#1f77b4", "#d62728")
MARK_COLOR = "#111111"  # the ring around a point with |f′| < ε (GIF: an outline)
MARK_NAME = "|f′| < ε"
GUIDE_COLOR = "#888888"
UNIT_SQUARE_FILL = "#ececec"
AREA_COLORSCALE = "RdBu_r"
AREA_LIMIT = 3.0  # colour range of log₁₀|det J|: area shrunk or grown up to 1000×

ANIMATION_BUDGET = 105_000
"""Points × frames summed over panels: 5 000 points at 4 steps per transition, 2 500 at 8.
Every frame travels as float32, and both ends handle the figure as one JSON string (Streamlit's
frontend re-serialises it and rewrites theme colours in it), so time grows with this number."""
MIN_STEPS, MAX_STEPS = 4, 8  # frames per stage transition: rotations turn ≤ 45° per frame


# --- sampling and planning ---


@functools.lru_cache(maxsize=16)
def subsample(n: int, limit: int) -> np.ndarray:
    """Indices of at most ``limit`` of ``n`` points, evenly spread and in order (read-only:
    the result is shared; a page asks for the same few several times per rerun).

    Order matters: a grid's points run along its lines, so a strided subsample still draws
    every line. Clouds are i.i.d., so any fixed subset is a random sample.
    """
    if n <= limit:
        index = np.arange(n)
    else:
        index = np.unique(np.linspace(0, n - 1, limit).round().astype(np.int64))
    index.setflags(write=False)
    return index


def animation_plan(n_points: int, panels: int = 1, marked: float = 0.0) -> tuple[int, int]:
    """(points animated per panel, frames per stage transition) for a cloud of ``n_points``.

    As many frames per transition as fit :data:`ANIMATION_BUDGET`, between :data:`MIN_STEPS`
    and :data:`MAX_STEPS`; when even the minimum does not fit, a subsample of the points is
    animated (the diagnostics still use every point). ``marked``: the shares of ringed points
    (|f′| < ε) summed over the panels; each ring is one more point to animate.
    """
    transitions = len(STAGE_NAMES) - 1
    weight = panels + min(max(float(marked), 0.0), float(panels))
    m = min(n_points, int(ANIMATION_BUDGET / (weight * (1 + transitions * MIN_STEPS))))
    return m, min((int(ANIMATION_BUDGET / (m * weight)) - 1) // transitions, MAX_STEPS)


def frame_labels(steps_per_stage: int) -> list[str]:
    """Slider label of every frame of :func:`activations.warp.interpolate_stages`: the stage's
    formula on a stage frame, "from → to" in between."""
    labels = []
    for i, formula in enumerate(STAGE_FORMULAS[:-1]):
        labels += [formula] + [f"{formula} → {STAGE_FORMULAS[i + 1]}"] * (steps_per_stage - 1)
    return [*labels, STAGE_FORMULAS[-1]]


def stage_titles() -> list[str]:
    """Panel titles of the six stages: what happens, and the formula so far."""
    words = (_("input"), _("rotate"), _("scale"), _("rotate"), _("shift"), _("activate"))
    return [f"{word}: {formula}" for word, formula in zip(words, STAGE_FORMULAS, strict=True)]


# --- colours ---


@dataclass(frozen=True)
class Palette:
    """How colour values become colours, shared by every panel of a figure.

    Discrete (``names`` given): value k is group k, drawn in ``colors[k]`` and named
    ``names[k]`` in the legend. Continuous (``title`` given): values between ``cmin`` and
    ``cmax`` follow ``colorscale``, explained by a colour bar titled ``title``.
    """

    colors: tuple[str, ...] = ()
    names: tuple[str, ...] = ()
    colorscale: tuple[tuple[float, str], ...] = ()
    cmin: float = 0.0
    cmax: float = 1.0
    title: str | None = None

    @property
    def discrete(self) -> bool:
        return self.title is None

    def rgb(self, values: np.ndarray) -> np.ndarray:
        """RGB (k, 3) uint8 of ``values`` (for the GIF)."""
        values = np.asarray(values)
        if self.discrete:
            table = np.array([_rgb(c) for c in self.colors], dtype=np.uint8)
            return table[np.clip(values.astype(np.int64), 0, len(table) - 1)]
        span = self.cmax - self.cmin
        t = np.clip((np.nan_to_num(values.astype(float), nan=self.cmin) - self.cmin) / span, 0, 1)
        stops = np.array([pos for pos, _ in self.colorscale])
        table = np.array([_rgb(color) for _, color in self.colorscale], dtype=float)
        channels = [np.interp(t, stops, table[:, j]) for j in range(3)]
        return np.round(np.stack(channels, axis=-1)).astype(np.uint8)


def _rgb(color: str) -> tuple[int, int, int]:
    """(r, g, b) of "#rrggbb" or "rgb(r, g, b)"."""
    if color.startswith("#"):
        return hex_to_rgb(color)
    r, g, b = (round(float(v)) for v in color[color.index("(") + 1 : -1].split(",")[:3])
    return r, g, b


def group_names(two_class: bool) -> tuple[str, ...]:
    """The names of the groups: the two classes, or the four starting quadrants."""
    return (_("class 0"), _("class 1")) if two_class else QUADRANT_NAMES


def group_palette(two_class: bool) -> Palette:
    """The four starting quadrants (or two classes): see :func:`group_values`."""
    return Palette(
        colors=CLASS_COLORS if two_class else QUADRANT_COLORS, names=group_names(two_class)
    )


def group_values(labels: np.ndarray, two_class: bool) -> np.ndarray:
    """Group codes for :func:`group_palette`: the label (quadrant or class) as int8."""
    codes = np.asarray(labels, dtype=np.int8)
    if codes.size and not 0 <= codes.min() <= codes.max() < (2 if two_class else 4):
        raise ValueError("labels must be quadrants 0-3 (or classes 0-1)")
    return codes


def area_palette() -> Palette:
    """A diverging scale for :func:`area_values`: blue where the layer shrinks area, red where
    it grows it."""
    levels = np.linspace(0.0, 1.0, 11)
    stops = tuple(zip(levels.tolist(), sample_colorscale(AREA_COLORSCALE, levels), strict=True))
    return Palette(colorscale=stops, cmin=-AREA_LIMIT, cmax=AREA_LIMIT, title="log₁₀|det J|")


def area_values(jacobian_det: np.ndarray) -> np.ndarray:
    """log₁₀|det J| per point as float32, clipped to ±3 (0 becomes −3: a fold flattens area)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        logs = np.log10(np.abs(np.asarray(jacobian_det, dtype=np.float64)))
    return np.clip(np.nan_to_num(logs, nan=-AREA_LIMIT), -AREA_LIMIT, AREA_LIMIT).astype(np.float32)


class Panel(NamedTuple):
    """One panel: its title, its points (a stage (m, 2)) or frames (a sequence of them), a
    colour value per point and, optionally, which points to ring (|f′| < ε)."""

    title: str
    points: np.ndarray | Sequence[np.ndarray]
    values: np.ndarray
    marked: np.ndarray | None = None


def _marked(panel: Sequence) -> np.ndarray | None:
    return np.asarray(panel[3], dtype=bool) if len(panel) > 3 and panel[3] is not None else None


# --- traces ---


@dataclass(frozen=True)
class _Group:
    """The points of one trace: indices into the panel's points, −1 where a polyline breaks."""

    order: np.ndarray
    name: str | None  # None: a continuous colour scale, no legend entry
    color: str | None
    values: np.ndarray | None  # per-point colour values on the colour axis, or None
    lines: bool
    rank: int  # legend position: the group code
    ring: bool = False  # a black ring over the points (|f′| < ε), not a coloured dot


def _groups(
    values: np.ndarray,
    palette: Palette,
    line_ids: np.ndarray | None,
    marked: np.ndarray | None = None,
) -> list[_Group]:
    """Split a panel's points into traces: one per group present (discrete palette), or one
    for all (continuous), then one of black rings over the ``marked`` points, if any. A grid's
    points are joined along its lines, broken wherever the line or the group changes, so each
    group is drawn as its pieces of the grid."""
    values = np.asarray(values)
    if palette.discrete:
        parts = [
            (np.flatnonzero(values == code), name, color, code)
            for code, (name, color) in enumerate(zip(palette.names, palette.colors, strict=True))
        ]
        parts = [part for part in parts if part[0].size]
    else:
        parts = [(np.arange(len(values)), None, None, 0)]
    groups = []
    for index, name, color, code in parts:
        order = index
        if line_ids is not None and index.size:
            ids = line_ids[index]
            breaks = np.flatnonzero((np.diff(index) != 1) | (np.diff(ids) != 0)) + 1
            order = np.insert(index, breaks, -1)
        groups.append(
            _Group(
                order=order,
                name=name,
                color=color,
                values=None if palette.discrete else values[index].astype(np.float32),
                lines=line_ids is not None and palette.discrete,
                rank=code,
            )
        )
    if marked is not None and marked.any():
        groups.append(
            _Group(
                order=np.flatnonzero(marked),
                name=MARK_NAME,
                color=MARK_COLOR,
                values=None,
                lines=False,
                rank=len(palette.names) + 1,
                ring=True,
            )
        )
    return groups


def _xy(points: np.ndarray, order: np.ndarray) -> tuple[dict, dict]:
    """Typed-array x and y of ``points[order]``, NaN where ``order`` is −1."""
    p = np.asarray(points, dtype=np.float32)[np.maximum(order, 0)]
    p[order < 0] = np.nan
    return typed_array(p[:, 0]), typed_array(p[:, 1])


def _frame_columns(frames: np.ndarray, order: np.ndarray) -> np.ndarray:
    """Rows x₀, y₀, x₁, y₁, … of ``frames[k][order]`` (frames: (F, m, 2) float32), NaN where
    ``order`` is −1."""
    if not len(order):  # an empty ring trace
        return np.empty((2 * len(frames), 0), dtype=frames.dtype)
    p = frames[:, np.maximum(order, 0)]
    p[:, order < 0] = np.nan
    return np.ascontiguousarray(p.transpose(0, 2, 1)).reshape(-1, len(order))


def _trace(points: np.ndarray, group: _Group, size: float, axis: str, legend: bool) -> dict:
    x, y = _xy(points, group.order)
    marker: dict = {"size": size}
    if group.ring:
        # Open circles a little larger than the dots, not quite opaque: where rings crowd,
        # the dots' own colours still show through.
        marker.update(
            symbol="circle-open",
            color=group.color,
            size=size + 2.5,
            line={"width": 1},
            opacity=0.55,
        )
    elif group.values is not None:
        marker.update(color=typed_array(group.values), coloraxis="coloraxis")
    else:
        marker["color"] = group.color
    trace = {
        "type": "scattergl",
        "x": x,
        "y": y,
        "xaxis": f"x{axis}",
        "yaxis": f"y{axis}",
        "mode": "lines+markers" if group.lines else "markers",
        "marker": marker,
        "hovertemplate": "(%{x:.3f}, %{y:.3f})<extra>%{fullData.name}</extra>",
        "showlegend": legend,
        "legendrank": group.rank,
    }
    if group.lines:
        trace["line"] = {"color": group.color, "width": 1}
    if group.name is not None:
        trace.update(name=group.name, legendgroup=group.name)
    return trace


def _panel_traces(
    panels: Sequence[tuple[np.ndarray, np.ndarray, np.ndarray | None]],
    palette: Palette,
    line_ids: np.ndarray | None,
    size: float,
) -> tuple[list[dict], list[list[_Group]]]:
    """One trace per group per panel (points, colour values, marked or None), then the rings;
    each legend name shown once."""
    traces, groups_by_panel, named = [], [], set()
    for i, (points, values, marked) in enumerate(panels):
        groups = _groups(values, palette, line_ids, marked)
        for group in groups:
            legend = group.name is not None and group.name not in named
            named.add(group.name)
            traces.append(_trace(points, group, size, "" if i == 0 else str(i + 1), legend))
        groups_by_panel.append(groups)
    return traces, groups_by_panel


def trace_layout(
    panels: Sequence[tuple[np.ndarray, np.ndarray | None]],
    palette: Palette,
    line_ids: np.ndarray | None,
) -> list[dict]:
    """What the browser needs to redraw the traces of :func:`stages_figure` or
    :func:`animation_figure` from new positions of the panels' points: per trace, in the
    figures' order, its panel, the indices of its points (−1 where a line breaks), whether it
    is the ring of |f′| < ε (its points chosen anew) and whether it is coloured by area
    change. ``panels``: (colour values, marked or None) per panel, as given to the figure."""
    out = []
    for i, (values, marked) in enumerate(panels):
        for group in _groups(values, palette, line_ids, marked):
            # A ring's points depend on the layer: the browser chooses them (sent empty, so
            # this layout stays the same, and is not resent, while the layer changes).
            order = np.zeros(0, np.int32) if group.ring else group.order.astype(np.int32)
            out.append(
                {
                    "panel": i,
                    "order": {
                        "dtype": "i4",
                        "bdata": base64.b64encode(order.astype("<i4").tobytes()).decode(),
                    },
                    "ring": group.ring,
                    "area": group.values is not None,
                }
            )
    return out


def _square_range(arrays: Sequence[np.ndarray]) -> tuple[list[float], list[float]]:
    """x and y ranges holding every finite point and the guide square [−1, 1]², padded and
    squared up so that equal aspect shows them all."""
    # Non-finite values become 0, which the range holds anyway (masked reductions are slow);
    # x and y are reduced one column at a time: numpy's axis-0 reduction of an (n, 2) block is
    # 30 times slower.
    block = np.nan_to_num(np.asarray(arrays).reshape(-1, 2), nan=0.0, posinf=0.0, neginf=0.0)
    lo = [min(float(block[:, j].min(initial=0.0)), -1.0) for j in (0, 1)]
    hi = [max(float(block[:, j].max(initial=0.0)), 1.0) for j in (0, 1)]
    half = 0.55 * max(hi[0] - lo[0], hi[1] - lo[1])
    mid = [(lo[j] + hi[j]) / 2 for j in (0, 1)]
    return [mid[0] - half, mid[0] + half], [mid[1] - half, mid[1] + half]


def _marker_size(m: int) -> float:
    return float(np.clip(9.0 - 1.6 * np.log10(max(m, 1)), 2.0, 6.0))


# --- layout ---


def _domain(lo: float, hi: float) -> list[float]:
    return [round(min(max(lo, 0.0), 1.0), 6), round(min(max(hi, 0.0), 1.0), 6)]


def _panel_layout(
    layout: dict,
    titles: Sequence[str],
    ranges: Sequence[tuple[list[float], list[float]]],
    columns: int,
    gaps: tuple[float, float],
) -> None:
    """Axes, titles and guides of a grid of equal-aspect panels, added to ``layout``.

    Panel i sits in row i // columns; domains are computed here rather than by make_subplots,
    whose per-property updates cost more than the whole figure. Each panel shows the axes, the
    unit square [0, 1]² (shaded: its edges lie on the axes and on [−1, 1]²) and the square
    [−1, 1]² (dashed).
    """
    rows = -(-len(titles) // columns)
    hgap, vgap = gaps
    width = (1.0 - hgap * (columns - 1)) / columns
    height = (1.0 - vgap * (rows - 1)) / rows
    axis_style = {"zeroline": True, "zerolinecolor": GUIDE_COLOR, "zerolinewidth": 1.5}
    for i, (title, (x_range, y_range)) in enumerate(zip(titles, ranges, strict=True)):
        suffix = "" if i == 0 else str(i + 1)
        row, col = divmod(i, columns)
        x0 = col * (width + hgap)
        y1 = 1.0 - row * (height + vgap)
        layout[f"xaxis{suffix}"] = {
            **axis_style,
            "domain": _domain(x0, x0 + width),
            "range": x_range,
            "anchor": f"y{suffix}",
            "constrain": "domain",
        }
        layout[f"yaxis{suffix}"] = {
            **axis_style,
            "domain": _domain(y1 - height, y1),
            "range": y_range,
            "anchor": f"x{suffix}",
            "scaleanchor": f"x{suffix}",
            "scaleratio": 1.0,
            "constrain": "domain",
        }
        layout["annotations"].append(panel_title(title, x0 + width / 2, y1))
        # The dashed square lies on grid lines at ±1: draw it above them, under the points.
        for lo, line, fill, layer in (
            (0.0, {"width": 0}, UNIT_SQUARE_FILL, "below"),
            (-1.0, {"color": GUIDE_COLOR, "width": 1, "dash": "dash"}, None, "between"),
        ):
            layout["shapes"].append(
                {
                    "type": "rect",
                    "x0": lo,
                    "y0": lo,
                    "x1": 1.0,
                    "y1": 1.0,
                    "xref": f"x{suffix}",
                    "yref": f"y{suffix}",
                    "line": line,
                    "fillcolor": fill,
                    "layer": layer,
                }
            )


@functools.cache
def _app_layout() -> dict:
    """The app's common layout (charts.theme.base_layout), resolved once: applying its template
    costs more than building a whole Warp figure."""
    return base_layout(go.Figure()).to_dict()["layout"]


def _figure_layout(palette: Palette, height: int, margin: dict) -> dict:
    layout = copy.deepcopy(_app_layout())
    layout.update(
        height=height,
        margin=margin,
        hovermode="closest",
        annotations=[],
        shapes=[],
        # Above the panel titles, anchored to the figure's top edge: a legend on the side
        # would take width from the equal-aspect panels.
        legend={
            "orientation": "h",
            "x": 0.0,
            "xanchor": "left",
            "y": 1.0,
            "yref": "container",
            "yanchor": "top",
            "itemsizing": "constant",
        },
    )
    if not palette.discrete:
        layout["coloraxis"] = {
            "colorscale": [list(stop) for stop in palette.colorscale],
            "cmin": palette.cmin,
            "cmax": palette.cmax,
            "colorbar": {"title": {"text": palette.title}, "thickness": 14, "len": 0.8},
        }
    return layout


# --- figures ---


def stages_figure(
    panels: Sequence[tuple[str, np.ndarray, np.ndarray]],
    palette: Palette,
    *,
    line_ids: np.ndarray | None = None,
    columns: int | None = None,
    height: int | None = None,
) -> FigureSpec:
    """Small multiples: one :class:`Panel` (title, points (m, 2), colour values (m,), marked)
    each, equal aspect, axes and unit squares as guides. ``line_ids`` (a grid's) draws each
    line as a polyline."""
    cols = columns or len(panels)
    rows = -(-len(panels) // cols)
    m = len(panels[0][1]) if panels else 0
    data, _ = _panel_traces(
        [(panel[1], panel[2], _marked(panel)) for panel in panels],
        palette,
        line_ids,
        max(_marker_size(m) - 1.0, 1.5),
    )
    layout = _figure_layout(
        palette, height or 70 + 300 * rows, {"t": 70, "b": 30, "l": 40, "r": 20}
    )
    ranges = [_square_range([np.asarray(panel[1])]) for panel in panels]
    _panel_layout(layout, [panel[0] for panel in panels], ranges, cols, (0.03, 0.12))
    return {"data": data, "layout": layout}


def animation_figure(
    panels: Sequence[tuple[str, Sequence[np.ndarray], np.ndarray]],
    palette: Palette,
    labels: Sequence[str],
    *,
    line_ids: np.ndarray | None = None,
    height: int | None = None,
    frame_ms: int = 90,
) -> FigureSpec:
    """One large view per :class:`Panel` (title, frames, colour values, marked), animated
    together by Plotly frames.

    ``frames`` come from :func:`activations.warp.interpolate_stages`; ``labels`` (see
    :func:`frame_labels`) name the slider steps. The figure opens on the last frame (the
    layer's output), so static exports show the result; Play runs from the input.
    """
    count = len(panels)
    n_frames = len(labels)
    if any(len(panel[1]) != n_frames for panel in panels):
        raise ValueError("every panel needs one frame per label")
    m = len(panels[0][1][0]) if panels else 0
    last = n_frames - 1
    data, groups_by_panel = _panel_traces(
        [(panel[1][last], panel[2], _marked(panel)) for panel in panels],
        palette,
        line_ids,
        _marker_size(m),
    )
    names = [str(k) for k in range(n_frames)]
    # Each trace's points in every frame, gathered at once (one fancy index per trace, not
    # one per trace and frame): columns [x of frame 0, y of frame 0, x of frame 1, ...].
    stacks = [np.asarray(panel[1], dtype=np.float32) for panel in panels]
    columns = [
        _frame_columns(stack, group.order)
        for stack, groups in zip(stacks, groups_by_panel, strict=True)
        for group in groups
    ]
    frames_out = [
        {
            "name": names[k],
            "data": [
                {"type": "scattergl", "x": typed_array(xy[2 * k]), "y": typed_array(xy[2 * k + 1])}
                for xy in columns
            ],
            "traces": list(range(len(data))),
        }
        for k in range(n_frames)
    ]

    still = {
        "mode": "immediate",
        "frame": {"duration": 0, "redraw": True},
        "transition": {"duration": 0},
    }
    play = {
        "frame": {"duration": frame_ms, "redraw": True},
        "transition": {"duration": 0},
        "fromcurrent": True,
        "mode": "immediate",
    }
    # Equal aspect: the plot area is as tall as one panel is wide.
    layout = _figure_layout(
        palette,
        height or (190 + (480 if count == 1 else 360)),
        {"t": 70, "b": 120, "l": 50, "r": 30},
    )
    layout["updatemenus"] = [
        {
            "type": "buttons",
            "direction": "left",
            "showactive": False,
            "x": 0.0,
            "xanchor": "left",
            "y": -0.08,
            "yanchor": "top",
            "pad": {"t": 10, "r": 10},
            "buttons": [
                {"label": "▶", "method": "animate", "args": [None, play]},
                {"label": "‖", "method": "animate", "args": [[None], still]},
            ],
        }
    ]
    layout["sliders"] = [
        {
            "active": last,
            "x": 0.0,
            "len": 1.0,
            "y": -0.02,
            "yanchor": "top",
            "pad": {"t": 0, "b": 0, "l": 110},  # px: room for the two buttons on the left
            # Plotly labels only every few ticks, rarely the stage frames: hide the tick
            # labels and name the current frame instead.
            "font": {"color": "rgba(0, 0, 0, 0)"},
            "currentvalue": {
                "visible": True,
                "prefix": _("stage") + ": ",
                "xanchor": "left",
                "font": {"size": 14, "color": "#333333"},
            },
            "transition": {"duration": 0},
            "steps": [
                {"label": label, "method": "animate", "args": [[name], still]}
                for label, name in zip(labels, names, strict=True)
            ],
        }
    ]
    ranges = [_square_range(stack) for stack in stacks]
    _panel_layout(layout, [panel[0] for panel in panels], ranges, count, (0.06, 0.0))
    return {"data": data, "layout": layout, "frames": frames_out}


def stages_table(
    stages: Sequence[tuple[str, np.ndarray]], labels: np.ndarray, activation_id: str = ""
) -> dict[str, np.ndarray]:
    """CSV columns: the point's label (quadrant or class), then x and y at every stage."""
    columns: dict[str, np.ndarray] = {"label": np.asarray(labels)}
    suffix = f" {activation_id}" if activation_id else ""
    for key, (_name, points) in zip(STAGE_KEYS, stages, strict=True):
        stem = key + (suffix if key == "activate" else "")
        columns[f"{stem} x"] = points[:, 0]
        columns[f"{stem} y"] = points[:, 1]
    return columns


FATE_COLUMNS = ("kept", "onto an axis", "onto the origin", "undefined")


def counts_table(
    counts: Sequence[tuple[str, np.ndarray]], group_names: Sequence[str], eps: float | None
) -> dict[str, list]:
    """CSV columns of :func:`activations.warp.count_by_group` tables, one (name, table) per
    activation (or stack): a row per group and one for all points, the counts of each fate
    (and of |f′| < ``eps`` unless ``eps`` is None), each with its share of the group."""
    columns: dict[str, list] = {"activation": [], "group": [], "points": []}
    kinds = [*FATE_COLUMNS] + ([f"|f'| < {eps:g}"] if eps is not None else [])
    for kind in kinds:
        columns[kind], columns[f"{kind} share"] = [], []
    for name, table in counts:
        for row, group in zip(table, [*group_names, "all"], strict=True):
            columns["activation"].append(name)
            columns["group"].append(group)
            columns["points"].append(int(row[0]))
            for j, kind in enumerate(kinds):
                columns[kind].append(int(row[1 + j]))
                columns[f"{kind} share"].append(row[1 + j] / row[0] if row[0] else float("nan"))
    return columns


# --- GIF ---


GIF_PANEL = 720
"""Width of one GIF panel in pixels (the plot, its tick labels and margins): slide size."""
_GIF_MARGIN = {"left": 64, "right": 22, "legend": 40, "title": 40, "ticks": 30, "stage": 46}
_GIF_TEXT_SIZE = {"title": 22, "tick": 16, "stage": 22, "legend": 18}
# GIF palette indices: the fixed colours, then the point colours from _GIF_POINTS on.
_GIF_WHITE, _GIF_GUIDE, _GIF_TEXT, _GIF_FILL, _GIF_GRID, _GIF_MARK = range(6)
_GIF_POINTS = 6
GRID_COLOR = "#e6e6e6"


def nice_ticks(lo: float, hi: float, target: int = 8) -> np.ndarray:
    """Round tick values inside [lo, hi], about ``target`` of them, a step of 1, 2, 2.5 or 5
    times a power of ten (0 is a tick whenever it is inside)."""
    span = hi - lo
    if not np.isfinite(span) or span <= 0:
        return np.array([lo]) if np.isfinite(lo) else np.array([])
    raw = span / max(target, 1)
    power = 10.0 ** np.floor(np.log10(raw))
    step = power * next(f for f in (1.0, 2.0, 2.5, 5.0, 10.0) if f * power >= raw * (1 - 1e-9))
    first = np.ceil(lo / step - 1e-9) * step
    ticks = first + step * np.arange(int(np.floor((hi - first) / step + 1e-9)) + 1)
    return np.round(ticks, 10) + 0.0  # no −0


def _tick_text(value: float) -> str:
    return f"{value:g}".replace("-", "−")


def animation_gif(
    panels: Sequence[Panel | tuple],
    palette: Palette,
    labels: Sequence[str],
    *,
    size: int = GIF_PANEL,
    frame_ms: int = 90,
    hold_ms: int = 700,
) -> bytes:
    """The animation of :func:`animation_figure` as a looping GIF for slides: panels side by
    side, each ``size`` px wide with its title, axes, grid lines and tick labels; a legend on
    top; every frame's stage written under the panels; stage frames held for ``hold_ms``.
    Marked points (a :class:`Panel`'s ``marked``) get a black outline.

    Drawn directly with NumPy and Pillow (no browser): 0.1–0.3 s (bench/bench_warp_gif.py).
    """
    from PIL import Image, ImageDraw, ImageFont

    margin = _GIF_MARGIN
    plot = size - margin["left"] - margin["right"]
    if plot < 40:
        raise ValueError(f"size must be at least {40 + margin['left'] + margin['right']} px")
    scale_text = size / GIF_PANEL  # smaller panels (tests) get smaller text
    text_size = {k: max(8, round(v * scale_text)) for k, v in _GIF_TEXT_SIZE.items()}
    top = margin["legend"] + margin["title"]
    height = top + plot + margin["ticks"] + margin["stage"]
    width = size * len(panels)
    if palette.discrete:
        levels = np.arange(len(palette.colors))
    else:
        levels = np.linspace(palette.cmin, palette.cmax, 33)
    fixed = [(255, 255, 255), _rgb(GUIDE_COLOR), (17, 17, 17), _rgb(UNIT_SQUARE_FILL)]
    fixed += [_rgb(GRID_COLOR), _rgb(MARK_COLOR)]
    gif_palette = [c for rgb in fixed for c in rgb] + palette.rgb(levels).ravel().tolist()
    any_marked = any(_marked(panel) is not None and _marked(panel).any() for panel in panels)
    legend_names = list(palette.names) + ([MARK_NAME] if any_marked else [])
    stage_prefix = _("stage") + ": "
    texts = [panel[0] for panel in panels] + list(labels) + legend_names + [stage_prefix]
    fonts, missing = _gif_fonts(ImageFont, texts, text_size)

    def text(value: str) -> str:
        return _ascii(value, missing)

    # Everything but the points and the stage line is the same in every frame: draw it once.
    base = np.full((height, width), _GIF_WHITE, dtype=np.uint8)
    views = []
    for i, panel in enumerate(panels):
        (x0, x1), (y0, y1) = _square_range(panel[1])
        view = _GifView(i * size + margin["left"], top, plot, x0, y1, (plot - 1) / (x1 - x0))
        base[top : top + plot, view.left : view.left + plot] = _gif_plot_area(
            view, (x0, x1), (y0, y1)
        )
        views.append((view, (x0, x1), (y0, y1)))
    background = Image.fromarray(base, mode="P")
    draw = ImageDraw.Draw(background)
    _gif_legend(draw, palette, levels, legend_names, fonts["legend"], text, margin["legend"])
    for panel, (view, x_range, y_range) in zip(panels, views, strict=True):
        _gif_ticks(draw, view, x_range, y_range, fonts["tick"])
        draw.text(
            (view.left + plot / 2, margin["legend"] + margin["title"] / 2),
            text(panel[0]),
            fill=_GIF_TEXT,
            font=fonts["title"],
            anchor="mm",
        )
    base = np.asarray(background).copy()
    views = [view for view, _x, _y in views]

    codes_by_panel = []
    for panel in panels:
        values = np.asarray(panel[2], dtype=np.float64)
        if not palette.discrete:
            t = np.nan_to_num((values - palette.cmin) / (palette.cmax - palette.cmin))
            values = np.round(np.clip(t, 0.0, 1.0) * (len(levels) - 1))
        codes_by_panel.append((_GIF_POINTS + values).astype(np.uint8))
    dot = 3 if plot >= 400 else 2

    images, durations = [], []
    for k, label in enumerate(labels):
        canvas = base.copy()
        for panel, view, codes in zip(panels, views, codes_by_panel, strict=True):
            frame = np.asarray(panel[1][k], dtype=np.float64)
            marked = _marked(panel)
            px, py, inside = view.pixels(frame, margin=dot + 1)
            if marked is not None:
                ring = inside & marked
                # A black square one pixel wider on every side, under the point's own dot.
                _stamp(canvas, px[ring] - 1, py[ring] - 1, dot + 2, _GIF_MARK)
            _stamp(canvas, px[inside], py[inside], dot, codes[inside])
        image = Image.fromarray(canvas, mode="P")
        image.putpalette(gif_palette)
        ImageDraw.Draw(image).text(
            (width / 2, height - margin["stage"] / 2),
            text(stage_prefix + label),
            fill=_GIF_TEXT,
            font=fonts["stage"],
            anchor="mm",
        )
        images.append(image)
        durations.append(frame_ms if "→" in label else hold_ms)
    buffer = io.BytesIO()
    images[0].save(
        buffer, format="GIF", save_all=True, append_images=images[1:], duration=durations, loop=0
    )
    return buffer.getvalue()


@dataclass(frozen=True)
class _GifView:
    """Where one panel's plot area sits in the GIF, and its data-to-pixel map."""

    left: int
    top: int
    size: int
    x0: float
    y1: float
    scale: float  # pixels per data unit, the same on both axes

    def col(self, x: float) -> int:
        return self.left + round(float(x - self.x0) * self.scale)

    def row(self, y: float) -> int:
        return self.top + round(float(self.y1 - y) * self.scale)

    def pixels(self, points: np.ndarray, margin: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Canvas columns and rows of ``points`` (int64), and which of them fall inside the
        plot area with ``margin`` pixels to spare."""
        with np.errstate(invalid="ignore", over="ignore"):
            u = np.round((points[:, 0] - self.x0) * self.scale)
            v = np.round((self.y1 - points[:, 1]) * self.scale)
            inside = (u >= 1) & (u < self.size - margin) & (v >= 1) & (v < self.size - margin)
        u = np.where(inside, u, 0).astype(np.int64) + self.left
        v = np.where(inside, v, 0).astype(np.int64) + self.top
        return u, v, inside


def _stamp(canvas: np.ndarray, cols: np.ndarray, rows: np.ndarray, size: int, codes) -> None:
    """Square dots of ``size`` pixels with their top-left corners at (cols, rows)."""
    for dy in range(size):
        for dx in range(size):
            canvas[rows + dy, cols + dx] = codes


def _gif_plot_area(view: _GifView, x_range, y_range) -> np.ndarray:
    """One plot area as palette indices: grid lines at the ticks, the shaded unit square, the
    axes (two pixels wide) and the dashed [−1, 1]²."""
    size = view.size
    area = np.full((size, size), _GIF_WHITE, dtype=np.uint8)

    def col(x: float) -> int:
        return int(np.clip(view.col(x) - view.left, 0, size - 1))

    def row(y: float) -> int:
        return int(np.clip(view.row(y) - view.top, 0, size - 1))

    for x in nice_ticks(*x_range):
        area[:, col(x)] = _GIF_GRID
    for y in nice_ticks(*y_range):
        area[row(y), :] = _GIF_GRID
    area[row(1.0) : row(0.0) + 1, col(0.0) : col(1.0) + 1] = _GIF_FILL
    dash = (np.arange(size) // 6) % 2 == 0
    cols, rows = np.arange(col(-1.0), col(1.0) + 1), np.arange(row(1.0), row(-1.0) + 1)
    for fixed in (row(-1.0), row(1.0)):
        area[fixed, cols[dash[cols]]] = _GIF_GUIDE
    for fixed in (col(-1.0), col(1.0)):
        area[rows[dash[rows]], fixed] = _GIF_GUIDE
    # _square_range always holds [−1, 1]², so both axes are inside the view.
    area[:, col(0.0) : col(0.0) + 2] = _GIF_GUIDE
    area[row(0.0) : row(0.0) + 2, :] = _GIF_GUIDE
    return area


def _gif_ticks(draw, view: _GifView, x_range, y_range, font) -> None:
    """A thin frame round the plot area, tick marks and tick labels on its left and bottom."""
    left, top = view.left, view.top
    right, bottom = left + view.size - 1, top + view.size - 1
    draw.rectangle((left - 1, top - 1, right + 1, bottom + 1), outline=_GIF_GUIDE)
    for x in nice_ticks(*x_range):
        col = view.col(x)
        draw.line((col, bottom + 1, col, bottom + 6), fill=_GIF_GUIDE)
        draw.text((col, bottom + 8), _tick_text(x), fill=_GIF_TEXT, font=font, anchor="mt")
    for y in nice_ticks(*y_range):
        row = view.row(y)
        draw.line((left - 6, row, left - 1, row), fill=_GIF_GUIDE)
        draw.text((left - 9, row), _tick_text(y), fill=_GIF_TEXT, font=font, anchor="rm")


def _gif_legend(draw, palette: Palette, levels, names, font, text, band: int) -> None:
    """A top band: each group's colour and name (or the colour scale), then the ring."""
    x, middle = 12, band // 2
    box = max(8, band // 3)
    y0, y1 = middle - box // 2, middle + box // 2

    def write(label: str, gap: int = 24) -> None:
        nonlocal x
        draw.text((x, middle), label, fill=_GIF_TEXT, font=font, anchor="lm")
        x += int(draw.textlength(label, font=font)) + gap

    if palette.discrete:
        for code, name in enumerate(palette.names):
            draw.rectangle((x, y0, x + box, y1), fill=_GIF_POINTS + code)
            x += box + 8
            write(text(name))
    else:
        write(text(palette.title or ""), 12)
        write(_tick_text(palette.cmin), 6)
        for j in range(len(levels)):
            draw.rectangle((x, y0, x + 5, y1), fill=_GIF_POINTS + j)
            x += 6
        x += 6
        write(_tick_text(palette.cmax))
    if len(names) > len(palette.names):  # the ring of |f′| < ε
        draw.rectangle((x - 1, y0 - 1, x + box + 1, y1 + 1), outline=_GIF_MARK, width=2)
        x += box + 8
        write(text(names[-1]))


# Noto Sans CJK's collection: index 2 is Simplified Chinese, which also covers the Traditional
# characters of our labels (Debian's fonts-noto-cjk).
_CJK_FONT = ("NotoSansCJK-Regular.ttc", 2)


# Characters of the labels with an ASCII stand-in, for fonts that lack them.
_ASCII = {"ᵀ": "^T", "Σ": "S", "→": "->", "′": "'", "ε": "eps"}


def _gif_font(image_font, texts: list[str], size: int = 14):
    """A font for the labels and the characters it lacks: Noto Sans CJK when they hold Chinese
    (it lacks ᵀ only: ε, ′, Σ and → stay), else DejaVu Sans (it has them all), else Pillow's
    own font (ASCII only)."""
    if any(ord(ch) >= 0x2E80 for text in texts for ch in text):
        for path in (_CJK_FONT[0], "/usr/share/fonts/opentype/noto/" + _CJK_FONT[0]):
            try:
                return image_font.truetype(path, size, index=_CJK_FONT[1]), frozenset("ᵀ")
            except OSError:
                continue
    try:
        return image_font.truetype("DejaVuSans.ttf", size), frozenset()
    except OSError:
        return image_font.load_default(size), frozenset(_ASCII)


def _gif_fonts(image_font, texts: list[str], sizes: dict[str, int]):
    """:func:`_gif_font` at each of ``sizes``, and every character one of them lacks."""
    found = {key: _gif_font(image_font, texts, size) for key, size in sizes.items()}
    missing = frozenset().union(*(m for _f, m in found.values()))
    return {key: font for key, (font, _m) in found.items()}, missing


def _ascii(text: str, missing: frozenset[str] = frozenset(_ASCII)) -> str:
    """``text`` with the ``missing`` characters written in ASCII."""
    for fancy in missing:
        text = text.replace(fancy, _ASCII[fancy])
    return text
