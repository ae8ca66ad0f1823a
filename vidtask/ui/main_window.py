"""The main window, composed (qutebrowser's MainWindow): tabs of screens, the 'My series' dock,
the status bar (`window.status_bar`), menus from one action table (`window.action_table`), the
coordinator dialogs (`window.dialogs`) and the live session.

A screen is a widget that takes the window's `AppContext`, runs its service calls with
`Op(ctx, …)`, subscribes to `ctx.bus`, and implements `commands()` (`vidtask.ui.commands`); the
action table sends it the menu entries and shortcuts it handles while it is showing. Permanent
screens join with `add_screen(widget, title)`; series open as closable tabs (`open_series`).
The window itself only wires: it holds no rules and writes nothing.

Signals (the application answers each, replacing this window): ``connectRequested()`` — File ▸
Connect to database…; ``switchPersonRequested()``, ``signOutRequested()`` — File ▸ Switch
person…, Sign out.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QDockWidget, QMainWindow, QMessageBox, QWidget

from vidtask.db.engine import Database
from vidtask.domain.permissions import Action
from vidtask.services.leases import LeaseTick
from vidtask.services.participants import ParticipantInfo
from vidtask.services.series import SeriesRow
from vidtask.services.series_detail import ClueInfo
from vidtask.services.sprints import SprintInfo
from vidtask.sync.outbox import OutboxEntry
from vidtask.ui import claims as claim_ops
from vidtask.ui.appeals import AppealsScreen, TipInbox
from vidtask.ui.commands import Command, Handler, Screen
from vidtask.ui.context import AppContext
from vidtask.ui.dashboard import DashboardWidget
from vidtask.ui.help import HelpDialogs
from vidtask.ui.live import POLL_INTERVAL_MS, LiveFeed
from vidtask.ui.live_session import LiveSession
from vidtask.ui.my_claims import MyClaimsPane
from vidtask.ui.offline_saves import OfflineSaves, ReplayOutcome, conflict_context
from vidtask.ui.operations import Op, sentence
from vidtask.ui.review.queue import ReviewQueueWidget
from vidtask.ui.series.workspace import SeriesWorkspace
from vidtask.ui.window.actions import ActionTable
from vidtask.ui.window.board_page import BoardPage
from vidtask.ui.window.dialogs import CoordinatorDialogs
from vidtask.ui.window.status_bar import StatusBar
from vidtask.ui.window.tabs import ScreenTabs

LEASE_REPAINT_TICKS = 15


def replay_text(outcome: ReplayOutcome) -> str:
    plural = "s" if outcome.sent != 1 else ""
    text = f"{outcome.sent} change{plural} sent"
    if outcome.earlier_session:
        text = f"{outcome.sent} change{plural} saved on this computer in an earlier session sent"
    if outcome.conflicts:
        text += f"; {outcome.conflicts} need your merge"
    if outcome.remaining:
        text += f"; {outcome.remaining} still waiting"
    return text + "."


class MainWindow(QMainWindow):
    connectRequested = Signal()
    switchPersonRequested = Signal()
    signOutRequested = Signal()

    def __init__(self, db: Database, me: ParticipantInfo, sprint: SprintInfo, *,
                 poll_ms: int = POLL_INTERVAL_MS, settings: QSettings | None = None,
                 outbox_path: Path | None = None) -> None:
        super().__init__()
        self.setObjectName("mainWindow")
        self.ctx = ctx = AppContext(db, me, sprint, self)
        self.settings = settings or QSettings()
        self.setWindowTitle(f"vidtask — {sprint.name} — {me.display_name} ({me.login}, "
                            f"{me.role.value}) — {db.describe()}")
        #: Scripts and tests closing the window on purpose skip the "unsaved changes" question.
        self.discard_unsaved_on_close = False
        self._ticks = 0

        self.board_page = BoardPage(ctx)
        self.tabs = ScreenTabs(ctx, self._code_of)
        self.workspaces = self.tabs.workspaces
        self.add_screen(self.board_page, "Board")
        self.setCentralWidget(self.tabs)

        self.my_claims = MyClaimsPane(ctx)
        self.dock = QDockWidget("My series", self)
        self.dock.setObjectName("myClaimsDock")
        self.dock.setWidget(self.my_claims)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.dock)

        self.status_bar = StatusBar(db, me.login, ctx.notices, self)
        self.setStatusBar(self.status_bar)
        ctx.runner.activityChanged.connect(self.status_bar.activity.show_activity)

        self.review: ReviewQueueWidget | None = None
        if ctx.may(Action.CONFIRM):
            self.review = ReviewQueueWidget(ctx)
            self.add_screen(self.review, "Review")
        self.dashboard = DashboardWidget(ctx)
        self.dashboard.reportExported.connect(
            lambda path: ctx.notices.info(f"Sprint report written: {path}"))
        self.dashboard.reportFailed.connect(ctx.notices.warning)
        self.add_screen(self.dashboard, "Dashboard")
        self.appeals = AppealsScreen(ctx)
        self.add_screen(self.appeals, "Trace an Object")
        self.tip_inbox = TipInbox(ctx)
        self.add_screen(self.tip_inbox, "Tips")
        self.dialogs = CoordinatorDialogs(ctx, self, self.dashboard, self.current_row)
        self.help = HelpDialogs(db, me, self)
        self.status_bar.identity.show_person(db, me)

        self.action_table = ActionTable(self, ctx.may, self._window_commands())
        self.board_page.set_context_actions([a for a in (
            self.action_table.action(c) for c in (Command.OPEN, Command.CLAIM, Command.RELEASE,
                                              Command.FORCE_RELEASE)) if a is not None])
        self.board_page.claim_next_button.clicked.connect(self.board_page.claim_next)
        self.board_page.openRequested.connect(self.open_series)
        self.board_page.rowsChanged.connect(self._count_claims)
        self.board_page.selectionChanged.connect(self.action_table.refresh)
        self.my_claims.openRequested.connect(self.open_series)
        self.tabs.screenShown.connect(self.action_table.set_screen)
        self.action_table.set_screen(self.board_page)

        self.live = LiveFeed(db, ctx, ctx.bus, self, interval_ms=poll_ms)
        self.live.connectionChanged.connect(self.status_bar.connection.connected)
        self.live.synced.connect(self._synced)
        self.session = LiveSession(db, me.login, sprint.id, self.live, host=ctx,
                                   open_series=lambda: sorted(self.workspaces), parent=self)
        self.session.connectionStateChanged.connect(self._connection_state)
        self.session.presenceChanged.connect(self._presence_changed)
        self.session.leaseTicked.connect(self._lease_ticked)
        # the others see at once which series this window has open
        self.tabs.seriesOpened.connect(lambda _i: self.session.heartbeat_now())
        self.tabs.seriesClosed.connect(lambda _i: self.session.heartbeat_now())
        # clue and comment saves survive a lost database: kept in this computer's outbox
        self.saves = OfflineSaves(db, self.session.monitor, ctx, path=outbox_path, parent=self)
        ctx.saves = self.saves
        self.saves.pendingChanged.connect(self.status_bar.pending.show_pending)
        self.saves.replayed.connect(self._outbox_replayed)
        self.saves.conflictFound.connect(self._outbox_conflict)
        self.status_bar.lease.extendRequested.connect(self.extend_warned)
        if not db.is_postgresql:  # said once, plainly; the status bar item keeps it
            ctx.notices.info("SQLite mode trusts everyone who can open the file.")

        self.ticker = QTimer(self)
        self.ticker.setInterval(1_000)
        self.ticker.timeout.connect(self._tick)
        self.ticker.start()
        self.resize(1400, 860)
        self._restore_state()
        board = self.board_page.board
        chain: list[QWidget] = [board.filter_edit, board.status_combo, board.mine_chip,
                                board.unclaimed_chip, board.country_combo, board.table,
                                self.board_page.open_button, self.board_page.claim_button,
                                self.board_page.release_button,
                                self.board_page.claim_next_button]
        for first, second in itertools.pairwise(chain):
            self.setTabOrder(first, second)
        self.board_page.reload()
        self.my_claims.reload()
        self.live.start()
        self.session.start()
        self.saves.start()

    # ---------------------------------------------------------------- composition
    @property
    def loaded(self) -> bool:
        return self.board_page.loaded

    def add_screen(self, widget: QWidget, title: str) -> int:
        """A permanent tab (board, review, dashboard, …); its View action is in the table."""
        return self.tabs.add_screen(widget, title)

    def _code_of(self, series_id: int) -> str | None:
        row = self.board_page.model.series(series_id)
        return row.code if row else None

    def _window_commands(self) -> Mapping[Command, Handler]:
        board = self.board_page.board
        commands: dict[Command, Handler] = {
            Command.REFRESH: self.refresh_now,
            Command.EXPORT_REPORT: self.dialogs.export_report,
            Command.CONNECT: self.connectRequested.emit,
            Command.SWITCH_PERSON: self.switchPersonRequested.emit,
            Command.SIGN_OUT: self.signOutRequested.emit,
            Command.ABOUT: self.help.about,
            Command.USER_GUIDE: self.help.user_guide,
            Command.QUIT: self.close,
            Command.CLAIM_NEXT: self.board_page.claim_next,
            Command.RECORD_FEEDBACK: self.dialogs.record_feedback,
            Command.CLOSE_TAB: self.close_current_tab,
            Command.SHOW_BOARD: lambda: self.tabs.setCurrentWidget(self.board_page),
            Command.FILTER: self.focus_filter,
            Command.CLEAR_FILTERS: board.clear_filters,
            Command.ONLY_MINE: board.mine_chip.toggle,
            Command.ONLY_UNCLAIMED: board.unclaimed_chip.toggle,
            Command.MY_SERIES: self._toggle_dock,
            Command.NEXT_TAB: lambda: self.tabs.step(1),
            Command.PREVIOUS_TAB: lambda: self.tabs.step(-1),
            Command.SHOW_DASHBOARD: lambda: self.tabs.setCurrentWidget(self.dashboard),
            Command.SHOW_APPEALS: lambda: self.tabs.setCurrentWidget(self.appeals),
            Command.SHOW_TIPS: lambda: self.tabs.setCurrentWidget(self.tip_inbox),
            Command.IMPORT: self.dialogs.open_import,
            Command.EXPORT_PACKETS: self.dialogs.open_export,
            Command.SPRINT_SETTINGS: self.dialogs.open_sprint_settings,
        }
        if self.review is not None:
            review = self.review
            commands[Command.SHOW_REVIEW] = lambda: self.tabs.setCurrentWidget(review)
            commands[Command.SHOW_DISSEMINATION] = self.show_dissemination
        return commands

    def show_dissemination(self) -> None:
        if self.review is not None:
            self.tabs.setCurrentWidget(self.review)
            self.review.tabs.setCurrentIndex(1)

    def current_row(self) -> SeriesRow | None:
        """The series in front of the person: the open tab's, else the board's selection."""
        widget = self.tabs.currentWidget()
        series_id = (widget.series_id if isinstance(widget, SeriesWorkspace)
                     else self.board_page.current_series_id())
        return self.board_page.model.series(series_id) if series_id else None

    # ---------------------------------------------------------------- series tabs
    def open_series(self, series_id: int) -> SeriesWorkspace:
        workspace = self.tabs.open_series(series_id)
        workspace.set_viewers(self.session.viewers_of(series_id))
        return workspace

    def current_workspace(self) -> SeriesWorkspace | None:
        return self.tabs.current_workspace()

    def close_tab(self, index: int) -> bool:
        return self.tabs.close_tab(index)

    def close_current_tab(self) -> None:
        self.tabs.close_current()

    def focus_filter(self) -> None:
        self.tabs.setCurrentWidget(self.board_page)
        self.board_page.board.filter_edit.setFocus()
        self.board_page.board.filter_edit.selectAll()

    def _toggle_dock(self) -> None:
        self.dock.setVisible(not self.dock.isVisible())
        if self.dock.isVisible():
            self.my_claims.list.setFocus()

    def refresh_now(self) -> None:
        """F5: re-read everything (the bus keeps it current; this is for the doubtful)."""
        self.board_page.reload()
        self.my_claims.reload()
        for workspace in self.workspaces.values():
            workspace.reload()
        if self.review is not None:
            self.review.refresh()
        self.dashboard.refresh()
        self.appeals.reload()
        self.tip_inbox.reload()
        self.live.poll_now()
        self.session.read_presence()

    # ---------------------------------------------------------------- live session
    def _tick(self) -> None:
        self._ticks += 1
        self.my_claims.tick()
        for workspace in self.workspaces.values():
            workspace.tick()
        if self._ticks % LEASE_REPAINT_TICKS == 0:
            self.board_page.model.refresh_leases()
            self._count_claims()

    def _count_claims(self) -> None:
        self.status_bar.counts.count(self.board_page.model.rows)

    def _synced(self, moment: datetime) -> None:
        # the connection monitor decides "offline"; one lucky read does not end it
        if self.session.monitor.online and not self.status_bar.connection.online:
            self.status_bar.connection.connected(True)
        self.status_bar.sync.synced(moment)

    def _connection_state(self, state: str) -> None:
        """The connection monitor's view: online / offline / reconnecting."""
        connection = self.status_bar.connection
        if state == "online":
            connection.connected(True)
            self.ctx.notices.info("Back online.")
            self.live.poll_now()  # catch up on what happened meanwhile
            self.saves.replay_now()  # as an Op: never on the GUI thread
        elif state == "reconnecting":
            connection.reconnecting()
        else:
            connection.connected(False, self.session.monitor.last_error or "")

    def _presence_changed(self) -> None:
        self.status_bar.online.show_people(self.session.online)
        for series_id, workspace in self.workspaces.items():
            workspace.set_viewers(self.session.viewers_of(series_id))
        self.board_page.model.set_viewers(self.session.viewers_by_series())

    def _lease_ticked(self, tick: LeaseTick) -> None:
        for conflict in tick.lost:
            self.ctx.notices.warning(sentence(conflict))
        self.status_bar.lease.show_warnings(tick.warnings)
        self.my_claims.set_warning("\n".join(w.message for w in tick.warnings))

    def extend_warned(self, series_id: int) -> None:
        """The warning's Extend: renew that claim (the user asked: no idle check)."""
        def done(_result: object) -> None:
            self.status_bar.lease.forget(series_id)
            self.my_claims.set_warning("\n".join(
                w.message for w in self.status_bar.lease.warnings))

        claim_ops.renew(self.ctx, series_id, done=done, renew_fn=self.session.leases.extend)

    # ---------------------------------------------------------------- outbox
    def _outbox_replayed(self, outcome: ReplayOutcome) -> None:
        self.ctx.notices.info(replay_text(outcome))
        for workspace in self.workspaces.values():
            workspace.outbox_replayed(outcome.waiting_ids)
        self.live.poll_now()  # the replayed writes reach the screens through the feed

    def _outbox_conflict(self, entry: OutboxEntry) -> None:
        """A change kept offline was refused: open its series, the user's text in the merge view."""
        def show(found: tuple[int | None, ClueInfo | None]) -> None:
            series_id, theirs = found
            if series_id is None:
                self.ctx.notices.warning(
                    f"A change kept on this computer was refused: {entry.error}")
                return
            self.open_series(series_id).show_outbox_conflict(entry, theirs)

        Op(self.ctx, conflict_context, self.ctx.db, entry).success(show).run()

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
            self.board_page.board.restore_header(header)

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
        self.settings.setValue("board/header",
                               self.board_page.board.table.horizontalHeader().saveState())
        self.shutdown()
        event.accept()

    def shutdown(self) -> None:
        """Stop timers and wait for running service calls (their sessions must close)."""
        self.live.stop()
        self.ticker.stop()
        self.session.stop()
        self.dashboard.stop()
        self.ctx.close()
        self.saves.close()


__all__ = ["MainWindow", "Screen"]
