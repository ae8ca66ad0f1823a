"""The Board tab: the series board and its buttons (Open, Claim, Release, Claim next free).

It loads the sprint's rows with an `Op`, and when a batch on the change bus names series it
re-reads just those rows and replaces them in place (more than `FULL_RELOAD_THRESHOLD`: the
whole board). Claims go through `vidtask.ui.claims`. As a `Screen` it handles Open, Claim,
Release, Extend and Force release for the selected row.

Signals: ``openRequested(int)`` — a series to open in its tab; ``rowsChanged()`` — rows were
loaded or replaced (status bar counts); ``selectionChanged()`` — another row is current, or
its claim changed (menu states).
"""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtCore import Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QHBoxLayout, QInputDialog, QLabel, QPushButton, QVBoxLayout, QWidget

from vidtask.domain.claims import ClaimState
from vidtask.domain.errors import ClaimConflict
from vidtask.domain.permissions import Action
from vidtask.services.claims import ClaimResult
from vidtask.services.series import SeriesFilter, SeriesRow, list_series
from vidtask.ui import claims as claim_ops
from vidtask.ui.board.filtering import BoardRows, load_board_rows
from vidtask.ui.board.model import SeriesBoardModel
from vidtask.ui.board.view import BoardView
from vidtask.ui.commands import Command, Handler
from vidtask.ui.common import name_widget
from vidtask.ui.context import AppContext
from vidtask.ui.operations import ChangeBatch, Op, Reload, sentence

#: Above this many changed series a full board reload is cheaper than a targeted one.
FULL_RELOAD_THRESHOLD = 500


def _button(text: str, object_name: str, tip: str) -> QPushButton:
    button = QPushButton(text)
    name_widget(button, object_name, tip)
    button.setToolTip(tip)
    return button


class BoardPage(QWidget):
    openRequested = Signal(int)
    rowsChanged = Signal()
    selectionChanged = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("boardPage")
        self.ctx = ctx
        self.loaded = False
        # the query and every row's search key on the worker: the GUI thread only swaps lists
        self._reload = Reload(lambda: Op(self.ctx, load_board_rows, self.ctx.db,
                                         self.ctx.sprint.id)
                              .success(self._loaded).failure(self._failed))
        self.model = SeriesBoardModel(ctx.login, self)
        self.board = BoardView(self.model)
        self.open_button = _button("Open", "openButton", "Open the selected series (Enter)")
        self.claim_button = _button("Claim", "claimButton", "Claim the selected series (Ctrl+K)")
        self.release_button = _button("Release", "releaseButton",
                                      "Release the selected series (Ctrl+Shift+R)")
        self.claim_next_button = _button("Claim next free", "claimNextButton",
                                         "Claim the next free series by priority (Ctrl+Shift+K)")
        self.note = QLabel()
        self.note.setObjectName("boardNote")
        self.note.setWordWrap(True)
        row = QHBoxLayout()
        for button in (self.open_button, self.claim_button, self.release_button,
                       self.claim_next_button):
            row.addWidget(button)
        row.addWidget(self.note, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.board, 1)
        layout.addLayout(row)
        layout.setContentsMargins(0, 0, 6, 6)

        self.open_button.clicked.connect(self.board.open_current)
        self.claim_button.clicked.connect(self.claim_selected)
        self.release_button.clicked.connect(self.release_selected)
        self.board.openRequested.connect(self.openRequested)
        self.board.currentSeriesChanged.connect(lambda _i: self._selection_changed())
        self.board.filterChanged.connect(self._selection_changed)
        ctx.bus.subscribe(self.on_changes)
        self._selection_changed()  # nothing selected yet: Open, Claim and Release start disabled

    def set_context_actions(self, actions: list[QAction]) -> None:
        self.board.context_actions = actions

    # ---------------------------------------------------------------- Screen
    def commands(self) -> Mapping[Command, Handler]:
        row = self.selected_row()
        handlers: dict[Command, Handler] = {Command.CLAIM: self.claim_selected,
                                            Command.RELEASE: self.release_selected,
                                            Command.EXTEND: self.extend_selected}
        if row is not None:
            handlers[Command.OPEN] = self.board.open_current
            state = self._state(row)
            if state.force_releasable and self.ctx.may(Action.FORCE_RELEASE):
                handlers[Command.FORCE_RELEASE] = self.force_release_selected
        return handlers

    def current_series_id(self) -> int:
        return self.board.selected_series_id()

    # ---------------------------------------------------------------- rows
    def reload(self) -> None:
        self._reload.request()

    def on_changes(self, batch: ChangeBatch) -> None:
        series_ids = batch.changes.series_ids
        if not series_ids:
            return
        if len(series_ids) > FULL_RELOAD_THRESHOLD:
            self.reload()
            return
        Op(self.ctx, list_series, self.ctx.db, self.ctx.sprint.id,
           SeriesFilter(series_ids=series_ids)).success(self._replaced).failure(self._failed)\
            .run()

    def _loaded(self, rows: BoardRows) -> None:
        keep = self.board.selected_series_id()
        self.model.set_rows(rows)
        self.board.set_loaded()
        if keep:
            self.board.select_series(keep)
        elif self.model.rowCount():
            self.board.table.selectRow(0)
        self.loaded = True
        self.rowsChanged.emit()
        self._selection_changed()

    def _replaced(self, rows: list[SeriesRow]) -> None:
        self.model.update_rows(rows)
        self.rowsChanged.emit()
        self._selection_changed()

    def _failed(self, error: BaseException) -> None:
        self.ctx.notices.failure(error)

    # ---------------------------------------------------------------- selection
    def selected_row(self) -> SeriesRow | None:
        series_id = self.board.selected_series_id()
        return self.model.series(series_id) if series_id else None

    def _state(self, row: SeriesRow) -> ClaimState:
        return ClaimState.of(row.status, row.claimed_by, row.claim_expires_at, self.ctx.login)

    def _selection_changed(self) -> None:
        row = self.selected_row()
        state = self._state(row) if row is not None else None
        self.claim_button.setEnabled(state is not None and state.claimable)
        self.release_button.setEnabled(state is not None and state.mine)
        self.open_button.setEnabled(row is not None)
        self.selectionChanged.emit()

    # ---------------------------------------------------------------- claims
    def claim_selected(self) -> None:
        row = self.selected_row()
        if row is None:
            return

        def won(result: ClaimResult) -> None:
            self.note.setText("")
            self.openRequested.emit(result.series_id)

        def lost(error: BaseException) -> None:
            if isinstance(error, ClaimConflict):  # the winner's claim is on its way by the feed
                self.note.setText(f"⚠ {sentence(error)}")

        claim_ops.claim(self.ctx, row.id, won=won, lost=lost)

    def claim_next(self) -> None:
        def won(result: ClaimResult) -> None:
            self.board.select_series(result.series_id)
            self.openRequested.emit(result.series_id)

        claim_ops.claim_next(self.ctx, won=won)

    def release_selected(self) -> None:
        row = self.selected_row()
        if row is not None:
            claim_ops.release(self.ctx, row.id, row.code)

    def extend_selected(self) -> None:
        row = self.selected_row()
        if row is not None:
            claim_ops.renew(self.ctx, row.id)

    def force_release_selected(self) -> None:
        row = self.selected_row()
        if row is None or not self.ctx.may(Action.FORCE_RELEASE):
            return
        reason, ok = QInputDialog.getText(
            self, "Force release", f"Why free {row.code} from {row.claimed_by_name}? "
            "(kept in the log)")
        if ok and reason.strip():
            claim_ops.force_release(self.ctx, row.id, row.code, reason)
