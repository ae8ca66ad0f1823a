"""Sprint dashboard figures: burn-up, per-country, clue categories, who is busy, what waits.

Every figure is one grouped query (a handful in all) so that a 600-series sprint loads in a few
milliseconds; the headline numbers come from `sprint_stats`, so the dashboard, `vidtask stats`
and the final report never disagree.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from vidtask.db.engine import Database
from vidtask.db.models import Clue, Event, Participant, Series
from vidtask.domain.enums import CLAIMABLE_STATUSES, Priority, Role, SeriesStatus
from vidtask.services.appeal_stats import AppealStats, appeal_stats
from vidtask.services.common import load_sprint
from vidtask.services.stats import ASSESSED_STATUSES, SprintStats, sprint_stats

#: A person holding a claim with no recorded work for this long looks stuck.
DEFAULT_STUCK_AFTER = timedelta(hours=4)
#: A person holding this many claims at once looks overloaded.
DEFAULT_OVERLOADED_AT = 4
RECENT_WINDOW = timedelta(hours=24)

PROPOSED = "series.proposed"
ELIMINATED = "series.eliminated"
CONFIRMED = "series.confirmed"
CLUE_ADDED = "clue.added"
#: Renewals are sent by an open window, not by a person working: they prove no progress.
NOT_ACTIVITY = frozenset({"claim.renewed", "claim.expired"})
CONFIRMED_STATUSES = (SeriesStatus.CONFIRMED, SeriesStatus.NOTIFIED)


@dataclass(frozen=True, slots=True)
class BurnUpDay:
    """Series assessed / confirmed by the end of one sprint day (cumulative)."""

    day: date
    assessed: int
    confirmed: int


@dataclass(frozen=True, slots=True)
class BurnUp:
    """The sprint's burn-up: elapsed days only; the axis runs from `starts_on` to `ends_on`."""

    starts_on: date
    ends_on: date
    total: int
    days: tuple[BurnUpDay, ...]


@dataclass(frozen=True, slots=True)
class ParticipantActivity:
    login: str
    display_name: str
    agency: str
    country: str | None
    claims_held: int
    clues_recent: int
    clues_total: int
    proposals_recent: int
    proposals_total: int
    last_activity: datetime | None
    stuck: bool
    overloaded: bool


@dataclass(frozen=True, slots=True)
class AgencyActivity:
    agency: str
    people: int
    claims_held: int
    clues_recent: int
    clues_total: int
    proposals_recent: int
    proposals_total: int
    stuck: int
    overloaded: int


@dataclass(frozen=True, slots=True)
class WaitingSeries:
    """An unclaimed high-priority series: work nobody has picked up."""

    series_id: int
    code: str
    alias: str
    priority: int
    status: str
    waiting_since: datetime


@dataclass(frozen=True)
class SprintDashboard:
    stats: SprintStats
    as_of: datetime
    burn_up: BurnUp
    clues_by_category: dict[str, int]
    participants: tuple[ParticipantActivity, ...]
    agencies: tuple[AgencyActivity, ...]
    unclaimed_high_priority: tuple[WaitingSeries, ...]
    unclaimed_high_priority_total: int
    stuck_after: timedelta = DEFAULT_STUCK_AFTER
    overloaded_at: int = DEFAULT_OVERLOADED_AT
    #: Trace an Object: tips, objects, countries found through tips
    appeals: AppealStats | None = None


