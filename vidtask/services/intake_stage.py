"""SQLite intake in two steps, so the room's write lock is held only for the final copy.

SQLite has one writer at a time: an import that parsed and inserted inside its transaction
held the lock for the whole file (35 s for a million records) and every other desktop's save
waited. Here the file is parsed and its rows prepared into a scratch SQLite file beside the
database, with no lock on the room's database (reads only: the sprint's series and the keys
they already hold). Then one write transaction attaches the scratch file, creates the new
series and case headers, copies the rows with one ``INSERT … SELECT`` (sorted by series and MD5
beforehand, so the indexes grow in order), applies the merges planned for known media and
appends the events. One file is still one transaction: nothing is visible before the commit,
and a failure, a Cancel or ``strict`` leaves the database exactly as it was.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import tempfile
import uuid
from itertools import chain
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.pool import Pool

from vidtask.services.intake_sink import INSERT_COLUMNS, SQLITE_CACHE_KIB

STAGE_ROWS = 1900  # rows per multi-row INSERT into the scratch file (17 columns)
_ATTACHED = "vidtask_stage_alias"
_CACHE = "vidtask_stage_cache"


class ScratchSink:
    """The MediaSink of step one: rows (INSERT_COLUMNS order) into a scratch SQLite file."""

    def __init__(self, directory: Path) -> None:
        fd, name = tempfile.mkstemp(prefix=".vidtask-intake-", suffix=".sqlite3",
                                    dir=directory)
        os.close(fd)
        self.path = Path(name)
        self._db = sqlite3.connect(name, isolation_level=None, check_same_thread=False)
        # threads: the sort of the staged rows (close()) may use a second core
        for pragma in ("journal_mode=OFF", "synchronous=OFF", "temp_store=MEMORY",
                       "cache_size=-65536", "threads=2"):
            self._db.execute(f"PRAGMA {pragma}")
        columns = ", ".join(INSERT_COLUMNS)
        self._db.execute(f"CREATE TABLE stage ({columns})")
        self._db.execute("BEGIN")
        # multi-row INSERTs, as MediaSink does: one sqlite3_step (one release of the GIL the
        # parse thread is waiting for) per few thousand rows instead of one per row
        limit = self._db.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
        self._batch = max(1, min(STAGE_ROWS, limit // len(INSERT_COLUMNS)))
        one = "(" + ", ".join("?" * len(INSERT_COLUMNS)) + ")"
        self._statement = f"INSERT INTO stage ({columns}) VALUES " + ", ".join(
            [one] * self._batch)
        self._one = f"INSERT INTO stage ({columns}) VALUES {one}"
        self._rows: list[tuple[Any, ...]] = []
        self.written = 0

    def add(self, row: tuple[Any, ...]) -> None:
        self._rows.append(row)
        if len(self._rows) >= self._batch:
            rows, self._rows = self._rows, []
            self._db.execute(self._statement, tuple(chain.from_iterable(rows)))
            self.written += len(rows)

    def pause(self) -> None:
        self._flush()

    def abort(self, exc: BaseException) -> None:
        self._rows = []

    def close(self) -> None:
        """Rows are all there: sorted into the table the copy reads, then the file is closed."""
        if self._db is None:
            return
        self._flush()
        columns = ", ".join(INSERT_COLUMNS)
        self._db.execute(f"CREATE TABLE sorted AS SELECT {columns} FROM stage "
                         "ORDER BY series_id, md5, sha1")
        self._db.execute("DROP TABLE stage")
        self._db.execute("CREATE TABLE series_map (staged INTEGER PRIMARY KEY, real INTEGER)")
        self._db.execute("CREATE TABLE case_map (staged INTEGER PRIMARY KEY, real INTEGER)")
        self._db.execute("COMMIT")
        self._db.close()
        self._db = None  # type: ignore[assignment]

    def remove(self) -> None:
        if self._db is not None:
            with contextlib.suppress(sqlite3.Error):
                self._db.close()
            self._db = None  # type: ignore[assignment]
        with contextlib.suppress(OSError):
            self.path.unlink()

    def _flush(self) -> None:
        if self._rows:
            rows, self._rows = self._rows, []
            self._db.executemany(self._one, rows)  # the last, short batch
            self.written += len(rows)


def copy_staged(connection: Any, scratch: Path, series_map: dict[int, int],
                case_map: dict[int, int]) -> None:
    """Inside the write transaction: attach the scratch file and copy its rows into media.

    ``series_map``/``case_map`` turn the provisional (negative) ids of step one into real ones.
    OR IGNORE: a media another desktop added between the two steps is not added twice.
    """
    alias = f"stage_{uuid.uuid4().hex[:12]}"
    driver = connection.connection.driver_connection
    assert isinstance(driver, sqlite3.Connection)
    _ensure_detach_hook(connection.engine.pool)
    driver.execute(f"ATTACH DATABASE ? AS {alias}", (str(scratch),))
    connection.connection.info[_ATTACHED] = alias  # detached when the connection is returned
    driver.executemany(f"INSERT INTO {alias}.series_map VALUES (?, ?)", series_map.items())
    driver.executemany(f"INSERT INTO {alias}.case_map VALUES (?, ?)", case_map.items())
    # the indexes of a million rows fit in this page cache; put back by close_staged()
    old_cache = int(driver.execute("PRAGMA cache_size").fetchone()[0])
    connection.connection.info[_CACHE] = old_cache
    driver.execute(f"PRAGMA cache_size=-{SQLITE_CACHE_KIB}")
    columns = ", ".join(INSERT_COLUMNS)
    series_id, series_join = _mapped("series_id", series_map, f"{alias}.series_map", "sm")
    case_id, case_join = _mapped("intake_case_id", case_map, f"{alias}.case_map", "cm")
    values = ", ".join(
        series_id if c == "series_id" else case_id if c == "intake_case_id" else f"s.{c}"
        for c in INSERT_COLUMNS)
    driver.execute(
        f"INSERT OR IGNORE INTO media ({columns}) SELECT {values} FROM {alias}.sorted s "
        f"{series_join}{case_join}ORDER BY s.rowid")


CASE_MAP_LIMIT = 32  # provisional ids mapped by a CASE expression; more: a join on the map


def _mapped(column: str, mapping: dict[int, int], table: str, name: str) -> tuple[str, str]:
    """The real id of ``s.<column>``: a few provisional ids by a CASE (no lookup per row in
    the write lock: a million rows made two million index seeks in the attached maps), many
    by a LEFT JOIN on the map table. Ids not in the map are real already."""
    if not mapping:
        return f"s.{column}", ""
    if len(mapping) <= CASE_MAP_LIMIT:
        whens = " ".join(f"WHEN {int(staged)} THEN {int(real)}"
                         for staged, real in mapping.items())
        return f"CASE s.{column} {whens} ELSE s.{column} END", ""
    return (f"coalesce({name}.real, s.{column})",
            f"LEFT JOIN {table} {name} ON {name}.staged = s.{column} ")


def shared_with_stored(connection: Any, scratch: Path, sprint_id: int
                       ) -> list[tuple[int, int, str, str]]:
    """Before the write transaction: (staged series, other series, its code, an MD5) for
    each series of the sprint that already holds a media this file brings to another one —
    the links to make, found with no lock (a read on the attached scratch file)."""
    alias = f"stage_{uuid.uuid4().hex[:12]}"
    driver = connection.connection.driver_connection
    assert isinstance(driver, sqlite3.Connection)
    _ensure_detach_hook(connection.engine.pool)
    driver.execute(f"ATTACH DATABASE ? AS {alias}", (str(scratch),))
    connection.connection.info[_ATTACHED] = alias
    rows = driver.execute(
        f"SELECT s.series_id, m.series_id, se.code, min(s.md5) FROM {alias}.sorted s "
        "JOIN media m ON m.md5 = s.md5 AND m.series_id != s.series_id "
        "JOIN series se ON se.id = m.series_id AND se.sprint_id = ? "
        "WHERE s.md5 IS NOT NULL GROUP BY s.series_id, m.series_id, se.code",
        (sprint_id,)).fetchall()
    found = [(int(a), int(b), str(code), str(md5)) for a, b, code, md5 in rows]
    # the same media in two records of this file, for two series: linked too (their codes
    # are the importer's to fill in: "" here)
    within = driver.execute(
        f"SELECT a.series_id, b.series_id, min(a.md5) FROM {alias}.sorted a "
        f"JOIN {alias}.sorted b ON b.md5 = a.md5 AND b.series_id > a.series_id "
        "WHERE a.md5 IS NOT NULL GROUP BY a.series_id, b.series_id").fetchall()
    found += [(int(a), int(b), "", str(md5)) for a, b, md5 in within]
    return found


def _ensure_detach_hook(pool: Pool) -> None:
    if getattr(pool, "_vidtask_detach_hook", False):
        return

    @event.listens_for(pool, "checkin")
    def _detach(dbapi_connection: Any, record: Any) -> None:
        alias = record.info.pop(_ATTACHED, None)
        if alias is not None:  # the transaction is over: DETACH is allowed again
            with contextlib.suppress(sqlite3.Error):
                dbapi_connection.execute(f"DETACH DATABASE {alias}")
        cache = record.info.pop(_CACHE, None)
        if cache is not None:
            with contextlib.suppress(sqlite3.Error):
                dbapi_connection.execute(f"PRAGMA cache_size={int(cache)}")

    pool._vidtask_detach_hook = True  # type: ignore[attr-defined]
