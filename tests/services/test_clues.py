"""Clues: need the claim, refuse stale edits, and leave nothing behind when they fail."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tests.worlds.sprint import World
from vidtask.db.models import Clue, Event
from vidtask.domain.errors import ClaimRequired, InvalidInput, StaleVersion
from vidtask.services import claims, clues
from vidtask.services.series_detail import get_series_detail


def _socket_clue(**overrides: object) -> clues.ClueInput:
    values: dict[str, object] = {
        "category": "electrical", "description": "Type F socket beside the bed",
        "kind": "socket", "value": "F", "evidence_md5": "00000001" + "0" * 24,
        "evidence_time": "00:12", "evidence_region": "10,10,50,50", "confidence": "high",
        "supports": ["de", "AUT"], "excludes": ["GB"]}
    values.update(overrides)
    return clues.ClueInput(**values)  # type: ignore[arg-type]


def _counts(world: World) -> tuple[int, int]:
    with world.db.read() as session:
        return (session.scalar(select(func.count()).select_from(Clue)) or 0,
                session.scalar(select(func.count()).select_from(Event)) or 0)


def test_adding_a_clue_needs_the_claim(world: World) -> None:
    with pytest.raises(ClaimRequired, match="Claim series S-001"):
        clues.add_clue(world.db, "anna", world.series_ids[0], _socket_clue())
    claims.claim_series(world.db, "anna", world.series_ids[0])
    clue_id, changes = clues.add_clue(world.db, "anna", world.series_ids[0], _socket_clue())
    assert changes.events[0].action == "clue.added"
    detail = get_series_detail(world.db, world.series_ids[0])
    assert detail.status == "in_assessment"
    (clue,) = detail.clues
    assert clue.id == clue_id
    assert clue.supports == ("AT", "DE")  # codes normalised from alpha-3 and lower case
    assert clue.excludes == ("GB",)
    assert clue.author == "anna"


def test_stale_edit_is_refused_and_keeps_the_other_edit(world: World) -> None:
    claims.claim_series(world.db, "anna", world.series_ids[0])
    clue_id, _ = clues.add_clue(world.db, "anna", world.series_ids[0], _socket_clue())
    version = get_series_detail(world.db, world.series_ids[0]).clues[0].version
    new_version, _ = clues.edit_clue(world.db, "anna", clue_id, version,
                                     _socket_clue(description="First window's text"))
    assert new_version == version + 1
    with pytest.raises(StaleVersion) as stale:
        clues.edit_clue(world.db, "anna", clue_id, version,
                        _socket_clue(description="Second window's text"))
    assert stale.value.current == new_version
    assert "nothing was overwritten" in str(stale.value)
    (clue,) = get_series_detail(world.db, world.series_ids[0]).clues
    assert clue.description == "First window's text"


def test_invalid_clue_leaves_the_database_unchanged(world: World) -> None:
    claims.claim_series(world.db, "anna", world.series_ids[0])
    before = _counts(world)
    for bad in (_socket_clue(supports=["Atlantis"]), _socket_clue(description="  "),
                _socket_clue(evidence_md5="xyz"), _socket_clue(category="astrology"),
                _socket_clue(kind="socket", value=None),
                _socket_clue(supports=["DE"], excludes=["DE"])):
        with pytest.raises(InvalidInput):
            clues.add_clue(world.db, "anna", world.series_ids[0], bad)
    assert _counts(world) == before


def test_delete_needs_the_current_version(world: World) -> None:
    claims.claim_series(world.db, "anna", world.series_ids[0])
    clue_id, _ = clues.add_clue(world.db, "anna", world.series_ids[0], _socket_clue())
    with pytest.raises(StaleVersion):
        clues.delete_clue(world.db, "anna", clue_id, 99)
    clues.delete_clue(world.db, "anna", clue_id, 1)
    assert get_series_detail(world.db, world.series_ids[0]).clues == ()


def test_somebody_elses_series_is_read_only(world: World) -> None:
    claims.claim_series(world.db, "anna", world.series_ids[0])
    clue_id, _ = clues.add_clue(world.db, "anna", world.series_ids[0], _socket_clue())
    with pytest.raises(ClaimRequired):
        clues.edit_clue(world.db, "bert", clue_id, 1, _socket_clue(description="hijack"))


def test_sql_looking_text_is_stored_verbatim(world: World) -> None:
    claims.claim_series(world.db, "anna", world.series_ids[0])
    evil = "'); DROP TABLE clues; -- and =cmd|' /C calc'!A0"
    clues.add_clue(world.db, "anna", world.series_ids[0], _socket_clue(description=evil))
    assert get_series_detail(world.db, world.series_ids[0]).clues[0].description == evil
