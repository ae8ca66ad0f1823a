"""Read VICS (Project VIC data model) JSON — hash sets and case exports — as a record stream.

Files hold up to millions of records and may be damaged or hostile, so nothing is loaded whole.
The common clean shape (a ``#Media`` hash set whose header comes first) takes a fast path: the
'value' list is cut between records at byte level into slices of ~128 KB, each decoded at once by
msgspec into typed structs (validated in C) that become MediaRecords without a Python dict;
a slice with anything unusual is read field by field, and one msgspec cannot decode goes on
through ijson's C builder, which words the error. The byte guard -- which sees every byte before
any parser does -- refuses over-long tokens and numbers, NUL escapes, oversized records and
nesting beyond the limit, so nothing hostile is ever built. Case exports and anything unusual
go through ijson's event stream and a small builder that limits nesting. Both paths turn the
fields into records with the same rules.
A bad record becomes an ``ImportIssue`` and is skipped; a file that cannot be read at all raises
``ImportFormatError``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Generator, Iterable, Iterator
from datetime import datetime
from decimal import Decimal
from itertools import accumulate
from typing import IO, Annotated, Any, Literal

import ijson
import msgspec
from msgspec import UNSET, UnsetType

from vidtask.domain.media import (
    UNCATEGORISED_CODES,
    CaseInfo,
    ImportFormatError,
    ImportIssue,
    MediaRecord,
    category_code_for,
)
from vidtask.interchange.hashes import (
    PHOTODNA_BASE64_LENGTH,
    normalize_md5,
    normalize_pdq,
    normalize_sha1,
    normalize_sha256,
    parse_bool,
    parse_int,
    photodna_base64,
)

DEFAULT_MAX_ISSUES = 1000
DEFAULT_MAX_DEPTH = 16  # nesting levels inside one record; real records need 3
DEFAULT_MAX_TOKEN_BYTES = 1 << 20  # longest string/number; PhotoDNA is ~200 bytes
DEFAULT_MAX_RECORD_BYTES = 16 << 20
# Longest run of digits: real VICS numbers have at most 20; yajl hands longer integers to
# Python's int(), which beyond 4,300 digits raises inside ijson's C backend and crashes it.
MAX_NUMBER_DIGITS = 100
MAX_SIZE = (1 << 63) - 1  # the database's BIGINT
MAX_CATEGORY = (1 << 31) - 1  # INTEGER
MAX_SHORT_TEXT = 100  # MediaID and MimeType columns
_CHUNK = 64 * 1024
_HEAD_BYTES = 4096  # read before choosing the path: room for the header and the list's start

HEADER_KEYS = ("@odata.context", "odata.metadata", "odata.context")
REGION_SCHEMES = {
    "default": "VICS-Default",
    "us": "VICS-US",
    "uk": "VICS-UK",
    "custom": "VICS-CUSTOM",
}
# v1.x has no regions; its codes are kept under their own scheme rather than guessed
V1_SCHEME = "VICS-1"

_CONTEXT = re.compile(
    r"DataModels/(?P<version>\d+(?:\.\d+)*)\.xml(?:/(?P<region>[A-Za-z]+))?/?(?:\$metadata)?"
    r"(?:#(?P<shape>\w+))?",
    re.IGNORECASE,
)
_UNESCAPED_QUOTE = re.compile(rb'(?<!\\)"')
# The fast path: header first, then the 'value' list (JSON whitespace only, as yajl would allow)
_FAST_HEAD = re.compile(
    rb'[ \t\r\n]*\{[ \t\r\n]*"(@odata\.context|odata\.metadata|odata\.context)"[ \t\r\n]*:'
    rb'[ \t\r\n]*"([^"\\\x00-\x1f]*)"[ \t\r\n]*,[ \t\r\n]*"value"[ \t\r\n]*:[ \t\r\n]*\['
)
# Structure scan: escapes dropped, then only quotes and brackets kept; "" pairs carry nothing
_ESCAPES = re.compile(rb"\\.", re.DOTALL)
_QUOTED = re.compile(rb'"[^"]*"')
_NOT_STRUCTURE = bytes(b for b in range(256) if b not in b'"[]{}')
_DEPTH_STEPS = bytes.maketrans(b"[{]}", b"\x01\x01\xff\xff")  # +1 / -1 as signed bytes
_OPENERS = frozenset(b"[{")
_CLOSERS = frozenset(b"]}")
_QUOTE, _BACKSLASH = ord('"'), ord("\\")
_DIGITS = b"0123456789"
_DIGIT_MARKS = bytes.maketrans(_DIGITS + bytes(b for b in range(256) if b not in _DIGITS),
                               b"1" * 10 + b"0" * 246)
_LONG_DIGITS = b"1" * (MAX_NUMBER_DIGITS + 1)
# \u0000 preceded by an even number of backslashes is a NUL character (odd: literal text)
_NUL_ESCAPE = re.compile(rb"(?<!\\)(?:\\\\)*\\u0000")
_NUL_SENTENCE = (
    "a text value holds a NUL character (\\u0000), which the database cannot store"
)
_PLAIN_TYPES = frozenset({str, int, bool, type(None)})

MEDIA_KEYS = (
    "MediaID", "Category", "MD5", "SHA1", "SHA256", "MediaSize", "DateUpdated",
    "IsPrecategorized", "PrecategorizationSource", "IsSuspected", "VictimIdentified",
    "OffenderIdentified", "IsDistributed", "Series", "Tags", "Comments", "RelativeFilePath",
    "MimeType", "PhotoDNA", "AlternativeHashes", "Exifs", "MediaFiles",
)  # fmt: skip
CASE_KEYS = (
    "CaseID", "CaseNumber", "ContactOrganization", "ContactName", "ContactPhone",
    "ContactEmail", "ContactTitle", "SeizureDate", "SourceApplicationName",
    "SourceApplicationVersion",
)  # fmt: skip
_MEDIA_KEY_SET = frozenset(MEDIA_KEYS)
_MEDIA_KEY_BY_LOWER = {k.lower(): k for k in MEDIA_KEYS}
_CASE_ATTRS = {
    "CaseID": "case_id",
    "CaseNumber": "case_number",
    "ContactOrganization": "contact_organization",
    "ContactName": "contact_name",
    "ContactPhone": "contact_phone",
    "ContactEmail": "contact_email",
    "ContactTitle": "contact_title",
    "SeizureDate": "seizure_date",
    "SourceApplicationName": "source_application_name",
    "SourceApplicationVersion": "source_application_version",
}
_CASE_KEY_BY_LOWER = {k.lower(): k for k in CASE_KEYS}
_PHOTODNA_B64 = re.compile(r"[A-Za-z0-9+/]{192}")  # 144 bytes: no padding
_ODATA_ANNOTATIONS = frozenset({"odata.id", "odata.editLink", "odata.type", "odata.etag",
                                "odata.readLink", "@odata.id", "@odata.editLink"})
_TEXT_EXTRAS = ("Comments", "RelativeFilePath", "PrecategorizationSource")
_LIST_EXTRAS = ("Exifs", "MediaFiles")
_SCALAR_EVENTS = frozenset({"string", "number", "boolean", "null"})
_OPEN_EVENTS = frozenset({"start_map", "start_array"})
_CLOSE_EVENTS = frozenset({"end_map", "end_array"})


class _Invalid(Exception):
    """One field makes a record unusable; becomes an ImportIssue."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(reason)
        self.field = field
        self.reason = reason


