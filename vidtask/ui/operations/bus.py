"""The one way a change reaches the screens: every batch once, on one signal.

Two sources publish: the operation runner (the `Changes` a service call of this window
returned) and the live feed (what the event log holds beyond what this window has applied:
other desktops' writes, and this window's writes whose `Changes` did not come back, such as an
outbox replay). The bus drops every event it has already sent, so a change is applied exactly
once whichever source brings it first, and it keeps the version up to which everything has been
applied (`version`): the feed reads from there and a wake-up at or below it needs no read.

Screens subscribe (`ctx.bus.subscribe(self.on_changes)`) and decide with the batch's
`Changes` filters (`touches_series`, `has_actions`, …) whether they care (Anki's
`on_operation_did_execute`).

Signals of `ChangeBus`: ``changed(ChangeBatch)`` — on the GUI thread, never empty.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum

from PySide6.QtCore import QObject, Signal

from vidtask.domain.changes import Changes


class Origin(Enum):
    #: Returned by a service call this window ran.
    THIS_WINDOW = "this window"
    #: Read from the change feed: another desktop (or a write of this window the feed saw
    #: first, e.g. the outbox replaying saves kept offline).
    FEED = "change feed"


@dataclass(frozen=True, slots=True)
class ChangeBatch:
    changes: Changes
    origin: Origin

    @property
    def from_this_window(self) -> bool:
        return self.origin is Origin.THIS_WINDOW


class ChangeBus(QObject):
    changed = Signal(ChangeBatch)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        #: Every event up to this version has been applied (or predates this window).
        self.version: int | None = None
        self._above: set[int] = set()  # applied versions above `version`
        #: How many events went out, in total (tests count applications with it).
        self.sent = 0

    def subscribe(self, handler: Callable[[ChangeBatch], object]) -> None:
        self.changed.connect(handler)

    def start_at(self, version: int) -> None:
        """The feed's starting point: what happened before the window opened is in its reads."""
        if self.version is None or version > self.version:
            self.version = version
            self._prune()

    def caught_up_to(self, version: int) -> None:
        """The feed has read (and published) every event up to `version`."""
        self.start_at(version)

    def knows(self, version: int) -> bool:
        """Every event up to `version` has been applied: a wake-up there needs no feed read."""
        return self.version is not None and version <= self.version

    def publish(self, changes: Changes, origin: Origin) -> ChangeBatch | None:
        """Send what is new in `changes` (nothing if every event went out already)."""
        fresh = tuple(e for e in changes.events if self._fresh(e.version))
        if not fresh:
            return None
        self._above.update(e.version for e in fresh)
        self._advance()
        batch = ChangeBatch(Changes(fresh), origin)
        self.sent += len(fresh)
        self.changed.emit(batch)
        return batch

    def _fresh(self, version: int) -> bool:
        if self.version is not None and version <= self.version:
            return False
        return version not in self._above

    def _advance(self) -> None:
        # SQLite stamps versions contiguously (services.tx): applied ones next to the floor
        # lift it; a gap (an event not seen yet) stops it until the feed reads past it.
        # PostgreSQL's are sparse positions (migration 0008): only feed reads lift the floor.
        if self.version is None:
            return
        while self.version + 1 in self._above:
            self.version += 1
            self._above.discard(self.version)

    def _prune(self) -> None:
        assert self.version is not None
        self._above = {v for v in self._above if v > self.version}
        self._advance()
