"""One write transaction: resolve the actor, read the server clock, collect audit events.

Every service write runs inside `write_tx`. On commit it stamps the events with versions taken
from the `change_counter` row; that row's lock is held until commit, so versions are
commit-ordered and a reader asking "what changed since N" can never skip a change.
On PostgreSQL the events go through the database's `vidtask_append_events` (migration 0003):
the only way a personal login can append, it takes the versions, stamps actor, login and time
from the session and sends the NOTIFY (delivered on commit, dropped on rollback). The actor is
the database login of the session (see `_resolve_actor`), so `--as` cannot impersonate anyone.

A write refused by the database reads as one sentence (`database_refusal`); one that waited
too long for a lock or was cancelled by the server's timeouts raises `DatabaseBusy`, and the
services decorated with `retry_busy` run it once more before saying so.

`occurred_at` backdates the audit events of one transaction (the demo generator spreads a sprint's
work over its past days with it); the transaction's own clock, and so every lease, stays real.
"""

from __future__ import annotations

import functools
import json
import logging
import re
import sqlite3
import time
import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from enum import Enum
from typing import Any, ParamSpec, TypeVar

from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from vidtask.db.engine import Database
from vidtask.db.models import Participant
from vidtask.db.roles import signed_in
from vidtask.domain.changes import ChangeEvent, Changes
from vidtask.domain.enums import Role
from vidtask.domain.errors import (
    DatabaseBusy,
    DatabaseRefused,
    InvalidInput,
    NotFound,
    PermissionDenied,
    StaleVersion,
    VidtaskError,
)
from vidtask.domain.limits import has_nul, limit_named, too_long
from vidtask.domain.permissions import Action, require

NOTIFY_CHANNEL = "vidtask_changes"
SYSTEM_ACTOR = "system"
INSUFFICIENT_PRIVILEGE = "42501"  # SQLSTATE of GRANT and row-level-security refusals
CHECK_VIOLATION = "23514"
STRING_TOO_LONG = "22001"
#: Rolled back by the server, safe to run again: lock_timeout, statement_timeout / cancel,
#: deadlock, serialisation failure.
RETRYABLE = {"55P03": "waited over 30 s for a lock", "57014": "a statement ran over 30 s",
             "40P01": "a deadlock", "40001": "a conflicting transaction"}
RETRY_PAUSE = 0.2  # seconds before the one retry

log = logging.getLogger(__name__)
_DRIVER_ERRORS: tuple[type[BaseException], ...] = (sqlite3.Error,)
try:
    import psycopg

    _DRIVER_ERRORS += (psycopg.Error,)
except ImportError:  # pragma: no cover - psycopg is a dependency; keep SQLite-only installs working
    pass
_P = ParamSpec("_P")
_R = TypeVar("_R")

#: Demo only: when set, events are stamped with this time instead of the server clock.
_BACKDATE: ContextVar[datetime | None] = ContextVar("vidtask_backdate", default=None)


@dataclass
class _PendingEvent:
    action: str
    entity_type: str
    entity_id: int | None
    series_id: int | None
    sprint_id: int | None
    before: dict[str, Any] | None
    after: dict[str, Any] | None


@dataclass(frozen=True, slots=True)
class Actor:
    """Who acts in a write: the participant row as `_resolve_actor` read it (kept per database
    for `ACTOR_TTL` seconds, so a write does not spend a round trip on it)."""

    id: int
    login: str
    role: str
    active: bool


#: How long a resolved actor is reused. On PostgreSQL the database checks "active" and the role
#: itself on every write of a personal login, so a deactivation takes effect at once there.
ACTOR_TTL = 30.0
_ACTORS: weakref.WeakKeyDictionary[Database, dict[str, tuple[Actor, float]]] = \
    weakref.WeakKeyDictionary()


def forget_actors(db: Database) -> None:
    """Drop the cached actors of `db` (after a participant's role or status changed)."""
    _ACTORS.pop(db, None)


