"""A small sprint worked over its days, with figures computed by hand for the dashboard tests.

Sprint 1–12 June 2026, seven series:
  S-001 anna: 2 clues, DE ranked, proposed 2 June; cora confirms DE on 3 June.
  S-002 bert: 1 clue, FR ranked, proposed 3 June; cody eliminates it on 4 June.
  S-003 anna: claimed and 1 clue today (so anna is active).
  S-004 dmytro: claimed on 4 June, nothing since: stuck. Urgent, so not "unclaimed".
  S-005 urgent, nobody holds it: the one unclaimed high-priority series.
  S-006 (high) and S-007: bert claims both today: overloaded at 2 claims.
"""

from __future__ import annotations

from datetime import UTC, datetime

from tests.worlds.sprint import World, build_world
from vidtask.db.engine import Database
from vidtask.domain.enums import Priority
from vidtask.services import assessments, claims, clues, review
from vidtask.services.assessments import CandidateInput
from vidtask.services.clues import ClueInput
from vidtask.services.series import update_series
from vidtask.services.series_detail import get_series_detail
from vidtask.services.tx import backdated_events

JUNE_2 = datetime(2026, 6, 2, 10, 0, tzinfo=UTC)
JUNE_3 = datetime(2026, 6, 3, 11, 0, tzinfo=UTC)
JUNE_4 = datetime(2026, 6, 4, 9, 0, tzinfo=UTC)


def _clue(category: str, text: str) -> ClueInput:
    return ClueInput(category, text)


def worked_sprint(db: Database) -> World:
    world = build_world(db, series=7)
    s1, s2, s3, s4, s5, s6, s7 = world.series_ids
    for series_id, priority in ((s4, Priority.URGENT), (s5, Priority.URGENT),
                                (s6, Priority.HIGH)):
        version = get_series_detail(db, series_id).version
        update_series(db, "cora", series_id, version, priority=int(priority))
    with backdated_events(JUNE_2):
        claims.claim_series(db, "anna", s1)
        clues.add_clue(db, "anna", s1, _clue("product", "Shampoo bottle, local brand"))
        clues.add_clue(db, "anna", s1, _clue("text", "Handwritten note in German"))
        assessments.set_candidates(db, "anna", s1, [CandidateInput("DE", 80, "language")])
        assessments.propose(db, "anna", s1)
    with backdated_events(JUNE_3):
        review.confirm_countries(db, "cora", s1, ["DE"])
        claims.claim_series(db, "bert", s2)
        clues.add_clue(db, "bert", s2, _clue("currency", "Coins on a table"))
        assessments.set_candidates(db, "bert", s2, [CandidateInput("FR", 60, "coins")])
        assessments.propose(db, "bert", s2)
    with backdated_events(JUNE_4):
        review.eliminate(db, "cody", s2, "Too widespread")
        claims.claim_series(db, "dmytro", s4)
    claims.claim_series(db, "anna", s3)
    clues.add_clue(db, "anna", s3, _clue("product", "Cereal box"))
    claims.claim_series(db, "bert", s6)
    claims.claim_series(db, "bert", s7)
    return world
