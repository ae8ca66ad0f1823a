"""Export the media of chosen series as VICS 2.0 JSON, so examiners take results back home.

Rows are streamed in MD5 order (a media in several chosen series becomes one record naming
them all, their facts merged by the re-import rule); nothing is loaded whole. A series is named
by its VICS name, else its code. Categories are translated into the chosen region.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Sequence
from itertools import chain
from typing import IO, Any

from sqlalchemy import select

from vidtask.db.engine import Database
from vidtask.db.models import IntakeCase, Media, Series
from vidtask.domain import categories
from vidtask.domain.errors import InvalidInput
from vidtask.domain.media import CaseInfo, MediaRecord
from vidtask.domain.media_merge import merge_into
from vidtask.interchange.vics_export import (
    REGIONS,
    VicsWriteNotes,
    write_vics_cases,
    write_vics_media,
)

_CASE_NAMESPACE = uuid.UUID("6c0b1d1e-8d1c-4c55-9a3e-5f1c2b7d9e01")
_FETCH = 5000
_COLUMNS = (Media.md5, Media.sha1, Media.sha256, Media.pdq, Media.pdq_quality, Media.size_bytes,
            Media.mime_type, Media.category_code, Media.category_scheme, Media.victim_identified,
            Media.offender_identified, Media.is_distributed, Media.vics_media_id, Media.extra,
            Media.provenance)
_CASE_COLUMNS = ("case_id", "case_number", "contact_organization", "contact_name",
                 "contact_phone", "contact_email", "contact_title", "seizure_date",
                 "source_application_name", "source_application_version")


def _region(db: Database, series_ids: Sequence[int], region: str | None) -> str:
    """The region asked for; else the one 2.0 region the stored categories use (VICS-1
    categories translate to any); several 2.0 regions need a choice."""
    if region is not None:
        if region not in REGIONS:
            raise InvalidInput("region", f"must be one of {', '.join(REGIONS)}")
        return region
    with db.read() as session:
        schemes = set(session.scalars(select(Media.category_scheme).distinct().where(
            Media.series_id.in_(series_ids), Media.category_code.is_not(None))))
    regions = {categories.REGION_OF_SCHEME[s] for s in schemes
               if s in categories.REGION_OF_SCHEME}
    if len(regions) > 1:
        raise InvalidInput("export", "these series hold categories of several VICS regions "
                           f"({', '.join(sorted(regions))}); choose one with --region")
    return next(iter(regions), "Default")


def _record(rows: list[Any], names: list[str]) -> MediaRecord:
    """One record for the rows of one media across series (docs/interchange.md, Export):
    rows are in series order; the first known value of each field is kept, a flag is true if
    any series says so, Tags are the union, a category is the first one stated."""
    first = rows[0]
    merged = MediaRecord(md5=first.md5, sha1=first.sha1, sha256=first.sha256, pdq=first.pdq,
                         pdq_quality=first.pdq_quality, size_bytes=first.size_bytes,
                         mime_type=first.mime_type, category_code=first.category_code,
                         category_scheme=first.category_scheme,
                         victim_identified=first.victim_identified,
                         offender_identified=first.offender_identified,
                         is_distributed=first.is_distributed, series_names=tuple(names),
                         vics_media_id=first.vics_media_id, extra=dict(first.extra or {}),
                         provenance=dict(first.provenance or {}))
    for row in rows[1:]:
        merge = merge_into({"md5": merged.md5, "sha1": merged.sha1, "sha256": merged.sha256,
                            "pdq": merged.pdq, "pdq_quality": merged.pdq_quality,
                            "size_bytes": merged.size_bytes, "mime_type": merged.mime_type,
                            "category_code": merged.category_code,
                            "category_scheme": merged.category_scheme,
                            "victim_identified": merged.victim_identified,
                            "offender_identified": merged.offender_identified,
                            "is_distributed": merged.is_distributed,
                            "vics_media_id": merged.vics_media_id, "extra": merged.extra,
                            "provenance": merged.provenance}, _as_record(row))
        for name, value in merge.changes.items():
            setattr(merged, name, value)
    return merged


def _as_record(row: Any) -> MediaRecord:
    return MediaRecord(md5=row.md5, sha1=row.sha1, sha256=row.sha256, pdq=row.pdq,
                       pdq_quality=row.pdq_quality, size_bytes=row.size_bytes,
                       mime_type=row.mime_type, category_code=row.category_code,
                       category_scheme=row.category_scheme,
                       victim_identified=row.victim_identified,
                       offender_identified=row.offender_identified,
                       is_distributed=row.is_distributed, vics_media_id=row.vics_media_id,
                       extra=dict(row.extra or {}), provenance=dict(row.provenance or {}))


def _records(db: Database, series_ids: Sequence[int],
             case_row: int | bool | None = False) -> Iterator[MediaRecord]:
    """One record per media (MD5, else SHA-1) over the chosen series, naming every series that
    holds it. ``case_row``: only media of that stored case (None: of no case)."""
    name = Series.vics_name.label("series_name")
    query = (select(*_COLUMNS, name, Series.code).join(Series, Series.id == Media.series_id)
             .where(Media.series_id.in_(series_ids))
             .order_by(Media.md5, Media.sha1, Series.code, Media.id)
             .execution_options(yield_per=_FETCH))
    if case_row is not False:
        query = query.where(Media.intake_case_id.is_(None) if case_row is None
                            else Media.intake_case_id == case_row)
    with db.read() as session:
        rows: list[Any] = []
        names: list[str] = []
        for row in session.execute(query):
            label = row.series_name or row.code
            if rows and (row.md5, row.sha1 if row.md5 is None else None) == (
                    rows[0].md5, rows[0].sha1 if rows[0].md5 is None else None):
                rows.append(row)
                if label not in names:
                    names.append(label)
                continue
            if rows:
                yield _record(rows, names)
            rows, names = [row], [label]
        if rows:
            yield _record(rows, names)


def export_vics(db: Database, series_ids: Sequence[int], stream: IO[bytes], *,
                shape: str = "Media", region: str | None = None, upper: bool = False,
                fields: frozenset[str] | None = None,
                notes: VicsWriteNotes | None = None) -> int:
    """Write the series' media as VICS 2.0 (`#Media`, or `#Cases`: the imported cases with
    their headers, then one generated case per series for media that came with none);
    returns the media records written. ``region`` "Default" with ``shape`` "Media" is the
    file IPED's HashDBTool reads."""
    if shape not in ("Media", "Cases"):
        raise InvalidInput("shape", "must be Media or Cases")
    ids = sorted(set(series_ids))
    if not ids:
        raise InvalidInput("export", "choose at least one series")
    chosen_region = _region(db, ids, region)
    options: dict[str, Any] = {"region": chosen_region, "upper": upper, "fields": fields,
                               "notes": notes}
    if shape == "Media":
        return write_vics_media(_records(db, ids), stream, **options)
    with db.read() as session:
        series = list(session.execute(select(Series.id, Series.code, Series.vics_name)
                                      .where(Series.id.in_(ids)).order_by(Series.code)))
        stored = list(session.scalars(
            select(IntakeCase).where(IntakeCase.id.in_(
                select(Media.intake_case_id).where(Media.series_id.in_(ids)).distinct()))
            .order_by(IntakeCase.id)))
        cases_read = [(c.id, CaseInfo(**{k: getattr(c, k) for k in _CASE_COLUMNS},
                                      extra=dict(c.extra or {}))) for c in stored]

    def cases() -> Iterator[tuple[CaseInfo, Iterator[MediaRecord]]]:
        for row_id, case in cases_read:
            yield case, _records(db, ids, row_id)
        for sid, code, _ in series:
            loose = _records(db, [sid], None)
            first = next(loose, None)
            if first is None:
                continue
            case = CaseInfo(case_id="{" + str(uuid.uuid5(_CASE_NAMESPACE, code)) + "}",
                            case_number=code, source_application_name="vidtask")
            yield case, chain([first], loose)

    return write_vics_cases(cases(), stream, **options)
