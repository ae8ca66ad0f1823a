"""The main window's tabs (qutebrowser's TabbedBrowser): permanent screens (board, review,
dashboard, …) that cannot be closed, and one closable tab per open series.

Signals: ``seriesOpened(int)`` / ``seriesClosed(int)`` — the set of open series changed (the
window tells the others through its presence heartbeat); ``screenShown(QWidget)`` — the tab
now showing (the action table routes to it).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QTabWidget, QWidget

from vidtask.ui.context import AppContext
from vidtask.ui.series.workspace import SeriesWorkspace


class ScreenTabs(QTabWidget):
    seriesOpened = Signal(int)
    seriesClosed = Signal(int)
    screenShown = Signal(QWidget)

    def __init__(self, ctx: AppContext, code_of: Callable[[int], str | None],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("mainTabs")
        self.setDocumentMode(True)
        self.setTabsClosable(True)
        self.ctx, self.code_of = ctx, code_of
        self.workspaces: dict[int, SeriesWorkspace] = {}
        self.tabCloseRequested.connect(self.close_tab)
        self.currentChanged.connect(lambda _i: self.screenShown.emit(self.currentWidget()))

    def add_screen(self, widget: QWidget, title: str) -> int:
        """A permanent tab: no close button."""
        index = self.addTab(widget, title)
        bar = self.tabBar()
        for side in (bar.ButtonPosition.RightSide, bar.ButtonPosition.LeftSide):
            button = bar.tabButton(index, side)
            if button is not None:
                button.resize(0, 0)
                button.hide()
        return index

    def open_series(self, series_id: int) -> SeriesWorkspace:
        workspace = self.workspaces.get(series_id)
        if workspace is None:
            workspace = SeriesWorkspace(self.ctx, series_id)
            self.workspaces[series_id] = workspace
            index = self.addTab(workspace, self.code_of(series_id) or "Series")
            workspace.titleChanged.connect(
                lambda title, w=workspace: self.setTabText(self.indexOf(w), title))
            self.seriesOpened.emit(series_id)
        else:
            index = self.indexOf(workspace)
        self.setCurrentIndex(index)
        return workspace

    def current_workspace(self) -> SeriesWorkspace | None:
        widget = self.currentWidget()
        return widget if isinstance(widget, SeriesWorkspace) else None

    def close_tab(self, index: int) -> bool:
        """Series tabs close (asking before unsaved edits are lost); screens stay."""
        widget = self.widget(index)
        if not isinstance(widget, SeriesWorkspace):
            return False
        if not widget.confirm_discard("Close the series"):
            return False
        self.removeTab(index)
        self.workspaces.pop(widget.series_id, None)
        widget.deleteLater()
        self.seriesClosed.emit(widget.series_id)
        return True

    def close_current(self) -> None:
        self.close_tab(self.currentIndex())

    def step(self, step: int) -> None:
        self.setCurrentIndex((self.currentIndex() + step) % self.count())
