"""Test fixtures: every `db` test runs on SQLite and on a real PostgreSQL server.

PostgreSQL: one fresh database per test session (so parallel runs never collide), migrated once,
emptied between tests. Unreachable server: fail under CI=true, skip with the reason elsewhere.
SQLite: one migrated template file copied per test.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from tests.worlds.sprint import TEST_ISSUER, World, build_world
from vidtask.db.engine import Database
from vidtask.db.migrate import upgrade
from vidtask.db.models import Base

# The sprint world is built in tests/worlds/sprint.py; tests/ui still imports it from here.
__all__ = ["TEST_ISSUER", "World", "build_world"]

DEFAULT_PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def pg_admin_url() -> str:
    return os.environ.get("VIDTASK_TEST_POSTGRES_URL", DEFAULT_PG_URL)


def _pg_unavailable(reason: str) -> None:
    message = f"PostgreSQL not reachable at {pg_admin_url()}: {reason}"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(message + " (CI requires it)")
    pytest.skip(message)


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """URL of a brand-new PostgreSQL database for this test session, dropped afterwards."""
    import psycopg
    from sqlalchemy.engine import make_url

    admin = make_url(pg_admin_url()).set(drivername="postgresql")
    name = f"vidtask_test_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    try:
        with psycopg.connect(admin.render_as_string(hide_password=False), autocommit=True,
                             connect_timeout=5) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
    except psycopg.OperationalError as exc:
        _pg_unavailable(str(exc).splitlines()[0])
    url = admin.set(drivername="postgresql+psycopg", database=name)
    rendered = url.render_as_string(hide_password=False)
    db = Database(rendered)
    upgrade(db)
    db.dispose()
    yield rendered
    with psycopg.connect(admin.render_as_string(hide_password=False), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.sqlite3"
    db = Database(f"sqlite:///{path}")
    upgrade(db)
    db.dispose()
    return path


def _empty_postgres(db: Database) -> None:
    tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables
                       if t.name != "change_counter")
    with db.engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        conn.execute(text("UPDATE change_counter SET version = 0"))


def silent_event(db: Database, action: str = "test.silent") -> int:
    """Commit one event that sends no NOTIFY (as the owner, straight into the table), the way
    a change looks to a listener that missed its notification. Returns its version."""
    with db.engine.begin() as conn:
        if db.is_postgresql:  # a position of this transaction (migration 0008)
            version = conn.execute(text(
                "SELECT pg_current_xact_id()::text::bigint << 16")).scalar_one()
        else:
            version = conn.execute(text("UPDATE change_counter SET version = version + 1 "
                                        "RETURNING version")).scalar_one()
        conn.execute(text("INSERT INTO events (version, occurred_at, actor_login, action, "
                          "entity_type) VALUES (:v, CURRENT_TIMESTAMP, 'system', :a, 'test')"),
                     {"v": version, "a": action})
    return int(version)


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def db_url(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if backend == "sqlite":
        template = request.getfixturevalue("sqlite_template")
        target = tmp_path / "vidtask.sqlite3"
        shutil.copy(template, target)
        return f"sqlite:///{target}"
    url: str = request.getfixturevalue("postgres_url")
    db = Database(url)
    _empty_postgres(db)
    db.dispose()
    return url


@pytest.fixture
def db(db_url: str) -> Iterator[Database]:
    database = Database(db_url)
    yield database
    database.dispose()


@pytest.fixture
def world(db: Database) -> World:
    return build_world(db)
