"""A sprint room on PostgreSQL where every person signs in with their own database login.

Login roles are cluster-wide, and other test sessions share the server: each session makes its
own logins, suffixed with its database's name, and drops them afterwards. The three group roles
(vidtask_specialist, …) are shared by design and left in place (NOLOGIN; their privileges live
in the per-session databases, which are dropped).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from tests.conftest import _empty_postgres
from tests.worlds.room import PEOPLE, Room, build_room
from vidtask.db.engine import Database
from vidtask.services.users import add_user, initialise_roles

SQLITE_REASON = ("PostgreSQL only: SQLite mode has no database logins, grants or row-level "
                 "security; it trusts whoever can open the file")


@pytest.fixture(params=["sqlite", "postgresql"])
def pg_only(request: pytest.FixtureRequest) -> None:
    """Shows these tests as skipped (with the reason) on SQLite rather than silently absent."""
    if request.param == "sqlite":
        pytest.skip(SQLITE_REASON)


@dataclass
class Logins:
    url: str
    names: dict[str, str]


@pytest.fixture(scope="session")
def room_logins(postgres_url: str) -> Iterator[Logins]:
    """Logins made the README's way: `vidtask db init-roles`, then `vidtask user add` for each
    person (the services behind those commands), as the maintenance login."""
    owner = Database(postgres_url)
    _empty_postgres(owner)
    initialise_roles(owner, None)
    suffix = make_url(postgres_url).database.removeprefix("vidtask_test_")  # type: ignore[union-attr]
    # another test package may use this fixture too (tests/ui): its logins must not collide
    suffix = f"{suffix}_{uuid.uuid4().hex[:4]}"
    names = {short: f"{short}_{suffix}" for short, _ in PEOPLE}
    for short, role in PEOPLE:
        add_user(owner, None if short == "admin" else names["admin"], names[short],
                 "not-used-with-trust-auth", role=role, agency="police", country="NL")
    yield Logins(postgres_url, names)
    owner.dispose()
    with owner.engine.begin() as connection:
        for login in names.values():
            connection.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                                    "WHERE usename = :u"), {"u": login})
            connection.execute(text(f'DROP ROLE IF EXISTS "{login}"'))
    owner.dispose()


@pytest.fixture
def room(pg_only: None, room_logins: Logins) -> Iterator[Room]:
    owner = Database(room_logins.url)
    _empty_postgres(owner)
    room = build_room(owner, room_logins.url, room_logins.names)
    yield room
    for database in room.dbs.values():
        database.dispose()
    owner.dispose()
