"""Export one notification packet per country: a Packet row, an event, the signed ZIP in --out.

One transaction per packet. Series included for the first time move to `notified`. Re-exporting
unchanged content rewrites the identical file (same version, same bytes); changed content gets
the next version with a summary of what changed. H2/H3 clues stay out unless a coordinator
overrides with a reason (`services.handling`: `may_export` decides, and each series released is
logged as `handling.overridden` in the packet's transaction).

The ZIP is written to a temporary file in the folder and renamed into place only after the
packet's transaction committed: a refused or failed commit leaves no packet on disk.
Packets are refused while the sprint's issuer settings are incomplete, and signed with the
sprint's key (readable by leads only).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from vidtask.db.engine import Database
from vidtask.db.models import CountryAssessment, Event, Packet, Participant, Series, Sprint
from vidtask.domain.changes import Changes
from vidtask.domain.countries_basic import country_label, normalize_country_code
from vidtask.domain.enums import HandlingCode, SeriesStatus
from vidtask.domain.errors import InvalidInput, VidtaskError
from vidtask.domain.permissions import Action, require
from vidtask.domain.progress import Progress, ReportListener, as_progress
from vidtask.interchange.atomic_files import OutputError, StagedFile, prepare_folder
from vidtask.interchange.packet_content import (
    ContactBlock,
    PacketContent,
    PacketHeader,
    PacketPerson,
    PacketSeries,
)
from vidtask.interchange.packet_document import content_digests, part_digests
from vidtask.interchange.packet_signing import public_key_info, public_key_of
from vidtask.interchange.packets import UnsafePath, build_packet, packet_file_name, path_inside
from vidtask.services.common import load_participant, load_sprint
from vidtask.services.handling import clean_override_reason, log_handling_override
from vidtask.services.packet_content import read_packet_series, series_for_country
from vidtask.services.sprints import issuer_problem, signing_key
from vidtask.services.tx import WriteTx, write_tx

PACKET_EVENT = "packet.generated"
SENDABLE = (SeriesStatus.CONFIRMED.value, SeriesStatus.NOTIFIED.value)
DEFAULT_EVALUATION = "X3"


class OutputFolderError(VidtaskError):
    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(f"Cannot write packets to {path}: {reason}.")


@dataclass(frozen=True, slots=True)
class _Written:
    """What one packet's transaction decided to write once it has committed."""

    result: PacketResult
    target: Path | None = None
    data: bytes = b""


@dataclass(frozen=True, slots=True)
class PacketResult:
    country: str
    country_name: str
    outcome: str  # "new" | "new version" | "unchanged" | "nothing new"
    packet_code: str | None = None
    packet_version: int | None = None
    path: Path | None = None
    file_sha256: str | None = None
    series_codes: tuple[str, ...] = ()
    changes: str = ""
    events: Changes = field(default_factory=Changes)


def _strictest(codes: Sequence[str]) -> str:
    return max(codes, key=lambda c: int(c[1]))


def countries_with_confirmed(session: Session, sprint_id: int) -> list[str]:
    return list(session.scalars(
        select(CountryAssessment.country).distinct()
        .join(Series, Series.id == CountryAssessment.series_id)
        .where(Series.sprint_id == sprint_id, CountryAssessment.confirmed.is_(True),
               Series.status.in_(SENDABLE))
        .order_by(CountryAssessment.country)))


def sent_series_ids(session: Session, sprint_id: int, country: str) -> set[int]:
    sent: set[int] = set()
    for ids in session.scalars(select(Packet.series_ids).where(
            Packet.sprint_id == sprint_id, Packet.country == country)):
        sent.update(int(i) for i in ids or ())
    return sent


def _latest(session: Session, sprint_id: int, country: str) -> tuple[Packet | None, dict[str, Any]]:
    packet = session.scalar(select(Packet).where(Packet.sprint_id == sprint_id,
                                                 Packet.country == country)
                            .order_by(Packet.packet_version.desc()).limit(1))
    if packet is None:
        return None, {}
    event = session.scalar(select(Event).where(Event.action == PACKET_EVENT,
                                               Event.entity_type == "packet",
                                               Event.entity_id == packet.id))
    return packet, (event.after or {}) if event else {}


def _change_summary(previous: dict[str, Any], series: Sequence[PacketSeries],
                    header_digest: str) -> str:
    if not previous:
        return ""
    old: dict[str, dict[str, str]] = previous.get("series_parts", {})
    lines: list[str] = []
    added = [s.code for s in series if s.code not in old]
    changed = []
    for s in series:
        if s.code in old:
            parts = part_digests(s)
            diff = [p for p, d in parts.items() if old[s.code].get(p) != d]
            if diff:
                changed.append(f"{s.code} ({', '.join(diff)})")
    gone = sorted(set(old) - {s.code for s in series})
    if previous.get("header_digest") != header_digest:
        lines.append("Packet header changed (handling, contact or evaluation).")
    if added:
        lines.append("Added: " + ", ".join(added) + ".")
    if changed:
        lines.append("Changed: " + "; ".join(changed) + ".")
    if gone:
        lines.append("Not repeated here (see the earlier version): " + ", ".join(gone) + ".")
    return " ".join(lines) or "No change in content."


