"""The user's own labelled points: a CSV file read and checked, and the short text that carries
a small set of points in the link.

A CSV has three columns, x1, x2 and the class label (a whole number 0 to 4), one point per row;
a header row is optional, commas, semicolons or tabs separate the cells, blank lines are skipped.
Every problem raises :class:`DataError` with a ``code`` and the details a message needs
(``args``): the page turns it into a sentence in the user's language and keeps the data it had.
Values far from the plane the networks are drawn in (coordinates beyond ±10, or all within
±0.01) are rescaled, each column linearly onto [−1.5, 1.5]; :class:`UserData` says from where.

The link form (:func:`encode_points`, :func:`decode_points`) is ``x1,x2,c;x1,x2,c;...`` with
coordinates to four significant digits: up to :data:`MAX_LINK_POINTS` points.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import numpy as np

from activations.clouds import MAX_CLASSES, Dataset

__all__ = [
    "MAX_BYTES",
    "MAX_LINK_POINTS",
    "MAX_ROWS",
    "MIN_ROWS",
    "DataError",
    "UserData",
    "decode_points",
    "encode_points",
    "parse_csv",
    "split",
]

MAX_BYTES = 1024 * 1024  # an upload beyond 1 MB is refused before it is read
MAX_ROWS = 2000  # the Train page's largest built-in dataset
MIN_ROWS = 4
MAX_LINK_POINTS = 100  # points that travel in the link (about 1 500 characters)
SCALED_RANGE = 1.5  # rescaled columns span [−1.5, 1.5], like the built-in datasets
_FAR, _NEAR = 10.0, 0.01  # coordinates beyond ±10, or all within ±0.01, are rescaled
_SEPARATORS = (",", ";", "\t")


class DataError(ValueError):
    """A file or link value that cannot be used. ``code`` names the problem; ``args_`` holds
    its details (row numbers are 1-based lines of the file)."""

    def __init__(self, code: str, **details: object) -> None:
        super().__init__(f"{code}: {details}")
        self.code = code
        self.details = details


@dataclass(frozen=True)
class UserData:
    """Checked points: ``x`` (n, 2) float64, ``y`` (n,) int64 in 0..4 with at least two
    classes. ``scaled``: for each column, the (min, max) it was rescaled from, or None; the
    first row was a header when ``header``."""

    x: np.ndarray
    y: np.ndarray
    scaled: tuple[tuple[float, float], tuple[float, float]] | None = None
    header: bool = False

    @property
    def classes(self) -> int:
        """The number of classes: the largest label + 1."""
        return int(self.y.max()) + 1


def _cells(line: str) -> list[str]:
    for sep in _SEPARATORS:
        if sep in line:
            return [c.strip() for c in line.split(sep)]
    return [c.strip() for c in line.split()] if line.strip() else []


_NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$|^[+-]?(nan|inf|infinity)$", re.I)


def _number(cell: str, row: int, column: int) -> float:
    text = cell.replace("−", "-")  # a typographic minus, as spreadsheets sometimes write
    if not text:
        raise DataError("empty_cell", row=row, column=column)
    if not _NUMBER.match(text):
        raise DataError("not_number", row=row, column=column, text=cell[:20])
    value = float(text)
    if not math.isfinite(value):
        raise DataError("not_finite", row=row, column=column, text=cell[:20])
    return value


def _decode(raw: bytes) -> str:
    if b"\x00" in raw:
        raise DataError("binary")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise DataError("binary") from None


def _rows(text: str) -> tuple[list[tuple[int, list[str]]], bool]:
    """The non-blank rows as (line number, cells); whether the first was a header (a row of
    three cells that are not all numbers)."""
    rows = [(i, _cells(line)) for i, line in enumerate(text.splitlines(), 1) if line.strip()]
    if not rows:
        raise DataError("empty")
    first = rows[0][1]
    header = len(first) == 3 and not any(_NUMBER.match(c.replace("−", "-")) for c in first)
    return (rows[1:] if header else rows), header


def _rescale(x: np.ndarray) -> tuple[np.ndarray, tuple[tuple[float, float], ...] | None]:
    """Columns onto [−1.5, 1.5] when the coordinates are far from the plane's scale."""
    big = float(np.abs(x).max(initial=0.0))
    if _NEAR <= big <= _FAR:
        return x, None
    # Divided by the largest magnitude first, so that max − min cannot overflow (±1e308).
    unit = x / big if big > 0 else x
    lo, hi = unit.min(axis=0), unit.max(axis=0)
    span = np.where(hi > lo, hi - lo, 1.0)
    out = (unit - (lo + hi) / 2) / span * (2 * SCALED_RANGE)
    ranges = tuple((float(a * big), float(b * big)) for a, b in zip(lo, hi, strict=True))
    return out, ranges  # type: ignore[return-value]