@dataclass
class WriteTx:
    """Handle a service uses inside `write_tx`: the session, the actor, the time, `emit()`.

    `now` is the database clock, read on first use (a write that stamps its rows with the
    server's `now()` inside its statements never pays for it)."""

    db: Database
    session: Session
    actor: Actor | None
    _now: datetime | None = None
    occurred_at: datetime | None = None
    _pending: list[_PendingEvent] = field(default_factory=list)
    _appended: list[ChangeEvent] = field(default_factory=list)
    changes: Changes = field(default_factory=Changes)
    single_statement: bool = False
    _autocommit: Any = None

    @property
    def now(self) -> datetime:
        if self._now is None:
            # No autoflush: a service half-way through changing a row (status set, its
            # approver not yet) must not have that half written because it asked the time.
            with self.session.no_autoflush:
                self._now = self.db.server_now(self.session)
        return self._now

    @property
    def actor_login(self) -> str:
        return self.actor.login if self.actor else SYSTEM_ACTOR

    @property
    def actor_id(self) -> int | None:
        return self.actor.id if self.actor else None

    @property
    def role(self) -> Role:
        return Role(self.actor.role) if self.actor else Role.ADMIN

    def require(self, action: Action) -> None:
        require(self.role, action)

    def cursor(self) -> Any:
        """A driver cursor inside this transaction (SQLite: after BEGIN IMMEDIATE), for the hot
        paths whose SQL is written out (claims, clues). In a `single_statement` write on
        PostgreSQL the connection runs in autocommit: the one statement is its own
        transaction, with no BEGIN or COMMIT round trip."""
        raw: Any = self.session.connection().connection.dbapi_connection
        if self.single_statement and self.db.is_postgresql and self._autocommit is None:
            if raw.info.transaction_status != 0:  # not IDLE: only the actor lookup's reads
                raw.commit()
            raw.autocommit = True
            self._autocommit = raw
        return raw.cursor()

    def _leave_autocommit(self) -> None:
        raw, self._autocommit = self._autocommit, None
        if raw is not None and not raw.closed:
            raw.autocommit = False  # as the pool hands it out to everybody else

    def allow_long_statements(self, limit: str = "15min") -> None:
        """PostgreSQL: lift the personal login's 30 s statement timeout for this transaction
        only (an import's single COPY); lock and idle timeouts stay."""
        if self.db.is_postgresql:
            self.session.execute(text(f"SET LOCAL statement_timeout = '{limit}'"))

    def emit(self, action: str, entity_type: str, entity_id: int | None, *,
             series_id: int | None = None, sprint_id: int | None = None,
             before: dict[str, Any] | None = None, after: dict[str, Any] | None = None) -> None:
        self._pending.append(_PendingEvent(action, entity_type, entity_id, series_id, sprint_id,
                                           _json_safe(before), _json_safe(after)))

    # -- events -----------------------------------------------------------------------------

    def event_rows(self, events: list[_PendingEvent]) -> str:
        """`events` as the JSON array `vidtask_append_events` takes (PostgreSQL)."""
        stamped = self.occurred_at
        return json.dumps([{
            "actor_id": self.actor_id, "actor_login": self.actor_login,
            "occurred_at": stamped.isoformat() if stamped else None, "action": p.action,
            "entity_type": p.entity_type, "entity_id": p.entity_id, "series_id": p.series_id,
            "sprint_id": p.sprint_id, "before": p.before, "after": p.after} for p in events])

    def appended(self, last: int, events: list[_PendingEvent], occurred_at: datetime) -> None:
        """Record events a hot path appended inside its own statement (versions up to `last`)."""
        first = last - len(events) + 1
        stamped = self.occurred_at or occurred_at
        self._appended.extend(
            ChangeEvent(first + n, stamped, self.actor_login, p.action, p.entity_type,
                        p.entity_id, p.series_id) for n, p in enumerate(events))

    def pending(self, action: str, entity_type: str, entity_id: int | None, *,
                series_id: int | None = None, sprint_id: int | None = None,
                before: dict[str, Any] | None = None, after: dict[str, Any] | None = None
                ) -> _PendingEvent:
        """An event for a hot path to append itself (not queued like `emit`)."""
        return _PendingEvent(action, entity_type, entity_id, series_id, sprint_id,
                             _json_safe(before), _json_safe(after))

    def _append_events(self) -> Changes:
        if self._pending:
            if self.db.is_postgresql:
                self._append_events_pg(self._pending)
            else:
                self.append_sqlite(self.cursor(), self._pending)
            self._pending = []
        return Changes(tuple(self._appended))

    def append_sqlite(self, cursor: Any, events: list[_PendingEvent]) -> None:
        """SQLite: counter bump and event rows through the driver (the write lock is held, so
        versions are commit-ordered and dense)."""
        count = len(events)
        last = cursor.execute(_SQLITE_BUMP, (count,)).fetchone()[0]
        stamped = self.occurred_at or self.now
        text_time = sqlite_time(stamped)
        first = last - count + 1
        cursor.executemany(_SQLITE_EVENT, [
            (first + n, text_time, self.actor_id, self.actor_login, p.action, p.entity_type,
             p.entity_id, p.series_id, p.sprint_id, json.dumps(p.before), json.dumps(p.after))
            for n, p in enumerate(events)])
        self.appended(last, events, stamped)

    def _append_events_pg(self, events: list[_PendingEvent]) -> None:
        """Event rows and NOTIFY in ONE call of `vidtask_append_events` (migrations 0003,
        0008): the database positions them (no shared row to queue on) and, for a personal
        login, overrides actor, time and login; the maintenance login's values (the demo's
        back-dated times, `--as`) are kept."""
        cursor = self.cursor()
        for start in range(0, len(events), PG_APPEND_BATCH):
            chunk = events[start:start + PG_APPEND_BATCH]
            cursor.execute(_PG_APPEND, (self.event_rows(chunk),))
            last, now = cursor.fetchone()
            self.appended(last, chunk, now)


