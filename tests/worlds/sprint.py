"""The small sprint most tests start from: an admin, two coordinators, three specialists."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from vidtask.db.engine import Database

#: A sprint's issuer settings (packets are refused without them).
TEST_ISSUER = {"organiser": "Test Taskforce Office", "issuing_unit": "Test VID Unit",
               "contact_name": "Test Desk", "contact_email": "desk@test.invalid",
               "contact_phone": "+99 1234 5678"}


@dataclass
class World:
    """A small sprint: an admin, two coordinators, three specialists, N series."""

    db: Database
    sprint_id: int
    series_ids: list[int] = field(default_factory=list)
    codes: list[str] = field(default_factory=list)


def build_world(db: Database, *, series: int = 3, media_per_series: int = 2) -> World:
    from vidtask.services import participants, sprints
    from vidtask.services.series import NewSeries, create_series, list_series

    participants.add_participant(db, None, "admin", "Ada Admin", role="admin", agency="Europol")
    for login, name, role, country in (
            ("cora", "Cora Coordinator", "coordinator", "NL"),
            ("cody", "Cody Coordinator", "coordinator", "BE"),
            ("anna", "Anna Specialist", "specialist", "DE"),
            ("bert", "Bert Specialist", "specialist", "FR"),
            ("dmytro", "Dmytro Specialist", "specialist", "UA")):
        participants.add_participant(db, "admin", login, name, role=role, country=country,
                                     agency=f"{country} police")
    sprint, _ = sprints.create_sprint(db, "admin", "Test sprint", date(2026, 6, 1),
                                      date(2026, 6, 12), **TEST_ISSUER)
    specs = [NewSeries(code=f"S-{n:03d}", alias=f"Alias {n}", media=[
        {"md5": f"{n:08x}{m:024x}", "sha1": None, "category_code": 1,
         "category_scheme": "VICS-US", "victim_identified": m == 0 and n == 1}
        for m in range(media_per_series)]) for n in range(1, series + 1)]
    create_series(db, "admin", sprint.id, specs)
    rows = list_series(db, sprint.id)
    return World(db, sprint.id, [r.id for r in rows], [r.code for r in rows])
