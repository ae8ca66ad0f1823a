"""Intake: load series and their media from VICS JSON, ICSE CSV and hash lists into a sprint.

One file is one transaction: a crash, a Cancel, a fatal format error or `strict` meeting a
problem leaves the database exactly as it was. Media are keyed by MD5 per series, so importing
the same file again adds nothing. Rows go in through the driver in batches (executemany on
SQLite, COPY on PostgreSQL) inside the same transaction, with the existing MD5s of each series
loaded once, so a million-record file needs no per-row query. Audit: one event per series
touched and one `intake.imported` event, never one per media row.
"""

from __future__ import annotations

import json
import os
import tempfile
import threading
import time
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, cast

import msgspec
from sqlalchemy import ColumnElement, Table, bindparam, func, insert, or_, select, update
from sqlalchemy.orm import Session, aliased

from vidtask.db.engine import Database
from vidtask.db.models import IntakeCase, Media, Series
from vidtask.domain.changes import Changes
from vidtask.domain.errors import VidtaskError
from vidtask.domain.media import CaseInfo, ImportFormatError, ImportIssue, MediaRecord
from vidtask.domain.media_merge import merge_into
from vidtask.domain.permissions import Action
from vidtask.domain.progress import Progress as SharedProgress
from vidtask.interchange.hashlist import read_hashlist
from vidtask.interchange.icse import read_icse
from vidtask.interchange.vics import read_vics
from vidtask.services.common import load_sprint
from vidtask.services.intake_pipeline import ParseAhead
from vidtask.services.intake_sink import MediaSink
from vidtask.services.intake_stage import ScratchSink, copy_staged, shared_with_stored
from vidtask.services.series import NewSeries, add_series, link_series, set_series_media_flags
from vidtask.services.tx import WriteTx, write_tx

TICK_RECORDS = 1000  # records between cancel checks and progress reports
MERGE_BATCH = 2000  # known media looked up together for the re-import merge
MAX_LISTED_ISSUES = 100  # skipped records the report lists; the count covers all
MAX_SERIES_CODE = 100  # Series.code length
# Parse in the caller's thread: parsing and row preparation hold the GIL, so a second thread
# only added GIL hand-offs (300k records, one run each: PostgreSQL 16.2 s threaded, 15.5 s
# inline beside COPY 12.3/11.9 s; SQLite 22.1 s threaded, 20.1 s inline). PostgreSQL still
# inserts while we parse (the COPY is streamed to the server's own process).
PARSE_ON_A_THREAD = False

# one encoder for every row: json.dumps with options builds a new one per call
_encode_extra = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode

# What the parse thread makes of one MediaRecord: (series names, key, the row without its
# series_id and case, record number, the record itself for a merge).
Prepared = tuple[tuple[str, ...], bytes | str, tuple[Any, ...], int, MediaRecord]
_MERGE_COLUMNS = ("id", "md5", "sha1", "sha256", "pdq", "pdq_quality", "size_bytes", "mime_type",
                  "category_code", "category_scheme", "victim_identified",
                  "offender_identified", "is_distributed", "vics_media_id", "extra",
                  "provenance")


# The VICS keys whose values both readers leave as text, booleans, null or (Tags) a list of
# text: such an ``extra`` encodes the same through msgspec as through json (no float, whose
# exponent msgspec writes as "1e16" where json writes "1e+16"), five times faster.
_TEXT_ONLY_KEYS = frozenset({"DateUpdated", "IsPrecategorized", "PrecategorizationSource",
                             "IsSuspected", "Tags", "Comments", "RelativeFilePath", "PhotoDNA"})
_fast_encode = msgspec.json.Encoder().encode


def encode_extra(extra: dict[str, Any]) -> str:
    """``extra`` as the JSON text stored in the row (compact, UTF-8, keys in order)."""
    # DateUpdated is the one of these keys a reader keeps "as written" when it is not a date
    if _TEXT_ONLY_KEYS.issuperset(extra) and type(extra.get("DateUpdated", "")) is str:
        try:
            return _fast_encode(extra).decode()
        except UnicodeEncodeError:  # a lone surrogate: json writes it as it is
            pass
    return _encode_extra(extra)


def prepare_record(r: MediaRecord, record_no: int) -> Prepared:
    """Everything about a record's rows that needs no database (runs on the parse thread)."""
    tail = (r.md5, r.sha1, r.sha256, r.pdq, r.pdq_quality, r.size_bytes, r.mime_type,
            r.category_code, r.category_scheme, r.victim_identified, r.offender_identified,
            r.is_distributed, r.vics_media_id, encode_extra(r.extra),
            _encode_extra(r.provenance) if r.provenance else "{}")
    return (r.series_names, _media_key(r.md5, r.sha1), tail, record_no, r)

