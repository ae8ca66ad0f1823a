"""Trace an Object's dialogs: draft an appeal object from a crop file, record a tip taken by
phone or mail, record what an appeal came to. Each writes through one `Op` of the window, shows
a refusal as one sentence inside itself, and closes (accepted) once the write is done.

Signals: `NewAppealDialog.drafted(str)` and `RecordTipDialog.recorded(str)` carry the public ID
and the tip reference written.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from vidtask.domain import wording
from vidtask.domain.appeals import TIP_CHANNELS
from vidtask.domain.enums import AppealOutcome
from vidtask.services import appeals, tips
from vidtask.services.appeals import AppealInfo, AppealWritten
from vidtask.services.series import SeriesRow, list_series
from vidtask.services.tips import TipWritten
from vidtask.ui.context import AppContext
from vidtask.ui.date_fields import datetime_field
from vidtask.ui.naming import named
from vidtask.ui.operations import Op, sentence


class _WriteDialog(QDialog):
    """A form with an OK button that runs one write, and an error line."""

    def __init__(self, title: str, name: str, ok_text: str, ok_name: str,
                 parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.setAccessibleName(title)
        self.setWindowTitle(title)
        self.form = QFormLayout()
        self.error = named(QLabel(), f"{name}Error", "What went wrong")
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #b00020")
        self.error.hide()
        self.ok_button = named(QPushButton(ok_text), ok_name, ok_text.replace("&", ""))
        self.ok_button.setDefault(True)
        self.ok_button.setShortcut(QKeySequence("Ctrl+Return"))
        self.ok_button.clicked.connect(self.submit)
        cancel = named(QPushButton("Cancel"), f"{name}Cancel", "Close without saving")
        cancel.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(cancel)
        buttons.addWidget(self.ok_button)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.error)
        layout.addLayout(buttons)

    def submit(self) -> None:
        raise NotImplementedError

    def _failed(self, error: BaseException) -> None:
        self.ok_button.setEnabled(True)
        self.say(sentence(error))

    def say(self, text: str) -> None:
        self.error.setText(text)
        self.error.show()


class NewAppealDialog(_WriteDialog):
    drafted = Signal(str)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None, *,
                 series_id: int | None = None) -> None:
        super().__init__("New appeal object", "newAppealDialog", "&Draft", "createAppealButton",
                         parent)
        self.ctx = ctx
        self._wanted_series = series_id
        self.series = named(QComboBox(), "appealSeries", "Series the object comes from")
        self.crop_path = named(QLineEdit(), "appealCropPath", "Crop file (PNG or JPEG)")
        self.crop_path.setPlaceholderText("a PNG or JPEG crop: metadata is stripped")
        browse = named(QPushButton("Choose…"), "appealCropBrowse", "Choose the crop file")
        browse.clicked.connect(self._browse)
        crop_row = QHBoxLayout()
        crop_row.addWidget(self.crop_path, 1)
        crop_row.addWidget(browse)
        self.object_type = named(QLineEdit(), "appealObjectType", "Object type")
        self.object_type.setPlaceholderText("shampoo bottle, shopping bag, wallpaper…")
        self.question = named(QLineEdit(), "appealQuestion", "Question to the public")
        self.question.setText("In which country is this sold?")
        self.region_hint = named(QLineEdit(), "appealRegionHint", "What to look at (public)")
        self.public_id = named(QLineEdit(), "appealPublicId", "Public ID (optional)")
        self.public_id.setPlaceholderText("e.g. G19; empty: the next T number")
        note = QLabel("The crop is re-encoded from its pixels: GPS, camera and editing "
                      "metadata are removed, and the file itself is never stored. Another "
                      "coordinator approves it before it can be published.")
        note.setWordWrap(True)
        self.form.addRow("&Series:", self.series)
        self.form.addRow("&Crop file:", crop_row)
        self.form.addRow("&Object type:", self.object_type)
        self.form.addRow("&Question:", self.question)
        self.form.addRow("&Where to look:", self.region_hint)
        self.form.addRow("&Public ID:", self.public_id)
        self.form.addRow(note)
        Op(ctx, list_series, ctx.db, ctx.sprint.id).success(self._series_loaded)\
            .owned_by(self).run()

    def _series_loaded(self, rows: list[SeriesRow]) -> None:
        self.series.clear()
        for row in rows:
            self.series.addItem(f"{row.code} — {row.alias}" if row.alias else row.code, row.id)
        if self._wanted_series is not None:
            self.series.setCurrentIndex(max(self.series.findData(self._wanted_series), 0))

    def _browse(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Crop to publish", str(Path.home()),
                                              "Images (*.png *.jpg *.jpeg)")
        if path:
            self.crop_path.setText(path)

    def submit(self) -> None:
        series_id = self.series.currentData()
        if series_id is None:
            self.say("Choose the series the object comes from.")
            return
        path = Path(self.crop_path.text().strip())
        try:
            crop = path.read_bytes()
        except OSError as exc:
            self.say(f"Cannot read the crop file {path}: {exc.strerror or exc}.")
            return
        self.ok_button.setEnabled(False)
        Op(self.ctx, appeals.create_appeal, self.ctx.db, self.ctx.login, int(series_id), crop,
           object_type=self.object_type.text(), question=self.question.text(),
           public=self.public_id.text().strip() or None,
           region_hint=self.region_hint.text()).success(self._done)\
            .failure(self._failed).owned_by(self).run()

    def _done(self, written: AppealWritten) -> None:
        self.drafted.emit(written.public_id)
        self.accept()


class RecordTipDialog(_WriteDialog):
    recorded = Signal(str)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__("Record a tip", "recordTipDialog", "&Record", "recordTipSave", parent)
        self.ctx = ctx
        self.appeal = named(QComboBox(), "tipAppeal", "Object the tip is about")
        self.channel = named(QComboBox(), "tipChannel", "How the tip came in")
        self.channel.addItems([c for c in TIP_CHANNELS if c != "web form"])
        self.received = named(datetime_field(), "tipReceivedAt", "When the tip came in")
        self.text = named(QPlainTextEdit(), "tipText", "What the tipster said")
        self.text.setPlaceholderText("What the tipster said, in their words")
        self.suggested = named(QLineEdit(), "tipSuggested", "Country or place the tip names")
        self.suggested.setPlaceholderText("a country (DE, Germany) or a place")
        self.contact = named(QLineEdit(), "tipContact", "Tipster's contact (optional)")
        self.contact.setPlaceholderText("only if they want to be called back")
        note = QLabel("The contact is kept apart from the tip: only coordinators see it.")
        note.setWordWrap(True)
        self.form.addRow("&Object:", self.appeal)
        self.form.addRow("&Came in by:", self.channel)
        self.form.addRow("&When:", self.received)
        self.form.addRow("&Tip:", self.text)
        self.form.addRow("&Suggests:", self.suggested)
        self.form.addRow("Con&tact:", self.contact)
        self.form.addRow(note)
        Op(ctx, appeals.list_appeals, ctx.db, None, statuses=("published", "withdrawn"))\
            .success(self._objects_loaded).owned_by(self).run()

    def _objects_loaded(self, rows: list[AppealInfo]) -> None:
        self.appeal.clear()
        for row in sorted(rows, key=lambda r: r.public_id):
            self.appeal.addItem(f"{row.public_id} — {row.object_type}", row.public_id)

    def submit(self) -> None:
        public = self.appeal.currentData()
        if public is None:
            self.say("No object is published yet: tips are about public ones.")
            return
        when = self.received.dateTime().toPython()
        moment = when.astimezone(UTC) if isinstance(when, datetime) else None
        self.ok_button.setEnabled(False)
        Op(self.ctx, tips.record_tip, self.ctx.db, self.ctx.login, str(public),
           self.text.toPlainText(), received_at=moment, channel=self.channel.currentText(),
           suggested=self.suggested.text(), contact=self.contact.text())\
            .success(self._done).failure(self._failed).owned_by(self).run()

    def _done(self, written: TipWritten) -> None:
        self.recorded.emit(written.reference)
        self.accept()


class OutcomeDialog(_WriteDialog):
    """What an appeal came to: identified (with the country), too widespread, no result."""

    def __init__(self, ctx: AppContext, appeal: AppealInfo, parent: QWidget | None = None
                 ) -> None:
        super().__init__(f"Outcome of {appeal.public_id}", "appealOutcomeDialog", "&Record",
                         "appealOutcomeSave", parent)
        self.ctx, self.appeal = ctx, appeal
        self.outcome = named(QComboBox(), "appealOutcome", "What the appeal came to")
        for outcome in AppealOutcome:
            self.outcome.addItem(wording.appeal_outcome(outcome), outcome.value)
        self.country = named(QLineEdit(), "appealOutcomeCountry", "Country it was traced to")
        self.country.setPlaceholderText("for an identified object: DE, Germany…")
        self.note = named(QLineEdit(), "appealOutcomeNote", "Note")
        self.note.setPlaceholderText("e.g. sold in 40 countries")
        self.form.addRow("&Outcome:", self.outcome)
        self.form.addRow("&Country:", self.country)
        self.form.addRow("&Note:", self.note)

    def submit(self) -> None:
        self.ok_button.setEnabled(False)
        outcome = str(self.outcome.currentData())
        country = self.country.text().strip() if outcome == AppealOutcome.IDENTIFIED else None
        Op(self.ctx, appeals.record_outcome, self.ctx.db, self.ctx.login, self.appeal.id,
           outcome, country=country or None, note=self.note.text())\
            .success(lambda _w: self.accept()).failure(self._failed).owned_by(self).run()
