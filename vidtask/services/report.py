"""The final sprint report: choose the publishable figures and write them as a PDF.

Only aggregates leave this module: headline counts equal to `sprint_stats` (so equal to
`vidtask stats --json`), the burn-up, countries and agencies. No series codes, clues or victims.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import BinaryIO

from vidtask.db.engine import Database
from vidtask.domain.countries_basic import country_label
from vidtask.interchange.sprint_report import AgencyLine, SprintReportData, render_sprint_report
from vidtask.services.common import load_sprint
from vidtask.services.dashboard import SprintDashboard, sprint_dashboard
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
    ("media_total", "Media records reviewed"),
    ("victims_identified", "Victims identified"),
    ("victims_safeguarded", "Victims safeguarded"),
    ("offenders_identified", "Offenders identified"),
)


def headline_figures(stats: SprintStats) -> tuple[tuple[str, int], ...]:
    return tuple((label, int(getattr(stats, name))) for name, label in HEADLINE_FIELDS)


def report_data(db: Database, sprint_id: int, *, dashboard: SprintDashboard | None = None
                ) -> SprintReportData:
    """The publishable figures of a sprint (reuses a dashboard already loaded, if given)."""
    board = dashboard or sprint_dashboard(db, sprint_id)
    with db.read() as session:
        sprint = load_sprint(session, sprint_id)
        starts_on, ends_on, unit = sprint.starts_on, sprint.ends_on, sprint.issuing_unit
    countries_of: dict[str, set[str]] = {}
    for person in board.participants:
        if person.country:
            countries_of.setdefault(person.agency or "(no agency)", set()).add(person.country)
    agencies = tuple(
        AgencyLine(agency=a.agency,
                   country=", ".join(country_label(c) for c in sorted(countries_of.get(a.agency,
                                                                                     ()))),
                   participants=a.people, series_assessed=a.proposals_total,
                   clues_recorded=a.clues_total)
        for a in sorted(board.agencies, key=lambda a: a.agency.casefold()))
    return SprintReportData(
        sprint_name=board.stats.sprint, starts_on=starts_on, ends_on=ends_on,
        issuing_unit=unit, generated_on=board.as_of.date(),
        headline=headline_figures(board.stats), series_total=board.stats.series_total,
        burn_up=tuple((d.day, d.assessed, d.confirmed) for d in board.burn_up.days),
        countries=tuple((country_label(code), count)
                        for code, count in board.stats.confirmed_per_country.items()),
        agencies=agencies, participants_total=len(board.participants))


def export_sprint_report(db: Database, sprint_id: int, out: Path | BinaryIO, *,
                         dashboard: SprintDashboard | None = None) -> None:
    """Write the press-office PDF for a sprint to `out`."""
    render_sprint_report(report_data(db, sprint_id, dashboard=dashboard), out)


def default_report_name(sprint_name: str, on: date) -> str:
    safe = "".join(ch if ch.isalnum() else "-" for ch in sprint_name).strip("-") or "sprint"
    return f"{safe}-summary-{on:%Y-%m-%d}.pdf"
