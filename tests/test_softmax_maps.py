"""The Softmax page's helpers: logit parsing, the two-class identity, the simplex, maxout graphs."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from activations import maxout, softmax
from activations.softmax_maps import (
    MAX_LOGITS,
    LogitsError,
    maxout_envelope,
    parse_logits,
    random_maxout,
    simplex_xy,
    two_class_softmax,
)


@pytest.mark.parametrize(
    "text",
    ["1, 5, 2, 0, 6, 7", "[1 5 2 0 6 7]", " 1;5;2 ;0,6,  7 ", "1.0,5e0,2,-0,6,7", "1,5,2,0,6,7,"],
)
def test_parse_accepts_common_spellings(text):
    np.testing.assert_array_equal(parse_logits(text), [1, 5, 2, 0, 6, 7])


def test_parse_typographic_minus_and_single_value():
    np.testing.assert_array_equal(parse_logits("−2.5, 3"), [-2.5, 3.0])
    assert parse_logits("4").tolist() == [4.0]


@pytest.mark.parametrize(
    ("text", "reason", "token"),
    [
        ("", "empty", ""),
        (" [ ] ", "empty", ""),
        ("1, two, 3", "number", "two"),
        ("1, 0x10", "number", "0x10"),
        ("1, inf", "finite", "inf"),
        ("nan, 1", "finite", "nan"),
        ("1e400", "finite", "1e400"),
        (", ".join(["1"] * (MAX_LOGITS + 1)), "count", ""),
        ("1" * 201, "length", ""),
    ],
)
def test_parse_rejects_bad_input_with_a_reason(text, reason, token):
    with pytest.raises(LogitsError) as info:
        parse_logits(text)
    assert info.value.reason == reason
    assert info.value.token == token
    assert isinstance(info.value, ValueError)


def test_parse_limit_is_inclusive():
    assert parse_logits(",".join(["0"] * MAX_LOGITS)).size == MAX_LOGITS


def test_two_class_softmax_is_the_sigmoid():
    z = np.linspace(-40.0, 40.0, 2001)
    for t in (0.3, 1.0, 4.0):
        expected = 1.0 / (1.0 + np.exp(-z / t))
        np.testing.assert_allclose(two_class_softmax(z, t), expected, rtol=1e-13, atol=0)
    # Far tails: no overflow, no warning, exact limits.
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        p = two_class_softmax(np.array([-1e308, 1e308, -np.inf, np.inf]))
    np.testing.assert_array_equal(p, [0.0, 1.0, 0.0, 1.0])


def test_simplex_maps_vertices_centre_and_stays_inside():
    xy = simplex_xy(np.eye(3))
    np.testing.assert_allclose(xy, [[0, 0], [1, 0], [0.5, np.sqrt(3) / 2]])
    centre = simplex_xy([1 / 3, 1 / 3, 1 / 3])
    np.testing.assert_allclose(centre, [0.5, np.sqrt(3) / 6])
    p = softmax(np.random.default_rng(0).normal(0, 3, (500, 3)))
    x, y = simplex_xy(p).T
    # Inside the triangle: above the base, below both slanted sides.
    assert np.all(y >= -1e-15)
    assert np.all(y <= np.sqrt(3) * x + 1e-12) and np.all(y <= np.sqrt(3) * (1 - x) + 1e-12)
    with pytest.raises(ValueError):
        simplex_xy([0.5, 0.5])


def test_random_maxout_shapes_and_determinism():
    w, b = random_maxout(4, 1, seed=3)
    assert w.shape == (4, 1) and b.shape == (4,)
    w2, b2 = random_maxout(4, 2, 2, seed=3, scale=0.5)
    assert w2.shape == (4, 2, 2) and b2.shape == (4, 2)
    np.testing.assert_array_equal(random_maxout(4, 1, seed=3)[0], w)
    assert not np.array_equal(random_maxout(4, 1, seed=4)[0], w)
    with pytest.raises(ValueError):
        random_maxout(0)


@settings(max_examples=60, deadline=None)
@given(
    k=st.integers(1, 8),
    seed=st.integers(0, 10_000),
    lo=st.floats(-10, 0),
    width=st.floats(0.1, 20),
)
def test_envelope_is_the_exact_maxout_graph(k, seed, lo, width):
    w, b = random_maxout(k, 1, seed=seed)
    hi = lo + width
    x, y, piece = maxout_envelope(w[:, 0], b, lo, hi)
    assert x[0] == lo and x[-1] == hi and np.all(np.diff(x) > 0)
    assert len(piece) == len(x) - 1
    # Vertices lie on the maxout curve, and between vertices the active piece is the maximum.
    np.testing.assert_allclose(y, maxout(x[:, None], w, b), rtol=1e-12, atol=1e-12)
    grid = np.linspace(lo, hi, 997)
    seg = np.clip(np.searchsorted(x, grid, side="right") - 1, 0, len(piece) - 1)
    on_piece = w[piece[seg], 0] * grid + b[piece[seg]]
    np.testing.assert_allclose(on_piece, maxout(grid[:, None], w, b), rtol=1e-9, atol=1e-9)
    # Convex: slopes of successive pieces increase.
    assert np.all(np.diff(w[piece, 0]) > 0)


def test_envelope_relu_as_maxout_and_ties():
    # max(x, 0) = ReLU: one kink at 0.
    x, y, piece = maxout_envelope([1.0, 0.0], [0.0, 0.0], -2.0, 3.0)
    np.testing.assert_array_equal(x, [-2.0, 0.0, 3.0])
    np.testing.assert_array_equal(y, [0.0, 0.0, 3.0])
    np.testing.assert_array_equal(piece, [1, 0])
    # Three lines through one point, and a duplicate line: one kink, the steepest wins after it.
    x, _y, piece = maxout_envelope([-1.0, 0.0, 2.0, 2.0], [0.0, 0.0, 0.0, 0.0], -1.0, 1.0)
    np.testing.assert_array_equal(x, [-1.0, 0.0, 1.0])
    assert piece[0] == 0 and piece[1] in (2, 3)
    with pytest.raises(ValueError):
        maxout_envelope([], [], 0.0, 1.0)
    with pytest.raises(ValueError):
        maxout_envelope([1.0], [0.0], 1.0, 1.0)