class _LimitExceeded(Exception):
    """The byte guard refused more input; carries the sentence and where."""

    def __init__(self, reason: str, byte_offset: int, *, in_record: bool = True) -> None:
        super().__init__(reason)
        self.reason = reason
        self.byte_offset = byte_offset
        self.in_record = in_record  # False: found ahead of the parser, whose place is unknown


class _TooDeep(_LimitExceeded):
    """The byte guard met nesting beyond the limit inside the 'value' list (fast path)."""

    def __init__(self, byte_offset: int, entries_closed: int) -> None:
        super().__init__("nests too deep", byte_offset)
        self.entries_closed = entries_closed  # list entries finished in the chunk before it


class _ByteGuard:
    """File-like wrapper handed to ijson: checks encoding and bounds tokens and records.

    yajl buffers a whole string before reporting it, so a 2 GB string would be held in memory:
    the guard refuses any run longer than ``max_token_bytes`` between unescaped quotes, and any
    record (since the reader's last ``mark()``) longer than ``max_record_bytes``.

    On the fast path (``enter_list``) it hands the parser only the 'value' list and also tracks
    nesting (brackets outside strings, escapes respected) so that the C builder never sees a
    record deeper than ``max_depth``; record boundaries then move the size mark. When the list
    closes it reports end of input; ``leave_list`` hands the rest on to the next parser.
    """

    def __init__(self, raw: IO[bytes], max_token_bytes: int, max_record_bytes: int) -> None:
        self._raw = raw
        self._max_token = max_token_bytes
        self._max_record = max_record_bytes
        self._chunk = max(16, min(_CHUNK, max_token_bytes))
        self.offset = 0  # bytes handed to the parser so far
        self._mark = 0
        self._since_quote = 0
        self._after_backslash = False
        self._digits = 0  # length of the digit run the last chunk ended in
        self._tail = b""  # the last bytes of the last chunk, for a \\u0000 split across chunks
        self._started = False
        self._held: bytes | None = None  # the first chunk, read early by head()
        # fast path: depth is 1 inside the 'value' list, 2 inside a record's braces
        self._in_list = False
        self._max_list_depth = 0
        self._depth = 0
        self._in_string = False
        self._escaped = False
        self._leftover: bytes | None = None  # what follows the list's closing bracket

    def mark(self) -> None:
        self._mark = self.offset

    def head(self) -> bytes:
        """The first chunk (checked for encoding); it is still handed to the parser later."""
        if self._held is None and not self._started:
            chunk = self._read_raw()
            while 0 < len(chunk) < _HEAD_BYTES:  # small chunks or a pipe: the header may span
                more = self._read_raw()
                if not more:
                    break
                chunk += more
            self._held = self._start(chunk)
        return self._held or b""

    def enter_list(self, skip: int, max_depth: int) -> None:
        """Fast path: drop the ``skip`` header bytes of the first chunk (the reader matched them
        up to the list's opening bracket, which stays); track nesting from there on."""
        assert self._held is not None and self.offset == self._mark
        self._held = self._held[skip:]
        self.offset += skip
        self._mark = self.offset
        self._in_list = True
        # as on the event path, each field of a record may nest max_depth levels (a list entry
        # that is not an object gets one level more, and is refused as a record anyway)
        self._max_list_depth = max_depth + 2

    def leave_list(self) -> None:
        """The list's parser is done; further reads hand out what follows the list."""
        self._in_list = False
        self._mark = self.offset

    def read(self, size: int = -1) -> bytes:
        if size == 0:  # ijson probes the stream type with read(0)
            return b""
        if self._leftover is not None:
            if self._in_list:
                return b""  # the list has closed: end of input for its parser
            chunk, self._leftover = self._leftover, None
            if chunk:
                return chunk  # already scanned and counted
        if self._held is not None:
            chunk, self._held = self._held, None
        else:
            chunk = self._read_raw()
            if not self._started:
                chunk = self._start(chunk)
        if chunk:
            self._scan(chunk)
            if self._in_list:
                chunk = self._structure(chunk)
            self.offset += len(chunk) + len(self._leftover or b"")
            if self.offset - self._mark > self._max_record:
                raise _LimitExceeded(
                    f"one record is larger than {self._max_record:,} bytes", self._mark
                )
        return chunk

    def _read_raw(self) -> bytes:
        chunk = self._raw.read(self._chunk)
        if not isinstance(chunk, bytes | bytearray):
            raise TypeError("read_vics needs a binary stream (open the file with 'rb')")
        return bytes(chunk)

    def _start(self, chunk: bytes) -> bytes:
        self._started = True
        while 0 < len(chunk) < 4:  # pipes may deliver a few bytes at a time
            more = self._raw.read(self._chunk)
            if not more:
                break
            chunk += more
        if not chunk.strip():
            raise ImportFormatError("the file is empty")
        if chunk.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
            raise ImportFormatError("the file is UTF-32 encoded; VICS files must be UTF-8")
        if chunk.startswith((b"\xff\xfe", b"\xfe\xff")) or _looks_utf16(chunk):
            raise ImportFormatError(
                "the file is UTF-16 encoded; VICS files must be UTF-8 (re-export or convert it)"
            )
        if chunk.startswith(b"\xef\xbb\xbf"):
            self.offset = 3
            self._mark = 3
            chunk = chunk[3:]
        if b"\x00" in chunk[:1024]:
            raise ImportFormatError("the file holds binary data, not VICS JSON text")
        return chunk

    def _scan(self, chunk: bytes) -> None:
        # one memchr decides: a chunk without a backslash holds no escape at all
        escapes = b"\\" in chunk
        self._scan_digits_and_nul(chunk, escapes)
        if (escapes and b'\\"' in chunk) or (self._after_backslash and chunk.startswith(b'"')):
            start = 1 if self._after_backslash and chunk.startswith(b'"') else 0
            found = [m.start() for m in _UNESCAPED_QUOTE.finditer(chunk, start)]
            first = found[0] if found else -1
            last = found[-1] if found else -1
        else:
            first = chunk.find(b'"')
            last = chunk.rfind(b'"') if first >= 0 else -1
        if first < 0:
            self._since_quote += len(chunk)
        else:
            self._check_run(self._since_quote + first)
            self._since_quote = len(chunk) - last - 1
        self._check_run(self._since_quote)
        self._after_backslash = chunk.endswith(b"\\")

    def _scan_digits_and_nul(self, chunk: bytes, escapes: bool) -> None:
        """Refuse over-long digit runs (numbers yajl would hand to int()) and NUL escapes."""
        lead = len(chunk) - len(chunk.lstrip(_DIGITS))
        if self._digits and self._digits + lead > MAX_NUMBER_DIGITS:
            self._refuse_digits(-self._digits)
        at = chunk.translate(_DIGIT_MARKS).find(_LONG_DIGITS)  # C speed over the whole chunk
        if at >= 0:
            self._refuse_digits(at)
        trailing = len(chunk) - len(chunk.rstrip(_DIGITS))
        self._digits = self._digits + trailing if trailing == len(chunk) else trailing
        if escapes or self._tail:
            window = self._tail + chunk if self._tail else chunk
            if b"u0000" in window:
                found = _NUL_ESCAPE.search(window)
                if found is not None:
                    where = self.offset + found.end() - 6 - len(self._tail)
                    raise _LimitExceeded(_NUL_SENTENCE, where, in_record=False)
        # a \u0000 split across chunks needs the end of this one; no backslash there, no need
        end = chunk[-64:]
        self._tail = end if b"\\" in end else b""

    def _refuse_digits(self, at: int) -> None:
        raise _LimitExceeded(
            f"a number runs longer than {MAX_NUMBER_DIGITS} digits", self.offset + at,
            in_record=False,
        )

    def _check_run(self, run: int) -> None:
        if run > self._max_token:
            raise _LimitExceeded(
                f"a single value runs longer than {self._max_token:,} bytes", self.offset
            )

    def _structure(self, chunk: bytes) -> bytes:
        """Track nesting over one chunk at C speed; returns the part that belongs to the list.

        Escape pairs are dropped (outside strings a backslash is a syntax error, where yajl
        stops before building anything after it), then everything but quotes and brackets;
        adjacent quotes enclose no bracket, so removing them keeps which brackets are quoted.
        Only when the chunk may break the limit or close the list is it walked byte by byte.
        """
        in_string, escaped, depth = self._in_string, self._escaped, self._depth
        body = chunk[1:] if escaped else chunk
        ends_escaped = False
        if b"\\" in body:
            body = _ESCAPES.sub(b"", body)
            ends_escaped = body.endswith(b"\\")  # an odd run of backslashes ends the chunk
            if ends_escaped:
                body = body[:-1]
        brackets = body.translate(None, _NOT_STRUCTURE)
        if in_string:
            brackets = b'"' + brackets
        brackets = brackets.replace(b'""', b"")
        ends_in_string = False
        if b'"' in brackets:
            brackets = _QUOTED.sub(b"", brackets)
            cut = brackets.find(b'"')
            if cut >= 0:
                ends_in_string = True
                brackets = brackets[:cut]
        end = depth
        lowest = deepest = depth
        closes = False
        if brackets:
            depths = list(
                accumulate(memoryview(brackets.translate(_DEPTH_STEPS)).cast("b"), initial=depth)
            )
            lowest, deepest, end = min(depths), max(depths), depths[-1]
            closes = min(depths[1:]) <= 0
        if deepest > self._max_list_depth or closes:
            return self._walk(chunk, in_string, escaped, depth)
        if lowest <= 1:  # a record ended here: the one still open started in this chunk
            self._mark = self.offset
        self._in_string, self._escaped, self._depth = ends_in_string, ends_escaped, end
        return chunk

    def _walk(self, chunk: bytes, in_string: bool, escaped: bool, depth: int) -> bytes:
        """Byte by byte, for the rare chunk that may be too deep or close the list."""
        closed = 0
        for i, byte in enumerate(chunk):
            if escaped:
                escaped = False
            elif in_string:
                if byte == _BACKSLASH:
                    escaped = True
                elif byte == _QUOTE:
                    in_string = False
            elif byte == _QUOTE:
                in_string = True
            elif byte in _OPENERS:
                depth += 1
                if depth > self._max_list_depth:
                    raise _TooDeep(self.offset + i, closed)
            elif byte in _CLOSERS:
                depth -= 1
                if depth == 1:
                    closed += 1
                elif depth <= 0:  # the list is closed: its parser gets no more
                    self._in_string, self._escaped, self._depth = False, False, 0
                    self._leftover = chunk[i + 1 :]
                    self._mark = self.offset
                    return chunk[: i + 1]
        # the two scans agree on valid JSON; after a syntax error yajl stops anyway
        if closed or self._depth <= 1:
            self._mark = self.offset
        self._in_string, self._escaped, self._depth = in_string, escaped, depth
        return chunk


