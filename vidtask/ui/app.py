"""Start the desktop application: logging and error handlers, QApplication, database (signing in
when PostgreSQL asks for a password), identity, main window; and File ▸ Connect to database…
(the window's `connectRequested`) switching to another one."""

from __future__ import annotations

import sys

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication, QMessageBox
from sqlalchemy.engine import make_url

from vidtask.config import resolve_settings
from vidtask.db.engine import Database
from vidtask.db.migrate import upgrade
from vidtask.ui.identity import IdentityDialog, remembered
from vidtask.ui.main_window import MainWindow
from vidtask.ui.operations import sentence
from vidtask.ui.operations.errors import install_handlers, setup_logging
from vidtask.ui.signin import SignInDialog

#: What libpq says when the server wants a password the URL does not carry.
_PASSWORD_WANTED = ("no password supplied", "password authentication failed",
                    "fe_sendauth")


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
    window = MainWindow(db, *chosen, settings=settings)
    window.connectRequested.connect(lambda: switch_database(window))
    _shown[0] = window
    return window


#: The window uncaught exceptions are shown in (replaced by File ▸ Connect to database…).
_shown: list[MainWindow | None] = [None]


def _report(error: BaseException) -> None:
    window = _shown[0]
    if window is not None:
        window.ctx.notices.failure(error)


def wants_password(url: str, error: BaseException) -> bool:
    """A PostgreSQL URL without a password, refused because the server asks for one."""
    try:
        parsed = make_url(url)
    except Exception:
        return False
    if not parsed.drivername.startswith("postgresql") or parsed.password:
        return False
    text = str(error).lower()
    return any(marker in text for marker in _PASSWORD_WANTED)


def open_database(url: str, *, create: bool = False) -> Database:
    """Open and migrate; a SQLite file is made only when `create` (the default location)."""
    db = Database(url, create=create)
    try:
        upgrade(db)
    except BaseException:
        db.dispose()
        raise
    return db


def switch_database(window: MainWindow) -> MainWindow | None:
    """File ▸ Connect to database…: sign in, then a new window replaces this one."""
    dialog = SignInDialog(window)
    if dialog.exec() != SignInDialog.DialogCode.Accepted or not dialog.database_url():
        return None
    try:
        db = open_database(dialog.database_url())
    except Exception as exc:  # shown, and the current window stays
        window.ctx.notices.warning(f"Cannot open the database: {sentence(exc)}")
        return None
    details = dialog.details()
    new = open_main_window(db, details.user if details else None, window.settings)
    if new is None:
        db.dispose()
        return None
    new.show()
    window.close()
    return new


def run_gui(database_url: str | None = None) -> int:
    setup_logging()
    install_handlers(_report)
    app = _application()
    settings = resolve_settings(database_url)
    identity = settings.identity
    try:
        db = open_database(settings.database_url, create=settings.is_default_location)
    except Exception as exc:  # the one place a start-up failure becomes a dialog
        if not wants_password(settings.database_url, exc):
            QMessageBox.critical(None, "vidtask",
                                 f"Cannot open the database: {sentence(exc)}")
            return 1
        dialog = SignInDialog()
        if dialog.exec() != SignInDialog.DialogCode.Accepted or not dialog.database_url():
            return 0
        try:
            db = open_database(dialog.database_url())
        except Exception as again:
            QMessageBox.critical(None, "vidtask",
                                 f"Cannot open the database: {sentence(again)}")
            return 1
        details = dialog.details()
        identity = details.user if details else identity
    window = open_main_window(db, identity)
    if window is None:
        return 0
    window.show()
    return int(app.exec())  # closing the window waits for its calls (MainWindow.shutdown)
