"""The series board's Qt model: a QAbstractTableModel over plain SeriesRow tuples.

Filtering and sorting run on keys computed once per row (a QSortFilterProxyModel over 100k Python
rows was measured at seconds): the load prepares the search keys off the GUI thread
(`filtering.load_board_rows`), a sort computes the display order of every row once, and a
keystroke is one pass of substring tests over the keys (only over the rows shown when it narrows
the filter), shown with `layoutChanged` — the view keeps its selection, nothing is reset.
Cell texts are worked out the first time a row is painted and kept until the row changes.
Changed rows from the change feed are replaced in place with `dataChanged`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TypeAlias

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor, QFont

from vidtask.services.series import SeriesRow
from vidtask.ui.board.filtering import (
    BoardFilter,
    BoardRows,
    filter_positions,
    prepare_rows,
    search_key,
)
from vidtask.ui.common import (
    PRIORITY_COLOURS,
    country_text,
    lease_left,
    local_time,
    priority_label,
    status_colour,
    status_label,
)

__all__ = ["COLUMNS", "ROW_ROLE", "SERIES_ID_ROLE", "BoardFilter", "BoardRows", "Column",
           "SeriesBoardModel"]

Index: TypeAlias = QModelIndex | QPersistentModelIndex
SERIES_ID_ROLE = Qt.ItemDataRole.UserRole + 1
ROW_ROLE = Qt.ItemDataRole.UserRole + 2


@dataclass(frozen=True)
class Column:
    title: str
    text: Callable[[SeriesRow], str]
    key: Callable[[SeriesRow], Any]
    width: int
    tip: str = ""
    align_right: bool = False


def _holder(row: SeriesRow) -> str:
    return row.claimed_by_name or row.claimed_by or ""


def _confidence(row: SeriesRow) -> str:
    return f"{row.top_confidence} %" if row.top_confidence is not None else ""


COLUMNS: tuple[Column, ...] = (
    Column("Code", lambda r: r.code, lambda r: r.code, 120),
    Column("Alias", lambda r: r.alias, lambda r: r.alias.lower(), 150),
    Column("Status", lambda r: status_label(r.status), lambda r: r.status, 120),
    Column("Priority", lambda r: priority_label(r.priority), lambda r: r.priority, 90),
    Column("Claimed by", _holder, lambda r: _holder(r).lower(), 140),
    Column("Lease left", lambda r: lease_left(r.claim_expires_at),
           lambda r: r.claim_expires_at or datetime.max.replace(tzinfo=UTC), 95,
           "Time left on the claim's lease (server clock)"),
    # filled by the model from the last presence read (see SeriesBoardModel.set_viewers)
    Column("Open by", lambda r: "", lambda r: "", 130,
           "Who else has the series open on their desktop right now"),
    Column("Top country", lambda r: country_text(r.top_country), lambda r: r.top_country or "~",
           170),
    Column("Conf.", _confidence, lambda r: -(r.top_confidence or -1), 60,
           "Confidence of the top-ranked candidate country", True),
    Column("Clues", lambda r: str(r.clue_count), lambda r: -r.clue_count, 55, "", True),
    Column("Media", lambda r: str(r.media_count), lambda r: -r.media_count, 60, "", True),
    Column("Last activity", lambda r: local_time(r.updated_at),
           lambda r: -r.updated_at.timestamp(), 135),
)
STATUS_COLUMN = 2
PRIORITY_COLUMN = 3
LEASE_COLUMN = 5
VIEWERS_COLUMN = next(i for i, c in enumerate(COLUMNS) if c.title == "Open by")
_LAST_COLUMN = len(COLUMNS) - 1

_DISPLAY = int(Qt.ItemDataRole.DisplayRole)
_ACCESSIBLE = int(Qt.ItemDataRole.AccessibleTextRole)
_DECORATION = int(Qt.ItemDataRole.DecorationRole)
_FOREGROUND = int(Qt.ItemDataRole.ForegroundRole)
_FONT = int(Qt.ItemDataRole.FontRole)
_ALIGNMENT = int(Qt.ItemDataRole.TextAlignmentRole)
_TOOLTIP = int(Qt.ItemDataRole.ToolTipRole)
#: A view asks ~7 roles of every cell it paints; the others are answered before any lookup.
_ANSWERED = frozenset({_DISPLAY, _ACCESSIBLE, _DECORATION, _FOREGROUND, _FONT, _ALIGNMENT,
                       _TOOLTIP, SERIES_ID_ROLE, ROW_ROLE})
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
_RIGHT_ALIGNED = frozenset(i for i, c in enumerate(COLUMNS) if c.align_right)
_PRIORITY_BRUSHES = {priority: QColor(colour) for priority, colour in PRIORITY_COLOURS.items()}


class SeriesBoardModel(QAbstractTableModel):
    """Rows of the board; `rowsReplaced` is just the usual Qt signals (dataChanged, layout)."""

    def __init__(self, me: str = "", parent: Any = None) -> None:
        super().__init__(parent)
        self.me = me
        self._all: list[SeriesRow] = []
        self._keys: list[str] = []
        self._where: dict[int, int] = {}  # series id -> position in _all
        self._order: list[int] = []  # every position in _all, in display (sort) order
        self._order_stale = False  # a changed row's sort key moved: sort again before use
        # rows update_rows applied since the last load: a load read before them (two reads on
        # two pool threads finish in either order) must not put their older state back
        self._updated_since_load: dict[int, SeriesRow] = {}
        self._visible: list[int] = []  # positions in _all that pass the filter, in order
        self._texts: dict[int, tuple[str, ...]] = {}  # position -> cell texts, once painted
        self._filter = BoardFilter(me=me)
        self._sort_column = -1
        self._sort_order = Qt.SortOrder.AscendingOrder
        self._viewers: dict[int, list[str]] = {}  # series id -> other people with it open
        self._bold = QFont()
        self._bold.setBold(True)

    # ---------------------------------------------------------------- Qt model API
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._visible)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(COLUMNS):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section].title
        if role == Qt.ItemDataRole.ToolTipRole and COLUMNS[section].tip:
            return COLUMNS[section].tip
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        # Runs for every role of every painted cell: the cheap refusals come first.
        if role not in _ANSWERED:
            return None
        number = index.row()
        if not 0 <= number < len(self._visible):
            return None
        position = self._visible[number]
        column = index.column()
        if role in (_DISPLAY, _ACCESSIBLE):
            if column == LEASE_COLUMN:  # counts down: never kept
                return lease_left(self._all[position].claim_expires_at)
            if column == VIEWERS_COLUMN:
                return self.viewers_text(self._all[position].id)
            texts = self._texts.get(position)
            if texts is None:
                texts = self._texts[position] = self._cell_texts(self._all[position])
            return texts[column]
        row = self._all[position]
        if role == _DECORATION:
            return status_colour(row.status) if column == STATUS_COLUMN else None
        if role == _FOREGROUND:
            return _PRIORITY_BRUSHES.get(row.priority) if column == PRIORITY_COLUMN else None
        if role == _FONT:
            return self._bold if column == 0 and row.claimed_by == self.me else None
        if role == _ALIGNMENT:
            return _RIGHT if column in _RIGHT_ALIGNED else None
        if role == _TOOLTIP:
            return self._tooltip(row)
        if role == SERIES_ID_ROLE:
            return row.id
        return row  # ROW_ROLE

    @staticmethod
    def _cell_texts(row: SeriesRow) -> tuple[str, ...]:
        return tuple("" if i in (LEASE_COLUMN, VIEWERS_COLUMN) else column.text(row)
                     for i, column in enumerate(COLUMNS))

    def _tooltip(self, row: SeriesRow) -> str:
        parts = [f"{row.code} — {row.alias}", f"Status: {status_label(row.status)}"]
        if row.claimed_by:
            parts.append(f"Claimed by {_holder(row)} ({lease_left(row.claim_expires_at)} left)")
        if row.id in self._viewers:
            parts.append("Open now by " + ", ".join(self._viewers[row.id]))
        if row.identified_elsewhere:
            parts.append(f"⚠ {row.identified_elsewhere} media already victim-identified "
                         "elsewhere")
        return "\n".join(parts)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self._sort_column, self._sort_order = column, order
        self._order = self._sorted_order()
        self._order_stale = False
        self._show(self._filtered(), always=True)

    # ---------------------------------------------------------------- board API
    @property
    def rows(self) -> Sequence[SeriesRow]:
        """Every loaded row, filtered or not (status bar counts use them)."""
        return self._all

    def visible_rows(self) -> list[SeriesRow]:
        return [self._all[p] for p in self._visible]

    def row_at(self, row: int) -> SeriesRow:
        return self._all[self._visible[row]]

    def row_of(self, series_id: int) -> int | None:
        position = self._where.get(series_id)
        if position is None:
            return None
        return _index_of(self._visible, position)

    def series(self, series_id: int) -> SeriesRow | None:
        position = self._where.get(series_id)
        return None if position is None else self._all[position]

    def set_rows(self, rows: BoardRows | Iterable[SeriesRow]) -> None:
        """All rows anew (a load). Give `BoardRows` prepared off the GUI thread when you can."""
        prepared = rows if isinstance(rows, BoardRows) else prepare_rows(rows)
        for row in self._updated_since_load.values():
            position = prepared.where.get(row.id)
            if position is not None and prepared.rows[position].version < row.version:
                prepared.rows[position] = row
                prepared.keys[position] = search_key(row)
        self._updated_since_load = {}
        self.beginResetModel()
        self._all, self._keys, self._where = prepared.rows, prepared.keys, prepared.where
        self._texts = {}
        self._order = self._sorted_order()
        self._order_stale = False
        self._visible = self._filtered()
        self.endResetModel()

    def set_filter(self, board_filter: BoardFilter) -> None:
        before, self._filter = self._filter, board_filter
        if not self._order_stale and board_filter.narrows(before):
            # typing on: only the rows shown now can still pass (their order is kept)
            visible = filter_positions(board_filter, self._all, self._keys, self._visible)
        else:
            visible = self._filtered()
        self._show(visible)

    @property
    def board_filter(self) -> BoardFilter:
        return self._filter

    def update_rows(self, rows: Iterable[SeriesRow]) -> None:
        """Replace changed rows in place; new series are added. Keeps the view's selection.
        A row older than the one shown (a lower version: an earlier read that came back
        late) is left out."""
        changed: list[int] = []
        added = False
        key = COLUMNS[self._sort_column].key if self._sort_column >= 0 else None
        for row in rows:
            position = self._where.get(row.id)
            if position is not None and row.version < self._all[position].version:
                continue
            self._updated_since_load[row.id] = row
            if position is None:
                position = self._where[row.id] = len(self._all)
                self._all.append(row)
                self._keys.append(search_key(row))
                self._order.append(position)
                added = True
            elif self._all[position] != row:
                old = self._all[position]
                self._all[position] = row
                self._keys[position] = search_key(row)
                self._texts.pop(position, None)
                changed.append(position)
                if key is not None and key(old) != key(row):
                    self._order_stale = True  # sorted again at the next filter or load
        if not changed and not added:
            return
        shown = {position: _index_of(self._visible, position) for position in changed}
        passes = set(filter_positions(self._filter, self._all, self._keys, changed))
        if not added and all((at is not None) == (p in passes) for p, at in shown.items()):
            # Same rows pass the filter: targeted updates, no layout change (6 ms for 50).
            for at in shown.values():
                if at is not None:
                    self.dataChanged.emit(self.index(at, 0), self.index(at, _LAST_COLUMN))
            return
        if added and key is not None:
            self._order_stale = True
        self._show(self._filtered())

    def viewers_text(self, series_id: int) -> str:
        names = self._viewers.get(series_id, [])
        if len(names) > 2:
            return f"{names[0]} +{len(names) - 1}"
        return ", ".join(names)

    def set_viewers(self, viewers: dict[int, list[str]]) -> None:
        """Presence on the board: repaint only the rows whose viewers changed."""
        old, self._viewers = self._viewers, dict(viewers)
        changed = {i for i in old.keys() | viewers.keys() if old.get(i) != viewers.get(i)}
        for series_id in changed:
            at = self.row_of(series_id)
            if at is not None:
                self.dataChanged.emit(self.index(at, 0), self.index(at, _LAST_COLUMN))

    def refresh_leases(self) -> None:
        """The lease column counts down on its own: repaint it without touching rows."""
        if self._visible:
            self.dataChanged.emit(self.index(0, LEASE_COLUMN),
                                  self.index(len(self._visible) - 1, LEASE_COLUMN),
                                  [Qt.ItemDataRole.DisplayRole])

    # ---------------------------------------------------------------- internals
    def _filtered(self) -> list[int]:
        if self._order_stale:
            self._order = self._sorted_order()
            self._order_stale = False
        return filter_positions(self._filter, self._all, self._keys, self._order)

    def _sorted_order(self) -> list[int]:
        if self._sort_column < 0:
            return list(range(len(self._all)))
        key = COLUMNS[self._sort_column].key
        keys = [key(row) for row in self._all]
        return sorted(range(len(keys)), key=keys.__getitem__,
                      reverse=self._sort_order == Qt.SortOrder.DescendingOrder)

    def _show(self, visible: list[int], *, always: bool = False) -> None:
        """Show `visible` in place of the rows shown now, as a layout change: the selection
        and the current row follow their series (or go, when it is filtered out)."""
        if visible == self._visible and not always:
            return
        self.layoutAboutToBeChanged.emit()
        before, self._visible = self._visible, visible
        old = self.persistentIndexList()
        if old:
            moved: dict[int, int | None] = {}  # old row -> new row, for the few rows held
            new = []
            for index in old:
                number = index.row()
                if number not in moved:
                    moved[number] = (_index_of(visible, before[number])
                                     if 0 <= number < len(before) else None)
                at = moved[number]
                new.append(self.index(at, index.column()) if at is not None else QModelIndex())
            self.changePersistentIndexList(old, new)
        self.layoutChanged.emit()


def _index_of(positions: list[int], position: int) -> int | None:
    try:
        return positions.index(position)
    except ValueError:
        return None