#: How a caller stops an import: the shared `Progress` object (the UI), an Event or a callable.
Cancel = Callable[[], bool] | threading.Event | SharedProgress


class IntakeRefused(VidtaskError):
    """The file was not imported at all; the database is unchanged."""


class ImportCancelled(VidtaskError):
    def __init__(self) -> None:
        super().__init__("The import was cancelled; nothing was imported.")


@dataclass(frozen=True, slots=True)
class ImportProgress:
    records: int  # records read so far, skipped ones included
    bytes_read: int
    bytes_total: int | None  # None when the stream's size is unknown (a pipe)
    seconds: float

    @property
    def records_per_second(self) -> float:
        return self.records / self.seconds if self.seconds > 0 else 0.0

    @property
    def fraction(self) -> float | None:
        if not self.bytes_total:
            return None
        return min(1.0, self.bytes_read / self.bytes_total)

    @property
    def eta_seconds(self) -> float | None:
        """Seconds left, estimated from the bytes still to read at the rate so far."""
        if not self.bytes_total or self.bytes_read <= 0 or self.seconds <= 0:
            return None
        rate = self.bytes_read / self.seconds
        return max(0.0, (self.bytes_total - self.bytes_read) / rate)

    @property
    def line(self) -> str:
        """"12,000 records · 3,400/s · ETA 0:12"."""
        eta = self.eta_seconds
        left = "—" if eta is None else f"{int(eta) // 60}:{int(eta) % 60:02d}"
        return f"{self.records:,} records · {self.records_per_second:,.0f}/s · ETA {left}"


#: The CLI's bar takes each ImportProgress; the UI passes the shared `Progress` object, which
#: hears (bytes read, bytes in the file, `ImportProgress.line`) and also cancels.
Progress = Callable[[ImportProgress], None] | SharedProgress


@dataclass(slots=True)
class SeriesIntake:
    """What one file did to one series."""

    series_id: int
    code: str
    vics_name: str | None
    created: bool
    new: int = 0
    already: int = 0
    updated: int = 0  # known media the file added facts to
    victim_identified: int = 0  # records in the file marked VictimIdentified
    distributed: int = 0  # records in the file marked IsDistributed

    @property
    def flagged(self) -> bool:
        return self.victim_identified > 0 or self.distributed > 0


@dataclass(slots=True)
class ImportReport:
    format: str
    dry_run: bool
    records: int = 0  # records in the file, skipped ones included
    new: int = 0  # records that added at least one media row
    updated: int = 0  # records that added no row but new facts to a known one
    already: int = 0  # records every series of which already held, with nothing new
    skipped: int = 0
    warnings: int = 0  # records kept with a field read another way, or a kept conflict
    issue_count: int = 0  # all problems, including file-level ones (record 0)
    issues: list[ImportIssue] = field(default_factory=list)  # the first MAX_LISTED_ISSUES
    series: list[SeriesIntake] = field(default_factory=list)
    links: list[tuple[str, str]] = field(default_factory=list)
    cases: int = 0
    scheme: str | None = None
    seconds: float = 0.0
    changes: Changes = field(default_factory=Changes)

    @property
    def series_created(self) -> int:
        return sum(1 for s in self.series if s.created)

    @property
    def victim_identified(self) -> int:
        return sum(s.victim_identified for s in self.series)

    @property
    def distributed(self) -> int:
        return sum(s.distributed for s in self.series)

    def summary(self) -> str:
        """One line: "1,000 records: 990 new, 0 already there, 10 skipped (first 10 listed)"."""
        plural = "" if self.records == 1 else "s"
        updated = f"{self.updated:,} updated, " if self.updated else ""
        text = (f"{self.records:,} record{plural}: {self.new:,} new, {updated}"
                f"{self.already:,} already there, {self.skipped:,} skipped")
        if self.skipped or self.issues:
            text += f" ({'first ' if self.issue_count > len(self.issues) else ''}"
            text += f"{len(self.issues):,} listed)" if self.issues else "none listed)"
        if self.warnings:
            text += f"; {self.warnings:,} warning{'' if self.warnings == 1 else 's'}"
        if self.dry_run:
            text += " — dry run, nothing was saved"
        return text


READ_AHEAD_BYTES = 4 << 20  # one read from the file per 4 MiB (see _Counting)


