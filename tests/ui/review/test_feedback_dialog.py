"""Country feedback from the GUI reaches the sprint statistics; an empty form is refused."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QDate
from pytestqt.qtbot import QtBot

from tests.conftest import World
from tests.ui.review_world import confirmed, drained
from vidtask.services.stats import sprint_stats
from vidtask.ui.review.feedback import FeedbackDialog
from vidtask.ui.tasks import tasks_running

pytestmark = [pytest.mark.gui, pytest.mark.usefixtures("drained")]
__all__ = ["drained"]


def test_recorded_feedback_feeds_the_statistics(qtbot: QtBot, world: World) -> None:
    confirmed(world, world.series_ids[0])
    dialog = FeedbackDialog(world.db, world.series_ids[0], "DE", "cody", series_code="S-001")
    qtbot.addWidget(dialog)
    dialog.show()
    assert "Germany" in dialog.windowTitle()
    dialog.victim_identified.setCurrentText("Yes")
    dialog.victim_safeguarded.setCurrentText("Yes")
    dialog.offender_identified.setCurrentText("No")
    dialog.reported_on.setDate(QDate(2026, 7, 1))
    dialog.text.setPlainText("Child safe; family support in place.")
    with qtbot.waitSignal(dialog.changesMade, timeout=10_000) as emitted:
        dialog.record_button.click()
    assert [e.action for e in emitted.args[0].events] == ["feedback.recorded"]
    qtbot.waitUntil(lambda: tasks_running() == 0)
    assert dialog.result() == FeedbackDialog.DialogCode.Accepted
    stats = sprint_stats(world.db, world.sprint_id)
    assert (stats.victims_identified, stats.victims_safeguarded, stats.offenders_identified) \
        == (1, 1, 0)


def test_an_empty_form_is_refused_with_one_sentence(qtbot: QtBot, world: World) -> None:
    dialog = FeedbackDialog(world.db, world.series_ids[0], "DE", "cody")
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.record_button.click()
    qtbot.waitUntil(lambda: tasks_running() == 0 and dialog.error.isVisible())
    assert dialog.error.text() == "feedback: say at least one thing the country reported"
    assert dialog.isVisible()
    for widget in (dialog.victim_identified, dialog.victim_safeguarded,
                   dialog.offender_identified, dialog.icse_updated, dialog.reported_on,
                   dialog.text, dialog.record_button):
        assert widget.objectName() and widget.accessibleName()
