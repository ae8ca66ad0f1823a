"""Start-to-exit time of `vidtask stats` and `vidtask --help`, beside a bare Python baseline.

    python benchmarks/startup.py [--runs 15] [--series 320] [--postgres URL | --no-postgres]
                                 [--against CHECKOUT]

Builds a demo sprint in a temporary SQLite file (and, if the server answers, in a temporary
PostgreSQL database, dropped afterwards), then runs each command as a fresh process `--runs`
times and prints the median and fastest wall time and the median CPU time (the fastest run and
the CPU time are the figures least disturbed by other load on the machine). Baselines in the
same run: `python -c "import sqlite3"` (a bare interpreter), the same interpreter answering the
sprint's series count with the raw driver, and `import sqlalchemy` (the floor of anything built
on SQLAlchemy). `--against` times another checkout's `vidtask` (e.g. a `git worktree` of an
older commit) with the same interpreter in the same run, for before/after figures.
Run it under `flock /work/team/bench.lock` on the shared machine.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DEFAULT_POSTGRES = os.environ.get("VIDTASK_TEST_POSTGRES_URL",
                                  "postgresql://postgres@127.0.0.1:5432/test")
VIDTASK = [sys.executable, "-m", "vidtask"]


def timed_runs(argv: Sequence[str], runs: int,
               tree: Path = ROOT) -> tuple[float, float, float]:
    """Median and fastest wall time, and median CPU time (user + system), in ms, of `argv`
    as a fresh process, after one warm-up run. CPU time hardly depends on other load: on a
    quiet machine the wall time of a one-threaded start comes close to it."""
    env = {**os.environ, "PYTHONPATH": str(tree)}
    walls, cpus = [], []
    for index in range(runs + 1):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, env=env, cwd=tree)
        wall = (time.perf_counter() - start) * 1000
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        if index:
            walls.append(wall)
            cpus.append((after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
                        * 1000)
    return statistics.median(walls), min(walls), statistics.median(cpus)


def show(label: str, argv: Sequence[str], runs: int, tree: Path = ROOT) -> None:
    median, fastest, cpu = timed_runs(argv, runs, tree)
    print(f"  {label:<42} wall median {median:7.1f} ms  fastest {fastest:7.1f} ms  "
          f"CPU {cpu:7.1f} ms", flush=True)


def build_demo(url: str, series: int) -> None:
    subprocess.run([*VIDTASK, "--database", url, "demo", "--series", str(series), "--quiet"],
                   check=True, stdout=subprocess.DEVNULL, env={**os.environ,
                                                               "PYTHONPATH": str(ROOT)})


@contextmanager
def scratch_postgres(admin_url: str) -> Iterator[str | None]:
    try:
        import psycopg
    except ImportError:
        yield None
        return
    plain = admin_url.replace("postgresql+psycopg://", "postgresql://")
    name = f"vidtask_bench_startup_{uuid.uuid4().hex[:8]}"
    try:
        with psycopg.connect(plain, autocommit=True, connect_timeout=3) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
    except psycopg.OperationalError:
        yield None
        return
    base, _, _ = plain.rpartition("/")
    try:
        yield f"{base}/{name}"
    finally:
        with psycopg.connect(plain, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def measure(backend: str, url: str, raw: str, runs: int, against: Path | None) -> None:
    print(f"{backend}:")
    show("python -c 'import sqlite3' (bare baseline)", [sys.executable, "-c", "import sqlite3"],
         runs)
    show("raw driver: count the series (baseline)", [sys.executable, "-c", raw], runs)
    show("python -c 'import sqlalchemy' (floor)", [sys.executable, "-c", "import sqlalchemy"],
         runs)
    show("vidtask stats", [*VIDTASK, "--database", url, "stats"], runs)
    if against:
        show(f"vidtask stats ({against.name})", [*VIDTASK, "--database", url, "stats"], runs,
             against)
    show("vidtask --help", [*VIDTASK, "--help"], runs)
    if against:
        show(f"vidtask --help ({against.name})", [*VIDTASK, "--help"], runs, against)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--series", type=int, default=320)
    parser.add_argument("--postgres", default=DEFAULT_POSTGRES, metavar="URL",
                        help="server for the PostgreSQL figures (a scratch database is made)")
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--against", type=Path, metavar="CHECKOUT",
                        help="also time the vidtask of this checkout (before/after)")
    args = parser.parse_args()
    against = args.against.resolve() if args.against else None
    print(f"vidtask start-up, {args.runs} runs each, demo sprint of {args.series} series; "
          f"load average {os.getloadavg()[0]:.2f}")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "startup.sqlite3"
        url = f"sqlite:///{path}"
        build_demo(url, args.series)
        raw = (f"import sqlite3; c = sqlite3.connect({str(path)!r}); "
               "c.execute('SELECT count(*) FROM series').fetchone()")
        measure("SQLite", url, raw, args.runs, against)
    if args.no_postgres:
        return
    with scratch_postgres(args.postgres) as pg_url:
        if pg_url is None:
            print("PostgreSQL: not reachable, skipped")
            return
        build_demo(pg_url, args.series)
        raw = (f"import psycopg; c = psycopg.connect({pg_url!r}); "
               "c.execute('SELECT count(*) FROM series').fetchone()")
        measure("PostgreSQL", pg_url, raw, args.runs, against)
    print(f"load average at the end {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
