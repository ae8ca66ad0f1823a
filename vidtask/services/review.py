"""Coordinator review: confirm a proposed country, send a series back, or eliminate it.

Four-eyes: nobody confirms a series they proposed or ranked themselves.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select

from vidtask.db.engine import Database
from vidtask.db.models import Comment, CountryAssessment
from vidtask.domain.changes import Changes
from vidtask.domain.countries_basic import normalize_country_code
from vidtask.domain.enums import SeriesStatus
from vidtask.domain.errors import InvalidInput, InvalidTransition, PermissionDenied
from vidtask.domain.permissions import Action
from vidtask.services.common import load_series
from vidtask.services.tx import write_tx


def confirm_countries(db: Database, actor: str, series_id: int, countries: Sequence[str]
                      ) -> Changes:
    """Confirm one or more of the proposed candidates; the series becomes `confirmed`."""
    codes = [normalize_country_code(c) for c in countries]
    if not codes:
        raise InvalidInput("countries", "choose at least one country to confirm")
    with write_tx(db, actor, Action.CONFIRM) as tx:
        assert tx.actor is not None
        series = load_series(tx.session, series_id, for_update=True)
        if series.status != SeriesStatus.PROPOSED:
            raise InvalidTransition(series.code, series.status, "confirm it")
        candidates = {a.country: a for a in tx.session.scalars(
            select(CountryAssessment).where(CountryAssessment.series_id == series_id))}
        assessors = {a.author_id for a in candidates.values()} | {series.proposed_by_id}
        if tx.actor.id in assessors:
            raise PermissionDenied("confirm", tx.actor.role,
                                   "You assessed this series; another coordinator must confirm "
                                   "it (four-eyes rule).")
        missing = [c for c in codes if c not in candidates]
        if missing:
            raise InvalidInput("countries", f"{', '.join(missing)} is not a proposed candidate")
        for code in codes:
            row = candidates[code]
            row.confirmed, row.confirmed_by_id, row.confirmed_at = True, tx.actor.id, tx.now
        series.status = SeriesStatus.CONFIRMED.value
        series.updated_at = tx.now
        tx.emit("series.confirmed", "series", series_id, series_id=series_id,
                after={"countries": codes})
    return tx.changes


def send_back(db: Database, actor: str, series_id: int, comment: str) -> Changes:
    """Return a proposed series for more work, with the reason as a comment."""
    if not comment.strip():
        raise InvalidInput("comment", "say what needs more work")
    with write_tx(db, actor, Action.SEND_BACK) as tx:
        assert tx.actor is not None
        series = load_series(tx.session, series_id, for_update=True)
        if series.status != SeriesStatus.PROPOSED:
            raise InvalidTransition(series.code, series.status, "send it back")
        series.status = SeriesStatus.IN_ASSESSMENT.value
        series.updated_at = tx.now
        tx.session.add(Comment(series_id=series_id, author_id=tx.actor.id,
                               body=comment.strip(), created_at=tx.now))
        tx.emit("series.sent_back", "series", series_id, series_id=series_id,
                after={"comment": comment.strip()})
    return tx.changes


def eliminate(db: Database, actor: str, series_id: int, reason: str) -> Changes:
    """Close a series without a country ("too widespread", "already identified")."""
    if not reason.strip():
        raise InvalidInput("reason", "say why the series is eliminated")
    with write_tx(db, actor, Action.ELIMINATE) as tx:
        series = load_series(tx.session, series_id, for_update=True)
        if series.status in {SeriesStatus.NOTIFIED, SeriesStatus.ELIMINATED}:
            raise InvalidTransition(series.code, series.status, "eliminate it")
        before = {"status": series.status}
        series.status = SeriesStatus.ELIMINATED.value
        series.outcome_reason = reason.strip()
        series.claimed_by_id = series.claimed_at = series.claim_expires_at = None
        series.updated_at = tx.now
        tx.emit("series.eliminated", "series", series_id, series_id=series_id, before=before,
                after={"reason": reason.strip()})
    return tx.changes
