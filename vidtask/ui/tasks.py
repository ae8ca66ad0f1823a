"""Run one service call off the GUI thread and hand its result back on the GUI thread.

A `QRunnable` on the global `QThreadPool`; its `TaskSignals` object lives in the GUI thread, so
the queued connections deliver `finished`, `failed` and `progress` there. Errors users can see
(`VidtaskError`) arrive as their one sentence; anything else as "Unexpected error: …".

Why two helpers: the main window's own calls use `vidtask.ui.workers.Workers` (one per window,
closed with it). The standalone review, export, feedback and dashboard screens came with this
one because they need progress reports and cancellation, which `Workers` lacks; embedded in the
window they stop accepting results when it closes (`ReviewQueueWidget.stop`). Merging the two
means adding progress to `Workers` and giving each screen the window's instance.

Signals (TaskSignals): finished(object) the call's return value; failed(str) one sentence;
progress(int, int, str) done, total, what is being worked on.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot

from vidtask.domain.errors import VidtaskError

Report = Callable[[int, int, str], None]


class TaskSignals(QObject):
    finished = Signal(object)
    failed = Signal(str)
    progress = Signal(int, int, str)


class TaskCancelled(Exception):
    """Raised from a progress callback to stop a long call between two units of work."""


class _Task(QRunnable):
    def __init__(self, call: Callable[[Report], Any], signals: TaskSignals) -> None:
        super().__init__()
        self._call = call
        self.signals = signals
        self.returned = False  # set last: the signals object may go only after this

    def run(self) -> None:
        try:
            self._run()
        finally:
            self.returned = True

    def _run(self) -> None:
        try:
            result = self._call(self.signals.progress.emit)
        except TaskCancelled:
            self.signals.failed.emit("cancelled")
        except VidtaskError as exc:
            self.signals.failed.emit(str(exc))
        except Exception as exc:  # shown to the user rather than lost in the pool
            self.signals.failed.emit(f"Unexpected error: {exc}")
        else:
            self.signals.finished.emit(result)


class _Relay(QObject):
    """Receiver living in the GUI thread: a QObject slot makes every delivery queued to it.

    It keeps the task (and so its signals) alive until the result was delivered here AND the
    worker has returned from `run`; deleting the sender while the worker is still inside
    `emit` crashes.
    """

    def __init__(self, task: _Task, on_done: Callable[[Any], None],
                 on_error: Callable[[str], None], on_progress: Report | None) -> None:
        super().__init__()
        self.task = task
        self.delivered = False
        signals = task.signals
        self._on_done, self._on_error, self._on_progress = on_done, on_error, on_progress
        signals.finished.connect(self.done)
        signals.failed.connect(self.failed)
        signals.progress.connect(self.progress)

    # `delivered` is set after the callback: a callback that starts another task sweeps, and
    # must not drop this relay while its slot is still running
    @Slot(object)
    def done(self, result: object) -> None:
        try:
            self._on_done(result)
        finally:
            self.delivered = True

    @Slot(str)
    def failed(self, message: str) -> None:
        try:
            self._on_error(message)
        finally:
            self.delivered = True

    @Slot(int, int, str)
    def progress(self, done: int, total: int, what: str) -> None:
        if self._on_progress is not None:
            self._on_progress(done, total, what)


_running: set[_Relay] = set()  # each task's relay, until it has reported and returned


def _sweep() -> None:
    # never from inside a relay's own slot: only when a new task starts or someone counts
    for relay in [r for r in _running if r.delivered and r.task.returned]:
        _running.discard(relay)


def run_in_background(call: Callable[[Report], Any], *, on_done: Callable[[Any], None],
                      on_error: Callable[[str], None],
                      on_progress: Report | None = None) -> TaskSignals:
    """Start `call(report)` on the thread pool; call from the GUI thread, callbacks run there."""
    _sweep()
    task = _Task(call, TaskSignals())
    task.setAutoDelete(False)  # Python owns it (through the relay), not the pool
    _running.add(_Relay(task, on_done, on_error, on_progress))
    QThreadPool.globalInstance().start(task)
    return task.signals


def tasks_running() -> int:
    """How many background calls have not reported and returned yet (tests wait for 0)."""
    _sweep()
    return sum(1 for r in _running if not (r.delivered and r.task.returned))
