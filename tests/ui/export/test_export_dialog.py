"""The Export packets dialog writes verified ZIPs off the GUI thread, with a full progress bar;
Cancel stops between two packets through the one Progress object."""

from __future__ import annotations

import json
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QProgressBar,
    QPushButton,
    QTableView,
)
from pytestqt.qtbot import QtBot

from tests.conftest import World
from tests.ui.conftest import Decisions
from tests.ui.find import child, text
from tests.worlds.review import confirmed
from vidtask.interchange.packets import verify_packet
from vidtask.ui.context import AppContext
from vidtask.ui.export.dialog import ExportPacketsDialog, PacketResultsModel
from vidtask.ui.operations import ChangeBatch

pytestmark = pytest.mark.gui
MakeCtx = Callable[[str], AppContext]


def open_dialog(qtbot: QtBot, make_ctx: MakeCtx, countries: int) -> ExportPacketsDialog:
    ctx = make_ctx("cora")
    dialog = ExportPacketsDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.show()
    listed = child(dialog, QListWidget, "exportCountries")
    qtbot.waitUntil(lambda: not ctx.runner.busy and listed.count() == countries,
                    timeout=10_000)
    return dialog


def results(dialog: ExportPacketsDialog) -> PacketResultsModel:
    model = child(dialog, QTableView, "exportResults").model()
    assert isinstance(model, PacketResultsModel)
    return model


def test_export_writes_verified_packets_and_reaches_100_percent(
        qtbot: QtBot, world: World, make_ctx: MakeCtx, tmp_path: Path) -> None:
    confirmed(world, world.series_ids[0], ("DE", "AT"))
    confirmed(world, world.series_ids[1], ("DE",))
    dialog = open_dialog(qtbot, make_ctx, 2)
    batches: list[ChangeBatch] = []
    dialog.ctx.bus.subscribe(batches.append)
    countries = child(dialog, QListWidget, "exportCountries")
    assert "AT — Austria" in countries.item(0).text()
    assert "(2 waiting, 0 sent)" in countries.item(1).text()
    run = child(dialog, QPushButton, "exportRunButton")
    assert not run.isEnabled() and run.toolTip() == "Choose an output folder."
    child(dialog, QLineEdit, "exportFolder").setText(str(tmp_path / "out"))
    child(dialog, QComboBox, "exportHandling").setCurrentIndex(2)  # H1
    assert dialog.handling_code() == "H1"
    run.click()
    qtbot.waitUntil(lambda: not dialog.ctx.runner.busy and results(dialog).rowCount() == 2,
                    timeout=30_000)
    progress = child(dialog, QProgressBar, "exportProgress")
    assert progress.value() == progress.maximum() == 2
    written = [results(dialog).result(r) for r in range(2)]
    assert [(r.country, r.outcome, r.packet_version) for r in written] == [
        ("AT", "new", 1), ("DE", "new", 1)]
    for result in written:
        assert result.path is not None and result.path.parent == (tmp_path / "out").resolve()
        assert verify_packet(result.path).ok
        header = json.loads(zipfile.ZipFile(result.path).read("packet.json"))["header"]
        assert header["handling"] == "H1"
    assert "2 packet(s) written" in text(dialog, "exportMessage")
    actions = [e.action for b in batches for e in b.changes.events]
    assert actions.count("packet.generated") == 2 and "series.notified" in actions
    # the list reloads: both countries now show their series as sent
    qtbot.waitUntil(lambda: "(0 waiting, 2 sent)" in countries.item(1).text())


def test_cancel_stops_before_the_next_packet(qtbot: QtBot, world: World, make_ctx: MakeCtx,
                                             tmp_path: Path) -> None:
    confirmed(world, world.series_ids[0], ("DE", "AT"))
    dialog = open_dialog(qtbot, make_ctx, 2)
    child(dialog, QLineEdit, "exportFolder").setText(str(tmp_path))
    dialog.run()
    child(dialog, QPushButton, "exportCloseButton").click()  # "Cancel" while running
    qtbot.waitUntil(lambda: not dialog.ctx.runner.busy, timeout=30_000)
    message = text(dialog, "exportMessage")
    assert "cancelled" in message or "packet(s) written" in message  # a race with packet one
    if "cancelled" in message:
        assert "finished before that are in the folder" in message


def test_override_needs_a_reason_and_errors_read_as_one_sentence(
        qtbot: QtBot, world: World, make_ctx: MakeCtx, tmp_path: Path) -> None:
    confirmed(world, world.series_ids[0])
    dialog = open_dialog(qtbot, make_ctx, 1)
    folder = child(dialog, QLineEdit, "exportFolder")
    run = child(dialog, QPushButton, "exportRunButton")
    folder.setText(str(tmp_path))
    child(dialog, QCheckBox, "exportOverride").setChecked(True)
    assert not run.isEnabled()
    assert run.toolTip() == "Give the reason for releasing H2/H3 clues."
    child(dialog, QLineEdit, "exportOverrideReason").setText("Originator agreed, ref 42")
    assert run.isEnabled()
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    folder.setText(str(blocker / "sub"))
    run.click()
    qtbot.waitUntil(lambda: not dialog.ctx.runner.busy
                    and "Cannot write packets" in text(dialog, "exportMessage"))
    assert run.isEnabled() and child(dialog, QPushButton, "exportCloseButton").text() == "Close"


def test_every_input_is_named(qtbot: QtBot, world: World, make_ctx: MakeCtx) -> None:
    dialog = open_dialog(qtbot, make_ctx, 0)
    assert dialog.objectName() == "exportDialog"
    for kind, name in ((QListWidget, "exportCountries"), (QComboBox, "exportHandling"),
                       (QProgressBar, "exportProgress"), (QPushButton, "exportRunButton"),
                       (QLineEdit, "exportFolder"), (QCheckBox, "exportOverride"),
                       (QLineEdit, "exportOverrideReason"), (QComboBox, "exportEvaluation"),
                       (QCheckBox, "exportIncludeNotified"), (QLineEdit, "exportContactName"),
                       (QPushButton, "exportCloseButton")):
        assert child(dialog, kind, name).accessibleName()
    assert "nothing to export" in child(dialog, QLabel, "exportMessage").text()


def test_export_asks_first_naming_the_countries_and_series(
        qtbot: QtBot, world: World, make_ctx: MakeCtx, tmp_path: Path,
        decisions: Decisions) -> None:
    confirmed(world, world.series_ids[0], ("DE", "AT"))
    dialog = open_dialog(qtbot, make_ctx, 2)
    child(dialog, QLineEdit, "exportFolder").setText(str(tmp_path / "out"))
    decisions.answer = False  # Cancel
    child(dialog, QPushButton, "exportRunButton").click()
    [(title, question, button)] = decisions.asked
    assert (title, button) == ("Export packets", "Export")
    assert question.startswith("Export 2 packets for Austria (AT) and Germany (DE), with 1 "
                               "series (S-001)")
    assert not (tmp_path / "out").exists()
    assert results(dialog).rowCount() == 0
