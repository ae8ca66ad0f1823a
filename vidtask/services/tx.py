"""One write transaction: resolve the actor, read the server clock, collect audit events.

Every service write runs inside `write_tx`. On commit it stamps the events with versions taken
from the `change_counter` row; that row's lock is held until commit, so versions are
commit-ordered and a reader asking "what changed since N" can never skip a change.
On PostgreSQL it also sends NOTIFY (delivered on commit, dropped on rollback).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import Enum
from typing import Any

from sqlalchemy import insert, select, text, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from vidtask.db.engine import Database
from vidtask.db.models import ChangeCounter, Event, Participant
from vidtask.domain.changes import ChangeEvent, Changes
from vidtask.domain.enums import Role
from vidtask.domain.errors import NotFound, PermissionDenied, StaleVersion
from vidtask.domain.permissions import Action, require

NOTIFY_CHANNEL = "vidtask_changes"
SYSTEM_ACTOR = "system"


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
        for offset, pending in enumerate(self._pending):
            version = first + offset
            rows.append({
                "version": version, "occurred_at": self.now, "actor_id": actor_id,
                "actor_login": self.actor_login, "action": pending.action,
                "entity_type": pending.entity_type, "entity_id": pending.entity_id,
                "series_id": pending.series_id, "sprint_id": pending.sprint_id,
                "before": pending.before, "after": pending.after,
            })
            events.append(ChangeEvent(version, self.now, self.actor_login, pending.action,
                                      pending.entity_type, pending.entity_id, pending.series_id))
        self.session.execute(insert(Event), rows)
        return Changes(tuple(events))

    def _append_events_pg(self) -> Changes:
        """Counter bump, event rows and NOTIFY in ONE statement: the counter row's lock is then
        held for that statement and the COMMIT only. Measured with 40 clients: the four-round-trip
        version convoyed on the lock (claims p50 650 ms)."""
        count = len(self._pending)
        actor_id = self.actor.id if self.actor else None
        rows = [{"ord": n, "actor_id": actor_id, "actor_login": self.actor_login,
                 "action": p.action, "entity_type": p.entity_type, "entity_id": p.entity_id,
                 "series_id": p.series_id, "sprint_id": p.sprint_id, "before": p.before,
                 "after": p.after} for n, p in enumerate(self._pending)]
        last = self.session.execute(_PG_APPEND, {
            "n": count, "now": self.now, "rows": json.dumps(rows), "channel": NOTIFY_CHANNEL,
        }).scalar_one()
        first = last - count + 1
        return Changes(tuple(
            ChangeEvent(first + n, self.now, self.actor_login, p.action, p.entity_type,
                        p.entity_id, p.series_id) for n, p in enumerate(self._pending)))


_PG_APPEND = text("""
WITH counter AS (
    UPDATE change_counter SET version = version + :n WHERE id = 1 RETURNING version
), added AS (
    INSERT INTO events (version, occurred_at, actor_id, actor_login, action, entity_type,
                        entity_id, series_id, sprint_id, before, after)
    SELECT counter.version - :n + 1 + e.ord, :now, e.actor_id, e.actor_login, e.action,
           e.entity_type, e.entity_id, e.series_id, e.sprint_id, e.before, e.after
    FROM counter, jsonb_to_recordset(CAST(:rows AS jsonb)) AS e(
        ord int, actor_id int, actor_login text, action text, entity_type text,
        entity_id bigint, series_id bigint, sprint_id int, before jsonb, after jsonb)
    RETURNING version
)
SELECT version FROM counter, LATERAL (SELECT pg_notify(:channel, counter.version::text)) AS sent
""")


@contextmanager
def write_tx(db: Database, actor_login: str | None, action: Action | None = None
             ) -> Iterator[WriteTx]:
    """Run one use case atomically. `actor_login=None` is the system (bootstrap, sweeps)."""
    session = db.write_session()
    try:
        actor = None
        if actor_login is not None:
            actor = session.scalar(select(Participant).where(Participant.login == actor_login))
            if actor is None:
                raise NotFound("participant", actor_login)
            if not actor.active:
                raise PermissionDenied("act", actor.role, f"{actor_login} is deactivated.")
        tx = WriteTx(db, session, actor, db.server_now(session))
        if action is not None:
            tx.require(action)
        yield tx
        session.flush()
        tx.changes = tx._append_events()
        session.commit()
    except StaleDataError as exc:
        session.rollback()
        raise StaleVersion("record", "?", -1, -1) from exc
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


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
