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

Work is done in three steps so the reports render on every core: every country's packet is
*planned* from one read (document and digests built once), the PDFs are rendered in a process
pool, then each packet is *recorded* in its own transaction — which first checks, from the
event log, that nothing the plan read has changed since (else it plans that country again).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
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
)
from vidtask.interchange.packet_document import Digests, PacketDocument
from vidtask.interchange.packet_render import PacketBuilder
from vidtask.interchange.packet_signing import PublicKeyInfo, public_key_info, public_key_of
from vidtask.interchange.packets import UnsafePath, build_packet, packet_file_name, path_inside
from vidtask.services.common import load_participant, load_sprint
from vidtask.services.handling import clean_override_reason, log_handling_override
from vidtask.services.packet_content import (
    OverriddenClue,
    read_packet_series,
    series_for_country,
)
from vidtask.services.sprints import issuer_problem, signing_key
from vidtask.services.tx import WriteTx, write_tx
from vidtask.sync.feed import final_version

PACKET_EVENT = "packet.generated"
SENDABLE = (SeriesStatus.CONFIRMED.value, SeriesStatus.NOTIFIED.value)
DEFAULT_EVALUATION = "X3"
#: Events that can add a series to some country's packet.
_CONFIRMING = frozenset({"series.confirmed"})


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


def _change_summary(previous: dict[str, Any], digests: Digests) -> str:
    if not previous:
        return ""
    old: dict[str, dict[str, str]] = previous.get("series_parts", {})
    lines: list[str] = []
    added = [code for code in digests.series_parts if code not in old]
    changed = []
    for code, parts in digests.series_parts.items():
        if code in old:
            diff = [p for p, d in parts.items() if old[code].get(p) != d]
            if diff:
                changed.append(f"{code} ({', '.join(diff)})")
    gone = sorted(set(old) - set(digests.series_parts))
    if previous.get("header_digest") != digests.header:
        lines.append("Packet header changed (handling, issuer, contact, evaluation or signing "
                     "key).")
    if added:
        lines.append("Added: " + ", ".join(added) + ".")
    if changed:
        lines.append("Changed: " + "; ".join(changed) + ".")
    if gone:
        lines.append("Not repeated here (see the earlier version): " + ", ".join(gone) + ".")
    return " ".join(lines) or "No change in content."


@dataclass(frozen=True, slots=True)
class _Options:
    handling: str | None
    include_notified: bool
    override_h2: bool
    override_reason: str
    contact: ContactBlock
    evaluation: str
    key: PublicKeyInfo


@dataclass
class _Run:
    """One export call: who, where, with which key, and what it has written so far."""

    db: Database
    actor: str
    sprint_id: int
    folder: Path
    private_key: str
    me: PacketPerson
    options: _Options
    snapshot: int = 0  # final version (feed horizon) when the plans were read
    own: set[int] = field(default_factory=set)  # versions of this run's own events


@dataclass(frozen=True, slots=True)
class _Plan:
    """One country's packet, decided from one read: what it holds and what it will be."""

    country: str
    name: str
    outcome: str  # "new" | "new version" | "unchanged" | "nothing new"
    series_ids: tuple[int, ...] = ()
    content: PacketContent | None = None
    document: PacketDocument | None = None
    digests: Digests | None = None
    previous_id: int | None = None  # the country's newest packet when planned
    previous_sha256: str = ""
    file_name: str = ""
    overridden: tuple[OverriddenClue, ...] = ()


