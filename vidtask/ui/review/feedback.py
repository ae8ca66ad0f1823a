"""Record what a country reported back about one series (victim, offender, ICSE, date, text).

Each yes/no question has three states, because "not reported" is not "no": Not reported, Yes,
No. The date is when the country reported. Recording is an `Op` of the window: its Changes
go out on the window's bus, then the dialog closes (accepted).
"""

from __future__ import annotations

from datetime import date

from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from vidtask.domain.changes import Changes
from vidtask.domain.countries_basic import country_label
from vidtask.services.feedback import record_feedback
from vidtask.ui.context import AppContext
from vidtask.ui.date_fields import date_field
from vidtask.ui.naming import named
from vidtask.ui.operations import Op, sentence

ANSWERS: tuple[tuple[str, bool | None], ...] = (("Not reported", None), ("Yes", True),
                                                 ("No", False))


def _answer_combo(name: str, accessible: str) -> QComboBox:
    combo = named(QComboBox(), name, accessible)
    combo.addItems([text for text, _value in ANSWERS])
    return combo


class FeedbackDialog(QDialog):
    def __init__(self, ctx: AppContext, series_id: int, country: str,
                 parent: QWidget | None = None, *, series_code: str = "",
                 packet_code: str | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._series_id, self._country = series_id, country
        self._packet_code = packet_code
        self.setObjectName("feedbackDialog")
        self.setAccessibleName("Country feedback")
        what = series_code or f"series {series_id}"
        self.setWindowTitle(f"Feedback from {country_label(country)} on {what}")

        self.victim_identified = _answer_combo("feedbackVictimIdentified", "Victim identified")
        self.victim_safeguarded = _answer_combo("feedbackVictimSafeguarded",
                                                "Victim safeguarded")
        self.offender_identified = _answer_combo("feedbackOffenderIdentified",
                                                 "Offender identified")
        self.icse_updated = _answer_combo("feedbackIcseUpdated", "ICSE updated")
        self.reported_on = named(date_field(), "feedbackDate", "Date the country reported")
        self.text = named(QPlainTextEdit(), "feedbackText", "What the country wrote")
        self.text.setPlaceholderText("What the country reported, in their words")
        self.error = named(QLabel(), "feedbackError", "Feedback problem")
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #b00020")
        self.error.hide()
        self.record_button = named(QPushButton("&Record"), "feedbackRecordButton",
                                   "Record the feedback")
        self.record_button.setDefault(True)
        self.record_button.setShortcut(QKeySequence("Ctrl+Return"))
        self.record_button.clicked.connect(self.accept)
        cancel = named(QPushButton("Cancel"), "feedbackCancelButton", "Close without recording")
        cancel.clicked.connect(self.reject)

        form = QFormLayout()
        form.addRow("&Victim identified", self.victim_identified)
        form.addRow("Victim &safeguarded", self.victim_safeguarded)
        form.addRow("&Offender identified", self.offender_identified)
        form.addRow("&ICSE updated", self.icse_updated)
        form.addRow("Reported &on", self.reported_on)
        form.addRow("&Text", self.text)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.record_button)
        buttons.addWidget(cancel)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(f"<b>{what}</b> — feedback from {country_label(country)} "
                                f"({country})"))
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addLayout(buttons)
        self.resize(460, 380)

    def reported_date(self) -> date:
        chosen = self.reported_on.date()
        return date(chosen.year(), chosen.month(), chosen.day())

    def accept(self) -> None:
        if not self.record_button.isEnabled():
            return
        self.record_button.setEnabled(False)
        self.error.hide()
        ctx, series_id, country = self.ctx, self._series_id, self._country
        # ANSWERS by index: QComboBox.currentData() returning None corrupts None's refcount
        # in PySide6 6.12
        answers = dict(victim_identified=ANSWERS[self.victim_identified.currentIndex()][1],
                       victim_safeguarded=ANSWERS[self.victim_safeguarded.currentIndex()][1],
                       offender_identified=ANSWERS[self.offender_identified.currentIndex()][1],
                       icse_updated=ANSWERS[self.icse_updated.currentIndex()][1])
        reported_on, text, packet_code = (self.reported_date(), self.text.toPlainText(),
                                          self._packet_code)

        Op(ctx, record_feedback, ctx.db, ctx.login, series_id, country, reported_on=reported_on,
           text=text, packet_code=packet_code, **answers)\
            .success(self._recorded).failure(self._failed).owned_by(self).run()

    def _recorded(self, _changes: Changes) -> None:
        self.record_button.setEnabled(True)
        super().accept()

    def _failed(self, error: BaseException) -> None:
        self.record_button.setEnabled(True)
        self.error.setText(sentence(error))
        self.error.show()
