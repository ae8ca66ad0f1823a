"""Who may add whom: the first person in an empty database becomes its admin; after that an
admin adds people, specialists unless the admin says otherwise (both backends)."""

from __future__ import annotations

import pytest

from vidtask.db.engine import Database
from vidtask.domain.enums import Role
from vidtask.domain.errors import InvalidInput, PermissionDenied, VidtaskError
from vidtask.services import participants


def test_the_first_person_becomes_admin_then_specialists_by_default(db: Database) -> None:
    assert participants.is_empty(db)
    first, _ = participants.add_participant(db, None, "anna", "Anna")
    assert first.role is Role.ADMIN and not participants.is_empty(db)
    bob, _ = participants.add_participant(db, "anna", "bob", "Bob")
    assert bob.role is Role.SPECIALIST
    cora, _ = participants.add_participant(db, "anna", "cora", "Cora", role="coordinator")
    assert cora.role is Role.COORDINATOR
    with pytest.raises(PermissionDenied):
        participants.add_participant(db, "bob", "dan", "Dan")


def test_nobody_named_adds_only_the_first_person_on_sqlite(db: Database) -> None:
    participants.add_participant(db, None, "anna", "Anna")
    if db.is_postgresql:  # the maintenance login (these tests' postgres) sets up rooms
        info, _ = participants.add_participant(db, None, "bob", "Bob")
        assert info.role is Role.SPECIALIST
        return
    with pytest.raises(VidtaskError, match="only an admin adds people"):
        participants.add_participant(db, None, "bob", "Bob")


def test_an_explicit_non_admin_first_person_is_refused_except_by_maintenance(
        db: Database) -> None:
    if db.is_postgresql:
        info, _ = participants.add_participant(db, None, "anna", "Anna", role="specialist")
        assert info.role is Role.SPECIALIST  # the maintenance login said so, and can add more
        return
    with pytest.raises(InvalidInput, match="first person in a database becomes its admin"):
        participants.add_participant(db, None, "anna", "Anna", role="specialist")
    assert participants.is_empty(db)
