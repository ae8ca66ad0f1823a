"""Media of a series as a table: hashes, type, size, category under its scheme's label, flags."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QObject
from PySide6.QtGui import QColor

from vidtask.domain import categories
from vidtask.services.series_detail import MediaInfo
from vidtask.ui.rows_model import Column, RowsModel

VICTIM_IDENTIFIED_TEXT = QColor("#c0392b")

def category_label(code: int | None, scheme: str | None) -> str:
    """What category numbers mean per scheme (domain/categories.py): never a bare number."""
    return categories.label(code, scheme)


def _size(size: int | None) -> str:
    if size is None:
        return ""
    if size >= 1_000_000:
        return f"{size / 1_000_000:.1f} MB"
    return f"{size / 1000:.0f} kB"


def _flags(media: MediaInfo) -> str:
    flags = []
    if media.victim_identified:
        flags.append("⚠ victim identified elsewhere")
    if media.offender_identified:
        flags.append("offender identified")
    if media.is_distributed:
        flags.append("distributed")
    return ", ".join(flags)


def _hashes(media: MediaInfo) -> str:
    return f"SHA-1 {media.sha1 or '—'}\nSHA-256 {media.sha256 or '—'}"


COLUMNS: list[Column[MediaInfo]] = [
    Column("MD5", lambda m: m.md5, cell_tooltip=_hashes),
    Column("Type", lambda m: m.mime_type or ""),
    Column("Size", lambda m: _size(m.size_bytes)),
    Column("Category", lambda m: category_label(m.category_code, m.category_scheme)),
    Column("PDQ quality", lambda m: "" if m.pdq_quality is None else str(m.pdq_quality)),
    Column("Flags", _flags,
           foreground=lambda m: VICTIM_IDENTIFIED_TEXT if m.victim_identified else None),
]


class MediaModel(RowsModel[MediaInfo]):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(COLUMNS, parent=parent)

    @property
    def media(self) -> list[MediaInfo]:
        return self.rows()

    def set_media(self, media: Sequence[MediaInfo]) -> None:
        self.set_rows(media)