def parse_csv(raw: bytes, max_rows: int = MAX_ROWS) -> UserData:
    """Read and check a CSV file's bytes (see the module docstring); DataError otherwise."""
    if len(raw) > MAX_BYTES:
        raise DataError("too_big", size=len(raw), limit=MAX_BYTES)
    if not raw.strip():
        raise DataError("empty")
    rows, header = _rows(_decode(raw))
    if len(rows) > max_rows:
        raise DataError("too_many_rows", rows=len(rows), limit=max_rows)
    if len(rows) < MIN_ROWS:
        raise DataError("too_few_rows", rows=len(rows), least=MIN_ROWS)
    x = np.empty((len(rows), 2))
    y = np.empty(len(rows), dtype=np.int64)
    for k, (line, cells) in enumerate(rows):
        if len(cells) != 3:
            raise DataError("columns", row=line, found=len(cells))
        x[k, 0] = _number(cells[0], line, 1)
        x[k, 1] = _number(cells[1], line, 2)
        label = _number(cells[2], line, 3)
        if label != round(label) or not 0 <= label < MAX_CLASSES:
            raise DataError("label", row=line, text=cells[2][:20], most=MAX_CLASSES - 1)
        y[k] = int(label)
    if len(np.unique(y)) < 2:
        raise DataError("one_class", label=int(y[0]))
    x, scaled = _rescale(x)
    return UserData(_frozen(x), _frozen(y), scaled, header)  # type: ignore[arg-type]


def _frozen(a: np.ndarray) -> np.ndarray:
    a = np.ascontiguousarray(a)
    a.flags.writeable = False
    return a


def _short(v: float) -> str:
    text = f"{v:.4g}" if abs(v) >= 1e-9 else "0"  # on the plane's scale, 1e-300 is 0
    return "0" if text == "-0" else text


def encode_points(x: np.ndarray, y: np.ndarray) -> str:
    """The link form of the points: ``x1,x2,c;...``, coordinates to four significant digits."""
    return ";".join(
        f"{_short(a)},{_short(b)},{int(c)}"
        for (a, b), c in zip(np.asarray(x), np.asarray(y), strict=True)
    )


def decode_points(text: str) -> UserData:
    """Points from their link form (:func:`encode_points`); DataError as for a file, and
    ``too_many_rows`` beyond :data:`MAX_LINK_POINTS`. Not rescaled: the link holds what was
    used."""
    if not text.strip():
        raise DataError("empty")
    rows = [(k, _cells(part)) for k, part in enumerate(text.split(";"), 1) if part.strip()]
    if len(rows) > MAX_LINK_POINTS:
        raise DataError("too_many_rows", rows=len(rows), limit=MAX_LINK_POINTS)
    x = np.empty((len(rows), 2))
    y = np.empty(len(rows), dtype=np.int64)
    for k, (point, cells) in enumerate(rows):
        if len(cells) != 3:
            raise DataError("columns", row=point, found=len(cells))
        x[k] = _number(cells[0], point, 1), _number(cells[1], point, 2)
        label = _number(cells[2], point, 3)
        if label != round(label) or not 0 <= label < MAX_CLASSES:
            raise DataError("label", row=point, text=cells[2][:20], most=MAX_CLASSES - 1)
        y[k] = int(label)
        if abs(x[k]).max() > _FAR:
            raise DataError("far", row=point, limit=_FAR)
    return UserData(_frozen(x), _frozen(y))


def split(data: UserData, seed: int, test_fraction: float = 0.25) -> Dataset:
    """The points as a :class:`Dataset`: a quarter held out as the test set (none below 8
    points, which all go to training), drawn with ``seed``."""
    n = len(data.y)
    n_test = round(n * test_fraction) if n >= 8 else 0
    order = np.random.default_rng(seed).permutation(n)
    test, train = order[:n_test], order[n_test:]
    return Dataset(
        x_train=_frozen(data.x[train]),
        y_train=_frozen(data.y[train]),
        x_test=_frozen(data.x[test].reshape(-1, 2)),
        y_test=_frozen(data.y[test]),
        kind="own",
    )
