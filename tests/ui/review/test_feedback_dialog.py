"""Country feedback from the GUI reaches the sprint statistics; an empty form is refused."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from PySide6.QtCore import QDate
from PySide6.QtWidgets import QComboBox, QDateEdit, QLabel, QPlainTextEdit, QPushButton
from pytestqt.qtbot import QtBot

from tests.conftest import World
from tests.ui.find import child, text
from tests.worlds.review import confirmed
from vidtask.services.stats import sprint_stats
from vidtask.ui.context import AppContext
from vidtask.ui.operations import ChangeBatch
from vidtask.ui.review.feedback import FeedbackDialog

pytestmark = pytest.mark.gui
MakeCtx = Callable[[str], AppContext]


def test_recorded_feedback_feeds_the_statistics(qtbot: QtBot, world: World,
                                                make_ctx: MakeCtx) -> None:
    confirmed(world, world.series_ids[0])
    ctx = make_ctx("cody")
    batches: list[ChangeBatch] = []
    ctx.bus.subscribe(batches.append)
    dialog = FeedbackDialog(ctx, world.series_ids[0], "DE", series_code="S-001")
    qtbot.addWidget(dialog)
    dialog.show()
    assert "Germany" in dialog.windowTitle()
    child(dialog, QComboBox, "feedbackVictimIdentified").setCurrentText("Yes")
    child(dialog, QComboBox, "feedbackVictimSafeguarded").setCurrentText("Yes")
    child(dialog, QComboBox, "feedbackOffenderIdentified").setCurrentText("No")
    child(dialog, QDateEdit, "feedbackDate").setDate(QDate(2026, 7, 1))
    child(dialog, QPlainTextEdit, "feedbackText").setPlainText(
        "Child safe; family support in place.")
    child(dialog, QPushButton, "feedbackRecordButton").click()
    qtbot.waitUntil(lambda: dialog.result() == FeedbackDialog.DialogCode.Accepted,
                    timeout=10_000)
    assert [e.action for b in batches for e in b.changes.events] == ["feedback.recorded"]
    stats = sprint_stats(world.db, world.sprint_id)
    assert (stats.victims_identified, stats.victims_safeguarded, stats.offenders_identified) \
        == (1, 1, 0)


def test_an_empty_form_is_refused_with_one_sentence(qtbot: QtBot, world: World,
                                                    make_ctx: MakeCtx) -> None:
    dialog = FeedbackDialog(make_ctx("cody"), world.series_ids[0], "DE")
    qtbot.addWidget(dialog)
    dialog.show()
    child(dialog, QPushButton, "feedbackRecordButton").click()
    qtbot.waitUntil(child(dialog, QLabel, "feedbackError").isVisible)
    assert text(dialog, "feedbackError") == ("feedback: say at least one thing the country "
                                             "reported")
    assert dialog.isVisible()
    for kind, name in ((QComboBox, "feedbackVictimIdentified"),
                       (QComboBox, "feedbackVictimSafeguarded"),
                       (QComboBox, "feedbackOffenderIdentified"),
                       (QComboBox, "feedbackIcseUpdated"), (QDateEdit, "feedbackDate"),
                       (QPlainTextEdit, "feedbackText"), (QPushButton, "feedbackRecordButton")):
        assert child(dialog, kind, name).accessibleName()
