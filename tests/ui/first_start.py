"""Driving the dialogs that open before any window (first start, connect): they read the database
on their own runner, so a test shows them and waits for the answer, as a person would."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QPushButton
from pytestqt.qtbot import QtBot

from tests.ui.find import child
from vidtask.ui.identity import IdentityDialog
from vidtask.ui.signin import SignInDialog


def opened(qtbot: QtBot, dialog: IdentityDialog) -> IdentityDialog:
    """Show the first-start dialog and wait until it has read the sprints and people."""
    qtbot.addWidget(dialog)
    dialog.show()
    assert not child(dialog, QPushButton, "startButton").isEnabled()  # nothing read yet
    qtbot.waitUntil(lambda: dialog.loaded, timeout=10_000)
    return dialog


def started(qtbot: QtBot, dialog: IdentityDialog) -> None:
    """Press Start and wait until the identity is resolved (accepted) or refused (an error)."""
    child(dialog, QPushButton, "startButton").click()
    error = child(dialog, QLabel, "identityError")
    qtbot.waitUntil(lambda: dialog.result() != 0 or bool(error.text()), timeout=10_000)


def connected(qtbot: QtBot, dialog: SignInDialog) -> None:
    """Press Open / Sign in and wait for the database's answer."""
    button = child(dialog, QPushButton, "connectButton")
    button.click()
    assert not button.isEnabled() and button.text() == "Connecting…"
    qtbot.waitUntil(lambda: button.isEnabled() or dialog.result() != 0, timeout=10_000)
