"""The Import dialog: runs off the GUI thread, shows progress and the result, Cancel rolls back."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from tests.conftest import World
from tests.interchange.vics_fixtures import a_media, synth_bytes, vics_doc
from vidtask.db.models import Media

pytest.importorskip("pytestqt")
pytestmark = pytest.mark.gui


def media_count(world: World) -> int:
    with world.db.read() as session:
        return int(session.scalar(select(func.count()).select_from(Media)) or 0)


def make_dialog(qtbot, world: World):  # type: ignore[no-untyped-def]
    from vidtask.ui.intake.dialog import ImportDialog

    dialog = ImportDialog(world.db, "cora")
    qtbot.addWidget(dialog)
    return dialog


def test_import_shows_summary_and_skipped_records(qtbot, world: World, tmp_path: Path,
                                                  backend: str) -> None:
    path = tmp_path / "in.json"
    path.write_bytes(vics_doc(a_media(1), a_media(2, MD5="abc"), a_media(3)))
    dialog = make_dialog(qtbot, world)
    dialog.path_edit.setText(str(path))
    with qtbot.waitSignal(dialog.import_button.clicked):
        dialog.import_button.click()
    qtbot.waitUntil(lambda: dialog.report is not None, timeout=20_000)
    dialog.wait()
    assert dialog.summary_label.text().startswith(
        "3 records: 2 new, 0 already there, 1 skipped (1 listed)")
    assert dialog.issue_list.count() == 1
    assert dialog.issue_list.item(0).text().startswith("Record 2, field 'MD5'")
    assert dialog.progress_bar.value() == 1000
    assert dialog.import_button.isEnabled()
    assert media_count(world) == 6 + 2


def test_cancel_rolls_the_import_back(qtbot, world: World, tmp_path: Path,
                                      backend: str) -> None:
    path = tmp_path / "big.json"
    path.write_bytes(synth_bytes(60_000))
    before = media_count(world)
    dialog = make_dialog(qtbot, world)
    dialog.path_edit.setText(str(path))
    dialog.import_button.click()
    qtbot.waitUntil(lambda: "records" in dialog.rate_label.text(), timeout=20_000)
    assert "/s" in dialog.rate_label.text() and "ETA" in dialog.rate_label.text()
    dialog.cancel_button.click()
    qtbot.waitUntil(lambda: not dialog.is_running(), timeout=30_000)
    qtbot.waitUntil(lambda: "cancelled" in dialog.summary_label.text(), timeout=5_000)
    assert dialog.report is None
    assert media_count(world) == before


def test_hash_list_needs_a_series_name(qtbot, world: World, tmp_path: Path,
                                       backend: str) -> None:
    dialog = make_dialog(qtbot, world)
    dialog.path_edit.setText(str(tmp_path / "x.txt"))
    dialog.format_box.setCurrentIndex(dialog.format_box.findData("hashes"))
    dialog.import_button.click()
    assert "type its name" in dialog.summary_label.text()
    assert not dialog.is_running()
