"""Raw SQL as a login, the way an attacker at psql would send it: what ran, what was refused."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from tests.worlds.room import Room
from vidtask.db.engine import Database

REFUSED = "42501"  # insufficient_privilege: grants, row-level security, vidtask's triggers


def run(db: Database, sql: str, **params: Any) -> int:
    with db.engine.begin() as connection:
        return connection.execute(text(sql), params).rowcount


def refused(db: Database, sql: str, **params: Any) -> str:
    with pytest.raises(DBAPIError) as caught:
        run(db, sql, **params)
    assert getattr(caught.value.orig, "sqlstate", None) == REFUSED, caught.value
    return str(caught.value.orig)


def scalar(db: Database, sql: str, **params: Any) -> Any:
    with db.engine.connect() as connection:
        return connection.execute(text(sql), params).scalar()


def query(db: Database) -> Any:
    """`connection.execute` on a connection closed at once (the rows are buffered): a leaked
    open one would hold its locks and block the next test's TRUNCATE."""
    def execute(statement: Any, params: dict[str, Any] | None = None) -> Any:
        with db.engine.connect() as connection:
            return connection.execute(statement, params or {}).freeze()()
    return execute


def participant_id(room: Room, short: str) -> int:
    return int(scalar(room.owner, "SELECT id FROM participants WHERE login = :l",
                      l=room.login(short)))
