"""Measured properties of activations (activations.properties)."""

from __future__ import annotations

import math
import time
import warnings
from dataclasses import dataclass

import numpy as np
import pytest

import activations
from activations import Properties, format_range, properties

pytestmark = pytest.mark.filterwarnings("error")

SILU_MIN = -0.27846454276107380  # x·σ(x) at x = −1.2784645427610738 (1 + W(1/e))
GELU_MIN = -0.16997120747990366  # x·Φ(x) at x = −0.75179152469356 (mpmath)
INF = math.inf
SELU_ALPHA, SELU_SCALE = 1.6732632423543772, 1.0507009873554805

# id: (range_str, bounded, monotonic, zero_centred, smooth, saturating, grad_at_0)
EXPECTED = {
    "identity": ("(−∞, ∞)", False, True, True, True, False, 1.0),
    "step": ("[0, 1]", True, True, False, False, True, 0.0),
    "sigmoid": ("(0, 1)", True, True, False, True, True, 0.25),
    "hard_sigmoid": ("[0, 1]", True, True, False, False, True, 1 / 6),
    "tanh": ("(−1, 1)", True, True, True, True, True, 1.0),
    "hard_tanh": ("[−1, 1]", True, True, True, False, True, 1.0),
    "relu": ("[0, ∞)", False, True, False, False, True, 0.0),
    "leaky_relu": ("(−∞, ∞)", False, True, True, False, False, 0.01),
    "prelu": ("(−∞, ∞)", False, True, True, False, False, 0.25),
    "relu6": ("[0, 6]", True, True, False, False, True, 0.0),
    "leaky_relu6": ("(−∞, 6]", False, True, True, False, True, 0.01),
    "elu": ("(−1, ∞)", False, True, True, True, True, 1.0),
    "selu": ("(−1.758, ∞)", False, True, True, False, True, SELU_SCALE * SELU_ALPHA),
    "celu": ("(−1, ∞)", False, True, True, True, True, 1.0),
    "gelu": ("[−0.17, ∞)", False, False, True, True, True, 0.5),
    "gelu_tanh": ("[−0.17, ∞)", False, False, True, True, True, 0.5),
    "silu": ("[−0.2785, ∞)", False, False, True, True, True, 0.5),
    "swish": ("[−0.2785, ∞)", False, False, True, True, True, 0.5),
    "hard_swish": ("[−0.375, ∞)", False, False, True, False, True, 0.5),
    "mish": ("[−0.3088, ∞)", False, False, True, True, True, 0.6),
    "softplus": ("(0, ∞)", False, True, False, True, True, 0.5),
    "softsign": ("(−1, 1)", True, True, True, True, True, 1.0),
    "log_sigmoid": ("(−∞, 0)", False, True, False, True, True, 0.5),
    "tanhshrink": ("(−∞, ∞)", False, True, True, True, False, 0.0),
    "softshrink": ("(−∞, ∞)", False, True, True, False, False, 0.0),
    "hardshrink": ("(−∞, ∞)", False, True, True, False, False, 0.0),
    "sine": ("[−1, 1]", True, False, True, True, False, 1.0),
    "gaussian": ("(0, 1]", True, False, False, True, True, 0.0),
}


def test_every_id_has_expectations():
    assert set(EXPECTED) == set(activations.names())


@pytest.mark.parametrize("name", activations.names())
def test_properties_table(name):
    p = properties(name)
    assert isinstance(p, Properties) and p.name == name
    range_str, bounded, monotonic, zero_centred, smooth, saturating, g0 = EXPECTED[name]
    assert p.range_str == range_str
    assert (p.bounded, p.monotonic, p.zero_centred, p.smooth, p.saturating) == (
        bounded,
        monotonic,
        zero_centred,
        smooth,
        saturating,
    )
    assert p.grad_at_0 == pytest.approx(g0, rel=1e-15)
    assert p.cost_ns_f > 0 and p.cost_ns_grad > 0
    assert math.isfinite(p.cost_ns_f) and math.isfinite(p.cost_ns_grad)
    assert p.continuous == (name not in ("step", "hardshrink"))
    lo, hi, _, _ = p.output_range
    assert p.bounded == (math.isfinite(lo) and math.isfinite(hi))


@pytest.mark.parametrize("name", activations.names())
def test_properties_consistent_with_dense_sampling(name):
    """Cross-check against a route that does not share code: a dense sample of f and f′."""
    act = activations.get(name)
    p = properties(name)
    x = np.linspace(-60, 60, 600001)
    f, g = act.value_and_grad(x)
    lo, hi, lo_closed, hi_closed = p.output_range
    assert lo <= f.min() + 1e-12 and f.max() - 1e-12 <= hi
    if lo_closed:
        assert f.min() == pytest.approx(lo, abs=1e-7)
    if hi_closed:
        assert f.max() == pytest.approx(hi, abs=1e-7)
    assert np.abs(g).max() <= p.max_abs_grad * (1 + 1e-12)
    assert np.abs(g).max() == pytest.approx(p.max_abs_grad, rel=1e-3)
    if p.monotonic:
        assert (g >= 0).all()
    else:
        assert (np.diff(f) < 0).any()
    far = act.grad(np.array([-1e8, 1e8]))
    assert (np.abs(far) < 1e-9).tolist() == [p.saturates_left, p.saturates_right]