def _looks_utf16(chunk: bytes) -> bool:
    """JSON starts with ASCII, so UTF-16 without BOM shows as X\\0X\\0… or \\0X\\0X…."""
    head = chunk[:8]
    if len(head) < 8:
        return False
    even, odd = head[0::2], head[1::2]
    return (odd.count(0) == 4 and 0 not in even) or (even.count(0) == 4 and 0 not in odd)


def _number(value: Any) -> Any:
    """ijson gives Decimal for non-integers; records hold plain JSON types (float, or text if
    the number is beyond float range) so they can be stored and exported as JSON."""
    if type(value) is Decimal:
        as_float = float(value)
        return as_float if math.isfinite(as_float) else str(value)
    return value


def _plain_numbers(container: dict[str, Any] | list[Any]) -> None:
    """Decimals from ijson's builder become what ``_number`` makes of them, at any depth."""
    pairs = container.items() if type(container) is dict else enumerate(container)
    for key, value in pairs:
        kind = type(value)
        if kind is Decimal:
            container[key] = _number(value)  # type: ignore[index]
        elif kind is dict or kind is list:
            _plain_numbers(value)


def _kind_of(value: Any) -> str:
    """``_describe`` for a built value."""
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float | Decimal):
        return "a number"
    if value is None:
        return "null"
    if isinstance(value, dict):
        return "an object"
    return "a list" if isinstance(value, list) else "text"


class _Prefixed:
    """A stream that yields ``prefix`` and then reads on from ``rest``."""

    def __init__(self, prefix: bytes, rest: _ByteGuard) -> None:
        self._prefix: bytes | None = prefix
        self._rest = rest

    def read(self, size: int = -1) -> bytes:
        if size == 0:
            return b""
        if self._prefix is not None:
            prefix, self._prefix = self._prefix, None
            return prefix
        return self._rest.read(size)


def _describe(event: str | None) -> str:
    return {
        "start_array": "a list",
        "start_map": "an object",
        "string": "text",
        "number": "a number",
        "boolean": "a boolean",
        "null": "null",
    }.get(event or "", "nothing")


# an offset followed by a stray 'Z' (older Clees4All: 2023-06-15T10:00:00.123+01:00Z)
_OFFSET_THEN_Z = re.compile(r"([+-]\d\d:?\d\d)Z\Z")


def _check_date(value: Any, field: str) -> None:
    if value is None or value == "":
        return
    if not isinstance(value, str):
        raise _Invalid(field, f"expected an ISO 8601 date, got {type(value).__name__}")
    try:
        datetime.fromisoformat(value.strip())
    except ValueError:
        raise _Invalid(field, f"not an ISO 8601 date: {value[:40]!r}") from None


def _date_field(extra: dict[str, Any], field: str, warnings: list[tuple[str, str]]) -> None:
    """An optional date: a known writer's variant is repaired, anything else kept as written
    with a warning; never a reason to skip the record."""
    value = extra.get(field)
    if value is None or (type(value) is str and _ISO_QUICK.match(value)):
        return
    try:
        _check_date(value, field)
    except _Invalid as exc:
        if isinstance(value, str):
            repaired = _OFFSET_THEN_Z.sub(r"\1", value.strip())
            if repaired != value.strip():
                try:
                    datetime.fromisoformat(repaired)
                except ValueError:
                    pass
                else:
                    extra[field] = repaired
                    warnings.append((field, f"{value[:40]!r} read as {repaired!r}"))
                    return
        warnings.append((field, f"{exc.reason}; kept as written"))


