"""Export the media of chosen series as VICS 2.0 JSON, so examiners take results back home.

Rows are streamed in MD5 order (a media in several chosen series becomes one record naming
them all, as it came in); nothing is loaded whole. A series is named by its VICS name, else
its code. The region follows the stored category scheme; mixed schemes are refused.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Sequence
from typing import IO, Any

from sqlalchemy import select

from vidtask.db.engine import Database
from vidtask.db.models import Media, Series
from vidtask.domain.errors import InvalidInput
from vidtask.domain.media import CaseInfo, MediaRecord
from vidtask.interchange.vics import REGION_SCHEMES
from vidtask.interchange.vics_export import write_vics_cases, write_vics_media

_REGION_BY_SCHEME = {scheme: region for region, scheme in
                     (("Default", REGION_SCHEMES["default"]), ("US", REGION_SCHEMES["us"]),
                      ("UK", REGION_SCHEMES["uk"]), ("CUSTOM", REGION_SCHEMES["custom"]))}
_CASE_NAMESPACE = uuid.UUID("6c0b1d1e-8d1c-4c55-9a3e-5f1c2b7d9e01")
_FETCH = 5000
_COLUMNS = (Media.md5, Media.sha1, Media.sha256, Media.pdq, Media.pdq_quality, Media.size_bytes,
            Media.mime_type, Media.category_code, Media.category_scheme, Media.victim_identified,
            Media.offender_identified, Media.is_distributed, Media.vics_media_id, Media.extra)


def _region(db: Database, series_ids: Sequence[int], region: str | None) -> str:
    with db.read() as session:
        schemes = set(session.scalars(select(Media.category_scheme).distinct().where(
            Media.series_id.in_(series_ids), Media.category_code.is_not(None))))
    if region is not None:
        return region
    if len(schemes) > 1:
        raise InvalidInput("export", "these series mix category schemes "
                           f"({', '.join(sorted(s or '?' for s in schemes))}); export them "
                           "separately")
    scheme = next(iter(schemes), None)
    if scheme is None:
        return "Default"
    found = _REGION_BY_SCHEME.get(scheme)
    if found is None:
        raise InvalidInput("export", f"categories in the {scheme} scheme have no VICS 2.0 "
                           "region; translate them before exporting")
    return found


def _record(row: Any, names: list[str]) -> MediaRecord:
    extra = dict(row.extra or {})
    return MediaRecord(md5=row.md5, sha1=row.sha1, sha256=row.sha256, pdq=row.pdq,
                       pdq_quality=row.pdq_quality, size_bytes=row.size_bytes,
                       mime_type=row.mime_type, category_code=row.category_code,
                       category_scheme=row.category_scheme,
                       victim_identified=row.victim_identified,
                       offender_identified=row.offender_identified,
                       is_distributed=row.is_distributed, series_names=tuple(names),
                       vics_media_id=row.vics_media_id, extra=extra)


def _records(db: Database, series_ids: Sequence[int]) -> Iterator[MediaRecord]:
    """One record per MD5 over the chosen series, naming every series that holds it."""
    name = Series.vics_name.label("series_name")
    query = (select(*_COLUMNS, name, Series.code).join(Series, Series.id == Media.series_id)
             .where(Media.series_id.in_(series_ids)).order_by(Media.md5, Media.id)
             .execution_options(yield_per=_FETCH))
    with db.read() as session:
        current: Any = None
        names: list[str] = []
        for row in session.execute(query):
            label = row.series_name or row.code
            if current is not None and row.md5 == current.md5:
                if label not in names:
                    names.append(label)
                continue
            if current is not None:
                yield _record(current, names)
            current, names = row, [label]
        if current is not None:
            yield _record(current, names)


def export_vics(db: Database, series_ids: Sequence[int], stream: IO[bytes], *,
                shape: str = "Media", region: str | None = None) -> int:
    """Write the series' media as VICS 2.0 (`#Media` or `#Cases`, one case per series);
    returns the media records written."""
    if shape not in ("Media", "Cases"):
        raise InvalidInput("shape", "must be Media or Cases")
    ids = sorted(set(series_ids))
    if not ids:
        raise InvalidInput("export", "choose at least one series")
    chosen_region = _region(db, ids, region)
    if shape == "Media":
        return write_vics_media(_records(db, ids), stream, region=chosen_region)
    with db.read() as session:
        series = list(session.execute(select(Series.id, Series.code, Series.vics_name)
                                      .where(Series.id.in_(ids)).order_by(Series.code)))

    def cases() -> Iterator[tuple[CaseInfo, Iterator[MediaRecord]]]:
        for sid, code, _ in series:
            case = CaseInfo(case_id="{" + str(uuid.uuid5(_CASE_NAMESPACE, code)) + "}",
                            case_number=code, source_application_name="vidtask")
            yield case, _records(db, [sid])

    return write_vics_cases(cases(), stream, region=chosen_region)
