"""Write MediaRecords (and cases) as VICS 2.0 JSON, record by record, for hash annexes.

Output is UTF-8 without BOM, one record per line, keys in a fixed order (modelled keys in the
VICS order, then unknown keys sorted), so the same records always give the same bytes. What
``read_vics`` reads, this writes back: an export → read round trip keeps every MediaRecord field
but three, by design: MediaIDs run 1…N per file (the source's id stays in our database),
``provenance`` is never written as VICS keys, and a category with no equivalent in the file's
region is left out (docs/interchange.md). Hashes are in one case throughout (nested MD5s too);
PhotoDNA is written as base64 (ICSE's hex converted); 1.x OData annotations are never written.
SHA-256 and PDQ have no Media key of their own in VICS 2.0, so they travel in
``AlternativeHashes`` (``{"HashName": "SHA256"|"PDQ", "HashValue": …, "Quality": …}``).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import IO, Any

from vidtask.domain import categories
from vidtask.domain.media import CaseInfo, MediaRecord
from vidtask.interchange.hashes import photodna_base64
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


@dataclass(slots=True)
class VicsWriteNotes:
    """What a write had to say: categories with no equivalent in the file's region (written
    uncategorised), PhotoDNA values that are not 144 bytes (left out)."""

    untranslated: int = 0
    bad_photodna: int = 0


IPED_HEADER = VICS2_CONTEXT.format(region="Default", shape="Media")


def media_to_vics(record: MediaRecord, *, scheme: str, media_id: int | None = None,
                  fields: frozenset[str] | None = None, upper: bool = False,
                  notes: VicsWriteNotes | None = None) -> dict[str, Any]:
    """The VICS 2.0 Media object for one record, keys in the fixed export order.

    ``media_id`` is this file's MediaID (unique per file; the source's id stays in our
    database). A category of another scheme is translated (domain/categories.py); one with no
    equivalent is left out. ``fields`` is an allow-list of Media keys (None: every key, unknown
    ones included); ``upper`` writes every hash, nested ones too, in upper case.
    """
    out: dict[str, Any] = {}
    code = record.category_code
    if code is not None and record.category_scheme != scheme:
        code = categories.translate(code, record.category_scheme, scheme)
        if code is None and notes is not None:
            notes.untranslated += 1
    extra = record.extra
    case = str.upper if upper else str.lower
    if media_id is not None:
        out["MediaID"] = media_id
    if code is not None:
        out["Category"] = code
    if record.md5 is not None:
        out["MD5"] = case(record.md5)
    if record.sha1 is not None:
        out["SHA1"] = case(record.sha1)
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
        try:
            out["PhotoDNA"] = photodna_base64(extra["PhotoDNA"])
        except ValueError:
            if notes is not None:
                notes.bad_photodna += 1
    alternative: list[Any] = []
    if record.sha256 is not None:
        alternative.append({"HashName": "SHA256", "HashValue": case(record.sha256)})
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
            out[key] = _nested(extra[key], case)
    for key in sorted(k for k in extra if k not in out and k not in _MODELLED):
        if key not in _EXTRA_ORDER and "odata." not in key:
            out[key] = extra[key]
    if fields is not None:
        out = {k: v for k, v in out.items() if k in fields}
    return out


def _nested(entries: Any, case: Any) -> Any:
    """Exifs/MediaFiles entries: their MD5 in the file's hash case, 1.x OData links dropped."""
    if not isinstance(entries, list):
        return entries
    out = []
    for entry in entries:
        out.append({k: (case(v) if k in ("MD5", "SHA1") and isinstance(v, str) else v)
                    for k, v in entry.items() if "odata." not in k}
                   if isinstance(entry, dict) else entry)
    return out


def _scheme(region: str) -> str:
    if region not in REGIONS:
        raise ValueError(f"VICS region must be one of {', '.join(REGIONS)}, got {region!r}")
    return REGION_SCHEMES[region.lower()]


def write_vics_media(
    records: Iterable[MediaRecord], stream: IO[bytes], *, region: str = "Default",
    fields: frozenset[str] | None = None, upper: bool = False,
    notes: VicsWriteNotes | None = None,
) -> int:
    """Write a VICS 2.0 ``#Media`` hash set to a binary stream; returns the records written.

    The header comes first and ``value`` is the only other key, so IPED's HashDBTool (which
    accepts only that shape) reads a ``Default`` file. MediaIDs run 1…N.
    """
    scheme = _scheme(region)
    header = {"@odata.context": _context(region, "Media")}
    stream.write(_dumps(header)[:-1].encode() + b',"value":[')
    count = 0
    for record in records:
        count += 1
        line = _dumps(media_to_vics(record, scheme=scheme, media_id=count, fields=fields,
                                    upper=upper, notes=notes))
        stream.write((",\n" if count > 1 else "\n").encode() + line.encode("utf-8"))
    stream.write(b"\n]}\n")
    return count


def write_vics_cases(
    cases_with_records: Iterable[tuple[CaseInfo, Iterable[MediaRecord]]],
    stream: IO[bytes],
    *,
    region: str = "Default",
    fields: frozenset[str] | None = None,
    upper: bool = False,
    notes: VicsWriteNotes | None = None,
) -> int:
    """Write a VICS 2.0 ``#Cases`` export; returns the media records written.

    Each case's ``TotalMediaFiles``/``TotalPrecategorized`` are recounted and written after its
    ``Media`` list, since imported totals are unreliable and streaming knows them only at the end.
    """
    scheme = _scheme(region)
    header = {"@odata.context": _context(region, "Cases")}
    stream.write(_dumps(header)[:-1].encode() + b',"value":[')
    total = media_id = 0
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
            media_id += 1
            line = _dumps(media_to_vics(record, scheme=scheme, media_id=media_id, fields=fields,
                                        upper=upper, notes=notes))
            stream.write(("," if count else "").encode() + b"\n" + line.encode("utf-8"))
            count += 1
            precategorized += record.extra.get("IsPrecategorized") is True
        totals = _dumps({"TotalMediaFiles": count, "TotalPrecategorized": precategorized})
        stream.write(("\n]," + totals[1:]).encode())
        total += count
    stream.write(b"\n]}\n")
    return total
