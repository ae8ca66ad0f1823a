"""The tip inbox's filter row: search text (`tipFilter`), object (`tipObjectFilter`), state
(`tipStateFilter`), suggested country (`tipCountryFilter`) and how many tips show (`tipCount`).

Not a widget of its own: `row` is the layout the inbox puts above its list.

Signals: ``changed()`` — any filter changed (not while the lists are refilled).
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QLineEdit

from vidtask.domain import wording
from vidtask.domain.countries_basic import country_label
from vidtask.domain.enums import TipStatus
from vidtask.ui.appeals.tips_model import NO_COUNTRY, TipFilter, TipsModel
from vidtask.ui.naming import named


class TipFilters(QObject):
    changed = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.text = named(QLineEdit(), "tipFilter", "Search tips",
                          "Words of the tip, a place, TIP-42 (Ctrl+F on the board)")
        self.text.setPlaceholderText("Search tips: words, place, TIP-42…")
        self.text.setClearButtonEnabled(True)
        self.text.textChanged.connect(self.changed)
        self.object_combo = named(QComboBox(), "tipObjectFilter", "Only tips about this object")
        self.state_combo = named(QComboBox(), "tipStateFilter", "Only tips in this state")
        self.state_combo.addItem("Every state", None)
        for status in TipStatus:
            self.state_combo.addItem(wording.tip_status(status), status.value)
        self.country_combo = named(QComboBox(), "tipCountryFilter",
                                   "Only tips suggesting this country")
        for combo in (self.object_combo, self.state_combo, self.country_combo):
            combo.currentIndexChanged.connect(self.changed)
        self.count_label = named(QLabel(""), "tipCount", "How many tips are shown")
        self.row = QHBoxLayout()
        self.row.addWidget(self.text, 3)
        self.row.addWidget(self.object_combo, 1)
        self.row.addWidget(self.state_combo, 1)
        self.row.addWidget(self.country_combo, 1)
        self.row.addWidget(self.count_label)

    def current(self) -> TipFilter:
        return TipFilter(self.text.text(), self.object_combo.currentData(),
                         self.state_combo.currentData(), self.country_combo.currentData())

    def fill(self, model: TipsModel) -> None:
        """The object and country lists from the loaded tips, with their counts."""
        object_ids = {r[2]: r[1] for r in model.rows}
        _refill(self.object_combo, "Every object",
                [(f"{public} ({count:,})", object_ids[public])
                 for public, count in sorted(model.counts("object"))])
        countries = model.counts("country")
        _refill(self.country_combo, "Every country",
                [(f"{code} {country_label(code)} ({count:,})" if code != NO_COUNTRY
                  else f"no country named ({count:,})", code)
                 for code, count in sorted(countries, key=lambda kv: kv[0])])

    def show_count(self, model: TipsModel) -> None:
        total, shown = len(model.rows), model.visible_count()
        self.count_label.setText(f"{shown:,} of {total:,} tips" if shown != total
                                 else f"{total:,} tips")

    def focus(self) -> None:
        self.text.setFocus()
        self.text.selectAll()


def _refill(combo: QComboBox, first: str, items: list[tuple[str, object]]) -> None:
    """New entries, the chosen one kept (no signal: the filter did not change)."""
    chosen = combo.currentData()
    combo.blockSignals(True)
    combo.clear()
    combo.addItem(first, None)
    for text, value in items:
        combo.addItem(text, value)
    at = combo.findData(chosen) if chosen is not None else 0
    combo.setCurrentIndex(max(at, 0))
    combo.blockSignals(False)
