"""What a person can ask the window to do (`Command`), and how a screen says it can do it.

A screen — a tab of the main window — implements `Screen.commands()`: the commands it can
handle right now, each with its handler. The window's action table (`vidtask.ui.window.actions`)
routes every menu entry and shortcut to the screen showing, through this protocol only.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from enum import Enum, auto
from typing import Protocol, runtime_checkable

Handler = Callable[[], object]


class Command(Enum):
    REFRESH = auto()
    IMPORT = auto()
    EXPORT_PACKETS = auto()
    EXPORT_REPORT = auto()
    SPRINT_SETTINGS = auto()
    CONNECT = auto()
    SWITCH_PERSON = auto()
    SIGN_OUT = auto()
    QUIT = auto()
    OPEN = auto()
    CLAIM = auto()
    CLAIM_NEXT = auto()
    RELEASE = auto()
    EXTEND = auto()
    FORCE_RELEASE = auto()
    RECORD_FEEDBACK = auto()
    CONFIRM = auto()
    SEND_BACK = auto()
    ELIMINATE = auto()
    SAVE_CLUE = auto()
    NEW_CLUE = auto()
    PROPOSE = auto()
    POST_COMMENT = auto()
    CLOSE_TAB = auto()
    SHOW_BOARD = auto()
    FILTER = auto()
    CLEAR_FILTERS = auto()
    ONLY_MINE = auto()
    ONLY_UNCLAIMED = auto()
    MY_SERIES = auto()
    NEXT_TAB = auto()
    PREVIOUS_TAB = auto()
    SHOW_REVIEW = auto()
    SHOW_DASHBOARD = auto()
    SHOW_DISSEMINATION = auto()
    SHOW_APPEALS = auto()
    SHOW_TIPS = auto()
    NEW_APPEAL = auto()
    APPROVE_APPEAL = auto()
    PUBLISH_APPEALS = auto()
    WITHDRAW_APPEAL = auto()
    IMPORT_TIPS = auto()
    RECORD_TIP = auto()
    MAKE_CLUE = auto()
    TRIAGE_RELEVANT = auto()
    TRIAGE_NOT_RELEVANT = auto()
    TRIAGE_DUPLICATE = auto()
    TRIAGE_DEVELOPED = auto()
    TRIAGE_DISSEMINATED = auto()
    TRIAGE_NEW = auto()
    USER_GUIDE = auto()
    ABOUT = auto()


@runtime_checkable
class Screen(Protocol):
    """A tab of the main window that handles some commands while it is showing."""

    def commands(self) -> Mapping[Command, Handler]: ...
