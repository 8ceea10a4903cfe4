"""The Warp figures: a point cloud through one layer f(W x + b).

Small multiples of the stages, one animated view whose frames play and scrub in the browser
(Plotly frames, no server round trip), and the same animation as a GIF. Points carry a colour
value: a group code (starting quadrant or class, or "saturated") drawn as one constant-colour
Scattergl trace per group, or log₁₀|det J| on a continuous colour axis.
"""

from __future__ import annotations

import copy
import functools
import io
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go
from plotly.colors import hex_to_rgb, sample_colorscale

from activations import warp
from activations.clouds import QUADRANT_NAMES, make_cloud
from activations.warp import STAGE_NAMES
from charts.theme import FigureSpec, base_layout, fast_figure, panel_title, typed_array
from i18n import _

__all__ = [
    "ANIMATION_BUDGET",
    "MAX_STEPS",
    "MIN_STEPS",
    "STAGE_FORMULAS",
    "Palette",
    "animation_figure",
    "animation_gif",
    "animation_plan",
    "animation_spec",
    "area_palette",
    "area_values",
    "frame_labels",
    "group_palette",
    "group_values",
    "stage_titles",
    "stages_figure",
    "stages_spec",
    "stages_table",
    "subsample",
]

STAGE_FORMULAS = ("x", "Vᵀx", "ΣVᵀx", "Wx", "Wx + b", "f(Wx + b)")
# CSV column stems, one per stage (the two rotations need distinct names).
STAGE_KEYS = ("input", "rotate_v", "scale", "rotate_u", "shift", "activate")

QUADRANT_COLORS = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728")  # +x+y, −x+y, −x−y, +x−y
CLASS_COLORS = ("#1f77b4", "#d62728")
SATURATED_COLOR = "#111111"
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


