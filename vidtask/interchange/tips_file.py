"""Tips as the public web form exports them: CSV with a header row, or JSON as a list of objects.

Columns / keys (docs: README "Trace an Object"): `public_id` (the object's public ID, "G19"),
`received_at` (ISO 8601; a time without an offset is read as UTC), `text`, `suggested_country`
(ISO alpha-2, a country name or any place name; may be empty) and optional `contact`. Unknown
columns are ignored. Both readers stream: one row at a time, whatever the file's size. A row
that cannot be used comes out as a `RowProblem` with its line (CSV) or position (JSON) and one
reason; a file that is not a tips file at all raises `TipsFileError`.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO

from vidtask.domain.errors import VidtaskError

REQUIRED = ("public_id", "received_at", "text")
KNOWN = (*REQUIRED, "suggested_country", "contact")
#: Longest text accepted per column (characters); the database holds the same limits.
LIMITS = {"public_id": 20, "text": 10_000, "suggested_country": 200, "contact": 500}
MAX_NUMBER_DIGITS = 100  # longer digit runs crash the C JSON parser (see vics.py)
_LONG_NUMBER = re.compile(rb"[0-9]{%d}" % (MAX_NUMBER_DIGITS + 1))
_NUL_ESCAPE = re.compile(rb"(?<!\\)(?:\\\\)*\\u0000")


class TipsFileError(VidtaskError):
    """The file as a whole cannot be read as tips; nothing is imported."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path} is not a tips file: {reason}.")
        self.reason = reason


@dataclass(frozen=True, slots=True)
class TipRow:
    where: str  # "line 14" / "record 3": for messages only
    public_id: str
    received_at: datetime
    text: str
    suggested: str
    contact: str


@dataclass(frozen=True, slots=True)
class RowProblem:
    where: str
    reason: str

    @property
    def line(self) -> str:
        return f"{self.where}: {self.reason}"


def read_tips(path: Path) -> Iterator[TipRow | RowProblem]:
    """Rows of a tips file, by its extension (.json, else CSV) or its first character."""
    stream = path.open("rb")
    try:
        head = stream.read(64)
        stream.seek(0)
        start = head.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
        if path.suffix.lower() == ".json" or start == b"[":
            yield from _json_rows(stream, str(path))
        else:
            yield from _csv_rows(stream, str(path))
    finally:
        stream.close()


def _csv_rows(stream: IO[bytes], name: str) -> Iterator[TipRow | RowProblem]:
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", errors="strict", newline="")
    reader = csv.reader(text)
    try:
        header = next(reader)
    except StopIteration:
        raise TipsFileError(name, "it is empty") from None
    except (UnicodeDecodeError, csv.Error) as exc:
        raise TipsFileError(name, f"its first line cannot be read ({exc})") from None
    columns = [h.strip().lower() for h in header]
    missing = [c for c in REQUIRED if c not in columns]
    if missing:
        raise TipsFileError(name, f"the header row has no {', '.join(missing)} column "
                            f"(it needs {', '.join(REQUIRED)}; suggested_country and contact "
                            "are optional)")
    # where each known column is; -1: absent (optional columns), read as ""
    at = [columns.index(c) if c in columns else -1 for c in KNOWN]
    width = len(columns)
    while True:
        try:
            values = next(reader)
        except StopIteration:
            return
        except UnicodeDecodeError:
            raise TipsFileError(name, f"line {reader.line_num + 1} is not UTF-8 text") from None
        except csv.Error as exc:
            yield RowProblem(f"line {reader.line_num}", f"cannot be read as CSV ({exc})")
            continue
        if len(values) != width:
            if not any(v.strip() for v in values):
                continue  # blank line
            if len(values) > width:
                yield RowProblem(f"line {reader.line_num}",
                                 f"has {len(values)} fields, the header {width}")
                continue
            values = values + [""] * (width - len(values))
        yield _row(f"line {reader.line_num}",
                   *[values[i].strip() if i >= 0 else "" for i in at])


