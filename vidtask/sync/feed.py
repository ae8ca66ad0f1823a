"""The change feed: "what changed since version N", read from the append-only event log.

Versions are commit-ordered (see vidtask.services.tx), so a reader that remembers the last
version it saw and asks for everything above it never skips a change.
"""

from __future__ import annotations

from sqlalchemy import func, select

from vidtask.db.engine import Database
from vidtask.db.models import Event
from vidtask.domain.changes import ChangeEvent

DEFAULT_BATCH = 5_000


def current_version(db: Database) -> int:
    with db.read() as session:
        return int(session.scalar(select(func.coalesce(func.max(Event.version), 0))) or 0)


def changes_since(db: Database, version: int, *, limit: int = DEFAULT_BATCH) -> list[ChangeEvent]:
    """Events after `version`, oldest first, at most `limit` (call again for more)."""
    with db.read() as session:
        rows = session.execute(
            select(Event.version, Event.occurred_at, Event.actor_login, Event.action,
                   Event.entity_type, Event.entity_id, Event.series_id)
            .where(Event.version > version).order_by(Event.version).limit(limit))
        return [ChangeEvent(*row) for row in rows]