def _plan(session: Session, sprint: Sprint, country: str, *, now: datetime, me: PacketPerson,
          options: _Options) -> _Plan:
    """Read and decide one country's packet, writing nothing; the document is built once."""
    name = country_label(country)
    rows = series_for_country(session, sprint.id, country, SENDABLE)
    if not options.include_notified:
        sent = sent_series_ids(session, sprint.id, country)
        rows = [s for s in rows if s.id not in sent]
    if not rows:
        return _Plan(country, name, "nothing new")
    series, included_h2 = read_packet_series(session, rows, country,
                                             include_h2=options.override_h2)
    packet_handling = _strictest([options.handling or sprint.default_handling,
                                  *(s.handling for s in series),
                                  *(c.handling for c in included_h2)])
    previous, previous_after = _latest(session, sprint.id, country)

    def header(code: str, version: int, generated_at: datetime, approver: PacketPerson,
               changes: str) -> PacketHeader:
        return PacketHeader(
            packet_code=code, packet_version=version, sprint=sprint.name,
            sprint_starts_on=sprint.starts_on, sprint_ends_on=sprint.ends_on, country=country,
            country_name=name, recipient_authority="National victim identification unit",
            contact=options.contact, generated_at=generated_at, approved_by=approver,
            handling=packet_handling, handling_meaning=HandlingCode(packet_handling).meaning,
            evaluation=options.evaluation, priority=min(s.priority for s in series),
            changes=changes, signing_key=options.key)

    document = PacketDocument(series)
    digests = document.digests(header("", 0, now, me, ""))
    if previous is not None and previous.content_sha256 == digests.whole:
        approver = session.get(Participant, previous.generated_by_id)
        kept = header(previous.packet_code, previous.packet_version, previous.generated_at,
                      PacketPerson(approver.display_name, approver.agency) if approver else me,
                      previous.changes)
        outcome, file_name, content = "unchanged", previous.file_name, PacketContent(kept, series)
    else:
        version = (previous.packet_version + 1) if previous else 1
        file_name = packet_file_name(sprint.name, country, f"S{sprint.id}V{version}")
        fresh = header(file_name.removesuffix(".zip"), version, now, me,
                       _change_summary(previous_after, digests))
        outcome = "new version" if previous else "new"
        content = PacketContent(fresh, series)
    return _Plan(country, name, outcome, tuple(s.id for s in rows), content, document, digests,
                 previous.id if previous else None, previous.file_sha256 if previous else "",
                 file_name, tuple(included_h2))


def _still_current(tx: WriteTx, run: _Run, plan: _Plan) -> bool:
    """Nothing the plan read has changed since `snapshot`, except by this export itself.

    Asked inside the packet's write transaction (on SQLite it holds the write lock, so nothing
    commits in between). Every write appends events: one on the plan's series, one without a
    series (people, sprint settings, tips, packets) or one confirming any series makes the plan
    stale.
    """
    newest = tx.session.scalar(select(func.max(Packet.id)).where(
        Packet.sprint_id == run.sprint_id, Packet.country == plan.country))
    if newest != plan.previous_id:
        return False
    for version, series_id, action in tx.session.execute(
            select(Event.version, Event.series_id, Event.action)
            .where(Event.version > run.snapshot).order_by(Event.version)):
        if version in run.own:
            continue
        if series_id is None or series_id in plan.series_ids or action in _CONFIRMING:
            return False
    return True


def _record(tx: WriteTx, run: _Run, plan: _Plan, data: bytes | None) -> _Written:
    """Write the plan's rows and events; return the bytes to put on disk after the commit."""
    assert tx.actor is not None
    sprint_id, out_dir = run.sprint_id, run.folder
    result = PacketResult(plan.country, plan.name, plan.outcome)
    if plan.content is None or plan.digests is None or data is None:
        return _Written(result)
    content, digests = plan.content, plan.digests
    h = content.header
    file_sha = hashlib.sha256(data).hexdigest()
    try:
        target = path_inside(out_dir, plan.file_name)
    except UnsafePath as exc:
        raise OutputFolderError(out_dir, str(exc)) from None
    codes = tuple(s.code for s in content.series)
    result = PacketResult(plan.country, plan.name, plan.outcome, h.packet_code,
                          h.packet_version, target, file_sha, codes, h.changes)
    if plan.outcome == "unchanged":
        assert plan.previous_id is not None
        tx.emit("packet.reexported", "packet", plan.previous_id, sprint_id=sprint_id,
                after={"packet_code": h.packet_code, "country": plan.country,
                       "version": h.packet_version,
                       "identical": file_sha == plan.previous_sha256})
        return _Written(result, target, data)
    session = tx.session
    packet = Packet(packet_code=h.packet_code, sprint_id=sprint_id, country=plan.country,
                    packet_version=h.packet_version, handling=h.handling,
                    generated_at=h.generated_at, generated_by_id=tx.actor.id,
                    file_name=plan.file_name, file_sha256=file_sha,
                    content_sha256=digests.whole, series_ids=list(plan.series_ids),
                    changes=h.changes, status="generated")
    session.add(packet)
    session.flush()
    tx.emit(PACKET_EVENT, "packet", packet.id, sprint_id=sprint_id, after={
        "packet_code": h.packet_code, "country": plan.country, "version": h.packet_version,
        "handling": h.handling, "file_sha256": file_sha, "content_sha256": digests.whole,
        "series": list(codes), "changes": h.changes, "header_digest": digests.header,
        "series_parts": digests.series_parts})
    overridden: dict[int, list[int]] = {}
    for clue in plan.overridden:
        overridden.setdefault(clue.series_id, []).append(clue.clue_id)
    for series_id, clue_ids in overridden.items():
        log_handling_override(tx, series_id, run.options.override_reason,
                              packet_code=h.packet_code, country=plan.country,
                              clue_ids=clue_ids)
    for row in session.scalars(select(Series).where(Series.id.in_(plan.series_ids),
                                                    Series.status == SeriesStatus.CONFIRMED)
                               .order_by(Series.code)):
        row.status = SeriesStatus.NOTIFIED.value
        row.updated_at = tx.now
        tx.emit("series.notified", "series", row.id, series_id=row.id,
                after={"packet_code": h.packet_code, "country": plan.country})
    session.flush()
    return _Written(result, target, data)


