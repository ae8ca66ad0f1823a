"""Handling codes on export: what may leave the taskforce, and the logged coordinator override.

SIENA codes (domain.md §5): H0 and H1 restrict use, not dissemination, so they export; H2 says
"no further dissemination without permission of the originator" and H3 "other restrictions
apply" — both leave only with a coordinator's explicit override, recorded in the event log.
"""

from __future__ import annotations

from typing import Any

from vidtask.db.engine import Database
from vidtask.domain.changes import Changes
from vidtask.domain.enums import HandlingCode
from vidtask.domain.errors import InvalidInput
from vidtask.domain.permissions import Action
from vidtask.services.common import load_series
from vidtask.services.tx import WriteTx, write_tx

OVERRIDE_EVENT = "handling.overridden"

NEEDS_OVERRIDE: frozenset[HandlingCode] = frozenset({HandlingCode.H2, HandlingCode.H3})
MAX_REASON_LENGTH = 2_000


def may_export(clue_handling: str, override: bool) -> bool:
    """Whether a clue with this handling code may go into a packet or export."""
    try:
        code = HandlingCode(clue_handling)
    except ValueError:
        return False  # an unknown code is never exported, override or not
    return override or code not in NEEDS_OVERRIDE


def clean_override_reason(reason: str) -> str:
    """The reason as logged; refused when empty or too long to be a reason."""
    reason = reason.strip()
    if not reason:
        raise InvalidInput("reason", "say why the handling restriction is overridden "
                                     "(e.g. the originator's permission reference)")
    if len(reason) > MAX_REASON_LENGTH:
        raise InvalidInput("reason", f"is longer than {MAX_REASON_LENGTH:,} characters")
    return reason


def log_handling_override(tx: WriteTx, series_id: int, reason: str, **details: Any) -> None:
    """Append the override event inside the caller's transaction (the packet export's own).

    The caller has checked `Action.OVERRIDE_HANDLING` and cleaned the reason.
    """
    series = load_series(tx.session, series_id)
    tx.emit(OVERRIDE_EVENT, "series", series_id, series_id=series_id,
            sprint_id=series.sprint_id,
            after={"handling": series.handling, "reason": reason, **details})


def record_handling_override(db: Database, actor: str, series_id: int, reason: str) -> Changes:
    """A coordinator releases a series' H2/H3 material for export; the reason is kept in the log.

    The packet exporter logs the same event (`log_handling_override`) for every series whose
    restricted clues it includes, in the transaction that writes the packet.
    """
    reason = clean_override_reason(reason)
    with write_tx(db, actor, Action.OVERRIDE_HANDLING) as tx:
        log_handling_override(tx, series_id, reason)
    return tx.changes
