"""The Qt binding itself must not corrupt Python's reference counts.

PySide6 6.12.0 dropped a reference to True/False on every emit of a Signal(bool): a window
crashed ("bool_dealloc") after a few hundred checkbox toggles. pyproject pins it out; this test
fails if a future binding brings such a bug back.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QCheckBox
from pytestqt.qtbot import QtBot


class _Emitter(QObject):
    flag = Signal(bool)
    value = Signal(object)


def test_bool_and_object_signals_keep_reference_counts(qtbot: QtBot) -> None:
    emitter = _Emitter()
    received: list[object] = []
    emitter.flag.connect(received.append)
    emitter.value.connect(received.append)
    before = sys.getrefcount(True), sys.getrefcount(None)
    for _ in range(20):
        emitter.flag.emit(True)
        emitter.value.emit(None)
    received.clear()
    assert (sys.getrefcount(True), sys.getrefcount(None)) == before


def test_toggling_a_checkbox_many_times_is_safe(qtbot: QtBot) -> None:
    box = QCheckBox("H2 override")
    qtbot.addWidget(box)
    toggles: list[bool] = []
    box.toggled.connect(toggles.append)
    before = sys.getrefcount(True)
    for _ in range(20):
        box.toggle()
    assert len(toggles) == 20
    toggles.clear()
    assert abs(sys.getrefcount(True) - before) <= 1
