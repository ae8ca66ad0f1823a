"""Trace an Object: the sprint's appeal objects, their crops, and the coordinators' steps.

Left: the objects (`appealList`) with status, outcome and tips; right: the selected object's
sanitised crop (`appealCrop`) and facts (`appealDetail`), and the steps — New appeal object
(`newAppealButton`), Approve (`approveAppealButton`, four-eyes: disabled with the reason in
`appealFourEyesNote` for the person who drafted it), Publish the public pages
(`publishAppealsButton`), Withdraw (`withdrawAppealButton`), Outcome (`appealOutcomeButton`).
Every call is an `Op`; appeal and tip events on the bus reload the list.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from pathlib import Path

from PySide6.QtCore import QItemSelection, Qt, QTimer, Slot
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QPushButton,
    QSplitter,
    QTableView,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from vidtask.domain import wording
from vidtask.domain.dates import format_datetime
from vidtask.domain.enums import AppealStatus
from vidtask.domain.permissions import Action
from vidtask.services import appeals
from vidtask.services.appeals import AppealInfo, AppealWritten, Publication
from vidtask.ui.appeals.dialogs import NewAppealDialog, OutcomeDialog
from vidtask.ui.commands import Command, Handler
from vidtask.ui.context import AppContext
from vidtask.ui.decisions import ask
from vidtask.ui.naming import named
from vidtask.ui.operations import ChangeBatch, Op, Reload, sentence
from vidtask.ui.rows_model import Column, RowsModel

COLUMNS: list[Column[AppealInfo]] = [
    Column("ID", lambda a: a.public_id),
    Column("Series", lambda a: a.series_code),
    Column("Object", lambda a: a.object_type),
    Column("Status", lambda a: wording.appeal_status(a.status)),
    Column("Outcome", lambda a: wording.appeal_outcome(a.outcome, a.outcome_country)),
    Column("Tips", lambda a: a.tips_total, numeric=True),
    Column("New", lambda a: a.tips_new, numeric=True, tooltip="Tips nobody has triaged yet"),
    Column("Relevant", lambda a: a.tips_useful, numeric=True,
           tooltip="Tips found relevant, developed or passed on"),
    Column("Question", lambda a: a.question),
]


def four_eyes_reason(appeal: AppealInfo, login: str) -> str:
    return (f"Four-eyes rule: you ({login}) drafted {appeal.public_id}, so another "
            "coordinator must approve it.")


def tips_line(appeal: AppealInfo) -> str:
    return f"{wording.counted(appeal.tips_total, 'tip', 'tips')} ({appeal.tips_new:,} new)"


class AppealsScreen(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("appealsScreen")
        self.setAccessibleName("Trace an Object: public appeal objects")
        self.loaded = False
        self._busy = False
        self._reload = Reload(lambda: Op(self.ctx, appeals.list_appeals, self.ctx.db,
                                         self.ctx.sprint.id)
                              .success(self._loaded).failure(self.ctx.notices.failure)
                              .owned_by(self))
        self.last_publication: Publication | None = None
        self.open_dialog: NewAppealDialog | OutcomeDialog | None = None

        self.model: RowsModel[AppealInfo] = RowsModel(COLUMNS, key=lambda a: a.id,
                                                      text_tips=True)
        self.table = named(QTableView(), "appealList", "Appeal objects of the sprint")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(24)
        self.table.horizontalHeader().setStretchLastSection(True)
        for column, width in enumerate((60, 90, 130, 150, 150, 50, 45, 65)):
            self.table.setColumnWidth(column, width)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)

        self.crop = named(QLabel("No object selected"), "appealCrop",
                          "The sanitised crop the public sees")
        self.crop.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.crop.setMinimumSize(320, 240)
        self.detail = named(QTextBrowser(), "appealDetail", "The selected appeal object")
        self.new_button = named(QPushButton("&New appeal object…"), "newAppealButton",
                                "Draft an appeal object from a crop", "Ctrl+Shift+N")
        self.new_button.clicked.connect(self.new_appeal)
        self.approve_button = named(QPushButton("&Approve"), "approveAppealButton",
                                    "Approve the selected draft (four-eyes)")
        self.approve_button.clicked.connect(self.approve)
        self.publish_button = named(QPushButton("&Publish the public pages…"),
                                    "publishAppealsButton",
                                    "Publish approved objects and write the public pages")
        self.publish_button.clicked.connect(self._choose_folder)
        self.withdraw_button = named(QPushButton("&Withdraw…"), "withdrawAppealButton",
                                     "Take the selected object off the appeal")
        self.withdraw_button.clicked.connect(self.withdraw)
        self.outcome_button = named(QPushButton("&Outcome…"), "appealOutcomeButton",
                                    "Record what the appeal came to")
        self.outcome_button.clicked.connect(self.record_outcome)
        self.four_eyes = named(QLabel(), "appealFourEyesNote", "Why approving is not possible")
        self.four_eyes.setWordWrap(True)
        self.four_eyes.setStyleSheet("color: #8a5a00")
        self.four_eyes.hide()
        self.status = named(QLabel(), "appealStatus", "What the last appeal step did")
        self.status.setWordWrap(True)
        lead = ctx.may(Action.PUBLISH_APPEALS)
        for button in (self.approve_button, self.publish_button, self.withdraw_button,
                       self.outcome_button):
            button.setVisible(lead)

        buttons = QHBoxLayout()
        for button in (self.new_button, self.approve_button, self.publish_button,
                       self.withdraw_button, self.outcome_button):
            buttons.addWidget(button)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.crop, 2)
        right_layout.addWidget(self.detail, 1)
        right_layout.addWidget(self.four_eyes)
        right_layout.addLayout(buttons)
        right_layout.addWidget(self.status)
        splitter = QSplitter()
        splitter.addWidget(self.table)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)
        self._reload_timer = QTimer(self)
        self._reload_timer.setSingleShot(True)
        self._reload_timer.setInterval(250)
        self._reload_timer.timeout.connect(self.reload)
        self._update_buttons()
        ctx.bus.subscribe(self.on_changes)
        self.reload()

    def commands(self) -> Mapping[Command, Handler]:
        handlers: dict[Command, Handler] = {Command.NEW_APPEAL: self.new_appeal}
        if self.ctx.may(Action.PUBLISH_APPEALS):
            handlers.update({Command.APPROVE_APPEAL: self.approve,
                             Command.PUBLISH_APPEALS: self._choose_folder,
                             Command.WITHDRAW_APPEAL: self.withdraw})
        return handlers

    # ------------------------------------------------------------ loading
    @Slot()
    def reload(self) -> None:
        self._reload.request()

    def _loaded(self, rows: list[AppealInfo]) -> None:
        keep = self.current()
        self.model.set_rows(rows)
        self.loaded = True
        if keep is not None:
            self.select(keep.public_id)
        elif rows and not self.table.selectionModel().hasSelection():
            self.table.selectRow(0)
        self._show(self.current(), refresh_crop=False)

    def on_changes(self, batch: ChangeBatch) -> None:
        if batch.changes.has_actions("appeal.*", "tips.imported", "tip.*"):
            self._reload_timer.start()

    # ------------------------------------------------------------ selection
    def current(self) -> AppealInfo | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.row(rows[0].row()) if rows else None

    def select(self, public_id: str) -> bool:
        for number, row in enumerate(self.model.rows()):
            if row.public_id == public_id:
                self.table.selectRow(number)
                return True
        return False

    def _selection_changed(self, _selected: QItemSelection, _deselected: QItemSelection
                           ) -> None:
        self._show(self.current())

    def _show(self, appeal: AppealInfo | None, *, refresh_crop: bool = True) -> None:
        self._update_buttons()
        if appeal is None:
            self.crop.setPixmap(QPixmap())
            self.crop.setText("No object selected")
            self.detail.setHtml("<p><i>Draft an appeal object from a crop of a series' "
                                "background: New appeal object.</i></p>")
            return
        e = html.escape
        outcome = wording.appeal_outcome(appeal.outcome, appeal.outcome_country)
        steps = [f"drafted by {e(appeal.created_by_name or appeal.created_by)}, "
                 f"{e(format_datetime(appeal.created_at))}"]
        if appeal.approved_by:
            steps.append(f"approved by {e(appeal.approved_by_name or appeal.approved_by)}, "
                         f"{e(format_datetime(appeal.approved_at))}")
        if appeal.published_at:
            steps.append(f"public since {e(format_datetime(appeal.published_at))}")
        if appeal.withdrawn_at:
            steps.append(f"withdrawn {e(format_datetime(appeal.withdrawn_at))}: "
                         f"{e(appeal.withdrawn_reason)}")
        self.detail.setHtml(
            f"<h3>{e(appeal.public_id)}: {e(appeal.object_type)}</h3>"
            f"<p><b>{e(appeal.question)}</b></p>"
            + (f"<p>Where to look: {e(appeal.region_hint)}</p>" if appeal.region_hint else "")
            + f"<p>Series {e(appeal.series_code)} · {e(wording.appeal_status(appeal.status))}"
            + (f" · {e(outcome)}" if outcome else "")
            + f" · {tips_line(appeal)}</p>"
            f"<p><small>{'<br>'.join(steps)}<br>crop {e(appeal.crop_mime)} "
            f"{appeal.crop_width}×{appeal.crop_height}, metadata stripped</small></p>")
        if refresh_crop or self.crop.pixmap().isNull():
            wanted = appeal.id
            Op(self.ctx, appeals.appeal_crop, self.ctx.db, wanted)\
                .success(lambda found: self._crop_loaded(wanted, found)).owned_by(self).run()

    def _crop_loaded(self, appeal_id: int, found: tuple[bytes, str]) -> None:
        current = self.current()
        if current is None or current.id != appeal_id:
            return
        pixmap = QPixmap()
        pixmap.loadFromData(found[0])
        self.crop.setPixmap(pixmap.scaled(self.crop.size(), Qt.AspectRatioMode.KeepAspectRatio,
                                          Qt.TransformationMode.SmoothTransformation))
        self.crop.setAccessibleDescription(f"Crop of appeal object {current.public_id}")

    def _update_buttons(self) -> None:
        appeal = self.current()
        idle = not self._busy
        may_approve = appeal is not None and appeal.may_approve(self.ctx.login)
        self.approve_button.setEnabled(idle and may_approve)
        blocked = (appeal is not None and appeal.status == AppealStatus.DRAFT
                   and not may_approve and self.ctx.may(Action.APPROVE_APPEAL))
        if blocked and appeal is not None:
            reason = four_eyes_reason(appeal, self.ctx.login)
            self.four_eyes.setText(reason)
            self.approve_button.setToolTip(reason)
            self.four_eyes.show()
        else:
            self.approve_button.setToolTip("Approve the selected draft (Ctrl+Shift+A)")
            self.four_eyes.hide()
        self.withdraw_button.setEnabled(idle and appeal is not None
                                        and appeal.status != AppealStatus.WITHDRAWN)
        self.outcome_button.setEnabled(idle and appeal is not None
                                       and appeal.status != AppealStatus.DRAFT)
        self.publish_button.setEnabled(idle)

    def _say(self, text: str, *, error: bool = False) -> None:
        self.status.setStyleSheet("color: #b00020" if error else "color: #1b5e20")
        self.status.setText(text)

    def _failed(self, error: BaseException) -> None:
        self._busy = False
        self._update_buttons()
        self._say(sentence(error), error=True)

    def _done(self, text: str) -> None:
        self._busy = False
        self._update_buttons()
        self._say(text)

    # ------------------------------------------------------------ steps
    def new_appeal(self, series_id: int | None = None) -> NewAppealDialog:
        dialog = NewAppealDialog(self.ctx, self, series_id=series_id)
        dialog.drafted.connect(lambda public: self._say(
            f"Drafted {public}. Another coordinator approves it."))
        dialog.open()
        self.open_dialog = dialog
        return dialog

    def approve(self) -> None:
        appeal = self.current()
        if appeal is None or self._busy or not appeal.may_approve(self.ctx.login):
            return
        if not ask(self, f"Approve {appeal.public_id}",
                   f"Approve {appeal.public_id} ({appeal.object_type}) for publication? Check "
                   "the crop first: once approved it can no longer change.", "Approve"):
            return
        self._busy = True
        self._update_buttons()
        Op(self.ctx, appeals.approve_appeal, self.ctx.db, self.ctx.login, appeal.id)\
            .success(lambda w: self._done(f"Approved {w.public_id}: publish to make it "
                                          "public."))\
            .failure(self._failed).owned_by(self).run()

    def _choose_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Folder of the public pages",
                                                  str(Path.home()))
        if folder:
            self.publish_to(Path(folder))

    def publish_to(self, folder: Path, tip_url: str | None = None) -> None:
        """Publish every approved object and write the public pages into `folder`."""
        if self._busy:
            return
        approved = [a.public_id for a in self.model.rows() if a.status == AppealStatus.APPROVED]
        question = (f"Make {', '.join(approved)} public and write the pages into {folder}? "
                    "Anyone may then see these crops." if approved else
                    f"No object waits to be published. Write the pages of the objects already "
                    f"public into {folder}?")
        if not ask(self, "Publish the public pages", question, "Publish"):
            return
        self._busy = True
        self._update_buttons()

        def done(result: Publication) -> None:
            self.last_publication = result
            now = ", ".join(result.published_now) or "no new object"
            text = (f"Published {now}; the pages in {result.folder} show "
                    f"{len(result.on_site)} object{'' if len(result.on_site) == 1 else 's'}.")
            self._done(text)
            self.ctx.notices.info(text)

        Op(self.ctx, appeals.publish_appeals, self.ctx.db, self.ctx.login, folder,
           tip_url=tip_url).with_progress("Writing the public pages…").success(done)\
            .failure(self._failed).owned_by(self).run()

    def withdraw(self, reason: str | None = None) -> None:
        appeal = self.current()
        if appeal is None or self._busy:
            return
        if reason is None:
            reason, ok = QInputDialog.getText(self, f"Withdraw {appeal.public_id}",
                                              "Why is the object withdrawn?")
            if not ok:
                return
        self._busy = True
        self._update_buttons()

        def done(written: AppealWritten) -> None:
            self._done(f"Withdrew {written.public_id}; publish again to take its page down.")

        Op(self.ctx, appeals.withdraw_appeal, self.ctx.db, self.ctx.login, appeal.id, reason)\
            .success(done).failure(self._failed).owned_by(self).run()

    def record_outcome(self) -> OutcomeDialog | None:
        appeal = self.current()
        if appeal is None:
            return None
        dialog = OutcomeDialog(self.ctx, appeal, self)
        dialog.open()
        self.open_dialog = dialog
        return dialog