def test_extrema_are_refined():
    assert properties("silu").output_range[0] == pytest.approx(SILU_MIN, rel=1e-12)
    assert properties("gelu").output_range[0] == pytest.approx(GELU_MIN, rel=1e-12)
    # swish with β: x·σ(βx) = silu(βx)/β
    assert properties("swish", beta=0.1).output_range[0] == pytest.approx(SILU_MIN / 0.1, 1e-10)
    assert properties("swish", beta=8.0).output_range[0] == pytest.approx(SILU_MIN / 8, 1e-10)
    assert properties("hard_swish").max_abs_grad == pytest.approx(1.5, rel=1e-12)
    assert properties("hard_swish").output_range[0] == -0.375
    # sup of silu′ at x = 2.3993572805154677 (mpmath)
    assert properties("silu").max_abs_grad == pytest.approx(1.0998393201288669, rel=1e-12)


def test_parameters_change_properties():
    assert properties("elu", alpha=1.0).smooth
    assert not properties("elu", alpha=0.5).smooth
    assert properties("elu", alpha=0.5).range_str == "(−0.5, ∞)"
    assert properties("celu", alpha=0.3).smooth
    relu_like = properties("leaky_relu", negative_slope=0.0)
    assert relu_like.range_str == "[0, ∞)" and not relu_like.zero_centred
    assert relu_like.saturates_left
    assert properties("leaky_relu6", negative_slope=0.0).range_str == "[0, 6]"
    ht = properties("hard_tanh", min_val=-2.0, max_val=0.5)
    assert ht.range_str == "[−2, 0.5]" and ht.kinks == (-2.0, 0.5)
    assert properties("softshrink", lambd=1.5).kinks == (-1.5, 1.5)
    assert properties("softplus", beta=10.0).range_str == "(0, ∞)"


def test_kinks_found_and_filtered():
    assert properties("relu").kinks == (0.0,)
    assert properties("hard_swish").kinks == (-3.0, 3.0)
    assert properties("step").kinks == (0.0,)
    assert properties("elu").kinks == ()  # declared, but f′ is continuous for α = 1
    assert properties("selu").kinks == (0.0,)
    assert properties("gelu").kinks == ()


def test_means_for_standard_normal_input():
    assert properties("relu").mean_normal == pytest.approx(1 / math.sqrt(2 * math.pi), rel=1e-6)
    assert properties("sigmoid").mean_normal == pytest.approx(0.5, abs=1e-9)
    assert properties("tanh").mean_normal == pytest.approx(0.0, abs=1e-12)
    assert properties("selu").mean_normal == pytest.approx(0.0, abs=1e-6)  # self-normalising
    assert properties("gaussian").mean_normal == pytest.approx(1 / math.sqrt(3), rel=1e-6)


def test_limits():
    assert properties("sigmoid").limits == (0.0, 1.0)
    assert properties("elu").limits == (-1.0, INF)
    assert all(math.isnan(v) for v in properties("sine").limits)


def test_cache_and_speed():
    first = properties("tanh")
    t0 = time.perf_counter()
    for name in activations.names():
        properties(name)
    warm = time.perf_counter() - t0
    t0 = time.perf_counter()
    again = [properties(name) for name in activations.names()]
    assert time.perf_counter() - t0 < 0.05
    assert properties("tanh") is first and again[activations.names().index("tanh")] is first
    assert properties("swish", beta=2.0) is properties("swish", beta=2)
    assert properties("swish", beta=2.0) is not properties("swish")
    assert warm < 30  # all 28 from scratch (most are already cached here)


def test_errors():
    with pytest.raises(ValueError, match="unknown activation"):
        properties("nope")
    with pytest.raises(ValueError, match="beta"):
        properties("swish", beta=100.0)


def test_custom_activation_objects():
    @dataclass(frozen=True)
    class Cube:
        params: tuple = ()
        name: str = "cube"

        def fn(self, x):
            return np.asarray(x, dtype=float) ** 3

        def grad(self, x):
            return 3 * np.asarray(x, dtype=float) ** 2

    p = properties(Cube())
    assert p.name == "cube" and p.range_str == "(−∞, ∞)" and p.monotonic and p.smooth
    assert p.zero_centred and not p.saturating and p.grad_at_0 == 0.0

    class Clip:  # unhashable (no frozen dataclass): computed, not cached
        __hash__ = None
        params = ()

        def fn(self, x):
            return np.clip(np.asarray(x, dtype=float), -2.0, 2.0)

        def grad(self, x):
            x = np.asarray(x, dtype=float)
            return ((x > -2) & (x < 2)).astype(float)

    c = properties(Clip())
    assert c.range_str == "[−2, 2]" and c.kinks == pytest.approx((-2.0, 2.0), abs=1e-9)
    assert not c.smooth and c.continuous and c.max_abs_grad == 1.0


def test_format_range():
    assert format_range(0.0, INF, True, False) == "[0, ∞)"
    assert format_range(-INF, INF, False, False) == "(−∞, ∞)"
    assert format_range(-0.27846454, 1.5, True, True) == "[−0.2785, 1.5]"


def test_range_of_an_activation_without_a_limit_on_one_side():
    """f(−∞) may be NaN for a user formula (−∞·0): the interior minimum is the range's end."""

    class Swishish:
        name = "swishish"
        params = ()

        def fn(self, x):
            x = np.asarray(x, dtype=float)
            with np.errstate(all="ignore"):
                return x / (1.0 + np.exp(-2.0 * x))

        def grad(self, x):
            x = np.asarray(x, dtype=float)
            with np.errstate(all="ignore"):
                s = 1.0 / (1.0 + np.exp(-2.0 * x))
                return s + 2.0 * x * s * (1.0 - s)

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        props = activations.properties(Swishish())
    lo, hi, lo_closed, _ = props.output_range
    assert lo == pytest.approx(-0.13923, abs=1e-4) and lo_closed
    assert hi == np.inf