class _Counting:
    """Wraps the binary stream: counts the bytes handed out (the progress bar) and reads ahead.

    The parser asks for 64 KB at a time; every read from a real file releases the GIL, and
    while the writing thread holds it the parse thread then waits up to the switch interval
    (5 ms) to get it back — 2,900 reads for a 180 MB file cost seconds. Reading 4 MiB blocks
    and handing them out from memory leaves the readers' view of the stream unchanged.
    """

    def __init__(self, raw: IO[bytes]) -> None:
        self._raw = raw
        self._block = b""
        self._at = 0
        self.bytes_read = 0

    def _fill(self, size: int) -> Any:
        """The next block from the stream (b"" at its end; a str from a text stream is handed
        back as it is, for the reader to refuse)."""
        block = self._raw.read(max(size, READ_AHEAD_BYTES))
        if type(block) is not bytes:
            if isinstance(block, bytearray | memoryview):
                block = bytes(block)
            else:
                return block
        self._block, self._at = block, 0
        return block

    def read(self, size: int = -1) -> bytes:
        if size == 0:
            return self._raw.read(0)
        block, at = self._block, self._at
        if at >= len(block):
            if size is None or size < 0:
                data = self._raw.read()
            else:
                data = self._fill(size)
                if type(data) is not bytes:
                    return data
                if len(data) > size:
                    data = data[:size]
                    self._at = size
                else:
                    self._block, self._at = b"", 0
        elif size is None or size < 0:
            rest = self._raw.read()
            data = block[at:] + (rest or b"")
            self._block, self._at = b"", 0
        else:
            data = block[at:at + size]
            self._at = at + len(data)
        if data:
            self.bytes_read += len(data)
        return data

    def readline(self, size: int = -1) -> bytes:
        parts: list[bytes] = []
        left = size if size is not None and size >= 0 else None
        while left is None or left > 0:
            block, at = self._block, self._at
            if at >= len(block):
                more = self._fill(0)
                if type(more) is not bytes:
                    return more
                if not more:
                    break
                block, at = self._block, self._at
            end = len(block) if left is None else min(len(block), at + left)
            newline = block.find(b"\n", at, end)
            stop = end if newline < 0 else newline + 1
            parts.append(block[at:stop])
            self._at = stop
            if left is not None:
                left -= stop - at
            if newline >= 0:
                break
        data = b"".join(parts)
        self.bytes_read += len(data)
        return data


def _bytes_left(stream: IO[bytes]) -> int | None:
    try:
        return os.fstat(stream.fileno()).st_size - stream.tell()
    except (OSError, AttributeError, ValueError):
        pass
    try:
        if stream.seekable():
            here = stream.tell()
            end = stream.seek(0, os.SEEK_END)
            stream.seek(here)
            return end - here
    except (OSError, AttributeError, ValueError):
        pass
    return None


def _cancelled(cancel: Cancel | None) -> bool:
    if cancel is None:
        return False
    if isinstance(cancel, threading.Event):
        return cancel.is_set()
    if isinstance(cancel, SharedProgress):
        return cancel.cancelled
    return bool(cancel())


def _media_key(md5: str | None, sha1: str | None) -> bytes | str:
    """A media's key within a series: its MD5, else (SHA1-only sources) its SHA-1."""
    if md5 is None:
        return f"sha1:{sha1}"
    # 16 bytes instead of a 32-char str: a million keys fit in ~50 MB
    try:
        return bytes.fromhex(md5)
    except ValueError:
        return md5


def clean_series_name(name: str) -> str:
    """A series name as a code: control characters dropped, whitespace collapsed."""
    text = "".join(c for c in name if unicodedata.category(c)[0] != "C" or c in " \t")
    return " ".join(text.split())


class _Skip(Exception):
    def __init__(self, field: str, reason: str) -> None:
        super().__init__(reason)
        self.field = field
        self.reason = reason


class _DryRun(Exception):
    """Raised inside the transaction to roll a dry run back."""


