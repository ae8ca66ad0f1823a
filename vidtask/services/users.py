"""People as PostgreSQL logins: set up the group roles, add a person with their own login.

`add_user` creates the LOGIN role and the participant row in one transaction (PostgreSQL DDL is
transactional), so a failure leaves neither behind. Both need a connection allowed to create
roles: the table owner/maintenance login, or an admin login given CREATEROLE.
"""

from __future__ import annotations

from sqlalchemy import text

from vidtask.db.engine import Database
from vidtask.db.roles import (
    GROUP_OF_ROLE,
    RolesError,
    can_create_roles,
    create_login,
    init_roles,
    login_exists,
)
from vidtask.domain.changes import Changes
from vidtask.domain.errors import DatabaseRefused, InvalidInput
from vidtask.domain.permissions import Action
from vidtask.services.participants import (
    ParticipantInfo,
    add_participant_in,
    clean_participant,
)
from vidtask.services.tx import write_tx

MIN_PASSWORD_LENGTH = 12


class NeedsPostgreSQL(InvalidInput):
    def __init__(self, what: str) -> None:
        super().__init__("database", f"{what} needs PostgreSQL; SQLite mode has no logins "
                                     "(it trusts everyone who can open the file)")


def initialise_roles(db: Database, actor: str | None) -> Changes:
    """Create vidtask_specialist/_coordinator/_admin and grant table privileges (idempotent)."""
    if not db.is_postgresql:
        raise NeedsPostgreSQL("init-roles")
    with write_tx(db, actor, Action.MANAGE_PARTICIPANTS) as tx:
        try:
            init_roles(tx.session.connection())
        except RolesError as refused:
            raise DatabaseRefused(str(refused)) from None
        tx.emit("roles.initialised", "database", None,
                after={"groups": sorted(GROUP_OF_ROLE.values())})
    return tx.changes


def add_user(db: Database, actor: str | None, login: str, password: str, *, role: str,
             agency: str, country: str | None, display_name: str | None = None,
             languages: tuple[str, ...] = ()) -> tuple[ParticipantInfo, Changes]:
    """Create `login` as a PostgreSQL LOGIN role in its role's group, and its participant row."""
    if not db.is_postgresql:
        raise NeedsPostgreSQL("user add")
    spec = clean_participant(login, display_name or login, role, agency=agency, country=country,
                             languages=languages)
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInput("password", f"use at least {MIN_PASSWORD_LENGTH} characters")
    with write_tx(db, actor) as tx:
        connection = tx.session.connection()
        # Before anything is sent that carries the password's verifier (see create_login).
        if not can_create_roles(connection):
            raise DatabaseRefused("creating database logins needs CREATEROLE, which this "
                                  "login does not have; run `vidtask user add` as the "
                                  "maintenance login")
        if login_exists(connection, spec.login):
            raise InvalidInput("login", f"a database role {spec.login!r} already exists")
        group = GROUP_OF_ROLE[spec.role]
        if not connection.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :g"),
                                  {"g": group}).scalar():
            raise InvalidInput("roles", "run `vidtask db init-roles` first")
        info = add_participant_in(tx, spec)
        create_login(connection, spec.login, password, spec.role)
    return info, tx.changes
