"""The hash annex of a packet: VICS 2.0 `#Media` JSON and INTERPOL ICSE `;` CSV (never media).

Minimal writers for packets only; the general VICS/ICSE exporters live elsewhere and may replace
these. Output is deterministic: same records in, same bytes out.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable
from typing import Any

from vidtask.interchange.packet_content import PacketMedia, PacketSeries

VICS_CONTEXT = ("http://github.com/VICSDATAMODEL/ProjectVic/DataModels/2.0.xml/Default/"
                "$metadata#Media")
ICSE_COLUMNS = ("MD5", "SHA1", "PhotoDNA", "Image ID", "Is distributed", "Victim identified",
                "Offender identified", "Series name", "Number of submissions", "File Available",
                "Media Type", "Baseline")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")


def csv_safe(value: object) -> str:
    """A cell a spreadsheet will not run: formula starters get a leading apostrophe (OWASP)."""
    text = "" if value is None else str(value)
    text = _CONTROL.sub("", text)
    if text.startswith(_FORMULA_START):
        text = "'" + text
    return text


def _series_name(series: PacketSeries) -> str:
    # VICS `Series` is comma-separated: a comma inside one name would split it.
    return (series.vics_name or series.code).replace(",", " ")


def vics_media_json(series: Iterable[PacketSeries]) -> bytes:
    values: list[dict[str, Any]] = []
    media_id = 0
    for one in series:
        for media in one.media:
            media_id += 1
            record: dict[str, Any] = {"MediaID": media_id, "MD5": media.md5.upper()}
            if media.category_code is not None:
                record["Category"] = media.category_code
            if media.sha1:
                record["SHA1"] = media.sha1.upper()
            if media.size_bytes is not None:
                record["MediaSize"] = media.size_bytes
            if media.mime_type:
                record["MimeType"] = media.mime_type
            for key, flag in (("VictimIdentified", media.victim_identified),
                              ("OffenderIdentified", media.offender_identified),
                              ("IsDistributed", media.is_distributed)):
                if flag is not None:
                    record[key] = flag
            record["Series"] = _series_name(one)
            values.append(record)
    document = {"@odata.context": VICS_CONTEXT, "value": values}
    return (json.dumps(document, indent=1, ensure_ascii=False, sort_keys=False) + "\n").encode()


def _yes_no(flag: bool | None) -> str:
    return "" if flag is None else ("Yes" if flag else "No")


def _media_type(media: PacketMedia) -> str:
    kind = (media.mime_type or "").split("/")[0]
    return {"image": "Image", "video": "Video"}.get(kind, "")


def icse_csv(series: Iterable[PacketSeries]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(ICSE_COLUMNS)
    for one in series:
        name = one.icse_id or one.code
        for media in one.media:
            writer.writerow([csv_safe(v) for v in (
                media.md5.upper(), (media.sha1 or "").upper(), "", "",
                _yes_no(media.is_distributed), _yes_no(media.victim_identified),
                _yes_no(media.offender_identified), name, "", "No", _media_type(media), "")])
    return buffer.getvalue().encode("utf-8")
