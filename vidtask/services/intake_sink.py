"""Media rows into the database through the raw driver, inside the import's transaction.

SQLite: multi-row ``INSERT … VALUES (…), (…), …`` statements, so one ``sqlite3_step`` (one
release of the GIL, one VM reset) covers a few thousand rows instead of one. PostgreSQL: one
``COPY`` kept open across batches, so the server inserts while the client parses instead of
the client waiting at the end of every batch; it is closed before any other statement runs on
the connection and aborted (CopyFail) when the import fails, so the rollback finds a clean
connection.
"""

from __future__ import annotations

import sqlite3
from contextlib import AbstractContextManager
from itertools import chain
from typing import Any

from sqlalchemy import Connection

INSERT_COLUMNS = ("series_id", "md5", "sha1", "sha256", "pdq", "pdq_quality", "size_bytes",
                  "mime_type", "category_code", "category_scheme", "victim_identified",
                  "offender_identified", "is_distributed", "vics_media_id", "extra",
                  "provenance", "intake_case_id")
SQLITE_ROWS = 1800  # rows per multi-row INSERT (17 columns: 30,600 parameters)
SQLITE_CACHE_KIB = 64 * 1024  # page cache while importing: the md5 indexes stay in memory


class MediaSink:
    """Accepts media rows (tuples in INSERT_COLUMNS order) and writes them in batches."""

    def __init__(self, conn: Connection, postgres: bool) -> None:
        self._conn = conn
        self._postgres = postgres
        self._rows: list[tuple[Any, ...]] = []
        self._copy_cm: AbstractContextManager[Any] | None = None
        self._copy: Any = None
        self._cursor: Any = None
        self._statements: dict[int, str] = {}
        self._old_cache: int | None = None
        self.written = 0
        if not postgres:
            driver = conn.connection.driver_connection
            assert isinstance(driver, sqlite3.Connection)
            limit = driver.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
            self._batch = max(1, min(SQLITE_ROWS, limit // len(INSERT_COLUMNS)))
            # The page cache is per connection and holds no durability promise; it is put back
            # when the import ends, so other work on this pooled connection is unaffected.
            self._old_cache = int(driver.execute("PRAGMA cache_size").fetchone()[0])
            driver.execute(f"PRAGMA cache_size=-{SQLITE_CACHE_KIB}")

    def add(self, row: tuple[Any, ...]) -> None:
        if self._postgres:
            if self._copy is None:
                self._open_copy()
            self._copy.write_row(row)
            self.written += 1
            return
        self._rows.append(row)
        if len(self._rows) >= self._batch:
            self._insert()

    def pause(self) -> None:
        """Write what is pending and free the connection for other statements."""
        if self._postgres:
            if self._copy_cm is not None:
                cm, self._copy_cm, self._copy = self._copy_cm, None, None
                try:
                    cm.__exit__(None, None, None)
                finally:
                    self._cursor.close()
        elif self._rows:
            self._insert()

    def abort(self, exc: BaseException) -> None:
        """The import failed: end an open COPY with CopyFail; pending rows are dropped."""
        self._rows = []
        if self._copy_cm is not None:
            cm, self._copy_cm, self._copy = self._copy_cm, None, None
            try:
                cm.__exit__(type(exc), exc, exc.__traceback__)
            except Exception:  # the original error is the one to report
                pass
            finally:
                self._cursor.close()

    def close(self) -> None:
        """Restore what the sink changed on the connection (after pause() or abort())."""
        if self._old_cache is not None:
            driver = self._conn.connection.driver_connection
            assert isinstance(driver, sqlite3.Connection)
            driver.execute(f"PRAGMA cache_size={self._old_cache}")
            self._old_cache = None

    def _open_copy(self) -> None:
        driver = self._conn.connection.driver_connection
        assert driver is not None
        self._cursor = driver.cursor()
        columns = ", ".join(INSERT_COLUMNS)
        self._copy_cm = self._cursor.copy(f"COPY media ({columns}) FROM STDIN")
        self._copy = self._copy_cm.__enter__()

    def _insert(self) -> None:
        rows, self._rows = self._rows, []
        statement = self._statements.get(len(rows))
        if statement is None:
            one = "(" + ", ".join("?" * len(INSERT_COLUMNS)) + ")"
            statement = (f"INSERT INTO media ({', '.join(INSERT_COLUMNS)}) VALUES "
                         + ", ".join([one] * len(rows)))
            self._statements[len(rows)] = statement
        self._conn.exec_driver_sql(statement, tuple(chain.from_iterable(rows)))
        self.written += len(rows)
