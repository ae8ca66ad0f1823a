"""Coordinator review: confirm a proposed country, send a series back, or eliminate it.

Four-eyes: nobody confirms a series they proposed or ranked themselves.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import aliased

from vidtask.db.engine import Database
from vidtask.db.models import Comment, CountryAssessment, Packet, Participant, Series
from vidtask.domain.changes import Changes
from vidtask.domain.countries_basic import normalize_country_code
from vidtask.domain.enums import SeriesStatus
from vidtask.domain.errors import InvalidInput, InvalidTransition, PermissionDenied
from vidtask.domain.limits import checked
from vidtask.domain.permissions import Action
from vidtask.services.common import load_series
from vidtask.services.series_detail import CandidateInfo, ClueInfo, candidates_of, clues_of
from vidtask.services.tx import retry_busy, write_tx


@retry_busy
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


@retry_busy
def send_back(db: Database, actor: str, series_id: int, comment: str) -> Changes:
    """Return a proposed series for more work, with the reason as a comment."""
    if not comment.strip():
        raise InvalidInput("comment", "say what needs more work")
    checked("comments", "body", comment.strip())
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


@retry_busy
def eliminate(db: Database, actor: str, series_id: int, reason: str) -> Changes:
    """Close a series without a country ("too widespread", "already identified")."""
    if not reason.strip():
        raise InvalidInput("reason", "say why the series is eliminated")
    checked("series", "outcome_reason", reason.strip())
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


# ---------------------------------------------------------------- read models

@dataclass(frozen=True, slots=True)
class ReviewItem:
    """One proposed series as a coordinator reviews it."""

    series_id: int
    code: str
    alias: str
    priority: int
    handling: str
    proposed_by: str | None
    proposed_at: datetime | None
    candidates: tuple[CandidateInfo, ...]
    clues_for: tuple[ClueInfo, ...]
    clues_against: tuple[ClueInfo, ...]
    assessors: tuple[str, ...]  # logins of everyone who ranked or proposed: they may not confirm

    def may_confirm(self, login: str) -> bool:
        """Four-eyes rule as the queue shows it (the service enforces it again)."""
        return login not in self.assessors


def review_queue(db: Database, sprint_id: int) -> list[ReviewItem]:
    """Series proposed with a likely country, most urgent and oldest first."""
    with db.read() as session:
        proposer = aliased(Participant)
        rows = session.execute(
            select(Series, proposer.login).outerjoin(proposer, proposer.id == Series.proposed_by_id)
            .where(Series.sprint_id == sprint_id, Series.status == SeriesStatus.PROPOSED.value)
            .order_by(Series.priority, Series.proposed_at, Series.code)).all()
        items: list[ReviewItem] = []
        for series, proposed_by in rows:
            candidates = candidates_of(session, series.id)
            clues = clues_of(session, series.id)
            assessors = tuple(sorted({c.author for c in candidates}
                                     | ({proposed_by} if proposed_by else set())))
            items.append(ReviewItem(
                series.id, series.code, series.alias, series.priority, series.handling,
                proposed_by, series.proposed_at, candidates,
                tuple(c for c in clues if c.supports),
                tuple(c for c in clues if c.excludes and not c.supports), assessors))
        return items


@dataclass(frozen=True, slots=True)
class DisseminationEntry:
    """Confirmed series waiting for (or already in) a country's packet."""

    country: str
    country_name: str
    waiting: tuple[str, ...]  # series codes confirmed for this country, not yet sent to it
    sent: tuple[str, ...]  # series codes already in a packet for this country

    @property
    def total(self) -> int:
        return len(self.waiting) + len(self.sent)


def dissemination_list(db: Database, sprint_id: int) -> list[DisseminationEntry]:
    """Per country: its confirmed series, split into waiting and already sent."""
    from vidtask.domain.countries_basic import country_label

    with db.read() as session:
        sent: dict[str, set[int]] = {}
        for country, ids in session.execute(select(Packet.country, Packet.series_ids)
                                            .where(Packet.sprint_id == sprint_id)):
            sent.setdefault(country, set()).update(int(i) for i in ids or ())
        by_country: dict[str, tuple[list[str], list[str]]] = {}
        for country, series_id, code in session.execute(
                select(CountryAssessment.country, Series.id, Series.code)
                .join(Series, Series.id == CountryAssessment.series_id)
                .where(Series.sprint_id == sprint_id, CountryAssessment.confirmed.is_(True),
                       Series.status.in_((SeriesStatus.CONFIRMED.value,
                                          SeriesStatus.NOTIFIED.value)))
                .order_by(CountryAssessment.country, Series.code)):
            waiting, done = by_country.setdefault(country, ([], []))
            (done if series_id in sent.get(country, set()) else waiting).append(code)
    return [DisseminationEntry(c, country_label(c), tuple(w), tuple(d))
            for c, (w, d) in sorted(by_country.items())]
