"""Sprint statistics: the headline numbers coordinators and the press office quote."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from sqlalchemy import distinct, func, select

from vidtask.db.engine import Database
from vidtask.db.models import Clue, CountryAssessment, CountryFeedback, Media, Series
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
    with db.read() as session:
        from vidtask.db.models import Sprint

        sprint_name = session.scalar(select(Sprint.name).where(Sprint.id == sprint_id)) or "?"
        in_sprint = select(Series.id).where(Series.sprint_id == sprint_id)
        by_status = {s.value: 0 for s in SeriesStatus}
        for status, count in session.execute(
                select(Series.status, func.count()).where(Series.sprint_id == sprint_id)
                .group_by(Series.status)):
            by_status[status] = count
        claimed = session.scalar(select(func.count()).where(
            Series.sprint_id == sprint_id, Series.claimed_by_id.is_not(None))) or 0
        per_country = {country: count for country, count in session.execute(
            select(CountryAssessment.country, func.count(distinct(CountryAssessment.series_id)))
            .where(CountryAssessment.confirmed.is_(True),
                   CountryAssessment.series_id.in_(in_sprint))
            .group_by(CountryAssessment.country)
            .order_by(func.count(distinct(CountryAssessment.series_id)).desc(),
                      CountryAssessment.country))}
        media_total = session.scalar(select(func.count()).select_from(Media).where(
            Media.series_id.in_(in_sprint))) or 0
        clues_total = session.scalar(select(func.count()).select_from(Clue).where(
            Clue.series_id.in_(in_sprint))) or 0
        feedback = session.execute(select(
            func.count(distinct(CountryFeedback.series_id)).filter(
                CountryFeedback.victim_identified.is_(True)),
            func.count(distinct(CountryFeedback.series_id)).filter(
                CountryFeedback.victim_safeguarded.is_(True)),
            func.count(distinct(CountryFeedback.series_id)).filter(
                CountryFeedback.offender_identified.is_(True)),
        ).where(CountryFeedback.series_id.in_(in_sprint))).one()
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
