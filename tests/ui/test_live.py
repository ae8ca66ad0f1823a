"""Two desktops on two connections see each other's claims at once (wake-up, feed, bus)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton
from pytestqt.qtbot import QtBot

from tests.conftest import World
from tests.ui.conftest import WindowFactory
from tests.ui.find import board, child, row, select, text


def test_a_claim_in_one_window_shows_on_the_other_board(
        qtbot: QtBot, make_window: WindowFactory, world: World) -> None:
    anna = make_window("anna", own_connection=True)
    bert = make_window("bert", own_connection=True)
    assert anna.ctx.db is not bert.ctx.db
    series_id = world.series_ids[0]
    select(anna, series_id)
    qtbot.mouseClick(child(anna, QPushButton, "claimButton"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: row(bert, series_id).claimed_by == "anna", timeout=5_000)
    model = board(bert)
    at = model.row_of(series_id)
    assert at is not None
    assert model.data(model.index(at, 4)) == "Anna Specialist"
    qtbot.waitUntil(lambda: "claimed 1" in text(bert, "claimCounts"), timeout=5_000)
    assert "Mine 0" in text(bert, "claimCounts")
    assert text(bert, "connectionState").startswith("●")
    assert "Synced" in text(bert, "lastSync")
    assert "Test sprint" in anna.windowTitle() and "anna" in anna.windowTitle()
    assert "specialist" in anna.windowTitle() and anna.ctx.db.describe().backend in \
        anna.windowTitle()
