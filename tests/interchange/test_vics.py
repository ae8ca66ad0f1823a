"""Reading VICS JSON: both shapes, both versions, the traps of real files, and hostile input."""

from __future__ import annotations

import io
import json
import random
import tracemalloc
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.worlds.vics import V2, V13, a_case, a_media, fake_hash, read_all, synth_bytes, vics_doc
from vidtask.domain.media import CaseInfo, ImportFormatError, MediaRecord
from vidtask.interchange import vics
from vidtask.interchange.vics import read_vics


def only_media(items: list[Any]) -> list[MediaRecord]:
    return [i for i in items if isinstance(i, MediaRecord)]


# -- what a good file gives -------------------------------------------------------------------


def test_v2_media_hash_set_maps_every_modelled_field() -> None:
    media = a_media(
        7,
        SHA256=fake_hash(7, "sha256").upper(),
        OffenderIdentified=True,
        IsDistributed=False,
        Tags="indoor, bedroom",
        Comments="synthetic",
        PhotoDNA="QUJD" * 48,
    )
    items, reader = read_all(vics_doc(media))
    (record,) = items
    assert reader.version == "2.0"
    assert reader.region == "US"
    assert reader.scheme == "VICS-US"
    assert reader.shape == "Media"
    assert reader.issues == []
    assert record == MediaRecord(
        md5=fake_hash(7),
        sha1=fake_hash(7, "sha1"),
        sha256=fake_hash(7, "sha256"),
        size_bytes=1007,
        mime_type="image/jpeg",
        category_code=1,
        category_scheme="VICS-US",
        victim_identified=False,
        offender_identified=True,
        is_distributed=False,
        series_names=("Pink wall",),
        vics_media_id="7",
        extra={
            "DateUpdated": "2024-06-14T10:00:00.8300Z",
            "Tags": ["indoor", "bedroom"],
            "Comments": "synthetic",
            "PhotoDNA": "QUJD" * 48,
        },
    )


@pytest.mark.parametrize(
    ("region", "scheme"),
    [("Default", "VICS-Default"), ("US", "VICS-US"), ("UK", "VICS-UK"), ("CUSTOM", "VICS-CUSTOM")],
)
def test_region_decides_the_category_scheme(region: str, scheme: str) -> None:
    items, reader = read_all(vics_doc(a_media(Category=0), region=region))
    assert reader.scheme == scheme
    # 0 is a real category in VICS 2.0 (non-pertinent in US), never "uncategorised"
    assert items[0].category_code == 0
    assert items[0].category_scheme == scheme


def test_unknown_region_is_kept_and_reported() -> None:
    items, reader = read_all(vics_doc(a_media(), region="FR"))
    assert reader.scheme == "VICS-FR"
    assert len(items) == 1
    assert "unknown VICS region" in reader.issues[0].reason


def test_missing_category_is_uncategorised_without_scheme() -> None:
    items, _ = read_all(vics_doc(a_media(Category=None), a_media(2, Category="")))
    assert [(r.category_code, r.category_scheme) for r in items] == [(None, None)] * 2


def test_v13_odata_metadata_with_photodna_in_alternative_hashes() -> None:
    other = {"HashName": "Vendor", "HashValue": "0x1"}
    media = a_media(
        AlternativeHashes=[{"HashName": "PhotoDNA", "HashValue": " AAEC "}, other],
        IsPrecategorized="true",
    )
    items, reader = read_all(
        vics_doc(media, header=V13.format(shape="Media"), header_key="odata.metadata")
    )
    assert reader.version == "1.3"
    assert reader.region is None
    assert reader.scheme == "VICS-1"
    (record,) = items
    assert record.extra["PhotoDNA"] == "AAEC"
    assert record.extra["AlternativeHashes"] == [other]
    assert record.extra["IsPrecategorized"] is True


def test_sha256_and_pdq_travel_in_alternative_hashes() -> None:
    pdq = fake_hash("p", "sha256")
    media = a_media(
        AlternativeHashes=[
            {"HashName": "SHA-256", "HashValue": fake_hash(1, "sha256").upper()},
            {"HashName": "PDQ", "HashValue": pdq, "Quality": "87"},
        ]
    )
    (record,), _ = read_all(vics_doc(media))
    assert (record.sha256, record.pdq, record.pdq_quality) == (fake_hash(1, "sha256"), pdq, 87)
    assert "AlternativeHashes" not in record.extra


