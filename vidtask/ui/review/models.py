"""Table models of the review screen over plain service values (ReviewItem, DisseminationEntry)."""

from __future__ import annotations

from collections.abc import Iterable

from vidtask.domain.dates import format_datetime
from vidtask.services.review import DisseminationEntry, ReviewItem
from vidtask.ui.rows_model import Column, RowsModel

TOP_LIMIT = 3


def _candidates_text(candidates: Iterable[tuple[str, int]]) -> str:
    return ", ".join(f"{country} {confidence} %" for country, confidence in candidates)


def top_candidates(item: ReviewItem, limit: int = TOP_LIMIT) -> str:
    return _candidates_text((c.country, c.confidence) for c in item.candidates[:limit])


#: The widest text the Top candidates column can show (its width is measured on it).
WIDEST_TOP_CANDIDATES = _candidates_text([("WM", 100)] * TOP_LIMIT)


QUEUE_COLUMNS: list[Column[ReviewItem]] = [
    Column("Series", lambda i: i.code),
    Column("Alias", lambda i: i.alias),
    Column("Top candidates", top_candidates),
    Column("Assessed by", lambda i: ", ".join(i.assessor_names or i.assessors)),
    Column("Proposed", lambda i: format_datetime(i.proposed_at)),
    Column("Warnings", lambda i: f"⚠ {len(i.warnings)}" if i.warnings else ""),
]

DISSEMINATION_COLUMNS: list[Column[DisseminationEntry]] = [
    Column("Country", lambda e: f"{e.country} — {e.country_name}"),
    Column("Waiting", lambda e: len(e.waiting), numeric=True),
    Column("Sent", lambda e: len(e.sent), numeric=True),
    Column("Waiting series", lambda e: ", ".join(e.waiting)),
    Column("Sent series", lambda e: ", ".join(e.sent)),
]


class ReviewQueueModel(RowsModel[ReviewItem]):
    def __init__(self) -> None:
        # No key: every refresh resets, so re-selecting the kept row re-shows its (new) evidence.
        super().__init__(QUEUE_COLUMNS, text_tips=True)

    def item(self, row: int) -> ReviewItem:
        return self.row(row)

    def row_of(self, series_id: int) -> int | None:
        return next((i for i, r in enumerate(self._rows) if r.series_id == series_id), None)


class DisseminationModel(RowsModel[DisseminationEntry]):
    def __init__(self) -> None:
        super().__init__(DISSEMINATION_COLUMNS, text_tips=True)

    def entry(self, row: int) -> DisseminationEntry:
        return self.row(row)
