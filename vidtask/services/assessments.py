"""Country assessment: the ranked candidate countries for a series, and proposing them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import delete, select

from vidtask.db.engine import Database
from vidtask.db.models import CountryAssessment
from vidtask.domain.changes import Changes
from vidtask.domain.countries_basic import normalize_country_code
from vidtask.domain.enums import SeriesStatus
from vidtask.domain.errors import InvalidInput, InvalidTransition
from vidtask.domain.limits import EVENT_TEXT_LIMIT, check_text, checked
from vidtask.domain.permissions import Action
from vidtask.services.common import load_series, require_claim, touch_series
from vidtask.services.tx import WriteTx, retry_busy, write_tx


@dataclass(frozen=True, slots=True)
class CandidateInput:
    country: str
    confidence: int
    rationale: str = ""


def _clean(candidates: Sequence[CandidateInput]) -> list[CandidateInput]:
    cleaned: list[CandidateInput] = []
    seen: set[str] = set()
    for candidate in candidates:
        code = normalize_country_code(candidate.country)
        if code in seen:
            raise InvalidInput("countries", f"{code} is listed twice")
        if not 0 <= int(candidate.confidence) <= 100:
            raise InvalidInput("confidence", "must be between 0 and 100 %")
        seen.add(code)
        cleaned.append(CandidateInput(code, int(candidate.confidence), str(checked(
            "country_assessments", "rationale", candidate.rationale.strip()))))
    return cleaned


def set_candidates_in(tx: WriteTx, series_id: int, candidates: Sequence[CandidateInput]) -> None:
    assert tx.actor is not None
    series = load_series(tx.session, series_id, for_update=True)
    require_claim(tx, series)
    if series.status not in {SeriesStatus.CLAIMED, SeriesStatus.IN_ASSESSMENT}:
        raise InvalidTransition(series.code, series.status, "change its candidates")
    existing = {a.country: a for a in tx.session.scalars(
        select(CountryAssessment).where(CountryAssessment.series_id == series_id))}
    before = [{"country": a.country, "rank": a.rank, "confidence": a.confidence}
              for a in sorted(existing.values(), key=lambda a: a.rank)]
    wanted = {c.country for c in candidates}
    gone = [code for code in existing if code not in wanted]
    if gone:
        tx.session.execute(delete(CountryAssessment).where(
            CountryAssessment.series_id == series_id, CountryAssessment.country.in_(gone)))
    # Ranks are unique-free; rewrite them all so rank 1 is always the top candidate.
    for rank, candidate in enumerate(candidates, start=1):
        row = existing.get(candidate.country)
        if row is None:
            tx.session.add(CountryAssessment(
                series_id=series_id, country=candidate.country, rank=rank,
                confidence=candidate.confidence, rationale=candidate.rationale,
                author_id=tx.actor.id, created_at=tx.now, updated_at=tx.now))
        elif (row.rank, row.confidence, row.rationale) != (rank, candidate.confidence,
                                                          candidate.rationale):
            row.rank, row.confidence, row.rationale = rank, candidate.confidence, \
                candidate.rationale
            row.author_id, row.updated_at = tx.actor.id, tx.now
    if series.status == SeriesStatus.CLAIMED:
        series.status = SeriesStatus.IN_ASSESSMENT.value
    tx.session.flush()
    touch_series(tx, series_id)
    tx.emit("assessment.ranked", "series", series_id, series_id=series_id,
            before={"ranked": before},
            after={"ranked": [{"country": c.country, "rank": i, "confidence": c.confidence}
                              for i, c in enumerate(candidates, start=1)]})


@retry_busy
def set_candidates(db: Database, actor: str, series_id: int,
                   candidates: Sequence[CandidateInput]) -> Changes:
    """Replace the ranked candidate list (first = most likely)."""
    cleaned = _clean(candidates)
    with write_tx(db, actor, Action.ASSESS) as tx:
        set_candidates_in(tx, series_id, cleaned)
    return tx.changes


def propose_in(tx: WriteTx, series_id: int, note: str = "") -> None:
    assert tx.actor is not None
    series = load_series(tx.session, series_id, for_update=True)
    require_claim(tx, series)
    if series.status not in {SeriesStatus.CLAIMED, SeriesStatus.IN_ASSESSMENT}:
        raise InvalidTransition(series.code, series.status, "propose it")
    count = len(tx.session.scalars(select(CountryAssessment.id).where(
        CountryAssessment.series_id == series_id)).all())
    if count == 0:
        raise InvalidInput("assessment", "rank at least one candidate country first")
    series.status = SeriesStatus.PROPOSED.value
    series.proposed_by_id, series.proposed_at = tx.actor.id, tx.now
    series.claimed_by_id = series.claimed_at = series.claim_expires_at = None
    series.updated_at = tx.now
    tx.emit("series.proposed", "series", series_id, series_id=series_id,
            after={"candidates": count, "note": note.strip()})


@retry_busy
def propose(db: Database, actor: str, series_id: int, note: str = "") -> Changes:
    """Hand the assessment to coordinators: needs candidates; releases the claim."""
    check_text("note", note.strip(), EVENT_TEXT_LIMIT)
    with write_tx(db, actor, Action.PROPOSE) as tx:
        propose_in(tx, series_id, note)
    return tx.changes


def rank_and_propose(db: Database, actor: str, series_id: int,
                     candidates: Sequence[CandidateInput], note: str = "") -> Changes:
    """Save the ranking and propose it in ONE transaction: both happen, or neither."""
    cleaned = _clean(candidates)
    with write_tx(db, actor, Action.PROPOSE) as tx:
        tx.require(Action.ASSESS)
        set_candidates_in(tx, series_id, cleaned)
        propose_in(tx, series_id, note)
    return tx.changes
