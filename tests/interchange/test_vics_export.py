"""Writing VICS 2.0: exact header, fixed key order, and a lossless export → read round trip."""

from __future__ import annotations

import base64
import dataclasses
import io
import json
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.worlds.vics import fake_hash
from vidtask.domain.media import CaseInfo, MediaRecord
from vidtask.interchange.vics import MEDIA_KEYS, REGION_SCHEMES, read_vics
from vidtask.interchange.vics_export import (
    VicsWriteNotes,
    media_to_vics,
    write_vics_cases,
    write_vics_media,
)

REGIONS = ["Default", "US", "UK", "CUSTOM"]
_KNOWN_LOWER = {k.lower() for k in MEDIA_KEYS}

# no NUL: intake refuses it (no database stores it), so it never reaches an export
text = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
               max_size=20)
name = text.map(str.strip).filter(bool)
hex32 = st.text("0123456789abcdef", min_size=32, max_size=32)
hex40 = st.text("0123456789abcdef", min_size=40, max_size=40)
hex64 = st.text("0123456789abcdef", min_size=64, max_size=64)
json_scalar = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | text
)
json_value = st.recursive(
    json_scalar,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(text, inner, max_size=3),
    max_leaves=8,
)
iso_date = st.datetimes(timezones=st.just(UTC)).map(datetime.isoformat)
# nested entries: their MD5/SHA1 are written in the file's hash case, OData links dropped
nested_key = text.filter(lambda k: "odata." not in k and k not in ("MD5", "SHA1"))
# "odata." marks a 1.x OData annotation: provenance on read, never written
unknown_key = text.map(lambda t: "Custom" + t).filter(
    lambda k: k.lower() not in _KNOWN_LOWER and "odata." not in k)


@st.composite
def extras(draw: st.DrawFn) -> dict[str, Any]:
    """An ``extra`` as readers leave it: known keys already normalised, unknown keys verbatim."""
    options: dict[str, st.SearchStrategy[Any]] = {
        "DateUpdated": st.none() | iso_date,
        "IsPrecategorized": st.none() | st.booleans(),
        "IsSuspected": st.none() | st.booleans(),
        "PrecategorizationSource": st.none() | text,
        "Comments": st.none() | text,
        "RelativeFilePath": st.none() | text,
        "Tags": st.lists(name, max_size=3),
        "PhotoDNA": st.binary(min_size=144, max_size=144).map(
            lambda b: base64.b64encode(b).decode()),
        "AlternativeHashes": st.lists(
            st.fixed_dictionaries({"HashName": st.just("Vendor"), "HashValue": text}),
            min_size=1,
            max_size=2,
        ),
        "Exifs": st.lists(st.dictionaries(nested_key, json_value, max_size=3), max_size=2),
        "MediaFiles": st.lists(st.dictionaries(nested_key, json_value, max_size=3), max_size=2),
    }
    chosen = draw(st.lists(st.sampled_from(sorted(options)), unique=True))
    extra = {key: draw(options[key]) for key in chosen}
    extra.update(draw(st.dictionaries(unknown_key, json_value, max_size=3)))
    return extra


@st.composite
def media_records(draw: st.DrawFn, scheme: str) -> MediaRecord:
    code = draw(st.none() | st.integers(0, 2**31 - 1))
    pdq = draw(st.none() | hex64)
    return MediaRecord(
        md5=draw(hex32),
        sha1=draw(st.none() | hex40),
        sha256=draw(st.none() | hex64),
        pdq=pdq,
        pdq_quality=None if pdq is None else draw(st.none() | st.integers(0, 100)),
        size_bytes=draw(st.none() | st.integers(0, 2**63 - 1)),
        mime_type=draw(st.none() | text),
        category_code=code,
        category_scheme=None if code is None else scheme,
        victim_identified=draw(st.none() | st.booleans()),
        offender_identified=draw(st.none() | st.booleans()),
        is_distributed=draw(st.none() | st.booleans()),
        series_names=tuple(draw(st.lists(name, max_size=3))),
        vics_media_id=None,  # each file numbers its media: see _numbered()
        extra=draw(extras()),
    )


