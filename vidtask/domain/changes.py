"""What a service call changed: the events it appended, handed back to the caller.

The UI and the change feed share this shape, whether changes came from this window or another
desktop (Anki's OpChanges, but carrying the event log's versions). Screens decide whether a
batch concerns them with the filters here (`touches`, `touches_series`, `has_actions`), never
with rules of their own.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True, slots=True)
class ChangeEvent:
    version: int
    occurred_at: datetime
    actor: str
    action: str
    entity_type: str
    entity_id: int | None
    series_id: int | None


@dataclass(frozen=True, slots=True)
class Changes:
    events: tuple[ChangeEvent, ...] = field(default_factory=tuple)

    @property
    def last_version(self) -> int | None:
        return self.events[-1].version if self.events else None

    @property
    def series_ids(self) -> frozenset[int]:
        return frozenset(e.series_id for e in self.events if e.series_id is not None)

    @property
    def versions(self) -> tuple[int, ...]:
        return tuple(e.version for e in self.events)

    @classmethod
    def merge(cls, parts: Iterable[Changes]) -> Changes:
        """Several calls' changes as one batch, oldest version first, each event once."""
        seen: dict[int, ChangeEvent] = {}
        for part in parts:
            for event in part.events:
                seen.setdefault(event.version, event)
        return cls(tuple(seen[v] for v in sorted(seen)))

    def touches(self, *entity_types: str) -> bool:
        return any(e.entity_type in entity_types for e in self.events)

    def touches_series(self, series_id: int) -> bool:
        return any(e.series_id == series_id for e in self.events)

    def has_actions(self, *patterns: str) -> bool:
        """Any event whose action is one of `patterns` ("claim.taken") or under a prefix
        pattern ("claim.*")."""
        return any(_matches(e.action, patterns) for e in self.events)

    def without_actions(self, *patterns: str) -> Changes:
        """The same batch minus the events `has_actions(*patterns)` would match."""
        return Changes(tuple(e for e in self.events if not _matches(e.action, patterns)))

    def __bool__(self) -> bool:
        return bool(self.events)


def _matches(action: str, patterns: tuple[str, ...]) -> bool:
    for pattern in patterns:
        if pattern.endswith(".*"):
            if action.startswith(pattern[:-1]):
                return True
        elif action == pattern:
            return True
    return False
