"""Tips from the public: import a form's file, record one taken by phone or mail, triage, and
make a clue of a tip so it feeds the country narrowing (domain.md §4).

Import: one transaction per file, streamed (`vidtask.interchange.tips_file`), rows written in
multi-row INSERTs through the driver. A submission is known by its fingerprint (object, time,
text, suggestion), so importing a file again adds nothing; a tip with the same object and
normalised text as an earlier one joins its duplicate group and comes in as "duplicate".
Malformed rows are counted and listed, one line each; they never stop the file.

Contact details go to `tip_contacts`, never into `tips` or the event log (both readable by
every participant): only coordinators read them (`tip_detail`; on PostgreSQL row rules).
"""

from __future__ import annotations

import contextlib
import queue
import threading
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import chain
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, CursorResult, func, select, update
from sqlalchemy.orm import Session, aliased

from vidtask.db.engine import Database
from vidtask.db.models import AppealObject, Clue, Participant, Series, Tip, TipContact
from vidtask.domain.appeals import (
    CLUE_FROM,
    TIP_CHANNELS,
    check_tip_step,
    checked_text,
    fingerprint_at,
    suggested_country,
    text_key,
    tip_reference,
)
from vidtask.domain.changes import Changes
from vidtask.domain.countries_basic import country_label
from vidtask.domain.enums import AppealStatus, ClueCategory, ClueConfidence, TipStatus
from vidtask.domain.errors import InvalidInput, NotFound
from vidtask.domain.permissions import Action, may
from vidtask.domain.progress import Progress
from vidtask.interchange.tips_file import RowProblem, TipRow, parse_moment, read_tips
from vidtask.services.clues import ClueInput, add_clue_in, clean_clue
from vidtask.services.tx import WriteTx, write_tx

MAX_LISTED_PROBLEMS = 100
QUEUE_BATCHES = 4  # prepared batches waiting between the reading and the writing thread
SQLITE_CACHE_KIB = 64 * 1024  # SQLite page cache while importing (as media intake does)
#: Tips can be sent about what the public has seen: published objects, and withdrawn ones
#: (a tip arriving after withdrawal is still a tip).
OPEN_FOR_TIPS = (AppealStatus.PUBLISHED.value, AppealStatus.WITHDRAWN.value)
TIP_COLUMNS = ("appeal_object_id", "received_at", "channel", "source", "text", "text_key",
               "fingerprint", "suggested_place", "suggested_country", "status",
               "recorded_by_id")
ROWS_PER_INSERT = 2000  # 11 columns: 22,000 parameters a statement (SQLite allows 32,766)
#: Words of an object type that say which clue category a tip about it belongs to.
CATEGORY_WORDS = {
    "wallpaper": ClueCategory.WALLPAPER, "flyer": ClueCategory.SHOP_FLYER,
    "leaflet": ClueCategory.SHOP_FLYER, "toy": ClueCategory.TOY, "doll": ClueCategory.TOY,
    "shirt": ClueCategory.CLOTHING, "t-shirt": ClueCategory.CLOTHING,
    "dress": ClueCategory.CLOTHING, "uniform": ClueCategory.CLOTHING,
    "jacket": ClueCategory.CLOTHING, "bag": ClueCategory.PACKAGING,
    "box": ClueCategory.PACKAGING, "packaging": ClueCategory.PACKAGING,
    "bottle": ClueCategory.PRODUCT, "sofa": ClueCategory.FURNITURE,
    "chair": ClueCategory.FURNITURE, "bed": ClueCategory.FURNITURE,
    "curtain": ClueCategory.FURNITURE, "lamp": ClueCategory.FURNITURE,
    "socket": ClueCategory.ELECTRICAL, "switch": ClueCategory.ELECTRICAL,
    "coin": ClueCategory.CURRENCY, "banknote": ClueCategory.CURRENCY,
    "hotel": ClueCategory.ARCHITECTURE, "window": ClueCategory.ARCHITECTURE,
    "tile": ClueCategory.BUILDING_MATERIAL, "tiles": ClueCategory.BUILDING_MATERIAL,
    "plant": ClueCategory.FLORA_FAUNA, "car": ClueCategory.VEHICLE,
}


# ------------------------------------------------------------------ import

