"""40 desktops, 300 series, one database: nobody ever overwrites anybody, nothing is lost.

Bounded by default (VIDTASK_RELIABILITY_SECONDS, 12 s of load per backend); the soak variant
runs 10 minutes when VIDTASK_SOAK=1. Afterwards, from the event log: no series ever had two
holders, every acknowledged clue write is stored, versions have no gaps (SQLite; PostgreSQL's are
sparse positions), each feed reader saw every event once and in order, and no client met an
unexpected error (deadlock, lock timeout).
"""

from __future__ import annotations

import json
import multiprocessing
import os
import statistics
import time
from pathlib import Path
from typing import Any

import pytest

from tests.reliability import workload
from tests.worlds.sprint import World, build_world
from vidtask.db.engine import Database
from vidtask.services import participants
from vidtask.sync.feed import current_version

CLIENTS = 40
SERIES = 300
READERS = 2


def _context() -> Any:
    # forkserver: children fork from a clean, preloaded server (no inherited engines/threads).
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["tests.reliability.workload"])
    return context


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))] if ordered else 0.0


def run_sprint(db: Database, world: World, seconds: float, tmp_path: Path) -> dict[str, Any]:
    for n in range(1, CLIENTS + 1):
        participants.add_participant(db, "admin", f"desk{n:02d}", f"Desk {n}",
                                     role="specialist", country="DE")
    url = db.url.render_as_string(hide_password=False)
    since = current_version(db)
    context = _context()
    start = context.Event()
    processes = []
    for n in range(1, CLIENTS + 1):
        plan = workload.ClientPlan(url, f"desk{n:02d}", world.sprint_id, world.series_ids,
                                   seconds, seed=n, result_path=str(tmp_path / f"c{n}.json"))
        processes.append(context.Process(target=workload.run_client, args=(plan, start)))
    for n in range(READERS):
        processes.append(context.Process(target=workload.run_reader, args=(
            url, since, seconds, str(tmp_path / f"r{n}.json"), start)))
    processes.append(context.Process(target=workload.run_chaos, args=(url, seconds, start, 99)))
    for process in processes:
        process.start()
    time.sleep(1.0)  # let every process connect before the gun
    began = time.monotonic()
    start.set()
    for process in processes:
        process.join(timeout=seconds + 90)
    elapsed = time.monotonic() - began
    exit_codes = [p.exitcode for p in processes]
    for process in processes:
        if process.is_alive():
            process.kill()
    clients = [json.loads((tmp_path / f"c{n}.json").read_text())
               for n in range(1, CLIENTS + 1) if (tmp_path / f"c{n}.json").exists()]
    readers = [json.loads((tmp_path / f"r{n}.json").read_text())
               for n in range(READERS) if (tmp_path / f"r{n}.json").exists()]
    return {"clients": clients, "readers": readers, "exit_codes": exit_codes,
            "elapsed": elapsed, "since": since}


def _check(db: Database, world: World, seconds: float, tmp_path: Path) -> None:
    outcome = run_sprint(db, world, seconds, tmp_path)
    clients, readers = outcome["clients"], outcome["readers"]
    assert outcome["exit_codes"] == [0] * (CLIENTS + READERS + 1)
    assert len(clients) == CLIENTS and len(readers) == READERS
    errors = [e for c in clients for e in c["errors"]]
    assert errors == [], errors[:3]

    holders = workload.check_holders(db)
    with db.read() as session:
        from sqlalchemy import func, select

        from vidtask.db.models import Event
        expired = session.scalar(select(func.count()).select_from(Event)
                                 .where(Event.action == "claim.expired"))
    assert holders.problems == [], holders.problems[:10]
    assert workload.check_acknowledged(db, clients) == []
    assert workload.check_versions(db) == []
    last = current_version(db)
    expected = workload.events_after(db, outcome["since"])
    for reader in readers:
        assert reader["problems"] == []
        assert reader["last"] == last
        assert reader["count"] == expected  # every event once: none skipped, none twice

    claims = [t for c in clients for t in c["timings"]["claim"]]
    writes = [t for c in clients for t in c["timings"]["write"]]
    acked = sum(len(c["acks"]) for c in clients)
    refusals: dict[str, int] = {}
    for client in clients:
        for name, count in client["refusals"].items():
            refusals[name] = refusals.get(name, 0) + count
    print(f"\n{db.backend}: {CLIENTS} clients × {seconds:.0f} s: "
          f"{sum(c['ops'] for c in clients)} operations, {acked} acknowledged writes, "
          f"{expected} events ({holders.events} on series, {expired} expiries), "
          f"refusals {refusals}; "
          f"claim p50 {statistics.median(claims) * 1000:.1f} ms "
          f"p99 {_percentile(claims, 0.99) * 1000:.1f} ms; "
          f"write p50 {statistics.median(writes) * 1000:.1f} ms")


def _seconds() -> float:
    return float(os.environ.get("VIDTASK_RELIABILITY_SECONDS", "12"))


def test_forty_desktops_never_overwrite_each_other(db: Database, tmp_path: Path) -> None:
    world = build_world(db, series=SERIES, media_per_series=1)
    _check(db, world, _seconds(), tmp_path)


@pytest.mark.soak
@pytest.mark.skipif(not os.environ.get("VIDTASK_SOAK"), reason="set VIDTASK_SOAK=1 to soak")
def test_forty_desktops_soak(db: Database, tmp_path: Path) -> None:
    world = build_world(db, series=SERIES, media_per_series=1)
    _check(db, world, float(os.environ.get("VIDTASK_SOAK_SECONDS", "600")), tmp_path)
