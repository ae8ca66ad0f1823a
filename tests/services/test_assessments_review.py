"""Assessment, proposal and coordinator review, with the four-eyes rule."""

from __future__ import annotations

import pytest

from tests.worlds.sprint import World
from vidtask.domain.errors import InvalidInput, InvalidTransition, PermissionDenied
from vidtask.services import assessments, claims, comments, review
from vidtask.services.assessments import CandidateInput
from vidtask.services.series_detail import get_series_detail
from vidtask.services.stats import sprint_stats


def _propose(world: World, login: str = "anna") -> int:
    series_id = world.series_ids[0]
    claims.claim_series(world.db, login, series_id)
    assessments.set_candidates(world.db, login, series_id, [
        CandidateInput("DE", 70, "language"), CandidateInput("AT", 20, "product")])
    assessments.propose(world.db, login, series_id)
    return series_id


def test_ranking_replaces_the_list_in_order(world: World) -> None:
    series_id = world.series_ids[0]
    claims.claim_series(world.db, "anna", series_id)
    assessments.set_candidates(world.db, "anna", series_id, [
        CandidateInput("DE", 70), CandidateInput("AT", 20)])
    assessments.set_candidates(world.db, "anna", series_id, [
        CandidateInput("CH", 50), CandidateInput("DE", 40)])
    ranked = [(c.country, c.rank) for c in get_series_detail(world.db, series_id).candidates]
    assert ranked == [("CH", 1), ("DE", 2)]
    with pytest.raises(InvalidInput):
        assessments.set_candidates(world.db, "anna", series_id, [CandidateInput("DE", 150)])


def test_propose_needs_candidates_and_frees_the_claim(world: World) -> None:
    series_id = world.series_ids[0]
    claims.claim_series(world.db, "anna", series_id)
    with pytest.raises(InvalidInput, match="rank at least one"):
        assessments.propose(world.db, "anna", series_id)
    series_id = _propose_again(world, series_id)
    detail = get_series_detail(world.db, series_id)
    assert (detail.status, detail.claimed_by, detail.proposed_by) == ("proposed", None, "anna")


def _propose_again(world: World, series_id: int) -> int:
    assessments.set_candidates(world.db, "anna", series_id, [CandidateInput("DE", 70)])
    assessments.propose(world.db, "anna", series_id)
    return series_id


def test_specialist_cannot_confirm(world: World) -> None:
    series_id = _propose(world)
    with pytest.raises(PermissionDenied):
        review.confirm_countries(world.db, "bert", series_id, ["DE"])


def test_nobody_confirms_their_own_assessment(world: World) -> None:
    series_id = world.series_ids[0]
    claims.claim_series(world.db, "cora", series_id)
    assessments.set_candidates(world.db, "cora", series_id, [CandidateInput("NL", 80)])
    assessments.propose(world.db, "cora", series_id)
    with pytest.raises(PermissionDenied, match="four-eyes"):
        review.confirm_countries(world.db, "cora", series_id, ["NL"])
    review.confirm_countries(world.db, "cody", series_id, ["NL"])
    assert get_series_detail(world.db, series_id).status == "confirmed"


def test_confirm_counts_in_the_statistics(world: World) -> None:
    series_id = _propose(world)
    with pytest.raises(InvalidInput, match="FR"):
        review.confirm_countries(world.db, "cora", series_id, ["FR"])
    review.confirm_countries(world.db, "cora", series_id, ["DE", "AT"])
    stats = sprint_stats(world.db, world.sprint_id)
    assert stats.confirmed == 1
    assert stats.confirmed_per_country == {"AT": 1, "DE": 1}
    assert stats.countries_with_confirmed == 2
    with pytest.raises(InvalidTransition):
        review.confirm_countries(world.db, "cody", series_id, ["DE"])


def test_send_back_reopens_with_a_comment(world: World) -> None:
    series_id = _propose(world)
    review.send_back(world.db, "cora", series_id, "Check the socket again")
    detail = get_series_detail(world.db, series_id)
    assert detail.status == "in_assessment"
    assert detail.comments[-1].body == "Check the socket again"
    claims.claim_series(world.db, "anna", series_id)


def test_eliminate_closes_the_series(world: World) -> None:
    series_id = world.series_ids[1]
    review.eliminate(world.db, "cora", series_id, "Too widespread")
    assert get_series_detail(world.db, series_id).status == "eliminated"
    with pytest.raises(Exception, match="cannot be claimed"):
        claims.claim_series(world.db, "anna", series_id)


def test_anyone_may_comment_without_a_claim(world: World) -> None:
    comment_id, _ = comments.add_comment(world.db, "bert", world.series_ids[0], "Seen before?")
    assert get_series_detail(world.db, world.series_ids[0]).comments[0].id == comment_id
    with pytest.raises(InvalidInput):
        comments.add_comment(world.db, "bert", world.series_ids[0], "   ")


def test_rank_and_propose_is_one_transaction(world: World) -> None:
    series_id = world.series_ids[0]
    claims.claim_series(world.db, "anna", series_id)
    assessments.set_candidates(world.db, "anna", series_id, [CandidateInput("DE", 70)])
    with pytest.raises(InvalidInput):  # an empty ranking cannot be proposed: nothing happens
        assessments.rank_and_propose(world.db, "anna", series_id, [])
    detail = get_series_detail(world.db, series_id)
    assert [c.country for c in detail.candidates] == ["DE"]
    assert detail.status == "in_assessment"
    changes = assessments.rank_and_propose(world.db, "anna", series_id, [
        CandidateInput("AT", 60), CandidateInput("DE", 30)])
    assert [e.action for e in changes.events] == ["assessment.ranked", "series.proposed"]
    detail = get_series_detail(world.db, series_id)
    assert (detail.status, [c.country for c in detail.candidates]) == ("proposed", ["AT", "DE"])
