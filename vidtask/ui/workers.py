"""Run service calls off the GUI thread and hand the result back on the GUI thread.

`Workers.run(fn, *args, done=..., failed=...)` queues `fn(*args)` on a QThreadPool; `done(result)`
or `failed(exc)` is then called on the GUI thread (a queued signal from an object created there).
Every window owns one `Workers`, so closing it can wait for its own calls only.

Signals of `Workers`: ``busyChanged(bool)`` (any call running or not).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot

Done = Callable[[Any], object]
Failed = Callable[[BaseException], object]


class _Relay(QObject):
    """Lives on the GUI thread; the worker emits through it and Qt queues the delivery across."""

    finished = Signal(object, object)  # result, error

    def __init__(self, owner: Workers, done: Done | None, failed: Failed | None) -> None:
        super().__init__()
        self._owner, self._done, self._failed = owner, done, failed
        self.finished.connect(self._deliver)

    @Slot(object, object)
    def _deliver(self, result: Any, error: BaseException | None) -> None:
        self._owner._finished(self)
        if self._owner._closed:
            return
        if error is not None:
            if self._failed is None:
                raise error
            self._failed(error)
        elif self._done is not None:
            self._done(result)


class _Task(QRunnable):
    def __init__(self, fn: Callable[..., Any], args: tuple[Any, ...], relay: _Relay) -> None:
        super().__init__()
        self.setAutoDelete(True)
        self._fn, self._args, self._relay = fn, args, relay

    def run(self) -> None:
        try:
            result = self._fn(*self._args)
        except BaseException as exc:  # handed to `failed`, never lost in the pool
            self._relay.finished.emit(None, exc)
        else:
            self._relay.finished.emit(result, None)


class Workers(QObject):
    busyChanged = Signal(bool)

    def __init__(self, parent: QObject | None = None, *, threads: int = 2) -> None:
        super().__init__(parent)
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(threads)
        self._relays: set[_Relay] = set()
        self._closed = False

    @property
    def busy(self) -> bool:
        return bool(self._relays)

    def run(self, fn: Callable[..., Any], *args: Any, done: Done | None = None,
            failed: Failed | None = None) -> None:
        if self._closed:
            return
        relay = _Relay(self, done, failed)
        self._relays.add(relay)
        if len(self._relays) == 1:
            self.busyChanged.emit(True)
        self.pool.start(_Task(fn, args, relay))

    def _finished(self, relay: _Relay) -> None:
        self._relays.discard(relay)
        relay.deleteLater()
        if not self._relays:
            self.busyChanged.emit(False)

    def close(self, timeout_ms: int = 10_000) -> None:
        """Drop pending callbacks and wait for running calls (their sessions must close)."""
        self._closed = True
        self.pool.clear()
        self.pool.waitForDone(timeout_ms)
