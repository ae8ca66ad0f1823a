"""Engine and session setup for SQLite and PostgreSQL, behind one `Database` object.

SQLite: WAL, foreign keys, busy timeout; writers begin with BEGIN IMMEDIATE (read-then-write
under a plain BEGIN fails under contention), readers with a deferred BEGIN.
PostgreSQL: psycopg 3, session time zone UTC, a small pool (40 desktops share max_connections).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, create_engine, event, text

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]
from sqlalchemy.engine import URL, make_url

from vidtask.config import masked_url
from vidtask.domain.errors import VidtaskError

if TYPE_CHECKING:  # the ORM is imported on the first session: Core-only reads start faster
    from sqlalchemy.orm import Session, sessionmaker

_WRITE_OPTION = "vidtask_write"
SQLITE_BUSY_TIMEOUT_MS = 15_000
NETWORK_FS_TYPES = frozenset({"nfs", "nfs4", "cifs", "smbfs", "smb3", "9p", "fuse.sshfs", "afs"})


#: libpq TCP settings of every pooled connection: a dead network or server is noticed in
#: ~15 s (keepalives while idle; tcp_user_timeout while data waits unacknowledged) instead of
#: the system's two hours. The server side (per-login timeouts, server keepalives) is set by
#: `vidtask db init-roles` / `user add` (vidtask.db.roles.LOGIN_SETTINGS).
PG_KEEPALIVES = {"keepalives": 1, "keepalives_idle": 5, "keepalives_interval": 2,
                 "keepalives_count": 3, "tcp_user_timeout": 15_000, "connect_timeout": 10}


class DatabaseUrlError(VidtaskError):
    """The URL names no usable database; `str()` is the one sentence to show."""


class NoDatabaseFile(DatabaseUrlError):
    """A SQLite URL names a file (or folder) that does not exist, and nobody asked to create it.

    `path` is the absolute file, `create_url` the unambiguous URL that would create it there.
    """

    def __init__(self, path: Path, given: str) -> None:
        self.path = path
        self.create_url = f"sqlite:///{path}"
        self.hint = relative_path_hint(given, path)
        if path.is_dir():
            what = f"{path} is a folder, not a database file"
        else:
            missing = _missing_folder(path)
            what = f"No database at {path}" + (f" (no folder {missing} either)" if missing
                                                else "")
        super().__init__(f"{what}; create it with `vidtask db create {self.create_url}` or "
                         f"check the path{self.hint}.")


def _missing_folder(path: Path) -> Path | None:
    """The outermost folder of `path` that does not exist, or None."""
    missing = None
    for parent in path.parents:
        if parent.exists():
            break
        missing = parent
    return missing


def relative_path_hint(given: str, path: Path) -> str:
    """For `sqlite:///tmp/x` (read as the relative path tmp/x): the four-slash absolute form."""
    try:
        database = make_url(given).database or ""
    except Exception:
        return ""
    relative = Path(database).expanduser()
    if not database or relative.is_absolute():
        return _similar_file_hint(path)
    absolute = Path("/") / relative
    if len(relative.parts) > 1 and (Path("/") / relative.parts[0]).is_dir() \
            and absolute != path:
        return (f" (`sqlite:///{database}` is relative to the current folder; "
                f"`sqlite:////{database}` with four slashes is {absolute})")
    return _similar_file_hint(path)


def _similar_file_hint(path: Path) -> str:
    """" (did you mean …?)" for a near-miss name of a file in the same folder (sq.sqlit3)."""
    import difflib

    try:
        names = [p.name for p in path.parent.iterdir() if p.is_file()
                 and not p.name.endswith(("-wal", "-shm", "-journal", ".lock"))]
    except OSError:
        return ""
    close = difflib.get_close_matches(path.name, names, n=1, cutoff=0.75)
    return f" (did you mean {path.parent / close[0]}?)" if close else ""


def normalize_url(raw: str) -> URL:
    """Accept plain `postgresql://` and route it to psycopg 3; reject other backends clearly."""
    try:
        url = make_url(raw)
    except Exception as exc:  # sqlalchemy raises ArgumentError with a terse message
        raise DatabaseUrlError(f"Not a database URL: {masked_url(raw)!r}") from exc
    if url.drivername in {"postgresql", "postgres", "postgresql+psycopg"}:
        return url.set(drivername="postgresql+psycopg")
    if url.drivername in {"sqlite", "sqlite+pysqlite"}:
        return url.set(drivername="sqlite+pysqlite")
    raise DatabaseUrlError(
        f"Unsupported database {url.drivername!r}: use sqlite:///PATH or postgresql://HOST/DB."
    )


def network_filesystem_of(path: Path) -> str | None:
    """Return the fs type if `path` lies on a network share (SQLite locking is unsafe there)."""
    try:
        target = os.path.realpath(path.parent if not path.exists() else path)
        best, best_type = "", None
        with open("/proc/mounts", encoding="utf-8") as mounts:
            for line in mounts:
                parts = line.split()
                if len(parts) >= 3 and target.startswith(parts[1]) and len(parts[1]) > len(best):
                    best, best_type = parts[1], parts[2]
        return best_type if best_type in NETWORK_FS_TYPES else None
    except OSError:
        return None


@dataclass(frozen=True)
class DatabaseDescription:
    backend: str
    location: str

    def __str__(self) -> str:
        return f"{self.backend}: {self.location}"


class Database:
    """One shared database: engines, session factories and the server clock.

    `read()` gives a session for queries; `write()` gives one whose transaction holds the write
    lock from its first statement on SQLite. Sessions are short: one per user action.
    """

    def __init__(self, url: str, *, pool_size: int = 3, echo: bool = False,
                 create: bool = True) -> None:
        """`create=False`: a SQLite URL naming a missing file raises `NoDatabaseFile` and
        nothing is made, folders included (entry points pass it unless the person asked for
        a new database). `created` says whether this object is about to make a new file."""
        self.url = normalize_url(url)
        self.backend = "postgresql" if self.url.drivername.startswith("postgresql") else "sqlite"
        self.created = False
        kwargs: dict[str, Any] = {"echo": echo, "future": True}
        if self.backend == "sqlite":
            self._prepare_sqlite_path(url, create)
            kwargs["connect_args"] = {"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000,
                                      "check_same_thread": False}
        else:
            kwargs.update(pool_size=pool_size, max_overflow=2, pool_pre_ping=True,
                          connect_args={"options": "-c timezone=UTC",
                                        "application_name": "vidtask",
                                        **{k: v for k, v in PG_KEEPALIVES.items()
                                           if k not in self.url.query}})
        self.engine: Engine = create_engine(self.url, **kwargs)
        if self.backend == "sqlite":
            _install_sqlite_hooks(self.engine)
        self._write_engine = self.engine.execution_options(**{_WRITE_OPTION: True})

    @cached_property
    def _read_sessions(self) -> sessionmaker[Session]:
        from sqlalchemy.orm import sessionmaker

        return sessionmaker(self.engine, expire_on_commit=False)

    @cached_property
    def _write_sessions(self) -> sessionmaker[Session]:
        from sqlalchemy.orm import sessionmaker

        return sessionmaker(self._write_engine, expire_on_commit=False)

    def _prepare_sqlite_path(self, given: str, create: bool) -> None:
        database = self.url.database
        if not database or database == ":memory:":
            raise DatabaseUrlError("vidtask needs a file for SQLite: windows share it.")
        path = Path(database).expanduser()
        if path.is_dir() or (not path.exists() and not create):
            raise NoDatabaseFile(path.absolute(), given)
        fs_type = network_filesystem_of(path)
        if fs_type and not os.environ.get("VIDTASK_ALLOW_NETWORK_SQLITE"):
            raise DatabaseUrlError(
                f"{path} is on a network share ({fs_type}); SQLite locking is unsafe there. "
                "Use PostgreSQL for a shared room database."
            )
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            self.created = True

    @property
    def is_postgresql(self) -> bool:
        return self.backend == "postgresql"

    @property
    def sqlite_path(self) -> Path | None:
        """The SQLite file (absolute), or None on PostgreSQL."""
        if self.backend != "sqlite":
            return None
        return Path(str(self.url.database)).expanduser().absolute()

    def describe(self) -> DatabaseDescription:
        if self.backend == "sqlite":
            return DatabaseDescription("SQLite", str(self.url.database))
        host = self.url.host or "local socket"
        port = f":{self.url.port}" if self.url.port else ""
        return DatabaseDescription("PostgreSQL", f"{self.url.username or ''}@{host}{port}/"
                                   f"{self.url.database}".lstrip("@"))

    @contextmanager
    def read(self) -> Iterator[Session]:
        session = self._read_sessions()
        try:
            yield session
        except OverflowError as exc:  # SQLite: an id beyond 64 bits (`clue edit 2**63`)
            from vidtask.domain.errors import InvalidInput

            raise InvalidInput("number", "is too large for the database") from exc
        finally:
            session.rollback()
            session.close()

    def write_session(self) -> Session:
        """A session whose transaction takes the write lock at once; the caller commits."""
        return self._write_sessions()

    def server_now(self, session: Session) -> datetime:
        """The database server's clock: leases and audit never trust client clocks."""
        if self.backend == "postgresql":
            value = session.execute(text("SELECT now()")).scalar_one()
        else:
            raw = session.execute(text("SELECT strftime('%Y-%m-%d %H:%M:%f', 'now')")).scalar_one()
            value = datetime.fromisoformat(raw)
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value.astimezone(UTC)

    def dispose(self) -> None:
        self.engine.dispose()


