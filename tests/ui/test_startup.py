"""Starting the desktop: errors as one sentence with Retry / Connect to another database… / Quit,
nothing created where nobody asked, PostgreSQL's login as the identity, dates in the locale."""

from __future__ import annotations

import errno
import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import QLocale, QSettings
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTabWidget,
    QTreeWidget,
)
from pytestqt.qtbot import QtBot

from tests.conftest import World
from tests.ui.find import child
from tests.ui.first_start import connected, opened, started
from tests.ui.screens import save_screen
from tests.worlds.room import Room
from vidtask.domain import dates
from vidtask.services import participants
from vidtask.ui import app
from vidtask.ui.identity import IdentityDialog
from vidtask.ui.people_picker import PeoplePicker
from vidtask.ui.remembered_identity import SPRINT_KEY, NotAParticipant, remembered
from vidtask.ui.signin import SignInDialog
from vidtask.ui.startup import Choice, StartupErrorDialog, startup_sentence

pytestmark = pytest.mark.gui


def _files(root: Path) -> set[Path]:
    return set(root.rglob("*"))


def test_a_missing_file_asks_what_now_and_creates_nothing_until_retry_finds_it(
        qtbot: QtBot, world: World, db_url: str, tmp_path: Path, qsettings: QSettings) -> None:
    if world.db.is_postgresql:
        pytest.skip("SQLite files")
    typo = tmp_path / "shared" / "sprint.sqlit3"
    asked: list[str] = []
    before = _files(tmp_path)

    def ask(sentence: str) -> Choice:
        asked.append(sentence)
        if len(asked) == 1:
            assert _files(tmp_path) == before  # nothing made, folders included
            typo.parent.mkdir()
            world.db.dispose()  # closes the WAL: the file alone is the database
            shutil.copy(db_url.removeprefix("sqlite:///"), typo)  # "found the file"
            return Choice.RETRY
        return Choice.QUIT

    qsettings.setValue(SPRINT_KEY, "Test sprint")
    window = app.start(f"sqlite:///{typo}", "anna", settings=qsettings, ask=ask,
                       connect=pytest.fail)
    assert window is not None
    qtbot.addWidget(window)
    try:
        assert asked == [f"There is no database at {typo}: check the path, or choose Connect "
                         "to another database… to open a file or make a new one."]
        assert window.ctx.login == "anna"
    finally:
        window.shutdown()


def test_connect_to_another_database_from_the_error(qtbot: QtBot, world: World, db_url: str,
                                                    tmp_path: Path,
                                                    qsettings: QSettings) -> None:
    qsettings.setValue(SPRINT_KEY, "Test sprint")
    window = app.start("postgresql://nobody@127.0.0.1:1/none", "bert", settings=qsettings,
                       ask=lambda sentence: Choice.CONNECT,
                       connect=lambda _failed: app.Connection(db_url, None, None))
    assert window is not None
    qtbot.addWidget(window)
    try:
        assert window.ctx.login == "bert"
    finally:
        window.shutdown()


def test_quit_gives_up(tmp_path: Path) -> None:
    sentences: list[str] = []
    assert app.start("postgresql://nobody@127.0.0.1:1/none", None,
                     ask=lambda s: sentences.append(s) or Choice.QUIT) is None
    assert sentences == ["Cannot reach the database server 127.0.0.1:1 (nothing answers "
                         "there): check that it runs and that the address is right, or "
                         "connect to another database."]


def test_a_read_only_data_folder_is_one_sentence() -> None:
    error = OSError(errno.EROFS, "Read-only file system", "/home/kim/.local/share/vidtask")
    assert startup_sentence(error, "sqlite:////home/kim/.local/share/vidtask/x.sqlite3") == (
        "vidtask cannot write to /home/kim/.local/share/vidtask (read-only file system): make "
        "it writable, or connect to another database.")


