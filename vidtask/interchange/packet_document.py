"""`packet.json`: the machine-readable packet (schema in docs/packet-schema.md) and its digests.

The digests let a re-export tell "nothing changed" (same bytes again) from "series X changed"
(new version): they cover everything in the document except the fields that name the version.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict
from datetime import date, datetime
from typing import Any

from vidtask.interchange.packet_content import PacketContent, PacketSeries

SCHEMA_VERSION = "1.1"
SCHEMA_ID = "https://vidtask.invalid/schemas/packet/1.1"
#: Header fields that name the version rather than describe the content.
VERSION_FIELDS = ("packet_code", "packet_version", "generated_at", "approved_by", "changes")
REQUESTED_ACTION = (
    "Please assess the series below for investigation in your country: the location clues "
    "indicate that the material was probably produced there. Check the clues against local "
    "knowledge, search national databases with the attached hashes, and open or link a case.")
FEEDBACK_REQUEST = (
    "Please report back per series, quoting the packet ID and series code: was the victim "
    "identified, was the victim safeguarded, was an offender identified, was ICSE updated, "
    "the date, and anything else useful. Fill in the 'feedback' block of packet.json and return "
    "it through the channel this packet came by.")


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def series_document(series: PacketSeries) -> dict[str, Any]:
    data = _plain(asdict(series))
    data["media_counts"] = series.media_counts
    data["excluded_countries"] = list(series.excluded_countries)
    return dict(data)


def packet_document(content: PacketContent) -> dict[str, Any]:
    header = _plain(asdict(content.header))
    return {
        "schema": SCHEMA_ID,
        "schema_version": SCHEMA_VERSION,
        "header": header,
        "requested_action": REQUESTED_ACTION,
        "series": [series_document(s) for s in content.series],
        "feedback": {
            "instructions": FEEDBACK_REQUEST,
            "packet_code": content.header.packet_code,
            "country": content.header.country,
            "series": [{"series_code": s.code, "victim_identified": None,
                        "victim_safeguarded": None, "offender_identified": None,
                        "icse_updated": None, "reported_on": None, "text": ""}
                       for s in content.series],
        },
    }


def canonical_json(value: Any) -> bytes:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def document_bytes(document: dict[str, Any]) -> bytes:
    return (json.dumps(document, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def _digest(value: Any) -> str:
    return hashlib.sha256(canonical_json(value)).hexdigest()


def content_digests(content: PacketContent) -> tuple[str, dict[str, str], str]:
    """(whole-content digest, digest per series code, header digest) without version fields."""
    document = packet_document(content)
    header = {k: v for k, v in document["header"].items() if k not in VERSION_FIELDS}
    per_series = {s["code"]: _digest(s) for s in document["series"]}
    whole = _digest({"header": header, "series": document["series"],
                     "schema_version": SCHEMA_VERSION})
    return whole, per_series, _digest(header)


#: Parts of a series a change summary names, in the words of the report's headings.
SERIES_PARTS: dict[str, tuple[str, ...]] = {
    "identifiers": ("alias", "icse_id", "ncmec_name", "vics_name", "priority", "handling"),
    "victim description": ("victim_sex", "victim_age_band"),
    "production period": ("production_period",),
    "ICSE status": ("in_icse",),
    "hashes": ("media",),
    "country assessment": ("candidates",),
    "clues": ("supporting_clues", "excluding_clues", "context_clues", "withheld_clues"),
    "public appeal": ("appeals",),
    "audit": ("audit",),
}


def part_digests(series: PacketSeries) -> dict[str, str]:
    data = series_document(series)
    return {part: _digest([data[f] for f in fields]) for part, fields in SERIES_PARTS.items()}
