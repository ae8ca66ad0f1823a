"""Board speed at 10,000 and 100,000 series: load, a full sort, filter keystrokes (offscreen),
each printed beside the bare SQL query returning the same rows through the raw driver.

Load is what the window does: `list_series` (and the model's per-row preparation) in an `Op` on
the worker pool, then `set_rows` and the first paint on the GUI thread; the GUI thread's share is
printed on its own line. A keystroke is `setText` on the filter box plus the repaint it causes.

Targets (issues 3 and 19): 10k — load <= 300 ms, keystroke median <= 30 ms;
100k — load <= 1.5 s, keystroke median <= 60 ms.
The first 1,000 series of a board are made through the services (with claims); the rest are
bulk-inserted rows of the same shape, so a 100k board builds in seconds rather than minutes.

Run: QT_QPA_PLATFORM=offscreen python benchmarks/board.py [--series 10000,100000]
     [--no-postgres] [--against OTHER_CHECKOUT]   (measure another checkout's vidtask)
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
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def _source_root() -> Path:
    """This checkout, or the one named by --against (read before the vidtask imports)."""
    if "--against" in sys.argv:
        return Path(sys.argv[sys.argv.index("--against") + 1]).resolve()
    return Path(__file__).resolve().parents[1]


sys.path.insert(0, str(_source_root()))

from PySide6.QtCore import QEventLoop, QtMsgType, qInstallMessageHandler  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from vidtask.db.engine import Database  # noqa: E402
from vidtask.db.migrate import upgrade  # noqa: E402
from vidtask.db.models import Media, Series  # noqa: E402
from vidtask.services import claims, participants, sprints  # noqa: E402
from vidtask.services.series import NewSeries, create_series, list_series  # noqa: E402
from vidtask.ui.board import model as board_model  # noqa: E402
from vidtask.ui.board.model import SeriesBoardModel  # noqa: E402
from vidtask.ui.board.view import BoardView  # noqa: E402
from vidtask.ui.operations import Op, OpRunner  # noqa: E402

PG_ADMIN = os.environ.get("VIDTASK_TEST_POSTGRES_URL",
                          "postgresql+psycopg://postgres@127.0.0.1:5432/test")
ALIASES = ("Pink wall", "Blue sofa", "Green curtain", "Yellow lamp", "Striped rug", "Teal tiles")
#: What a person types into the filter box, one keystroke at a time (then backspaces away).
TYPED = ("blue 12", "b-00420", "anna")
THROUGH_SERVICES = 1_000
TARGETS = {10_000: (300.0, 30.0), 100_000: (1_500.0, 60.0)}

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


def _spec(n: int) -> NewSeries:
    return NewSeries(code=f"B-{n:06d}", alias=f"{ALIASES[n % len(ALIASES)]} {n}",
                     priority=1 + n % 4,
                     media=[{"md5": f"{n:016x}{m:016x}",
                             "victim_identified": m == 0 and n % 97 == 0} for m in range(2)])


def build(db: Database, count: int) -> int:
    participants.add_participant(db, None, "admin", "Ada Admin", role="admin")
    participants.add_participant(db, "admin", "anna", "Anna Specialist")
    sprint, _ = sprints.create_sprint(db, "admin", "Bench", date(2026, 6, 1), date(2026, 6, 12))
    first = min(count, THROUGH_SERVICES)
    for start in range(0, first, 500):
        create_series(db, "admin", sprint.id,
                      [_spec(n) for n in range(start, min(start + 500, first))])
    for row in list_series(db, sprint.id)[:200:4]:
        claims.claim_series(db, "anna", row.id)
    now = datetime.now(UTC).replace(microsecond=0)
    for start in range(first, count, 10_000):
        chunk = [_spec(n) for n in range(start, min(start + 10_000, count))]
        with db.engine.begin() as conn:
            ids = conn.execute(Series.__table__.insert().returning(
                Series.__table__.c.id, sort_by_parameter_order=True), [
                {"sprint_id": sprint.id, "code": s.code, "alias": s.alias,
                 "priority": s.priority, "status": "new", "handling": "H0",
                 "victim_sex": "unknown", "production_period": "", "in_icse": False,
                 "notes": "", "outcome_reason": "", "version": 1,
                 "created_at": now - timedelta(minutes=n),
                 "updated_at": now - timedelta(minutes=n)}
                for n, s in enumerate(chunk, start)]).scalars().all()
            conn.execute(Media.__table__.insert(), [
                {"series_id": series_id, "md5": m["md5"],
                 "victim_identified": m["victim_identified"], "extra": {}, "provenance": {}}
                for series_id, s in zip(ids, chunk, strict=True) for m in s.media])
    return sprint.id


def median_ms(fn: Callable[[], object], repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def bare_query(db: Database, sprint_id: int) -> Callable[[], list[Any]]:
    if db.is_postgresql:
        import psycopg

        url = db.url.set(drivername="postgresql").render_as_string(hide_password=False)
        conn = psycopg.connect(url)
        sql = BARE_SQL.format(param="%s")

        def run_pg() -> list[Any]:
            with conn.cursor() as cursor:
                cursor.execute(sql, (sprint_id,))
                return cursor.fetchall()

        return run_pg
    import sqlite3

    conn3 = sqlite3.connect(str(db.url.database))
    sql3 = BARE_SQL.format(param="?")
    return lambda: conn3.execute(sql3, (sprint_id,)).fetchall()


def board_rows(db: Database, sprint_id: int) -> Any:
    """What the window's load Op computes on the worker: rows (and their keys if the model
    prepares them off the GUI thread)."""
    rows = list_series(db, sprint_id)
    prepare = getattr(board_model, "prepare_rows", None)
    return prepare(rows) if prepare is not None else rows


def measure(app: QApplication, db: Database, label: str, count: int) -> dict[str, float]:
    started = time.perf_counter()
    upgrade(db)
    sprint_id = build(db, count)
    print(f"\n{label}, {count:,} series (built in {time.perf_counter() - started:.1f} s)")
    bare = bare_query(db, sprint_id)
    rows_bare = len(bare())
    bare_ms = median_ms(bare)

    runner = OpRunner(threads=2)
    model = SeriesBoardModel("anna")
    view = BoardView(model)
    view.resize(1300, 800)
    view.show()
    app.processEvents()
    query_ms = median_ms(lambda: list_series(db, sprint_id))
    gui_ms: list[float] = []

    def load() -> None:
        waiting = QEventLoop()

        def loaded(rows: Any) -> None:
            began = time.perf_counter()
            model.set_rows(rows)
            app.processEvents()  # the first paint of the new rows
            gui_ms.append((time.perf_counter() - began) * 1000)
            waiting.quit()

        Op(runner, board_rows, db, sprint_id).success(loaded).run()
        waiting.exec()  # idle like the window's event loop, not spinning

    load_ms = median_ms(load)
    view.set_loaded()
    sort_alias = median_ms(lambda: (model.sort(1), app.processEvents()))
    sort_activity = median_ms(lambda: (model.sort(11), app.processEvents()))
    model.sort(-1)
    app.processEvents()
    keystrokes: list[float] = []
    changing: list[float] = []  # the keystrokes after which other rows are shown
    layouts: list[int] = []
    model.layoutChanged.connect(lambda *_: layouts.append(1))
    model.modelReset.connect(lambda: layouts.append(1))
    for _ in range(2):
        for typed in TYPED:
            texts = [typed[:n] for n in range(1, len(typed) + 1)]
            texts += [typed[:n] for n in range(len(typed) - 1, 0, -1)]  # and back again
            for text in texts:
                layouts.clear()
                start = time.perf_counter()
                view.filter_edit.setText(text)
                app.processEvents()
                spent = (time.perf_counter() - start) * 1000
                keystrokes.append(spent)
                if layouts:
                    changing.append(spent)
            view.filter_edit.clear()
            app.processEvents()
    clear_ms = median_ms(lambda: (view.filter_edit.setText("x"), view.filter_edit.clear(),
                                  app.processEvents()), repeat=3) / 2
    load_target, key_target = TARGETS.get(count, (float("nan"), float("nan")))
    key_median = statistics.median(keystrokes)
    print(f"  rows: bare {rows_bare:,}, board {model.rowCount():,}")
    print(f"  bare SQL query (raw driver)          {bare_ms:8.1f} ms")
    print(f"  list_series (SQLAlchemy, same rows)  {query_ms:8.1f} ms   "
          f"{query_ms / bare_ms:.1f}x bare")
    print(f"  board load (Op, to first paint)      {load_ms:8.1f} ms   "
          f"{load_ms / bare_ms:.1f}x bare   target <= {load_target:,.0f} ms")
    print(f"    of which on the GUI thread         {statistics.median(gui_ms):8.1f} ms   "
          f"{statistics.median(gui_ms) / bare_ms:.2f}x bare")
    print(f"  full sort by alias / last activity   {sort_alias:8.1f} / {sort_activity:.1f} ms   "
          f"{sort_alias / bare_ms:.2f}x / {sort_activity / bare_ms:.2f}x bare")
    print(f"  filter keystroke median / max        {key_median:8.1f} / {max(keystrokes):.1f} ms"
          f"   {key_median / bare_ms:.2f}x bare   target <= {key_target:.0f} ms  "
          f"({len(keystrokes)} keystrokes typing {', '.join(map(repr, TYPED))} and back)")
    print(f"    those that change the rows shown   {statistics.median(changing):8.1f} / "
          f"{max(changing):.1f} ms   {statistics.median(changing) / bare_ms:.2f}x bare  "
          f"({len(changing)} of them)")
    print(f"  clearing the filter (all rows back)  {clear_ms:8.1f} ms   "
          f"{clear_ms / bare_ms:.2f}x bare")
    view.close()
    runner.close()
    return {"bare": bare_ms, "load": load_ms, "keystroke": key_median,
            "changing": statistics.median(changing)}


def _quiet_qt(kind: QtMsgType, _context: object, message: str) -> None:
    if "propagateSizeHints" not in message:
        sys.stderr.write(message + "\n")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--series", default="10000,100000",
                        help="comma-separated board sizes (default 10000,100000)")
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--against", help="measure the vidtask of another checkout")
    args = parser.parse_args()
    sizes = [int(n) for n in args.series.split(",")]
    qInstallMessageHandler(_quiet_qt)
    app = QApplication.instance() or QApplication([])
    assert isinstance(app, QApplication)
    print(f"vidtask from {_source_root()}")
    for count in sizes:
        with tempfile.TemporaryDirectory() as folder:
            db = Database(f"sqlite:///{folder}/bench.sqlite3")
            measure(app, db, "SQLite", count)
            db.dispose()
    if args.no_postgres:
        return 0
    try:
        import psycopg
        from sqlalchemy.engine import make_url

        admin = make_url(PG_ADMIN).set(drivername="postgresql")
        with psycopg.connect(admin.render_as_string(hide_password=False), autocommit=True,
                             connect_timeout=5):
            pass
    except Exception as exc:
        print(f"\nPostgreSQL not reachable ({str(exc).splitlines()[0]}): skipped")
        return 0
    for count in sizes:
        name = f"vidtask_bench_{os.getpid()}_{uuid.uuid4().hex[:6]}"
        with psycopg.connect(admin.render_as_string(hide_password=False),
                             autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        try:
            db = Database(admin.set(drivername="postgresql+psycopg", database=name)
                          .render_as_string(hide_password=False))
            measure(app, db, "PostgreSQL", count)
            db.dispose()
        finally:
            with psycopg.connect(admin.render_as_string(hide_password=False),
                                 autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    return 0


if __name__ == "__main__":
    sys.exit(main())
