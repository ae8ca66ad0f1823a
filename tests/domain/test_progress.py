"""One Progress object: reports to its listeners, cancels across threads, checks raise."""

from __future__ import annotations

import threading

import pytest

from vidtask.domain.changes import ChangeEvent, Changes
from vidtask.domain.progress import Cancelled, Progress, as_progress


def test_reports_reach_every_listener_and_cancel_is_seen_by_check() -> None:
    heard: list[tuple[int, int, str]] = []
    progress = Progress(lambda *r: heard.append(r))
    progress.listen(lambda *r: heard.append(r))
    progress.report(1, 3, "DE")
    assert heard == [(1, 3, "DE"), (1, 3, "DE")] and progress.last == (1, 3, "DE")
    progress.check()
    threading.Thread(target=progress.cancel).start()
    with pytest.raises(Cancelled, match=r"Stopped\."):
        while True:
            progress.check("Stopped.")


def test_a_bare_callback_becomes_a_progress() -> None:
    heard: list[int] = []
    progress = as_progress(lambda done, _total, _label: heard.append(done))
    assert isinstance(progress, Progress)
    progress.report(2, 4)
    assert heard == [2] and as_progress(None) is None


def test_changes_filters_screens_use() -> None:
    from datetime import UTC, datetime

    def event(version: int, action: str, series_id: int | None) -> ChangeEvent:
        return ChangeEvent(version, datetime.now(UTC), "anna", action, "series", series_id,
                           series_id)

    changes = Changes((event(1, "claim.taken", 5), event(2, "series.proposed", 6)))
    assert changes.touches_series(5) and not changes.touches_series(7)
    assert changes.has_actions("claim.*") and changes.has_actions("series.proposed")
    assert not changes.has_actions("claim.renewed", "comment.*")
    assert changes.without_actions("claim.*").versions == (2,)
    merged = Changes.merge([Changes((event(3, "clue.added", 5),)), changes, changes])
    assert merged.versions == (1, 2, 3)
