"""Is the shared database reachable? Online / offline / reconnecting, with backoff between probes.

The app reports failures it meets (`report_failure`) and successes (`report_success`); while
offline a background thread probes the database with exponential backoff and jitter, so 40
desktops that lost the server together do not hammer it together when it comes back.
Listeners hear every state change (the UI shows "offline — your changes are kept" and "back
online"); `on_online` callbacks run after a reconnect, e.g. to replay the outbox.
"""

from __future__ import annotations

import logging
import random
import sqlite3
import threading
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import exc as sa_exc
from sqlalchemy import text

from vidtask.db.engine import Database

log = logging.getLogger(__name__)


class ConnectionState(StrEnum):
    ONLINE = "online"
    OFFLINE = "offline"
    RECONNECTING = "reconnecting"


def is_connection_error(error: BaseException) -> bool:
    """True when `error` means "the database could not be reached", not "the write was refused".

    Refusals (StaleVersion, ClaimConflict, constraint violations) must never be queued for a
    retry: they would fail again, or worse, succeed later against someone else's work.
    """
    import psycopg

    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, sa_exc.DBAPIError) and current.connection_invalidated:
            return True
        if isinstance(current, sa_exc.TimeoutError | sa_exc.DisconnectionError):
            return True
        if isinstance(current, psycopg.OperationalError) and not isinstance(
                current, psycopg.errors.DeadlockDetected | psycopg.errors.LockNotAvailable
                | psycopg.errors.QueryCanceled):
            return True
        if isinstance(current, ConnectionError | TimeoutError):
            return True
        if isinstance(current, sqlite3.OperationalError) and "unable to open" in str(current):
            return True  # the SQLite file's share went away; "locked" is contention, not this
        original = getattr(current, "orig", None)
        if isinstance(original, BaseException) and id(original) not in seen:
            current = original
            continue
        current = current.__cause__ or current.__context__
    return False


@dataclass
class Backoff:
    """Exponential backoff with full jitter: delays grow to `cap`, reset after a success."""

    first: float = 0.25
    cap: float = 15.0
    factor: float = 2.0
    attempt: int = 0

    def next_delay(self) -> float:
        ceiling = min(self.cap, self.first * self.factor ** self.attempt)
        self.attempt += 1
        # Never below half the ceiling, so a reconnect storm still spreads out but makes progress.
        return random.uniform(ceiling / 2, ceiling)

    def reset(self) -> None:
        self.attempt = 0


def ping(db: Database) -> None:
    """One cheap round trip; raises when the database cannot be reached."""
    with db.engine.connect() as connection:
        connection.execute(text("SELECT 1"))


StateListener = Callable[[ConnectionState, ConnectionState], None]


class ConnectionMonitor:
    """Tracks reachability of one database and probes it with backoff while it is down."""

    def __init__(self, db: Database, *, backoff: Backoff | None = None,
                 probe: Callable[[], None] | None = None) -> None:
        self._db = db
        self._probe = probe or (lambda: ping(db))
        self._backoff = backoff or Backoff()
        self._state = ConnectionState.ONLINE
        self._lock = threading.Lock()
        self._listeners: list[StateListener] = []
        self._on_online: list[Callable[[], object]] = []
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.last_error: str | None = None

    @property
    def state(self) -> ConnectionState:
        return self._state

    @property
    def online(self) -> bool:
        return self._state is ConnectionState.ONLINE

    def add_listener(self, listener: StateListener) -> None:
        """`listener(old, new)` runs on whichever thread changed the state."""
        self._listeners.append(listener)

    def add_online_callback(self, callback: Callable[[], object]) -> None:
        self._on_online.append(callback)

    def _set(self, new: ConnectionState) -> None:
        with self._lock:
            old, self._state = self._state, new
        if old is new:
            return
        log.info("database connection %s -> %s", old, new)
        for listener in list(self._listeners):
            listener(old, new)
        if new is ConnectionState.ONLINE:
            for callback in list(self._on_online):
                try:
                    callback()
                except Exception:  # a failing replay must not kill the monitor
                    log.exception("online callback failed")

    def report_failure(self, error: BaseException | None = None) -> None:
        """A call failed to reach the database: go offline and let the prober take over."""
        self.last_error = str(error).splitlines()[0] if error else None
        if self._state is ConnectionState.ONLINE:
            self._set(ConnectionState.OFFLINE)
        self._wake.set()

    def report_success(self) -> None:
        if self._state is not ConnectionState.ONLINE:
            self._backoff.reset()
            self._set(ConnectionState.ONLINE)

    def check_now(self) -> bool:
        """Probe once (RECONNECTING while it runs); True when the database answered."""
        if self._state is not ConnectionState.ONLINE:
            self._set(ConnectionState.RECONNECTING)
        try:
            self._probe()
        except Exception as error:
            self.last_error = str(error).splitlines()[0]
            self._set(ConnectionState.OFFLINE)
            return False
        self._backoff.reset()
        self._set(ConnectionState.ONLINE)
        return True

    def start(self) -> None:
        """Start the background prober (it sleeps while online)."""
        if self._thread is not None:
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="vidtask-connection",
                                        daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def _run(self) -> None:
        while not self._stop.is_set():
            if self._state is ConnectionState.ONLINE:
                self._wake.wait()
                self._wake.clear()
                continue
            if self._stop.wait(self._backoff.next_delay()):
                return
            self.check_now()
