"""PostgreSQL versions are positions (migration 0008): the cases the proof in that migration
covers, replayed with real interleaved transactions. A reader asking "since N" must never
skip an event, whichever transaction commits first, and must not wait for transactions that
cannot append any more (another database, or one that has not appended yet)."""

from __future__ import annotations

from collections.abc import Iterator

import psycopg
import pytest
from sqlalchemy.engine import make_url

from tests.conftest import pg_admin_url
from tests.worlds.sprint import World
from vidtask.services.tx import write_tx
from vidtask.sync.feed import changes_since, current_version


@pytest.fixture
def pg(world: World) -> Iterator[World]:
    if not world.db.is_postgresql:
        pytest.skip("positions and horizons are PostgreSQL's (SQLite versions are dense)")
    yield world


def _raw(world: World) -> psycopg.Connection:
    return psycopg.connect(world.db.url.set(drivername="postgresql")
                           .render_as_string(hide_password=False))


def _append(connection: psycopg.Connection, action: str) -> int:
    return int(connection.execute(
        "SELECT vidtask_append_events(jsonb_build_array(jsonb_build_object("
        "'action', %s::text, 'entity_type', 'test')))", (action,)).fetchone()[0])


def _actions(world: World, since: int) -> list[str]:
    return [e.action for e in changes_since(world.db, since)]


def test_a_transaction_that_appends_late_is_not_skipped(pg: World) -> None:
    """T1 writes first (its transaction id is older), T2 appends and commits, T1 appends
    later: T1's event comes after T2's, and the reader that already delivered T2 gets it."""
    start = current_version(pg.db)
    late = _raw(pg)
    try:
        late.execute("UPDATE sprints SET lease_minutes = lease_minutes")  # holds an xid now
        with write_tx(pg.db, "bert") as tx:
            tx.emit("test.early", "test", 1)
        assert _actions(pg, start) == ["test.early"]  # not held back by T1
        seen = changes_since(pg.db, start)[-1].version
        late_version = _append(late, "test.late")
        assert _actions(pg, seen) == []  # appended, not committed: not visible, not passed
        late.commit()
    finally:
        late.close()
    assert late_version > seen
    assert _actions(pg, seen) == ["test.late"]


def test_an_appending_transaction_holds_later_positions_back_until_it_ends(pg: World) -> None:
    start = current_version(pg.db)
    slow = _raw(pg)
    try:
        slow_version = _append(slow, "test.slow")
        with write_tx(pg.db, "bert") as tx:
            tx.emit("test.fast", "test", 1)
        fast_version = tx.changes.events[0].version
        assert fast_version > slow_version
        assert _actions(pg, start) == []  # the fast one is committed but above the horizon
        assert current_version(pg.db) == start
        slow.rollback()  # an aborted append: never visible, and no longer holds anything back
    finally:
        slow.close()
    assert _actions(pg, start) == ["test.fast"]


def test_a_long_transaction_in_another_database_does_not_hold_the_feed_back(pg: World) -> None:
    other = psycopg.connect(make_url(pg_admin_url()).set(drivername="postgresql")
                            .render_as_string(hide_password=False))
    try:
        other.execute("SELECT pg_current_xact_id()")  # an open transaction with an id
        start = current_version(pg.db)
        with write_tx(pg.db, "bert") as tx:
            tx.emit("test.here", "test", 1)
        assert _actions(pg, start) == ["test.here"]
    finally:
        other.rollback()
        other.close()
