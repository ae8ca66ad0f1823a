"""What the board shows: its filter, the search key of each row, and the filtering itself.

No Qt here. Search keys are built once per row, on the worker thread that loaded the rows
(`load_board_rows`), so a load costs the GUI thread no per-row work. A keystroke is one pass of
substring tests over those keys — plain list comprehensions, no object per row — and a filter
that only narrows the previous one (typing on) tests just the rows shown now.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache

from vidtask.db.bulk_rows import collector_paused
from vidtask.db.engine import Database
from vidtask.domain.claims import holds_live_claim, is_claimable, lease_is_live
from vidtask.domain.countries import UnknownCountry, country_name
from vidtask.domain.wording import series_status
from vidtask.services.series import SeriesFilter, SeriesRow, list_series


@dataclass(frozen=True)
class BoardFilter:
    """What the board shows; every test runs on precomputed row keys, not in SQL."""

    text: str = ""
    statuses: frozenset[str] = frozenset()
    mine: bool = False
    unclaimed: bool = False
    country: str | None = None
    me: str = ""
    now: datetime = field(default_factory=lambda: datetime.now(UTC))

    @property
    def words(self) -> tuple[str, ...]:
        """The typed text as the lower-case words every shown row's key must contain."""
        return tuple(self.text.lower().split())

    def accepts(self, row: SeriesRow, key: str) -> bool:
        return bool(filter_positions(self, [row], [key], [0]))

    def narrows(self, before: BoardFilter) -> bool:
        """Every row this filter accepts was accepted by `before` (so only those need a test).

        True when only the text changed and each earlier word is inside a word typed now.
        "Mine" and "Unclaimed" read the clock, so with either on nothing is assumed.
        """
        if (self.statuses, self.mine, self.unclaimed, self.country, self.me) != (
                before.statuses, before.mine, before.unclaimed, before.country, before.me):
            return False
        if self.mine or self.unclaimed:
            return False
        words = self.words
        return all(any(old in new for new in words) for old in before.words)


def filter_positions(board_filter: BoardFilter, rows: Sequence[SeriesRow],
                     keys: Sequence[str], candidates: Iterable[int]) -> list[int]:
    """The candidates (positions in `rows`, kept in their order) that pass the filter."""
    chosen = list(candidates)
    for word in board_filter.words:  # the usual case: one cheap substring test per row
        chosen = [p for p in chosen if word in keys[p]]
    if board_filter.statuses:
        statuses = board_filter.statuses
        chosen = [p for p in chosen if rows[p].status in statuses]
    if board_filter.country:
        country = board_filter.country
        chosen = [p for p in chosen if rows[p].top_country == country]
    now, me = board_filter.now, board_filter.me
    if board_filter.mine:
        chosen = [p for p in chosen
                  if holds_live_claim(rows[p].claimed_by, me, rows[p].claim_expires_at, now)]
    if board_filter.unclaimed:
        # "Unclaimed" means free to take: nobody holds it and it is still open for work.
        chosen = [p for p in chosen
                  if not lease_is_live(rows[p].claimed_by, rows[p].claim_expires_at, now)
                  and is_claimable(rows[p].status)]
    return chosen


def search_key(row: SeriesRow) -> str:
    """Everything a person may type to find a series, lower-cased once: code, alias, holder's
    login and name, top country's code and name, status (as stored and in words)."""
    country = row.top_country
    return " ".join((row.code, row.alias, row.claimed_by or "", row.claimed_by_name or "",
                     _country_words(country) if country else "",
                     _status_words(row.status))).lower()


@cache
def _country_words(code: str) -> str:
    try:
        return f"{code} {country_name(code)}"
    except UnknownCountry:
        return code


@cache
def _status_words(status: str) -> str:
    return f"{status.replace('_', ' ')} {series_status(status)}"


@dataclass(frozen=True)
class BoardRows:
    """Board rows with their search keys and positions, for `SeriesBoardModel.set_rows`
    (which takes the lists over)."""

    rows: list[SeriesRow]
    keys: list[str]
    where: dict[int, int]  # series id -> position in rows


def prepare_rows(rows: Iterable[SeriesRow]) -> BoardRows:
    with collector_paused():
        rows = list(rows)
        return BoardRows(rows, [search_key(row) for row in rows],
                         {row.id: position for position, row in enumerate(rows)})


def load_board_rows(db: Database, sprint_id: int,
                    filters: SeriesFilter | None = None) -> BoardRows:
    """The board's load, run by an `Op` on the worker pool: the query and the keys."""
    return prepare_rows(list_series(db, sprint_id, filters))