def _export_one(tx: WriteTx, sprint: Sprint, country: str, out_dir: Path, *,
                handling: str | None, include_notified: bool, override_h2: bool,
                override_reason: str, contact: ContactBlock, evaluation: str,
                private_key: str) -> _Written:
    assert tx.actor is not None
    session = tx.session
    name = country_label(country)
    rows = series_for_country(session, sprint.id, country, SENDABLE)
    if not include_notified:
        sent = sent_series_ids(session, sprint.id, country)
        rows = [s for s in rows if s.id not in sent]
    if not rows:
        return _Written(PacketResult(country, name, "nothing new"))
    series, included_h2 = read_packet_series(session, rows, country, include_h2=override_h2)
    codes = [handling or sprint.default_handling, *(s.handling for s in series),
             *(c.handling for c in included_h2)]
    packet_handling = _strictest(codes)
    previous, previous_after = _latest(session, sprint.id, country)

    def content_for(code: str, version: int, generated_at: datetime, approver: PacketPerson,
                    changes: str) -> PacketContent:
        return PacketContent(PacketHeader(
            packet_code=code, packet_version=version, sprint=sprint.name,
            sprint_starts_on=sprint.starts_on, sprint_ends_on=sprint.ends_on, country=country,
            country_name=name, recipient_authority="National victim identification unit",
            contact=contact, generated_at=generated_at, approved_by=approver,
            handling=packet_handling, handling_meaning=HandlingCode(packet_handling).meaning,
            evaluation=evaluation, priority=min(s.priority for s in series), changes=changes,
            signing_key=key_info), series)

    key_info = public_key_info(public_key_of(private_key))

    me = PacketPerson(tx.actor.display_name, tx.actor.agency)
    probe = content_for("", 0, tx.now, me, "")
    whole, _, header_digest = content_digests(probe)
    if previous is not None and previous.content_sha256 == whole:
        approver = session.get(Participant, previous.generated_by_id)
        content = content_for(previous.packet_code, previous.packet_version,
                              previous.generated_at,
                              PacketPerson(approver.display_name, approver.agency)
                              if approver else me, previous.changes)
        data = build_packet(content, private_key)
        target = path_inside(out_dir, previous.file_name)
        tx.emit("packet.reexported", "packet", previous.id, sprint_id=sprint.id,
                after={"packet_code": previous.packet_code, "country": country,
                       "version": previous.packet_version,
                       "identical": hashlib.sha256(data).hexdigest()
                       == previous.file_sha256})
        return _Written(PacketResult(country, name, "unchanged", previous.packet_code,
                                     previous.packet_version, target,
                                     hashlib.sha256(data).hexdigest(),
                                     tuple(s.code for s in series), previous.changes),
                        target, data)

    version = (previous.packet_version + 1) if previous else 1
    packet_id = f"S{sprint.id}V{version}"
    file_name = packet_file_name(sprint.name, country, packet_id)
    code = file_name.removesuffix(".zip")
    changes = _change_summary(previous_after, series, header_digest)
    content = content_for(code, version, tx.now, me, changes)
    data = build_packet(content, private_key)
    file_sha = hashlib.sha256(data).hexdigest()
    target = path_inside(out_dir, file_name)
    packet = Packet(packet_code=code, sprint_id=sprint.id, country=country,
                    packet_version=version, handling=packet_handling, generated_at=tx.now,
                    generated_by_id=tx.actor.id, file_name=file_name, file_sha256=file_sha,
                    content_sha256=whole, series_ids=[s.id for s in rows], changes=changes,
                    status="generated")
    session.add(packet)
    session.flush()
    tx.emit(PACKET_EVENT, "packet", packet.id, sprint_id=sprint.id, after={
        "packet_code": code, "country": country, "version": version,
        "handling": packet_handling, "file_sha256": file_sha, "content_sha256": whole,
        "series": [s.code for s in series], "changes": changes, "header_digest": header_digest,
        "series_parts": {s.code: part_digests(s) for s in series}})
    overridden: dict[int, list[int]] = {}
    for clue in included_h2:
        overridden.setdefault(clue.series_id, []).append(clue.clue_id)
    for series_id, clue_ids in overridden.items():
        log_handling_override(tx, series_id, override_reason, packet_code=code, country=country,
                              clue_ids=clue_ids)
    for row in rows:
        if row.status == SeriesStatus.CONFIRMED:
            row.status = SeriesStatus.NOTIFIED.value
            row.updated_at = tx.now
            tx.emit("series.notified", "series", row.id, series_id=row.id,
                    after={"packet_code": code, "country": country})
    session.flush()
    return _Written(PacketResult(country, name, "new version" if previous else "new", code,
                                 version, target, file_sha, tuple(s.code for s in series),
                                 changes), target, data)


