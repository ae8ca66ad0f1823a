"""Board speed with 10,000 series: model load, a full sort and a filter keystroke (offscreen),
beside the bare SQL query returning the same rows through the raw driver.

Targets (issue 3): load <= 300 ms, keystroke <= 50 ms, load within 3x the bare query.
Run: QT_QPA_PLATFORM=offscreen python benchmarks/board.py [--series 10000] [--no-postgres]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import date
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from PySide6.QtWidgets import QApplication

from vidtask.db.engine import Database
from vidtask.db.migrate import upgrade
from vidtask.services import claims, participants, sprints
from vidtask.services.series import NewSeries, create_series, list_series
from vidtask.ui.board.model import SeriesBoardModel
from vidtask.ui.board.view import BoardView

PG_ADMIN = os.environ.get("VIDTASK_TEST_POSTGRES_URL",
                          "postgresql+psycopg://postgres@127.0.0.1:5432/test")
ALIASES = ("Pink wall", "Blue sofa", "Green curtain", "Yellow lamp", "Striped rug", "Teal tiles")

# The board's query (services.series.list_series), written out for the raw drivers.
BARE_SQL = """
SELECT s.id, s.code, s.alias, s.status, s.priority, p.login, p.display_name, s.claim_expires_at,
       a.country, a.confidence, COALESCE(c.n, 0), COALESCE(m.n, 0), s.updated_at, s.version,
       COALESCE(m.identified, 0)
FROM series s
LEFT JOIN participants p ON p.id = s.claimed_by_id
LEFT JOIN country_assessments a ON a.series_id = s.id AND a.rank = 1
LEFT JOIN (SELECT series_id, count(*) AS n FROM clues GROUP BY series_id) c ON c.series_id = s.id
LEFT JOIN (SELECT series_id, count(*) AS n,
                  sum(CAST(COALESCE(victim_identified, false) AS INTEGER)) AS identified
           FROM media GROUP BY series_id) m ON m.series_id = s.id
WHERE s.sprint_id = {param}
ORDER BY s.priority, s.code
"""


def build(db: Database, count: int) -> int:
    participants.add_participant(db, None, "admin", "Ada Admin", role="admin")
    participants.add_participant(db, "admin", "anna", "Anna Specialist")
    sprint, _ = sprints.create_sprint(db, "admin", "Bench", date(2026, 6, 1), date(2026, 6, 12))
    for start in range(0, count, 1000):
        create_series(db, "admin", sprint.id, [
            NewSeries(code=f"B-{n:05d}", alias=f"{ALIASES[n % len(ALIASES)]} {n}",
                      priority=1 + n % 4,
                      media=[{"md5": f"{n:016x}{m:016x}", "victim_identified": m == 0
                              and n % 97 == 0} for m in range(2)])
            for n in range(start, min(start + 1000, count))])
    rows = list_series(db, sprint.id)
    for row in rows[:200:4]:
        claims.claim_series(db, "anna", row.id)
    return sprint.id


def median_ms(fn: Callable[[], object], repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def bare_query(db: Database, sprint_id: int) -> Callable[[], object]:
    if db.is_postgresql:
        import psycopg

        url = db.url.set(drivername="postgresql").render_as_string(hide_password=False)
        conn = psycopg.connect(url)
        sql = BARE_SQL.format(param="%s")

        def run_pg() -> object:
            with conn.cursor() as cursor:
                cursor.execute(sql, (sprint_id,))
                return cursor.fetchall()

        return run_pg
    import sqlite3

    conn3 = sqlite3.connect(str(db.url.database))
    sql3 = BARE_SQL.format(param="?")
    return lambda: conn3.execute(sql3, (sprint_id,)).fetchall()


def measure(app: QApplication, db: Database, label: str, count: int) -> None:
    started = time.perf_counter()
    upgrade(db)
    sprint_id = build(db, count)
    print(f"\n{label}: built {count:,} series in {time.perf_counter() - started:.1f} s")
    bare = bare_query(db, sprint_id)
    rows_bare = len(bare())  # type: ignore[arg-type]
    bare_ms = median_ms(bare)

    model = SeriesBoardModel("anna")
    view = BoardView(model)
    view.resize(1300, 800)
    view.show()
    app.processEvents()
    rows = list_series(db, sprint_id)
    query_ms = median_ms(lambda: list_series(db, sprint_id))

    def load() -> None:
        model.set_rows(list_series(db, sprint_id))
        app.processEvents()

    load_ms = median_ms(load)
    set_rows_ms = median_ms(lambda: (model.set_rows(rows), app.processEvents()))
    view.set_loaded()
    sort_alias = median_ms(lambda: (model.sort(1), app.processEvents()))
    sort_activity = median_ms(lambda: (model.sort(10), app.processEvents()))
    model.sort(-1)
    keystrokes = []
    for text in ("b", "bl", "blu", "blue", "blue ", "blue 1", "blue 12"):
        start = time.perf_counter()
        view.filter_edit.setText(text)
        app.processEvents()
        keystrokes.append((time.perf_counter() - start) * 1000)
    shown = model.rowCount()
    view.filter_edit.clear()
    app.processEvents()
    clear_ms = median_ms(lambda: (view.filter_edit.setText("x"), view.filter_edit.clear(),
                                  app.processEvents()), repeat=3) / 2
    print(f"  rows: bare {rows_bare:,}, board {len(rows):,}")
    print(f"  bare SQL query (raw driver)          {bare_ms:8.1f} ms")
    print(f"  list_series (SQLAlchemy, same rows)  {query_ms:8.1f} ms")
    print(f"  model load = list_series + set_rows  {load_ms:8.1f} ms   target <= 300 ms, "
          f"{load_ms / bare_ms:.1f}x bare (target <= 3x)")
    print(f"    of which set_rows + repaint        {set_rows_ms:8.1f} ms")
    print(f"  full sort by alias / last activity   {sort_alias:8.1f} / {sort_activity:.1f} ms")
    print(f"  filter keystroke median / max        {statistics.median(keystrokes):8.1f} / "
          f"{max(keystrokes):.1f} ms   target <= 50 ms  (last filter shows {shown:,} rows)")
    print(f"  clearing the filter (all rows back)  {clear_ms:8.1f} ms")
    view.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--series", type=int, default=10_000)
    parser.add_argument("--no-postgres", action="store_true")
    args = parser.parse_args()
    app = QApplication.instance() or QApplication([])
    assert isinstance(app, QApplication)
    with tempfile.TemporaryDirectory() as folder:
        db = Database(f"sqlite:///{folder}/bench.sqlite3")
        measure(app, db, "SQLite", args.series)
        db.dispose()
    if args.no_postgres:
        return 0
    try:
        import psycopg
        from sqlalchemy.engine import make_url

        admin = make_url(PG_ADMIN).set(drivername="postgresql")
        name = f"vidtask_bench_{os.getpid()}_{uuid.uuid4().hex[:6]}"
        with psycopg.connect(admin.render_as_string(hide_password=False), autocommit=True,
                             connect_timeout=5) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
    except Exception as exc:
        print(f"\nPostgreSQL not reachable ({str(exc).splitlines()[0]}): skipped")
        return 0
    try:
        db = Database(admin.set(drivername="postgresql+psycopg", database=name)
                      .render_as_string(hide_password=False))
        measure(app, db, "PostgreSQL", args.series)
        db.dispose()
    finally:
        with psycopg.connect(admin.render_as_string(hide_password=False),
                             autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    return 0


if __name__ == "__main__":
    sys.exit(main())