# the common clean form, checked without building a datetime
_ISO_QUICK = re.compile(
    r"\d{4}-[01]\d-[0-3]\dT[0-2]\d:[0-5]\d:[0-5]\d(?:\.\d{1,7})?(?:Z|[+-][01]\d:[0-5]\d)?\Z")


def _names(value: Any, field: str) -> list[str]:
    """Series/Tags arrive as "a, b" or ["a", "b"]; both become stripped, non-empty names."""
    if value is None:
        return []
    if type(value) is str:
        if "," not in value:  # the common single name
            name = value.strip()
            return [name] if name else []
        parts = value.split(",")
    elif isinstance(value, str):
        parts = value.split(",")
    elif isinstance(value, list) and all(isinstance(v, str) for v in value):
        parts = value
    else:
        raise _Invalid(field, "expected comma-separated text or a list of text")
    return [p.strip() for p in parts if p.strip()]


def _optional_text(value: Any, field: str) -> str | None:
    if value is None or isinstance(value, str):
        return value
    raise _Invalid(field, f"expected text, got {type(value).__name__}")


def _field(parse: Any, value: Any, field: str, **kwargs: Any) -> Any:
    try:
        return parse(value, **kwargs)
    except ValueError as exc:
        raise _Invalid(field, str(exc)) from None


def _flag(value: Any, field: str) -> bool | None:
    if value is None or type(value) is bool:
        return value  # fast path: most files write real booleans
    return _field(parse_bool, value, field)


def _count(value: Any, field: str, maximum: int) -> int | None:
    if type(value) is int and 0 <= value <= maximum:
        return value
    return _field(parse_int, value, field, minimum=0, maximum=maximum)


def _short_text(value: Any, field: str) -> str | None:
    text = _optional_text(value, field)
    if text is not None and len(text) > MAX_SHORT_TEXT:
        raise _Invalid(field, f"longer than {MAX_SHORT_TEXT} characters")
    return text


def _optional_hash(parse: Any, value: Any, field: str) -> str | None:
    if value is None:
        return None
    try:
        return str(parse(value))  # a clean hash goes straight through
    except ValueError as exc:
        if isinstance(value, str) and not value.strip():
            return None  # "" or blanks mean "not stated"
        raise _Invalid(field, str(exc)) from None


def parse_context(url: str) -> tuple[str | None, str | None, str | None]:
    """Split a VICS header URL into (version, region, shape); parts not found are None."""
    match = _CONTEXT.search(url)
    if match is None:
        shape = url.rsplit("#", 1)[1] if "#" in url else None
        return None, None, shape
    return match["version"], match["region"], match["shape"]


def scheme_for(version: str | None, region: str | None) -> str | None:
    """The category scheme a VICS header implies (None when it names none we know)."""
    if region:
        return REGION_SCHEMES.get(region.lower(), f"VICS-{region}"[:20])  # the column's width
    if version and version.startswith("1"):
        return V1_SCHEME
    if version and version.startswith("2"):
        return REGION_SCHEMES["default"]
    return None


