"""Who the window works as: the status bar, File ▸ Switch person… and Sign out (SQLite), Help ▸
About (database with its password masked, folders, licence) and Help ▸ User guide."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QDialog, QLabel, QLineEdit, QPushButton, QTextBrowser
from pytestqt.qtbot import QtBot

from tests.conftest import World
from tests.ui.conftest import WindowFactory
from tests.ui.find import child, trigger
from tests.ui.screens import save_screen
from tests.worlds.room import Room
from vidtask import __version__
from vidtask.config import read_config_file, user_data_dir
from vidtask.db.engine import Database
from vidtask.services.participants import get_participant
from vidtask.services.sprints import find_sprint
from vidtask.ui import app
from vidtask.ui.main_window import MainWindow
from vidtask.ui.people_picker import PeoplePicker
from vidtask.ui.remembered_identity import SPRINT_KEY
from vidtask.ui.switch_person import LOGIN_DECIDES, SwitchPersonDialog

pytestmark = pytest.mark.gui

def test_the_status_bar_says_who_is_working(make_window: WindowFactory, world: World) -> None:
    window = make_window("cora")
    text = child(window, QLabel, "signedInAs").text()
    if world.db.is_postgresql:  # these tests connect as the maintenance login
        assert text == "postgres entering for Cora Coordinator (coordinator)"
    else:
        assert text == "Cora Coordinator (coordinator)"


def test_about_shows_version_database_folders_and_licence(
        qtbot: QtBot, make_window: WindowFactory, world: World, db_url: str) -> None:
    window = make_window("anna")
    trigger(window, "actAbout")
    dialog = child(window, QDialog, "aboutDialog")
    qtbot.waitUntil(dialog.isVisible)
    text = child(dialog, QLabel, "aboutText").text()
    assert f"vidtask {__version__}" in text and "EUPL-1.2" in text
    assert world.db.describe().location.split("/")[-1] in text
    assert str(user_data_dir()) in text and "config.toml" in text
    assert "Anna Specialist (anna, specialist" in text
    save_screen(dialog, f"about-{world.db.backend}.png")
    dialog.close()


def test_about_masks_the_password(qtbot: QtBot, make_window: WindowFactory, world: World,
                                  db_url: str) -> None:
    if not world.db.is_postgresql:
        pytest.skip("a SQLite URL has no password")
    with_password = world.db.url.set(password="hunter2-secret")
    db = Database(with_password.render_as_string(hide_password=False))  # trust auth ignores it
    window = make_window("anna", db=db)
    try:
        trigger(window, "actAbout")
        text = child(window, QLabel, "aboutText").text()
        assert "hunter2" not in text and "***" in text
        save_screen(child(window, QDialog, "aboutDialog"), "about.png")
    finally:
        window.shutdown()
        db.dispose()


def test_the_user_guide_opens_in_the_window(make_window: WindowFactory) -> None:
    window = make_window("anna")
    trigger(window, "actUserGuide")
    guide = child(child(window, QDialog, "userGuideDialog"), QTextBrowser, "userGuideText")
    assert "Who you are" in guide.toPlainText() and "Switch person" in guide.toPlainText()


def test_switch_person_reopens_the_window_as_the_chosen_person(
        qtbot: QtBot, world: World, qsettings: QSettings, tmp_path: Path) -> None:
    if world.db.is_postgresql:
        pytest.skip("SQLite: the maintenance login's variant is the same dialog")
    window = app._adopt(MainWindow(world.db, get_participant(world.db, "anna"),
                                   find_sprint(world.db), settings=qsettings,
                                   outbox_path=tmp_path / "o.sqlite3"))
    qtbot.addWidget(window)
    window.show()
    shown: list[SwitchPersonDialog] = []

    def choose(dialog: SwitchPersonDialog) -> bool:
        dialog.show()
        shown.append(dialog)
        qtbot.waitUntil(lambda: dialog.loaded, timeout=10_000)
        assert "working as <b>Anna Specialist</b>" in child(dialog, QLabel,
                                                            "switchPersonIntro").text()
        child(dialog, QLineEdit, "participantSearch").setText("bert")
        save_screen(dialog, "switch-person.png")
        child(dialog, QPushButton, "switchButton").click()
        return dialog.result() == QDialog.DialogCode.Accepted

    new = app.switch_person(window, choose)
    assert new is not None and shown
    qtbot.addWidget(new)
    try:
        assert new.ctx.login == "bert" and not window.isVisible()
        assert child(new, QLabel, "signedInAs").text() == "Bert Specialist (specialist)"
        assert read_config_file()["identity"] == "bert"
        assert "Now working as Bert Specialist." in child(new, QLabel, "noticeText").text()
    finally:
        new.shutdown()


def test_switching_to_yourself_is_refused_in_the_dialog(qtbot: QtBot, world: World) -> None:
    dialog = SwitchPersonDialog(world.db, get_participant(world.db, "anna"))
    qtbot.addWidget(dialog)
    assert not child(dialog, QPushButton, "switchButton").isEnabled()  # reading the people
    qtbot.waitUntil(lambda: dialog.loaded, timeout=10_000)
    child(dialog, PeoplePicker, "peoplePicker").select("anna")
    child(dialog, QPushButton, "switchButton").click()
    assert dialog.chosen is None
    assert child(dialog, QLabel, "switchPersonError").text() == \
        "You are already working as Anna Specialist."


def test_sign_out_forgets_who_was_working(qtbot: QtBot, world: World, qsettings: QSettings,
                                          tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    if world.db.is_postgresql:
        pytest.skip("SQLite")
    from vidtask.config import write_config_value

    write_config_value("identity", "anna")
    qsettings.setValue(SPRINT_KEY, "Test sprint")
    window = app._adopt(MainWindow(world.db, get_participant(world.db, "anna"),
                                   find_sprint(world.db), settings=qsettings,
                                   outbox_path=tmp_path / "o.sqlite3"))
    qtbot.addWidget(window)
    window.show()
    asked: list[str | None] = []

    def first_start(db: Database, identity: str | None, settings: QSettings) -> None:
        asked.append(identity)  # the first-start dialog would open here

    monkeypatch.setattr(app, "open_main_window", first_start)
    trigger(window, "actSignOut")
    assert asked == [None] and not window.isVisible()
    assert "identity" not in read_config_file()


def test_a_personal_login_cannot_switch_person_and_is_told_why(
        qtbot: QtBot, room: Room, qsettings: QSettings, tmp_path: Path) -> None:
    db = room.db("cora")
    window = app._adopt(MainWindow(db, get_participant(db, room.login("cora")),
                                   find_sprint(db), settings=qsettings,
                                   outbox_path=tmp_path / "o.sqlite3"))
    qtbot.addWidget(window)
    window.show()
    try:
        assert child(window, QLabel, "signedInAs").text() == "Signed in as Cora (coordinator)"
        trigger(window, "actSwitchPerson")
        assert child(window, QLabel, "noticeText").text() == LOGIN_DECIDES
        assert window.isVisible()
        save_screen(window, "signed-in-status-bar.png")
    finally:
        window.shutdown()


def test_the_timeline_says_who_entered_an_event_for_somebody(qtbot: QtBot) -> None:
    from datetime import UTC, datetime

    from vidtask.services.series_detail import TimelineEntry
    from vidtask.ui.series.timeline import TimelineModel

    model = TimelineModel()
    now = datetime.now(UTC)
    model.set_entries([
        TimelineEntry(1, now, "bruno.claes", "claim.taken", "series", 1, None, None, "postgres"),
        TimelineEntry(2, now, "kim.meyer", "claim.released", "series", 1, None, None)])
    assert model.data(model.index(0, 1)) == "bruno.claes (entered by postgres)"
    assert model.data(model.index(1, 1)) == "kim.meyer"
