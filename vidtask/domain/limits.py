"""Limits of what people type: one table read by the services, the models and migrations 0003
and 0007.

Every user text column has a maximum length in characters; the services refuse longer text (and
NUL characters, which PostgreSQL cannot store) with one sentence naming the field, and the
database holds the same limits as CHECK constraints named `ck_<table>_<column>_length`, so raw
SQL meets them too (same numbers on SQLite and PostgreSQL). Changing a number here needs a
migration that changes the constraint.

Ids and other whole numbers a person can type (`clue edit 9223372036854775808`) are checked
against `MAX_ID` / `MAX_INT` before they reach a driver: SQLite raises OverflowError beyond
64 bits, PostgreSQL's `integer` stops at 2**31 - 1.
"""

from __future__ import annotations

from dataclasses import dataclass

from vidtask.domain.errors import InvalidInput

SHORT_TEXT = 2_000
LONG_TEXT = 10_000

#: Integer primary keys are PostgreSQL `integer` (int4); BIGINT columns hold more.
MAX_ID = 2**31 - 1
MAX_INT = 2**31 - 1
MAX_BIGINT = 2**63 - 1


@dataclass(frozen=True, slots=True)
class TextLimit:
    table: str
    column: str
    max_chars: int
    field: str  # how a sentence names it: "the comment", "the display name"

    @property
    def constraint(self) -> str:
        """The constraint's short name (the models' naming convention adds `ck_<table>_`)."""
        return f"{self.column}_length"

    @property
    def full_name(self) -> str:
        return f"ck_{self.table}_{self.constraint}"

    @property
    def condition(self) -> str:
        return f"length({self.column}) <= {self.max_chars}"


TEXT_LIMITS: tuple[TextLimit, ...] = (
    TextLimit("sprints", "name", 200, "sprint name"),
    TextLimit("sprints", "issuing_unit", 200, "issuing unit"),
    TextLimit("sprints", "contact_name", 200, "contact name"),
    TextLimit("sprints", "contact_email", 200, "contact e-mail"),
    TextLimit("sprints", "contact_phone", 100, "contact phone"),
    TextLimit("participants", "login", 63, "login"),
    TextLimit("participants", "display_name", 200, "display name"),
    TextLimit("participants", "agency", 200, "agency"),
    TextLimit("series", "code", 100, "series code"),
    TextLimit("series", "alias", 200, "alias"),
    TextLimit("series", "icse_id", 100, "ICSE id"),
    TextLimit("series", "ncmec_name", 200, "NCMEC name"),
    TextLimit("series", "vics_name", 200, "VICS name"),
    TextLimit("series", "production_period", 100, "production period"),
    TextLimit("series", "notes", LONG_TEXT, "notes"),
    TextLimit("series", "outcome_reason", SHORT_TEXT, "reason"),
    TextLimit("series_links", "reason", 200, "link reason"),
    TextLimit("clues", "description", LONG_TEXT, "description"),
    TextLimit("clues", "value", 50, "value"),
    TextLimit("clues", "evidence_time", 50, "evidence time"),
    TextLimit("clues", "evidence_region", 100, "evidence region"),
    TextLimit("country_assessments", "rationale", SHORT_TEXT, "rationale"),
    TextLimit("comments", "body", LONG_TEXT, "comment"),
    TextLimit("country_feedback", "text", LONG_TEXT, "feedback text"),
)

#: Trace an Object's tables, which migration 0007 makes anew with these CHECKs (migration 0003
#: reads only TEXT_LIMITS above: the tables it knew were dropped by 0007).
APPEAL_TEXT_LIMITS: tuple[TextLimit, ...] = (
    TextLimit("appeal_objects", "public_id", 20, "public ID"),
    TextLimit("appeal_objects", "object_type", 100, "object type"),
    TextLimit("appeal_objects", "question", SHORT_TEXT, "question"),
    TextLimit("appeal_objects", "region_hint", 200, "region hint"),
    TextLimit("appeal_objects", "outcome_note", SHORT_TEXT, "outcome note"),
    TextLimit("appeal_objects", "withdrawn_reason", SHORT_TEXT, "reason"),
    TextLimit("tips", "channel", 50, "channel"),
    TextLimit("tips", "source", 300, "source"),
    TextLimit("tips", "text", LONG_TEXT, "tip text"),
    TextLimit("tips", "suggested_place", 200, "suggested country or place"),
    TextLimit("tip_contacts", "contact", 500, "contact"),
)
#: Every limit the current schema holds.
ALL_TEXT_LIMITS = TEXT_LIMITS + APPEAL_TEXT_LIMITS

_BY_COLUMN = {(limit.table, limit.column): limit for limit in ALL_TEXT_LIMITS}
_BY_CONSTRAINT = {limit.full_name: limit for limit in ALL_TEXT_LIMITS}

#: Free text that lives only in the event log (a force-release reason, a proposal note).
EVENT_TEXT_LIMIT = SHORT_TEXT


def limit_of(table: str, column: str) -> TextLimit:
    return _BY_COLUMN[(table, column)]


def limit_named(constraint: str) -> TextLimit | None:
    """The limit behind a CHECK constraint name, as the database reports it."""
    return _BY_CONSTRAINT.get(constraint)


def limits_of(table: str) -> tuple[TextLimit, ...]:
    return tuple(limit for limit in ALL_TEXT_LIMITS if limit.table == table)


def too_long(field: str, max_chars: int) -> InvalidInput:
    return InvalidInput(field, f"is longer than {max_chars:,} characters")


def has_nul(field: str) -> InvalidInput:
    return InvalidInput(field, "must not contain a NUL character (\\0)")


def check_text(field: str, value: str | None, max_chars: int) -> str | None:
    """`value` unchanged if it fits; InvalidInput naming `field` if too long or holding NUL."""
    if value is None:
        return None
    if "\x00" in value:
        raise has_nul(field)
    if len(value) > max_chars:
        raise too_long(field, max_chars)
    return value


def checked(table: str, column: str, value: str | None) -> str | None:
    """`check_text` with the limit of one column (`checked("comments", "body", text)`)."""
    limit = _BY_COLUMN[(table, column)]
    return check_text(limit.field, value, limit.max_chars)


def checked_id(kind: str, value: object, *, maximum: int = MAX_ID) -> int:
    """A row id a person typed: a whole number the database can hold, else one sentence.

    Ids beyond the column's range cannot exist, so they read as "No clue N exists." (the same
    sentence as any other unknown id); non-integers are invalid input."""
    from vidtask.domain.errors import NotFound

    if isinstance(value, bool) or not isinstance(value, int):
        try:
            value = int(str(value).strip())
        except ValueError:
            raise InvalidInput(f"{kind} id", f"{str(value)[:40]!r} is not a number") from None
    if not 1 <= value <= maximum:
        raise NotFound(kind, value)
    return value


def checked_int(field: str, value: object, low: int, high: int) -> int:
    """A whole number a person typed, within [low, high], else one sentence naming the field."""
    if isinstance(value, bool) or not isinstance(value, int):
        try:
            value = int(str(value).strip())
        except ValueError:
            raise InvalidInput(field, f"{str(value)[:40]!r} is not a whole number") from None
    if not low <= value <= high:
        raise InvalidInput(field, f"must be between {low:,} and {high:,}")
    return value
