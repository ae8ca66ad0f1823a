"""Parse ahead: batches of prepared rows from an import file, read in the caller's thread or
on a second one.

On a worker thread (``threaded=True``) the reader hands the caller batches of prepared rows
through a small bounded queue (memory stays flat: at most ``QUEUE_BATCHES`` batches wait); the
database is only ever touched by the caller's thread, inside its one transaction. Anything the
reader raises is re-raised on the caller's thread; when the caller stops early (error, Cancel,
strict refusal) the worker is told to stop and joined before the transaction rolls back.
Inline (``threaded=False``, what intake uses: parsing holds the GIL, so a thread bought only
hand-offs) the same batches are made as the caller asks for them.
"""

from __future__ import annotations

import contextlib
import queue
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from types import TracebackType
from typing import Any

from vidtask.domain.media import MediaRecord

QUEUE_BATCHES = 4  # batches waiting between the threads
_POLL_SECONDS = 0.05


@dataclass(slots=True)
class ParsedBatch:
    """Records read since the last batch, with where the reader stood after them."""

    records: list[Any]  # whatever `prepare` made of each MediaRecord; CaseInfo as it came
    cases: int  # CaseInfo headers among them
    records_read: int  # reader.records_read after this batch (skipped records included)
    bytes_read: int
    reader_issues: int  # len(reader.issues) after this batch


class _Done:
    pass


_DONE = _Done()


class ParseAhead:
    """Context manager; iterate it for ``ParsedBatch``es. Exit stops and joins the worker."""

    def __init__(self, items: Iterable[Any], *, records_read: Callable[[], int],
                 bytes_read: Callable[[], int], issues: Callable[[], int],
                 prepare: Callable[[MediaRecord, int], Any], batch_records: int,
                 threaded: bool = True) -> None:
        self._items = items
        self._threaded = threaded
        self._records_read = records_read
        self._bytes_read = bytes_read
        self._issues = issues
        self._prepare = prepare
        self._batch_records = batch_records
        self._queue: queue.Queue[ParsedBatch | BaseException | _Done] = queue.Queue(
            QUEUE_BATCHES)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._work, name="intake-parse", daemon=True)

    def __enter__(self) -> ParseAhead:
        if self._threaded:
            self._thread.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self._stop.set()
        if not self._threaded:
            return
        while self._thread.is_alive():  # unblock a worker waiting on a full queue
            with contextlib.suppress(queue.Empty):
                self._queue.get(timeout=_POLL_SECONDS)
        self._thread.join()

    def __iter__(self) -> Iterator[ParsedBatch]:
        if not self._threaded:
            yield from self._batches()
            return
        while True:
            item = self._queue.get()
            if isinstance(item, _Done):
                return
            if isinstance(item, BaseException):
                raise item
            yield item

    # -- the worker thread ----------------------------------------------------------------------

    def _put(self, item: ParsedBatch | BaseException | _Done) -> bool:
        while not self._stop.is_set():
            try:
                self._queue.put(item, timeout=_POLL_SECONDS)
                return True
            except queue.Full:
                continue
        return False

    def _batch(self, records: list[Any], cases: int) -> ParsedBatch:
        return ParsedBatch(records, cases, self._records_read(), self._bytes_read(),
                           self._issues())

    def _batches(self) -> Iterator[ParsedBatch]:
        prepare = self._prepare
        records_read = self._records_read
        records: list[Any] = []
        cases = 0
        next_batch = self._batch_records
        for item in self._items:
            if type(item) is MediaRecord:
                records.append(prepare(item, records_read()))
            else:  # a case header travels in order with its media
                records.append(item)
                cases += 1
            if records_read() >= next_batch or len(records) >= self._batch_records:
                yield self._batch(records, cases)
                records, cases = [], 0
                next_batch = records_read() + self._batch_records
        yield self._batch(records, cases)

    def _work(self) -> None:
        try:
            for batch in self._batches():
                if not self._put(batch):
                    return
            self._put(_DONE)
        except BaseException as exc:  # handed to the caller's thread
            self._put(exc)
