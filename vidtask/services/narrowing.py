"""Country narrowing for a series: its clues, ranked into explained candidate countries.

The model is in vidtask.domain.narrowing; this module only feeds it the stored clues.
`narrow_clues` also serves the workspace, which ranks unsaved clues as the user types.
"""

from __future__ import annotations

from collections.abc import Iterable

from vidtask.db.engine import Database
from vidtask.domain.enums import ClueConfidence, StructuredKind
from vidtask.domain.narrowing import Candidate, ClueFacts, rank_countries
from vidtask.services.series_detail import ClueInfo, clues_of


def clue_facts(clue: ClueInfo) -> ClueFacts:
    return ClueFacts(clue_id=clue.id, category=clue.category, description=clue.description,
                     kind=StructuredKind(clue.kind), value=clue.value,
                     confidence=ClueConfidence(clue.confidence),
                     supports=frozenset(clue.supports), excludes=frozenset(clue.excludes))


def narrow_clues(clues: Iterable[ClueInfo], *, limit: int | None = None) -> list[Candidate]:
    return rank_countries((clue_facts(c) for c in clues), limit=limit)


def narrow_series(db: Database, series_id: int, *, limit: int | None = None) -> list[Candidate]:
    """Ranked candidates with reasons, from the series' saved clues (top first)."""
    with db.read() as session:
        clues = clues_of(session, series_id)
    return narrow_clues(clues, limit=limit)
