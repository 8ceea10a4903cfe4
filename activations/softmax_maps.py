"""Small helpers for the Softmax page: reading a logit vector, the two-class identity, the
simplex, and random maxout units with their exact piecewise-linear graph.

Pure NumPy; every function is deterministic and emits no floating-point warnings.
"""

from __future__ import annotations

import math
import re
from typing import Any

import numpy as np

from activations.softmax import softmax

__all__ = [
    "MAX_LOGITS",
    "MAX_TEXT",
    "LogitsError",
    "maxout_envelope",
    "parse_logits",
    "random_maxout",
    "simplex_xy",
    "two_class_softmax",
]

MAX_LOGITS = 20
MAX_TEXT = 200
# Commas, semicolons and white space separate numbers; brackets around the list are allowed.
_SEPARATORS = re.compile(r"[,;\s]+")


class LogitsError(ValueError):
    """A logit list that cannot be used. ``reason`` is one of ``"length"`` (the text is too
    long), ``"empty"``, ``"number"`` (a token is not a number; ``token`` holds it), ``"count"``
    (more numbers than the limit) or ``"finite"`` (inf or NaN), so a page can explain it in the
    user's language."""

    def __init__(self, reason: str, message: str, token: str = "") -> None:
        super().__init__(message)
        self.reason = reason
        self.token = token


def parse_logits(text: str, max_values: int = MAX_LOGITS, max_length: int = MAX_TEXT) -> np.ndarray:
    """Read ``"1, 5, 2"`` (or ``"[1 5 2]"``, ``"1;5;2"``) as a float64 vector.

    Raises :class:`LogitsError` for a text longer than ``max_length`` characters, an empty
    list, a token that is not a number, more than ``max_values`` numbers, or a number that is
    not finite (``inf``, ``nan``, ``1e400``).
    """
    if len(text) > max_length:
        raise LogitsError("length", f"{len(text)} characters; at most {max_length} are allowed")
    body = text.strip().removeprefix("[").removesuffix("]").strip()
    tokens = [t for t in _SEPARATORS.split(body) if t]
    if not tokens:
        raise LogitsError("empty", "no numbers given")
    if len(tokens) > max_values:
        raise LogitsError("count", f"{len(tokens)} numbers; at most {max_values} are allowed")
    values = []
    for token in tokens:
        try:
            value = float(token.replace("−", "-"))  # a typographic minus, as pasted from text
        except ValueError:
            raise LogitsError("number", f"{token!r} is not a number", token) from None
        if not math.isfinite(value):
            raise LogitsError("finite", f"{token!r} is not a finite number", token)
        values.append(value)
    return np.array(values, dtype=np.float64)


def two_class_softmax(z: Any, temperature: float = 1.0) -> np.ndarray:
    """The first component of ``softmax([z, 0] / T)`` for each z: equal to ``σ(z / T)``.

    e^(z/T) / (e^(z/T) + e^0) = 1 / (1 + e^(−z/T)). Computed through :func:`softmax` on the
    stacked pairs, so it shows the identity rather than assuming it.
    """
    z = np.asarray(z, dtype=np.float64)
    pairs = np.stack((z, np.zeros_like(z)), axis=-1)
    return softmax(pairs, axis=-1, temperature=temperature)[..., 0]


# Vertices of the probability simplex for three classes: an equilateral triangle with p₁ at the
# bottom left, p₂ at the bottom right and p₃ on top.
_TRIANGLE = np.array([[0.0, 0.0], [1.0, 0.0], [0.5, math.sqrt(3.0) / 2.0]])


def simplex_xy(p: Any) -> np.ndarray:
    """Cartesian coordinates (..., 2) of probability triples (..., 3) in the unit triangle.

    Barycentric mapping ``xy = p₁·v₁ + p₂·v₂ + p₃·v₃`` with v₁ = (0, 0), v₂ = (1, 0),
    v₃ = (½, √3/2): a vertex is a certain class, the centre (⅓, ⅓, ⅓) is maximal doubt.
    """
    p = np.asarray(p, dtype=np.float64)
    if p.shape[-1:] != (3,):
        raise ValueError(f"simplex_xy expects (..., 3) probabilities, got shape {p.shape}")
    return p @ _TRIANGLE


def random_maxout(
    k: int, d: int = 1, m: int | None = None, seed: int = 0, scale: float = 1.0
) -> tuple[np.ndarray, np.ndarray]:
    """Random pieces for :func:`activations.maxout`: standard normal weights and biases times
    ``scale``. Shapes (k, d) and (k,) for one unit, (k, d, m) and (k, m) for m units."""
    if k < 1 or d < 1 or (m is not None and m < 1):
        raise ValueError("k, d and m must be >= 1")
    rng = np.random.default_rng(seed)
    if m is None:
        return scale * rng.standard_normal((k, d)), scale * rng.standard_normal(k)
    return scale * rng.standard_normal((k, d, m)), scale * rng.standard_normal((k, m))


def maxout_envelope(
    slopes: Any, intercepts: Any, lo: float, hi: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The exact graph of ``f(x) = max_j (a_j x + b_j)`` on [lo, hi]: ``(x, y, piece)``.

    ``x`` holds lo, every kink in between and hi (increasing); ``y = f(x)``; ``piece[i]`` is the
    index of the line active on [x[i], x[i+1]] (one fewer than x). Walks left to right: at each
    vertex the next active line is the one, among those with a larger slope, that overtakes the
    current one first (the upper envelope of lines is convex, so slopes only increase).
    """
    a = np.asarray(slopes, dtype=np.float64).ravel()
    b = np.asarray(intercepts, dtype=np.float64).ravel()
    if a.shape != b.shape or a.size == 0:
        raise ValueError("slopes and intercepts must be non-empty and of equal length")
    if not (math.isfinite(lo) and math.isfinite(hi) and lo < hi):
        raise ValueError("need finite lo < hi")
    values = a * lo + b
    top = values.max()
    # Among lines tied at lo, the steepest stays on top just after lo.
    current = int(np.flatnonzero(values == top)[np.argmax(a[values == top])])
    xs, pieces = [lo], []
    x = lo
    with np.errstate(all="ignore"):
        while True:
            steeper = a > a[current]
            cross = (b[current] - b) / (a - a[current])  # where line j meets the current one
            cross = np.where(steeper & (cross >= x), cross, np.inf)
            nxt = float(cross.min())
            pieces.append(current)
            if not nxt < hi:
                break
            # Several lines may cross at one point: take the steepest of them.
            at = np.flatnonzero(cross == nxt)
            current = int(at[np.argmax(a[at])])
            x = nxt
            xs.append(x)
    xs.append(hi)
    x_arr = np.array(xs)
    return x_arr, np.max(np.outer(x_arr, a) + b, axis=1), np.array(pieces, dtype=np.int64)