class _Intake:
    """The state of one import inside its transaction."""

    def __init__(self, tx: WriteTx | None, session: Session, sprint_id: int, *,
                 report: ImportReport, default_series: str | None, fmt: str,
                 sink: MediaSink | ScratchSink | None = None) -> None:
        # tx is None while a SQLite file is staged (intake_stage.py): reads only, new series
        # and cases get provisional negative ids, merges are planned and written later
        self.tx = tx
        self.session = session
        self.sprint_id = sprint_id
        self.report = report
        self.fmt = fmt
        self.default_series = clean_series_name(default_series) if default_series else None
        sprint = load_sprint(session, sprint_id)
        self.default_handling = sprint.default_handling
        self.by_name: dict[str, int] = {}
        self.infos: dict[int, SeriesIntake] = {}
        self.known: dict[int, set[bytes | str]] = {}  # keys stored before this import
        self.added: dict[int, set[bytes | str]] = {}  # keys this import adds
        self.provisional: dict[int, str] = {}  # staged: new series' names by provisional id
        self.planned: dict[int, tuple[dict[str, Any], dict[str, Any], int]] = {}
        self.deferred: list[tuple[int, bytes | str, MediaRecord, int]] = []
        # staged: links to series already holding this file's media, found before the lock
        self.stored_links: list[tuple[int, int, str, str]] | None = None
        rows = session.execute(select(Series.id, Series.code, Series.vics_name)
                                  .where(Series.sprint_id == sprint_id))
        self.existing: dict[str, tuple[int, str, str | None]] = {}
        for sid, code, vics_name in rows:
            self.existing.setdefault(code, (sid, code, vics_name))
        for sid, code, vics_name in list(self.existing.values()):
            if vics_name:  # the VICS name wins over a code that happens to match
                self.existing[clean_series_name(vics_name)] = (sid, code, vics_name)
        self.pairs: dict[tuple[int, int], str] = {}
        self.own_issues: list[ImportIssue] = []
        self.warnings: list[ImportIssue] = []
        # known media met again: (series_id, key, record, record_no), merged in batches
        self.pending: list[tuple[int, bytes | str, MediaRecord, int]] = []
        self.waiting: set[int] = set()  # records counted "already" until their merge is known
        self.no_series = 0  # records refused only because they name no series
        self.cases: list[tuple[CaseInfo, int]] = []
        self.case_id: int | None = None
        # rows above this id are the ones this import adds (for links to earlier imports)
        self.max_media_id = 0 if tx is None else (
            session.scalar(select(func.max(Media.id))) or 0)
        self.sink: MediaSink | ScratchSink = sink if sink is not None else MediaSink(
            session.connection(), tx is not None and tx.db.is_postgresql)

    # -- series and cases -------------------------------------------------------------------

    def series_for(self, raw_name: str) -> SeriesIntake:
        found = self.by_name.get(raw_name)
        if found is not None:
            return self.infos[found]
        self.sink.pause()  # the connection is needed for other statements
        name = clean_series_name(raw_name)
        if not name:
            raise _Skip("Series", "the series name is empty")
        if len(name) > MAX_SERIES_CODE:
            raise _Skip("Series", f"the series name is longer than {MAX_SERIES_CODE} "
                        f"characters: {name[:40]!r}…")
        hit = self.existing.get(name)
        if hit is not None:
            sid, code, vics_name = hit
            info = self.infos.get(sid)
            if info is None:
                info = SeriesIntake(sid, code, vics_name, created=False)
                self.known[sid] = {_media_key(m, s) for m, s in self.session.execute(
                    select(Media.md5, Media.sha1).where(Media.series_id == sid))}
                self.added[sid] = set()
        else:
            if self.tx is None:
                sid = -(len(self.provisional) + 1)
                self.provisional[sid] = name
                info = SeriesIntake(sid, name, name, created=True)
            else:
                series = add_series(self.tx, self.sprint_id,
                                    NewSeries(code=name, vics_name=name), self.default_handling)
                info = SeriesIntake(series.id, series.code, name, created=True)
            self.existing[name] = (info.series_id, info.code, name)
            self.known[info.series_id] = set()
            self.added[info.series_id] = set()
        self.infos[info.series_id] = info
        self.by_name[raw_name] = info.series_id
        return info

    def case(self, case: CaseInfo) -> None:
        """A case header: stored, and the media that follow it point to it."""
        self.sink.pause()
        if self.tx is None:
            self.case_id = -(len(self.cases) + 1)
        else:
            self.case_id = self.session.execute(
                insert(IntakeCase).values(sprint_id=self.sprint_id, format=self.fmt,
                                          **_case_values(case)).returning(IntakeCase.id)
            ).scalar_one()
        self.cases.append((case, self.case_id))

    # -- records ------------------------------------------------------------------------------

    def add(self, prepared: Prepared) -> bool:
        """Write the record's rows; True if the record is kept (new, merged or already there)."""
        names, record_no = prepared[0], prepared[3]
        if not names:
            if self.default_series is None:
                self.no_series += 1
                self.own_issues.append(ImportIssue(
                    record_no, None, "Series",
                    "the record names no series (choose a series for records without one)"))
                return False
            names = (self.default_series,)
        by_name = self.by_name
        try:
            targets = [self.infos[by_name[n]] if n in by_name else self.series_for(n)
                       for n in names]
        except _Skip as exc:
            self.own_issues.append(ImportIssue(record_no, None, exc.field, exc.reason))
            return False
        if len(targets) == 1:
            added = self._add_to(targets[0], prepared)
        else:
            added = self._add_to_several(targets, prepared)
        if added:
            self.report.new += 1
            self.waiting.discard(record_no)
        else:
            self.report.already += 1
        if len(self.pending) >= MERGE_BATCH:
            self.merge_pending()
        return True

    def _add_to(self, info: SeriesIntake, prepared: Prepared) -> bool:
        """Count one record against one series; queue its row, or its merge if known."""
        _, key, tail, record_no, record = prepared
        sid = info.series_id
        known, added = self.known[sid], self.added[sid]
        if record.victim_identified:
            info.victim_identified += 1
        if record.is_distributed:
            info.distributed += 1
        if key in known or key in added:
            queue = self.deferred if self.tx is None and key in added else self.pending
            queue.append((sid, key, record, record_no))
            self.waiting.add(record_no)
            return False
        if record.md5 is not None and record.sha1 is not None:
            by_sha1 = f"sha1:{record.sha1}"
            if by_sha1 in known or by_sha1 in added:  # a SHA1-only row: the merge adds its MD5
                added.add(key)
                queue = (self.deferred if self.tx is None and by_sha1 in added
                         else self.pending)
                queue.append((sid, by_sha1, record, record_no))
                self.waiting.add(record_no)
                return False
        added.add(key)
        info.new += 1
        self.sink.add((info.series_id, *tail, self.case_id))
        return True

    def _add_to_several(self, targets: list[SeriesIntake], prepared: Prepared) -> bool:
        record = prepared[4]
        added = False
        seen: set[int] = set()
        for info in targets:
            if info.series_id in seen:
                continue
            seen.add(info.series_id)
            added = self._add_to(info, prepared) or added
        if len(seen) > 1:
            ordered = sorted(seen)
            for i, a in enumerate(ordered):
                for b in ordered[i + 1:]:
                    self.pairs.setdefault((a, b), record.md5 or f"SHA-1 {record.sha1}")
        return added

    # -- re-import: new facts into known media ------------------------------------------------

    def merge_pending(self) -> None:
        """Merge the queued records into their stored rows (docs/interchange.md, Re-import)."""
        if not self.pending:
            return
        self.sink.pause()  # rows of this file must be visible, and the connection free
        pending, self.pending = self.pending, []
        table = cast(Table, Media.__table__)
        stored: dict[tuple[int, bytes | str], dict[str, Any]] = {}
        by_series: dict[int, tuple[list[str], list[str]]] = {}
        for sid, key, _, _ in pending:
            md5s, sha1s = by_series.setdefault(sid, ([], []))
            if isinstance(key, str) and key.startswith("sha1:"):
                sha1s.append(key[5:])
            else:
                md5s.append(key.hex() if isinstance(key, bytes) else key)
        columns = [table.c[name] for name in _MERGE_COLUMNS] + [table.c.series_id]
        session = self.session
        for sid, (md5s, sha1s) in by_series.items():
            wanted: list[ColumnElement[bool]] = []
            if md5s:
                wanted.append(table.c.md5.in_(sorted(set(md5s))))
            if sha1s:
                wanted.append(table.c.md5.is_(None) & table.c.sha1.in_(sorted(set(sha1s))))
            for hit in session.execute(select(*columns).where(table.c.series_id == sid,
                                                              or_(*wanted))):
                values = dict(hit._mapping)
                stored[(sid, _media_key(values["md5"], values["sha1"]))] = values
        dirty: dict[int, tuple[dict[str, Any], dict[str, Any], int]] = {}
        for sid, key, record, record_no in pending:
            found = stored.get((sid, key))
            if found is None:  # cannot happen: the key was known; never fatal
                continue
            row = found
            merge = merge_into(row, record)
            for field_name, sentence in merge.conflicts:
                self.warnings.append(ImportIssue(
                    record_no, None, field_name, f"{_media_label(row)}: {sentence}", kept=True))
            if not merge.changes:
                continue
            before, after, _ = dirty.get(row["id"], ({}, {}, sid))
            for name, value in merge.changes.items():
                before.setdefault(name, row[name])
                after[name] = value
                row[name] = value
            dirty[row["id"]] = (before, after, sid)
            info = self.infos[sid]
            if record_no in self.waiting:
                self.waiting.discard(record_no)
                self.report.already -= 1
                self.report.updated += 1
            info.updated += 1
        if self.tx is None:
            self.planned.update(dirty)  # written by the write transaction (stage.py)
        else:
            self._write_updates(dirty)

    def _write_updates(self, dirty: dict[int, tuple[dict[str, Any], dict[str, Any], int]]
                       ) -> None:
        assert self.tx is not None
        groups: dict[tuple[str, ...], list[dict[str, Any]]] = {}
        for media_id, (before, after, sid) in dirty.items():
            groups.setdefault(tuple(sorted(after)), []).append({"_id": media_id, **after})
            self.tx.emit("media.updated", "media", media_id, series_id=sid,
                         sprint_id=self.sprint_id, before=before,
                         after={**after, "format": self.fmt})
        table = cast(Table, Media.__table__)
        for names, rows in groups.items():
            self.session.execute(
                update(table).where(table.c.id == bindparam("_id"))
                .values({name: bindparam(name) for name in names}), rows)

    # -- SQLite: the staged file into the write transaction -------------------------------

    def adopt(self, tx: WriteTx, scratch: Path) -> None:
        """Step two of a staged import (intake_stage.py): real ids for the provisional series
        and cases, the rows copied in one statement, the planned merges written."""
        self.tx, self.session = tx, tx.session
        self.max_media_id = self.session.scalar(select(func.max(Media.id))) or 0
        series_map: dict[int, int] = {}
        for staged, name in self.provisional.items():
            series = add_series(tx, self.sprint_id, NewSeries(code=name, vics_name=name),
                                self.default_handling)
            series_map[staged] = series.id
            info = self.infos.pop(staged)
            info.series_id, info.code = series.id, series.code
            self.infos[series.id] = info
            self.known[series.id] = self.known.pop(staged)
            self.added[series.id] = self.added.pop(staged)
        case_map: dict[int, int] = {}
        for i, (case, staged) in enumerate(self.cases):
            row_id = self.session.execute(
                insert(IntakeCase).values(sprint_id=self.sprint_id, format=self.fmt,
                                          **_case_values(case)).returning(IntakeCase.id)
            ).scalar_one()
            case_map[staged] = row_id
            self.cases[i] = (case, row_id)
        copy_staged(self.session.connection(), scratch, series_map, case_map)

        def real(sid: int) -> int:
            return series_map.get(sid, sid)

        self.pairs = {(min(real(a), real(b)), max(real(a), real(b))): md5
                      for (a, b), md5 in self.pairs.items()}
        if self.stored_links is not None:
            self.stored_links = [(real(a), real(b), code, md5)
                                 for a, b, code, md5 in self.stored_links]
        self._write_updates({media_id: (before, after, real(sid))
                             for media_id, (before, after, sid) in self.planned.items()})
        self.planned = {}
        # repeats within the file: their rows exist now, so they merge as usual in finish()
        self.pending = [(real(sid), key, record, no) for sid, key, record, no in self.deferred]
        self.deferred = []

    # -- the end ------------------------------------------------------------------------------

    def _shared_with_other_series(self) -> dict[int, str]:
        """Pairs (new row's series, other series of the sprint) sharing an MD5 that this
        import added: media already there from an earlier import, or in two records."""
        touched = [i.series_id for i in self.infos.values() if i.new]
        codes = {i.series_id: i.code for i in self.infos.values()}
        if not touched:
            return codes
        if self.stored_links is not None:  # staged on SQLite: found with no lock held
            for a, b, code, first in self.stored_links:
                if code:
                    codes[b] = code
                self.pairs.setdefault((min(a, b), max(a, b)), first)
            return codes
        new, old, other = aliased(Media), aliased(Media), aliased(Series)
        rows = self.session.execute(
            select(new.series_id, old.series_id, other.code, func.min(new.md5))
            .select_from(new)
            .join(old, (old.md5 == new.md5) & (old.series_id != new.series_id))
            .join(other, other.id == old.series_id)
            .where(new.id > self.max_media_id, new.series_id.in_(touched),
                   other.sprint_id == self.sprint_id)
            .group_by(new.series_id, old.series_id, other.code))
        for a, b, code, md5 in rows:
            codes[b] = code
            self.pairs.setdefault((min(a, b), max(a, b)), md5 or "")
        return codes

    def finish(self) -> None:
        self.merge_pending()
        self.sink.pause()
        tx = self.tx
        assert tx is not None
        fmt = self.fmt
        for case, case_row in self.cases:  # keys after a case's 'Media' list arrive late
            tx.session.execute(update(IntakeCase).where(IntakeCase.id == case_row)
                               .values(**_case_values(case)))
        codes = self._shared_with_other_series()
        for (a, b), md5 in sorted(self.pairs.items()):
            link_series(tx, a, b, f"media {md5} is in both (import)")
            self.report.links.append((codes[a], codes[b]))
        for info in self.infos.values():
            if (info.new or info.updated) and not info.created:
                set_series_media_flags(tx, info.series_id)
            tx.emit("series.media_imported", "series", info.series_id,
                    series_id=info.series_id, sprint_id=self.sprint_id,
                    after={"format": fmt, "new": info.new, "already": info.already,
                           "updated": info.updated,
                           "victim_identified": info.victim_identified,
                           "distributed": info.distributed, "created": info.created})
        self.report.series = sorted(self.infos.values(), key=lambda s: s.code)
        r = self.report
        tx.emit("intake.imported", "sprint", self.sprint_id, sprint_id=self.sprint_id,
                after={"format": fmt, "records": r.records, "new": r.new, "already": r.already,
                       "updated": r.updated, "skipped": r.skipped, "series": len(r.series),
                       "series_created": r.series_created, "links": len(r.links),
                       "victim_identified": r.victim_identified, "distributed": r.distributed,
                       "cases": len(self.cases)})