@dataclass(slots=True)
class TipsImport:
    """What one tips file did: the counts add up to `rows`."""

    file: str
    rows: int = 0  # data rows read, malformed ones included (blank lines not)
    added: int = 0  # new tips, duplicates included
    duplicates: int = 0  # of `added`: joined the group of an earlier tip (same object, text)
    already: int = 0  # the same submission was imported before (or twice in this file)
    malformed: int = 0
    problems: list[str] = field(default_factory=list)  # the first MAX_LISTED_PROBLEMS, a line each
    per_object: dict[str, int] = field(default_factory=dict)  # public ID -> tips added
    contacts: int = 0
    changes: Changes = field(default_factory=Changes)

    def summary(self) -> str:
        """"1,000 rows: 940 new tips (12 duplicates grouped), 50 already imported, 10 malformed"."""
        text = (f"{self.rows:,} row{'' if self.rows == 1 else 's'}: {self.added:,} new "
                f"tip{'' if self.added == 1 else 's'} ({self.duplicates:,} duplicate"
                f"{'' if self.duplicates == 1 else 's'} grouped), {self.already:,} already "
                f"imported, {self.malformed:,} malformed")
        if self.malformed > len(self.problems):
            text += f" (first {len(self.problems)} listed)"
        return text


class _ObjectTips:
    """What the database already holds for one object: fingerprints and text groups."""

    __slots__ = ("fingerprints", "groups", "object_id", "public_id")

    def __init__(self, object_id: int, public_id: str, session: Session) -> None:
        self.object_id, self.public_id = object_id, public_id
        rows = session.execute(select(Tip.fingerprint, Tip.text_key)
                               .where(Tip.appeal_object_id == object_id)).all()
        self.fingerprints = {r[0] for r in rows}
        self.groups = {r[1] for r in rows}


class TipSink:
    """Tip rows (tuples in TIP_COLUMNS order) into the database, ROWS_PER_INSERT at a time,
    through the driver inside the caller's transaction; contacts follow their tips."""

    def __init__(self, connection: Connection, postgres: bool) -> None:
        self._conn = connection
        self._postgres = postgres
        self._rows: list[tuple[Any, ...]] = []
        self._contacts: list[tuple[str, str]] = []  # (fingerprint, contact)
        self._statements: dict[int, str] = {}
        self._old_cache: int | None = None
        self.written = 0
        if not postgres:  # the random fingerprint index stays in memory while importing
            self._old_cache = int(connection.exec_driver_sql("PRAGMA cache_size").scalar_one())
            connection.exec_driver_sql(f"PRAGMA cache_size=-{SQLITE_CACHE_KIB}")

    def close(self) -> None:
        """Put the connection's page cache back (it is pooled; nothing else should feel it)."""
        if self._old_cache is not None:
            self._conn.exec_driver_sql(f"PRAGMA cache_size={self._old_cache}")
            self._old_cache = None

    def add(self, row: tuple[Any, ...], contact: str) -> None:
        """Queue one row; `contact` ("" for none) follows it into tip_contacts."""
        self._rows.append(row)
        if contact:
            self._contacts.append((row[6], contact))
        if len(self._rows) >= ROWS_PER_INSERT:
            self.flush()

    def flush(self) -> None:
        rows, self._rows = self._rows, []
        contacts, self._contacts = self._contacts, []
        if self._postgres:
            self._flush_postgres(rows, contacts)
            return
        if rows:
            statement = self._statements.get(len(rows))
            if statement is None:
                one = "(" + ", ".join(["?"] * len(TIP_COLUMNS)) + ")"
                statement = self._statements[len(rows)] = (
                    f"INSERT INTO tips ({', '.join(TIP_COLUMNS)}) VALUES "
                    + ", ".join([one] * len(rows)) + " ON CONFLICT (fingerprint) DO NOTHING")
            self._conn.exec_driver_sql(statement, tuple(chain.from_iterable(rows)))
            self.written += len(rows)
        if contacts:
            self._conn.exec_driver_sql(
                "INSERT INTO tip_contacts (tip_id, contact) SELECT id, ? FROM tips "
                "WHERE fingerprint = ?", [(c, f) for f, c in contacts])

    def _flush_postgres(self, rows: list[tuple[Any, ...]],
                        contacts: list[tuple[str, str]]) -> None:
        """One array per column through unnest(): 11 parameters a batch, not 22,000 (psycopg
        parses every placeholder of a statement; COPY is no option, row-level security refuses
        it for personal logins)."""
        driver = self._conn.connection.driver_connection
        assert driver is not None
        with driver.cursor() as cursor:
            if rows:
                cursor.execute(_PG_INSERT, [list(c) for c in zip(*rows, strict=True)])
                self.written += len(rows)
            if contacts:
                fingerprints, texts = zip(*contacts, strict=True)
                cursor.execute(_PG_CONTACTS, [list(fingerprints), list(texts)])


