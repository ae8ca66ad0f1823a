"""A read-only table model over a list of plain rows, shown through column getters.

Everything a view paints (text, brushes, tooltips) is worked out once per `set_rows`: views ask
for cells thousands of times per paint. With a `key`, the same rows coming back in the same order
only send `dataChanged`, so selection and scroll position survive a refresh; without one every
`set_rows` is a model reset (views that re-select after a refresh rely on that).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QTableView

from vidtask.ui.qt_types import AnyIndex

Row = TypeVar("Row")

_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)


@dataclass(frozen=True)
class Column(Generic[Row]):
    """One column: its header, the cell's value, and optional per-cell extras.

    `tooltip` is the header's tooltip; `cell_tooltip` and `foreground` are per cell.
    """

    header: str
    value: Callable[[Row], Any]
    numeric: bool = False
    tooltip: str = ""
    cell_tooltip: Callable[[Row], str | None] | None = None
    foreground: Callable[[Row], QColor | None] | None = None


@dataclass(frozen=True)
class _Shown:
    """What the view sees of one row, compared to find the rows a refresh changed."""

    cells: tuple[Any, ...]
    background: QBrush | None
    foregrounds: tuple[QColor | None, ...]
    tooltips: tuple[Any, ...]


class RowsModel(QAbstractTableModel, Generic[Row]):
    """Rows (frozen dataclasses) shown through column getters.

    tooltip: the row's tooltip on every cell whose column has no `cell_tooltip`.
    text_tips: cells without another tooltip show their own text as one (long, clipped texts).
    """

    def __init__(self, columns: Sequence[Column[Row]],
                 key: Callable[[Row], object] | None = None,
                 background: Callable[[Row], QColor | None] | None = None, *,
                 tooltip: Callable[[Row], str | None] | None = None,
                 text_tips: bool = False, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._columns = list(columns)
        self._key = key
        self._background = background
        self._tooltip = tooltip
        self._text_tips = text_tips
        self._rows: list[Row] = []
        self._shown: list[_Shown] = []

    def rows(self) -> list[Row]:
        return list(self._rows)

    def row(self, number: int) -> Row:
        return self._rows[number]

    def display_rows(self) -> list[tuple[Any, ...]]:
        return [shown.cells for shown in self._shown]

    def set_rows(self, rows: Sequence[Row]) -> None:
        rows = list(rows)
        shown = [self._show(row) for row in rows]
        key = self._key
        if key is not None and [key(r) for r in rows] == [key(r) for r in self._rows]:
            changed = [i for i, (old, new) in enumerate(zip(self._shown, shown, strict=True))
                       if old != new]
            self._rows, self._shown = rows, shown
            if changed:
                self.dataChanged.emit(self.index(min(changed), 0),
                                      self.index(max(changed), len(self._columns) - 1))
            return
        self.beginResetModel()
        self._rows, self._shown = rows, shown
        self.endResetModel()

    def _show(self, row: Row) -> _Shown:
        cells = tuple(column.value(row) for column in self._columns)
        colour = self._background(row) if self._background is not None else None
        row_tip = self._tooltip(row) if self._tooltip is not None else None
        tips = tuple(
            column.cell_tooltip(row) if column.cell_tooltip is not None
            else row_tip if self._tooltip is not None
            else cell if self._text_tips else None
            for column, cell in zip(self._columns, cells, strict=True))
        return _Shown(cells, QBrush(colour) if colour is not None else None,
                      tuple(c.foreground(row) if c.foreground is not None else None
                            for c in self._columns), tips)

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
        if not index.isValid():
            return None
        shown, column = self._shown[index.row()], index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return shown.cells[column]
        if role == Qt.ItemDataRole.BackgroundRole:
            return shown.background
        if role == Qt.ItemDataRole.ForegroundRole:
            return shown.foregrounds[column]
        if role == Qt.ItemDataRole.ToolTipRole:
            return shown.tooltips[column]
        if role == Qt.ItemDataRole.TextAlignmentRole and self._columns[column].numeric:
            return _RIGHT
        return None

    def fit_columns(self, view: QTableView) -> None:
        """Size columns to their widest cell, from the cached text (no per-cell view queries)."""
        metrics = view.fontMetrics()
        padding = 2 * metrics.horizontalAdvance("M")
        for number, column in enumerate(self._columns):
            texts = [column.header, *(str(shown.cells[number]) for shown in self._shown)]
            view.setColumnWidth(number, max(metrics.horizontalAdvance(t) for t in texts)
                                + padding)