@st.composite
def region_and_records(draw: st.DrawFn) -> tuple[str, list[MediaRecord]]:
    region = draw(st.sampled_from(REGIONS))
    scheme = REGION_SCHEMES[region.lower()]
    return region, draw(st.lists(media_records(scheme), max_size=5))


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow])
@given(region_and_records())
def test_media_export_then_read_keeps_every_field(case: tuple[str, list[MediaRecord]]) -> None:
    region, records = case
    out = io.BytesIO()
    assert write_vics_media(iter(records), out, region=region) == len(records)
    reader = read_vics(io.BytesIO(out.getvalue()))
    assert list(reader) == _numbered(records)
    assert reader.issues == []


def _numbered(records: list[MediaRecord], first: int = 1) -> list[MediaRecord]:
    """The records as read back: MediaIDs run first, first + 1, … in each written file."""
    return [dataclasses.replace(r, vics_media_id=str(first + i)) for i, r in enumerate(records)]


case_infos = st.builds(
    CaseInfo,
    case_id=st.none() | text,
    case_number=st.none() | text,
    contact_organization=st.none() | text,
    contact_name=st.none() | text,
    contact_phone=st.none() | text,
    contact_email=st.none() | text,
    contact_title=st.none() | text,
    seizure_date=st.none() | iso_date,
    source_application_name=st.none() | text,
    source_application_version=st.none() | text,
    extra=st.dictionaries(
        unknown_key.filter(lambda k: not k.lower().startswith("customcase")), json_value, max_size=2
    ),
)


@settings(max_examples=80, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(case_infos, st.lists(media_records("VICS-UK"), max_size=3)), max_size=3))
def test_cases_export_then_read_keeps_cases_and_media(
    cases: list[tuple[CaseInfo, list[MediaRecord]]],
) -> None:
    out = io.BytesIO()
    written = write_vics_cases(cases, out, region="UK")
    assert written == sum(len(records) for _, records in cases)
    reader = read_vics(io.BytesIO(out.getvalue()))
    items = list(reader)
    assert reader.issues == []
    expected: list[Any] = []
    number = 1
    for case, records in cases:
        expected.append(case)
        expected.extend(_numbered(records, number))
        number += len(records)
    read_cases = [i for i in items if isinstance(i, CaseInfo)]
    for got, (_, records) in zip(read_cases, cases, strict=True):
        assert got.extra.pop("TotalMediaFiles") == len(records)
        precategorized = sum(r.extra.get("IsPrecategorized") is True for r in records)
        assert got.extra.pop("TotalPrecategorized") == precategorized
    assert items == expected


def a_record(n: int = 1, **fields: Any) -> MediaRecord:
    base: dict[str, Any] = {
        "md5": fake_hash(n),
        "sha1": fake_hash(n, "sha1"),
        "category_code": 1,
        "category_scheme": "VICS-US",
        "series_names": ("Pink wall",),
        "vics_media_id": str(n),
    }
    base.update(fields)
    return MediaRecord(**base)


def test_header_is_the_vics_2_context_and_there_is_no_bom() -> None:
    out = io.BytesIO()
    write_vics_media([a_record()], out, region="US")
    data = out.getvalue()
    assert data.startswith(
        b'{"@odata.context":"http://github.com/VICSDATAMODEL/ProjectVic/DataModels/2.0.xml/US/'
        b'$metadata#Media","value":['
    )
    doc = json.loads(data.decode("utf-8"))
    assert doc["value"][0]["MediaID"] == 1


def test_cases_header() -> None:
    out = io.BytesIO()
    write_vics_cases([(CaseInfo(case_number="A"), [])], out, region="Default")
    doc = json.loads(out.getvalue())
    assert doc["@odata.context"].endswith("/2.0.xml/Default/$metadata#Cases")
    assert doc["value"] == [
        {"CaseNumber": "A", "Media": [], "TotalMediaFiles": 0, "TotalPrecategorized": 0}
    ]


