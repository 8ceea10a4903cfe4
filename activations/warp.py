"""One 2-D layer ``f(W x + b)`` as geometry: SVD stages, animation frames, stacks, diagnostics.

Points are rows, so a layer maps ``points -> f(points @ W.T + b)``. The linear part is shown
through its SVD ``W = U · diag(S) · Vᵀ`` written with two *rotations*::

    W = R(φ) · diag(σ₁, ±σ₂) · R(θ),     R(a) = [[cos a, −sin a], [sin a, cos a]]

read left to right as the sliders do: first rotate the plane by θ (counter-clockwise), then
stretch the axes by σ₁ and σ₂ (a reflection flips the second axis: S = (σ₁, −σ₂)), then rotate
by φ. Keeping the reflection inside the scaling factor makes both other factors true rotations
whose angle can be interpolated, and the mirror animates as the second axis shrinking through
zero — the only continuous way from the identity to a reflection.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from activations.clouds import check_int, check_real
from activations.registry import Activation, get

if TYPE_CHECKING:
    from collections.abc import Sequence

    from numpy.typing import DTypeLike


__all__ = [
    "FATES",
    "MAX_ENTRY",
    "MAX_LAYERS",
    "MAX_SCALE",
    "PRESET_MATRIX",
    "STAGE_NAMES",
    "SVD2",
    "UNDEFINED",
    "Diagnostics",
    "as_bias",
    "as_matrix",
    "compose_linear",
    "count_by_group",
    "decompose",
    "diagnostics",
    "fates",
    "flat_zone",
    "interpolate_stages",
    "is_strictly_monotonic",
    "layer_stages",
    "matrix_from_svd",
    "random_matrix",
    "rotation",
    "stack_layers",
    "stack_outputs",
]

PRESET_MATRIX = np.array([[0.35166263, 0.1124966], [0.25249535, 0.65481947]])
"""The example matrix of one tutorial (BRIEF.md section 1)."""

MAX_ENTRY = 1e6
"""Largest accepted |entry| of W or b: beyond it the picture is meaningless and float32 plots
lose all resolution."""

MAX_LAYERS = 64
MAX_SCALE = 100.0
"""Largest ``scale`` (standard deviation of random matrix entries)."""
STAGE_NAMES = ("input", "rotate", "scale", "rotate", "shift", "activate")

# σ₂ below this fraction of σ₁ is rounding noise from a singular W: snap it to 0.
_RANK_TOL = 1e-13
# σ₁ and σ₂ this close make the SVD rotations arbitrary: put the whole rotation into φ.
_ISOTROPIC_TOL = 1e-12
# Monotonicity grid: even count so that 0 (the usual kink) is not on it; float64 derivatives
# of saturating functions stay far from underflow on [-30, 30] (σ′(30) ≈ 9e-14).
_MONOTONIC_GRID = np.linspace(-30.0, 30.0, 6000)


# --- validation ---


def as_matrix(matrix: Any) -> np.ndarray:
    """``matrix`` as a float64 (2, 2) array; ValueError if not 2×2, not finite or too large."""
    try:
        w = np.array(matrix, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"matrix must be a 2×2 array of numbers: {exc}") from None
    if w.shape != (2, 2):
        raise ValueError(f"matrix must be 2×2, got shape {w.shape}")
    _check_entries(w, "matrix")
    return w


def as_bias(bias: Any) -> np.ndarray:
    """``bias`` as a float64 array of length 2; ValueError if the wrong size, not finite or too
    large."""
    try:
        b = np.array(bias, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"bias must be 2 numbers: {exc}") from None
    if b.shape != (2,):
        raise ValueError(f"bias must have 2 entries, got shape {b.shape}")
    _check_entries(b, "bias")
    return b


def _check_entries(a: np.ndarray, what: str) -> None:
    bad = ~np.isfinite(a)
    if bad.any():
        raise ValueError(f"{what} entries must be finite numbers, got {a[bad][0]!r}")
    if np.abs(a).max() > MAX_ENTRY:
        raise ValueError(f"{what} entries must be at most {MAX_ENTRY:g} in size, got {a.tolist()}")


def _as_points(points: Any) -> np.ndarray:
    p = np.asarray(points, dtype=np.float64)
    if p.ndim != 2 or p.shape[1] != 2:
        raise ValueError(f"points must have shape (n, 2), got {p.shape}")
    return p


# --- matrices ---


def rotation(angle: float) -> np.ndarray:
    """R(a) = [[cos a, −sin a], [sin a, cos a]]: counter-clockwise rotation by ``angle``."""
    c, s = np.cos(angle), np.sin(angle)
    return np.array([[c, -s], [s, c]])


def _wrap(angle: float) -> float:
    """angle mapped into (−π, π]."""
    return float(np.pi - np.mod(np.pi - angle, 2.0 * np.pi))


def _random_layer(rng: np.random.Generator, scale: float) -> tuple[np.ndarray, np.ndarray]:
    return rng.normal(0.0, scale, size=(2, 2)), rng.normal(0.0, 0.5 * scale, size=2)


def random_matrix(seed: int, scale: float = 1.0) -> np.ndarray:
    """A 2×2 matrix with i.i.d. N(0, scale²) entries, deterministic per seed.

    It is the first layer's matrix of ``stack_layers(..., seed=seed, scale=scale)``.
    """
    scale = check_real(scale, "scale", 0.0, MAX_SCALE)
    w, _ = _random_layer(np.random.default_rng(check_int(seed, "seed", 0)), scale)
    return w


def matrix_from_svd(
    theta: float, sigma1: float, sigma2: float, phi: float, reflect: bool
) -> np.ndarray:
    """W = R(φ) · diag(σ₁, ±σ₂) · R(θ): rotate by θ, scale the axes (flip the second if
    ``reflect``), rotate by φ. Angles in radians; σ₁, σ₂ ≥ 0 (σ₁ ≥ σ₂ is the SVD order)."""
    theta = check_real(theta, "theta", -1e3, 1e3)
    phi = check_real(phi, "phi", -1e3, 1e3)
    s1 = check_real(sigma1, "sigma1", 0.0, MAX_ENTRY)
    s2 = check_real(sigma2, "sigma2", 0.0, MAX_ENTRY)
    return rotation(phi) @ np.diag([s1, -s2 if reflect else s2]) @ rotation(theta)


@dataclass(frozen=True)
class SVD2:
    """W = U · diag(S) · Vt with U = R(phi) and Vt = R(theta) rotations (det +1).

    sigma1 ≥ sigma2 ≥ 0 are the singular values; S = (sigma1, −sigma2) when ``reflect``
    (det W < 0), else (sigma1, sigma2). Angles lie in (−π, π]; of the two equivalent choices
    (θ, φ) and (θ + π, φ + π) the one with the smaller |θ| + |φ| is kept, so an animation takes
    the short way round. When σ₁ = σ₂ the split is arbitrary and θ = 0.
    """

    theta: float
    sigma1: float
    sigma2: float
    phi: float
    reflect: bool
    U: np.ndarray
    S: np.ndarray
    Vt: np.ndarray

    @property
    def matrix(self) -> np.ndarray:
        """U · diag(S) · Vt."""
        return (self.U * self.S) @ self.Vt


def decompose(matrix: Any) -> SVD2:
    """The rotation–scale–rotation form of a 2×2 matrix (see :class:`SVD2`).

    Handles reflections (det W < 0), singular W (σ₂ = 0, then ``reflect`` is False) and W = 0
    (all angles 0). ``decompose(W).matrix`` equals W to ~1e-15 relative to σ₁.
    """
    w = as_matrix(matrix)
    u0, s, vt0 = np.linalg.svd(w)
    s1, s2 = float(s[0]), float(s[1])
    if s1 == 0.0:
        return _svd2(0.0, 0.0, 0.0, 0.0, False)
    if s2 <= _RANK_TOL * s1:
        s2 = 0.0
    # Turn both orthogonal factors into rotations; each flip moves a sign onto σ₂.
    flips = 0
    if np.linalg.det(u0) < 0:
        u0 = u0 * np.array([1.0, -1.0])  # negate U's second column
        flips += 1
    if np.linalg.det(vt0) < 0:
        vt0 = vt0 * np.array([[1.0], [-1.0]])  # negate Vt's second row
        flips += 1
    reflect = s2 > 0.0 and flips == 1
    if s1 - s2 <= _ISOTROPIC_TOL * s1:
        # W = s·R(α)·diag(1, ±1): its first column is s·(cos α, sin α).
        return _svd2(0.0, s1, s2, _wrap(np.arctan2(w[1, 0], w[0, 0])), reflect)
    theta = float(np.arctan2(vt0[1, 0], vt0[0, 0]))
    phi = float(np.arctan2(u0[1, 0], u0[0, 0]))
    alt_theta, alt_phi = _wrap(theta + np.pi), _wrap(phi + np.pi)
    if abs(alt_theta) + abs(alt_phi) < abs(theta) + abs(phi):
        theta, phi = alt_theta, alt_phi
    return _svd2(_wrap(theta), s1, s2, _wrap(phi), reflect)


def _svd2(theta: float, s1: float, s2: float, phi: float, reflect: bool) -> SVD2:
    return SVD2(
        theta=theta,
        sigma1=s1,
        sigma2=s2,
        phi=phi,
        reflect=reflect,
        U=rotation(phi),
        S=np.array([s1, -s2 if reflect else s2]),
        Vt=rotation(theta),
    )


# --- stages and animation ---


def layer_stages(
    points: Any, matrix: Any, bias: Any, activation: str | Activation, **params: float
) -> list[tuple[str, np.ndarray]]:
    """The layer ``f(x Wᵀ + b)`` applied step by step to ``points`` (n, 2).

    Returns [("input", x), ("rotate", x Vtᵀ), ("scale", x Vtᵀ diag(S)), ("rotate", x Wᵀ),
    ("shift", x Wᵀ + b), ("activate", f(x Wᵀ + b))] in float64 (see :class:`SVD2` for U, S, Vt).
    The last stage is computed as ``activation.fn(points @ W.T + b, **params)``, so it equals
    that expression exactly. ``activation`` is a registry id or Activation object. Raises
    ValueError for a matrix or bias that is not finite, of the wrong shape or too large.
    """
    act = get(activation)
    w, b = as_matrix(matrix), as_bias(bias)
    x = _as_points(points)
    svd = decompose(w)
    with np.errstate(all="ignore"):
        rotated = x @ svd.Vt.T
        scaled = rotated * svd.S
        linear = x @ w.T
        shifted = linear + b
        activated = act.fn(shifted, **params)
    return list(zip(STAGE_NAMES, (x, rotated, scaled, linear, shifted, activated), strict=True))


def _rotation_frames(x: np.ndarray, angles: np.ndarray, out: np.ndarray) -> None:
    c = np.cos(angles).astype(out.dtype)[:, None]
    s = np.sin(angles).astype(out.dtype)[:, None]
    x0, x1 = x[:, 0], x[:, 1]
    np.subtract(c * x0, s * x1, out=out[:, :, 0])
    np.add(s * x0, c * x1, out=out[:, :, 1])


def interpolate_stages(
    stages: Sequence[tuple[str, np.ndarray]],
    svd: SVD2,
    steps_per_stage: int,
    dtype: DTypeLike = np.float32,
) -> list[np.ndarray]:
    """Animation frames through the stages of :func:`layer_stages` (with ``svd`` its SVD).

    Frame ``k · steps_per_stage`` is stage k exactly (cast to ``dtype``); between stages, at
    t = j / steps_per_stage: the rotations turn by the angle t·θ (then t·φ) — interpolating the
    angle, not the matrix entries, keeps |x| fixed; the scaling multiplies each axis by
    1 + t(S − 1); the shift and the activation move linearly, (1 − t)·a + t·b. Returns
    1 + 5·steps_per_stage arrays of shape (n, 2), views into one block.
    """
    names = tuple(name for name, _ in stages)
    if names != STAGE_NAMES:
        raise ValueError(f"stages must be named {STAGE_NAMES}, got {names}")
    k = check_int(steps_per_stage, "steps_per_stage", 1, 1000)
    arrays = [np.asarray(a) for _, a in stages]
    n = arrays[0].shape[0]
    if any(a.shape != (n, 2) for a in arrays):
        raise ValueError(f"every stage must have shape ({n}, 2)")
    with np.errstate(all="ignore"):
        probe = arrays[0][:64] @ svd.Vt.T
        tol = 1e-9 * (1.0 + np.abs(probe[np.isfinite(probe)]).max(initial=0.0))
        matches = np.allclose(probe, arrays[1][:64], rtol=1e-9, atol=tol, equal_nan=True)
    if not matches:
        raise ValueError("svd does not match the stages: pass decompose(matrix) of the same W")

    t = np.arange(1, k) / k  # interior times; t = 1 is the next stage itself
    frames = np.empty((1 + 5 * k, n, 2), dtype=dtype)
    with np.errstate(all="ignore"):  # float32 casts of huge values overflow to ±inf, quietly
        frames[0] = arrays[0]
        for i in range(5):
            block = frames[1 + i * k : (i + 1) * k]  # the k − 1 interior frames
            a, b = arrays[i], arrays[i + 1]
            if i == 0:
                _rotation_frames(a.astype(dtype), t * svd.theta, block)
            elif i == 1:
                factor = (1.0 + t[:, None] * (svd.S - 1.0)).astype(dtype)
                np.multiply(a.astype(dtype)[None], factor[:, None, :], out=block)
            elif i == 2:
                _rotation_frames(a.astype(dtype), t * svd.phi, block)
            else:
                a32, d32 = a.astype(dtype), (b - a).astype(dtype)
                np.multiply(d32[None], t.astype(dtype)[:, None, None], out=block)
                block += a32
            frames[(i + 1) * k] = b
    return list(frames)


# --- stacks ---


def stack_layers(
    points: Any,
    n_layers: int,
    seed: int,
    activation: str | Activation,
    scale: float = 1.0,
    **params: float,
) -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """Apply ``n_layers`` random layers in turn: x ← f(x Wᵀ + b), each W, b drawn from one
    generator seeded with ``seed`` (W entries N(0, scale²), b entries N(0, (scale/2)²)).

    Returns one (W, b, output) per layer; the first W equals ``random_matrix(seed, scale)``.
    """
    act = get(activation)
    n_layers = check_int(n_layers, "n_layers", 0, MAX_LAYERS)
    scale = check_real(scale, "scale", 0.0, MAX_SCALE)
    rng = np.random.default_rng(check_int(seed, "seed", 0))
    x = _as_points(points)
    layers = []
    with np.errstate(all="ignore"):
        for _ in range(n_layers):
            w, b = _random_layer(rng, scale)
            x = act.fn(x @ w.T + b, **params)
            layers.append((w, b, x))
    return layers


def stack_outputs(
    points: Any,
    matrix: Any,
    bias: Any,
    activation: str | Activation,
    n_layers: int,
    seed: int,
    scale: float = 1.0,
    **params: float,
) -> tuple[list[np.ndarray], list[tuple[np.ndarray, np.ndarray]]]:
    """``n_layers`` layers in turn: the first ``f(x Wᵀ + b)`` with the given W and b, the others
    random (:func:`stack_layers` seeded with ``seed + 1``).

    Returns every point after each layer (the input first) and each layer's (W, b).
    """
    act = get(activation)
    w, b = as_matrix(matrix), as_bias(bias)
    with np.errstate(all="ignore"):
        first = act.fn(np.asarray(points, dtype=float) @ w.T + b, **params)
    rest = stack_layers(first, n_layers - 1, seed + 1, act, scale, **params)
    affine = [(w, b), *[(wi, bi) for wi, bi, _ in rest]]
    return [np.asarray(points, dtype=float), first, *[y for _, _, y in rest]], affine


def compose_linear(layers: Sequence[tuple[np.ndarray, ...]]) -> tuple[np.ndarray, np.ndarray]:
    """The single affine map equal to the stack of affine layers (W₁, b₁), (W₂, b₂), ... (extra
    tuple items, such as outputs, are ignored): W′ = W₂W₁, b′ = W₂b₁ + b₂, and so on.

    With the identity activation ``x @ W′.T + b′`` equals the stack's output.
    """
    w_total, b_total = np.eye(2), np.zeros(2)
    with np.errstate(all="ignore"):
        for layer in layers:
            w, b = np.asarray(layer[0], dtype=np.float64), np.asarray(layer[1], dtype=np.float64)
            w_total, b_total = w @ w_total, w @ b_total + b
    return w_total, b_total


# --- diagnostics ---


def is_strictly_monotonic(activation: str | Activation, **params: float) -> bool:
    """Whether f is strictly monotonic, decided numerically: f′ > 0 at every point of a grid of
    6000 points on [−30, 30] (0 excluded, so an isolated zero of f′ at 0 does not count), or
    f′ < 0 at every point. A flat piece (ReLU, step) or a dip (swish, GELU) fails."""
    g = get(activation).grad(_MONOTONIC_GRID, **params)
    return bool(np.all(g > 0) or np.all(g < 0))


FATES = ("kept", "axis", "origin", "undefined")
"""Where a point lands after f: by its count of zero coordinates, 0 kept (off the axes), 1 onto
an axis, 2 onto the origin; 3 undefined where f gives NaN or ±∞ for a coordinate (a custom
formula such as log(x) left of 0): such a point lands nowhere in the plane."""
UNDEFINED = 3

# Flat-zone grid: step 0.001 on [−40, 40] (0 on it: the kink of ReLU and its kin). Beyond ±40
# every saturating activation's |f′| is below 1e-17, far under any ε the page offers.
_ZONE_GRID = np.linspace(-40.0, 40.0, 80_001)


@dataclass(frozen=True)
class Diagnostics:
    """What the layer did to the points, after the activation y = f(z), z = x Wᵀ + b.

    on_axis: share of points with exactly one coordinate of y equal to 0 (the ReLU fold);
    at_origin: share with both equal to 0; fate: per point its index into :data:`FATES` (its
    number of zero coordinates, or undefined); in_unit_square: share inside the open (0, 1)²;
    in_centred_square: share inside (−1, 1)²; jacobian_det: per point |det(diag(f′(z)) W)|, the
    local area change; area_change: its median; saturated: per point, whether some |f′(zᵢ)| <
    eps (saturated or dead); eps: that threshold; z_range: (min, max) of the finite coordinates
    of z; min_abs_grad: the smallest finite |f′(zᵢ)| over all points and coordinates;
    one_to_one: det W ≠ 0 and f strictly monotonic (see :func:`is_strictly_monotonic`); det_w:
    det W. Shares, ranges and minima of an empty cloud are NaN.
    """

    on_axis: float
    at_origin: float
    in_unit_square: float
    in_centred_square: float
    jacobian_det: np.ndarray
    area_change: float
    saturated: np.ndarray
    one_to_one: bool
    det_w: float
    fate: np.ndarray
    eps: float
    z_range: tuple[float, float]
    min_abs_grad: float


def _share(mask: np.ndarray) -> float:
    return float(np.count_nonzero(mask) / mask.size) if mask.size else float("nan")


def fates(outputs: Any) -> np.ndarray:
    """Per point of ``outputs`` (n, 2) its index into :data:`FATES`, as int8: how many
    coordinates are exactly 0 (kept, onto an axis, onto the origin), or undefined (3) when a
    coordinate is NaN or ±∞."""
    y = _as_points(outputs)
    fate = np.count_nonzero(y == 0, axis=1).astype(np.int8)
    fate[~np.isfinite(y).all(axis=1)] = UNDEFINED
    return fate


def count_by_group(labels: Any, n_groups: int, fate: Any, marked: Any | None = None) -> np.ndarray:
    """Counts per group (starting quadrant or class) and in all, as an int64 array of shape
    (n_groups + 1, 6): rows are groups 0 … n_groups − 1 then all points; columns are the
    group's size, then how many were kept, went onto an axis, onto the origin, were undefined
    (see :func:`fates`), and how many are ``marked`` (e.g. |f′| < ε; 0 without ``marked``)."""
    n_groups = check_int(n_groups, "n_groups", 1, 1000)
    labels = np.asarray(labels, dtype=np.int64)
    fate = np.asarray(fate)
    if labels.shape != fate.shape or labels.ndim != 1:
        raise ValueError(f"labels {labels.shape} and fate {fate.shape} must be one per point")
    if labels.size and (labels.min() < 0 or labels.max() >= n_groups):
        raise ValueError(f"labels must lie in [0, {n_groups - 1}]")
    table = np.zeros((n_groups + 1, 2 + len(FATES)), dtype=np.int64)
    table[:n_groups, 0] = np.bincount(labels, minlength=n_groups)
    for k in range(len(FATES)):
        table[:n_groups, 1 + k] = np.bincount(labels[fate == k], minlength=n_groups)
    if marked is not None:
        marked = np.asarray(marked, dtype=bool)
        if marked.shape != labels.shape:
            raise ValueError(f"marked {marked.shape} must be one per point")
        table[:n_groups, 1 + len(FATES)] = np.bincount(labels[marked], minlength=n_groups)
    table[n_groups] = table[:n_groups].sum(axis=0)
    return table


def flat_zone(
    activation: str | Activation, eps: float, **params: float
) -> list[tuple[float, float]]:
    """Where |f′(z)| < eps, as closed intervals (lo, hi) of z with ends rounded to 2 decimals;
    −inf / inf for a zone that runs on past ±40. Decided on a grid of step 0.001 on
    [−40, 40], so a zone narrower than that may be missed. Empty when |f′| ≥ eps everywhere."""
    eps = check_real(eps, "eps", 0.0, np.inf)
    with np.errstate(all="ignore"):
        g = np.abs(np.asarray(get(activation).grad(_ZONE_GRID, **params), dtype=np.float64))
    flat = np.broadcast_to(g < eps, _ZONE_GRID.shape)  # NaN compares False: not flat
    edges = np.flatnonzero(np.diff(flat.astype(np.int8)))
    starts = ([0] if flat[0] else []) + [int(i) + 1 for i in edges if not flat[i]]
    ends = [int(i) for i in edges if flat[i]] + ([len(flat) - 1] if flat[-1] else [])
    last = len(flat) - 1
    zones = []
    for i, j in zip(starts, ends, strict=True):
        # An end between two grid points: the midpoint is within 0.0005 of the true edge.
        lo = -np.inf if i == 0 else round(float(_ZONE_GRID[i] + _ZONE_GRID[i - 1]) / 2, 2)
        hi = np.inf if j == last else round(float(_ZONE_GRID[j] + _ZONE_GRID[j + 1]) / 2, 2)
        zones.append((lo + 0.0, hi + 0.0))  # + 0.0: no −0.0
    return zones


def diagnostics(
    points: Any,
    matrix: Any,
    bias: Any,
    activation: str | Activation,
    eps: float = 1e-2,
    **params: float,
) -> Diagnostics:
    """Fold, squash and area statistics of ``f(points @ W.T + b)`` (see :class:`Diagnostics`)."""
    act = get(activation)
    w, b = as_matrix(matrix), as_bias(bias)
    x = _as_points(points)
    eps = check_real(eps, "eps", 0.0, np.inf)
    det_w = float(w[0, 0] * w[1, 1] - w[0, 1] * w[1, 0])
    with np.errstate(all="ignore"):
        z = x @ w.T + b
        y, g = act.value_and_grad(z, **params)
        y, g = np.broadcast_to(y, z.shape), np.broadcast_to(g, z.shape)  # a constant f′
        fate = np.count_nonzero(y == 0, axis=1).astype(np.int8)
        fate[~np.isfinite(y).all(axis=1)] = UNDEFINED
        jac = np.abs(g[:, 0] * g[:, 1] * det_w)
        inside = (y > 0) & (y < 1)
        centred = np.abs(y) < 1
        finite_z = z[np.isfinite(z)]
        abs_g = np.abs(g)
        finite_g = abs_g[np.isfinite(abs_g)]
    nan = float("nan")
    return Diagnostics(
        on_axis=_share(fate == 1),
        at_origin=_share(fate == 2),
        in_unit_square=_share(inside.all(axis=1)),
        in_centred_square=_share(centred.all(axis=1)),
        jacobian_det=jac,
        area_change=float(np.median(jac)) if jac.size else nan,
        saturated=(abs_g < eps).any(axis=1),
        one_to_one=det_w != 0.0 and is_strictly_monotonic(act, **params),
        det_w=det_w,
        fate=fate,
        eps=eps,
        z_range=(float(finite_z.min()), float(finite_z.max())) if finite_z.size else (nan, nan),
        min_abs_grad=float(finite_g.min()) if finite_g.size else nan,
    )
