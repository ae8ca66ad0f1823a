"""Participants: the specialists, coordinators and admins of a sprint."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import func, select

from vidtask.db.engine import Database
from vidtask.db.models import Participant
from vidtask.domain.changes import Changes
from vidtask.domain.countries_basic import normalize_country_code
from vidtask.domain.enums import Role
from vidtask.domain.errors import InvalidInput, NotFound
from vidtask.domain.limits import checked
from vidtask.domain.permissions import Action
from vidtask.services.tx import WriteTx, write_tx

LOGIN_PATTERN = re.compile(r"^[a-z][a-z0-9_.-]{1,62}$")


@dataclass(frozen=True, slots=True)
class ParticipantInfo:
    id: int
    login: str
    display_name: str
    agency: str
    country: str | None
    languages: tuple[str, ...]
    role: Role
    active: bool


def _info(p: Participant) -> ParticipantInfo:
    return ParticipantInfo(p.id, p.login, p.display_name, p.agency, p.country,
                           tuple(p.languages or ()), Role(p.role), p.active)


def add_participant(db: Database, actor: str | None, login: str, display_name: str, *,
                    role: Role | str = Role.SPECIALIST, agency: str = "",
                    country: str | None = None, languages: tuple[str, ...] = ()
                    ) -> tuple[ParticipantInfo, Changes]:
    """Add a person. `actor=None` only while the database has nobody yet (first start)."""
    spec = clean_participant(login, display_name, role, agency=agency, country=country,
                             languages=languages)
    with write_tx(db, actor) as tx:
        info = add_participant_in(tx, spec, bootstrap=actor is None)
    return info, tx.changes


@dataclass(frozen=True, slots=True)
class NewParticipant:
    login: str
    display_name: str
    role: Role
    agency: str
    country: str | None
    languages: tuple[str, ...]


def clean_participant(login: str, display_name: str, role: Role | str, *, agency: str = "",
                      country: str | None = None, languages: tuple[str, ...] = ()
                      ) -> NewParticipant:
    """Validate a new person's details; raise InvalidInput naming the field."""
    login = login.strip().lower()
    if not LOGIN_PATTERN.match(login):
        raise InvalidInput("login", "use 2–63 lower-case letters, digits, '.', '_' or '-', "
                                    "starting with a letter")
    if not display_name.strip():
        raise InvalidInput("display name", "must not be empty")
    checked("participants", "display_name", display_name.strip())
    checked("participants", "agency", agency)
    try:
        role = Role(role)
    except ValueError:
        raise InvalidInput("role", f"must be one of {', '.join(r.value for r in Role)}") from None
    code = normalize_country_code(country) if country else None
    return NewParticipant(login, display_name.strip(), role, agency, code, tuple(languages))


def add_participant_in(tx: WriteTx, spec: NewParticipant, *, bootstrap: bool = False
                       ) -> ParticipantInfo:
    """Insert the participant row inside an open transaction (also used by `users.add_user`)."""
    if not bootstrap:
        tx.require(Action.MANAGE_PARTICIPANTS)
    elif tx.session.scalar(select(func.count()).select_from(Participant)):
        # Bootstrap without an actor is only for the very first person.
        raise InvalidInput("actor", "an admin must add participants once anyone exists")
    if tx.session.scalar(select(Participant.id).where(Participant.login == spec.login)):
        raise InvalidInput("login", f"{spec.login!r} is already taken")
    person = Participant(login=spec.login, display_name=spec.display_name, agency=spec.agency,
                         country=spec.country, languages=list(spec.languages),
                         role=spec.role.value, active=True, created_at=tx.now)
    tx.session.add(person)
    tx.session.flush()
    tx.emit("participant.added", "participant", person.id,
            after={"login": spec.login, "role": spec.role.value, "agency": spec.agency})
    return _info(person)


def list_participants(db: Database) -> list[ParticipantInfo]:
    with db.read() as session:
        return [_info(p) for p in session.scalars(select(Participant).order_by(
            Participant.display_name))]


def get_participant(db: Database, login: str) -> ParticipantInfo:
    with db.read() as session:
        person = session.scalar(select(Participant).where(Participant.login == login))
        if person is None:
            raise NotFound("participant", login)
        return _info(person)