_PG_TYPES = ("integer", "timestamptz", "text", "text", "text", "text", "text", "text", "text",
             "text", "integer")
_PG_INSERT = (f"INSERT INTO tips ({', '.join(TIP_COLUMNS)}) SELECT * FROM unnest("
              + ", ".join(f"%b::{t}[]" for t in _PG_TYPES)  # %b: binary, no quoting per item
              + ") ON CONFLICT (fingerprint) DO NOTHING")
_PG_CONTACTS = ("INSERT INTO tip_contacts (tip_id, contact) SELECT t.id, c.contact "
                "FROM unnest(%b::text[], %b::text[]) AS c(fingerprint, contact) "
                "JOIN tips t ON t.fingerprint = c.fingerprint")


#: A tip as the reading thread prepares it (no database needed): where, public ID,
#: fingerprint, text key, received_at as bound, text, suggestion, country read, contact.
Prepared = tuple[str, str, str, str, Any, str, str, str | None, str]


def prepare_tip(item: TipRow, postgres: bool) -> Prepared:
    moment = item.received_at
    utc = moment if moment.tzinfo is UTC else moment.astimezone(UTC)
    naive = utc.replace(tzinfo=None)
    stored = utc if postgres else naive.isoformat(" ", "microseconds")  # as UtcDateTime binds
    second = naive.replace(microsecond=0).isoformat() + "+00:00"
    return (item.where, item.public_id,
            fingerprint_at(item.public_id, second, item.text, item.suggested),
            text_key(item.text), stored, item.text, item.suggested,
            suggested_country(item.suggested), item.contact)


class _ReadAhead:
    """Reads and prepares the file's rows on a worker thread while the caller's thread writes
    (SQLite and psycopg release the GIL while they work); batches wait in a small bounded
    queue, so memory stays flat. What the reader raises is raised on the caller's thread."""

    def __init__(self, path: Path, postgres: bool) -> None:
        self._path, self._postgres = path, postgres
        self._queue: queue.Queue[list[Prepared | str] | BaseException | None] = \
            queue.Queue(QUEUE_BATCHES)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._work, name="tips-read", daemon=True)

    def __enter__(self) -> _ReadAhead:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        while self._thread.is_alive():  # unblock a worker waiting on a full queue
            with contextlib.suppress(queue.Empty):
                self._queue.get(timeout=0.05)
        self._thread.join()

    def __iter__(self) -> Iterator[list[Prepared | str]]:
        while True:
            item = self._queue.get()
            if item is None:
                return
            if isinstance(item, BaseException):
                raise item
            yield item

    def _put(self, item: list[Prepared | str] | BaseException | None) -> bool:
        while not self._stop.is_set():
            try:
                self._queue.put(item, timeout=0.05)
                return True
            except queue.Full:
                continue
        return False

    def _work(self) -> None:
        try:
            batch: list[Prepared | str] = []
            for item in read_tips(self._path):
                batch.append(item.line if isinstance(item, RowProblem)
                             else prepare_tip(item, self._postgres))
                if len(batch) >= ROWS_PER_INSERT and not self._put(batch):
                    return
                if len(batch) >= ROWS_PER_INSERT:
                    batch = []
            if self._put(batch):
                self._put(None)
        except BaseException as exc:  # handed to the caller's thread
            self._put(exc)


