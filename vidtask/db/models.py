"""SQLAlchemy models: the shared database every desktop meets in.

Rows users edit carry a `version` column (`version_id_col`) so stale saves are refused.
Bulk UPDATEs (claims) bump and check `version` themselves.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from vidtask.db.types import JsonDoc, UtcDateTime
from vidtask.domain.limits import limits_of

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def length_checks(table: str) -> tuple[CheckConstraint, ...]:
    """CHECK constraints for the text limits of `table` (vidtask.domain.limits; migration 0003)."""
    return tuple(CheckConstraint(limit.condition, name=limit.constraint)
                 for limit in limits_of(table))


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {datetime: UtcDateTime, dict[str, Any]: JsonDoc, list[str]: JsonDoc}


class ChangeCounter(Base):
    """One row, bumped by every write transaction: its row lock makes versions commit-ordered."""

    __tablename__ = "change_counter"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)


class Sprint(Base):
    __tablename__ = "sprints"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    lease_minutes: Mapped[int] = mapped_column(Integer, default=120)
    default_handling: Mapped[str] = mapped_column(String(2), default="H0")
    issuing_unit: Mapped[str] = mapped_column(String(200), default="")
    contact_name: Mapped[str] = mapped_column(String(200), default="")
    contact_email: Mapped[str] = mapped_column(String(200), default="")
    contact_phone: Mapped[str] = mapped_column(String(100), default="")
    organiser: Mapped[str] = mapped_column(String(200), default="", server_default="")
    #: base64 of the raw Ed25519 public key that signs the sprint's packets (readable by all)
    signing_public_key: Mapped[str] = mapped_column(String(64), default="", server_default="")
    created_at: Mapped[datetime]
    __table_args__ = length_checks("sprints")


class SprintSigningKey(Base):
    """The private half of a sprint's packet-signing key (migration 0006; docs/security.md).

    PostgreSQL: row-level security shows the row to coordinators and admins only.
    """

    __tablename__ = "sprint_signing_keys"
    sprint_id: Mapped[int] = mapped_column(ForeignKey("sprints.id", ondelete="CASCADE"),
                                           primary_key=True)
    algorithm: Mapped[str] = mapped_column(String(20), default="Ed25519")
    private_key: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]


class Participant(Base):
    __tablename__ = "participants"
    id: Mapped[int] = mapped_column(primary_key=True)
    login: Mapped[str] = mapped_column(String(63), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    agency: Mapped[str] = mapped_column(String(200), default="")
    country: Mapped[str | None] = mapped_column(String(2))
    languages: Mapped[list[str]] = mapped_column(default=list)
    role: Mapped[str] = mapped_column(String(20))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime]
    __table_args__ = (
        CheckConstraint("role IN ('specialist','coordinator','admin')", name="role"),
        *length_checks("participants"),
    )


class Series(Base):
    __tablename__ = "series"
    id: Mapped[int] = mapped_column(primary_key=True)
    sprint_id: Mapped[int] = mapped_column(ForeignKey("sprints.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(100))
    alias: Mapped[str] = mapped_column(String(200), default="")
    icse_id: Mapped[str | None] = mapped_column(String(100))
    ncmec_name: Mapped[str | None] = mapped_column(String(200))
    vics_name: Mapped[str | None] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(20), default="new")
    priority: Mapped[int] = mapped_column(Integer, default=3)
    handling: Mapped[str] = mapped_column(String(2), default="H0")
    victim_sex: Mapped[str] = mapped_column(String(10), default="unknown")
    victim_age_band: Mapped[str | None] = mapped_column(String(5))
    production_period: Mapped[str] = mapped_column(String(100), default="")
    in_icse: Mapped[bool] = mapped_column(Boolean, default=False)
    notes: Mapped[str] = mapped_column(Text, default="")
    claimed_by_id: Mapped[int | None] = mapped_column(ForeignKey("participants.id"))
    claimed_at: Mapped[datetime | None]
    claim_expires_at: Mapped[datetime | None]
    proposed_by_id: Mapped[int | None] = mapped_column(ForeignKey("participants.id"))
    proposed_at: Mapped[datetime | None]
    outcome_reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    version: Mapped[int] = mapped_column(Integer, nullable=False)

    claimed_by: Mapped[Participant | None] = relationship(foreign_keys=[claimed_by_id])
    proposed_by: Mapped[Participant | None] = relationship(foreign_keys=[proposed_by_id])
    sprint: Mapped[Sprint] = relationship()

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        UniqueConstraint("sprint_id", "code", name="uq_series_sprint_code"),
        Index("ix_series_sprint_status", "sprint_id", "status"),
        Index("ix_series_claimed_by", "claimed_by_id"),
        CheckConstraint(
            "status IN ('new','claimed','in_assessment','proposed','confirmed','notified',"
            "'eliminated')",
            name="status",
        ),
        CheckConstraint("handling IN ('H0','H1','H2','H3')", name="handling"),
        *length_checks("series"),
    )


class IntakeCase(Base):
    """The header of one VICS case an import read, given back by ``#Cases`` exports."""

    __tablename__ = "intake_cases"
    id: Mapped[int] = mapped_column(primary_key=True)
    sprint_id: Mapped[int] = mapped_column(ForeignKey("sprints.id", ondelete="CASCADE"),
                                           index=True)
    format: Mapped[str] = mapped_column(String(20))
    case_id: Mapped[str | None] = mapped_column(String(200))
    case_number: Mapped[str | None] = mapped_column(String(200))
    contact_organization: Mapped[str | None] = mapped_column(String(200))
    contact_name: Mapped[str | None] = mapped_column(String(200))
    contact_phone: Mapped[str | None] = mapped_column(String(100))
    contact_email: Mapped[str | None] = mapped_column(String(200))
    contact_title: Mapped[str | None] = mapped_column(String(200))
    seizure_date: Mapped[str | None] = mapped_column(String(50))
    source_application_name: Mapped[str | None] = mapped_column(String(200))
    source_application_version: Mapped[str | None] = mapped_column(String(100))
    extra: Mapped[dict[str, Any]] = mapped_column(default=dict)