def test_cases_export_yields_each_case_before_its_media() -> None:
    doc = vics_doc(
        a_case(1, a_media(1), a_media(2), TotalMediaFiles=99),
        a_case(2, a_media(3)) | {"SourceApplicationVersion": "9.1"},  # after Media
        a_case(3),
        shape="Cases",
    )
    items, reader = read_all(doc)
    kinds = "".join("C" if isinstance(i, CaseInfo) else "m" for i in items)
    assert kinds == "CmmCmC"
    first, second, third = reader.cases
    assert items[0] is first
    assert first.case_number == "SYN-1"
    assert first.case_id == "{00000000-0000-4000-8000-000000000001}"
    assert first.extra == {"TotalMediaFiles": 99}
    assert second.source_application_version == "9.1"  # filled in after its media
    assert third.case_number == "SYN-3"
    assert [r.md5 for r in only_media(items)] == [fake_hash(1), fake_hash(2), fake_hash(3)]
    assert reader.records_read == 3


def test_case_export_is_recognised_without_the_cases_fragment() -> None:
    header = V2.format(region="UK", shape="")
    items, _ = read_all(vics_doc(a_case(1, a_media(1)), header=header))
    assert isinstance(items[0], CaseInfo)
    assert items[1].category_scheme == "VICS-UK"


def test_case_issues_do_not_drop_the_case() -> None:
    doc = vics_doc(a_case(1, a_media(1), SeizureDate="yesterday", CaseNumber=42), shape="Cases")
    items, reader = read_all(doc)
    case = reader.cases[0]
    assert case.seizure_date == "yesterday"
    assert case.case_number == "42"
    assert [(i.record_no, i.field) for i in reader.issues] == [(0, "SeizureDate")]
    assert len(items) == 2


# -- the traps of real files ------------------------------------------------------------------


def test_utf8_bom_is_skipped() -> None:
    items, reader = read_all(vics_doc(a_media(), bom=True))
    assert len(items) == 1
    assert reader.scheme == "VICS-US"


def test_upper_case_hashes_are_lowered() -> None:
    media = a_media(MD5=" " + fake_hash(1).upper(), SHA1=fake_hash(1, "sha1").upper())
    (record,), _ = read_all(vics_doc(media))
    assert record.md5 == fake_hash(1)
    assert record.sha1 == fake_hash(1, "sha1")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("false", False), ("False", False), ("true", True), ("TRUE", True), (True, True),
     (0, False), ("", None), (None, None)],
)  # fmt: skip
def test_string_booleans_are_never_truthy_strings(raw: object, expected: bool | None) -> None:
    media = a_media(VictimIdentified=raw, IsDistributed=raw, IsSuspected=raw)
    if raw is None:
        media["VictimIdentified"] = media["IsDistributed"] = media["IsSuspected"] = None
    (record,), _ = read_all(vics_doc(media))
    assert record.victim_identified is expected
    assert record.is_distributed is expected
    assert record.extra["IsSuspected"] is expected


def test_media_size_as_string() -> None:
    (record,), _ = read_all(vics_doc(a_media(MediaSize=" 2835 ")))
    assert record.size_bytes == 2835


@pytest.mark.parametrize(
    ("series", "tags", "names", "tag_list"),
    [
        ("Pink wall, Blue curtain", "a,b", ("Pink wall", "Blue curtain"), ["a", "b"]),
        (["Pink wall", " Blue curtain "], ["a", "b"], ("Pink wall", "Blue curtain"), ["a", "b"]),
        ("", "", (), []),
        (" , ,", [], (), []),
    ],
)
def test_series_and_tags_as_text_or_list(
    series: object, tags: object, names: tuple[str, ...], tag_list: list[str]
) -> None:
    (record,), _ = read_all(vics_doc(a_media(Series=series, Tags=tags)))
    assert record.series_names == names
    assert record.extra["Tags"] == tag_list


def test_repeated_media_id_keeps_both_records() -> None:
    items, reader = read_all(vics_doc(a_media(1), a_media(2, MediaID=1)))
    assert [r.vics_media_id for r in items] == ["1", "1"]
    assert reader.issues == []


