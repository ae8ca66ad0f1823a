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
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import Enum
from typing import Any, ParamSpec, TypeVar

from sqlalchemy import insert, select, text, update
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from vidtask.db.engine import Database
from vidtask.db.models import ChangeCounter, Event, Participant
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


@dataclass
class WriteTx:
    """Handle a service uses inside `write_tx`: the session, the actor, the time, `emit()`."""

    db: Database
    session: Session
    actor: Participant | None
    now: datetime
    occurred_at: datetime | None = None
    _pending: list[_PendingEvent] = field(default_factory=list)
    changes: Changes = field(default_factory=Changes)

    @property
    def actor_login(self) -> str:
        return self.actor.login if self.actor else SYSTEM_ACTOR

    @property
    def role(self) -> Role:
        return Role(self.actor.role) if self.actor else Role.ADMIN

    def require(self, action: Action) -> None:
        require(self.role, action)

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

    def _append_events(self) -> Changes:
        if not self._pending:
            return Changes()
        if self.db.is_postgresql:
            return self._append_events_pg()
        count = len(self._pending)
        last = self.session.execute(
            update(ChangeCounter).where(ChangeCounter.id == 1)
            .values(version=ChangeCounter.version + count)
            .returning(ChangeCounter.version)
        ).scalar_one()
        first = last - count + 1
        rows = []
        events = []
        actor_id = self.actor.id if self.actor else None
        stamped = self.occurred_at or self.now
        for offset, pending in enumerate(self._pending):
            version = first + offset
            rows.append({
                "version": version, "occurred_at": stamped, "actor_id": actor_id,
                "actor_login": self.actor_login, "action": pending.action,
                "entity_type": pending.entity_type, "entity_id": pending.entity_id,
                "series_id": pending.series_id, "sprint_id": pending.sprint_id,
                "before": pending.before, "after": pending.after,
            })
            events.append(ChangeEvent(version, stamped, self.actor_login, pending.action,
                                      pending.entity_type, pending.entity_id, pending.series_id))
        self.session.execute(insert(Event), rows)
        return Changes(tuple(events))

    def _append_events_pg(self) -> Changes:
        """Counter bump, event rows and NOTIFY in ONE call of `vidtask_append_events`: the
        counter row's lock is then held for that statement and the COMMIT only. Measured with
        40 clients: the four-round-trip version convoyed on the lock (claims p50 650 ms).
        For a personal login the database overrides actor, time and login; the maintenance
        login's values (the demo's back-dated times, `--as`) are kept."""
        count = len(self._pending)
        actor_id = self.actor.id if self.actor else None
        stamped = self.occurred_at or self.now
        rows = [{"actor_id": actor_id, "actor_login": self.actor_login,
                 "occurred_at": stamped.isoformat(), "action": p.action,
                 "entity_type": p.entity_type, "entity_id": p.entity_id,
                 "series_id": p.series_id, "sprint_id": p.sprint_id, "before": p.before,
                 "after": p.after} for p in self._pending]
        last = self.session.execute(_PG_APPEND, {"rows": json.dumps(rows)}).scalar_one()
        first = last - count + 1
        return Changes(tuple(
            ChangeEvent(first + n, stamped, self.actor_login, p.action, p.entity_type,
                        p.entity_id, p.series_id) for n, p in enumerate(self._pending)))


_PG_APPEND = text("SELECT vidtask_append_events(CAST(:rows AS jsonb))")



@contextmanager
def write_tx(db: Database, actor_login: str | None, action: Action | None = None, *,
             occurred_at: datetime | None = None) -> Iterator[WriteTx]:
    """Run one use case atomically. `actor_login=None` is the system (bootstrap, sweeps).

    `occurred_at` (demo only) stamps the events; without it `backdated_events()` may supply it.
    """
    session = db.write_session()
    try:
        actor = _resolve_actor(db, session, actor_login)
        tx = WriteTx(db, session, actor, db.server_now(session),
                     occurred_at if occurred_at is not None else _BACKDATE.get())
        if action is not None:
            tx.require(action)
        yield tx
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
    except OverflowError as exc:  # SQLite: an integer beyond 64 bits never reaches the file
        session.rollback()
        raise InvalidInput("number", "is too large for the database") from exc
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def _resolve_actor(db: Database, session: Session, actor_login: str | None
                   ) -> Participant | None:
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
    actor = session.scalar(select(Participant).where(Participant.login == actor_login))
    if actor is None:
        raise NotFound("participant", actor_login)
    if not actor.active:
        raise PermissionDenied("act", actor.role, f"{actor_login} is deactivated.")
    return actor


def database_refusal(exc: DBAPIError) -> VidtaskError | None:
    """What the database refused, as one sentence; None for errors that are not a refusal.

    Privilege and row-security refusals (both backends' words for the same rules), CHECK
    constraints on text lengths (the field named from the constraint), over-long or NUL text,
    and the server's timeouts (`DatabaseBusy`).
    """
    orig = exc.orig
    state = getattr(orig, "sqlstate", None)
    first = str(orig).strip().splitlines()[0] if str(orig).strip() else type(orig).__name__
    if state == INSUFFICIENT_PRIVILEGE:
        return DatabaseRefused(first.removeprefix("vidtask: "))
    if state in RETRYABLE:
        return DatabaseBusy(RETRYABLE[state])
    constraint = _violated_check(exc)
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


def _violated_check(exc: DBAPIError) -> str | None:
    """The CHECK constraint an INSERT/UPDATE broke: PostgreSQL names it in the diagnostics,
    SQLite in the message ("CHECK constraint failed: ck_clues_description_length")."""
    orig = exc.orig
    if getattr(orig, "sqlstate", None) == CHECK_VIOLATION:
        diag = getattr(orig, "diag", None)
        return getattr(diag, "constraint_name", None) or "a check"
    if isinstance(exc, IntegrityError):
        found = re.search(r"CHECK constraint failed: (\w+)", str(orig))
        if found:
            return found.group(1)
    return None


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
