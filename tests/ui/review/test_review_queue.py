"""The review queue as a coordinator uses it: confirm, four-eyes, send back, eliminate."""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot

from tests.conftest import World
from tests.ui.review_world import drained, propose
from vidtask.services import review
from vidtask.services.series_detail import get_series_detail
from vidtask.ui.review.queue import ReviewQueueWidget
from vidtask.ui.tasks import tasks_running

pytestmark = [pytest.mark.gui, pytest.mark.usefixtures("drained")]
__all__ = ["drained"]


def open_queue(qtbot: QtBot, world: World, login: str, rows: int) -> ReviewQueueWidget:
    widget = ReviewQueueWidget(world.db, world.sprint_id, login)
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitUntil(lambda: tasks_running() == 0 and widget.queue_model.rowCount() == rows,
                    timeout=10_000)
    return widget


def select(widget: ReviewQueueWidget, code: str) -> None:
    row = next(r for r in range(widget.queue_model.rowCount())
               if widget.queue_model.item(r).code == code)
    widget.queue.selectRow(row)


def test_a_coordinator_confirms_and_the_series_leaves_the_queue(qtbot: QtBot,
                                                                world: World) -> None:
    propose(world, world.series_ids[0])
    propose(world, world.series_ids[1], ("PL",))
    widget = open_queue(qtbot, world, "cora", 2)
    select(widget, "S-001")
    text = widget.detail.toPlainText()
    assert "Zindle shampoo bottle" in text and "TV logo not broadcast" in text
    assert "at 00:12" in text and "anna" in text
    assert widget.checked_countries() == ["DE"]  # the top candidate is pre-checked
    widget.countries.item(1).setCheckState(widget.countries.item(0).checkState())
    assert widget.confirm_button.isEnabled()
    with qtbot.waitSignal(widget.changesMade, timeout=10_000) as emitted:
        widget.confirm_button.click()
    assert [e.action for e in emitted.args[0].events] == ["series.confirmed"]
    qtbot.waitUntil(lambda: tasks_running() == 0 and widget.queue_model.rowCount() == 1)
    assert widget.queue_model.item(0).code == "S-002"
    assert "confirmed for DE, AT" in widget.status.text()
    entries = [widget.dissemination_model.entry(r)
               for r in range(widget.dissemination_model.rowCount())]
    assert [(e.country, e.waiting) for e in entries] == [("AT", ("S-001",)), ("DE", ("S-001",))]
    assert widget.dissemination.objectName() == "disseminationList"


def test_four_eyes_disables_confirm_and_says_why(qtbot: QtBot, world: World) -> None:
    propose(world, world.series_ids[0], ("PL",), by="cora")
    widget = open_queue(qtbot, world, "cora", 1)
    assert not widget.confirm_button.isEnabled()
    assert "Four-eyes rule" in widget.confirm_button.toolTip()
    assert "another coordinator must confirm" in widget.four_eyes.text()
    assert widget.four_eyes.isVisible()
    other = open_queue(qtbot, world, "cody", 1)
    assert other.confirm_button.isEnabled() and not other.four_eyes.isVisible()


def test_send_back_needs_a_comment(qtbot: QtBot, world: World) -> None:
    propose(world, world.series_ids[0])
    widget = open_queue(qtbot, world, "cora", 1)
    assert not widget.send_back_button.isEnabled()
    assert "Write a comment first" in widget.send_back_button.toolTip()
    widget.send_back()
    assert "Write a comment first" in widget.status.text()
    qtbot.keyClicks(widget.comment, "Check the socket type again")
    assert widget.send_back_button.isEnabled()
    widget.send_back_button.click()
    qtbot.waitUntil(lambda: tasks_running() == 0 and widget.queue_model.rowCount() == 0)
    detail = get_series_detail(world.db, world.series_ids[0])
    assert detail.status == "in_assessment"


def test_eliminate_needs_a_reason(qtbot: QtBot, world: World) -> None:
    propose(world, world.series_ids[0])
    widget = open_queue(qtbot, world, "cora", 1)
    assert not widget.eliminate_button.isEnabled()
    widget.reason.setCurrentText("too widespread")
    assert widget.eliminate_button.isEnabled()
    widget.eliminate_button.click()
    qtbot.waitUntil(lambda: tasks_running() == 0 and widget.queue_model.rowCount() == 0)
    detail = get_series_detail(world.db, world.series_ids[0])
    assert (detail.status, detail.outcome_reason) == ("eliminated", "too widespread")


def test_changes_from_another_desktop_refresh_the_queue(qtbot: QtBot, world: World) -> None:
    propose(world, world.series_ids[0])
    widget = open_queue(qtbot, world, "cora", 1)
    changes = review.confirm_countries(world.db, "cody", world.series_ids[0], ["DE"])
    widget.apply_changes(changes)
    qtbot.waitUntil(lambda: tasks_running() == 0 and widget.queue_model.rowCount() == 0)
    assert widget.dissemination_model.rowCount() == 1


def test_every_interactive_widget_is_named(qtbot: QtBot, world: World) -> None:
    widget = open_queue(qtbot, world, "cora", 0)
    for child in (widget.queue, widget.confirm_button, widget.send_back_button,
                  widget.eliminate_button, widget.dissemination, widget.countries,
                  widget.comment, widget.reason, widget.detail):
        assert child.objectName() and child.accessibleName()
