"""First start: create the first person and a sprint, or load the demo; remembered next time."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QTreeWidget,
)
from pytest import MonkeyPatch
from pytestqt.qtbot import QtBot

from tests.conftest import World
from tests.ui.find import board, child
from tests.ui.first_start import opened, started
from tests.ui.screens import save_screen
from vidtask.config import read_config_file
from vidtask.db.engine import Database
from vidtask.db.migrate import upgrade
from vidtask.domain.dates import format_date
from vidtask.services import demo
from vidtask.ui.identity import IdentityDialog
from vidtask.ui.people_picker import PeoplePicker
from vidtask.ui.remembered_identity import SPRINT_KEY, remembered


def test_first_start_creates_the_first_person_and_a_sprint(
        qtbot: QtBot, db_url: str, tmp_path: Path) -> None:
    db = Database(db_url)
    try:
        settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
        dialog = opened(qtbot, IdentityDialog(db, settings))
        assert not dialog.findChild(QTreeWidget, "participantList").isVisible()
        note = dialog.findChild(QLabel, "personNote").text()
        assert "first person in this database, and so its administrator" in note
        start = dialog.findChild(QPushButton, "startButton")
        assert start.text() == "Start as administrator"  # never silently an admin
        qtbot.keyClicks(dialog.findChild(QLineEdit, "newSprintName"), "VIDTF 10")
        qtbot.keyClicks(dialog.findChild(QLineEdit, "newLogin"), "ines.kask")
        qtbot.keyClicks(dialog.findChild(QLineEdit, "newDisplayName"), "Ines Kask")
        started(qtbot, dialog)
        assert dialog.result() == IdentityDialog.DialogCode.Accepted
        assert dialog.result_identity is not None
        me, sprint = dialog.result_identity
        assert (me.login, me.role.value, sprint.name) == ("ines.kask", "admin", "VIDTF 10")
        assert "you are its administrator" in dialog.result_note
        if not db.is_postgresql:  # PostgreSQL: the login is who you are, nothing remembered
            assert read_config_file()["identity"] == "ines.kask"
        again = remembered(db, "ines.kask", settings)
        assert again is not None and again[1].name == "VIDTF 10"
    finally:
        db.dispose()


def test_first_start_loads_the_demo_and_picks_a_person(
        qtbot: QtBot, db_url: str, tmp_path: Path, monkeypatch: MonkeyPatch) -> None:
    real = demo.generate_demo
    monkeypatch.setattr(demo, "generate_demo",
                        lambda db, **kw: real(db, series_count=4, **kw))
    db = Database(db_url)
    try:
        settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
        dialog = opened(qtbot, IdentityDialog(db, settings))
        child(dialog, QLineEdit, "newSprintName").clear()
        qtbot.mouseClick(dialog.findChild(QPushButton, "loadDemoButton"),
                         Qt.MouseButton.LeftButton)
        people = dialog.findChild(QTreeWidget, "participantList")
        qtbot.waitUntil(lambda: people.topLevelItemCount() == 3, timeout=60_000)
        qtbot.waitUntil(lambda: dialog.loaded, timeout=10_000)
        assert child(dialog, QComboBox, "sprintCombo").currentData() == demo.DEMO_SPRINT_NAME
        assert not dialog.findChild(QGroupBox, "newPersonBox").isVisible()
        groups = [people.topLevelItem(i).text(0) for i in range(3)]
        assert groups[0] == "Administrator (1)" and groups[1].startswith("Coordinators (")
        assert groups[2].startswith("Specialists (")
        specialist = people.topLevelItem(2).child(0)
        assert specialist.text(1) == "specialist" and specialist.text(2)  # full role, agency
        qtbot.keyClicks(dialog.findChild(QLineEdit, "participantSearch"),
                        specialist.text(0).split()[-1])
        picker = child(dialog, PeoplePicker, "peoplePicker")
        login = picker.current_login()
        assert login is not None and login in picker.visible_logins()
        save_screen(dialog, f"first-start-people-{db.backend}.png")
        first_day = dialog.findChild(QDateEdit, "newSprintStart")
        assert first_day.text() == format_date(first_day.date().toPython())  # as listed
        started(qtbot, dialog)
        assert dialog.result_identity is not None
        assert dialog.result_identity[0].login == login
        assert settings.value("identity/sprint") == demo.DEMO_SPRINT_NAME
        note = dialog.findChild(QLabel, "personNote").text()
        assert "vidtask " not in note and "administrator" in note  # no CLI command
    finally:
        db.dispose()


def test_unknown_remembered_identity_asks_again(db: Database, tmp_path: Path) -> None:
    upgrade(db)
    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    assert remembered(db, "nobody", settings) is None
    assert remembered(db, None, settings) is None


def test_a_remembered_identity_opens_the_board_directly(qtbot: QtBot, world: World,
                                                        tmp_path: Path) -> None:
    from vidtask.ui.app import open_main_window

    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    settings.setValue(SPRINT_KEY, "Test sprint")
    window = open_main_window(world.db, "bert", settings)
    assert window is not None
    qtbot.addWidget(window)
    try:
        assert window.ctx.login == "bert" and window.ctx.sprint.name == "Test sprint"
        qtbot.waitUntil(lambda: board(window).rowCount() == 3, timeout=5_000)
    finally:
        window.shutdown()
