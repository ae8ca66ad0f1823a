"""Write MediaRecords (and cases) as VICS 2.0 JSON, record by record, for hash annexes.

Output is UTF-8 without BOM, one record per line, keys in a fixed order (modelled keys in the
VICS order, then unknown keys sorted), so the same records always give the same bytes. What
``read_vics`` reads, this writes back: an export → read round trip keeps every MediaRecord field.
SHA-256 and PDQ have no Media key of their own in VICS 2.0, so they travel in
``AlternativeHashes`` (``{"HashName": "SHA256"|"PDQ", "HashValue": …, "Quality": …}``).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import IO, Any

from vidtask.domain.media import CaseInfo, MediaRecord
from vidtask.interchange.vics import CASE_KEYS, MEDIA_KEYS, REGION_SCHEMES

VICS2_CONTEXT = (
    "http://github.com/VICSDATAMODEL/ProjectVic/DataModels/2.0.xml/{region}/$metadata#{shape}"
)
REGIONS = ("Default", "US", "UK", "CUSTOM")

_CASE_TOTALS = ("TotalMediaFiles", "TotalPrecategorized")
_MODELLED = frozenset({"MediaID", "Category", "MD5", "SHA1", "SHA256", "MediaSize",
                       "VictimIdentified", "OffenderIdentified", "IsDistributed", "Series",
                       "MimeType"})  # fmt: skip
_EXTRA_ORDER = [k for k in MEDIA_KEYS if k not in _MODELLED]
_CASE_ATTR_ORDER = [
    ("CaseID", "case_id"),
    ("CaseNumber", "case_number"),
    ("ContactOrganization", "contact_organization"),
    ("ContactName", "contact_name"),
    ("ContactPhone", "contact_phone"),
    ("ContactEmail", "contact_email"),
    ("ContactTitle", "contact_title"),
    ("SeizureDate", "seizure_date"),
    ("SourceApplicationName", "source_application_name"),
    ("SourceApplicationVersion", "source_application_version"),
]
assert [k for k, _ in _CASE_ATTR_ORDER] == list(CASE_KEYS)


def _dumps(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False, allow_nan=False, separators=(",", ":"))


def _context(region: str, shape: str) -> str:
    if region not in REGIONS:
        raise ValueError(f"VICS region must be one of {', '.join(REGIONS)}, got {region!r}")
    return VICS2_CONTEXT.format(region=region, shape=shape)


def _names_value(names: Iterable[str]) -> str | list[str]:
    """VICS writes names comma-separated; a name holding a comma forces the list form."""
    names = list(names)
    if any("," in n for n in names):
        return names
    return ",".join(names)


def media_to_vics(record: MediaRecord, *, scheme: str) -> dict[str, Any]:
    """The VICS 2.0 Media object for one record, keys in the fixed export order.

    Raises ValueError if the record's category belongs to another scheme: writing the number
    under this file's region would change what it means.
    """
    if record.category_code is not None and record.category_scheme not in (None, scheme):
        raise ValueError(
            f"media {record.md5} has a {record.category_scheme} category; "
            f"translate it before exporting as {scheme}"
        )
    extra = record.extra
    out: dict[str, Any] = {}
    if record.vics_media_id is not None:
        media_id = record.vics_media_id
        # a numeric MediaID goes back out as a number, as VICS tools write it
        numeric = media_id.isascii() and media_id.isdigit() and str(int(media_id)) == media_id
        out["MediaID"] = int(media_id) if numeric else media_id
    if record.category_code is not None:
        out["Category"] = record.category_code
    out["MD5"] = record.md5
    if record.sha1 is not None:
        out["SHA1"] = record.sha1
    if record.size_bytes is not None:
        out["MediaSize"] = record.size_bytes
    for key in ("DateUpdated", "IsPrecategorized", "PrecategorizationSource", "IsSuspected"):
        if key in extra:
            out[key] = extra[key]
    for key, flag in (
        ("VictimIdentified", record.victim_identified),
        ("OffenderIdentified", record.offender_identified),
        ("IsDistributed", record.is_distributed),
    ):
        if flag is not None:
            out[key] = flag
    if record.series_names:
        out["Series"] = _names_value(record.series_names)
    if "Tags" in extra:
        out["Tags"] = _names_value(extra["Tags"])
    for key in ("Comments", "RelativeFilePath"):
        if key in extra:
            out[key] = extra[key]
    if record.mime_type is not None:
        out["MimeType"] = record.mime_type
    if "PhotoDNA" in extra:
        out["PhotoDNA"] = extra["PhotoDNA"]
    alternative: list[Any] = []
    if record.sha256 is not None:
        alternative.append({"HashName": "SHA256", "HashValue": record.sha256})
    if record.pdq is not None:
        pdq: dict[str, Any] = {"HashName": "PDQ", "HashValue": record.pdq}
        if record.pdq_quality is not None:
            pdq["Quality"] = record.pdq_quality
        alternative.append(pdq)
    alternative.extend(extra.get("AlternativeHashes") or ())
    if alternative:
        out["AlternativeHashes"] = alternative
    for key in ("Exifs", "MediaFiles"):
        if key in extra:
            out[key] = extra[key]
    for key in sorted(k for k in extra if k not in out and k not in _MODELLED):
        if key not in _EXTRA_ORDER:
            out[key] = extra[key]
    return out


def write_vics_media(
    records: Iterable[MediaRecord], stream: IO[bytes], *, region: str = "Default"
) -> int:
    """Write a VICS 2.0 ``#Media`` hash set to a binary stream; returns the records written."""
    scheme = REGION_SCHEMES[region.lower()] if region in REGIONS else ""
    header = {"@odata.context": _context(region, "Media")}
    stream.write(_dumps(header)[:-1].encode() + b',"value":[')
    count = 0
    for record in records:
        line = _dumps(media_to_vics(record, scheme=scheme))
        stream.write((",\n" if count else "\n").encode() + line.encode("utf-8"))
        count += 1
    stream.write(b"\n]}\n")
    return count


