"""Sign-in dialog for a PostgreSQL room database: host, port, database, user, password, sslmode.

"Remember password" puts the password in the OS keyring (service "vidtask"); the config file
keeps only host, port, database, user and sslmode. Standalone: the caller opens it with
`exec()` and reads `database_url()` when it was accepted.

Signals: none beyond QDialog's accepted/rejected.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from vidtask.domain.errors import VidtaskError
from vidtask.services import credentials
from vidtask.services.credentials import SSL_MODES, SignIn

W = TypeVar("W", bound=QWidget)


def _named(widget: W, name: str, accessible: str) -> W:
    widget.setObjectName(name)
    widget.setAccessibleName(accessible)
    return widget


class SignInDialog(QDialog):
    def __init__(self, parent: QWidget | None = None, *, config_path: Path | None = None,
                 check: Callable[[str], None] | None = credentials.check_connection) -> None:
        super().__init__(parent)
        self._config_path = config_path
        self._check = check
        self._details: SignIn | None = None
        self._url = ""
        self.setWindowTitle("Sign in to the sprint database")
        self.setObjectName("signInDialog")

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

        form = QFormLayout()
        form.addRow("&Host", self.host)
        form.addRow("P&ort", self.port)
        form.addRow("&Database", self.database)
        form.addRow("&User", self.user)
        form.addRow("Pass&word", self.password)
        form.addRow("&TLS (sslmode)", self.sslmode)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.setObjectName("signInButtons")
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Sign in")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.remember)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self._prefill()

    def _line(self, name: str, accessible: str, placeholder: str) -> QLineEdit:
        edit = _named(QLineEdit(), name, accessible)
        edit.setPlaceholderText(placeholder)
        return edit

    def _prefill(self) -> None:
        known = credentials.remembered_sign_in(self._config_path)
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

    def database_url(self) -> str:
        """The URL to open (with the password); empty until the dialog was accepted."""
        return self._url

    def _show_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.show()

    def accept(self) -> None:
        try:
            details = credentials.clean_sign_in(self.host.text(), self.port.value(),
                                                self.database.text(), self.user.text(),
                                                self.sslmode.currentText())
            url = credentials.database_url(details, self.password.text())
            if self._check is not None:
                self._check(url)
        except VidtaskError as exc:
            self._show_error(str(exc))
            return
        credentials.remember_sign_in(details, self._config_path)
        if self.remember.isChecked():
            if not credentials.remember_password(details, self.password.text()):
                self._show_error("No system keyring is available; the password was not "
                                 "remembered.")
        else:
            credentials.forget_password(details)
        self._details, self._url = details, url
        super().accept()
