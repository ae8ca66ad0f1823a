"""The tip inbox's count tables: tips per object (`tipsPerObject`) and per suggested country
(`tipsPerCountry`), each a small two-column table beside the list."""

from __future__ import annotations

from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView

from vidtask.domain.countries_basic import country_label
from vidtask.ui.appeals.tips_model import NO_COUNTRY, TipsModel
from vidtask.ui.naming import named
from vidtask.ui.rows_model import Column, RowsModel

COUNT_COLUMNS: list[Column[tuple[str, int]]] = [
    Column("", lambda kv: kv[0]), Column("Tips", lambda kv: kv[1], numeric=True)]


def counts_view(name: str, accessible: str) -> tuple[QTableView, RowsModel[tuple[str, int]]]:
    model: RowsModel[tuple[str, int]] = RowsModel(COUNT_COLUMNS)
    view = named(QTableView(), name, accessible)
    view.setModel(model)
    view.verticalHeader().hide()
    view.verticalHeader().setDefaultSectionSize(22)
    header = view.horizontalHeader()
    header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
    header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)  # a few rows
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setMinimumWidth(200)
    view.setMaximumWidth(300)
    return view, model


def country_counts(model: TipsModel) -> list[tuple[str, int]]:
    """Tips per suggested country, each country in words."""
    return [(f"{code} {country_label(code)}" if code != NO_COUNTRY else "no country named", n)
            for code, n in model.counts("country")]
