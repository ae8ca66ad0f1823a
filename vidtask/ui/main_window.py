"""The main window: series board in the centre, a tab per open series, the review queue
(coordinators) and the dashboard, 'My series' dock, menus with every action's shortcut, and a
status bar (connection, last sync, people online, lease warnings, claim counts).

Screens plug in with `MainWindow.add_tab(widget, title, shortcut)`; `apply_changes` hands every
change-feed batch to them, and `screen_wrote(changes)` brings a screen's own writes back at once.
Live updates come from wake-ups (`LiveSession`); the feed's timer is a 10 s backstop.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractButton,
    QDialog,
    QDockWidget,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QMainWindow,
    QMenu,
    QMessageBox,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from vidtask.db.engine import Database
from vidtask.domain.changes import ChangeEvent
from vidtask.domain.errors import ClaimConflict
from vidtask.domain.permissions import Action
from vidtask.services import claims
from vidtask.services.credentials import SQLITE_TRUST_NOTICE
from vidtask.services.leases import LeaseTick, LeaseWarning
from vidtask.services.participants import ParticipantInfo
from vidtask.services.series import SeriesFilter, SeriesRow, list_series
from vidtask.services.series_detail import ClueInfo
from vidtask.services.sprints import SprintInfo
from vidtask.sync.outbox import OutboxEntry
from vidtask.ui import coordination
from vidtask.ui.board.model import SeriesBoardModel
from vidtask.ui.board.view import BoardView
from vidtask.ui.common import error_sentence, local_time, name_widget
from vidtask.ui.context import AppContext
from vidtask.ui.dashboard import DashboardWidget
from vidtask.ui.dashboard.widget import IGNORED_ACTIONS
from vidtask.ui.live import POLL_INTERVAL_MS, LiveFeed
from vidtask.ui.live_session import LiveSession
from vidtask.ui.my_claims import MyClaimsPane
from vidtask.ui.offline_saves import OfflineSaves, ReplayOutcome, conflict_context
from vidtask.ui.review.queue import ReviewQueueWidget
from vidtask.ui.series.workspace import SeriesWorkspace

#: Above this many changed series a full board reload is cheaper than a targeted one.
FULL_RELOAD_THRESHOLD = 500
LEASE_REPAINT_TICKS = 15
MESSAGE_MS = 10_000


class MainWindow(QMainWindow):
    def __init__(self, db: Database, me: ParticipantInfo, sprint: SprintInfo, *,
                 poll_ms: int = POLL_INTERVAL_MS, settings: QSettings | None = None,
                 outbox_path: Path | None = None) -> None:
        super().__init__()
        self.setObjectName("mainWindow")
        self.ctx = AppContext(db, me, sprint, self)
        self.settings = settings or QSettings()
        self.setWindowTitle(f"vidtask — {sprint.name} — {me.display_name} ({me.login}, "
                            f"{me.role.value}) — {db.describe()}")
        self.workspaces: dict[int, SeriesWorkspace] = {}
        #: Scripts and tests closing the window on purpose skip the "unsaved changes" question.
        self.discard_unsaved_on_close = False
        self._tick_count = 0
        #: Open coordinator dialogs by name ("import", "export", "feedback").
        self.dialogs: dict[str, QDialog] = {}
        self.lease_warnings: tuple[LeaseWarning, ...] = ()

        # ---- board tab
        self.model = SeriesBoardModel(me.login, self)
        self.board = BoardView(self.model)
        self.open_button = self._button("Open", "openButton", "Open the selected series (Enter)")
        self.claim_button = self._button("Claim", "claimButton", "Claim the selected series "
                                         "(Ctrl+K)")
        self.release_button = self._button("Release", "releaseButton",
                                           "Release the selected series (Ctrl+Shift+R)")
        self.claim_next_button = self._button("Claim next free", "claimNextButton",
                                              "Claim the next free series by priority "
                                              "(Ctrl+Shift+K)")
        self.board_note = QLabel()
        self.board_note.setObjectName("boardNote")
        self.board_note.setWordWrap(True)
        actions_row = QHBoxLayout()
        for button in (self.open_button, self.claim_button, self.release_button,
                       self.claim_next_button):
            actions_row.addWidget(button)
        actions_row.addWidget(self.board_note, 1)
        board_page = QWidget()
        board_page.setObjectName("boardPage")
        page_layout = QVBoxLayout(board_page)
        page_layout.setContentsMargins(0, 0, 0, 0)
        page_layout.addWidget(self.board, 1)
        page_layout.addLayout(actions_row)
        page_layout.setContentsMargins(0, 0, 6, 6)

        self.tabs = QTabWidget()
        self.tabs.setObjectName("mainTabs")
        self.tabs.setDocumentMode(True)
        self.tabs.setTabsClosable(True)
        self.tabs.tabCloseRequested.connect(self.close_tab)
        self.tabs.addTab(board_page, "Board")
        self._unclosable(0)
        self.setCentralWidget(self.tabs)

        # ---- My series dock
        self.my_claims = MyClaimsPane(self.ctx)
        self.my_claims.openRequested.connect(self.open_series)
        self.dock = QDockWidget("My series", self)
        self.dock.setObjectName("myClaimsDock")
        self.dock.setWidget(self.my_claims)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.dock)

        # ---- status bar
        self.connection_label = QLabel("Connecting…")
        self.connection_label.setObjectName("connectionState")
        self.sync_label = QLabel("")
        self.sync_label.setObjectName("lastSync")
        self.counts_label = QLabel("")
        self.counts_label.setObjectName("claimCounts")
        self.online_label = QLabel("")
        name_widget(self.online_label, "onlineCount", "People online")
        self.lease_label = QLabel("")
        name_widget(self.lease_label, "leaseWarning", "Lease warning")
        self.lease_label.setStyleSheet("QLabel { color: #8a5a00; font-weight: bold; }")
        self.lease_extend_button = self._button("Extend", "leaseExtendButton",
                                                "Extend the lease that is about to end")
        self.lease_extend_button.clicked.connect(self.extend_warned)
        self.lease_label.hide()
        self.lease_extend_button.hide()
        self.mode_label = QLabel("")
        name_widget(self.mode_label, "trustNotice", "Database trust mode")
        self.pending_label = QLabel("")
        name_widget(self.pending_label, "outboxPending", "Changes waiting to be sent")
        self.pending_label.setToolTip("Saved on this computer; sent when the database is back")
        self.pending_label.hide()
        bar = self.statusBar()
        for label in (self.pending_label, self.lease_label, self.lease_extend_button,
                      self.counts_label,
                      self.online_label, self.sync_label, self.mode_label,
                      self.connection_label):
            bar.addPermanentWidget(label)
        self.ctx.message.connect(self.show_message)

        self._build_actions()
        self.board.context_actions = [self.act_open, self.act_claim, self.act_release,
                                      self.act_force_release]
        self.board.openRequested.connect(self.open_series)
        self.board.currentSeriesChanged.connect(lambda _i: self._update_actions())
        self.board.filterChanged.connect(self._update_actions)
        self.open_button.clicked.connect(self.act_open.trigger)
        self.claim_button.clicked.connect(self.act_claim.trigger)
        self.release_button.clicked.connect(self.act_release.trigger)
        self.claim_next_button.clicked.connect(self.act_claim_next.trigger)

        self.live = LiveFeed(db, self.ctx.workers, self, interval_ms=poll_ms)
        self.live.changesArrived.connect(self.apply_changes)
        self.live.connectionChanged.connect(self._connection_changed)
        self.live.synced.connect(self._synced)
        self.ctx.changed.connect(lambda _c: self.live.poll_now())
        self.session = LiveSession(db, me.login, sprint.id, self.live, workers=self.ctx.workers,
                                   open_series=lambda: sorted(self.workspaces), parent=self)
        self.session.connectionStateChanged.connect(self._connection_state)
        self.session.presenceChanged.connect(self._presence_changed)
        self.session.leaseTicked.connect(self._lease_ticked)
        # clue and comment saves survive a lost database: kept in this computer's outbox
        self.saves = OfflineSaves(db, self.session.monitor, self.ctx.workers, path=outbox_path,
                                  parent=self)
        self.ctx.saves = self.saves
        self.saves.pendingChanged.connect(self._pending_changed)
        self.saves.replayed.connect(self._outbox_replayed)
        self.saves.conflictFound.connect(self._outbox_conflict)

        # ---- other screens: review (coordinators, admins) and dashboard (everyone)
        self.review: ReviewQueueWidget | None = None
        if self.ctx.may(Action.CONFIRM):
            self.review = ReviewQueueWidget(db, sprint.id, me.login)
            self.review.changesMade.connect(self.screen_wrote)
            refresh = self.review.findChild(QPushButton, "reviewRefresh")
            self._drop_shortcuts(self.review.confirm_button, self.review.eliminate_button,
                                 *([refresh] if refresh is not None else []))
            self.add_tab(self.review, "Review", "Ctrl+2")
            self._action(self.view_menu, "&Dissemination list", "Ctrl+4",
                         self.show_dissemination, "actShowDissemination")
        self.dashboard = DashboardWidget(db, sprint.id)
        self._drop_shortcuts(self.dashboard.refresh_button, self.dashboard.export_button)
        self.dashboard.reportExported.connect(
            lambda path: self.show_message(f"Sprint report written: {path}"))
        self.dashboard.reportFailed.connect(self.show_message)
        self.add_tab(self.dashboard, "Dashboard", "Ctrl+3")
        self._dashboard_stale = False
        self.tabs.currentChanged.connect(self._tab_shown)
        self._show_trust_mode()

        self.ticker = QTimer(self)
        self.ticker.setInterval(1_000)
        self.ticker.timeout.connect(self._tick)
        self.ticker.start()

        self.resize(1400, 860)
        self._restore_state()
        self.setTabOrder(self.board.filter_edit, self.board.status_combo)
        self.setTabOrder(self.board.status_combo, self.board.mine_chip)
        self.setTabOrder(self.board.mine_chip, self.board.unclaimed_chip)
        self.setTabOrder(self.board.unclaimed_chip, self.board.country_combo)
        self.setTabOrder(self.board.country_combo, self.board.table)
        self.setTabOrder(self.board.table, self.open_button)
        self.setTabOrder(self.open_button, self.claim_button)
        self.setTabOrder(self.claim_button, self.release_button)
        self.setTabOrder(self.release_button, self.claim_next_button)
        self.loaded = False
        self.reload_board()
        self.my_claims.reload()
        self.live.start()
        self.session.start()
        self.saves.start()
        self._update_actions()

    # ---------------------------------------------------------------- building
    def _button(self, text: str, object_name: str, tip: str) -> QPushButton:
        button = QPushButton(text)
        name_widget(button, object_name, tip)
        button.setToolTip(tip)
        return button

    def _unclosable(self, index: int) -> None:
        bar = self.tabs.tabBar()
        for side in (bar.ButtonPosition.RightSide, bar.ButtonPosition.LeftSide):
            button = bar.tabButton(index, side)
            if button is not None:
                button.resize(0, 0)
                button.hide()

    def _action(self, menu: QMenu, text: str, shortcut: str | QKeySequence.StandardKey,
                slot: Callable[[], Any], name: str) -> QAction:
        action = QAction(text, self)
        action.setObjectName(name)
        action.setShortcut(QKeySequence(shortcut))
        action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        action.triggered.connect(lambda _checked=False: slot())
        menu.addAction(action)
        self.addAction(action)
        return action

    def _build_actions(self) -> None:
        menus = self.menuBar()
        file_menu = menus.addMenu("&File")
        self._action(file_menu, "&Refresh now", "F5", self.refresh_now, "actRefresh")
        file_menu.addSeparator()
        self.act_import = self._action(file_menu, "&Import series…", "Ctrl+I",
                                       lambda: coordination.open_import(self), "actImport")
        self.act_import.setVisible(self.ctx.may(Action.IMPORT_SERIES))
        self.act_export = self._action(file_menu, "&Export packets…", "Ctrl+Shift+X",
                                       lambda: coordination.open_export(self), "actExportPackets")
        self.act_export.setVisible(self.ctx.may(Action.EXPORT_PACKETS))
        self._action(file_menu, "Export sprint &report (PDF)…", "Ctrl+Shift+E",
                     lambda: coordination.export_report(self), "actExportReport")
        file_menu.addSeparator()
        self._action(file_menu, "&Connect to database…", "Ctrl+Shift+D", self.connect_database,
                     "actConnect")
        file_menu.addSeparator()
        self._action(file_menu, "&Quit", "Ctrl+Q", self.close, "actQuit")

        series = menus.addMenu("&Series")
        self.act_open = self._action(series, "&Open selected series", "Ctrl+O",
                                     self.board.open_current, "actOpen")
        self.act_claim = self._action(series, "&Claim", "Ctrl+K", self.claim_selected,
                                      "actClaim")
        self.act_claim_next = self._action(series, "Claim &next free series", "Ctrl+Shift+K",
                                           self.claim_next, "actClaimNext")
        self.act_release = self._action(series, "&Release", "Ctrl+Shift+R",
                                        self.release_selected, "actRelease")
        self.act_extend = self._action(series, "&Extend lease", "Ctrl+E",
                                       lambda: self._on_review("eliminate", self.extend_current),
                                       "actExtend")
        self.act_force_release = self._action(series, "&Force release (reason)…",
                                              "Ctrl+Alt+R", self.force_release_selected,
                                              "actForceRelease")
        self.act_force_release.setVisible(self.ctx.may(Action.FORCE_RELEASE))
        series.addSeparator()
        self.act_feedback = self._action(series, "Record country &feedback…", "Ctrl+Shift+B",
                                         lambda: coordination.record_feedback(self),
                                         "actRecordFeedback")
        self.act_feedback.setVisible(self.ctx.may(Action.RECORD_FEEDBACK))

        work = menus.addMenu("&Workspace")
        self._action(work, "&Save clue", "Ctrl+S", lambda: self._in_workspace("save_clue"),
                     "actSaveClue")
        self._action(work, "&New clue", "Ctrl+N", lambda: self._in_workspace("new_clue"),
                     "actNewClue")
        self._action(work, "&Propose for confirmation", "Ctrl+P", self._propose_current,
                     "actPropose")
        self._action(work, "Post &comment", "Ctrl+Return",
                     lambda: self._on_review("confirm",
                                             lambda: self._in_workspace("post_comment_now")),
                     "actPostComment")
        self._action(work, "Close &tab", "Ctrl+W", self.close_current_tab, "actCloseTab")

        view = menus.addMenu("&View")
        self.view_menu = view
        self._action(view, "&Board", "Ctrl+1", lambda: self.tabs.setCurrentIndex(0),
                     "actShowBoard")
        self._action(view, "&Filter the board", "Ctrl+F", self.focus_filter, "actFilter")
        self._action(view, "C&lear filters", "Ctrl+Shift+F", self.board.clear_filters,
                     "actClearFilters")
        self._action(view, "Only &mine", "Alt+M", self.board.mine_chip.toggle, "actMine")
        self._action(view, "Only &unclaimed", "Alt+U", self.board.unclaimed_chip.toggle,
                     "actUnclaimed")
        self._action(view, "My &series panel", "Ctrl+M", self._toggle_dock, "actMySeries")
        self._action(view, "Ne&xt tab", "Ctrl+PgDown", lambda: self._step_tab(1), "actNextTab")
        self._action(view, "Pre&vious tab", "Ctrl+PgUp", lambda: self._step_tab(-1),
                     "actPrevTab")
        view.addSeparator()

    @staticmethod
    def _drop_shortcuts(*buttons: QAbstractButton) -> None:
        """Embedded screens' own shortcuts would clash with the window's (Ctrl+E, F5…);
        the window's actions route those keys to the current screen instead."""
        for button in buttons:
            button.setShortcut(QKeySequence())

    def _on_review(self, method: str, otherwise: Callable[[], Any]) -> None:
        """Ctrl+Return confirms and Ctrl+E eliminates while the review tab is showing."""
        if self.review is not None and self.tabs.currentWidget() is self.review:
            button = {"confirm": self.review.confirm_button,
                      "eliminate": self.review.eliminate_button}[method]
            if button.isEnabled():
                button.click()
            return
        otherwise()

    def show_dissemination(self) -> None:
        if self.review is not None:
            self.tabs.setCurrentWidget(self.review)
            self.review.tabs.setCurrentIndex(1)

    def add_tab(self, widget: QWidget, title: str, shortcut: str | None = None) -> int:
        """Add another screen (review queue, dashboard…) as a permanent tab with a shortcut."""
        index = self.tabs.addTab(widget, title)
        self._unclosable(index)
        if shortcut:
            self._action(self.view_menu, title, shortcut,
                         lambda: self.tabs.setCurrentWidget(widget),
                         f"actShow{''.join(ch for ch in title if ch.isalnum())}")
        return index

    # ---------------------------------------------------------------- board data
    def reload_board(self) -> None:
        self.ctx.workers.run(list_series, self.ctx.db, self.ctx.sprint.id, done=self._board_loaded,
                             failed=self._board_failed)

    def _board_loaded(self, rows: list[SeriesRow]) -> None:
        keep = self.board.selected_series_id()
        self.model.set_rows(rows)
        self.board.set_loaded()
        if keep:
            self.board.select_series(keep)
        elif self.model.rowCount():
            self.board.table.selectRow(0)
        self.loaded = True
        self._update_counts()
        self._update_actions()

    def _board_failed(self, error: BaseException) -> None:
        self.show_message(error_sentence(error))
        self._connection_changed(False, error_sentence(error))

    def apply_changes(self, events: list[ChangeEvent]) -> None:
        """Changed rows in place (dataChanged); open workspaces and the dock reload if touched."""
        series_ids = frozenset(e.series_id for e in events if e.series_id is not None)
        if series_ids:
            if len(series_ids) > FULL_RELOAD_THRESHOLD:
                self.reload_board()
            else:
                self.ctx.workers.run(
                    list_series, self.ctx.db, self.ctx.sprint.id,
                    SeriesFilter(series_ids=series_ids), done=self._rows_changed,
                    failed=self._board_failed)
            for workspace in list(self.workspaces.values()):
                workspace.refresh_if_touched(series_ids)
        if any(e.action.startswith("claim.") or e.action == "series.proposed" for e in events):
            self.my_claims.reload()
        if self.review is not None:
            self.review.apply_changes(events)
        if self.dashboard.isVisible():
            self.dashboard.apply_changes(events)
        else:  # its figures are read on the GUI thread: only when someone looks
            self._dashboard_stale = self._dashboard_stale or any(
                e.action not in IGNORED_ACTIONS for e in events)

    def _tab_shown(self, _index: int) -> None:
        if self.tabs.currentWidget() is self.dashboard and self._dashboard_stale:
            self._dashboard_stale = False
            self.dashboard.refresh()

    def screen_wrote(self, payload: Any) -> None:
        """A screen or dialog of this window wrote: show it everywhere now, not at next poll."""
        changes = coordination.changes_of(payload)
        if changes:
            self.apply_changes(list(changes.events))
            self.ctx.wrote(changes)

    def _rows_changed(self, rows: list[SeriesRow]) -> None:
        self.model.update_rows(rows)
        self._update_counts()
        self._update_actions()

    def refresh_now(self) -> None:
        self.reload_board()
        self.my_claims.reload()
        for workspace in self.workspaces.values():
            workspace.reload()
        if self.review is not None:
            self.review.refresh()
        self.dashboard.refresh()
        self.live.poll_now()
        self.session.read_presence()

    # ---------------------------------------------------------------- status bar
    def show_message(self, text: str) -> None:
        self.statusBar().showMessage(text, MESSAGE_MS)

    def _connection_changed(self, ok: bool, reason: str) -> None:
        description = self.ctx.db.describe()
        if ok:
            self.connection_label.setText(f"● Connected to {description.backend}")
            self.connection_label.setToolTip(str(description))
        else:
            self.connection_label.setText("○ offline — your changes are kept")
            self.connection_label.setToolTip(f"Reconnecting with backoff. {reason}".strip())

    def _connection_state(self, state: str) -> None:
        """The connection monitor's view: online / offline / reconnecting."""
        if state == "online":
            self._connection_changed(True, "")
            self.show_message("Back online.")
            self.live.poll_now()  # catch up on what happened meanwhile
            self.saves.replay_now()  # on a worker: never on the GUI thread
        elif state == "reconnecting":
            self.connection_label.setText("◌ Reconnecting…")
        else:
            self._connection_changed(False, self.session.monitor.last_error or "")

    def _presence_changed(self, _people: list[Any]) -> None:
        count = self.session.online_count()
        self.online_label.setText(f"{count} online")
        self.online_label.setToolTip("\n".join(sorted({p.display_name for p in _people}))
                                     or "Nobody else is online")
        for series_id, workspace in self.workspaces.items():
            workspace.set_viewers(self.session.viewers_of(series_id))
        self.model.set_viewers(self.session.viewers_by_series())

    # ---------------------------------------------------------------- outbox
    def _pending_changed(self, count: int) -> None:
        self.pending_label.setText(f"{count} waiting to send")
        self.pending_label.setVisible(count > 0)

    def _outbox_replayed(self, outcome: ReplayOutcome) -> None:
        sent = f"{outcome.sent} change{'s' if outcome.sent != 1 else ''} sent"
        if outcome.earlier_session:
            sent = (f"{outcome.sent} change{'s' if outcome.sent != 1 else ''} saved on this "
                    "computer in an earlier session sent")
        if outcome.conflicts:
            sent += f"; {outcome.conflicts} need your merge"
        if outcome.remaining:
            sent += f"; {outcome.remaining} still waiting"
        self.show_message(sent + ".")
        for workspace in self.workspaces.values():
            workspace.outbox_replayed(outcome.waiting_ids)
        self.live.poll_now()

    def _outbox_conflict(self, entry: OutboxEntry) -> None:
        """A change kept offline was refused: open its series, the user's text in the merge view."""
        def show(found: tuple[int | None, ClueInfo | None]) -> None:
            series_id, theirs = found
            if series_id is None:
                self.show_message(f"A change kept on this computer was refused: {entry.error}")
                return
            self.open_series(series_id).show_outbox_conflict(entry, theirs)

        self.ctx.workers.run(conflict_context, self.ctx.db, entry, done=show,
                             failed=lambda e: self.show_message(error_sentence(e)))

    def _lease_ticked(self, tick: LeaseTick) -> None:
        for result in tick.renewed:
            self.ctx.wrote(result.changes)
        if tick.swept:
            self.ctx.wrote(tick.swept)
        for conflict in tick.lost:
            self.show_message(error_sentence(conflict))
        if tick.renewed or tick.lost:
            self.my_claims.reload()
        self.show_lease_warnings(tick.warnings)

    def show_lease_warnings(self, warnings: tuple[LeaseWarning, ...]) -> None:
        """'VIDTF-D-0012 lease ends in 9 min — Extend' in the status bar and the dock."""
        self.lease_warnings = warnings
        if not warnings:
            self.lease_label.hide()
            self.lease_extend_button.hide()
            self.my_claims.set_warning("")
            return
        first = warnings[0]
        minutes = max(0, -(-int(first.remaining.total_seconds()) // 60))
        more = f" (+{len(warnings) - 1} more)" if len(warnings) > 1 else ""
        text = f"⚠ {first.code} lease ends in {minutes} min{more}"
        self.lease_label.setText(text)
        self.lease_label.setToolTip("\n".join(w.message for w in warnings))
        self.lease_extend_button.setText(f"Extend {first.code}")
        self.lease_label.show()
        self.lease_extend_button.show()
        self.my_claims.set_warning("\n".join(w.message for w in warnings))

    def extend_warned(self) -> None:
        """The warning's Extend: renew the soonest-ending claim (the user asked: no idle check)."""
        if not self.lease_warnings:
            return
        series_id = self.lease_warnings[0].series_id

        def done(result: claims.ClaimResult) -> None:
            self.ctx.wrote(result.changes)
            self.my_claims.reload()
            self.show_message(f"Lease on {result.code} extended to "
                              f"{local_time(result.expires_at, '%H:%M')}.")
            self.show_lease_warnings(tuple(w for w in self.lease_warnings
                                           if w.series_id != series_id))

        self.ctx.workers.run(self.session.leases.extend, series_id, done=done,
                             failed=lambda e: self.show_message(error_sentence(e)))

    def _show_trust_mode(self) -> None:
        if self.ctx.db.is_postgresql:
            self.mode_label.hide()
            return
        self.mode_label.setText("SQLite mode")
        self.mode_label.setToolTip(SQLITE_TRUST_NOTICE)
        # said once, plainly; the label keeps it in its tooltip
        self.show_message("SQLite mode trusts everyone who can open the file.")

    def connect_database(self) -> None:
        """File ▸ Connect to database…: sign in to a PostgreSQL room database, open a window."""
        from vidtask.ui.app import switch_database  # app imports this module

        switch_database(self)

    def _synced(self, moment: datetime) -> None:
        # the connection monitor decides "offline"; one lucky read does not end it
        if self.session.monitor.online and not self.connection_label.text().startswith("●"):
            self._connection_changed(True, "")
        self.sync_label.setText(f"Synced {moment:%H:%M:%S}")

    def _update_counts(self) -> None:
        now = datetime.now(UTC)
        mine = claimed = unclaimed = 0
        for row in self.model.rows:
            live = row.claimed_by is not None and row.claim_expires_at is not None \
                and row.claim_expires_at > now
            if live:
                claimed += 1
                mine += row.claimed_by == self.ctx.login
            elif row.status in ("new", "claimed", "in_assessment"):
                unclaimed += 1
        self.counts_label.setText(f"Mine {mine} · claimed {claimed} · unclaimed {unclaimed}")

    def _tick(self) -> None:
        self._tick_count += 1
        self.my_claims.tick()
        for workspace in self.workspaces.values():
            workspace.tick()
        if self._tick_count % LEASE_REPAINT_TICKS == 0:
            self.model.refresh_leases()
            self._update_counts()

    # ---------------------------------------------------------------- claims
    def _selected_row(self) -> SeriesRow | None:
        series_id = self.board.selected_series_id()
        return self.model.series(series_id) if series_id else None

    def current_series_id(self) -> int:
        return self._current_series_id()

    def _current_series_id(self) -> int:
        widget = self.tabs.currentWidget()
        if isinstance(widget, SeriesWorkspace):
            return widget.series_id
        return self.board.selected_series_id()

    def _update_actions(self) -> None:
        row = self._selected_row()
        now = datetime.now(UTC)
        mine = bool(row and row.claimed_by == self.ctx.login and row.claim_expires_at
                    and row.claim_expires_at > now)
        claimable = bool(row and row.status in ("new", "claimed", "in_assessment") and not mine)
        self.act_claim.setEnabled(True)  # a workspace tab claims its own series
        self.claim_button.setEnabled(claimable)
        self.act_release.setEnabled(True)  # likewise: the open tab releases its own series
        self.release_button.setEnabled(mine)
        self.act_open.setEnabled(row is not None)
        self.open_button.setEnabled(row is not None)
        self.act_force_release.setEnabled(bool(row and row.claimed_by and not mine))

    def claim_selected(self) -> None:
        """Claim the open series' tab, else the board's selection."""
        workspace = self.current_workspace()
        if workspace is not None:
            workspace.claim()
            return
        row = self._selected_row()
        if row is None:
            return
        self._claim(row.id, row.code)

    def _claim(self, series_id: int, code: str) -> None:
        def won(result: claims.ClaimResult) -> None:
            self.board_note.setText("")
            self.ctx.wrote(result.changes)
            self.show_message(f"You claimed {result.code}; lease until "
                              f"{local_time(result.expires_at, '%H:%M')}.")
            self.my_claims.reload()
            self.open_series(result.series_id)

        def lost(error: BaseException) -> None:
            text = error_sentence(error)
            if isinstance(error, ClaimConflict):
                self.board_note.setText(f"⚠ {text}")
            self.show_message(text)
            self.live.poll_now()

        self.show_message(f"Claiming {code}…")
        self.ctx.workers.run(claims.claim_series, self.ctx.db, self.ctx.login, series_id,
                             done=won, failed=lost)

    def claim_next(self) -> None:
        def done(result: claims.ClaimResult | None) -> None:
            if result is None:
                self.show_message("No free series left in this sprint.")
                return
            self.ctx.wrote(result.changes)
            self.show_message(f"You claimed {result.code}.")
            self.my_claims.reload()
            self.board.select_series(result.series_id)
            self.open_series(result.series_id)

        self.ctx.workers.run(claims.claim_next, self.ctx.db, self.ctx.login, self.ctx.sprint.id,
                             done=done, failed=lambda e: self.show_message(error_sentence(e)))

    def release_selected(self) -> None:
        series_id = self._current_series_id()
        workspace = self.workspaces.get(series_id)
        if workspace is not None:
            workspace.release()
            return
        if series_id:
            self._run_write(claims.release_claim, series_id, "Claim released.")

    def extend_current(self) -> None:
        series_id = self._current_series_id()
        if not series_id:
            return

        def done(result: claims.ClaimResult) -> None:
            self.ctx.wrote(result.changes)
            self.my_claims.reload()
            self.show_message(f"Lease on {result.code} extended.")

        self.ctx.workers.run(claims.renew_claim, self.ctx.db, self.ctx.login, series_id,
                             done=done, failed=lambda e: self.show_message(error_sentence(e)))

    def force_release_selected(self) -> None:
        row = self._selected_row()
        if row is None or not self.ctx.may(Action.FORCE_RELEASE):
            return
        reason, ok = QInputDialog.getText(
            self, "Force release", f"Why free {row.code} from {row.claimed_by_name}? "
            "(kept in the log)")
        if not (ok and reason.strip()):
            return

        def done(changes: Any) -> None:
            self.ctx.wrote(changes)
            self.show_message(f"{row.code} force-released.")

        self.ctx.workers.run(claims.force_release, self.ctx.db, self.ctx.login, row.id, reason,
                             done=done, failed=lambda e: self.show_message(error_sentence(e)))

    def _run_write(self, fn: Callable[..., Any], series_id: int, message: str) -> None:
        def done(changes: Any) -> None:
            self.ctx.wrote(changes)
            self.show_message(message)
            self.my_claims.reload()

        self.ctx.workers.run(fn, self.ctx.db, self.ctx.login, series_id, done=done,
                             failed=lambda e: self.show_message(error_sentence(e)))

    # ---------------------------------------------------------------- workspaces
    def open_series(self, series_id: int) -> SeriesWorkspace:
        workspace = self.workspaces.get(series_id)
        if workspace is None:
            workspace = SeriesWorkspace(self.ctx, series_id)
            self.workspaces[series_id] = workspace
            row = self.model.series(series_id)
            index = self.tabs.addTab(workspace, row.code if row else "Series")
            workspace.titleChanged.connect(
                lambda title, w=workspace: self.tabs.setTabText(self.tabs.indexOf(w), title))
            workspace.set_viewers(self.session.viewers_of(series_id))
            self.session.heartbeat_now()  # the others see at once that this series is open
        else:
            index = self.tabs.indexOf(workspace)
        self.tabs.setCurrentIndex(index)
        return workspace

    def current_workspace(self) -> SeriesWorkspace | None:
        widget = self.tabs.currentWidget()
        return widget if isinstance(widget, SeriesWorkspace) else None

    def _in_workspace(self, method: str) -> None:
        workspace = self.current_workspace()
        if workspace is None:
            return
        if method == "post_comment_now":
            workspace.comments.post()
        else:
            getattr(workspace, method)()

    def _propose_current(self) -> None:
        workspace = self.current_workspace()
        if workspace is not None and workspace.assessment.propose_button.isEnabled():
            workspace.assessment.propose_button.click()

    def close_tab(self, index: int) -> bool:
        widget = self.tabs.widget(index)
        if not isinstance(widget, SeriesWorkspace):
            return False
        if not widget.confirm_discard("Close the series"):
            return False
        self.tabs.removeTab(index)
        self.workspaces.pop(widget.series_id, None)
        widget.deleteLater()
        self.session.heartbeat_now()
        return True

    def close_current_tab(self) -> None:
        self.close_tab(self.tabs.currentIndex())

    def _step_tab(self, step: int) -> None:
        self.tabs.setCurrentIndex((self.tabs.currentIndex() + step) % self.tabs.count())

    def focus_filter(self) -> None:
        self.tabs.setCurrentIndex(0)
        self.board.filter_edit.setFocus()
        self.board.filter_edit.selectAll()

    def _toggle_dock(self) -> None:
        self.dock.setVisible(not self.dock.isVisible())
        if self.dock.isVisible():
            self.my_claims.list.setFocus()

    # ---------------------------------------------------------------- state
    def _restore_state(self) -> None:
        geometry = self.settings.value("main/geometry")
        state = self.settings.value("main/state")
        if geometry is not None:
            self.restoreGeometry(geometry)
        if state is not None:
            self.restoreState(state)
        header = self.settings.value("board/header")
        if header is not None:
            self.board.table.horizontalHeader().restoreState(header)

    def closeEvent(self, event: QCloseEvent) -> None:
        dirty = [w for w in self.workspaces.values() if w.dirty]
        if dirty and not self.discard_unsaved_on_close:
            codes = ", ".join(w.detail.code if w.detail else "?" for w in dirty)
            answer = QMessageBox.question(
                self, "Unsaved changes", f"Unsaved changes in {codes}. Quit and discard them?",
                QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
                QMessageBox.StandardButton.Cancel)
            if answer != QMessageBox.StandardButton.Discard:
                event.ignore()
                return
        self.settings.setValue("main/geometry", self.saveGeometry())
        self.settings.setValue("main/state", self.saveState())
        self.settings.setValue("board/header", self.board.table.horizontalHeader().saveState())
        self.shutdown()
        event.accept()

    def shutdown(self) -> None:
        """Stop timers and wait for running service calls (their sessions must close)."""
        self.live.stop()
        self.ticker.stop()
        self.session.stop()
        self.dashboard.stop()
        if self.review is not None:
            self.review.stop()
        self.ctx.workers.close()
        self.saves.close()
