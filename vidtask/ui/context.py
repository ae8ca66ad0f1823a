"""Who is working, on which sprint and database, and the seam every screen of one window uses.

A screen takes the window's `AppContext` and finds everything there: `runner` (run a service
call: `Op(ctx, fn, *args)…run()`), `bus` (hear every change once: `ctx.bus.subscribe(...)`),
`notices` (tell the person: `ctx.notices.info(...)`), `saves` (clue and comment writes that
survive losing the database). See `vidtask.ui.operations`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject

from vidtask.db.engine import Database
from vidtask.domain.enums import Role
from vidtask.domain.permissions import Action, may
from vidtask.services.participants import ParticipantInfo
from vidtask.services.sprints import SprintInfo
from vidtask.ui.operations import ChangeBus, Notices, OpRunner

if TYPE_CHECKING:  # the window sets it; offline_saves needs the runner defined here
    from vidtask.ui.offline_saves import OfflineSaves


class AppContext(QObject):
    def __init__(self, db: Database, me: ParticipantInfo, sprint: SprintInfo,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.me = me
        self.sprint = sprint
        self.notices = Notices(self)
        self.bus = ChangeBus(self)
        self.runner = OpRunner(self, bus=self.bus, notices=self.notices)
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

    def close(self, timeout_ms: int = 10_000) -> None:
        """The window is closing: drop results still to come, wait for running calls."""
        self.runner.close(timeout_ms)