def import_tips(db: Database, actor: str, path: Path | str, *,
                progress: Progress | None = None) -> TipsImport:
    """Import a public form's CSV or JSON file of tips (one transaction)."""
    path = Path(path)
    if not path.is_file():
        raise InvalidInput("tips file", f"{path} does not exist or is not a file")
    report = TipsImport(path.name)
    with write_tx(db, actor, Action.IMPORT_TIPS) as tx, \
            _ReadAhead(path, db.is_postgresql) as batches:
        recorder = tx.actor.id if tx.actor else None
        objects = {public: (oid, status) for oid, public, status in tx.session.execute(
            select(AppealObject.id, AppealObject.public_id, AppealObject.status))}
        sink = TipSink(tx.session.connection(), db.is_postgresql)
        source = path.name[:240]
        try:
            _import_batches(batches, report, sink, objects=objects, session=tx.session,
                            recorder=recorder, source=source, progress=progress)
        finally:
            sink.close()
        report.per_object = dict(sorted(report.per_object.items()))
        tx.emit("tips.imported", "tips", None, after={
            "file": path.name, "rows": report.rows, "added": report.added,
            "duplicates": report.duplicates, "already": report.already,
            "malformed": report.malformed, "per_object": report.per_object})
    report.changes = tx.changes
    return report


def _import_batches(batches: _ReadAhead, report: TipsImport, sink: TipSink, *,
                    objects: dict[str, tuple[int, str]], session: Session,
                    recorder: int | None, source: str, progress: Progress | None) -> None:
    known: dict[int, _ObjectTips] = {}
    added = report.per_object
    for batch in batches:
        if progress is not None:
            progress.check("The import was cancelled; nothing was imported.")
            progress.report(report.rows, 0, f"{report.rows:,} rows read")
        for item in batch:
            report.rows += 1
            if isinstance(item, str):
                _problem(report, item)
                continue
            where, public = item[0], item[1]
            found = objects.get(public)
            if found is None:
                _problem(report, f"{where}: no appeal object {public} exists")
                continue
            object_id, status = found
            if status not in OPEN_FOR_TIPS:
                _problem(report, f"{where}: {public} was never published")
                continue
            tips = known.get(object_id)
            if tips is None:
                tips = known[object_id] = _ObjectTips(object_id, public, session)
            row = _admit(item, tips, recorder, f"{source} {where}")
            if row is None:
                report.already += 1
                continue
            if row[9] == TipStatus.DUPLICATE:
                report.duplicates += 1
            contact = item[8]
            sink.add(row, contact)
            report.added += 1
            report.contacts += bool(contact)
            added[public] = added.get(public, 0) + 1
    sink.flush()


def _problem(report: TipsImport, line: str) -> None:
    report.malformed += 1
    if len(report.problems) < MAX_LISTED_PROBLEMS:
        report.problems.append(line)


def _admit(item: Prepared, tips: _ObjectTips, recorder: int | None, source: str,
           channel: str = "web form") -> tuple[Any, ...] | None:
    """The row to insert for a prepared tip, or None if this submission is known already."""
    _where, _public, fingerprint, key, moment, text, suggested, country, _contact = item
    if fingerprint in tips.fingerprints:
        return None
    tips.fingerprints.add(fingerprint)
    status = TipStatus.DUPLICATE if key in tips.groups else TipStatus.NEW
    tips.groups.add(key)
    return (tips.object_id, moment, channel, source, text, key, fingerprint, suggested,
            country, status.value, recorder)


def _tip_row(item: TipRow, tips: _ObjectTips, recorder: int | None, source: str, *,
             postgres: bool, channel: str = "web form") -> tuple[Any, ...] | None:
    return _admit(prepare_tip(item, postgres), tips, recorder, source, channel)


# ------------------------------------------------------------------ one tip by hand

@dataclass(frozen=True, slots=True)
class TipWritten:
    tip_id: int
    status: str
    changes: Changes = field(default_factory=Changes)

    @property
    def reference(self) -> str:
        return tip_reference(self.tip_id)


