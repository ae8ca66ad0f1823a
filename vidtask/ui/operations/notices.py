"""What the window tells the person: one sentence at a level, kept until they have read it.

qutebrowser's `message.info/warning/error`: screens call `ctx.notices.info(...)` (or `warning`,
`error`, `failure(exc)`); the status bar's notice item shows the newest and keeps it until it is
dismissed or replaced, and the window keeps the session's notices for the tooltip.

Signals of `Notices`: ``posted(Notice)`` — a new notice, on the GUI thread.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum

from PySide6.QtCore import QObject, Signal

from vidtask.ui.operations.errors import level_of, sentence

#: How many notices of the session the window keeps (the notice item's tooltip lists them).
HISTORY = 50


class Level(Enum):
    INFO = "info"
    WARNING = "warning"
    ERROR = "error"


@dataclass(frozen=True, slots=True)
class Notice:
    level: Level
    text: str
    at: datetime = field(default_factory=datetime.now)


class Notices(QObject):
    posted = Signal(Notice)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.history: list[Notice] = []

    def post(self, level: Level, text: str) -> Notice:
        notice = Notice(level, text)
        self.history = [*self.history[-(HISTORY - 1):], notice]
        self.posted.emit(notice)
        return notice

    def info(self, text: str) -> Notice:
        return self.post(Level.INFO, text)

    def warning(self, text: str) -> Notice:
        return self.post(Level.WARNING, text)

    def error(self, text: str) -> Notice:
        return self.post(Level.ERROR, text)

    def failure(self, error: BaseException) -> Notice:
        """A failed call as one sentence: refusals warn, cancellations inform, bugs are errors."""
        return self.post(Level[level_of(error).upper()], sentence(error))

    @property
    def last(self) -> Notice | None:
        return self.history[-1] if self.history else None
