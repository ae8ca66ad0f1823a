"""The tip inbox: every tip about the sprint's appeal objects, filtered as you type, triaged from
the keyboard, and made into clues.

Filters (`tip_filters`): text (`tipFilter`), object (`tipObjectFilter`), state
(`tipStateFilter`), suggested country (`tipCountryFilter`); counts per object (`tipsPerObject`)
and per country (`tipsPerCountry`) beside the list (`tip_counts`); the tip in full
(`tip_detail`). Keys while the inbox shows (the window's action table):
R relevant, N not relevant, D duplicate, V developed, S disseminated, U back to new — each
moves to the next tip —, Ctrl+L make a clue, Ctrl+T record a tip. Every service call is an
`Op`; tips others triage arrive on the bus and replace their rows in place.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from pathlib import Path

from PySide6.QtCore import QItemSelection, QTimer, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableView,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from vidtask.domain import wording
from vidtask.domain.appeals import tip_reference
from vidtask.domain.changes import Changes
from vidtask.domain.enums import TipStatus
from vidtask.domain.permissions import Action
from vidtask.domain.progress import Progress
from vidtask.services import tips
from vidtask.services.tips import InboxRow, TipDetail, TipsImport, TipWritten
from vidtask.ui.appeals.dialogs import RecordTipDialog
from vidtask.ui.appeals.tip_counts import country_counts, counts_view
from vidtask.ui.appeals.tip_detail import NO_TIP_HTML, tip_detail_html
from vidtask.ui.appeals.tip_filters import TipFilters
from vidtask.ui.appeals.tips_model import TipFilter, TipsModel
from vidtask.ui.commands import Command, Handler
from vidtask.ui.context import AppContext
from vidtask.ui.naming import named
from vidtask.ui.operations import ChangeBatch, Op, Reload

#: Keys of the triage steps (see the window's action table) and the state each sets.
TRIAGE: dict[Command, TipStatus] = {
    Command.TRIAGE_RELEVANT: TipStatus.RELEVANT,
    Command.TRIAGE_NOT_RELEVANT: TipStatus.NOT_RELEVANT,
    Command.TRIAGE_DUPLICATE: TipStatus.DUPLICATE,
    Command.TRIAGE_DEVELOPED: TipStatus.DEVELOPED,
    Command.TRIAGE_DISSEMINATED: TipStatus.DISSEMINATED,
    Command.TRIAGE_NEW: TipStatus.NEW,
}
#: Tip events whose rows are re-read one by one; the rest (an import) re-read the inbox.
ROW_EVENTS = ("tip.triaged", "tip.clue_made", "tip.recorded")


class TipInbox(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("tipInbox")
        self.setAccessibleName("Tip inbox")
        self.loaded = False
        self._reload = Reload(lambda: Op(self.ctx, tips.inbox_rows, self.ctx.db,
                                         self.ctx.sprint.id)
                              .success(self._loaded).failure(self.ctx.notices.failure)
                              .owned_by(self))
        self._busy = False
        self.detail_tip: TipDetail | None = None

        self.model = TipsModel(self)
        self.table = named(QTableView(), "tipTable", "Tips from the public")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(False)
        vertical = self.table.verticalHeader()
        vertical.hide()
        vertical.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)  # 100k rows scroll fast
        vertical.setDefaultSectionSize(self.table.fontMetrics().height() + 6)
        header = self.table.horizontalHeader()
        header.setStretchLastSection(True)
        for column, width in enumerate((90, 60, 140, 100, 90, 50)):
            self.table.setColumnWidth(column, width)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)

        self.filters = TipFilters(self)
        self.filter_edit = self.filters.text
        self.object_combo = self.filters.object_combo
        self.state_combo = self.filters.state_combo
        self.country_combo = self.filters.country_combo
        self.count_label = self.filters.count_label
        self.filters.changed.connect(self._apply_filter)

        self.detail = named(QTextBrowser(), "tipDetail", "The selected tip in full")
        self.detail.setOpenLinks(False)
        self.buttons: dict[TipStatus, QPushButton] = {}
        keys = {TipStatus.RELEVANT: "R", TipStatus.NOT_RELEVANT: "N",
                TipStatus.DUPLICATE: "D", TipStatus.DEVELOPED: "V",
                TipStatus.DISSEMINATED: "S", TipStatus.NEW: "U"}
        row = QHBoxLayout()
        for status, key in keys.items():
            words = "Back to new" if status == TipStatus.NEW else wording.tip_status(status)
            button = named(QPushButton(f"{words.capitalize()} ({key})"),
                           f"tip{status.value.title().replace('_', '')}Button",
                           f"Mark the tip {words}", f"Mark the selected tip {words} ({key})")
            button.clicked.connect(lambda _c=False, s=status: self.triage(s))
            self.buttons[status] = button
            row.addWidget(button)
        self.clue_button = named(QPushButton("Make a &clue"), "makeClueButton",
                                 "Make a clue from the tip",
                                 "A clue supporting the tip's country that cites it (Ctrl+L)")
        self.clue_button.clicked.connect(self.make_clue)
        self.record_button = named(QPushButton("Record a &tip…"), "recordTipButton",
                                   "Record a tip taken by phone or mail", "Ctrl+T")
        self.record_button.clicked.connect(self.record_tip)
        self.import_button = named(QPushButton("&Import tips…"), "importTipsButton",
                                   "Import a file of tips from the public web form")
        self.import_button.clicked.connect(self._choose_import)
        self.import_button.setVisible(ctx.may(Action.IMPORT_TIPS))
        self.status = named(QLabel(""), "tipStatus", "What the last tip action did")
        self.status.setWordWrap(True)

        self.per_object, self.per_object_model = counts_view("tipsPerObject",
                                                             "Tips per object")
        self.per_country, self.per_country_model = counts_view("tipsPerCountry",
                                                               "Tips per suggested country")

        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.detail, 1)
        right_layout.addLayout(row)
        actions = QHBoxLayout()
        for widget in (self.clue_button, self.record_button, self.import_button):
            actions.addWidget(widget)
        right_layout.addLayout(actions)
        right_layout.addWidget(self.status)
        counts = QWidget()
        counts_layout = QVBoxLayout(counts)
        counts_layout.setContentsMargins(0, 0, 0, 0)
        for caption, view in (("Tips per object", self.per_object),
                              ("Tips per suggested country", self.per_country)):
            counts_layout.addWidget(QLabel(caption))
            counts_layout.addWidget(view, 1)
        splitter = QSplitter()
        splitter.addWidget(self.table)
        splitter.addWidget(right)
        splitter.addWidget(counts)
        splitter.setStretchFactor(0, 5)
        splitter.setStretchFactor(1, 3)
        splitter.setStretchFactor(2, 1)
        splitter.setSizes([700, 420, 240])
        layout = QVBoxLayout(self)
        layout.addLayout(self.filters.row)
        layout.addWidget(splitter, 1)
        self._reload_timer = QTimer(self)
        self._reload_timer.setSingleShot(True)
        self._reload_timer.setInterval(300)
        self._reload_timer.timeout.connect(self.reload)
        self._show_detail(None)
        ctx.bus.subscribe(self.on_changes)
        self.reload()

    def commands(self) -> Mapping[Command, Handler]:
        handlers: dict[Command, Handler] = {
            command: functools.partial(self.triage, status) for command, status in TRIAGE.items()}
        handlers[Command.MAKE_CLUE] = self.make_clue
        handlers[Command.RECORD_TIP] = self.record_tip
        handlers[Command.FILTER] = self.focus_filter
        if self.ctx.may(Action.IMPORT_TIPS):
            handlers[Command.IMPORT_TIPS] = self._choose_import
        return handlers

    # ------------------------------------------------------------ loading
    @Slot()
    def reload(self) -> None:
        self._reload.request()

    def _loaded(self, rows: list[InboxRow]) -> None:
        keep = self.current_tip_id()
        self.model.set_rows(rows)
        self.filters.fill(self.model)
        self._refresh_counts()
        self.loaded = True
        self._select_tip(keep)

    def on_changes(self, batch: ChangeBatch) -> None:
        changes = batch.changes
        if changes.has_actions("tips.imported", "appeal.*"):
            self._reload_timer.start()
            return
        ids = sorted({e.entity_id for e in changes.events
                      if e.action in ROW_EVENTS and e.entity_id is not None})
        if ids:
            Op(self.ctx, tips.inbox_rows, self.ctx.db, self.ctx.sprint.id, ids)\
                .success(self._rows_arrived).owned_by(self).run()

    def _rows_arrived(self, rows: list[InboxRow]) -> None:
        keep = self.current_tip_id()
        self.model.update_rows(rows)
        self._refresh_counts()
        if keep is not None and self.current_tip_id() != keep:
            self._select_tip(keep)

    def _refresh_counts(self) -> None:
        self.per_object_model.set_rows(self.model.counts("object"))
        self.per_country_model.set_rows(country_counts(self.model))
        self.filters.show_count(self.model)

    # ------------------------------------------------------------ filtering
    def current_filter(self) -> TipFilter:
        return self.filters.current()

    @Slot()
    def _apply_filter(self) -> None:
        keep = self.current_tip_id()
        self.model.set_filter(self.current_filter())
        self.filters.show_count(self.model)
        self._select_tip(keep)

    def focus_filter(self) -> None:
        self.filters.focus()

    # ------------------------------------------------------------ selection and detail
    def current_tip_id(self) -> int | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.row_at(rows[0].row())[0] if rows else None

    def _select_tip(self, tip_id: int | None, fallback_row: int | None = None) -> None:
        at = self.model.view_row_of(tip_id) if tip_id is not None else None
        if at is None and fallback_row is not None and self.model.visible_count():
            at = min(fallback_row, self.model.visible_count() - 1)
        if at is None:
            if self.table.selectionModel().hasSelection() or self.detail_tip is not None:
                self.table.clearSelection()
                self._show_detail(None)
            return
        self.table.selectRow(at)
        self.table.scrollTo(self.model.index(at, 0))

    def _selection_changed(self, _selected: QItemSelection, _deselected: QItemSelection
                           ) -> None:
        tip_id = self.current_tip_id()
        self._update_buttons()
        if tip_id is None:
            self._show_detail(None)
            return
        Op(self.ctx, tips.tip_detail, self.ctx.db, self.ctx.role.value, tip_id)\
            .success(self._show_detail).failure(lambda _e: None).owned_by(self).run()

    def _show_detail(self, detail: TipDetail | None) -> None:
        if detail is not None and detail.id != self.current_tip_id():
            return  # the selection moved on while it was read
        self.detail_tip = detail
        if detail is None:
            self.detail.setHtml(NO_TIP_HTML)
            self._update_buttons()
            return
        self.detail.setHtml(tip_detail_html(
            detail, with_contact=self.ctx.may(Action.SEE_TIP_CONTACTS)))
        self._update_buttons()

    def _update_buttons(self) -> None:
        from vidtask.domain.appeals import CLUE_FROM, TIP_STEPS

        tip_id = self.current_tip_id()
        row = self.model.row_at(self.table.selectionModel().selectedRows()[0].row()) \
            if tip_id is not None else None
        status = TipStatus(row[5]) if row is not None else None
        for target, button in self.buttons.items():
            button.setEnabled(not self._busy and status is not None
                              and target in TIP_STEPS[status])
        self.clue_button.setEnabled(not self._busy and row is not None and status in CLUE_FROM
                                    and row[6] is not None and row[10] is None)
        self.clue_button.setToolTip(
            "A clue supporting the tip's country that cites it (Ctrl+L)"
            if row is None or row[6] is not None else
            "This tip names no country vidtask can read: record the clue by hand.")

    def _say(self, text: str, *, error: bool = False) -> None:
        self.status.setStyleSheet("color: #b00020" if error else "color: #1b5e20")
        self.status.setText(text)

    # ------------------------------------------------------------ triage
    def triage(self, status: TipStatus) -> None:
        """Move the selected tip to `status`, then to the next tip (keyboard triage)."""
        tip_id = self.current_tip_id()
        if tip_id is None or self._busy:
            return
        view_row = self.model.view_row_of(tip_id) or 0
        self._busy = True
        self._update_buttons()

        def done(written: TipWritten) -> None:
            self._busy = False
            self._after_write(tip_id, written.status, view_row)
            self._say(f"{written.reference} is now {wording.tip_status(written.status)}.")

        Op(self.ctx, tips.triage_tip, self.ctx.db, self.ctx.login, tip_id, status.value)\
            .success(done).failure(self._failed).owned_by(self).run()

    def _after_write(self, tip_id: int, status: str, view_row: int,
                     clue_id: int | None = None) -> None:
        row = self.model.with_status(tip_id, status, clue_id)
        if row is not None:
            self.model.update_rows([row])
            self._refresh_counts()
        at = self.model.view_row_of(tip_id)
        # next tip: the row below, or the one that moved up into this place
        self._select_tip(None, view_row + 1 if at is not None else view_row)

    def _failed(self, error: BaseException) -> None:
        from vidtask.ui.operations import sentence

        self._busy = False
        self._update_buttons()
        self._say(sentence(error), error=True)

    def make_clue(self) -> None:
        tip_id = self.current_tip_id()
        if tip_id is None or self._busy:
            return
        view_row = self.model.view_row_of(tip_id) or 0
        self._busy = True
        self._update_buttons()

        def done(result: tuple[int, Changes]) -> None:
            clue_id, _changes = result
            self._busy = False
            self._after_write(tip_id, TipStatus.DEVELOPED.value, view_row, clue_id)
            text = (f"Made clue CL-{clue_id} from {tip_reference(tip_id)}: it supports the "
                    "country the tip names and now counts in the series' ranking.")
            self._say(text)
            self.ctx.notices.info(text)

        Op(self.ctx, tips.tip_to_clue, self.ctx.db, self.ctx.login, tip_id)\
            .publishing(lambda result: result[1]).success(done).failure(self._failed)\
            .owned_by(self).run()

    # ------------------------------------------------------------ intake
    def record_tip(self) -> RecordTipDialog:
        dialog = RecordTipDialog(self.ctx, self)
        dialog.recorded.connect(lambda reference: self._say(f"Recorded {reference}."))
        dialog.open()
        self.record_dialog = dialog
        return dialog

    def _choose_import(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Import tips from the public web form",
                                              str(Path.home()), "Tips (*.csv *.json)")
        if path:
            self.import_file(Path(path))

    def import_file(self, path: Path) -> None:
        def done(report: TipsImport) -> None:
            self._say(f"{report.file}: {report.summary()}.")
            self.ctx.notices.info(f"Tips imported from {report.file}: {report.summary()}.")

        progress = Progress()
        Op(self.ctx, tips.import_tips, self.ctx.db, self.ctx.login, path, progress=progress)\
            .with_progress(f"Importing {path.name}…", progress=progress).success(done)\
            .failure(self._failed).owned_by(self).run()
