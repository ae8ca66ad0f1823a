"""Hash, boolean and integer normalisation: what real files hold, and what they must not."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vidtask.interchange.hashes import (
    normalize_md5,
    normalize_pdq,
    normalize_sha1,
    normalize_sha256,
    parse_bool,
    parse_int,
)

NORMALIZERS = [
    (normalize_md5, 32),
    (normalize_sha1, 40),
    (normalize_sha256, 64),
    (normalize_pdq, 64),
]
hex_text = st.text(alphabet="0123456789abcdefABCDEF", min_size=1, max_size=80)
padding = st.text(alphabet=" \t\r\n", max_size=3)


@pytest.mark.parametrize(("normalize", "length"), NORMALIZERS)
@given(raw=hex_text, left=padding, right=padding)
def test_hex_of_the_right_length_is_lowered_and_stripped(
    normalize: object, length: int, raw: str, left: str, right: str
) -> None:
    assert callable(normalize)
    if len(raw) == length:
        assert normalize(left + raw + right) == raw.lower()
    else:
        with pytest.raises(ValueError, match=f"must be {length} hex characters, got {len(raw)}"):
            normalize(left + raw + right)


@pytest.mark.parametrize(("normalize", "length"), NORMALIZERS)
@given(data=st.data())
def test_non_hex_character_is_named(normalize: object, length: int, data: st.DataObject) -> None:
    assert callable(normalize)
    good = data.draw(st.text(alphabet="0123456789abcdef", min_size=length - 1, max_size=length - 1))
    bad = data.draw(st.sampled_from("gGzZ-xé_!"))
    position = data.draw(st.integers(0, length - 1))
    value = good[:position] + bad + good[position:]
    with pytest.raises(ValueError, match="must be hexadecimal"):
        normalize(value)


@pytest.mark.parametrize("value", [None, 123, 1.5, b"d41d8cd98f00b204e9800998ecf8427e", []])
def test_hash_of_wrong_type_is_refused(value: object) -> None:
    with pytest.raises(ValueError, match="must be text"):
        normalize_md5(value)


def test_upper_case_md5_from_a_real_file() -> None:
    raw = " ADEBF3FA3C9BE7F73825E1CB9E2DEA09\n"
    assert normalize_md5(raw) == "adebf3fa3c9be7f73825e1cb9e2dea09"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (True, True), (False, False), ("true", True), ("false", False), ("False", False),
        ("TRUE", True), (" yes ", True), ("no", False), ("1", True), ("0", False), (1, True),
        (0, False), ("", None), ("  ", None), (None, None),
    ],
)  # fmt: skip
def test_booleans_as_files_write_them(value: object, expected: bool | None) -> None:
    assert parse_bool(value) is expected


@pytest.mark.parametrize("value", ["maybe", "2", 2, -1, 0.5, [], {}])
def test_unclear_boolean_is_refused(value: object) -> None:
    with pytest.raises(ValueError, match="expected true/false"):
        parse_bool(value)


@given(st.booleans())
def test_bool_text_round_trips(flag: bool) -> None:
    assert parse_bool(str(flag)) is flag
    assert parse_bool(str(flag).lower()) is flag


@given(st.integers(-(10**20), 10**20), padding, padding)
def test_integers_from_numbers_and_text(number: int, left: str, right: str) -> None:
    assert parse_int(number) == number
    assert parse_int(f"{left}{number}{right}") == number
    assert parse_int(float(number)) == int(float(number))


@pytest.mark.parametrize("value", ["12a", "1_000", "١٢", "1.5", 1.5, True, [], "0x10"])
def test_not_an_integer_is_refused(value: object) -> None:
    with pytest.raises(ValueError):
        parse_int(value)


def test_integer_bounds() -> None:
    assert parse_int("", minimum=0) is None
    assert parse_int(None) is None
    with pytest.raises(ValueError, match="at least 0"):
        parse_int("-1", minimum=0)
    with pytest.raises(ValueError, match="at most 100"):
        parse_int(101, maximum=100)
