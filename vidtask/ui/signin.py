"""File ▸ Connect to database…: open a SQLite file (or make a new one), or sign in to a
PostgreSQL server (host, port, database, user, password, sslmode).

"Remember password" puts the password in the OS keyring (service "vidtask"); the config file
keeps only host, port, database, user and sslmode. SQLite: **Open file…** takes an existing
vidtask database; **New database file…** makes one (the only place the desktop creates a file
away from the default location) and `created_file()` then names it. A path typed by hand must
exist. Standalone: the caller opens it with `exec()` and reads `database_url()` when accepted.

Opening the file and checking the server run on the dialog's own `OpRunner` (a server may take
seconds to answer): meanwhile the dialog stays responsive, its button says "Connecting…" and is
disabled (`checking` is True); it closes once the database answered, or shows why not.

Signals: none beyond QDialog's accepted/rejected.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from vidtask.domain.errors import VidtaskError
from vidtask.services import credentials
from vidtask.services.credentials import SSL_MODES, SignIn
from vidtask.ui.operations import Op, OpRunner, sentence

W = TypeVar("W", bound=QWidget)


def _named(widget: W, name: str, accessible: str) -> W:
    widget.setObjectName(name)
    widget.setAccessibleName(accessible)
    return widget


@dataclass(frozen=True, slots=True)
class Connection:
    """What the dialog chose: the URL to open (with the password), the PostgreSQL login signed in
    with, the SQLite file it made (New database file…)."""

    url: str
    user: str | None
    created: Path | None


def ask_for_database(parent: QWidget | None = None, backend: str = "sqlite",
                     sqlite_path: Path | None = None, url: str | None = None
                     ) -> Connection | None:
    """Run the dialog (on `url`'s kind of database, its parts filled in); None when cancelled."""
    if url is not None:
        backend, sqlite_path, known = _parts_of(url, sqlite_path)
    else:
        known = None
    dialog = SignInDialog(parent, backend=backend, sqlite_path=sqlite_path, server=known)
    if dialog.exec() != SignInDialog.DialogCode.Accepted or not dialog.database_url():
        return None
    return dialog.connection()


def _parts_of(url: str, sqlite_path: Path | None) -> tuple[str, Path | None, SignIn | None]:
    """The backend, SQLite file and PostgreSQL server details a URL names (no password)."""
    try:
        from sqlalchemy.engine import make_url

        parsed = make_url(url)
    except Exception:
        return "sqlite", sqlite_path, None
    if parsed.drivername.startswith("sqlite"):
        return "sqlite", Path(parsed.database) if parsed.database else sqlite_path, None
    try:
        sslmode = str(parsed.query.get("sslmode", "prefer"))
        known = credentials.clean_sign_in(parsed.host or "localhost", parsed.port or
                                          credentials.DEFAULT_PORT, parsed.database or "",
                                          parsed.username or "", sslmode)
    except VidtaskError:
        known = None
    return "postgresql", sqlite_path, known


#: SQLite files the file dialogs offer.
SQLITE_FILTER = "vidtask databases (*.sqlite3 *.sqlite *.db);;All files (*)"
SQLITE_PAGE, POSTGRESQL_PAGE = 0, 1


class SignInDialog(QDialog):
    def __init__(self, parent: QWidget | None = None, *, config_path: Path | None = None,
                 check: Callable[[str], None] | None = credentials.check_connection,
                 backend: str = "postgresql", sqlite_path: Path | None = None,
                 server: SignIn | None = None) -> None:
        super().__init__(parent)
        self._config_path = config_path
        self._check = check
        self._details: SignIn | None = None
        self._url = ""
        self._create_path: Path | None = None
        self._created: Path | None = None
        self.setWindowTitle("Connect to a sprint database")
        self.setObjectName("signInDialog")
        #: Before any window exists: its own runner (no change bus, errors shown inline).
        self.runner = OpRunner(self)
        #: The database is being opened or the server asked (the button is disabled).
        self.checking = False

        self.sqlite_path = self._line("sqlitePath", "SQLite database file", "/path/to/sprint"
                                      ".sqlite3")
        if sqlite_path is not None:
            self.sqlite_path.setText(str(sqlite_path))
        self.sqlite_path.textEdited.connect(lambda _text: self._forget_new_file())
        self.open_file_button = _named(QPushButton("&Open file…"), "openSqliteFileButton",
                                       "Open an existing database file")
        self.open_file_button.clicked.connect(self.choose_existing_file)
        self.new_file_button = _named(QPushButton("&New database file…"), "newSqliteFileButton",
                                      "Make a new, empty database file")
        self.new_file_button.clicked.connect(self.choose_new_file)
        self.sqlite_note = _named(QLabel(), "sqliteNote", "About SQLite files")
        self.sqlite_note.setWordWrap(True)
        self.sqlite_note.setText("One workstation's database: a file on this computer (not on "
                                 "a network share). Everybody who can open the file can say "
                                 "who they are.")
        sqlite_page = QWidget()
        sqlite_page.setObjectName("sqlitePage")
        file_row = QHBoxLayout()
        file_row.addWidget(self.sqlite_path, 1)
        file_row.addWidget(self.open_file_button)
        sqlite_layout = QVBoxLayout(sqlite_page)
        sqlite_form = QFormLayout()
        file_label = QLabel("&File")
        file_label.setBuddy(self.sqlite_path)  # a row of two widgets: the label needs a buddy
        sqlite_form.addRow(file_label, file_row)
        sqlite_layout.addLayout(sqlite_form)
        sqlite_layout.addWidget(self.new_file_button)
        sqlite_layout.addWidget(self.sqlite_note)
        sqlite_layout.addStretch(1)

        self.host = self._line("host", "Host", "db.example.org")
        self.port = _named(QSpinBox(), "port", "Port")
        self.port.setRange(1, 65535)
        self.port.setValue(credentials.DEFAULT_PORT)
        self.database = self._line("database", "Database", "vidtask")
        self.user = self._line("user", "User (your database login)", "")
        self.password = self._line("password", "Password", "")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.sslmode = _named(QComboBox(), "sslmode", "TLS mode (sslmode)")
        self.sslmode.addItems(list(SSL_MODES))
        self.sslmode.setCurrentText("prefer")
        self.remember = _named(QCheckBox("&Remember password in the system keyring"),
                               "rememberPassword", "Remember password in the system keyring")
        self.error = _named(QLabel(), "signInError", "Sign-in problem")
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #b00020")
        self.error.hide()

        postgres_page = QWidget()
        postgres_page.setObjectName("postgresPage")
        form = QFormLayout()
        form.addRow("&Host", self.host)
        form.addRow("P&ort", self.port)
        form.addRow("&Database", self.database)
        form.addRow("&User", self.user)
        form.addRow("Pass&word", self.password)
        form.addRow("&TLS (sslmode)", self.sslmode)
        postgres_note = QLabel("The room's shared database. Sign in with your own database "
                               "login: it is who you are in the sprint.")
        postgres_note.setWordWrap(True)
        postgres_layout = QVBoxLayout(postgres_page)
        postgres_layout.addLayout(form)
        postgres_layout.addWidget(self.remember)
        postgres_layout.addWidget(postgres_note)

        self.pages = _named(QTabWidget(), "connectPages", "Kind of database")
        self.pages.addTab(sqlite_page, "&SQLite file")
        self.pages.addTab(postgres_page, "&PostgreSQL server")
        self.pages.setCurrentIndex(SQLITE_PAGE if backend == "sqlite" else POSTGRESQL_PAGE)
        self.pages.currentChanged.connect(lambda _index: self._update_ok_text())
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.setObjectName("signInButtons")
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setObjectName("connectButton")
        self.ok_button.setAccessibleName("Connect to the database")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.pages)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self._prefill(server)
        self._update_ok_text()
        self.resize(520, 380)

    def _update_ok_text(self) -> None:
        sqlite = self.pages.currentIndex() == SQLITE_PAGE
        self.ok_button.setText("&Open" if sqlite else "Sign in")

    # ------------------------------------------------------------------ SQLite

    def choose_existing_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Open a vidtask database",
                                              self.sqlite_path.text(), SQLITE_FILTER)
        if path:
            self._forget_new_file()
            self.sqlite_path.setText(path)
            self.pages.setCurrentIndex(SQLITE_PAGE)

    def choose_new_file(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "New vidtask database file",
                                              self.sqlite_path.text() or "sprint.sqlite3",
                                              SQLITE_FILTER)
        if not path:
            return
        chosen = Path(path)
        if not chosen.suffix:
            chosen = chosen.with_suffix(".sqlite3")
        if chosen.exists():
            self._show_error(f"{chosen} already exists; choose Open file… to use it, or "
                             "another name for a new database.")
            return
        self.sqlite_path.setText(str(chosen))
        self._create_path = chosen
        self.sqlite_note.setText(f"A new, empty database will be made at {chosen}.")
        self.pages.setCurrentIndex(SQLITE_PAGE)
        self.error.hide()

    def _forget_new_file(self) -> None:
        self._create_path = None

    def created_file(self) -> Path | None:
        """The SQLite file this dialog made (New database file…), else None."""
        return self._created

    def _accept_sqlite(self) -> None:
        text = self.sqlite_path.text().strip()
        if not text:
            self._show_error("Choose a database file: Open file… or New database file….")
            return
        path = Path(text).expanduser().absolute()
        url = f"sqlite:///{path}"
        create = self._create_path is not None and path == self._create_path.absolute()

        def opened(_none: None) -> None:
            if create:
                self._created = path
            self._details, self._url = None, url
            super(SignInDialog, self).accept()

        self._run(Op(self.runner, open_sqlite, url, create).success(opened)
                  .failure(lambda error: self._show_error(sqlite_refusal(error))))

    def _run(self, op: Op[None]) -> None:
        """One check at a time; the button says so until it answers."""
        self.checking = True
        self.ok_button.setEnabled(False)
        self.ok_button.setText("Connecting…")
        self.error.hide()

        def finished(_name: str) -> None:
            self.runner.finished.disconnect(finished)
            self.checking = False
            self.ok_button.setEnabled(True)
            self._update_ok_text()

        self.runner.finished.connect(finished)
        op.owned_by(self).run()

    def _line(self, name: str, accessible: str, placeholder: str) -> QLineEdit:
        edit = _named(QLineEdit(), name, accessible)
        edit.setPlaceholderText(placeholder)
        return edit

    def _prefill(self, server: SignIn | None = None) -> None:
        known = server or credentials.remembered_sign_in(self._config_path)
        if known is None:
            return
        self.host.setText(known.host)
        self.port.setValue(known.port)
        self.database.setText(known.database)
        self.user.setText(known.user)
        self.sslmode.setCurrentText(known.sslmode)
        stored = credentials.stored_password(known)
        if stored is not None:
            self.password.setText(stored)
            self.remember.setChecked(True)

    def details(self) -> SignIn | None:
        return self._details

    def connection(self) -> Connection | None:
        """What was chosen, once accepted."""
        if not self._url:
            return None
        return Connection(self._url, self._details.user if self._details else None,
                          self._created)

    def database_url(self) -> str:
        """The URL to open (with the password); empty until the dialog was accepted."""
        return self._url

    def _show_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.show()

    def accept(self) -> None:
        if self.checking:
            return
        if self.pages.currentIndex() == SQLITE_PAGE:
            self._accept_sqlite()
            return
        try:
            details = credentials.clean_sign_in(self.host.text(), self.port.value(),
                                                self.database.text(), self.user.text(),
                                                self.sslmode.currentText())
            url = credentials.database_url(details, self.password.text())
        except VidtaskError as exc:
            self._show_error(str(exc))
            return
        password = self.password.text()

        def answered(_none: None) -> None:
            credentials.remember_sign_in(details, self._config_path)
            if self.remember.isChecked():
                if not credentials.remember_password(details, password):
                    self._show_error("No system keyring is available; the password was not "
                                     "remembered.")
            else:
                credentials.forget_password(details)
            self._details, self._url = details, url
            super(SignInDialog, self).accept()

        self._run(Op(self.runner, check_server, self._check, url).success(answered)
                  .failure(lambda error: self._show_error(sentence(error))))

    def done(self, result: int) -> None:
        self.runner.close()
        super().done(result)


def check_server(check: Callable[[str], None] | None, url: str) -> None:
    """Ask the server whether this sign-in works (raises its refusal as a VidtaskError)."""
    if check is not None:
        check(url)


def open_sqlite(url: str, create: bool) -> None:
    """Make the new database file (`create`), or check that the file is a database."""
    from vidtask.db.engine import Database
    from vidtask.services.setup import create_database

    if create:
        db, _ = create_database(url)
    else:
        db = Database(url, create=False)
    db.dispose()


def sqlite_refusal(error: BaseException) -> str:
    """Why the file cannot be used, in one sentence."""
    from vidtask.db.engine import DatabaseUrlError, NoDatabaseFile

    if isinstance(error, NoDatabaseFile):
        return (f"There is no database at {error.path}{error.hint}: check the path, or choose "
                "New database file… to make one.")
    if isinstance(error, (VidtaskError, OSError, DatabaseUrlError)):
        return str(error)
    return sentence(error)
