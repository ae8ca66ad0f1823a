"""Leases over time: warn before a claim runs out, renew while the holder works, sweep the dead.

Claims themselves live in `vidtask.services.claims`; this module is what a running client does
about them every minute or so (`LeaseKeeper.tick`). Expiry is always judged on the database
clock; only "was the user active recently" uses the desktop's own monotonic clock, because it
is about this desktop's keyboard and mouse, not about shared time.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError

from vidtask.db.engine import Database
from vidtask.db.models import Series
from vidtask.domain.changes import Changes
from vidtask.domain.errors import ClaimConflict
from vidtask.services import claims

WARN_BEFORE = timedelta(minutes=10)
#: Renew when less than this is left (so an active user causes one renewal per ~hour, not per tick).
RENEW_WHEN_LEFT = timedelta(minutes=60)
#: "Active" means a keystroke or click within this long.
ACTIVE_WITHIN = timedelta(minutes=15)


@dataclass(frozen=True, slots=True)
class LeaseWarning:
    series_id: int
    code: str
    alias: str
    expires_at: datetime
    remaining: timedelta

    @property
    def message(self) -> str:
        minutes = max(0, math.ceil(self.remaining.total_seconds() / 60))  # 7 min 59 s: "8 min"
        return f"Your claim on {self.code} expires in {minutes} min — extend it?"


def lease_warnings(db: Database, login: str, within: timedelta = WARN_BEFORE
                   ) -> list[LeaseWarning]:
    """Live claims of `login` that expire within `within` (server clock), soonest first."""
    now, held = claims.live_claims(db, login)
    return [LeaseWarning(c.series_id, c.code, c.alias, c.expires_at, c.expires_at - now)
            for c in held if c.expires_at - now <= within]


def expired_claim_count(db: Database, sprint_id: int | None = None) -> int:
    """How many leases have run out but are not yet released (a cheap read before a sweep)."""
    with db.read() as session:
        now = db.server_now(session)
        query = select(func.count()).select_from(Series).where(
            Series.claimed_by_id.is_not(None), Series.claim_expires_at < now)
        if sprint_id is not None:
            query = query.where(Series.sprint_id == sprint_id)
        return int(session.scalar(query) or 0)


def sweep_if_needed(db: Database, sprint_id: int | None = None) -> Changes:
    """Release expired leases, taking the write lock only when there is something to release."""
    if expired_claim_count(db, sprint_id) == 0:
        return Changes()
    return claims.sweep_expired_claims(db, sprint_id)


def end_stalled_sessions(db: Database) -> int:
    """PostgreSQL: end personal logins' sessions that sit in a transaction past the timeouts
    (a login can switch its own timeouts off; `vidtask_end_stalled_sessions`, migration 0003,
    cannot be). Every client calls it with its lease tick; returns how many it ended."""
    if not db.is_postgresql:
        return 0
    try:
        with db.engine.begin() as connection:
            return int(connection.execute(text("SELECT vidtask_end_stalled_sessions()"))
                       .scalar_one())
    except DBAPIError:  # an older schema, or the database is away: the next tick tries again
        return 0


@dataclass
class ActivityClock:
    """When did the user last type or click on this desktop? The UI calls `touch()`."""

    clock: Callable[[], float] = time.monotonic
    _last: float | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def touch(self) -> None:
        with self._lock:
            self._last = self.clock()

    def active_within(self, window: timedelta) -> bool:
        with self._lock:
            last = self._last
        return last is not None and self.clock() - last <= window.total_seconds()


@dataclass(frozen=True, slots=True)
class LeaseTick:
    renewed: tuple[claims.ClaimResult, ...]
    #: Claims that could not be renewed (taken over or expired meanwhile): tell the user.
    lost: tuple[ClaimConflict, ...]
    warnings: tuple[LeaseWarning, ...]
    swept: Changes


class LeaseKeeper:
    """A client's lease housekeeping; call `tick()` every minute from a timer or worker."""

    def __init__(self, db: Database, login: str, activity: ActivityClock, *,
                 sprint_id: int | None = None, renew_when_left: timedelta = RENEW_WHEN_LEFT,
                 active_within: timedelta = ACTIVE_WITHIN, warn_before: timedelta = WARN_BEFORE
                 ) -> None:
        self.db = db
        self.login = login
        self.activity = activity
        self.sprint_id = sprint_id
        self.renew_when_left = renew_when_left
        self.active_within = active_within
        self.warn_before = warn_before

    def tick(self) -> LeaseTick:
        renewed: list[claims.ClaimResult] = []
        lost: list[ClaimConflict] = []
        now, held = claims.live_claims(self.db, self.login)
        if self.activity.active_within(self.active_within):
            for claim in held:
                if claim.expires_at - now <= self.renew_when_left:
                    try:
                        renewed.append(claims.renew_claim(self.db, self.login, claim.series_id))
                    except ClaimConflict as conflict:
                        lost.append(conflict)
        warnings = tuple(lease_warnings(self.db, self.login, self.warn_before))
        swept = sweep_if_needed(self.db, self.sprint_id)
        end_stalled_sessions(self.db)
        return LeaseTick(tuple(renewed), tuple(lost), warnings, swept)

    def extend(self, series_id: int) -> claims.ClaimResult:
        """The warning's "extend" action: the user asked, so renew regardless of activity."""
        self.activity.touch()
        return claims.renew_claim(self.db, self.login, series_id)
