"""Tests for activations.warp: SVD stages, interpolation, stacks and diagnostics."""

from __future__ import annotations

import time
import warnings

import numpy as np
import pytest
from actkit import custom_activation
from hypothesis import given, settings
from hypothesis import strategies as st

import activations
from activations.clouds import make_cloud
from activations.warp import (
    FATES,
    MAX_ENTRY,
    PRESET_MATRIX,
    STAGE_NAMES,
    SVD2,
    compose_linear,
    count_by_group,
    decompose,
    diagnostics,
    fates,
    flat_zone,
    interpolate_stages,
    is_strictly_monotonic,
    layer_stages,
    matrix_from_svd,
    random_matrix,
    rotation,
    stack_layers,
)

HYP = settings(max_examples=300, deadline=None, derandomize=True)
entry = st.floats(-1e3, 1e3, allow_nan=False, allow_infinity=False)
matrices = st.lists(entry, min_size=4, max_size=4).map(lambda v: np.array(v).reshape(2, 2))
angles = st.floats(-np.pi, np.pi)

POINTS = make_cloud("gaussian", 2000, seed=0).points
BIAS = np.array([0.3, -0.2])


def _assert_valid_svd(svd: SVD2, w: np.ndarray) -> None:
    scale = max(1.0, float(np.abs(w).max()))
    np.testing.assert_allclose(svd.U @ np.diag(svd.S) @ svd.Vt, w, rtol=0, atol=1e-12 * scale)
    np.testing.assert_array_equal(svd.matrix, (svd.U * svd.S) @ svd.Vt)
    for r, angle in ((svd.U, svd.phi), (svd.Vt, svd.theta)):
        np.testing.assert_allclose(r, rotation(angle), atol=0)
        assert -np.pi < angle <= np.pi
    assert svd.sigma1 >= svd.sigma2 >= 0.0
    assert svd.S[0] == svd.sigma1
    assert svd.S[1] == (-svd.sigma2 if svd.reflect else svd.sigma2)
    # short way round: the alternative (θ + π, φ + π) is never shorter
    assert abs(svd.theta) + abs(svd.phi) <= np.pi + 1e-12
    if svd.sigma2 == 0.0:
        assert not svd.reflect


# --- decompose / matrix_from_svd ---


@HYP
@given(matrices)
def test_decompose_reproduces_random_matrices(w: np.ndarray) -> None:
    svd = decompose(w)
    _assert_valid_svd(svd, w)
    det = np.linalg.det(w)
    if svd.sigma2 > 1e-9 * svd.sigma1:
        assert svd.reflect == (det < 0)
    np.testing.assert_allclose(svd.sigma1, np.linalg.svd(w, compute_uv=False)[0], rtol=1e-13)


@HYP
@given(st.lists(entry, min_size=2, max_size=2), st.lists(entry, min_size=2, max_size=2))
def test_decompose_singular_rank_one(u: list[float], v: list[float]) -> None:
    w = np.outer(u, v)
    svd = decompose(w)
    _assert_valid_svd(svd, w)
    assert svd.sigma2 == 0.0 and not svd.reflect


@pytest.mark.parametrize(
    "w",
    [
        [[1, 0], [0, -1]],
        [[-1, 0], [0, 1]],
        [[0, 1], [1, 0]],
        [[2, 1], [1, -3]],
        -PRESET_MATRIX[::-1],
    ],
)
def test_decompose_reflections(w: list) -> None:
    w = np.asarray(w, dtype=float)
    assert np.linalg.det(w) < 0
    svd = decompose(w)
    _assert_valid_svd(svd, w)
    assert svd.reflect and svd.S[1] < 0