def _case_values(case: CaseInfo) -> dict[str, Any]:
    values: dict[str, Any] = {name: _clip(getattr(case, name), width)
                              for name, width in _CASE_WIDTHS.items()}
    values["extra"] = case.extra
    return values


_CASE_WIDTHS = {"case_id": 200, "case_number": 200, "contact_organization": 200,
                "contact_name": 200, "contact_phone": 100, "contact_email": 200,
                "contact_title": 200, "seizure_date": 50, "source_application_name": 200,
                "source_application_version": 100}


def _clip(value: str | None, width: int) -> str | None:
    return value if value is None or len(value) <= width else value[:width]


def _media_label(row: dict[str, Any]) -> str:
    return f"media {row['md5']}" if row["md5"] else f"media with SHA-1 {row['sha1']}"


def _run(db: Database, actor: str, sprint_id: int, stream: IO[bytes], *, fmt: str,
         open_reader: Callable[[Any], Any], dry_run: bool, strict: bool,
         progress: Progress | None, cancel: Cancel | None,
         default_series: str | None) -> ImportReport:
    report = ImportReport(format=fmt, dry_run=dry_run)
    total = _bytes_left(stream)
    counted = _Counting(stream)
    start = time.perf_counter()

    if cancel is None and isinstance(progress, SharedProgress):
        cancel = progress

    def tell(records: int, bytes_read: int) -> None:
        if progress is None:
            return
        step = ImportProgress(records, bytes_read, total, time.perf_counter() - start)
        if isinstance(progress, SharedProgress):
            progress.report(bytes_read, total or 0, step.line)
        else:
            progress(step)

    def read(intake: _Intake) -> tuple[Any, int, list[ImportIssue]]:
        reader = open_reader(counted)
        try:
            kept = _pump(intake, reader, counted, strict=strict, cancel=cancel, tell=tell)
            intake.sink.pause()
        except BaseException as exc:
            intake.sink.abort(exc)
            raise
        if _cancelled(cancel):
            raise ImportCancelled()
        read_issues = [i for i in reader.issues if not i.kept]
        issues = sorted(read_issues + intake.own_issues, key=lambda i: i.record_no)
        if strict and issues:
            _refuse_strict(issues)
        report.records = reader.records_read
        report.skipped = report.records - kept
        if kept == 0:
            _refuse_empty(intake, report.records, issues)
        return reader, kept, issues

    def conclude(intake: _Intake, reader: Any, issues: list[ImportIssue]) -> None:
        intake.finish()
        warnings = [i for i in reader.issues if i.kept] + intake.warnings
        report.warnings = len(warnings)
        everything = sorted(issues + warnings, key=lambda i: i.record_no)
        report.issue_count = len(everything)
        report.issues = everything[:MAX_LISTED_ISSUES]
        report.scheme = getattr(reader, "scheme", None)
        tell(reader.records_read, counted.bytes_read)
        if dry_run:
            raise _DryRun()

    scratch: ScratchSink | None = None
    try:
        if db.is_postgresql:
            with write_tx(db, actor, Action.IMPORT_SERIES) as tx:
                tx.allow_long_statements()  # one COPY for the whole file outlasts 30 s at 1M
                intake = _Intake(tx, tx.session, sprint_id, report=report,
                                 default_series=default_series, fmt=fmt)
                try:
                    reader, _, issues = read(intake)
                finally:
                    intake.sink.close()
                conclude(intake, reader, issues)
        else:
            # SQLite: parse and stage with no write lock; one short write transaction copies
            scratch = ScratchSink(_scratch_directory(db))
            with db.read() as session:
                intake = _Intake(None, session, sprint_id, report=report,
                                 default_series=default_series, fmt=fmt, sink=scratch)
                reader, _, issues = read(intake)
                intake.merge_pending()  # planned against what is stored; written below
                scratch.close()
                intake.stored_links = shared_with_stored(session.connection(), scratch.path,
                                                         sprint_id)
            with write_tx(db, actor, Action.IMPORT_SERIES) as tx:
                intake.adopt(tx, scratch.path)
                conclude(intake, reader, issues)
    except _DryRun:
        pass
    else:
        report.changes = tx.changes
    finally:
        if scratch is not None:
            scratch.remove()
    report.seconds = time.perf_counter() - start
    return report


