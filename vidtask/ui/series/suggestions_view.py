"""What the assessment panel shows of the clues' ranking: the suggestions table
(`narrowingRanking`), each tie (`rankingTies`), where every country stands (`rankingCounts`), a
note (`rankingNote`) and the selected country's reasons (`rankingReasons`).

Not a widget of its own: the panel lays these out in its grid. `ReasonsView` is the reasons' text
browser, a few lines tall by default.

Signals: ``addRequested()`` — a suggestion was double-clicked.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QObject, QSize, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QTableView,
    QTextBrowser,
    QWidget,
)

from vidtask.ui.common import WrappingLabel, name_widget
from vidtask.ui.series.ranking import Suggestions
from vidtask.ui.series.suggestion_text import PRIOR_NOTE, reasons_html, tie_html
from vidtask.ui.series.suggestions_model import RankingModel

#: Rows the suggestions table shows before it scrolls.
TABLE_ROWS = 8


def note_label(name: str, accessible: str) -> QLabel:
    """A selectable, wrapping note, hidden until it has something to say."""
    label = WrappingLabel()
    name_widget(label, name, accessible)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.hide()
    return label


class ReasonsView(QTextBrowser):
    """The selected country's reasons: asks for a few lines and takes any height left over
    (a plain QTextBrowser asks for 192 px and pushes My ranking out of view)."""

    def __init__(self) -> None:
        super().__init__()
        self.setMinimumHeight(self.fontMetrics().lineSpacing() * 5)

    def sizeHint(self) -> QSize:
        return QSize(super().sizeHint().width(), self.fontMetrics().lineSpacing() * 7)



class SuggestionsView(QObject):
    addRequested = Signal()

    def __init__(self, owner: QWidget) -> None:
        super().__init__(owner)
        self.model = RankingModel(owner)
        self.table = QTableView()
        name_widget(self.table, "narrowingRanking", "Countries suggested by the clues")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.setTabKeyNavigation(False)
        self.table.selectionModel().currentRowChanged.connect(self._show_reasons)
        self.table.doubleClicked.connect(lambda _i: self.addRequested.emit())
        self.ties = note_label("rankingTies", "Countries the clues cannot tell apart")
        self.ties.setTextFormat(Qt.TextFormat.RichText)
        self.ties.setToolTip(PRIOR_NOTE)
        self.counts = note_label("rankingCounts", "Where every country stands")
        self.note = note_label("rankingNote", "About this ranking")
        self.reasons = ReasonsView()
        name_widget(self.reasons, "rankingReasons", "Why this country")

    def show(self, suggestions: Suggestions) -> None:
        """Show the clues' ranking: listed rows, each tie, the prior, the counts, a note."""
        selected = self.selected()
        ranking, listed = suggestions.ranking, suggestions.listed
        shown_ranks = {c.rank for c in listed if c.tied > 1}
        ties = [group for group in ranking.ties() if group.rank in shown_ranks]
        self.model.set_candidates(listed, ties)
        self._fit_table()
        spoken = any(c.spoken_for for c in ranking.candidates)
        self.ties.setText("<br>".join(tie_html(group) for group in ties))
        self.ties.setVisible(bool(ties))
        self.counts.setText(ranking.counts(len(listed)).sentence() + "." if spoken else "")
        self.counts.setVisible(spoken)
        note = suggestions.note
        if not spoken:
            note = " ".join(filter(None, (note, "No suggestions yet: add clues with a language, "
                                          "script, currency, socket, driving side or "
                                          "supported/excluded countries.")))
        elif not listed:
            note = " ".join(filter(None, (note, "No country has support from these clues.")))
        self.note.setText(note)
        self.note.setVisible(bool(note))
        codes = [c.country for c in listed]
        if listed:
            row = codes.index(selected) if selected in codes else 0
            self.table.selectRow(row)
            self._show_reasons(self.model.index(row, 0), QModelIndex())
        else:
            self.reasons.clear()

    def _fit_table(self) -> None:
        """As tall as its rows (up to TABLE_ROWS; it scrolls beyond), so the reasons get the
        rest of the height."""
        view = self.table
        rows = max(1, min(self.model.rowCount(), TABLE_ROWS))
        view.resizeRowsToContents()
        row_height = view.verticalHeader().sectionSize(0) if self.model.rowCount() \
            else view.verticalHeader().defaultSectionSize()
        view.setFixedHeight(view.horizontalHeader().sizeHint().height() + rows * row_height
                            + 2 * view.frameWidth())

    def selected(self) -> str | None:
        """The selected suggestion's country code."""
        index = self.table.currentIndex()
        if not index.isValid() or index.row() >= len(self.model.candidates):
            return None
        return self.model.candidates[index.row()].country

    def _show_reasons(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if not current.isValid() or current.row() >= len(self.model.candidates):
            self.reasons.clear()
            return
        candidate = self.model.candidates[current.row()]
        self.reasons.setHtml(reasons_html(candidate, self.model.ties.get(candidate.rank)))