_PG_APPEND = "SELECT vidtask_append_events(%s::jsonb), now()"
PG_APPEND_BATCH = 60_000  # the function takes at most 65,536 events at a time
_SQLITE_BUMP = "UPDATE change_counter SET version = version + ? WHERE id = 1 RETURNING version"
_SQLITE_EVENT = ("INSERT INTO events (version, occurred_at, actor_id, actor_login, action, "
                 "entity_type, entity_id, series_id, sprint_id, before, after) "
                 "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")


def sqlite_time(value: datetime) -> str:
    """How SQLAlchemy stores an aware UTC datetime on SQLite (naive UTC, microseconds)."""
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")



@contextmanager
def write_tx(db: Database, actor_login: str | None, action: Action | None = None, *,
             occurred_at: datetime | None = None,
             single_statement: bool = False) -> Iterator[WriteTx]:
    """Run one use case atomically. `actor_login=None` is the system (bootstrap, sweeps).

    `occurred_at` (demo only) stamps the events; without it `backdated_events()` may supply it.
    `single_statement`: the use case's writes are ONE statement (the claim and clue hot
    paths), atomic by itself; on PostgreSQL it then runs without BEGIN/COMMIT round trips.
    Reads made to explain a refusal run after it, on their own.
    """
    session = db.write_session()
    tx: WriteTx | None = None
    try:
        actor = _resolve_actor(db, session, actor_login)
        tx = WriteTx(db, session, actor, None,
                     occurred_at if occurred_at is not None else _BACKDATE.get(),
                     single_statement=single_statement)
        if action is not None:
            tx.require(action)
        yield tx
        if single_statement and db.is_postgresql and (tx._pending or session.dirty
                                                      or session.new or session.deleted):
            raise RuntimeError("a single-statement write left more to write (autocommit)")
        session.flush()
        tx.changes = tx._append_events()
        session.commit()
    except StaleDataError as exc:
        session.rollback()
        raise StaleVersion("record", "?", -1, -1) from exc
    except DBAPIError as exc:
        session.rollback()
        refused = database_refusal(exc)
        if refused is None:
            raise
        raise refused from exc
    except _DRIVER_ERRORS as exc:  # from a hot path's driver cursor (no SQLAlchemy wrapper)
        session.rollback()
        refused = driver_refusal(exc)
        if refused is None:
            raise
        raise refused from exc
    except OverflowError as exc:  # SQLite: an integer beyond 64 bits never reaches the file
        session.rollback()
        raise InvalidInput("number", "is too large for the database") from exc
    except BaseException:
        session.rollback()
        raise
    finally:
        if tx is not None:
            tx._leave_autocommit()
        session.close()


