"""The Import dialog: runs off the GUI thread, shows progress and the result, Cancel rolls back."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtWidgets import QComboBox, QLineEdit, QListWidget, QProgressBar, QPushButton
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from tests.conftest import World
from tests.ui.find import child, text
from tests.worlds.vics import a_media, synth_bytes, vics_doc
from vidtask.db.models import Media
from vidtask.ui.context import AppContext
from vidtask.ui.intake.dialog import ImportDialog
from vidtask.ui.operations import ChangeBatch

pytestmark = pytest.mark.gui
MakeCtx = Callable[[str], AppContext]


def media_count(world: World) -> int:
    with world.db.read() as session:
        return int(session.scalar(select(func.count()).select_from(Media)) or 0)


def make_dialog(qtbot: QtBot, make_ctx: MakeCtx) -> ImportDialog:
    dialog = ImportDialog(make_ctx("cora"))
    qtbot.addWidget(dialog)
    return dialog


def test_import_shows_summary_and_skipped_records(qtbot: QtBot, world: World, tmp_path: Path,
                                                  make_ctx: MakeCtx) -> None:
    path = tmp_path / "in.json"
    path.write_bytes(vics_doc(a_media(1), a_media(2, MD5="abc"), a_media(3)))
    dialog = make_dialog(qtbot, make_ctx)
    batches: list[ChangeBatch] = []
    dialog.ctx.bus.subscribe(batches.append)
    child(dialog, QLineEdit, "importPath").setText(str(path))
    child(dialog, QPushButton, "importButton").click()
    qtbot.waitUntil(lambda: dialog.report is not None, timeout=20_000)
    assert text(dialog, "importSummary").startswith(
        "3 records: 2 new, 0 already there, 1 skipped (1 listed)")
    issues = child(dialog, QListWidget, "importIssues")
    assert issues.count() == 1
    assert issues.item(0).text().startswith("Record 2, field 'MD5'")
    assert child(dialog, QProgressBar, "importProgress").value() == 1000
    assert child(dialog, QPushButton, "importButton").isEnabled()
    assert media_count(world) == 6 + 2
    assert "intake.imported" in [e.action for b in batches for e in b.changes.events]


def test_cancel_rolls_the_import_back(qtbot: QtBot, world: World, tmp_path: Path,
                                      make_ctx: MakeCtx) -> None:
    path = tmp_path / "big.json"
    path.write_bytes(synth_bytes(60_000))
    before = media_count(world)
    dialog = make_dialog(qtbot, make_ctx)
    child(dialog, QLineEdit, "importPath").setText(str(path))
    child(dialog, QPushButton, "importButton").click()
    qtbot.waitUntil(lambda: "records" in text(dialog, "importRate"), timeout=20_000)
    assert "/s" in text(dialog, "importRate") and "ETA" in text(dialog, "importRate")
    child(dialog, QPushButton, "importCancelButton").click()
    qtbot.waitUntil(lambda: not dialog.is_running(), timeout=30_000)
    qtbot.waitUntil(lambda: "cancelled" in text(dialog, "importSummary"), timeout=5_000)
    assert dialog.report is None
    assert media_count(world) == before


def test_hash_list_needs_a_series_name(qtbot: QtBot, world: World, tmp_path: Path,
                                       make_ctx: MakeCtx) -> None:
    dialog = make_dialog(qtbot, make_ctx)
    child(dialog, QLineEdit, "importPath").setText(str(tmp_path / "x.txt"))
    formats = child(dialog, QComboBox, "importFormat")
    formats.setCurrentIndex(formats.findData("hashes"))
    child(dialog, QPushButton, "importButton").click()
    assert "type its name" in text(dialog, "importSummary")
    assert not dialog.is_running()
