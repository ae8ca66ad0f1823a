"""Media of a series as a table: hashes, type, size, category under its scheme's label, flags."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeAlias

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor

from vidtask.services.series_detail import MediaInfo

Index: TypeAlias = QModelIndex | QPersistentModelIndex

# What category numbers mean per scheme (domain.md): never show a bare number.
CATEGORY_LABELS: dict[str, dict[int, str]] = {
    "US": {0: "non-pertinent", 1: "CAM", 2: "exploitive / age-difficult", 3: "CGI / animation",
           4: "comparison"},
    "DHS": {0: "uncategorised", 5: "non-pertinent"},
}


def category_label(code: int | None, scheme: str | None) -> str:
    if code is None:
        return "uncategorised"
    key = (scheme or "").upper().removeprefix("VICS-")
    label = CATEGORY_LABELS.get(key, {}).get(code)
    shown = scheme or "no scheme"
    return f"{code} {label} ({shown})" if label else f"{code} ({shown})"


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


class MediaModel(QAbstractTableModel):
    HEADERS = ("MD5", "Type", "Size", "Category", "PDQ quality", "Flags")

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.media: list[MediaInfo] = []

    def set_media(self, media: Sequence[MediaInfo]) -> None:
        self.beginResetModel()
        self.media = list(media)
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.media)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.HEADERS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        media = self.media[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return (media.md5, media.mime_type or "", _size(media.size_bytes),
                    category_label(media.category_code, media.category_scheme),
                    "" if media.pdq_quality is None else str(media.pdq_quality),
                    _flags(media))[index.column()]
        if role == Qt.ItemDataRole.ToolTipRole and index.column() == 0:
            return f"SHA-1 {media.sha1 or '—'}\nSHA-256 {media.sha256 or '—'}"
        if role == Qt.ItemDataRole.ForegroundRole and index.column() == 5 \
                and media.victim_identified:
            return QColor("#c0392b")
        return None
