"""The review queue as a coordinator uses it: confirm, four-eyes, send back, eliminate."""

from __future__ import annotations

from collections.abc import Callable

import pytest
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
from tests.ui.find import child, text
from tests.ui.review_world import propose
from vidtask.domain.changes import Changes
from vidtask.services import claims, review
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


def test_a_coordinator_confirms_and_the_series_leaves_the_queue(
        qtbot: QtBot, world: World, make_ctx: MakeCtx) -> None:
    propose(world, world.series_ids[0])
    propose(world, world.series_ids[1], ("PL",))
    widget = open_queue(qtbot, make_ctx, "cora", 2)
    batches: list[ChangeBatch] = []
    widget.ctx.bus.subscribe(batches.append)
    select(widget, "S-001")
    detail = child(widget, QTextBrowser, "reviewDetail").toPlainText()
    assert "Zindle shampoo bottle" in detail and "TV logo not broadcast" in detail
    assert "at 00:12" in detail and "anna" in detail
    assert widget.checked_countries() == ["DE"]  # the top candidate is pre-checked
    countries = child(widget, QListWidget, "confirmCountries")
    countries.item(1).setCheckState(countries.item(0).checkState())
    confirm = child(widget, QPushButton, "confirmButton")
    assert confirm.isEnabled()
    confirm.click()
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


def test_eliminate_needs_a_reason(qtbot: QtBot, world: World, make_ctx: MakeCtx) -> None:
    propose(world, world.series_ids[0])
    widget = open_queue(qtbot, make_ctx, "cora", 1)
    eliminate = child(widget, QPushButton, "eliminateButton")
    assert not eliminate.isEnabled()
    child(widget, QComboBox, "eliminateReason").setCurrentText("too widespread")
    assert eliminate.isEnabled()
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
