"""Coordinator review: confirm a proposed country, send a series back, or eliminate it.

Four-eyes: nobody confirms a series they proposed or ranked themselves. The review read model
shows every clue with its value in words and its effect on each ranked country (the narrowing
model's `clue_effect`), and warns when the ranking contradicts the series' own clues.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import aliased

from vidtask.db.engine import Database
from vidtask.db.models import Comment, CountryAssessment, Packet, Participant, Series
from vidtask.domain import wording
from vidtask.domain.changes import Changes
from vidtask.domain.countries_basic import country_label, normalize_country_code
from vidtask.domain.enums import SeriesStatus
from vidtask.domain.errors import InvalidInput, InvalidTransition, PermissionDenied
from vidtask.domain.limits import checked
from vidtask.domain.narrowing import InvalidClue
from vidtask.domain.permissions import Action
from vidtask.services.common import load_series
from vidtask.services.narrowing import clue_effect, rank_clues
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
class ReviewClue:
    """One clue as the review pane shows it: in words, with its effect on each candidate."""

    info: ClueInfo
    category_words: str
    value_words: str  # "Socket: type F (Schuko)"; "" for a free clue
    effects: tuple[tuple[str, str], ...]  # (candidate country, supports|excludes|neutral)


@dataclass(frozen=True, slots=True)
class RankingWarning:
    """A ranked country at odds with the series' own clues."""

    kind: str  # "excluded" (the clues rule it out) | "unsupported" (no clue supports it)
    country: str
    place: int  # its rank in the proposal, from 1
    message: str  # one sentence


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
    clues: tuple[ReviewClue, ...] = ()  # every clue, in recording order
    warnings: tuple[RankingWarning, ...] = ()  # the ranking against the clues
    #: who proposed and who assessed, as people know them (display names, same order)
    proposed_by_name: str | None = None
    assessor_names: tuple[str, ...] = ()

    def may_confirm(self, login: str) -> bool:
        """Four-eyes rule as the queue shows it (the service enforces it again)."""
        return login not in self.assessors


def review_queue(db: Database, sprint_id: int) -> list[ReviewItem]:
    """Series proposed with a likely country, most urgent and oldest first."""
    with db.read() as session:
        proposer = aliased(Participant)
        rows = session.execute(
            select(Series, proposer.login, proposer.display_name)
            .outerjoin(proposer, proposer.id == Series.proposed_by_id)
            .where(Series.sprint_id == sprint_id, Series.status == SeriesStatus.PROPOSED.value)
            .order_by(Series.priority, Series.proposed_at, Series.code)).all()
        items: list[ReviewItem] = []
        for series, proposed_by, proposer_name in rows:
            candidates = candidates_of(session, series.id)
            clues = clues_of(session, series.id)
            names = {c.author: c.author_name or c.author for c in candidates}
            if proposed_by:
                names[proposed_by] = proposer_name or proposed_by
            assessors = tuple(sorted(names))
            items.append(ReviewItem(
                series.id, series.code, series.alias, series.priority, series.handling,
                proposed_by, series.proposed_at, candidates,
                tuple(c for c in clues if c.supports),
                tuple(c for c in clues if c.excludes and not c.supports), assessors,
                tuple(_review_clue(c, candidates) for c in clues),
                ranking_warnings(clues, candidates), proposer_name or proposed_by,
                tuple(names[login] for login in assessors)))
        return items


def _review_clue(clue: ClueInfo, candidates: Sequence[CandidateInfo]) -> ReviewClue:
    effects = []
    for candidate in candidates:
        try:
            stance: str = clue_effect(clue, candidate.country).stance
        except InvalidClue:
            stance = "neutral"
        effects.append((candidate.country, stance))
    return ReviewClue(clue, wording.clue_category(clue.category),
                      wording.clue_value(clue.kind, clue.value), tuple(effects))


def ranking_warnings(clues: Sequence[ClueInfo], candidates: Sequence[CandidateInfo]
                     ) -> tuple[RankingWarning, ...]:
    """Each ranked country the series' own clues exclude, or that no clue supports."""
    if not clues or not candidates:
        return ()
    try:
        ranking = rank_clues(clues)
    except InvalidClue as exc:
        return (RankingWarning("excluded", "", 0, f"The clues cannot be ranked: clue "
                                                  f"{exc.clue_id}: {exc.reason}."),)
    chosen = [(c.country, c.confidence) for c in candidates]
    places = {c.country: place for place, c in enumerate(candidates, start=1)}
    found = [RankingWarning("excluded", w.country, places.get(w.country, 0), w.message)
             for w in ranking.contradictions(chosen) if w.kind == "excluded"]
    for place, candidate in enumerate(candidates, start=1):
        ranked = ranking.candidate(candidate.country)
        if ranked is None or not ranked.supporting:
            name = country_label(candidate.country)
            found.append(RankingWarning("unsupported", candidate.country, place,
                                        f"{name} is ranked {_ordinal(place)} but no clue "
                                        "supports it."))
    return tuple(found)


def _ordinal(number: int) -> str:
    suffix = "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(
        number % 10, "th")
    return f"{number}{suffix}"


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
