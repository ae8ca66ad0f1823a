"""The offline writer as the desktop uses it: no replay on the monitor's thread, and a write
that waited behind older entries but was sent at once is reported as saved in the database."""

from __future__ import annotations

from pathlib import Path

from tests.worlds.sprint import World
from vidtask.services import claims
from vidtask.services.offline import OfflineWriter, database_key
from vidtask.services.series_detail import get_series_detail
from vidtask.sync.connection import ConnectionMonitor
from vidtask.sync.outbox import Outbox


def _writer(world: World, tmp_path: Path, **options: bool) -> OfflineWriter:
    outbox = Outbox(database_key(world.db), tmp_path / "outbox.sqlite3")
    return OfflineWriter(world.db, outbox, ConnectionMonitor(world.db), **options)


def test_a_desktop_writer_leaves_replay_to_its_window(world: World, tmp_path: Path) -> None:
    writer = _writer(world, tmp_path, replay_when_online=False)
    series_id = world.series_ids[0]
    writer.monitor.report_failure(ConnectionError("cut"))
    kept = writer.submit("anna", "comment.add", {"series_id": series_id, "body": "kept"})
    assert kept.saved == "locally" and kept.entry_id is not None
    writer.monitor.report_success()  # back online: nothing is sent on this (GUI) thread
    assert writer.outbox.pending_count() == 1
    assert get_series_detail(world.db, series_id).comments == ()
    report = writer.replay()
    assert report is not None and report.done == 1
    assert [c.body for c in get_series_detail(world.db, series_id).comments] == ["kept"]
    writer.outbox.close()


def test_a_write_queued_behind_older_ones_says_database_when_it_was_sent(
        world: World, tmp_path: Path) -> None:
    writer = _writer(world, tmp_path, replay_when_online=False)
    series_id = world.series_ids[0]
    claims.claim_series(world.db, "anna", series_id)
    writer.outbox.enqueue("anna", "comment.add", {"series_id": series_id, "body": "older"})
    sent = writer.submit("anna", "comment.add", {"series_id": series_id, "body": "newer"})
    assert sent.saved == "database"
    assert sent.result["comment_id"] > 0
    assert [c.body for c in get_series_detail(world.db, series_id).comments] == ["older",
                                                                                  "newer"]
    writer.outbox.close()
