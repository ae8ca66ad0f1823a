"""Everything the series workspace shows, read in one short session as plain values."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import aliased

from vidtask.db.engine import Database
from vidtask.db.models import (
    Clue,
    Comment,
    CountryAssessment,
    Event,
    Media,
    Participant,
    Series,
    SeriesLink,
)
from vidtask.services.common import load_series


@dataclass(frozen=True, slots=True)
class MediaInfo:
    id: int
    md5: str
    sha1: str | None
    sha256: str | None
    pdq: str | None
    pdq_quality: int | None
    size_bytes: int | None
    mime_type: str | None
    category_code: int | None
    category_scheme: str | None
    victim_identified: bool | None
    offender_identified: bool | None
    is_distributed: bool | None


@dataclass(frozen=True, slots=True)
class ClueInfo:
    id: int
    series_id: int
    category: str
    description: str
    kind: str
    value: str | None
    evidence_md5: str | None
    evidence_time: str
    evidence_region: str
    confidence: str
    supports: tuple[str, ...]
    excludes: tuple[str, ...]
    handling: str
    author: str
    author_name: str
    created_at: datetime
    updated_by: str
    updated_at: datetime
    version: int
    updated_by_name: str = ""  # the last editor as people know them (display name)


@dataclass(frozen=True, slots=True)
class CandidateInfo:
    country: str
    rank: int
    confidence: int
    rationale: str
    author: str
    confirmed: bool
    confirmed_by: str | None
    author_name: str = ""  # who ranked it, as people know them (display name)


@dataclass(frozen=True, slots=True)
class CommentInfo:
    id: int
    clue_id: int | None
    author: str
    author_name: str
    body: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    version: int
    occurred_at: datetime
    actor: str
    action: str
    entity_type: str
    entity_id: int | None
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    #: The database login that wrote the event when it is not the actor (the maintenance login
    #: acting with `--as`); None when the actor wrote it (or on SQLite, which has no logins).
    entered_by: str | None = None

    @property
    def who(self) -> str:
        """'bruno.claes', or 'bruno.claes (entered by postgres)'."""
        return f"{self.actor} (entered by {self.entered_by})" if self.entered_by else self.actor


@dataclass(frozen=True, slots=True)
class SeriesDetail:
    id: int
    sprint_id: int
    code: str
    alias: str
    icse_id: str | None
    ncmec_name: str | None
    vics_name: str | None
    status: str
    priority: int
    handling: str
    victim_sex: str
    victim_age_band: str | None
    production_period: str
    in_icse: bool
    notes: str
    claimed_by: str | None
    claimed_by_name: str | None
    claim_expires_at: datetime | None
    proposed_by: str | None
    outcome_reason: str
    version: int
    updated_at: datetime
    media: tuple[MediaInfo, ...]
    clues: tuple[ClueInfo, ...]
    candidates: tuple[CandidateInfo, ...]
    comments: tuple[CommentInfo, ...]
    linked_series: tuple[tuple[int, str, str], ...]  # (id, code, reason)

    @property
    def identified_elsewhere(self) -> int:
        """Media already marked victim-identified: the series may be solved already."""
        return sum(1 for m in self.media if m.victim_identified)


def media_of(session: Any, series_id: int) -> tuple[MediaInfo, ...]:
    rows = session.execute(select(
        Media.id, Media.md5, Media.sha1, Media.sha256, Media.pdq, Media.pdq_quality,
        Media.size_bytes, Media.mime_type, Media.category_code, Media.category_scheme,
        Media.victim_identified, Media.offender_identified, Media.is_distributed,
    ).where(Media.series_id == series_id).order_by(Media.md5))
    return tuple(MediaInfo(*row) for row in rows)


def clues_of(session: Any, series_id: int) -> tuple[ClueInfo, ...]:
    author = aliased(Participant)
    editor = aliased(Participant)
    rows = session.execute(
        select(Clue, author.login, author.display_name, editor.login, editor.display_name)
        .join(author, author.id == Clue.author_id).join(editor, editor.id == Clue.updated_by_id)
        .where(Clue.series_id == series_id).order_by(Clue.created_at, Clue.id))
    return tuple(
        ClueInfo(c.id, c.series_id, c.category, c.description, c.kind, c.value, c.evidence_md5,
                 c.evidence_time, c.evidence_region, c.confidence, tuple(c.supports or ()),
                 tuple(c.excludes or ()), c.handling, login, name, c.created_at, editor_login,
                 c.updated_at, c.version, editor_name)
        for c, login, name, editor_login, editor_name in rows)


def candidates_of(session: Any, series_id: int) -> tuple[CandidateInfo, ...]:
    """Ranked candidate countries of a series, with who ranked and who confirmed each."""
    author = aliased(Participant)
    confirmer = aliased(Participant)
    return tuple(
        CandidateInfo(a.country, a.rank, a.confidence, a.rationale, login, a.confirmed,
                      confirmer_login, name)
        for a, login, name, confirmer_login in session.execute(
            select(CountryAssessment, author.login, author.display_name, confirmer.login)
            .join(author, author.id == CountryAssessment.author_id)
            .outerjoin(confirmer, confirmer.id == CountryAssessment.confirmed_by_id)
            .where(CountryAssessment.series_id == series_id)
            .order_by(CountryAssessment.rank)))


def get_series_detail(db: Database, series_id: int) -> SeriesDetail:
    with db.read() as session:
        s = load_series(session, series_id)
        holder = session.get(Participant, s.claimed_by_id) if s.claimed_by_id else None
        proposer = session.get(Participant, s.proposed_by_id) if s.proposed_by_id else None
        candidates = candidates_of(session, series_id)
        comments = tuple(
            CommentInfo(c.id, c.clue_id, login, name, c.body, c.created_at)
            for c, login, name in session.execute(
                select(Comment, Participant.login, Participant.display_name)
                .join(Participant, Participant.id == Comment.author_id)
                .where(Comment.series_id == series_id).order_by(Comment.created_at, Comment.id)))
        links = []
        for a_id, b_id, reason in session.execute(select(
                SeriesLink.series_a_id, SeriesLink.series_b_id, SeriesLink.reason).where(
                (SeriesLink.series_a_id == series_id) | (SeriesLink.series_b_id == series_id))):
            other = b_id if a_id == series_id else a_id
            code = session.scalar(select(Series.code).where(Series.id == other))
            links.append((other, code or "?", reason))
        return SeriesDetail(
            s.id, s.sprint_id, s.code, s.alias, s.icse_id, s.ncmec_name, s.vics_name, s.status,
            s.priority, s.handling, s.victim_sex, s.victim_age_band, s.production_period,
            s.in_icse, s.notes, holder.login if holder else None,
            holder.display_name if holder else None, s.claim_expires_at,
            proposer.login if proposer else None, s.outcome_reason, s.version, s.updated_at,
            media_of(session, series_id), clues_of(session, series_id), candidates, comments,
            tuple(links))


def get_clue(db: Database, clue_id: int) -> ClueInfo:
    with db.read() as session:
        series_id = session.scalar(select(Clue.series_id).where(Clue.id == clue_id))
        if series_id is None:
            from vidtask.domain.errors import NotFound

            raise NotFound("clue", clue_id)
        return next(c for c in clues_of(session, series_id) if c.id == clue_id)


def series_timeline(db: Database, series_id: int) -> list[TimelineEntry]:
    """Every event on this series, oldest first, from the append-only log."""
    with db.read() as session:
        return [TimelineEntry(e.version, e.occurred_at, e.actor_login, e.action, e.entity_type,
                              e.entity_id, e.before, e.after,
                              e.db_login if e.db_login not in (None, e.actor_login) else None)
                for e in session.scalars(select(Event).where(Event.series_id == series_id)
                                         .order_by(Event.version))]
