"""Start the desktop application: QApplication, database, main window."""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QApplication, QMainWindow, QTableView

from vidtask.config import resolve_settings
from vidtask.db.engine import Database
from vidtask.db.migrate import upgrade


def run_gui(database_url: str | None = None) -> int:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    settings = resolve_settings(database_url)
    db = Database(settings.database_url)
    upgrade(db)
    window = QMainWindow()
    window.setWindowTitle(f"vidtask — {db.describe()}")
    window.setCentralWidget(QTableView())
    window.resize(1200, 800)
    window.show()
    return int(app.exec())
