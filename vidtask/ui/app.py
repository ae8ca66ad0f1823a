"""Start the desktop application: QApplication, database, identity, main window."""

from __future__ import annotations

import sys

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication, QMessageBox

from vidtask.config import resolve_settings
from vidtask.db.engine import Database
from vidtask.db.migrate import upgrade
from vidtask.ui.common import error_sentence
from vidtask.ui.identity import IdentityDialog, remembered
from vidtask.ui.main_window import MainWindow


def _application() -> QApplication:
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(sys.argv[:1])
    app.setOrganizationName("vidtask")
    app.setApplicationName("vidtask")
    app.setApplicationDisplayName("vidtask")
    return app


def open_main_window(db: Database, identity: str | None,
                     settings: QSettings | None = None) -> MainWindow | None:
    """The window for the remembered identity, else after the first-start dialog (None: cancel)."""
    settings = settings or QSettings()
    chosen = remembered(db, identity, settings)
    if chosen is None:
        dialog = IdentityDialog(db, settings)
        if dialog.exec() != IdentityDialog.DialogCode.Accepted or not dialog.result_identity:
            return None
        chosen = dialog.result_identity
    return MainWindow(db, *chosen, settings=settings)


def run_gui(database_url: str | None = None) -> int:
    app = _application()
    settings = resolve_settings(database_url)
    try:
        db = Database(settings.database_url)
        upgrade(db)
    except Exception as exc:  # the one place a start-up failure becomes a dialog
        QMessageBox.critical(None, "vidtask", f"Cannot open the database: {error_sentence(exc)}")
        return 1
    window = open_main_window(db, settings.identity)
    if window is None:
        return 0
    window.show()
    return int(app.exec())
