"""The Warp page (AppTest) and its figure builders (charts/warp.py)."""

from __future__ import annotations

import io
import json
import re

import numpy as np
import plotly.graph_objects as go
import pytest
from figtools import arr, figures
from PIL import Image

import activations
from activations import warp
from activations.clouds import CLOUD_KINDS, TWO_CLASS_CLOUDS, make_cloud
from charts import export
from charts import warp as warp_charts
from ui import controls, warp_view

SMALL = {"n": "300"}


def specs(at) -> list[dict]:
    """The Plotly figures the page sent, as the browser receives them."""
    return figures(at)


def metrics(at) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for metric in at.metric:
        found.setdefault(metric.label, []).append(metric.value)
    return found


def ok(at) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert not at.warning, [w.value for w in at.warning]


def panel_points(traces: list[dict], panel: int = 0) -> np.ndarray:
    """Every point drawn in one panel (its traces in order, polyline breaks dropped)."""
    axis = "x" if panel == 0 else f"x{panel + 1}"
    parts = [
        np.column_stack([arr(t["x"]), arr(t["y"])]) for t in traces if t.get("xaxis", "x") == axis
    ]
    points = np.concatenate(parts)
    return points[~np.isnan(points).any(axis=1)]


def by_group(points: np.ndarray, codes: np.ndarray) -> np.ndarray:
    """``points`` in the order the page draws them: group by group, in index order."""
    return np.concatenate([points[codes == code] for code in np.unique(codes)])


def legend(spec: dict) -> list[str]:
    return [t["name"] for t in spec["data"] if t.get("showlegend")]


def panel_titles(spec: dict) -> list[str]:
    return [a["text"] for a in spec["layout"]["annotations"]]


# --- the page ---


def test_default_page_animates_the_preset_layer_with_relu(run_page):
    at = run_page("warp")
    ok(at)
    anim, stages = specs(at)[:2]
    # 1 + 5 · 8 frames, played in the browser; the figure opens on the output stage.
    assert len(anim["frames"]) == 41
    slider = anim["layout"]["sliders"][0]
    assert slider["active"] == 40 and len(slider["steps"]) == 41
    assert [s["label"] for s in slider["steps"][::8]] == list(warp_charts.STAGE_FORMULAS)
    assert {
        b["args"][0] is None or b["args"][0] == [None]
        for b in anim["layout"]["updatemenus"][0]["buttons"]
    } == {True}
    assert anim["data"][0]["type"] == "scattergl"
    assert anim["layout"]["yaxis"]["scaleanchor"] == "x"
    # One trace per starting quadrant; the last frame and the base traces are ReLU(x Wᵀ) of
    # the default square cloud.
    cloud = make_cloud("square", 2000, 0)
    assert legend(anim) == ["+x +y", "−x +y", "−x −y", "+x −y"]
    output = np.maximum(cloud.points @ warp.PRESET_MATRIX.T, 0).astype(np.float32)
    expected = by_group(output, cloud.labels)
    assert np.array_equal(panel_points(anim["data"]), expected)
    assert np.array_equal(panel_points(anim["frames"][-1]["data"]), expected)
    assert all(frame["traces"] == [0, 1, 2, 3] for frame in anim["frames"])
    # The first frame is the input itself.
    first = panel_points(anim["frames"][0]["data"])
    assert np.array_equal(first, by_group(cloud.points.astype(np.float32), cloud.labels))
    # Six small multiples, one per stage.
    assert len(panel_titles(stages)) == 6
    shown = metrics(at)
    assert shown["det W"] == [f"{np.linalg.det(warp.PRESET_MATRIX):.4g}"]
    d = warp.diagnostics(cloud.points, warp.PRESET_MATRIX, [0, 0], "relu")
    assert shown["on an axis"] == [f"{d.on_axis:.1%}"]
    assert shown["at the origin"] == [f"{d.at_origin:.1%}"]
    assert any("not one-to-one" in m.value for m in at.markdown)


@pytest.mark.parametrize("kind", CLOUD_KINDS)
def test_every_cloud_kind(run_page, kind):
    at = run_page("warp", {"cloud": kind, **SMALL})
    ok(at)
    anim = specs(at)[0]
    cloud = make_cloud(kind, 300, 0)
    if kind in TWO_CLASS_CLOUDS:
        assert legend(anim) == ["class 0", "class 1"]
    else:
        assert set(legend(anim)) <= {"+x +y", "−x +y", "−x −y", "+x −y"}
    assert len(panel_points(anim["data"])) == 300
    if kind == "grid":
        # Drawn as polylines, broken (NaN) where a grid line ends or changes quadrant.
        assert {t["mode"] for t in anim["data"]} == {"lines+markers"}
        for q, trace in zip(np.unique(cloud.labels), anim["data"], strict=True):
            pieces = len(np.unique(cloud.line_ids[cloud.labels == q]))
            assert np.isnan(arr(trace["x"])).sum() >= pieces - 1
    else:
        assert {t["mode"] for t in anim["data"]} == {"markers"}


