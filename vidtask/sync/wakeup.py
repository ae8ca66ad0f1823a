"""Wake-ups: tell a client "the shared database changed, read the feed now", without Qt.

Three sources share one interface, `start(callback)` / `stop()` / `stats`:

* `PgListenWakeup` — PostgreSQL LISTEN on a dedicated autocommit psycopg 3 connection in a
  worker thread. NOTIFY is sent by the writing transaction and delivered on commit (~1 ms on
  loopback). A listener that reconnects never receives what was sent while it was away, so it
  wakes the client after every (re)connect and runs a slow safety poll of the committed
  change counter. While it cannot listen it falls back to polling through the pool.
  Anybody with a login can NOTIFY the channel with any payload, so a payload is only a hint:
  the version the safety poll compares against is always one read from the counter (a fake
  `pg_notify('vidtask_changes', '999999999999999999')` once disabled the safety poll).
* `SqliteDataVersionWakeup` — polls `PRAGMA data_version` a few times a second on its own
  connection; the number moves only when another connection committed, so the feed is read
  only then. A commit that did not move the change counter wrote no event: a presence
  heartbeat, reported as a "presence" wake-up with the newest heartbeat's client id.
* `PollingWakeup` — the plain fallback: reads the committed change counter every few seconds.

Callbacks run on the source's worker thread; they must be quick and thread-safe (the Qt adapter
in `vidtask.ui.live_wakeup` turns them into a GUI-thread signal). Any consumer then calls
`vidtask.sync.feed.changes_since(last_seen)`: a wake-up is a hint, the event log is the truth.
"""

from __future__ import annotations

import logging
import sqlite3
import statistics
import threading
import time
from abc import ABC, abstractmethod
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import text

from vidtask.db.engine import Database
from vidtask.sync.connection import Backoff

log = logging.getLogger(__name__)

#: Channel the write transaction notifies (payload: last committed version). Same string as
#: `vidtask.services.tx.NOTIFY_CHANNEL` (sync sits below services, so it is repeated here).
CHANGES_CHANNEL = "vidtask_changes"
#: Channel presence heartbeats notify (payload: client id); they write no event.
PRESENCE_CHANNEL = "vidtask_presence"


@dataclass(frozen=True, slots=True)
class Wake:
    """Why a source woke its client. `version` is the committed version when the source knows it;
    a presence wake-up names the client whose heartbeat it was, when the source knows it (a
    client ignores its own: its heartbeat call read who is online already)."""

    reason: str  # started | reconnected | notify | presence | data_version | poll | safety_poll
    version: int | None = None
    noticed_at: float = field(default_factory=time.monotonic)
    client_id: str | None = None


WakeCallback = Callable[[Wake], None]


@dataclass
class WakeupStats:
    """What a source did, for the status bar and the benchmarks."""

    wakeups: int = 0
    reconnects: int = 0
    connected: bool = False
    last_error: str | None = None
    #: End-to-end delays (seconds) recorded by whoever can measure them (see `record_latency`).
    latencies: deque[float] = field(default_factory=lambda: deque(maxlen=1_000))

    def percentile(self, fraction: float) -> float | None:
        if not self.latencies:
            return None
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]

    @property
    def median(self) -> float | None:
        return statistics.median(self.latencies) if self.latencies else None


