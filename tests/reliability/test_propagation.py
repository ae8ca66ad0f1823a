"""Propagation: what desktop A commits, desktop B's wake-up source and feed deliver; p50/p95.

Prints the figures (benchmarks/live.py measures them across processes); asserts only that every
change arrived, once and in order, within a generous bound.
"""

from __future__ import annotations

import statistics
import threading
import time

from tests.worlds.sprint import World, build_world
from vidtask.db.engine import Database
from vidtask.domain.changes import ChangeEvent
from vidtask.services import claims
from vidtask.sync.follow import FeedFollower
from vidtask.sync.wakeup import Wake, wakeup_for

SAMPLES = 40


def test_a_change_by_a_reaches_bs_feed(db: Database) -> None:
    world: World = build_world(db, series=SAMPLES, media_per_series=1)
    writer = Database(db.url.render_as_string(hide_password=False), pool_size=1)
    committed: dict[int, float] = {}
    arrived: dict[int, float] = {}
    order: list[int] = []
    wakes: list[str] = []
    all_in = threading.Event()

    def on_changes(events: list[ChangeEvent], wake: Wake) -> None:
        now = time.perf_counter()
        wakes.append(wake.reason)
        for event in events:
            arrived[event.version] = now
            order.append(event.version)
        if len(arrived) >= SAMPLES:
            all_in.set()

    source = wakeup_for(db)
    follower = FeedFollower(db, on_changes, source=source)
    start = follower.last_version
    follower.start()
    try:
        for series_id in world.series_ids:
            result = claims.claim_series(writer, "anna", series_id)
            committed[result.changes.last_version or 0] = time.perf_counter()
            time.sleep(0.03)
        assert all_in.wait(15), f"only {len(arrived)} of {SAMPLES} changes arrived"
    finally:
        follower.stop()
        writer.dispose()
    # every change once, in order (dense versions on SQLite, positions on PostgreSQL)
    assert order == sorted(committed) and len(order) == SAMPLES and order[0] > start
    if not db.is_postgresql:
        assert order == list(range(start + 1, start + SAMPLES + 1))
    delays = sorted(arrived[v] - committed[v] for v in committed)
    for delay in delays:
        source.record_latency(delay)
    expected = "notify" if db.is_postgresql else "data_version"
    assert expected in wakes
    print(f"\n{db.backend} propagation A -> B feed: p50 {statistics.median(delays) * 1000:.1f} ms,"
          f" p95 {source.stats.percentile(0.95) * 1000:.1f} ms over {SAMPLES} changes"  # type: ignore[operator]
          f" ({source.stats.wakeups} wake-ups)")