def sprint_dashboard(db: Database, sprint_id: int, *,
                     stuck_after: timedelta = DEFAULT_STUCK_AFTER,
                     overloaded_at: int = DEFAULT_OVERLOADED_AT,
                     unclaimed_limit: int = 50) -> SprintDashboard:
    """Everything the dashboard tab shows, read in one short session (plus `sprint_stats`)."""
    stats = sprint_stats(db, sprint_id)
    appeals = appeal_stats(db, sprint_id)
    with db.read() as session:
        now = db.server_now(session)
        burn_up = _burn_up(session, sprint_id, now)
        categories = _clues_by_category(session, sprint_id)
        people = _participant_activity(session, sprint_id, now, stuck_after, overloaded_at)
        waiting, waiting_total = _unclaimed_high_priority(session, sprint_id, now,
                                                          unclaimed_limit)
    return SprintDashboard(
        stats=stats, as_of=now, burn_up=burn_up, clues_by_category=categories,
        participants=people, agencies=agency_activity(people),
        unclaimed_high_priority=waiting, unclaimed_high_priority_total=waiting_total,
        stuck_after=stuck_after, overloaded_at=overloaded_at, appeals=appeals)


def _burn_up(session: Session, sprint_id: int, now: datetime) -> BurnUp:
    sprint = load_sprint(session, sprint_id)
    total = session.scalar(select(func.count()).select_from(Series)
                           .where(Series.sprint_id == sprint_id)) or 0
    # Per series and action: its last proposal/elimination and first confirmation.
    rows = session.execute(
        select(Series.id, Series.status, Event.action, func.max(Event.occurred_at),
               func.min(Event.occurred_at))
        .join(Event, Event.series_id == Series.id)
        .where(Series.sprint_id == sprint_id,
               Series.status.in_([s.value for s in ASSESSED_STATUSES]),
               Event.action.in_((PROPOSED, ELIMINATED, CONFIRMED)))
        .group_by(Series.id, Series.status, Event.action)).all()
    assessed_at: dict[int, datetime] = {}
    confirmed_at: dict[int, datetime] = {}
    for series_id, status, action, last, first in rows:
        if action == CONFIRMED:
            if status in CONFIRMED_STATUSES:
                confirmed_at[series_id] = first
        elif series_id not in assessed_at or last > assessed_at[series_id]:
            assessed_at[series_id] = last
    # Series that reached their status without those events (imported) count from day one.
    statuses = dict(session.execute(
        select(Series.status, func.count()).where(
            Series.sprint_id == sprint_id,
            Series.status.in_([s.value for s in ASSESSED_STATUSES]))
        .group_by(Series.status)).all())
    assessed_now = sum(statuses.values())
    confirmed_now = sum(statuses.get(s.value, 0) for s in CONFIRMED_STATUSES)
    day_one = datetime.combine(sprint.starts_on, datetime.min.time(), now.tzinfo)
    assessed_days = Counter(t.date() for t in assessed_at.values())
    assessed_days[day_one.date()] += assessed_now - len(assessed_at)
    confirmed_days = Counter(t.date() for t in confirmed_at.values())
    confirmed_days[day_one.date()] += confirmed_now - len(confirmed_at)
    days: list[BurnUpDay] = []
    # Up to today, and past the end date only if work went on after it (the marker shows where).
    latest = max((t.date() for t in (*assessed_at.values(), *confirmed_at.values())),
                 default=sprint.starts_on)
    last_day = min(now.date(), max(sprint.ends_on, latest))
    # Work recorded before the sprint opened counts on its first day.
    assessed = sum(n for d, n in assessed_days.items() if d < sprint.starts_on)
    confirmed = sum(n for d, n in confirmed_days.items() if d < sprint.starts_on)
    day = sprint.starts_on
    while day <= last_day:
        assessed += assessed_days.get(day, 0)
        confirmed += confirmed_days.get(day, 0)
        days.append(BurnUpDay(day, assessed, confirmed))
        day += timedelta(days=1)
    return BurnUp(sprint.starts_on, sprint.ends_on, total, tuple(days))


def _clues_by_category(session: Session, sprint_id: int) -> dict[str, int]:
    rows = session.execute(
        select(Clue.category, func.count()).join(Series, Series.id == Clue.series_id)
        .where(Series.sprint_id == sprint_id).group_by(Clue.category)
        .order_by(func.count().desc(), Clue.category)).all()
    return dict(rows)


