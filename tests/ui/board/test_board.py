"""The series board as a user meets it: rows, instant filter, chips, sorting, keyboard."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QLineEdit, QTableView, QToolButton
from pytestqt.qtbot import QtBot

from tests.conftest import World
from vidtask.services import claims
from vidtask.services.series import list_series
from vidtask.ui.board.model import SeriesBoardModel
from vidtask.ui.main_window import MainWindow


def _codes(window: MainWindow) -> list[str]:
    return [row.code for row in window.model.visible_rows()]


def test_board_lists_every_series_with_its_facts(window: MainWindow, world: World) -> None:
    table = window.findChild(QTableView, "seriesBoard")
    assert table is not None and table.model() is window.model
    assert _codes(window) == world.codes
    headers = [window.model.headerData(c, Qt.Orientation.Horizontal)
               for c in range(window.model.columnCount())]
    assert headers[:6] == ["Code", "Alias", "Status", "Priority", "Claimed by", "Lease left"]
    assert "Top country" in headers and "Clues" in headers and "Last activity" in headers
    status = window.model.index(0, 2)
    assert window.model.data(status) == "new"  # the word, with a colour swatch beside it
    assert window.model.data(status, Qt.ItemDataRole.DecorationRole) is not None
    assert "Synced" in window.sync_label.text() or window.sync_label.text() == ""
    qt_wait_connected = window.connection_label
    assert qt_wait_connected.objectName() == "connectionState"
    assert window.counts_label.text() == "Mine 0 · claimed 0 · unclaimed 3"


def test_text_filter_and_chips(qtbot: QtBot, window: MainWindow, world: World) -> None:
    claims.claim_series(world.db, "anna", world.series_ids[1])
    claims.claim_series(world.db, "bert", world.series_ids[2])
    qtbot.waitUntil(lambda: window.counts_label.text() == "Mine 1 · claimed 2 · unclaimed 1",
                    timeout=5_000)
    box = window.findChild(QLineEdit, "boardFilter")
    assert box is not None
    qtbot.keyClicks(box, "alias 3")
    qtbot.waitUntil(lambda: _codes(window) == ["S-003"])
    qtbot.keyClicks(box, "x")
    qtbot.waitUntil(lambda: _codes(window) == [])
    assert window.board.empty_label.isVisible()
    assert "No series match" in window.board.empty_label.text()
    box.clear()
    qtbot.waitUntil(lambda: len(_codes(window)) == 3)
    mine = window.findChild(QToolButton, "mineChip")
    assert mine is not None
    qtbot.mouseClick(mine, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: _codes(window) == ["S-002"])
    mine.click()
    window.findChild(QToolButton, "unclaimedChip").click()  # type: ignore[union-attr]
    qtbot.waitUntil(lambda: _codes(window) == ["S-001"])
    window.board.clear_filters()
    window.board.status_combo.setCurrentIndex(window.board.status_combo.findData("claimed"))
    qtbot.waitUntil(lambda: _codes(window) == ["S-002", "S-003"])
    qtbot.keyClicks(box, "bert")  # the holder's login or name finds their series
    qtbot.waitUntil(lambda: _codes(window) == ["S-003"])


def test_sorting_by_a_column_keeps_the_selection(qtbot: QtBot, window: MainWindow) -> None:
    window.board.select_series(window.model.visible_rows()[0].id)
    selected = window.board.selected_series_id()
    window.board.table.sortByColumn(0, Qt.SortOrder.DescendingOrder)
    assert _codes(window) == ["S-003", "S-002", "S-001"]
    assert window.board.selected_series_id() == selected


def test_board_is_usable_from_the_keyboard(qtbot: QtBot, window: MainWindow) -> None:
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(window.board.filter_edit.hasFocus)
    qtbot.keyClicks(window.board.filter_edit, "S-002")
    qtbot.keyClick(window.board.filter_edit, Qt.Key.Key_Down)
    assert window.board.table.hasFocus()
    qtbot.keyClick(window.board.table, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.current_workspace() is not None)
    workspace = window.current_workspace()
    assert workspace is not None and window.model.series(workspace.series_id).code == "S-002"


def test_every_menu_action_has_a_shortcut(window: MainWindow) -> None:
    for menu_action in window.menuBar().actions():
        menu = menu_action.menu()
        assert menu is not None
        for action in menu.actions():
            if isinstance(action, QAction) and not action.isSeparator():
                assert not action.shortcut().isEmpty(), action.text()


def test_board_model_passes_qt_model_checks(qtmodeltester: object, world: World) -> None:
    model = SeriesBoardModel("anna")
    model.set_rows(list_series(world.db, world.sprint_id))
    qtmodeltester.check(model)  # type: ignore[attr-defined]


def test_change_updates_the_row_in_place(qtbot: QtBot, window: MainWindow, world: World) -> None:
    resets: list[int] = []
    window.model.modelReset.connect(lambda: resets.append(1))
    window.board.select_series(world.series_ids[2])
    claims.claim_series(world.db, "bert", world.series_ids[0])
    qtbot.waitUntil(lambda: window.model.series(world.series_ids[0]).claimed_by == "bert",
                    timeout=5_000)
    assert resets == []
    assert window.board.selected_series_id() == world.series_ids[2]
    row = window.model.row_of(world.series_ids[0])
    assert row is not None
    assert window.model.data(window.model.index(row, 4)) == "Bert Specialist"
