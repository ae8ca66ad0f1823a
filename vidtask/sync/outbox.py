"""The outbox: writes saved on this desktop while the shared database could not be reached.

A local SQLite file (platformdirs' user data dir, `outbox.sqlite3`) holds each pending write as
operation name + JSON arguments + the version of the record it was based on. `enqueue` returns
only after the row is committed with `synchronous=FULL` (WAL fsync'd), so "saved locally" is
never said about something a crash or a killed process could lose.

Replay runs oldest first once the database is back. A write the database refuses (StaleVersion,
ClaimConflict, or any other user-facing refusal) is kept as a *conflict* for the merge view and
never retried blindly, so nobody's newer work is overwritten. A later queued edit of the same
record (same `chain`) follows its predecessor: when the predecessor lands, the follower is rebased
on the version it produced; when it conflicts, the follower still carries the old base and will
conflict too. Losing the connection mid-replay stops the replay and leaves the rest pending.

Known window: if the connection drops *during* a commit, the client cannot know whether it landed.
Such a write is queued; on replay an edit then shows up as a conflict (its base moved), but an
added clue or comment may be stored twice. Nothing is ever lost.

The outbox knows no services (sync sits below them): `vidtask.services.offline` supplies the
function that runs one entry.
"""

from __future__ import annotations

import json
import logging
import os
import sqlite3
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any

import platformdirs

from vidtask.domain.errors import VidtaskError
from vidtask.sync.connection import is_connection_error

log = logging.getLogger(__name__)

OUTBOX_FILE = "outbox.sqlite3"
_REPLAY_LEASE_SECONDS = 60.0

_SCHEMA = """
CREATE TABLE IF NOT EXISTS entries (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    database TEXT NOT NULL,
    actor TEXT NOT NULL,
    operation TEXT NOT NULL,
    args TEXT NOT NULL,
    chain TEXT,
    based_on_version INTEGER,
    feed_version INTEGER,
    state TEXT NOT NULL DEFAULT 'pending'
        CHECK (state IN ('pending', 'done', 'conflict', 'discarded')),
    created_at TEXT NOT NULL,
    attempted_at TEXT,
    finished_at TEXT,
    error TEXT,
    result TEXT
);
CREATE INDEX IF NOT EXISTS ix_entries_state ON entries (database, state, id);
CREATE TABLE IF NOT EXISTS replay_lock (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    holder TEXT,
    until REAL NOT NULL DEFAULT 0
);
INSERT OR IGNORE INTO replay_lock (id, holder, until) VALUES (1, NULL, 0);
"""


class EntryState(StrEnum):
    PENDING = "pending"
    DONE = "done"
    CONFLICT = "conflict"
    DISCARDED = "discarded"


@dataclass(frozen=True, slots=True)
class OutboxEntry:
    id: int
    database: str
    actor: str
    operation: str
    args: dict[str, Any]
    chain: str | None
    based_on_version: int | None
    feed_version: int | None
    state: EntryState
    created_at: datetime
    error: str | None
    result: Any


@dataclass(frozen=True, slots=True)
class ReplayReport:
    done: int
    conflicts: tuple[OutboxEntry, ...]
    remaining: int
    #: True when the database went away again mid-replay (the rest stays pending).
    interrupted: bool
    #: True when another instance of the app was replaying this outbox already.
    busy: bool = False


#: Runs one entry against the shared database; returns the record's new version (or None).
EntryRunner = Callable[[OutboxEntry], Any]


def default_outbox_path() -> Path:
    return Path(platformdirs.user_data_dir("vidtask")) / OUTBOX_FILE


def _utc_now() -> str:
    return datetime.now(UTC).isoformat()


