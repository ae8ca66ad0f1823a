"""Follow the change feed without Qt: on every wake-up, read what changed since the last version.

For command-line watchers, benchmarks and tests; the GUI uses the Qt adapter instead and reads
`changes_since` on its own thread. The follower delivers every version exactly once and in order,
because it only ever asks the event log for versions above the last one it delivered.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from vidtask.db.engine import Database
from vidtask.domain.changes import ChangeEvent
from vidtask.sync.feed import changes_since, current_version
from vidtask.sync.wakeup import Wake, WakeupSource, wakeup_for

log = logging.getLogger(__name__)

ChangesCallback = Callable[[list[ChangeEvent], Wake], None]


class FeedFollower:
    """Reads `changes_since(last_version)` whenever `source` wakes; hands batches to a callback."""

    def __init__(self, db: Database, on_changes: ChangesCallback, *,
                 source: WakeupSource | None = None, since: int | None = None) -> None:
        self._db = db
        self._on_changes = on_changes
        self.source = source or wakeup_for(db)
        self.last_version = since if since is not None else current_version(db)
        self._lock = threading.Lock()

    def start(self) -> None:
        self.source.start(self._woken)

    def stop(self) -> None:
        self.source.stop()

    def catch_up(self, wake: Wake | None = None) -> list[ChangeEvent]:
        """Read everything above `last_version` now (also what a wake-up triggers)."""
        wake = wake or Wake("manual")
        delivered: list[ChangeEvent] = []
        with self._lock:  # one reader at a time keeps delivery ordered and exactly once
            while True:
                batch = changes_since(self._db, self.last_version)
                if not batch:
                    break
                self.last_version = batch[-1].version
                delivered.extend(batch)
                self._on_changes(batch, wake)
        return delivered

    def _woken(self, wake: Wake) -> None:
        try:
            self.catch_up(wake)
        except Exception as error:  # the database may be unreachable: the next wake retries
            log.info("feed read failed: %s", str(error).splitlines()[0])