def _participant_activity(session: Session, sprint_id: int, now: datetime,
                          stuck_after: timedelta, overloaded_at: int
                          ) -> tuple[ParticipantActivity, ...]:
    held = dict(session.execute(
        select(Series.claimed_by_id, func.count()).where(
            Series.sprint_id == sprint_id, Series.claimed_by_id.is_not(None))
        .group_by(Series.claimed_by_id)).all())
    since = now - RECENT_WINDOW
    counts: dict[int, Counter[str]] = {}
    recent: dict[int, Counter[str]] = {}
    last_seen: dict[int, datetime] = {}
    for actor_id, action, count, count_recent, latest in session.execute(
            select(Event.actor_id, Event.action, func.count(),
                   func.count().filter(Event.occurred_at >= since), func.max(Event.occurred_at))
            .join(Series, Series.id == Event.series_id)
            .where(Series.sprint_id == sprint_id, Event.actor_id.is_not(None))
            .group_by(Event.actor_id, Event.action)):
        if actor_id is None:
            continue
        counts.setdefault(actor_id, Counter())[action] = count
        recent.setdefault(actor_id, Counter())[action] = count_recent
        if action not in NOT_ACTIVITY and (actor_id not in last_seen
                                           or latest > last_seen[actor_id]):
            last_seen[actor_id] = latest
    people = session.execute(
        select(Participant.id, Participant.login, Participant.display_name, Participant.agency,
               Participant.country, Participant.role, Participant.active)
        .order_by(Participant.display_name, Participant.login)).all()
    result: list[ParticipantActivity] = []
    for pid, login, name, agency, country, role, active in people:
        claims_held = held.get(pid, 0)
        last: datetime | None = last_seen.get(pid)
        total, fresh = counts.get(pid, Counter()), recent.get(pid, Counter())
        # Admins appear only when they do casework (setting up series is not casework).
        casework = claims_held or total[CLUE_ADDED] or total[PROPOSED]
        if not casework and (not active or role == Role.ADMIN):
            continue
        result.append(ParticipantActivity(
            login=login, display_name=name, agency=agency or "", country=country,
            claims_held=claims_held, clues_recent=fresh[CLUE_ADDED],
            clues_total=total[CLUE_ADDED], proposals_recent=fresh[PROPOSED],
            proposals_total=total[PROPOSED], last_activity=last,
            stuck=claims_held > 0 and (last is None or now - last > stuck_after),
            overloaded=claims_held >= overloaded_at))
    return tuple(result)


def agency_activity(people: tuple[ParticipantActivity, ...]) -> tuple[AgencyActivity, ...]:
    """Sum participants per agency, busiest (most proposals) first."""
    sums: dict[str, list[int]] = {}
    for p in people:
        row = sums.setdefault(p.agency or "(no agency)", [0] * 8)
        for index, value in enumerate((1, p.claims_held, p.clues_recent, p.clues_total,
                                       p.proposals_recent, p.proposals_total, int(p.stuck),
                                       int(p.overloaded))):
            row[index] += value
    agencies = [AgencyActivity(name, *values) for name, values in sums.items()]
    agencies.sort(key=lambda a: (-a.proposals_total, -a.clues_total, a.agency))
    return tuple(agencies)


def _unclaimed_high_priority(session: Session, sprint_id: int, now: datetime, limit: int
                             ) -> tuple[tuple[WaitingSeries, ...], int]:
    waiting = (Series.sprint_id == sprint_id, Series.priority <= Priority.HIGH,
               Series.status.in_([s.value for s in CLAIMABLE_STATUSES]),
               # An expired lease frees the series for anyone: count it as unclaimed.
               (Series.claimed_by_id.is_(None)) | (Series.claim_expires_at < now))
    rows = session.execute(
        select(Series.id, Series.code, Series.alias, Series.priority, Series.status,
               Series.created_at)
        .where(*waiting)
        .order_by(Series.priority, Series.created_at, Series.code).limit(limit)).all()
    total = session.scalar(select(func.count()).select_from(Series).where(*waiting)) or 0
    return tuple(WaitingSeries(*row) for row in rows), total
