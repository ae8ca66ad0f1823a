"""What a service call changed: the events it appended, handed back to the caller.

The UI and the change feed share this shape, whether changes came from this window or another
desktop (Anki's OpChanges, but carrying the event log's versions).
"""

from __future__ import annotations

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

    def touches(self, *entity_types: str) -> bool:
        return any(e.entity_type in entity_types for e in self.events)

    def __bool__(self) -> bool:
        return bool(self.events)
