"""Cyclic garbage collection paused while a large result becomes Python rows.

Turning 100,000 database rows into tuples allocates a few hundred thousand objects that
contain no reference cycles; each allocation burst still triggers collections that scan the
whole (growing) heap. Measured on the board's 100k-series load: a third of the time went to
those scans. Reference counting still frees everything; the collector resumes on exit.
The pause is counted, so threads that overlap keep it paused until the last one leaves.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager


class _Pause:
    """How many callers want the collector paused, and whether it ran before the first."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.depth = 0
        self.was_enabled = False


_pause = _Pause()


@contextmanager
def collector_paused() -> Iterator[None]:
    with _pause.lock:
        if _pause.depth == 0:
            _pause.was_enabled = gc.isenabled()
            gc.disable()
        _pause.depth += 1
    try:
        yield
    finally:
        with _pause.lock:
            _pause.depth -= 1
            if _pause.depth == 0 and _pause.was_enabled:
                gc.enable()