def test_unknown_keys_exifs_and_media_files_are_kept_verbatim() -> None:
    exifs = [{"MD5": fake_hash(1), "PropertyName": "Make", "PropertyValue": "Synth"}]
    files = [{"MD5": fake_hash(1), "FileName": "a.jpg", "Unallocated": "false", "Size": 1.5}]
    vendor = {"nested": [1, {"deep": None}], "flag": True}
    media = a_media(Exifs=exifs, MediaFiles=files, VendorScore=vendor, RelativeFilePath="x/a.jpg")
    (record,), _ = read_all(vics_doc(media))
    assert record.extra["Exifs"] == exifs
    assert record.extra["MediaFiles"] == files
    assert record.extra["VendorScore"] == vendor
    assert record.extra["RelativeFilePath"] == "x/a.jpg"


def test_key_case_is_forgiven() -> None:
    media = {"md5": fake_hash(1), "Sha1": fake_hash(1, "sha1"), "mediasize": 5}
    (record,), _ = read_all(vics_doc(media))
    assert (record.md5, record.sha1, record.size_bytes) == (fake_hash(1), fake_hash(1, "sha1"), 5)


def test_unknown_top_level_keys_are_kept() -> None:
    doc = json.loads(vics_doc(a_media()))
    doc["odata.count"] = 1
    items, reader = read_all(json.dumps(doc).encode())
    assert reader.extra == {"odata.count": 1}
    assert len(items) == 1


def test_header_after_the_records_is_reported() -> None:
    context = V2.format(region="US", shape="Media")
    data = json.dumps({"value": [a_media()], "@odata.context": context})
    items, reader = read_all(data.encode())
    assert items[0].category_scheme is None  # the scheme was not known when it was read
    assert reader.scheme == "VICS-US"
    assert "header comes after" in reader.issues[0].reason


def test_file_without_header_is_read_with_an_issue() -> None:
    items, reader = read_all(vics_doc(a_media(), header=""))
    assert len(items) == 1
    assert reader.scheme is None
    assert reader.issues[-1].field == "@odata.context"


# -- records with problems are skipped, the import goes on ------------------------------------


@pytest.mark.parametrize(
    ("change", "field", "reason"),
    [
        ({"MD5": None, "SHA1": None}, "MD5", "missing"),
        ({"MD5": "", "SHA1": None}, "MD5", "missing"),
        ({"MD5": fake_hash(1)[:31]}, "MD5", "32 hex characters, got 31"),
        ({"MD5": "z" * 32}, "MD5", "hexadecimal"),
        ({"MD5": 12345}, "MD5", "must be text"),
        ({"SHA1": "abc"}, "SHA1", "40 hex"),
        ({"SHA256": "abc"}, "SHA256", "64 hex"),
        ({"MediaSize": "big"}, "MediaSize", "whole number"),
        ({"MediaSize": -1}, "MediaSize", "at least 0"),
        ({"Category": -1}, "Category", "at least 0"),
        ({"VictimIdentified": "maybe"}, "VictimIdentified", "true/false"),
        ({"IsPrecategorized": "perhaps"}, "IsPrecategorized", "true/false"),
        ({"Series": 7}, "Series", "comma-separated"),
        ({"Tags": {"a": 1}}, "Tags", "comma-separated"),
        ({"MimeType": 1}, "MimeType", "expected text"),
        ({"Comments": ["x"]}, "Comments", "expected text"),
        ({"Exifs": "Make=Synth"}, "Exifs", "list of objects"),
        ({"MediaFiles": [1, 2]}, "MediaFiles", "list of objects"),
        ({"PhotoDNA": 5}, "PhotoDNA", "expected text"),
        ({"AlternativeHashes": "x"}, "AlternativeHashes", "HashName"),
        ({"AlternativeHashes": [{"HashName": "PDQ", "HashValue": "1"}]}, "AlternativeHashes", "64"),
        ({"MediaID": [1]}, "MediaID", "expected text"),
    ],
)
def test_bad_record_becomes_an_issue_and_is_skipped(
    change: dict[str, Any], field: str, reason: str
) -> None:
    bad = a_media(2)
    for key, value in change.items():
        if value is None:
            del bad[key]
        else:
            bad[key] = value
    items, reader = read_all(vics_doc(a_media(1), bad, a_media(3)))
    assert [r.vics_media_id for r in items] == ["1", "3"]
    (issue,) = reader.issues
    assert (issue.record_no, issue.field) == (2, field)
    assert reason in issue.reason
    assert str(issue).startswith(f"Record 2, field {field!r}: ")


