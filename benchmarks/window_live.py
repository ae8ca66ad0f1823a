"""Desktop propagation: another desktop's claim → this window's board row, through the wake-up.

    QT_QPA_PLATFORM=offscreen python benchmarks/window_live.py [--backend sqlite,postgresql]
                                                             [--samples 30]

A MainWindow (feed backstop timer 60 s, so only wake-ups count) watches the sprint; a second
Database (another desktop) claims series one by one. Per backend it prints p50/p95 of
commit-returned → board row shows the new holder, beside the bare wake-up source on its own
(commit → the source's callback, no Qt, no feed read, no board update).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import threading
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from live import make_database, percentile, populate  # benchmarks/live.py
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication

from vidtask.db.engine import Database
from vidtask.services import claims
from vidtask.services.participants import get_participant
from vidtask.services.sprints import find_sprint
from vidtask.sync.wakeup import Wake, wakeup_for
from vidtask.ui.main_window import MainWindow


def pump(app: QApplication, until: float, done: object = None) -> bool:
    while time.perf_counter() < until:
        app.processEvents()
        if callable(done) and done():
            return True
        time.sleep(0.001)
    return False


def measure(app: QApplication, url: str, samples: int, workdir: Path) -> tuple[list[float],
                                                                                list[float]]:
    _sprint_id, series_ids = populate(url, 2)
    viewer_db, writer_db, bare_db = Database(url), Database(url), Database(url)
    settings = QSettings(str(workdir / "bench.ini"), QSettings.Format.IniFormat)
    window = MainWindow(viewer_db, get_participant(viewer_db, "desk02"), find_sprint(viewer_db),
                        poll_ms=60_000, settings=settings)
    window.show()
    pump(app, time.perf_counter() + 10, lambda: window.loaded and window.live.version is not None)
    pump(app, time.perf_counter() + 1.0)
    woke = threading.Event()
    bare = wakeup_for(bare_db)
    bare_stamp: list[float] = [0.0]

    def on_wake(wake: Wake) -> None:
        if wake.reason not in ("started", "reconnected", "presence"):
            bare_stamp[0] = time.perf_counter()
            woke.set()

    bare.start(on_wake)
    time.sleep(0.5)
    window_ms: list[float] = []
    bare_ms: list[float] = []
    model = window.board_page.model
    try:
        for series_id in series_ids[:samples]:
            woke.clear()
            claims.claim_series(writer_db, "desk01", series_id)
            committed = time.perf_counter()
            arrived = pump(app, committed + 5,
                           lambda sid=series_id: (row := model.series(sid)) is not None
                           and row.claimed_by == "desk01")
            if arrived:
                window_ms.append((time.perf_counter() - committed) * 1000)
            if woke.wait(5):
                bare_ms.append(max(0.0, bare_stamp[0] - committed) * 1000)
            pump(app, time.perf_counter() + 0.05)
    finally:
        bare.stop()
        window.discard_unsaved_on_close = True
        window.shutdown()
        window.deleteLater()
        pump(app, time.perf_counter() + 0.2)
        for db in (viewer_db, writer_db, bare_db):
            db.dispose()
    return window_ms, bare_ms


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--backend", default="sqlite,postgresql")
    parser.add_argument("--samples", type=int, default=30)
    args = parser.parse_args()
    app = QApplication.instance() or QApplication([])
    assert isinstance(app, QApplication)
    for backend in args.backend.split(","):
        with tempfile.TemporaryDirectory() as tmp:
            url, drop = make_database(backend, Path(tmp))
            try:
                window_ms, bare_ms = measure(app, url, args.samples, Path(tmp))
            finally:
                if drop is not None:
                    drop()
        if not window_ms:
            print(f"{backend:10s} no change reached the window within 5 s")
            continue
        print(f"{backend:10s} window board row: p50 {percentile(window_ms, 0.5):6.1f} ms  "
              f"p95 {percentile(window_ms, 0.95):6.1f} ms  ({len(window_ms)}/{args.samples})   "
              f"bare wake-up: p50 {percentile(bare_ms, 0.5):6.1f} ms  "
              f"p95 {percentile(bare_ms, 0.95):6.1f} ms")


if __name__ == "__main__":
    main()