@pytest.mark.parametrize(
    ("w", "expected"),
    [
        ([[0, 0], [0, 0]], (0.0, 0.0, 0.0, 0.0, False)),
        ([[1, 2], [2, 4]], (None, 5.0, 0.0, None, False)),
        ([[1, 0], [0, 0]], (0.0, 1.0, 0.0, 0.0, False)),
        ([[2, 0], [0, 2]], (0.0, 2.0, 2.0, 0.0, False)),
        # isotropic: the whole rotation goes into φ, θ = 0
        ([[0, -3], [3, 0]], (0.0, 3.0, 3.0, np.pi / 2, False)),
        ([[0, 1], [1, 0]], (0.0, 1.0, 1.0, np.pi / 2, True)),
        ([[1, 0], [0, 1]], (0.0, 1.0, 1.0, 0.0, False)),
    ],
)
def test_decompose_special_matrices(w: list, expected: tuple) -> None:
    w = np.asarray(w, dtype=float)
    svd = decompose(w)
    _assert_valid_svd(svd, w)
    got = (svd.theta, svd.sigma1, svd.sigma2, svd.phi, svd.reflect)
    for g, e in zip(got, expected, strict=True):
        if e is not None:
            assert g == pytest.approx(e, abs=1e-14)


def test_decompose_preset() -> None:
    svd = decompose(PRESET_MATRIX)
    _assert_valid_svd(svd, PRESET_MATRIX)
    assert not svd.reflect
    np.testing.assert_allclose(svd.sigma1 * svd.sigma2, np.linalg.det(PRESET_MATRIX), rtol=1e-14)


@HYP
@given(
    angles,
    angles,
    st.floats(0.05, 10.0),
    st.floats(0.05, 1.0),
    st.booleans(),
)
def test_matrix_from_svd_round_trip(
    theta: float, phi: float, sigma1: float, ratio: float, reflect: bool
) -> None:
    sigma2 = sigma1 * ratio
    w = matrix_from_svd(theta, sigma1, sigma2, phi, reflect)
    svd = decompose(w)
    _assert_valid_svd(svd, w)
    # params -> W -> params -> W always
    np.testing.assert_allclose(
        matrix_from_svd(svd.theta, svd.sigma1, svd.sigma2, svd.phi, svd.reflect),
        w,
        atol=1e-12 * sigma1,
    )
    assert svd.reflect == reflect
    np.testing.assert_allclose([svd.sigma1, svd.sigma2], [sigma1, sigma2], rtol=1e-9)
    # W -> params recovers the sliders when they are the short way and well conditioned
    if ratio < 0.95 and abs(theta) + abs(phi) < np.pi - 1e-3:
        assert svd.theta == pytest.approx(theta, abs=1e-7)
        assert svd.phi == pytest.approx(phi, abs=1e-7)


def test_matrix_from_svd_reads_as_rotate_scale_rotate() -> None:
    # rotate e1 by 90°, scale axes (2, 3), reflect the second axis, rotate by 0
    w = matrix_from_svd(np.pi / 2, 2.0, 3.0, 0.0, True)
    np.testing.assert_allclose(w @ [1.0, 0.0], [0.0, -3.0], atol=1e-15)
    np.testing.assert_allclose(w @ [0.0, 1.0], [-2.0, 0.0], atol=1e-15)
    with pytest.raises(ValueError, match="sigma2 must be"):
        matrix_from_svd(0.0, 1.0, -1.0, 0.0, False)
    with pytest.raises(ValueError, match="theta must be"):
        matrix_from_svd(float("nan"), 1.0, 1.0, 0.0, False)


# --- layer_stages ---


@pytest.mark.parametrize("act", activations.names())
def test_stages_shapes_and_exact_final_identity(act: str) -> None:
    w = PRESET_MATRIX * 3.0
    stages = layer_stages(POINTS, w, BIAS, act)
    assert tuple(name for name, _ in stages) == STAGE_NAMES
    for _, arr in stages:
        assert arr.shape == POINTS.shape and arr.dtype == np.float64
    f = activations.get(act).fn
    np.testing.assert_array_equal(stages[-1][1], f(POINTS @ w.T + BIAS))
    np.testing.assert_array_equal(stages[0][1], POINTS)
    np.testing.assert_array_equal(stages[3][1], POINTS @ w.T)
    np.testing.assert_array_equal(stages[4][1], POINTS @ w.T + BIAS)


