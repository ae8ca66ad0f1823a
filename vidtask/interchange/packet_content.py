"""What one country's notification packet says, as plain frozen values (domain.md §5).

Services fill these from the database; the JSON, PDF and hash-annex writers only read them, so
every file of a packet is built from the same facts and nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from vidtask.interchange.packet_signing import PublicKeyInfo


@dataclass(frozen=True, slots=True)
class ContactBlock:
    """Who issues the packet: the sprint's issuer settings."""

    issuing_unit: str
    name: str
    email: str
    phone: str
    organiser: str = ""  # whose taskforce this is ("Europol", a national centre …)


@dataclass(frozen=True, slots=True)
class PacketPerson:
    """Someone named in an audit block: only people who worked on the packet's series."""

    name: str
    agency: str


@dataclass(frozen=True, slots=True)
class AuditStep:
    step: str  # claimed | assessed | clues recorded | proposed | confirmed
    who: PacketPerson
    when: datetime | None
    #: The database login that entered the step for `who` (the maintenance login acting with
    #: `--as`); None when `who` did it under their own login (or on SQLite).
    entered_by: str | None = None

    @property
    def who_text(self) -> str:
        """'Kim Meyer', or 'Kim Meyer (entered by postgres)'."""
        return f"{self.who.name} (entered by {self.entered_by})" if self.entered_by \
            else self.who.name


@dataclass(frozen=True, slots=True)
class PacketCandidate:
    rank: int
    country: str
    country_name: str
    confidence: int
    rationale: str
    confirmed: bool


@dataclass(frozen=True, slots=True)
class PacketClue:
    """One clue as the recipient reads it: its value in words and its effect on their country."""

    reference: str  # "CL-<id>": quotable in feedback and questions
    category: str  # stored code ("tv_radio")
    category_words: str  # "TV or radio"
    description: str
    kind: str  # structured kind code ("language", "none" …)
    value: str | None  # structured value as recorded ("de", "F", "BRL")
    value_words: str  # "Language of visible text: German (de)"; "" for a free clue
    confidence: str
    supports: tuple[str, ...]  # countries the clue names explicitly
    excludes: tuple[str, ...]
    effect: str  # for the recipient country: "supports" | "excludes" | "neutral"
    effect_reasons: tuple[str, ...]  # the narrowing model's sentences for that country
    evidence_md5: str | None
    evidence_time: str
    evidence_region: str
    handling: str


#: Clue effects in the order packets list them.
EFFECTS = ("supports", "excludes", "neutral")


@dataclass(frozen=True, slots=True)
class PacketMedia:
    md5: str | None  # None for a SHA1-only media (issue 14)
    sha1: str | None
    sha256: str | None
    size_bytes: int | None
    mime_type: str | None
    category_code: int | None
    category_scheme: str | None
    victim_identified: bool | None
    offender_identified: bool | None
    is_distributed: bool | None
    photodna: str | None = None  # as stored: base64, or as written if an import warned


@dataclass(frozen=True, slots=True)
class PacketAppeal:
    object_code: str
    object_type: str
    question: str
    status: str
    tips_received: int
    tips_verified: int


@dataclass(frozen=True, slots=True)
class PacketSeries:
    code: str
    alias: str
    icse_id: str | None
    ncmec_name: str | None
    vics_name: str | None
    priority: int
    handling: str
    victim_sex: str
    victim_age_band: str | None
    production_period: str
    in_icse: bool
    media: tuple[PacketMedia, ...]
    candidates: tuple[PacketCandidate, ...]
    clues: tuple[PacketClue, ...]  # every clue released: supporting, excluding, then neutral
    withheld_clues: int  # H2 clues left out (no override)
    appeals: tuple[PacketAppeal, ...]
    audit: tuple[AuditStep, ...]

    @property
    def media_counts(self) -> dict[str, int]:
        counts = {"images": 0, "videos": 0, "other": 0}
        for media in self.media:
            kind = (media.mime_type or "").split("/")[0]
            counts["images" if kind == "image" else "videos" if kind == "video" else "other"] += 1
        return counts

    @property
    def excluded_countries(self) -> tuple[str, ...]:
        """Countries some clue excludes by name (structured values exclude many more)."""
        return tuple(sorted({c for clue in self.clues for c in clue.excludes}))

    def clues_with(self, effect: str) -> tuple[PacketClue, ...]:
        return tuple(c for c in self.clues if c.effect == effect)


@dataclass(frozen=True, slots=True)
class PacketHeader:
    packet_code: str
    packet_version: int
    sprint: str
    sprint_starts_on: date
    sprint_ends_on: date
    country: str
    country_name: str
    recipient_authority: str
    contact: ContactBlock
    generated_at: datetime
    approved_by: PacketPerson
    handling: str
    handling_meaning: str
    evaluation: str
    priority: int
    changes: str
    signing_key: PublicKeyInfo


@dataclass(frozen=True, slots=True)
class PacketContent:
    header: PacketHeader
    series: tuple[PacketSeries, ...] = field(default_factory=tuple)
