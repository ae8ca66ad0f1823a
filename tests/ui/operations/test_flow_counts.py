"""How much background work one click costs, counted at the one runner, and how often each
change reaches the screens, counted at the one bus (issue 18's target: a Claim click ≤ 5
background calls, every change applied exactly once; before: 14 calls, and one packet export
applied its changes twice)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit, QListWidget, QPushButton, QTableView
from pytestqt.qtbot import QtBot

from tests.conftest import World
from tests.ui.conftest import WindowFactory
from tests.ui.find import child, select, trigger, workspace
from tests.worlds.review import confirmed
from vidtask.ui.export.dialog import ExportPacketsDialog
from vidtask.ui.main_window import MainWindow
from vidtask.ui.operations import ChangeBatch

pytestmark = pytest.mark.gui


class Meter:
    """Background calls started (by name) and events the bus sent (by version)."""

    def __init__(self, window: MainWindow) -> None:
        self.window = window
        self.calls: list[str] = []
        self.applied: Counter[int] = Counter()
        window.ctx.runner.started.connect(self.calls.append)
        window.ctx.bus.subscribe(self._applied)

    def _applied(self, batch: ChangeBatch) -> None:
        self.applied.update(batch.changes.versions)

    def reset(self) -> None:
        self.calls.clear()
        self.applied.clear()


def settle(qtbot: QtBot, window: MainWindow, ms: int = 700) -> None:
    """Idle, and still idle after the wake-ups a commit sends have had time to arrive."""
    runner = window.ctx.runner
    qtbot.waitUntil(lambda: not runner.busy, timeout=10_000)
    qtbot.wait(ms)
    qtbot.waitUntil(lambda: not runner.busy, timeout=10_000)


def quiet_window(qtbot: QtBot, make_window: WindowFactory, login: str) -> MainWindow:
    window = make_window(login, poll_ms=60_000)  # the backstop timer stays out of the count
    qtbot.waitUntil(lambda: window.live.version is not None, timeout=5_000)
    settle(qtbot, window, 1_000)
    return window


def test_one_claim_click_makes_at_most_five_calls_and_applies_its_change_once(
        qtbot: QtBot, world: World, make_window: WindowFactory) -> None:
    window = quiet_window(qtbot, make_window, "anna")
    series_id = world.series_ids[1]
    select(window, series_id)
    meter = Meter(window)
    qtbot.mouseClick(child(window, QPushButton, "claimButton"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: (w := workspace(window, series_id)) is not None and w.loaded
                    and w.holds_claim, timeout=5_000)
    qtbot.waitUntil(lambda: child(window, QListWidget, "myClaimsList").count() == 1,
                    timeout=5_000)
    settle(qtbot, window)
    # PostgreSQL's versions are sparse positions (migration 0008): the bus cannot lift its floor
    # past its own claim without one feed read (another desktop's event may lie below it).
    feed_read = ["LiveFeed._fetch"] if world.db.is_postgresql else []
    assert len(meter.calls) <= 5 + len(feed_read), meter.calls
    assert meter.calls[0] == "claim_series"
    assert sorted(meter.calls) == sorted(["claim_series", "list_series", "my_claims",
                                          "load_workspace",
                                          "LiveSession.heartbeat_now.<locals>.beat",
                                          *feed_read])
    assert list(meter.applied.values()) == [1]  # claim.taken, once

    # the feed reading everything again brings nothing twice
    meter.reset()
    window.live.poll_now()
    settle(qtbot, window, 200)
    assert meter.calls == ["LiveFeed._fetch"] and not meter.applied


def test_one_packet_export_applies_its_changes_exactly_once(
        qtbot: QtBot, world: World, make_window: WindowFactory, tmp_path: Path) -> None:
    confirmed(world, world.series_ids[0], ("DE", "AT"))
    window = quiet_window(qtbot, make_window, "cora")
    trigger(window, "actExportPackets")
    dialog = window.dialogs.open["export"]
    assert isinstance(dialog, ExportPacketsDialog)
    qtbot.waitUntil(lambda: child(dialog, QListWidget, "exportCountries").count() == 2,
                    timeout=5_000)
    child(dialog, QLineEdit, "exportFolder").setText(str(tmp_path / "out"))
    settle(qtbot, window, 200)
    meter = Meter(window)
    child(dialog, QPushButton, "exportRunButton").click()
    results = child(dialog, QTableView, "exportResults").model()
    qtbot.waitUntil(lambda: results.rowCount() == 2, timeout=30_000)
    settle(qtbot, window)
    window.live.poll_now()  # and once more from the feed: still once each
    settle(qtbot, window, 200)
    assert meter.applied and set(meter.applied.values()) == {1}, meter.applied
    assert len(meter.applied) == 3  # two packets, one series notified
    calls = Counter(meter.calls)
    assert calls["export_country_packets"] == 1
    assert calls["load_dissemination"] == 1  # the dialog re-reads its list once
    # the board's rows and the review queue refresh once per batch that concerns them: one
    # batch when the export returns, more when a packet's commit reached this window through
    # the feed while the next packet was still being written (each packet commits on its own)
    assert calls["list_series"] <= 2 and calls["load_review"] <= 2, meter.calls
    assert calls["LiveFeed._fetch"] <= 3, meter.calls  # the last one is this test's own read
    assert set(calls) <= {"export_country_packets", "load_dissemination", "list_series",
                          "load_review", "LiveFeed._fetch"}, meter.calls
