"""Date and date-time fields that show what every other screen shows (`domain.dates`).

Qt's own formats differ from the app's (babel/CLDR medium): a dialog said "02/12/2026" beside
"2 Dec 2026", and two dialogs said "2026-12-02". These fields take the app's pattern and the
user's locale, so a date typed or picked reads the same as it will everywhere else.
"""

from __future__ import annotations

import re

from PySide6.QtCore import QDate, QDateTime, QLocale
from PySide6.QtWidgets import QDateEdit, QDateTimeEdit

from vidtask.domain import dates

_TOKEN = re.compile(r"'(?:[^']|'')*'|([A-Za-z])\1*")
# CLDR letters that Qt spells otherwise (d M H h m s are the same in both)
_DAY_PERIOD = frozenset("abB")  # AM/PM and its kin: Qt's AP


def qt_format(pattern: str) -> str:
    """A CLDR date/time pattern as a Qt display format: 'd MMM y' → 'd MMM yyyy'."""
    def one(match: re.Match[str]) -> str:
        token = match.group(0)
        if token.startswith("'"):
            return token
        letter, count = token[0], len(token)
        if letter == "y":
            return "yy" if count == 2 else "yyyy"
        if letter in ("E", "c"):  # weekday names: Qt's ddd / dddd
            return "dddd" if count >= 4 else "ddd"
        if letter == "L":  # the stand-alone month: Qt has one month letter
            return "M" * count
        if letter in _DAY_PERIOD:
            return "AP"
        return token

    return _TOKEN.sub(one, pattern)


def date_field(day: QDate | None = None) -> QDateEdit:
    edit = QDateEdit(day or QDate.currentDate())
    edit.setCalendarPopup(True)
    edit.setLocale(QLocale(dates.user_locale()))  # month names in the user's language
    edit.setDisplayFormat(qt_format(dates.date_pattern()))
    return edit


def datetime_field(moment: QDateTime | None = None) -> QDateTimeEdit:
    edit = QDateTimeEdit(moment or QDateTime.currentDateTime())
    edit.setCalendarPopup(True)
    edit.setLocale(QLocale(dates.user_locale()))
    combined, day, time = dates.datetime_patterns()
    edit.setDisplayFormat(qt_format(combined.replace("{1}", day).replace("{0}", time)))
    return edit
