"""The outbox: durable, replayed in order, refusals kept for the merge view, never lost on kill."""

from __future__ import annotations

import signal
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.exc import OperationalError

from vidtask.domain.errors import ClaimConflict, StaleVersion
from vidtask.sync.connection import Backoff, ConnectionMonitor, ConnectionState, is_connection_error
from vidtask.sync.outbox import EntryState, Outbox, OutboxEntry


def _outbox(tmp_path: Path) -> Outbox:
    return Outbox("postgresql://room/vidtask", tmp_path / "outbox.sqlite3")


def _offline() -> OperationalError:
    return OperationalError("SELECT 1", {}, ConnectionRefusedError("connection refused"))


def test_entries_replay_oldest_first_and_are_kept_as_done(tmp_path: Path) -> None:
    outbox = _outbox(tmp_path)
    for n in range(3):
        outbox.enqueue("anna", "comment.add", {"series_id": 1, "body": f"note {n}"})
    ran: list[str] = []
    report = outbox.replay(lambda entry: ran.append(entry.args["body"]))
    assert ran == ["note 0", "note 1", "note 2"]
    assert (report.done, report.remaining, report.interrupted) == (3, 0, False)
    assert {e.state for e in outbox.entries()} == {EntryState.DONE}


def test_a_refused_write_goes_to_the_merge_view_and_the_rest_still_land(tmp_path: Path) -> None:
    outbox = _outbox(tmp_path)
    outbox.enqueue("anna", "clue.edit", {"clue_id": 7}, chain="clue:7", based_on_version=3)
    outbox.enqueue("anna", "comment.add", {"series_id": 1, "body": "hello"})

    def run(entry: OutboxEntry) -> Any:
        if entry.operation == "clue.edit":
            raise StaleVersion("clue", 7, 3, 4, "bert")
        return None

    report = outbox.replay(run)
    assert report.done == 1
    [conflict] = outbox.conflicts()
    assert conflict.args == {"clue_id": 7}
    assert conflict.error is not None and "changed by bert" in conflict.error
    outbox.discard(conflict.id)
    assert outbox.conflicts() == []


def test_a_later_edit_of_the_same_record_is_rebased_on_the_earlier_one(tmp_path: Path) -> None:
    outbox = _outbox(tmp_path)
    outbox.enqueue("anna", "clue.edit", {"text": "one"}, chain="clue:7", based_on_version=3)
    outbox.enqueue("anna", "clue.edit", {"text": "two"}, chain="clue:7", based_on_version=3)
    bases: list[int | None] = []

    def run(entry: OutboxEntry) -> int:
        bases.append(entry.based_on_version)
        return (entry.based_on_version or 0) + 1

    outbox.replay(run)
    assert bases == [3, 4]


def test_followers_of_a_conflicting_edit_conflict_too(tmp_path: Path) -> None:
    outbox = _outbox(tmp_path)
    outbox.enqueue("anna", "clue.edit", {"text": "one"}, chain="clue:7", based_on_version=3)
    outbox.enqueue("anna", "clue.edit", {"text": "two"}, chain="clue:7", based_on_version=3)

    def run(entry: OutboxEntry) -> int:
        assert entry.based_on_version is not None
        if entry.based_on_version != 5:  # somebody else moved the clue to version 5
            raise StaleVersion("clue", 7, entry.based_on_version, 5, "bert")
        return 6

    outbox.replay(run)
    assert [e.args["text"] for e in outbox.conflicts()] == ["one", "two"]


def test_losing_the_connection_mid_replay_keeps_the_rest_pending(tmp_path: Path) -> None:
    outbox = _outbox(tmp_path)
    for n in range(4):
        outbox.enqueue("anna", "comment.add", {"n": n})

    def run(entry: OutboxEntry) -> None:
        if entry.args["n"] == 2:
            raise _offline()

    report = outbox.replay(run)
    assert (report.done, report.remaining, report.interrupted) == (2, 2, True)
    assert [e.args["n"] for e in outbox.pending()] == [2, 3]
    assert outbox.replay(lambda entry: None).done == 2


def test_entries_of_another_database_are_never_replayed_here(tmp_path: Path) -> None:
    path = tmp_path / "outbox.sqlite3"
    Outbox("sqlite:///other.sqlite3", path).enqueue("anna", "comment.add", {"n": 1})
    assert Outbox("postgresql://room/vidtask", path).replay(lambda e: None).done == 0