def export_country_packets(db: Database, actor: str, sprint_id: int, out_dir: Path | str, *,
                           countries: Sequence[str] | None = None, handling: str | None = None,
                           include_notified: bool = False,
                           progress: Progress | ReportListener | None = None,
                           override_h2: bool = False, override_reason: str = "",
                           contact: ContactBlock | None = None,
                           evaluation: str = DEFAULT_EVALUATION,
                           workers: int | None = None) -> list[PacketResult]:
    """Write one packet per country with confirmed series (coordinators only).

    `contact` overrides the sprint's issuer settings for this export (non-empty fields only);
    `workers` caps the processes building packets (default: one per core).
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
        me = PacketPerson(person.display_name, person.agency)
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
    options = _Options(handling, include_notified, override_h2, override_reason.strip(),
                       contact, evaluation, public_key_info(public_key_of(private_key)))
    folder = Path(out_dir)
    try:
        prepare_folder(folder)
    except OutputError as exc:
        raise OutputFolderError(folder, exc.reason) from None
    wanted = sorted(dict.fromkeys(wanted))
    if tracker is not None:
        tracker.report(0, len(wanted), "")
    run = _Run(db, actor, sprint_id, folder, private_key, me, options)
    results: list[PacketResult] = []
    cancelled = ("Export cancelled; the packets finished before that are in the folder and "
                 "recorded.")
    # the workers start now and build each packet as soon as its plan is read
    with PacketBuilder(private_key, len(wanted), workers=workers) as builder:
        jobs: dict[str, int] = {}
        with db.read() as session:
            run.snapshot = final_version(session, postgresql=db.is_postgresql)
            now = db.server_now(session)
            sprint = load_sprint(session, sprint_id)
            plans = []
            for country in wanted:
                if tracker is not None:
                    tracker.check(cancelled)
                plan = _plan(session, sprint, country, now=now, me=run.me, options=options)
                if plan.content is not None:
                    jobs[country] = builder.submit(plan.content, plan.document)
                plans.append(plan)
        for index, plan in enumerate(plans):
            if tracker is not None:
                tracker.check(cancelled)
                tracker.report(index, len(wanted), plan.country)
            data = builder.result(jobs[plan.country]) if plan.country in jobs else None
            result = _export_one(run, plan, data)
            run.own.update(e.version for e in result.events.events)
            results.append(result)
    if tracker is not None:
        tracker.report(len(wanted), len(wanted), "")
    return results


def _export_one(run: _Run, plan: _Plan, data: bytes | None) -> PacketResult:
    """One packet's transaction; its file appears only once the transaction has committed."""
    staged: StagedFile | None = None
    folder = run.folder
    try:
        with write_tx(run.db, run.actor, Action.EXPORT_PACKETS) as tx:
            if not _still_current(tx, run, plan):  # somebody changed what the plan read
                plan = _plan(tx.session, load_sprint(tx.session, run.sprint_id), plan.country,
                             now=tx.now, me=run.me, options=run.options)
                data = (build_packet(plan.content, run.private_key, document=plan.document)
                        if plan.content is not None else None)
            written = _record(tx, run, plan, data)
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
    return replace(written.result, events=tx.changes)


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
