"""Series: create them with their media records, list and search them for the board."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import Integer, and_, func, insert, or_, select, update
from sqlalchemy.orm import aliased

from vidtask.db.bulk_rows import collector_paused
from vidtask.db.engine import Database
from vidtask.db.models import Clue, CountryAssessment, Media, Participant, Series, SeriesLink
from vidtask.domain.changes import Changes
from vidtask.domain.enums import AgeBand, HandlingCode, Priority, SeriesStatus, VictimSex
from vidtask.domain.errors import InvalidInput, NotFound
from vidtask.domain.limits import checked
from vidtask.domain.permissions import Action
from vidtask.services.common import load_series, snapshot
from vidtask.services.tx import WriteTx, write_tx

MEDIA_FIELDS = ("md5", "sha1", "sha256", "pdq", "pdq_quality", "size_bytes", "mime_type",
                "category_code", "category_scheme", "victim_identified", "offender_identified",
                "is_distributed", "vics_media_id", "extra")
EDITABLE_SERIES_FIELDS = ("alias", "icse_id", "ncmec_name", "vics_name", "priority", "handling",
                          "victim_sex", "victim_age_band", "production_period", "in_icse", "notes")


@dataclass(frozen=True, slots=True)
class NewSeries:
    code: str
    alias: str = ""
    icse_id: str | None = None
    ncmec_name: str | None = None
    vics_name: str | None = None
    priority: int = Priority.NORMAL
    handling: str | None = None
    victim_sex: str = VictimSex.UNKNOWN
    victim_age_band: str | None = None
    production_period: str = ""
    in_icse: bool = False
    media: Sequence[dict[str, Any]] = field(default_factory=tuple)


class SeriesRow(NamedTuple):
    """One board line. A plain tuple so a Qt model can hold 10,000 of them cheaply."""

    id: int
    code: str
    alias: str
    status: str
    priority: int
    claimed_by: str | None
    claimed_by_name: str | None
    claim_expires_at: datetime | None
    top_country: str | None
    top_confidence: int | None
    clue_count: int
    media_count: int
    updated_at: datetime
    version: int
    identified_elsewhere: int


_TEXT_FIELDS = ("code", "alias", "icse_id", "ncmec_name", "vics_name", "production_period")


def validate_new_series(spec: NewSeries) -> None:
    if not spec.code.strip():
        raise InvalidInput("series code", "must not be empty")
    for name in _TEXT_FIELDS:
        checked("series", name, getattr(spec, name))
    Priority(spec.priority)
    if spec.handling is not None:
        HandlingCode(spec.handling)
    VictimSex(spec.victim_sex)
    if spec.victim_age_band is not None:
        AgeBand(spec.victim_age_band)


def add_series(tx: WriteTx, sprint_id: int, spec: NewSeries, default_handling: str) -> Series:
    """Create one series and its media inside an open transaction (used by import and demo)."""
    validate_new_series(spec)
    series = Series(sprint_id=sprint_id, code=spec.code.strip(), alias=spec.alias,
                    icse_id=spec.icse_id, ncmec_name=spec.ncmec_name, vics_name=spec.vics_name,
                    status=SeriesStatus.NEW.value, priority=int(spec.priority),
                    handling=spec.handling or default_handling, victim_sex=spec.victim_sex,
                    victim_age_band=spec.victim_age_band,
                    production_period=spec.production_period, in_icse=spec.in_icse,
                    created_at=tx.now, updated_at=tx.now)
    tx.session.add(series)
    tx.session.flush()
    if spec.media:
        tx.session.execute(insert(Media), [
            {**{k: m.get(k) for k in MEDIA_FIELDS}, "extra": m.get("extra") or {},
             "series_id": series.id} for m in spec.media
        ])
    tx.emit("series.created", "series", series.id, series_id=series.id, sprint_id=sprint_id,
            after={"code": series.code, "alias": series.alias, "media": len(spec.media)})
    return series


def create_series(db: Database, actor: str | None, sprint_id: int,
                  specs: Iterable[NewSeries]) -> Changes:
    """Create several series in one transaction: all or none."""
    from vidtask.services.common import load_sprint

    with write_tx(db, actor, Action.IMPORT_SERIES) as tx:
        sprint = load_sprint(tx.session, sprint_id)
        seen: set[str] = set()
        for spec in specs:
            if spec.code in seen or tx.session.scalar(select(Series.id).where(
                    Series.sprint_id == sprint_id, Series.code == spec.code)):
                raise InvalidInput("series code", f"{spec.code!r} already exists in this sprint")
            seen.add(spec.code)
            add_series(tx, sprint_id, spec, sprint.default_handling)
    return tx.changes


def link_series(tx: WriteTx, a: int, b: int, reason: str) -> None:
    first, second = sorted((a, b))
    exists = tx.session.scalar(select(SeriesLink.id).where(
        SeriesLink.series_a_id == first, SeriesLink.series_b_id == second))
    if exists is None:
        tx.session.add(SeriesLink(series_a_id=first, series_b_id=second, reason=reason,
                                  created_at=tx.now))
        tx.emit("series.linked", "series", first, series_id=first,
                after={"other": second, "reason": reason})


def update_series(db: Database, actor: str, series_id: int, expected_version: int,
                  **fields: Any) -> Changes:
    """Coordinators edit identifiers, priority, handling and victim description."""
    unknown = set(fields) - set(EDITABLE_SERIES_FIELDS)
    if unknown:
        raise InvalidInput("series", f"cannot edit {', '.join(sorted(unknown))}")
    from vidtask.domain.errors import StaleVersion

    with write_tx(db, actor, Action.EDIT_SERIES) as tx:
        series = load_series(tx.session, series_id, for_update=True)
        if series.version != expected_version:
            raise StaleVersion("series", series.code, expected_version, series.version)
        if "priority" in fields:
            Priority(fields["priority"])
        if "handling" in fields:
            HandlingCode(fields["handling"])
        if fields.get("victim_age_band") is not None:
            AgeBand(fields["victim_age_band"])
        for name in (*_TEXT_FIELDS, "notes"):
            if isinstance(fields.get(name), str):
                checked("series", name, fields[name])
        before = snapshot(series, tuple(fields))
        for name, value in fields.items():
            setattr(series, name, value)
        series.updated_at = tx.now
        tx.emit("series.updated", "series", series.id, series_id=series.id, before=before,
                after=fields)
    return tx.changes


@dataclass(frozen=True, slots=True)
class SeriesFilter:
    statuses: frozenset[str] = frozenset()
    claimed_by: str | None = None
    unclaimed_only: bool = False
    country: str | None = None
    text: str = ""
    limit: int | None = None
    #: Only these series (the board refreshes just the rows the change feed names).
    series_ids: frozenset[int] = frozenset()


def list_series(db: Database, sprint_id: int, filters: SeriesFilter | None = None
                ) -> list[SeriesRow]:
    """Board rows in priority order. Filtering happens in SQL (a proxy model is too slow)."""
    filters = filters or SeriesFilter()
    holder = aliased(Participant)
    top = aliased(CountryAssessment)
    clue_counts = (select(Clue.series_id, func.count().label("n"))
                   .group_by(Clue.series_id).subquery())
    media_counts = (select(Media.series_id, func.count().label("n"),
                           func.sum(func.coalesce(Media.victim_identified, False).cast(Integer))
                           .label("identified"))
                    .group_by(Media.series_id).subquery())
    query = (
        select(Series.id, Series.code, Series.alias, Series.status, Series.priority,
               holder.login, holder.display_name, Series.claim_expires_at, top.country,
               top.confidence, func.coalesce(clue_counts.c.n, 0),
               func.coalesce(media_counts.c.n, 0), Series.updated_at, Series.version,
               func.coalesce(media_counts.c.identified, 0))
        .outerjoin(holder, holder.id == Series.claimed_by_id)
        .outerjoin(top, and_(top.series_id == Series.id, top.rank == 1))
        .outerjoin(clue_counts, clue_counts.c.series_id == Series.id)
        .outerjoin(media_counts, media_counts.c.series_id == Series.id)
        .where(Series.sprint_id == sprint_id)
        .order_by(Series.priority, Series.code)
    )
    if filters.statuses:
        query = query.where(Series.status.in_(sorted(filters.statuses)))
    if filters.claimed_by:
        query = query.where(holder.login == filters.claimed_by)
    if filters.unclaimed_only:
        query = query.where(or_(Series.claimed_by_id.is_(None),
                                Series.claim_expires_at < func.current_timestamp()))
    if filters.country:
        query = query.where(Series.id.in_(select(CountryAssessment.series_id).where(
            CountryAssessment.country == filters.country.upper())))
    if filters.text.strip():
        needle = f"%{_escape_like(filters.text.strip())}%"
        query = query.where(or_(*(column.ilike(needle, escape="\\") for column in (
            Series.code, Series.alias, Series.icse_id, Series.ncmec_name, Series.vics_name))))
    if filters.series_ids:
        query = query.where(Series.id.in_(sorted(filters.series_ids)))
    if filters.limit:
        query = query.limit(filters.limit)
    with db.read() as session, collector_paused():
        # A Core execution: these are plain tuples, so ORM row loading would only cost time.
        rows = session.connection().execute(query).all()  # one fetchall, not a fetchone a row
        return [SeriesRow._make(row) for row in rows]


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def series_id_by_code(db: Database, sprint_id: int, code: str) -> int:
    with db.read() as session:
        found = session.scalar(select(Series.id).where(Series.sprint_id == sprint_id,
                                                       Series.code == code))
        if found is None:
            raise NotFound("series", repr(code))
        return found


def set_series_media_flags(tx: WriteTx, series_id: int) -> None:
    """Keep `updated_at` fresh after media changes (import adds to existing series)."""
    tx.session.execute(update(Series).where(Series.id == series_id).values(
        updated_at=tx.now, version=Series.version + 1).execution_options(
        synchronize_session=False))
