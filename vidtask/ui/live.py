"""Live refresh: ask the change feed "what changed since N", off the GUI thread.

The main window calls `poll_now()` on every wake-up (PostgreSQL LISTEN/NOTIFY, SQLite
`PRAGMA data_version`, see `vidtask.ui.live_wakeup`); the timer is only a slow backstop. A wake-up
that arrives while a poll runs is remembered and answered by one more poll right after, so a
change committed during the read is never left waiting for the backstop.

Signals: ``changesArrived(list)`` — ChangeEvents, oldest first, on the GUI thread;
``connectionChanged(bool, str)`` — reachable or not, with the error sentence;
``synced(datetime)`` — local time of the last successful poll.
"""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QObject, QTimer, Signal

from vidtask.db.engine import Database
from vidtask.domain.changes import ChangeEvent, Changes
from vidtask.sync.feed import changes_since, current_version
from vidtask.ui.workers import Workers

#: Backstop only: wake-ups trigger the reads that matter.
POLL_INTERVAL_MS = 10_000


class LiveFeed(QObject):
    changesArrived = Signal(list)
    connectionChanged = Signal(bool, str)
    synced = Signal(object)

    def __init__(self, db: Database, workers: Workers, parent: QObject | None = None,
                 *, interval_ms: int = POLL_INTERVAL_MS) -> None:
        super().__init__(parent)
        self._db, self._workers = db, workers
        self.version: int | None = None
        self._in_flight = False
        self._again = False
        self.connected = True
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.poll_now)

    def start(self) -> None:
        self.timer.start()
        self.poll_now()

    def stop(self) -> None:
        self.timer.stop()

    def poll_now(self) -> None:
        """Ask the feed once (a wake-up source may call this directly)."""
        if self._in_flight:
            self._again = True
            return
        self._in_flight = True
        self._again = False
        self._workers.run(self._fetch, self.version, done=self._arrived, failed=self._failed)

    def _fetch(self, version: int | None) -> tuple[int, list[ChangeEvent]]:
        if version is None:
            return current_version(self._db), []
        events = changes_since(self._db, version)
        return (events[-1].version if events else version), events

    def _arrived(self, result: tuple[int, list[ChangeEvent]]) -> None:
        self._in_flight = False
        version, events = result
        self.version = version
        if not self.connected:
            self.connected = True
            self.connectionChanged.emit(True, "")
        self.synced.emit(datetime.now())
        if events:
            self.changesArrived.emit(events)
        self._poll_again_if_woken()

    def _failed(self, error: BaseException) -> None:
        self._in_flight = False
        if self.connected:
            self.connected = False
        self.connectionChanged.emit(False, str(error).splitlines()[0] if str(error) else
                                    type(error).__name__)
        self._poll_again_if_woken()

    def _poll_again_if_woken(self) -> None:
        if self._again and self.timer.isActive():
            self.poll_now()

    def note_local(self, changes: Changes) -> None:
        """This window's own writes: show them at once instead of waiting for the next poll."""
        if changes.events:
            self.poll_now()
