"""Series taken to review and beyond on the sprint world: proposed by a specialist, confirmed by
a coordinator (the review, export, feedback and packet tests start here)."""

from __future__ import annotations

from tests.worlds.sprint import World
from vidtask.services import assessments, claims, clues, review
from vidtask.services.assessments import CandidateInput
from vidtask.services.series_detail import get_series_detail


def propose(world: World, series_id: int, countries: tuple[str, ...] = ("DE", "AT"), *,
            by: str = "anna", h2_clue: bool = False) -> None:
    """`by` claims the series, records a clue for and one against, ranks and proposes; with
    `h2_clue` also an H2 and an H3 clue (material a packet may carry only with an override)."""
    claims.claim_series(world.db, by, series_id)
    md5 = get_series_detail(world.db, series_id).media[0].md5
    clues.add_clue(world.db, by, series_id, clues.ClueInput(
        "product", "Zindle shampoo bottle sold only here", evidence_md5=md5,
        evidence_time="00:12", supports=countries))
    clues.add_clue(world.db, by, series_id, clues.ClueInput(
        "tv_radio", "TV logo not broadcast there", excludes=("FR",)))
    if h2_clue:
        clues.add_clue(world.db, by, series_id, clues.ClueInput(
            "text", "Informant says the flat is in Kassel", handling="H2"))
        clues.add_clue(world.db, by, series_id, clues.ClueInput(
            "text", "Partner agency: suspect drives a green van", handling="H3"))
    assessments.set_candidates(world.db, by, series_id, [
        CandidateInput(c, 70 - 20 * i, f"reason {i}") for i, c in enumerate(countries)])
    assessments.propose(world.db, by, series_id)


def confirmed(world: World, series_id: int, countries: tuple[str, ...] = ("DE",), *,
              proposed: tuple[str, ...] = ("DE", "AT"), h2_clue: bool = False) -> None:
    """anna proposes `proposed` (see `propose`), cora confirms `countries`."""
    propose(world, series_id, proposed, h2_clue=h2_clue)
    review.confirm_countries(world.db, "cora", series_id, list(countries))
