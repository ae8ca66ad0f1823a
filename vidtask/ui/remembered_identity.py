"""Who is working, remembered between starts: the login in the config file (`identity`, shared
with the CLI; SQLite only) and the sprint name in QSettings, so the next start goes straight to
the board. On PostgreSQL the signed-in login is who you are, whatever was remembered.

These run before any window exists (the application's start); the first-start dialog reads
through `identity_choice` on its runner instead.
"""

from __future__ import annotations

from PySide6.QtCore import QSettings

from vidtask.config import remove_config_value, write_config_value
from vidtask.db.engine import Database
from vidtask.db.roles import SignedIn
from vidtask.domain.errors import NotFound, VidtaskError
from vidtask.services import participants, sprints
from vidtask.services.participants import ParticipantInfo
from vidtask.services.sprints import SprintInfo

SPRINT_KEY = "identity/sprint"


def signed_in_as(db: Database) -> SignedIn | None:
    """PostgreSQL: who the database says this connection is. SQLite: None."""
    from vidtask.db.roles import signed_in

    if not db.is_postgresql:
        return None
    with db.read() as session:
        return signed_in(db, session)


class NotAParticipant(VidtaskError):
    """A PostgreSQL login with no participant row (the desktop's sentence: no CLI command)."""

    def __init__(self, login: str) -> None:
        super().__init__(f"Your database login {login} is not a participant of this sprint "
                         "database yet; ask an administrator of the sprint to add you.")
        self.login = login


def identity_login(db: Database, remembered_login: str | None) -> str | None:
    """Whose window opens: PostgreSQL's personal login (whatever was remembered), else the
    remembered SQLite identity. The maintenance login acts for whoever it picked."""
    me = signed_in_as(db)
    if me is None or me.maintenance:
        return remembered_login
    return me.login


def remembered(db: Database, login: str | None, settings: QSettings
               ) -> tuple[ParticipantInfo, SprintInfo] | None:
    """The remembered person and sprint, if both still exist.

    On PostgreSQL a personal login is the person, whatever `login` says; NotAParticipant when
    that login has no participant row.
    """
    me_signed_in = signed_in_as(db)
    if me_signed_in is not None and not me_signed_in.maintenance:
        try:
            person = participants.get_participant(db, me_signed_in.login)
        except NotFound:
            raise NotAParticipant(me_signed_in.login) from None
        if not person.active:
            raise VidtaskError(f"Your database login {person.login} is deactivated in this "
                               "sprint database; ask an administrator of the sprint.")
        login = me_signed_in.login
    if not login:
        return None
    try:
        me = participants.get_participant(db, login)
        name = settings.value(SPRINT_KEY)
        try:
            sprint = sprints.find_sprint(db, str(name) if name else None)
        except NotFound:
            sprint = sprints.find_sprint(db)
    except NotFound:
        return None
    return (me, sprint) if me.active else None


def remember(me: ParticipantInfo, sprint: SprintInfo, settings: QSettings,
             db: Database | None = None) -> None:
    """Remember the sprint; on SQLite also the person (PostgreSQL: the login says it)."""
    if db is None or not db.is_postgresql:
        write_config_value("identity", me.login)
    settings.setValue(SPRINT_KEY, sprint.name)


def forget_identity() -> None:
    """Sign out (SQLite): the next start asks who is working."""
    remove_config_value("identity")
