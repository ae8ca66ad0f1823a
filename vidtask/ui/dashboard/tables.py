"""Small read-only table models for the dashboard: participant activity and waiting series.

Updated in place: when the same rows come back in the same order only `dataChanged` is sent,
so selection and scroll position survive a refresh (a reset only when the rows themselves change).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QTableView

from vidtask.domain.enums import Priority, SeriesStatus
from vidtask.services.dashboard import ParticipantActivity, WaitingSeries
from vidtask.ui.qt_types import AnyIndex

Row = TypeVar("Row")

STUCK_BACKGROUND = QColor("#fde2e1")
OVERLOADED_BACKGROUND = QColor("#fff1cc")


@dataclass(frozen=True)
class Column(Generic[Row]):
    header: str
    value: Callable[[Row], Any]
    numeric: bool = False
    tooltip: str = ""


class RowsModel(QAbstractTableModel, Generic[Row]):
    """Rows of frozen dataclasses shown through column getters."""

    def __init__(self, columns: Sequence[Column[Row]], key: Callable[[Row], object],
                 background: Callable[[Row], QColor | None] | None = None) -> None:
        super().__init__()
        self._columns = list(columns)
        self._key = key
        self._background = background
        self._rows: list[Row] = []
        self._cells: list[tuple[Any, ...]] = []
        self._backgrounds: list[QBrush | None] = []

    def rows(self) -> list[Row]:
        return list(self._rows)

    def display_rows(self) -> list[tuple[Any, ...]]:
        return list(self._cells)

    def set_rows(self, rows: Sequence[Row]) -> None:
        rows = list(rows)
        # Cells are worked out once here: views ask for them thousands of times per paint.
        cells = [tuple(column.value(row) for column in self._columns) for row in rows]
        backgrounds = [self._brush(row) for row in rows]
        if [self._key(r) for r in rows] == [self._key(r) for r in self._rows]:
            changed = [i for i, (old, new) in enumerate(zip(self._cells, cells, strict=True))
                       if old != new or self._backgrounds[i] != backgrounds[i]]
            self._rows, self._cells, self._backgrounds = rows, cells, backgrounds
            if changed:
                self.dataChanged.emit(self.index(min(changed), 0),
                                      self.index(max(changed), len(self._columns) - 1))
            return
        self.beginResetModel()
        self._rows, self._cells, self._backgrounds = rows, cells, backgrounds
        self.endResetModel()

    def _brush(self, row: Row) -> QBrush | None:
        colour = self._background(row) if self._background is not None else None
        return QBrush(colour) if colour is not None else None

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._columns)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self._columns):
            return None
        column = self._columns[section]
        if role == Qt.ItemDataRole.DisplayRole:
            return column.header
        if role == Qt.ItemDataRole.ToolTipRole:
            return column.tooltip or None
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            return self._cells[index.row()][index.column()] if index.isValid() else None
        if role == Qt.ItemDataRole.BackgroundRole:
            return self._backgrounds[index.row()] if index.isValid() else None
        if role == Qt.ItemDataRole.TextAlignmentRole and index.isValid() \
                and self._columns[index.column()].numeric:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def fit_columns(self, view: QTableView) -> None:
        """Size columns to their widest cell, from the cached text (no per-cell view queries)."""
        metrics = view.fontMetrics()
        padding = 2 * metrics.horizontalAdvance("M")
        for number, column in enumerate(self._columns):
            texts = [column.header, *(str(cells[number]) for cells in self._cells)]
            view.setColumnWidth(number, max(metrics.horizontalAdvance(t) for t in texts)
                                + padding)


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
        Column("Status", lambda s: SeriesStatus(s.status).label),
        Column("Waiting", lambda s: _ago(s.waiting_since, now()).removesuffix(" ago")),
    ]
    return RowsModel(columns, key=lambda s: s.series_id)
