"""Who is working, on which sprint and database: what every screen of one window needs.

Signals of `AppContext`: ``message(str)`` — one sentence for the status bar (errors included:
no dialog storms); ``changed(object)`` — Changes this window just wrote, so screens refresh at once.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from vidtask.db.engine import Database
from vidtask.domain.changes import Changes
from vidtask.domain.enums import Role
from vidtask.domain.permissions import Action, may
from vidtask.services.participants import ParticipantInfo
from vidtask.services.sprints import SprintInfo
from vidtask.ui.offline_saves import OfflineSaves
from vidtask.ui.workers import Workers


class AppContext(QObject):
    message = Signal(str)
    changed = Signal(object)

    def __init__(self, db: Database, me: ParticipantInfo, sprint: SprintInfo,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.me = me
        self.sprint = sprint
        self.workers = Workers(self)
        #: Clue and comment saves that survive losing the database (the main window sets it).
        self.saves: OfflineSaves | None = None

    @property
    def login(self) -> str:
        return self.me.login

    @property
    def role(self) -> Role:
        return self.me.role

    def may(self, action: Action) -> bool:
        return may(self.role, action)

    def say(self, text: str) -> None:
        self.message.emit(text)

    def wrote(self, changes: Changes) -> None:
        if changes:
            self.changed.emit(changes)

    def changed_elsewhere(self) -> None:
        """A write whose Changes did not come back (the offline writer): read the feed now."""
        self.changed.emit(Changes())