def record_tip(db: Database, actor: str, appeal: int | str, text: str, *,
               received_at: datetime | str | None = None, channel: str = "phone",
               suggested: str = "", contact: str = "") -> TipWritten:
    """Type in a tip taken by phone, mail or in person (the form's "Record a tip")."""
    text = checked_text("tips", "text", text.strip())
    if not text:
        raise InvalidInput("tip text", "write down what the tipster said")
    if channel not in TIP_CHANNELS:
        raise InvalidInput("channel", f"{channel!r} is not one of {', '.join(TIP_CHANNELS)}")
    suggested = checked_text("tips", "suggested_place", suggested.strip())
    contact = checked_text("tip_contacts", "contact", contact.strip())
    moment = received_at if isinstance(received_at, datetime) or received_at is None \
        else parse_moment(received_at)
    if moment is None and received_at is not None:
        raise InvalidInput("received at", "give a date and time (2026-06-03 14:05)")
    with write_tx(db, actor, Action.RECORD_TIP) as tx:
        obj = _object(tx.session, appeal)
        if obj.status not in OPEN_FOR_TIPS:
            raise InvalidInput("tip", f"{obj.public_id} was never published")
        when = (moment or tx.now).astimezone(UTC)
        tips = _ObjectTips(obj.id, obj.public_id, tx.session)
        item = TipRow("", obj.public_id, when, text, suggested, contact)
        by = tx.actor.login if tx.actor else "system"
        row = _tip_row(item, tips, tx.actor.id if tx.actor else None,
                       f"{channel}, taken by {by}", postgres=db.is_postgresql, channel=channel)
        if row is None:
            raise InvalidInput("tip", "this tip was recorded already")
        tip = Tip(**dict(zip(TIP_COLUMNS, row, strict=True)))
        tip.received_at = when
        tx.session.add(tip)
        tx.session.flush()
        if contact:
            tx.session.add(TipContact(tip_id=tip.id, contact=contact))
        tx.emit("tip.recorded", "tip", tip.id, series_id=obj.series_id,
                after={"object": obj.public_id, "channel": channel, "status": tip.status,
                       "with_contact": bool(contact)})  # never the contact itself
        written = TipWritten(tip.id, tip.status)
    return TipWritten(written.tip_id, written.status, tx.changes)


def _object(session: Session, appeal: int | str) -> AppealObject:
    if isinstance(appeal, int) or str(appeal).strip().isdigit():
        found = session.get(AppealObject, int(appeal))
    else:
        found = session.scalar(select(AppealObject).where(
            AppealObject.public_id == str(appeal).strip().upper()))
    if found is None:
        raise NotFound("appeal object", appeal)
    return found


# ------------------------------------------------------------------ triage

def _tip_id(key: int | str) -> int:
    text = str(key).strip().upper().removeprefix("TIP-")
    if not text.isdigit():
        raise InvalidInput("tip", f"{str(key)[:40]!r} is not a tip (TIP-42 or 42)")
    return int(text)


def triage_tip(db: Database, actor: str, tip: int | str, state: str) -> TipWritten:
    """Move a tip one triage step (new → relevant / not relevant / duplicate → developed →
    disseminated); a step the rules do not allow is refused, naming both states."""
    try:
        target = TipStatus(state.strip().lower().replace(" ", "_"))
    except ValueError:
        raise InvalidInput("state", f"{state!r} is not a tip state ("
                           + ", ".join(s.value for s in TipStatus) + ")") from None
    tip_id = _tip_id(tip)
    with write_tx(db, actor, Action.TRIAGE_TIPS) as tx:
        current = tx.session.execute(select(Tip.status, AppealObject.series_id)
                                     .join(AppealObject, AppealObject.id == Tip.appeal_object_id)
                                     .where(Tip.id == tip_id).with_for_update(of=Tip)).first()
        if current is None:
            raise NotFound("tip", tip_reference(tip_id))
        status, series_id = current
        check_tip_step(status, target, tip_reference(tip_id))
        _set_status(tx, tip_id, status, target)
        tx.emit("tip.triaged", "tip", tip_id, series_id=series_id,
                before={"status": status}, after={"status": target.value})
    return TipWritten(tip_id, target.value, tx.changes)


def _set_status(tx: WriteTx, tip_id: int, current: str, target: TipStatus,
                **values: Any) -> None:
    done = tx.session.execute(
        update(Tip).where(Tip.id == tip_id, Tip.status == current)
        .values(status=target.value, triaged_by_id=tx.actor.id if tx.actor else None,
                triaged_at=tx.now, **values)
        .execution_options(synchronize_session=False))
    assert isinstance(done, CursorResult)
    if done.rowcount != 1:  # the row lock makes this a bug, not a race
        raise InvalidInput("tip", f"{tip_reference(tip_id)} changed meanwhile; try again")


