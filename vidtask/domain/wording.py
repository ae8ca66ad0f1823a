"""Human words for what the app stores as codes: statuses, roles, clue categories, event actions.

Every status, category and event shown to a person (window, CLI text output, PDF) goes through
these functions; JSON output keeps the stored codes. A code without a label here is a bug:
`tests/domain/test_wording.py` checks that every enum value and every action a service
emits has one.
"""

from __future__ import annotations

import re

from vidtask.domain.enums import (
    AppealOutcome,
    AppealStatus,
    ClueCategory,
    ClueConfidence,
    PacketStatus,
    Role,
    SeriesStatus,
    StructuredKind,
    TipStatus,
)

SERIES_STATUS: dict[str, str] = {
    SeriesStatus.NEW: "unclaimed",
    SeriesStatus.CLAIMED: "claimed",
    SeriesStatus.IN_ASSESSMENT: "being assessed",
    SeriesStatus.PROPOSED: "awaiting review",
    SeriesStatus.CONFIRMED: "confirmed",
    SeriesStatus.NOTIFIED: "country notified",
    SeriesStatus.ELIMINATED: "eliminated (too widespread)",
}

ROLE: dict[str, str] = {
    Role.SPECIALIST: "specialist",
    Role.COORDINATOR: "coordinator",
    Role.ADMIN: "administrator",
}

CLUE_CATEGORY: dict[str, str] = {
    ClueCategory.PRODUCT: "Product or brand",
    ClueCategory.PACKAGING: "Packaging",
    ClueCategory.TEXT: "Text and language",
    ClueCategory.ELECTRICAL: "Electrical socket or switch",
    ClueCategory.ARCHITECTURE: "Architecture",
    ClueCategory.BUILDING_MATERIAL: "Building material",
    ClueCategory.FLORA_FAUNA: "Flora and fauna",
    ClueCategory.WEATHER_DAYLIGHT: "Weather and daylight",
    ClueCategory.VEHICLE: "Vehicle or licence plate",
    ClueCategory.TV_RADIO: "TV or radio",
    ClueCategory.CURRENCY: "Currency",
    ClueCategory.CLOTHING: "Clothing or uniform",
    ClueCategory.FURNITURE: "Furniture",
    ClueCategory.WALLPAPER: "Wallpaper",
    ClueCategory.TOY: "Toy",
    ClueCategory.SHOP_FLYER: "Shop flyer",
    ClueCategory.OTHER: "Other",
}

STRUCTURED_KIND: dict[str, str] = {
    StructuredKind.NONE: "no structured value",
    StructuredKind.LANGUAGE: "Language of visible text",
    StructuredKind.SCRIPT: "Writing system",
    StructuredKind.CURRENCY: "Currency",
    StructuredKind.SOCKET: "Socket",
    StructuredKind.DRIVING_SIDE: "Driving side",
}

#: Everyday names of the IEC socket letters (IEC "World Plugs"), for "Socket: type F (Schuko)".
SOCKET_NAME: dict[str, str] = {
    "A": "North American, two flat pins", "B": "North American, earthed",
    "C": "Europlug", "D": "old British, three round pins", "E": "French, earth pin",
    "F": "Schuko", "G": "British", "H": "Israeli", "I": "Australian", "J": "Swiss",
    "K": "Danish", "L": "Italian", "M": "South African", "N": "Brazilian", "O": "Thai",
}

DRIVING_SIDE: dict[str, str] = {"left": "left-hand traffic", "right": "right-hand traffic"}

#: A clue's effect on one country, as the narrowing model computes it.
CLUE_EFFECT: dict[str, str] = {
    "supports": "supports", "excludes": "excludes", "neutral": "neutral",
}

CONFIDENCE: dict[str, str] = {
    ClueConfidence.LOW: "low confidence",
    ClueConfidence.MEDIUM: "medium confidence",
    ClueConfidence.HIGH: "high confidence",
}

PACKET_STATUS: dict[str, str] = {
    PacketStatus.GENERATED: "generated",
    PacketStatus.SENT: "sent",
    PacketStatus.ACKNOWLEDGED: "acknowledged",
    PacketStatus.SUPERSEDED: "superseded by a newer version",
}

APPEAL_STATUS: dict[str, str] = {
    AppealStatus.DRAFT: "draft",
    AppealStatus.APPROVED: "approved, not yet public",
    AppealStatus.PUBLISHED: "published",
    AppealStatus.WITHDRAWN: "withdrawn",
}

APPEAL_OUTCOME: dict[str, str] = {
    AppealOutcome.IDENTIFIED: "country identified",
    AppealOutcome.TOO_WIDESPREAD: "too widespread",
    AppealOutcome.NO_RESULT: "no result",
}

TIP_STATUS: dict[str, str] = {
    TipStatus.NEW: "new",
    TipStatus.RELEVANT: "relevant",
    TipStatus.NOT_RELEVANT: "not relevant",
    TipStatus.DUPLICATE: "duplicate",
    TipStatus.DEVELOPED: "developed",
    TipStatus.DISSEMINATED: "disseminated",
}