@pytest.mark.parametrize(
    "w", [PRESET_MATRIX, [[0.0, 2.0], [1.0, 0.0]], [[1.0, 2.0], [2.0, 4.0]], np.zeros((2, 2))]
)
def test_stages_are_the_svd_factors(w) -> None:
    w = np.asarray(w)
    svd = decompose(w)
    stages = dict(
        (f"{i}", arr) for i, (_, arr) in enumerate(layer_stages(POINTS, w, BIAS, "identity"))
    )
    np.testing.assert_allclose(stages["1"], POINTS @ svd.Vt.T, atol=1e-15)
    # pure rotation: norms kept
    np.testing.assert_allclose(
        np.linalg.norm(stages["1"], axis=1), np.linalg.norm(POINTS, axis=1), rtol=1e-14
    )
    np.testing.assert_allclose(stages["2"], stages["1"] * svd.S, atol=1e-15)
    np.testing.assert_allclose(stages["2"] @ svd.U.T, stages["3"], atol=1e-13)


def test_stages_pass_params_and_accept_objects() -> None:
    leaky = activations.get("leaky_relu")
    a = layer_stages(POINTS, PRESET_MATRIX, BIAS, leaky, negative_slope=0.3)[-1][1]
    z = POINTS @ PRESET_MATRIX.T + BIAS
    np.testing.assert_array_equal(a, np.where(z > 0, z, 0.3 * z))
    with pytest.raises(ValueError, match="negative_slope"):
        layer_stages(POINTS, PRESET_MATRIX, BIAS, "leaky_relu", negative_slope=5.0)
    with pytest.raises(ValueError, match="unknown activation"):
        layer_stages(POINTS, PRESET_MATRIX, BIAS, "nope")


BAD_MATRICES = [
    ([[np.nan, 0], [0, 1]], "matrix entries must be finite"),
    ([[np.inf, 0], [0, 1]], "matrix entries must be finite"),
    ([[1, 0], [0, -np.inf]], "matrix entries must be finite"),
    ([[1e7, 0], [0, 1]], "matrix entries must be at most 1e"),
    ([[1, 2, 3], [4, 5, 6]], r"matrix must be 2×2, got shape \(2, 3\)"),
    ([1, 2, 3, 4], "matrix must be 2×2"),
    ([["a", 0], [0, 1]], "matrix must be a 2×2 array of numbers"),
    ([[1, 0], [0]], "matrix must be"),
]


@pytest.mark.parametrize(("w", "match"), BAD_MATRICES)
def test_bad_matrix_raises_clear_error(w, match: str) -> None:
    for call in (
        lambda: layer_stages(POINTS, w, BIAS, "relu"),
        lambda: diagnostics(POINTS, w, BIAS, "relu"),
        lambda: decompose(w),
    ):
        with pytest.raises(ValueError, match=match):
            call()