def tip_to_clue(db: Database, actor: str, tip: int | str) -> tuple[int, Changes]:
    """A clue on the object's series that supports the tip's suggested country and cites the
    tip; the tip becomes "developed". Needs the series' claim, like any clue."""
    tip_id = _tip_id(tip)
    with write_tx(db, actor, Action.EDIT_CLUES) as tx:
        row = tx.session.execute(select(Tip, AppealObject)
                                 .join(AppealObject, AppealObject.id == Tip.appeal_object_id)
                                 .where(Tip.id == tip_id).with_for_update(of=Tip)).first()
        if row is None:
            raise NotFound("tip", tip_reference(tip_id))
        found, obj = row
        reference = tip_reference(tip_id)
        if found.clue_id is not None:
            raise InvalidInput("tip", f"{reference} is already clue CL-{found.clue_id}")
        if TipStatus(found.status) not in CLUE_FROM:
            check_tip_step(found.status, TipStatus.DEVELOPED, reference)
        if not found.suggested_country:
            raise InvalidInput("tip", f"{reference} names no country vidtask can read "
                               f"({found.suggested_place or 'none given'}); record the clue "
                               "by hand")
        values = clean_clue(_clue_input(found, obj, tx.session))
        clue = add_clue_in(tx, obj.series_id, values)
        _set_status(tx, tip_id, found.status, TipStatus.DEVELOPED, clue_id=clue.id)
        tx.emit("tip.clue_made", "tip", tip_id, series_id=obj.series_id,
                before={"status": found.status},
                after={"status": "developed", "clue": clue.id,
                       "country": found.suggested_country})
        clue_id = clue.id
    return clue_id, tx.changes


def _clue_input(tip: Tip, obj: AppealObject, session: Session) -> ClueInput:
    category = None
    if obj.clue_id is not None:
        category = session.scalar(select(Clue.category).where(Clue.id == obj.clue_id))
    if category is None:
        words = obj.object_type.lower().replace(",", " ").split()
        category = next((CATEGORY_WORDS[w] for w in words if w in CATEGORY_WORDS),
                        ClueCategory.PRODUCT)
    received = tip.received_at.astimezone(UTC)
    quoted = tip.text if len(tip.text) <= 400 else tip.text[:399] + "…"
    country = tip.suggested_country or ""
    return ClueInput(
        category=str(category),
        description=(f"Public appeal {obj.public_id} ({obj.object_type}): "
                     f"{tip_reference(tip.id)} ({tip.channel}, {received:%Y-%m-%d %H:%M} UTC) "
                     f"points to {country_label(country)}: “{quoted}”"),
        evidence_region=f"appeal object {obj.public_id}",
        confidence=ClueConfidence.MEDIUM, supports=(country,))


# ------------------------------------------------------------------ reading

#: One inbox row: what the tip inbox shows and filters on (plain values: a tuple per tip).
InboxRow = tuple[int, int, str, datetime, str, str, str | None, str, str, str, int | None]
INBOX_FIELDS = ("id", "object_id", "public_id", "received_at", "channel", "status",
                "suggested_country", "suggested_place", "text", "text_key", "clue_id")
INBOX_TEXT = 300  # characters of a tip's text the inbox holds (the detail reads it all)


def inbox_rows(db: Database, sprint_id: int, tip_ids: Sequence[int] | None = None
               ) -> list[InboxRow]:
    """Every tip about the sprint's appeal objects (or just `tip_ids`), oldest first."""
    columns = (Tip.id, Tip.appeal_object_id, AppealObject.public_id, Tip.received_at,
               Tip.channel, Tip.status, Tip.suggested_country, Tip.suggested_place,
               func.substr(Tip.text, 1, INBOX_TEXT), Tip.text_key, Tip.clue_id)
    query = (select(*columns).join(AppealObject, AppealObject.id == Tip.appeal_object_id)
             .join(Series, Series.id == AppealObject.series_id)
             .where(Series.sprint_id == sprint_id))
    if tip_ids is not None:
        if not tip_ids:
            return []
        query = query.where(Tip.id.in_(list(tip_ids)))
    with db.read() as session:
        return [tuple(r) for r in session.execute(query.order_by(Tip.received_at, Tip.id))]


@dataclass(frozen=True, slots=True)
class TipDetail:
    id: int
    public_id: str
    object_type: str
    series_code: str
    received_at: datetime
    channel: str
    source: str
    text: str
    suggested_place: str
    suggested_country: str | None
    status: str
    recorded_by: str | None
    triaged_by: str | None
    triaged_at: datetime | None
    clue_id: int | None
    group_size: int
    #: None when the reader may not see contacts (or none was left)
    contact: str | None

    @property
    def reference(self) -> str:
        return tip_reference(self.id)


