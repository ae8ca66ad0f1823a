"""Timeline of a series: every event from the append-only log, as a read-only table."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeAlias

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from vidtask.services.series_detail import TimelineEntry
from vidtask.ui.common import local_time

Index: TypeAlias = QModelIndex | QPersistentModelIndex

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


class TimelineModel(QAbstractTableModel):
    HEADERS = ("When", "Who", "What", "Details")

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.entries: list[TimelineEntry] = []

    def set_entries(self, entries: Sequence[TimelineEntry]) -> None:
        self.beginResetModel()
        self.entries = list(entries)
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.entries)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.HEADERS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        entry = self.entries[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return (local_time(entry.occurred_at, "%d %b %H:%M:%S"), entry.actor,
                    ACTION_WORDS.get(entry.action, entry.action), _details(entry)
                    )[index.column()]
        return None