def test_a_read_only_data_folder_at_window_start_asks_what_now(
        world: World, db_url: str, qsettings: QSettings,
        monkeypatch: pytest.MonkeyPatch) -> None:
    def read_only(*args: object, **kwargs: object) -> None:
        raise OSError(errno.EROFS, "Read-only file system", "/data/vidtask/outbox.sqlite3")

    monkeypatch.setattr(app, "MainWindow", read_only)
    qsettings.setValue(SPRINT_KEY, "Test sprint")
    sentences: list[str] = []
    assert app.start(db_url, "anna", settings=qsettings,
                     ask=lambda s: sentences.append(s) or Choice.QUIT) is None
    assert sentences == ["vidtask cannot write to /data/vidtask/outbox.sqlite3 (read-only file "
                         "system): make it writable, or connect to another database."]


def test_the_error_dialog_offers_retry_connect_and_quit(qtbot: QtBot, tmp_path: Path) -> None:
    url = "postgresql://kim.meyer:pw@127.0.0.1:1/vidtask"
    with pytest.raises(Exception) as raised:
        app.open_database(url)
    dialog = StartupErrorDialog(startup_sentence(raised.value, url))
    qtbot.addWidget(dialog)
    dialog.show()
    assert "nothing answers there" in dialog.findChild(QLabel, "startupErrorText").text()
    retry = dialog.findChild(QPushButton, "retryButton")
    assert retry.isDefault()
    retry.click()
    assert dialog.choice is Choice.RETRY
    dialog.findChild(QPushButton, "connectOtherButton").click()
    assert dialog.choice is Choice.CONNECT
    dialog.findChild(QPushButton, "quitButton").click()
    assert dialog.choice is Choice.QUIT
    save_screen(dialog, "startup-error.png")


def test_passwords_never_reach_the_sentence() -> None:
    text = startup_sentence(RuntimeError("boom postgresql://kim:hunter2@db/v"),
                            "postgresql://kim:hunter2@db/v")
    assert "hunter2" not in text


# ---------------------------------------------------------------- the connect dialog (SQLite)

def test_connect_opens_an_existing_file_and_refuses_a_missing_one(
        qtbot: QtBot, tmp_path: Path, world: World, db_url: str) -> None:
    if world.db.is_postgresql:
        pytest.skip("SQLite files")
    dialog = SignInDialog(backend="sqlite", config_path=tmp_path / "c.toml", check=None)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.findChild(QTabWidget, "connectPages").currentIndex() == 0
    path = dialog.findChild(QLineEdit, "sqlitePath")
    path.setText(str(tmp_path / "nope" / "x.sqlite3"))
    connected(qtbot, dialog)
    assert dialog.isVisible() and not (tmp_path / "nope").exists()
    error = child(dialog, QLabel, "signInError").text()
    assert error.startswith(f"There is no database at {tmp_path}/nope/x.sqlite3")
    assert "New database file…" in error
    path.setText(db_url.removeprefix("sqlite:///"))
    connected(qtbot, dialog)
    assert dialog.database_url() == db_url and dialog.created_file() is None