def _install_sqlite_hooks(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy's "begin" hook below decide how transactions start.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    queue = WriterQueue.for_database(Path(str(engine.url.database)))

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        writing = connection.get_execution_options().get(_WRITE_OPTION, False)
        if not writing:
            connection.exec_driver_sql("BEGIN")
            return
        if queue.acquire():
            connection.info[_QUEUED] = True
        try:
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        except BaseException:
            _leave_queue(connection.info)
            raise

    def _leave_queue(info: dict[str, Any]) -> None:
        if info.pop(_QUEUED, False):
            queue.release()

    @event.listens_for(engine, "commit")
    def _on_commit(connection: Any) -> None:
        _leave_queue(connection.info)

    @event.listens_for(engine, "rollback")
    def _on_rollback(connection: Any) -> None:
        _leave_queue(connection.info)

    @event.listens_for(engine, "checkin")
    def _on_checkin(_dbapi_connection: Any, record: Any) -> None:
        _leave_queue(record.info)  # a connection closed mid-transaction must not keep its place


_QUEUED = "vidtask_writer_queued"


class WriterQueue:
    """Writers to one SQLite file wait their turn on an OS lock before BEGIN IMMEDIATE.

    SQLite's own busy handler sleeps and polls (1, 2, 5 … 100 ms) and is unfair: measured with
    40 client processes, some writers starved past the 15 s busy timeout ("database is locked").
    A blocking POSIX lock wakes waiters as soon as it is free and keeps them off the CPU.
    Record locks are per process, so threads of one process queue on a thread lock first; that
    wait is bounded by the busy timeout, after which the writer goes on unqueued (a thread that
    nests two write transactions then fails as before instead of hanging). SQLite's lock stays
    the real guard; without `fcntl` (Windows) only the busy timeout applies.
    """

    _registry: dict[Path, WriterQueue] = {}
    _registry_lock = threading.Lock()

    def __init__(self, lock_path: Path) -> None:
        self._path = lock_path
        self._thread_lock = threading.Lock()
        self._fd: int | None = None

    @classmethod
    def for_database(cls, database: Path) -> WriterQueue:
        path = database.expanduser().resolve()
        path = path.with_name(path.name + "-writers.lock")
        with cls._registry_lock:
            return cls._registry.setdefault(path, cls(path))

    def acquire(self) -> bool:
        if not self._thread_lock.acquire(timeout=SQLITE_BUSY_TIMEOUT_MS / 1000):
            return False
        if fcntl is None:
            return True
        try:
            if self._fd is None:  # one descriptor per process: closing any would drop the lock
                self._fd = os.open(self._path, os.O_RDWR | os.O_CREAT, 0o600)
            fcntl.lockf(self._fd, fcntl.LOCK_EX)
        except OSError:
            pass  # unwritable directory: SQLite's busy handler alone decides
        return True

    def release(self) -> None:
        try:
            if fcntl is not None and self._fd is not None:
                fcntl.lockf(self._fd, fcntl.LOCK_UN)
        except OSError:
            pass
        finally:
            self._thread_lock.release()
