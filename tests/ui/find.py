"""Find what a person sees by its objectName (the names README lists), never by attribute path.

`child(root, QPushButton, "claimButton")` fails with the name when it is missing, so a renamed
widget breaks one obvious line. The screens' own state (a workspace's loaded detail, the board
model's rows) is read from the widget found this way.
"""

from __future__ import annotations

from typing import TypeVar

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QLabel, QTableView, QWidget

from vidtask.services.series import SeriesRow
from vidtask.ui.board.model import SeriesBoardModel
from vidtask.ui.series.assessment import AssessmentPanel
from vidtask.ui.series.clue_editor import ClueEditor
from vidtask.ui.series.workspace import SeriesWorkspace

W = TypeVar("W", bound=QObject)


def child(root: QObject, kind: type[W], name: str) -> W:
    found = root.findChild(kind, name)
    assert found is not None, f"no {kind.__name__} named {name!r}"
    return found


def action(window: QWidget, name: str) -> QAction:
    return child(window, QAction, name)


def trigger(window: QWidget, name: str) -> None:
    found = action(window, name)
    assert found.isEnabled(), f"{name} is disabled"
    found.trigger()


def board(window: QWidget) -> SeriesBoardModel:
    model = child(window, QTableView, "seriesBoard").model()
    assert isinstance(model, SeriesBoardModel)
    return model


def row(window: QWidget, series_id: int) -> SeriesRow:
    found = board(window).series(series_id)
    assert found is not None, f"series {series_id} is not on the board"
    return found


def codes(window: QWidget) -> list[str]:
    return [r.code for r in board(window).visible_rows()]


def select(window: QWidget, series_id: int) -> None:
    model, table = board(window), child(window, QTableView, "seriesBoard")
    at = model.row_of(series_id)
    assert at is not None, f"series {series_id} is not visible"
    table.selectRow(at)


def workspace(window: QWidget, series_id: int) -> SeriesWorkspace | None:
    return window.findChild(SeriesWorkspace, f"seriesWorkspace_{series_id}")


def clue_editor(root: QObject) -> ClueEditor:
    """A workspace's clue editor (its state: `clue`, `dirty`, `read_only`)."""
    return child(root, ClueEditor, "clueEditor")


def assessment(root: QObject) -> AssessmentPanel:
    """A workspace's assessment panel (its state: `candidates()`)."""
    return child(root, AssessmentPanel, "assessmentPanel")


def text(root: QObject, name: str) -> str:
    return child(root, QLabel, name).text()


def notice(window: QWidget) -> str:
    """The status bar's message (kept until dismissed)."""
    return text(window, "noticeText")
