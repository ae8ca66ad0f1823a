"""The one way to run work off the GUI thread: `Op(host, fn, *args)…run()` (Anki's CollectionOp).

    Op(ctx, claims.claim_series, ctx.db, ctx.login, series_id) \\
        .success(lambda result: ...)          # on the GUI thread, with fn's typed result
        .failure(lambda error: ...)           # optional: replaces the default notice
        .with_progress("Exporting…", progress=progress, on_report=bar_update)  # optional
        .run()

`fn(*args)` runs on the window's thread pool. On the GUI thread afterwards the runner logs a
failure (with its traceback when it is a bug) and shows it as one sentence at its level unless
`failure` was given; on success it publishes the `Changes` the result carries (a `Changes`, or
a result with a `changes: Changes` attribute; `publishing(extract)` for other shapes) on the
change bus, then calls `success`. Progress is one `vidtask.domain.progress.Progress` object
that the service also receives: its reports reach `on_report` on the GUI thread and the status
bar; `progress.cancel()` stops the service at its next `check()`.

Signals of `OpRunner`: ``started(str)`` and ``finished(str)`` — an operation's name (tests count
background calls with them); ``activityChanged(str)`` — what long operations are doing now ("" when
none); ``busyChanged(bool)``.
"""

from __future__ import annotations

import functools
import weakref
from collections.abc import Callable
from typing import Any, Generic, ParamSpec, Protocol, TypeVar

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot
from shiboken6 import isValid

from vidtask.domain.changes import Changes
from vidtask.domain.progress import Progress
from vidtask.ui.operations.bus import ChangeBus, Origin
from vidtask.ui.operations.errors import log, log_failure
from vidtask.ui.operations.notices import Notices

T = TypeVar("T")
P = ParamSpec("P")
#: Threads per window: reads (board, feed, presence) go on while a long export runs.
THREADS = 4

_runners: weakref.WeakSet[OpRunner] = weakref.WeakSet()


class OpHost(Protocol):
    """What an operation runs on: the window context (`AppContext`), or a bare runner."""

    @property
    def runner(self) -> OpRunner: ...


def changes_in(result: object) -> Changes:
    """The Changes a service result carries: itself, or its `changes` attribute."""
    if isinstance(result, Changes):
        return result
    found = getattr(result, "changes", None)
    return found if isinstance(found, Changes) else Changes()


class Op(Generic[T]):
    """One service call to run off the GUI thread; configure, then `run()` once."""

    def __init__(self, host: OpHost, fn: Callable[P, T], *args: P.args,
                 **kwargs: P.kwargs) -> None:
        self._runner = host.runner
        self._work: Callable[[], T] = functools.partial(fn, *args, **kwargs)
        self.name: str = getattr(fn, "__qualname__", None) or repr(fn)
        self._on_success: Callable[[T], object] | None = None
        self._on_failure: Callable[[BaseException], object] | None = None
        self._afterwards: Callable[[], object] | None = None
        self._extract: Callable[[T], Changes] = changes_in
        self._owner: QObject | None = None
        self.label = ""
        #: The progress object the service reports to (set by `with_progress`).
        self.progress: Progress | None = None
        self._on_report: Callable[[int, int, str], object] | None = None

    def success(self, callback: Callable[[T], object]) -> Op[T]:
        self._on_success = callback
        return self

    def failure(self, callback: Callable[[BaseException], object]) -> Op[T]:
        """Show the failure yourself (it is logged either way)."""
        self._on_failure = callback
        return self

    def afterwards(self, callback: Callable[[], object]) -> Op[T]:
        """Called on the GUI thread once the call is back, after `success` or `failure`
        (not if the runner closed or the owner is gone)."""
        self._afterwards = callback
        return self

    def publishing(self, extract: Callable[[T], Changes]) -> Op[T]:
        """Where the result's Changes are, when it is neither a Changes nor has `.changes`."""
        self._extract = extract
        return self

    def with_progress(self, label: str, *, progress: Progress | None = None,
                      on_report: Callable[[int, int, str], object] | None = None) -> Op[T]:
        """Say what runs in the status bar; relay `progress`'s reports to `on_report`."""
        self.label = label
        self.progress = progress or Progress()
        self._on_report = on_report
        return self

    def owned_by(self, owner: QObject) -> Op[T]:
        """Drop the callbacks if `owner` is gone by then (a closed tab or dialog)."""
        self._owner = owner
        return self

    def run(self) -> None:
        self._runner.start(self)

    # ------------------------------------------------------------ used by the runner
    def _execute(self) -> T:
        return self._work()

    def _gone(self) -> bool:
        return self._owner is not None and not isValid(self._owner)


class _Relay(QObject):
    """Created on the GUI thread: a worker's emit is queued to these slots there."""

    done = Signal()
    reported = Signal()

    def __init__(self, call: _Call[Any]) -> None:
        super().__init__()
        self._call = call
        self.done.connect(self._on_done)
        self.reported.connect(self._on_reported)

    @Slot()
    def _on_done(self) -> None:
        self._call.runner._deliver(self._call)

    @Slot()
    def _on_reported(self) -> None:
        self._call.runner._relay_report(self._call)


