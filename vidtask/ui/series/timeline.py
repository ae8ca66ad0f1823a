"""Timeline of a series: every event from the append-only log, as a read-only table."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QObject

from vidtask.services.series_detail import TimelineEntry
from vidtask.ui.common import local_time
from vidtask.ui.rows_model import Column, RowsModel

ACTION_WORDS = {
    "series.created": "created the series", "series.updated": "edited the series",
    "series.linked": "linked another series", "claim.taken": "claimed it",
    "claim.renewed": "extended the claim", "claim.released": "released the claim",
    "claim.expired": "claim expired", "claim.force_released": "force-released the claim",
    "clue.added": "added a clue", "clue.edited": "edited a clue", "clue.deleted": "deleted a clue",
    "assessment.ranked": "ranked candidate countries",
    "series.proposed": "proposed for confirmation", "comment.added": "commented",
}


def _details(entry: TimelineEntry) -> str:
    after = entry.after or {}
    before = entry.before or {}
    if entry.action.startswith("clue."):
        text = str(after.get("description") or before.get("description") or "")
        return text if len(text) <= 90 else text[:89] + "…"
    if entry.action == "assessment.ranked":
        return ", ".join(f"{c['rank']}. {c['country']} {c['confidence']} %"
                         for c in after.get("ranked", []))
    if entry.action == "claim.force_released":
        return f"{before.get('holder', '')}: {after.get('reason', '')}"
    if entry.action == "claim.expired":
        return str(before.get("holder", ""))
    if "reason" in after:
        return str(after["reason"])
    return ""


COLUMNS: list[Column[TimelineEntry]] = [
    Column("When", lambda e: local_time(e.occurred_at, seconds=True)),
    Column("Who", lambda e: e.who),
    Column("What", lambda e: ACTION_WORDS.get(e.action, e.action)),
    Column("Details", _details),
]


class TimelineModel(RowsModel[TimelineEntry]):
    def __init__(self, parent: QObject | None = None) -> None:
        # Details are clipped to the column: the tooltip shows the whole text.
        super().__init__(COLUMNS, text_tips=True, parent=parent)

    @property
    def entries(self) -> list[TimelineEntry]:
        return self.rows()

    def set_entries(self, entries: Sequence[TimelineEntry]) -> None:
        self.set_rows(entries)