def export_country_packets(db: Database, actor: str, sprint_id: int, out_dir: Path | str, *,
                           countries: Sequence[str] | None = None, handling: str | None = None,
                           include_notified: bool = False,
                           progress: Progress | ReportListener | None = None,
                           override_h2: bool = False, override_reason: str = "",
                           contact: ContactBlock | None = None,
                           evaluation: str = DEFAULT_EVALUATION) -> list[PacketResult]:
    """Write one packet per country with confirmed series (coordinators only).

    `contact` overrides the sprint's issuer settings for this export (non-empty fields only).
    `progress` hears each country before its packet; once cancelled, the export stops before
    the next packet (`Cancelled`): the packets written so far are committed and in the folder.
    """
    tracker = as_progress(progress)
    if handling is not None:
        handling = HandlingCode(handling.upper()).value
    if override_h2:
        override_reason = clean_override_reason(override_reason)
    if len(evaluation) != 2 or evaluation[0] not in "ABCX" or evaluation[1] not in "1234":
        raise InvalidInput("evaluation", "use source A/B/C/X and information 1–4, e.g. B2")
    with db.read() as session:
        person = load_participant(session, actor)
        require(person.role, Action.EXPORT_PACKETS)
        if override_h2:
            require(person.role, Action.OVERRIDE_HANDLING)
        sprint = load_sprint(session, sprint_id)
        wanted = ([normalize_country_code(c) for c in countries] if countries
                  else countries_with_confirmed(session, sprint_id))
        contact = _effective_contact(sprint, contact)
        if problem := issuer_problem(sprint.name, {
                "organiser": contact.organiser, "issuing_unit": contact.issuing_unit,
                "contact_name": contact.name, "contact_email": contact.email,
                "contact_phone": contact.phone}):
            raise problem
    private_key = signing_key(db, actor, sprint_id)
    folder = Path(out_dir)
    try:
        prepare_folder(folder)
    except OutputError as exc:
        raise OutputFolderError(folder, exc.reason) from None
    wanted = sorted(dict.fromkeys(wanted))
    results: list[PacketResult] = []
    for index, country in enumerate(wanted):
        if tracker is not None:
            tracker.check("Export cancelled; the packets finished before that are in the "
                          "folder and recorded.")
            tracker.report(index, len(wanted), country)
        staged: StagedFile | None = None
        try:
            with write_tx(db, actor, Action.EXPORT_PACKETS) as tx:
                sprint_row = load_sprint(tx.session, sprint_id)
                try:
                    written = _export_one(tx, sprint_row, country, folder, handling=handling,
                                          include_notified=include_notified,
                                          override_h2=override_h2,
                                          override_reason=override_reason.strip(),
                                          contact=contact, evaluation=evaluation,
                                          private_key=private_key)
                except UnsafePath as exc:
                    raise OutputFolderError(folder, str(exc)) from None
                if written.target is not None:
                    staged = _stage(folder, written.target, written.data)
        except BaseException:
            if staged is not None:
                staged.discard()
            raise
        if staged is not None:  # committed: only now does the packet appear
            try:
                staged.commit()
            except OutputError as exc:
                raise OutputFolderError(folder, exc.reason) from None
        results.append(_with_events(written.result, tx.changes))
    if tracker is not None:
        tracker.report(len(wanted), len(wanted), "")
    return results


def _stage(folder: Path, target: Path, data: bytes) -> StagedFile:
    try:
        staged = StagedFile(target)
        staged.write(data)
        staged.finish()
    except OutputError as exc:
        raise OutputFolderError(folder, exc.reason) from None
    return staged


def _effective_contact(sprint: Sprint, override: ContactBlock | None) -> ContactBlock:
    """The sprint's issuer settings, each replaced by a non-empty override field."""
    base = ContactBlock(sprint.issuing_unit, sprint.contact_name, sprint.contact_email,
                        sprint.contact_phone, sprint.organiser)
    if override is None:
        return base
    return ContactBlock(*(o.strip() or b for o, b in zip(
        (override.issuing_unit, override.name, override.email, override.phone,
         override.organiser),
        (base.issuing_unit, base.name, base.email, base.phone, base.organiser), strict=True)))


def _with_events(result: PacketResult, changes: Changes) -> PacketResult:
    from dataclasses import replace

    return replace(result, events=changes)
