"""Failures turned into one sentence and a level, logged with their traceback to a file.

`sentence(error)` is what a person reads; `level_of(error)` says how loud: a refusal the
services explain (`VidtaskError`) or an unreachable database warns, a cancellation informs,
anything else is a bug — an error whose traceback goes to the log file (`log_path()`, under
platformdirs' user log dir). `install_handlers(report)` routes uncaught exceptions (GUI thread
and other threads) and Qt's own warnings to that log, and bugs to `report` (the window's
notices), so nothing fails silently or as a raw "TypeError: …".
"""

from __future__ import annotations

import logging
import logging.handlers
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

import platformdirs
from PySide6.QtCore import QMessageLogContext, QtMsgType, qInstallMessageHandler

from vidtask.domain.errors import VidtaskError
from vidtask.domain.progress import Cancelled
from vidtask.sync.connection import is_connection_error

log = logging.getLogger("vidtask.ui")
LOG_FILE = "vidtask.log"
_LOG_BYTES = 2_000_000


def log_path() -> Path:
    return Path(platformdirs.user_log_dir("vidtask", appauthor=False)) / LOG_FILE


def level_of(error: BaseException) -> str:
    """"info", "warning" or "error" (the names of `notices.Level`)."""
    if isinstance(error, Cancelled):
        return "info"
    if isinstance(error, VidtaskError) or is_connection_error(error):
        return "warning"
    return "error"


def _first_line(error: BaseException) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else ""


def sentence(error: BaseException) -> str:
    """One sentence for the person; the details of a bug are in the log, not on screen."""
    if isinstance(error, VidtaskError):
        return str(error)
    if is_connection_error(error):
        detail = _first_line(error)
        return f"The database cannot be reached{': ' + detail if detail else ''}."
    if isinstance(error, OSError) and error.strerror:
        where = f" {error.filename}" if error.filename else ""
        return f"Cannot use{where}: {error.strerror}."
    detail = _first_line(error)
    what = f"{type(error).__name__}: {detail}" if detail else type(error).__name__
    return f"Unexpected error ({what}); details are in {log_path()}."


def log_failure(error: BaseException, what: str) -> None:
    """Refusals in one line; anything else with its traceback."""
    if level_of(error) == "error":
        log.error("%s failed", what, exc_info=(type(error), error, error.__traceback__))
    else:
        log.info("%s: %s", what, _first_line(error) or type(error).__name__)


def setup_logging(path: Path | None = None) -> Path:
    """Log vidtask's messages (INFO and up) to a rotating file; returns where."""
    target = path or log_path()
    root = logging.getLogger("vidtask")
    if any(getattr(h, "vidtask_file", False) for h in root.handlers):
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    handler = logging.handlers.RotatingFileHandler(target, maxBytes=_LOG_BYTES, backupCount=2,
                                                   encoding="utf-8")
    handler.setFormatter(logging.Formatter(
        "%(asctime)s %(levelname)s %(name)s [%(threadName)s] %(message)s"))
    handler.vidtask_file = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    return target


def install_handlers(report: Callable[[BaseException], None]) -> None:
    """Uncaught exceptions and Qt warnings go to the log; bugs also to `report` (GUI only)."""

    def excepthook(kind: type[BaseException], error: BaseException,
                   traceback: TracebackType | None) -> None:
        if issubclass(kind, KeyboardInterrupt):
            sys.__excepthook__(kind, error, traceback)
            return
        log.error("uncaught exception", exc_info=(kind, error, traceback))
        try:
            report(error)
        except Exception:  # reporting must never raise from the hook itself
            log.exception("could not show the uncaught exception")

    def thread_hook(args: threading.ExceptHookArgs) -> None:
        if args.exc_value is not None:
            log.error("uncaught exception in thread %s",
                      args.thread.name if args.thread else "?",
                      exc_info=(args.exc_type, args.exc_value, args.exc_traceback))

    def qt_messages(kind: QtMsgType, context: QMessageLogContext, text: str) -> None:
        level = {QtMsgType.QtDebugMsg: logging.DEBUG, QtMsgType.QtInfoMsg: logging.INFO,
                 QtMsgType.QtWarningMsg: logging.WARNING}.get(kind, logging.ERROR)
        logging.getLogger("vidtask.qt").log(level, "%s (%s:%s)", text, context.file,
                                            context.line)

    sys.excepthook = excepthook
    threading.excepthook = thread_hook
    qInstallMessageHandler(qt_messages)