def test_key_order_is_fixed_and_output_is_repeatable() -> None:
    record = a_record(
        sha256=fake_hash(1, "sha256"),
        size_bytes=10,
        extra={"Zeta": 1, "Comments": "c", "Alpha": [1], "DateUpdated": "2024-01-01", "Tags": []},
    )
    obj = media_to_vics(record, scheme="VICS-US", media_id=1)
    assert list(obj) == [
        "MediaID", "Category", "MD5", "SHA1", "MediaSize", "DateUpdated", "Series", "Tags",
        "Comments", "AlternativeHashes", "Alpha", "Zeta",
    ]  # fmt: skip
    first, second = io.BytesIO(), io.BytesIO()
    write_vics_media([record, record], first, region="US")
    write_vics_media([record, record], second, region="US")
    assert first.getvalue() == second.getvalue()


def test_non_ascii_is_written_as_utf8() -> None:
    out = io.BytesIO()
    write_vics_media([a_record(series_names=("Café Größe",))], out, region="US")
    assert "Café Größe".encode() in out.getvalue()


def test_names_with_commas_are_written_as_a_list() -> None:
    obj = media_to_vics(a_record(series_names=("A, B", "C")), scheme="VICS-US")
    assert obj["Series"] == ["A, B", "C"]
    assert media_to_vics(a_record(series_names=("A", "C")), scheme="VICS-US")["Series"] == "A,C"


@pytest.mark.parametrize(("code", "scheme", "region", "written"), [
    (1, "VICS-UK", "US", 1),  # category A is abuse material
    (5, "VICS-1", "Default", 0),  # DHS non-pertinent
    (8, "VICS-1", "US", 0),  # NIST CAID: a known file
    (1, "VICS-1", "UK", None),  # CAM has no A/B/C severity: left uncategorised
    (3, "VICS-CUSTOM", "US", None),
])
def test_category_of_another_scheme_is_translated(code: int, scheme: str, region: str,
                                                  written: int | None) -> None:
    notes = VicsWriteNotes()
    out = io.BytesIO()
    write_vics_media([a_record(category_code=code, category_scheme=scheme)], out,
                     region=region, notes=notes)
    (back,) = read_vics(io.BytesIO(out.getvalue()))
    assert back.category_code == written
    assert notes.untranslated == (written is None)


def test_media_ids_are_unique_and_hashes_one_case_with_no_odata() -> None:
    extra = {"Exifs": [{"MD5": fake_hash(1).upper(), "PropertyName": "Make"}],
             "MediaFiles": [{"MD5": fake_hash(1).upper(), "FileName": "a.jpg",
                             "Media@odata.navigationLinkUrl": "/x"}]}
    records = [a_record(1, vics_media_id="7", extra=extra), a_record(2, vics_media_id="7")]
    out = io.BytesIO()
    write_vics_media(records, out, region="US", upper=True)
    doc = json.loads(out.getvalue())
    assert list(doc) == ["@odata.context", "value"]
    assert [m["MediaID"] for m in doc["value"]] == [1, 2]
    first = doc["value"][0]
    assert first["MD5"] == first["Exifs"][0]["MD5"] == first["MediaFiles"][0]["MD5"]
    assert first["MD5"].isupper() and "odata" not in json.dumps(doc["value"])


def test_an_allow_list_writes_only_the_fields_it_names() -> None:
    record = a_record(1, extra={"RelativeFilePath": "C:/case/a.jpg", "VendorKey": 1})
    obj = media_to_vics(record, scheme="VICS-US", media_id=1,
                        fields=frozenset({"MediaID", "MD5", "Category"}))
    assert list(obj) == ["MediaID", "Category", "MD5"]


def test_unknown_region_is_refused() -> None:
    with pytest.raises(ValueError, match="region must be one of"):
        write_vics_media([], io.BytesIO(), region="FR")


def test_writer_streams_from_a_generator() -> None:
    def many() -> Any:
        for n in range(5000):
            yield a_record(n)

    out = io.BytesIO()
    assert write_vics_media(many(), out, region="US") == 5000
    assert sum(1 for _ in read_vics(io.BytesIO(out.getvalue()))) == 5000
