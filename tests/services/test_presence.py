"""Presence: heartbeats show who is online with which series open, expiring on the server clock."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from tests.worlds.sprint import World
from vidtask.db.models import Event, Participant
from vidtask.domain.errors import InvalidInput, NotFound, PermissionDenied
from vidtask.services.presence import end_presence, heartbeat, viewers_of, who_is_online


def test_heartbeat_shows_who_is_online_with_their_open_series(world: World) -> None:
    heartbeat(world.db, "anna", "anna-laptop", [world.series_ids[0]])
    heartbeat(world.db, "bert", "bert-desk", [world.series_ids[0], world.series_ids[1]])
    online = {p.login: p.open_series_ids for p in who_is_online(world.db)}
    assert online == {"anna": (world.series_ids[0],),
                      "bert": (world.series_ids[0], world.series_ids[1])}
    assert viewers_of(world.db, world.series_ids[0]) == ["anna", "bert"]


def test_a_second_heartbeat_updates_the_same_session(world: World) -> None:
    first = heartbeat(world.db, "anna", "anna-laptop", [world.series_ids[0]])
    again = heartbeat(world.db, "anna", "anna-laptop", [world.series_ids[2]])
    [anna] = who_is_online(world.db)
    assert anna.open_series_ids == (world.series_ids[2],)
    assert again >= first


def test_heartbeats_write_no_audit_event(world: World) -> None:
    def events() -> int:
        with world.db.read() as session:
            return int(session.scalar(select(func.count()).select_from(Event)) or 0)

    before = events()
    heartbeat(world.db, "anna", "anna-laptop", [])
    assert events() == before


def test_a_silent_client_drops_off_and_a_closing_one_leaves_at_once(world: World) -> None:
    heartbeat(world.db, "anna", "anna-laptop", [], ttl=timedelta(seconds=-1))
    heartbeat(world.db, "bert", "bert-desk", [])
    assert [p.login for p in who_is_online(world.db)] == ["bert"]
    end_presence(world.db, "bert", "bert-desk")
    assert who_is_online(world.db) == []


def test_nobody_can_refresh_another_persons_session(world: World) -> None:
    heartbeat(world.db, "anna", "anna-laptop", [])
    with pytest.raises(PermissionDenied):
        heartbeat(world.db, "bert", "anna-laptop", [world.series_ids[0]])
    end_presence(world.db, "bert", "anna-laptop")  # not bert's: nothing happens
    assert [p.login for p in who_is_online(world.db)] == ["anna"]


def test_unknown_or_deactivated_people_are_not_shown_online(world: World) -> None:
    with pytest.raises(NotFound):
        heartbeat(world.db, "nobody", "x", [])
    with pytest.raises(InvalidInput):
        heartbeat(world.db, "anna", " ", [])
    heartbeat(world.db, "dmytro", "dmytro-pc", [])
    with world.db.write_session() as session:
        session.execute(update(Participant).where(Participant.login == "dmytro")
                        .values(active=False))
        session.commit()
    assert who_is_online(world.db) == []
    with pytest.raises(PermissionDenied, match="deactivated"):
        heartbeat(world.db, "dmytro", "dmytro-pc", [])
