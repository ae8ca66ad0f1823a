"""The tip inbox as a specialist works it: filter by object, state and country, triage from the
keyboard, make a clue that moves the ranking; counts per object and country — by objectName."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTableView,
    QTextBrowser,
)
from pytestqt.qtbot import QtBot

from tests.conftest import World
from tests.ui.conftest import WindowFactory
from tests.ui.find import child, trigger
from tests.worlds.appeals import published, tips_csv
from vidtask.services import claims, tips
from vidtask.services.narrowing import series_ranking
from vidtask.ui.appeals.tip_inbox import TipInbox
from vidtask.ui.appeals.tips_model import TipFilter, TipsModel
from vidtask.ui.main_window import MainWindow

pytestmark = pytest.mark.gui

ROWS = [
    "G19,2026-06-03T10:00:00Z,Sold at Lidl in Germany,DE,me@example.invalid",
    "G19,2026-06-03T11:00:00Z,sold at lidl in germany,DE,",
    "G19,2026-06-03T12:00:00Z,Austrian brand I think,AT,",
    "G20,2026-06-04T09:30:00Z,Polish wallpaper from the nineties,Kraków,",
]


@pytest.fixture
def tipped(world: World, tmp_path: Path) -> World:
    published(world, tmp_path / "site", "G19", "G20")
    tips.import_tips(world.db, "cora", tips_csv(tmp_path / "t.csv", ROWS))
    return world


def inbox_in(window: MainWindow) -> TipInbox:
    return child(window, TipInbox, "tipInbox")


def inbox_of(window: MainWindow, qtbot: QtBot) -> TipsModel:
    trigger(window, "actShowTips")
    inbox = inbox_in(window)
    model = child(inbox, QTableView, "tipTable").model()
    assert isinstance(model, TipsModel)
    qtbot.waitUntil(lambda: inbox.loaded and model.rowCount() == 4, timeout=10_000)
    return model


def shown(model: TipsModel) -> list[tuple[str, str]]:
    return [(model.row_at(r)[2], model.row_at(r)[5]) for r in range(model.rowCount())]


def test_filters_counts_keyboard_triage_and_make_a_clue(
        qtbot: QtBot, tipped: World, make_window: WindowFactory) -> None:
    window = make_window("anna")
    model = inbox_of(window, qtbot)
    inbox = inbox_in(window)
    assert child(inbox, QLabel, "tipCount").text() == "4 tips"
    per_object = child(inbox, QTableView, "tipsPerObject").model()
    assert [per_object.index(r, 0).data() for r in range(per_object.rowCount())] == ["G19",
                                                                                     "G20"]
    per_country = child(inbox, QTableView, "tipsPerCountry").model()
    assert per_country.index(0, 0).data() == "DE Germany" and per_country.index(0, 1).data() == 2

    qtbot.keyClicks(child(inbox, QLineEdit, "tipFilter"), "lidl")
    assert shown(model) == [("G19", "new"), ("G19", "duplicate")]
    child(inbox, QLineEdit, "tipFilter").clear()
    objects = child(inbox, QComboBox, "tipObjectFilter")
    objects.setCurrentIndex(objects.findText("G20 (1)"))
    assert shown(model) == [("G20", "new")]
    objects.setCurrentIndex(0)
    states = child(inbox, QComboBox, "tipStateFilter")
    states.setCurrentIndex(states.findData("new"))
    countries = child(inbox, QComboBox, "tipCountryFilter")
    countries.setCurrentIndex(countries.findText("no country named (1)"))
    assert shown(model) == [("G20", "new")]
    countries.setCurrentIndex(0)
    assert child(inbox, QLabel, "tipCount").text() == "3 of 4 tips"

    # keyboard triage on the "new" list: R marks the first relevant and moves on
    table = child(inbox, QTableView, "tipTable")
    table.setFocus()
    table.selectRow(0)
    first = inbox.current_tip_id()
    qtbot.keyClick(table, Qt.Key.Key_R)
    qtbot.waitUntil(lambda: tips.tip_detail(tipped.db, "specialist", first).status
                    == "relevant", timeout=10_000)
    qtbot.waitUntil(lambda: first not in [model.row_at(r)[0] for r in range(model.rowCount())],
                    timeout=5_000)  # it left the "new" list; the next tip is selected
    assert inbox.current_tip_id() is not None and inbox.current_tip_id() != first
    qtbot.keyClick(table, Qt.Key.Key_N)
    qtbot.waitUntil(lambda: model.rowCount() == 1, timeout=10_000)
    assert "is now not relevant" in child(inbox, QLabel, "tipStatus").text()

    # make a clue from the relevant tip: needs the claim, then moves the ranking
    states.setCurrentIndex(states.findData("relevant"))
    table.selectRow(0)
    qtbot.waitUntil(lambda: "Sold at Lidl" in child(inbox, QTextBrowser, "tipDetail")
                    .toPlainText(), timeout=5_000)
    assert "me@example.invalid" not in child(inbox, QTextBrowser, "tipDetail").toPlainText()
    button = child(inbox, QPushButton, "makeClueButton")
    assert button.isEnabled()
    button.click()
    qtbot.waitUntil(lambda: "Claim series S-001" in child(inbox, QLabel, "tipStatus").text(),
                    timeout=10_000)
    claims.claim_series(tipped.db, "anna", tipped.series_ids[0])
    table.selectRow(0)
    qtbot.waitUntil(button.isEnabled, timeout=5_000)
    qtbot.keyClick(window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: "Made clue CL-" in child(inbox, QLabel, "tipStatus").text(),
                    timeout=10_000)
    assert series_ranking(tipped.db, tipped.series_ids[0]).listed()[0].country == "DE"


def test_a_coordinator_reads_the_contact_and_records_a_phoned_tip(
        qtbot: QtBot, tipped: World, make_window: WindowFactory) -> None:
    window = make_window("cora")
    model = inbox_of(window, qtbot)
    inbox = inbox_in(window)
    child(inbox, QTableView, "tipTable").selectRow(0)
    qtbot.waitUntil(lambda: "me@example.invalid" in child(inbox, QTextBrowser, "tipDetail")
                    .toPlainText(), timeout=5_000)
    trigger(window, "actRecordTip")
    dialog = child(window, QDialog, "recordTipDialog")
    appeal = child(dialog, QComboBox, "tipAppeal")
    qtbot.waitUntil(lambda: appeal.count() == 2, timeout=5_000)
    appeal.setCurrentIndex(appeal.findData("G20"))
    child(dialog, QPlainTextEdit, "tipText").setPlainText(
        "Caller says the wallpaper was sold in Poland")
    child(dialog, QLineEdit, "tipSuggested").setText("Poland")
    child(dialog, QLineEdit, "tipContact").setText("+48 555 0101")
    child(dialog, QPushButton, "recordTipSave").click()
    qtbot.waitUntil(lambda: model.rowCount() == 5, timeout=10_000)  # through the bus
    listed = tips.list_tips(tipped.db, tipped.sprint_id, appeal="G20", with_contacts=True)
    assert [(t.channel, t.suggested_country, t.contact) for t in listed][-1] == (
        "phone", "PL", "+48 555 0101")


def test_the_inbox_model_passes_qt_model_checks_and_filters_on_keys(qtmodeltester) -> None:  # type: ignore[no-untyped-def]
    rows = [(n, n % 3, f"G{n % 3}", datetime(2026, 6, 3, tzinfo=UTC), "web form",
             "new" if n % 2 else "relevant", "DE" if n % 5 else None, "", f"tip number {n}",
             f"k{n % 7}", None) for n in range(1, 60)]
    model = TipsModel()
    model.set_rows(rows)
    qtmodeltester.check(model)
    model.set_filter(TipFilter("number 13", object_id=1, status="new"))
    assert [model.row_at(r)[0] for r in range(model.rowCount())] == [13]
    model.set_filter(TipFilter(object_id=1, status="new"))
    assert [model.row_at(r)[0] for r in range(model.rowCount())] == [1, 7, 13, 19, 25, 31, 37,
                                                                       43, 49, 55]
    model.set_filter(TipFilter(country="—"))
    assert model.rowCount() == len([r for r in rows if r[6] is None])
    qtmodeltester.check(model)
