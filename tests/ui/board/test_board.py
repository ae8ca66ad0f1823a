"""The series board as a user meets it: rows, instant filter, chips, sorting, keyboard."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QComboBox, QLabel, QLineEdit, QStyle, QTableView, QToolButton
from pytestqt.qtbot import QtBot

from tests.conftest import World
from tests.ui.conftest import WindowFactory
from tests.ui.find import board, child, codes, row, select, text, trigger
from tests.worlds.review import propose
from vidtask.domain.enums import SeriesStatus
from vidtask.domain.wording import series_status
from vidtask.services import claims
from vidtask.services.series import list_series
from vidtask.ui.board.model import STATUS_COLUMN, SeriesBoardModel
from vidtask.ui.main_window import MainWindow


def test_board_lists_every_series_with_its_facts(window: MainWindow, world: World) -> None:
    model = board(window)
    assert codes(window) == world.codes
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    assert headers[:6] == ["Code", "Alias", "Status", "Priority", "Claimed by", "Lease left"]
    assert "Top country" in headers and "Clues" in headers and "Last activity" in headers
    status = model.index(0, 2)
    assert model.data(status) == "unclaimed"  # the word, with a colour swatch beside it
    assert model.data(status, Qt.ItemDataRole.DecorationRole) is not None
    assert "Synced" in text(window, "lastSync") or text(window, "lastSync") == ""
    assert text(window, "claimCounts") == "Mine 0 · claimed 0 · unclaimed 3"


def test_text_filter_and_chips(qtbot: QtBot, window: MainWindow, world: World) -> None:
    claims.claim_series(world.db, "anna", world.series_ids[1])
    claims.claim_series(world.db, "bert", world.series_ids[2])
    qtbot.waitUntil(lambda: text(window, "claimCounts") == "Mine 1 · claimed 2 · unclaimed 1",
                    timeout=5_000)
    box = child(window, QLineEdit, "boardFilter")
    qtbot.keyClicks(box, "alias 3")
    qtbot.waitUntil(lambda: codes(window) == ["S-003"])
    qtbot.keyClicks(box, "x")
    qtbot.waitUntil(lambda: codes(window) == [])
    empty = child(window, QLabel, "boardEmpty")
    assert empty.isVisible() and "No series match" in empty.text()
    box.clear()
    qtbot.waitUntil(lambda: len(codes(window)) == 3)
    mine = child(window, QToolButton, "mineChip")
    qtbot.mouseClick(mine, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: codes(window) == ["S-002"])
    mine.click()
    child(window, QToolButton, "unclaimedChip").click()
    qtbot.waitUntil(lambda: codes(window) == ["S-001"])
    trigger(window, "actClearFilters")
    status = child(window, QComboBox, "statusChip")
    status.setCurrentIndex(status.findData("claimed"))
    qtbot.waitUntil(lambda: codes(window) == ["S-002", "S-003"])
    qtbot.keyClicks(box, "bert")  # the holder's login or name finds their series
    qtbot.waitUntil(lambda: codes(window) == ["S-003"])


def test_sorting_by_a_column_keeps_the_selection(qtbot: QtBot, window: MainWindow,
                                                 world: World) -> None:
    table = child(window, QTableView, "seriesBoard")
    select(window, world.series_ids[1])
    table.sortByColumn(0, Qt.SortOrder.DescendingOrder)
    assert codes(window) == ["S-003", "S-002", "S-001"]
    assert board(window).data(table.currentIndex()) == "S-002"


def test_board_is_usable_from_the_keyboard(qtbot: QtBot, window: MainWindow,
                                           world: World) -> None:
    box = child(window, QLineEdit, "boardFilter")
    table = child(window, QTableView, "seriesBoard")
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(box.hasFocus)
    qtbot.keyClicks(box, "S-002")
    qtbot.keyClick(box, Qt.Key.Key_Down)
    assert table.hasFocus()
    qtbot.keyClick(table, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.current_workspace() is not None)
    workspace = window.current_workspace()
    assert workspace is not None and workspace.series_id == world.series_ids[1]


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
    model = board(window)
    resets: list[int] = []
    model.modelReset.connect(lambda: resets.append(1))
    select(window, world.series_ids[2])
    claims.claim_series(world.db, "bert", world.series_ids[0])
    qtbot.waitUntil(lambda: row(window, world.series_ids[0]).claimed_by == "bert", timeout=5_000)
    assert resets == []
    table = child(window, QTableView, "seriesBoard")
    assert model.data(table.currentIndex()) == "S-003"
    at = model.row_of(world.series_ids[0])
    assert at is not None and model.data(model.index(at, 4)) == "Bert Specialist"


@pytest.mark.parametrize("backend", ["sqlite"])  # column widths: the backend plays no part
def test_the_status_column_shows_every_status_whole(
        world: World, make_window: WindowFactory) -> None:
    propose(world, world.series_ids[1])  # "awaiting review", cut to "awaiting revi…" before
    window = make_window("cora")
    window.resize(1400, 900)
    table = child(window, QTableView, "seriesBoard")
    metrics, icon = table.fontMetrics(), table.style().pixelMetric(
        QStyle.PixelMetric.PM_SmallIconSize, None, table)
    widest = max(metrics.horizontalAdvance(series_status(s)) for s in SeriesStatus)
    assert table.columnWidth(STATUS_COLUMN) >= widest + icon
    model = board(window)
    assert "awaiting review" in [model.data(model.index(r, STATUS_COLUMN)) for r in range(3)]
    assert table.columnWidth(STATUS_COLUMN) >= table.sizeHintForColumn(STATUS_COLUMN)

    header = table.horizontalHeader()  # a header saved narrower (before the fix) is widened
    header.resizeSection(STATUS_COLUMN, 120)
    window.board_page.board.restore_header(header.saveState())
    assert table.columnWidth(STATUS_COLUMN) >= widest + icon