@pytest.mark.parametrize(
    ("change", "field", "reason", "stored"),
    [
        ({"DateUpdated": "2024-13-01"}, "DateUpdated", "ISO 8601", {"DateUpdated": "2024-13-01"}),
        ({"DateUpdated": 20240101}, "DateUpdated", "ISO 8601", {"DateUpdated": 20240101}),
        # older Clees4All: an offset followed by a stray Z
        ({"DateUpdated": "2023-06-15T10:00:00.123+01:00Z"}, "DateUpdated", "read as",
         {"DateUpdated": "2023-06-15T10:00:00.123+01:00"}),
        # RECON LAB: a source name where the category number belongs
        ({"Category": "SRC1"}, "Category", "kept as a tag", {"Tags": ["SRC1"]}),
    ],
)
def test_a_field_read_another_way_keeps_the_record_with_a_warning(
    change: dict[str, Any], field: str, reason: str, stored: dict[str, Any]
) -> None:
    items, reader = read_all(vics_doc(a_media(1), a_media(2, **change), a_media(3)))
    assert [r.vics_media_id for r in items] == ["1", "2", "3"]
    (issue,) = reader.issues
    assert (issue.record_no, issue.field, issue.kept) == (2, field, True)
    assert reason in issue.reason
    for key, value in stored.items():
        assert items[1].extra[key] == value


def test_a_record_with_sha1_and_no_md5_is_known_by_its_sha1() -> None:
    """NSRLConvert's SHA1-only output: MediaID, Category 0 and SHA1, nothing else."""
    sha1 = fake_hash(7, "sha1").upper()
    doc = {"@odata.context": V2.format(region="Default", shape="Media"),
           "value": [{"MediaID": 1, "Category": 0, "SHA1": sha1}]}
    items, reader = read_all(json.dumps(doc, indent=4).encode())
    (record,) = items
    assert (record.md5, record.sha1, record.key) == (None, sha1.lower(), f"sha1:{sha1.lower()}")
    assert (record.category_code, record.category_scheme) == (0, "VICS-Default")
    assert reader.issues == []


def test_cases_nested_under_a_media_header_keep_their_media() -> None:
    """RECON LAB writes #Media whose entries are cases holding a Media list."""
    doc = vics_doc(a_case(1, a_media(1), a_media(2, Category="SRC1")), a_media(3))
    items, reader = read_all(doc)
    assert [type(i).__name__ for i in items] == ["CaseInfo", "MediaRecord", "MediaRecord",
                                                 "MediaRecord"]
    assert items[0].case_number == "SYN-1"
    assert [i.field for i in reader.issues] == ["Category"]


def test_odata_annotations_are_provenance_not_media_keys() -> None:
    """NIST CAID (VICS 1.2) records carry odata.id and navigation links."""
    media = a_media(1, **{"odata.id": 'Media("x")',
                          "MediaFiles@odata.navigationLinkUrl": "/Media(x)/MediaFiles"})
    (record,), _ = read_all(vics_doc(media))
    assert "odata.id" not in record.extra
    assert record.provenance["OData"]["odata.id"] == 'Media("x")'


def test_non_object_entries_are_issues() -> None:
    items, reader = read_all(vics_doc(a_media(1), "text", [1, [2]], None, a_media(5)))
    assert len(items) == 2
    assert [i.record_no for i in reader.issues] == [2, 3, 4]
    assert "got text" in reader.issues[0].reason


def test_bad_media_inside_a_case_is_numbered_across_cases() -> None:
    doc = vics_doc(a_case(1, a_media(1)), a_case(2, a_media(2, MD5="x"), a_media(3)), shape="Cases")
    items, reader = read_all(doc)
    assert len(only_media(items)) == 2
    assert [(i.record_no, i.field) for i in reader.issues] == [(2, "MD5")]


