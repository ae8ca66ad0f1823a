"""Claims: one holder at a time, leases on the server clock, races decided by the database."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from tests.worlds.sprint import World
from vidtask.db.engine import Database
from vidtask.db.models import Event, Series
from vidtask.domain.errors import ClaimConflict, InvalidInput, PermissionDenied
from vidtask.services import claims
from vidtask.services.series_detail import get_series_detail, series_timeline


def test_claim_then_other_person_is_told_who_holds_it(world: World) -> None:
    series_id = world.series_ids[0]
    result = claims.claim_series(world.db, "anna", series_id)
    assert result.code == "S-001"
    with pytest.raises(ClaimConflict) as lost:
        claims.claim_series(world.db, "bert", series_id)
    assert lost.value.holder == "anna"
    assert "claimed by anna" in str(lost.value)
    detail = get_series_detail(world.db, series_id)
    assert (detail.claimed_by, detail.status) == ("anna", "claimed")


def test_lease_length_comes_from_the_sprint_and_the_server_clock(world: World) -> None:
    result = claims.claim_series(world.db, "anna", world.series_ids[0])
    with world.db.read() as session:
        now = world.db.server_now(session)
    assert timedelta(minutes=119) < result.expires_at - now <= timedelta(minutes=120)


def test_release_returns_an_untouched_series_to_new(world: World) -> None:
    series_id = world.series_ids[0]
    claims.claim_series(world.db, "anna", series_id)
    with pytest.raises(ClaimConflict):
        claims.release_claim(world.db, "bert", series_id)
    claims.release_claim(world.db, "anna", series_id)
    detail = get_series_detail(world.db, series_id)
    assert detail.claimed_by is None
    assert detail.status == "new"
    claims.claim_series(world.db, "bert", series_id)


def _expire(db: Database, series_id: int) -> None:
    with db.write_session() as session:
        now = db.server_now(session)
        session.execute(update(Series).where(Series.id == series_id).values(
            claim_expires_at=now - timedelta(minutes=1)))
        session.commit()


def test_expired_lease_is_taken_over_and_recorded(world: World) -> None:
    series_id = world.series_ids[0]
    claims.claim_series(world.db, "anna", series_id)
    _expire(world.db, series_id)
    claims.claim_series(world.db, "bert", series_id)
    actions = [e.action for e in series_timeline(world.db, series_id)]
    assert actions[-2:] == ["claim.expired", "claim.taken"]
    with pytest.raises(ClaimConflict, match="claimed by bert"):
        claims.renew_claim(world.db, "anna", series_id)


def test_own_expired_lease_is_not_silently_renewed(world: World) -> None:
    series_id = world.series_ids[0]
    claims.claim_series(world.db, "anna", series_id)
    _expire(world.db, series_id)
    with pytest.raises(ClaimConflict, match="expired"):
        claims.renew_claim(world.db, "anna", series_id)


def test_sweep_releases_expired_claims(world: World) -> None:
    claims.claim_series(world.db, "anna", world.series_ids[0])
    claims.claim_series(world.db, "bert", world.series_ids[1])
    _expire(world.db, world.series_ids[0])
    changes = claims.sweep_expired_claims(world.db, world.sprint_id)
    assert [e.action for e in changes.events] == ["claim.expired"]
    assert get_series_detail(world.db, world.series_ids[0]).claimed_by is None
    assert get_series_detail(world.db, world.series_ids[1]).claimed_by == "bert"


def test_restarted_client_gets_its_live_claims_back(world: World) -> None:
    claims.claim_series(world.db, "anna", world.series_ids[2])
    claims.claim_series(world.db, "anna", world.series_ids[0])
    assert {c.code for c in claims.my_claims(world.db, "anna")} == {"S-001", "S-003"}
    assert claims.my_claims(world.db, "bert") == []


def test_force_release_is_for_coordinators_with_a_reason(world: World) -> None:
    series_id = world.series_ids[0]
    claims.claim_series(world.db, "anna", series_id)
    with pytest.raises(PermissionDenied):
        claims.force_release(world.db, "bert", series_id, "I want it")
    with pytest.raises(InvalidInput):
        claims.force_release(world.db, "cora", series_id, "  ")
    changes = claims.force_release(world.db, "cora", series_id, "Anna is ill")
    assert changes.events[0].action == "claim.force_released"
    timeline = series_timeline(world.db, series_id)
    assert timeline[-1].after == {"reason": "Anna is ill"}
    assert timeline[-1].before == {"holder": "anna"}


def test_renew_extends_the_lease(world: World) -> None:
    series_id = world.series_ids[0]
    first = claims.claim_series(world.db, "anna", series_id)
    again = claims.renew_claim(world.db, "anna", series_id)
    assert again.expires_at >= first.expires_at
    with pytest.raises(ClaimConflict, match="anna"):
        claims.renew_claim(world.db, "bert", series_id)


@pytest.mark.parametrize("contenders", [8])
def test_simultaneous_claims_have_exactly_one_winner(world: World, contenders: int) -> None:
    """Threads with their own connections race for one series: the database picks one."""
    series_id = world.series_ids[1]
    logins = ["anna", "bert", "dmytro", "cora", "cody"]
    barrier = threading.Barrier(contenders)
    winners: list[str] = []
    losers: list[str] = []
    errors: list[BaseException] = []

    def contend(index: int) -> None:
        login = logins[index % len(logins)]
        db = Database(str(world.db.url.render_as_string(hide_password=False)))
        try:
            barrier.wait()
            claims.claim_series(db, login, series_id)
            winners.append(login)
        except ClaimConflict:
            losers.append(login)
        except BaseException as exc:  # pragma: no cover - surfaced below
            errors.append(exc)
        finally:
            db.dispose()

    threads = [threading.Thread(target=contend, args=(i,)) for i in range(contenders)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    holder = get_series_detail(world.db, series_id).claimed_by
    # A re-claim by the holder (same login in two threads) renews; every other login lost.
    assert holder is not None
    assert set(winners) == {holder}
    assert all(login != holder for login in losers)
    with world.db.read() as session:
        taken = session.scalar(select(func.count()).select_from(Event).where(
            Event.series_id == series_id, Event.action == "claim.taken",
            Event.actor_login != holder))
    assert taken == 0


def test_claim_next_hands_out_distinct_series(world: World) -> None:
    results = [claims.claim_next(world.db, login, world.sprint_id)
               for login in ("anna", "bert", "dmytro", "cora")]
    handed = [r.code for r in results if r is not None]
    assert sorted(handed) == ["S-001", "S-002", "S-003"]
    assert results[-1] is None
