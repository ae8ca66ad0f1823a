"""The Export packets dialog writes verified ZIPs off the GUI thread, with a full progress bar."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from tests.conftest import World
from tests.ui.review_world import confirmed, drained
from vidtask.interchange.packets import verify_packet
from vidtask.ui.export.dialog import ExportPacketsDialog
from vidtask.ui.tasks import tasks_running

pytestmark = [pytest.mark.gui, pytest.mark.usefixtures("drained")]
__all__ = ["drained"]


def open_dialog(qtbot: QtBot, world: World, countries: int) -> ExportPacketsDialog:
    dialog = ExportPacketsDialog(world.db, world.sprint_id, "cora")
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: tasks_running() == 0 and dialog.countries.count() == countries,
                    timeout=10_000)
    return dialog


def test_export_writes_verified_packets_and_reaches_100_percent(qtbot: QtBot, world: World,
                                                                tmp_path: Path) -> None:
    confirmed(world, world.series_ids[0], ("DE", "AT"))
    confirmed(world, world.series_ids[1], ("DE",))
    dialog = open_dialog(qtbot, world, 2)
    assert "AT — Austria" in dialog.countries.item(0).text()
    assert "(2 waiting, 0 sent)" in dialog.countries.item(1).text()
    assert not dialog.run_button.isEnabled()
    assert dialog.run_button.toolTip() == "Choose an output folder."
    dialog.folder.setText(str(tmp_path / "out"))
    dialog.handling.setCurrentIndex(2)  # H1
    assert dialog.handling_code() == "H1"
    with qtbot.waitSignal(dialog.changesMade, timeout=30_000):
        dialog.run_button.click()
    qtbot.waitUntil(lambda: tasks_running() == 0 and dialog.results_model.rowCount() == 2)
    assert dialog.progress.value() == dialog.progress.maximum() == 2
    results = [dialog.results_model.result(r) for r in range(2)]
    assert [(r.country, r.outcome, r.packet_version) for r in results] == [
        ("AT", "new", 1), ("DE", "new", 1)]
    for result in results:
        assert result.path is not None and result.path.parent == (tmp_path / "out").resolve()
        assert verify_packet(result.path).ok
        header = json.loads(zipfile.ZipFile(result.path).read("packet.json"))["header"]
        assert header["handling"] == "H1"
    assert "2 packet(s) written" in dialog.message.text()
    # the list reloads: both countries now show their series as sent
    qtbot.waitUntil(lambda: "(0 waiting, 2 sent)" in dialog.countries.item(1).text())


def test_override_needs_a_reason_and_errors_read_as_one_sentence(qtbot: QtBot, world: World,
                                                                 tmp_path: Path) -> None:
    confirmed(world, world.series_ids[0])
    dialog = open_dialog(qtbot, world, 1)
    dialog.folder.setText(str(tmp_path))
    dialog.override.setChecked(True)
    assert not dialog.run_button.isEnabled()
    assert dialog.run_button.toolTip() == "Give the reason for releasing H2/H3 clues."
    dialog.override_reason.setText("Originator agreed, ref 42")
    assert dialog.run_button.isEnabled()
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    dialog.folder.setText(str(blocker / "sub"))
    dialog.run_button.click()
    qtbot.waitUntil(lambda: tasks_running() == 0 and "Cannot write packets" in
                    dialog.message.text())
    assert dialog.run_button.isEnabled() and dialog.close_button.text() == "Close"


def test_every_input_is_named(qtbot: QtBot, world: World) -> None:
    dialog = open_dialog(qtbot, world, 0)
    assert dialog.objectName() == "exportDialog"
    for widget in (dialog.countries, dialog.handling, dialog.progress, dialog.run_button,
                   dialog.folder, dialog.override, dialog.override_reason, dialog.evaluation,
                   dialog.include_notified, dialog.contact_name, dialog.close_button):
        assert widget.objectName() and widget.accessibleName()
    assert "nothing to export" in dialog.message.text()
