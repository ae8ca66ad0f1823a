"""The series board widget: filter bar (text, status, mine, unclaimed, country) over the table.

Signals: ``openRequested(int)`` — series id to open (double-click / Enter);
``currentSeriesChanged(int)`` — series id under the cursor, 0 when none;
``filterChanged()`` — after the visible rows changed.
"""

from __future__ import annotations

from datetime import UTC, datetime

from PySide6.QtCore import QByteArray, QItemSelectionModel, QModelIndex, QPoint, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QStackedLayout,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from vidtask.domain.claims import CLAIMABLE
from vidtask.domain.countries import all_countries
from vidtask.domain.enums import SeriesStatus
from vidtask.domain.wording import series_status
from vidtask.ui.board.model import (
    COLUMNS,
    SERIES_ID_ROLE,
    STATUS_COLUMN,
    BoardFilter,
    SeriesBoardModel,
)
from vidtask.ui.column_fit import text_cell_width
from vidtask.ui.common import name_widget

ROW_HEIGHT = 24


class BoardView(QWidget):
    openRequested = Signal(int)
    currentSeriesChanged = Signal(int)
    filterChanged = Signal()

    def __init__(self, model: SeriesBoardModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self.context_actions: list[QAction] = []

        self.filter_edit = QLineEdit()
        name_widget(self.filter_edit, "boardFilter", "Filter series")
        self.filter_edit.setPlaceholderText("Filter: code, alias, holder, country…  (Ctrl+F)")
        self.filter_edit.setClearButtonEnabled(True)
        self.status_combo = QComboBox()
        name_widget(self.status_combo, "statusChip", "Status filter")
        self.status_combo.addItem("Any status", "")
        self.status_combo.addItem(
            "Open (" + ", ".join(series_status(s) for s in SeriesStatus if s in CLAIMABLE) + ")",
            "open")
        for status in SeriesStatus:
            self.status_combo.addItem(series_status(status).capitalize(), status.value)
        self.mine_chip = self._chip("Mine", "mineChip", "Only series I hold (Alt+M)")
        self.unclaimed_chip = self._chip("Unclaimed", "unclaimedChip",
                                         "Only series nobody holds (Alt+U)")
        self.country_combo = QComboBox()
        name_widget(self.country_combo, "countryChip", "Top country filter")
        self.country_combo.addItem("Any top country", "")
        for country in all_countries():
            self.country_combo.addItem(f"{country.code} {country.name}", country.code)
        self.country_combo.setEditable(True)
        self.country_combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.country_combo.setMinimumContentsLength(16)
        self.count_label = QLabel()
        self.count_label.setObjectName("boardCount")

        bar = QHBoxLayout()
        bar.addWidget(self.filter_edit, 3)
        bar.addWidget(self.status_combo, 1)
        bar.addWidget(self.mine_chip)
        bar.addWidget(self.unclaimed_chip)
        bar.addWidget(self.country_combo, 1)
        bar.addWidget(self.count_label)

        self.table = QTableView()
        name_widget(self.table, "seriesBoard", "Series board")
        self.table.setModel(model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(-1, Qt.SortOrder.AscendingOrder)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.setTabKeyNavigation(False)  # Tab leaves the board; arrows move inside it
        vertical = self.table.verticalHeader()
        vertical.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vertical.setDefaultSectionSize(ROW_HEIGHT)
        vertical.hide()
        header = self.table.horizontalHeader()
        header.setResizeContentsPrecision(50)  # never measure all 10,000 rows
        header.setHighlightSections(False)
        for column, spec in enumerate(COLUMNS):
            self.table.setColumnWidth(column, spec.width)
        self._fit_status()
        header.setStretchLastSection(True)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._context_menu)
        self.table.doubleClicked.connect(self._open_index)
        self.table.selectionModel().currentRowChanged.connect(self._current_changed)

        self.empty_label = QLabel()
        self.empty_label.setObjectName("boardEmpty")
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setWordWrap(True)
        self.stack = QStackedLayout()
        self.stack.addWidget(self.table)
        self.stack.addWidget(self.empty_label)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 0)
        layout.addLayout(bar)
        layout.addLayout(self.stack)

        open_action = QAction("Open series", self)
        open_action.setShortcuts([QKeySequence(Qt.Key.Key_Return), QKeySequence(Qt.Key.Key_Enter)])
        open_action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        open_action.triggered.connect(self.open_current)
        self.table.addAction(open_action)

        # Filtering runs on precomputed keys (a few ms for 10,000 rows): no debounce needed.
        self.filter_edit.textChanged.connect(self.apply_filter)
        self.status_combo.currentIndexChanged.connect(self.apply_filter)
        self.mine_chip.toggled.connect(self.apply_filter)
        self.unclaimed_chip.toggled.connect(self.apply_filter)
        self.country_combo.currentIndexChanged.connect(self.apply_filter)
        model.modelReset.connect(self._update_empty_state)
        model.layoutChanged.connect(self._update_empty_state)
        self._loaded = False
        self._update_empty_state()

    def restore_header(self, state: QByteArray) -> None:
        """The columns as the user left them, but never narrower than the longest status."""
        self.table.horizontalHeader().restoreState(state)
        self._fit_status()

    def _fit_status(self) -> None:
        needed = text_cell_width(self.table, (series_status(s) for s in SeriesStatus),
                                 decorated=True)
        if self.table.columnWidth(STATUS_COLUMN) < needed:
            self.table.setColumnWidth(STATUS_COLUMN, needed)

    def _chip(self, text: str, object_name: str, tip: str) -> QToolButton:
        chip = QToolButton()
        chip.setText(text)
        chip.setCheckable(True)
        chip.setToolTip(tip)
        chip.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        name_widget(chip, object_name, text + " filter")
        return chip

    # ---------------------------------------------------------------- filtering
    def current_filter(self) -> BoardFilter:
        status = self.status_combo.currentData() or ""
        statuses: frozenset[str] = frozenset()
        if status == "open":
            statuses = CLAIMABLE
        elif status:
            statuses = frozenset({status})
        country = self.country_combo.currentData() or None
        return BoardFilter(text=self.filter_edit.text(), statuses=statuses,
                           mine=self.mine_chip.isChecked(),
                           unclaimed=self.unclaimed_chip.isChecked(), country=country,
                           me=self.model.me, now=datetime.now(UTC))

    def apply_filter(self) -> None:
        keep = self.selected_series_id()
        self.model.set_filter(self.current_filter())
        if not (keep and self.select_series(keep, scroll=False)) and self.model.rowCount():
            self.table.selectRow(0)
        self._update_empty_state()
        self.filterChanged.emit()

    def set_loaded(self) -> None:
        self._loaded = True
        self._update_empty_state()

    def _update_empty_state(self) -> None:
        shown, total = self.model.rowCount(), len(self.model.rows)
        self.count_label.setText(f"{shown:,} of {total:,} series")
        if shown:
            self.stack.setCurrentWidget(self.table)
            return
        if not self._loaded:
            text = "Loading the series board…"
        elif total == 0:
            text = ("This sprint has no series yet.\nA coordinator imports them with File ▸ "
                    "Import series… (Ctrl+I); the demo sprint is offered at first start "
                    "(File ▸ Sign out).")
        else:
            text = ("No series match these filters.\nClear the text (Esc) or switch off "
                    "“Mine” / “Unclaimed”.")
        self.empty_label.setText(text)
        self.stack.setCurrentWidget(self.empty_label)

    def clear_filters(self) -> None:
        self.filter_edit.clear()
        self.status_combo.setCurrentIndex(0)
        self.mine_chip.setChecked(False)
        self.unclaimed_chip.setChecked(False)
        self.country_combo.setCurrentIndex(0)
        self.apply_filter()

    def keyPressEvent(self, event: object) -> None:
        from PySide6.QtGui import QKeyEvent

        assert isinstance(event, QKeyEvent)
        if event.key() == Qt.Key.Key_Escape and self.filter_edit.text():
            self.filter_edit.clear()
            self.table.setFocus()
            return
        if event.key() == Qt.Key.Key_Down and self.filter_edit.hasFocus():
            self.table.setFocus()
            if not self.table.currentIndex().isValid() and self.model.rowCount():
                self.table.selectRow(0)
            return
        super().keyPressEvent(event)

    # ---------------------------------------------------------------- selection
    def selected_series_id(self) -> int:
        index = self.table.currentIndex()
        if not index.isValid():
            return 0
        return int(self.model.data(index, SERIES_ID_ROLE) or 0)

    def select_series(self, series_id: int, *, scroll: bool = True) -> bool:
        row = self.model.row_of(series_id)
        if row is None:
            return False
        index = self.model.index(row, 0)
        self.table.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows)
        if scroll:
            self.table.scrollTo(index)
        return True

    def open_current(self) -> None:
        series_id = self.selected_series_id()
        if series_id:
            self.openRequested.emit(series_id)

    def _open_index(self, index: QModelIndex) -> None:
        series_id = self.model.data(index, SERIES_ID_ROLE)
        if series_id:
            self.openRequested.emit(int(series_id))

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        self.currentSeriesChanged.emit(int(self.model.data(current, SERIES_ID_ROLE) or 0)
                                       if current.isValid() else 0)

    def _context_menu(self, pos: QPoint) -> None:
        index = self.table.indexAt(pos)
        if not index.isValid():
            return
        self.table.selectRow(index.row())
        menu = QMenu(self)
        for action in self.context_actions:
            menu.addAction(action)
        menu.popup(self.table.viewport().mapToGlobal(pos))
