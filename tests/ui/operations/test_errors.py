"""Uncaught exceptions and Qt warnings end in the log file; bugs also reach the window."""

from __future__ import annotations

import logging
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import qInstallMessageHandler, qWarning

from vidtask.ui.operations.errors import install_handlers, setup_logging


@pytest.fixture
def restored() -> Iterator[None]:
    hooks = sys.excepthook, threading.excepthook
    yield
    sys.excepthook, threading.excepthook = hooks
    qInstallMessageHandler(None)
    root = logging.getLogger("vidtask")
    for handler in [h for h in root.handlers if getattr(h, "vidtask_file", False)]:
        root.removeHandler(handler)
        handler.close()


def test_a_bug_is_logged_with_its_traceback_and_reported(tmp_path: Path, restored: None) -> None:
    log = setup_logging(tmp_path / "vidtask.log")
    reported: list[BaseException] = []
    install_handlers(reported.append)
    try:
        raise RuntimeError("screen bug")
    except RuntimeError as error:
        sys.excepthook(type(error), error, error.__traceback__)
    qWarning("a Qt warning")
    thread = threading.Thread(target=lambda: 1 / 0, name="worker-x")
    thread.start()
    thread.join()
    text = log.read_text(encoding="utf-8")
    assert [str(e) for e in reported] == ["screen bug"]
    assert "uncaught exception" in text and 'raise RuntimeError("screen bug")' in text
    assert "a Qt warning" in text and "worker-x" in text and "ZeroDivisionError" in text
