"""Read VICS (Project VIC data model) JSON — hash sets and case exports — as a record stream.

Files hold up to millions of records and may be damaged or hostile, so nothing is loaded whole:
ijson's event stream (yajl C backend when installed) feeds a small builder that limits nesting,
and a guard on the byte stream bounds token and record sizes before the parser buffers them.
A bad record becomes an ``ImportIssue`` and is skipped; a file that cannot be read at all raises
``ImportFormatError``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from datetime import datetime
from decimal import Decimal
from typing import IO, Any

import ijson

from vidtask.domain.media import (
    CaseInfo,
    ImportFormatError,
    ImportIssue,
    MediaRecord,
    category_code_for,
)
from vidtask.interchange.hashes import (
    normalize_md5,
    normalize_pdq,
    normalize_sha1,
    normalize_sha256,
    parse_bool,
    parse_int,
)

DEFAULT_MAX_ISSUES = 1000
DEFAULT_MAX_DEPTH = 16  # nesting levels inside one record; real records need 3
DEFAULT_MAX_TOKEN_BYTES = 1 << 20  # longest string/number; PhotoDNA is ~200 bytes
DEFAULT_MAX_RECORD_BYTES = 16 << 20
_CHUNK = 64 * 1024

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

    def __init__(self, reason: str, byte_offset: int) -> None:
        super().__init__(reason)
        self.reason = reason
        self.byte_offset = byte_offset


class _ByteGuard:
    """File-like wrapper handed to ijson: checks encoding and bounds tokens and records.

    yajl buffers a whole string before reporting it, so a 2 GB string would be held in memory:
    the guard refuses any run longer than ``max_token_bytes`` between unescaped quotes, and any
    record (since the reader's last ``mark()``) longer than ``max_record_bytes``.
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
        self._started = False

    def mark(self) -> None:
        self._mark = self.offset

    def read(self, size: int = -1) -> bytes:
        if size == 0:  # ijson probes the stream type with read(0)
            return b""
        chunk = self._raw.read(self._chunk)
        if not isinstance(chunk, bytes | bytearray):
            raise TypeError("read_vics needs a binary stream (open the file with 'rb')")
        chunk = bytes(chunk)
        if not self._started:
            chunk = self._start(chunk)
        if chunk:
            self._scan(chunk)
            self.offset += len(chunk)
            if self.offset - self._mark > self._max_record:
                raise _LimitExceeded(
                    f"one record is larger than {self._max_record:,} bytes", self._mark
                )
        return chunk

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
        if b'\\"' in chunk or (self._after_backslash and chunk.startswith(b'"')):
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

    def _check_run(self, run: int) -> None:
        if run > self._max_token:
            raise _LimitExceeded(
                f"a single value runs longer than {self._max_token:,} bytes", self.offset
            )


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


def _describe(event: str | None) -> str:
    return {
        "start_array": "a list",
        "start_map": "an object",
        "string": "text",
        "number": "a number",
        "boolean": "a boolean",
        "null": "null",
    }.get(event or "", "nothing")


def _check_date(value: Any, field: str) -> None:
    if value is None or value == "":
        return
    if not isinstance(value, str):
        raise _Invalid(field, f"expected an ISO 8601 date, got {type(value).__name__}")
    try:
        datetime.fromisoformat(value.strip())
    except ValueError:
        raise _Invalid(field, f"not an ISO 8601 date: {value[:40]!r}") from None


def _names(value: Any, field: str) -> list[str]:
    """Series/Tags arrive as "a, b" or ["a", "b"]; both become stripped, non-empty names."""
    if value is None:
        return []
    if isinstance(value, str):
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


def _count(value: Any, field: str) -> int | None:
    if type(value) is int and value >= 0:
        return value
    return _field(parse_int, value, field, minimum=0)


def _optional_hash(parse: Any, value: Any, field: str) -> str | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return str(_field(parse, value, field))


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
        return REGION_SCHEMES.get(region.lower(), f"VICS-{region}")
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
        # not use_float: yajl then overflows on integers beyond 64 bits; see _number()
        events = ijson.basic_parse(self._guard, buf_size=_CHUNK)
        try:
            yield from self._document(events)
        except ijson.JSONError as exc:
            raise self._json_error(exc) from None
        except _LimitExceeded as exc:
            raise ImportFormatError(
                f"{exc.reason} in {self._where}; the file is damaged or hostile",
                byte_offset=exc.byte_offset,
            ) from None
        if not self._value_seen:
            raise ImportFormatError("not a VICS file: there is no 'value' list of media or cases")
        if not self._header_seen:
            self._issue(0, "@odata.context", "no VICS header; the category scheme is unknown")

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

    def _issue(self, record_no: int, field: str | None, reason: str) -> None:
        issue = ImportIssue(record_no, None, field, reason)
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
            if key == "Media" and kind == "start_array" and self.shape != "Media":
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
        try:
            return _media_from_fields(fields, self.scheme)
        except _Invalid as exc:
            self._issue(self.records_read, exc.field, exc.reason)
            return None

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


def _media_from_fields(fields: dict[str, Any], scheme: str | None) -> MediaRecord:
    """Turn one VICS Media object into a MediaRecord; raises _Invalid naming the bad field.

    Consumes ``fields`` (whatever is not modelled ends up in ``extra`` verbatim).
    """
    if not _MEDIA_KEY_SET.issuperset(fields):
        for key in [k for k in fields if k not in _MEDIA_KEY_SET]:
            canonical = _MEDIA_KEY_BY_LOWER.get(key.lower())
            if canonical is not None and canonical not in fields:
                fields[canonical] = fields.pop(key)
    pop = fields.pop
    md5_value = pop("MD5", None)
    if md5_value is None or (isinstance(md5_value, str) and not md5_value.strip()):
        raise _Invalid("MD5", "MD5 is missing (it is required)")
    md5 = _field(normalize_md5, md5_value, "MD5")
    sha1 = _optional_hash(normalize_sha1, pop("SHA1", None), "SHA1")
    sha256 = _optional_hash(normalize_sha256, pop("SHA256", None), "SHA256")
    size = _count(pop("MediaSize", None), "MediaSize")
    code = category_code_for(scheme, _count(pop("Category", None), "Category"))
    victim = _flag(pop("VictimIdentified", None), "VictimIdentified")
    offender = _flag(pop("OffenderIdentified", None), "OffenderIdentified")
    distributed = _flag(pop("IsDistributed", None), "IsDistributed")
    series = tuple(_names(pop("Series", None), "Series"))
    mime = _optional_text(pop("MimeType", None), "MimeType")
    media_id = pop("MediaID", None)
    if isinstance(media_id, int | float) and not isinstance(media_id, bool):
        media_id = str(int(media_id)) if float(media_id).is_integer() else str(media_id)
    media_id = _optional_text(media_id, "MediaID")

    extra = fields  # what is left is kept verbatim, after checks on the known keys
    for key in ("IsPrecategorized", "IsSuspected"):
        if key in extra:
            extra[key] = _flag(extra[key], key)
    if "Tags" in extra:
        extra["Tags"] = _names(extra["Tags"], "Tags")
    for key in _TEXT_EXTRAS:
        if key in extra:
            _optional_text(extra[key], key)
    for key in _LIST_EXTRAS:
        value = extra.get(key)
        if value is not None and not (
            isinstance(value, list) and all(isinstance(v, dict) for v in value)
        ):
            raise _Invalid(key, "expected a list of objects")
    _check_date(extra.get("DateUpdated"), "DateUpdated")
    photodna = extra.get("PhotoDNA")
    if photodna is not None:
        if not isinstance(photodna, str):
            raise _Invalid("PhotoDNA", f"expected text, got {type(photodna).__name__}")
        extra["PhotoDNA"] = photodna.strip()

    pdq: str | None = None
    pdq_quality: int | None = None
    if "AlternativeHashes" in extra:
        sha256, pdq, pdq_quality = _lift_alternative_hashes(extra, sha256)
    return MediaRecord(
        md5=md5,
        sha1=sha1,
        sha256=sha256,
        pdq=pdq,
        pdq_quality=pdq_quality,
        size_bytes=size,
        mime_type=mime,
        category_code=code,
        category_scheme=scheme if code is not None else None,
        victim_identified=victim,
        offender_identified=offender,
        is_distributed=distributed,
        series_names=series,
        vics_media_id=media_id,
        extra=extra,
    )


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
