"""The collector pause used while large results become rows (vidtask/db/bulk_rows.py)."""

from __future__ import annotations

import gc
import threading

from vidtask.db.bulk_rows import collector_paused


def test_the_collector_runs_again_only_when_the_last_overlapping_caller_leaves() -> None:
    assert gc.isenabled()
    inside = threading.Event()
    leave = threading.Event()

    def other_thread() -> None:
        with collector_paused():
            inside.set()
            leave.wait(5)

    worker = threading.Thread(target=other_thread)
    with collector_paused():
        assert not gc.isenabled()
        worker.start()
        assert inside.wait(5)
    assert not gc.isenabled()  # the other thread is still turning rows into tuples
    leave.set()
    worker.join(5)
    assert gc.isenabled()


def test_a_collector_someone_else_disabled_stays_disabled() -> None:
    gc.disable()
    try:
        with collector_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_an_error_inside_still_brings_the_collector_back() -> None:
    try:
        with collector_paused():
            raise ValueError("a failed query")
    except ValueError:
        pass
    assert gc.isenabled()
