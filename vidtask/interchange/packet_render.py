"""Build many packet ZIPs at once: one process per core, each loading the fonts once.

reportlab is pure Python and holds the GIL, so threads would not help; processes do. A worker
builds a whole packet (PDF, JSON, annexes, signed manifest, ZIP) from its content and the
document sections the caller already built for the digests. The output does not depend on the
process that made it (`invariant=1`, embedded fonts, deterministic Ed25519), so a re-export stays
byte-identical whichever worker builds it. Workers are started with "spawn": the caller may be a
GUI with threads, where fork is unsafe.
"""

from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import Future, ProcessPoolExecutor

from vidtask.interchange.packet_content import PacketContent
from vidtask.interchange.packet_document import PacketDocument
from vidtask.interchange.packet_report import preload
from vidtask.interchange.packets import build_packet

#: Below this many packets, starting workers costs more than it saves.
POOL_FROM = 3


def usable_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


class PacketBuilder:
    """`submit` packets, then take their ZIP bytes; builds in-process when a pool would not pay.

    Create it before the slow reads: the workers start while the caller plans. Use as a context
    manager: leaving it (also on an error or a cancel) stops the workers without waiting for
    packets nobody will take.
    """

    def __init__(self, private_key_pem: str, expected: int, *, workers: int | None = None) -> None:
        self._key = private_key_pem
        wanted = workers if workers is not None else usable_cores()
        self._pool: ProcessPoolExecutor | None = None
        if min(wanted, expected) > 1 and expected >= POOL_FROM:
            self._pool = ProcessPoolExecutor(max_workers=min(wanted, expected),
                                             mp_context=multiprocessing.get_context("spawn"),
                                             initializer=preload)
        self._jobs: list[Future[bytes] | tuple[PacketContent, PacketDocument | None]] = []

    @property
    def parallel(self) -> bool:
        return self._pool is not None

    def submit(self, content: PacketContent, document: PacketDocument | None = None) -> int:
        """Queue one packet; returns its index for `result`."""
        if self._pool is None:
            self._jobs.append((content, document))
        else:
            self._jobs.append(self._pool.submit(build_packet, content, self._key,
                                                document=document))
        return len(self._jobs) - 1

    def result(self, index: int) -> bytes:
        job = self._jobs[index]
        if isinstance(job, Future):
            return job.result()
        content, document = job
        return build_packet(content, self._key, document=document)

    def __enter__(self) -> PacketBuilder:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._pool is not None:
            finished = all(not isinstance(j, Future) or j.done() for j in self._jobs)
            self._pool.shutdown(wait=finished, cancel_futures=True)
            self._pool = None
