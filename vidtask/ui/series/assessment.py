"""Country assessment panel: the live narrowing ranking beside the specialist's own ranking.

The ranking suggests; the human decides: candidates are picked from the suggestions (or any
country), ordered, given a confidence and a rationale, saved, then proposed for confirmation.

Signals: ``saveRequested()`` and ``proposeRequested()`` (the ranking is `candidates()`);
``changed()`` when the user edits the ranking.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from typing import Any, TypeAlias

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableView,
    QTextBrowser,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from vidtask.domain.countries import all_countries
from vidtask.domain.narrowing import Candidate
from vidtask.services.assessments import CandidateInput
from vidtask.services.series_detail import CandidateInfo
from vidtask.ui.common import country_text, name_widget

Index: TypeAlias = QModelIndex | QPersistentModelIndex


class RankingModel(QAbstractTableModel):
    """Suggested candidates from narrowing (a handful of rows)."""

    HEADERS = ("#", "Country", "Share", "Score", "For / against")

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.candidates: list[Candidate] = []

    def set_candidates(self, candidates: Sequence[Candidate]) -> None:
        self.beginResetModel()
        self.candidates = list(candidates)
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.candidates)

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
        candidate = self.candidates[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return (str(index.row() + 1), country_text(candidate.country),
                    f"{candidate.share:.0%}", f"{candidate.score:+.1f}",
                    f"{len(candidate.supporting)} / {len(candidate.opposing)}")[index.column()]
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() in (0, 2, 3, 4):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


class CandidateRow(QWidget):
    """One ranked candidate: rank, country, confidence %, rationale, move and remove."""

    changed = Signal()

    def __init__(self, country: str, confidence: int, rationale: str,
                 panel: AssessmentPanel) -> None:
        super().__init__()
        self.country = country
        self.rank = QLabel()
        self.rank.setMinimumWidth(22)
        self.label = QLabel(country_text(country))
        self.label.setMinimumWidth(130)
        self.confidence = QSpinBox()
        self.confidence.setRange(0, 100)
        self.confidence.setSuffix(" %")
        self.confidence.setValue(confidence)
        name_widget(self.confidence, f"candidateConfidence_{country}",
                    f"Confidence for {country}")
        self.rationale = QLineEdit(rationale)
        self.rationale.setPlaceholderText("Rationale: which clues, why")
        name_widget(self.rationale, f"candidateRationale_{country}", f"Rationale for {country}")
        self.up = QToolButton()
        self.up.setText("▲")
        self.up.setAccessibleName(f"Move {country} up")
        self.down = QToolButton()
        self.down.setText("▼")
        self.down.setAccessibleName(f"Move {country} down")
        self.remove = QToolButton()
        self.remove.setText("✕")
        self.remove.setAccessibleName(f"Remove {country}")
        self.remove.setToolTip("Remove from my ranking")
        # Two lines: the rationale needs the panel's full width to stay readable.
        layout = QGridLayout(self)
        layout.setContentsMargins(0, 2, 0, 2)
        layout.setVerticalSpacing(2)
        top = QHBoxLayout()
        top.addWidget(self.rank)
        top.addWidget(self.label, 1)
        top.addWidget(QLabel("confidence"))
        top.addWidget(self.confidence)
        for button in (self.up, self.down, self.remove):
            top.addWidget(button)
        layout.addLayout(top, 0, 0)
        layout.addWidget(self.rationale, 1, 0)
        self.up.clicked.connect(lambda: panel.move_row(self, -1))
        self.down.clicked.connect(lambda: panel.move_row(self, 1))
        self.remove.clicked.connect(lambda: panel.remove(self))
        self.confidence.valueChanged.connect(self.changed)
        self.rationale.textChanged.connect(self.changed)

    def value(self) -> CandidateInput:
        return CandidateInput(self.country, self.confidence.value(), self.rationale.text())


class AssessmentPanel(QGroupBox):
    saveRequested = Signal()
    proposeRequested = Signal()
    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Country assessment", parent)
        name_widget(self, "assessmentPanel", "Country assessment")
        self.read_only = True
        self._saved: list[CandidateInput] = []
        self.rows: list[CandidateRow] = []

        self.ranking_model = RankingModel(self)
        self.ranking = QTableView()
        name_widget(self.ranking, "narrowingRanking", "Countries suggested by the clues")
        self.ranking.setModel(self.ranking_model)
        self.ranking.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.ranking.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.ranking.verticalHeader().hide()
        self.ranking.verticalHeader().setDefaultSectionSize(22)
        header = self.ranking.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for column, width in enumerate((28, 150, 52, 52, 80)):
            self.ranking.setColumnWidth(column, width)
        header.setStretchLastSection(True)
        self.ranking.setTabKeyNavigation(False)
        self.ranking.selectionModel().currentRowChanged.connect(self._show_reasons)
        self.ranking.doubleClicked.connect(lambda _i: self.add_selected())
        self.ranking_note = QLabel()
        self.ranking_note.setObjectName("rankingNote")
        self.ranking_note.setWordWrap(True)
        self.reasons = QTextBrowser()
        name_widget(self.reasons, "rankingReasons", "Why this country")
        self.reasons.setMaximumHeight(120)
        self.add_button = QPushButton("Add to my ranking ↓")
        name_widget(self.add_button, "addCandidateButton", "Add suggested country to my ranking")
        self.add_button.clicked.connect(self.add_selected)
        self.other_country = QComboBox()
        name_widget(self.other_country, "otherCountry", "Any other country")
        self.other_country.addItem("Add another country…", "")
        for country in all_countries():
            self.other_country.addItem(f"{country.code} {country.name}", country.code)
        self.other_country.activated.connect(self._add_other)

        self.rows_box = QVBoxLayout()
        self.rows_box.setSpacing(4)
        self.empty_ranking = QLabel("No candidates yet: pick from the suggestions above.")
        self.empty_ranking.setObjectName("rankingEmpty")
        self.rows_box.addWidget(self.empty_ranking)
        self.save_button = QPushButton("Save ranking")
        name_widget(self.save_button, "saveRankingButton", "Save ranking")
        self.propose_button = QPushButton("Propose for confirmation")
        name_widget(self.propose_button, "proposeButton", "Propose for confirmation (Ctrl+P)")
        self.propose_button.setToolTip("Saves the ranking and hands the series to the "
                                       "coordinators; your claim ends (Ctrl+P)")
        self.save_button.clicked.connect(self.saveRequested)
        self.propose_button.clicked.connect(self.proposeRequested)

        suggested = QLabel("<b>Suggested by the clues</b> (live; the ranking suggests, you decide)")
        suggested.setWordWrap(True)
        mine = QLabel("<b>My ranking</b> (first = most likely)")
        grid = QGridLayout(self)
        grid.addWidget(suggested, 0, 0, 1, 2)
        grid.addWidget(self.ranking, 1, 0, 1, 2)
        grid.addWidget(self.ranking_note, 2, 0, 1, 2)
        grid.addWidget(self.reasons, 3, 0, 1, 2)
        grid.addWidget(self.add_button, 4, 0)
        grid.addWidget(self.other_country, 4, 1)
        grid.addWidget(mine, 5, 0, 1, 2)
        grid.addLayout(self.rows_box, 6, 0, 1, 2)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.propose_button)
        grid.addLayout(buttons, 7, 0, 1, 2)
        grid.setRowStretch(1, 1)
        self.show_ranking([], "")
        self._update_buttons()

    # ---------------------------------------------------------------- suggestions
    def show_ranking(self, candidates: Sequence[Candidate], note: str) -> None:
        selected = self.selected_suggestion()
        self.ranking_model.set_candidates(candidates)
        if not candidates:
            note = note or ("No suggestions yet: add clues with a language, script, currency, "
                            "socket, driving side or supported/excluded countries.")
        self.ranking_note.setText(note)
        self.ranking_note.setVisible(bool(note))
        codes = [c.country for c in candidates]
        if candidates:
            row = codes.index(selected) if selected in codes else 0
            self.ranking.selectRow(row)
        else:
            self.reasons.clear()

    def selected_suggestion(self) -> str | None:
        index = self.ranking.currentIndex()
        if not index.isValid() or index.row() >= len(self.ranking_model.candidates):
            return None
        return self.ranking_model.candidates[index.row()].country

    def _show_reasons(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if not current.isValid() or current.row() >= len(self.ranking_model.candidates):
            self.reasons.clear()
            return
        candidate = self.ranking_model.candidates[current.row()]
        lines = [f"<b>{escape(country_text(candidate.country))}</b> — share "
                 f"{candidate.share:.0%}, score {candidate.score:+.1f}"]
        lines += [f"<span>✔ {escape(r.explanation)} ({r.weight:+.1f})</span>"
                  for r in candidate.supporting]
        lines += [f"<span>✘ {escape(r.explanation)} ({r.weight:+.1f})</span>"
                  for r in candidate.opposing[:8]]
        if len(candidate.opposing) > 8:
            lines.append(f"… and {len(candidate.opposing) - 8} more against")
        self.reasons.setHtml("<br>".join(lines))

    def add_selected(self) -> None:
        code = self.selected_suggestion()
        if code:
            share = next(c.share for c in self.ranking_model.candidates if c.country == code)
            self.add(code, round(share * 100), "")

    def _add_other(self, index: int) -> None:
        code = self.other_country.itemData(index)
        if code:
            self.add(str(code), 10, "")
        self.other_country.setCurrentIndex(0)

    # ---------------------------------------------------------------- my ranking
    def add(self, country: str, confidence: int, rationale: str) -> None:
        if self.read_only or any(r.country == country for r in self.rows):
            return
        self._append(country, confidence, rationale)
        self._renumber()
        self.changed.emit()

    def _append(self, country: str, confidence: int, rationale: str) -> None:
        row = CandidateRow(country, confidence, rationale, self)
        row.changed.connect(self.changed)
        row.changed.connect(self._update_buttons)
        self.rows.append(row)
        self.rows_box.addWidget(row)

    def move_row(self, row: CandidateRow, step: int) -> None:
        at = self.rows.index(row)
        to = at + step
        if self.read_only or not 0 <= to < len(self.rows):
            return
        self.rows[at], self.rows[to] = self.rows[to], self.rows[at]
        self._relayout()
        self.changed.emit()

    def remove(self, row: CandidateRow) -> None:
        if self.read_only:
            return
        self.rows.remove(row)
        self.rows_box.removeWidget(row)
        row.deleteLater()
        self._renumber()
        self.changed.emit()

    def _relayout(self) -> None:
        for row in self.rows:
            self.rows_box.removeWidget(row)
        for row in self.rows:
            self.rows_box.addWidget(row)
        self._renumber()

    def _renumber(self) -> None:
        for number, row in enumerate(self.rows, start=1):
            row.rank.setText(f"{number}.")
        self.empty_ranking.setVisible(not self.rows)
        self._update_buttons()
        self.set_read_only(self.read_only)

    def candidates(self) -> list[CandidateInput]:
        return [row.value() for row in self.rows]

    def load(self, candidates: Sequence[CandidateInfo]) -> None:
        for row in self.rows:
            self.rows_box.removeWidget(row)
            row.deleteLater()
        self.rows = []
        for candidate in candidates:
            self._append(candidate.country, candidate.confidence, candidate.rationale)
        self._saved = self.candidates()
        self._renumber()

    def mark_saved(self) -> None:
        self._saved = self.candidates()

    @property
    def dirty(self) -> bool:
        return self.candidates() != self._saved

    def set_read_only(self, read_only: bool) -> None:
        self.read_only = read_only
        self.add_button.setEnabled(not read_only)
        self.other_country.setEnabled(not read_only)
        for row in self.rows:
            for widget in (row.confidence, row.rationale, row.up, row.down, row.remove):
                widget.setEnabled(not read_only)
        self._update_buttons()

    def _update_buttons(self) -> None:
        self.save_button.setEnabled(not self.read_only)
        self.propose_button.setEnabled(not self.read_only and bool(self.rows))
