"""The user's own points: every bad file the Train page may be given, and the link form."""

from __future__ import annotations

import numpy as np
import pytest

from activations.userdata import (
    MAX_BYTES,
    MAX_LINK_POINTS,
    MAX_ROWS,
    DataError,
    decode_points,
    encode_points,
    parse_csv,
    split,
)

GOOD = b"x1,x2,label\n0,0,0\n1,1,1\n2,0,2\n0,2,1\n-1,-1,0\n"


def code_of(raw: bytes) -> tuple[str, dict]:
    with pytest.raises(DataError) as info:
        parse_csv(raw)
    return info.value.code, info.value.details


def test_a_good_file_with_a_header_and_three_classes():
    data = parse_csv(GOOD)
    assert data.header and data.classes == 3 and data.scaled is None
    np.testing.assert_array_equal(data.y, [0, 1, 2, 1, 0])
    np.testing.assert_array_equal(data.x[2], [2.0, 0.0])
    # No header, semicolons, a BOM, blank lines, CRLF and a typographic minus are all fine.
    raw = "\ufeff0;0;0\r\n\r\n1;1;1\r\n−1;2;1\r\n3;0;0\r\n".encode()
    other = parse_csv(raw)
    assert not other.header and other.classes == 2 and other.x[2, 0] == -1.0


@pytest.mark.parametrize(
    ("raw", "code", "details"),
    [
        (b"", "empty", {}),
        (b"\n \n", "empty", {}),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "binary", {}),
        (b"\xff\xfe1,2,3", "binary", {}),
        (b"0,0,0\n1,1\n2,2,1\n3,3,0\n", "columns", {"row": 2, "found": 2}),
        (b"0,0,0,9\n1,1,1,9\n2,2,1,9\n3,3,0,9\n", "columns", {"row": 1, "found": 4}),
        (b"0,0,0\n1,abc,1\n2,2,1\n3,3,0\n", "not_number", {"row": 2, "column": 2, "text": "abc"}),
        (b"0,0,0\n1,,1\n2,2,1\n3,3,0\n", "empty_cell", {"row": 2, "column": 2}),
        (b"0,0,0\nnan,1,1\n2,2,1\n3,3,0\n", "not_finite", {"row": 2, "column": 1, "text": "nan"}),
        (b"0,0,0\n1,inf,1\n2,2,1\n3,3,0\n", "not_finite", {"row": 2, "column": 2, "text": "inf"}),
        (
            b"0,0,0\n1e999,1,1\n2,2,1\n3,3,0\n",
            "not_finite",
            {"row": 2, "column": 1, "text": "1e999"},
        ),
        (b"0,0,0\n1,1,0.5\n2,2,1\n3,3,0\n", "label", {"row": 2, "text": "0.5", "most": 4}),
        (b"0,0,0\n1,1,7\n2,2,1\n3,3,0\n", "label", {"row": 2, "text": "7", "most": 4}),
        (b"0,0,0\n1,1,-1\n2,2,1\n3,3,0\n", "label", {"row": 2, "text": "-1", "most": 4}),
        (b"0,0,cat\n1,1,dog\n2,2,1\n3,3,0\n", "not_number", {"row": 1, "column": 3, "text": "cat"}),
        (b"0,0,1\n1,1,1\n2,2,1\n3,3,1\n", "one_class", {"label": 1}),
        (b"0,0,0\n1,1,1\n", "too_few_rows", {"rows": 2, "least": 4}),
        (
            b"0,0,0\n1,1,1\n" * (MAX_ROWS // 2 + 1),
            "too_many_rows",
            {"rows": MAX_ROWS + 2, "limit": MAX_ROWS},
        ),
        (
            b"0,0,0\n" * (MAX_BYTES // 6 + 1),
            "too_big",
            {"size": 6 * (MAX_BYTES // 6 + 1), "limit": MAX_BYTES},
        ),
    ],
)
def test_every_bad_file_names_its_problem(raw, code, details):
    assert code_of(raw) == (code, details)


def test_huge_values_are_rescaled_and_say_from_where():
    data = parse_csv(b"1e300,1,0\n-1e300,2,1\n0,4,0\n5e299,5,1\n")
    assert np.isfinite(data.x).all() and np.abs(data.x).max() == pytest.approx(1.5)
    (a, b), (c, d) = data.scaled
    assert (a, b, c, d) == (-1e300, 1e300, 1.0, 5.0)
    np.testing.assert_allclose(data.x[:, 1], [-1.5, -0.75, 0.75, 1.5])
    # Tiny values too; a constant column stays at 0.
    tiny = parse_csv(b"1e-9,3e-9,0\n2e-9,3e-9,1\n3e-9,3e-9,0\n4e-9,3e-9,1\n")
    np.testing.assert_allclose(tiny.x[:, 0], [-1.5, -0.5, 0.5, 1.5])
    np.testing.assert_allclose(tiny.x[:, 1], 0.0)
    # The plane's own scale is kept as it is.
    assert parse_csv(GOOD).scaled is None


def test_the_link_form_round_trips_and_checks_its_points():
    data = parse_csv(GOOD)
    text = encode_points(data.x, data.y)
    assert text == "0,0,0;1,1,1;2,0,2;0,2,1;-1,-1,0"
    back = decode_points(text)
    np.testing.assert_array_equal(back.x, data.x)
    np.testing.assert_array_equal(back.y, data.y)
    assert encode_points(np.array([[1 / 3, 1e-300]]), np.array([4])) == "0.3333,0,4"
    many = ";".join(["0,0,0"] * (MAX_LINK_POINTS + 1))
    for text, code in (
        (many, "too_many_rows"),
        ("0,0", "columns"),
        ("0,x,1", "not_number"),
        ("0,0,9", "label"),
        ("50,0,1", "far"),
        ("  ", "empty"),
    ):
        with pytest.raises(DataError) as info:
            decode_points(text)
        assert info.value.code == code


def test_split_holds_out_a_quarter_and_keeps_tiny_sets_for_training():
    rng = np.random.default_rng(0)
    raw = "\n".join(f"{a:.3f},{b:.3f},{k % 3}" for k, (a, b) in enumerate(rng.normal(size=(40, 2))))
    data = parse_csv(raw.encode())
    ds = split(data, seed=1)
    assert (len(ds.y_train), len(ds.y_test)) == (30, 10)
    assert ds.x_test.shape == (10, 2) and ds.kind == "own"
    np.testing.assert_array_equal(split(data, seed=1).y_test, ds.y_test)  # deterministic
    small = split(parse_csv(b"0,0,0\n1,1,1\n2,2,1\n3,3,0\n"), seed=0)
    assert (len(small.y_train), len(small.y_test)) == (4, 0) and small.x_test.shape == (0, 2)
