"""Where a proposed ranking disagrees with the series' own clues, for the coordinator to see
before confirming: a ranked country the clues rule out, a first choice no clue supports, a
confidence far from the clues' share (`vidtask.services.narrowing.series_contradictions`).

A self-contained label: give it the window context, place it anywhere in the review pane and
call `show_for(series_id, [(country, confidence %), …])` when the selection changes; it works
in the background (an `Op`), shows only the answer to the latest call, and hides itself when
there is nothing to say.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

from vidtask.domain.narrowing import Contradiction
from vidtask.services.narrowing import series_contradictions
from vidtask.ui.common import WrappingLabel
from vidtask.ui.context import AppContext
from vidtask.ui.naming import named
from vidtask.ui.operations import Op


def contradictions_html(found: Sequence[Contradiction]) -> str:
    """One warning a line, in the model's own sentences; '' when the ranking agrees."""
    if not found:
        return ""
    lines = "<br>".join(f"⚠ {escape(c.message)}" for c in found)
    return f"<b>The ranking disagrees with the clues</b><br>{lines}"


class ContradictionNote(WrappingLabel):
    """The warnings for one proposed series (objectName ``reviewContradictions``)."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__("", parent)
        named(self, "reviewContradictions", "Where the ranking disagrees with the clues")
        self.ctx = ctx
        self.setTextFormat(Qt.TextFormat.RichText)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.setStyleSheet("QLabel { color: #8a5a00; }")
        self.found: list[Contradiction] = []
        self._generation = 0
        self.hide()

    def show_for(self, series_id: int | None, chosen: Sequence[tuple[str, int]]) -> None:
        """Check this ranking ((country, confidence %) best first) against the series' clues."""
        self._generation += 1
        generation = self._generation
        if series_id is None or not chosen:
            self._show([])
            return

        def arrived(found: list[Contradiction]) -> None:
            if generation == self._generation:
                self._show(found)

        Op(self.ctx, series_contradictions, self.ctx.db, series_id, list(chosen))\
            .success(arrived).owned_by(self).run()

    def _show(self, found: list[Contradiction]) -> None:
        self.found = found
        self.setText(contradictions_html(found))
        self.setVisible(bool(found))