def _scratch_directory(db: Database) -> Path:
    """Beside the database (same disk, same space), else the system's temporary folder."""
    database = db.engine.url.database
    folder = Path(database).expanduser().resolve().parent if database else None
    if folder is not None and os.access(folder, os.W_OK):
        return folder
    return Path(tempfile.gettempdir())


def _refuse_empty(intake: _Intake, records: int, issues: list[ImportIssue]) -> None:
    """No record of the file could be placed: one sentence, nothing saved, a non-zero exit."""
    if records == 0:
        raise IntakeRefused("Cannot import this file: it holds no media records. "
                            "Nothing was imported.")
    if intake.no_series and intake.no_series == len(issues):
        raise IntakeRefused(NO_SERIES)
    first = issues[0] if issues else None
    raise IntakeRefused(f"Cannot import this file: none of its {records:,} records could be "
                        f"imported (the first: {first}). Nothing was imported.")


NO_SERIES = ("This file names no series: give --series NAME (in the Import window: the "
             "'Series' field). Nothing was imported.")


def _pump(intake: _Intake, reader: Any, counted: _Counting, *, strict: bool,
          cancel: Cancel | None, tell: Callable[[int, int], None]) -> int:
    """Parse on a worker thread, write rows here; returns the number of records kept."""
    report = intake.report
    kept = 0
    add = intake.add
    try:
        with ParseAhead(reader, records_read=lambda: reader.records_read,
                        bytes_read=lambda: counted.bytes_read,
                        issues=lambda: len(reader.issues), prepare=prepare_record,
                        batch_records=TICK_RECORDS, threaded=PARSE_ON_A_THREAD) as batches:
            for batch in batches:
                report.cases += batch.cases
                for prepared in batch.records:
                    if type(prepared) is CaseInfo:
                        intake.case(prepared)
                    else:
                        kept += add(prepared)
                if strict and (any(not i.kept for i in reader.issues[:batch.reader_issues])
                               or intake.own_issues):
                    _refuse_strict([i for i in reader.issues[:batch.reader_issues]
                                    if not i.kept] + intake.own_issues)
                if not kept and intake.no_series >= TICK_RECORDS:
                    raise IntakeRefused(NO_SERIES)  # up front: the first records say enough
                if _cancelled(cancel):
                    raise ImportCancelled()
                tell(batch.records_read, batch.bytes_read)
    except ImportFormatError as exc:
        raise IntakeRefused(f"{exc} Nothing was imported.") from exc
    return kept


