"""The main window as a whole: review and dashboard tabs, coordinator menus, wake-ups, presence
and lease warnings — each as the person at the keyboard would notice it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from PySide6.QtGui import QAction
from pytestqt.qtbot import QtBot
from sqlalchemy import update

from tests.conftest import World
from tests.ui.conftest import WindowFactory
from tests.ui.review_world import confirmed, propose
from vidtask.db.engine import Database
from vidtask.db.models import Series
from vidtask.services import claims, clues, presence
from vidtask.services.leases import ActivityClock
from vidtask.ui.app import wants_password
from vidtask.ui.export.dialog import ExportPacketsDialog
from vidtask.ui.intake.dialog import ImportDialog
from vidtask.ui.main_window import MainWindow
from vidtask.ui.review.feedback import FeedbackDialog
from vidtask.ui.review.queue import ReviewQueueWidget

pytestmark = pytest.mark.gui


def tab_titles(window: MainWindow) -> list[str]:
    return [window.tabs.tabText(i) for i in range(window.tabs.count())]


def action(window: MainWindow, name: str) -> QAction:
    found = window.findChild(QAction, name)
    assert found is not None, name
    return found


def test_a_coordinator_gets_review_and_dashboard_a_specialist_no_review(
        make_window: WindowFactory) -> None:
    cora = make_window("cora")
    anna = make_window("anna")
    assert tab_titles(cora)[:3] == ["Board", "Review", "Dashboard"]
    assert "Review" not in tab_titles(anna)
    assert "Dashboard" in tab_titles(anna)
    assert action(cora, "actImport").isVisible() and action(cora, "actExportPackets").isVisible()
    assert not action(anna, "actImport").isVisible()
    assert not action(anna, "actExportPackets").isVisible()
    assert action(anna, "actExportReport").shortcut().toString() == "Ctrl+Shift+E"


def test_confirming_in_the_review_tab_updates_the_board_row(
        qtbot: QtBot, world: World, make_window: WindowFactory) -> None:
    series_id = world.series_ids[0]
    propose(world, series_id)
    window = make_window("cora", poll_ms=60_000)
    qtbot.waitUntil(lambda: window.model.series(series_id).status == "proposed", timeout=5_000)
    action(window, "actShowReview").trigger()
    review = window.review
    assert isinstance(review, ReviewQueueWidget) and window.tabs.currentWidget() is review
    qtbot.waitUntil(lambda: review.queue_model.rowCount() == 1
                    and review.confirm_button.isEnabled(), timeout=10_000)
    review.confirm_button.click()
    qtbot.waitUntil(lambda: window.model.series(series_id).status == "confirmed",
                    timeout=5_000)
    qtbot.waitUntil(lambda: review.queue_model.rowCount() == 0, timeout=5_000)


def test_import_and_export_menu_actions_open_their_dialogs(
        qtbot: QtBot, make_window: WindowFactory) -> None:
    window = make_window("cora")
    action(window, "actImport").trigger()
    dialog = window.dialogs["import"]
    assert isinstance(dialog, ImportDialog)
    qtbot.waitUntil(dialog.isVisible, timeout=2_000)
    dialog.reject()
    action(window, "actExportPackets").trigger()
    export = window.dialogs["export"]
    assert isinstance(export, ExportPacketsDialog)
    qtbot.waitUntil(export.isVisible, timeout=2_000)
    export.reject()
    assert "export" not in window.dialogs


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
    qtbot.waitUntil(lambda: window.model.series(series_id).claimed_by == "bert", timeout=3_000)
    assert window.session.wakeups >= 1
    assert window.connection_label.text().startswith("●")


def test_presence_shows_who_else_has_the_series_open(
        qtbot: QtBot, world: World, db_url: str, make_window: WindowFactory) -> None:
    window = make_window("anna", own_connection=True)
    series_id = world.series_ids[0]
    workspace = window.open_series(series_id)
    other = Database(db_url)
    try:
        presence.heartbeat(other, "bert", "bert-desktop", [series_id])
    finally:
        other.dispose()
    qtbot.waitUntil(lambda: "Bert Specialist" in workspace.viewers_label.text(),
                    timeout=5_000)
    assert workspace.viewers_label.isVisible()
    assert window.online_label.text() == "2 online"


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
    qtbot.waitUntil(window.lease_label.isVisible, timeout=5_000)
    assert window.lease_label.text().startswith("⚠ S-001 lease ends in ")
    assert window.lease_extend_button.text() == "Extend S-001"
    assert "S-001" in window.my_claims.warning.text()
    window.lease_extend_button.click()
    qtbot.waitUntil(lambda: not window.lease_label.isVisible(), timeout=5_000)
    qtbot.waitUntil(lambda: window.model.series(series_id).claim_expires_at is not None
                    and window.model.series(series_id).claim_expires_at
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
    qtbot.waitUntil(lambda: (window.model.series(series_id).claim_expires_at
                             or datetime.now(UTC)) > datetime.now(UTC) + timedelta(minutes=30),
                    timeout=5_000)
    assert not window.lease_label.isVisible()


def test_sqlite_mode_says_it_trusts_whoever_opens_the_file(
        world: World, make_window: WindowFactory) -> None:
    window = make_window("anna")
    if world.db.is_postgresql:
        assert not window.mode_label.isVisible()
    else:
        assert window.mode_label.text() == "SQLite mode"
        assert "trusts" in window.mode_label.toolTip()


def test_an_open_editor_shows_who_changed_the_clue_and_keeps_the_text(
        qtbot: QtBot, world: World, make_window: WindowFactory) -> None:
    series_id = world.series_ids[1]
    claims.claim_series(world.db, "anna", series_id)
    clue_id, _ = clues.add_clue(world.db, "anna", series_id, clues.ClueInput(
        "text", "Shop sign in Cyrillic", kind="script", value="Cyrl"))
    window = make_window("anna")
    workspace = window.open_series(series_id)
    qtbot.waitUntil(lambda: workspace.loaded, timeout=5_000)
    workspace.clue_list.setCurrentRow(0)
    qtbot.waitUntil(lambda: workspace.editor.clue is not None)
    editor = workspace.editor
    editor.description.selectAll()
    qtbot.keyClicks(editor.description, "Sign reads Apteka")
    mine = editor.description.toPlainText()
    # Anna's laptop saves the same clue meanwhile; the feed brings the change to this window
    clues.edit_clue(world.db, "anna", clue_id, 1, clues.ClueInput(
        "text", "Shop sign: pharmacy", kind="script", value="Cyrl"))
    qtbot.waitUntil(workspace.change_banner.isVisible, timeout=5_000)
    assert "changed by" in workspace.change_banner.text()
    assert "review" in workspace.change_banner.text()
    assert editor.description.toPlainText() == mine
    workspace.change_banner.linkActivated.emit("review")
    assert editor.merge.isVisible()
    assert "pharmacy" in editor.their_text.toPlainText()
    assert editor.description.toPlainText() == mine
    assert not workspace.change_banner.isVisible()


def test_record_feedback_opens_for_a_confirmed_series(
        qtbot: QtBot, world: World, make_window: WindowFactory) -> None:
    series_id = world.series_ids[0]
    confirmed(world, series_id)
    window = make_window("cody")
    qtbot.waitUntil(lambda: window.model.series(series_id).status == "confirmed",
                    timeout=5_000)
    window.board.select_series(series_id)
    action(window, "actRecordFeedback").trigger()
    qtbot.waitUntil(lambda: "feedback" in window.dialogs, timeout=5_000)
    dialog = window.dialogs["feedback"]
    assert isinstance(dialog, FeedbackDialog)
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
    seen: list[str] = []
    window.session.connectionStateChanged.connect(
        lambda _state: seen.append(window.connection_label.text()))
    window.session.monitor.report_failure(ConnectionError("server closed the connection"))
    qtbot.waitUntil(lambda: "○ offline — your changes are kept" in seen, timeout=5_000)
    # the monitor's prober reaches the database again (backoff from 0.25 s)
    qtbot.waitUntil(lambda: window.connection_label.text().startswith("● Connected"),
                    timeout=10_000)


def test_a_wakeup_during_a_read_is_answered_by_one_more_read(
        qtbot: QtBot, world: World, make_window: WindowFactory) -> None:
    window = make_window("anna", poll_ms=60_000)
    feed = window.live
    window.session.bridge.stop()  # only this test's wake-ups (SQLite heartbeats wake us too)
    qtbot.waitUntil(lambda: feed.version is not None and not feed._in_flight, timeout=5_000)
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
    qtbot.waitUntil(lambda: len(reads) == 2 and not feed._in_flight, timeout=5_000)
    qtbot.wait(300)
    assert len(reads) == 2
