"""The main window as a whole: review and dashboard tabs, coordinator menus, wake-ups, presence
and lease warnings — each as the person at the keyboard would notice it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QComboBox,
    QLabel,
    QListWidget,
    QPushButton,
    QTableView,
    QTabWidget,
)
from pytestqt.qtbot import QtBot
from sqlalchemy import update

from tests.conftest import World
from tests.ui.conftest import WindowFactory
from tests.ui.find import action, child, row, select, text, trigger, workspace
from tests.worlds.review import confirmed, propose
from vidtask.db.engine import Database
from vidtask.db.models import Series
from vidtask.services import claims, clues, presence
from vidtask.services.leases import ActivityClock
from vidtask.services.participants import get_participant
from vidtask.services.series_detail import get_series_detail
from vidtask.services.sprints import find_sprint
from vidtask.ui.app import wants_password
from vidtask.ui.export.dialog import ExportPacketsDialog
from vidtask.ui.intake.dialog import ImportDialog
from vidtask.ui.main_window import MainWindow
from vidtask.ui.review.feedback import FeedbackDialog

pytestmark = pytest.mark.gui


def tab_titles(window: MainWindow) -> list[str]:
    tabs = child(window, QTabWidget, "mainTabs")
    return [tabs.tabText(i) for i in range(tabs.count())]


def test_a_coordinator_gets_review_and_dashboard_a_specialist_no_review(
        make_window: WindowFactory) -> None:
    cora = make_window("cora")
    anna = make_window("anna")
    assert tab_titles(cora)[:3] == ["Board", "Review", "Dashboard"]
    assert "Review" not in tab_titles(anna)
    assert "Dashboard" in tab_titles(anna)
    assert action(cora, "actImport").isVisible() and action(cora, "actExportPackets").isVisible()
    assert anna.findChild(QAction, "actImport") is None
    assert anna.findChild(QAction, "actExportPackets") is None
    assert action(anna, "actExportReport").shortcut().toString() == "Ctrl+Shift+E"


def _review_tab(qtbot: QtBot, window: MainWindow, rows: int) -> QTableView:
    trigger(window, "actShowReview")
    queue = child(window, QTableView, "reviewQueue")
    qtbot.waitUntil(lambda: queue.model().rowCount() == rows, timeout=10_000)
    return queue


def test_confirming_in_the_review_tab_updates_the_board_row(
        qtbot: QtBot, world: World, make_window: WindowFactory) -> None:
    series_id = world.series_ids[0]
    propose(world, series_id)
    window = make_window("cora", poll_ms=60_000)
    qtbot.waitUntil(lambda: row(window, series_id).status == "proposed", timeout=5_000)
    queue = _review_tab(qtbot, window, 1)
    confirm = child(window, QPushButton, "confirmButton")
    countries = child(window, QListWidget, "confirmCountries")
    qtbot.waitUntil(lambda: countries.count() == 2, timeout=10_000)
    assert not confirm.isEnabled()  # nothing is ticked until the coordinator chooses
    countries.item(0).setCheckState(Qt.CheckState.Checked)
    qtbot.waitUntil(confirm.isEnabled, timeout=10_000)
    trigger(window, "actConfirm")  # Ctrl+Return on the review tab
    qtbot.waitUntil(lambda: row(window, series_id).status == "confirmed", timeout=5_000)
    qtbot.waitUntil(lambda: queue.model().rowCount() == 0, timeout=5_000)


def test_extend_lease_never_eliminates_on_the_review_tab(
        qtbot: QtBot, world: World, make_window: WindowFactory) -> None:
    """Issue 18: Ctrl+E ("Extend lease") used to click Eliminate while the Review tab showed."""
    series_id = world.series_ids[0]
    propose(world, series_id)
    window = make_window("cora", poll_ms=60_000)
    _review_tab(qtbot, window, 1)
    child(window, QComboBox, "eliminateReason").setCurrentText("too widespread")
    assert child(window, QPushButton, "eliminateButton").isEnabled()
    extend = action(window, "actExtend")
    assert not extend.isEnabled()  # nothing on the review tab holds a lease
    extend.trigger()
    qtbot.keyClick(window, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    qtbot.wait(300)
    assert get_series_detail(world.db, series_id).status == "proposed"
    assert action(window, "actEliminate").shortcut().toString() == "Ctrl+Alt+E"
    trigger(window, "actEliminate")  # its own action does eliminate
    qtbot.waitUntil(lambda: get_series_detail(world.db, series_id).status == "eliminated",
                    timeout=5_000)


def test_one_key_means_one_thing_per_screen(qtbot: QtBot, world: World,
                                            make_window: WindowFactory) -> None:
    window = make_window("cora")
    post, confirm = action(window, "actPostComment"), action(window, "actConfirm")
    assert post.shortcut() == confirm.shortcut()
    assert not post.isEnabled() and not confirm.isEnabled()  # the board shows
    trigger(window, "actShowReview")
    assert confirm.isEnabled() and not post.isEnabled()
    window.open_series(world.series_ids[0])
    assert post.isEnabled() and not confirm.isEnabled()


def test_import_and_export_menu_actions_open_their_dialogs(
        qtbot: QtBot, make_window: WindowFactory) -> None:
    window = make_window("cora")
    trigger(window, "actImport")
    dialog = child(window, ImportDialog, "importDialog")
    qtbot.waitUntil(dialog.isVisible, timeout=2_000)
    dialog.reject()
    trigger(window, "actExportPackets")
    export = child(window, ExportPacketsDialog, "exportDialog")
    qtbot.waitUntil(export.isVisible, timeout=2_000)
    export.reject()
    assert "export" not in window.dialogs.open


def test_another_desktops_claim_arrives_through_the_wakeup(
        qtbot: QtBot, world: World, db_url: str, make_window: WindowFactory) -> None:
    # the backstop timer is a minute: only a wake-up can bring the change within seconds
    window = make_window("anna", own_connection=True, poll_ms=60_000)
    qtbot.waitUntil(lambda: window.live.version is not None, timeout=5_000)
    series_id = world.series_ids[1]
    other = Database(db_url)
    try:
        claims.claim_series(other, "bert", series_id)
    finally:
        other.dispose()
    qtbot.waitUntil(lambda: row(window, series_id).claimed_by == "bert", timeout=3_000)
    assert window.session.wakeups >= 1
    assert text(window, "connectionState").startswith("●")


def test_presence_shows_who_else_has_the_series_open(
        qtbot: QtBot, world: World, db_url: str, make_window: WindowFactory) -> None:
    window = make_window("anna", own_connection=True)
    series_id = world.series_ids[0]
    opened = window.open_series(series_id)
    other = Database(db_url)
    try:
        presence.heartbeat(other, "bert", "bert-desktop", [series_id])
    finally:
        other.dispose()
    viewers = child(opened, QLabel, "workspaceViewers")
    qtbot.waitUntil(lambda: "Bert Specialist" in viewers.text(), timeout=5_000)
    assert viewers.isVisible()
    assert text(window, "onlineCount") == "2 online"


def _expire_soon(world: World, series_id: int, minutes: int) -> None:
    with world.db.engine.begin() as connection:  # test setup only: the UI never writes SQL
        connection.execute(update(Series).where(Series.id == series_id).values(
            claim_expires_at=datetime.now(UTC) + timedelta(minutes=minutes)))


def test_a_claim_near_expiry_warns_an_idle_holder_with_extend(
        qtbot: QtBot, world: World, make_window: WindowFactory) -> None:
    series_id = world.series_ids[0]
    claims.claim_series(world.db, "anna", series_id)
    window = make_window("anna")
    window.session.leases.activity = ActivityClock()  # nobody touched the keyboard since
    qtbot.waitUntil(lambda: not window.session.lease_busy, timeout=5_000)
    _expire_soon(world, series_id, 8)
    window.session.lease_tick_now()
    warning = child(window, QLabel, "leaseWarning")
    qtbot.waitUntil(warning.isVisible, timeout=5_000)
    assert warning.text().startswith("⚠ S-001 lease ends in ")
    extend = child(window, QPushButton, "leaseExtendButton")
    assert extend.text() == "Extend S-001"
    assert "S-001" in text(window, "myClaimsWarning")
    extend.click()
    qtbot.waitUntil(lambda: not warning.isVisible(), timeout=5_000)
    qtbot.waitUntil(lambda: (row(window, series_id).claim_expires_at or datetime.now(UTC))
                    > datetime.now(UTC) + timedelta(minutes=30), timeout=5_000)


def test_an_active_holders_claim_renews_itself(
        qtbot: QtBot, world: World, make_window: WindowFactory) -> None:
    series_id = world.series_ids[0]
    claims.claim_series(world.db, "anna", series_id)
    window = make_window("anna")
    qtbot.waitUntil(lambda: not window.session.lease_busy, timeout=5_000)
    _expire_soon(world, series_id, 8)
    window.session.activity.touch()
    window.session.lease_tick_now()
    qtbot.waitUntil(lambda: (row(window, series_id).claim_expires_at or datetime.now(UTC))
                    > datetime.now(UTC) + timedelta(minutes=30), timeout=5_000)
    assert not child(window, QLabel, "leaseWarning").isVisible()


def test_sqlite_mode_says_it_trusts_whoever_opens_the_file(
        world: World, make_window: WindowFactory) -> None:
    window = make_window("anna")
    mode = child(window, QLabel, "trustNotice")
    if world.db.is_postgresql:
        assert not mode.isVisible()
    else:
        assert mode.text() == "SQLite mode"
        assert "trusts" in mode.toolTip()


def test_an_open_editor_shows_who_changed_the_clue_and_keeps_the_text(
        qtbot: QtBot, world: World, make_window: WindowFactory) -> None:
    from PySide6.QtWidgets import QGroupBox, QPlainTextEdit

    series_id = world.series_ids[1]
    claims.claim_series(world.db, "anna", series_id)
    clue_id, _ = clues.add_clue(world.db, "anna", series_id, clues.ClueInput(
        "text", "Shop sign in Cyrillic", kind="script", value="Cyrl"))
    window = make_window("anna")
    opened = window.open_series(series_id)
    qtbot.waitUntil(lambda: opened.loaded, timeout=5_000)
    child(opened, QListWidget, "clueList").setCurrentRow(0)
    qtbot.waitUntil(lambda: opened.editor.clue is not None)
    description = child(opened, QPlainTextEdit, "clueDescription")
    description.selectAll()
    qtbot.keyClicks(description, "Sign reads Apteka")
    mine = description.toPlainText()
    # Anna's laptop saves the same clue meanwhile; the feed brings the change to this window
    clues.edit_clue(world.db, "anna", clue_id, 1, clues.ClueInput(
        "text", "Shop sign: pharmacy", kind="script", value="Cyrl"))
    banner = child(opened, QLabel, "changeBanner")
    qtbot.waitUntil(banner.isVisible, timeout=5_000)
    assert "changed by" in banner.text() and "review" in banner.text()
    assert description.toPlainText() == mine
    banner.linkActivated.emit("review")
    assert child(opened, QGroupBox, "clueMergeView").isVisible()
    assert "pharmacy" in child(opened, QPlainTextEdit, "theirDescription").toPlainText()
    assert description.toPlainText() == mine
    assert not banner.isVisible()


def test_record_feedback_opens_for_a_confirmed_series(
        qtbot: QtBot, world: World, make_window: WindowFactory) -> None:
    series_id = world.series_ids[0]
    confirmed(world, series_id)
    window = make_window("cody")
    qtbot.waitUntil(lambda: row(window, series_id).status == "confirmed", timeout=5_000)
    select(window, series_id)
    trigger(window, "actRecordFeedback")
    qtbot.waitUntil(lambda: window.findChild(FeedbackDialog, "feedbackDialog") is not None,
                    timeout=5_000)
    dialog = child(window, FeedbackDialog, "feedbackDialog")
    assert "S-001" in dialog.windowTitle()
    dialog.reject()


def test_a_password_prompt_is_recognised_only_for_postgresql_without_password() -> None:
    refused = Exception("connection failed: fe_sendauth: no password supplied")
    assert wants_password("postgresql+psycopg://anna@db.example.org/vidtask", refused)
    assert not wants_password("postgresql+psycopg://anna:pw@db.example.org/vidtask", refused)
    assert not wants_password("sqlite:////tmp/x.sqlite3", refused)
    assert not wants_password("postgresql+psycopg://anna@db.example.org/vidtask",
                              Exception("database \"vidtask\" does not exist"))


def test_losing_the_database_says_changes_are_kept_and_comes_back(
        qtbot: QtBot, make_window: WindowFactory) -> None:
    window = make_window("anna")
    connection = child(window, QLabel, "connectionState")
    seen: list[str] = []
    window.session.connectionStateChanged.connect(lambda _state: seen.append(connection.text()))
    window.session.monitor.report_failure(ConnectionError("server closed the connection"))
    qtbot.waitUntil(lambda: "○ offline — your changes are kept" in seen, timeout=5_000)
    # the monitor's prober reaches the database again (backoff from 0.25 s)
    qtbot.waitUntil(lambda: connection.text().startswith("● Connected"), timeout=10_000)


def test_a_wakeup_during_a_read_is_answered_by_one_more_read(
        qtbot: QtBot, world: World, make_window: WindowFactory) -> None:
    window = make_window("anna", poll_ms=60_000)
    feed = window.live
    window.session.bridge.stop()  # only this test's wake-ups (SQLite heartbeats wake us too)
    qtbot.waitUntil(lambda: feed.version is not None and not feed.busy, timeout=5_000)
    qtbot.wait(300)
    reads: list[int | None] = []
    fetch = feed._fetch

    def counted(version: int | None) -> tuple[int, list[object]]:
        reads.append(version)
        return fetch(version)  # type: ignore[return-value]

    feed._fetch = counted  # type: ignore[method-assign]
    feed.poll_now()
    feed.poll_now()  # arrives while the first read runs
    feed.poll_now()  # … and a third: still just one more read
    qtbot.waitUntil(lambda: len(reads) == 2 and not feed.busy, timeout=5_000)
    qtbot.wait(300)
    assert len(reads) == 2
    assert workspace(window, world.series_ids[0]) is None


def test_the_board_offers_no_claim_or_release_while_nothing_is_selected(
        qtbot: QtBot, world: World, qsettings: QSettings, tmp_path: Path) -> None:
    window = MainWindow(world.db, get_participant(world.db, "anna"), find_sprint(world.db),
                        settings=qsettings, outbox_path=tmp_path / "o.sqlite3")
    qtbot.addWidget(window)
    try:
        # the board's rows are still being read: no row, so nothing to open, claim or release
        assert not window.loaded
        for name in ("openButton", "claimButton", "releaseButton"):
            assert not child(window, QPushButton, name).isEnabled(), name
        qtbot.waitUntil(lambda: window.loaded, timeout=10_000)
    finally:
        window.shutdown()
