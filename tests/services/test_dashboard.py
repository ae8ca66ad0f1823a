"""Dashboard figures checked against a small sprint whose numbers were worked out by hand."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from tests.worlds.dashboard import JUNE_2, worked_sprint
from tests.worlds.sprint import build_world
from vidtask.db.engine import Database
from vidtask.services import claims
from vidtask.services.dashboard import BurnUpDay, sprint_dashboard
from vidtask.services.series_detail import series_timeline
from vidtask.services.tx import backdated_events, write_tx


def test_headline_counts_match_the_hand_count(db: Database) -> None:
    world = worked_sprint(db)
    stats = sprint_dashboard(db, world.sprint_id).stats
    assert (stats.series_total, stats.claimed, stats.assessed, stats.confirmed,
            stats.eliminated, stats.clues_total) == (7, 4, 2, 1, 1, 4)
    assert stats.by_status["in_assessment"] == 1 and stats.by_status["new"] == 1
    assert stats.confirmed_per_country == {"DE": 1}
    assert stats.countries_with_confirmed == 1


def test_burn_up_counts_each_day_of_the_sprint(db: Database) -> None:
    world = worked_sprint(db)
    burn_up = sprint_dashboard(db, world.sprint_id).burn_up
    assert (burn_up.starts_on, burn_up.ends_on, burn_up.total) == (
        date(2026, 6, 1), date(2026, 6, 12), 7)
    # The sprint is over (it is later than June 2026 now): all twelve days are shown.
    assert len(burn_up.days) == 12
    assert burn_up.days[:5] == (
        BurnUpDay(date(2026, 6, 1), 0, 0),
        BurnUpDay(date(2026, 6, 2), 1, 0),   # S-001 proposed
        BurnUpDay(date(2026, 6, 3), 1, 1),   # S-001 confirmed; S-002 proposed, not yet closed
        BurnUpDay(date(2026, 6, 4), 2, 1),   # S-002 eliminated
        BurnUpDay(date(2026, 6, 5), 2, 1))
    assert burn_up.days[-1] == BurnUpDay(date(2026, 6, 12), 2, 1)


def test_clues_by_category(db: Database) -> None:
    world = worked_sprint(db)
    assert sprint_dashboard(db, world.sprint_id).clues_by_category == {
        "product": 2, "currency": 1, "text": 1}


def test_activity_shows_who_is_stuck_and_who_is_overloaded(db: Database) -> None:
    world = worked_sprint(db)
    board = sprint_dashboard(db, world.sprint_id, stuck_after=timedelta(hours=4),
                             overloaded_at=2)
    people = {p.login: p for p in board.participants}
    assert set(people) == {"anna", "bert", "dmytro", "cora", "cody"}  # admin does no casework
    anna, bert, dmytro = people["anna"], people["bert"], people["dmytro"]
    assert (anna.claims_held, anna.clues_total, anna.clues_recent, anna.proposals_total,
            anna.proposals_recent, anna.stuck, anna.overloaded) == (1, 3, 1, 1, 0, False, False)
    assert (bert.claims_held, bert.clues_total, bert.proposals_total, bert.stuck,
            bert.overloaded) == (2, 1, 1, False, True)
    assert (dmytro.claims_held, dmytro.stuck, dmytro.overloaded) == (1, True, False)
    assert dmytro.last_activity is not None and dmytro.last_activity.date() == date(2026, 6, 4)
    assert not people["cora"].stuck and people["cora"].claims_held == 0
    agencies = [(a.agency, a.people, a.claims_held, a.clues_total, a.proposals_total, a.stuck,
                 a.overloaded) for a in board.agencies]
    assert agencies == [("DE police", 1, 1, 3, 1, 0, 0), ("FR police", 1, 2, 1, 1, 0, 1),
                        ("BE police", 1, 0, 0, 0, 0, 0), ("NL police", 1, 0, 0, 0, 0, 0),
                        ("UA police", 1, 1, 0, 0, 1, 0)]


def test_unclaimed_high_priority_lists_only_free_urgent_and_high_work(db: Database) -> None:
    world = worked_sprint(db)
    board = sprint_dashboard(db, world.sprint_id)
    assert [s.code for s in board.unclaimed_high_priority] == ["S-005"]
    assert board.unclaimed_high_priority_total == 1
    assert board.unclaimed_high_priority[0].priority == 1


def test_an_empty_sprint_gives_zeros_not_errors(db: Database) -> None:
    world = build_world(db, series=0)
    board = sprint_dashboard(db, world.sprint_id)
    assert board.stats.series_total == 0
    assert all((d.assessed, d.confirmed) == (0, 0) for d in board.burn_up.days)
    assert board.clues_by_category == {} and board.unclaimed_high_priority == ()


def test_backdated_events_keep_leases_on_the_real_clock(db: Database) -> None:
    world = build_world(db, series=1)
    with backdated_events(JUNE_2):
        result = claims.claim_series(db, "anna", world.series_ids[0])
    assert result.changes.events[0].occurred_at == JUNE_2
    assert result.expires_at > datetime.now(UTC)  # the lease is real, only the log is backdated
    assert series_timeline(db, world.series_ids[0])[-1].occurred_at == JUNE_2
    with write_tx(db, "admin", occurred_at=JUNE_2 + timedelta(hours=1)) as tx:
        tx.emit("note.test", "sprint", world.sprint_id)
    assert tx.changes.events[0].occurred_at == JUNE_2 + timedelta(hours=1)
    with write_tx(db, "admin") as tx:
        tx.emit("note.test", "sprint", world.sprint_id)
    assert tx.changes.events[0].occurred_at > JUNE_2 + timedelta(days=30)
