"""The Trace an Object screen as coordinators use it: draft from a crop file, four-eyes approval,
publish the pages, withdraw — found by objectName."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtWidgets import (
    QComboBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QTextBrowser,
)
from pytestqt.qtbot import QtBot

from tests.conftest import World
from tests.ui.conftest import Decisions
from tests.ui.find import child
from tests.worlds.appeals import published, tips_csv
from tests.worlds.crops import jpeg_with_metadata
from vidtask.interchange.crops import metadata_blocks
from vidtask.services import appeals, tips
from vidtask.services.appeals import AppealInfo
from vidtask.ui.appeals import AppealsScreen
from vidtask.ui.context import AppContext
from vidtask.ui.rows_model import RowsModel

pytestmark = pytest.mark.gui
MakeCtx = Callable[[str], AppContext]


def open_screen(qtbot: QtBot, make_ctx: MakeCtx, login: str) -> AppealsScreen:
    ctx = make_ctx(login)
    screen = AppealsScreen(ctx)
    qtbot.addWidget(screen)
    screen.show()
    qtbot.waitUntil(lambda: screen.loaded and not ctx.runner.busy, timeout=10_000)
    return screen


def listed(screen: AppealsScreen) -> list[AppealInfo]:
    model = child(screen, QTableView, "appealList").model()
    assert isinstance(model, RowsModel)
    return model.rows()


@pytest.mark.parametrize("backend", ["sqlite"])  # the services' tests cover PostgreSQL
def test_a_crop_file_becomes_a_published_page_with_four_eyes(
        qtbot: QtBot, world: World, make_ctx: MakeCtx, tmp_path: Path,
        decisions: Decisions) -> None:
    crop = tmp_path / "crop.jpg"
    crop.write_bytes(jpeg_with_metadata())
    cora = open_screen(qtbot, make_ctx, "cora")
    dialog = cora.new_appeal(series_id=world.series_ids[1])
    assert dialog.objectName() == "newAppealDialog"
    series = child(dialog, QComboBox, "appealSeries")
    qtbot.waitUntil(lambda: series.count() == 3, timeout=5_000)
    assert series.currentData() == world.series_ids[1]
    child(dialog, QLineEdit, "appealCropPath").setText(str(crop))
    qtbot.keyClicks(child(dialog, QLineEdit, "appealObjectType"), "shampoo bottle")
    child(dialog, QLineEdit, "appealPublicId").setText("G19")
    child(dialog, QPushButton, "createAppealButton").click()
    qtbot.waitUntil(lambda: [a.public_id for a in listed(cora)] == ["G19"], timeout=10_000)
    qtbot.waitUntil(lambda: not child(cora, QLabel, "appealCrop").pixmap().isNull(),
                    timeout=5_000)
    approve = child(cora, QPushButton, "approveAppealButton")
    assert not approve.isEnabled()
    assert "another coordinator must approve" in child(cora, QLabel,
                                                       "appealFourEyesNote").text()

    cody = open_screen(qtbot, make_ctx, "cody")
    cody.select("G19")
    approve = child(cody, QPushButton, "approveAppealButton")
    assert approve.isEnabled()
    approve.click()
    qtbot.waitUntil(lambda: "Approved G19" in child(cody, QLabel, "appealStatus").text(),
                    timeout=10_000)
    assert appeals.get_appeal(world.db, "G19").status == "approved"
    qtbot.waitUntil(lambda: listed(cody)[0].status == "approved", timeout=5_000)  # via the bus
    site = tmp_path / "site"
    cody.publish_to(site)
    qtbot.waitUntil(lambda: cody.last_publication is not None, timeout=10_000)
    assert (site / "objects" / "G19.html").exists()
    assert [(title, action) for title, _q, action in decisions.asked] == [
        ("Approve G19", "Approve"), ("Publish the public pages", "Publish")]
    assert "Make G19 public" in decisions.asked[1][1]
    assert metadata_blocks((site / "images" / "G19.jpg").read_bytes()) == []
    assert "Published G19" in child(cody, QLabel, "appealStatus").text()
    withdraw = child(cody, QPushButton, "withdrawAppealButton")
    qtbot.waitUntil(lambda: listed(cody)[0].status == "published" and withdraw.isEnabled(),
                    timeout=10_000)
    cody.withdraw("solved")
    qtbot.waitUntil(lambda: appeals.get_appeal(world.db, "G19").status == "withdrawn",
                    timeout=10_000)


@pytest.mark.parametrize("backend", ["sqlite"])
def test_a_refused_crop_is_one_sentence_in_the_dialog(
        qtbot: QtBot, world: World, make_ctx: MakeCtx, tmp_path: Path) -> None:
    bad = tmp_path / "notes.txt"
    bad.write_text("not an image")
    screen = open_screen(qtbot, make_ctx, "cora")
    dialog = screen.new_appeal()
    qtbot.waitUntil(lambda: child(dialog, QComboBox, "appealSeries").count() == 3,
                    timeout=5_000)
    child(dialog, QLineEdit, "appealCropPath").setText(str(bad))
    child(dialog, QLineEdit, "appealObjectType").setText("bag")
    child(dialog, QPushButton, "createAppealButton").click()
    error = child(dialog, QLabel, "newAppealDialogError")
    qtbot.waitUntil(lambda: "only PNG and JPEG" in error.text(), timeout=10_000)
    assert dialog.isVisible() and listed(screen) == []


@pytest.mark.parametrize("backend", ["sqlite"])  # the services' tests cover PostgreSQL
def test_the_detail_names_people_and_counts_one_tip_as_one_tip(
        qtbot: QtBot, world: World, make_ctx: MakeCtx, tmp_path: Path) -> None:
    published(world, tmp_path / "site", "G19")
    tips.import_tips(world.db, "cora", tips_csv(tmp_path / "t.csv", [
        "G19,2026-06-03T10:00:00Z,Sold at Lidl in Germany,DE,"]))
    screen = open_screen(qtbot, make_ctx, "cora")
    assert screen.select("G19")
    text = child(screen, QTextBrowser, "appealDetail").toPlainText()
    assert "drafted by Cora Coordinator," in text
    assert "approved by Cody Coordinator," in text
    assert "1 tip (1 new)" in text and "1 tips" not in text
