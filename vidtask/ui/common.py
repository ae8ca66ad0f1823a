"""Small display helpers every screen shares: status colours with words, countries, lease times."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import cache

from PySide6.QtCore import QSize
from PySide6.QtGui import QColor, QFontDatabase, QResizeEvent
from PySide6.QtWidgets import QLabel, QWidget

from vidtask.domain import wording
from vidtask.domain.countries import UnknownCountry, country_name, flag_emoji
from vidtask.domain.dates import format_datetime
from vidtask.domain.enums import Priority, SeriesStatus

# Mid-tone colours read on light and dark palettes; they sit beside the word, never alone.
STATUS_COLOURS: dict[str, str] = {
    SeriesStatus.NEW: "#8a8f98",
    SeriesStatus.CLAIMED: "#2f7fd8",
    SeriesStatus.IN_ASSESSMENT: "#d08a00",
    SeriesStatus.PROPOSED: "#8a4fd0",
    SeriesStatus.CONFIRMED: "#2e9d4f",
    SeriesStatus.NOTIFIED: "#1d8f8f",
    SeriesStatus.ELIMINATED: "#b84a4a",
}
PRIORITY_COLOURS: dict[int, str] = {Priority.URGENT: "#c0392b", Priority.HIGH: "#d08a00"}


def status_label(status: str) -> str:
    """The status in the app's one vocabulary (`domain.wording`): "being assessed"."""
    return wording.series_status(status)


def status_colour(status: str) -> QColor:
    return QColor(STATUS_COLOURS.get(status, "#8a8f98"))


def priority_label(priority: int) -> str:
    try:
        return f"{int(priority)} {Priority(priority).label}"
    except ValueError:
        return str(priority)


@cache
def emoji_font_available() -> bool:
    """Flag emoji only render with a colour emoji font; otherwise codes alone read better."""
    return any("emoji" in family.lower() for family in QFontDatabase.families())


def country_text(code: str | None, *, with_name: bool = True) -> str:
    if not code:
        return ""
    try:
        name = country_name(code)
    except UnknownCountry:
        name = code
    flag = f"{flag_emoji(code)} " if emoji_font_available() else ""
    return f"{flag}{code} {name}" if with_name else f"{flag}{code}"


def lease_left(expires_at: datetime | None, now: datetime | None = None) -> str:
    """'1 h 05 min', 'expired' or '' — what a person reads at a glance."""
    if expires_at is None:
        return ""
    now = now or datetime.now(UTC)
    seconds = int((expires_at - now).total_seconds())
    if seconds <= 0:
        return "expired"
    hours, rest = divmod(seconds, 3600)
    minutes = rest // 60
    if hours:
        return f"{hours} h {minutes:02d} min"
    if minutes:
        return f"{minutes} min"
    return f"{seconds} s"


def local_time(moment: datetime | None, *, seconds: bool = False) -> str:
    """A moment as the person's locale writes it, in their time zone: "1 Dec 2026, 17:05"
    ('' for None). The clock alone: `vidtask.domain.dates.format_time`."""
    return format_datetime(moment, seconds=seconds)


def name_widget(widget: QWidget, object_name: str, accessible: str) -> QWidget:
    """Stable objectName for tests, accessible name for screen readers."""
    widget.setObjectName(object_name)
    widget.setAccessibleName(accessible)
    return widget


class WrappingLabel(QLabel):
    """A word-wrapped label that is never squeezed below the height of its wrapped text.

    A layout short of room shrinks a plain wrapped QLabel to one line and cuts the rest; this
    one's minimum height follows its text at its current width.
    """

    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(text, parent)
        self.setWordWrap(True)

    def minimumSizeHint(self) -> QSize:
        hint = super().minimumSizeHint()
        if not self.text() or self.width() <= 0:
            return hint
        return QSize(hint.width(), max(hint.height(), self.heightForWidth(self.width())))

    def setText(self, text: str) -> None:
        super().setText(text)
        self.updateGeometry()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self.heightForWidth(event.size().width()) != self.heightForWidth(
                event.oldSize().width()):
            self.updateGeometry()
