"""The suggestions table's model: the narrowing ranking's listed candidates, one row each."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeAlias

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from vidtask.domain.narrowing import Candidate, TieGroup
from vidtask.ui.common import country_text
from vidtask.ui.series.suggestion_text import people_text, rank_text, share_text

Index: TypeAlias = QModelIndex | QPersistentModelIndex


class RankingModel(QAbstractTableModel):
    """Suggested candidates from narrowing (the listed ones: at most RANKING_LIMIT rows)."""

    HEADERS = ("#", "Country", "Score", "Share", "Population")
    HEADER_TIPS = ("Rank by score; \"=1\" is shared by every country or territory with the "
                   "same score",
                   "", "Log-odds score: the sum of the reasons (higher is likelier)",
                   "The clues' share (a guide, not a statistic); within a tie split by population",
                   "Within a tie only: population, the prior that orders the tie and splits its "
                   "share (not evidence)")

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.candidates: list[Candidate] = []
        self.ties: dict[int, TieGroup] = {}

    def set_candidates(self, candidates: Sequence[Candidate],
                       ties: Sequence[TieGroup] = ()) -> None:
        self.beginResetModel()
        self.candidates = list(candidates)
        self.ties = {group.rank: group for group in ties}
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.candidates)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self.HEADERS[section]
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.HEADER_TIPS[section] or None
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        candidate = self.candidates[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            population = people_text(candidate.population, short=True) \
                if candidate.tied > 1 else ""
            return (candidate.rank_label, country_text(candidate.country),
                    f"{candidate.score:+.1f}", share_text(candidate.share), population)[column]
        if role == Qt.ItemDataRole.ToolTipRole:
            group = self.ties.get(candidate.rank) if candidate.tied > 1 else None
            if group is not None and column in (0, 4):
                return f"{group.sentence()} {group.separation()}"
            return None
        if role == Qt.ItemDataRole.AccessibleTextRole and column == 0:
            return rank_text(candidate, self.ties.get(candidate.rank))
        if role == Qt.ItemDataRole.TextAlignmentRole and column != 1:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

