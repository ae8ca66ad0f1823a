"""Losing the database: a cut network keeps typed work in the outbox and replays it, losing nothing.

PostgreSQL only: the client talks to the server through a TCP proxy the test cuts and restores
(restarting the shared server would disturb every other test run on the machine).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import asdict
from pathlib import Path

import pytest
from sqlalchemy import select

from tests.reliability.tcp_proxy import TcpProxy
from tests.worlds.sprint import World
from vidtask.db.engine import Database
from vidtask.db.models import Clue, Comment
from vidtask.services import claims, clues
from vidtask.services.offline import OfflineWriter, database_key
from vidtask.sync.connection import Backoff, ConnectionMonitor
from vidtask.sync.outbox import Outbox
from vidtask.sync.wakeup import PgListenWakeup, Wake

pytestmark = pytest.mark.parametrize("backend", ["postgresql"])


def _wait(condition: Callable[[], bool], timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


class Desktop:
    """One client that reaches the database through the proxy."""

    def __init__(self, proxy: TcpProxy, direct: Database, outbox_path: Path) -> None:
        url = direct.url.set(port=proxy.port).render_as_string(hide_password=False)
        self.db = Database(url, pool_size=1)
        self.monitor = ConnectionMonitor(self.db, backoff=Backoff(first=0.05, cap=0.5))
        self.outbox = Outbox(database_key(self.db), outbox_path)
        self.writer = OfflineWriter(self.db, self.outbox, self.monitor)
        self.wakes: list[Wake] = []
        self.listener = PgListenWakeup(self.db, safety_poll=1.0,
                                       backoff=Backoff(first=0.05, cap=0.5))
        self.monitor.start()
        self.listener.start(self.wakes.append)

    def close(self) -> None:
        self.listener.stop()
        self.monitor.stop()
        self.outbox.close()
        self.db.dispose()


@pytest.fixture
def proxy() -> Iterator[TcpProxy]:
    proxy = TcpProxy()
    yield proxy
    proxy.close()


@pytest.fixture
def desktop(world: World, proxy: TcpProxy, tmp_path: Path) -> Iterator[Desktop]:
    desktop = Desktop(proxy, world.db, tmp_path / "outbox.sqlite3")
    _wait(lambda: desktop.listener.stats.connected)
    yield desktop
    desktop.close()


def _clue(description: str) -> dict[str, object]:
    return {"clue": asdict(clues.ClueInput(category="text", description=description))}


def _comments(db: Database) -> list[str]:
    with db.read() as session:
        return list(session.scalars(select(Comment.body).order_by(Comment.id)))


def test_work_typed_during_an_outage_is_replayed_in_order_and_nothing_is_lost(
        world: World, proxy: TcpProxy, desktop: Desktop) -> None:
    series_id = world.series_ids[0]
    claims.claim_series(world.db, "anna", series_id)
    clue_id, _ = clues.add_clue(world.db, "anna", series_id,
                                clues.ClueInput(category="text", description="sign in Dutch"))
    writer = desktop.writer
    assert writer.submit("anna", "comment.add", {"series_id": series_id, "body": "before"}
                         ).saved == "database"

    proxy.cut()
    saved = [
        writer.submit("anna", "comment.add", {"series_id": series_id, "body": "during 1"}),
        writer.submit("anna", "clue.edit", {"clue_id": clue_id, **_clue("sign in Flemish")},
                      based_on_version=1),
        writer.submit("anna", "clue.edit", {"clue_id": clue_id, **_clue("Flemish, Antwerp")},
                      based_on_version=1),  # the editor still holds version 1
        writer.submit("anna", "clue.add", {"series_id": series_id, **_clue("tram ticket")}),
        writer.submit("anna", "comment.add", {"series_id": series_id, "body": "during 2"}),
    ]
    assert [s.saved for s in saved] == ["locally"] * 5
    assert "Saved locally" in saved[0].message
    assert desktop.monitor.state.value in {"offline", "reconnecting"}
    assert desktop.outbox.pending_count() == 5
    # The server itself is fine: somebody in the room keeps working meanwhile.
    claims.claim_series(world.db, "bert", world.series_ids[1])

    proxy.restore()
    _wait(lambda: desktop.monitor.online and desktop.outbox.pending_count() == 0)
    assert desktop.outbox.conflicts() == []
    assert _comments(world.db) == ["before", "during 1", "during 2"]
    with world.db.read() as session:
        texts = dict(session.execute(select(Clue.description, Clue.version)).all())
    assert texts == {"Flemish, Antwerp": 3, "tram ticket": 1}
    _wait(lambda: any(w.reason == "reconnected" for w in desktop.wakes))


def test_an_edit_overtaken_during_the_outage_goes_to_the_merge_view_not_over_it(
        world: World, proxy: TcpProxy, desktop: Desktop) -> None:
    series_id = world.series_ids[0]
    claims.claim_series(world.db, "anna", series_id)
    clue_id, _ = clues.add_clue(world.db, "anna", series_id,
                                clues.ClueInput(category="text", description="sign in Dutch"))
    proxy.cut()
    kept = desktop.writer.submit("anna", "clue.edit",
                                 {"clue_id": clue_id, **_clue("anna's offline text")},
                                 based_on_version=1)
    assert kept.saved == "locally"
    claims.force_release(world.db, "cora", series_id, "anna unreachable")
    claims.claim_series(world.db, "bert", series_id)
    clues.edit_clue(world.db, "bert", clue_id, 1,
                    clues.ClueInput(category="text", description="bert's text"))

    proxy.restore()
    _wait(lambda: desktop.monitor.online and desktop.outbox.pending_count() == 0)
    [conflict] = desktop.outbox.conflicts()
    assert conflict.args["clue"]["description"] == "anna's offline text"
    assert conflict.error is not None and "bert" in conflict.error
    with world.db.read() as session:
        assert session.scalar(select(Clue.description)) == "bert's text"