class Media(Base):
    """A media item of a series, known by MD5 (else, for SHA1-only sources, by SHA-1)."""

    __tablename__ = "media"
    id: Mapped[int] = mapped_column(primary_key=True)
    series_id: Mapped[int] = mapped_column(ForeignKey("series.id", ondelete="CASCADE"))
    md5: Mapped[str | None] = mapped_column(String(32))
    sha1: Mapped[str | None] = mapped_column(String(40))
    sha256: Mapped[str | None] = mapped_column(String(64))
    pdq: Mapped[str | None] = mapped_column(String(64))
    pdq_quality: Mapped[int | None] = mapped_column(Integer)
    size_bytes: Mapped[int | None] = mapped_column(BigInteger)
    mime_type: Mapped[str | None] = mapped_column(String(100))
    category_code: Mapped[int | None] = mapped_column(Integer)
    category_scheme: Mapped[str | None] = mapped_column(String(20))
    victim_identified: Mapped[bool | None] = mapped_column(Boolean)
    offender_identified: Mapped[bool | None] = mapped_column(Boolean)
    is_distributed: Mapped[bool | None] = mapped_column(Boolean)
    vics_media_id: Mapped[str | None] = mapped_column(String(100))  # the source file's MediaID
    extra: Mapped[dict[str, Any]] = mapped_column(default=dict)
    # where the row came from, in our keys; never written as VICS keys (docs/interchange.md)
    provenance: Mapped[dict[str, Any]] = mapped_column(default=dict, server_default="{}")
    intake_case_id: Mapped[int | None] = mapped_column(
        ForeignKey("intake_cases.id", ondelete="SET NULL"))
    __table_args__ = (
        UniqueConstraint("series_id", "md5", name="uq_media_series_md5"),
        Index("ix_media_md5", "md5"),
        Index("uq_media_series_sha1_without_md5", "series_id", "sha1", unique=True,
              sqlite_where=text("md5 IS NULL"), postgresql_where=text("md5 IS NULL")),
        CheckConstraint("md5 IS NOT NULL OR sha1 IS NOT NULL", name="a_hash"),
    )


