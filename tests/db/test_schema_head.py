"""Start-up recognises a current schema by one query, without Alembic; HEAD never drifts."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from vidtask.db import migrate
from vidtask.db.engine import Database
from vidtask.db.schema_head import HEAD


def test_head_constant_is_alembics_real_head(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path}/h.sqlite3")
    try:
        assert migrate.head_revision(db) == HEAD, (
            "a migration was added: set vidtask.db.schema_head.HEAD to its revision id")
    finally:
        db.dispose()


def test_a_current_database_opens_without_importing_alembic(db_url: str) -> None:
    script = ("import sys; from vidtask.db.engine import Database; "
              "from vidtask.db.migrate import upgrade; "
              f"db = Database({db_url!r}); upgrade(db); "
              "print(sorted(m for m in sys.modules if m.split('.')[0] in ('alembic', 'mako')))")
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            check=True)
    assert result.stdout.strip() == "[]"


def test_a_new_database_is_migrated_to_head(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path}/new.sqlite3")
    try:
        assert migrate.stored_revisions(db) is None
        migrate.upgrade(db)
        assert migrate.stored_revisions(db) == [HEAD]
        assert migrate.current_revision(db) == HEAD
    finally:
        db.dispose()


def test_an_older_stored_revision_runs_alembic(db: Database,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    from alembic import command

    calls: list[str] = []
    monkeypatch.setattr(command, "upgrade", lambda config, revision: calls.append(revision))
    with db.engine.begin() as connection:
        connection.exec_driver_sql("UPDATE alembic_version SET version_num = '0007_appeals'")
    try:
        migrate.upgrade(db)
        assert calls == ["head"]
    finally:
        with db.engine.begin() as connection:
            connection.exec_driver_sql(f"UPDATE alembic_version SET version_num = '{HEAD}'")