class _Call(QRunnable, Generic[T]):
    """The pool's unit of work. Python owns it until delivered AND returned from `run`
    (deleting a QObject while its worker is still inside `emit` crashes)."""

    def __init__(self, runner: OpRunner, op: Op[T]) -> None:
        super().__init__()
        self.setAutoDelete(False)
        self.runner, self.op = runner, op
        self.result: T | None = None
        self.error: BaseException | None = None
        self.report: tuple[int, int, str] | None = None
        self.began = False
        self.delivered = False
        self.returned = False
        self.relay = _Relay(self)
        if op.progress is not None:
            op.progress.listen(self._reported)

    def _reported(self, done: int, total: int, label: str) -> None:
        self.report = (done, total, label)  # the latest wins: the GUI shows no backlog
        self.relay.reported.emit()

    def run(self) -> None:
        self.began = True
        try:
            try:
                self.result = self.op._execute()
            except BaseException as exc:  # delivered to the GUI thread, never lost in the pool
                self.error = exc
            self.relay.done.emit()
        finally:
            self.returned = True


class OpRunner(QObject):
    started = Signal(str)
    finished = Signal(str)
    activityChanged = Signal(str)
    busyChanged = Signal(bool)

    def __init__(self, parent: QObject | None = None, *, bus: ChangeBus | None = None,
                 notices: Notices | None = None, threads: int = THREADS) -> None:
        super().__init__(parent)
        self.bus, self.notices = bus, notices
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(threads)
        self._running: list[_Call[Any]] = []
        self._retired: list[_Call[Any]] = []
        self._closed = False
        _runners.add(self)

    @property
    def runner(self) -> OpRunner:
        """A runner is its own host (dialogs that open before any window use one directly)."""
        return self

    @property
    def busy(self) -> bool:
        return bool(self._running)

    @property
    def pending(self) -> int:
        """Calls started and not yet delivered."""
        return len(self._running)

    def in_flight(self) -> frozenset[int]:
        """Tokens of the calls started and not yet delivered (compare two moments)."""
        return frozenset(id(call) for call in self._running)

    def start(self, op: Op[Any]) -> None:
        if self._closed:
            return
        self._sweep()
        call = _Call(self, op)
        self._running.append(call)
        self.started.emit(op.name)
        if len(self._running) == 1:
            self.busyChanged.emit(True)
        if op.label:
            self._activity()
        self.pool.start(call)

    def close(self, timeout_ms: int = 10_000) -> None:
        """Drop callbacks still to come and wait for running calls (their sessions close)."""
        self._closed = True
        self.pool.clear()
        self.pool.waitForDone(timeout_ms)
        # calls the pool dropped before they began will never report
        self._running = [c for c in self._running if c.began]

    # ------------------------------------------------------------ on the GUI thread
    def _deliver(self, call: _Call[Any]) -> None:
        if call.delivered:
            return
        call.delivered = True
        if call in self._running:
            self._running.remove(call)
        self._retired.append(call)
        op = call.op
        try:
            if not self._closed and not op._gone():
                if call.error is not None:
                    self._failed(op, call.error)
                else:
                    self._succeeded(op, call.result)
        except Exception as error:  # a screen's callback broke: a bug, shown and logged
            log_failure(error, f"{op.name} callback")
            if self.notices is not None:
                self.notices.failure(error)
        finally:
            if op._afterwards is not None and not self._closed and not op._gone():
                op._afterwards()
            self.finished.emit(op.name)
            if op.label:
                self._activity()
            if not self._running:
                self.busyChanged.emit(False)

    def _failed(self, op: Op[Any], error: BaseException) -> None:
        log_failure(error, op.name)
        if op._on_failure is not None:
            op._on_failure(error)
        elif self.notices is not None:
            self.notices.failure(error)
        else:
            log.warning("%s failed and nobody shows it", op.name)

    def _succeeded(self, op: Op[Any], result: object) -> None:
        if self.bus is not None:
            changes = op._extract(result)
            if changes:
                self.bus.publish(changes, Origin.THIS_WINDOW)
        if op._on_success is not None:
            op._on_success(result)

    def _relay_report(self, call: _Call[Any]) -> None:
        op, report = call.op, call.report
        if call.delivered or report is None or self._closed or op._gone():
            return
        if op._on_report is not None:
            op._on_report(*report)
        if op.label:
            self._activity()

    def _activity(self) -> None:
        texts = []
        for call in self._running:
            if not call.op.label:
                continue
            text = call.op.label
            if call.report is not None and call.report[1]:
                text += f" {call.report[0]} of {call.report[1]}"
            texts.append(text)
        self.activityChanged.emit(" · ".join(texts))

    def _sweep(self) -> None:
        self._retired = [c for c in self._retired if not c.returned]


def running_calls() -> int:
    """Calls not yet delivered, over every runner alive (tests wait for 0 before teardown)."""
    return sum(r.pending for r in list(_runners))
