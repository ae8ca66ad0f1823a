"""The event log: one event per change, gap-free versions, nothing logged for failures."""

from __future__ import annotations

import contextlib
import threading
import time

from sqlalchemy import select

from tests.conftest import World
from vidtask.db.engine import Database
from vidtask.db.models import Event
from vidtask.domain.errors import ClaimConflict
from vidtask.services import claims
from vidtask.services.tx import write_tx


def _versions(db: Database) -> list[int]:
    with db.read() as session:
        return list(session.scalars(select(Event.version).order_by(Event.version)))


def test_versions_are_gap_free_and_match_the_returned_changes(world: World) -> None:
    first = claims.claim_series(world.db, "anna", world.series_ids[0])
    with contextlib.suppress(ClaimConflict):
        claims.claim_series(world.db, "bert", world.series_ids[0])
    versions = _versions(world.db)
    assert versions == list(range(1, len(versions) + 1))
    assert first.changes.last_version == versions[-1]
    with world.db.read() as session:
        last = session.execute(select(Event.actor_login, Event.action)
                               .order_by(Event.version.desc()).limit(1)).one()
    assert tuple(last) == ("anna", "claim.taken")


def test_slow_writer_cannot_be_overtaken_by_a_later_version(world: World) -> None:
    """Two interleaved writers: a reader never sees version N+1 before N is visible."""
    db = world.db
    url = db.url.render_as_string(hide_password=False)
    start = _versions(db)[-1]
    slow_started = threading.Event()

    def slow_writer() -> None:
        other = Database(url)
        try:
            with write_tx(other, "anna") as tx:
                tx.emit("test.slow", "test", 1)
                # Stamp now (taking the counter row's lock), then linger before committing.
                tx.changes = tx._append_events()
                tx._pending.clear()
                slow_started.set()
                time.sleep(0.4)
        finally:
            other.dispose()

    thread = threading.Thread(target=slow_writer)
    thread.start()
    slow_started.wait()
    assert _versions(db)[-1] == start  # the slow version is not visible before its commit
    with write_tx(db, "bert") as tx:
        tx.emit("test.fast", "test", 2)
    thread.join()
    assert _versions(db) == list(range(1, start + 3))
    with db.read() as session:
        order = list(session.scalars(select(Event.action).where(Event.version > start)
                                     .order_by(Event.version)))
    # The fast writer had to wait for the counter lock, so it got the later version.
    assert order == ["test.slow", "test.fast"]


def test_polling_reader_never_skips_a_change(world: World) -> None:
    """Many writers; a reader that asks 'since N' repeatedly must see every version once."""
    url = world.db.url.render_as_string(hide_password=False)
    stop = threading.Event()
    seen: list[int] = []
    reader_errors: list[BaseException] = []
    start = _versions(world.db)[-1]

    def reader() -> None:
        try:
            _read_until_done()
        except BaseException as exc:
            reader_errors.append(exc)

    def _read_until_done() -> None:
        db = Database(url)
        last = start
        while not stop.is_set() or last < expected_last[0]:
            with db.read() as session:
                new = list(session.scalars(select(Event.version).where(Event.version > last)
                                           .order_by(Event.version)))
            for version in new:
                assert version == last + 1, f"skipped from {last} to {version}"
                last = version
                seen.append(version)
        db.dispose()

    expected_last = [10**9]

    def writer(login: str) -> None:
        db = Database(url)
        for n in range(15):
            with write_tx(db, login) as tx:
                tx.emit("test.write", "test", n)
                time.sleep(0.002)
        db.dispose()

    read_thread = threading.Thread(target=reader)
    read_thread.start()
    writers = [threading.Thread(target=writer, args=(login,)) for login in ("anna", "bert")]
    for thread in writers:
        thread.start()
    for thread in writers:
        thread.join()
    expected_last[0] = start + 30
    stop.set()
    read_thread.join(timeout=30)
    assert reader_errors == []
    assert seen == list(range(start + 1, start + 31))