class SeriesLink(Base):
    """Two series sharing a media hash: a lead for a human, never an automatic merge."""

    __tablename__ = "series_links"
    id: Mapped[int] = mapped_column(primary_key=True)
    series_a_id: Mapped[int] = mapped_column(ForeignKey("series.id", ondelete="CASCADE"))
    series_b_id: Mapped[int] = mapped_column(ForeignKey("series.id", ondelete="CASCADE"))
    reason: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime]
    __table_args__ = (UniqueConstraint("series_a_id", "series_b_id", name="uq_series_links_pair"),
                      *length_checks("series_links"))


class Clue(Base):
    __tablename__ = "clues"
    id: Mapped[int] = mapped_column(primary_key=True)
    series_id: Mapped[int] = mapped_column(ForeignKey("series.id", ondelete="CASCADE"), index=True)
    category: Mapped[str] = mapped_column(String(30))
    description: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(20), default="none")
    value: Mapped[str | None] = mapped_column(String(50))
    evidence_md5: Mapped[str | None] = mapped_column(String(32))
    evidence_time: Mapped[str] = mapped_column(String(50), default="")
    evidence_region: Mapped[str] = mapped_column(String(100), default="")
    confidence: Mapped[str] = mapped_column(String(10), default="medium")
    supports: Mapped[list[str]] = mapped_column(default=list)
    excludes: Mapped[list[str]] = mapped_column(default=list)
    handling: Mapped[str] = mapped_column(String(2), default="H0")
    author_id: Mapped[int] = mapped_column(ForeignKey("participants.id"))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    updated_by_id: Mapped[int] = mapped_column(ForeignKey("participants.id"))
    version: Mapped[int] = mapped_column(Integer, nullable=False)

    author: Mapped[Participant] = relationship(foreign_keys=[author_id])
    updated_by: Mapped[Participant] = relationship(foreign_keys=[updated_by_id])
    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        CheckConstraint("confidence IN ('low','medium','high')", name="confidence"),
        CheckConstraint("handling IN ('H0','H1','H2','H3')", name="handling"),
        *length_checks("clues"),
    )


class CountryAssessment(Base):
    """One ranked candidate country for a series."""

    __tablename__ = "country_assessments"
    id: Mapped[int] = mapped_column(primary_key=True)
    series_id: Mapped[int] = mapped_column(ForeignKey("series.id", ondelete="CASCADE"), index=True)
    country: Mapped[str] = mapped_column(String(2))
    rank: Mapped[int] = mapped_column(Integer)
    confidence: Mapped[int] = mapped_column(Integer)
    rationale: Mapped[str] = mapped_column(Text, default="")
    author_id: Mapped[int] = mapped_column(ForeignKey("participants.id"))
    confirmed: Mapped[bool] = mapped_column(Boolean, default=False)
    confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("participants.id"))
    confirmed_at: Mapped[datetime | None]
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    version: Mapped[int] = mapped_column(Integer, nullable=False)

    author: Mapped[Participant] = relationship(foreign_keys=[author_id])
    confirmed_by: Mapped[Participant | None] = relationship(foreign_keys=[confirmed_by_id])
    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        UniqueConstraint("series_id", "country", name="uq_country_assessments_series_country"),
        CheckConstraint("confidence BETWEEN 0 AND 100", name="confidence"),
        Index("ix_country_assessments_country", "country"),
        *length_checks("country_assessments"),
    )


