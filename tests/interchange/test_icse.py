"""ICSE CSV: tolerant reading, row-level issues, and formula-safe writing."""

from __future__ import annotations

import csv
import io

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.worlds.icse import HEADER, icse_file, icse_row, photodna_b64, photodna_hex
from tests.worlds.vics import fake_hash
from vidtask.domain.media import ImportFormatError, MediaRecord
from vidtask.interchange.icse import (
    ICSE_2022_COLUMNS,
    ICSE_COLUMNS,
    csv_safe,
    csv_unsafe,
    read_icse,
    write_icse_csv,
)


def read(data: bytes, **limits: int) -> tuple[list[MediaRecord], list[str]]:
    reader = read_icse(io.BytesIO(data), **limits)
    records = list(reader)
    return records, [str(i) for i in reader.issues]


def test_a_row_maps_to_a_media_record() -> None:
    (record,), issues = read(icse_file(icse_row(1)))
    assert issues == []
    assert record == MediaRecord(
        md5=fake_hash(1),
        sha1=fake_hash(1, "sha1"),
        is_distributed=True,
        victim_identified=False,
        offender_identified=False,
        series_names=("Pink wall",),
        extra={
            "PhotoDNA": photodna_b64(1),
            "ICSEImageID": "IMG-1",
            "ICSEMediaType": "Image",
            "ICSESubmissions": 3,
            "ICSEFileAvailable": True,
            "ICSEBaseline": False,
        },
    )


def test_bom_crlf_column_order_and_header_case_are_tolerated() -> None:
    columns = tuple(
        reversed([c.upper() if i % 2 else c.lower() for i, c in enumerate(ICSE_COLUMNS)])
    )
    rows = [
        {c.upper() if i % 2 else c.lower(): v for i, (c, v) in enumerate(icse_row(n).items())}
        for n in (1, 2)
    ]
    records, issues = read(icse_file(*rows, columns=columns, bom=True, eol="\r\n"))
    assert issues == []
    assert [r.md5 for r in records] == [fake_hash(1), fake_hash(2)]
    assert records[0].extra["ICSEImageID"] == "IMG-1"


def test_unknown_columns_are_kept_and_missing_ones_are_none() -> None:
    data = f"Md5;Notes\n{fake_hash(1)};seen twice\n".encode()
    (record,), _ = read(data)
    assert record.extra == {"Notes": "seen twice"}
    assert record.sha1 is None and record.victim_identified is None


@pytest.mark.parametrize(
    ("cells", "column", "reason"),
    [
        ({"MD5": "", "SHA1": ""}, "MD5", "neither an MD5 nor a SHA-1"),
        ({"MD5": "abc"}, "MD5", "32 hex"),
        ({"SHA1": "xyz"}, "SHA1", "40 hex"),
        ({"Victim identified": "perhaps"}, "Victim identified", "true/false"),
        ({"Number of submissions": "many"}, "Number of submissions", "whole number"),
    ],
)
def test_bad_row_is_an_issue_with_line_and_column(
    cells: dict[str, str], column: str, reason: str
) -> None:
    records, issues = read(icse_file(icse_row(1), icse_row(2, **cells), icse_row(3)))
    assert len(records) == 2
    assert len(issues) == 1
    assert issues[0].startswith(f"Record 2 (line 3), field {column!r}: ")
    assert reason in issues[0]


def test_row_with_too_many_cells() -> None:
    data = icse_file(icse_row(1)) + f"{fake_hash(2)}{';x' * 20}\r\n".encode()
    records, issues = read(data)
    assert len(records) == 1
    assert "cells but 12 columns" in issues[0]


@pytest.mark.parametrize(
    ("data", "match"),
    [
        (b"", "empty"),
        (b"SHA1;Series name\nabc;x\n", "no MD5 column"),
        (b"MD5,SHA1\nabc,def\n", "not ';'-separated"),
        (b"MD5;MD5\n", "appears twice"),
        (HEADER.encode("utf-16"), "UTF-16"),
        ((HEADER + "\nx;Caf\xe9\n").encode("latin-1"), "not UTF-8"),
        (b"MD5;x\n" + b"a" * 2_000_000, "longer than 1,048,576 bytes"),
        (b"\x00\x01\x02\x03PK", "binary data|UTF-16"),
        (b'MD5;x\n"' + b"a\n" * 300_000, "malformed"),
    ],
)
def test_files_that_cannot_be_imported(data: bytes, match: str) -> None:
    with pytest.raises(ImportFormatError, match=match):
        read(data)


def test_too_many_issues_stop() -> None:
    data = icse_file(*[icse_row(n, MD5="bad") for n in range(10)])
    with pytest.raises(ImportFormatError, match="stopped after 3 problems"):
        read(data, max_issues=3)