def _refuse_strict(issues: list[ImportIssue]) -> None:
    first = min(issues, key=lambda i: i.record_no)
    raise IntakeRefused(f"Strict import refused the file at the first problem: {first}. "
                        "Nothing was imported.")


def import_vics(db: Database, actor: str, sprint_id: int, stream: IO[bytes], *,
                series: str | None = None, dry_run: bool = False, strict: bool = False,
                progress: Progress | None = None, cancel: Cancel | None = None) -> ImportReport:
    """Import a VICS JSON file (v1.x/v2.0, #Media or #Cases). `series` takes records that
    name none."""
    return _run(db, actor, sprint_id, stream, fmt="VICS", open_reader=read_vics,
                dry_run=dry_run,
                strict=strict, progress=progress, cancel=cancel, default_series=series)


def import_icse(db: Database, actor: str, sprint_id: int, stream: IO[bytes], *,
                series: str | None = None, dry_run: bool = False, strict: bool = False,
                progress: Progress | None = None, cancel: Cancel | None = None) -> ImportReport:
    """Import an ICSE `;`-separated CSV; rows without a series name go to `series`."""
    return _run(db, actor, sprint_id, stream, fmt="ICSE", open_reader=read_icse,
                dry_run=dry_run,
                strict=strict, progress=progress, cancel=cancel, default_series=series)


def import_hashlist(db: Database, actor: str, sprint_id: int, stream: IO[bytes],
                    series_name: str, *, dry_run: bool = False, strict: bool = False,
                    progress: Progress | None = None, cancel: Cancel | None = None
                    ) -> ImportReport:
    """Import a plain hash list (one hash per line, or CSV with hash columns) into one series."""
    name = clean_series_name(series_name)
    if not name:
        raise IntakeRefused("A hash list is imported into a named series; give its name.")

    def open_reader(counted: Any) -> Iterator[MediaRecord]:
        return read_hashlist(counted, name)  # type: ignore[return-value]

    return _run(db, actor, sprint_id, stream, fmt="hash list", open_reader=open_reader,
                dry_run=dry_run,
                strict=strict, progress=progress, cancel=cancel, default_series=name)
