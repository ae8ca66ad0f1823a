"""Claims: one person works a series at a time, under a lease that expires on the server clock.

A claim is one conditional UPDATE whose row count says who won; the row is read FOR UPDATE
first (PostgreSQL) only so the audit event can name the lease it replaced.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import CursorResult, and_, case, or_, select, update

from vidtask.db.engine import Database
from vidtask.db.models import Participant, Series, Sprint
from vidtask.domain.changes import Changes
from vidtask.domain.enums import CLAIMABLE_STATUSES, SeriesStatus
from vidtask.domain.errors import ClaimConflict, InvalidInput
from vidtask.domain.limits import EVENT_TEXT_LIMIT, check_text
from vidtask.domain.permissions import Action
from vidtask.services.common import load_series
from vidtask.services.tx import WriteTx, retry_busy, write_tx


@dataclass(frozen=True, slots=True)
class ClaimResult:
    series_id: int
    code: str
    expires_at: datetime
    changes: Changes


def _lease(tx: WriteTx, series: Series) -> timedelta:
    minutes = tx.session.scalar(select(Sprint.lease_minutes).where(Sprint.id == series.sprint_id))
    return timedelta(minutes=minutes or 120)


def _holder_login(tx: WriteTx, participant_id: int | None) -> str | None:
    if participant_id is None:
        return None
    return tx.session.scalar(select(Participant.login).where(Participant.id == participant_id))


def _rows_changed(result: object) -> int:
    assert isinstance(result, CursorResult)
    return result.rowcount


def _take(tx: WriteTx, series: Series) -> ClaimResult | None:
    assert tx.actor is not None
    previous_holder, previous_expiry = series.claimed_by_id, series.claim_expires_at
    expires_at = tx.now + _lease(tx, series)
    won = _rows_changed(tx.session.execute(
        update(Series)
        .where(Series.id == series.id,
               Series.status.in_([s.value for s in CLAIMABLE_STATUSES]),
               or_(Series.claimed_by_id.is_(None), Series.claim_expires_at < tx.now,
                   Series.claimed_by_id == tx.actor.id))
        .values(claimed_by_id=tx.actor.id, claimed_at=tx.now, claim_expires_at=expires_at,
                status=case((Series.status == SeriesStatus.NEW.value,
                             SeriesStatus.CLAIMED.value), else_=Series.status),
                version=Series.version + 1)
        .execution_options(synchronize_session=False)
    )) == 1
    if not won:
        return None
    if previous_holder is not None and previous_holder != tx.actor.id:
        # The old lease had run out: record that on its own, then the new claim.
        tx.emit("claim.expired", "series", series.id, series_id=series.id,
                before={"holder": _holder_login(tx, previous_holder),
                        "expires_at": previous_expiry})
    tx.emit("claim.taken", "series", series.id, series_id=series.id,
            after={"holder": tx.actor.login, "expires_at": expires_at})
    return ClaimResult(series.id, series.code, expires_at, Changes())


@retry_busy
def claim_series(db: Database, actor: str, series_id: int) -> ClaimResult:
    """Claim (or re-claim, renewing) a series. Raises ClaimConflict naming the holder if lost."""
    with write_tx(db, actor, Action.CLAIM) as tx:
        series = load_series(tx.session, series_id, for_update=True)
        result = _take(tx, series)
        if result is None:
            tx.session.refresh(series)
            if series.status not in CLAIMABLE_STATUSES:
                raise ClaimConflict(series.code, None, None,
                                    f"Series {series.code} is {SeriesStatus(series.status).label}"
                                    " and cannot be claimed.")
            raise ClaimConflict(series.code, _holder_login(tx, series.claimed_by_id),
                                series.claim_expires_at)
    return ClaimResult(result.series_id, result.code, result.expires_at, tx.changes)


@retry_busy
def claim_next(db: Database, actor: str, sprint_id: int) -> ClaimResult | None:
    """Give me the next free series by priority; None when nothing is left.

    SKIP LOCKED on PostgreSQL: measured ~9,900 empty-handed retries without it at 40 clients.
    """
    for _attempt in range(20):
        with write_tx(db, actor, Action.CLAIM) as tx:
            candidates = (
                select(Series)
                .where(Series.sprint_id == sprint_id,
                       Series.status.in_([s.value for s in CLAIMABLE_STATUSES]),
                       or_(Series.claimed_by_id.is_(None), Series.claim_expires_at < tx.now))
                .order_by(Series.priority, Series.code).limit(1)
            )
            if db.is_postgresql:
                candidates = candidates.with_for_update(skip_locked=True)
            series = tx.session.scalar(candidates)
            if series is None:
                return None
            result = _take(tx, series)
        if result is not None:
            return ClaimResult(result.series_id, result.code, result.expires_at, tx.changes)
    return None


@retry_busy
def renew_claim(db: Database, actor: str, series_id: int) -> ClaimResult:
    """Extend a live lease. An expired lease is not silently revived: claim again instead."""
    with write_tx(db, actor, Action.CLAIM) as tx:
        assert tx.actor is not None
        series = load_series(tx.session, series_id, for_update=True)
        expires_at = tx.now + _lease(tx, series)
        renewed = _rows_changed(tx.session.execute(
            update(Series)
            .where(Series.id == series_id, Series.claimed_by_id == tx.actor.id,
                   Series.claim_expires_at >= tx.now)
            .values(claim_expires_at=expires_at, version=Series.version + 1)
            .execution_options(synchronize_session=False)
        )) == 1
        if not renewed:
            holder = _holder_login(tx, series.claimed_by_id)
            if holder and holder != tx.actor.login:
                raise ClaimConflict(series.code, holder, series.claim_expires_at)
            raise ClaimConflict(series.code, None, None,
                                f"Your claim on {series.code} has expired; claim it again.")
        tx.emit("claim.renewed", "series", series_id, series_id=series_id,
                after={"holder": tx.actor.login, "expires_at": expires_at})
    return ClaimResult(series_id, series.code, expires_at, tx.changes)


def _free(tx: WriteTx, series_id: int, holder_condition: object) -> bool:
    return _rows_changed(tx.session.execute(
        update(Series)
        .where(Series.id == series_id, holder_condition)  # type: ignore[arg-type]
        .values(claimed_by_id=None, claimed_at=None, claim_expires_at=None,
                status=case((Series.status == SeriesStatus.CLAIMED.value,
                             SeriesStatus.NEW.value), else_=Series.status),
                version=Series.version + 1)
        .execution_options(synchronize_session=False)
    )) == 1


@retry_busy
def release_claim(db: Database, actor: str, series_id: int) -> Changes:
    with write_tx(db, actor, Action.CLAIM) as tx:
        assert tx.actor is not None
        series = load_series(tx.session, series_id, for_update=True)
        if not _free(tx, series_id, Series.claimed_by_id == tx.actor.id):
            raise ClaimConflict(series.code, _holder_login(tx, series.claimed_by_id),
                                series.claim_expires_at,
                                f"You do not hold a claim on {series.code}.")
        tx.emit("claim.released", "series", series_id, series_id=series_id,
                before={"holder": tx.actor.login})
    return tx.changes


@retry_busy
def force_release(db: Database, actor: str, series_id: int, reason: str) -> Changes:
    """A coordinator frees a series someone else holds; the reason is kept in the log."""
    if not reason.strip():
        raise InvalidInput("reason", "say why the claim is being force-released")
    check_text("reason", reason.strip(), EVENT_TEXT_LIMIT)
    with write_tx(db, actor, Action.FORCE_RELEASE) as tx:
        series = load_series(tx.session, series_id, for_update=True)
        holder = _holder_login(tx, series.claimed_by_id)
        if holder is None or not _free(tx, series_id, Series.claimed_by_id.is_not(None)):
            raise ClaimConflict(series.code, None, None, f"Series {series.code} is not claimed.")
        tx.emit("claim.force_released", "series", series_id, series_id=series_id,
                before={"holder": holder}, after={"reason": reason.strip()})
    return tx.changes


def sweep_expired_claims(db: Database, sprint_id: int | None = None) -> Changes:
    """Release every lease that has run out, each recorded as a `claim.expired` event."""
    with write_tx(db, None) as tx:
        query = (select(Series.id, Series.claimed_by_id, Series.claim_expires_at)
                 .where(Series.claimed_by_id.is_not(None), Series.claim_expires_at < tx.now))
        if sprint_id is not None:
            query = query.where(Series.sprint_id == sprint_id)
        if db.is_postgresql:
            query = query.with_for_update(skip_locked=True)
        for series_id, holder_id, expired_at in tx.session.execute(query).all():
            if _free(tx, series_id, and_(Series.claimed_by_id == holder_id,
                                         Series.claim_expires_at < tx.now)):
                tx.emit("claim.expired", "series", series_id, series_id=series_id,
                        before={"holder": _holder_login(tx, holder_id), "expires_at": expired_at})
    return tx.changes


@dataclass(frozen=True, slots=True)
class MyClaim:
    series_id: int
    code: str
    alias: str
    expires_at: datetime


def live_claims(db: Database, login: str) -> tuple[datetime, list[MyClaim]]:
    """The server's time now and one person's unexpired claims, soonest expiry first."""
    with db.read() as session:
        now = db.server_now(session)
        rows = session.execute(
            select(Series.id, Series.code, Series.alias, Series.claim_expires_at)
            .join(Participant, Participant.id == Series.claimed_by_id)
            .where(Participant.login == login, Series.claim_expires_at > now)
            .order_by(Series.claim_expires_at)
        ).all()
    return now, [MyClaim(r[0], r[1], r[2], r[3]) for r in rows if r[3] is not None]


def my_claims(db: Database, login: str) -> list[MyClaim]:
    """Live claims of one person: what a restarted client gives back to its user."""
    return live_claims(db, login)[1]
