"""GUI test fixtures: offscreen Qt, a private config dir and QSettings file, windows on `world`.

Every window polls the change feed every 100 ms so refreshes show up quickly in tests.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Never touch the real user's config: identity is written through platformdirs (XDG on Linux).
os.environ["XDG_CONFIG_HOME"] = tempfile.mkdtemp(prefix="vidtask-ui-config-")

from PySide6.QtCore import QSettings
from pytestqt.qtbot import QtBot

from tests.conftest import World
from vidtask.db.engine import Database
from vidtask.services.participants import get_participant
from vidtask.services.sprints import find_sprint
from vidtask.ui.main_window import MainWindow

pytestmark = pytest.mark.gui


@pytest.fixture
def qsettings(tmp_path: Path) -> QSettings:
    return QSettings(str(tmp_path / "vidtask-ui.ini"), QSettings.Format.IniFormat)


WindowFactory = Callable[..., MainWindow]


def _discard(window: object) -> None:
    assert isinstance(window, MainWindow)
    window.discard_unsaved_on_close = True


@pytest.fixture
def make_window(qtbot: QtBot, world: World, qsettings: QSettings, db_url: str
                ) -> Iterator[WindowFactory]:
    """Open a MainWindow as LOGIN; `own_connection=True` gives it its own Database object."""
    opened: list[tuple[MainWindow, Database | None]] = []

    def make(login: str = "anna", *, own_connection: bool = False) -> MainWindow:
        db = Database(db_url) if own_connection else world.db
        window = MainWindow(db, get_participant(db, login), find_sprint(db), poll_ms=100,
                            settings=qsettings)
        qtbot.addWidget(window, before_close_func=_discard)
        window.show()
        qtbot.waitUntil(lambda: window.loaded and window.model.rowCount() > 0, timeout=10_000)
        opened.append((window, db if own_connection else None))
        return window

    yield make
    for window, own in opened:
        window.shutdown()
        if own is not None:
            own.dispose()


@pytest.fixture
def window(make_window: WindowFactory) -> MainWindow:
    return make_window("anna")
