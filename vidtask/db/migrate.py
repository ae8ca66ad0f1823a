"""Bring a database to the newest schema. Runs at every start; safe with many clients at once.

On PostgreSQL an advisory lock serialises concurrent upgrades (measured: 12 clients starting
together crashed one without it). A database already at `schema_head.HEAD` is recognised with
one plain query and Alembic is never imported (it costs ~0.2 s of start-up): a revision only
moves forward, so "stored = newest" needs no lock.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from vidtask.db.engine import Database
from vidtask.db.schema_head import HEAD

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
_ADVISORY_LOCK_KEY = 0x76696474  # "vidt"


def alembic_config(db: Database) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["vidtask_database"] = db
    return config


def head_revision(db: Database) -> str | None:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config(db)).get_current_head()


def current_revision(db: Database) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with db.engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def stored_revisions(db: Database) -> list[str] | None:
    """The `alembic_version` rows by one plain query; None if the table is not there yet."""
    with db.engine.connect() as connection:
        try:
            rows = connection.execute(text("SELECT version_num FROM alembic_version")).scalars()
            return [str(row) for row in rows]
        except DBAPIError:  # no table yet (a new database): the full upgrade decides
            connection.rollback()
            return None


def upgrade(db: Database, revision: str = "head") -> None:
    if revision == "head" and stored_revisions(db) == [HEAD]:
        return
    from alembic import command

    config = alembic_config(db)
    if db.is_postgresql:
        with db.engine.connect() as connection:
            connection.execute(text("SELECT pg_advisory_lock(:k)"), {"k": _ADVISORY_LOCK_KEY})
            try:
                config.attributes["connection"] = connection
                command.upgrade(config, revision)
                connection.commit()
            finally:
                connection.execute(text("SELECT pg_advisory_unlock(:k)"),
                                   {"k": _ADVISORY_LOCK_KEY})
                connection.commit()
    else:
        # A write connection: BEGIN IMMEDIATE makes a second starting client wait, not fail.
        with db.engine.execution_options(vidtask_write=True).connect() as connection:
            # Batch migrations copy tables; with foreign keys on, dropping the old copy of a
            # parent table would cascade to its children. The pragma only works outside a
            # transaction, so it goes to the driver before SQLAlchemy begins one.
            raw = connection.connection.dbapi_connection
            assert raw is not None
            raw.execute("PRAGMA foreign_keys=OFF")
            try:
                config.attributes["connection"] = connection
                command.upgrade(config, revision)
                broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                if broken:
                    connection.rollback()
                    raise RuntimeError(f"migration broke foreign keys: {broken[:5]}")
                connection.commit()
            finally:
                raw.execute("PRAGMA foreign_keys=ON")


def is_current(db: Database) -> bool:
    return current_revision(db) == head_revision(db)
