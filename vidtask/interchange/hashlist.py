"""Read hash lists into MediaRecords of one named series.

Shapes (docs/interchange.md names each writer): one hash per line (type told by length: 32 MD5,
40 SHA-1, 64 SHA-256), GNU ``md5sum``/``sha1sum``/``sha256sum`` "hash  path" lines, the BSD
``--tag`` form ``MD5 (path) = hash``; CSV with a header naming hash columns — NSRL RDS
``NSRLFile.txt`` (``"SHA-1","MD5","CRC32","FileName","FileSize",…``), HashKeeper ``.hsh``
(MD5 in a column named ``hash``) — and hashdeep (``%%%% HASHDEEP-1.0``, then
``%%%% size,md5,sha256,filename``). A media is known by its MD5, else by its SHA-1; a line with
only a SHA-256 is reported, never guessed. Size columns become the size; file names, product
codes and every other column are provenance (stored, never exported as VICS keys); a path
from md5sum/hashdeep is the VICS ``RelativeFilePath``.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from typing import IO, Any

from vidtask.domain.media import ImportFormatError, ImportIssue, MediaRecord
from vidtask.interchange.hashes import (
    normalize_md5,
    normalize_pdq,
    normalize_sha1,
    normalize_sha256,
    parse_int,
)
from vidtask.interchange.textlines import DEFAULT_MAX_LINE_BYTES, text_lines

DEFAULT_MAX_ISSUES = 1000
_WHAT = "hash lists"
_KIND_BY_LENGTH = {32: "md5", 40: "sha1", 64: "sha256"}
_HEX = re.compile(r"[0-9a-fA-F]+")
_NO_MD5 = "vidtask needs an MD5 or a SHA-1 per media, so this line was not imported"
_ONLY_SHA256 = ("the list holds only SHA-256 hashes; vidtask knows media by MD5 (else SHA-1), "
                "so ask the sender for MD5 or SHA-1 hashes")
_TAGGED = re.compile(r"(MD5|SHA1|SHA-1|SHA256|SHA-256) ?\((.*)\) ?= ?([0-9A-Fa-f]+)\Z")
_SIZE_COLUMNS = frozenset({"filesize", "size", "mediasize", "sizebytes"})
_PATH_COLUMNS = frozenset({"filename", "relativefilepath", "path", "filepath"})


def _column_kind(header: str) -> str | None:
    """md5/sha1/sha256/pdq/size for a header like "MD5", "SHA-1 hash", "sha_256",
    "FileSize", or HashKeeper's plain "hash" (an MD5); else None."""
    key = re.sub(r"[^a-z0-9]", "", header.lower())
    for kind in ("sha256", "sha1", "md5", "pdq"):
        if kind in key:
            return kind
    if key == "hash":
        return "md5"
    if key in _SIZE_COLUMNS:
        return "size"
    return None


def _source_of(kinds: list[str | None], header: list[str]) -> str:
    """Which writer a CSV header comes from, for the provenance key."""
    names = {re.sub(r"[^a-z0-9]", "", h.lower()) for h in header}
    if {"productcode", "opsystemcode"} & names:
        return "NSRL"
    if "hashsetid" in names or "fileid" in names:
        return "HashKeeper"
    return "hash list"


