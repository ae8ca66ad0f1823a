"""The hash annex of a packet (never media): the packet's media as MediaRecords, written by the
general VICS 2.0 `#Media` and INTERPOL ICSE writers (`vics_export`, `icse`).

Only the mapping is packet-specific: which series name each format carries, the VICS region the
categories are read in, and the control characters a database name must not smuggle into a
recipient's spreadsheet. Same series in, same bytes out.
"""

from __future__ import annotations

import io
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence

from vidtask.domain.media import MediaRecord
from vidtask.interchange.icse import write_icse_csv
from vidtask.interchange.packet_content import PacketMedia, PacketSeries
from vidtask.interchange.vics import REGION_SCHEMES
from vidtask.interchange.vics_export import REGIONS, write_vics_media

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_REGION_OF_SCHEME = {REGION_SCHEMES[region.lower()]: region for region in REGIONS}


def printable(text: str) -> str:
    """A database name without control characters (a NUL or ESC means nothing to a recipient)."""
    return _CONTROL.sub("", text)


def vics_region(series: Iterable[PacketSeries]) -> str:
    """The region whose category scheme most of the packet's categorised media use."""
    schemes = Counter(m.category_scheme for s in series for m in s.media
                      if m.category_code is not None and m.category_scheme in _REGION_OF_SCHEME)
    if not schemes:
        return "Default"
    # ties go to the alphabetically first scheme, so the choice never depends on row order
    scheme = min(schemes, key=lambda k: (-schemes[k], k))
    return _REGION_OF_SCHEME[scheme]


def _record(media: PacketMedia, series_name: str, *, region_scheme: str | None = None,
            media_id: int | None = None, extra: dict[str, object] | None = None) -> MediaRecord:
    # a category from another scheme would mean something else under this file's region
    same_scheme = region_scheme is not None and media.category_scheme == region_scheme
    return MediaRecord(
        md5=media.md5.upper() if media.md5 else None,
        sha1=media.sha1.upper() if media.sha1 else None,
        size_bytes=media.size_bytes, mime_type=media.mime_type,
        category_code=media.category_code if same_scheme else None,
        category_scheme=media.category_scheme if same_scheme else None,
        victim_identified=media.victim_identified,
        offender_identified=media.offender_identified, is_distributed=media.is_distributed,
        series_names=(series_name,) if series_name else (),
        vics_media_id=None if media_id is None else str(media_id),
        extra={**(extra or {}), **_photodna(media)})


def _photodna(media: PacketMedia) -> dict[str, object]:
    """The PhotoDNA for the annexes: each writer puts it in its own encoding (VICS base64, ICSE
    hex) and leaves out a value that is not 144 bytes (an import keeps such a one as written)."""
    return {"PhotoDNA": media.photodna} if media.photodna else {}


def vics_records(series: Sequence[PacketSeries], region: str) -> Iterator[MediaRecord]:
    scheme = REGION_SCHEMES[region.lower()]
    media_id = 0
    for one in series:
        name = printable(one.vics_name or one.code).strip()
        for media in one.media:
            media_id += 1
            yield _record(media, name, region_scheme=scheme, media_id=media_id)


def _media_type(media: PacketMedia) -> str:
    kind = (media.mime_type or "").split("/")[0]
    return {"image": "Image", "video": "Video"}.get(kind, "")


def icse_records(series: Iterable[PacketSeries]) -> Iterator[MediaRecord]:
    for one in series:
        name = printable(one.icse_id or one.code).strip()
        for media in one.media:
            extra: dict[str, object] = {"ICSEFileAvailable": False}  # packets never carry media
            if kind := _media_type(media):
                extra["ICSEMediaType"] = kind
            yield _record(media, name, extra=extra)


def vics_media_json(series: Sequence[PacketSeries]) -> bytes:
    region = vics_region(series)
    buffer = io.BytesIO()
    write_vics_media(vics_records(series, region), buffer, region=region)
    return buffer.getvalue()


def icse_csv(series: Iterable[PacketSeries]) -> bytes:
    buffer = io.BytesIO()
    write_icse_csv(icse_records(series), buffer)
    return buffer.getvalue()