@pytest.mark.parametrize(
    ("query", "checks"),
    [
        ({"act": "sigmoid"}, {"in (0, 1)²": "100.0%", "on an axis": "0.0%"}),
        ({"act": "tanh"}, {"in (−1, 1)²": "100.0%", "at the origin": "0.0%"}),
        ({"act": "relu", "b1": "-3", "b2": "-3"}, {"at the origin": "100.0%"}),
    ],
)
def test_activations_squash_and_fold(run_page, query, checks):
    at = run_page("warp", {**query, **SMALL})
    ok(at)
    shown = metrics(at)
    for label, value in checks.items():
        assert shown[label] == [value]


def test_leaky_relu_slope_is_used_and_one_to_one(run_page):
    at = run_page("warp", {"act": "leaky_relu", "leaky_relu.negative_slope": "0.2", **SMALL})
    ok(at)
    anim = specs(at)[0]
    assert "0.2" in panel_titles(anim)[0]
    cloud = make_cloud("square", 300, 0)
    z = cloud.points @ warp.PRESET_MATRIX.T
    expected = by_group(np.where(z > 0, z, 0.2 * z), cloud.labels)
    assert np.allclose(panel_points(anim["data"]), expected, atol=1e-6)
    assert any("one-to-one" in m.value and "not" not in m.value for m in at.markdown)


def test_identity_stack_prints_the_single_matrix(run_page):
    at = run_page("warp", {"act": "identity", "layers": "3", **SMALL})
    ok(at)
    # Layer 1 is the preset; layers 2 and 3 are random from the matrix seed (0) + 1.
    rest = warp.stack_layers(np.zeros((1, 2)), 2, 1, "identity")
    w_total, b_total = warp.compose_linear(
        [(warp.PRESET_MATRIX, np.zeros(2)), *[(w, b) for w, b, _ in rest]]
    )
    printed = next(tex.value for tex in at.latex if "W'" in tex.value)
    numbers = [float(v) for v in re.findall(r"-?\d+\.?\d*(?:e-?\d+)?", printed.split("=", 1)[1])]
    assert np.allclose(numbers, [*w_total.ravel(), *b_total], rtol=1e-3)
    assert any("over all 300 points" in c.value for c in at.caption)
    stack = specs(at)[2]
    assert panel_titles(stack) == [
        "input",
        "after layer 1",
        "after layer 2",
        "after layer 3",
    ]


def test_nonlinear_stack_is_not_one_matrix(run_page):
    at = run_page("warp", {"act": "tanh", "layers": "2", **SMALL})
    ok(at)
    assert not any("W'" in tex.value for tex in at.latex)
    assert any("not one matrix" in c.value for c in at.caption)


def test_two_activations_side_by_side(run_page):
    at = run_page(
        "warp",
        {
            "act": "leaky_relu",
            "act2": "leaky_relu",
            "leaky_relu~2.negative_slope": "0.5",
            "sat": "true",
            **SMALL,
        },
    )
    ok(at)
    anim, stages = specs(at)[:2]
    assert panel_titles(anim) == ["Leaky ReLU", "Leaky ReLU (negative_slope=0.5)"]
    # Both panels move together: every frame updates all eight traces (4 quadrants × 2).
    assert all(frame["traces"] == list(range(8)) for frame in anim["frames"])
    cloud = make_cloud("square", 300, 0)
    z = cloud.points @ warp.PRESET_MATRIX.T
    for panel, slope in ((0, 0.01), (1, 0.5)):
        expected = by_group(np.where(z > 0, z, slope * z), cloud.labels)
        assert np.allclose(panel_points(anim["data"], panel), expected, atol=1e-6)
    # Each quadrant once in the legend, shared by both panels.
    assert legend(anim) == ["+x +y", "−x +y", "−x −y", "+x −y"]
    assert len(metrics(at)["on an axis"]) == 2
    # Seven small multiples: five linear stages, one output per activation.
    assert len(panel_titles(stages)) == 7
    # |f′| is 0.01 or 0.5 or 1 here, never below ε = 0.01: nothing is marked.
    assert "|f′| < ε" not in legend(anim)


def test_overlays(run_page):
    at = run_page("warp", {"act": "relu", "sat": "true", **SMALL})
    ok(at)
    anim = specs(at)[0]
    cloud = make_cloud("square", 300, 0)
    d = warp.diagnostics(cloud.points, warp.PRESET_MATRIX, [0, 0], "relu")
    saturated = next(t for t in anim["data"] if t["name"] == "|f′| < ε")
    assert saturated["marker"]["color"] == "#111111"
    assert len(arr(saturated["x"])) == d.saturated.sum() > 0

    at = run_page("warp", {"act": "sigmoid", "area": "true", **SMALL})
    ok(at)
    anim = specs(at)[0]
    assert "colorbar" in anim["layout"]["coloraxis"] and legend(anim) == []
    values = arr(anim["data"][0]["marker"]["color"])
    cloud = make_cloud("square", 300, 0)
    d = warp.diagnostics(cloud.points, warp.PRESET_MATRIX, [0, 0], "sigmoid")
    assert np.allclose(values, np.log10(d.jacobian_det), atol=1e-5)


def test_svd_controls_with_reflection(run_page):
    at = run_page(
        "warp",
        {"mode": "svd", "theta": "30", "s1": "2", "s2": "0.5", "phi": "-20", "reflect": "true"},
    )
    ok(at)
    expected = warp.matrix_from_svd(np.radians(30), 2.0, 0.5, np.radians(-20), True)
    assert metrics(at)["det W"] == [f"{np.linalg.det(expected):.4g}"]  # −1: a reflection