class WakeupSource(ABC):
    """Start with a callback, stop when the window closes. Thread-safe; runs one worker thread."""

    kind = "abstract"

    def __init__(self) -> None:
        self.stats = WakeupStats()
        self._callback: WakeCallback | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self, callback: WakeCallback) -> None:
        if self._thread is not None:
            raise RuntimeError(f"{self.kind} wake-up source already started")
        self._callback = callback
        self._stop.clear()
        self._thread = threading.Thread(target=self._guarded_run, name=f"vidtask-{self.kind}",
                                        daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        thread, self._thread = self._thread, None
        if thread is not None:
            thread.join(timeout)
        self.stats.connected = False

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def record_latency(self, seconds: float) -> None:
        """Record one measured commit-to-read delay (the feed follower or a benchmark does)."""
        self.stats.latencies.append(seconds)

    def _fire(self, wake: Wake) -> None:
        self.stats.wakeups += 1
        callback = self._callback
        if callback is None:
            return
        try:
            callback(wake)
        except Exception:  # a broken consumer must not silence the feed
            log.exception("wake-up callback failed")

    def _guarded_run(self) -> None:
        try:
            self._run()
        except Exception as error:  # pragma: no cover - last resort, logged for the report
            self.stats.last_error = str(error)
            log.exception("%s wake-up source stopped", self.kind)

    @abstractmethod
    def _run(self) -> None: ...


def committed_version(db: Database) -> int:
    """The committed change counter: cheap, and moves with every write transaction."""
    with db.read() as session:
        return int(session.execute(
            text("SELECT version FROM change_counter WHERE id = 1")).scalar_one())


class PollingWakeup(WakeupSource):
    """Fallback: read the committed counter every `interval` seconds; wake when it moved."""

    kind = "poll"

    def __init__(self, db: Database, interval: float = 2.0) -> None:
        super().__init__()
        self._db = db
        self.interval = interval

    def _run(self) -> None:
        last: int | None = None
        while not self._stop.is_set():
            try:
                version = committed_version(self._db)
                self.stats.connected = True
            except Exception as error:
                self.stats.connected = False
                self.stats.last_error = str(error).splitlines()[0]
            else:
                if last is None or version != last:
                    self._fire(Wake("started" if last is None else "poll", version))
                last = version
            self._stop.wait(self.interval)


class SqliteDataVersionWakeup(WakeupSource):
    """Poll `PRAGMA data_version` on a dedicated connection; wake only when it moves."""

    kind = "sqlite-data-version"

    def __init__(self, db: Database, interval: float = 0.2) -> None:
        super().__init__()
        if db.is_postgresql:
            raise ValueError("PRAGMA data_version is SQLite only")
        self._path = str(db.url.database)
        self.interval = interval

    def _run(self) -> None:
        backoff = Backoff(first=0.2, cap=5.0)
        first = True
        while not self._stop.is_set():
            try:
                # Autocommit, read-only use: the pragma is per connection and never takes a lock.
                connection = sqlite3.connect(self._path, isolation_level=None, timeout=5,
                                             check_same_thread=False)
            except sqlite3.Error as error:
                self.stats.last_error = str(error)
                self._stop.wait(backoff.next_delay())
                continue
            try:
                self._watch(connection, first)
                first = False
            except sqlite3.Error as error:
                self.stats.last_error = str(error)
                self.stats.reconnects += 1
                self._stop.wait(backoff.next_delay())
            finally:
                self.stats.connected = False
                connection.close()

    def _watch(self, connection: sqlite3.Connection, first: bool) -> None:
        last = connection.execute("PRAGMA data_version").fetchone()[0]
        self.stats.connected = True
        counter = _sqlite_counter(connection)
        self._fire(Wake("started" if first else "reconnected", counter))
        while not self._stop.wait(self.interval):
            current = connection.execute("PRAGMA data_version").fetchone()[0]
            if current == last:
                continue
            last = current
            # the committed counter says whether the commit was a write with events (a client
            # that applied up to there reads nothing) or not: a presence heartbeat
            now = _sqlite_counter(connection)
            if now is not None and now == counter:
                self._fire(Wake("presence", now, client_id=_newest_heartbeat(connection)))
            else:
                counter = now
                self._fire(Wake("data_version", now))


def _sqlite_counter(connection: sqlite3.Connection) -> int | None:
    try:
        row = connection.execute("SELECT version FROM change_counter WHERE id = 1").fetchone()
    except sqlite3.Error:  # a database not migrated yet: the wake-up still goes out
        return None
    return int(row[0]) if row else None


def _newest_heartbeat(connection: sqlite3.Connection) -> str | None:
    try:
        row = connection.execute(
            "SELECT client_id FROM presence ORDER BY seen_at DESC LIMIT 1").fetchone()
    except sqlite3.Error:
        return None
    return str(row[0]) if row else None


def pg_conninfo(db: Database) -> str:
    """psycopg connection string for `db`, with keepalives so a dead network is noticed."""
    url = db.url.set(drivername="postgresql")
    query = dict(url.query)
    query.setdefault("connect_timeout", "5")
    query.setdefault("application_name", "vidtask-listen")
    for key, value in (("keepalives", "1"), ("keepalives_idle", "10"),
                       ("keepalives_interval", "5"), ("keepalives_count", "3")):
        query.setdefault(key, value)
    return url.set(query=query).render_as_string(hide_password=False)


class PgListenWakeup(WakeupSource):
    """LISTEN on a dedicated autocommit connection; reconnect with backoff; slow safety poll."""

    kind = "pg-listen"

    def __init__(self, db: Database, *, safety_poll: float = 10.0, fallback_poll: float = 2.0,
                 channels: tuple[str, ...] = (CHANGES_CHANNEL, PRESENCE_CHANNEL),
                 backoff: Backoff | None = None) -> None:
        super().__init__()
        if not db.is_postgresql:
            raise ValueError("LISTEN/NOTIFY is PostgreSQL only")
        self._db = db
        self._conninfo = pg_conninfo(db)
        self.safety_poll = safety_poll
        self.fallback_poll = fallback_poll
        self.channels = channels
        self._backoff = backoff or Backoff()
        self._highest_seen = 0
        #: Server process id of the listening connection (for tests and diagnostics).
        self.backend_pid: int | None = None

    def _run(self) -> None:
        import psycopg

        first = True
        while not self._stop.is_set():
            try:
                connection = psycopg.connect(self._conninfo, autocommit=True)
            except psycopg.Error as error:
                self._disconnected(error)
                continue
            try:
                with connection:
                    for channel in self.channels:
                        connection.execute(f"LISTEN {channel}")
                    self._backoff.reset()
                    self.backend_pid = connection.info.backend_pid
                    self.stats.connected = True
                    # Whatever was committed while we were not listening is in the log: read it.
                    self._fire(Wake("started" if first else "reconnected",
                                    self._counter(connection)))
                    first = False
                    self._listen(connection)
            except psycopg.Error as error:
                self._disconnected(error)

    def _disconnected(self, error: Exception) -> None:
        self.stats.connected = False
        self.stats.reconnects += 1
        self.stats.last_error = str(error).splitlines()[0] if str(error) else type(error).__name__
        log.info("listener disconnected: %s", self.stats.last_error)
        # Until LISTEN works again, poll through the ordinary pool (fallback polling).
        deadline = time.monotonic() + self._backoff.next_delay()
        while not self._stop.is_set():
            left = deadline - time.monotonic()
            if left <= 0:
                return
            self._stop.wait(min(left, self.fallback_poll))
            self._poll_through_pool()

    def _poll_through_pool(self) -> None:
        try:
            version = committed_version(self._db)
        except Exception:
            return
        if version > self._highest_seen:
            self._highest_seen = version
            self._fire(Wake("poll", version))

    def _counter(self, connection: object) -> int:
        cursor = connection.execute(  # type: ignore[attr-defined]
            "SELECT version FROM change_counter WHERE id = 1")
        version = int(cursor.fetchone()[0])
        self._highest_seen = max(self._highest_seen, version)
        return version

    def _listen(self, connection: object) -> None:
        next_safety = time.monotonic() + self.safety_poll
        while not self._stop.is_set():
            # notifies() holds the connection lock; a short timeout lets us stop and poll.
            for notify in connection.notifies(timeout=0.25):  # type: ignore[attr-defined]
                self._on_notify(notify.channel, notify.payload)
                if self._stop.is_set():
                    return
            if time.monotonic() >= next_safety:
                next_safety = time.monotonic() + self.safety_poll
                before = self._highest_seen
                version = self._counter(connection)  # also proves the connection is alive
                if version > before:
                    log.warning("safety poll found version %s after %s: a NOTIFY was missed",
                                version, before)
                    self._fire(Wake("safety_poll", version))

    def _on_notify(self, channel: str, payload: str) -> None:
        if channel == PRESENCE_CHANNEL:
            self._fire(Wake("presence", client_id=payload or None))
            return
        try:
            version: int | None = int(payload)
        except ValueError:
            version = None
        # Never raise `_highest_seen` from a payload: only the counter confirms a version.
        self._fire(Wake("notify", version))


def wakeup_for(db: Database, *, sqlite_interval: float = 0.2,
               safety_poll: float = 10.0) -> WakeupSource:
    """The best wake-up source for `db`'s backend."""
    if db.is_postgresql:
        return PgListenWakeup(db, safety_poll=safety_poll)
    return SqliteDataVersionWakeup(db, interval=sqlite_interval)