class VicsReader:
    """One pass over a VICS file; iterate it for ``MediaRecord`` and ``CaseInfo`` objects.

    In a ``#Cases`` export each ``CaseInfo`` is yielded before its media (records that follow
    belong to it until the next one); case keys that come after ``Media`` are filled in place.
    ``issues``, ``cases``, ``version``, ``region``, ``scheme``, ``shape`` and ``extra`` (unknown
    top-level keys) fill in as the file is read. Issues with ``record_no`` 0 concern the file or
    a case rather than one media record.
    """

    def __init__(
        self,
        stream: IO[bytes],
        *,
        max_issues: int = DEFAULT_MAX_ISSUES,
        max_depth: int = DEFAULT_MAX_DEPTH,
        max_token_bytes: int = DEFAULT_MAX_TOKEN_BYTES,
        max_record_bytes: int = DEFAULT_MAX_RECORD_BYTES,
    ) -> None:
        self._guard = _ByteGuard(stream, max_token_bytes, max_record_bytes)
        self._max_issues = max_issues
        self._max_depth = max_depth
        self.issues: list[ImportIssue] = []
        self.cases: list[CaseInfo] = []
        self.version: str | None = None
        self.region: str | None = None
        self.scheme: str | None = None
        self.shape: str | None = None
        self.extra: dict[str, Any] = {}
        self.records_read = 0  # media records seen, skipped ones included
        self._header_seen = False
        self._value_seen = False
        self._where = "the file header"
        self._used = False
        self._in_fast_list = False

    def __iter__(self) -> Iterator[MediaRecord | CaseInfo]:
        if self._used:
            raise RuntimeError("a VicsReader reads its stream once")
        self._used = True
        return self._run()

    def records(self) -> Iterator[MediaRecord]:
        """Only the media records (cases still land in ``self.cases``)."""
        for item in self:
            if isinstance(item, MediaRecord):
                yield item

    # -- driving the parser ----------------------------------------------------------------

    def _run(self) -> Iterator[MediaRecord | CaseInfo]:
        try:
            head = _FAST_HEAD.match(self._guard.head())
            if head is not None and self._fast_shape(head):
                yield from self._fast(head)
            else:
                # not use_float: yajl then overflows on integers beyond 64 bits; see _number()
                yield from self._document(ijson.basic_parse(self._guard, buf_size=_CHUNK))
        except ijson.JSONError as exc:
            if self._in_fast_list:
                self._where = f"media record {self.records_read + 1}"
            raise self._json_error(exc) from None
        except _TooDeep as exc:
            raise ImportFormatError(
                f"media record {self.records_read + 1 + exc.entries_closed} nests deeper than "
                f"{self._max_depth} levels; the file is damaged or hostile",
                byte_offset=exc.byte_offset,
            ) from None
        except _LimitExceeded as exc:
            if self._in_fast_list:
                self._where = f"media record {self.records_read + 1}"
            where = f" in {self._where}" if exc.in_record else ""
            raise ImportFormatError(
                f"{exc.reason}{where}; the file is damaged or hostile",
                byte_offset=exc.byte_offset,
            ) from None
        if not self._value_seen:
            raise ImportFormatError("not a VICS file: there is no 'value' list of media or cases")
        if not self._header_seen:
            self._issue(0, "@odata.context", "no VICS header; the category scheme is unknown")

    # -- the fast path: a #Media hash set, header first ------------------------------------

    @staticmethod
    def _fast_shape(head: re.Match[bytes]) -> bool:
        try:
            context = head[2].decode()
        except UnicodeDecodeError:
            return False  # the event path words the encoding error
        shape = parse_context(context)[2]
        return shape is not None and shape.capitalize() == "Media"

    def _fast(self, head: re.Match[bytes]) -> Iterator[MediaRecord | CaseInfo]:
        """ijson's C builder makes each entry of the 'value' list; the guard has vetted its bytes
        (depth, size) first. What follows the list goes through the event path."""
        key = head[1].decode()
        self._where = f"the {key!r} header"
        self._header(key, head[2].decode())
        self._value_seen = True
        self._where = "the 'value' list"
        guard = self._guard
        guard.enter_list(head.end() - 1, self._max_depth)
        self._in_fast_list = True
        rest = yield from self._slices(guard)
        if rest is not None:  # something msgspec would not take: ijson reads on from there
            yield from self._entries(ijson.items(_Prefixed(rest, guard), "item", buf_size=_CHUNK))
        self._in_fast_list = False
        guard.leave_list()
        self._where = "the end of the file"
        # the keys after the list, as if the list had been empty
        yield from self._document(ijson.basic_parse(_Prefixed(b'{"value":[]', guard)))

    def _slices(self, guard: _ByteGuard) -> Generator[MediaRecord | CaseInfo, None, bytes | None]:
        """Cut the 'value' list between records at byte level and decode each slice at once
        with msgspec into typed structs; clean records become MediaRecords without a Python
        dict. A slice with an unexpected key or type is decoded untyped and read field by
        field; one msgspec cannot decode at all (a cut inside a string, broken JSON, a float
        beyond range) returns the bytes from its start, for ijson to read on and word errors.
        """
        first = guard.read(_SLICE_BYTES)
        if not first.startswith(b"["):
            return first  # cannot happen after _FAST_HEAD; never guess
        # one buffer per slice, '[' first: each chunk is copied into it once, and the cut is
        # closed in place (its ',' made ']' while msgspec reads a view of it)
        buffer = bytearray(first)
        scheme = self.scheme
        while True:
            closed = False
            while len(buffer) <= _SLICE_BYTES:
                more = guard.read(_SLICE_BYTES)
                if not more:
                    closed = True
                    break
                buffer += more
            decoded = _decode_slice(buffer, closed)
            if decoded is None:
                return bytes(buffer)  # ijson reads on from here and words any error
            entries, typed, tail = decoded
            if typed:
                made = [_media_from_struct(media, scheme) for media in entries]
                bad = _slice_invalid(made)
                for i, quick in enumerate(made):
                    if quick is None or i in bad:  # not clean: read it field by field
                        record = self._media(_struct_fields(entries[i]))
                        if record is not None:
                            yield record
                    else:
                        self.records_read += 1
                        yield quick
            else:
                yield from self._entries(entries)
            if closed:
                return None
            buffer = tail

    def _entries(self, entries: Iterable[Any]) -> Iterator[MediaRecord | CaseInfo]:
        for entry in entries:
            if type(entry) is dict:
                if not _PLAIN_TYPES.issuperset(map(type, entry.values())):
                    _plain_numbers(entry)
                if "MD5" not in entry and ("CaseID" in entry or type(entry.get("Media")) is list):
                    yield from self._nested_case(entry)
                    continue
                record = self._media(entry)
                if record is not None:
                    yield record
            else:
                self.records_read += 1
                self._issue(
                    self.records_read, None, f"expected a media object, got {_kind_of(entry)}"
                )

    def _nested_case(self, entry: dict[str, Any]) -> Iterator[MediaRecord | CaseInfo]:
        """A case inside a ``#Media`` list (RECON LAB): the case, then each of its media."""
        media = entry.pop("Media", None)
        yield self._new_case(entry)
        if type(media) is not list:
            if media is not None:
                self.cases[-1].extra["Media"] = media
            return
        for item in media:
            if type(item) is dict:
                record = self._media(item)
                if record is not None:
                    yield record
            else:
                self.records_read += 1
                self._issue(self.records_read, None,
                            f"expected a media object, got {_kind_of(item)}")

    def _json_error(self, exc: Exception) -> ImportFormatError:
        text = str(exc)
        if text.startswith("b'") or text.startswith('b"'):
            text = text[2:]
        first = text.split("\n")[0].split("\\n")[0].strip().rstrip(".")
        if "premature EOF" in first:
            reason = f"the file ends in the middle of {self._where} (truncated?)"
        elif "UTF8" in first:
            reason = (
                f"text in {self._where} is not UTF-8 (perhaps Latin-1 or Windows-1252); "
                "VICS files must be UTF-8"
            )
        elif "trailing garbage" in first:
            reason = "there is data after the end of the JSON document"
        else:
            reason = f"the file is not valid JSON in {self._where} ({first})"
        return ImportFormatError(reason, byte_offset=self._guard.offset)

    def _issue(self, record_no: int, field: str | None, reason: str, *,
               kept: bool = False) -> None:
        issue = ImportIssue(record_no, None, field, reason, kept)
        self.issues.append(issue)
        if len(self.issues) > self._max_issues:
            raise ImportFormatError(
                f"stopped after {self._max_issues:,} problems, the last being “{issue}”; "
                "check that this is a VICS file"
            )

    def _document(self, events: Iterator[tuple[str, Any]]) -> Iterator[MediaRecord | CaseInfo]:
        event, _ = next(events, (None, None))
        if event != "start_map":
            raise ImportFormatError(
                f"not a VICS file: the top level is {_describe(event)}, "
                "not an object with a 'value' list"
            )
        for event, key in events:
            if event == "end_map":
                break
            self._guard.mark()
            if key in HEADER_KEYS:
                self._where = f"the {key!r} header"
                self._header(key, self._value(events))
            elif key == "value":
                self._where = "the 'value' list"
                opening, _ = next(events)
                if opening != "start_array":
                    raise ImportFormatError(
                        f"not a VICS file: 'value' is {_describe(opening)}, not a list"
                    )
                self._value_seen = True
                yield from self._items(events)
            else:
                self._where = f"the top-level key {key!r}"
                self.extra[key] = self._value(events)
        for _ in events:  # lets yajl report trailing garbage
            pass

    def _header(self, key: str, value: Any) -> None:
        if not isinstance(value, str):
            raise ImportFormatError(f"not a VICS file: {key!r} is {type(value).__name__}")
        if self._value_seen:
            self._issue(0, key, "the header comes after the records; their scheme is unknown")
        self._header_seen = True
        self.version, self.region, shape = parse_context(value)
        self.shape = shape.capitalize() if shape else None
        self.scheme = scheme_for(self.version, self.region)
        if self.region and self.region.lower() not in REGION_SCHEMES:
            self._issue(0, key, f"unknown VICS region {self.region!r}; codes kept as written")

    def _items(self, events: Iterator[tuple[str, Any]]) -> Iterator[MediaRecord | CaseInfo]:
        for event, value in events:
            if event == "end_array":
                return
            if event == "start_map":
                yield from self._item(events)
            else:
                self.records_read += 1
                self._issue(
                    self.records_read, None, f"expected a media object, got {_describe(event)}"
                )
                if event == "start_array":
                    self._build(events, event, value)

    def _item(self, events: Iterator[tuple[str, Any]]) -> Iterator[MediaRecord | CaseInfo]:
        """One entry of 'value': a media record, or a case whose 'Media' list is streamed."""
        self._guard.mark()
        if self.shape == "Cases":
            self._where = f"case {len(self.cases) + 1}"
        else:
            self._where = f"media record {self.records_read + 1}"
        fields: dict[str, Any] = {}
        case: CaseInfo | None = None
        for event, key in events:
            if event == "end_map":
                break
            kind, value = next(events)
            if key == "Media" and kind == "start_array" and (
                    self.shape != "Media" or "MD5" not in fields):
                case = self._new_case(fields)
                fields = {}
                yield case
                yield from self._media_list(events)
                self._guard.mark()
                self._where = f"case {len(self.cases)}"
            elif kind in _SCALAR_EVENTS:
                fields[key] = _number(value) if kind == "number" else value
            else:
                fields[key] = self._build(events, kind, value)
        if case is not None:
            self._fill_case(case, fields)
        elif self.shape == "Cases" or ("MD5" not in fields and "CaseID" in fields):
            yield self._new_case(fields)
        else:
            record = self._media(fields)
            if record is not None:
                yield record

    def _media_list(self, events: Iterator[tuple[str, Any]]) -> Iterator[MediaRecord]:
        for event, value in events:
            if event == "end_array":
                return
            self._guard.mark()
            self._where = f"media record {self.records_read + 1}"
            if event != "start_map":
                self.records_read += 1
                self._issue(
                    self.records_read, None, f"expected a media object, got {_describe(event)}"
                )
                if event == "start_array":
                    self._build(events, event, value)
                continue
            fields = self._build(events, event, value)
            record = self._media(fields)
            if record is not None:
                yield record

    def _value(self, events: Iterator[tuple[str, Any]]) -> Any:
        event, value = next(events)
        return self._build(events, event, value)

    def _build(self, events: Iterator[tuple[str, Any]], first: str, first_value: Any) -> Any:
        """Build one JSON value from events, refusing nesting deeper than max_depth."""
        if first == "start_map":
            root: Any = {}
        elif first == "start_array":
            root = []
        else:
            return _number(first_value) if first == "number" else first_value
        stack: list[Any] = [root]
        key: str = ""
        for event, value in events:
            if event == "map_key":
                key = value
            elif event in _OPEN_EVENTS:
                new: Any = {} if event == "start_map" else []
                top = stack[-1]
                if type(top) is dict:
                    top[key] = new
                else:
                    top.append(new)
                stack.append(new)
                if len(stack) > self._max_depth:
                    raise ImportFormatError(
                        f"{self._where} nests deeper than {self._max_depth} levels; "
                        "the file is damaged or hostile",
                        byte_offset=self._guard.offset,
                    )
            elif event in _CLOSE_EVENTS:
                stack.pop()
                if not stack:
                    return root
            else:
                scalar = _number(value) if event == "number" else value
                top = stack[-1]
                if type(top) is dict:
                    top[key] = scalar
                else:
                    top.append(scalar)
        raise ImportFormatError(f"the file ends in the middle of {self._where} (truncated?)")

    # -- turning fields into records -------------------------------------------------------

    def _media(self, fields: dict[str, Any]) -> MediaRecord | None:
        self.records_read += 1
        warnings: list[tuple[str, str]] = []
        try:
            record = _media_from_fields(fields, self.scheme, warnings)
        except _Invalid as exc:
            self._issue(self.records_read, exc.field, exc.reason)
            return None
        for field, reason in warnings:
            self._issue(self.records_read, field, reason, kept=True)
        return record

    def _new_case(self, fields: dict[str, Any]) -> CaseInfo:
        case = CaseInfo()
        self.cases.append(case)
        self._fill_case(case, fields)
        return case

    def _fill_case(self, case: CaseInfo, fields: dict[str, Any]) -> None:
        label = f"case {len(self.cases)}"
        for key, value in fields.items():
            canonical = key if key in _CASE_ATTRS else _CASE_KEY_BY_LOWER.get(key.lower(), key)
            attr = _CASE_ATTRS.get(canonical)
            if attr is None:
                case.extra[key] = value
                continue
            text = value
            if isinstance(value, int | float) and not isinstance(value, bool):
                text = str(value)  # CaseNumber 123 means "123"
            if text is not None and not isinstance(text, str):
                self._issue(0, canonical, f"{label}: expected text; kept among unknown keys")
                case.extra[key] = value
                continue
            if canonical == "SeizureDate":
                try:
                    _check_date(text, canonical)
                except _Invalid as exc:
                    self._issue(0, canonical, f"{label}: {exc.reason}; kept as written")
            setattr(case, attr, text)


