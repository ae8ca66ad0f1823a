"""The claim rules every screen and service reads: claimable, live, mine, free."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from vidtask.domain.claims import ClaimState, holds_live_claim, is_claimable, lease_is_live

NOW = datetime(2026, 6, 3, 12, 0, tzinfo=UTC)
LATER, EARLIER = NOW + timedelta(hours=1), NOW - timedelta(minutes=1)


def state(status: str, holder: str | None, expires: datetime | None) -> ClaimState:
    return ClaimState.of(status, holder, expires, "anna", NOW)


def test_open_work_is_claimable_and_decided_work_is_not() -> None:
    assert all(is_claimable(s) for s in ("new", "claimed", "in_assessment"))
    assert not any(is_claimable(s) for s in ("proposed", "confirmed", "notified", "eliminated"))


def test_a_lease_lives_until_it_runs_out() -> None:
    assert lease_is_live("bert", LATER, NOW) and not lease_is_live("bert", EARLIER, NOW)
    assert not lease_is_live(None, LATER, NOW) and not lease_is_live("bert", None, NOW)
    assert holds_live_claim(7, 7, LATER, NOW) and not holds_live_claim(7, 8, LATER, NOW)


def test_what_one_person_may_do_with_a_series() -> None:
    mine = state("claimed", "anna", LATER)
    assert mine.mine and mine.live and not mine.claimable and not mine.force_releasable
    theirs = state("in_assessment", "bert", LATER)
    assert theirs.held_by_other and theirs.claimable and not theirs.free
    assert theirs.force_releasable
    lapsed = state("claimed", "bert", EARLIER)
    assert not lapsed.live and lapsed.free and lapsed.force_releasable
    decided = state("proposed", None, None)
    assert not decided.claimable and not decided.free