def test_typed_matrix_singular_is_not_one_to_one(run_page):
    query = {"mode": "typed", "w11": "1", "w12": "2", "w21": "2", "w22": "4", "act": "tanh"}
    at = run_page("warp", {**query, **SMALL})
    ok(at)
    assert metrics(at)["det W"] == ["0"]
    assert any("not one-to-one" in m.value for m in at.markdown)


@pytest.mark.parametrize("bad", ["nan", "inf", "-1e300", "abc"])
def test_typed_matrix_bad_entry_warns_and_keeps_the_default(run_page, bad):
    at = run_page("warp", {"mode": "typed", "w11": bad, **SMALL})
    assert not at.exception
    assert len(at.warning) == 1 and "'w11'" in at.warning[0].value
    assert at.number_input(key="w11").value == pytest.approx(warp.PRESET_MATRIX[0, 0])
    assert metrics(at)["det W"] == [f"{np.linalg.det(warp.PRESET_MATRIX):.4g}"]


def test_bad_link_values_warn_once_and_use_defaults(run_page):
    at = run_page(
        "warp", {"n": "1000000000", "cloud": "nope", "act": "nope", "seed": "abc", "layers": "99"}
    )
    assert not at.exception
    assert len(at.warning) == 1
    message = at.warning[0].value
    for key in ("'n'", "'cloud'", "'act'", "'seed'", "'layers'"):
        assert key in message
    assert at.selectbox(key="act").value == "relu"
    assert at.selectbox(key="cloud").value == "square"
    assert at.number_input(key="n").value == 2000
    assert at.number_input(key="seed").value == 0
    assert len(specs(at)[0]["frames"]) == 41


def test_large_cloud_is_subsampled_for_the_animation_and_says_so(run_page):
    at = run_page("warp", {"n": "50000", "act": "tanh"})
    ok(at)
    anim = specs(at)[0]
    m, steps = warp_charts.animation_plan(50_000)
    assert len(panel_points(anim["data"])) == m < 50_000
    assert len(anim["frames"]) == 1 + 5 * steps
    assert any(f"shows {m:,} of the 50,000 points" in c.value for c in at.caption)


# --- figure builders ---


def _frames(n: int, act: str = "relu", steps: int = 4):
    cloud = make_cloud("gaussian", n, 3)
    stages = warp.layer_stages(cloud.points, warp.PRESET_MATRIX, [0.2, -0.1], act)
    frames = warp.interpolate_stages(stages, warp.decompose(warp.PRESET_MATRIX), steps)
    return cloud, stages, frames


def test_animation_figure_is_a_valid_plotly_figure():
    cloud, _, frames = _frames(200)
    values = warp_charts.group_values(cloud.labels, False)
    fig = warp_charts.animation_figure(
        [("a", frames, values), ("b", frames, values)],
        warp_charts.group_palette(False),
        warp_charts.frame_labels(4),
    )
    # Built without plotly.py's validation for speed: it must still pass it in full.
    fig = go.Figure(fig)
    assert len(fig.frames) == 21
    html = export.to_html(fig).decode()
    assert "Plotly.addFrames" in html and '"bdata"' in html
    with pytest.raises(ValueError, match="one frame per label"):
        warp_charts.animation_figure(
            [("a", frames[:3], values)], warp_charts.group_palette(False), ["x"] * 4
        )


def test_stages_figure_is_valid_and_draws_grid_lines():
    cloud = make_cloud("grid", 400, 0)
    stages = warp.layer_stages(cloud.points, warp.PRESET_MATRIX, [0, 0], "tanh")
    values = warp_charts.area_values(np.ones(400))
    fig = warp_charts.stages_figure(
        [(name, a, values) for name, a in stages],
        warp_charts.area_palette(),
        line_ids=cloud.line_ids,
        columns=3,
    )
    spec = go.Figure(fig).to_dict()
    assert spec["layout"]["yaxis4"]["domain"][1] < spec["layout"]["yaxis"]["domain"][0]  # 2 rows
    assert "colorbar" in spec["layout"]["coloraxis"]
    # Area colouring: one trace per panel, markers only (a line has one colour).
    assert len(spec["data"]) == 6 and spec["data"][0]["mode"] == "markers"
    fig = warp_charts.stages_figure(
        [(name, a, cloud.labels) for name, a in stages],
        warp_charts.group_palette(False),
        line_ids=cloud.line_ids,
    )
    first_panel = [t for t in go.Figure(fig).to_dict()["data"] if t["xaxis"] == "x"]
    assert {t["mode"] for t in first_panel} == {"lines+markers"}
    # Each quadrant's piece of every line is its own polyline: NaN between pieces.
    for q, trace in enumerate(first_panel):
        pieces = len(np.unique(cloud.line_ids[cloud.labels == q]))
        assert np.isnan(arr(trace["x"])).sum() == pieces - 1


def test_animation_plan_respects_the_budget():
    for n, panels in [(10, 1), (2_000, 1), (2_000, 2), (20_000, 1), (20_000, 2), (200_000, 2)]:
        m, steps = warp_charts.animation_plan(n, panels)
        assert warp_charts.MIN_STEPS <= steps <= warp_charts.MAX_STEPS
        assert m <= n
        assert m * panels * (1 + 5 * steps) <= warp_charts.ANIMATION_BUDGET
    assert warp_charts.animation_plan(20_000) == (5_000, 4)
    assert warp_charts.animation_plan(5_000) == (5_000, 4)
    assert warp_charts.animation_plan(2_500) == (2_500, 8)
    assert warp_charts.animation_plan(1_000) == (1_000, 8)


