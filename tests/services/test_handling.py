"""Handling codes on export: H2/H3 need a coordinator's override, and the override is logged."""

from __future__ import annotations

import pytest

from tests.worlds.sprint import World
from vidtask.domain.errors import InvalidInput, PermissionDenied
from vidtask.services.handling import may_export, record_handling_override
from vidtask.services.series_detail import series_timeline


@pytest.mark.parametrize(("code", "override", "allowed"), [
    ("H0", False, True), ("H1", False, True), ("H2", False, False), ("H3", False, False),
    ("H2", True, True), ("H3", True, True), ("H9", False, False), ("H9", True, False),
])
def test_may_export(code: str, override: bool, allowed: bool) -> None:
    assert may_export(code, override) is allowed


def test_a_coordinator_override_is_logged_with_its_reason(world: World) -> None:
    series_id = world.series_ids[0]
    changes = record_handling_override(world.db, "cora", series_id, " Originator OK, ref 7 ")
    (event,) = changes.events
    assert (event.action, event.actor, event.series_id) == ("handling.overridden", "cora",
                                                            series_id)
    assert [e.action for e in series_timeline(world.db, series_id)][-1] == "handling.overridden"


def test_specialists_cannot_override_and_a_reason_is_required(world: World) -> None:
    with pytest.raises(PermissionDenied, match="A specialist may not override"):
        record_handling_override(world.db, "anna", world.series_ids[0], "I think it's fine")
    with pytest.raises(InvalidInput, match="reason"):
        record_handling_override(world.db, "cora", world.series_ids[0], "  ")