def _media_from_fields(fields: dict[str, Any], scheme: str | None,
                       warnings: list[tuple[str, str]]) -> MediaRecord:
    """Turn one VICS Media object into a MediaRecord; raises _Invalid naming the bad field.

    Consumes ``fields`` (whatever is not modelled ends up in ``extra`` verbatim); appends
    (field, reason) to ``warnings`` for a field read another way in a record that is kept.
    """
    if not _MEDIA_KEY_SET.issuperset(fields):
        for key in [k for k in fields if k not in _MEDIA_KEY_SET]:
            canonical = _MEDIA_KEY_BY_LOWER.get(key.lower())
            if canonical is not None and canonical not in fields:
                fields[canonical] = fields.pop(key)
    pop = fields.pop
    md5_value = pop("MD5", None)
    sha1 = _optional_hash(normalize_sha1, pop("SHA1", None), "SHA1")
    if md5_value is None or (isinstance(md5_value, str) and not md5_value.strip()):
        if sha1 is None:
            raise _Invalid("MD5", "MD5 is missing (it is required, or a SHA-1 in its place)")
        md5 = None  # a SHA1-only record (NSRLConvert): known by its SHA-1
    else:
        try:
            md5 = normalize_md5(md5_value)
        except ValueError as exc:
            raise _Invalid("MD5", str(exc)) from None
    sha256 = _optional_hash(normalize_sha256, pop("SHA256", None), "SHA256")
    size = _count(pop("MediaSize", None), "MediaSize", MAX_SIZE)
    category = pop("Category", None)
    source_tag: str | None = None
    if type(category) is str and category.strip() and not category.strip().isdigit():
        # RECON LAB writes a source name here: kept as a tag, not a category
        source_tag = category.strip()
        warnings.append(("Category", f"{source_tag[:40]!r} is not a category number; "
                                     "kept as a tag"))
        category = None
    code = category_code_for(scheme, _count(category, "Category", MAX_CATEGORY))
    victim = _flag(pop("VictimIdentified", None), "VictimIdentified")
    offender = _flag(pop("OffenderIdentified", None), "OffenderIdentified")
    distributed = _flag(pop("IsDistributed", None), "IsDistributed")
    series = tuple(_names(pop("Series", None), "Series"))
    mime = _short_text(pop("MimeType", None), "MimeType")
    media_id = pop("MediaID", None)
    if type(media_id) is int:
        media_id = str(media_id)
    elif isinstance(media_id, int | float) and not isinstance(media_id, bool):
        media_id = str(int(media_id)) if float(media_id).is_integer() else str(media_id)
    media_id = _short_text(media_id, "MediaID")
    provenance: dict[str, Any] = {}
    for key in [k for k in fields if k in _ODATA_ANNOTATIONS or "@odata." in k]:
        # OData 1.x bookkeeping (odata.id, *@odata.navigationLinkUrl): where the record came
        # from, never written back into a 2.0 file
        provenance.setdefault("OData", {})[key] = fields.pop(key)

    extra = fields  # what is left is kept verbatim, after checks on the known keys
    for key in ("IsPrecategorized", "IsSuspected"):
        if key in extra:
            extra[key] = _flag(extra[key], key)
    if "Tags" in extra:
        extra["Tags"] = _names(extra["Tags"], "Tags")
    if source_tag is not None:
        tags = extra.setdefault("Tags", [])
        if source_tag not in tags:
            tags.append(source_tag)
    for key in _TEXT_EXTRAS:
        value = extra.get(key)
        if value is not None and type(value) is not str:
            _optional_text(value, key)
    for key in _LIST_EXTRAS:
        value = extra.get(key)
        if value is not None and not (
            isinstance(value, list) and all(isinstance(v, dict) for v in value)
        ):
            raise _Invalid(key, "expected a list of objects")
    _date_field(extra, "DateUpdated", warnings)
    photodna = extra.get("PhotoDNA")
    if photodna is not None and not isinstance(photodna, str):
        raise _Invalid("PhotoDNA", f"expected text, got {type(photodna).__name__}")

    pdq: str | None = None
    pdq_quality: int | None = None
    if "AlternativeHashes" in extra:
        sha256, pdq, pdq_quality = _lift_alternative_hashes(extra, sha256)
    photodna = extra.get("PhotoDNA")
    if photodna is not None:
        if len(photodna) == PHOTODNA_BASE64_LENGTH and _PHOTODNA_B64.fullmatch(photodna):
            pass  # the common case, already as VICS 2.0 writes it
        else:
            try:  # hex (ICSE, 1.3 writers) becomes base64, checked for its 144 bytes
                extra["PhotoDNA"] = photodna_base64(photodna)
            except ValueError as exc:
                extra["PhotoDNA"] = photodna.strip()
                warnings.append(("PhotoDNA", f"{exc}; kept as written"))
    # positional (in MediaRecord's field order): keyword passing costs a third of the call,
    # and this runs once per record; test_v2_media_hash_set_maps_every_modelled_field guards it
    return MediaRecord(
        md5, sha1, sha256, pdq, pdq_quality, size, mime, code,
        scheme if code is not None else None, victim, offender, distributed, series, media_id,
        extra, provenance,
    )  # fmt: skip


