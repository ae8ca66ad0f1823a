"""Save now, or keep it locally: the write path that survives losing the shared database.

`OfflineWriter.submit(actor, operation, args)` runs the service when the database is reachable.
When it is not (or writes are already queued, which must land first to keep their order) the
write goes into the durable local outbox and the caller is told "saved locally". Once the
connection monitor reports the database back, the outbox is replayed through the same services,
so every replayed write is permission-checked, versioned and audited like any other; refusals
(a stale edit, a lost claim) land in the merge view, never overwrite.

Only operations whose arguments are plain data are queueable; claims are not (a lease taken
offline would be a promise nobody can keep).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from vidtask.db.engine import Database
from vidtask.domain.changes import Changes
from vidtask.services import clues, comments
from vidtask.sync.connection import ConnectionMonitor, is_connection_error
from vidtask.sync.outbox import EntryState, Outbox, OutboxEntry, ReplayReport

#: (db, actor, args, based_on_version) -> (result, Changes); the result is plain data (the
#: outbox keeps it), an int result is the record's new version.
Operation = Callable[[Database, str, dict[str, Any], int | None], tuple[Any, Changes]]


def _need_version(based_on: int | None) -> int:
    if based_on is None:
        raise ValueError("this operation needs the version the edit was based on")
    return based_on


def _clue_add(db: Database, actor: str, args: dict[str, Any], _based: int | None
              ) -> tuple[Any, Changes]:
    clue_id, changes = clues.add_clue(db, actor, int(args["series_id"]),
                                      clues.ClueInput(**args["clue"]))
    return {"clue_id": clue_id}, changes


def _clue_edit(db: Database, actor: str, args: dict[str, Any], based: int | None
               ) -> tuple[Any, Changes]:
    version, changes = clues.edit_clue(db, actor, int(args["clue_id"]), _need_version(based),
                                       clues.ClueInput(**args["clue"]))
    return version, changes


def _clue_delete(db: Database, actor: str, args: dict[str, Any], based: int | None
                 ) -> tuple[Any, Changes]:
    changes = clues.delete_clue(db, actor, int(args["clue_id"]), _need_version(based))
    return {"deleted": int(args["clue_id"])}, changes


def _comment_add(db: Database, actor: str, args: dict[str, Any], _based: int | None
                 ) -> tuple[Any, Changes]:
    comment_id, changes = comments.add_comment(db, actor, int(args["series_id"]),
                                               str(args["body"]), args.get("clue_id"))
    return {"comment_id": comment_id}, changes


OPERATIONS: dict[str, Operation] = {
    "clue.add": _clue_add,
    "clue.edit": _clue_edit,
    "clue.delete": _clue_delete,
    "comment.add": _comment_add,
}


def _chain(operation: str, args: dict[str, Any]) -> str | None:
    return f"clue:{args['clue_id']}" if operation in {"clue.edit", "clue.delete"} else None


@dataclass(frozen=True, slots=True)
class Submitted:
    """Where a write went. `saved == "locally"` means: in the outbox, replayed when back online."""

    saved: Literal["database", "locally"]
    result: Any = None
    entry_id: int | None = None
    #: What the write changed, when it ran now (a replayed entry's changes come by the feed).
    changes: Changes = field(default_factory=Changes)

    @property
    def message(self) -> str:
        if self.saved == "database":
            return "Saved."
        return "Saved locally — the database is unreachable; it will be sent when it is back."


def database_key(db: Database) -> str:
    """Which shared database an outbox entry belongs to (never replayed into another one)."""
    return db.url.render_as_string(hide_password=True)


class OfflineWriter:
    """Runs queueable writes now or keeps them in the outbox; replays when the monitor says so."""

    def __init__(self, db: Database, outbox: Outbox, monitor: ConnectionMonitor, *,
                 replay_when_online: bool = True) -> None:
        self.db = db
        self.outbox = outbox
        self.monitor = monitor
        self.last_report: ReplayReport | None = None
        self._replay_lock = threading.Lock()
        if replay_when_online:
            # the desktop passes False: it replays on a worker, never on its GUI thread
            monitor.add_online_callback(self.replay)

    def submit(self, actor: str, operation: str, args: dict[str, Any], *,
               based_on_version: int | None = None, feed_version: int | None = None
               ) -> Submitted:
        """Save one write. Raises the service's refusal (VidtaskError) when online."""
        if operation not in OPERATIONS:
            raise ValueError(f"{operation!r} cannot be queued offline")
        if not self.monitor.online or self.outbox.pending_count():
            return self._keep(actor, operation, args, based_on_version, feed_version)
        try:
            result, changes = OPERATIONS[operation](self.db, actor, args, based_on_version)
        except Exception as error:
            if not is_connection_error(error):
                raise
            self.monitor.report_failure(error)
            return self._keep(actor, operation, args, based_on_version, feed_version)
        self.monitor.report_success()
        return Submitted("database", result, changes=changes)

    def _keep(self, actor: str, operation: str, args: dict[str, Any], based_on: int | None,
              feed_version: int | None) -> Submitted:
        entry_id = self.outbox.enqueue(actor, operation, args, chain=_chain(operation, args),
                                       based_on_version=based_on, feed_version=feed_version)
        if self.monitor.online:
            # Queued behind older entries: send them all now, in order.
            self.replay()
            sent = self.outbox.get(entry_id)
            if sent is not None and sent.state is EntryState.DONE:
                return Submitted("database", sent.result, entry_id)
        return Submitted("locally", None, entry_id)

    def _run(self, entry: OutboxEntry) -> Any:
        result, _changes = OPERATIONS[entry.operation](self.db, entry.actor, entry.args,
                                                       entry.based_on_version)
        return result

    def replay(self) -> ReplayReport | None:
        """Send pending entries in order; None if this writer is already replaying."""
        if not self._replay_lock.acquire(blocking=False):
            return None
        try:
            report = self.outbox.replay(self._run)
            while not (report.interrupted or report.busy) and report.remaining:
                report = self.outbox.replay(self._run)  # entries queued while we replayed
            if report.interrupted:
                self.monitor.report_failure()
            self.last_report = report
            return report
        finally:
            self._replay_lock.release()

    def tick(self) -> None:
        """Call periodically: retries a replay that a busy peer or a race left behind."""
        if self.monitor.online and self.outbox.pending_count():
            self.replay()