class Comment(Base):
    __tablename__ = "comments"
    id: Mapped[int] = mapped_column(primary_key=True)
    series_id: Mapped[int] = mapped_column(ForeignKey("series.id", ondelete="CASCADE"), index=True)
    clue_id: Mapped[int | None] = mapped_column(ForeignKey("clues.id", ondelete="SET NULL"))
    author_id: Mapped[int] = mapped_column(ForeignKey("participants.id"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]
    author: Mapped[Participant] = relationship()
    __table_args__ = length_checks("comments")


class Event(Base):
    """Append-only log: audit trail, series timeline and change feed in one."""

    __tablename__ = "events"
    version: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    occurred_at: Mapped[datetime]
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("participants.id"))
    actor_login: Mapped[str] = mapped_column(String(63))
    #: The database login that really wrote the event (`session_user`, set by the database on
    #: PostgreSQL): the maintenance login acting `--as bruno` shows here. NULL on SQLite.
    db_login: Mapped[str | None] = mapped_column(String(63))
    action: Mapped[str] = mapped_column(String(50))
    entity_type: Mapped[str] = mapped_column(String(30))
    entity_id: Mapped[int | None] = mapped_column(BigInteger)
    series_id: Mapped[int | None] = mapped_column(BigInteger, index=True)
    sprint_id: Mapped[int | None] = mapped_column(Integer)
    before: Mapped[dict[str, Any] | None] = mapped_column(JsonDoc)
    after: Mapped[dict[str, Any] | None] = mapped_column(JsonDoc)


class Packet(Base):
    __tablename__ = "packets"
    id: Mapped[int] = mapped_column(primary_key=True)
    packet_code: Mapped[str] = mapped_column(String(100), unique=True)
    sprint_id: Mapped[int] = mapped_column(ForeignKey("sprints.id", ondelete="CASCADE"))
    country: Mapped[str] = mapped_column(String(2))
    packet_version: Mapped[int] = mapped_column(Integer)
    handling: Mapped[str] = mapped_column(String(2))
    generated_at: Mapped[datetime]
    generated_by_id: Mapped[int] = mapped_column(ForeignKey("participants.id"))
    file_name: Mapped[str] = mapped_column(String(300))
    file_sha256: Mapped[str] = mapped_column(String(64))
    content_sha256: Mapped[str] = mapped_column(String(64))
    series_ids: Mapped[list[int]] = mapped_column(JsonDoc, default=list)
    changes: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default="generated")
    __table_args__ = (Index("ix_packets_country", "sprint_id", "country"),)


class CountryFeedback(Base):
    """What a receiving country reported back about a series, after dissemination."""

    __tablename__ = "country_feedback"
    id: Mapped[int] = mapped_column(primary_key=True)
    series_id: Mapped[int] = mapped_column(ForeignKey("series.id", ondelete="CASCADE"), index=True)
    country: Mapped[str] = mapped_column(String(2))
    packet_code: Mapped[str | None] = mapped_column(String(100))
    victim_identified: Mapped[bool | None] = mapped_column(Boolean)
    victim_safeguarded: Mapped[bool | None] = mapped_column(Boolean)
    offender_identified: Mapped[bool | None] = mapped_column(Boolean)
    icse_updated: Mapped[bool | None] = mapped_column(Boolean)
    reported_on: Mapped[date | None] = mapped_column(Date)
    text: Mapped[str] = mapped_column(Text, default="")
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("participants.id"))
    created_at: Mapped[datetime]
    __table_args__ = length_checks("country_feedback")


