"""What the CLI does with an exception: one line for the person, the traceback in the log.

Expected failures (a user mistake, a refused operation, an unusable database) print the
sentence they carry. Anything else is a bug: one line naming it and the log file that holds
its traceback (or the traceback itself with `--debug` / `VIDTASK_DEBUG=1`). Every line and
log record passes through `mask_passwords`: a URL's password never reaches a screen or a file.
Exception classes of SQLAlchemy are looked up only if it was imported (start-up stays quick).
"""

from __future__ import annotations

import logging
import sys
import traceback
from pathlib import Path

from vidtask.cli.context import EXIT_ERROR, CliError
from vidtask.config import ConfigError, mask_passwords, user_log_dir
from vidtask.domain.errors import VidtaskError

EXIT_INTERRUPTED = 130
LOG_FILE_NAME = "vidtask.log"

logger = logging.getLogger("vidtask")


class _MaskingFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        return mask_passwords(super().format(record))


class _QuietFileHandler(logging.FileHandler):
    """A log file made on the first record (with its folder), and that never adds a traceback
    of its own to the one-line message when it cannot be written."""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            Path(self.baseFilename).parent.mkdir(parents=True, exist_ok=True)
            super().emit(record)  # opens the file (delay=True) on the first record
        except Exception:  # an unwritable log must not hide the error being reported
            self.handleError(record)

    def handleError(self, record: logging.LogRecord) -> None:
        pass


def configure_logging() -> Path:
    """Send the `vidtask` logger to the user log dir; file and folder appear on the first record.

    Returns the log file. Called once per `main()`; a second call for the same file keeps the
    handler it has.
    """
    path = user_log_dir() / LOG_FILE_NAME
    for old in list(logger.handlers):
        if isinstance(old, _QuietFileHandler):
            if Path(old.baseFilename) == path:
                return path
            logger.removeHandler(old)
            old.close()
    handler = _QuietFileHandler(path, encoding="utf-8", delay=True)
    handler.setFormatter(_MaskingFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logger.addHandler(handler)
    if logger.level == logging.NOTSET:
        logger.setLevel(logging.INFO)
    return path


def expected_failure(exc: BaseException) -> str | None:
    """The one line for a failure the person can act on, or None for a bug."""
    if isinstance(exc, CliError | VidtaskError | ConfigError) or _is_url_error(exc):
        return f"vidtask: {exc}"
    if isinstance(exc, ValueError):  # enum conversions of user input
        return f"vidtask: {exc}"
    sa_exc = sys.modules.get("sqlalchemy.exc")
    if sa_exc is not None:
        if isinstance(exc, sa_exc.OperationalError):
            reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
            return f"vidtask: cannot use the database: {reason}"
        if isinstance(exc, sa_exc.SQLAlchemyError):
            return f"vidtask: database error: {str(exc).splitlines()[0]}"
    return None


def _is_url_error(exc: BaseException) -> bool:
    engine = sys.modules.get("vidtask.db.engine")  # raised from there, so imported if it is one
    return engine is not None and isinstance(exc, engine.DatabaseUrlError)


def report_failure(exc: BaseException, *, command: str, debug: bool,
                   log_file: Path) -> int:
    """Tell the person what went wrong in one line (stderr) and return the exit code."""
    if isinstance(exc, BrokenPipeError):  # `vidtask stats | head`: the reader left; not an error
        sys.stderr.close()
        return 0
    if isinstance(exc, KeyboardInterrupt):
        print("vidtask: interrupted; nothing half-done was kept.", file=sys.stderr)
        return EXIT_INTERRUPTED
    line = expected_failure(exc)
    if line is not None:
        print(mask_passwords(line), file=sys.stderr)
        return EXIT_ERROR
    logger.error("unexpected error in `vidtask %s`", command, exc_info=exc)
    if debug:
        text = "".join(traceback.format_exception(exc))
        print(mask_passwords(text), end="", file=sys.stderr)
        return EXIT_ERROR
    message = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    where = (f"details in {log_file}" if log_file.exists()
             else "run again with --debug for details")
    summary = f"{type(exc).__name__}): {message}" if message else f"{type(exc).__name__})"
    print(mask_passwords(f"vidtask: unexpected error ({summary}; {where}"), file=sys.stderr)
    return EXIT_ERROR
