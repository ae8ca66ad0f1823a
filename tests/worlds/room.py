"""A sprint room on PostgreSQL where every person signs in with their own database login
(the fixtures that make the logins and hand out a room: tests/db/security/conftest.py)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy.engine import make_url

from vidtask.db.engine import Database
from vidtask.domain.enums import Role
from vidtask.services import participants, sprints
from vidtask.services.series import NewSeries, create_series, list_series

PEOPLE = (("admin", Role.ADMIN), ("cora", Role.COORDINATOR), ("cody", Role.COORDINATOR),
          ("anna", Role.SPECIALIST), ("bert", Role.SPECIALIST))


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


def build_room(owner: Database, url: str, names: dict[str, str]) -> Room:
    """The people of PEOPLE (signed in as `names`), a sprint and three series, made by the
    maintenance connection `owner`; one Database per person on `url` with their login."""
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
    base = make_url(url)
    for short, login in names.items():
        room.dbs[short] = Database(base.set(username=login, password=None)
                                   .render_as_string(hide_password=False))
    return room