@pytest.mark.parametrize(
    ("b", "match"),
    [
        ([np.nan, 0], "bias entries must be finite"),
        ([0, -np.inf], "bias entries must be finite"),
        ([0, 2e6], "bias entries must be at most"),
        ([1, 2, 3], "bias must have 2 entries"),
        ("xy", "bias must be 2 numbers"),
    ],
)
def test_bad_bias_raises_clear_error(b, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        layer_stages(POINTS, PRESET_MATRIX, b, "relu")


def test_bad_points_raise() -> None:
    with pytest.raises(ValueError, match=r"points must have shape \(n, 2\)"):
        layer_stages(np.zeros((4, 3)), PRESET_MATRIX, BIAS, "relu")


def test_extreme_inputs_raise_no_warning() -> None:
    pts = np.array([[1e300, -1e300], [np.nan, 0.0], [np.inf, -np.inf], [0.0, 0.0]])
    w = np.full((2, 2), MAX_ENTRY)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for act in ("relu", "sigmoid", "tanh", "gelu", "softplus"):
            stages = layer_stages(pts, w, BIAS, act)
            interpolate_stages(stages, decompose(w), 3)
            diagnostics(pts, w, BIAS, act)
        stack_layers(pts, 5, 0, "identity", scale=100.0)


# --- interpolate_stages ---


@pytest.mark.parametrize(
    "w", [PRESET_MATRIX, -PRESET_MATRIX[::-1], [[1.0, 2.0], [2.0, 4.0]], [[0.0, -2.0], [2.0, 0.0]]]
)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_interpolation_endpoints_are_the_stages(w, dtype) -> None:
    stages = layer_stages(POINTS, w, BIAS, "tanh")
    k = 6
    frames = interpolate_stages(stages, decompose(w), k, dtype=dtype)
    assert len(frames) == 1 + 5 * k
    assert all(f.shape == POINTS.shape and f.dtype == dtype for f in frames)
    for i, (_, arr) in enumerate(stages):
        np.testing.assert_array_equal(frames[i * k], arr.astype(dtype))


def test_rotation_frames_keep_norms_and_turn_by_the_angle() -> None:
    w = matrix_from_svd(2.5, 2.0, 0.5, -0.4, False)
    svd = decompose(w)
    k = 10
    stages = layer_stages(POINTS, w, BIAS, "relu")
    frames = interpolate_stages(stages, svd, k, dtype=np.float64)
    norms0 = np.linalg.norm(POINTS, axis=1)
    for j in range(k + 1):
        f = frames[j]
        np.testing.assert_allclose(np.linalg.norm(f, axis=1), norms0, rtol=1e-13)
        np.testing.assert_allclose(f, POINTS @ rotation(j / k * svd.theta).T, atol=1e-13)
    # second rotation, from the scaled stage: norms of the scaled stage are kept too
    scaled = stages[2][1]
    for j in range(k + 1):
        f = frames[2 * k + j]
        np.testing.assert_allclose(
            np.linalg.norm(f, axis=1), np.linalg.norm(scaled, axis=1), rtol=1e-12
        )
    # the matrix-entry interpolation would shrink the picture; ours keeps it (mid-rotation)
    naive = POINTS @ (0.5 * np.eye(2) + 0.5 * svd.Vt).T
    assert np.linalg.norm(naive, axis=1).mean() < 0.9 * norms0.mean()


def test_scaling_and_blends_are_linear_in_t() -> None:
    w = matrix_from_svd(0.3, 2.0, 0.5, 0.2, True)
    svd = decompose(w)
    stages = [a for _, a in layer_stages(POINTS, w, BIAS, "sigmoid")]
    k = 4
    frames = interpolate_stages(layer_stages(POINTS, w, BIAS, "sigmoid"), svd, k, np.float64)
    half = k // 2
    # scale: each axis by 1 + t (S − 1); reflection: the second axis passes through zero
    np.testing.assert_allclose(frames[k + half], stages[1] * (1 + 0.5 * (svd.S - 1)), atol=1e-14)
    assert svd.S[1] < 0
    # shift and activation: halfway is the mean of the stages
    np.testing.assert_allclose(frames[3 * k + half], (stages[3] + stages[4]) / 2, atol=1e-14)
    np.testing.assert_allclose(frames[4 * k + half], (stages[4] + stages[5]) / 2, atol=1e-14)


def test_interpolation_takes_the_short_way() -> None:
    # W = −I: a half turn; consecutive frames never move a point by more than its share of π
    for w in (-np.eye(2), matrix_from_svd(-3.0, 1.0, 0.5, 3.0, False)):
        k = 8
        frames = interpolate_stages(layer_stages(POINTS, w, BIAS, "identity"), decompose(w), k)
        r = np.linalg.norm(POINTS, axis=1)
        for j in range(k):
            step = np.linalg.norm(frames[j + 1] - frames[j], axis=1)
            assert np.all(step <= r * np.pi / k + 1e-5)


def test_interpolation_rejects_mismatched_input() -> None:
    stages = layer_stages(POINTS, PRESET_MATRIX, BIAS, "relu")
    with pytest.raises(ValueError, match="svd does not match"):
        interpolate_stages(stages, decompose(PRESET_MATRIX.T), 4)
    with pytest.raises(ValueError, match="stages must be named"):
        interpolate_stages(stages[:-1], decompose(PRESET_MATRIX), 4)
    with pytest.raises(ValueError, match="steps_per_stage"):
        interpolate_stages(stages, decompose(PRESET_MATRIX), 0)


def test_interpolation_handles_empty_and_single_point() -> None:
    for n in (0, 1):
        stages = layer_stages(POINTS[:n], PRESET_MATRIX, BIAS, "relu")
        frames = interpolate_stages(stages, decompose(PRESET_MATRIX), 3)
        assert len(frames) == 16 and frames[0].shape == (n, 2)


def test_interpolation_fast_at_200k_points() -> None:
    pts = make_cloud("gaussian", 200_000, 1).points
    svd = decompose(PRESET_MATRIX)
    stages = layer_stages(pts, PRESET_MATRIX, BIAS, "sigmoid")
    interpolate_stages(stages, svd, 8)
    t = time.perf_counter()
    frames = interpolate_stages(stages, svd, 8)
    elapsed = time.perf_counter() - t
    assert len(frames) == 41
    assert elapsed < 0.5, f"{elapsed * 1e3:.0f} ms"  # measured ~40 ms; slack for shared CI


# --- stacks ---


def test_identity_stack_equals_one_affine_map() -> None:
    layers = stack_layers(POINTS, 5, seed=3, activation="identity", scale=0.9)
    assert len(layers) == 5
    w, b = compose_linear(layers)
    np.testing.assert_allclose(POINTS @ w.T + b, layers[-1][2], rtol=1e-12, atol=1e-12)
    # and it is W5 ··· W1 explicitly
    expected = np.linalg.multi_dot([layer[0] for layer in layers[::-1]])
    np.testing.assert_allclose(w, expected, rtol=1e-13)


def test_stack_layers_applies_each_layer_in_turn() -> None:
    layers = stack_layers(POINTS, 3, seed=11, activation="tanh")
    x = POINTS
    for w, b, out in layers:
        x = np.tanh(x @ w.T + b)
        np.testing.assert_allclose(out, x, rtol=1e-14, atol=1e-15)
    np.testing.assert_array_equal(layers[0][0], random_matrix(11))
    np.testing.assert_array_equal(layers[0][0] * 2.0, random_matrix(11, scale=2.0))
    # each layer its own W, and deterministic per seed
    assert not np.array_equal(layers[0][0], layers[1][0])
    again = stack_layers(POINTS, 3, seed=11, activation="tanh")
    for a, b in zip(layers, again, strict=True):
        np.testing.assert_array_equal(a[0], b[0])
        np.testing.assert_array_equal(a[2], b[2])


def test_stack_layers_bounds() -> None:
    assert stack_layers(POINTS, 0, 0, "relu") == []
    w, b = compose_linear([])
    np.testing.assert_array_equal(w, np.eye(2))
    np.testing.assert_array_equal(b, np.zeros(2))
    with pytest.raises(ValueError, match="n_layers must be an integer in"):
        stack_layers(POINTS, 65, 0, "relu")
    with pytest.raises(ValueError, match="seed must be"):
        stack_layers(POINTS, 2, -1, "relu")
    with pytest.raises(ValueError, match="scale must be"):
        random_matrix(0, scale=float("inf"))


# --- diagnostics ---


def test_relu_diagnostics_equal_a_direct_count() -> None:
    pts = make_cloud("square", 5000, 2).points
    w, b = PRESET_MATRIX, np.array([0.05, -0.1])
    d = diagnostics(pts, w, b, "relu")
    z = pts @ w.T + b
    neg = z <= 0  # relu(z) == 0 exactly where z <= 0
    assert d.on_axis == np.mean(neg.sum(axis=1) == 1)
    assert d.at_origin == np.mean(neg.all(axis=1))
    assert 0.1 < d.on_axis < 0.9 and d.at_origin > 0.05
    # Jacobian: relu′ is 0/1, so |det J| is |det W| in the first quadrant of z, else 0
    det_w = np.linalg.det(w)
    np.testing.assert_allclose(d.jacobian_det, np.where((z > 0).all(axis=1), abs(det_w), 0.0))
    np.testing.assert_array_equal(d.saturated, neg.any(axis=1))
    assert d.det_w == pytest.approx(det_w, rel=1e-14)
    assert d.area_change == np.median(d.jacobian_det)
    assert not d.one_to_one


def test_jacobian_det_matches_finite_differences() -> None:
    pts = POINTS[:50]
    w = matrix_from_svd(0.4, 1.5, 0.7, -1.0, True)
    d = diagnostics(pts, w, BIAS, "tanh")
    h = 1e-6
    fd = []
    for p in pts:
        cols = [
            (np.tanh((p + h * e) @ w.T + BIAS) - np.tanh((p - h * e) @ w.T + BIAS)) / (2 * h)
            for e in np.eye(2)
        ]
        fd.append(abs(np.linalg.det(np.column_stack(cols))))
    np.testing.assert_allclose(d.jacobian_det, fd, rtol=1e-6)


def test_sigmoid_and_tanh_squash_into_their_squares() -> None:
    pts = make_cloud("gaussian", 5000, 0).points * 2
    w = PRESET_MATRIX * 3
    # moderate: below ~19 tanh rounds to ±1 exactly in float64 (sigmoid below ~36.7)
    z = pts @ w.T + BIAS
    assert 5 < np.abs(z).max() < 18
    y = layer_stages(pts, w, BIAS, "sigmoid")[-1][1]
    assert np.all((y > 0) & (y < 1))
    d = diagnostics(pts, w, BIAS, "sigmoid")
    assert d.in_unit_square == 1.0 and d.on_axis == 0.0 and d.one_to_one
    y = layer_stages(pts, w, BIAS, "tanh")[-1][1]
    assert np.all(np.abs(y) < 1)
    d = diagnostics(pts, w, BIAS, "tanh")
    assert d.in_centred_square == 1.0 and d.in_unit_square < 0.5 and d.one_to_one
    # relu is unbounded: some points leave both squares
    assert diagnostics(pts, w, BIAS, "relu").in_centred_square < 1.0


def test_saturation_overlay_threshold() -> None:
    pts = np.array([[0.0, 0.0], [5.0, 0.0], [0.0, -5.0], [5.0, 5.0]])
    d = diagnostics(pts, np.eye(2), np.zeros(2), "sigmoid", eps=0.01)
    # σ′(5) ≈ 0.0066 < 0.01, σ′(0) = 0.25
    np.testing.assert_array_equal(d.saturated, [False, True, True, True])


@pytest.mark.parametrize(
    ("act", "params", "expected"),
    [
        ("identity", {}, True),
        ("sigmoid", {}, True),
        ("tanh", {}, True),
        ("leaky_relu", {}, True),
        ("leaky_relu", {"negative_slope": 0.0}, False),
        ("softplus", {}, True),
        ("elu", {}, True),
        ("selu", {}, True),
        ("softsign", {}, True),
        ("tanhshrink", {}, True),  # f′ = tanh² vanishes only at 0
        ("relu", {}, False),
        ("step", {}, False),
        ("relu6", {}, False),
        ("hard_tanh", {}, False),
        ("gelu", {}, False),
        ("silu", {}, False),
        ("sine", {}, False),
        ("gaussian", {}, False),
    ],
)
def test_one_to_one(act: str, params: dict, expected: bool) -> None:
    assert is_strictly_monotonic(act, **params) == expected
    assert diagnostics(POINTS, PRESET_MATRIX, BIAS, act, **params).one_to_one == expected
    # a singular W folds the plane onto a line whatever f is
    assert not diagnostics(POINTS, [[1.0, 2.0], [2.0, 4.0]], BIAS, act, **params).one_to_one


def test_diagnostics_accept_activation_without_value_and_grad() -> None:
    cube = custom_activation("cube", lambda x: x**3, lambda x: 3 * x**2)
    d = diagnostics(POINTS, PRESET_MATRIX, BIAS, cube)
    z = POINTS @ PRESET_MATRIX.T + BIAS
    np.testing.assert_allclose(
        d.jacobian_det, np.abs(9 * z[:, 0] ** 2 * z[:, 1] ** 2 * np.linalg.det(PRESET_MATRIX))
    )


def test_diagnostics_of_empty_cloud_are_nan() -> None:
    d = diagnostics(np.zeros((0, 2)), PRESET_MATRIX, BIAS, "relu")
    assert np.isnan(d.on_axis) and np.isnan(d.area_change) and d.jacobian_det.shape == (0,)


def test_stack_outputs_start_with_the_given_layer_and_compose_to_one_map():
    pts = np.random.default_rng(0).normal(size=(50, 2))
    w, b = np.array([[1.0, 2.0], [0.5, -1.0]]), np.array([0.1, -0.2])
    outputs, affine = activations.warp.stack_outputs(pts, w, b, "identity", 3, 7, 1.0)
    assert len(outputs) == 4 and len(affine) == 3
    np.testing.assert_array_equal(outputs[0], pts)
    np.testing.assert_allclose(outputs[1], pts @ w.T + b)
    w_total, b_total = activations.warp.compose_linear(affine)
    np.testing.assert_allclose(outputs[-1], pts @ w_total.T + b_total, atol=1e-9)
    relu = activations.warp.stack_outputs(pts, w, b, "relu", 2, 7, 1.0)[0]
    np.testing.assert_array_equal(relu[1], np.maximum(pts @ w.T + b, 0.0))


# --- fates, counts and flat zones ---


def test_fates_count_zero_coordinates() -> None:
    y = np.array([[1.0, 2.0], [0.0, 2.0], [1.0, 0.0], [0.0, -0.0], [np.nan, 0.0], [np.inf, 1]])
    # NaN or ±∞ in a coordinate: undefined (#14 review: it was counted as kept or on an axis).
    np.testing.assert_array_equal(fates(y), [0, 1, 1, 2, 3, 3])
    assert fates(y).dtype == np.int8 and FATES == ("kept", "axis", "origin", "undefined")
    d = diagnostics(POINTS, PRESET_MATRIX, BIAS, "relu")
    z = POINTS @ PRESET_MATRIX.T + BIAS
    np.testing.assert_array_equal(d.fate, fates(np.maximum(z, 0.0)))
    assert d.on_axis == np.mean(d.fate == 1) and d.at_origin == np.mean(d.fate == 2)


def test_a_formula_undefined_on_points_counts_them_undefined() -> None:
    """log(x) is NaN left of 0 and −∞ at 0: those points are undefined, not kept."""
    from activations.formula import parse_formula

    points = np.array([[2.0, 3.0], [-1.0, 2.0], [0.0, 3.0], [-1.0, -1.0]])
    d = diagnostics(points, np.eye(2), [0.0, 0.0], parse_formula("log(x)", {}))
    np.testing.assert_array_equal(d.fate, [0, 3, 3, 3])
    assert count_by_group([0, 1, 1, 2], 4, d.fate)[4].tolist() == [4, 1, 0, 0, 3, 0]


def test_count_by_group_equals_a_direct_count() -> None:
    cloud = make_cloud("square", 3000, 5)
    d = diagnostics(cloud.points, PRESET_MATRIX, [0.1, -0.2], "relu")
    table = count_by_group(cloud.labels, 4, d.fate, d.saturated)
    assert table.shape == (5, 6) and table.dtype == np.int64
    for q in range(4):
        mine = cloud.labels == q
        assert table[q, 0] == mine.sum()
        for k in range(4):
            assert table[q, 1 + k] == np.sum(mine & (d.fate == k))
        assert table[q, 5] == np.sum(mine & d.saturated)
    np.testing.assert_array_equal(table[4], table[:4].sum(axis=0))
    assert table[4, 0] == 3000 and table[4, 1:5].sum() == 3000 and table[4, 4] == 0
    # ReLU: marked (some z_i ≤ 0) is exactly "not kept" here, as z = 0 exactly has measure 0.
    assert table[4, 5] == table[4, 2] + table[4, 3]
    # Without marks the last column is 0; two classes; an empty cloud.
    assert count_by_group([0, 1, 1], 2, [0, 2, 1])[:, 5].tolist() == [0, 0, 0]
    assert count_by_group([0, 1, 1, 0], 2, [0, 2, 1, 3]).tolist() == [
        [2, 1, 0, 0, 1, 0],
        [2, 0, 1, 1, 0, 0],
        [4, 1, 1, 1, 1, 0],
    ]
    assert count_by_group(np.zeros(0, int), 4, np.zeros(0, np.int8)).sum() == 0
    with pytest.raises(ValueError, match="labels must lie"):
        count_by_group([0, 4], 4, [0, 0])
    with pytest.raises(ValueError, match="one per point"):
        count_by_group([0, 1], 4, [0])


@pytest.mark.parametrize(
    ("act", "eps", "params", "expected"),
    [
        ("relu", 0.01, {}, [(-np.inf, 0.0)]),
        ("relu", 1e-300, {}, [(-np.inf, 0.0)]),  # f′ is exactly 0 there
        ("leaky_relu", 0.01, {}, []),  # slope 0.01 is not below 0.01
        ("leaky_relu", 0.1, {}, [(-np.inf, 0.0)]),
        ("identity", 0.5, {}, []),
        ("step", 0.01, {}, [(-np.inf, np.inf)]),
        ("hard_tanh", 0.01, {}, [(-np.inf, -1.0), (1.0, np.inf)]),
        ("softshrink", 0.01, {"lambd": 0.5}, [(-0.5, 0.5)]),
        ("sigmoid", 0.3, {}, [(-np.inf, np.inf)]),  # σ′ ≤ 0.25
    ],
)
def test_flat_zone_of_piecewise_activations(act, eps, params, expected) -> None:
    assert flat_zone(act, eps, **params) == expected


def test_flat_zone_edges_match_the_exact_thresholds() -> None:
    from scipy.optimize import brentq
    from scipy.special import expit

    for eps in (0.1, 0.01, 1e-4):
        t = brentq(lambda z, e=eps: 1 - np.tanh(z) ** 2 - e, 0, 20)
        s = brentq(lambda z, e=eps: expit(z) * expit(-z) - e, 0, 40)
        for act, edge in (("tanh", t), ("sigmoid", s)):
            (lo, a), (b, hi) = flat_zone(act, eps)
            assert lo == -np.inf and hi == np.inf
            assert a == -b and abs(b - edge) <= 0.0051, (act, eps, b, edge)
    # GELU dips below 0 near z = −0.75: a narrow second zone there.
    zones = flat_zone("gelu", 0.01)
    assert zones[0][0] == -np.inf and len(zones) == 2 and zones[1][0] < -0.75 < zones[1][1]


def test_flat_zone_ignores_nan_derivatives_and_checks_eps() -> None:
    broken = custom_activation("broken", np.copy, lambda x: np.where(x > 0, np.nan, 0.0))
    assert flat_zone(broken, 0.01) == [(-np.inf, 0.0)]
    with pytest.raises(ValueError, match="eps"):
        flat_zone("relu", float("nan"))


def test_diagnostics_report_the_range_of_z_and_the_smallest_slope() -> None:
    d = diagnostics(POINTS, PRESET_MATRIX, BIAS, "tanh", eps=0.01)
    z = POINTS @ PRESET_MATRIX.T + BIAS
    assert d.z_range == (z.min(), z.max())
    assert d.min_abs_grad == pytest.approx((1 - np.tanh(z) ** 2).min(), rel=1e-12)
    assert d.eps == 0.01 and not d.saturated.any()
    # Why nothing is marked at the preset: |z| stays well below where tanh′ < 0.01.
    assert max(-d.z_range[0], d.z_range[1]) < flat_zone("tanh", 0.01)[1][0]
    empty = diagnostics(np.zeros((0, 2)), PRESET_MATRIX, BIAS, "relu")
    assert np.isnan(empty.z_range).all() and np.isnan(empty.min_abs_grad)
    assert empty.fate.shape == (0,)


def test_diagnostics_of_huge_points_stay_quiet_and_finite() -> None:
    pts = np.array([[1e300, -1e300], [np.inf, 0.0], [np.nan, 1.0], [1.0, 1.0]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        d = diagnostics(pts, PRESET_MATRIX, BIAS, "sigmoid", eps=0.01)
    assert all(np.isfinite(d.z_range)) and np.isfinite(d.min_abs_grad)
    assert d.saturated[:2].all() and not d.saturated[3]
    pts32 = POINTS.astype(np.float32)
    d32 = diagnostics(pts32, PRESET_MATRIX, BIAS, "relu")
    np.testing.assert_array_equal(d32.fate, diagnostics(POINTS, PRESET_MATRIX, BIAS, "relu").fate)
