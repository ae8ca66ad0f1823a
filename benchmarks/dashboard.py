"""Dashboard figures and render time on a demo sprint, beside the raw-driver SQL baseline.

    python benchmarks/dashboard.py [--database URL] [--series 600] [--runs 7]

Without --database it builds a 600-series demo sprint in a temporary SQLite file (about 15 s).
Prints medians: the raw driver running the same grouped queries, `sprint_dashboard()`, the widget's
first render (construct + show + paint), a refresh with repaint, and the PDF report.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from vidtask.db.engine import Database
from vidtask.db.migrate import upgrade
from vidtask.services.demo import generate_demo
from vidtask.services.sprints import find_sprint

# The same aggregates sprint_dashboard + sprint_stats run, written by hand for the raw driver.
RAW_QUERIES = (
    "SELECT status, count(*) FROM series WHERE sprint_id = :s GROUP BY status",
    "SELECT count(*) FROM series WHERE sprint_id = :s AND claimed_by_id IS NOT NULL",
    "SELECT ca.country, count(DISTINCT ca.series_id) FROM country_assessments ca "
    "JOIN series s ON s.id = ca.series_id WHERE s.sprint_id = :s AND ca.confirmed "
    "GROUP BY ca.country",
    "SELECT count(*) FROM media m JOIN series s ON s.id = m.series_id WHERE s.sprint_id = :s",
    "SELECT count(*) FROM clues c JOIN series s ON s.id = c.series_id WHERE s.sprint_id = :s",
    "SELECT s.id, s.status, e.action, max(e.occurred_at), min(e.occurred_at) FROM series s "
    "JOIN events e ON e.series_id = s.id WHERE s.sprint_id = :s AND s.status IN "
    "('proposed','confirmed','notified','eliminated') AND e.action IN "
    "('series.proposed','series.eliminated','series.confirmed') GROUP BY s.id, s.status, e.action",
    "SELECT c.category, count(*) FROM clues c JOIN series s ON s.id = c.series_id "
    "WHERE s.sprint_id = :s GROUP BY c.category",
    "SELECT claimed_by_id, count(*) FROM series WHERE sprint_id = :s "
    "AND claimed_by_id IS NOT NULL GROUP BY claimed_by_id",
    "SELECT e.actor_id, e.action, count(*), sum(CASE WHEN e.occurred_at >= :since THEN 1 ELSE 0 "
    "END), max(e.occurred_at) FROM events e JOIN series s ON s.id = e.series_id "
    "WHERE s.sprint_id = :s AND e.actor_id IS NOT NULL GROUP BY e.actor_id, e.action",
    "SELECT id, login, display_name, agency, country, role, active FROM participants",
    "SELECT id, code, alias, priority, status, created_at FROM series WHERE sprint_id = :s "
    "AND priority <= 2 AND status IN ('new','claimed','in_assessment') AND "
    "(claimed_by_id IS NULL OR claim_expires_at < :now) ORDER BY priority, created_at, code "
    "LIMIT 50",
)


def median_ms(action: Callable[[], Any], runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def raw_baseline(db: Database, sprint_id: int) -> Callable[[], None]:
    now = datetime.now(UTC)
    if db.backend == "sqlite":
        connection = sqlite3.connect(str(db.url.database))
        params: dict[str, Any] = {"s": sprint_id, "since": (now - timedelta(hours=24))
                                  .replace(tzinfo=None).isoformat(" "),
                                  "now": now.replace(tzinfo=None).isoformat(" ")}

        def run_sqlite() -> None:
            for query in RAW_QUERIES:
                connection.execute(query, params).fetchall()
        return run_sqlite
    import psycopg

    url = db.url.set(drivername="postgresql").render_as_string(hide_password=False)
    pg = psycopg.connect(url, autocommit=True)
    pg_params = {"s": sprint_id, "since": now - timedelta(hours=24), "now": now}

    def run_postgres() -> None:
        for query in RAW_QUERIES:
            text = query.replace("ca.confirmed", "ca.confirmed IS TRUE")
            for name in ("since", "now", "s"):
                text = text.replace(f":{name}", f"%({name})s")
            pg.execute(text, pg_params).fetchall()
    return run_postgres


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", help="use this database's latest sprint")
    parser.add_argument("--series", type=int, default=600)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    workdir = tempfile.TemporaryDirectory()
    url = args.database or f"sqlite:///{workdir.name}/bench.sqlite3"
    db = Database(url)
    upgrade(db)
    if args.database is None:
        started = time.perf_counter()
        generate_demo(db, series_count=args.series, seed=7)
        print(f"built a {args.series}-series demo sprint in {time.perf_counter() - started:.1f} s")
    sprint_id = find_sprint(db, None).id

    from PySide6.QtWidgets import QApplication

    from vidtask.services.dashboard import sprint_dashboard
    from vidtask.services.participants import list_participants
    from vidtask.services.report import export_sprint_report
    from vidtask.ui.context import AppContext
    from vidtask.ui.dashboard import DashboardWidget

    app = QApplication.instance() or QApplication([])
    sprint = find_sprint(db, None)
    ctx = AppContext(db, list_participants(db)[0], sprint)

    def wait_for_figures(widget: DashboardWidget) -> None:
        while widget.data is None or ctx.runner.busy:  # read off the GUI thread (an Op)
            app.processEvents()
            time.sleep(0.001)
    board = sprint_dashboard(db, sprint_id)
    print(f"{db.describe()}: {board.stats.series_total} series, "
          f"{len(board.participants)} participants, {board.stats.clues_total} clues")
    raw = median_ms(raw_baseline(db, sprint_id), args.runs)
    service = median_ms(lambda: sprint_dashboard(db, sprint_id), args.runs)
    print(f"figures   raw driver, same {len(RAW_QUERIES)} queries: {raw:7.1f} ms")
    print(f"figures   sprint_dashboard():                {service:7.1f} ms")

    widgets: list[DashboardWidget] = []

    def first_render() -> None:
        widget = DashboardWidget(ctx)
        widget.resize(1600, 1000)
        widget.show()
        wait_for_figures(widget)
        widget.grab()  # paints every chart and table once
        widgets.append(widget)

    cold = median_ms(first_render, 1)
    warm = median_ms(first_render, args.runs)
    print(f"render    first dashboard in this process:   {cold:7.1f} ms (fonts, plugins load)")
    print(f"render    dashboard construct+show+paint:    {warm:7.1f} ms (median, budget 300)")
    widget = widgets[-1]

    def refresh() -> None:
        widget.data = None
        widget.refresh()
        wait_for_figures(widget)
        widget.grab()

    data = sprint_dashboard(db, sprint_id)

    def on_gui_thread() -> None:
        widget.show_dashboard(data)
        widget.grab()

    print(f"update    refresh() + repaint, end to end:   {median_ms(refresh, args.runs):7.1f} ms")
    print(f"update    of which on the GUI thread:        {median_ms(on_gui_thread, args.runs):7.1f}"
          " ms (the queries run off it)")
    for other in widgets:
        other.close()
        other.deleteLater()
    app.processEvents()
    out = Path(workdir.name) / "report.pdf"
    pdf = median_ms(lambda: export_sprint_report(db, sprint_id, out), 3)
    print(f"report    PDF summary:                       {pdf:7.1f} ms ({out.stat().st_size:,} "
          "bytes)")
    ctx.close()
    db.dispose()
    workdir.cleanup()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