#: Event log actions as a person reads them in a timeline ("Anna claimed the series").
EVENT_ACTION: dict[str, str] = {
    "claim.taken": "claimed the series",
    "claim.renewed": "extended the lease",
    "claim.released": "released the series",
    "claim.force_released": "force-released the claim",
    "claim.expired": "lease expired",
    "clue.added": "added a clue",
    "clue.edited": "edited a clue",
    "clue.deleted": "deleted a clue",
    "comment.added": "commented",
    "assessment.ranked": "ranked candidate countries",
    "series.created": "created the series",
    "series.updated": "edited the series details",
    "series.linked": "linked the series to another series",
    "series.media_imported": "imported media",
    "series.proposed": "proposed the assessment for review",
    "series.confirmed": "confirmed the likely country",
    "series.sent_back": "sent the series back",
    "series.eliminated": "eliminated the series (too widespread)",
    "series.notified": "notified the country",
    "packet.generated": "exported a country packet",
    "packet.reexported": "exported a new packet version",
    "handling.overridden": "overrode a handling restriction",
    "feedback.recorded": "recorded a country's feedback",
    "intake.imported": "imported a file",
    "media.updated": "added facts from a re-imported file to known media",
    "sprint.created": "created the sprint",
    "sprint.edited": "changed the sprint's issuer settings",
    "sprint.signing_key_replaced": "replaced the sprint's packet-signing key",
    "participant.added": "added a participant",
    "roles.initialised": "set up the database roles",
    "appeal.created": "drafted a public appeal object",
    "appeal.approved": "approved a public appeal object (four-eyes)",
    "appeal.published": "published a public appeal object",
    "appeal.withdrawn": "withdrew a public appeal object",
    "appeal.outcome_recorded": "recorded what a public appeal came to",
    "appeal.site_written": "wrote the public appeal pages",
    "tips.imported": "imported a file of public tips",
    "tip.recorded": "recorded a tip taken by phone or mail",
    "tip.triaged": "triaged a public tip",
    "tip.clue_made": "made a clue from a public tip",
}


def _lookup(table: dict[str, str], code: str | None) -> str:
    if code is None:
        return ""
    return table.get(code, code.replace("_", " "))


def series_status(code: str) -> str:
    return _lookup(SERIES_STATUS, code)


def role(code: str) -> str:
    return _lookup(ROLE, code)


def clue_category(code: str) -> str:
    return _lookup(CLUE_CATEGORY, code)


def structured_kind(code: str | None) -> str:
    return _lookup(STRUCTURED_KIND, code)


def clue_value(kind: str | None, value: str | None) -> str:
    """A structured clue value in words: 'Language of visible text: German (de)',
    'Socket: type F (Schuko)', 'Currency: Brazilian real (BRL)'; '' for a free clue."""
    if not kind or kind == StructuredKind.NONE or not value or not value.strip():
        return ""
    from vidtask.domain import countries

    text = value.strip()
    if kind == StructuredKind.LANGUAGE:
        words = f"{countries.language_name(text)} ({text})"
    elif kind == StructuredKind.SCRIPT:
        words = f"{countries.script_name(text)} ({text.title()})"
    elif kind == StructuredKind.CURRENCY:
        words = f"{_unit_words(countries.currency_name(text))} ({text.upper()})"
    elif kind == StructuredKind.SOCKET:
        letter = text.upper()
        name = SOCKET_NAME.get(letter)
        words = f"type {letter} ({name})" if name else f"type {letter}"
    elif kind == StructuredKind.DRIVING_SIDE:
        words = DRIVING_SIDE.get(text.lower(), text)
    else:
        words = text
    return f"{structured_kind(kind)}: {words}"


def _unit_words(name: str) -> str:
    """CLDR's 'Brazilian Real' as English writes it: 'Brazilian real' (not 'US Dollar')."""
    first, *rest = name.split(" ")
    return " ".join([first, *(w.lower() if w[:1].isupper() and w[1:].islower() else w
                              for w in rest)])


def clue_effect(code: str) -> str:
    return _lookup(CLUE_EFFECT, code)


def confidence(code: str) -> str:
    return _lookup(CONFIDENCE, code)


def packet_status(code: str) -> str:
    return _lookup(PACKET_STATUS, code)


def appeal_status(code: str) -> str:
    return _lookup(APPEAL_STATUS, code)


def tip_status(code: str) -> str:
    return _lookup(TIP_STATUS, code)


def appeal_outcome(code: str | None, country: str | None = None) -> str:
    """'country identified (DE Germany)', 'too widespread', or '' before any outcome."""
    words = _lookup(APPEAL_OUTCOME, code)
    if code == AppealOutcome.IDENTIFIED and country:
        from vidtask.domain.countries_basic import country_label

        return f"{words} ({country} {country_label(country)})"
    return words


def counted(number: int, one: str, many: str) -> str:
    """'1 tip', '2 tips', '1,204 tips'."""
    return f"{number:,} {one if number == 1 else many}"


def event_action(action: str) -> str:
    """'claim.taken' → 'claimed the series'; an unknown action reads as its words."""
    return EVENT_ACTION.get(action, action.replace(".", " ").replace("_", " "))


_REGION_BOX = re.compile(r"^\s*(\d+)\s*,\s*(\d+)\s*,\s*(\d+)\s*,\s*(\d+)\s*$")


def evidence_region(text: str | None) -> str:
    """Where in the image a clue is: 'region 120 × 80 px at (177, 552)' for the "x,y,w,h" the
    clue editor asks for; any other description as 'region top left'; '' for none."""
    if not text or not text.strip():
        return ""
    box = _REGION_BOX.match(text)
    if box is None:
        return f"region {text.strip()}"
    x, y, width, height = box.groups()
    return f"region {width} × {height} px at ({x}, {y})"
