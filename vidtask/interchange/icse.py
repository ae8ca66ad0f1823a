"""Read and write INTERPOL ICSE hash exports: ``;``-separated CSV, one media per row.

Reading tolerates a BOM, CRLF, any column order and header case; a bad row becomes an
``ImportIssue``. Writing neutralises spreadsheet formula injection with ``csv_safe``, because
these files are opened in Excel by the people who receive them.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable, Iterator
from typing import IO, Any

from vidtask.domain.media import ImportFormatError, ImportIssue, MediaRecord
from vidtask.interchange.hashes import (
    normalize_md5,
    normalize_sha1,
    parse_bool,
    parse_int,
    photodna_base64,
    photodna_hex,
)
from vidtask.interchange.textlines import DEFAULT_MAX_LINE_BYTES, text_lines

ICSE_COLUMNS = (
    "MD5", "SHA1", "PhotoDNA", "Image ID", "Is distributed", "Victim identified",
    "Offender identified", "Series name", "Number of submissions", "File Available",
    "Media Type", "Baseline",
)  # fmt: skip
# ICSE-only columns live in MediaRecord.extra under these keys
EXTRA_KEYS = {
    "Image ID": "ICSEImageID",
    "Number of submissions": "ICSESubmissions",
    "File Available": "ICSEFileAvailable",
    "Media Type": "ICSEMediaType",
    "Baseline": "ICSEBaseline",
}
# ICSE 2022 baseline columns (IPED issue #1136) that are operational: stored as provenance,
# never written into a VICS file, and into an ICSE file only when asked for
OPERATIONAL_COLUMNS = ("ZZ40", "Lace", "Investigation name", "Agency")
ICSE_2022_COLUMNS = (
    "MD5", "SHA1", "ZZ40", "PhotoDNA", "Lace", "Image ID", "Is distributed", "Victim identified",
    "Offender identified", "Series name", "Investigation name", "Agency",
    "Number of submissions", "File Available", "Media Type", "Baseline",
)  # fmt: skip
DEFAULT_MAX_ISSUES = 1000

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_WHAT = "ICSE CSV files"


def _column_key(header: str) -> str:
    return re.sub(r"[\s_]+", " ", header.strip()).lower()


_BY_KEY = {_column_key(c): c for c in ICSE_2022_COLUMNS}


def csv_safe(cell: str) -> str:
    """Prefix ``'`` to a cell a spreadsheet would run as a formula (OWASP CSV injection).

    A cell already starting with ``'`` gets one too, so ``csv_unsafe`` can undo it exactly.
    """
    if cell.startswith((*_FORMULA_START, "'")):
        return "'" + cell
    return cell


def csv_unsafe(cell: str) -> str:
    """Undo ``csv_safe`` on a cell read back from a file."""
    if len(cell) > 1 and cell[0] == "'" and cell[1] in "=+-@\t\r'":
        return cell[1:]
    return cell


class IcseReader:
    """One pass over an ICSE CSV; iterate for MediaRecords. ``issues`` and ``columns`` fill in."""

    def __init__(
        self,
        stream: IO[bytes],
        *,
        max_issues: int = DEFAULT_MAX_ISSUES,
        max_line_bytes: int = DEFAULT_MAX_LINE_BYTES,
    ) -> None:
        self._stream = stream
        self._max_issues = max_issues
        self._max_line_bytes = max_line_bytes
        self.issues: list[ImportIssue] = []
        self.columns: list[str] = []  # as written in the file
        self.records_read = 0
        self._used = False

    def __iter__(self) -> Iterator[MediaRecord]:
        if self._used:
            raise RuntimeError("an IcseReader reads its stream once")
        self._used = True
        return self._run()

    def _issue(self, line: int, field: str | None, reason: str) -> None:
        self.issues.append(ImportIssue(self.records_read, line, field, reason))
        if len(self.issues) > self._max_issues:
            raise ImportFormatError(
                f"stopped after {self._max_issues:,} problems, the last being “{self.issues[-1]}”;"
                " check that this is an ICSE export",
                line=line,
            )

    def _run(self) -> Iterator[MediaRecord]:
        lines = text_lines(self._stream, what=_WHAT, max_line_bytes=self._max_line_bytes)
        rows = csv.reader(lines, delimiter=";")
        try:
            header = next(rows, None)
            while header is not None and not any(c.strip() for c in header):
                header = next(rows, None)
            if header is None:
                raise ImportFormatError("the file has no header row")
            if len(header) == 1 and ("," in header[0] or "\t" in header[0]):
                raise ImportFormatError(
                    "the header is not ';'-separated; ICSE exports use ';' between columns",
                    line=rows.line_num,
                )
            index = self._columns(header, rows.line_num)
            for row in rows:
                if not any(c.strip() for c in row):
                    continue
                self.records_read += 1
                line = rows.line_num
                if len(row) > len(header):
                    self._issue(line, None, f"{len(row)} cells but {len(header)} columns")
                    continue
                cells = [csv_unsafe(c) for c in row] + [""] * (len(header) - len(row))
                try:
                    yield self._record(cells, index, header)
                except _BadCell as exc:
                    self._issue(line, exc.column, exc.reason)
        except csv.Error as exc:
            raise ImportFormatError(f"the CSV is malformed ({exc})", line=rows.line_num) from None

    def _columns(self, header: list[str], line: int) -> dict[str, int]:
        self.columns = header
        index: dict[str, int] = {}
        for i, name in enumerate(header):
            known = _BY_KEY.get(_column_key(name))
            if known is None:
                continue
            if known in index:
                raise ImportFormatError(f"the column {known!r} appears twice", line=line)
            index[known] = i
        if "MD5" not in index:
            raise ImportFormatError(
                "there is no MD5 column, so this is not an ICSE export vidtask can use "
                f"(expected columns {';'.join(ICSE_COLUMNS)})",
                line=line,
            )
        return index

    def _record(self, cells: list[str], index: dict[str, int], header: list[str]) -> MediaRecord:
        def cell(column: str) -> str:
            return cells[index[column]].strip() if column in index else ""

        md5_text = cell("MD5")
        sha1 = _parse(normalize_sha1, cell("SHA1"), "SHA1") if cell("SHA1") else None
        if not md5_text and sha1 is None:
            raise _BadCell("MD5", "the row has neither an MD5 nor a SHA-1")
        md5 = _parse(normalize_md5, md5_text, "MD5") if md5_text else None
        extra: dict[str, Any] = {}
        if cell("PhotoDNA"):
            try:  # stored as VICS 2.0 writes it (base64); ICSE's hex comes back on ICSE export
                extra["PhotoDNA"] = photodna_base64(cell("PhotoDNA"))
            except ValueError as exc:
                raise _BadCell("PhotoDNA", str(exc)) from None
        provenance = {c: cell(c) for c in OPERATIONAL_COLUMNS if cell(c)}
        if cell("Image ID"):
            extra["ICSEImageID"] = cell("Image ID")
        if cell("Media Type"):
            extra["ICSEMediaType"] = cell("Media Type")
        submissions = _parse(parse_int, cell("Number of submissions"), "Number of submissions")
        if submissions is not None:
            extra["ICSESubmissions"] = submissions
        for column in ("File Available", "Baseline"):
            flag = _parse(parse_bool, cell(column), column)
            if flag is not None:
                extra[EXTRA_KEYS[column]] = flag
        known = set(index.values())
        for i, name in enumerate(header):
            if i not in known and cells[i].strip():
                extra[name.strip()] = cells[i]  # unknown columns kept verbatim
        series = cell("Series name")
        return MediaRecord(
            md5=md5,
            sha1=sha1,
            is_distributed=_parse(parse_bool, cell("Is distributed"), "Is distributed"),
            victim_identified=_parse(parse_bool, cell("Victim identified"), "Victim identified"),
            offender_identified=_parse(
                parse_bool, cell("Offender identified"), "Offender identified"
            ),
            series_names=(series,) if series else (),
            extra=extra,
            provenance={"ICSE": provenance} if provenance else {},
        )


class _BadCell(Exception):
    def __init__(self, column: str, reason: str) -> None:
        super().__init__(reason)
        self.column = column
        self.reason = reason


def _parse(parse: Callable[[str], Any], text: str, column: str) -> Any:
    try:
        return parse(text)
    except ValueError as exc:
        raise _BadCell(column, str(exc)) from None


def read_icse(
    stream: IO[bytes],
    *,
    max_issues: int = DEFAULT_MAX_ISSUES,
    max_line_bytes: int = DEFAULT_MAX_LINE_BYTES,
) -> IcseReader:
    """Open a streaming reader over a binary ICSE CSV stream."""
    return IcseReader(stream, max_issues=max_issues, max_line_bytes=max_line_bytes)


def _flag(value: bool | None) -> str:
    return "" if value is None else ("Yes" if value else "No")


def _photodna_cell(value: Any) -> str:
    if not value:
        return ""
    try:
        return photodna_hex(value)
    except ValueError:
        return ""  # not 144 bytes: no ICSE reader could use it


def icse_row(record: MediaRecord, columns: tuple[str, ...] = ICSE_COLUMNS) -> list[str]:
    """The ICSE cells for one record in ``columns`` order (``ICSE_COLUMNS`` or
    ``ICSE_2022_COLUMNS``), not yet made csv-safe. Hashes upper case, PhotoDNA as hex."""
    cells = dict(zip(ICSE_COLUMNS, _icse_cells(record), strict=True))
    operational = record.provenance.get("ICSE", {})
    return [cells[c] if c in cells else str(operational.get(c, "")) for c in columns]


def _icse_cells(record: MediaRecord) -> list[str]:
    extra = record.extra
    submissions = extra.get("ICSESubmissions")
    return [
        (record.md5 or "").upper(),
        (record.sha1 or "").upper(),
        _photodna_cell(extra.get("PhotoDNA")),
        str(extra.get("ICSEImageID") or ""),
        _flag(record.is_distributed),
        _flag(record.victim_identified),
        _flag(record.offender_identified),
        ", ".join(record.series_names),  # ICSE has one series cell per media
        "" if submissions is None else str(submissions),
        _flag(extra.get("ICSEFileAvailable")),
        str(extra.get("ICSEMediaType") or ""),
        _flag(extra.get("ICSEBaseline")),
    ]


def write_icse_csv(records: Iterable[MediaRecord], stream: IO[bytes], *,
                   columns: tuple[str, ...] = ICSE_COLUMNS) -> int:
    """Write an ICSE ``;``-separated CSV (UTF-8, CRLF) to a binary stream; returns rows written.

    ``columns`` is the allow-list and order of columns: ``ICSE_COLUMNS`` (the default, no
    operational column), ``ICSE_2022_COLUMNS`` (the 2022 baseline, operational columns from
    provenance) or any subset of the latter.
    """
    unknown = [c for c in columns if c not in ICSE_2022_COLUMNS]
    if unknown:
        raise ValueError(f"not ICSE columns: {', '.join(unknown)}")
    text = io.TextIOWrapper(stream, encoding="utf-8", newline="", write_through=True)
    try:
        writer = csv.writer(text, delimiter=";", lineterminator="\r\n")
        writer.writerow(columns)
        count = 0
        for record in records:
            writer.writerow([csv_safe(c) for c in icse_row(record, columns)])
            count += 1
        text.flush()
    finally:
        text.detach()  # the caller owns the stream
    return count
