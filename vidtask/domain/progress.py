"""How far a long call has come, and whether the person waiting for it asked to stop.

One object shared by the three layers that meet around a long call: the service reports
(`report(done, total, label)`) and checks (`check()`, raising `Cancelled`) between two units of
work where stopping is safe; whoever started it listens (`listen`) and may `cancel()` from
another thread. Plain Python, so services, the CLI and the UI's operation runner all take it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from vidtask.domain.errors import VidtaskError

#: done, total (0: unknown), what is being worked on now
ReportListener = Callable[[int, int, str], None]


class Cancelled(VidtaskError):
    """The person asked to stop; whatever finished before stays done (each unit is atomic)."""

    def __init__(self, message: str = "Cancelled.") -> None:
        super().__init__(message)


class Progress:
    """Thread-safe: a service reports from its worker thread while the GUI thread cancels."""

    def __init__(self, listener: ReportListener | None = None) -> None:
        self._cancelled = threading.Event()
        self._listeners: list[ReportListener] = [listener] if listener else []
        self._lock = threading.Lock()
        #: The last report (done, total, label), None before the first.
        self.last: tuple[int, int, str] | None = None

    def listen(self, listener: ReportListener) -> None:
        with self._lock:
            self._listeners.append(listener)

    def report(self, done: int, total: int, label: str = "") -> None:
        self.last = (done, total, label)
        with self._lock:
            listeners = list(self._listeners)
        for listener in listeners:
            listener(done, total, label)

    def cancel(self) -> None:
        self._cancelled.set()

    @property
    def cancelled(self) -> bool:
        return self._cancelled.is_set()

    def check(self, message: str = "Cancelled.") -> None:
        """Call where stopping is safe: raises `Cancelled` once `cancel()` was called."""
        if self._cancelled.is_set():
            raise Cancelled(message)


def as_progress(progress: Progress | ReportListener | None) -> Progress | None:
    """Services still accept a bare report callback (the CLI's bars) beside a `Progress`."""
    if progress is None or isinstance(progress, Progress):
        return progress
    return Progress(progress)