def write_vics_cases(
    cases_with_records: Iterable[tuple[CaseInfo, Iterable[MediaRecord]]],
    stream: IO[bytes],
    *,
    region: str = "Default",
) -> int:
    """Write a VICS 2.0 ``#Cases`` export; returns the media records written.

    Each case's ``TotalMediaFiles``/``TotalPrecategorized`` are recounted and written after its
    ``Media`` list, since imported totals are unreliable and streaming knows them only at the end.
    """
    scheme = REGION_SCHEMES[region.lower()] if region in REGIONS else ""
    header = {"@odata.context": _context(region, "Cases")}
    stream.write(_dumps(header)[:-1].encode() + b',"value":[')
    total = 0
    for case_no, (case, records) in enumerate(cases_with_records):
        head: dict[str, Any] = {}
        for key, attr in _CASE_ATTR_ORDER:
            value = getattr(case, attr)
            if value is not None:
                head[key] = value
        for key in sorted(case.extra):
            if key not in _CASE_TOTALS and key not in head and key != "Media":
                head[key] = case.extra[key]
        text = _dumps(head)
        opening = text[:-1] + ("," if head else "") + '"Media":['
        stream.write(((",\n" if case_no else "\n") + opening).encode("utf-8"))
        count = precategorized = 0
        for record in records:
            line = _dumps(media_to_vics(record, scheme=scheme))
            stream.write(("," if count else "").encode() + b"\n" + line.encode("utf-8"))
            count += 1
            precategorized += record.extra.get("IsPrecategorized") is True
        totals = _dumps({"TotalMediaFiles": count, "TotalPrecategorized": precategorized})
        stream.write(("\n]," + totals[1:]).encode())
        total += count
    stream.write(b"\n]}\n")
    return total
