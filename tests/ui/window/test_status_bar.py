"""The status bar's notice stays until the person dismisses it (no 10 s flash), at its level."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QLabel, QToolButton
from pytestqt.qtbot import QtBot

from tests.ui.find import child
from vidtask.domain.errors import ClaimConflict
from vidtask.ui.operations import Level, Notices
from vidtask.ui.window.status_bar import NoticeItem

pytestmark = pytest.mark.gui


def test_a_notice_stays_until_dismissed_or_replaced(qtbot: QtBot) -> None:
    notices = Notices()
    item = NoticeItem(notices)
    qtbot.addWidget(item)
    item.show()
    text, dismiss = child(item, QLabel, "noticeText"), child(item, QToolButton, "noticeDismiss")
    notices.info("You claimed S-001; lease until 19:06.")
    qtbot.wait(300)
    assert text.text() == "You claimed S-001; lease until 19:06." and dismiss.isVisible()
    notices.failure(ClaimConflict("S-002", "bert", None))
    assert text.text() == "⚠ Series S-002 is claimed by bert."
    assert "8a5a00" in text.styleSheet()
    notices.failure(KeyError("bug"))
    assert text.text().startswith("✖ Unexpected error (KeyError: 'bug')")
    dismiss.click()
    assert text.text() == "" and not dismiss.isVisible()
    assert [n.level for n in notices.history] == [Level.INFO, Level.WARNING, Level.ERROR]
