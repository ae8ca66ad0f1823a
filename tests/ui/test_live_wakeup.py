"""The Qt adapter turns worker-thread wake-ups into one GUI-thread signal per burst."""

from __future__ import annotations

import os
import threading

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest
from PySide6.QtCore import QThread
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from tests.conftest import World
from vidtask.services import claims
from vidtask.sync.connection import Backoff, ConnectionMonitor
from vidtask.sync.feed import changes_since, current_version
from vidtask.sync.wakeup import Wake, WakeupSource, wakeup_for
from vidtask.ui.live_wakeup import LiveWakeup

pytestmark = pytest.mark.gui


class ManualSource(WakeupSource):
    """A source the test fires by hand, from a worker thread like the real ones."""

    kind = "manual"

    def _run(self) -> None:
        self._stop.wait()

    def fire_from_thread(self, *wakes: Wake) -> None:
        thread = threading.Thread(target=lambda: [self._fire(w) for w in wakes])
        thread.start()
        thread.join()


def test_a_burst_of_worker_wakeups_becomes_one_gui_thread_signal(qtbot: QtBot) -> None:
    source = ManualSource()
    bridge = LiveWakeup(source)
    threads: list[object] = []
    reasons: list[str] = []
    bridge.wokeUp.connect(lambda reason: (reasons.append(reason),
                                          threads.append(QThread.currentThread())))
    bridge.start()
    try:
        source.fire_from_thread(*(Wake("notify", n) for n in range(50)))
        qtbot.waitUntil(lambda: reasons != [])
        qtbot.wait(50)
    finally:
        bridge.stop()
    assert reasons == ["notify"]
    assert threads == [QApplication.instance().thread()]  # type: ignore[union-attr]


def test_presence_and_connection_state_reach_the_gui(qtbot: QtBot) -> None:
    source = ManualSource()
    reachable = [True]

    def probe() -> None:
        if not reachable[0]:
            raise ConnectionRefusedError("down")

    monitor = ConnectionMonitor(None, probe=probe,  # type: ignore[arg-type]
                                backoff=Backoff(first=0.01, cap=0.05))
    bridge = LiveWakeup(source, monitor)
    states: list[str] = []
    bridge.connectionStateChanged.connect(states.append)
    bridge.start()
    try:
        with qtbot.waitSignal(bridge.presenceChanged, timeout=5000):
            source.fire_from_thread(Wake("presence"))
        reachable[0] = False
        threading.Thread(target=monitor.report_failure).start()
        qtbot.waitUntil(lambda: "offline" in states)
        reachable[0] = True
        qtbot.waitUntil(lambda: states[-1:] == ["online"], timeout=5000)
    finally:
        bridge.stop()
    assert states[0] == "offline" and states[-1] == "online"


def test_another_desktops_claim_wakes_the_window_which_then_reads_it(
        qtbot: QtBot, world: World) -> None:
    from vidtask.db.engine import Database

    other = Database(world.db.url.render_as_string(hide_password=False))
    bridge = LiveWakeup(wakeup_for(world.db, sqlite_interval=0.05))
    seen = current_version(world.db)
    bridge.start()
    try:
        qtbot.waitUntil(lambda: bridge.connected, timeout=5000)
        qtbot.wait(100)  # let the start-up wake-up pass
        with qtbot.waitSignal(bridge.wokeUp, timeout=5000):
            claims.claim_series(other, "bert", world.series_ids[0])
        assert [e.action for e in changes_since(world.db, seen)] == ["claim.taken"]
    finally:
        bridge.stop()
        other.dispose()