def _lift_alternative_hashes(
    extra: dict[str, Any], sha256: str | None
) -> tuple[str | None, str | None, int | None]:
    """Move PhotoDNA (v1.3), SHA-256 and PDQ out of AlternativeHashes into their own places.

    Only the first of each kind is lifted and only when its place is empty, so entries that
    disagree with a top-level value stay in AlternativeHashes and survive a round trip.
    """
    entries = extra["AlternativeHashes"]
    if entries is None:
        del extra["AlternativeHashes"]
        return sha256, None, None
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        raise _Invalid("AlternativeHashes", "expected a list of {HashName, HashValue} objects")
    pdq: str | None = None
    quality: int | None = None
    kept: list[dict[str, Any]] = []
    for entry in entries:
        name = entry.get("HashName")
        kind = name.strip().lower().replace("-", "") if isinstance(name, str) else ""
        value = entry.get("HashValue")
        if kind == "photodna" and "PhotoDNA" not in extra and isinstance(value, str):
            extra["PhotoDNA"] = value.strip()
        elif kind == "sha256" and sha256 is None and value is not None:
            sha256 = _optional_hash(normalize_sha256, value, "AlternativeHashes")
        elif kind == "pdq" and pdq is None and value is not None:
            pdq = _optional_hash(normalize_pdq, value, "AlternativeHashes")
            quality = _field(
                parse_int, entry.get("Quality"), "AlternativeHashes", minimum=0, maximum=100
            )
        else:
            kept.append(entry)
    if kept:
        extra["AlternativeHashes"] = kept
    else:
        del extra["AlternativeHashes"]
    return sha256, pdq, quality


# lengths checked here; hex, dates and base64 checked per slice in one pass (_slice_invalid)
_Md5 = Annotated[str, msgspec.Meta(min_length=32, max_length=32)]
_Sha1 = Annotated[str, msgspec.Meta(min_length=40, max_length=40)]
# booleans as real files write them; other spellings take the general path
_Flag = bool | Literal["true", "false", "True", "False", "TRUE", "FALSE"] | None
_TEXT_FLAGS: dict[Any, bool] = {"true": True, "false": False, "True": True, "False": False,
                                "TRUE": True, "FALSE": False}
_Size = Annotated[int, msgspec.Meta(ge=0, le=(1 << 63) - 1)]
_Code = Annotated[int, msgspec.Meta(ge=0, le=(1 << 31) - 1)]
_Short = Annotated[str, msgspec.Meta(max_length=100)]
_Date = str
_PhotoDna = Annotated[str, msgspec.Meta(min_length=192, max_length=192)]


class _FastMedia(msgspec.Struct, forbid_unknown_fields=True):
    """A VICS Media object as clean files write it, checked by msgspec in C: lower-case hashes,
    real booleans, sizes and categories in range, one series and one tag without commas, ISO
    dates, base64 PhotoDNA. Anything else fails validation and its slice is read the general
    way, so both ways give the same records. UNSET tells an absent key from a null one where
    ``extra`` keeps the difference."""

    MediaID: int | _Short | None = None
    Category: _Code | None = None
    MD5: _Md5 | None = None
    SHA1: _Sha1 | None = None
    MediaSize: _Size | None = None
    DateUpdated: _Date | UnsetType | None = UNSET
    IsPrecategorized: bool | UnsetType | None = UNSET
    PrecategorizationSource: str | UnsetType | None = UNSET
    IsSuspected: bool | UnsetType | None = UNSET
    VictimIdentified: _Flag = None
    OffenderIdentified: _Flag = None
    IsDistributed: _Flag = None
    Series: str | None = None
    Tags: str | UnsetType | None = UNSET
    Comments: str | UnsetType | None = UNSET
    RelativeFilePath: str | UnsetType | None = UNSET
    MimeType: _Short | None = None
    PhotoDNA: _PhotoDna | UnsetType | None = UNSET
    Exifs: list[dict[str, Any]] | UnsetType | None = UNSET
    MediaFiles: list[dict[str, Any]] | UnsetType | None = UNSET


_TYPED_DECODER = msgspec.json.Decoder(list[_FastMedia])
_PLAIN_DECODER = msgspec.json.Decoder()
_SLICE_BYTES = 128 << 10  # larger slices keep more objects alive for the collector
_CUT_TRIES = 8
_BOUNDARY = re.compile(rb"\}[ \t\r\n]*,[ \t\r\n]*\{")
_CLEAN_MD5 = re.compile(r"[0-9a-f]{32}")
_CLEAN_SHA1 = re.compile(r"[0-9a-f]{40}")
_FLAG_TYPES = (bool, type(None), UnsetType)
_STRUCT_EXTRAS = ("DateUpdated", "IsPrecategorized", "PrecategorizationSource", "IsSuspected",
                  "Tags", "Comments", "RelativeFilePath", "PhotoDNA", "Exifs", "MediaFiles")


