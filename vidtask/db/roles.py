"""PostgreSQL group roles and table privileges: who may touch which table at all.

Three NOLOGIN group roles hold the privileges; each person signs in with their own LOGIN role
that is a member of one group. Row-level rules (whose clue, whose claim, who confirms) live in
migration 0002_security and key on `session_user`, so they never name these cluster-wide roles.
Run `init_roles` as the owner of the tables (or a superuser); it is idempotent, and safe when
several databases on one server run it at once.

Nobody but the owner writes `change_counter` or `events` directly: events are appended through
the SECURITY DEFINER function `vidtask_append_events` (migration 0003). Temporary tables are
revoked from PUBLIC (a temp table named like a real one was how a SECURITY DEFINER function
could be fooled before its search_path was pinned). Every personal login gets `LOGIN_SETTINGS`
(lock, statement and idle-in-transaction timeouts, server-side TCP keepalives): `ALTER ROLE
group SET` would not reach the group's members, so they are set per login, by `create_login`
for new ones and by `init_roles` for those that exist.

The advisory-lock functions that take a bigint key are revoked from PUBLIC and granted to the
owner of the tables (`advisory_lock_statements`, needs a superuser): an appending transaction
locks a predictable key, and a login that took those keys in advance stopped every write in
the room (migration 0009).
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


#: Functions the groups may call (besides the helpers PUBLIC may call).
GROUP_FUNCTIONS = ("vidtask_append_events(jsonb)", "vidtask_end_stalled_sessions(interval)")

#: Per-login settings: a stalled desktop or a forgotten open transaction releases its locks in
#: seconds, not when the client dies (the server's default TCP keepalive is two hours).
#: The server's keepalives notice a vanished desktop after ~5 + 3 × 2 s.
LOGIN_SETTINGS: tuple[tuple[str, str], ...] = (
    ("lock_timeout", "30s"),
    ("statement_timeout", "30s"),
    ("idle_in_transaction_session_timeout", "30s"),
    ("tcp_keepalives_idle", "5"),
    ("tcp_keepalives_interval", "2"),
    ("tcp_keepalives_count", "3"),
)
#: PostgreSQL 14+: also notice a vanished client while a statement runs.
LOGIN_SETTINGS_14 = (("client_connection_check_interval", "5s"),)


class RolesError(Exception):
    """Setting up roles or logins is not possible with this connection (one sentence)."""


def can_create_roles(connection: Connection) -> bool:
    """Does the signed-in role hold CREATEROLE (or superuser)? Checked before any statement
    that carries a password verifier is sent, so none fails in the server log."""
    return bool(connection.execute(text(
        "SELECT rolcreaterole OR rolsuper FROM pg_roles WHERE rolname = current_user"
    )).scalar())


def login_settings(connection: Connection) -> tuple[tuple[str, str], ...]:
    version = int(connection.execute(text("SHOW server_version_num")).scalar_one())
    return LOGIN_SETTINGS + (LOGIN_SETTINGS_14 if version >= 140000 else ())


def _login_settings_sql(login: str, settings: tuple[tuple[str, str], ...]) -> list[str]:
    quoted = '"' + login.replace('"', '""') + '"'
    return [f"ALTER ROLE {quoted} SET {name} = '{value}'" for name, value in settings]


def member_logins(connection: Connection) -> list[str]:
    """The LOGIN roles that belong to a vidtask group: the personal logins."""
    return list(connection.execute(text(
        "SELECT DISTINCT m.rolname FROM pg_auth_members a "
        "JOIN pg_roles g ON g.oid = a.roleid JOIN pg_roles m ON m.oid = a.member "
        "WHERE g.rolname = ANY(:groups) AND m.rolcanlogin AND NOT m.rolsuper ORDER BY 1"),
        {"groups": list(ALL_GROUPS)}).scalars())


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
    statements += [
        f"REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON events FROM PUBLIC, {groups}",
        f"REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON change_counter FROM PUBLIC, {groups}",
        # A temp table named like a real one fooled unpinned SECURITY DEFINER functions;
        # the app never needs temporary tables on PostgreSQL.
        f'REVOKE TEMPORARY ON DATABASE "{database}" FROM PUBLIC, {groups}',
        f'REVOKE CREATE ON SCHEMA "{schema}" FROM PUBLIC, {groups}',
    ]
    for function in GROUP_FUNCTIONS:
        statements += [f'REVOKE ALL ON FUNCTION "{schema}".{function} FROM PUBLIC',
                       f'GRANT EXECUTE ON FUNCTION "{schema}".{function} TO {groups}']
    logins = member_logins(connection)
    if logins and not can_create_roles(connection):
        raise RolesError("setting the timeouts of existing logins needs CREATEROLE; run "
                         "`vidtask db init-roles` as a superuser or a role with CREATEROLE")
    settings = login_settings(connection)
    for login in logins:
        statements += _login_settings_sql(login, settings)
    statements += _watchdog_privileges(connection)
    statements += advisory_lock_statements(connection)
    for statement in statements:
        connection.execute(text(statement))
    return statements


def _watchdog_privileges(connection: Connection) -> list[str]:
    """`vidtask_end_stalled_sessions` runs as the owner of the tables: it needs to see other
    sessions and end them. A superuser running init-roles grants that to a non-superuser owner."""
    owner, owner_super, me_super = connection.execute(text(
        "SELECT r.rolname, r.rolsuper, (SELECT rolsuper FROM pg_roles WHERE rolname = "
        "current_user) FROM pg_class c JOIN pg_roles r ON r.oid = c.relowner "
        "WHERE c.oid = 'events'::regclass")).one()
    if owner_super or not me_super:
        return []
    quoted = '"' + str(owner).replace('"', '""') + '"'
    return [f"GRANT pg_signal_backend, pg_read_all_stats TO {quoted}"]


#: The advisory-lock functions that take (or wait for) a bigint key: appenders' keys live there.
ADVISORY_LOCKERS = tuple(f"pg_catalog.{name}(bigint)" for name in (
    "pg_advisory_lock", "pg_advisory_lock_shared", "pg_advisory_xact_lock",
    "pg_advisory_xact_lock_shared", "pg_try_advisory_lock", "pg_try_advisory_lock_shared",
    "pg_try_advisory_xact_lock", "pg_try_advisory_xact_lock_shared"))


def advisory_lock_statements(connection: Connection, *, grant_back: bool = False) -> list[str]:
    """Only the owner of the tables may take bigint advisory locks in this database (the append
    function and the feed horizon run as the owner). Changing a pg_catalog function's grants
    needs a superuser: for anybody else, nothing (the watchdog still ends squatters)."""
    owner, me_super = connection.execute(text(
        "SELECT r.rolname, (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) "
        "FROM pg_class c JOIN pg_roles r ON r.oid = c.relowner "
        "WHERE c.oid = 'events'::regclass")).one()
    if not me_super:
        return []
    quoted = '"' + str(owner).replace('"', '""') + '"'
    if grant_back:
        return [f"GRANT EXECUTE ON FUNCTION {f} TO PUBLIC" for f in ADVISORY_LOCKERS]
    return [statement for f in ADVISORY_LOCKERS
            for statement in (f"REVOKE EXECUTE ON FUNCTION {f} FROM PUBLIC",
                              f"GRANT EXECUTE ON FUNCTION {f} TO {quoted}")]


def create_login(connection: Connection, login: str, password: str, role: Role) -> None:
    """Create a LOGIN role in `role`'s group, with `LOGIN_SETTINGS`.

    The password leaves this process only as a SCRAM verifier, so it never appears in
    `pg_stat_activity`; and the statement carrying the verifier is sent last, after every
    check and every statement that could fail (CREATEROLE, an existing name, the group), so no
    failing statement puts it into the server log (`log_min_error_statement`)."""
    import psycopg
    from psycopg import sql

    if not can_create_roles(connection):
        raise RolesError(f"creating the login {login} needs CREATEROLE; ask the database "
                         "administrator, or run this as the maintenance login")
    raw = connection.connection.dbapi_connection
    assert isinstance(raw, psycopg.Connection)
    name = sql.Identifier(login)
    for statement in (sql.SQL("CREATE ROLE {} LOGIN").format(name),
                      sql.SQL("GRANT {} TO {}").format(sql.Identifier(GROUP_OF_ROLE[role]), name)):
        connection.exec_driver_sql(statement.as_string(raw))
    for statement_text in _login_settings_sql(login, login_settings(connection)):
        connection.exec_driver_sql(statement_text)
    verifier = raw.pgconn.encrypt_password(
        password.encode(), login.encode(), b"scram-sha-256").decode()
    connection.exec_driver_sql(
        sql.SQL("ALTER ROLE {} PASSWORD {}").format(name, sql.Literal(verifier)).as_string(raw))


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
