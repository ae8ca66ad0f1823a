"""Start the desktop application: logging and error handlers, QApplication (the user's locale,
fonts), the database (signing in when PostgreSQL asks for a password; Retry / Connect to another
database… / Quit when it cannot be opened), who you are, the main window; and the window's
`connectRequested` (File ▸ Connect to database…) switching to another one.

Who you are: on PostgreSQL the signed-in login (a personal login opens its own window whatever
was remembered); on SQLite the person remembered in the config file, else the first-start
dialog.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QLocale, QSettings
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import QApplication
from sqlalchemy.engine import make_url

from vidtask.config import resolve_settings
from vidtask.db.engine import Database
from vidtask.db.migrate import upgrade
from vidtask.domain import dates
from vidtask.ui.identity import IdentityDialog
from vidtask.ui.main_window import MainWindow
from vidtask.ui.operations.errors import install_handlers, setup_logging
from vidtask.ui.remembered_identity import forget_identity, identity_login, remember, remembered
from vidtask.ui.signin import Connection, ask_for_database
from vidtask.ui.startup import Choice, StartupErrorDialog, startup_sentence
from vidtask.ui.switch_person import LOGIN_DECIDES, SwitchPersonDialog

logger = logging.getLogger("vidtask.ui.app")

#: What libpq says when the server wants a password the URL does not carry.
_PASSWORD_WANTED = ("no password supplied", "password authentication failed",
                    "fe_sendauth")


def _application() -> QApplication:
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(sys.argv[:1])
    app.setOrganizationName("vidtask")
    app.setApplicationName("vidtask")
    app.setApplicationDisplayName("vidtask")
    use_system_locale()
    ensure_fonts()
    return app


def use_system_locale(name: str | None = None) -> None:
    """Dates everywhere in the user's locale: `dates` (babel) and Qt's widgets agree. The C
    locale (no real convention) reads as British English, as in `vidtask.domain.dates`."""
    dates.set_user_locale(name or QLocale.system().name())
    QLocale.setDefault(QLocale(dates.user_locale()))


def ensure_fonts() -> None:
    """A system without fonts still shows text: vidtask's bundled DejaVu Sans (as in PDFs)."""
    if QFontDatabase.families():
        return
    from vidtask.domain.resources import ResourceMissing, resource_path

    for name in ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf"):
        try:
            QFontDatabase.addApplicationFont(str(resource_path("fonts", name)))
        except ResourceMissing:
            logger.warning("bundled font %s missing", name)


def open_main_window(db: Database, identity: str | None,
                     settings: QSettings | None = None) -> MainWindow | None:
    """The window for the remembered identity (PostgreSQL: the signed-in login), else after
    the first-start dialog (None: cancelled). Raises NotAParticipant for a personal login
    without a participant row."""
    settings = settings or QSettings()
    chosen = remembered(db, identity_login(db, identity), settings)
    note = ""
    if chosen is None:
        dialog = IdentityDialog(db, settings)
        accepted = dialog.exec() == IdentityDialog.DialogCode.Accepted
        if dialog.result_connection is not None:  # "Open or make another database…"
            raise OtherDatabase(dialog.result_connection)
        if not accepted or not dialog.result_identity:
            return None
        chosen, note = dialog.result_identity, dialog.result_note
    window = _adopt(MainWindow(db, *chosen, settings=settings))
    if db.created:
        note = f"Created a new database at {db.sqlite_path}. {note}".strip()
    if note:
        window.ctx.notices.info(note)
    return window


class OtherDatabase(Exception):
    """The first-start dialog asked for another database (`start` opens it instead)."""

    def __init__(self, connection: Connection) -> None:
        super().__init__(connection.url)
        self.connection = connection


def _adopt(window: MainWindow) -> MainWindow:
    """Answer the window's requests, and show uncaught exceptions in it."""
    window.connectRequested.connect(lambda: switch_database(window))
    window.switchPersonRequested.connect(lambda: switch_person(window))
    window.signOutRequested.connect(lambda: sign_out(window))
    _shown[0] = window
    return window


#: The window uncaught exceptions are shown in (replaced by File ▸ Connect to database…).
_shown: list[MainWindow | None] = [None]


def _replace(old: MainWindow, new: MainWindow | None) -> MainWindow | None:
    """Close `old` (it may refuse: unsaved changes), then show `new` in its place."""
    if new is None:
        return None
    if not old.close():
        new.discard_unsaved_on_close = True
        new.close()
        _shown[0] = old
        return None
    new.show()
    return new


