"""Making a new database: `vidtask db create` (and the desktop's "New database file…").

This is the one use case that may create a SQLite file away from the default location; every
other entry point opens with `Database(url, create=False)`. On PostgreSQL it creates the
database on the server when it is missing (the login needs CREATEDB), builds the schema and, for
the maintenance login (table owner or superuser), sets up the group roles and grants.
"""

from __future__ import annotations

from dataclasses import dataclass

from vidtask.db.engine import Database
from vidtask.domain.errors import VidtaskError

#: SQLSTATE "invalid_catalog_name": the database named in the URL does not exist.
_NO_SUCH_DATABASE = "3D000"


class AlreadyADatabase(VidtaskError):
    pass


@dataclass(frozen=True, slots=True)
class Created:
    description: str
    new_database: bool  # False: an existing, empty PostgreSQL database got the schema
    roles_ready: bool  # PostgreSQL group roles and grants set up (maintenance login only)
    login: str | None  # PostgreSQL: the login that did it
    maintenance: bool


def create_database(url: str) -> tuple[Database, Created]:
    """Make the database `url` names and give it the newest schema.

    Refuses (nothing changed) when it already holds a vidtask schema or, on SQLite, when the
    file exists at all. The returned Database is open; the caller disposes of it.
    """
    from sqlalchemy.exc import OperationalError

    from vidtask.db.migrate import stored_revisions, upgrade

    db = Database(url, create=True)
    if not db.is_postgresql:
        if not db.created:
            db.dispose()
            raise AlreadyADatabase(f"There is already a file at {db.sqlite_path}; nothing was "
                                   "changed (`vidtask db upgrade` migrates a vidtask database).")
        upgrade(db)
        return db, Created(str(db.describe()), True, False, None, False)
    new = False
    try:
        revisions = stored_revisions(db)
    except OperationalError as exc:
        if not _is_missing_database(exc.orig, str(db.url.database)):
            db.dispose()
            raise
        _create_postgresql_database(db)
        new, revisions = True, None
    if revisions:
        db.dispose()
        raise AlreadyADatabase(f"{db.describe()} already holds a vidtask database (schema "
                               f"{revisions[0]}); nothing was changed.")
    upgrade(db)
    from vidtask.db.roles import signed_in

    with db.read() as session:
        me = signed_in(db, session)
    assert me is not None
    if me.maintenance:
        from vidtask.services.users import initialise_roles

        initialise_roles(db, None)
    return db, Created(str(db.describe()), new, me.maintenance, me.login, me.maintenance)


def _is_missing_database(error: BaseException | None, name: str) -> bool:
    """libpq reports a missing database at connection time, without a SQLSTATE."""
    return getattr(error, "sqlstate", None) == _NO_SUCH_DATABASE or \
        f'database "{name}" does not exist' in str(error)


def _create_postgresql_database(db: Database) -> None:
    """CREATE DATABASE on the same server, connected to its `postgres` database."""
    import psycopg
    from psycopg import sql

    server = db.url.set(drivername="postgresql", database="postgres")
    name = str(db.url.database)
    try:
        with psycopg.connect(server.render_as_string(hide_password=False), autocommit=True,
                             connect_timeout=10) as connection:
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    except psycopg.errors.InsufficientPrivilege:
        raise VidtaskError(f"{db.url.username} may not create databases on this server: ask "
                           f"its administrator to run `createdb {name}` (or to grant "
                           "CREATEDB), then run this again.") from None
    db.dispose()  # the pool holds nothing useful from before the database existed
