"""Wake-up sources: another desktop's commit wakes this one, and the feed then has the change."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import psycopg
import pytest

from tests.conftest import silent_event
from tests.worlds.sprint import World
from vidtask.db.engine import Database
from vidtask.services import claims
from vidtask.services.tx import NOTIFY_CHANNEL
from vidtask.sync.connection import Backoff
from vidtask.sync.feed import changes_since, current_version
from vidtask.sync.follow import FeedFollower
from vidtask.sync.wakeup import (
    CHANGES_CHANNEL,
    PgListenWakeup,
    PollingWakeup,
    SqliteDataVersionWakeup,
    Wake,
    WakeupSource,
    pg_conninfo,
    wakeup_for,
)

WAIT = 10.0


class Recorder:
    def __init__(self) -> None:
        self.wakes: list[Wake] = []
        self._cond = threading.Condition()

    def __call__(self, wake: Wake) -> None:
        with self._cond:
            self.wakes.append(wake)
            self._cond.notify_all()

    def wait_for(self, reason: str, after: int = 0) -> Wake:
        with self._cond:
            assert self._cond.wait_for(
                lambda: any(w.reason == reason for w in self.wakes[after:]), WAIT), \
                f"no {reason!r} wake-up; got {[w.reason for w in self.wakes]}"
            return next(w for w in self.wakes[after:] if w.reason == reason)


@pytest.fixture
def other_desktop(world: World) -> Iterator[Database]:
    """A second client with its own engine, like a second desktop."""
    other = Database(world.db.url.render_as_string(hide_password=False))
    yield other
    other.dispose()


def _started(source: WakeupSource) -> Recorder:
    recorder = Recorder()
    source.start(recorder)
    recorder.wait_for("started")
    return recorder


def test_the_channel_name_matches_the_one_the_writers_notify() -> None:
    assert CHANGES_CHANNEL == NOTIFY_CHANNEL


def test_a_commit_elsewhere_wakes_the_client_and_the_feed_has_it(
        world: World, other_desktop: Database) -> None:
    source = wakeup_for(world.db)
    seen = current_version(world.db)
    recorder = _started(source)
    try:
        before = len(recorder.wakes)
        claims.claim_series(other_desktop, "bert", world.series_ids[0])
        expected = "notify" if world.db.is_postgresql else "data_version"
        wake = recorder.wait_for(expected, before)
        new = changes_since(world.db, seen)
        assert [(e.actor, e.action) for e in new] == [("bert", "claim.taken")]
        if world.db.is_postgresql:
            assert wake.version == new[-1].version
    finally:
        source.stop()
    assert not source.running


def test_sqlite_source_stays_quiet_while_nothing_is_committed(world: World) -> None:
    if world.db.is_postgresql:
        pytest.skip("PRAGMA data_version is SQLite only")
    source = SqliteDataVersionWakeup(world.db, interval=0.05)
    recorder = _started(source)
    try:
        threading.Event().wait(0.4)  # several polls
        assert [w.reason for w in recorder.wakes] == ["started"]
    finally:
        source.stop()


def test_polling_fallback_wakes_on_a_new_version(world: World, other_desktop: Database) -> None:
    source = PollingWakeup(world.db, interval=0.05)
    recorder = _started(source)
    try:
        before = len(recorder.wakes)
        claims.claim_series(other_desktop, "anna", world.series_ids[1])
        assert recorder.wait_for("poll", before).version == current_version(world.db)
    finally:
        source.stop()


def test_feed_follower_delivers_each_version_once_in_order(
        world: World, other_desktop: Database) -> None:
    delivered: list[int] = []
    done = threading.Event()
    start = current_version(world.db)

    def on_changes(events: list, _wake: Wake) -> None:
        delivered.extend(e.version for e in events)
        if len(delivered) >= 3:
            done.set()

    follower = FeedFollower(world.db, on_changes, since=start)
    follower.start()
    try:
        written = [claims.claim_series(other_desktop, "dmytro", series_id).changes.last_version
                   for series_id in world.series_ids]
        assert done.wait(WAIT)
    finally:
        follower.stop()
    # Dense on SQLite, sparse positions on PostgreSQL (migration 0008): each once, in order.
    assert delivered == written and delivered == sorted(set(delivered)) and start < delivered[0]
    if not world.db.is_postgresql:
        assert delivered == list(range(start + 1, start + 4))


def _pg_only(world: World) -> None:
    if not world.db.is_postgresql:
        pytest.skip("LISTEN/NOTIFY is PostgreSQL only")


def test_listener_safety_poll_catches_a_missed_notification(world: World) -> None:
    """A commit whose NOTIFY never arrived (e.g. sent while reconnecting) is still noticed."""
    _pg_only(world)
    source = PgListenWakeup(world.db, safety_poll=0.3)
    recorder = _started(source)
    try:
        before = len(recorder.wakes)
        version = silent_event(world.db)  # a write that sends no NOTIFY
        assert recorder.wait_for("safety_poll", before).version == version
    finally:
        source.stop()


def test_listener_reconnects_after_its_connection_is_killed(world: World) -> None:
    _pg_only(world)
    source = PgListenWakeup(world.db, safety_poll=5, backoff=Backoff(first=0.05, cap=0.2))
    recorder = _started(source)
    try:
        pid = source.backend_pid
        assert pid is not None
        before = len(recorder.wakes)
        with psycopg.connect(pg_conninfo(world.db), autocommit=True) as admin:
            admin.execute("SELECT pg_terminate_backend(%s)", (pid,))
        recorder.wait_for("reconnected", before)
        assert source.backend_pid != pid
        assert source.stats.reconnects >= 1
        after = len(recorder.wakes)
        with psycopg.connect(pg_conninfo(world.db), autocommit=True) as writer:
            writer.execute(f"NOTIFY {NOTIFY_CHANNEL}, '999'")
        assert recorder.wait_for("notify", after).version == 999
    finally:
        source.stop()