@pytest.mark.parametrize(
    ("cell", "safe"),
    [
        ("=HYPERLINK(\"x\")", "'=HYPERLINK(\"x\")"), ("+1", "'+1"), ("-1", "'-1"),
        ("@SUM(A1)", "'@SUM(A1)"), ("\tx", "'\tx"), ("\rx", "'\rx"), ("'x", "''x"),
        ("Pink wall", "Pink wall"), ("", ""), ("a=b", "a=b"),
    ],
)  # fmt: skip
def test_csv_safe_neutralises_formulas(cell: str, safe: str) -> None:
    assert csv_safe(cell) == safe
    assert csv_unsafe(safe) == cell


@given(st.text())
def test_csv_safe_is_reversible_and_never_starts_with_a_trigger(cell: str) -> None:
    safe = csv_safe(cell)
    assert not safe.startswith(("=", "+", "-", "@", "\t", "\r"))
    assert csv_unsafe(safe) == cell


def record(n: int, **fields: object) -> MediaRecord:
    base: dict[str, object] = {
        "md5": fake_hash(n),
        "sha1": fake_hash(n, "sha1"),
        "is_distributed": True,
        "victim_identified": None,
        "offender_identified": False,
        "series_names": ("Pink wall",),
        "extra": {"PhotoDNA": photodna_b64(n), "ICSEImageID": "IMG", "ICSESubmissions": 2,
                  "ICSEFileAvailable": False, "ICSEMediaType": "Video", "ICSEBaseline": True},
    }  # fmt: skip
    base.update(fields)
    return MediaRecord(**base)  # type: ignore[arg-type]


def test_write_then_read_round_trip() -> None:
    records = [record(1), record(2, series_names=("=cmd|' /C calc'!A0",), extra={}), record(3)]
    out = io.BytesIO()
    assert write_icse_csv(records, out) == 3
    data = out.getvalue()
    assert data.startswith(HEADER.encode() + b"\r\n")
    assert not data.startswith(b"\xef\xbb\xbf")
    back, issues = read(data)
    assert issues == []
    assert back == records


def test_a_sha1_only_row_is_known_by_its_sha1() -> None:
    (only,), issues = read(icse_file(icse_row(1, MD5="")))
    assert issues == [] and only.key == f"sha1:{fake_hash(1, 'sha1')}"


def test_the_2022_baseline_keeps_operational_columns_as_provenance() -> None:
    """IPED issue #1136: MD5;SHA1;ZZ40;PhotoDNA;Lace;…;Investigation name;Agency;…"""
    row = icse_row(1, ZZ40="zz", Lace="lace-1", **{"Investigation name": "Op Synth",
                                                  "Agency": "Synthetic Police"})
    (got,), issues = read(icse_file(row, columns=ICSE_2022_COLUMNS))
    assert issues == []
    assert got.provenance == {"ICSE": {"ZZ40": "zz", "Lace": "lace-1",
                                       "Investigation name": "Op Synth",
                                       "Agency": "Synthetic Police"}}
    assert not {"Agency", "Investigation name", "ZZ40", "Lace"} & set(got.extra)
    plain, full = io.BytesIO(), io.BytesIO()
    write_icse_csv([got], plain)  # the default: no operational column
    assert b"Synthetic Police" not in plain.getvalue()
    write_icse_csv([got], full, columns=ICSE_2022_COLUMNS)
    (back,), _ = read(full.getvalue())
    assert back == got


def test_photodna_hex_and_base64_convert_and_are_checked() -> None:
    (got,), _ = read(icse_file(icse_row(4)))
    assert got.extra["PhotoDNA"] == photodna_b64(4)  # stored as VICS writes it
    out = io.BytesIO()
    write_icse_csv([got], out)
    assert photodna_hex(4) in out.getvalue().decode()  # ICSE gets its hex back
    _, issues = read(icse_file(icse_row(5, PhotoDNA="ABCD")))
    assert "PhotoDNA must be 288 hex or 192 base64 characters, got 4" in issues[0]


def test_written_cells_never_start_a_formula() -> None:
    evil = record(
        1,
        series_names=("@evil",),
        extra={"ICSEImageID": "=1+1", "PhotoDNA": "-2", "ICSEMediaType": "+x"},
    )
    out = io.BytesIO()
    write_icse_csv([evil], out)
    rows = list(csv.reader(io.StringIO(out.getvalue().decode()), delimiter=";"))
    for cell in rows[1]:
        assert not cell.startswith(("=", "+", "-", "@", "\t", "\r"))
    assert "'=1+1" in rows[1]


def test_writer_leaves_the_stream_open() -> None:
    out = io.BytesIO()
    write_icse_csv([], out)
    out.write(b"still open")
