"""Live refresh: ask the change feed "what changed since N", off the GUI thread, into the bus.

The window calls `poll_now()` on every wake-up that may bring something new (PostgreSQL
LISTEN/NOTIFY, SQLite `PRAGMA data_version`, see `vidtask.ui.live_session`); the timer is only
a slow backstop. The feed reads from the bus's version — everything up to it has been applied,
this window's own writes included — and publishes what it finds (`Origin.FEED`); the bus drops
whatever went out already. A wake-up that arrives while a read runs is remembered and answered
by one more read right after, so a change committed during the read never waits for the backstop.

Signals: ``connectionChanged(bool, str)`` — reachable or not, with the error sentence;
``synced(datetime)`` — local time of the last successful read.
"""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QObject, QTimer, Signal

from vidtask.db.engine import Database
from vidtask.domain.changes import ChangeEvent, Changes
from vidtask.sync.feed import changes_since, current_version
from vidtask.ui.operations import ChangeBus, Op, OpHost, Origin

#: Backstop only: wake-ups trigger the reads that matter.
POLL_INTERVAL_MS = 10_000


class LiveFeed(QObject):
    connectionChanged = Signal(bool, str)
    synced = Signal(datetime)

    def __init__(self, db: Database, host: OpHost, bus: ChangeBus,
                 parent: QObject | None = None, *, interval_ms: int = POLL_INTERVAL_MS) -> None:
        super().__init__(parent)
        self._db, self._host, self.bus = db, host, bus
        self._in_flight = False
        self._again = False
        self.connected = True
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.poll_now)

    @property
    def version(self) -> int | None:
        """Every change up to this version has reached the screens (None: not started)."""
        return self.bus.version

    @property
    def busy(self) -> bool:
        return self._in_flight

    def start(self) -> None:
        self.timer.start()
        self.poll_now()

    def stop(self) -> None:
        self.timer.stop()

    def poll_now(self) -> None:
        """Read the feed once (a wake-up source may call this directly)."""
        if self._in_flight:
            self._again = True
            return
        self._in_flight = True
        self._again = False
        Op(self._host, self._fetch, self.bus.version).success(self._arrived)\
            .failure(self._failed).run()

    def _fetch(self, version: int | None) -> tuple[int, list[ChangeEvent]]:
        if version is None:
            return current_version(self._db), []
        events = changes_since(self._db, version)
        return (events[-1].version if events else version), events

    def _arrived(self, result: tuple[int, list[ChangeEvent]]) -> None:
        self._in_flight = False
        version, events = result
        if events:
            self.bus.publish(Changes(tuple(events)), Origin.FEED)
        self.bus.caught_up_to(version)
        if not self.connected:
            self.connected = True
            self.connectionChanged.emit(True, "")
        self.synced.emit(datetime.now())
        self._poll_again_if_woken()

    def _failed(self, error: BaseException) -> None:
        self._in_flight = False
        self.connected = False
        self.connectionChanged.emit(False, str(error).splitlines()[0] if str(error) else
                                    type(error).__name__)
        self._poll_again_if_woken()

    def _poll_again_if_woken(self) -> None:
        if self._again and self.timer.isActive():
            self.poll_now()
