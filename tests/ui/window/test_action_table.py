"""The action table: menus from one declaration, each action routed to the screen showing,
enabled only while someone handles it, hidden from roles that may not use it."""

from __future__ import annotations

from collections.abc import Mapping

import pytest
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMainWindow, QWidget
from pytestqt.qtbot import QtBot

from vidtask.domain.permissions import Action
from vidtask.ui.commands import Command, Handler
from vidtask.ui.window.actions import ACTIONS, ActionSpec, ActionTable

pytestmark = pytest.mark.gui


class Pane(QWidget):
    def __init__(self) -> None:
        super().__init__()
        self.done: list[str] = []

    def commands(self) -> Mapping[Command, Handler]:
        return {Command.EXTEND: lambda: self.done.append("extend")}


def test_actions_reach_the_current_screen_only(qtbot: QtBot) -> None:
    window = QMainWindow()
    qtbot.addWidget(window)
    quits: list[int] = []
    table = ActionTable(window, lambda _a: False, {Command.QUIT: lambda: quits.append(1)})
    pane, other = Pane(), QWidget()
    extend = window.findChild(QAction, "actExtend")
    assert extend is not None and not extend.isEnabled()
    table.set_screen(pane)
    assert extend.isEnabled()
    extend.trigger()
    assert pane.done == ["extend"]
    table.set_screen(other)  # a screen that extends nothing: the key does nothing there
    assert not extend.isEnabled()
    table.trigger(Command.EXTEND)
    assert pane.done == ["extend"]
    table.trigger(Command.QUIT)  # the window's own commands work on every screen
    assert quits == [1]
    assert window.findChild(QAction, "actImport") is None  # a specialist is not offered it


def test_the_table_names_every_action_once_with_a_shortcut() -> None:
    names = [spec.name for spec in ACTIONS]
    assert len(names) == len(set(names))
    assert all(isinstance(spec, ActionSpec) and spec.shortcut for spec in ACTIONS)
    shortcut_of = {spec.name: spec.shortcut for spec in ACTIONS}
    assert shortcut_of["actExtend"] == "Ctrl+E" and shortcut_of["actEliminate"] != "Ctrl+E"
    assert {s.command for s in ACTIONS if s.permission is Action.CONFIRM} >= {
        Command.CONFIRM, Command.SEND_BACK, Command.ELIMINATE}