def test_too_many_issues_stop_the_import() -> None:
    doc = vics_doc(*[{"name": n} for n in range(20)])
    with pytest.raises(ImportFormatError, match="stopped after 5 problems") as caught:
        read_all(doc, max_issues=5)
    assert "check that this is a VICS file" in str(caught.value)


# -- files that cannot be imported ------------------------------------------------------------


def expect_format_error(data: bytes, match: str, **limits: Any) -> ImportFormatError:
    with pytest.raises(ImportFormatError, match=match) as caught:
        read_all(data, **limits)
    text = str(caught.value)
    assert text.startswith("Cannot import this file: ") and text.endswith(".")
    assert "\n" not in text
    return caught.value


@pytest.mark.parametrize("cut", [1, 10, 60, 200, -30, -3, -1])
def test_truncated_file(cut: int) -> None:
    data = vics_doc(a_media(1), a_media(2), a_media(3))
    expect_format_error(data[:cut], "truncated|ends in the middle")


def test_truncated_case_export() -> None:
    data = synth_bytes(50, shape="Cases", media_per_case=20)
    expect_format_error(data[: len(data) // 2], "truncated")


@pytest.mark.parametrize(
    "data",
    [
        b'{"value":[{"MD5":' + b"[" * 100_000,
        b'{"value":[' + b"[" * 100_000,
        b'{"x":' + b'{"a":' * 50_000,
        b'{"value":[{"MediaFiles":' + b'[" ",' * 200_000,
    ],
)
def test_deep_nesting_bomb(data: bytes) -> None:
    error = expect_format_error(data, "nests deeper than 16 levels")
    assert error.byte_offset is not None


def test_deep_but_legitimate_nesting_passes_under_a_higher_limit() -> None:
    deep: Any = "leaf"
    for _ in range(20):
        deep = [deep]
    items, _ = read_all(vics_doc(a_media(Vendor=deep)), max_depth=25)
    assert items[0].extra["Vendor"] == deep


def test_long_string_is_refused_while_streaming() -> None:
    data = vics_doc(a_media(Comments="x" * 3_000_000))
    expect_format_error(data, "single value runs longer than 1,048,576 bytes")


def test_long_string_of_escaped_quotes_is_refused() -> None:
    data = vics_doc(a_media(Comments='"' * 2_000_000))
    assert data.count(b'\\"') == 2_000_000
    expect_format_error(data, "single value runs longer")


def test_long_number_is_refused() -> None:
    expect_format_error(b'{"value":[{"MediaSize":' + b"9" * 2_000_000 + b"}]}", "runs longer")


class EndlessString(io.RawIOBase):
    """A stream pretending to be a 2 GB file that is one string; counts what was read."""

    def __init__(self, size: int = 2 << 30) -> None:
        self.head = b'{"@odata.context":"x#Media","value":[{"Comments":"'
        self.size = size
        self.served = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        n = min(len(buffer), self.size - self.served)
        if self.served < len(self.head):
            n = min(n, len(self.head) - self.served)
            buffer[:n] = self.head[self.served : self.served + n]
        else:
            buffer[:n] = b"A" * n
        self.served += n
        return n


def test_two_gigabyte_string_stops_early_with_flat_memory() -> None:
    stream = EndlessString()
    tracemalloc.start()
    try:
        with pytest.raises(ImportFormatError, match="runs longer"):
            list(read_vics(stream))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert stream.served < 2 * 1024 * 1024
    assert peak < 8 * 1024 * 1024


def test_oversized_record_is_refused() -> None:
    media = a_media(**{f"Key{i}": "v" * 50 for i in range(50_000)})
    data = vics_doc(a_media(1), media)
    expect_format_error(data, "larger than 1,000,000 bytes", max_record_bytes=1_000_000)


@pytest.mark.parametrize(
    "data",
    [
        bytes(random.Random(1).getrandbits(8) for _ in range(5000)),
        b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4,
        b"PK\x03\x04" + bytes(100),
    ],
)
def test_binary_garbage(data: bytes) -> None:
    expect_format_error(data, "binary data|not valid JSON|not UTF-8|not a VICS file")


@pytest.mark.parametrize("bom", [True, False])
def test_utf16_file_gets_a_clear_message(bom: bool) -> None:
    text = vics_doc(a_media()).decode()
    data = text.encode("utf-16") if bom else text.encode("utf-16-le")
    expect_format_error(data, "UTF-16 encoded; VICS files must be UTF-8")


def test_utf32_file_gets_a_clear_message() -> None:
    expect_format_error(vics_doc(a_media()).decode().encode("utf-32"), "UTF-32")


def test_latin1_file_gets_a_clear_message() -> None:
    data = vics_doc(a_media(Comments="café")).replace(b"\\u00e9", "é".encode("latin-1"))
    assert b"caf\xe9" in data
    expect_format_error(data, "not UTF-8 \\(perhaps Latin-1")


@pytest.mark.parametrize(
    ("data", "match"),
    [
        (b"", "empty"),
        (b"  \n ", "empty"),
        (b"[1, 2]", "top level is a list"),
        (b'"hello"', "top level is text"),
        (b"42", "top level is a number"),
        (b'{"name": "not vics"}', "no 'value' list"),
        (b'{"value": 3}', "'value' is a number"),
        (b'{"@odata.context": 3, "value": []}', "'@odata.context' is float|is int"),
        (b"{'value': []}", "not valid JSON"),
        (b'{"value": []} {"value": []}', "data after the end"),
        (b'{"value": [NaN]}', "not valid JSON"),
    ],
)
def test_not_vics_json(data: bytes, match: str) -> None:
    expect_format_error(data, match)


def test_text_stream_is_a_programming_error() -> None:
    with pytest.raises(TypeError, match="binary stream"):
        list(read_vics(io.StringIO("{}")))  # type: ignore[arg-type]


def test_a_reader_reads_once() -> None:
    reader = read_vics(io.BytesIO(vics_doc(a_media())))
    assert len(list(reader.records())) == 1
    with pytest.raises(RuntimeError):
        list(reader)


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=400))
def test_any_bytes_give_records_or_a_clear_error(data: bytes) -> None:
    try:
        read_all(data)
    except ImportFormatError as error:
        assert str(error).startswith("Cannot import this file: ")


