"""Shared steps for the review/export/feedback GUI tests: propose and confirm series."""

from __future__ import annotations

from tests.conftest import World
from vidtask.services import assessments, claims, clues, review
from vidtask.services.assessments import CandidateInput
from vidtask.services.series_detail import get_series_detail


def propose(world: World, series_id: int, countries: tuple[str, ...] = ("DE", "AT"), *,
            by: str = "anna") -> None:
    """`by` claims the series, records a clue for and one against, ranks and proposes."""
    claims.claim_series(world.db, by, series_id)
    md5 = get_series_detail(world.db, series_id).media[0].md5
    clues.add_clue(world.db, by, series_id, clues.ClueInput(
        "product", "Zindle shampoo bottle sold only here", evidence_md5=md5,
        evidence_time="00:12", supports=countries))
    clues.add_clue(world.db, by, series_id, clues.ClueInput(
        "tv_radio", "TV logo not broadcast there", excludes=("FR",)))
    assessments.set_candidates(world.db, by, series_id, [
        CandidateInput(c, 70 - 20 * i, f"reason {i}") for i, c in enumerate(countries)])
    assessments.propose(world.db, by, series_id)


def confirmed(world: World, series_id: int, countries: tuple[str, ...] = ("DE",)) -> None:
    propose(world, series_id, ("DE", "AT"))
    review.confirm_countries(world.db, "cora", series_id, list(countries))