def test_two_app_instances_do_not_replay_the_same_outbox_at_once(tmp_path: Path) -> None:
    first, second = _outbox(tmp_path), _outbox(tmp_path)
    first.enqueue("anna", "comment.add", {"n": 1})
    nested: list[bool] = []

    def run(entry: OutboxEntry) -> None:
        nested.append(second.replay(lambda e: None).busy)

    first.replay(run)
    assert nested == [True]


def test_killing_the_process_mid_save_loses_nothing_acknowledged(tmp_path: Path) -> None:
    """A child saves as fast as it can and prints each id once `enqueue` returned; SIGKILL it."""
    path = tmp_path / "outbox.sqlite3"
    child = subprocess.Popen([sys.executable, "-c", textwrap.dedent(f"""
        import sys
        from pathlib import Path
        from vidtask.sync.outbox import Outbox
        outbox = Outbox("db", Path({str(path)!r}))
        n = 0
        while True:
            entry_id = outbox.enqueue("anna", "comment.add", {{"body": "typed " + str(n)}})
            print(entry_id, n, flush=True)
            n += 1
    """)], stdout=subprocess.PIPE, text=True, cwd=Path(__file__).parents[2])
    assert child.stdout is not None
    acknowledged: dict[int, int] = {}
    for line in child.stdout:
        entry_id, n = map(int, line.split())
        acknowledged[entry_id] = n
        if len(acknowledged) >= 60:
            child.send_signal(signal.SIGKILL)
            break
    child.wait()
    assert child.returncode == -signal.SIGKILL
    stored = {e.id: e.args["body"] for e in Outbox("db", path).pending()}
    for entry_id, n in acknowledged.items():
        assert stored[entry_id] == f"typed {n}"


def test_connection_errors_are_told_apart_from_refusals() -> None:
    assert is_connection_error(_offline())
    assert is_connection_error(ConnectionResetError())
    assert not is_connection_error(ClaimConflict("S-001", "bert", None))
    assert not is_connection_error(ValueError("bad"))


def test_backoff_grows_to_its_cap_and_resets() -> None:
    backoff = Backoff(first=0.1, cap=1.0)
    delays = [backoff.next_delay() for _ in range(8)]
    assert delays[0] <= 0.1 and max(delays) <= 1.0 and delays[-1] >= 0.5
    backoff.reset()
    assert backoff.next_delay() <= 0.1


def test_monitor_goes_offline_reconnects_and_runs_the_online_callbacks() -> None:
    reachable = [False]
    states: list[str] = []
    back: list[bool] = []

    def probe() -> None:
        if not reachable[0]:
            raise _offline()

    monitor = ConnectionMonitor(None, probe=probe,  # type: ignore[arg-type]
                                backoff=Backoff(first=0.01, cap=0.05))
    monitor.add_listener(lambda _old, new: states.append(new.value))
    monitor.add_online_callback(lambda: back.append(True))
    monitor.start()
    try:
        monitor.report_failure(_offline())
        assert monitor.state is not ConnectionState.ONLINE
        reachable[0] = True
        deadline = 200
        while monitor.state is not ConnectionState.ONLINE and deadline:
            threading_sleep(0.02)
            deadline -= 1
    finally:
        monitor.stop()
    assert monitor.state is ConnectionState.ONLINE
    assert states[0] == "offline" and "reconnecting" in states and states[-1] == "online"
    assert back == [True]


def threading_sleep(seconds: float) -> None:
    import time
    time.sleep(seconds)


@pytest.mark.parametrize("state", list(EntryState))
def test_entry_states_are_stored_as_words(state: EntryState) -> None:
    assert state.value.isalpha()


def test_a_merged_conflict_is_requeued_on_its_new_base(tmp_path: Path) -> None:
    outbox = _outbox(tmp_path)
    outbox.enqueue("anna", "clue.edit", {"text": "mine"}, chain="clue:7", based_on_version=3)
    outbox.replay(lambda entry: (_ for _ in ()).throw(StaleVersion("clue", 7, 3, 4, "bert")))
    [conflict] = outbox.conflicts()
    outbox.requeue(conflict.id, {"text": "mine and bert's"}, based_on_version=4)
    ran: list[tuple[str, int | None]] = []
    outbox.replay(lambda entry: ran.append((entry.args["text"], entry.based_on_version)))
    assert ran == [("mine and bert's", 4)]
    assert outbox.conflicts() == []