def tip_detail(db: Database, reader_role: str, tip: int | str) -> TipDetail:
    """One tip in full; its contact only for coordinators (PostgreSQL also hides it by rule)."""
    tip_id = _tip_id(tip)
    recorder, triager = aliased(Participant), aliased(Participant)
    with db.read() as session:
        row = session.execute(
            select(Tip, AppealObject.public_id, AppealObject.object_type, Series.code,
                   recorder.login, triager.login)
            .join(AppealObject, AppealObject.id == Tip.appeal_object_id)
            .join(Series, Series.id == AppealObject.series_id)
            .outerjoin(recorder, recorder.id == Tip.recorded_by_id)
            .outerjoin(triager, triager.id == Tip.triaged_by_id)
            .where(Tip.id == tip_id)).first()
        if row is None:
            raise NotFound("tip", tip_reference(tip_id))
        found, public, object_type, code, recorded_by, triaged_by = row
        group = session.scalar(select(func.count()).select_from(Tip).where(
            Tip.appeal_object_id == found.appeal_object_id, Tip.text_key == found.text_key))
        contact = None
        if may(reader_role, Action.SEE_TIP_CONTACTS):
            contact = session.scalar(select(TipContact.contact)
                                     .where(TipContact.tip_id == tip_id))
        return TipDetail(found.id, public, object_type, code, found.received_at, found.channel,
                         found.source, found.text, found.suggested_place,
                         found.suggested_country, found.status, recorded_by, triaged_by,
                         found.triaged_at, found.clue_id, int(group or 1), contact)


@dataclass(frozen=True, slots=True)
class TipListing:
    id: int
    public_id: str
    received_at: datetime
    channel: str
    status: str
    suggested_place: str
    suggested_country: str | None
    text: str
    group_size: int
    clue_id: int | None
    contact: str | None = None

    @property
    def reference(self) -> str:
        return tip_reference(self.id)


def list_tips(db: Database, sprint_id: int, *, appeal: str | None = None,
              status: str | None = None, country: str | None = None,
              with_contacts: bool = False, limit: int | None = None) -> list[TipListing]:
    """Tips of the sprint's objects for the CLI, filtered in SQL; contacts only if asked and
    allowed (the caller checks the role; PostgreSQL's rules hide them from others anyway)."""
    group = (select(Tip.appeal_object_id.label("oid"), Tip.text_key.label("key"),
                    func.count().label("n"))
             .group_by(Tip.appeal_object_id, Tip.text_key).subquery())
    query = (select(Tip.id, AppealObject.public_id, Tip.received_at, Tip.channel, Tip.status,
                    Tip.suggested_place, Tip.suggested_country, Tip.text, group.c.n,
                    Tip.clue_id)
             .join(AppealObject, AppealObject.id == Tip.appeal_object_id)
             .join(Series, Series.id == AppealObject.series_id)
             .join(group, (group.c.oid == Tip.appeal_object_id) & (group.c.key == Tip.text_key))
             .where(Series.sprint_id == sprint_id))
    if appeal:
        query = query.where(AppealObject.public_id == appeal.strip().upper())
    if status:
        query = query.where(Tip.status == TipStatus(status).value)
    if country:
        query = query.where(Tip.suggested_country == country.strip().upper())
    query = query.order_by(Tip.received_at, Tip.id)
    if limit:
        query = query.limit(limit)
    with db.read() as session:
        rows = session.execute(query).all()
        contacts: dict[int, str] = {}
        if with_contacts and rows:
            ids = [r[0] for r in rows]
            for start in range(0, len(ids), 5000):
                contacts.update((tip_id, contact) for tip_id, contact in session.execute(
                    select(TipContact.tip_id, TipContact.contact)
                    .where(TipContact.tip_id.in_(ids[start:start + 5000]))))
        return [TipListing(*r, contact=contacts.get(r[0])) for r in rows]  # type: ignore[misc]


def tip_counts(rows: Sequence[InboxRow], key: Callable[[InboxRow], str | None]
               ) -> list[tuple[str, int]]:
    """Tips per object or per country, most first (the inbox's side tables)."""
    counts = Counter(key(r) or "" for r in rows)
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
