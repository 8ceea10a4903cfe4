"""Measured properties of activations (activations.properties)."""

from __future__ import annotations

import math
import time
import warnings

import numpy as np
import pytest
from actkit import custom_activation

import activations
from activations import Properties, format_range, properties

pytestmark = pytest.mark.filterwarnings("error")

SILU_MIN = -0.27846454276107380  # x·σ(x) at x = −1.2784645427610738 (1 + W(1/e))
GELU_MIN = -0.16997120747990366  # x·Φ(x) at x = −0.75179152469356 (mpmath)
INF = math.inf
SELU_ALPHA, SELU_SCALE = 1.6732632423543772, 1.0507009873554805

# id: (range_str, bounded, monotonic, zero_centred, smooth, saturating, grad_at_0)
# zero-centred: |E f(Z)| ≤ 0.1·RMS f(Z) under N(0, 1); the ReLU family's mean is 0.2–0.56 RMS
EXPECTED = {
    "identity": ("(−∞, ∞)", False, True, True, True, False, 1.0),
    "step": ("[0, 1]", True, True, False, False, True, 0.0),
    "sigmoid": ("(0, 1)", True, True, False, True, True, 0.25),
    "hard_sigmoid": ("[0, 1]", True, True, False, False, True, 1 / 6),
    "tanh": ("(−1, 1)", True, True, True, True, True, 1.0),
    "hard_tanh": ("[−1, 1]", True, True, True, False, True, 1.0),
    "relu": ("[0, ∞)", False, True, False, False, True, 0.0),
    "leaky_relu": ("(−∞, ∞)", False, True, False, False, False, 0.01),
    "prelu": ("(−∞, ∞)", False, True, False, False, False, 0.25),
    "relu6": ("[0, 6]", True, True, False, False, True, 0.0),
    "leaky_relu6": ("(−∞, 6]", False, True, False, False, True, 0.01),
    "elu": ("(−1, ∞)", False, True, False, True, True, 1.0),
    "selu": ("(−1.758, ∞)", False, True, True, False, True, SELU_SCALE * SELU_ALPHA),
    "celu": ("(−1, ∞)", False, True, False, True, True, 1.0),
    "gelu": ("[−0.17, ∞)", False, False, False, True, True, 0.5),
    "gelu_tanh": ("[−0.17, ∞)", False, False, False, True, True, 0.5),
    "silu": ("[−0.2785, ∞)", False, False, False, True, True, 0.5),
    "swish": ("[−0.2785, ∞)", False, False, False, True, True, 0.5),
    "hard_swish": ("[−0.375, ∞)", False, False, False, False, True, 0.5),
    "mish": ("[−0.3088, ∞)", False, False, False, True, True, 0.6),
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
        assert (g >= 0).all() if p.increasing else (g <= 0).all()
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
    """Closed forms: relu mean 1/√(2π), RMS 1/√2; leaky relu (1 − a)/√(2π), √((1 + a²)/2);
    sigmoid mean ½; the Gaussian bump 1/√3 and RMS (1/√5)^½; SELU mean 0, RMS 1 (its α and
    λ are chosen for exactly that fixed point)."""
    relu = properties("relu")
    assert relu.mean_normal == pytest.approx(1 / math.sqrt(2 * math.pi), rel=1e-12)
    assert relu.rms_normal == pytest.approx(1 / math.sqrt(2), rel=1e-12)
    assert relu.centring == pytest.approx(math.sqrt(1 / math.pi), rel=1e-12)
    leaky = properties("leaky_relu", negative_slope=0.2)
    assert leaky.mean_normal == pytest.approx(0.8 / math.sqrt(2 * math.pi), rel=1e-12)
    assert leaky.rms_normal == pytest.approx(math.sqrt(1.04 / 2), rel=1e-12)
    assert properties("sigmoid").mean_normal == pytest.approx(0.5, abs=1e-13)
    assert properties("tanh").mean_normal == pytest.approx(0.0, abs=1e-13)
    selu = properties("selu")
    assert selu.mean_normal == pytest.approx(0.0, abs=1e-8)  # self-normalising
    assert selu.rms_normal == pytest.approx(1.0, abs=1e-8)
    gauss = properties("gaussian")
    assert gauss.mean_normal == pytest.approx(1 / math.sqrt(3), rel=1e-12)
    assert gauss.rms_normal == pytest.approx(5**-0.25, rel=1e-12)


ZERO_CENTRED = ["tanh", "softsign", "identity", "hard_tanh", "selu", "tanhshrink", "sine"]
NOT_ZERO_CENTRED = ["relu", "leaky_relu", "gelu", "silu", "mish", "softplus", "sigmoid",
                    "elu", "celu", "relu6", "prelu", "hard_swish", "gaussian"]  # fmt: skip


def test_zero_centred_is_the_mean_over_the_rms_under_standard_normal_input():
    assert activations.ZERO_CENTRED_MAX == 0.1
    for name in ZERO_CENTRED:
        p = properties(name)
        assert p.zero_centred and abs(p.centring) <= 1e-8, name
    for name in NOT_ZERO_CENTRED:
        p = properties(name)
        assert p.zero_centred is False and p.centring >= 0.19, (name, p.centring)
    # the ReLU family sits at 0.2–0.56 RMS, relu6 and gelu within it
    assert properties("elu").centring == pytest.approx(0.1999, abs=1e-4)
    assert properties("gelu").centring == pytest.approx(0.4326, abs=1e-4)
    # extreme parameters: the shape decides
    assert properties("leaky_relu", negative_slope=1.0).zero_centred  # the identity
    assert not properties("leaky_relu", negative_slope=0.0).zero_centred  # ReLU
    assert properties("swish", beta=0.1).zero_centred  # ≈ x/2 near the bulk of N(0, 1)
    assert not properties("swish", beta=10.0).zero_centred  # ≈ ReLU
    assert not properties("hard_tanh", min_val=0.0, max_val=1.0).zero_centred
    assert properties("celu", alpha=5.0).zero_centred  # mean/RMS 0.048
    assert properties("elu", alpha=5.0).centring < -0.3  # now its negative side dominates


def test_sides_of_saturation_and_bounds():
    sides = {n: (properties(n).saturates, properties(n).bounded_sides) for n in activations.names()}
    assert sides["relu"] == ("left", "below")  # ReLU does not saturate for x > 0
    assert sides["sigmoid"] == sides["tanh"] == ("both", "both")
    assert sides["elu"] == ("left", "below") and sides["softplus"] == ("left", "below")
    assert sides["log_sigmoid"] == ("right", "above")
    assert sides["leaky_relu"] == ("no", "no") and sides["sine"] == ("no", "both")
    assert properties("leaky_relu", negative_slope=0.0).saturates == "left"
    assert properties("leaky_relu6", negative_slope=0.0).saturates == "both"
    assert properties("softplus", beta=10.0).saturates == "left"
    assert properties("swish", beta=0.1).saturates == "left"
    assert properties("hard_tanh", min_val=-5.0, max_val=5.0).saturates == "both"


def test_a_convention_at_one_point_is_not_a_kink():
    """softshrink and hardshrink with λ = 0 are the identity; f′(0) = 0 is only the
    library's convention at a single point, not a jump: smooth, no kinks."""
    for name in ("softshrink", "hardshrink"):
        p = properties(name, lambd=0.0)
        assert p.smooth and p.continuous and p.kinks == (), name
    assert properties("leaky_relu", negative_slope=1.0).smooth
    assert properties("prelu", negative_slope=1.0).kinks == ()
    assert not properties("relu").smooth and properties("relu").kinks == (0.0,)


def test_monotonic_in_either_direction():
    from activations.formula import parse_formula

    down = properties(parse_formula("-x"))
    assert down.monotonic and not down.increasing
    assert properties("relu").increasing and properties("relu").monotonic
    assert not properties("gaussian").monotonic
    # the dip of x·σ(βx) is found at both extremes of β
    assert not properties("swish", beta=0.1).monotonic
    assert not properties("swish", beta=10.0).monotonic
    assert properties("softplus", beta=10.0).monotonic


@pytest.mark.parametrize(
    ("text", "range_str", "defined"),
    [
        ("x/0", "—", False),
        ("1/x", "(−∞, ∞)", False),
        ("x**-1", "(−∞, ∞)", False),
        ("log(x)", "(−∞, ∞)", False),
        ("sqrt(x)", "[0, ∞)", False),
        ("0*x", "[0, 0]", True),
        ("exp(x)", "(0, ∞)", False),  # overflows beyond x = 709.8
        ("exp(x**2)", "[1, ∞)", False),
    ],
)
def test_formulas_undefined_or_infinite_somewhere(text, range_str, defined):
    """Root cause of the Curves page's TypeError on x/0: sup |f′| was max(a, *[]) when f′ has
    no finite value and no limit. Every such formula now has properties, with NaN where a
    number does not exist."""
    from activations.formula import parse_formula

    p = properties(parse_formula(text))
    assert p.range_str == range_str and p.defined == defined
    assert p.defined_anywhere == (text != "x/0")
    if text == "x/0":
        assert math.isnan(p.max_abs_grad) and p.zero_centred is None
    if text in ("log(x)", "sqrt(x)", "1/x", "exp(x**2)"):
        assert math.isnan(p.centring) and p.zero_centred is None
    if text == "exp(x)":  # E[e^Z] = e^½, E[e^2Z] = e²
        assert p.mean_normal == pytest.approx(math.exp(0.5), rel=1e-10)
        assert p.rms_normal == pytest.approx(math.e, rel=1e-10)


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
    cube = custom_activation("cube", lambda x: x**3, lambda x: 3 * x**2)
    p = properties(cube)
    assert p.name == "cube" and p.range_str == "(−∞, ∞)" and p.monotonic and p.smooth
    assert p.zero_centred and not p.saturating and p.grad_at_0 == 0.0

    clip = custom_activation(  # declares no kinks: found by bisection
        "clip", lambda x: np.clip(x, -2.0, 2.0), lambda x: ((x > -2) & (x < 2)).astype(float)
    )
    c = properties(clip)
    assert c.range_str == "[−2, 2]" and c.kinks == pytest.approx((-2.0, 2.0), abs=1e-9)
    assert not c.smooth and c.continuous and c.max_abs_grad == 1.0


def test_format_range():
    assert format_range(0.0, INF, True, False) == "[0, ∞)"
    assert format_range(-INF, INF, False, False) == "(−∞, ∞)"
    assert format_range(-0.27846454, 1.5, True, True) == "[−0.2785, 1.5]"


def test_range_of_an_activation_without_a_limit_on_one_side():
    """f(−∞) may be NaN for a user formula (−∞·0): the interior minimum is the range's end."""

    def swishish(x):
        return x / (1.0 + np.exp(-2.0 * x))

    def swishish_grad(x):
        s = 1.0 / (1.0 + np.exp(-2.0 * x))
        return s + 2.0 * x * s * (1.0 - s)

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        props = activations.properties(custom_activation("swishish", swishish, swishish_grad))
    lo, hi, lo_closed, _ = props.output_range
    assert lo == pytest.approx(-0.13923, abs=1e-4) and lo_closed
    assert hi == np.inf
