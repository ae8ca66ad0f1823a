"""Sprint settings: an administrator sets who issues the packets and can replace the key."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from PySide6.QtWidgets import QCheckBox, QLabel, QLineEdit, QPushButton
from pytestqt.qtbot import QtBot

from tests.conftest import World
from tests.ui.conftest import Decisions
from tests.ui.find import child
from vidtask.services.sprints import sprint_info
from vidtask.ui.context import AppContext
from vidtask.ui.sprint_settings import SprintSettingsDialog

pytestmark = pytest.mark.gui
MakeCtx = Callable[[str], AppContext]


def open_settings(qtbot: QtBot, make_ctx: MakeCtx) -> SprintSettingsDialog:
    ctx = make_ctx("admin")
    dialog = SprintSettingsDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: not ctx.runner.busy
                    and child(dialog, QLineEdit, "sprintOrganiser").text() != "",
                    timeout=10_000)
    return dialog


def test_an_admin_changes_the_issuer_and_replaces_the_key(
        qtbot: QtBot, world: World, make_ctx: MakeCtx, decisions: Decisions) -> None:
    before = sprint_info(world.db, world.sprint_id)
    dialog = open_settings(qtbot, make_ctx)
    assert child(dialog, QLineEdit, "sprintIssuingUnit").text() == before.issuing_unit
    assert child(dialog, QLabel, "sprintKeyFingerprint").text() == before.signing_fingerprint
    save = child(dialog, QPushButton, "sprintSettingsSave")
    assert not save.isEnabled()  # nothing changed yet
    phone = child(dialog, QLineEdit, "sprintContactPhone")
    phone.clear()
    # an empty setting is shown as the refusal packets would give
    assert "has no contact phone yet" in child(dialog, QLabel, "sprintSettingsMessage").text()
    qtbot.keyClicks(phone, "+31 70 302 5000")
    child(dialog, QLineEdit, "sprintOrganiser").setText("Northern VID Taskforce")
    child(dialog, QCheckBox, "sprintNewSigningKey").setChecked(True)
    save.click()
    assert decisions.asked[0][0] == "Replace the signing key"
    qtbot.waitUntil(lambda: sprint_info(world.db, world.sprint_id).organiser
                    == "Northern VID Taskforce", timeout=10_000)
    after = sprint_info(world.db, world.sprint_id)
    assert after.contact_phone == "+31 70 302 5000"
    assert after.signing_fingerprint != before.signing_fingerprint
    qtbot.waitUntil(lambda: child(dialog, QLabel, "sprintKeyFingerprint").text()
                    == after.signing_fingerprint, timeout=10_000)


def test_a_wrong_email_is_one_sentence_and_nothing_is_saved(
        qtbot: QtBot, world: World, make_ctx: MakeCtx) -> None:
    dialog = open_settings(qtbot, make_ctx)
    child(dialog, QLineEdit, "sprintContactEmail").setText("not an address")
    child(dialog, QPushButton, "sprintSettingsSave").click()
    message = child(dialog, QLabel, "sprintSettingsMessage")
    qtbot.waitUntil(lambda: "is not an e-mail address" in message.text(), timeout=10_000)
    assert sprint_info(world.db, world.sprint_id).contact_email == "desk@test.invalid"
