"""GUI test fixtures: offscreen Qt, a private config dir and QSettings file, windows on `world`.

Every window polls the change feed every 100 ms so refreshes show up quickly in tests, unless a
test passes `poll_ms` (the wake-up tests use a slow backstop to prove the wake-up path works).
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
# … nor the real user's outbox (windows get a per-test one; this catches any other).
os.environ["XDG_DATA_HOME"] = tempfile.mkdtemp(prefix="vidtask-ui-data-")

from PySide6.QtCore import QSettings
from pytestqt.qtbot import QtBot

from tests.conftest import World

# PostgreSQL rooms of personal logins, for the windows' who-is-who tests (one definition here)
from tests.db.security.conftest import pg_only, room, room_logins  # noqa: F401
from tests.ui.find import board
from vidtask.db.engine import Database
from vidtask.services.participants import get_participant
from vidtask.services.sprints import find_sprint
from vidtask.ui.context import AppContext
from vidtask.ui.main_window import MainWindow
from vidtask.ui.operations import running_calls

pytestmark = pytest.mark.gui


class Decisions:
    """Answers the screens' "are you sure?" boxes (a modal box would block a test) and keeps
    every question asked; set `answer = False` to press Cancel."""

    def __init__(self) -> None:
        self.asked: list[tuple[str, str, str]] = []  # (title, question, action button)
        self.answer = True

    def __call__(self, _parent: object, title: str, question: str, action: str) -> bool:
        self.asked.append((title, question, action))
        return self.answer


@pytest.fixture(autouse=True)
def decisions() -> Iterator[Decisions]:
    from vidtask.ui import decisions as module

    recorder = Decisions()
    module.answer_with(recorder)
    yield recorder
    module.answer_with(None)


@pytest.fixture
def qsettings(tmp_path: Path) -> QSettings:
    return QSettings(str(tmp_path / "vidtask-ui.ini"), QSettings.Format.IniFormat)


WindowFactory = Callable[..., MainWindow]


def _discard(window: object) -> None:
    assert isinstance(window, MainWindow)
    window.discard_unsaved_on_close = True


@pytest.fixture
def outbox_path(tmp_path: Path) -> Path:
    """This test's outbox: every window of one test shares it, like windows on one computer."""
    return tmp_path / "outbox.sqlite3"


@pytest.fixture
def make_window(qtbot: QtBot, world: World, qsettings: QSettings, db_url: str,
                outbox_path: Path) -> Iterator[WindowFactory]:
    """Open a MainWindow as LOGIN; `own_connection=True` gives it its own Database object,
    `db=` a given one (e.g. through a TCP proxy)."""
    opened: list[tuple[MainWindow, Database | None]] = []

    def make(login: str = "anna", *, own_connection: bool = False,
             poll_ms: int = 100, db: Database | None = None) -> MainWindow:
        if db is None:
            db = Database(db_url) if own_connection else world.db
        window = MainWindow(db, get_participant(db, login), find_sprint(db), poll_ms=poll_ms,
                            settings=qsettings, outbox_path=outbox_path)
        qtbot.addWidget(window, before_close_func=_discard)
        window.show()
        qtbot.waitUntil(lambda: window.loaded and board(window).rowCount() > 0, timeout=10_000)
        opened.append((window, db if own_connection else None))
        return window

    yield make
    for window, _own in opened:
        window.shutdown()  # waits for the window's calls
    qtbot.waitUntil(lambda: running_calls() == 0, timeout=20_000)
    for _window, own in opened:
        if own is not None:
            own.dispose()


@pytest.fixture
def window(make_window: WindowFactory) -> MainWindow:
    return make_window("anna")


@pytest.fixture
def make_ctx(qtbot: QtBot, world: World) -> Iterator[Callable[[str], AppContext]]:
    """A window context without a window, for one screen or dialog tested on its own."""
    made: list[AppContext] = []

    def make(login: str) -> AppContext:
        ctx = AppContext(world.db, get_participant(world.db, login), find_sprint(world.db))
        made.append(ctx)
        return ctx

    yield make
    for ctx in made:
        ctx.close(20_000)
    qtbot.waitUntil(lambda: running_calls() == 0, timeout=20_000)
