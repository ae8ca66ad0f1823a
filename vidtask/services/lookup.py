"""Names to ids for every command's first step (the sprint, a series by code), ORM-free.

Core queries on `vidtask.db.core_tables`, so a short command does not pay for the models.
The errors are the ones `sprints.find_sprint` and `series.series_id_by_code` raise.
"""

from __future__ import annotations

from sqlalchemy import select

from vidtask.db.core_tables import series, sprints
from vidtask.db.engine import Database
from vidtask.domain.errors import NotFound


def sprint_id_by_name(db: Database, name: str | None = None) -> int:
    """The named sprint's id, or the most recent sprint's when no name is given."""
    query = select(sprints.c.id)
    query = (query.where(sprints.c.name == name) if name
             else query.order_by(sprints.c.starts_on.desc(), sprints.c.id.desc()).limit(1))
    with db.engine.connect() as connection:
        found = connection.scalar(query)
    if found is None:
        if name:
            raise NotFound("sprint", repr(name))
        raise NotFound("sprint", "yet (run `vidtask demo` or create one)")
    return int(found)


def series_id_by_code(db: Database, sprint_id: int, code: str) -> int:
    with db.engine.connect() as connection:
        found = connection.scalar(select(series.c.id).where(series.c.sprint_id == sprint_id,
                                                            series.c.code == code))
    if found is None:
        raise NotFound("series", repr(code))
    return int(found)
