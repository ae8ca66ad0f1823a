"""The sign-in dialog: fills from the remembered sign-in, keeps the password only in the keyring."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QWidget,
)
from pytestqt.qtbot import QtBot
from sqlalchemy.engine import make_url

from tests.services.test_credentials import MemoryKeyring
from tests.ui.find import child
from tests.ui.first_start import connected
from vidtask.domain.errors import InvalidInput
from vidtask.services import credentials
from vidtask.ui.signin import SignInDialog

pytestmark = pytest.mark.gui


@pytest.fixture
def memory_keyring() -> Iterator[MemoryKeyring]:
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


def line(dialog: SignInDialog, name: str) -> QLineEdit:
    return child(dialog, QLineEdit, name)


def _fill(dialog: SignInDialog, password: str = "s3cret pass") -> None:
    line(dialog, "host").setText("db.vidtf.example")
    child(dialog, QSpinBox, "port").setValue(6432)
    line(dialog, "database").setText("vidtf16")
    line(dialog, "user").setText("anna")
    line(dialog, "password").setText(password)
    child(dialog, QComboBox, "sslmode").setCurrentText("verify-full")


def remember_box(dialog: SignInDialog) -> QCheckBox:
    return child(dialog, QCheckBox, "rememberPassword")


def error_text(dialog: SignInDialog) -> str:
    return child(dialog, QLabel, "signInError").text()


def test_sign_in_remembers_password_in_keyring_only(qtbot: QtBot, tmp_path: Path,
                                                    memory_keyring: MemoryKeyring) -> None:
    config = tmp_path / "config.toml"
    checked: list[str] = []
    dialog = SignInDialog(config_path=config, check=checked.append)
    qtbot.addWidget(dialog)
    _fill(dialog)
    remember_box(dialog).setChecked(True)
    connected(qtbot, dialog)
    assert dialog.result() == SignInDialog.DialogCode.Accepted
    url = make_url(dialog.database_url())
    assert (url.username, url.password, url.host, url.port, url.database,
            url.query["sslmode"]) == ("anna", "s3cret pass", "db.vidtf.example", 6432,
                                      "vidtf16", "verify-full")
    assert checked == [dialog.database_url()]
    assert "s3cret" not in config.read_text(encoding="utf-8")
    assert list(memory_keyring.items.values()) == ["s3cret pass"]

    again = SignInDialog(config_path=config, check=None)
    qtbot.addWidget(again)
    assert (line(again, "host").text(), child(again, QSpinBox, "port").value(),
            line(again, "user").text(), line(again, "password").text(),
            child(again, QComboBox, "sslmode").currentText(),
            remember_box(again).isChecked()) == (
        "db.vidtf.example", 6432, "anna", "s3cret pass", "verify-full", True)


def test_unticking_remember_forgets_the_stored_password(qtbot: QtBot, tmp_path: Path,
                                                         memory_keyring: MemoryKeyring) -> None:
    details = credentials.SignIn("db.vidtf.example", "vidtf16", "anna", 6432, "verify-full")
    credentials.remember_password(details, "old")
    dialog = SignInDialog(config_path=tmp_path / "c.toml", check=None)
    qtbot.addWidget(dialog)
    _fill(dialog)
    remember_box(dialog).setChecked(False)
    connected(qtbot, dialog)
    assert memory_keyring.items == {}


def test_a_refused_sign_in_keeps_the_dialog_open_with_one_sentence(
        qtbot: QtBot, tmp_path: Path, memory_keyring: MemoryKeyring) -> None:
    def refuse(url: str) -> None:
        raise InvalidInput("sign-in", 'password authentication failed for user "anna"')

    dialog = SignInDialog(config_path=tmp_path / "c.toml", check=refuse)
    qtbot.addWidget(dialog)
    dialog.show()
    _fill(dialog)
    connected(qtbot, dialog)
    assert dialog.isVisible()
    assert dialog.database_url() == ""
    assert error_text(dialog) == 'sign-in: password authentication failed for user "anna"'
    assert child(dialog, QPushButton, "connectButton").text() == "Sign in"
    assert not (tmp_path / "c.toml").exists()
    line(dialog, "host").clear()
    dialog.accept()  # refused before any server is asked
    assert error_text(dialog) == "host: must not be empty"


def test_every_input_is_named_for_assistive_technology(qtbot: QtBot, tmp_path: Path,
                                                       memory_keyring: MemoryKeyring) -> None:
    dialog = SignInDialog(config_path=tmp_path / "c.toml", check=None)
    qtbot.addWidget(dialog)
    for name in ("host", "port", "database", "user", "password", "sslmode", "rememberPassword",
                 "sqlitePath", "openSqliteFileButton", "newSqliteFileButton", "connectButton"):
        assert child(dialog, QWidget, name).accessibleName()
