"""A screen's re-read: at most one in flight, and one more if asked for while it runs.

Two reads started on two pool threads can finish in either order, so a screen that simply
started a read per change could show an older answer after a newer one. With `Reload` a
burst of changes costs two reads (the one running and one after it), never more, and each
answer is newer than the one before.

    self._reload = Reload(lambda: Op(ctx, appeals.list_appeals, db, sprint_id)
                          .success(self._loaded).owned_by(self))
    self._reload.request()
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from vidtask.ui.operations.runner import Op


class Reload:
    def __init__(self, read: Callable[[], Op[Any]]) -> None:
        self._read = read
        self.busy = False
        self._again = False

    def request(self) -> None:
        if self.busy:
            self._again = True
            return
        self.busy = True
        self._read().afterwards(self._back).run()

    def _back(self) -> None:
        self.busy = False
        if self._again:
            self._again = False
            self.request()
