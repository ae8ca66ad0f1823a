"""The workspace's live country ranking: the saved clues plus the editor's unsaved draft,
ranked off the GUI thread (an `Op`), only the latest request shown.

`rank_clues` is pure CPU (the narrowing model); the workspace's load computes the saved clues'
ranking in the same background call, so opening a series costs one call, not two.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer

from vidtask.domain.narrowing import Candidate, NarrowingError
from vidtask.services.narrowing import narrow_clues
from vidtask.services.series_detail import ClueInfo
from vidtask.ui.operations import Op, OpHost

RANKING_LIMIT = 15
MIN_SHARE = 0.005
#: Typing pauses this long before the draft is ranked again.
DEBOUNCE_MS = 150

Ranking = tuple[list[Candidate], str]


def plausible(ranked: list[Candidate], note: str) -> Ranking:
    """Hide the long tail the clues rule out (share under 0.5 %), but say how many there are."""
    shown = [c for c in ranked if c.share >= MIN_SHARE or c.score > 0][:RANKING_LIMIT]
    hidden = len(ranked) - len(shown)
    if hidden:
        extra = f"{hidden} other countries are ruled out by the clues (not listed)."
        note = f"{note} {extra}".strip()
    return shown, note


def rank_clues(clue_infos: list[ClueInfo], draft_note: str) -> Ranking:
    """The live ranking: a draft the narrowing refuses is left out, and said so."""
    try:
        ranked, note = narrow_clues(clue_infos), draft_note
    except NarrowingError as exc:
        ok = [c for c in clue_infos if c.id != -1 and c is not clue_infos[-1]]
        ranked, note = narrow_clues(ok), f"Not counted: {exc}."
    return plausible(ranked, note)


class LiveRanking(QObject):
    """Debounced re-ranking; `show` hears only the answer to the latest request."""

    def __init__(self, host: OpHost, inputs: Callable[[], tuple[list[ClueInfo], str] | None],
                 show: Callable[[Ranking], object], parent: QObject) -> None:
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

        def arrived(result: Ranking) -> None:
            if generation == self._generation:
                self.show(result)

        Op(self.host, rank_clues, *found).success(arrived).owned_by(self._owner).run()

    def known(self, ranking: Ranking) -> None:
        """A ranking computed elsewhere (the load) is current: older requests are moot."""
        self._generation += 1
        self.show(ranking)
