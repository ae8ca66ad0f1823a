"""Trace an Object's figures for a sprint, the ones Europol publishes (domain.md §4): tips
received, tips per object, countries found through tips, objects found too widespread.

A handful of grouped queries; the dashboard and the press report read the same `AppealStats`,
so they never disagree.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import func, select

from vidtask.db.engine import Database
from vidtask.db.models import AppealObject, Series, Tip
from vidtask.domain.appeals import USEFUL_TIPS
from vidtask.domain.enums import AppealOutcome, AppealStatus


@dataclass(frozen=True)
class AppealStats:
    objects_published: int  # ever made public (on appeal now, or withdrawn after)
    objects_on_appeal: int  # public now
    tips_received: int
    tips_useful: int  # found relevant, developed or disseminated
    tips_made_clues: int
    identified: int  # objects traced to a country: "a country found through tips"
    too_widespread: int
    no_result: int
    countries_identified: tuple[str, ...]  # the countries those objects were traced to
    tips_per_object: tuple[tuple[str, int], ...]  # public ID, tips; most first
    tips_per_country: tuple[tuple[str, int], ...]  # suggested country, tips; most first

    @property
    def countries_found(self) -> int:
        """Distinct countries found through tips."""
        return len(self.countries_identified)

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


def appeal_stats(db: Database, sprint_id: int) -> AppealStats:
    in_sprint = select(Series.id).where(Series.sprint_id == sprint_id)
    objects = AppealObject.series_id.in_(in_sprint)
    useful = [s.value for s in USEFUL_TIPS]
    with db.read() as session:
        published, on_appeal, identified, widespread, no_result = session.execute(select(
            func.count().filter(AppealObject.published_at.is_not(None)),
            func.count().filter(AppealObject.status == AppealStatus.PUBLISHED),
            func.count().filter(AppealObject.outcome == AppealOutcome.IDENTIFIED),
            func.count().filter(AppealObject.outcome == AppealOutcome.TOO_WIDESPREAD),
            func.count().filter(AppealObject.outcome == AppealOutcome.NO_RESULT),
        ).where(objects)).one()
        countries = tuple(str(c) for c in session.scalars(
            select(AppealObject.outcome_country).distinct()
            .where(objects, AppealObject.outcome_country.is_not(None))
            .order_by(AppealObject.outcome_country)))
        tip_objects = (select(AppealObject.id).where(objects)).scalar_subquery()
        received, useful_count, clues = session.execute(select(
            func.count(), func.count().filter(Tip.status.in_(useful)),
            func.count().filter(Tip.clue_id.is_not(None)),
        ).where(Tip.appeal_object_id.in_(tip_objects))).one()
        per_object = tuple((public, int(n)) for public, n in session.execute(
            select(AppealObject.public_id, func.count(Tip.id))
            .join(Tip, Tip.appeal_object_id == AppealObject.id)
            .where(objects).group_by(AppealObject.public_id)
            .order_by(func.count(Tip.id).desc(), AppealObject.public_id)))
        per_country = tuple((str(country), int(n)) for country, n in session.execute(
            select(Tip.suggested_country, func.count())
            .where(Tip.appeal_object_id.in_(tip_objects), Tip.suggested_country.is_not(None))
            .group_by(Tip.suggested_country)
            .order_by(func.count().desc(), Tip.suggested_country)))
    return AppealStats(
        objects_published=int(published), objects_on_appeal=int(on_appeal),
        tips_received=int(received), tips_useful=int(useful_count), tips_made_clues=int(clues),
        identified=int(identified), too_widespread=int(widespread), no_result=int(no_result),
        countries_identified=countries, tips_per_object=per_object,
        tips_per_country=per_country)
