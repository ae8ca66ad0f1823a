"""One window's saves that survive losing the shared database: its outbox and offline writer.

Clue add/edit/delete and comments go through `OfflineSaves.submit` as an `Op` of the window: the
service runs when the database answers (its Changes go out on the window's bus); when it does
not, the write is fsync'd into the local outbox (platformdirs user data dir, entries keyed by
database) before the user is told "Saved on this computer". `replay_now()` sends the outbox
oldest first, off the GUI thread — the window calls it when the connection monitor says
"online", at start when an earlier session left entries, and every few seconds while something
is waiting. Refused entries (a stale edit, a lost
claim) come back as `conflictFound` for the merge view; nothing is overwritten.

Signals: ``pendingChanged(int)`` — entries waiting to be sent; ``replayed(ReplayOutcome)`` —
after a replay that did something (its writes reach the screens through the change feed);
``conflictFound(OutboxEntry)`` — an entry the database refused.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

from vidtask.db.engine import Database
from vidtask.domain.changes import Changes
from vidtask.domain.errors import VidtaskError
from vidtask.services import series_detail
from vidtask.services.offline import OfflineWriter, Submitted, database_key
from vidtask.services.series_detail import ClueInfo
from vidtask.sync.connection import ConnectionMonitor
from vidtask.sync.outbox import Outbox, OutboxEntry, ReplayReport
from vidtask.ui.operations import Op, OpHost

SAVED_LOCALLY = "Saved on this computer — will be sent when the connection is back"
#: While entries wait and the database answers, retry this often (a peer window may hold the
#: outbox's replay lease, or a replay stopped half-way).
RETRY_MS = 5_000


@dataclass(frozen=True, slots=True)
class ReplayOutcome:
    sent: int
    conflicts: int
    remaining: int
    #: True when the sent entries were left by an earlier session (app closed while offline).
    earlier_session: bool
    #: Outbox entries still waiting after this replay (workspaces keep showing those).
    waiting_ids: frozenset[int]


@dataclass(frozen=True, slots=True)
class SaveOutcome:
    submitted: Submitted
    pending: int

    @property
    def changes(self) -> Changes:
        return self.submitted.changes


def conflict_context(db: Database, entry: OutboxEntry) -> tuple[int | None, ClueInfo | None]:
    """Which series a refused entry belongs to, and the clue as the database has it now."""
    clue_id = entry.args.get("clue_id")
    if entry.operation in ("clue.edit", "clue.delete") and clue_id is not None:
        try:
            theirs = series_detail.get_clue(db, int(clue_id))
        except VidtaskError:
            pass  # deleted meanwhile: the user's text comes back as a new clue
        else:
            return theirs.series_id, theirs
    series_id = entry.args.get("series_id")
    return (int(series_id) if series_id is not None else None), None


class OfflineSaves(QObject):
    pendingChanged = Signal(int)
    replayed = Signal(ReplayOutcome)
    conflictFound = Signal(OutboxEntry)

    def __init__(self, db: Database, monitor: ConnectionMonitor, host: OpHost, *,
                 path: Path | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.db, self.monitor, self.host = db, monitor, host
        self.outbox = Outbox(database_key(db), path)
        self.writer = OfflineWriter(db, self.outbox, monitor, replay_when_online=False)
        #: Entries an earlier session left behind (the app was closed or killed offline).
        self.earlier = self.outbox.pending_count()
        self.pending = self.earlier
        self._replaying = False
        self._again = False
        self._closed = False
        self.retry_timer = QTimer(self)
        self.retry_timer.setInterval(RETRY_MS)
        self.retry_timer.timeout.connect(self._retry)

    def start(self) -> None:
        """Replay what an earlier session left, and re-show its unresolved conflicts."""
        self.retry_timer.start()
        for entry in self.outbox.conflicts():
            self.conflictFound.emit(entry)
        if self.earlier:
            self.replay_now()

    def close(self) -> None:
        """Call after the window's runner has finished (a call may be writing to the outbox)."""
        self._closed = True
        self.retry_timer.stop()
        self.outbox.close()

    # ---------------------------------------------------------------- saving
    def submit(self, actor: str, operation: str, args: dict[str, Any], *,
               based_on_version: int | None = None, done: Callable[[Submitted], object],
               failed: Callable[[BaseException], object]) -> None:
        """Save now or keep locally, off the GUI thread; `done` hears where it went."""
        writer = self.writer

        def run() -> SaveOutcome:
            submitted = writer.submit(actor, operation, args, based_on_version=based_on_version)
            return SaveOutcome(submitted, writer.outbox.pending_count())

        def ran(outcome: SaveOutcome) -> None:
            self._set_pending(outcome.pending)
            done(outcome.submitted)

        Op(self.host, run).success(ran).failure(failed).run()

    def discard(self, entry_id: int) -> None:
        """The user resolved a conflict in the merge view (saved a merge or took theirs)."""
        Op(self.host, self.outbox.discard, entry_id).failure(lambda _e: None).run()

    # ---------------------------------------------------------------- replay
    def replay_now(self) -> None:
        if self._closed:
            return
        if self._replaying:
            self._again = True
            return
        self._replaying, self._again = True, False
        writer = self.writer

        def run() -> tuple[ReplayReport | None, frozenset[int]]:
            report = writer.replay()
            return report, frozenset(e.id for e in writer.outbox.pending())

        Op(self.host, run).success(self._replayed).failure(self._replay_failed).run()

    def _replayed(self, result: tuple[ReplayReport | None, frozenset[int]]) -> None:
        self._replaying = False
        report, waiting = result
        self._set_pending(len(waiting))
        if report is not None and (report.done or report.conflicts):
            earlier = self.earlier > 0
            self.earlier = 0
            self.replayed.emit(ReplayOutcome(report.done, len(report.conflicts),
                                             report.remaining, earlier, waiting))
            for entry in report.conflicts:
                self.conflictFound.emit(entry)
        if self._again:
            self.replay_now()

    def _replay_failed(self, _error: BaseException) -> None:
        self._replaying = False  # the retry timer tries again

    def _retry(self) -> None:
        if self.pending and self.monitor.online and not self._replaying:
            self.replay_now()

    def _set_pending(self, count: int) -> None:
        if count != self.pending:
            self.pending = count
        self.pendingChanged.emit(count)
