"""PostgreSQL group roles and table privileges: who may touch which table at all.

Three NOLOGIN group roles hold the privileges; each person signs in with their own LOGIN role
that is a member of one group. Row-level rules (whose clue, whose claim, who confirms) live in
migration 0002_security and key on `session_user`, so they never name these cluster-wide roles.
Run `init_roles` as the owner of the tables (or a superuser); it is idempotent, and safe when
several databases on one server run it at once.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass

from sqlalchemy import Connection, text
from sqlalchemy.orm import Session

from vidtask.db.engine import Database
from vidtask.domain.enums import Role

SPECIALIST_GROUP = "vidtask_specialist"
COORDINATOR_GROUP = "vidtask_coordinator"
ADMIN_GROUP = "vidtask_admin"
GROUP_OF_ROLE: dict[Role, str] = {Role.SPECIALIST: SPECIALIST_GROUP,
                                  Role.COORDINATOR: COORDINATOR_GROUP, Role.ADMIN: ADMIN_GROUP}
ALL_GROUPS = (SPECIALIST_GROUP, COORDINATOR_GROUP, ADMIN_GROUP)
LEADS = (COORDINATOR_GROUP, ADMIN_GROUP)

_SPECIALIST_SERIES_COLUMNS = ("status", "claimed_by_id", "claimed_at", "claim_expires_at",
                              "proposed_by_id", "proposed_at", "updated_at", "version")
_CLUE_EDIT_COLUMNS = ("category", "description", "kind", "value", "evidence_md5",
                      "evidence_time", "evidence_region", "confidence", "supports", "excludes",
                      "handling", "updated_at", "updated_by_id", "version")
_SPECIALIST_ASSESSMENT_COLUMNS = ("rank", "confidence", "rationale", "author_id", "updated_at",
                                  "version")

#: (privilege, table, groups). SELECT on every table and sequence use go to all groups.
WRITE_GRANTS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("UPDATE", "change_counter", ALL_GROUPS),
    ("INSERT", "events", ALL_GROUPS),  # never UPDATE, DELETE or TRUNCATE: append-only
    ("INSERT, UPDATE, DELETE", "participants", (ADMIN_GROUP,)),
    ("INSERT, UPDATE, DELETE", "sprints", (ADMIN_GROUP,)),
    # private packet-signing keys: row-level security shows them to leads only (0006)
    ("INSERT, UPDATE", "sprint_signing_keys", (ADMIN_GROUP,)),
    ("INSERT, UPDATE, DELETE", "series", LEADS),
    (f"UPDATE ({', '.join(_SPECIALIST_SERIES_COLUMNS)})", "series", (SPECIALIST_GROUP,)),
    ("INSERT, UPDATE, DELETE", "media", LEADS),
    ("INSERT, UPDATE, DELETE", "intake_cases", LEADS),  # case headers, written with media
    ("INSERT, UPDATE, DELETE", "series_links", LEADS),
    ("INSERT, DELETE", "clues", ALL_GROUPS),  # row-level security: only on series you hold
    (f"UPDATE ({', '.join(_CLUE_EDIT_COLUMNS)})", "clues", ALL_GROUPS),
    ("INSERT, DELETE", "country_assessments", ALL_GROUPS),
    (f"UPDATE ({', '.join(_SPECIALIST_ASSESSMENT_COLUMNS)})", "country_assessments",
     (SPECIALIST_GROUP,)),
    ("UPDATE", "country_assessments", LEADS),
    ("INSERT", "comments", ALL_GROUPS),
    ("INSERT, UPDATE, DELETE", "packets", LEADS),
    ("INSERT, UPDATE, DELETE", "country_feedback", LEADS),
    # appeals and tips: the guard triggers of 0007 decide which step and column (four-eyes)
    ("INSERT, UPDATE", "appeal_objects", ALL_GROUPS),
    ("INSERT, UPDATE", "tips", ALL_GROUPS),
    # a tipster's contact: anyone recording a tip adds it; row rules show it to leads only
    ("INSERT", "tip_contacts", ALL_GROUPS),
    ("UPDATE, DELETE", "tip_contacts", LEADS),
    ("INSERT, UPDATE, DELETE", "presence", ALL_GROUPS),
)

#: (table, groups) that lose the SELECT every group gets: row rules hide the rows as well.
READ_REVOKES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("tip_contacts", (SPECIALIST_GROUP,)),
)


def _create_group_sql(name: str) -> str:
    # CREATE ROLE has no IF NOT EXISTS; two databases initialising at once may race on the name.
    return (f"DO $$ BEGIN CREATE ROLE {name} NOLOGIN; "
            "EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$")


def init_roles(connection: Connection) -> list[str]:
    """Create the group roles (if missing) and (re)grant every table privilege. Returns the SQL."""
    statements = [_create_group_sql(group) for group in ALL_GROUPS]
    groups = ", ".join(ALL_GROUPS)
    database = connection.execute(text("SELECT current_database()")).scalar_one()
    schema = connection.execute(text("SELECT current_schema()")).scalar_one()
    statements += [
        f'GRANT CONNECT ON DATABASE "{database}" TO {groups}',
        f'GRANT USAGE ON SCHEMA "{schema}" TO {groups}',
        f'REVOKE ALL ON ALL TABLES IN SCHEMA "{schema}" FROM {groups}',
        f'GRANT SELECT ON ALL TABLES IN SCHEMA "{schema}" TO {groups}',
        f'GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA "{schema}" TO {groups}',
        f'ALTER DEFAULT PRIVILEGES IN SCHEMA "{schema}" GRANT SELECT ON TABLES TO {groups}',
        f'ALTER DEFAULT PRIVILEGES IN SCHEMA "{schema}" GRANT USAGE, SELECT ON SEQUENCES '
        f"TO {groups}",
    ]
    statements += [f"GRANT {privilege} ON {table} TO {', '.join(to)}"
                   for privilege, table, to in WRITE_GRANTS]
    statements += [f"REVOKE SELECT ON {table} FROM {', '.join(to)}"
                   for table, to in READ_REVOKES]
    statements.append(f"REVOKE UPDATE, DELETE, TRUNCATE ON events FROM PUBLIC, {groups}")
    for statement in statements:
        connection.execute(text(statement))
    return statements


def create_login(connection: Connection, login: str, password: str, role: Role) -> None:
    """Create a LOGIN role in `role`'s group. The password leaves this process only as a SCRAM
    verifier, so it never appears in server logs or `pg_stat_activity`."""
    import psycopg
    from psycopg import sql

    raw = connection.connection.dbapi_connection
    assert isinstance(raw, psycopg.Connection)
    verifier = raw.pgconn.encrypt_password(
        password.encode(), login.encode(), b"scram-sha-256").decode()
    statement = sql.SQL("CREATE ROLE {} LOGIN PASSWORD {}; GRANT {} TO {}").format(
        sql.Identifier(login), sql.Literal(verifier), sql.Identifier(GROUP_OF_ROLE[role]),
        sql.Identifier(login))
    connection.exec_driver_sql(statement.as_string(raw))


def login_exists(connection: Connection, login: str) -> bool:
    return bool(connection.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :n"),
                                   {"n": login}).scalar())


@dataclass(frozen=True, slots=True)
class SignedIn:
    """Who the database says this connection is; `maintenance` = table owner or superuser."""

    login: str
    maintenance: bool


_IDENTITY: weakref.WeakKeyDictionary[Database, SignedIn] = weakref.WeakKeyDictionary()


def signed_in(db: Database, session: Session) -> SignedIn | None:
    """PostgreSQL: the session's login (one per `Database`, so cached). SQLite: None."""
    if not db.is_postgresql:
        return None
    known = _IDENTITY.get(db)
    if known is None:
        login, maintenance = session.execute(
            text("SELECT session_user, vidtask_is_maintenance()")).one()
        known = _IDENTITY[db] = SignedIn(str(login), bool(maintenance))
    return known
