"""Qt adapter: turn a non-Qt wake-up source (and connection monitor) into GUI-thread signals.

Sources call back on their worker thread. Those calls are handed to the GUI thread through a
queued signal and coalesced there: a burst of 50 NOTIFYs during a bulk import becomes one
`wokeUp` per event-loop turn, so the board reads `changes_since` once, not 50 times.
Every public signal is emitted on the GUI thread (pytest-qt's `waitSignal` stays quiet).
`burst_version` is the highest committed version the burst's wake-ups named, None when one of
them did not know it: a window that has applied everything up to there needs no feed read.

Wiring (in the window that owns the live feed):

    bridge = LiveWakeup(wakeup_for(db), monitor, parent=window)
    bridge.wokeUp.connect(live.poll_now)         # read changes_since at once
    bridge.connectionStateChanged.connect(bar.show_connection_state)
    bridge.start(); ...; bridge.stop()           # stop() on window close
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt, QTimer, Signal, Slot

from vidtask.sync.connection import ConnectionMonitor, ConnectionState
from vidtask.sync.wakeup import Wake, WakeupSource


class LiveWakeup(QObject):
    """`wokeUp(reason)` whenever the shared database may have changed; connection state too."""

    #: Reason of the first wake-up in the coalesced burst ("notify", "data_version", ...).
    wokeUp = Signal(str)
    #: Presence rows changed: whose heartbeat ("" when the source does not know).
    presenceChanged = Signal(str)
    #: "online" / "offline" / "reconnecting"
    connectionStateChanged = Signal(str)

    # Emitted from worker threads only; queued onto the GUI thread.
    _woke_from_worker = Signal(Wake)
    _state_from_worker = Signal(str)

    def __init__(self, source: WakeupSource, monitor: ConnectionMonitor | None = None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("liveWakeup")
        self.source = source
        self.monitor = monitor
        self._pending: Wake | None = None
        self._burst_version: int | None = None
        #: Highest version of the last emitted burst (None: some wake-up did not know it).
        self.burst_version: int | None = None
        self._woke_from_worker.connect(self._on_wake, Qt.ConnectionType.QueuedConnection)
        self._state_from_worker.connect(self._on_state, Qt.ConnectionType.QueuedConnection)
        if monitor is not None:
            monitor.add_listener(self._state_changed)

    def start(self) -> None:
        self.source.start(self._woke_from_worker.emit)
        if self.monitor is not None:
            self.monitor.start()

    def stop(self) -> None:
        self.source.stop()
        if self.monitor is not None:
            self.monitor.stop()

    @property
    def connected(self) -> bool:
        return self.source.stats.connected

    def _state_changed(self, _old: ConnectionState, new: ConnectionState) -> None:
        self._state_from_worker.emit(new.value)

    @Slot(Wake)
    def _on_wake(self, wake: Wake) -> None:
        if wake.reason == "presence":
            self.presenceChanged.emit(wake.client_id or "")
            return
        if self._pending is not None:
            if self._burst_version is not None:
                self._burst_version = (None if wake.version is None
                                       else max(self._burst_version, wake.version))
            return
        self._pending = wake
        self._burst_version = wake.version
        # Let every queued wake of this burst arrive first, then emit once.
        QTimer.singleShot(0, self._flush)

    @Slot()
    def _flush(self) -> None:
        wake, self._pending = self._pending, None
        if wake is not None:
            self.burst_version = self._burst_version
            self.wokeUp.emit(wake.reason)

    @Slot(str)
    def _on_state(self, state: str) -> None:
        self.connectionStateChanged.emit(state)
