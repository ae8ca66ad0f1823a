"""The tip inbox's Qt model: a QAbstractTableModel over plain inbox tuples (`services.tips.
InboxRow`), filtered on keys computed once per row.

100,000 tips: loading builds one lower-case search key and three small codes per row; a
keystroke walks the rows once over those (measured ~25 ms in `benchmarks/tips.py`, the target
is 100 ms), so no QSortFilterProxyModel (seconds over 100k Python rows) and no SQL per keystroke.
A triage replaces one tuple and repaints one row; only a change in which rows pass the filter
resets the view.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Final

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, Qt

from vidtask.domain import wording
from vidtask.domain.appeals import tip_reference
from vidtask.domain.dates import format_datetime
from vidtask.services.tips import InboxRow
from vidtask.ui.qt_types import AnyIndex

TIP_ID_ROLE = Qt.ItemDataRole.UserRole + 1
COLUMNS = ("Tip", "Object", "Received", "State", "Suggests", "Same", "Text")
TIP, OBJECT, RECEIVED, STATE, SUGGESTS, SAME, TEXT = range(7)
#: The country filter's value for tips that name no country vidtask could read.
NO_COUNTRY = "—"
# positions in an InboxRow (services.tips.INBOX_FIELDS); Final so mypy knows each item's type
_I_ID: Final = 0
_I_OBJ: Final = 1
_I_PUBLIC: Final = 2
_I_AT: Final = 3
_I_CHANNEL: Final = 4
_I_STATUS: Final = 5
_I_COUNTRY: Final = 6
_I_PLACE: Final = 7
_I_TEXT: Final = 8
_I_KEY: Final = 9
_I_CLUE: Final = 10


@dataclass(frozen=True, slots=True)
class TipFilter:
    text: str = ""
    object_id: int | None = None
    status: str | None = None
    country: str | None = None  # an alpha-2 code, or NO_COUNTRY

    @property
    def needles(self) -> list[str]:
        return self.text.strip().lower().split()


def search_key(row: InboxRow) -> str:
    """What a person may type to find a tip, lower-cased once: text, place, ids, state."""
    return " ".join((tip_reference(row[_I_ID]), row[_I_PUBLIC], row[_I_TEXT], row[_I_PLACE],
                     row[_I_COUNTRY] or "", row[_I_CHANNEL],
                     wording.tip_status(row[_I_STATUS]))).lower()


class TipsModel(QAbstractTableModel):
    """Inbox rows, filtered. `rows_of`/`row_at` map view rows to tuples."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._all: list[InboxRow] = []
        self._keys: list[str] = []
        self._where: dict[int, int] = {}  # tip id -> position in _all
        self._groups: Counter[tuple[int, str]] = Counter()
        self._visible: list[int] = []
        self._filter = TipFilter()
        self._received: dict[int, str] = {}  # position -> formatted time (painted rows only)

    # ---------------------------------------------------------------- Qt model API
    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._visible)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole \
                and 0 <= section < len(COLUMNS):
            return COLUMNS[section]
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.ToolTipRole \
                and section == SAME:
            return "Tips about the same object with the same text (a duplicate group)"
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._visible):
            return None
        position = self._visible[index.row()]
        row = self._all[position]
        column = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return self._cell(position, row, column)
        if role == Qt.ItemDataRole.ToolTipRole and column == TEXT:
            return row[_I_TEXT]
        if role == Qt.ItemDataRole.TextAlignmentRole and column == SAME:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == TIP_ID_ROLE:
            return row[_I_ID]
        return None

    def _cell(self, position: int, row: InboxRow, column: int) -> str:
        if column == TIP:
            return tip_reference(row[_I_ID])
        if column == OBJECT:
            return row[_I_PUBLIC]
        if column == RECEIVED:
            text = self._received.get(position)
            if text is None:
                text = self._received[position] = format_datetime(row[_I_AT])
            return text
        if column == STATE:
            return wording.tip_status(row[_I_STATUS])
        if column == SUGGESTS:
            return row[_I_COUNTRY] or (f"“{row[_I_PLACE]}”" if row[_I_PLACE] else "")
        if column == SAME:
            size = self._groups[(row[_I_OBJ], row[_I_KEY])]
            return f"×{size}" if size > 1 else ""
        text = row[_I_TEXT]
        return text if len(text) <= 140 else text[:139] + "…"

    # ---------------------------------------------------------------- inbox API
    @property
    def rows(self) -> Sequence[InboxRow]:
        return self._all

    @property
    def tip_filter(self) -> TipFilter:
        return self._filter

    def visible_count(self) -> int:
        return len(self._visible)

    def row_at(self, view_row: int) -> InboxRow:
        return self._all[self._visible[view_row]]

    def view_row_of(self, tip_id: int) -> int | None:
        position = self._where.get(tip_id)
        if position is None:
            return None
        try:
            return self._visible.index(position)
        except ValueError:
            return None

    def group_size(self, row: InboxRow) -> int:
        return self._groups[(row[_I_OBJ], row[_I_KEY])]

    def set_rows(self, rows: Iterable[InboxRow]) -> None:
        self.beginResetModel()
        self._all = list(rows)
        self._keys = [search_key(r) for r in self._all]
        self._where = {r[_I_ID]: i for i, r in enumerate(self._all)}
        self._groups = Counter((r[_I_OBJ], r[_I_KEY]) for r in self._all)
        self._received = {}
        self._visible = self._filtered()
        self.endResetModel()

    def set_filter(self, tip_filter: TipFilter) -> None:
        old, self._filter = self._filter, tip_filter
        # typing on narrows: only the rows that matched the shorter text can match the longer
        narrowing = (old.text.strip() and tip_filter.text.lower().startswith(old.text.lower())
                     and (old.object_id, old.status, old.country)
                     == (tip_filter.object_id, tip_filter.status, tip_filter.country))
        visible = self._filtered(self._visible if narrowing else None)
        if visible == self._visible:
            return
        self.beginResetModel()
        self._visible = visible
        self.endResetModel()

    def update_rows(self, rows: Iterable[InboxRow]) -> None:
        """Replace changed tips in place (new ones are added); rows leaving the filter go."""
        changed, added = [], False
        for row in rows:
            position = self._where.get(row[_I_ID])
            if position is None:
                self._where[row[_I_ID]] = len(self._all)
                self._all.append(row)
                self._keys.append(search_key(row))
                self._groups[(row[_I_OBJ], row[_I_KEY])] += 1
                added = True
            elif self._all[position] != row:
                self._all[position] = row
                self._keys[position] = search_key(row)
                changed.append(position)
        if not changed and not added:
            return
        visible = self._filtered()
        if not added and visible == self._visible:
            shown = {p: i for i, p in enumerate(self._visible)}
            for position in changed:
                at = shown.get(position)
                if at is not None:
                    self.dataChanged.emit(self.index(at, 0), self.index(at, len(COLUMNS) - 1))
            return
        self.beginResetModel()
        self._visible = visible
        self.endResetModel()

    def with_status(self, tip_id: int, status: str, clue_id: int | None = None) -> InboxRow | None:
        """The tip's row as it is after a triage this window made (None if not loaded)."""
        position = self._where.get(tip_id)
        if position is None:
            return None
        row = list(self._all[position])
        row[_I_STATUS] = status
        if clue_id is not None:
            row[_I_CLUE] = clue_id
        return tuple(row)  # type: ignore[return-value]

    def counts(self, what: str) -> list[tuple[str, int]]:
        """Tips per object ("object") or per suggested country ("country") over ALL rows."""
        counts: Counter[str] = Counter(
            (r[_I_PUBLIC] if what == "object" else r[_I_COUNTRY]) or NO_COUNTRY
            for r in self._all)
        return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))

    # ---------------------------------------------------------------- internals
    def _filtered(self, within: list[int] | None = None) -> list[int]:
        """Positions passing the filter, in load order; only among `within` if given."""
        f, rows, keys = self._filter, self._all, self._keys
        needles = f.needles
        if within is not None:
            if len(needles) == 1:
                return [i for i in within if needles[0] in keys[i]]
            return [i for i in within if all(n in keys[i] for n in needles)]
        object_id, status = f.object_id, f.status
        country = None if f.country == NO_COUNTRY else f.country
        no_country = f.country == NO_COUNTRY
        positions: Iterable[int] = range(len(rows))
        if object_id is not None:
            positions = [i for i in positions if rows[i][_I_OBJ] == object_id]
        if status is not None:
            positions = [i for i in positions if rows[i][_I_STATUS] == status]
        if no_country:
            positions = [i for i in positions if rows[i][_I_COUNTRY] is None]
        elif country is not None:
            positions = [i for i in positions if rows[i][_I_COUNTRY] == country]
        if len(needles) == 1:
            needle = needles[0]
            return [i for i in positions if needle in keys[i]]
        if needles:
            return [i for i in positions if all(n in keys[i] for n in needles)]
        return list(positions)
