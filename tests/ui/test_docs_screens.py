"""The screens docs/screenshots/ shows (scripts/screenshots.sh runs these with
VIDTASK_SCREENS=docs/screenshots). Each test asserts what its picture is meant to show, so a
picture of a broken screen fails here first; without the variable nothing is written."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from PIL import Image
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QListWidget, QPushButton, QTableView, QWidget
from pytestqt.qtbot import QtBot

from tests.conftest import World
from tests.ui.conftest import WindowFactory
from tests.ui.find import child, text, trigger
from tests.ui.screens import save_screen
from tests.worlds.appeals import draft, published, tips_csv
from tests.worlds.crops import jpeg_with_metadata
from tests.worlds.review import propose
from vidtask.interchange.crops import metadata_blocks
from vidtask.services import appeals, claims, clues, tips
from vidtask.ui.main_window import MainWindow

SIZE = (1400, 900)
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
GB_CLUES = (("text", "English shop sign", "language", "en"),
            ("electrical", "BS 1363 socket", "socket", "G"),
            ("vehicle", "Car keeps left", "driving_side", "left"),
            ("currency", "Pound coins", "currency", "GBP"))


def _grab(qtbot: QtBot, widget: QWidget, name: str, backend: str) -> None:
    qtbot.wait(300)  # late layouts settle
    if backend == "sqlite":
        save_screen(widget, name)


def test_review_before_and_after_a_confirm(qtbot: QtBot, world: World,
                                           make_window: WindowFactory) -> None:
    for series_id in world.series_ids:
        propose(world, series_id)
    window = make_window("cora")
    window.resize(*SIZE)
    trigger(window, "actShowReview")
    queue = child(window, QWidget, "reviewQueueWidget")
    table = child(queue, QTableView, "reviewQueue")
    qtbot.waitUntil(lambda: table.model().rowCount() == 3, timeout=10_000)
    table.selectRow(1)
    countries = child(queue, QListWidget, "confirmCountries")
    countries.item(0).setCheckState(Qt.CheckState.Checked)
    confirm = child(queue, QPushButton, "confirmButton")
    assert confirm.isEnabled()
    _grab(qtbot, window, "review-before-confirm.png", world.db.backend)
    confirm.click()
    qtbot.waitUntil(lambda: table.model().rowCount() == 2, timeout=10_000)
    qtbot.waitUntil(lambda: "S-003" in child(queue, QWidget, "reviewDetail")
                    .property("plainText"), timeout=10_000)
    assert "confirmed for DE" in text(queue, "reviewStatus")
    assert all(countries.item(r).checkState() == Qt.CheckState.Unchecked
               for r in range(countries.count()))
    assert not confirm.isEnabled()
    assert not child(queue, QPushButton, "eliminateButton").isEnabled()
    _grab(qtbot, window, "review-after-confirm.png", world.db.backend)


def _assessment(qtbot: QtBot, window: MainWindow, world: World, series_id: int,
                specs: tuple[tuple[str, str, str, str], ...]) -> QWidget:
    claims.claim_series(world.db, "anna", series_id)
    for category, description, kind, value in specs:
        clues.add_clue(world.db, "anna", series_id,
                       clues.ClueInput(category, description, kind=kind, value=value))
    workspace = window.open_series(series_id)
    qtbot.waitUntil(lambda: workspace.loaded and bool(workspace.last_ranking), timeout=10_000)
    return child(workspace, QWidget, "assessmentPanel")


def test_assessment_for_one_clue_and_for_four_clues_with_ties(
        qtbot: QtBot, world: World, make_window: WindowFactory) -> None:
    window = make_window("anna")
    window.resize(*SIZE)
    one = _assessment(qtbot, window, world, world.series_ids[0],
                      (("electrical", "Schuko socket by the bed", "socket", "F"),))
    assert "share this evidence" in text(one, "rankingTies")
    _grab(qtbot, one, "assessment-one-clue.png", world.db.backend)
    four = _assessment(qtbot, window, world, world.series_ids[1], GB_CLUES)
    assert "United Kingdom and 3 territories share this evidence" in text(four, "rankingTies")
    _grab(qtbot, four, "assessment-four-clues-ties.png", world.db.backend)
    _grab(qtbot, window, "series-workspace-window.png", world.db.backend)


def test_board_dashboard_appeals_and_tip_inbox(qtbot: QtBot, world: World, tmp_path: Path,
                                               make_window: WindowFactory) -> None:
    propose(world, world.series_ids[1], ("PL",))
    published(world, tmp_path / "site", "G19", "G20", series=0)
    tips.import_tips(world.db, "cora", tips_csv(tmp_path / "t.csv", [
        "G19,2026-06-03T10:00:00Z,Sold at Lidl in Germany,DE,me@example.invalid",
        "G20,2026-06-04T09:30:00Z,Polish wallpaper from the nineties,Kraków,"]))
    window = make_window("cora")
    window.resize(*SIZE)
    board = child(window, QTableView, "seriesBoard")
    qtbot.waitUntil(lambda: board.model().rowCount() == len(world.series_ids), timeout=10_000)
    _grab(qtbot, window, "board.png", world.db.backend)
    trigger(window, "actShowDashboard")
    dashboard = child(window, QWidget, "dashboard")
    qtbot.waitUntil(lambda: bool(text(dashboard, "dashboardAsOf")), timeout=10_000)
    _grab(qtbot, window, "dashboard.png", world.db.backend)
    trigger(window, "actShowAppeals")
    screen = child(window, QWidget, "appealsScreen")
    appeal_list = child(screen, QTableView, "appealList")
    qtbot.waitUntil(lambda: appeal_list.model().rowCount() == 2, timeout=10_000)
    appeal_list.selectRow(0)
    qtbot.waitUntil(lambda: child(screen, QLabel, "appealCrop").pixmap() is not None
                    and not child(screen, QLabel, "appealCrop").pixmap().isNull(),
                    timeout=10_000)
    _grab(qtbot, window, "appeals-screen.png", world.db.backend)
    trigger(window, "actShowTips")
    inbox = child(window, QWidget, "tipInbox")
    qtbot.waitUntil(lambda: text(inbox, "tipCount") == "2 tips", timeout=10_000)
    _grab(qtbot, window, "tip-inbox-window.png", world.db.backend)


@pytest.mark.parametrize("backend", ["sqlite"])  # the pages do not depend on the backend
def test_the_published_page_in_chromium_carries_no_exif(world: World, tmp_path: Path) -> None:
    if not Path(CHROMIUM).exists():
        pytest.skip(f"needs Chromium at {CHROMIUM} (apt-get install chromium)")
    source = tmp_path / "crop-with-gps.jpg"
    source.write_bytes(jpeg_with_metadata())
    with Image.open(source) as saved:  # the crop as a specialist saved it: GPS in its EXIF
        assert saved.getexif().get_ifd(0x8825)
    draft(world, "cora", public="G19", object_type="shampoo bottle")
    appeals.approve_appeal(world.db, "cody", "G19")
    out = tmp_path / "site"
    appeals.publish_appeals(world.db, "cody", out, tip_url="https://tips.example.invalid/form")
    [image] = sorted((out / "images").iterdir())
    assert metadata_blocks(image.read_bytes()) == []
    shot = tmp_path / "appeal-published-page.png"
    run = subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
         "--window-size=1200,1400", f"--screenshot={shot}",
         (out / "objects" / "G19.html").as_uri()],
        capture_output=True, text=True, timeout=120, check=False)
    assert run.returncode == 0 and shot.stat().st_size > 10_000, run.stderr[-2000:]
    keep = os.environ.get("VIDTASK_SCREENS")
    if keep:
        Path(keep).mkdir(parents=True, exist_ok=True)
        (Path(keep) / shot.name).write_bytes(shot.read_bytes())
        (Path(keep) / "appeal-published-crop.jpg").write_bytes(image.read_bytes())
        (Path(keep) / "appeal-source-crop.jpg").write_bytes(source.read_bytes())  # script drops it
