"""Leases over time: warnings before expiry, renewal only for active holders, sweeps, restarts."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import update

from tests.worlds.sprint import World
from vidtask.db.engine import Database
from vidtask.db.models import Series
from vidtask.services import claims
from vidtask.services.leases import (
    ActivityClock,
    LeaseKeeper,
    expired_claim_count,
    lease_warnings,
    sweep_if_needed,
)
from vidtask.services.series_detail import get_series_detail, series_timeline


def _expire_in(db: Database, series_id: int, delta: timedelta) -> None:
    with db.write_session() as session:
        now = db.server_now(session)
        session.execute(update(Series).where(Series.id == series_id)
                        .values(claim_expires_at=now + delta))
        session.commit()


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_warning_ten_minutes_before_a_claim_runs_out(world: World) -> None:
    claims.claim_series(world.db, "anna", world.series_ids[0])
    claims.claim_series(world.db, "anna", world.series_ids[1])
    _expire_in(world.db, world.series_ids[0], timedelta(minutes=8))
    [warning] = lease_warnings(world.db, "anna")
    assert warning.code == "S-001"
    assert timedelta(minutes=7) < warning.remaining <= timedelta(minutes=8)
    assert "expires in 8 min" in warning.message
    assert lease_warnings(world.db, "bert") == []


def test_an_active_holder_is_renewed_an_idle_one_is_warned(world: World) -> None:
    claims.claim_series(world.db, "anna", world.series_ids[0])
    _expire_in(world.db, world.series_ids[0], timedelta(minutes=5))
    clock = FakeClock()
    activity = ActivityClock(clock=clock)
    keeper = LeaseKeeper(world.db, "anna", activity, sprint_id=world.sprint_id)

    idle = keeper.tick()  # never touched: no renewal, a warning instead
    assert idle.renewed == () and [w.code for w in idle.warnings] == ["S-001"]

    activity.touch()
    clock.now += 60
    busy = keeper.tick()
    assert [r.code for r in busy.renewed] == ["S-001"]
    assert busy.warnings == ()
    assert [w.code for w in lease_warnings(world.db, "anna", timedelta(minutes=60))] == []

    clock.now += 20 * 60  # 20 minutes without a keystroke: not "active" any more
    _expire_in(world.db, world.series_ids[0], timedelta(minutes=5))
    assert keeper.tick().renewed == ()


def test_a_lease_with_plenty_left_is_not_renewed_every_tick(world: World) -> None:
    claims.claim_series(world.db, "anna", world.series_ids[0])
    activity = ActivityClock()
    activity.touch()
    assert LeaseKeeper(world.db, "anna", activity).tick().renewed == ()


def test_extend_is_the_warnings_action(world: World) -> None:
    claims.claim_series(world.db, "anna", world.series_ids[0])
    _expire_in(world.db, world.series_ids[0], timedelta(minutes=3))
    keeper = LeaseKeeper(world.db, "anna", ActivityClock())
    keeper.extend(world.series_ids[0])
    assert lease_warnings(world.db, "anna") == []


def test_renewal_of_a_claim_taken_over_meanwhile_is_reported_lost(world: World) -> None:
    claims.claim_series(world.db, "anna", world.series_ids[0])
    _expire_in(world.db, world.series_ids[0], timedelta(minutes=5))
    activity = ActivityClock()
    activity.touch()
    keeper = LeaseKeeper(world.db, "anna", activity)
    claims.force_release(world.db, "cora", world.series_ids[0], "reassigning")
    claims.claim_series(world.db, "bert", world.series_ids[0])
    tick = keeper.tick()
    assert tick.renewed == () and tick.lost == ()  # not anna's any more: nothing to renew


def test_periodic_sweep_releases_only_when_something_expired(world: World) -> None:
    claims.claim_series(world.db, "anna", world.series_ids[0])
    assert expired_claim_count(world.db) == 0
    assert not sweep_if_needed(world.db, world.sprint_id)
    _expire_in(world.db, world.series_ids[0], timedelta(minutes=-1))
    assert expired_claim_count(world.db, world.sprint_id) == 1
    swept = sweep_if_needed(world.db, world.sprint_id)
    assert [e.action for e in swept.events] == ["claim.expired"]
    assert series_timeline(world.db, world.series_ids[0])[-1].action == "claim.expired"
    assert get_series_detail(world.db, world.series_ids[0]).claimed_by is None


@pytest.mark.parametrize("restart", ["new engine"])
def test_a_restarted_client_gets_its_live_claims_back(world: World, restart: str) -> None:
    """End to end: claim in one client, close it, start another with a fresh engine."""
    url = world.db.url.render_as_string(hide_password=False)
    first = Database(url)
    claims.claim_series(first, "anna", world.series_ids[0])
    claims.claim_series(first, "anna", world.series_ids[2])
    claims.claim_series(first, "anna", world.series_ids[1])
    claims.release_claim(first, "anna", world.series_ids[1])
    first.dispose()
    _expire_in(world.db, world.series_ids[2], timedelta(minutes=-1))

    restarted = Database(url)
    try:
        mine = claims.my_claims(restarted, "anna")
        assert [c.code for c in mine] == ["S-001"]  # released and expired ones are not back
        activity = ActivityClock()
        activity.touch()
        _expire_in(restarted, world.series_ids[0], timedelta(minutes=2))
        tick = LeaseKeeper(restarted, "anna", activity, sprint_id=world.sprint_id).tick()
        assert [r.code for r in tick.renewed] == ["S-001"]
        assert [e.action for e in tick.swept.events] == ["claim.expired"]
    finally:
        restarted.dispose()
