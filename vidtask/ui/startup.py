"""When the desktop cannot open its database: one sentence, and Retry / Connect to another
database… / Quit (never a raw exception with a single OK).

`startup_sentence` turns what went wrong (a missing SQLite file, a server that refuses, a
read-only data folder, a login that is nobody in the sprint) into the sentence a person can act
on; it names no command-line command. `StartupErrorDialog` shows it with the three choices.
"""

from __future__ import annotations

import errno
import logging
from enum import Enum

from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from vidtask.config import mask_passwords, masked_url
from vidtask.domain.errors import VidtaskError
from vidtask.ui.common import name_widget

logger = logging.getLogger("vidtask.ui.startup")

_READ_ONLY = {errno.EROFS, errno.EACCES, errno.EPERM}


class Choice(Enum):
    RETRY = "retry"
    CONNECT = "connect"
    QUIT = "quit"


def startup_sentence(error: BaseException, url: str) -> str:
    """The one sentence for a database that could not be opened (passwords masked)."""
    return mask_passwords(_sentence(error, url))


def _sentence(error: BaseException, url: str) -> str:
    from vidtask.db.engine import NoDatabaseFile

    if isinstance(error, NoDatabaseFile):
        return (f"There is no database at {error.path}{error.hint}: check the path, or choose "
                "Connect to another database… to open a file or make a new one.")
    if isinstance(error, OSError) and error.errno in _READ_ONLY:
        where = error.filename or "vidtask's data folder"
        reason = (error.strerror or "not writable").lower()
        return (f"vidtask cannot write to {where} ({reason}): make it writable, or connect to "
                "another database.")
    original = getattr(error, "orig", None)
    text = " ".join(str(original if original is not None else error).split())
    lowered = text.lower()
    if "readonly database" in lowered or "unable to open database file" in lowered:
        return (f"The database file behind {masked_url(url)} cannot be written (a read-only "
                "file or folder): make it writable, or connect to another database.")
    if "disk i/o error" in lowered or "database disk image is malformed" in lowered:
        return (f"The database file behind {masked_url(url)} is damaged or unreadable "
                f"({text}): restore it from a backup, or connect to another database.")
    server = _server(url)
    if "password authentication failed" in lowered or "no password supplied" in lowered:
        return (f"The server {server} refused the password for {_user(url)}: connect again "
                "with the right password.")
    if "does not exist" in lowered and "database" in lowered:
        return (f"The server {server} has no database {_database(url)}: check its name, or "
                "connect to another database.")
    if "role" in lowered and "does not exist" in lowered:
        return (f"The server {server} has no login {_user(url)}: check the user name, or ask "
                "the sprint's administrator for a login.")
    if any(marker in lowered for marker in ("connection refused", "could not translate host",
                                            "timeout expired", "no route to host",
                                            "name or service not known", "network is "
                                            "unreachable", "could not connect")):
        reason = ("nothing answers there" if "refused" in lowered else
                  "unknown host name" if "translate host" in lowered
                  or "name or service" in lowered else "no answer")
        return (f"Cannot reach the database server {server} ({reason}): check that it runs "
                "and that the address is right, or connect to another database.")
    if isinstance(error, VidtaskError):
        return str(error)
    first = text.split(" (Background on this error")[0]
    return (f"The database {masked_url(url)} could not be opened ({type(error).__name__}: "
            f"{first}).")


def _parts(url: str) -> tuple[str, str, str]:
    try:
        from sqlalchemy.engine import make_url

        parsed = make_url(url)
    except Exception:
        return "?", "?", "?"
    port = f":{parsed.port}" if parsed.port else ""
    return f"{parsed.host or 'localhost'}{port}", parsed.username or "?", parsed.database or "?"


def _server(url: str) -> str:
    return _parts(url)[0]


def _user(url: str) -> str:
    return _parts(url)[1]


def _database(url: str) -> str:
    return _parts(url)[2]


class StartupErrorDialog(QDialog):
    """The sentence, and Retry / Connect to another database… / Quit; `choice` after exec()."""

    def __init__(self, sentence: str, parent: QWidget | None = None, *,
                 title: str = "vidtask cannot open the database") -> None:
        super().__init__(parent)
        self.setObjectName("startupErrorDialog")
        self.setWindowTitle(title)
        self.choice = Choice.QUIT
        self.text = QLabel(sentence)
        name_widget(self.text, "startupErrorText", "What went wrong")
        self.text.setWordWrap(True)
        self.text.setMinimumWidth(420)
        heading = QLabel(f"<b>{title}</b>")
        self.retry_button = QPushButton("&Retry")
        name_widget(self.retry_button, "retryButton", "Try again")
        self.connect_button = QPushButton("&Connect to another database…")
        name_widget(self.connect_button, "connectOtherButton", "Connect to another database")
        self.quit_button = QPushButton("&Quit")
        name_widget(self.quit_button, "quitButton", "Quit vidtask")
        self.retry_button.setDefault(True)
        for button, choice in ((self.retry_button, Choice.RETRY),
                               (self.connect_button, Choice.CONNECT),
                               (self.quit_button, Choice.QUIT)):
            button.clicked.connect(lambda _checked=False, c=choice: self._choose(c))
        buttons = QHBoxLayout()
        buttons.addWidget(self.retry_button)
        buttons.addWidget(self.connect_button)
        buttons.addStretch(1)
        buttons.addWidget(self.quit_button)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(self.text)
        layout.addLayout(buttons)

    def _choose(self, choice: Choice) -> None:
        self.choice = choice
        if choice is Choice.QUIT:
            self.reject()
        else:
            self.accept()

    def reject(self) -> None:  # Esc and the window's close button mean Quit
        self.choice = Choice.QUIT
        super().reject()
