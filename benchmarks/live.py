"""Live collaboration figures: change propagation latency, claim round trip under 40 clients.

    python benchmarks/live.py [--backend sqlite,postgresql] [--clients 40] [--seconds 10]

Prints, per backend:
* propagation p50/p95: client A commits a write (a separate process), client B's wake-up source
  fires and its `changes_since` returns the event (targets: PostgreSQL p95 <= 300 ms, SQLite
  p95 <= 1 s);
* claim round trip p50/p99 and claims per second with N concurrent client processes, through
  `claims.claim_series` (full service: permission, lease from the sprint, audit event, version
  stamp, NOTIFY) beside the same conditional UPDATE issued raw through psycopg / sqlite3
  (issue 19's target: 40 clients p50 <= 3x raw);
* one client: claim and clue-save latency of the service beside the bare conditional UPDATE
  (raw and service alternate in rounds in one process, so load falls on both alike; issue 19's
  targets: PostgreSQL <= 2.5x raw, SQLite <= 1 ms a claim).

`--parts propagation,crowd,single` picks the figures (all by default). The database is used by
its owner (the maintenance login), as the raw baseline is.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import random
import sqlite3
import statistics
import sys
import tempfile
import threading
import time
import uuid
from datetime import date
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from vidtask.db.engine import Database
from vidtask.db.migrate import upgrade

PG_ADMIN = os.environ.get("VIDTASK_TEST_POSTGRES_URL",
                          "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
SERIES = 300


# --------------------------------------------------------------------------- set-up

def make_database(backend: str, workdir: Path) -> tuple[str, Any]:
    if backend == "sqlite":
        return f"sqlite:///{workdir / 'bench.sqlite3'}", None
    import psycopg
    from sqlalchemy.engine import make_url

    admin = make_url(PG_ADMIN).set(drivername="postgresql")
    name = f"vidtask_bench_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    admin_dsn = admin.render_as_string(hide_password=False)
    with psycopg.connect(admin_dsn, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')

    def drop() -> None:
        with psycopg.connect(admin_dsn, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return admin.set(drivername="postgresql+psycopg", database=name).render_as_string(
        hide_password=False), drop


def populate(url: str, clients: int) -> tuple[int, list[int]]:
    from vidtask.services import participants, sprints
    from vidtask.services.series import NewSeries, create_series, list_series

    db = Database(url)
    upgrade(db)
    participants.add_participant(db, None, "admin", "Ada Admin", role="admin")
    for n in range(1, clients + 2):
        participants.add_participant(db, "admin", f"desk{n:02d}", f"Desk {n}",
                                     role="specialist", country="DE")
    sprint, _ = sprints.create_sprint(db, "admin", "Bench", date(2026, 6, 1), date(2026, 6, 12))
    create_series(db, "admin", sprint.id, [
        NewSeries(code=f"S-{n:03d}", alias="", media=[{"md5": f"{n:032x}"}])
        for n in range(1, SERIES + 1)])
    ids = [row.id for row in list_series(db, sprint.id)]
    db.dispose()
    return sprint.id, ids


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


# --------------------------------------------------------------------------- propagation

def _writer(url: str, series_ids: list[int], count: int, *, gap: float, stamps: Any,
            ready: Any) -> None:
    from vidtask.services import claims

    db = Database(url, pool_size=1)
    ready.wait()
    for n in range(count):
        series_id = series_ids[n % len(series_ids)]
        result = (claims.claim_series(db, "desk01", series_id) if n < len(series_ids)
                  else claims.renew_claim(db, "desk01", series_id))
        stamps[result.changes.last_version] = time.time()  # just after COMMIT returned
        time.sleep(gap * random.uniform(0.5, 1.5))
    db.dispose()


def propagation(url: str, series_ids: list[int], count: int) -> list[float]:
    from vidtask.sync.follow import FeedFollower

    context = multiprocessing.get_context("spawn")
    manager = context.Manager()
    stamps = manager.dict()
    ready = context.Event()
    db = Database(url)
    seen: dict[int, float] = {}
    done = threading.Event()

    def on_changes(events: list[Any], _wake: Any) -> None:
        now = time.time()
        for event in events:
            seen[event.version] = now
        if len(seen) >= count:
            done.set()

    follower = FeedFollower(db, on_changes)
    follower.start()
    writer = context.Process(target=_writer, args=(url, series_ids[:50], count),
                             kwargs={"gap": 0.05, "stamps": stamps, "ready": ready})
    writer.start()
    time.sleep(0.5)
    ready.set()
    done.wait(count * 0.2 + 30)
    writer.join(60)
    follower.stop()
    db.dispose()
    written = dict(stamps)
    manager.shutdown()
    return [seen[v] - written[v] for v in written if v in seen]


# --------------------------------------------------------------------------- claims

_PG_CLAIM = (
    "UPDATE series SET claimed_by_id = %(me)s, claimed_at = now(),"
    " claim_expires_at = now() + interval '120 minutes',"
    " status = CASE WHEN status = 'new' THEN 'claimed' ELSE status END, version = version + 1"
    " WHERE id = %(id)s AND status IN ('new', 'claimed', 'in_assessment')"
    " AND (claimed_by_id IS NULL OR claim_expires_at < now() OR claimed_by_id = %(me)s)")
_PG_RELEASE = ("UPDATE series SET claimed_by_id = NULL, claimed_at = NULL,"
               " claim_expires_at = NULL, version = version + 1"
               " WHERE id = %(id)s AND claimed_by_id = %(me)s")
_NOW = "strftime('%Y-%m-%d %H:%M:%f', 'now')"
_SQLITE_CLAIM = (
    f"UPDATE series SET claimed_by_id = :me, claimed_at = {_NOW},"
    f" claim_expires_at = strftime('%Y-%m-%d %H:%M:%f', 'now', '+120 minutes'),"
    " status = CASE WHEN status = 'new' THEN 'claimed' ELSE status END, version = version + 1"
    " WHERE id = :id AND status IN ('new', 'claimed', 'in_assessment')"
    f" AND (claimed_by_id IS NULL OR claim_expires_at < {_NOW} OR claimed_by_id = :me)")
_SQLITE_RELEASE = _PG_RELEASE.replace("%(id)s", ":id").replace("%(me)s", ":me")


def _claim_client(mode: str, url: str, login: str, *, me: int, series_ids: list[int],
                  seconds: float, start: Any, out: Any) -> None:
    from vidtask.domain.errors import ClaimConflict
    from vidtask.services import claims

    rng = random.Random(me)
    times: list[float] = []
    won = 0
    db = Database(url, pool_size=1)
    raw: Any = None
    if mode == "raw" and db.is_postgresql:
        import psycopg
        raw = psycopg.connect(db.url.set(drivername="postgresql").render_as_string(
            hide_password=False))
    elif mode == "raw":
        raw = sqlite3.connect(str(db.url.database), timeout=15, isolation_level=None)
        raw.execute("PRAGMA busy_timeout=15000")
    def claim(series_id: int) -> bool:
        params = {"me": me, "id": series_id}
        if mode == "service":
            try:
                claims.claim_series(db, login, series_id)
                return True
            except ClaimConflict:
                return False
        if db.is_postgresql:
            ok = raw.execute(_PG_CLAIM, params).rowcount == 1
            raw.commit()
            return bool(ok)
        _begin_immediate(raw)
        ok = raw.execute(_SQLITE_CLAIM, params).rowcount == 1
        raw.execute("COMMIT")
        return bool(ok)

    def release(series_id: int) -> None:
        params = {"me": me, "id": series_id}
        if mode == "service":
            claims.release_claim(db, login, series_id)
        elif db.is_postgresql:
            raw.execute(_PG_RELEASE, params)
            raw.commit()
        else:
            _begin_immediate(raw)
            raw.execute(_SQLITE_RELEASE, params)
            raw.execute("COMMIT")

    # Untimed warm-up, both modes: a desktop is connected and signed in before its first
    # click. Without it the service's first claim in each of the 40 processes paid for the
    # connection, the dialect's first-connect queries and the actor lookup while 39 others
    # did the same on 2 cores — 40 samples of ~3 s, which were the whole p99 tail.
    warm = series_ids[me % len(series_ids)]
    if claim(warm):
        release(warm)
    start.wait()
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        series_id = rng.choice(series_ids)
        began = time.perf_counter()
        ok = claim(series_id)
        times.append(time.perf_counter() - began)
        if ok:
            won += 1
            release(series_id)  # given back (not timed), so the next claims are not all conflicts
    if raw is not None:
        raw.close()
    db.dispose()
    out.put((times, won))


def _begin_immediate(raw: sqlite3.Connection) -> None:
    """BEGIN IMMEDIATE that waits its turn however long 40 writers keep it (sqlite3's busy
    handler gives up after its timeout; the service waits too, so the raw side must)."""
    while True:
        try:
            raw.execute("BEGIN IMMEDIATE")
            return
        except sqlite3.OperationalError as error:
            if "locked" not in str(error):
                raise


def claim_round_trips(url: str, series_ids: list[int], clients: int, seconds: float,
                      mode: str) -> tuple[list[float], int, float]:
    context = multiprocessing.get_context("spawn")
    start = context.Event()
    out = context.Queue()
    db = Database(url)
    with db.read() as session:
        from sqlalchemy import select

        from vidtask.db.models import Participant
        ids = dict(session.execute(select(Participant.login, Participant.id)).all())
    db.dispose()
    procs = [context.Process(target=_claim_client, args=(mode, url, f"desk{n:02d}"), kwargs={
        "me": ids[f"desk{n:02d}"], "series_ids": series_ids, "seconds": seconds, "start": start,
        "out": out}) for n in range(1, clients + 1)]
    for proc in procs:
        proc.start()
    time.sleep(3.0)  # spawned interpreters import and connect
    start.set()
    results = [out.get(timeout=seconds + 120) for _ in procs]
    for proc in procs:
        proc.join(30)
    times = [t for r in results for t in r[0]]
    return times, sum(r[1] for r in results), seconds


# --------------------------------------------------------------------------- one client

def _raw_connection(db: Database) -> Any:
    if db.is_postgresql:
        import psycopg
        return psycopg.connect(db.url.set(drivername="postgresql").render_as_string(
            hide_password=False))
    raw = sqlite3.connect(str(db.url.database), timeout=15, isolation_level=None)
    raw.execute("PRAGMA busy_timeout=15000")
    return raw


def _raw_write(db: Database, raw: Any, sql: str, params: dict[str, Any]) -> int:
    """One write transaction through the bare driver, as a desktop without vidtask would."""
    if db.is_postgresql:
        count = raw.execute(sql, params).rowcount
        raw.commit()
        return int(count)
    raw.execute("BEGIN IMMEDIATE")
    count = raw.execute(sql, params).rowcount
    raw.execute("COMMIT")
    return int(count)


_PG_CLUE = ("UPDATE clues SET description = %(text)s, updated_at = now(), "
            "version = version + 1 WHERE id = %(id)s AND version = %(version)s")
_SQLITE_CLUE = _PG_CLUE.replace("%(text)s", ":text").replace("%(id)s", ":id").replace(
    "%(version)s", ":version").replace("now()", _NOW)


def one_client(url: str, series_ids: list[int], rounds: int, per_round: int
               ) -> dict[str, list[float]]:
    """Claim and clue-save latency of ONE client, service and raw driver alternating in
    rounds in the same process (so the machine's load falls on both alike)."""
    from sqlalchemy import select

    from vidtask.db.models import Participant
    from vidtask.services import claims, clues

    db = Database(url, pool_size=1)
    raw = _raw_connection(db)
    login = "desk01"
    with db.read() as session:
        me = session.scalar(select(Participant.id).where(Participant.login == login))
    own = series_ids[-1]
    claims.claim_series(db, login, own)
    clue_id, _ = clues.add_clue(db, login, own, clues.ClueInput(category="toy",
                                                                 description="bench"))
    version = 1
    pg = db.is_postgresql
    claim_sql, release_sql = (_PG_CLAIM, _PG_RELEASE) if pg else (_SQLITE_CLAIM,
                                                                  _SQLITE_RELEASE)
    times: dict[str, list[float]] = {"raw claim": [], "service claim": [], "raw clue save": [],
                                     "service clue save": []}
    targets = series_ids[:50]
    for _round in range(rounds):
        for n in range(per_round):  # raw claims
            params = {"me": me, "id": targets[n % len(targets)]}
            began = time.perf_counter()
            _raw_write(db, raw, claim_sql, params)
            times["raw claim"].append(time.perf_counter() - began)
            _raw_write(db, raw, release_sql, params)
        for n in range(per_round):  # service claims
            series_id = targets[n % len(targets)]
            began = time.perf_counter()
            claims.claim_series(db, login, series_id)
            times["service claim"].append(time.perf_counter() - began)
            claims.release_claim(db, login, series_id)
        for n in range(per_round):  # raw clue saves
            began = time.perf_counter()
            _raw_write(db, raw, _PG_CLUE if pg else _SQLITE_CLUE,
                       {"text": f"raw {n}", "id": clue_id, "version": version})
            times["raw clue save"].append(time.perf_counter() - began)
            version += 1
        for n in range(per_round):  # service clue saves
            began = time.perf_counter()
            version, _ = clues.edit_clue(db, login, clue_id, version, clues.ClueInput(
                category="toy", description=f"service {n}"))
            times["service clue save"].append(time.perf_counter() - began)
    raw.close()
    claims.release_claim(db, login, own)
    db.dispose()
    return times


# --------------------------------------------------------------------------- main

def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", default="sqlite,postgresql")
    parser.add_argument("--clients", type=int, default=40)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--samples", type=int, default=200)
    parser.add_argument("--parts", default="propagation,crowd,single",
                        help="which figures: propagation, crowd (N clients), single (1 client)")
    args = parser.parse_args()
    parts = set(args.parts.split(","))
    print(f"cores {os.cpu_count()}, load average {os.getloadavg()[0]:.1f} at start")
    for backend in args.backend.split(","):
        with tempfile.TemporaryDirectory() as workdir:
            url, drop = make_database(backend, Path(workdir))
            try:
                _sprint, ids = populate(url, args.clients)
                if "propagation" in parts:
                    delays = propagation(url, ids, args.samples)
                    target = 0.3 if backend == "postgresql" else 1.0
                    print(f"[{backend}] propagation A commit -> B changes_since: n={len(delays)} "
                          f"p50 {statistics.median(delays) * 1000:.1f} ms, "
                          f"p95 {percentile(delays, 0.95) * 1000:.1f} ms, "
                          f"max {max(delays) * 1000:.1f} ms (target p95 <= {target * 1000:.0f} ms)")
                if "crowd" in parts:
                    figures = {}
                    for mode in ("raw", "service"):
                        times, won, seconds = claim_round_trips(url, ids, args.clients,
                                                                args.seconds, mode)
                        figures[mode] = statistics.median(times), percentile(times, 0.99)
                        driver = "psycopg" if backend == "postgresql" else "sqlite3"
                        label = ("service claims.claim_series" if mode == "service" else
                                 f"raw conditional UPDATE ({driver})")
                        print(f"[{backend}] {args.clients} clients, {label}: "
                              f"{len(times)} attempts, p50 {figures[mode][0] * 1000:.1f} ms, "
                              f"p99 {figures[mode][1] * 1000:.1f} ms, "
                              f"{won / seconds:.0f} claims/s won")
                    service, raw = figures["service"], figures["raw"]
                    print(f"[{backend}] {args.clients} clients service / raw: "
                          f"p50 x{service[0] / raw[0]:.1f}, p99 x{service[1] / raw[1]:.1f} "
                          "(target p50 <= x3)")
                if "single" in parts:
                    alone = one_client(url, ids, rounds=6, per_round=100)
                    p50 = {name: statistics.median(t) for name, t in alone.items()}
                    for what in ("claim", "clue save"):
                        service, raw = p50[f"service {what}"], p50[f"raw {what}"]
                        print(f"[{backend}] 1 client, {what}: raw p50 {raw * 1000:.2f} ms, "
                              f"service p50 {service * 1000:.2f} ms (x{service / raw:.1f}; "
                              f"{len(alone[f'service {what}'])} each, raw and service "
                              "alternating in rounds)")
            finally:
                if drop is not None:
                    drop()
    print(f"load average {os.getloadavg()[0]:.1f} at end")


if __name__ == "__main__":
    main()
