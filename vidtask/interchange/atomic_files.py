"""Files the app writes appear whole or not at all: a temporary file in the target folder,
flushed to disk, renamed into place only when the caller says the work is committed.

    with staged_file(target) as staged:
        staged.write(data)             # or pass staged.stream to a writer
        ...database commit...           # an exception here removes the temporary file
    # leaving the block without an exception renames it into place

The temporary file sits in the target's own folder (a rename across file systems is a copy),
is named `.<target>.<random>.part` so no tool mistakes it for the real thing, and is removed on
any failure. A refused export therefore leaves an existing file untouched and no new one; a
cut commit leaves no file at all. Folder problems become one sentence (`OutputError`).
"""

from __future__ import annotations

import errno
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import IO

from vidtask.domain.errors import VidtaskError

_REASONS = {
    errno.EACCES: "you may not write there",
    errno.EPERM: "you may not write there",
    errno.EROFS: "the folder is on a read-only disk",
    errno.ENOSPC: "the disk is full",
    errno.EDQUOT: "the disk quota is used up",
    errno.ENOENT: "the folder does not exist",
    errno.ENOTDIR: "part of the path is a file, not a folder",
    errno.EISDIR: "that name is a folder",
    errno.ENAMETOOLONG: "the name is too long",
}


class OutputError(VidtaskError):
    """The target file or folder cannot be written; one sentence."""

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(f"Cannot write {path}: {reason}.")
        self.path = path
        self.reason = reason


def reason_of(exc: OSError) -> str:
    return _REASONS.get(exc.errno or 0, (exc.strerror or str(exc)).rstrip(".").lower())


def prepare_folder(folder: Path) -> Path:
    """Create `folder` if needed and check that files can be created in it."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise OutputError(folder, "that name is a file, not a folder") from None
    except OSError as exc:
        raise OutputError(folder, reason_of(exc)) from None
    if not folder.is_dir():
        raise OutputError(folder, "that name is a file, not a folder")
    return folder


class StagedFile:
    """A temporary file beside `target`; `commit()` renames it into place, `discard()` drops it."""

    def __init__(self, target: Path) -> None:
        self.target = target
        if target.is_dir():
            raise OutputError(target, "that name is a folder")
        try:
            fd, name = tempfile.mkstemp(prefix=f".{target.name[:80]}.", suffix=".part",
                                        dir=target.parent)
        except OSError as exc:
            raise OutputError(target.parent, reason_of(exc)) from None
        self.temporary = Path(name)
        self.stream: IO[bytes] = os.fdopen(fd, "wb")
        self._done = False

    def write(self, data: bytes) -> None:
        try:
            self.stream.write(data)
        except OSError as exc:
            self.discard()
            raise OutputError(self.target, reason_of(exc)) from None

    def finish(self) -> None:
        """Flush to disk (before the database commit, so a commit is never ahead of the disk)."""
        if self.stream.closed:
            return
        try:
            self.stream.flush()
            os.fsync(self.stream.fileno())
            self.stream.close()
        except OSError as exc:
            self.discard()
            raise OutputError(self.target, reason_of(exc)) from None

    def commit(self) -> Path:
        self.finish()
        try:
            os.replace(self.temporary, self.target)
        except OSError as exc:
            self.discard()
            raise OutputError(self.target, reason_of(exc)) from None
        self._done = True
        _sync_folder(self.target.parent)
        return self.target

    def discard(self) -> None:
        if self._done:
            return
        self._done = True
        with suppress(OSError):
            self.stream.close()
        self.temporary.unlink(missing_ok=True)


def _sync_folder(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass  # some file systems refuse fsync on a folder; the rename itself is done
    finally:
        os.close(fd)


@contextmanager
def staged_file(target: Path) -> Iterator[StagedFile]:
    """Stage `target`; renamed into place when the block ends normally, dropped otherwise."""
    staged = StagedFile(target)
    try:
        yield staged
    except BaseException:
        staged.discard()
        raise
    staged.commit()


def write_file(target: Path, data: bytes) -> Path:
    """Write `data` to `target` through a staged file (no database work in between)."""
    with staged_file(target) as staged:
        staged.write(data)
    return target