def _resolve_actor(db: Database, session: Session, actor_login: str | None) -> Actor | None:
    """Who acts. On PostgreSQL a person's own login decides, whatever `actor_login` says;
    only the maintenance identity (table owner, superuser) may name an actor or act as system.
    SQLite trusts the name given: anyone who can open the file can write anything anyway."""
    identity = signed_in(db, session)
    if identity is not None and not identity.maintenance:
        if actor_login is not None and actor_login != identity.login:
            raise PermissionDenied("act as somebody else", "participant",
                                   f"You are signed in to the database as {identity.login}, "
                                   f"not {actor_login}.")
        actor_login = identity.login
    if actor_login is None:
        return None
    known = _ACTORS.setdefault(db, {})
    cached = known.get(actor_login)
    if cached is not None and cached[1] > time.monotonic():
        actor = cached[0]
    else:
        row = session.execute(select(Participant.id, Participant.login, Participant.role,
                                     Participant.active)
                              .where(Participant.login == actor_login)).first()
        if row is None:
            raise NotFound("participant", actor_login)
        actor = Actor(row.id, row.login, row.role, row.active)
        known[actor_login] = (actor, time.monotonic() + ACTOR_TTL)
    if not actor.active:
        raise PermissionDenied("act", actor.role, f"{actor_login} is deactivated.")
    return actor


def database_refusal(exc: DBAPIError) -> VidtaskError | None:
    """What the database refused, as one sentence; None for errors that are not a refusal."""
    return driver_refusal(exc.orig)


def driver_refusal(orig: BaseException | None) -> VidtaskError | None:
    """A driver error (psycopg or sqlite3) as one sentence; None if it is not a refusal.

    Privilege and row-security refusals (both backends' words for the same rules), CHECK
    constraints on text lengths (the field named from the constraint), over-long or NUL text,
    and the server's timeouts (`DatabaseBusy`).
    """
    state = getattr(orig, "sqlstate", None)
    first = str(orig).strip().splitlines()[0] if str(orig).strip() else type(orig).__name__
    if state == INSUFFICIENT_PRIVILEGE:
        return DatabaseRefused(first.removeprefix("vidtask: "))
    if state in RETRYABLE:
        return DatabaseBusy(RETRYABLE[state])
    constraint = _violated_check(orig)
    if constraint is not None:
        limit = limit_named(constraint)
        if limit is not None:
            return too_long(limit.field, limit.max_chars)
        return InvalidInput("value", f"the database refused it ({constraint})")
    if state == STRING_TOO_LONG:
        size = re.search(r"\((\d+)\)", first)
        return InvalidInput("text", f"is longer than {int(size.group(1)):,} characters"
                            if size else "is longer than the database allows")
    if "NUL (0x00)" in first or "\\u0000" in first:
        return has_nul("text")
    return None


def _violated_check(orig: BaseException | None) -> str | None:
    """The CHECK constraint an INSERT/UPDATE broke: PostgreSQL names it in the diagnostics,
    SQLite in the message ("CHECK constraint failed: ck_clues_description_length")."""
    if getattr(orig, "sqlstate", None) == CHECK_VIOLATION:
        diag = getattr(orig, "diag", None)
        return getattr(diag, "constraint_name", None) or "a check"
    found = re.search(r"CHECK constraint failed: (\w+)", str(orig))
    return found.group(1) if found else None


def retry_busy(function: Callable[_P, _R]) -> Callable[_P, _R]:
    """Run a write service once more if the database timed it out (it was rolled back, so
    running it again cannot apply it twice); the second failure says it was retried."""

    @functools.wraps(function)
    def wrapper(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        try:
            return function(*args, **kwargs)
        except DatabaseBusy as first:
            log.warning("%s: %s; retrying once", function.__name__, first.detail)
            time.sleep(RETRY_PAUSE)
        try:
            return function(*args, **kwargs)
        except DatabaseBusy as second:
            raise DatabaseBusy(second.detail, retried=True) from second

    return wrapper


@contextmanager
def backdated_events(when: datetime) -> Iterator[None]:
    """Demo only: stamp the events of every `write_tx` inside the block with `when`.

    Lets the demo generator call ordinary services while placing their events in the past.
    """
    token = _BACKDATE.set(when)
    try:
        yield
    finally:
        _BACKDATE.reset(token)


def _json_safe(value: dict[str, Any] | None) -> dict[str, Any] | None:
    if value is None:
        return None
    result: dict[str, Any] = json.loads(json.dumps(value, default=_default))
    return result


def _default(value: object) -> object:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, frozenset | set | tuple):
        return sorted(value)
    raise TypeError(f"cannot store {type(value).__name__} in an event")
