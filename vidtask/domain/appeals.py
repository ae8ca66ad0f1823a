"""Trace an Object's rules, in plain Python: who may move an appeal or a tip where, and how tips
are recognised as the same (domain.md §4).

The services check these; migration 0007 states the same transitions again in PostgreSQL
triggers, so a login with psql meets them too. Keep the two in step (a test compares them).
"""

from __future__ import annotations

import functools
import hashlib
import re
import unicodedata
from datetime import UTC, datetime

from vidtask.domain.enums import AppealOutcome, AppealStatus, TipStatus
from vidtask.domain.errors import InvalidInput
from vidtask.domain.limits import checked

#: Public IDs as Europol prints them ("G19"): letters, digits and hyphens, upper-case.
PUBLIC_ID = re.compile(r"^[A-Z0-9][A-Z0-9-]{0,19}$")
_NOT_ALNUM = re.compile(r"[\W_]+")
_ASCII_SPACES = {c: " " for c in range(128) if not chr(c).isalnum()}
#: The prefix of IDs vidtask proposes when none is given (T1, T2 …).
DEFAULT_ID_PREFIX = "T"

A, T = AppealStatus, TipStatus
#: Appeal steps; approving is four-eyes (someone other than the creator), the rest need a lead.
APPEAL_STEPS: dict[AppealStatus, frozenset[AppealStatus]] = {
    A.DRAFT: frozenset({A.APPROVED, A.WITHDRAWN}),
    A.APPROVED: frozenset({A.PUBLISHED, A.WITHDRAWN}),
    A.PUBLISHED: frozenset({A.WITHDRAWN}),
    A.WITHDRAWN: frozenset(),
}
#: Tip triage; a mistaken key press can be undone back to "new" until a tip is developed.
TIP_STEPS: dict[TipStatus, frozenset[TipStatus]] = {
    T.NEW: frozenset({T.RELEVANT, T.NOT_RELEVANT, T.DUPLICATE}),
    T.RELEVANT: frozenset({T.DEVELOPED, T.NOT_RELEVANT, T.DUPLICATE, T.NEW}),
    T.NOT_RELEVANT: frozenset({T.RELEVANT, T.DUPLICATE, T.NEW}),
    T.DUPLICATE: frozenset({T.RELEVANT, T.NOT_RELEVANT, T.NEW}),
    T.DEVELOPED: frozenset({T.DISSEMINATED}),
    T.DISSEMINATED: frozenset(),
}
del A, T
#: Tips a specialist found worth following (the packet's and the dashboard's "relevant").
USEFUL_TIPS = frozenset({TipStatus.RELEVANT, TipStatus.DEVELOPED, TipStatus.DISSEMINATED})
#: A tip may become a clue from these states (it is then "developed").
CLUE_FROM = frozenset({TipStatus.NEW, TipStatus.RELEVANT})

TIP_CHANNELS = ("web form", "phone", "mail", "e-mail", "in person")


def public_id(text: str) -> str:
    """A public ID as stored ("g19 " → "G19"); InvalidInput if it is not one."""
    value = text.strip().upper()
    if not PUBLIC_ID.match(value):
        raise InvalidInput("public ID", f"{text.strip()[:40]!r} is not a public ID "
                           "(letters, digits and hyphens, e.g. G19)")
    return value


def check_appeal_step(current: str, target: AppealStatus, public: str) -> None:
    if target not in APPEAL_STEPS[AppealStatus(current)]:
        raise InvalidInput("appeal", f"{public} is {current}; it cannot become {target.value}")


def check_tip_step(current: str, target: TipStatus, reference: str) -> None:
    if target not in TIP_STEPS[TipStatus(current)]:
        from vidtask.domain.wording import tip_status

        raise InvalidInput("tip", f"{reference} is {tip_status(current)}; it cannot become "
                           f"{tip_status(target)}")


def check_outcome(outcome: AppealOutcome | None, country: str | None) -> None:
    """Identified names the country it was traced to; the other outcomes name none."""
    if outcome is AppealOutcome.IDENTIFIED and not country:
        raise InvalidInput("outcome", "say which country the object was traced to")
    if outcome is not AppealOutcome.IDENTIFIED and country:
        raise InvalidInput("outcome", "only an identified object names a country")


def tip_reference(tip_id: int) -> str:
    """How people quote a tip (in clues, packets and the CLI): TIP-42."""
    return f"TIP-{tip_id}"


def normalised_text(text: str) -> str:
    """What two tips must share to be the same tip: letters and digits, case and accents of
    compatibility forms folded, punctuation and spacing ignored ("Sold at LIDL!" = "sold at
    lidl")."""
    if text.isascii():  # most tips: NFKC changes nothing, casefold is lower()
        return " ".join(text.lower().translate(_ASCII_SPACES).split())
    folded = unicodedata.normalize("NFKC", text).casefold()
    return " ".join(_NOT_ALNUM.sub(" ", folded).split())


def text_key(text: str) -> str:
    """The duplicate-group key of a tip's text (128 bits of SHA-256 of the normalised text)."""
    return hashlib.sha256(normalised_text(text).encode("utf-8")).hexdigest()[:32]


def tip_fingerprint(public: str, received_at: datetime, text: str, suggested: str) -> str:
    """The re-import key of a submission: the same row imported twice is one tip.

    Never includes the contact: this column is readable by everyone, and a hash of a phone
    number is quickly reversed by trying them all.
    """
    utc = received_at if received_at.tzinfo is UTC else received_at.astimezone(UTC)
    return fingerprint_at(public, utc.replace(microsecond=0).isoformat(), text, suggested)


def fingerprint_at(public: str, moment: str, text: str, suggested: str) -> str:
    """`tip_fingerprint` with the moment given as `datetime.isoformat()` of UTC, to the second."""
    data = "\x1f".join((public, moment, text.strip(), suggested.strip().casefold()))
    return hashlib.sha256(data.encode("utf-8")).hexdigest()


def suggested_country(text: str) -> str | None:
    """The country a tip names: an ISO code or a country's name, alone or ending a place
    ("Lidl, Munich, Germany" → DE); None for a place vidtask cannot place ("Munich")."""
    if not text.strip():
        return None
    return _suggested(text.strip())


@functools.lru_cache(maxsize=4096)
def _suggested(text: str) -> str | None:
    from vidtask.domain.countries import UnknownCountry, normalize_country

    parts = [text, *reversed(re.split(r"[,/;()]", text))]
    for part in parts:
        candidate = part.strip()
        if len(candidate) < 2:
            continue
        try:
            return normalize_country(candidate.upper() if len(candidate) == 2 else candidate)
        except UnknownCountry:
            continue
    return None


def checked_text(table: str, column: str, value: str) -> str:
    """`value` if it fits its column (`vidtask.domain.limits`), else one sentence naming it."""
    return checked(table, column, value) or ""
