"""Participants: the specialists, coordinators and admins of a sprint."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from sqlalchemy import func, select

from vidtask.db.engine import Database
from vidtask.db.models import Participant
from vidtask.db.roles import signed_in
from vidtask.domain.changes import Changes
from vidtask.domain.countries_basic import normalize_country_code
from vidtask.domain.enums import Role
from vidtask.domain.errors import InvalidInput, NotFound, VidtaskError
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


#: Why the first person is an admin, for the sentence that tells them.
FIRST_PERSON_IS_ADMIN = "the first person in a database becomes its admin (nobody else could " \
                        "add people)"


def add_participant(db: Database, actor: str | None, login: str, display_name: str, *,
                    role: Role | str | None = None, agency: str = "",
                    country: str | None = None, languages: tuple[str, ...] = ()
                    ) -> tuple[ParticipantInfo, Changes]:
    """Add a person (admins). `role=None`: a specialist, except that the first person in an
    empty database becomes its admin (the caller tells them: `info.role` is then ADMIN).

    `actor=None` (nobody named) is allowed only for that first person, and on PostgreSQL for
    the maintenance login (table owner or superuser), which sets up rooms.
    """
    spec = clean_participant(login, display_name, role or Role.SPECIALIST, agency=agency,
                             country=country, languages=languages)
    with write_tx(db, actor) as tx:
        info = add_participant_in(tx, spec, role_given=role is not None)
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


def add_participant_in(tx: WriteTx, spec: NewParticipant, *, role_given: bool = True
                       ) -> ParticipantInfo:
    """Insert the participant row inside an open transaction (also used by `users.add_user`).

    The first person in an empty database becomes its admin. Nobody named (`tx.actor` None)
    may add only that first person, except the PostgreSQL maintenance login.
    """
    empty = not tx.session.scalar(select(func.count()).select_from(Participant))
    maintenance = _is_maintenance(tx)
    if tx.actor is not None:
        tx.require(Action.MANAGE_PARTICIPANTS)
    elif not empty and not maintenance:
        raise VidtaskError("Once anyone exists, only an admin adds people; name the admin "
                           "who adds this person.")
    if empty and spec.role is not Role.ADMIN and not (role_given and maintenance):
        if role_given:
            raise InvalidInput("role", f"{FIRST_PERSON_IS_ADMIN}, so add {spec.login} as "
                                       "admin first and the others after")
        spec = replace(spec, role=Role.ADMIN)
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


def _is_maintenance(tx: WriteTx) -> bool:
    """PostgreSQL's table owner or a superuser (may set up rooms without naming anyone)."""
    identity = signed_in(tx.db, tx.session)
    return identity is not None and identity.maintenance


def is_empty(db: Database) -> bool:
    """Nobody registered yet: the next person added becomes the admin."""
    with db.read() as session:
        return not session.scalar(select(func.count()).select_from(Participant))


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