json_scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=40)
)
json_values = st.recursive(
    json_scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4)
    ),
    max_leaves=20,
)
media_like = st.dictionaries(st.sampled_from(list(a_media())), json_values)


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(json_values | media_like, max_size=6))
def test_any_json_entries_give_records_or_issues(entries: list[Any]) -> None:
    try:
        items, reader = read_all(vics_doc(*entries))
    except ImportFormatError as error:
        # the only refusals of a whole file: hostile depth, NUL (no database stores it), and
        # numbers too long for int()
        assert any(reason in str(error) for reason in (
            "nests deeper", "NUL character", "a number runs longer"))
        return
    assert len(only_media(items)) + len(reader.issues) >= len(entries)


@settings(max_examples=100)
@given(st.data())
def test_truncation_anywhere_is_a_clear_error(data: st.DataObject) -> None:
    doc = vics_doc(a_media(1), a_case(2, a_media(2)), shape="")
    cut = data.draw(st.integers(1, len(doc) - 1))
    try:
        read_all(doc[:cut])
    except ImportFormatError:
        return
    pytest.fail(f"cut at {cut} was accepted")  # pragma: no cover


# -- streaming --------------------------------------------------------------------------------


def test_messy_synthetic_file_reads_without_issues() -> None:
    items, reader = read_all(synth_bytes(700, messy=True, bom=True))
    assert len(items) == 700
    assert reader.issues == []
    assert all(r.md5 == r.md5.lower() for r in items)
    assert sum("PhotoDNA" in r.extra for r in items) == 700


