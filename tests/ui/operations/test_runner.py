"""The one operation runner: typed results on the GUI thread, failures as one sentence at a level
(logged with their traceback), Changes published once, progress and cancel through one object."""

from __future__ import annotations

import logging
import threading
from datetime import UTC, datetime

import pytest
from PySide6.QtCore import QThread
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from vidtask.domain.changes import ChangeEvent, Changes
from vidtask.domain.errors import ClaimConflict
from vidtask.domain.progress import Cancelled, Progress
from vidtask.ui.operations import ChangeBatch, ChangeBus, Level, Notices, Op, OpRunner, Origin

pytestmark = pytest.mark.gui


def event(version: int, action: str = "claim.taken", series_id: int | None = 1) -> ChangeEvent:
    return ChangeEvent(version, datetime.now(UTC), "anna", action, "series", series_id,
                       series_id)


@pytest.fixture
def runner(qtbot: QtBot) -> OpRunner:
    bus, notices = ChangeBus(), Notices()
    made = OpRunner(bus=bus, notices=notices)
    yield made
    made.close()


def test_the_result_arrives_typed_on_the_gui_thread(qtbot: QtBot, runner: OpRunner) -> None:
    seen: list[tuple[int, object]] = []
    worker: list[object] = []

    def add(a: int, b: int) -> int:
        worker.append(QThread.currentThread())
        return a + b

    Op(runner, add, 2, 3).success(lambda total: seen.append((total, QThread.currentThread())))\
        .run()
    qtbot.waitUntil(lambda: bool(seen))
    assert seen == [(5, QApplication.instance().thread())]  # type: ignore[union-attr]
    assert worker and worker[0] is not seen[0][1]


def test_a_refusal_is_a_warning_and_a_bug_an_error_logged_with_its_traceback(
        qtbot: QtBot, runner: OpRunner, caplog: pytest.LogCaptureFixture) -> None:
    assert runner.notices is not None
    posted = []
    runner.notices.posted.connect(posted.append)

    def refused() -> None:
        raise ClaimConflict("S-001", "bert", None)

    def broken() -> None:
        raise KeyError("oops")

    with caplog.at_level(logging.INFO, logger="vidtask"):
        Op(runner, refused).run()
        Op(runner, broken).run()
        qtbot.waitUntil(lambda: len(posted) == 2)
    levels = {n.level: n.text for n in posted}
    assert levels[Level.WARNING] == "Series S-001 is claimed by bert."
    assert levels[Level.ERROR].startswith("Unexpected error (KeyError: 'oops'); details are in")
    bug = next(r for r in caplog.records if r.levelno == logging.ERROR)
    assert bug.exc_info is not None and "broken" in bug.getMessage()


def test_a_failure_callback_replaces_the_notice(qtbot: QtBot, runner: OpRunner) -> None:
    assert runner.notices is not None
    errors: list[BaseException] = []

    def fails() -> None:
        raise ValueError("no")

    Op(runner, fails).failure(errors.append).run()
    qtbot.waitUntil(lambda: bool(errors))
    assert runner.notices.history == []


def test_changes_a_result_carries_go_out_once_before_success(
        qtbot: QtBot, runner: OpRunner) -> None:
    assert runner.bus is not None
    order: list[str] = []
    batches: list[ChangeBatch] = []
    runner.bus.subscribe(lambda b: (batches.append(b), order.append("bus")))
    changes = Changes((event(7),))
    Op(runner, lambda: changes).success(lambda _c: order.append("success")).run()
    qtbot.waitUntil(lambda: order == ["bus", "success"])
    assert batches[0].origin is Origin.THIS_WINDOW and batches[0].changes == changes
    runner.bus.publish(changes, Origin.FEED)  # the feed brings the same event again: dropped
    assert len(batches) == 1 and runner.bus.sent == 1


def test_progress_reaches_the_gui_and_cancel_stops_the_service(
        qtbot: QtBot, runner: OpRunner) -> None:
    reports: list[tuple[int, int, str]] = []
    failures: list[BaseException] = []
    go_on = threading.Event()

    def long_call(progress: Progress) -> int:
        for done in range(100):
            progress.report(done, 100, f"step {done}")
            if done == 1:
                go_on.wait(5)
            progress.check()
        return 100

    progress = Progress()
    Op(runner, long_call, progress).with_progress("Working…", progress=progress,
                                                  on_report=lambda *r: reports.append(r))\
        .failure(failures.append).run()
    qtbot.waitUntil(lambda: bool(reports))
    progress.cancel()
    go_on.set()
    qtbot.waitUntil(lambda: bool(failures))
    assert isinstance(failures[0], Cancelled)
    assert reports[0][1] == 100 and reports[-1][0] < 100


def test_callbacks_of_a_closed_owner_are_dropped(qtbot: QtBot, runner: OpRunner) -> None:
    owner = QWidget()
    seen: list[int] = []
    release = threading.Event()
    Op(runner, lambda: release.wait(5) and 1).success(seen.append).owned_by(owner).run()
    owner.deleteLater()
    qtbot.wait(50)
    release.set()
    qtbot.waitUntil(lambda: not runner.busy)
    assert seen == []


def test_a_broken_success_callback_is_shown_not_swallowed(qtbot: QtBot, runner: OpRunner) -> None:
    assert runner.notices is not None

    def bad(_value: int) -> None:
        raise RuntimeError("screen bug")

    Op(runner, lambda: 1).success(bad).run()
    qtbot.waitUntil(lambda: runner.notices is not None and bool(runner.notices.history))
    assert runner.notices.history[0].level is Level.ERROR
