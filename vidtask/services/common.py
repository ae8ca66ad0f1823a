"""Small helpers the services share: loading rows, claim checks, snapshots for events."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from vidtask.db.models import Participant, Series, Sprint
from vidtask.domain.claims import holds_live_claim
from vidtask.domain.errors import ClaimRequired, NotFound
from vidtask.domain.limits import checked_id
from vidtask.services.tx import WriteTx


def load_series(session: Session, series_id: int, *, for_update: bool = False) -> Series:
    query = select(Series).where(Series.id == checked_id("series", series_id))
    if for_update:
        query = query.with_for_update()
    series = session.scalar(query)
    if series is None:
        raise NotFound("series", series_id)
    return series


def load_sprint(session: Session, sprint_id: int) -> Sprint:
    sprint = session.get(Sprint, checked_id("sprint", sprint_id))
    if sprint is None:
        raise NotFound("sprint", sprint_id)
    return sprint


def load_participant(session: Session, login: str) -> Participant:
    participant = session.scalar(select(Participant).where(Participant.login == login))
    if participant is None:
        raise NotFound("participant", login)
    return participant


def require_claim(tx: WriteTx, series: Series) -> None:
    """Edits to a series need the editor to hold its live claim: one person works it at a time.

    Load `series` FOR UPDATE: otherwise a take-over committed between this check and the edit's
    commit lets the old holder's edit land after the new claim (found by tests/reliability).
    """
    if not holds_live_claim(series.claimed_by_id, tx.actor.id if tx.actor else None,
                            series.claim_expires_at, tx.now):
        raise ClaimRequired(series.code)


def touch_series(tx: WriteTx, series_id: int) -> None:
    """Mark activity on a series without an ORM version check (a comment must not conflict)."""
    tx.session.execute(
        update(Series).where(Series.id == series_id)
        .values(updated_at=tx.now, version=Series.version + 1)
        # "evaluate" keeps a loaded Series' version in step, so a later ORM save isn't stale.
        .execution_options(synchronize_session="evaluate")
    )


def snapshot(row: object, fields: tuple[str, ...]) -> dict[str, Any]:
    return {name: getattr(row, name) for name in fields}