def animation_plan(n_points: int, panels: int = 1) -> tuple[int, int]:
    """(points animated per panel, frames per stage transition) for a cloud of ``n_points``.

    As many frames per transition as fit :data:`ANIMATION_BUDGET`, between :data:`MIN_STEPS`
    and :data:`MAX_STEPS`; when even the minimum does not fit, a subsample of the points is
    animated (the diagnostics still use every point).
    """
    transitions = len(STAGE_NAMES) - 1
    m = min(n_points, ANIMATION_BUDGET // (panels * (1 + transitions * MIN_STEPS)))
    return m, min((ANIMATION_BUDGET // (m * panels) - 1) // transitions, MAX_STEPS)


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


def group_palette(two_class: bool) -> Palette:
    """The four starting quadrants (or two classes), then black for "saturated": see
    :func:`group_values`."""
    if two_class:
        names, colors = (_("class 0"), _("class 1")), CLASS_COLORS
    else:
        names, colors = QUADRANT_NAMES, QUADRANT_COLORS
    return Palette(colors=(*colors, SATURATED_COLOR), names=(*names, "|f′| < ε"))


def group_values(
    labels: np.ndarray, two_class: bool, saturated: np.ndarray | None = None
) -> np.ndarray:
    """Group codes for :func:`group_palette`: the label (quadrant or class), or the saturated
    code where ``saturated`` is True."""
    codes = np.asarray(labels, dtype=np.int8).copy()
    if saturated is not None:
        codes[np.asarray(saturated, dtype=bool)] = len(
            CLASS_COLORS if two_class else QUADRANT_COLORS
        )
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


def _groups(values: np.ndarray, palette: Palette, line_ids: np.ndarray | None) -> list[_Group]:
    """Split a panel's points into traces: one per group present (discrete palette), or one
    for all (continuous). A grid's points are joined along its lines, broken wherever the line
    or the group changes, so each group is drawn as its pieces of the grid."""
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
    return groups


def _xy(points: np.ndarray, order: np.ndarray) -> tuple[dict, dict]:
    """Typed-array x and y of ``points[order]``, NaN where ``order`` is −1."""
    p = np.asarray(points, dtype=np.float32)[np.maximum(order, 0)]
    p[order < 0] = np.nan
    return typed_array(p[:, 0]), typed_array(p[:, 1])


def _frame_columns(frames: np.ndarray, order: np.ndarray) -> np.ndarray:
    """Rows x₀, y₀, x₁, y₁, … of ``frames[k][order]`` (frames: (F, m, 2) float32), NaN where
    ``order`` is −1."""
    p = frames[:, np.maximum(order, 0)]
    p[:, order < 0] = np.nan
    return np.ascontiguousarray(p.transpose(0, 2, 1)).reshape(-1, len(order))


def _trace(points: np.ndarray, group: _Group, size: float, axis: str, legend: bool) -> dict:
    x, y = _xy(points, group.order)
    marker: dict = {"size": size}
    if group.values is not None:
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
    panels: Sequence[tuple[np.ndarray, np.ndarray]],
    palette: Palette,
    line_ids: np.ndarray | None,
    size: float,
) -> tuple[list[dict], list[list[_Group]]]:
    """One trace per group per panel (points, colour values); each legend name shown once."""
    traces, groups_by_panel, named = [], [], set()
    for i, (points, values) in enumerate(panels):
        groups = _groups(values, palette, line_ids)
        for group in groups:
            legend = group.name is not None and group.name not in named
            named.add(group.name)
            traces.append(_trace(points, group, size, "" if i == 0 else str(i + 1), legend))
        groups_by_panel.append(groups)
    return traces, groups_by_panel


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


def stages_figure(*args, **kwargs) -> go.Figure:
    """:func:`stages_spec` as a plotly.py Figure."""
    return fast_figure(**stages_spec(*args, **kwargs))


def animation_figure(*args, **kwargs) -> go.Figure:
    """:func:`animation_spec` as a plotly.py Figure."""
    return fast_figure(**animation_spec(*args, **kwargs))


def stages_spec(
    panels: Sequence[tuple[str, np.ndarray, np.ndarray]],
    palette: Palette,
    *,
    line_ids: np.ndarray | None = None,
    columns: int | None = None,
    height: int | None = None,
) -> FigureSpec:
    """Small multiples: one panel per (title, points (m, 2), colour values (m,)), equal aspect,
    axes and unit squares as guides. ``line_ids`` (a grid's) draws each line as a polyline."""
    cols = columns or len(panels)
    rows = -(-len(panels) // cols)
    m = len(panels[0][1]) if panels else 0
    data, _ = _panel_traces(
        [(points, values) for _, points, values in panels],
        palette,
        line_ids,
        max(_marker_size(m) - 1.0, 1.5),
    )
    layout = _figure_layout(
        palette, height or 70 + 300 * rows, {"t": 70, "b": 30, "l": 40, "r": 20}
    )
    ranges = [_square_range([np.asarray(points)]) for _, points, _ in panels]
    _panel_layout(layout, [t for t, _, _ in panels], ranges, cols, (0.03, 0.12))
    return {"data": data, "layout": layout}


def animation_spec(
    panels: Sequence[tuple[str, Sequence[np.ndarray], np.ndarray]],
    palette: Palette,
    labels: Sequence[str],
    *,
    line_ids: np.ndarray | None = None,
    height: int | None = None,
    frame_ms: int = 90,
) -> FigureSpec:
    """One large view per (title, frames, colour values), animated together by Plotly frames.

    ``frames`` come from :func:`activations.warp.interpolate_stages`; ``labels`` (see
    :func:`frame_labels`) name the slider steps. The figure opens on the last frame (the
    layer's output), so static exports show the result; Play runs from the input.
    """
    count = len(panels)
    n_frames = len(labels)
    if any(len(frames) != n_frames for _, frames, _ in panels):
        raise ValueError("every panel needs one frame per label")
    m = len(panels[0][1][0]) if panels else 0
    last = n_frames - 1
    data, groups_by_panel = _panel_traces(
        [(frames[last], values) for _, frames, values in panels],
        palette,
        line_ids,
        _marker_size(m),
    )
    names = [str(k) for k in range(n_frames)]
    # Each trace's points in every frame, gathered at once (one fancy index per trace, not
    # one per trace and frame): columns [x of frame 0, y of frame 0, x of frame 1, ...].
    stacks = [np.asarray(frames, dtype=np.float32) for _title, frames, _values in panels]
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
    _panel_layout(layout, [t for t, _, _ in panels], ranges, count, (0.06, 0.0))
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


# --- GIF ---


def layer_table(
    cloud: tuple[str, int, int],
    matrix: np.ndarray,
    bias: np.ndarray,
    sides: Sequence[tuple[str, object, dict[str, float]]],
) -> dict[str, np.ndarray]:
    """CSV columns: every point of ``cloud`` (kind, n, seed) at every stage of the layer, the
    activate stage once per (name, activation, params) side.

    Built from small arguments when a download asks for it: a deferred download keeps its
    arguments alive for the session, so it must not hold the page's arrays."""
    points_cloud = make_cloud(*cloud)
    by_side = [
        (name, warp.layer_stages(points_cloud.points, matrix, bias, act, **params))
        for name, act, params in sides
    ]
    table = stages_table(by_side[0][1], points_cloud.labels, by_side[0][0])
    for name, stages in by_side[1:]:
        extra = stages_table(stages, points_cloud.labels, name)
        table.update({k: v for k, v in extra.items() if k.startswith("activate")})
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
    return columns


def animation_gif(
    panels: Sequence[tuple[str, Sequence[np.ndarray], np.ndarray]],
    palette: Palette,
    labels: Sequence[str],
    *,
    size: int = 360,
    frame_ms: int = 90,
    hold_ms: int = 700,
) -> bytes:
    """The animation of :func:`animation_figure` as a looping GIF: panels side by side, each
    frame's label written under them, stage frames held for ``hold_ms``.

    Drawn directly with NumPy and Pillow (no browser), so it takes well under a second.
    """
    from PIL import Image, ImageDraw, ImageFont

    width = size * len(panels)
    # GIF palette: 0 white, 1 guides, 2 text, 3 unit-square fill, then the point colours.
    if palette.discrete:
        levels = np.arange(len(palette.colors))
    else:
        levels = np.linspace(palette.cmin, palette.cmax, 33)
    gif_palette = [255, 255, 255, *_rgb(GUIDE_COLOR), 17, 17, 17, *_rgb(UNIT_SQUARE_FILL)]
    gif_palette += palette.rgb(levels).ravel().tolist()
    font, ascii_only = _gif_font(ImageFont, [t for t, _f, _v in panels] + list(labels))
    panel_codes = []
    transforms = []
    for _title, frames, values in panels:
        values = np.asarray(values, dtype=np.float64)
        if not palette.discrete:
            t = np.nan_to_num((values - palette.cmin) / (palette.cmax - palette.cmin))
            values = np.round(np.clip(t, 0.0, 1.0) * (len(levels) - 1))
        panel_codes.append((4 + values).astype(np.uint8))
        (x0, x1), (_y0, y1) = _square_range(frames)
        transforms.append((x0, y1, (size - 1) / (x1 - x0)))

    images = []
    durations = []
    for k, label in enumerate(labels):
        canvas = np.zeros((size, width), dtype=np.uint8)
        for i, (_title, frames, _values) in enumerate(panels):
            x0, y1, scale = transforms[i]
            view = canvas[:, i * size : (i + 1) * size]
            _draw_guides(view, x0, y1, scale)
            with np.errstate(invalid="ignore"):
                px = np.round((frames[k][:, 0] - x0) * scale)
                py = np.round((y1 - frames[k][:, 1]) * scale)
                inside = (px >= 0) & (px < size - 1) & (py >= 0) & (py < size - 1)
            px, py = px[inside].astype(np.int64), py[inside].astype(np.int64)
            codes = panel_codes[i][inside]
            for dx, dy in ((0, 0), (1, 0), (0, 1), (1, 1)):  # 2×2 dots
                view[py + dy, px + dx] = codes
        image = Image.fromarray(canvas, mode="P")
        image.putpalette(gif_palette)
        draw = ImageDraw.Draw(image)
        text = _ascii(label) if ascii_only else label
        for i, (title, _frames, _values) in enumerate(panels):
            draw.text((i * size + 6, 4), _ascii(title) if ascii_only else title, fill=2, font=font)
            draw.text((i * size + 6, size - 20), text, fill=2, font=font)
        images.append(image)
        durations.append(frame_ms if "→" in label else hold_ms)
    buffer = io.BytesIO()
    images[0].save(
        buffer, format="GIF", save_all=True, append_images=images[1:], duration=durations, loop=0
    )
    return buffer.getvalue()


# Noto Sans CJK's collection: index 2 is Simplified Chinese, which also covers the Traditional
# characters of our labels (Debian's fonts-noto-cjk).
_CJK_FONT = ("NotoSansCJK-Regular.ttc", 2)


def _gif_font(image_font, texts: list[str]):
    """A font for the labels: Noto Sans CJK when they hold Chinese (its ᵀ is missing, so labels
    go ASCII), else DejaVu Sans (it has Σ, ᵀ and →), else Pillow's own font with ASCII labels."""
    if any(ord(ch) >= 0x2E80 for text in texts for ch in text):
        for path in (_CJK_FONT[0], "/usr/share/fonts/opentype/noto/" + _CJK_FONT[0]):
            try:
                return image_font.truetype(path, 14, index=_CJK_FONT[1]), True
            except OSError:
                continue
    try:
        return image_font.truetype("DejaVuSans.ttf", 14), False
    except OSError:
        return image_font.load_default(14), True


def _ascii(text: str) -> str:
    for fancy, plain in (("ᵀ", "^T"), ("Σ", "S"), ("→", "->"), ("′", "'"), ("ε", "eps")):
        text = text.replace(fancy, plain)
    return text


def _draw_guides(view: np.ndarray, x0: float, y1: float, scale: float) -> None:
    """Shade [0, 1]², draw the axes and a dashed [−1, 1]² (palette indices 3 and 1)."""
    size = view.shape[0]

    def col(v: float) -> int:
        return int(np.clip(round((v - x0) * scale), 0, size - 1))

    def row(v: float) -> int:
        return int(np.clip(round((y1 - v) * scale), 0, size - 1))

    view[row(1.0) : row(0.0) + 1, col(0.0) : col(1.0) + 1] = 3
    view[:, col(0.0)] = 1
    view[row(0.0), :] = 1
    dash = (np.arange(size) // 4) % 2 == 0
    c = np.arange(col(-1.0), col(1.0) + 1)
    r = np.arange(row(1.0), row(-1.0) + 1)
    for fixed in (row(-1.0), row(1.0)):
        view[fixed, c[dash[c]]] = 1
    for fixed in (col(-1.0), col(1.0)):
        view[r[dash[r]], fixed] = 1
