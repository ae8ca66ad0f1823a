"""Every menu entry and shortcut of the main window, declared in one table (`ACTIONS`).

An action names a `Command`. Triggering it asks the current screen first — a screen is any
tab widget with a `commands()` method (the `Screen` protocol) returning the commands it can
do right now — then the window's own handlers. An action is enabled only while someone can
handle it, so one key can mean one thing per screen (Ctrl+Return posts a comment in a series
tab and confirms in the review queue) and a key never reaches a screen that did not ask for
it (issue 18: Ctrl+E "Extend lease" used to eliminate a series on the review tab).

Adding a screen: give it `commands()` (`vidtask.ui.commands`), add its `Command`s there and its
`ActionSpec`s here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMenu, QWidget

from vidtask.domain.permissions import Action
from vidtask.ui.commands import Command, Handler, Screen


@dataclass(frozen=True, slots=True)
class ActionSpec:
    command: Command
    name: str  # objectName: tests and scripts find the action by it
    menu: str
    text: str
    shortcut: str | QKeySequence.StandardKey
    #: Shown only to roles that may do this.
    permission: Action | None = None
    #: Actions of one group sit together; a separator goes between groups of a menu.
    group: int = 0


S = ActionSpec
C = Command
ACTIONS: tuple[ActionSpec, ...] = (
    S(C.REFRESH, "actRefresh", "&File", "&Refresh now", "F5"),
    S(C.IMPORT, "actImport", "&File", "&Import series…", "Ctrl+I", Action.IMPORT_SERIES, 1),
    S(C.EXPORT_PACKETS, "actExportPackets", "&File", "&Export packets…", "Ctrl+Shift+X",
      Action.EXPORT_PACKETS, 1),
    S(C.EXPORT_REPORT, "actExportReport", "&File", "Export sprint &report (PDF)…",
      "Ctrl+Shift+E", group=1),
    S(C.SPRINT_SETTINGS, "actSprintSettings", "&File", "Sprint &settings…", "Ctrl+Shift+G",
      Action.EDIT_SPRINT, 1),
    S(C.CONNECT, "actConnect", "&File", "&Connect to database…", "Ctrl+Shift+D", group=2),
    S(C.SWITCH_PERSON, "actSwitchPerson", "&File", "S&witch person…", "Ctrl+Shift+P", group=2),
    S(C.SIGN_OUT, "actSignOut", "&File", "Sign &out", "Ctrl+Shift+L", group=2),
    S(C.QUIT, "actQuit", "&File", "&Quit", "Ctrl+Q", group=3),
    S(C.OPEN, "actOpen", "&Series", "&Open selected series", "Ctrl+O"),
    S(C.CLAIM, "actClaim", "&Series", "&Claim", "Ctrl+K"),
    S(C.CLAIM_NEXT, "actClaimNext", "&Series", "Claim &next free series", "Ctrl+Shift+K"),
    S(C.RELEASE, "actRelease", "&Series", "&Release", "Ctrl+Shift+R"),
    S(C.EXTEND, "actExtend", "&Series", "&Extend lease", "Ctrl+E"),
    S(C.FORCE_RELEASE, "actForceRelease", "&Series", "&Force release (reason)…", "Ctrl+Alt+R",
      Action.FORCE_RELEASE),
    S(C.RECORD_FEEDBACK, "actRecordFeedback", "&Series", "Record country &feedback…",
      "Ctrl+Shift+B", Action.RECORD_FEEDBACK, 1),
    S(C.CONFIRM, "actConfirm", "&Series", "Con&firm for the checked countries", "Ctrl+Return",
      Action.CONFIRM, 2),
    S(C.SEND_BACK, "actSendBack", "&Series", "Send &back with the comment", "Ctrl+B",
      Action.CONFIRM, 2),
    S(C.ELIMINATE, "actEliminate", "&Series", "Eliminate with the reason", "Ctrl+Alt+E",
      Action.CONFIRM, 2),
    S(C.SAVE_CLUE, "actSaveClue", "&Workspace", "&Save clue", "Ctrl+S"),
    S(C.NEW_CLUE, "actNewClue", "&Workspace", "&New clue", "Ctrl+N"),
    S(C.PROPOSE, "actPropose", "&Workspace", "&Propose for confirmation", "Ctrl+P"),
    S(C.POST_COMMENT, "actPostComment", "&Workspace", "Post &comment", "Ctrl+Return"),
    S(C.CLOSE_TAB, "actCloseTab", "&Workspace", "Close &tab", "Ctrl+W"),
    S(C.SHOW_BOARD, "actShowBoard", "&View", "&Board", "Ctrl+1"),
    S(C.FILTER, "actFilter", "&View", "&Filter the board", "Ctrl+F"),
    S(C.CLEAR_FILTERS, "actClearFilters", "&View", "C&lear filters", "Ctrl+Shift+F"),
    S(C.ONLY_MINE, "actMine", "&View", "Only &mine", "Alt+M"),
    S(C.ONLY_UNCLAIMED, "actUnclaimed", "&View", "Only &unclaimed", "Alt+U"),
    S(C.MY_SERIES, "actMySeries", "&View", "My &series panel", "Ctrl+M"),
    S(C.NEXT_TAB, "actNextTab", "&View", "Ne&xt tab", "Ctrl+PgDown"),
    S(C.PREVIOUS_TAB, "actPrevTab", "&View", "Pre&vious tab", "Ctrl+PgUp"),
    S(C.SHOW_REVIEW, "actShowReview", "&View", "Review", "Ctrl+2", Action.CONFIRM, 1),
    S(C.SHOW_DISSEMINATION, "actShowDissemination", "&View", "&Dissemination list", "Ctrl+4",
      Action.CONFIRM, 1),
    S(C.SHOW_DASHBOARD, "actShowDashboard", "&View", "Dashboard", "Ctrl+3", group=1),
    S(C.SHOW_APPEALS, "actShowAppeals", "&View", "Trace an &Object", "Ctrl+5", group=1),
    S(C.SHOW_TIPS, "actShowTips", "&View", "&Tip inbox", "Ctrl+6", group=1),
    # Trace an Object: the appeals screen's steps, then the tip inbox's
    S(C.NEW_APPEAL, "actNewAppeal", "&Appeals", "&New appeal object…", "Ctrl+Shift+N",
      Action.DRAFT_APPEAL),
    S(C.APPROVE_APPEAL, "actApproveAppeal", "&Appeals", "&Approve (four-eyes)", "Ctrl+Shift+A",
      Action.APPROVE_APPEAL),
    S(C.PUBLISH_APPEALS, "actPublishAppeals", "&Appeals", "&Publish the public pages…",
      "Ctrl+Shift+P", Action.PUBLISH_APPEALS),
    S(C.WITHDRAW_APPEAL, "actWithdrawAppeal", "&Appeals", "&Withdraw…", "Ctrl+Shift+W",
      Action.PUBLISH_APPEALS),
    S(C.IMPORT_TIPS, "actImportTips", "&Appeals", "&Import tips…", "Ctrl+Shift+T",
      Action.IMPORT_TIPS, 1),
    S(C.RECORD_TIP, "actRecordTip", "&Appeals", "&Record a tip…", "Ctrl+T", Action.RECORD_TIP,
      1),
    S(C.MAKE_CLUE, "actMakeClue", "&Appeals", "Make a &clue from the tip", "Ctrl+L", group=1),
    # keyboard triage: plain keys, only while the tip inbox shows (a text field keeps its keys)
    S(C.TRIAGE_RELEVANT, "actTipRelevant", "&Appeals", "Tip is relevant", "R", group=2),
    S(C.TRIAGE_NOT_RELEVANT, "actTipNotRelevant", "&Appeals", "Tip is not relevant", "N",
      group=2),
    S(C.TRIAGE_DUPLICATE, "actTipDuplicate", "&Appeals", "Tip is a duplicate", "D", group=2),
    S(C.TRIAGE_DEVELOPED, "actTipDeveloped", "&Appeals", "Tip is developed", "V", group=2),
    S(C.TRIAGE_DISSEMINATED, "actTipDisseminated", "&Appeals", "Tip is disseminated", "S",
      group=2),
    S(C.TRIAGE_NEW, "actTipNew", "&Appeals", "Tip back to new", "U", group=2),
    S(C.USER_GUIDE, "actUserGuide", "&Help", "&User guide", "F1"),
    S(C.ABOUT, "actAbout", "&Help", "&About vidtask", "Ctrl+F1"),
)
del S, C


class ActionTable:
    """The table made into menus and QActions of `window`, routed to the current screen."""

    def __init__(self, window: QMainWindow, may: Callable[[Action], bool],
                 handlers: Mapping[Command, Handler],
                 specs: tuple[ActionSpec, ...] = ACTIONS) -> None:
        self.window = window
        self.handlers = dict(handlers)
        self.actions: dict[Command, QAction] = {}
        self.specs = specs
        self._screen: QWidget | None = None
        menus: dict[str, tuple[QMenu, int]] = {}
        for spec in specs:
            allowed = spec.permission is None or may(spec.permission)
            if not allowed:
                continue  # hidden from this role entirely: no shortcut either
            if spec.menu not in menus:
                menus[spec.menu] = (window.menuBar().addMenu(spec.menu), spec.group)
            menu, group = menus[spec.menu]
            if spec.group != group:
                menu.addSeparator()
                menus[spec.menu] = (menu, spec.group)
            action = QAction(spec.text, window)
            action.setObjectName(spec.name)
            action.setShortcut(QKeySequence(spec.shortcut))
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            action.triggered.connect(lambda _checked=False, c=spec.command: self.trigger(c))
            menu.addAction(action)
            window.addAction(action)
            self.actions[spec.command] = action
        self.refresh()

    def action(self, command: Command) -> QAction | None:
        return self.actions.get(command)

    def set_screen(self, screen: QWidget | None) -> None:
        """The tab now showing."""
        self._screen = screen
        self.refresh()

    def _screen_commands(self) -> Mapping[Command, Handler]:
        screen = self._screen
        return screen.commands() if isinstance(screen, Screen) else {}

    def handler(self, command: Command) -> Handler | None:
        return self._screen_commands().get(command) or self.handlers.get(command)

    def refresh(self) -> None:
        """Enable what the current screen or the window can do now."""
        available = set(self._screen_commands()) | set(self.handlers)
        for command, action in self.actions.items():
            action.setEnabled(command in available)

    def trigger(self, command: Command) -> None:
        handler = self.handler(command)
        if handler is not None:
            handler()
