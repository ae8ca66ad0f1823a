"""Country assessment panel: the live narrowing ranking beside the specialist's own ranking.

The ranking suggests; the human decides: candidates are picked from the suggestions (or any
country), ordered, given a confidence and a rationale, saved, then proposed for confirmation.

The suggestions say what the model knows and nothing more: shared ranks ("=1") with each tie's
group and what would separate it, the population prior named as such, a counts line that adds
up to every country, and every reason of the selected country (they sum to its score). Under
"My ranking", warnings say where it disagrees with the clues (`Ranking.contradictions`); adding
a country the clues rule out asks first (Cancel is the default), and a country added without a
confidence says what it was given.

Signals: ``saveRequested()`` and ``proposeRequested()`` (the ranking is `candidates()`);
``changed()`` when the user edits the ranking.

Its parts: the suggestions (`suggestions_view`, its table model `suggestions_model`, its texts
`suggestion_text`), one line of my ranking (`candidate_row`), the excluded-country question
(`excluded_question`).
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from vidtask.domain.countries import all_countries
from vidtask.domain.narrowing import Contradiction
from vidtask.services.assessments import CandidateInput
from vidtask.services.series_detail import CandidateInfo
from vidtask.ui.common import country_text, name_widget
from vidtask.ui.series.candidate_row import CandidateRow
from vidtask.ui.series.excluded_question import ask_rank_excluded
from vidtask.ui.series.ranking import Suggestions
from vidtask.ui.series.suggestions_view import SuggestionsView, note_label


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
        self.suggestions = Suggestions()
        #: The row whose confidence was assumed on adding it (the note says so until edited).
        self._assumed: CandidateRow | None = None

        self.suggested = SuggestionsView(self)
        self.suggested.addRequested.connect(self.add_selected)
        self.ranking_model, self.ranking = self.suggested.model, self.suggested.table
        self.ties, self.counts = self.suggested.ties, self.suggested.counts
        self.ranking_note, self.reasons = self.suggested.note, self.suggested.reasons
        self.add_button = QPushButton("Add to my ranking ↓")
        name_widget(self.add_button, "addCandidateButton", "Add suggested country to my ranking")
        self.add_button.clicked.connect(self.add_selected)
        self.other_country = QComboBox()
        name_widget(self.other_country, "otherCountry", "Any other country")
        self.other_country.addItem("Add another country…", "")
        for country in all_countries():
            self.other_country.addItem(f"{country.code} {country.name}", country.code)
        self.other_country.activated.connect(self._add_other)

        self.warnings = note_label("rankingWarnings", "Where my ranking disagrees with the clues")
        self.warnings.setTextFormat(Qt.TextFormat.RichText)
        self.warnings.setStyleSheet("QLabel { color: #8a5a00; }")
        self.assumed = note_label("candidateAssumption", "Confidence assumed for a new candidate")
        self.rows_box = QVBoxLayout()
        self.rows_box.setSpacing(4)
        self.empty_ranking = QLabel("No candidates yet: pick from the suggestions above.")
        self.empty_ranking.setObjectName("rankingEmpty")
        self.empty_ranking.setWordWrap(True)
        self.rows_box.addWidget(self.empty_ranking)
        self.rows_box.addStretch(1)
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
        # Everything but the Save/Propose buttons scrolls when the panel is short of room, so
        # at 150 % or on a small screen nothing is squeezed over anything else.
        content = QWidget()
        content.setObjectName("assessmentContent")
        grid = QGridLayout(content)
        grid.setContentsMargins(0, 0, 4, 0)
        grid.addWidget(suggested, 0, 0, 1, 2)
        grid.addWidget(self.ranking, 1, 0, 1, 2)
        grid.addWidget(self.ties, 2, 0, 1, 2)
        grid.addWidget(self.counts, 3, 0, 1, 2)
        grid.addWidget(self.ranking_note, 4, 0, 1, 2)
        grid.addWidget(self.reasons, 5, 0, 1, 2)
        grid.addWidget(self.add_button, 6, 0)
        grid.addWidget(self.other_country, 6, 1)
        grid.addWidget(mine, 7, 0, 1, 2)
        grid.addWidget(self.warnings, 8, 0, 1, 2)
        grid.addWidget(self.assumed, 9, 0, 1, 2)
        grid.addLayout(self.rows_box, 10, 0, 1, 2)
        grid.setRowStretch(5, 1)
        scroll = QScrollArea()
        scroll.setObjectName("assessmentScroll")
        scroll.setWidget(content)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.propose_button)
        layout = QVBoxLayout(self)
        layout.addWidget(scroll, 1)
        layout.addLayout(buttons)
        self._content, self._scroll = content, scroll
        self.show_ranking(Suggestions())
        self._update_buttons()

    def _scrolled_width(self, content_width: int) -> int:
        margins = self.contentsMargins()
        layout = self.layout()
        assert layout is not None
        layout_margins = layout.contentsMargins()
        bar = self._scroll.verticalScrollBar().sizeHint().width()
        return (content_width + bar + margins.left() + margins.right() + layout_margins.left()
                + layout_margins.right())

    def sizeHint(self) -> QSize:
        """As wide as the content wants (the scroll area alone would ask for little)."""
        hint = super().sizeHint()
        return QSize(max(hint.width(), self._scrolled_width(self._content.sizeHint().width())),
                     hint.height())

    def minimumSizeHint(self) -> QSize:
        """Never narrower than the content: it scrolls up and down, never sideways."""
        hint = super().minimumSizeHint()
        width = self._scrolled_width(self._content.minimumSizeHint().width())
        return QSize(max(hint.width(), width), hint.height())

    # ---------------------------------------------------------------- suggestions
    def show_ranking(self, suggestions: Suggestions) -> None:
        """Show the clues' ranking (`suggestions_view`) and what my ranking says against it."""
        self.suggestions = suggestions
        self.suggested.show(suggestions)
        self._update_warnings()

    def selected_suggestion(self) -> str | None:
        return self.suggested.selected()

    def add_selected(self) -> None:
        code = self.selected_suggestion()
        if code:
            self.add_country(code)

    def _add_other(self, index: int) -> None:
        code = self.other_country.itemData(index)
        self.other_country.setCurrentIndex(0)
        if code:
            self.add_country(str(code))

    def add_country(self, country: str) -> bool:
        """Add a country the user picked, at the clues' share (and say so); a country the
        clues rule out is added only once the user confirms it."""
        if self.read_only or any(r.country == country for r in self.rows):
            return False
        candidate = self.suggestions.ranking.candidate(country)
        confidence = round(candidate.share * 100) if candidate is not None else 0
        chosen = [(r.country, r.confidence.value()) for r in self.rows]
        against = [c for c in self.suggestions.ranking.contradictions(
            [*chosen, (country, confidence)]) if c.kind == "excluded" and c.country == country]
        if against and not self.confirm_excluded(against[0].message):
            return False
        self.add(country, confidence, "")
        row = self.rows[-1]
        self._assumed = row
        self.assumed.setText(f"{country_text(country, with_name=True)}: no confidence given "
                             f"yet, so it starts at {confidence} %, the clues' share. Set your "
                             "own.")
        self.assumed.show()
        return True

    def confirm_excluded(self, message: str) -> bool:
        """Ask before ranking a country the clues rule out; Cancel is the default."""
        return ask_rank_excluded(self, message)

    # ---------------------------------------------------------------- my ranking
    def add(self, country: str, confidence: int, rationale: str) -> None:
        if self.read_only or any(r.country == country for r in self.rows):
            return
        self._append(country, confidence, rationale)
        self._renumber()
        self.changed.emit()

    def _append(self, country: str, confidence: int, rationale: str) -> None:
        row = CandidateRow(country, confidence, rationale)
        row.moveRequested.connect(lambda step, row=row: self.move_row(row, step))
        row.removeRequested.connect(lambda row=row: self.remove(row))
        row.changed.connect(self.changed)
        row.changed.connect(self._update_buttons)
        row.changed.connect(self._update_warnings)
        row.confidence.valueChanged.connect(lambda _v, row=row: self._confidence_set(row))
        self.rows.append(row)
        self.rows_box.insertWidget(len(self.rows), row)

    def _confidence_set(self, row: CandidateRow) -> None:
        if row is self._assumed:
            self._clear_assumed()

    def _clear_assumed(self) -> None:
        self._assumed = None
        self.assumed.clear()
        self.assumed.hide()

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
        if row is self._assumed:
            self._clear_assumed()
        self._renumber()
        self.changed.emit()

    def _relayout(self) -> None:
        for row in self.rows:
            self.rows_box.removeWidget(row)
        for at, row in enumerate(self.rows, start=1):
            self.rows_box.insertWidget(at, row)
        self._renumber()

    def _renumber(self) -> None:
        for number, row in enumerate(self.rows, start=1):
            row.rank.setText(f"{number}.")
        self.empty_ranking.setVisible(not self.rows)
        self._update_buttons()
        self._update_warnings()
        self.set_read_only(self.read_only)

    def candidates(self) -> list[CandidateInput]:
        return [row.value() for row in self.rows]

    def contradictions(self) -> list[Contradiction]:
        """What my ranking says against the clues shown above (the unsaved draft included)."""
        return self.suggestions.ranking.contradictions(
            [(row.country, row.confidence.value()) for row in self.rows])

    def _update_warnings(self) -> None:
        found = self.contradictions()
        self.warnings.setText("<br>".join(f"⚠ {escape(c.message)}" for c in found))
        self.warnings.setVisible(bool(found))

    def load(self, candidates: Sequence[CandidateInfo]) -> None:
        for row in self.rows:
            self.rows_box.removeWidget(row)
            row.deleteLater()
        self.rows = []
        self._clear_assumed()
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