def test_subsample_keeps_order_and_count():
    assert np.array_equal(warp_charts.subsample(5, 10), np.arange(5))
    idx = warp_charts.subsample(100_000, 7_000)
    assert len(idx) == 7_000 and idx[0] == 0 and idx[-1] == 99_999
    assert np.all(np.diff(idx) > 0)


def test_colour_values():
    labels = np.array([0, 1, 2, 3])
    assert warp_charts.group_values(labels, False).tolist() == [0, 1, 2, 3]
    assert warp_charts.group_values(np.array([0, 1]), True).tolist() == [0, 1]
    with pytest.raises(ValueError, match="quadrants"):
        warp_charts.group_values(labels, True)
    with np.errstate(all="raise"):
        area = warp_charts.area_values(np.array([0.0, 1e-9, 1.0, 100.0, np.inf, np.nan]))
    assert area.dtype == np.float32
    assert area.tolist() == pytest.approx([-3, -3, 0, 2, 3, -3])
    rgb = warp_charts.group_palette(False).rgb(np.array([0, 3]))
    assert rgb.tolist() == [[0x1F, 0x77, 0xB4], [0xD6, 0x27, 0x28]]
    area = warp_charts.area_palette()
    ends = area.rgb(np.array([-3.0, 3.0, 10.0]))
    assert ends[0, 2] > ends[0, 0] and ends[1, 0] > ends[1, 2]  # blue shrinks, red grows
    assert ends[1].tolist() == ends[2].tolist()  # clipped


def test_stages_table_holds_every_point_at_every_stage():
    cloud, stages, _ = _frames(50)
    table = warp_charts.stages_table(stages, cloud.labels, "relu")
    assert list(table)[:3] == ["label", "input x", "input y"]
    assert "activate relu y" in table
    assert np.array_equal(table["activate relu x"], stages[-1][1][:, 0])
    assert all(len(v) == 50 for v in table.values())


def test_animation_gif_has_one_image_per_frame():
    cloud, _, frames = _frames(500, "sigmoid")
    values = warp_charts.group_values(cloud.labels, False)
    data = warp_charts.animation_gif(
        [("sigmoid", frames, values)],
        warp_charts.group_palette(False),
        warp_charts.frame_labels(4),
        size=240,
    )
    image = Image.open(io.BytesIO(data))
    assert image.format == "GIF" and image.size[0] == 240
    assert image.n_frames == 21
    # The last frame shows the squashed cloud: quadrant colours inside the shaded unit square.
    image.seek(20)
    pixels = np.asarray(image.convert("RGB"))
    blue = np.all(pixels == [0x1F, 0x77, 0xB4], axis=-1)
    assert blue.any()


def test_animation_gif_draws_chinese_labels_not_boxes():
    """Two different Chinese labels must draw differently: missing glyphs would be equal boxes."""
    pytest.importorskip("PIL")
    from PIL import ImageFont

    font, _ = warp_charts._gif_font(ImageFont, ["激活"])
    if "CJK" not in str(getattr(font, "font", "")) and "CJK" not in str(font.getname()):
        pytest.skip("Noto Sans CJK is not installed (Debian: fonts-noto-cjk)")
    cloud, _, frames = _frames(200, "tanh")
    values = warp_charts.group_values(cloud.labels, False)

    def last_frame(label: str) -> np.ndarray:
        data = warp_charts.animation_gif(
            [("tanh", frames, values)],
            warp_charts.group_palette(False),
            [label] * len(frames),
            size=240,
        )
        image = Image.open(io.BytesIO(data))
        image.seek(image.n_frames - 1)
        return np.asarray(image.convert("L"))

    assert not np.array_equal(last_frame("输入：激活"), last_frame("输出：梯度"))


@pytest.mark.filterwarnings("error")
def test_every_activation_renders_without_warnings():
    cloud = make_cloud("square", 64, 0)
    for name in activations.names():
        stages = warp.layer_stages(cloud.points, warp.PRESET_MATRIX, [0.5, -0.5], name)
        frames = warp.interpolate_stages(stages, warp.decompose(warp.PRESET_MATRIX), 4)
        values = warp_charts.group_values(cloud.labels, False)
        fig = warp_charts.animation_figure(
            [(name, frames, values)], warp_charts.group_palette(False), warp_charts.frame_labels(4)
        )
        assert len(fig["frames"]) == 21


@pytest.mark.parametrize(
    "query",
    [
        {"cloud": "grid", "n": "10"},
        {"mode": "typed", "w11": "100000", "act": "softplus", "n": "300"},
        {"mode": "random", "wseed": "7", "wscale": "3", "act": "elu", "n": "300"},
        {"sat": "true", "eps": "0.1", "act": "sigmoid", "n": "300"},
    ],
)
def test_edge_settings_render_cleanly(run_page, query):
    at = run_page("warp", query)
    ok(at)
    assert len(specs(at)[0]["frames"]) == 41
    if "eps" in query:
        assert at.select_slider(key="eps").value == 0.1
    if query.get("mode") == "random":
        expected = warp.random_matrix(7, 3.0)
        assert metrics(at)["det W"] == [f"{np.linalg.det(expected):.4g}"]