class Outbox:
    """Durable local queue of writes for one shared database (`database` is its safe URL)."""

    def __init__(self, database: str, path: Path | None = None) -> None:
        self.database = database
        self.path = path or default_outbox_path()
        self._lock = threading.Lock()
        self._holder = uuid.uuid4().hex
        created = not self.path.exists()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._conn = sqlite3.connect(str(self.path), isolation_level=None, timeout=10,
                                     check_same_thread=False)
        self._conn.execute("PRAGMA journal_mode=WAL")
        # FULL: every commit fsyncs the WAL, so an acknowledged entry survives a crash.
        self._conn.execute("PRAGMA synchronous=FULL")
        self._conn.executescript(_SCHEMA)
        if created:
            _fsync_directory(self.path.parent)

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield self._conn
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")

    def enqueue(self, actor: str, operation: str, args: dict[str, Any], *,
                chain: str | None = None, based_on_version: int | None = None,
                feed_version: int | None = None) -> int:
        """Store one write durably; when this returns, tell the user "saved locally"."""
        payload = json.dumps(args, sort_keys=True)
        with self._tx() as conn:
            cursor = conn.execute(
                "INSERT INTO entries (database, actor, operation, args, chain, based_on_version,"
                " feed_version, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (self.database, actor, operation, payload, chain, based_on_version,
                 feed_version, _utc_now()))
            entry_id = cursor.lastrowid
        assert entry_id is not None
        return entry_id

    def _select(self, where: str, params: tuple[Any, ...], limit: int = -1
                ) -> list[OutboxEntry]:
        with self._lock:
            rows = self._conn.execute(
                "SELECT id, database, actor, operation, args, chain, based_on_version,"
                " feed_version, state, created_at, error, result FROM entries"
                f" WHERE database = ? AND {where} ORDER BY id LIMIT ?",
                (self.database, *params, limit)
            ).fetchall()
        return [OutboxEntry(r[0], r[1], r[2], r[3], json.loads(r[4]), r[5], r[6], r[7],
                            EntryState(r[8]), datetime.fromisoformat(r[9]), r[10],
                            json.loads(r[11]) if r[11] else None) for r in rows]

    def get(self, entry_id: int) -> OutboxEntry | None:
        """One entry as it stands now (e.g. did the replay that just ran send it?)."""
        found = self._select("id = ?", (entry_id,))
        return found[0] if found else None

    def pending(self) -> list[OutboxEntry]:
        return self._select("state = ?", (EntryState.PENDING.value,))

    def conflicts(self) -> list[OutboxEntry]:
        """What the merge view shows: refused writes, with the sentence the database gave."""
        return self._select("state = ?", (EntryState.CONFLICT.value,))

    def entries(self) -> list[OutboxEntry]:
        return self._select("1 = 1", ())

    def pending_count(self) -> int:
        with self._lock:
            return int(self._conn.execute(
                "SELECT count(*) FROM entries WHERE database = ? AND state = 'pending'",
                (self.database,)).fetchone()[0])

    def discard(self, entry_id: int) -> None:
        """The user dropped a conflicting change in the merge view (kept, marked discarded)."""
        self._finish(entry_id, EntryState.DISCARDED, None, None, only_from=EntryState.CONFLICT)

    def requeue(self, entry_id: int, args: dict[str, Any], based_on_version: int | None) -> None:
        """The user merged a conflict: replay it again with merged arguments on a new base."""
        with self._tx() as conn:
            conn.execute(
                "UPDATE entries SET state = 'pending', args = ?, based_on_version = ?,"
                " error = NULL WHERE id = ? AND state = 'conflict'",
                (json.dumps(args, sort_keys=True), based_on_version, entry_id))

    def _finish(self, entry_id: int, state: EntryState, error: str | None, result: Any,
                only_from: EntryState = EntryState.PENDING) -> None:
        with self._tx() as conn:
            conn.execute(
                "UPDATE entries SET state = ?, error = ?, result = ?, finished_at = ?"
                " WHERE id = ? AND state = ?",
                (state.value, error, json.dumps(result) if result is not None else None,
                 _utc_now(), entry_id, only_from.value))

    def _rebase_followers(self, entry: OutboxEntry, new_version: int) -> None:
        if entry.chain is None or entry.based_on_version is None:
            return
        with self._tx() as conn:
            conn.execute(
                "UPDATE entries SET based_on_version = ? WHERE database = ? AND chain = ?"
                " AND state = 'pending' AND id > ? AND based_on_version = ?",
                (new_version, self.database, entry.chain, entry.id, entry.based_on_version))

    def _take_replay_lease(self) -> bool:
        now = time.time()
        with self._tx() as conn:
            taken = conn.execute(
                "UPDATE replay_lock SET holder = ?, until = ? WHERE id = 1"
                " AND (holder IS NULL OR holder = ? OR until < ?)",
                (self._holder, now + _REPLAY_LEASE_SECONDS, self._holder, now)).rowcount
        return taken == 1

    def _drop_replay_lease(self) -> None:
        with self._tx() as conn:
            conn.execute("UPDATE replay_lock SET holder = NULL, until = 0 WHERE holder = ?",
                         (self._holder,))

    def replay(self, run: EntryRunner) -> ReplayReport:
        """Run pending entries oldest first until done or the database goes away again."""
        if not self._take_replay_lease():
            return ReplayReport(0, (), self.pending_count(), False, busy=True)
        done = 0
        conflicts: list[OutboxEntry] = []
        interrupted = False
        try:
            while True:
                batch = self._select("state = 'pending'", (), limit=1)
                if not batch:
                    break
                entry = batch[0]
                self._take_replay_lease()  # refresh: a long replay keeps the lease
                with self._tx() as conn:
                    conn.execute("UPDATE entries SET attempted_at = ? WHERE id = ?",
                                 (_utc_now(), entry.id))
                try:
                    result = run(entry)
                except Exception as error:
                    if is_connection_error(error):
                        interrupted = True
                        break
                    if not isinstance(error, VidtaskError):
                        log.exception("outbox entry %s failed unexpectedly", entry.id)
                    message = str(error).splitlines()[0] if str(error) else type(error).__name__
                    self._finish(entry.id, EntryState.CONFLICT, message, None)
                    conflicts.append(self._select("id = ?", (entry.id,))[0])
                    continue
                self._finish(entry.id, EntryState.DONE, None, result)
                if isinstance(result, int) and not isinstance(result, bool):
                    self._rebase_followers(entry, result)
                done += 1
        finally:
            self._drop_replay_lease()
        return ReplayReport(done, tuple(conflicts), self.pending_count(), interrupted)


def _fsync_directory(directory: Path) -> None:
    """Make a newly created file's directory entry durable too (POSIX; no-op elsewhere)."""
    if os.name != "posix":
        return
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
