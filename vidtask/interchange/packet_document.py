"""`packet.json`: the machine-readable packet (schema in docs/packet-schema.md) and its digests.

The digests let a re-export tell "nothing changed" (same bytes again) from "series X changed"
(new version): they cover everything in the document except the fields that name the version.
A `PacketDocument` is built once per packet and serves both: the digests, then the JSON bytes.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, fields, is_dataclass
from datetime import date, datetime
from functools import cache
from typing import Any

from vidtask.interchange.packet_content import PacketContent, PacketHeader, PacketSeries

SCHEMA_VERSION = "2.0"
SCHEMA_ID = "https://vidtask.invalid/schemas/packet/2.0"
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
    """JSON values from the packet's frozen dataclasses (slots, in field order): a direct walk,
    several times quicker than `dataclasses.asdict`, which deep-copies every leaf."""
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if is_dataclass(value) and not isinstance(value, type):
        return {name: _plain(getattr(value, name)) for name in _field_names(type(value))}
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


@cache
def _field_names(kind: Any) -> tuple[str, ...]:
    return tuple(f.name for f in fields(kind))


def series_document(series: PacketSeries) -> dict[str, Any]:
    data: dict[str, Any] = _plain(series)
    data["media_counts"] = series.media_counts
    data["excluded_countries"] = list(series.excluded_countries)
    return data


def header_document(header: PacketHeader) -> dict[str, Any]:
    data: dict[str, Any] = _plain(header)
    return data


def canonical_json(value: Any) -> bytes:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def _digest(value: Any) -> str:
    return hashlib.sha256(canonical_json(value)).hexdigest()


#: Parts of a series a change summary names, in the words of the report's headings.
SERIES_PARTS: dict[str, tuple[str, ...]] = {
    "identifiers": ("alias", "icse_id", "ncmec_name", "vics_name", "priority", "handling"),
    "victim description": ("victim_sex", "victim_age_band"),
    "production period": ("production_period",),
    "ICSE status": ("in_icse",),
    "hashes": ("media",),
    "country assessment": ("candidates",),
    "clues": ("clues", "withheld_clues"),
    "public appeal": ("appeals",),
    "audit": ("audit",),
}


@dataclass(frozen=True, slots=True)
class Digests:
    whole: str  # everything but the version fields: equal means "unchanged"
    header: str
    series_parts: dict[str, dict[str, str]]  # series code -> part -> digest


class PacketDocument:
    """The series sections of packet.json, built once; headers are cheap and swapped freely."""

    def __init__(self, series: tuple[PacketSeries, ...]) -> None:
        self.series = [series_document(s) for s in series]

    def digests(self, header: PacketHeader) -> Digests:
        head = {k: v for k, v in header_document(header).items() if k not in VERSION_FIELDS}
        whole = _digest({"header": head, "series": self.series, "schema_version": SCHEMA_VERSION})
        parts = {s["code"]: {part: _digest([s[f] for f in fields])
                             for part, fields in SERIES_PARTS.items()} for s in self.series}
        return Digests(whole, _digest(head), parts)

    def document(self, header: PacketHeader) -> dict[str, Any]:
        return {
            "schema": SCHEMA_ID,
            "schema_version": SCHEMA_VERSION,
            "header": header_document(header),
            "requested_action": REQUESTED_ACTION,
            "series": self.series,
            "feedback": {
                "instructions": FEEDBACK_REQUEST,
                "packet_code": header.packet_code,
                "country": header.country,
                "series": [{"series_code": s["code"], "victim_identified": None,
                            "victim_safeguarded": None, "offender_identified": None,
                            "icse_updated": None, "reported_on": None, "text": ""}
                           for s in self.series],
            },
        }

    def json_bytes(self, header: PacketHeader) -> bytes:
        return document_bytes(self.document(header))


def packet_document(content: PacketContent) -> dict[str, Any]:
    return PacketDocument(content.series).document(content.header)


#: Objects nest this deep on lines of their own; deeper values (a media record, a clue) are
#: written on one line each — readable, and encoded by json's C encoder, not its Python one.
LAYOUT_DEPTH = 4
_compact = json.JSONEncoder(ensure_ascii=False, separators=(", ", ": ")).encode


def _layout(value: Any, level: int) -> str:
    if level >= LAYOUT_DEPTH or not isinstance(value, dict | list) or not value:
        return _compact(value)
    inner = "  " * (level + 1)
    if isinstance(value, dict):
        items = [f"{inner}{_compact(k)}: {_layout(v, level + 1)}" for k, v in value.items()]
        return "{\n" + ",\n".join(items) + "\n" + "  " * level + "}"
    return "[\n" + ",\n".join(inner + _layout(v, level + 1) for v in value) + "\n" \
        + "  " * level + "]"


def document_bytes(document: dict[str, Any]) -> bytes:
    return (_layout(document, 0) + "\n").encode("utf-8")