def test_csv_tables_are_built_from_small_arguments():
    """The deferred CSV downloads recompute from (kind, n, seed) and the layer: same numbers."""
    w, b = np.array([[0.5, -1.0], [1.0, 0.25]]), np.array([0.1, -0.3])
    table = warp_view.layer_table(
        ("square", 300, 4), w, b, [("relu", "relu", {}), ("tanh", "tanh", {})]
    )
    cloud = make_cloud("square", 300, 4)
    z = cloud.points @ w.T + b
    act_cols = [k for k in table if k.startswith("activate")]
    assert len(act_cols) == 4, act_cols  # x and y for each activation
    np.testing.assert_array_equal(
        np.column_stack([table[k] for k in act_cols[:2]]), np.maximum(z, 0)
    )
    np.testing.assert_allclose(np.column_stack([table[k] for k in act_cols[2:]]), np.tanh(z))
    np.testing.assert_array_equal(table["label"], cloud.labels)
    stack = warp_view.stack_table(("square", 300, 4), w, b, "tanh", {}, 3, 5, 1.0)
    np.testing.assert_allclose(stack["layer 1 x"], np.tanh(z[:, 0]))
    assert {"layer 3 x", "layer 3 y"} <= set(stack)


def test_exports_rebuild_the_drawn_figures_from_small_arguments(run_page):
    """The HTML/image/GIF downloads hold (setup, sides, colouring), not the figures: what they
    rebuild is exactly what the page drew."""
    at = run_page(
        "warp",
        {
            "n": "300",
            "act": "leaky_relu",
            "leaky_relu.negative_slope": "0.2",
            "act2": "tanh",
            "b1": "0.5",
        },
    )
    ok(at)
    drawn = specs(at)
    setup = warp_view.Setup(
        "square", 300, 0, tuple(warp.PRESET_MATRIX.ravel().tolist()), (0.5, 0.0)
    )
    sides = tuple(
        warp_view.Side(
            controls.slot_label(slot, params),
            controls.activation_key(slot),
            tuple(sorted(params.items())),
        )
        for slot, params in (("leaky_relu", {"negative_slope": 0.2}), ("tanh", {}))
    )
    colouring = warp_view.Colouring(0.01, False, False)
    assert (
        json.loads(export.to_json_bytes(warp_view.animation(setup, sides, colouring))) == (drawn[0])
    )
    titles = warp_charts.stage_titles()[:5] + [f"activate: {side.title}" for side in sides]
    rebuilt = warp_view.stages(setup, sides, colouring, titles)
    assert json.loads(export.to_json_bytes(rebuilt)) == drawn[1]
    gif = Image.open(io.BytesIO(warp_view.animation_gif(setup, sides, colouring)))
    assert gif.n_frames == len(drawn[0]["frames"])


# --- overlays: |f′| < ε rings, with either colouring, and why nothing is marked ---


def rings(spec: dict, panel: int = 0) -> list[dict]:
    axis = "x" if panel == 0 else f"x{panel + 1}"
    return [
        t
        for t in spec["data"]
        if t.get("name") == warp_charts.MARK_NAME and t.get("xaxis", "x") == axis
    ]


def notes(at) -> str:
    return "\n".join(m.value for m in at.markdown)


def test_relu_dead_zone_is_ringed_and_counted_at_the_defaults(run_page):
    at = run_page("warp", {"sat": "true"})
    ok(at)
    anim, stages = specs(at)[:2]
    cloud = make_cloud("square", 2000, 0)
    d = warp.diagnostics(cloud.points, warp.PRESET_MATRIX, [0, 0], "relu")
    k = int(d.saturated.sum())
    assert k == 1349
    # The rings are one more trace over the quadrant colours, which stay in the legend.
    assert legend(anim) == ["+x +y", "−x +y", "−x −y", "+x −y", warp_charts.MARK_NAME]
    (ring,) = rings(anim)
    assert ring["marker"]["symbol"] == "circle-open" and ring["marker"]["color"] == "#111111"
    assert len(arr(ring["x"])) == k
    # The ring follows its points through every frame: on the input frame it sits where the
    # dead points start (some coordinate of W x ≤ 0), on the output frame on the axes.
    z = cloud.points @ warp.PRESET_MATRIX.T
    ring_index = len(anim["data"]) - 1
    assert all(frame["traces"][-1] == ring_index for frame in anim["frames"])
    first = anim["frames"][0]["data"][ring_index]
    expected = cloud.points[(z <= 0).any(axis=1)].astype(np.float32)
    assert np.array_equal(np.column_stack([arr(first["x"]), arr(first["y"])]), expected)
    last = np.column_stack([arr(ring["x"]), arr(ring["y"])])
    assert np.all((last == 0).any(axis=1))
    # Every stage panel rings them too.
    assert all(len(rings(stages, i)) == 1 for i in range(6))
    text = notes(at)
    assert "|f′| < 0.01 where z < 0" in text and "1,349 of 2,000 points (67.5%)" in text
    assert "lie on an axis or at the origin" in text


