"""The event log: one event per change, versions readers can follow without skipping any."""

from __future__ import annotations

import contextlib
import threading
import time

from sqlalchemy import select

from tests.worlds.sprint import World
from vidtask.db.engine import Database
from vidtask.db.models import Event
from vidtask.domain.errors import ClaimConflict
from vidtask.services import claims
from vidtask.services.tx import write_tx
from vidtask.sync.feed import changes_since, current_version


def _versions(db: Database) -> list[int]:
    with db.read() as session:
        return list(session.scalars(select(Event.version).order_by(Event.version)))


def test_versions_increase_and_match_the_returned_changes(world: World) -> None:
    """SQLite: dense versions from the counter. PostgreSQL: positions (migration 0008) —
    sparse, but increasing in commit order of dependent writes and never reused."""
    first = claims.claim_series(world.db, "anna", world.series_ids[0])
    with contextlib.suppress(ClaimConflict):
        claims.claim_series(world.db, "bert", world.series_ids[0])
    versions = _versions(world.db)
    assert versions == sorted(set(versions))
    if not world.db.is_postgresql:
        assert versions == list(range(1, len(versions) + 1))
    assert first.changes.last_version == versions[-1]
    assert [e.version for e in changes_since(world.db, 0)] == versions
    with world.db.read() as session:
        last = session.execute(select(Event.actor_login, Event.action)
                               .order_by(Event.version.desc()).limit(1)).one()
    assert tuple(last) == ("anna", "claim.taken")


def test_slow_writer_cannot_be_overtaken_by_a_later_version(world: World) -> None:
    """Two interleaved writers: a reader never sees the later one before the earlier one.

    SQLite: the second writer waits for the file's write lock. PostgreSQL: it commits at once
    (no shared row), but its event stays below no reader's horizon until the slow one ends."""
    db = world.db
    url = db.url.render_as_string(hide_password=False)
    start = current_version(db)
    slow_started = threading.Event()
    fast_done = threading.Event()

    def slow_writer() -> None:
        other = Database(url)
        try:
            with write_tx(other, "anna") as tx:
                tx.emit("test.slow", "test", 1)
                # Stamp now (taking its version), then linger before committing.
                tx.changes = tx._append_events()
                tx._pending.clear()
                slow_started.set()
                fast_done.wait(0.6 if db.is_postgresql else 0.4)
                time.sleep(0.1)
        finally:
            other.dispose()

    def fast_writer() -> None:
        with write_tx(db, "bert") as tx:
            tx.emit("test.fast", "test", 2)
        fast_done.set()

    slow = threading.Thread(target=slow_writer)
    slow.start()
    slow_started.wait()
    fast = threading.Thread(target=fast_writer)
    fast.start()
    if db.is_postgresql:
        assert fast_done.wait(5)  # committed, and still nobody reads past the slow one
        with db.read() as session:
            assert session.scalar(select(Event.action).where(Event.action == "test.fast"))
    assert changes_since(db, start) == []
    slow.join()
    fast.join()
    assert [e.action for e in changes_since(db, start)] == ["test.slow", "test.fast"]


def test_polling_reader_never_skips_a_change(world: World) -> None:
    """Many writers; a reader that asks 'since N' repeatedly sees every event once, in order."""
    url = world.db.url.render_as_string(hide_password=False)
    stop = threading.Event()
    seen: list[int] = []
    reader_errors: list[BaseException] = []
    written: list[int] = []
    start = current_version(world.db)

    def reader() -> None:
        try:
            db = Database(url)
            last = start
            while not stop.is_set() or len(seen) < len(written):
                for event in changes_since(db, last):
                    assert event.version > last, f"{event.version} after {last}"
                    last = event.version
                    seen.append(event.version)
            db.dispose()
        except BaseException as exc:
            reader_errors.append(exc)

    def writer(login: str) -> None:
        db = Database(url)
        for n in range(15):
            with write_tx(db, login) as tx:
                tx.emit("test.write", "test", n)
                time.sleep(0.002)
            written.append(tx.changes.events[0].version)
        db.dispose()

    read_thread = threading.Thread(target=reader)
    read_thread.start()
    writers = [threading.Thread(target=writer, args=(login,)) for login in ("anna", "bert")]
    for thread in writers:
        thread.start()
    for thread in writers:
        thread.join()
    stop.set()
    read_thread.join(timeout=30)
    assert reader_errors == []
    assert seen == sorted(written) and len(written) == 30