def test_the_slice_path_and_the_field_path_give_the_same_records(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """msgspec's typed slices must read exactly as the general, field-by-field path."""
    from vidtask.interchange import vics

    for messy in (False, True):
        data = synth_bytes(3000, messy=messy)
        fast, fast_reader = read_all(data)
        monkeypatch.setattr(vics, "_media_from_struct", lambda media, scheme: None)
        slow, slow_reader = read_all(data)
        monkeypatch.undo()
        assert fast == slow
        assert fast_reader.issues == slow_reader.issues


def test_memory_stays_flat_while_streaming() -> None:
    data = synth_bytes(20_000)
    tracemalloc.start()
    try:
        count = sum(1 for _ in read_vics(io.BytesIO(data)))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert count == 20_000
    assert len(data) > 10_000_000
    # a few 128 KB slices and their decoded records, whatever the size of the file
    assert peak < 4_000_000


# -- the fast path (#Media, header first) holds to the same rules ------------------------------

MEDIA_HEAD = b'{"@odata.context":' + json.dumps(V2.format(region="US", shape="Media")).encode()


def event_path_doc(*entries: Any) -> bytes:
    """The same document with a leading unknown key, which sends it down the event path."""
    doc = json.loads(vics_doc(*entries))
    return json.dumps({"x": 0, **doc}).encode()


@pytest.fixture(params=[64 * 1024, 16, 61], ids=["64KiB", "16B", "61B"])
def chunk_size(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> int:
    """Small reads end chunks inside strings and escape sequences."""
    monkeypatch.setattr(vics, "_CHUNK", request.param)
    return int(request.param)


@pytest.mark.parametrize(
    "bomb",
    [
        b'{"MD5":' + b"[" * 100_000,
        b"[" * 100_000,
        b'{"Vendor":' + b'{"a":' * 50_000,
        b'{"MediaFiles":' + b'[" ",' * 200_000,
        b'{"Comments":"[[[{{\\"\\\\","X":' + b'["]\\"[",' * 20_000,
    ],
)
def test_nesting_bomb_on_the_fast_path_is_refused_before_it_is_built(
    bomb: bytes, chunk_size: int
) -> None:
    data = MEDIA_HEAD + b',"value":[' + json.dumps(a_media(1)).encode() + b"," + bomb
    error = expect_format_error(data, "media record 2 nests deeper than 16 levels")
    assert error.byte_offset is not None


@pytest.mark.parametrize("levels", [16, 17])
def test_depth_limit_is_the_same_on_both_paths(levels: int) -> None:
    deep: Any = "leaf"
    for _ in range(levels):
        deep = [deep]  # a field may nest 16 levels inside the record's braces
    for data in (vics_doc(a_media(1), a_media(2, Vendor=deep)),
                 event_path_doc(a_media(1), a_media(2, Vendor=deep))):
        if levels <= 16:
            items, _ = read_all(data)
            assert items[1].extra["Vendor"] == deep
        else:
            expect_format_error(data, "media record 2 nests deeper than 16 levels")


def test_brackets_quotes_and_escapes_inside_text_do_not_count_as_nesting(
    chunk_size: int,
) -> None:
    tricky = '[[[[{{{{ "quoted" \\ \\\\" ]]]]' * 20
    media = [a_media(n, Comments=tricky, RelativeFilePath="C:\\x\\[y]\\") for n in range(1, 40)]
    items, reader = read_all(vics_doc(*media))
    assert [r.extra["Comments"] for r in items] == [tricky] * 39
    assert reader.issues == []


def test_keys_and_garbage_after_the_list_on_the_fast_path() -> None:
    items, reader = read_all(vics_doc(a_media(1))[:-1] + b', "odata.count": 1, "value": ['
                             + json.dumps(a_media(2)).encode() + b"]}")
    assert [r.vics_media_id for r in items] == ["1", "2"]
    assert reader.extra == {"odata.count": 1}
    expect_format_error(vics_doc(a_media(1)) + b" []", "data after the end")
    expect_format_error(vics_doc(a_media(1))[:-1], "ends in the middle")


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(json_values | media_like, max_size=6), st.sampled_from([16, 50, 64 * 1024]))
def test_fast_and_event_paths_read_the_same(entries: list[Any], chunk: int) -> None:
    outcomes = []
    for data in (vics_doc(*entries), event_path_doc(*entries)):
        try:
            with pytest.MonkeyPatch.context() as patch:
                patch.setattr(vics, "_CHUNK", chunk)
                items, reader = read_all(data)
            outcomes.append((items, reader.issues, reader.scheme, reader.records_read))
        except ImportFormatError as error:
            outcomes.append(type(error))  # type: ignore[arg-type]
    assert outcomes[0] == outcomes[1]
