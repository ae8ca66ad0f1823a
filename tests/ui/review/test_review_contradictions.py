"""The review queue warns a coordinator where a proposed ranking disagrees with the series' own
clues (issue 15): a ranked country the clues rule out, a confidence far from their share."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from PySide6.QtWidgets import QLabel, QTableView
from pytestqt.qtbot import QtBot

from tests.conftest import World
from tests.ui.find import child
from tests.worlds.review import propose
from vidtask.services import assessments, claims, clues
from vidtask.ui.context import AppContext
from vidtask.ui.review.queue import ReviewQueueWidget

pytestmark = pytest.mark.gui


def _propose_german(world: World, series_id: int) -> None:
    """Four clues that point at Germany (tied with Austria and Luxembourg), ranked as they say."""
    claims.claim_series(world.db, "anna", series_id)
    for category, kind, value in (("text", "language", "de"), ("electrical", "socket", "F"),
                                  ("currency", "currency", "EUR"),
                                  ("vehicle", "driving_side", "right")):
        clues.add_clue(world.db, "anna", series_id,
                       clues.ClueInput(category, f"{kind} {value}", kind=kind, value=value))
    assessments.set_candidates(world.db, "anna", series_id,
                               [assessments.CandidateInput("DE", 85, "all four agree")])
    assessments.propose(world.db, "anna", series_id)


def test_the_queue_warns_where_the_ranking_disagrees_with_the_clues(
        qtbot: QtBot, world: World, make_ctx: Callable[[str], AppContext]) -> None:
    propose(world, world.series_ids[0], ("DE", "FR"))  # a clue excludes FR
    _propose_german(world, world.series_ids[1])
    widget = ReviewQueueWidget(make_ctx("cora"))
    qtbot.addWidget(widget)
    widget.show()
    table = child(widget, QTableView, "reviewQueue")
    qtbot.waitUntil(lambda: table.model().rowCount() == 2, timeout=10_000)
    note = child(widget, QLabel, "reviewContradictions")
    codes = [table.model().index(r, 0).data() for r in range(2)]

    table.selectRow(codes.index("S-001"))
    qtbot.waitUntil(note.isVisible, timeout=5_000)
    assert "The ranking disagrees with the clues" in note.text()
    assert "France is ranked 2nd but the clues rule it out" in note.text()
    assert "You give Germany 70 %; the clues alone give it" in note.text()

    table.selectRow(codes.index("S-002"))
    qtbot.waitUntil(lambda: not note.isVisible(), timeout=5_000)
    assert note.found == []