@pytest.mark.parametrize(("act", "zone"), [("sigmoid", "|z| > 4.58"), ("tanh", "|z| > 2.99")])
def test_nothing_marked_says_why_and_show_me_marks_points(run_page, act, zone):
    at = run_page("warp", {"sat": "true", "act": act})
    ok(at)
    assert rings(specs(at)[0]) == []
    cloud = make_cloud("square", 2000, 0)
    z = cloud.points @ warp.PRESET_MATRIX.T
    text = notes(at)
    assert "none of the 2,000 points is marked" in text and f"only where {zone}" in text
    assert f"[{z.min():.2f}, {z.max():.2f}]".replace("-", "−") in text
    (button,) = [b for b in at.button if b.label.startswith("Show me")]
    at = button.click().run()
    ok(at)
    assert at.selectbox(key="mode").value == "svd"
    assert at.number_input(key="s1").value == 3.0
    eps = at.select_slider(key="eps").value
    # The same W scaled up, its SVD angles rounded to whole degrees, in the link too.
    svd = warp.decompose(warp.PRESET_MATRIX)
    assert at.number_input(key="theta").value == round(np.degrees(svd.theta))
    assert at.number_input(key="s2").value == pytest.approx(round(svd.sigma2 * 3 / svd.sigma1, 2))
    assert at.query_params["s1"] == "3"
    assert at.query_params["theta"] == str(round(np.degrees(svd.theta)))
    (ring,) = rings(specs(at)[0])
    w = warp.matrix_from_svd(
        np.radians(round(np.degrees(svd.theta))),
        3.0,
        round(svd.sigma2 * 3 / svd.sigma1, 2),
        np.radians(round(np.degrees(svd.phi))),
        False,
    )
    d = warp.diagnostics(cloud.points, w, [0, 0], act, eps=eps)
    assert len(arr(ring["x"])) == d.saturated.sum() >= 0.02 * 2000
    assert "none of the" not in notes(at)


def test_no_flat_zone_is_said_so(run_page):
    at = run_page("warp", {"sat": "true", "act": "leaky_relu", **SMALL})
    ok(at)
    assert "|f′| ≥ 0.01 everywhere (here at least 0.01)" in notes(at)
    assert not [b for b in at.button if b.label.startswith("Show me")]


def test_area_colouring_and_rings_show_together(run_page):
    at = run_page("warp", {"act": "relu", "area": "true", "sat": "true", **SMALL})
    ok(at)
    assert not at.toggle(key="sat").proto.disabled
    anim = specs(at)[0]
    assert "colorbar" in anim["layout"]["coloraxis"]
    assert anim["data"][0]["marker"]["coloraxis"] == "coloraxis"
    cloud = make_cloud("square", 300, 0)
    d = warp.diagnostics(cloud.points, warp.PRESET_MATRIX, [0, 0], "relu")
    (ring,) = rings(anim)
    assert len(arr(ring["x"])) == d.saturated.sum() > 0
    assert not any("overlay is off" in c.value for c in at.caption)


def test_rings_count_in_the_animation_budget(run_page):
    """Rings are points too: a cloud that fills the budget animates fewer points with them."""
    at = run_page("warp", {"n": "5000", "sat": "true"})
    ok(at)
    anim = specs(at)[0]
    drawn = sum(len(arr(t["x"])) for t in anim["data"])
    # Within 1 %: the plan uses the share of rings in the whole cloud, not in the subsample.
    assert drawn * len(anim["frames"]) <= 1.01 * warp_charts.ANIMATION_BUDGET
    assert len(panel_points([t for t in anim["data"] if t["name"] != "|f′| < ε"])) < 5000


# --- counts ---


def table_of(at, i: int = 0):
    return at.table[i].value


def test_counts_per_quadrant_and_fate(run_page):
    at = run_page("warp", {"sat": "true"})
    ok(at)
    frame = table_of(at)
    assert list(frame.index) == ["+x +y", "−x +y", "−x −y", "+x −y", "all points"]
    assert list(frame.columns) == ["kept", "onto an axis", "onto the origin", "|f′| < 0.01"]
    cloud = make_cloud("square", 2000, 0)
    d = warp.diagnostics(cloud.points, warp.PRESET_MATRIX, [0, 0], "relu")
    table = warp.count_by_group(cloud.labels, 4, d.fate, d.saturated)
    for row, counts in zip(frame.itertuples(index=False), table, strict=True):
        # kept, axis, origin, |f′| < ε (no undefined column: ReLU is defined everywhere)
        for cell, k in zip(row, counts[[1, 2, 3, 5]], strict=True):
            assert cell == f"{k:,} of {counts[0]:,} ({k / counts[0]:.1%})"
    assert frame.loc["all points", "onto the origin"] == "668 of 2,000 (33.4%)"
    # The CSV of the counts: numbers, one row per group and activation.
    setup = warp_view.Setup("square", 2000, 0, tuple(warp.PRESET_MATRIX.ravel()), (0.0, 0.0))
    side = warp_view.Side("ReLU", "relu", ())
    csv = warp_view.counts_csv(setup, [side], 0.01)
    assert csv["group"] == ["+x +y", "−x +y", "−x −y", "+x −y", "all"]
    assert csv["onto the origin"][-1] == 668 and csv["points"][-1] == 2000
    assert csv["|f'| < 0.01"][-1] == 1349
    assert csv["kept share"][-1] == pytest.approx(651 / 2000)


