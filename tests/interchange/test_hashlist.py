"""Plain hash lists and hash CSVs into one named series; MD5-less entries are reported."""

from __future__ import annotations

import io

import pytest

from tests.worlds.vics import fake_hash
from vidtask.domain.media import ImportFormatError, MediaRecord
from vidtask.interchange.hashlist import read_hashlist


def read(
    data: bytes, series: str = "Pink wall", **limits: int
) -> tuple[list[MediaRecord], list[str], str | None]:
    reader = read_hashlist(io.BytesIO(data), series, **limits)
    records = list(reader)
    return records, [str(i) for i in reader.issues], reader.shape


def test_one_md5_per_line() -> None:
    data = f"# exported by a tool\n\n{fake_hash(1).upper()}\r\n  {fake_hash(2)}  \n".encode()
    records, issues, shape = read(b"\xef\xbb\xbf" + data)
    assert shape == "lines"
    assert issues == []
    assert records == [
        MediaRecord(md5=fake_hash(1), series_names=("Pink wall",)),
        MediaRecord(md5=fake_hash(2), series_names=("Pink wall",)),
    ]


def test_md5sum_output_keeps_the_path() -> None:
    data = f"{fake_hash(1)}  dir/a b.jpg\n{fake_hash(2)} *bin.dat\n{fake_hash(3)}\tt.png\n"
    records, _, _ = read(data.encode())
    assert [r.extra.get("RelativeFilePath") for r in records] == ["dir/a b.jpg", "bin.dat", "t.png"]


def test_sha1_lines_are_media_known_by_sha1_and_sha256_lines_are_reported() -> None:
    data = "\n".join([fake_hash(1), fake_hash(2, "sha1"), fake_hash(3, "sha256"), "xyz"]).encode()
    records, issues, _ = read(data)
    assert [(r.md5, r.sha1) for r in records] == [(fake_hash(1), None),
                                                  (None, fake_hash(2, "sha1"))]
    assert issues[0] == (
        "Record 3 (line 3), field 'sha256': a SHA-256 without an MD5 or SHA-1; vidtask needs an "
        "MD5 or a SHA-1 per media, so this line was not imported"
    )
    assert "not an MD5, SHA-1 or SHA-256: 'xyz'" in issues[1]


def test_a_list_of_only_sha256_says_so_plainly() -> None:
    data = "\n".join(fake_hash(n, "sha256") for n in range(3)).encode()
    with pytest.raises(ImportFormatError, match="only SHA-256 hashes"):
        read(data)
    many = "\n".join(fake_hash(n, "sha256") for n in range(50)).encode()
    with pytest.raises(ImportFormatError, match="only SHA-256 hashes"):
        read(many, max_issues=10)


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_csv_with_detected_columns(delimiter: str) -> None:
    header = delimiter.join(["File name", "MD5 Hash", "SHA-1", "sha_256", "PDQ"])
    rows = [
        delimiter.join(["a.jpg", fake_hash(1).upper(), fake_hash(1, "sha1"),
                        fake_hash(1, "sha256"), fake_hash("p", "sha256")]),
        delimiter.join(["b.jpg", fake_hash(2), "", "", ""]),
    ]  # fmt: skip
    records, issues, shape = read("\n".join([header, *rows]).encode())
    assert shape == "csv"
    assert issues == []
    assert records[0] == MediaRecord(
        md5=fake_hash(1),
        sha1=fake_hash(1, "sha1"),
        sha256=fake_hash(1, "sha256"),
        pdq=fake_hash("p", "sha256"),
        series_names=("Pink wall",),
        provenance={"hash list": {"File name": "a.jpg"}},
    )
    assert records[1].sha1 is None


def test_csv_rows_without_md5_or_with_bad_hashes_are_issues() -> None:
    data = "\n".join(
        [
            "md5,sha1",
            f"{fake_hash(1)},",
            f",{fake_hash(2, 'sha1')}",
            "abc,",
            ",",
            f"{fake_hash(3)},zz",
        ]
    ).encode()
    records, issues, _ = read(data)
    assert [r.key for r in records] == [fake_hash(1), f"sha1:{fake_hash(2, 'sha1')}"]
    assert issues == [
        "Record 3 (line 4), field 'md5': MD5 must be 32 hex characters, got 3",
        "Record 4 (line 6), field 'sha1': SHA-1 must be 40 hex characters, got 2",
    ]


def test_csv_without_md5_or_sha1_column_is_refused_clearly() -> None:
    with pytest.raises(ImportFormatError, match=r"hash columns \(SHA256\) but no MD5 or SHA-1"):
        read(f"SHA256,name\n{fake_hash(1, 'sha256')},x\n".encode())


@pytest.mark.parametrize(
    ("data", "match"),
    [
        (b"", "empty"),
        (fake_hash(1).encode("utf-16"), "UTF-16"),
        (b"caf\xe9\n", "not UTF-8"),
        (b"a" * 2_000_000, "longer than"),
        (b"\x00" * 10, "binary data|UTF-16"),
    ],
)
def test_unreadable_files(data: bytes, match: str) -> None:
    with pytest.raises(ImportFormatError, match=match):
        read(data)


def test_series_name_is_required() -> None:
    with pytest.raises(ValueError, match="named series"):
        read_hashlist(io.BytesIO(b""), "  ")