def _decode_slice(buffer: bytearray, closed: bool
                  ) -> tuple[list[Any], bool, bytearray] | None:
    """Decode the records at the start of ``buffer`` ('[' and then records, as the list or a
    record's ',' left them): (entries, typed, '[' and the bytes after them), or None if
    msgspec cannot.

    A cut is tried at the last few "}," (records end there when the writer puts no space
    before the comma) or, failing those, "}" + "," with whitespace; the byte after the '}'
    is made ']' for the decode and put back. A cut inside a string or a nested object leaves
    brackets open, so it never decodes: any cut that decodes ends a record at the list's own
    level.
    """
    if closed:  # the list has ended: the buffer holds its last records and ']'
        attempts: list[tuple[int, int]] = [(len(buffer), -1)]
    else:
        attempts = []
        end = len(buffer) - 1
        while len(attempts) < _CUT_TRIES:
            cut = buffer.rfind(b"},", 1, end)
            if cut < 0:
                break
            attempts.append((cut + 1, cut + 2))
            end = cut
        if not attempts:
            for found in reversed(list(_BOUNDARY.finditer(buffer, 1))[-_CUT_TRIES:]):
                attempts.append((found.start() + 1, found.end() - 1))
    view = memoryview(buffer)
    try:
        for stop, rest in attempts:
            if rest < 0:
                wrapped = view
            else:
                saved = buffer[stop]
                buffer[stop] = 0x5D  # ']'
                wrapped = view[:stop + 1]
            try:
                try:
                    entries, typed = _TYPED_DECODER.decode(wrapped), True
                except msgspec.ValidationError:
                    try:
                        entries, typed = _PLAIN_DECODER.decode(wrapped), False
                    except msgspec.ValidationError:
                        return None  # e.g. a float beyond range: ijson keeps it as text
            except msgspec.DecodeError:
                continue
            finally:
                if rest >= 0:
                    buffer[stop] = saved
            tail = bytearray(b"[")
            if rest >= 0:
                tail += view[rest:]
            return entries, typed, tail
    finally:
        view.release()
    return None


_HEX_TEXT = re.compile(r"[0-9a-fA-F]*")
_BASE64_TEXT = re.compile(r"[A-Za-z0-9+/]*")
_ISO_LINES = re.compile(
    r"(?:(?:\d{4}-[01]\d-[0-3]\dT[0-2]\d:[0-5]\d:[0-5]\d(?:\.\d{1,7})?"
    r"(?:Z|[+-][01]\d:[0-5]\d)?)?\n)*")


_HEX_BYTES = b"0123456789abcdefABCDEF"
_LOWER_HEX_BYTES = b"0123456789abcdef"
_BASE64_BYTES = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"


def _only(text: str, allowed: bytes) -> bool:
    """``text`` holds only these ASCII characters: one C pass (a delete-translate), several
    times faster than a regex ``fullmatch`` over the ~60 KB of PhotoDNA of one slice."""
    return text.isascii() and not text.encode("ascii").translate(None, allowed)


def _slice_invalid(records: list[MediaRecord | None]) -> set[int]:
    """Indexes of records whose hashes are not hex, DateUpdated not the common ISO form or
    PhotoDNA not base64: each check is one C pass over the whole slice, and only a slice
    that fails one is looked at record by record. Upper-case hashes are lowered here."""
    kept = [r for r in records if r is not None]
    hashes = "".join([r.md5 for r in kept if r.md5] + [r.sha1 for r in kept if r.sha1])
    dates = [d for r in kept if (d := r.extra.get("DateUpdated"))]
    photodna = "".join([p for r in kept if (p := r.extra.get("PhotoDNA"))])
    lower = _only(hashes, _LOWER_HEX_BYTES)
    if (lower or _only(hashes, _HEX_BYTES)) and _only(photodna, _BASE64_BYTES) and (
            _ISO_LINES.fullmatch("\n".join(dates) + ("\n" if dates else ""))):
        if not lower:
            for r in kept:
                r.md5 = r.md5.lower() if r.md5 else r.md5
                r.sha1 = r.sha1.lower() if r.sha1 else r.sha1
        return set()
    bad = set()
    for i, one in enumerate(records):
        if one is None:
            continue
        r = one
        date = r.extra.get("DateUpdated")
        photo = r.extra.get("PhotoDNA")
        if (not _HEX_TEXT.fullmatch(r.md5 or "") or not _HEX_TEXT.fullmatch(r.sha1 or "")
                or (photo and not _BASE64_TEXT.fullmatch(photo))
                or (date and not _ISO_LINES.fullmatch(date + "\n"))):
            bad.add(i)
        else:
            r.md5 = r.md5.lower() if r.md5 else r.md5
            r.sha1 = r.sha1.lower() if r.sha1 else r.sha1
    return bad


def _struct_fields(media: _FastMedia) -> dict[str, Any]:
    """The keys the file gave, as the general path reads them (None and absent alike where
    the general path does not tell them apart)."""
    return {name: value for name in media.__struct_fields__
            if (value := getattr(media, name)) is not UNSET}


_EXTRA_FIELDS = ("DateUpdated", "IsPrecategorized", "PrecategorizationSource", "IsSuspected",
                 "Tags", "Comments", "RelativeFilePath", "PhotoDNA", "Exifs", "MediaFiles")
_astuple = msgspec.structs.astuple


def _media_from_struct(m: _FastMedia, scheme: str | None) -> MediaRecord | None:
    """A MediaRecord straight from a validated struct, exactly as ``_media_from_fields`` makes
    it; None when a field needs the general path (no MD5, a comma in Series or Tags)."""
    (media_id, code, md5, sha1, size, date, precategorized, source, suspected, victim,
     offender, distributed, series, tags, comments, path, mime, photodna, exifs,
     files) = _astuple(m)
    if md5 is None or (series is not None and "," in series):
        return None
    if type(victim) is str:  # "true"/"false" spellings, as _Flag allows
        victim = _TEXT_FLAGS[victim]
    if type(offender) is str:
        offender = _TEXT_FLAGS[offender]
    if type(distributed) is str:
        distributed = _TEXT_FLAGS[distributed]
    if type(precategorized) is str:
        precategorized = _TEXT_FLAGS[precategorized]
    if type(suspected) is str:
        suspected = _TEXT_FLAGS[suspected]
    extra: dict[str, Any] = {}
    if date is not UNSET:
        extra["DateUpdated"] = date
    if precategorized is not UNSET:
        extra["IsPrecategorized"] = precategorized
    if source is not UNSET:
        extra["PrecategorizationSource"] = source
    if suspected is not UNSET:
        extra["IsSuspected"] = suspected
    if tags is not UNSET:
        if tags is None:
            extra["Tags"] = []
        elif "," in tags:
            return None
        else:
            tags = tags.strip()
            extra["Tags"] = [tags] if tags else []
    if comments is not UNSET:
        extra["Comments"] = comments
    if path is not UNSET:
        extra["RelativeFilePath"] = path
    if photodna is not UNSET:
        extra["PhotoDNA"] = photodna
    if exifs is not UNSET:
        extra["Exifs"] = exifs
    if files is not UNSET:
        extra["MediaFiles"] = files
    if series is None:
        names: tuple[str, ...] = ()
    else:
        series = series.strip()
        names = (series,) if series else ()
    if code is not None and scheme in UNCATEGORISED_CODES:
        code = category_code_for(scheme, code)
    if type(media_id) is int:
        media_id = str(media_id)
    return MediaRecord(md5, sha1, None, None, None, size, mime, code,
                       scheme if code is not None else None, victim, offender, distributed,
                       names, media_id, extra)


def read_vics(
    stream: IO[bytes],
    *,
    max_issues: int = DEFAULT_MAX_ISSUES,
    max_depth: int = DEFAULT_MAX_DEPTH,
    max_token_bytes: int = DEFAULT_MAX_TOKEN_BYTES,
    max_record_bytes: int = DEFAULT_MAX_RECORD_BYTES,
) -> VicsReader:
    """Open a streaming reader over a binary VICS stream; iterate it to get the records."""
    return VicsReader(
        stream,
        max_issues=max_issues,
        max_depth=max_depth,
        max_token_bytes=max_token_bytes,
        max_record_bytes=max_record_bytes,
    )
