"""One window's live housekeeping: wake-ups, connection state, presence heartbeats, leases.

The main window owns one `LiveSession`. It turns the database's wake-ups into `LiveFeed.poll_now`
calls — unless the wake-up names a version this window has already applied (its own write) —
sends a presence heartbeat every 30 s (and whenever the set of open series changes), and runs
the `LeaseKeeper` every 30 s — all service calls as `Op`s, never on the GUI thread. Keyboard and
mouse input anywhere in the application touches the `ActivityClock`, so an active holder's
claims renew themselves.

A wake-up that arrives while this window's own calls are still on their way waits until those
calls are delivered (at most `SETTLE_MS`): the write it announces is then usually known already.

Signals: ``connectionStateChanged(str)`` — "online" / "offline" / "reconnecting";
``presenceChanged()`` — `online` was re-read; ``leaseTicked(LeaseTick)``.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtWidgets import QApplication

from vidtask.db.engine import Database
from vidtask.domain.changes import Changes
from vidtask.services import presence
from vidtask.services.leases import ActivityClock, LeaseKeeper, LeaseTick
from vidtask.services.presence import OnlinePerson
from vidtask.sync.connection import ConnectionMonitor, is_connection_error
from vidtask.sync.wakeup import wakeup_for
from vidtask.ui.live import LiveFeed
from vidtask.ui.live_wakeup import LiveWakeup
from vidtask.ui.operations import Op, OpHost

HEARTBEAT_MS = 30_000
LEASE_TICK_MS = 30_000
#: A burst of wake-ups (SQLite moves data_version on every commit) reads presence once.
PRESENCE_READ_DELAY_MS = 500
#: How long a wake-up waits for this window's calls in flight to be delivered.
SETTLE_MS = 500

_INPUT_EVENTS = frozenset({QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress,
                           QEvent.Type.Wheel})


def lease_changes(tick: LeaseTick) -> Changes:
    """Renewals and expiries one lease tick wrote."""
    return Changes.merge([*(r.changes for r in tick.renewed), tick.swept])


class _ActivityFilter(QObject):
    """Application-wide event filter: any key press, click or wheel means "the user is here"."""

    def __init__(self, clock: ActivityClock, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.clock = clock

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in _INPUT_EVENTS:
            self.clock.touch()
        return False


class LiveSession(QObject):
    connectionStateChanged = Signal(str)
    presenceChanged = Signal()
    leaseTicked = Signal(LeaseTick)

    def __init__(self, db: Database, login: str, sprint_id: int, feed: LiveFeed, *,
                 host: OpHost, open_series: Callable[[], list[int]],
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.db, self.login, self.feed, self.host = db, login, feed, host
        self.open_series = open_series
        self.client_id = f"desktop-{uuid.uuid4().hex[:16]}"
        self.online: list[OnlinePerson] = []
        self.wakeups = 0
        self.activity = ActivityClock()
        self.activity.touch()  # opening the window is activity
        self.leases = LeaseKeeper(db, login, self.activity, sprint_id=sprint_id)
        self.monitor = ConnectionMonitor(db)
        self.bridge = LiveWakeup(wakeup_for(db), self.monitor, parent=self)
        self.bridge.wokeUp.connect(self._woke)
        self.bridge.presenceChanged.connect(self._presence_woke)
        self.bridge.connectionStateChanged.connect(self.connectionStateChanged)
        # a failed feed read hands over to the monitor, which probes with backoff
        feed.connectionChanged.connect(self._feed_reachable)
        self._filter = _ActivityFilter(self.activity, self)
        self._lease_busy = self._heartbeat_busy = False
        self._ended = False
        self._settle = QTimer(self)
        self._settle.setSingleShot(True)
        self._settle.setInterval(SETTLE_MS)
        self._settle.timeout.connect(self._decide)
        self._waiting_version: int | None = None
        self._waiting = False
        self._waiting_for: frozenset[int] = frozenset()
        host.runner.finished.connect(self._call_delivered)

        self.heartbeat_timer = QTimer(self)
        self.heartbeat_timer.setInterval(HEARTBEAT_MS)
        self.heartbeat_timer.timeout.connect(self.heartbeat_now)
        self.lease_timer = QTimer(self)
        self.lease_timer.setInterval(LEASE_TICK_MS)
        self.lease_timer.timeout.connect(self.lease_tick_now)
        self._presence_read = QTimer(self)
        self._presence_read.setSingleShot(True)
        self._presence_read.setInterval(PRESENCE_READ_DELAY_MS)
        self._presence_read.timeout.connect(self.read_presence)

    def start(self) -> None:
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self._filter)
        self.bridge.start()
        self.heartbeat_timer.start()
        self.lease_timer.start()
        self.heartbeat_now()
        self.lease_tick_now()

    def stop(self) -> None:
        """Stop listening and say goodbye (presence row deleted now, not in 90 s)."""
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self._filter)
        self.heartbeat_timer.stop()
        self.lease_timer.stop()
        self._presence_read.stop()
        self._settle.stop()
        self.bridge.stop()
        if not self._ended:
            self._ended = True
            # closing while offline: the row expires by itself within PRESENCE_TTL
            with contextlib.suppress(Exception):
                presence.end_presence(self.db, self.login, self.client_id)

    # ---------------------------------------------------------------- wake-ups
    def _woke(self, _reason: str) -> None:
        self.wakeups += 1
        version = self.bridge.burst_version
        if self._waiting:
            self._waiting_version = None if version is None or self._waiting_version is None \
                else max(version, self._waiting_version)
            return
        self._waiting, self._waiting_version = True, version
        self._waiting_for = self.host.runner.in_flight()
        if self._waiting_for:
            self._settle.start()  # their Changes may name this version in a moment
        else:
            self._decide()

    def _call_delivered(self, _name: str) -> None:
        if not (self._waiting and self._settle.isActive()):
            return
        version = self._waiting_version
        settled = version is not None and self.feed.bus.knows(version)
        if settled or not self._waiting_for & self.host.runner.in_flight():
            self._settle.stop()
            self._decide()

    def _decide(self) -> None:
        version, self._waiting = self._waiting_version, False
        if version is not None and self.feed.bus.knows(version):
            return  # this window's own write: its Changes are on the screens already
        self.feed.poll_now()

    def _feed_reachable(self, ok: bool, reason: str) -> None:
        if ok:
            self.monitor.report_success()
        else:
            self.monitor.report_failure(ConnectionError(reason))

    def _presence_woke(self, client_id: str) -> None:
        """Someone's heartbeat: read who is online — unless it was ours (our heartbeat call
        read it right after writing)."""
        if client_id != self.client_id:
            self._schedule_presence_read()

    def _schedule_presence_read(self) -> None:
        if not self._presence_read.isActive():
            self._presence_read.start()

    # ---------------------------------------------------------------- presence
    def heartbeat_now(self) -> None:
        """Tell the others we are here and which series we have open, then read who else is."""
        if self._heartbeat_busy or self._ended:
            return
        self._heartbeat_busy = True
        db, login, client_id = self.db, self.login, self.client_id

        def beat(series_ids: list[int]) -> list[OnlinePerson]:
            presence.heartbeat(db, login, client_id, series_ids)
            return presence.who_is_online(db)

        Op(self.host, beat, list(self.open_series())).success(self._presence_read_done)\
            .failure(self._heartbeat_failed).run()

    def _heartbeat_failed(self, error: BaseException) -> None:
        self._heartbeat_busy = False
        if is_connection_error(error):
            self.monitor.report_failure(error)

    def read_presence(self) -> None:
        Op(self.host, presence.who_is_online, self.db).success(self._presence_read_done)\
            .failure(self._presence_failed).run()

    def _presence_failed(self, error: BaseException) -> None:
        if is_connection_error(error):
            self.monitor.report_failure(error)

    def _presence_read_done(self, people: list[OnlinePerson]) -> None:
        self._heartbeat_busy = False
        self.online = people
        self.presenceChanged.emit()

    def viewers_of(self, series_id: int) -> list[str]:
        """Other people (not this window) with `series_id` open, from the last presence read."""
        return sorted({p.display_name or p.login for p in self.online
                       if series_id in p.open_series_ids and p.client_id != self.client_id})

    def viewers_by_series(self) -> dict[int, list[str]]:
        """Series id -> other people with it open, from the same presence read (no new query)."""
        viewers: dict[int, set[str]] = {}
        for person in self.online:
            if person.client_id == self.client_id:
                continue
            for series_id in person.open_series_ids:
                viewers.setdefault(series_id, set()).add(person.display_name or person.login)
        return {series_id: sorted(names) for series_id, names in viewers.items()}

    def online_count(self) -> int:
        return len({p.login for p in self.online})

    # ---------------------------------------------------------------- leases
    @property
    def lease_busy(self) -> bool:
        return self._lease_busy

    def lease_tick_now(self) -> None:
        if self._lease_busy or self._ended:
            return
        self._lease_busy = True
        Op(self.host, self.leases.tick).success(self._lease_done).failure(self._lease_failed)\
            .publishing(lease_changes).run()

    def _lease_done(self, tick: LeaseTick) -> None:
        self._lease_busy = False
        self.leaseTicked.emit(tick)

    def _lease_failed(self, error: BaseException) -> None:
        self._lease_busy = False
        if is_connection_error(error):
            self.monitor.report_failure(error)
