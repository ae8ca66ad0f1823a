"""Date fields read as the rest of the app ("2 Sept 2026", "02.09.2026"), never Qt's own
"02/09/2026" or an ISO "2026-09-02" beside them."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

import pytest
from PySide6.QtCore import QDate, QDateTime, QSettings, QTime
from PySide6.QtWidgets import QDateEdit
from pytestqt.qtbot import QtBot

from tests.ui.first_start import opened
from vidtask.db.engine import Database
from vidtask.domain import dates
from vidtask.ui.date_fields import date_field, datetime_field, qt_format
from vidtask.ui.identity import IdentityDialog

pytestmark = pytest.mark.gui


@pytest.fixture
def locale_of_user() -> Iterator[None]:
    yield
    dates.set_user_locale(None)


@pytest.mark.parametrize("locale", ["en_GB", "de_DE", "en_US", "fr_FR", "pl_PL", "ja_JP"])
def test_a_date_field_shows_the_date_as_every_screen_does(
        qtbot: QtBot, locale: str, locale_of_user: None) -> None:
    dates.set_user_locale(locale)
    day = date_field(QDate(2026, 9, 2))
    moment = datetime_field(QDateTime(QDate(2026, 9, 2), QTime(17, 5)))
    qtbot.addWidget(day)
    qtbot.addWidget(moment)
    assert day.text() == dates.format_date(date(2026, 9, 2))
    assert moment.text() == dates.format_datetime(datetime(2026, 9, 2, 17, 5).astimezone())


def test_cldr_patterns_become_qt_formats() -> None:
    assert qt_format("d MMM y") == "d MMM yyyy"
    assert qt_format("dd.MM.yy") == "dd.MM.yy"
    assert qt_format("EEEE d LLLL y 'at' h:mm a") == "dddd d MMMM yyyy 'at' h:mm AP"


def test_the_new_sprints_dates_read_like_the_sprint_list(
        qtbot: QtBot, db_url: str, tmp_path: Path, locale_of_user: None) -> None:
    dates.set_user_locale("en_GB")
    db = Database(db_url)
    try:
        dialog = opened(qtbot, IdentityDialog(db, QSettings(str(tmp_path / "s.ini"),
                                                             QSettings.Format.IniFormat)))
        start = dialog.findChild(QDateEdit, "newSprintStart")
        assert start.text() == dates.format_date(start.date().toPython())
        assert "/" not in start.text() and "-" not in start.text()
    finally:
        db.dispose()
