"""A sprint room on PostgreSQL where every person signs in with their own database login.

Login roles are cluster-wide, and other test sessions share the server: each session makes its
own logins, suffixed with its database's name, and drops them afterwards. The three group roles
(vidtask_specialist, …) are shared by design and left in place (NOLOGIN; their privileges live
in the per-session databases, which are dropped).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from tests.conftest import _empty_postgres
from vidtask.db.engine import Database
from vidtask.domain.enums import Role
from vidtask.services import participants, sprints
from vidtask.services.series import NewSeries, create_series, list_series
from vidtask.services.users import add_user, initialise_roles

PEOPLE = (("admin", Role.ADMIN), ("cora", Role.COORDINATOR), ("cody", Role.COORDINATOR),
          ("anna", Role.SPECIALIST), ("bert", Role.SPECIALIST))
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


@dataclass
class Room:
    """The maintenance (owner) connection, one Database per person, and three series."""

    owner: Database
    logins: dict[str, str]
    dbs: dict[str, Database] = field(default_factory=dict)
    sprint_id: int = 0
    series_ids: list[int] = field(default_factory=list)

    def db(self, short: str) -> Database:
        return self.dbs[short]

    def login(self, short: str) -> str:
        return self.logins[short]


@pytest.fixture
def room(pg_only: None, room_logins: Logins) -> Iterator[Room]:
    owner = Database(room_logins.url)
    _empty_postgres(owner)
    names = room_logins.names
    participants.add_participant(owner, None, names["admin"], "Ada Admin", role=Role.ADMIN,
                                 agency="Europol")
    for short, role in PEOPLE[1:]:
        participants.add_participant(owner, names["admin"], names[short], short.title(),
                                     role=role, agency="police", country="NL")
    sprint, _ = sprints.create_sprint(owner, names["admin"], "Room sprint", date(2026, 6, 1),
                                      date(2026, 6, 12))
    create_series(owner, names["admin"], sprint.id,
                  [NewSeries(code=f"S-{n:03d}", media=[{"md5": f"{n:032x}"}]) for n in (1, 2, 3)])
    room = Room(owner, names, sprint_id=sprint.id,
                series_ids=[r.id for r in list_series(owner, sprint.id)])
    base = make_url(room_logins.url)
    for short, login in names.items():
        room.dbs[short] = Database(base.set(username=login, password=None)
                                   .render_as_string(hide_password=False))
    yield room
    for database in room.dbs.values():
        database.dispose()
    owner.dispose()