def test_new_database_file_makes_one_and_says_so(qtbot: QtBot, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "new" / "vidtf10"
    (tmp_path / "new").mkdir()
    monkeypatch.setattr("vidtask.ui.signin.QFileDialog.getSaveFileName",
                        lambda *a, **k: (str(target), ""))
    dialog = SignInDialog(backend="sqlite", config_path=tmp_path / "c.toml", check=None)
    qtbot.addWidget(dialog)
    dialog.findChild(QPushButton, "newSqliteFileButton").click()
    made = target.with_suffix(".sqlite3")
    assert not made.exists()  # made on Open, not while choosing
    assert f"will be made at {made}" in child(dialog, QLabel, "sqliteNote").text()
    connected(qtbot, dialog)
    assert made.exists() and dialog.created_file() == made
    assert dialog.database_url() == f"sqlite:///{made}"
    save_screen(dialog, "connect-new-file.png")


# ---------------------------------------------------------------- PostgreSQL: the login decides

def test_a_personal_login_opens_its_own_window_whatever_was_remembered(
        qtbot: QtBot, room: Room, qsettings: QSettings) -> None:
    qsettings.setValue(SPRINT_KEY, "Room sprint")
    window = app.open_main_window(room.db("cora"), room.login("bert"), qsettings)
    assert window is not None
    qtbot.addWidget(window)
    try:
        assert window.ctx.login == room.login("cora")
    finally:
        window.shutdown()


def test_the_first_start_dialog_shows_the_signed_in_person(qtbot: QtBot, room: Room,
                                                          qsettings: QSettings) -> None:
    dialog = opened(qtbot, IdentityDialog(room.db("cora"), qsettings))
    label = dialog.findChild(QLabel, "signedInAs").text()
    assert label == "You are signed in as <b>Cora</b> — coordinator, police."
    assert not child(dialog, PeoplePicker, "peoplePicker").isVisible()
    assert not child(dialog, QGroupBox, "newPersonBox").isVisible()
    assert not child(dialog, QPushButton, "loadDemoButton").isEnabled()
    started(qtbot, dialog)
    assert dialog.result_identity is not None
    assert dialog.result_identity[0].login == room.login("cora")


def test_a_login_that_is_nobody_here_is_told_to_ask_an_admin(
        room: Room, qsettings: QSettings) -> None:
    from sqlalchemy import text

    with room.owner.engine.begin() as connection:
        connection.execute(text("DELETE FROM participants WHERE login = :l"),
                           {"l": room.login("bert")})
    with pytest.raises(NotAParticipant, match="ask an administrator") as raised:
        remembered(room.db("bert"), "anna", qsettings)
    assert "vidtask " not in str(raised.value)


# ---------------------------------------------------------------- dates in the user's locale

def sprint_text(dialog: IdentityDialog) -> str:
    return child(dialog, QComboBox, "sprintCombo").itemText(0)


def test_the_first_start_dialog_shows_dates_in_the_users_locale(
        qtbot: QtBot, world: World, qsettings: QSettings) -> None:
    try:
        app.use_system_locale("de_DE")
        dialog = opened(qtbot, IdentityDialog(world.db, qsettings))
        assert sprint_text(dialog) == "Test sprint (01.06.2026 – 12.06.2026)"
        assert child(dialog, QDateEdit, "newSprintStart").displayFormat() == "dd.MM.yyyy"
        app.use_system_locale("C")  # no real convention: British English, never "1 12 2026"
        dialog = opened(qtbot, IdentityDialog(world.db, qsettings))
        assert sprint_text(dialog) == "Test sprint (1 Jun 2026 – 12 Jun 2026)"
        # the field reads like the sprint line beside it ("1 Jun 2026"), not "01/06/2026"
        assert child(dialog, QDateEdit, "newSprintStart").displayFormat() == "d MMM yyyy"
    finally:
        dates.set_user_locale(None)
        QLocale.setDefault(QLocale.system())


def test_people_are_grouped_by_role_and_searchable(qtbot: QtBot, world: World,
                                                   qsettings: QSettings) -> None:
    dialog = opened(qtbot, IdentityDialog(world.db, qsettings))
    tree = child(dialog, QTreeWidget, "participantList")
    assert [tree.topLevelItem(i).text(0) for i in range(tree.topLevelItemCount())] == [
        "Administrator (1)", "Coordinators (2)", "Specialists (3)"]
    qtbot.keyClicks(dialog.findChild(QLineEdit, "participantSearch"), "ua police")
    picker = child(dialog, PeoplePicker, "peoplePicker")
    assert picker.visible_logins() == ["dmytro"]
    assert picker.current_login() == "dmytro"
    assert participants.get_participant(world.db, "dmytro").role.value == "specialist"


# ---------------------------------------------------------------- another database at first start

def test_the_first_start_dialog_opens_or_makes_another_database(
        qtbot: QtBot, world: World, qsettings: QSettings, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    made = tmp_path / "new.sqlite3"
    monkeypatch.setattr("vidtask.ui.identity.ask_for_database",
                        lambda *a, **k: app.Connection(f"sqlite:///{made}", None, made))
    dialog = IdentityDialog(world.db, qsettings)
    qtbot.addWidget(dialog)
    dialog.show()
    assert str(world.db.describe()) in dialog.findChild(QLabel, "databaseInUse").text()
    dialog.findChild(QPushButton, "otherDatabaseButton").click()
    assert dialog.result_connection == app.Connection(f"sqlite:///{made}", None, made)
    assert not dialog.isVisible() and dialog.result_identity is None


def test_start_opens_the_database_the_first_start_dialog_chose(
        qtbot: QtBot, db_url: str, qsettings: QSettings, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    if not db_url.startswith("sqlite"):
        pytest.skip("SQLite files")
    made = tmp_path / "made" / "other.sqlite3"
    made.parent.mkdir()
    urls: list[str] = []
    real = app.open_main_window

    def first_start(db: app.Database, identity: str | None, settings: QSettings
                    ) -> app.MainWindow | None:
        urls.append(str(db.url))
        if len(urls) == 1:  # the person chose New database file… in the dialog
            from vidtask.services.setup import create_database

            other, _ = create_database(f"sqlite:///{made}")
            other.dispose()
            raise app.OtherDatabase(app.Connection(f"sqlite:///{made}", None, made))
        return real(db, "anna", settings)

    monkeypatch.setattr(app, "open_main_window", first_start)
    from vidtask.services import participants

    def seeded(url: str, *, create: bool = False) -> app.Database:
        db = app.Database(url, create=create)
        app.upgrade(db)
        if participants.is_empty(db):
            participants.add_participant(db, None, "anna", "Anna")
            from datetime import date

            from vidtask.services.sprints import create_sprint

            create_sprint(db, "anna", "New sprint", date(2026, 6, 1), date(2026, 6, 12))
        return db

    monkeypatch.setattr(app, "open_database", seeded)
    window = app.start(db_url, None, settings=qsettings, ask=pytest.fail)
    assert window is not None
    qtbot.addWidget(window)
    try:
        assert urls[1] == f"sqlite+pysqlite:///{made}"
        assert window.ctx.sprint.name == "New sprint"
        notice = window.findChild(QLabel, "noticeText").text()
        assert notice == f"Created a new database at {made}."
    finally:
        window.shutdown()


def test_a_server_asking_for_a_password_opens_its_sign_in_filled_in(
        qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("vidtask.services.credentials.remembered_sign_in", lambda path=None: None)
    shown: list[SignInDialog] = []

    def exec_(dialog: SignInDialog) -> int:
        shown.append(dialog)
        return 0

    monkeypatch.setattr(SignInDialog, "exec", exec_)
    from vidtask.ui.signin import ask_for_database

    assert ask_for_database(url="postgresql://kim.meyer@db.vidtf.example:6432/vidtf10") is None
    dialog = shown[0]
    assert dialog.findChild(QTabWidget, "connectPages").currentIndex() == 1
    assert (child(dialog, QLineEdit, "host").text(), child(dialog, QSpinBox, "port").value(),
            child(dialog, QLineEdit, "database").text(),
            child(dialog, QLineEdit, "user").text()) == ("db.vidtf.example", 6432, "vidtf10",
                                                         "kim.meyer")
    assert ask_for_database(url=f"sqlite:///{tmp_path}/x.sqlite3") is None
    assert shown[1].findChild(QTabWidget, "connectPages").currentIndex() == 0
    assert child(shown[1], QLineEdit, "sqlitePath").text() == f"{tmp_path}/x.sqlite3"
