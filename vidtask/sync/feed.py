"""The change feed: "what changed since version N", read from the append-only event log.

SQLite: versions are dense and commit-ordered (writers hold the file's write lock while they
stamp them from the change counter). PostgreSQL: a version is the event's *position*, taken
from a transaction id while the events are appended (migration 0008); positions are sparse,
and a reader stops at the horizon below which every position is final in its snapshot
(`vidtask_changes_since`, `vidtask_feed_position`). Either way a reader that remembers the last
version it saw and asks for everything above it gets every change once, in order, and never
skips one.
"""

from __future__ import annotations

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from vidtask.db.engine import Database
from vidtask.db.models import Event
from vidtask.domain.changes import ChangeEvent

DEFAULT_BATCH = 5_000

_PG_SINCE = text("SELECT version, occurred_at, actor_login, action, entity_type, entity_id, "
                 "series_id FROM vidtask_changes_since(:since, :limit)")
_PG_POSITION = text("SELECT vidtask_feed_position()")


def current_version(db: Database) -> int:
    """The newest final version: where a new reader starts (it will miss nothing after it)."""
    with db.read() as session:
        return final_version(session, postgresql=db.is_postgresql)


def final_version(session: Session, *, postgresql: bool) -> int:
    """The newest version below which nothing can still appear, read in `session`.

    On PostgreSQL this is the feed horizon, not the largest version: a transaction that took
    its position earlier may commit after a later one, so "newer than the largest version seen"
    would miss its events.
    """
    if postgresql:
        return int(session.execute(_PG_POSITION).scalar_one())
    return int(session.scalar(select(func.coalesce(func.max(Event.version), 0))) or 0)


def changes_since(db: Database, version: int, *, limit: int = DEFAULT_BATCH) -> list[ChangeEvent]:
    """Events after `version`, oldest first, at most `limit` (call again for more)."""
    with db.read() as session:
        if db.is_postgresql:
            rows = session.execute(_PG_SINCE, {"since": version, "limit": limit})
        else:
            rows = session.execute(
                select(Event.version, Event.occurred_at, Event.actor_login, Event.action,
                       Event.entity_type, Event.entity_id, Event.series_id)
                .where(Event.version > version).order_by(Event.version).limit(limit))
        return [ChangeEvent(*row) for row in rows]
