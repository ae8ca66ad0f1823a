"""Sprint statistics: the headline numbers coordinators and the press office quote."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from sqlalchemy import distinct, func, select

from vidtask.db.core_tables import (
    clues,
    country_assessments,
    country_feedback,
    media,
    series,
    sprints,
)
from vidtask.db.engine import Database
from vidtask.domain.enums import SeriesStatus

ASSESSED_STATUSES = (SeriesStatus.PROPOSED, SeriesStatus.CONFIRMED, SeriesStatus.NOTIFIED,
                     SeriesStatus.ELIMINATED)
LIKELY_COUNTRY_STATUSES = (SeriesStatus.PROPOSED, SeriesStatus.CONFIRMED, SeriesStatus.NOTIFIED)


@dataclass(frozen=True)
class SprintStats:
    sprint: str
    series_total: int
    by_status: dict[str, int]
    claimed: int
    assessed: int
    with_likely_country: int
    confirmed: int
    notified: int
    eliminated: int
    media_total: int
    clues_total: int
    countries_with_confirmed: int
    confirmed_per_country: dict[str, int] = field(default_factory=dict)
    victims_identified: int = 0
    victims_safeguarded: int = 0
    offenders_identified: int = 0

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


def sprint_stats(db: Database, sprint_id: int) -> SprintStats:
    # Core on lightweight tables, one read transaction: `vidtask stats` never loads the ORM.
    with db.engine.connect() as connection:
        sprint_name = connection.scalar(
            select(sprints.c.name).where(sprints.c.id == sprint_id)) or "?"
        in_sprint = select(series.c.id).where(series.c.sprint_id == sprint_id)
        by_status = {s.value: 0 for s in SeriesStatus}
        for status, count in connection.execute(
                select(series.c.status, func.count()).where(series.c.sprint_id == sprint_id)
                .group_by(series.c.status)):
            by_status[status] = count
        claimed = connection.scalar(select(func.count()).select_from(series).where(
            series.c.sprint_id == sprint_id, series.c.claimed_by_id.is_not(None))) or 0
        assessed_series = func.count(distinct(country_assessments.c.series_id))
        per_country = {country: count for country, count in connection.execute(
            select(country_assessments.c.country, assessed_series)
            .where(country_assessments.c.confirmed.is_(True),
                   country_assessments.c.series_id.in_(in_sprint))
            .group_by(country_assessments.c.country)
            .order_by(assessed_series.desc(), country_assessments.c.country))}
        media_total = connection.scalar(select(func.count()).select_from(media).where(
            media.c.series_id.in_(in_sprint))) or 0
        clues_total = connection.scalar(select(func.count()).select_from(clues).where(
            clues.c.series_id.in_(in_sprint))) or 0
        fed_back = func.count(distinct(country_feedback.c.series_id))
        feedback = connection.execute(select(
            fed_back.filter(country_feedback.c.victim_identified.is_(True)),
            fed_back.filter(country_feedback.c.victim_safeguarded.is_(True)),
            fed_back.filter(country_feedback.c.offender_identified.is_(True)),
        ).where(country_feedback.c.series_id.in_(in_sprint))).one()
    total = sum(by_status.values())
    return SprintStats(
        sprint=sprint_name, series_total=total, by_status=by_status, claimed=claimed,
        assessed=sum(by_status[s] for s in ASSESSED_STATUSES),
        with_likely_country=sum(by_status[s] for s in LIKELY_COUNTRY_STATUSES),
        confirmed=by_status[SeriesStatus.CONFIRMED] + by_status[SeriesStatus.NOTIFIED],
        notified=by_status[SeriesStatus.NOTIFIED], eliminated=by_status[SeriesStatus.ELIMINATED],
        media_total=media_total, clues_total=clues_total,
        countries_with_confirmed=len(per_country), confirmed_per_country=per_country,
        victims_identified=feedback[0] or 0, victims_safeguarded=feedback[1] or 0,
        offenders_identified=feedback[2] or 0)
