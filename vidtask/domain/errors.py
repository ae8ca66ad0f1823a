"""Errors the services raise; each reads as one clear sentence for the UI and the CLI."""

from __future__ import annotations

from datetime import datetime

from vidtask.domain.dates import format_datetime


class VidtaskError(Exception):
    """Base of every error a user may see. `str()` is the sentence to show."""


class NotFound(VidtaskError):
    def __init__(self, kind: str, key: object) -> None:
        super().__init__(f"No {kind} {key!s} exists.")
        self.kind = kind
        self.key = key


class InvalidInput(VidtaskError):
    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason


class PermissionDenied(VidtaskError):
    def __init__(self, action: str, role: str, detail: str = "") -> None:
        text = f"A {role} may not {action}."
        super().__init__(f"{text} {detail}".strip())
        self.action = action
        self.role = role


class ClaimConflict(VidtaskError):
    """Somebody else holds the series (or it is not in a claimable state)."""

    def __init__(self, series_code: str, holder: str | None, expires_at: datetime | None,
                 reason: str = "") -> None:
        if holder:
            until = f" until {format_datetime(expires_at, utc=True)}" if expires_at else ""
            text = f"Series {series_code} is claimed by {holder}{until}."
        else:
            text = reason or f"Series {series_code} cannot be claimed now."
        super().__init__(text)
        self.series_code = series_code
        self.holder = holder
        self.expires_at = expires_at


class ClaimRequired(VidtaskError):
    def __init__(self, series_code: str) -> None:
        super().__init__(f"Claim series {series_code} before editing it.")
        self.series_code = series_code


class StaleVersion(VidtaskError):
    """An edit was based on an old version; nothing was written."""

    def __init__(self, kind: str, key: object, expected: int, current: int,
                 changed_by: str | None = None) -> None:
        who = f" by {changed_by}" if changed_by else ""
        super().__init__(
            f"This {kind} was changed{who} since you opened it (your version {expected}, "
            f"now {current}); nothing was overwritten."
        )
        self.kind = kind
        self.key = key
        self.expected = expected
        self.current = current
        self.changed_by = changed_by


class InvalidTransition(VidtaskError):
    def __init__(self, series_code: str, status: str, action: str) -> None:
        super().__init__(f"Series {series_code} is {status.replace('_', ' ')}; cannot {action}.")


class DatabaseRefused(VidtaskError):
    """PostgreSQL refused a write this login may not make (grants, row-level security)."""

    def __init__(self, reason: str) -> None:
        super().__init__(f"The database refused this: {reason.rstrip('.')}.")
        self.reason = reason


class DatabaseBusy(VidtaskError):
    """A write waited too long for a lock (or was cancelled by the server's timeouts); it was
    rolled back, so nothing was saved. Services retry once before raising this."""

    def __init__(self, detail: str = "", *, retried: bool = False) -> None:
        tried = "vidtask tried twice and saved nothing" if retried else "nothing was saved"
        reason = f" ({detail})" if detail else ""
        super().__init__(f"The database is busy: another desktop kept what this needs locked "
                         f"too long{reason}; {tried}, please try again.")
        self.detail = detail
        self.retried = retried
