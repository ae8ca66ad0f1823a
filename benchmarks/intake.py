"""Benchmark: VICS intake throughput and peak memory for a large synthetic file.

Parse only: ``read_vics`` beside ijson building the same records with no validation.
Into a database (``--db sqlite,postgresql``): ``import_vics`` into a fresh database, beside the
raw driver inserting the same rows (``sqlite3.executemany`` / psycopg ``COPY``, rows read with
``read_vics`` untimed; only the driver calls are timed; on SQLite with the same page cache
``import_vics`` sets while it imports, so the ratio compares like with like). Each measurement
runs in its own process so its peak RSS (VmHWM) is its own.
With ``--lock-probe`` (SQLite): while ``import_vics`` runs, another process writes one row every
50 ms (BEGIN IMMEDIATE … COMMIT, as a desktop's save) and reports its slowest write: how long the
import kept everyone else waiting, beside the same probe on an idle database.
Usage: python benchmarks/intake.py [--records 1000000] [--file PATH] [--messy] [--shape Cases]
       [--db sqlite,postgresql] [--pg-url postgresql://postgres@127.0.0.1:5432/postgres]
       [--lock-probe]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# this checkout's vidtask, not whichever one the venv has installed
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def _measure(path: str, mode: str) -> dict[str, float]:
    import ijson

    from vidtask.interchange.vics import read_vics

    start = time.perf_counter()
    with open(path, "rb") as stream:
        if mode == "read_vics":
            reader = read_vics(stream)
            count = sum(1 for _ in reader.records())
            issues = len(reader.issues)
        else:
            prefix = (
                "value.item"
                if "#Media" in stream.read(200).decode(errors="replace")
                else ("value.item.Media.item")
            )
            stream.seek(0)
            count = sum(1 for _ in ijson.items(stream, prefix, use_float=True))
            issues = 0
    seconds = time.perf_counter() - start
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    return {"records": count, "seconds": seconds, "peak_rss_mib": peak_kib / 1024, "issues": issues}


def _peak_rss_mib() -> float:
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _fresh_database(backend: str, workdir: str, pg_url: str) -> tuple[str, object]:
    """A migrated, empty database with one coordinator and one sprint; returns (url, dropper)."""
    import uuid

    if backend == "sqlite":
        url = f"sqlite:///{workdir}/bench-{uuid.uuid4().hex[:8]}.sqlite3"
        dropper = None
    else:
        import psycopg

        name = f"vidtask_bench_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(pg_url, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        url = pg_url.rsplit("/", 1)[0] + "/" + name

        def dropper() -> None:
            with psycopg.connect(pg_url, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return url, dropper


def _prepare(url: str) -> tuple[object, int]:
    from datetime import date

    from vidtask.db.engine import Database
    from vidtask.db.migrate import upgrade
    from vidtask.services.participants import add_participant
    from vidtask.services.sprints import create_sprint

    db = Database(url)
    upgrade(db)
    add_participant(db, None, "bench", "Bench Admin", role="admin")
    sprint, _ = create_sprint(db, "bench", "Bench", date(2026, 1, 1), date(2026, 1, 12))
    return db, sprint.id


def _measure_db(path: str, mode: str, backend: str, url: str,
                probe: bool = False) -> dict[str, float]:
    from vidtask.services.intake import import_vics

    db, sprint_id = _prepare(url)
    if mode == "import":
        prober = _start_probe(url) if probe else None
        start = time.perf_counter()
        with open(path, "rb") as stream:
            report = import_vics(db, "bench", sprint_id, stream)  # type: ignore[arg-type]
        seconds = time.perf_counter() - start
        result = {"records": report.new, "seconds": seconds, "peak_rss_mib": _peak_rss_mib(),
                  "issues": report.issue_count}
        if prober is not None:
            result.update(_stop_probe(prober))
        return result
    return _raw_insert(db, sprint_id, path, backend)


def _start_probe(url: str) -> subprocess.Popen[str]:
    prober = subprocess.Popen([sys.executable, __file__, "--measure", "probe", "--url", url],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert prober.stdout is not None
    prober.stdout.readline()  # "ready": the probe table exists and the first write is done
    return prober


def _stop_probe(prober: subprocess.Popen[str]) -> dict[str, float]:
    out, _ = prober.communicate("stop\n", timeout=120)
    return json.loads(out.strip().splitlines()[-1])


def _probe(url: str) -> None:
    """Another desktop: one small write transaction every 50 ms until told to stop."""
    import select
    import sqlite3

    path = url.removeprefix("sqlite:///")
    conn = sqlite3.connect(path, isolation_level=None, timeout=120)
    conn.execute("PRAGMA busy_timeout=120000")
    conn.execute("CREATE TABLE IF NOT EXISTS bench_probe (at REAL)")
    worst = total = 0.0
    writes = 0
    print("ready", flush=True)
    while True:
        started = time.perf_counter()
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("INSERT INTO bench_probe VALUES (?)", (started,))
        conn.execute("COMMIT")
        took = time.perf_counter() - started
        worst, total, writes = max(worst, took), total + took, writes + 1
        if select.select([sys.stdin], [], [], 0.05)[0]:
            break
    print(json.dumps({"probe_writes": writes, "probe_worst_s": worst,
                      "probe_mean_s": total / writes}), flush=True)


def _raw_insert(db: object, sprint_id: int, path: str, backend: str) -> dict[str, float]:
    """The driver alone: same rows, same schema and indexes, one transaction, batches of 5000."""
    from vidtask.interchange.vics import read_vics
    from vidtask.services.intake import prepare_record
    from vidtask.services.intake_sink import INSERT_COLUMNS, SQLITE_CACHE_KIB
    from vidtask.services.series import NewSeries, create_series, list_series

    with open(path, "rb") as stream:  # the series first, through the service (untimed)
        names = sorted({n for r in read_vics(stream).records() for n in r.series_names})
    create_series(db, "bench", sprint_id, [NewSeries(code=n, vics_name=n) for n in names])  # type: ignore[arg-type]
    ids = {row.code: row.id for row in list_series(db, sprint_id)}  # type: ignore[arg-type]
    raw = db.engine.raw_connection()  # type: ignore[attr-defined]
    driver = raw.driver_connection
    columns = ", ".join(INSERT_COLUMNS)
    timed = 0.0
    count = 0
    if backend == "sqlite":
        driver.execute(f"PRAGMA cache_size=-{SQLITE_CACHE_KIB}")  # as MediaSink does
        driver.execute("BEGIN IMMEDIATE")
    seen: set[tuple[int, str]] = set()

    def insert(rows: list[tuple[object, ...]]) -> float:
        start = time.perf_counter()
        if backend == "sqlite":
            marks = ", ".join("?" * len(INSERT_COLUMNS))
            driver.executemany(f"INSERT INTO media ({columns}) VALUES ({marks})", rows)
        else:
            with driver.cursor() as cursor, cursor.copy(
                    f"COPY media ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        return time.perf_counter() - start

    batch: list[tuple[object, ...]] = []
    with open(path, "rb") as stream:
        for record in read_vics(stream).records():
            for name in record.series_names:
                key = (ids[name], record.md5)
                if key in seen:
                    continue
                seen.add(key)
                batch.append((ids[name], *prepare_record(record, 0)[2], None))
                count += 1
            if len(batch) >= 5000:
                timed += insert(batch)
                batch = []
    if batch:
        timed += insert(batch)
    start = time.perf_counter()
    driver.commit()
    timed += time.perf_counter() - start
    raw.close()
    return {"records": count, "seconds": timed, "peak_rss_mib": _peak_rss_mib(), "issues": 0}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--file", help="reuse or create this file instead of a temporary one")
    parser.add_argument("--messy", action="store_true", help="sprinkle real-file traps")
    parser.add_argument("--shape", choices=["Media", "Cases"], default="Media")
    parser.add_argument("--db", default="",
                        help="also import into fresh databases: sqlite,postgresql")
    parser.add_argument("--pg-url", default="postgresql://postgres@127.0.0.1:5432/postgres",
                        help="server where a scratch database is created and dropped")
    parser.add_argument("--skip-parse", action="store_true", help="only the database runs")
    parser.add_argument("--lock-probe", action="store_true",
                        help="SQLite: another process's write latency during the import")
    parser.add_argument("--measure", choices=["read_vics", "baseline", "import", "raw", "probe"],
                        help=argparse.SUPPRESS)
    parser.add_argument("--backend", help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure == "probe":
        _probe(args.url)
        return
    if args.measure in ("import", "raw"):
        print(json.dumps(_measure_db(args.file, args.measure, args.backend, args.url,
                                     probe=args.lock_probe)))
        return
    if args.measure:
        print(json.dumps(_measure(args.file, args.measure)))
        return

    from vidtask.interchange.vics_synth import write_synth_vics

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(args.file or Path(tmp) / "synthetic.json")
        if not path.exists():
            start = time.perf_counter()
            with open(path, "wb") as out:
                write_synth_vics(out, args.records, messy=args.messy, shape=args.shape)
            print(f"generated {args.records:,} records in {time.perf_counter() - start:.1f} s")
        print(f"file: {path.stat().st_size / 2**20:,.0f} MiB")
        for backend in [b for b in args.db.split(",") if b]:
            for mode in ("import", "raw"):
                url, dropper = _fresh_database(backend, tmp, args.pg_url)
                try:
                    probe = ["--lock-probe"] if (args.lock_probe and backend == "sqlite"
                                                 and mode == "import") else []
                    result = json.loads(subprocess.run(
                        [sys.executable, __file__, "--file", str(path), "--measure", mode,
                         "--backend", backend, "--url", url, *probe],
                        check=True, capture_output=True, text=True).stdout)
                finally:
                    if callable(dropper):
                        dropper()
                rate = result["records"] / result["seconds"]
                label = f"{backend} {'import_vics' if mode == 'import' else 'raw driver'}"
                print(f"{label:24} {result['records']:>10,} rows  {result['seconds']:6.1f} s  "
                      f"{rate:>9,.0f} rows/s  peak RSS {result['peak_rss_mib']:6.0f} MiB")
                if "probe_worst_s" in result:
                    print(f"{'  other writer':24} {result['probe_writes']:>10,} writes "
                          f"worst {result['probe_worst_s']:6.2f} s  mean "
                          f"{result['probe_mean_s'] * 1000:6.1f} ms  (the write lock's hold)")
        for mode in () if args.skip_parse else ("read_vics", "baseline"):
            result = json.loads(
                subprocess.run(
                    [sys.executable, __file__, "--file", str(path), "--measure", mode],
                    check=True,
                    capture_output=True,
                    text=True,
                ).stdout
            )
            rate = result["records"] / result["seconds"]
            print(
                f"{mode:10} {result['records']:>10,} records  {result['seconds']:6.1f} s  "
                f"{rate:>9,.0f} records/s  peak RSS {result['peak_rss_mib']:6.0f} MiB  "
                f"issues {result['issues']}"
            )


if __name__ == "__main__":
    main()
