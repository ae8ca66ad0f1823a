"""The review queue as a coordinator uses it: confirm, four-eyes, send back, eliminate."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QTableView,
    QTextBrowser,
    QWidget,
)
from pytestqt.qtbot import QtBot

from tests.conftest import World
from tests.ui.conftest import Decisions, WindowFactory
from tests.ui.find import child, text, trigger
from tests.worlds.review import propose
from vidtask.domain.changes import Changes
from vidtask.services import claims, clues, review
from vidtask.services.series_detail import get_series_detail
from vidtask.ui.context import AppContext
from vidtask.ui.operations import ChangeBatch, Origin
from vidtask.ui.review.models import DisseminationModel, ReviewQueueModel
from vidtask.ui.review.queue import ReviewQueueWidget

pytestmark = pytest.mark.gui
MakeCtx = Callable[[str], AppContext]


def open_queue(qtbot: QtBot, make_ctx: MakeCtx, login: str, rows: int) -> ReviewQueueWidget:
    ctx = make_ctx(login)
    widget = ReviewQueueWidget(ctx)
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitUntil(lambda: not ctx.runner.busy and queue(widget).rowCount() == rows,
                    timeout=10_000)
    return widget


def queue(widget: QWidget) -> ReviewQueueModel:
    model = child(widget, QTableView, "reviewQueue").model()
    assert isinstance(model, ReviewQueueModel)
    return model


def dissemination(widget: QWidget) -> DisseminationModel:
    model = child(widget, QTableView, "disseminationList").model()
    assert isinstance(model, DisseminationModel)
    return model


def select(widget: QWidget, code: str) -> None:
    model = queue(widget)
    at = next(r for r in range(model.rowCount()) if model.item(r).code == code)
    child(widget, QTableView, "reviewQueue").selectRow(at)


def tick(widget: QWidget, *rows: int) -> None:
    countries = child(widget, QListWidget, "confirmCountries")
    for row in rows:
        countries.item(row).setCheckState(Qt.CheckState.Checked)


def test_a_coordinator_confirms_and_the_series_leaves_the_queue(
        qtbot: QtBot, world: World, make_ctx: MakeCtx, decisions: Decisions) -> None:
    propose(world, world.series_ids[0])
    propose(world, world.series_ids[1], ("PL",))
    widget = open_queue(qtbot, make_ctx, "cora", 2)
    batches: list[ChangeBatch] = []
    widget.ctx.bus.subscribe(batches.append)
    select(widget, "S-001")
    detail = child(widget, QTextBrowser, "reviewDetail").toPlainText()
    assert "Zindle shampoo bottle" in detail and "TV logo not broadcast" in detail
    assert "at 00:12" in detail and "Anna Specialist" in detail
    assert widget.checked_countries() == []  # nothing pre-ticked: the coordinator chooses
    confirm = child(widget, QPushButton, "confirmButton")
    assert not confirm.isEnabled()
    tick(widget, 0, 1)
    assert confirm.isEnabled()
    confirm.click()
    [(title, question, button)] = decisions.asked
    assert (title, button) == ("Confirm the likely country", "Confirm")
    assert "S-001 — “Alias 1” for Germany (DE) and Austria (AT)?" in question
    qtbot.waitUntil(lambda: bool(batches), timeout=10_000)
    assert [e.action for e in batches[0].changes.events] == ["series.confirmed"]
    assert batches[0].origin is Origin.THIS_WINDOW
    qtbot.waitUntil(lambda: not widget.ctx.runner.busy and queue(widget).rowCount() == 1)
    assert queue(widget).item(0).code == "S-002"
    assert "confirmed for DE, AT" in text(widget, "reviewStatus")
    entries = [dissemination(widget).entry(r) for r in range(dissemination(widget).rowCount())]
    assert [(e.country, e.waiting) for e in entries] == [("AT", ("S-001",)), ("DE", ("S-001",))]


def test_four_eyes_disables_confirm_and_says_why(qtbot: QtBot, world: World,
                                                 make_ctx: MakeCtx) -> None:
    propose(world, world.series_ids[0], ("PL",), by="cora")
    widget = open_queue(qtbot, make_ctx, "cora", 1)
    confirm = child(widget, QPushButton, "confirmButton")
    assert not confirm.isEnabled()
    assert "Four-eyes rule" in confirm.toolTip()
    note = child(widget, QLabel, "fourEyesNote")
    assert "another coordinator must confirm" in note.text() and note.isVisible()
    other = open_queue(qtbot, make_ctx, "cody", 1)
    tick(other, 0)
    assert child(other, QPushButton, "confirmButton").isEnabled()
    assert not child(other, QLabel, "fourEyesNote").isVisible()


def test_send_back_needs_a_comment(qtbot: QtBot, world: World, make_ctx: MakeCtx) -> None:
    propose(world, world.series_ids[0])
    widget = open_queue(qtbot, make_ctx, "cora", 1)
    send_back = child(widget, QPushButton, "sendBackButton")
    assert not send_back.isEnabled()
    assert "Write a comment first" in send_back.toolTip()
    widget.send_back()  # what the window's Ctrl+B does
    assert "Write a comment first" in text(widget, "reviewStatus")
    qtbot.keyClicks(child(widget, QLineEdit, "sendBackComment"), "Check the socket type again")
    assert send_back.isEnabled()
    send_back.click()
    qtbot.waitUntil(lambda: not widget.ctx.runner.busy and queue(widget).rowCount() == 0)
    assert get_series_detail(world.db, world.series_ids[0]).status == "in_assessment"


def test_eliminate_needs_a_reason(qtbot: QtBot, world: World, make_ctx: MakeCtx,
                                  decisions: Decisions) -> None:
    propose(world, world.series_ids[0])
    widget = open_queue(qtbot, make_ctx, "cora", 1)
    eliminate = child(widget, QPushButton, "eliminateButton")
    assert not eliminate.isEnabled()
    child(widget, QComboBox, "eliminateReason").setCurrentText("too widespread")
    assert eliminate.isEnabled()
    decisions.answer = False  # Cancel: nothing happens
    eliminate.click()
    assert get_series_detail(world.db, world.series_ids[0]).status == "proposed"
    assert "Eliminate S-001 — “Alias 1” without a country (too widespread)?" \
        in decisions.asked[0][1]
    assert "not Germany (DE) and Austria (AT)" in decisions.asked[0][1]
    decisions.answer = True
    eliminate.click()
    qtbot.waitUntil(lambda: not widget.ctx.runner.busy and queue(widget).rowCount() == 0)
    detail = get_series_detail(world.db, world.series_ids[0])
    assert (detail.status, detail.outcome_reason) == ("eliminated", "too widespread")


def test_changes_from_another_desktop_refresh_the_queue(qtbot: QtBot, world: World,
                                                        make_ctx: MakeCtx) -> None:
    propose(world, world.series_ids[0])
    widget = open_queue(qtbot, make_ctx, "cora", 1)
    changes = review.confirm_countries(world.db, "cody", world.series_ids[0], ["DE"])
    widget.ctx.bus.publish(changes, Origin.FEED)  # what the live feed does with it
    qtbot.waitUntil(lambda: not widget.ctx.runner.busy and queue(widget).rowCount() == 0)
    assert dissemination(widget).rowCount() == 1


def test_claims_elsewhere_do_not_reload_the_queue(qtbot: QtBot, world: World,
                                                  make_ctx: MakeCtx) -> None:
    widget = open_queue(qtbot, make_ctx, "cora", 0)
    started: list[str] = []
    widget.ctx.runner.started.connect(started.append)
    result = claims.claim_series(world.db, "bert", world.series_ids[2])
    widget.ctx.bus.publish(result.changes, Origin.FEED)
    widget.ctx.bus.publish(Changes(), Origin.FEED)
    assert started == []


def test_every_interactive_widget_is_named(qtbot: QtBot, world: World,
                                           make_ctx: MakeCtx) -> None:
    widget = open_queue(qtbot, make_ctx, "cora", 0)
    for kind, name in ((QTableView, "reviewQueue"), (QPushButton, "confirmButton"),
                       (QPushButton, "sendBackButton"), (QPushButton, "eliminateButton"),
                       (QTableView, "disseminationList"), (QListWidget, "confirmCountries"),
                       (QLineEdit, "sendBackComment"), (QComboBox, "eliminateReason"),
                       (QTextBrowser, "reviewDetail")):
        assert child(widget, kind, name).accessibleName()


def test_after_a_decision_the_next_series_is_shown_with_nothing_ticked(
        qtbot: QtBot, world: World, make_ctx: MakeCtx, decisions: Decisions) -> None:
    for series_id in world.series_ids:
        propose(world, series_id)
    widget = open_queue(qtbot, make_ctx, "cora", 3)
    select(widget, "S-002")
    tick(widget, 0)
    child(widget, QPushButton, "confirmButton").click()
    qtbot.waitUntil(lambda: not widget.ctx.runner.busy and queue(widget).rowCount() == 2,
                    timeout=10_000)
    qtbot.waitUntil(lambda: widget.current_item() is not None)
    current = widget.current_item()
    assert current is not None and current.code == "S-003"  # the next one, not the top
    assert widget.checked_countries() == []
    assert not child(widget, QPushButton, "confirmButton").isEnabled()
    assert not child(widget, QPushButton, "eliminateButton").isEnabled()
    assert not child(widget, QPushButton, "sendBackButton").isEnabled()
    # a second click on the spot where Confirm was does nothing
    child(widget, QPushButton, "confirmButton").click()
    assert len(decisions.asked) == 1
    assert get_series_detail(world.db, world.series_ids[2]).status == "proposed"


def test_the_pane_shows_every_clue_in_words_and_warns_when_the_ranking_contradicts_it(
        qtbot: QtBot, world: World, make_ctx: MakeCtx) -> None:
    from vidtask.services import assessments, clues
    from vidtask.services.assessments import CandidateInput

    series_id = world.series_ids[0]
    claims.claim_series(world.db, "anna", series_id)
    for category, description, kind, value in (
            ("text", "Shop sign in Cyrillic", "script", "Cyrl"),
            ("electrical", "Wall socket with side clips", "socket", "F"),
            ("tv_radio", "Evening news logo", "none", None)):
        clues.add_clue(world.db, "anna", series_id, clues.ClueInput(
            category, description, kind=kind, value=value))
    assessments.set_candidates(world.db, "anna", series_id, [
        CandidateInput("UA", 60, "script and socket"), CandidateInput("FR", 25, "hunch")])
    assessments.propose(world.db, "anna", series_id)
    widget = open_queue(qtbot, make_ctx, "cora", 1)
    select(widget, "S-001")
    detail = child(widget, QTextBrowser, "reviewDetail").toPlainText()
    # every clue, the free one too, with its value in words and its effect on each candidate
    assert "Writing system: Cyrillic (Cyrl)" in detail
    assert "Socket: type F (Schuko)" in detail and "Evening news logo" in detail
    assert "points to UA · points away from FR" in detail
    assert "says nothing about UA · says nothing about FR" in detail
    assert "TV or radio" in detail and "tv_radio" not in detail
    # the model's contradictions (France ruled out), and a lower rank nothing supports
    note = child(widget, QLabel, "reviewContradictions")
    qtbot.waitUntil(note.isVisible, timeout=10_000)
    assert "France is ranked 2nd but the clues rule it out" in note.text()
    warning = child(widget, QLabel, "reviewWarnings")
    assert warning.isVisible()
    assert warning.text() == "⚠ France is ranked 2nd but no clue supports it."
    assert "⚠ 2" in queue(widget).index(0, 5).data()


def test_people_are_named_as_people_know_them_not_by_login(
        qtbot: QtBot, world: World, make_ctx: MakeCtx) -> None:
    propose(world, world.series_ids[0])
    widget = open_queue(qtbot, make_ctx, "cora", 1)
    select(widget, "S-001")
    detail = child(widget, QTextBrowser, "reviewDetail").toPlainText()
    assert "proposed by Anna Specialist on " in detail
    assert "Assessed by\nAnna Specialist" in detail
    assert re.search(r"\banna\b", detail) is None  # the login is for the database, not people
    assert queue(widget).index(0, 3).data() == "Anna Specialist"


def test_the_decision_box_defaults_to_cancel(qtbot: QtBot) -> None:
    from PySide6.QtWidgets import QMessageBox

    from vidtask.ui.decisions import decision_box

    box = decision_box(None, "Confirm the likely country", "Confirm S-001 for DE?", "Confirm")
    qtbot.addWidget(box)
    default = box.defaultButton()
    assert default is not None and box.buttonRole(default) == QMessageBox.ButtonRole.RejectRole
    assert box.escapeButton() is default
    assert "S-001" in box.text()


def test_a_clues_image_region_reads_in_words_in_the_detail(
        qtbot: QtBot, world: World, make_ctx: MakeCtx) -> None:
    series_id = world.series_ids[0]
    claims.claim_series(world.db, "anna", series_id)
    clues.add_clue(world.db, "anna", series_id, clues.ClueInput(
        "furniture", "Wall socket by the bed", evidence_time="00:06",
        evidence_region="177,552,120,80"))
    propose(world, series_id)
    widget = open_queue(qtbot, make_ctx, "cora", 1)
    select(widget, "S-001")
    detail = child(widget, QTextBrowser, "reviewDetail").toPlainText()
    assert "region 120 × 80 px at (177, 552)" in detail
    assert "177,552,120,80" not in detail


@pytest.mark.parametrize("backend", ["sqlite"])  # column widths: the backend plays no part
def test_the_top_candidates_column_shows_whole_in_a_1400_by_900_window(
        qtbot: QtBot, world: World, make_window: WindowFactory) -> None:
    propose(world, world.series_ids[1], ("PL", "DE", "AT"))
    window = make_window("cora")
    window.resize(1400, 900)
    trigger(window, "actShowReview")
    widget = child(window, ReviewQueueWidget, "reviewQueueWidget")
    qtbot.waitUntil(lambda: queue(widget).rowCount() == 1, timeout=10_000)
    qtbot.wait(100)  # the splitter settles
    view = child(widget, QTableView, "reviewQueue")
    shown = queue(widget).data(queue(widget).index(0, 2))
    assert shown == "PL 70 %, DE 50 %, AT 30 %"
    width = view.columnWidth(2)
    assert width >= view.fontMetrics().horizontalAdvance(shown)
    assert width >= view.sizeHintForColumn(2)  # what the delegate needs: nothing elided
    left = view.horizontalHeader().sectionViewportPosition(2)
    assert left >= 0 and left + width <= view.viewport().width()  # not cut by the pane