class AppealObject(Base):
    """A publishable, sanitised crop of an object from a series, for the public 'Trace an
    Object' appeal (migration 0007). The crop is re-encoded without any metadata; the original
    file is never stored. Approval is four-eyes: the CHECK holds on both backends, and on
    PostgreSQL a trigger stamps the approver from the session's login.
    """

    __tablename__ = "appeal_objects"
    id: Mapped[int] = mapped_column(primary_key=True)
    series_id: Mapped[int] = mapped_column(ForeignKey("series.id", ondelete="CASCADE"),
                                           index=True)
    clue_id: Mapped[int | None] = mapped_column(ForeignKey("clues.id", ondelete="SET NULL"))
    public_id: Mapped[str] = mapped_column(String(20), unique=True)
    object_type: Mapped[str] = mapped_column(String(100))
    question: Mapped[str] = mapped_column(Text)
    region_hint: Mapped[str] = mapped_column(String(200), default="")
    crop_image: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    crop_mime: Mapped[str] = mapped_column(String(20))
    crop_width: Mapped[int] = mapped_column(Integer)
    crop_height: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(20), default="draft")
    outcome: Mapped[str | None] = mapped_column(String(20))
    outcome_country: Mapped[str | None] = mapped_column(String(2))
    outcome_note: Mapped[str] = mapped_column(Text, default="")
    withdrawn_reason: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int] = mapped_column(ForeignKey("participants.id"))
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("participants.id"))
    approved_at: Mapped[datetime | None]
    published_at: Mapped[datetime | None]
    withdrawn_at: Mapped[datetime | None]
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    version: Mapped[int] = mapped_column(Integer, nullable=False)

    series: Mapped[Series] = relationship()
    created_by: Mapped[Participant] = relationship(foreign_keys=[created_by_id])
    approved_by: Mapped[Participant | None] = relationship(foreign_keys=[approved_by_id])
    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        CheckConstraint("status IN ('draft','approved','published','withdrawn')", name="status"),
        CheckConstraint("outcome IS NULL OR outcome IN ('identified','too_widespread',"
                        "'no_result')", name="outcome"),
        CheckConstraint("coalesce(outcome = 'identified', false) = (outcome_country IS NOT NULL)",
                        name="outcome_country"),
        CheckConstraint("crop_mime IN ('image/png','image/jpeg')", name="crop_mime"),
        # four-eyes, held by the database itself: nobody approves what they drafted
        CheckConstraint("approved_by_id IS NULL OR approved_by_id <> created_by_id",
                        name="four_eyes"),
        CheckConstraint("status NOT IN ('approved','published') OR approved_by_id IS NOT NULL",
                        name="approved_before_public"),
        *length_checks("appeal_objects"),
    )


class Tip(Base):
    """One tip from the public about an appeal object, with its provenance and triage.

    Tips with the same object and normalised text share `text_key` (a duplicate group);
    `fingerprint` makes re-importing a file add nothing. Contact details are not here but in
    `tip_contacts`, which only coordinators may read.
    """

    __tablename__ = "tips"
    id: Mapped[int] = mapped_column(primary_key=True)
    appeal_object_id: Mapped[int] = mapped_column(
        ForeignKey("appeal_objects.id", ondelete="CASCADE"))
    received_at: Mapped[datetime]
    channel: Mapped[str] = mapped_column(String(50), default="web form")
    source: Mapped[str] = mapped_column(String(300), default="")
    text: Mapped[str] = mapped_column(Text)
    text_key: Mapped[str] = mapped_column(String(32))
    fingerprint: Mapped[str] = mapped_column(String(64), unique=True)
    suggested_place: Mapped[str] = mapped_column(String(200), default="")
    suggested_country: Mapped[str | None] = mapped_column(String(2))
    status: Mapped[str] = mapped_column(String(20), default="new")
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("participants.id"))
    triaged_by_id: Mapped[int | None] = mapped_column(ForeignKey("participants.id"))
    triaged_at: Mapped[datetime | None]
    clue_id: Mapped[int | None] = mapped_column(ForeignKey("clues.id", ondelete="SET NULL"))
    __table_args__ = (
        Index("ix_tips_object_text", "appeal_object_id", "text_key"),
        Index("ix_tips_object_status", "appeal_object_id", "status"),
        CheckConstraint("status IN ('new','relevant','not_relevant','duplicate','developed',"
                        "'disseminated')", name="status"),
        *length_checks("tips"),
    )


class TipContact(Base):
    """A tipster's contact, held apart from the tip (PostgreSQL: coordinators only)."""

    __tablename__ = "tip_contacts"
    tip_id: Mapped[int] = mapped_column(ForeignKey("tips.id", ondelete="CASCADE"),
                                        primary_key=True)
    contact: Mapped[str] = mapped_column(Text)
    __table_args__ = length_checks("tip_contacts")


class Presence(Base):
    """Heartbeat rows: who is online and which series they have open."""

    __tablename__ = "presence"
    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[str] = mapped_column(String(64), unique=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id", ondelete="CASCADE"))
    open_series_ids: Mapped[list[int]] = mapped_column(JsonDoc, default=list)
    seen_at: Mapped[datetime]
    expires_at: Mapped[datetime]
