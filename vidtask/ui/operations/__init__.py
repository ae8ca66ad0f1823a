"""The UI's seam to the services: one way to run an operation, one way for changes to arrive.

* `Op(ctx, fn, *args).success(cb).failure(cb).with_progress(label).run()` — `runner.py`
* `Reload(make_op).request()` — a screen's re-read, one at a time — `reload.py`
* `ctx.bus.subscribe(handler)` / `ChangeBatch(changes, origin)` — `bus.py`
* `ctx.notices.info/warning/error/failure(...)` — `notices.py`
* `Progress` (report + cancel, shared with the services) — `vidtask.domain.progress`
* log file, excepthook, Qt message handler — `errors.py`
"""

from vidtask.domain.progress import Cancelled, Progress
from vidtask.ui.operations.bus import ChangeBatch, ChangeBus, Origin
from vidtask.ui.operations.errors import sentence
from vidtask.ui.operations.notices import Level, Notice, Notices
from vidtask.ui.operations.reload import Reload
from vidtask.ui.operations.runner import Op, OpHost, OpRunner, changes_in, running_calls

__all__ = ["Cancelled", "ChangeBatch", "ChangeBus", "Level", "Notice", "Notices", "Op", "OpHost",
           "OpRunner", "Origin", "Progress", "Reload", "changes_in", "running_calls", "sentence"]
