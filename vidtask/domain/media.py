"""Media records, case headers and import problems: the values intake hands to the database.

Only hashes and metadata live here; vidtask never holds imagery. These types are plain
dataclasses so every layer (interchange, services, db) can build and compare them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from vidtask.domain.categories import UNCATEGORISED as UNCATEGORISED_CODES
from vidtask.domain.categories import code_for as category_code_for

__all__ = ["UNCATEGORISED_CODES", "CaseInfo", "ImportFormatError", "ImportIssue",
           "MediaRecord", "category_code_for"]


@dataclass(slots=True)
class MediaRecord:
    """One media item known by its hashes, as the database stores it.

    ``extra`` carries every other field we must hand back on export unchanged (VICS ``Tags`` as
    a list of str, ``Comments``, ``PhotoDNA``, ``Exifs``, ``MediaFiles``, ``DateUpdated``,
    unknown keys verbatim, ICSE-only columns...). ``series_names`` are stripped and non-empty.
    ``provenance`` is where the record came from, in our own keys (ICSE ``Agency``, NSRL
    ``FileName``/``ProductCode`` …): stored, shown, never written as VICS keys.
    A record is known by its MD5, else (SHA1-only sources) by its SHA-1: one of them is set.
    """

    md5: str | None
    sha1: str | None = None
    sha256: str | None = None
    pdq: str | None = None
    pdq_quality: int | None = None
    size_bytes: int | None = None
    mime_type: str | None = None
    category_code: int | None = None  # None = uncategorised, never 0
    category_scheme: str | None = None  # "VICS-US", "VICS-UK", "VICS-Default", "DHS", ...
    victim_identified: bool | None = None
    offender_identified: bool | None = None
    is_distributed: bool | None = None
    series_names: tuple[str, ...] = ()
    vics_media_id: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    provenance: dict[str, Any] = field(default_factory=dict)

    @property
    def key(self) -> str:
        """What identifies the media: its MD5, else ``sha1:<SHA-1>``."""
        return self.md5 if self.md5 is not None else f"sha1:{self.sha1}"


@dataclass(slots=True)
class CaseInfo:
    """The header of one VICS ``#Cases`` entry; its media follow it in the import stream.

    ``extra`` keeps the case keys we do not model (``TotalMediaFiles`` and
    ``TotalPrecategorized`` are unreliable in real files, so they stay there and exports
    recount them).
    """

    case_id: str | None = None
    case_number: str | None = None
    contact_organization: str | None = None
    contact_name: str | None = None
    contact_phone: str | None = None
    contact_email: str | None = None
    contact_title: str | None = None
    seizure_date: str | None = None  # kept as written; validated as ISO 8601 on import
    source_application_name: str | None = None
    source_application_version: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ImportIssue:
    """A record that was skipped (or a field that was dropped), and why; the import goes on.

    ``record_no`` counts records from 1 in file order (skipped ones included); ``line`` is the
    physical line where the format has lines worth quoting (CSV, hash lists), else None.
    ``kept`` marks a warning: the record was imported, one field was read another way.
    """

    record_no: int
    line: int | None
    field: str | None
    reason: str
    kept: bool = False

    def __str__(self) -> str:
        where = f"Record {self.record_no}"
        if self.line is not None:
            where += f" (line {self.line})"
        if self.field is not None:
            where += f", field {self.field!r}"
        return f"{where}: {self.reason}"


class ImportFormatError(Exception):
    """The file cannot be imported at all (truncated, not the format, hostile); one sentence."""

    def __init__(
        self,
        reason: str,
        *,
        line: int | None = None,
        field: str | None = None,
        byte_offset: int | None = None,
    ) -> None:
        super().__init__(reason)
        self.reason = reason
        self.line = line
        self.field = field
        self.byte_offset = byte_offset

    def __str__(self) -> str:
        where: list[str] = []
        if self.line is not None:
            where.append(f"line {self.line}")
        if self.byte_offset is not None:
            where.append(f"near byte {self.byte_offset:,}")
        if self.field is not None:
            where.append(f"field {self.field!r}")
        text = self.reason.rstrip(".")
        if where:
            text += f" ({', '.join(where)})"
        return f"Cannot import this file: {text}."
