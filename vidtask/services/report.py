"""The final sprint report: choose the publishable figures and write them as a PDF.

Only aggregates leave this module: headline counts equal to `sprint_stats` (so equal to
`vidtask stats --json`), the burn-up, countries and agencies. No series codes, clues or victims.
What the press may quote must not overstate: the people counted are those who recorded at least
one action in the sprint (setting it up does not count), and the media counted are those of the
series somebody worked on (claimed, or recorded a clue, assessment or decision on).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any, BinaryIO

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from vidtask.db.engine import Database
from vidtask.db.models import Event, Media, Series
from vidtask.domain.countries_basic import country_label
from vidtask.interchange.atomic_files import staged_file
from vidtask.interchange.sprint_report import AgencyLine, SprintReportData, render_sprint_report
from vidtask.services.common import load_sprint
from vidtask.services.dashboard import SprintDashboard, agency_activity, sprint_dashboard
from vidtask.services.stats import SprintStats

#: Headline label for each `SprintStats` field, in the order the report prints them.
HEADLINE_FIELDS: tuple[tuple[str, str], ...] = (
    ("series_total", "Series in the sprint"),
    ("assessed", "Series assessed"),
    ("with_likely_country", "Likely country found"),
    ("confirmed", "Confirmed by coordinators"),
    ("countries_with_confirmed", "Countries concerned"),
    ("notified", "Notified to countries"),
    ("eliminated", "Closed without a country"),
    ("clues_total", "Location clues recorded"),
    ("victims_identified", "Victims identified"),
    ("victims_safeguarded", "Victims safeguarded"),
    ("offenders_identified", "Offenders identified"),
)
MEDIA_WORKED_LABEL = "Media records in the series worked on"
#: Trace an Object's figures (`AppealStats`), as Europol publishes them.
APPEAL_FIELDS: tuple[tuple[str, str], ...] = (
    ("tips_received", "Tips received from the public"),
    ("objects_published", "Objects published"),
    ("identified", "Objects traced to a country"),
    ("countries_found", "Countries found through tips"),
    ("too_widespread", "Objects found too widespread"),
    ("tips_made_clues", "Tips that became location clues"),
)
#: Events that set a sprint up rather than work it: they make nobody a participant.
SETUP_ACTIONS = ("sprint.created", "sprint.edited", "sprint.signing_key_replaced",
                 "participant.added", "roles.initialised", "series.created",
                 "series.media_imported", "intake.imported")
#: Events that mean somebody worked on the series itself.
CASEWORK_ACTIONS = ("claim.taken", "clue.added", "clue.edited", "assessment.ranked",
                    "series.proposed", "series.confirmed", "series.sent_back",
                    "series.eliminated", "comment.added")


def headline_figures(stats: SprintStats, media_worked: int) -> tuple[tuple[str, int], ...]:
    figures = [(label, int(getattr(stats, name))) for name, label in HEADLINE_FIELDS]
    figures.insert(8, (MEDIA_WORKED_LABEL, media_worked))
    return tuple(figures)


def _in_sprint(sprint_id: int) -> Any:
    return (Event.sprint_id == sprint_id) | Event.series_id.in_(
        select(Series.id).where(Series.sprint_id == sprint_id))


def _participants_who_acted(session: Session, sprint_id: int) -> set[str]:
    return set(session.scalars(select(Event.actor_login).distinct().where(
        Event.actor_id.is_not(None), Event.action.not_in(SETUP_ACTIONS),
        _in_sprint(sprint_id))))


def _media_of_worked_series(session: Session, sprint_id: int) -> int:
    worked = select(Event.series_id).distinct().where(
        Event.action.in_(CASEWORK_ACTIONS), Event.series_id.in_(
            select(Series.id).where(Series.sprint_id == sprint_id)))
    return int(session.scalar(select(func.count()).select_from(Media).where(
        Media.series_id.in_(worked))) or 0)


def report_data(db: Database, sprint_id: int, *, dashboard: SprintDashboard | None = None
                ) -> SprintReportData:
    """The publishable figures of a sprint (reuses a dashboard already loaded, if given)."""
    board = dashboard or sprint_dashboard(db, sprint_id)
    with db.read() as session:
        sprint = load_sprint(session, sprint_id)
        starts_on, ends_on, unit = sprint.starts_on, sprint.ends_on, sprint.issuing_unit
        organiser = sprint.organiser
        acted = _participants_who_acted(session, sprint_id)
        media_worked = _media_of_worked_series(session, sprint_id)
    people = tuple(p for p in board.participants if p.login in acted)
    countries_of: dict[str, set[str]] = {}
    for person in people:
        if person.country:
            countries_of.setdefault(person.agency or "(no agency)", set()).add(person.country)
    agencies = tuple(
        AgencyLine(agency=a.agency,
                   country=", ".join(country_label(c) for c in sorted(countries_of.get(a.agency,
                                                                                     ()))),
                   participants=a.people, series_assessed=a.proposals_total,
                   clues_recorded=a.clues_total)
        for a in sorted(agency_activity(people), key=lambda a: a.agency.casefold()))
    return SprintReportData(
        sprint_name=board.stats.sprint, starts_on=starts_on, ends_on=ends_on,
        issuing_unit=unit, organiser=organiser, generated_on=board.as_of.date(),
        headline=headline_figures(board.stats, media_worked),
        series_total=board.stats.series_total,
        burn_up=tuple((d.day, d.assessed, d.confirmed) for d in board.burn_up.days),
        countries=tuple((country_label(code), count)
                        for code, count in board.stats.confirmed_per_country.items()),
        agencies=agencies, participants_total=len(people),
        appeal=tuple((label, int(getattr(board.appeals, name))) for name, label in APPEAL_FIELDS)
        if board.appeals and board.appeals.objects_published else (),
        tips_per_object=board.appeals.tips_per_object if board.appeals else ())


def export_sprint_report(db: Database, sprint_id: int, out: Path | BinaryIO, *,
                         dashboard: SprintDashboard | None = None) -> None:
    """Write the press-office PDF for a sprint to `out` (a path appears whole or not at all)."""
    data = report_data(db, sprint_id, dashboard=dashboard)
    if not isinstance(out, Path):
        render_sprint_report(data, out)
        return
    with staged_file(out) as staged:
        render_sprint_report(data, staged.stream)


def default_report_name(sprint_name: str, on: date) -> str:
    safe = "".join(ch if ch.isalnum() else "-" for ch in sprint_name).strip("-") or "sprint"
    return f"{safe}-summary-{on:%Y-%m-%d}.pdf"
