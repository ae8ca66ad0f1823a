"""Searchable country picker: type a code or a name, then mark it as supported or excluded.

Signals: ``changed()`` whenever the supported or excluded set changes.
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QSortFilterProxyModel, Qt, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGridLayout,
    QLabel,
    QLineEdit,
    QListView,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QWidget,
)

from vidtask.domain.countries import all_countries
from vidtask.ui.common import country_text, name_widget

CODE_ROLE = Qt.ItemDataRole.UserRole + 1


class _Search(QLineEdit):
    """Arrow keys walk the list below while the cursor stays in the search box."""

    def __init__(self, picker: CountryPicker) -> None:
        super().__init__()
        self._picker = picker

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Down, Qt.Key.Key_Up):
            self._picker.move_selection(1 if event.key() == Qt.Key.Key_Down else -1)
            return
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            excluded = bool(event.modifiers() & Qt.KeyboardModifier.ShiftModifier)
            self._picker.mark_current(excluded=excluded)
            return
        super().keyPressEvent(event)


class CountryPicker(QWidget):
    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        name_widget(self, "countryPicker", "Supported and excluded countries")
        self.search = _Search(self)
        name_widget(self.search, "countrySearch", "Search countries")
        self.search.setPlaceholderText("Find a country: code or name, Enter = supports, "
                                       "Shift+Enter = excludes")
        self._source = QStandardItemModel(self)
        for country in all_countries():
            item = QStandardItem(country_text(country.code))
            item.setData(country.code, CODE_ROLE)
            item.setEditable(False)
            self._source.appendRow(item)
        self._proxy = QSortFilterProxyModel(self)
        self._proxy.setSourceModel(self._source)
        self._proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.list = QListView()
        name_widget(self.list, "countryList", "Countries")
        self.list.setModel(self._proxy)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.list.setUniformItemSizes(True)
        self.list.doubleClicked.connect(lambda _i: self.mark_current(excluded=False))
        self.support_button = QPushButton("Supports ✓")
        name_widget(self.support_button, "supportCountryButton", "Mark country as supported")
        self.exclude_button = QPushButton("Excludes ✗")
        name_widget(self.exclude_button, "excludeCountryButton", "Mark country as excluded")
        self.support_button.clicked.connect(lambda: self.mark_current(excluded=False))
        self.exclude_button.clicked.connect(lambda: self.mark_current(excluded=True))
        self.supported = QListWidget()
        name_widget(self.supported, "supportedCountries", "Supported countries")
        self.excluded = QListWidget()
        name_widget(self.excluded, "excludedCountries", "Excluded countries")
        for box in (self.supported, self.excluded):
            box.setToolTip("Delete removes the selected country")
            QShortcut(QKeySequence(Qt.Key.Key_Delete), box, lambda b=box: self._remove(b),
                      context=Qt.ShortcutContext.WidgetShortcut)
            box.itemDoubleClicked.connect(lambda _item, b=box: self._remove(b))
        self.search.textChanged.connect(self._filter)

        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.addWidget(self.search, 0, 0, 1, 2)
        grid.addWidget(self.list, 1, 0, 3, 1)
        grid.addWidget(self.support_button, 1, 1)
        grid.addWidget(self.exclude_button, 2, 1)
        right = QGridLayout()
        supported_label = QLabel("Supports (double-click or Delete to remove):")
        supported_label.setBuddy(self.supported)
        right.addWidget(supported_label, 0, 0)
        right.addWidget(self.supported, 1, 0)
        right.addWidget(QLabel("Excludes:"), 2, 0)
        right.addWidget(self.excluded, 3, 0)
        grid.addLayout(right, 0, 2, 4, 1)
        grid.setColumnStretch(0, 3)
        grid.setColumnStretch(2, 2)
        self.list.setMinimumHeight(110)
        # Names must stay readable at 150 % scaling in a narrow editor.
        self.list.setMinimumWidth(self.fontMetrics().horizontalAdvance("AX Åland Islands  ") + 24)
        self.supported.setMinimumWidth(self.fontMetrics().horizontalAdvance("GB United Kingdom"))
        self.setTabOrder(self.search, self.list)
        self.setTabOrder(self.list, self.support_button)
        self.setTabOrder(self.support_button, self.exclude_button)
        self.setTabOrder(self.exclude_button, self.supported)
        self.setTabOrder(self.supported, self.excluded)

    def _filter(self, text: str) -> None:
        needle = text.strip()
        self._proxy.setFilterFixedString(needle)
        if self._proxy.rowCount():
            self.list.setCurrentIndex(self._proxy.index(self._best_match(needle), 0))

    def _best_match(self, needle: str) -> int:
        """'FR' means France, not the Central African Republic: exact code, then name prefix."""
        folded = needle.casefold()
        prefix = None
        for row in range(self._proxy.rowCount()):
            index = self._proxy.index(row, 0)
            code = str(index.data(CODE_ROLE))
            if code.casefold() == folded:
                return row
            name = str(index.data()).split(" ", 1)[-1].casefold()
            if prefix is None and folded and name.startswith(folded):
                prefix = row
        return prefix or 0

    def move_selection(self, step: int) -> None:
        rows = self._proxy.rowCount()
        if not rows:
            return
        current = self.list.currentIndex().row() if self.list.currentIndex().isValid() else -1
        self.list.setCurrentIndex(self._proxy.index(max(0, min(rows - 1, current + step)), 0))

    def mark_current(self, *, excluded: bool) -> None:
        index = self.list.currentIndex()
        if not index.isValid() and self._proxy.rowCount() == 1:
            index = self._proxy.index(0, 0)
        if not index.isValid():
            return
        self.mark(str(index.data(CODE_ROLE)), excluded=excluded)
        self.search.clear()
        self.search.setFocus()

    def mark(self, code: str, *, excluded: bool) -> None:
        """Put a country on one side, taking it off the other (never both)."""
        target, other = ((self.excluded, self.supported) if excluded
                         else (self.supported, self.excluded))
        self._take(other, code)
        if code not in self._codes(target):
            item = QListWidgetItem(country_text(code))
            item.setData(CODE_ROLE, code)
            target.addItem(item)
            target.sortItems()
        self.changed.emit()

    def supports(self) -> list[str]:
        return sorted(self._codes(self.supported))

    def excludes(self) -> list[str]:
        return sorted(self._codes(self.excluded))

    def set_countries(self, supports: Iterable[str], excludes: Iterable[str]) -> None:
        self.blockSignals(True)
        self.supported.clear()
        self.excluded.clear()
        for code in supports:
            self.mark(code, excluded=False)
        for code in excludes:
            self.mark(code, excluded=True)
        self.blockSignals(False)

    def set_read_only(self, read_only: bool) -> None:
        for widget in (self.search, self.list, self.support_button, self.exclude_button):
            widget.setEnabled(not read_only)

    def _codes(self, box: QListWidget) -> list[str]:
        return [str(box.item(i).data(CODE_ROLE)) for i in range(box.count())]

    def _take(self, box: QListWidget, code: str) -> None:
        for i in range(box.count()):
            if box.item(i).data(CODE_ROLE) == code:
                box.takeItem(i)
                return

    def _remove(self, box: QListWidget) -> None:
        if not self.search.isEnabled():
            return
        item = box.currentItem()
        if item is not None:
            box.takeItem(box.row(item))
            self.changed.emit()
