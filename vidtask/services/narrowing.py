"""Country narrowing for a series: its clues, ranked into explained candidate countries.

The model is in vidtask.domain.narrowing; this module only feeds it the stored clues. The
workspace, the CLI, the review pane and the packets all read the same ``Ranking`` and the same
reasons from here:

* ``rank_clues`` / ``series_ranking``: every country with shared ranks, ties, counts, reasons;
* ``clue_effect(clue, country)``: one clue's effect on one country (a packet's recipient), the
  reasons the ranking sums for that country;
* ``narrow_clues`` / ``narrow_series``: the countries some clue speaks about, as a list.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Protocol

from vidtask.db.engine import Database
from vidtask.domain.enums import ClueConfidence, StructuredKind
from vidtask.domain.narrowing import (
    Candidate,
    ClueEffect,
    ClueFacts,
    Contradiction,
    Ranking,
    rank,
)
from vidtask.domain.narrowing import clue_effect as _clue_effect
from vidtask.services.series_detail import clues_of


class ClueLike(Protocol):
    """What narrowing reads from a clue: a ClueInfo, a db.models.Clue or a draft."""

    @property
    def id(self) -> int: ...
    @property
    def category(self) -> str: ...
    @property
    def description(self) -> str: ...
    @property
    def kind(self) -> str: ...
    @property
    def value(self) -> str | None: ...
    @property
    def confidence(self) -> str: ...
    @property
    def supports(self) -> Sequence[str] | None: ...
    @property
    def excludes(self) -> Sequence[str] | None: ...


def clue_facts(clue: ClueLike) -> ClueFacts:
    return ClueFacts(clue_id=clue.id, category=clue.category, description=clue.description,
                     kind=StructuredKind(clue.kind or StructuredKind.NONE), value=clue.value,
                     confidence=ClueConfidence(clue.confidence),
                     supports=frozenset(clue.supports or ()),
                     excludes=frozenset(clue.excludes or ()))


def clue_effect(clue: ClueLike, country: str) -> ClueEffect:
    """One clue's effect on one country: ``.stance`` ("supports"/"excludes"/"neutral"),
    ``.weight`` and ``.reasons`` — exactly what the ranking shows for that country.

    Stable entry point for packets and review (issue 13): pass a db.models.Clue or a ClueInfo.
    """
    return _clue_effect(clue_facts(clue), country)


def rank_clues(clues: Iterable[ClueLike]) -> Ranking:
    """Every country ranked from these clues (saved or drafts), with ties and counts."""
    return rank(clue_facts(c) for c in clues)


def series_ranking(db: Database, series_id: int) -> Ranking:
    """The ranking from a series' saved clues."""
    with db.read() as session:
        clues = clues_of(session, series_id)
    return rank_clues(clues)


def series_contradictions(db: Database, series_id: int,
                          chosen: Sequence[tuple[str, int]]) -> list[Contradiction]:
    """What a human ranking ((country, confidence %) best first) says against the clues."""
    return series_ranking(db, series_id).contradictions(chosen)


def narrow_clues(clues: Iterable[ClueLike], *, limit: int | None = None) -> list[Candidate]:
    """The countries some clue speaks about, in ranking order (first ``limit`` of them)."""
    spoken = [c for c in rank_clues(clues).candidates if c.spoken_for]
    return spoken if limit is None else spoken[: max(limit, 0)]


def narrow_series(db: Database, series_id: int, *, limit: int | None = None) -> list[Candidate]:
    """Ranked candidates with reasons, from the series' saved clues (top first)."""
    with db.read() as session:
        clues = clues_of(session, series_id)
    return narrow_clues(clues, limit=limit)
