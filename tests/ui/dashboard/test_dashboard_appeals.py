"""The dashboard shows Trace an Object's figures: tips received, found relevant, objects on
appeal, countries found through tips, too widespread, and tips per object."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from tests.conftest import World
from tests.ui.find import child
from tests.worlds.appeals import published, tips_csv
from vidtask.services import appeals, tips
from vidtask.ui.context import AppContext
from vidtask.ui.dashboard import DashboardWidget

pytestmark = pytest.mark.gui


@pytest.mark.parametrize("backend", ["sqlite"])  # the figures' service test covers both
def test_the_dashboard_shows_the_appeal_figures(qtbot: QtBot, world: World, tmp_path: Path,
                                                make_ctx: Callable[[str], AppContext]) -> None:
    published(world, tmp_path / "site", "G19", "G20")
    tips.import_tips(world.db, "cora", tips_csv(tmp_path / "t.csv", [
        "G19,2026-06-03T10:00:00Z,Sold at Lidl in Germany,DE,",
        "G19,2026-06-03T11:00:00Z,Austrian brand,AT,",
        "G20,2026-06-03T12:00:00Z,Everywhere,,"]))
    appeals.record_outcome(world.db, "cora", "G19", "identified", country="DE")
    appeals.record_outcome(world.db, "cora", "G20", "too_widespread")
    widget = DashboardWidget(make_ctx("cora"))
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitUntil(lambda: widget.data is not None, timeout=10_000)
    values = {key: child(widget, QLabel, f"dashboardValue_{key}").text() for key in (
        "tips_received", "objects_on_appeal", "identified", "too_widespread")}
    assert values == {"tips_received": "3", "objects_on_appeal": "2", "identified": "1",
                      "too_widespread": "1"}
    assert widget.tips_chart.view.objectName() == "dashboardTipsChart"
    assert widget.tips_chart._names == ["G20", "G19"]  # biggest on top