def _json_rows(stream: IO[bytes], name: str) -> Iterator[TipRow | RowProblem]:
    import ijson

    guarded = _GuardedStream(stream, name)
    number = 0
    try:
        for item in ijson.items(guarded, "item", use_float=True):
            number += 1
            where = f"record {number}"
            if not isinstance(item, dict):
                yield RowProblem(where, "is not an object with public_id, received_at, text")
                continue
            row = {key.lower(): value for key, value in item.items() if isinstance(key, str)}
            texts = []
            for column in KNOWN:
                value = row.get(column)
                if value is None:
                    value = ""
                elif not isinstance(value, str):
                    if column == "suggested_country" or isinstance(value, dict | list | bool):
                        texts = [column]
                        break
                    value = str(value)
                texts.append(value.strip())
            if len(texts) == 1:
                yield RowProblem(where, f"{texts[0]} is not text")
                continue
            yield _row(where, *texts)
    except ijson.JSONError as exc:
        raise TipsFileError(name, f"its JSON breaks after record {number} ({exc})") from None
    if number == 0 and not guarded.saw_list:
        raise TipsFileError(name, "the JSON is not a list of tips")


def _row(where: str, public: str, received_at: str, text: str, suggested: str,  # noqa: PLR0917
         contact: str) -> TipRow | RowProblem:
    """One row's values (stripped text, in KNOWN order) as a TipRow, or its one problem."""
    for column, value in (("public_id", public), ("received_at", received_at),
                          ("text", text)):
        if not value:
            return RowProblem(where, f"{column} is empty")
    for column, value in (("public_id", public), ("text", text),
                          ("suggested_country", suggested), ("contact", contact)):
        if len(value) > LIMITS[column]:
            return RowProblem(where, f"{column} is longer than {LIMITS[column]:,} characters")
    if "\x00" in text or "\x00" in suggested or "\x00" in contact or "\x00" in public:
        return RowProblem(where, "a value holds a NUL character")
    received = parse_moment(received_at)
    if received is None:
        return RowProblem(where, f"received_at {received_at[:40]!r} is not an ISO "
                          "8601 date and time (e.g. 2026-06-03T14:05:00+02:00)")
    return TipRow(where, public.upper(), received, text, suggested, contact)


def parse_moment(text: str) -> datetime | None:
    """An ISO 8601 moment as aware UTC ("…Z", "+02:00", or no offset = UTC); None if not one."""
    value = text.strip()
    if len(value) < 10 or len(value) > 40:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    if len(value) == 10:  # a date alone is not when a tip arrived
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


class _GuardedStream:
    """Hands the JSON parser bytes only after checking them for what crashes it: digit runs
    longer than MAX_NUMBER_DIGITS and NUL escapes (`\\u0000`)."""

    def __init__(self, raw: IO[bytes], name: str) -> None:
        self._raw = raw
        self._name = name
        self._tail = b""
        self._started = False
        self.saw_list = False
        self._decoder = codecs.getincrementaldecoder("utf-8")()

    def read(self, size: int = 65536) -> bytes:
        if size == 0:  # ijson asks for nothing to learn whether the stream gives bytes
            return b""
        chunk = self._raw.read(size if size > 0 else 65536)
        if not self._started and chunk:
            self._started = True
            if chunk.startswith(b"\xef\xbb\xbf"):
                chunk = chunk[3:]
            self.saw_list = chunk.lstrip(b" \t\r\n").startswith(b"[")
        try:
            self._decoder.decode(chunk, final=not chunk)
        except UnicodeDecodeError:
            raise TipsFileError(self._name, "it is not UTF-8 text") from None
        window = self._tail + chunk
        if _LONG_NUMBER.search(window):
            raise TipsFileError(self._name,
                                f"a number runs longer than {MAX_NUMBER_DIGITS} digits")
        if b"u0000" in window and _NUL_ESCAPE.search(window):
            raise TipsFileError(self._name, "a text value holds a NUL character (\\u0000)")
        self._tail = window[-(MAX_NUMBER_DIGITS + 8):]
        return chunk
