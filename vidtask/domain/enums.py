"""Enumerations of the taskforce's vocabulary: statuses, roles, categories, codes.

Stored in the database as their string values so that rows stay readable in psql/sqlite3.
"""

from __future__ import annotations

from enum import IntEnum, StrEnum


class Role(StrEnum):
    SPECIALIST = "specialist"
    COORDINATOR = "coordinator"
    ADMIN = "admin"


class SeriesStatus(StrEnum):
    NEW = "new"
    CLAIMED = "claimed"
    IN_ASSESSMENT = "in_assessment"
    PROPOSED = "proposed"
    CONFIRMED = "confirmed"
    NOTIFIED = "notified"
    ELIMINATED = "eliminated"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ")


#: Statuses in which a specialist may take a series to work on it.
CLAIMABLE_STATUSES: frozenset[SeriesStatus] = frozenset(
    {SeriesStatus.NEW, SeriesStatus.CLAIMED, SeriesStatus.IN_ASSESSMENT}
)


class Priority(IntEnum):
    """Lower number sorts first: urgent work rises to the top of the board."""

    URGENT = 1
    HIGH = 2
    NORMAL = 3
    LOW = 4

    @property
    def label(self) -> str:
        return self.name.lower()


class ClueCategory(StrEnum):
    PRODUCT = "product"
    PACKAGING = "packaging"
    TEXT = "text"
    ELECTRICAL = "electrical"
    ARCHITECTURE = "architecture"
    BUILDING_MATERIAL = "building_material"
    FLORA_FAUNA = "flora_fauna"
    WEATHER_DAYLIGHT = "weather_daylight"
    VEHICLE = "vehicle"
    TV_RADIO = "tv_radio"
    CURRENCY = "currency"
    CLOTHING = "clothing"
    FURNITURE = "furniture"
    WALLPAPER = "wallpaper"
    TOY = "toy"
    SHOP_FLYER = "shop_flyer"
    OTHER = "other"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").replace("flora fauna", "flora and fauna").capitalize()


class ClueConfidence(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


class StructuredKind(StrEnum):
    """What a clue's `value` means, so that reference data can narrow countries from it."""

    NONE = "none"
    LANGUAGE = "language"
    SCRIPT = "script"
    CURRENCY = "currency"
    SOCKET = "socket"
    DRIVING_SIDE = "driving_side"


class HandlingCode(StrEnum):
    """Europol SIENA handling codes (domain.md §5)."""

    H0 = "H0"
    H1 = "H1"
    H2 = "H2"
    H3 = "H3"

    @property
    def meaning(self) -> str:
        return {
            "H0": "Law-enforcement use only",
            "H1": "Not for use in court without permission of the originator",
            "H2": "No further dissemination without permission of the originator",
            "H3": "Other restrictions apply",
        }[self.value]


class VictimSex(StrEnum):
    FEMALE = "female"
    MALE = "male"
    UNKNOWN = "unknown"


class AgeBand(StrEnum):
    A0_2 = "0-2"
    A3_6 = "3-6"
    A7_10 = "7-10"
    A11_13 = "11-13"
    A14_15 = "14-15"
    A16_17 = "16-17"


class PacketStatus(StrEnum):
    GENERATED = "generated"
    SENT = "sent"
    ACKNOWLEDGED = "acknowledged"
    SUPERSEDED = "superseded"


class AppealStatus(StrEnum):
    """A Trace-an-Object crop: drafted, approved by a second coordinator, public, taken down."""

    DRAFT = "draft"
    APPROVED = "approved"
    PUBLISHED = "published"
    WITHDRAWN = "withdrawn"


class AppealOutcome(StrEnum):
    """What the public's tips came to (domain.md §4: 70 identified, 45 too widespread …)."""

    IDENTIFIED = "identified"  # with the country it was traced to
    TOO_WIDESPREAD = "too_widespread"
    NO_RESULT = "no_result"


class TipStatus(StrEnum):
    """A tip's triage: new → relevant / not relevant / duplicate → developed → disseminated."""

    NEW = "new"
    RELEVANT = "relevant"
    NOT_RELEVANT = "not_relevant"
    DUPLICATE = "duplicate"
    DEVELOPED = "developed"
    DISSEMINATED = "disseminated"