def test_counts_by_class_for_two_activations_and_in_turkish(run_page):
    at = run_page("warp", {"cloud": "xor", "act": "relu", "act2": "tanh", "lang": "tr", **SMALL})
    ok(at)
    assert len(at.table) == 2
    relu, tanh = table_of(at, 0), table_of(at, 1)
    assert len(relu.index) == 3 and len(tanh.index) == 3  # two classes and all points
    assert list(relu.columns) == ["korundu", "bir eksene", "orijine", "|f′| < 0.01"]
    assert relu.index.name == "sınıf" and list(relu.index) == ["sınıf 0", "sınıf 1", "tüm noktalar"]
    # tanh never outputs an exact 0 here: every point is kept.
    assert tanh.iloc[-1, 0] == "300 içinden 300 (100.0%)"
    assert tanh.iloc[-1, 1] == "300 içinden 0 (0.0%)"


def test_stack_counts_after_the_last_layer(run_page):
    at = run_page("warp", {"act": "relu", "layers": "3", **SMALL})
    ok(at)
    assert len(at.table) == 2
    frame = table_of(at, 1)
    cloud = make_cloud("square", 300, 0)
    outputs, _ = warp.stack_outputs(cloud.points, warp.PRESET_MATRIX, [0, 0], "relu", 3, 0)
    table = warp.count_by_group(cloud.labels, 4, warp.fates(outputs[-1]))
    assert frame.iloc[-1].tolist() == [f"{k} of 300 ({k / 300:.1%})" for k in table[-1, 1:4]]
    assert any("after layer 3" in m.value for m in at.markdown)


def test_layer_csv_has_fates_and_marks_per_activation():
    w, b = warp.PRESET_MATRIX, np.zeros(2)
    table = warp_view.layer_table(
        ("square", 200, 1), w, b, [("relu", "relu", {}), ("tanh", "tanh", {})], 0.01
    )
    cloud = make_cloud("square", 200, 1)
    d = warp.diagnostics(cloud.points, w, b, "relu")
    assert table["fate relu"].tolist() == [warp.FATES[k] for k in d.fate]
    assert table["|f'| < 0.01 relu"].tolist() == d.saturated.astype(int).tolist()
    assert set(table["fate tanh"]) == {"kept"} and table["|f'| < 0.01 tanh"].sum() == 0


# --- fine control of the SVD angles, stretches and bias ---


def w_shown(at) -> np.ndarray:
    tex = next(t.value for t in at.latex if r"\small W =" in t.value).split("=", 1)[1]
    return np.array([float(v) for v in re.findall(r"-?\d+\.?\d*(?:e-?\d+)?", tex)]).reshape(2, 2)


def test_an_old_svd_link_opens_the_same_view(run_page):
    at = run_page("warp", {"mode": "svd", "theta": "45", "s1": "2", "phi": "-30"})
    ok(at)
    expected = warp.matrix_from_svd(np.radians(45), 2.0, 0.5, np.radians(-30), False)
    np.testing.assert_allclose(w_shown(at), expected, rtol=1e-3)
    assert metrics(at)["det W"] == [f"{np.linalg.det(expected):.4g}"]
    for key, value in (("theta", 45), ("s1", 2.0), ("s2", 0.5), ("phi", -30)):
        assert at.number_input(key=key).value == value
        assert at.slider(key=f"{key}:slider").value == value


def test_number_fields_and_sliders_follow_each_other(run_page):
    at = run_page("warp", {"mode": "svd", **SMALL})
    at.number_input(key="theta").set_value(12.4).run()  # angles are whole degrees
    ok(at)
    assert at.number_input(key="theta").value == 12 and at.slider(key="theta:slider").value == 12
    at.number_input(key="s1").set_value(1.23).run()  # finer than the slider's 0.05 steps
    ok(at)
    assert at.slider(key="s1:slider").value == pytest.approx(1.23)
    at.slider(key="s2:slider").set_value(0.85).run()
    ok(at)
    assert at.number_input(key="s2").value == pytest.approx(0.85)
    assert at.query_params["s2"] == "0.85"  # the field holds the link's key
    at.number_input(key="b1").set_value(-0.37).run()
    ok(at)
    assert at.slider(key="b1:slider").value == pytest.approx(-0.37)
    expected = warp.matrix_from_svd(np.radians(12), 1.23, 0.85, np.radians(-20), False)
    np.testing.assert_allclose(w_shown(at), expected, rtol=1e-3)
    assert any("-0.37" in t.value for t in at.latex if r"\small b =" in t.value)


@pytest.mark.parametrize("bad", ["200", "45.5", "abc"])
def test_out_of_range_angles_still_warn(run_page, bad):
    at = run_page("warp", {"mode": "svd", "theta": bad, **SMALL})
    assert not at.exception
    assert len(at.warning) == 1 and "'theta'" in at.warning[0].value
    assert at.slider(key="theta:slider").value in (30, 46, 45)


# --- the GIF: slide-sized, with axes, ticks, legend and the stage of every frame ---


def gif_frames(data: bytes) -> list[np.ndarray]:
    with Image.open(io.BytesIO(data)) as image:
        frames = []
        for k in range(image.n_frames):
            image.seek(k)
            frames.append(np.asarray(image.convert("RGB")))
    return frames


