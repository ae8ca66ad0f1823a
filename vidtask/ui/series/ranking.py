"""The workspace's live country ranking: the saved clues plus the editor's unsaved draft,
ranked off the GUI thread (an `Op`), only the latest request shown.

`rank_clues` is pure CPU (the narrowing model); the workspace's load computes the saved clues'
ranking in the same background call, so opening a series costs one call, not two. The result,
`Suggestions`, keeps the whole `Ranking` (every country: ties, counts, contradictions) beside
the rows the panel lists.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from PySide6.QtCore import QObject, QTimer

from vidtask.domain.narrowing import Candidate, InvalidClue, NarrowingError, Ranking
from vidtask.services.narrowing import rank_clues as rank_clue_infos
from vidtask.services.series_detail import ClueInfo
from vidtask.ui.operations import Op, OpHost

#: How many countries with support the panel lists (the counts line says where the rest are).
RANKING_LIMIT = 15
#: Typing pauses this long before the draft is ranked again.
DEBOUNCE_MS = 150
#: The id an unsaved new clue carries in the ranking (`ClueEditor.draft_info`).
DRAFT_ID = -1


@dataclass(frozen=True, slots=True)
class Suggestions:
    """What the assessment panel shows: the ranking, the rows it lists and a note."""

    ranking: Ranking = field(default_factory=lambda: Ranking(()))
    note: str = ""

    @property
    def listed(self) -> list[Candidate]:
        """Countries with support, best first (ties in prior order), at most RANKING_LIMIT."""
        return self.ranking.listed(RANKING_LIMIT)


def rank_clues(clue_infos: list[ClueInfo], draft_note: str,
               draft_id: int | None = None) -> Suggestions:
    """The live ranking: a draft the narrowing refuses is left out, and said so.

    `draft_id` is the id of the editor's unsaved clue among `clue_infos` (DRAFT_ID for a new
    one), None when every clue is saved.
    """
    try:
        return Suggestions(rank_clue_infos(clue_infos), draft_note)
    except NarrowingError as exc:
        if draft_id is None:
            raise
        saved = [c for c in clue_infos if c.id != draft_id]
        reason = exc.reason if isinstance(exc, InvalidClue) else str(exc)
        return Suggestions(rank_clue_infos(saved), f"Not counted: your unsaved clue ({reason}).")


class LiveRanking(QObject):
    """Debounced re-ranking; `show` hears only the answer to the latest request."""

    def __init__(self, host: OpHost,
                 inputs: Callable[[], tuple[list[ClueInfo], str, int | None] | None],
                 show: Callable[[Suggestions], object], parent: QObject) -> None:
        super().__init__(parent)
        self.host, self.inputs, self.show = host, inputs, show
        self._generation = 0
        self._owner = parent
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(DEBOUNCE_MS)
        self.timer.timeout.connect(self.recompute)

    def schedule(self) -> None:
        self.timer.start()

    def recompute(self) -> None:
        found = self.inputs()
        if found is None:
            return
        self._generation += 1
        generation = self._generation

        def arrived(result: Suggestions) -> None:
            if generation == self._generation:
                self.show(result)

        Op(self.host, rank_clues, *found).success(arrived).owned_by(self._owner).run()

    def known(self, suggestions: Suggestions) -> None:
        """A ranking computed elsewhere (the load) is current: older requests are moot."""
        self._generation += 1
        self.show(suggestions)
