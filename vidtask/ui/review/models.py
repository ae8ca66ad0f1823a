"""Table models of the review screen over plain service values (ReviewItem, DisseminationEntry)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt

from vidtask.services.review import DisseminationEntry, ReviewItem
from vidtask.ui.qt_types import AnyIndex


def top_candidates(item: ReviewItem, limit: int = 3) -> str:
    return ", ".join(f"{c.country} {c.confidence} %" for c in item.candidates[:limit])


class ReviewQueueModel(QAbstractTableModel):
    HEADERS = ("Series", "Alias", "Top candidates", "Assessed by", "Proposed at")

    def __init__(self) -> None:
        super().__init__()
        self._rows: list[ReviewItem] = []

    def set_rows(self, rows: Sequence[ReviewItem]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def item(self, row: int) -> ReviewItem:
        return self._rows[row]

    def row_of(self, series_id: int) -> int | None:
        return next((i for i, r in enumerate(self._rows) if r.series_id == series_id), None)

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.HEADERS[section]
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or role not in (Qt.ItemDataRole.DisplayRole,
                                               Qt.ItemDataRole.ToolTipRole):
            return None
        item = self._rows[index.row()]
        column = index.column()
        if column == 0:
            return item.code
        if column == 1:
            return item.alias
        if column == 2:
            return top_candidates(item)
        if column == 3:
            return ", ".join(item.assessors)
        if item.proposed_at is None:
            return ""
        return item.proposed_at.strftime("%Y-%m-%d %H:%M")


class DisseminationModel(QAbstractTableModel):
    HEADERS = ("Country", "Waiting", "Sent", "Waiting series", "Sent series")

    def __init__(self) -> None:
        super().__init__()
        self._rows: list[DisseminationEntry] = []

    def set_rows(self, rows: Sequence[DisseminationEntry]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def entry(self, row: int) -> DisseminationEntry:
        return self._rows[row]

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.HEADERS[section]
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        entry = self._rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (1, 2):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return None
        return (f"{entry.country} — {entry.country_name}", len(entry.waiting), len(entry.sent),
                ", ".join(entry.waiting), ", ".join(entry.sent))[column]
