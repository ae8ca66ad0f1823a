"""Who may take a series and who holds it now: the claim rules every layer reads the same way.

A series is *claimable* while its work is open (new, claimed, in assessment). A claim is *live*
while it has a holder and its lease has not run out (server clock, compared in UTC). The holder
is compared by whatever identifies a person where the rule is read: a login in the UI, a
participant id in the services.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TypeVar

from vidtask.domain.enums import CLAIMABLE_STATUSES

#: Status values (as stored) in which a series may be claimed.
CLAIMABLE: frozenset[str] = frozenset(s.value for s in CLAIMABLE_STATUSES)

Who = TypeVar("Who", str, int)


def is_claimable(status: str) -> bool:
    return status in CLAIMABLE


def lease_is_live(holder: object | None, expires_at: datetime | None,
                  now: datetime | None = None) -> bool:
    """Somebody holds the series and the lease has not run out."""
    if holder is None or expires_at is None:
        return False
    return expires_at > (now or datetime.now(UTC))


def holds_live_claim(holder: Who | None, me: Who | None, expires_at: datetime | None,
                     now: datetime | None = None) -> bool:
    """`me` holds the series under a lease that has not run out."""
    return me is not None and holder == me and lease_is_live(holder, expires_at, now)


@dataclass(frozen=True, slots=True)
class ClaimState:
    """One person's view of one series' claim: what they may do with it now."""

    status: str
    holder: str | None
    expires_at: datetime | None
    me: str
    now: datetime

    @classmethod
    def of(cls, status: str, holder: str | None, expires_at: datetime | None, me: str,
           now: datetime | None = None) -> ClaimState:
        return cls(status, holder, expires_at, me, now or datetime.now(UTC))

    @property
    def live(self) -> bool:
        """Somebody (maybe me) holds it now."""
        return lease_is_live(self.holder, self.expires_at, self.now)

    @property
    def mine(self) -> bool:
        return holds_live_claim(self.holder, self.me, self.expires_at, self.now)

    @property
    def held_by_other(self) -> bool:
        return self.live and not self.mine

    @property
    def claimable(self) -> bool:
        """Open work I do not hold yet (someone else's live lease makes the claim lose, with
        the holder's name: the button stays, the service decides)."""
        return is_claimable(self.status) and not self.mine

    @property
    def free(self) -> bool:
        """Open work nobody holds: what "Unclaimed" and "claim next" mean."""
        return is_claimable(self.status) and not self.live

    @property
    def force_releasable(self) -> bool:
        """A coordinator may free it: it has a holder (expired or not) who is not me."""
        return self.holder is not None and not self.mine