class HashListReader:
    """One pass over a hash list; iterate for MediaRecords of ``series_name``.

    ``issues`` fill in as lines are read; ``shape`` becomes "lines" or "csv".
    """

    def __init__(
        self,
        stream: IO[bytes],
        series_name: str,
        *,
        max_issues: int = DEFAULT_MAX_ISSUES,
        max_line_bytes: int = DEFAULT_MAX_LINE_BYTES,
    ) -> None:
        if not series_name.strip():
            raise ValueError("a hash list is imported into a named series; the name is empty")
        self._stream = stream
        self.series_name = series_name.strip()
        self._max_issues = max_issues
        self._max_line_bytes = max_line_bytes
        self.issues: list[ImportIssue] = []
        self.shape: str | None = None
        self.records_read = 0
        self.imported = 0
        self._without_md5 = 0
        self._used = False

    def __iter__(self) -> Iterator[MediaRecord]:
        if self._used:
            raise RuntimeError("a HashListReader reads its stream once")
        self._used = True
        return self._run()

    def _issue(self, line: int, field: str | None, reason: str) -> None:
        self.issues.append(ImportIssue(self.records_read, line, field, reason))
        if len(self.issues) > self._max_issues:
            if self.imported == 0 and self._without_md5 == len(self.issues):
                raise ImportFormatError(
                    _ONLY_SHA256,
                    line=line,
                )
            raise ImportFormatError(
                f"stopped after {self._max_issues:,} problems, the last being “{self.issues[-1]}”",
                line=line,
            )

    def _run(self) -> Iterator[MediaRecord]:
        lines = enumerate(
            text_lines(self._stream, what=_WHAT, max_line_bytes=self._max_line_bytes), start=1
        )
        for line_no, text in lines:
            stripped = text.strip()
            if not stripped or stripped.startswith("#"):
                continue
            if stripped.startswith("%%%% HASHDEEP"):
                self.shape = "hashdeep"
                yield from self._hashdeep(line_no, lines)
                break
            delimiter = _delimiter(stripped)
            if delimiter and _header_kinds(stripped, delimiter):
                self.shape = "csv"
                yield from self._csv(stripped, delimiter, line_no, lines)
            else:
                self.shape = "lines"
                yield from self._plain([(line_no, text)], lines)
            break
        if self.imported == 0 and self._without_md5 and self._without_md5 == len(self.issues):
            raise ImportFormatError(
                _ONLY_SHA256
            )

    def _plain(
        self, first: list[tuple[int, str]], rest: Iterator[tuple[int, str]]
    ) -> Iterator[MediaRecord]:
        for source in (first, rest):
            for line_no, text in source:
                stripped = text.strip()
                if not stripped or stripped.startswith("#"):
                    continue
                self.records_read += 1
                tagged = _TAGGED.match(stripped)
                if tagged is not None:  # md5sum --tag (BSD): "MD5 (path) = hash"
                    token, path = tagged[3], tagged[2]
                    named = tagged[1].replace("-", "").lower()
                else:
                    token, *rest_of_line = stripped.split(None, 1)
                    # md5sum writes "hash  path", marking binary mode with '*'
                    path = rest_of_line[0].strip().removeprefix("*") if rest_of_line else ""
                    named = None
                kind = _KIND_BY_LENGTH.get(len(token)) if _HEX.fullmatch(token) else None
                if kind is None or (named is not None and named != kind):
                    self._issue(line_no, None, f"not an MD5, SHA-1 or SHA-256: {token[:70]!r}")
                    continue
                extra: dict[str, Any] = {"RelativeFilePath": path} if path else {}
                if kind == "md5":
                    yield self._record(token.lower(), extra=extra)
                elif kind == "sha1":
                    yield self._record(None, sha1=token.lower(), extra=extra)
                else:
                    self._without_md5 += 1
                    self._issue(line_no, kind, f"a SHA-256 without an MD5 or SHA-1; {_NO_MD5}")

    def _csv(
        self, header_text: str, delimiter: str, header_line: int, rest: Iterator[tuple[int, str]],
        *, source: str | None = None,
    ) -> Iterator[MediaRecord]:
        header = next(csv.reader([header_text], delimiter=delimiter))
        kinds = [_column_kind(h) for h in header]
        if "md5" not in kinds and "sha1" not in kinds:
            found = ", ".join(h.strip() for h, k in zip(header, kinds, strict=True) if k)
            raise ImportFormatError(
                f"the list has hash columns ({found}) but no MD5 or SHA-1 column; vidtask "
                "keys media by MD5 (else SHA-1), so ask the sender for those",
                line=header_line,
            )
        source = source or _source_of(kinds, header)
        line_numbers: list[int] = []

        def texts() -> Iterator[str]:
            for line_no, text in rest:
                line_numbers.append(line_no)
                yield text

        try:
            for row in csv.reader(texts(), delimiter=delimiter):
                if not any(c.strip() for c in row):
                    continue
                line = line_numbers[-1]
                self.records_read += 1
                if len(row) > len(header):
                    self._issue(line, None, f"{len(row)} cells but {len(header)} columns")
                    continue
                record = self._csv_row(row, header, kinds, line, source)
                if record is not None:
                    yield record
        except csv.Error as exc:
            raise ImportFormatError(
                f"the CSV is malformed ({exc})", line=line_numbers[-1] if line_numbers else None
            ) from None

    def _csv_row(
        self, row: list[str], header: list[str], kinds: list[str | None], line: int,
        source: str,
    ) -> MediaRecord | None:
        values: dict[str, str] = {}
        extra: dict[str, Any] = {}
        provenance: dict[str, Any] = {}
        for name, kind, cell in zip(header, kinds, row, strict=False):
            if kind is not None and kind not in values and cell.strip():
                values[kind] = cell.strip()
            elif kind is None and cell.strip():
                if source == "hashdeep" and re.sub(r"[^a-z]", "", name.lower()) in _PATH_COLUMNS:
                    extra["RelativeFilePath"] = cell
                else:
                    provenance[name.strip()] = cell
        if "md5" not in values and "sha1" not in values:
            if "sha256" in values:
                self._without_md5 += 1
                self._issue(line, "md5", f"the row has no MD5 or SHA-1; {_NO_MD5}")
            else:
                self._issue(line, "md5", "the row has no hash")
            return None
        try:
            size = parse_int(values["size"], minimum=0, maximum=(1 << 63) - 1) \
                if "size" in values else None
            return self._record(
                normalize_md5(values["md5"]) if "md5" in values else None,
                sha1=normalize_sha1(values["sha1"]) if "sha1" in values else None,
                sha256=normalize_sha256(values["sha256"]) if "sha256" in values else None,
                pdq=normalize_pdq(values["pdq"]) if "pdq" in values else None,
                size_bytes=size,
                extra=extra,
                provenance={source: provenance} if provenance else {},
            )
        except ValueError as exc:
            field = str(exc).split(" ", 1)[0].lower().replace("-", "")
            self._issue(line, field, str(exc))
            return None

    def _hashdeep(self, line_no: int, rest: Iterator[tuple[int, str]]) -> Iterator[MediaRecord]:
        """hashdeep: '%%%% HASHDEEP-1.0', '%%%% size,md5,sha256,filename', '## …' comments."""
        for header_line, text in rest:
            stripped = text.strip()
            if stripped.startswith("%%%%"):
                header_text = stripped[4:].strip()
                yield from self._csv(header_text, ",", header_line, _comments_skipped(rest),
                                     source="hashdeep")
                return
        raise ImportFormatError("the hashdeep header names no columns", line=line_no)

    def _record(self, md5: str | None, **fields: Any) -> MediaRecord:
        self.imported += 1
        return MediaRecord(md5=md5, series_names=(self.series_name,), **fields)


def _comments_skipped(lines: Iterator[tuple[int, str]]) -> Iterator[tuple[int, str]]:
    for line_no, text in lines:
        if not text.startswith("#"):
            yield line_no, text


def _delimiter(line: str) -> str | None:
    counts = {d: line.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else None


def _header_kinds(line: str, delimiter: str) -> bool:
    cells = next(csv.reader([line], delimiter=delimiter))
    # a header names hash columns; a data row would hold hex instead
    return any(_column_kind(c) for c in cells) and not any(
        _HEX.fullmatch(c.strip()) and len(c.strip()) in _KIND_BY_LENGTH for c in cells
    )


def read_hashlist(
    stream: IO[bytes],
    series_name: str,
    *,
    max_issues: int = DEFAULT_MAX_ISSUES,
    max_line_bytes: int = DEFAULT_MAX_LINE_BYTES,
) -> HashListReader:
    """Open a streaming reader over a binary hash list, for the series ``series_name``."""
    return HashListReader(stream, series_name, max_issues=max_issues, max_line_bytes=max_line_bytes)
