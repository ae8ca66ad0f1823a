"""What the first-start dialog reads and does, run off the GUI thread by its `OpRunner`: the
sprints and people to choose from (and who the database says this login is), and the chosen
identity resolved — the person picked or registered, the sprint chosen or created.

Pure service calls on plain values: the dialog gathers the fields first (`Choice`) and shows
the answer when it arrives.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from vidtask.db.engine import Database
from vidtask.db.roles import SignedIn
from vidtask.domain.enums import Role
from vidtask.domain.errors import InvalidInput, NotFound
from vidtask.services import participants, sprints
from vidtask.services.participants import ParticipantInfo
from vidtask.services.sprints import SprintInfo
from vidtask.ui.remembered_identity import NotAParticipant, signed_in_as


@dataclass(frozen=True, slots=True)
class FirstStart:
    """What the dialog offers: who the database says you are, every sprint, every person."""

    signed_in: SignedIn | None
    sprints: list[SprintInfo]
    people: list[ParticipantInfo]


def read_first_start(db: Database) -> FirstStart:
    return FirstStart(signed_in_as(db), sprints.list_sprints(db),
                      participants.list_participants(db))


@dataclass(frozen=True, slots=True)
class Registration:
    """The first person in an empty database (they become its administrator)."""

    login: str
    name: str
    agency: str


@dataclass(frozen=True, slots=True)
class NewSprint:
    name: str
    starts_on: date
    ends_on: date


@dataclass(frozen=True, slots=True)
class Choice:
    """The dialog's fields when Start was pressed."""

    picked_login: str | None = None
    registration: Registration | None = None
    new_sprint: NewSprint | None = None
    sprint_name: str | None = None


@dataclass(frozen=True, slots=True)
class Resolved:
    me: ParticipantInfo
    sprint: SprintInfo
    #: Said to the person once the window opens ("…so you are its administrator").
    note: str = ""


def resolve_identity(db: Database, signed_in: SignedIn | None, choice: Choice) -> Resolved:
    """The person first (registering them if asked), then the sprint (creating it if named)."""
    me, note = _person(db, signed_in, choice)
    if choice.new_sprint is not None:
        new = choice.new_sprint
        sprint, _ = sprints.create_sprint(db, me.login, new.name, new.starts_on, new.ends_on)
        return Resolved(me, sprint, note)
    if not choice.sprint_name:
        raise InvalidInput("sprint", "create a sprint (name and dates) or load the demo")
    return Resolved(me, sprints.find_sprint(db, choice.sprint_name), note)


def _person(db: Database, signed_in: SignedIn | None, choice: Choice
            ) -> tuple[ParticipantInfo, str]:
    if signed_in is not None and not signed_in.maintenance:
        try:
            return participants.get_participant(db, signed_in.login), ""
        except NotFound:
            raise NotAParticipant(signed_in.login) from None
    new = choice.registration
    if new is None:
        if not choice.picked_login:
            raise InvalidInput("you", "choose yourself in the list (type to search)")
        return participants.get_participant(db, choice.picked_login), ""
    # Nobody named: allowed only for the first person, who becomes the admin (told so).
    person, _ = participants.add_participant(db, None, new.login, new.name, agency=new.agency)
    note = ""
    if person.role is Role.ADMIN:
        note = (f"Welcome, {person.display_name}: you are the first person in this database, "
                "so you are its administrator.")
    return person, note
