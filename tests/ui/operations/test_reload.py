"""A screen's re-read (`Reload`): one at a time, one more if asked meanwhile, and never an older
answer shown after a newer one — also on the board, whose single-row updates and full loads
run on different pool threads."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import pytest
from pytestqt.qtbot import QtBot

from vidtask.services.series import SeriesRow
from vidtask.ui.board.model import SeriesBoardModel
from vidtask.ui.operations import Op, OpRunner, Reload

pytestmark = pytest.mark.gui


@pytest.fixture
def runner(qtbot: QtBot) -> OpRunner:
    made = OpRunner(threads=4)
    yield made
    made.close()


def test_a_burst_of_requests_reads_twice_and_shows_the_newest_last(
        qtbot: QtBot, runner: OpRunner) -> None:
    state = {"value": 0}
    release_first = threading.Event()
    reads: list[int] = []
    shown: list[int] = []

    def read() -> int:
        value = state["value"]
        reads.append(value)
        if len(reads) == 1:
            release_first.wait(5)  # the first read is slow: it began before the changes
        return value

    reload = Reload(lambda: Op(runner, read).success(shown.append))
    reload.request()
    qtbot.waitUntil(lambda: len(reads) == 1)
    for n in range(1, 6):  # five changes arrive while the first read is still out
        state["value"] = n
        reload.request()
    release_first.set()
    qtbot.waitUntil(lambda: len(shown) == 2)
    qtbot.wait(50)
    assert shown == [0, 5]  # the old answer, then one read that saw every change
    assert len(reads) == 2
    assert not reload.busy


def test_a_failed_read_does_not_stop_the_next_one(qtbot: QtBot, runner: OpRunner) -> None:
    outcomes: list[str] = []
    calls = {"n": 0}

    def read() -> str:
        calls["n"] += 1
        if calls["n"] == 1:
            raise OSError("the server went away")
        return "rows"

    reload = Reload(lambda: Op(runner, read).success(outcomes.append)
                    .failure(lambda error: outcomes.append(str(error))))
    reload.request()
    qtbot.waitUntil(lambda: len(outcomes) == 1)
    reload.request()
    qtbot.waitUntil(lambda: len(outcomes) == 2)
    assert outcomes == ["the server went away", "rows"]


def _row(version: int, status: str) -> SeriesRow:
    now = datetime(2026, 6, 3, 12, 0, tzinfo=UTC)
    return SeriesRow(id=7, code="B-0007", alias="Blue sofa", status=status, priority=2,
                     claimed_by=None, claimed_by_name=None, claim_expires_at=None,
                     top_country=None, top_confidence=None, clue_count=0, media_count=1,
                     updated_at=now, version=version, identified_elsewhere=0)


def test_the_board_keeps_a_newer_row_when_an_older_answer_arrives_late(qtbot: QtBot) -> None:
    model = SeriesBoardModel("anna")
    model.set_rows([_row(1, "new")])
    model.update_rows([_row(3, "proposed")])  # the newer single-row read came back first
    model.update_rows([_row(2, "in_assessment")])  # an earlier read, late
    assert model.series(7).status == "proposed"  # type: ignore[union-attr]
    model.set_rows([_row(2, "in_assessment")])  # a full load that read before the update
    assert model.series(7).status == "proposed"  # type: ignore[union-attr]
    model.set_rows([_row(4, "confirmed")])  # a load that read after it: its answer stands
    assert model.series(7).status == "confirmed"  # type: ignore[union-attr]
