"""RowsModel: what a view reads per cell, and when a refresh resets versus updates in place."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from pytestqt.qtbot import QtBot

from vidtask.ui.rows_model import Column, RowsModel

RED = QColor("#c0392b")


@dataclass(frozen=True)
class Thing:
    id: int
    name: str
    count: int
    note: str = ""


def _model(**options: Any) -> RowsModel[Thing]:
    columns: list[Column[Thing]] = [
        Column("Name", lambda t: t.name, cell_tooltip=lambda t: f"thing {t.id}"),
        Column("Count", lambda t: t.count, numeric=True, tooltip="how many",
               foreground=lambda t: RED if t.count > 5 else None),
        Column("Note", lambda t: t.note),
    ]
    return RowsModel(columns, **options)


def _cell(model: RowsModel[Thing], row: int, column: int, role: Qt.ItemDataRole) -> object:
    return model.data(model.index(row, column), role)


def test_cells_tooltips_foreground_and_alignment(qtbot: QtBot) -> None:
    model = _model(tooltip=lambda t: t.note or None)
    model.set_rows([Thing(1, "a", 9, "long note"), Thing(2, "b", 1)])
    tip, fg = Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.ForegroundRole
    assert model.display_rows() == [("a", 9, "long note"), ("b", 1, "")]
    assert _cell(model, 0, 0, tip) == "thing 1"  # the column's own tooltip wins
    assert _cell(model, 0, 2, tip) == "long note"  # then the row's
    assert _cell(model, 1, 2, tip) is None
    assert _cell(model, 0, 1, fg) == RED and _cell(model, 1, 1, fg) is None
    assert _cell(model, 0, 1, Qt.ItemDataRole.TextAlignmentRole) == int(
        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    assert _cell(model, 0, 0, Qt.ItemDataRole.TextAlignmentRole) is None
    assert model.headerData(1, Qt.Orientation.Horizontal, tip) == "how many"
    assert model.row(1).name == "b"


def test_text_tips_repeat_the_cell_text(qtbot: QtBot) -> None:
    model = _model(text_tips=True)
    model.set_rows([Thing(1, "a", 2, "clipped text")])
    assert _cell(model, 0, 2, Qt.ItemDataRole.ToolTipRole) == "clipped text"


def test_keyed_refresh_updates_in_place_and_unkeyed_resets(qtbot: QtBot) -> None:
    keyed, plain = _model(key=lambda t: t.id), _model()
    for model in (keyed, plain):
        model.set_rows([Thing(1, "a", 1), Thing(2, "b", 1)])
    resets: list[str] = []
    changed: list[tuple[int, int]] = []
    keyed.modelReset.connect(lambda: resets.append("keyed"))
    plain.modelReset.connect(lambda: resets.append("plain"))
    keyed.dataChanged.connect(lambda top, bottom: changed.append((top.row(), bottom.row())))
    for model in (keyed, plain):
        model.set_rows([Thing(1, "a", 1), Thing(2, "b", 7)])
    assert resets == ["plain"]
    assert changed == [(1, 1)]  # only the row whose foreground and count moved
    keyed.set_rows([Thing(2, "b", 7)])
    assert resets == ["plain", "keyed"]
