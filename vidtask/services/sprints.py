"""Sprints: create one, find the current one."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from vidtask.db.engine import Database
from vidtask.db.models import Sprint
from vidtask.domain.changes import Changes
from vidtask.domain.enums import HandlingCode
from vidtask.domain.errors import InvalidInput, NotFound
from vidtask.domain.permissions import Action
from vidtask.services.tx import write_tx


@dataclass(frozen=True, slots=True)
class SprintInfo:
    id: int
    name: str
    starts_on: date
    ends_on: date
    lease_minutes: int
    default_handling: str
    issuing_unit: str
    contact_name: str
    contact_email: str
    contact_phone: str


def _info(sprint: Sprint) -> SprintInfo:
    return SprintInfo(sprint.id, sprint.name, sprint.starts_on, sprint.ends_on,
                      sprint.lease_minutes, sprint.default_handling, sprint.issuing_unit,
                      sprint.contact_name, sprint.contact_email, sprint.contact_phone)


def create_sprint(db: Database, actor: str | None, name: str, starts_on: date, ends_on: date, *,
                  lease_minutes: int = 120, default_handling: str = "H0",
                  issuing_unit: str = "", contact_name: str = "", contact_email: str = "",
                  contact_phone: str = "") -> tuple[SprintInfo, Changes]:
    name = name.strip()
    if not name:
        raise InvalidInput("sprint name", "must not be empty")
    if ends_on < starts_on:
        raise InvalidInput("sprint dates", "the end date is before the start date")
    if not 5 <= lease_minutes <= 24 * 60:
        raise InvalidInput("lease", "must be between 5 minutes and 24 hours")
    handling = HandlingCode(default_handling)
    with write_tx(db, actor, Action.CREATE_SPRINT) as tx:
        if tx.session.scalar(select(Sprint.id).where(Sprint.name == name)) is not None:
            raise InvalidInput("sprint name", f"a sprint called {name!r} already exists")
        sprint = Sprint(name=name, starts_on=starts_on, ends_on=ends_on,
                        lease_minutes=lease_minutes, default_handling=handling.value,
                        issuing_unit=issuing_unit, contact_name=contact_name,
                        contact_email=contact_email, contact_phone=contact_phone,
                        created_at=tx.now)
        tx.session.add(sprint)
        tx.session.flush()
        tx.emit("sprint.created", "sprint", sprint.id, sprint_id=sprint.id,
                after={"name": name, "starts_on": starts_on, "ends_on": ends_on})
        info = _info(sprint)
    return info, tx.changes


def list_sprints(db: Database) -> list[SprintInfo]:
    with db.read() as session:
        return [_info(s) for s in session.scalars(select(Sprint).order_by(Sprint.starts_on.desc(),
                                                                           Sprint.id.desc()))]


def find_sprint(db: Database, name: str | None = None) -> SprintInfo:
    """The named sprint, or the most recent one when no name is given."""
    with db.read() as session:
        query = select(Sprint)
        query = (query.where(Sprint.name == name) if name
                 else query.order_by(Sprint.starts_on.desc(), Sprint.id.desc()).limit(1))
        sprint = session.scalar(query)
        if sprint is None:
            if name:
                raise NotFound("sprint", repr(name))
            raise NotFound("sprint", "yet (run `vidtask demo` or create one)")
        return _info(sprint)
