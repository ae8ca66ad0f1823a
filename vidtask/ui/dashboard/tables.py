"""Small read-only table models for the dashboard: participant activity and waiting series.

Updated in place: when the same rows come back in the same order only `dataChanged` is sent,
so selection and scroll position survive a refresh (a reset only when the rows themselves change).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from PySide6.QtGui import QColor

from vidtask.domain import wording
from vidtask.domain.enums import Priority
from vidtask.services.dashboard import ParticipantActivity, WaitingSeries
from vidtask.ui.rows_model import Column, RowsModel

STUCK_BACKGROUND = QColor("#fde2e1")
OVERLOADED_BACKGROUND = QColor("#fff1cc")


def _ago(when: datetime | None, now: datetime) -> str:
    if when is None:
        return "never"
    minutes = max(int((now - when).total_seconds() // 60), 0)
    if minutes < 60:
        return f"{minutes} min ago"
    if minutes < 48 * 60:
        return f"{minutes // 60} h ago"
    return f"{minutes // (24 * 60)} days ago"


def participant_model(now: Callable[[], datetime]) -> RowsModel[ParticipantActivity]:
    def state(p: ParticipantActivity) -> str:
        flags = [*(["stuck"] if p.stuck else []), *(["overloaded"] if p.overloaded else [])]
        return ", ".join(flags)

    def background(p: ParticipantActivity) -> QColor | None:
        return STUCK_BACKGROUND if p.stuck else OVERLOADED_BACKGROUND if p.overloaded else None

    columns: list[Column[ParticipantActivity]] = [
        Column("Participant", lambda p: p.display_name),
        Column("Agency", lambda p: p.agency),
        Column("Claims", lambda p: p.claims_held, True, "series held now"),
        Column("Clues 24 h", lambda p: p.clues_recent, True, "clues added in the last 24 hours"),
        Column("Clues", lambda p: p.clues_total, True, "clues added during the sprint"),
        Column("Proposed 24 h", lambda p: p.proposals_recent, True,
               "series proposed in the last 24 hours"),
        Column("Proposed", lambda p: p.proposals_total, True, "series proposed in the sprint"),
        Column("Last activity", lambda p: _ago(p.last_activity, now())),
        Column("Attention", state),
    ]
    return RowsModel(columns, key=lambda p: p.login, background=background)


def waiting_model(now: Callable[[], datetime]) -> RowsModel[WaitingSeries]:
    columns: list[Column[WaitingSeries]] = [
        Column("Series", lambda s: s.code),
        Column("Alias", lambda s: s.alias),
        Column("Priority", lambda s: Priority(s.priority).label),
        Column("Status", lambda s: wording.series_status(s.status)),
        Column("Waiting", lambda s: _ago(s.waiting_since, now()).removesuffix(" ago")),
    ]
    return RowsModel(columns, key=lambda s: s.series_id)