def test_nice_ticks():
    assert warp_charts.nice_ticks(-1.65, 1.65).tolist() == [-1.5, -1, -0.5, 0, 0.5, 1, 1.5]
    assert warp_charts.nice_ticks(-4.4, 4.4).tolist() == [-4, -2, 0, 2, 4]
    assert warp_charts.nice_ticks(0.0, 0.021).tolist() == [0, 0.005, 0.01, 0.015, 0.02]
    big = warp_charts.nice_ticks(-3e6, 3e6)
    assert 4 <= len(big) <= 10 and 0 in big.tolist()
    assert warp_charts.nice_ticks(1.0, 1.0).tolist() == [1.0]
    assert warp_charts.nice_ticks(float("nan"), 1.0).size == 0


def test_animation_gif_is_slide_sized_with_axes_legend_and_stage_titles():
    cloud, _stages, frames = _frames(800, "relu")
    d = warp.diagnostics(cloud.points, warp.PRESET_MATRIX, [0.2, -0.1], "relu")
    values = warp_charts.group_values(cloud.labels, False)
    labels = warp_charts.frame_labels(4)
    plain = warp_charts.Panel("ReLU", frames, values)
    ringed = warp_charts.Panel("ReLU", frames, values, d.saturated)
    palette = warp_charts.group_palette(False)
    one = gif_frames(warp_charts.animation_gif([plain], palette, labels))
    two = gif_frames(warp_charts.animation_gif([plain, ringed], palette, labels))
    height, width, _ = one[0].shape
    assert width == warp_charts.GIF_PANEL >= 720 and height >= 720
    assert two[0].shape == (height, 2 * width, 3)
    margin = warp_charts._GIF_MARGIN
    top = margin["legend"] + margin["title"]
    plot = width - margin["left"] - margin["right"]
    dark = np.all(one[0] < 80, axis=-1)
    # Tick labels left of and under the plot, the legend and title above, the stage below.
    assert dark[top : top + plot, : margin["left"] - 8].sum() > 100
    assert dark[top + plot + 6 : top + plot + margin["ticks"], :].sum() > 100
    assert dark[: margin["legend"], :].sum() > 100 and dark[margin["legend"] : top, :].sum() > 50
    # Grid lines at the ticks, in the plot area.
    grid = np.all(one[0] == warp_charts._rgb(warp_charts.GRID_COLOR), axis=-1)
    assert grid[top : top + plot, margin["left"] : margin["left"] + plot].sum() > 5 * plot
    # Every frame names its stage under the plot: the first and last differ there.
    stage_band = slice(height - margin["stage"], height)
    assert not np.array_equal(one[0][stage_band], one[-1][stage_band])
    # Black outlines only round the marked points: none in the plain panel, many in the other.
    first_plot = (slice(top + 2, top + plot - 2), slice(margin["left"] + 2, width - 24))
    second_plot = (first_plot[0], slice(width + margin["left"] + 2, 2 * width - 24))
    black = np.all(two[0] == [0x11, 0x11, 0x11], axis=-1)
    assert black[first_plot].sum() == 0
    assert black[second_plot].sum() > 4 * d.saturated.sum()


def test_page_gif_is_at_least_720_wide_for_both_colourings():
    setup = warp_view.Setup("square", 300, 0, tuple(warp.PRESET_MATRIX.ravel()), (0.0, 0.0))
    sides = (warp_view.Side("ReLU", "relu", ()),)
    for colouring in (
        warp_view.Colouring(0.01, False, True),
        warp_view.Colouring(0.01, True, True),
    ):
        with Image.open(io.BytesIO(warp_view.animation_gif(setup, sides, colouring))) as gif:
            assert gif.size[0] >= 720 and gif.size[1] >= 720 and gif.n_frames > 5


# --- #14 review: the GIF in the session's language, ε kept, square metrics translated ---


def test_gif_is_made_in_the_language_of_the_run(monkeypatch):
    """The download runs after the script run: the GIF maker carries the run's language."""
    import i18n

    seen = []
    monkeypatch.setattr(
        warp_view, "animation_gif", lambda *args: seen.append(i18n._("stage")) or b"GIF"
    )
    setup = warp_view.Setup("square", 100, 0, tuple(warp.PRESET_MATRIX.ravel()), (0.0, 0.0))
    sides = [warp_view.Side("ReLU", "relu", ())]
    colouring = warp_view.Colouring(0.01, False, True)
    i18n.set_language("zh_Hans")
    maker = warp_view.gif_maker(setup, sides, colouring)
    i18n.set_language("en")
    assert maker() == b"GIF" and seen == ["阶段"]


def test_gif_labels_keep_epsilon_and_primes_in_chinese():
    from PIL import ImageFont

    font, missing = warp_charts._gif_font(ImageFont, ["激活"])
    if "CJK" not in str(font.getname()):
        pytest.skip("Noto Sans CJK is not installed (Debian: fonts-noto-cjk)")
    assert missing == frozenset("ᵀ")  # Noto Sans CJK lacks only ᵀ of our labels
    assert warp_charts._ascii("|f′| < ε · Vᵀx → ΣVᵀx", missing) == "|f′| < ε · V^Tx → ΣV^Tx"


def test_square_metrics_are_translated(run_page):
    at = run_page("warp", {"lang": "zh_Hans", **SMALL})
    ok(at)
    labels = set(metrics(at))
    assert {"在 (0, 1)² 内", "在 (−1, 1)² 内"} <= labels
