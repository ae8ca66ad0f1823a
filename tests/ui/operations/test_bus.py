"""The change bus sends every event once, whichever source brings it first."""

from __future__ import annotations

from datetime import UTC, datetime

from vidtask.domain.changes import ChangeEvent, Changes
from vidtask.ui.operations import ChangeBatch, ChangeBus, Origin


def changes(*versions: int) -> Changes:
    return Changes(tuple(ChangeEvent(v, datetime.now(UTC), "anna", "claim.taken", "series", 1, 1)
                         for v in versions))


def test_each_version_goes_out_once_and_the_floor_follows_applied_versions() -> None:
    bus = ChangeBus()
    sent: list[ChangeBatch] = []
    bus.subscribe(sent.append)
    bus.start_at(10)
    bus.publish(changes(11, 12), Origin.THIS_WINDOW)
    assert bus.version == 12 and bus.knows(12) and not bus.knows(13)
    bus.publish(changes(14), Origin.THIS_WINDOW)  # 13 (another desktop's) not seen yet
    assert bus.version == 12
    bus.publish(changes(11, 12, 13, 14), Origin.FEED)  # the feed reads from 12 onwards
    assert [b.changes.versions for b in sent] == [(11, 12), (14,), (13,)]
    assert [b.origin for b in sent] == [Origin.THIS_WINDOW, Origin.THIS_WINDOW, Origin.FEED]
    assert bus.version == 14 and bus.sent == 4
    assert bus.publish(changes(9, 14), Origin.FEED) is None


def test_changes_published_before_the_feed_started_are_not_sent_twice() -> None:
    bus = ChangeBus()
    sent: list[ChangeBatch] = []
    bus.subscribe(sent.append)
    bus.publish(changes(5), Origin.THIS_WINDOW)
    bus.start_at(3)  # the feed's first read saw version 3
    bus.publish(changes(4, 5), Origin.FEED)
    assert [b.changes.versions for b in sent] == [(5,), (4,)]
    assert bus.version == 5