def switch_person(window: MainWindow,
                  choose: Callable[[SwitchPersonDialog], bool] | None = None
                  ) -> MainWindow | None:
    """File ▸ Switch person… (SQLite; the maintenance login picks whom it enters work for)."""
    if window.status_bar.identity.login_decides:
        window.ctx.notices.info(LOGIN_DECIDES)
        return None
    dialog = SwitchPersonDialog(window.ctx.db, window.ctx.me, window)
    accepted = choose(dialog) if choose is not None else \
        dialog.exec() == SwitchPersonDialog.DialogCode.Accepted
    if not accepted or dialog.chosen is None:
        return None
    me, sprint = dialog.chosen, window.ctx.sprint
    remember(me, sprint, window.settings, window.ctx.db)
    new = _adopt(MainWindow(window.ctx.db, me, sprint, settings=window.settings))
    new.ctx.notices.info(f"Now working as {me.display_name}.")
    return _replace(window, new)


def sign_out(window: MainWindow) -> MainWindow | None:
    """File ▸ Sign out (SQLite): forget who is working and ask again (first-start dialog)."""
    if window.status_bar.identity.login_decides:
        window.ctx.notices.info(LOGIN_DECIDES)
        return None
    if not window.close():
        return None
    forget_identity()
    try:
        new = open_main_window(window.ctx.db, None, window.settings)
    except Exception as exc:  # shown like a start-up problem
        ask_what_now(startup_sentence(exc, window.ctx.db.url.render_as_string()))
        return None
    if new is not None:
        new.show()
    return new


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


def ask_what_now(sentence: str) -> Choice:
    dialog = StartupErrorDialog(sentence)
    dialog.exec()
    return dialog.choice


def start(url: str, identity: str | None, *, create: bool = False,
          settings: QSettings | None = None,
          ask: Callable[[str], Choice] = ask_what_now,
          connect: Callable[[str], Connection | None] = lambda url: ask_for_database(url=url)
          ) -> MainWindow | None:
    """Open the database and its window. Each failure is one sentence with Retry / Connect to
    another database… / Quit (`ask`); None when the person quits or cancels. `connect(url)`
    asks for another database, starting from the one that failed (a PostgreSQL server that
    wants a password opens its sign-in filled in)."""
    made: Path | None = None  # a SQLite file the connect dialog made: said in the window

    def take(chosen: Connection) -> None:
        nonlocal url, identity, create, made
        url, identity, create = chosen.url, chosen.user or identity, False
        made = chosen.created

    while True:
        try:
            db = open_database(url, create=create)
        except Exception as exc:
            if wants_password(url, exc):
                chosen = connect(url)
                if chosen is None:
                    return None
                take(chosen)
                continue
            problem: BaseException = exc
        else:
            try:
                window = open_main_window(db, identity, settings)
            except OtherDatabase as other:
                db.dispose()
                take(other.connection)
                continue
            except Exception as exc:  # a login that is nobody here, a read-only data folder…
                db.dispose()
                problem = exc
            else:
                if window is None:
                    db.dispose()
                elif made is not None:
                    window.ctx.notices.info(f"Created a new database at {made}.")
                return window
        logger.warning("cannot open %s", url, exc_info=problem)
        choice = ask(startup_sentence(problem, url))
        if choice is Choice.QUIT:
            return None
        if choice is Choice.CONNECT:
            chosen = connect(url)
            if chosen is not None:
                take(chosen)


def switch_database(window: MainWindow) -> MainWindow | None:
    """File ▸ Connect to database…: sign in, then a new window replaces this one."""
    chosen = ask_for_database(window, url=window.ctx.db.url.render_as_string())
    if chosen is None:
        return None
    try:
        db = open_database(chosen.url)
    except Exception as exc:  # shown, and the current window stays
        window.ctx.notices.warning(startup_sentence(exc, chosen.url))
        return None
    try:
        new = open_main_window(db, chosen.user or window.ctx.login, window.settings)
    except OtherDatabase:
        db.dispose()
        return None
    except Exception as exc:
        db.dispose()
        window.ctx.notices.warning(startup_sentence(exc, chosen.url))
        return None
    if new is None:
        db.dispose()
        return None
    if chosen.created is not None:
        new.ctx.notices.info(f"Created a new database at {chosen.created}.")
    new.show()
    window.close()
    return new


def run_gui(database_url: str | None = None) -> int:
    setup_logging()
    install_handlers(_report)
    app = _application()
    settings = resolve_settings(database_url)
    window = start(settings.database_url, settings.identity,
                   create=settings.is_default_location)
    if window is None:
        return 0
    window.show()
    return int(app.exec())  # closing the window waits for its calls (MainWindow.shutdown)
