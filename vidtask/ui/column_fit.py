"""Column widths from font metrics: wide enough for the longest text a column can ever show,
found without measuring rows (a board of 10,000 rows is never resized to its contents)."""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtWidgets import QAbstractItemView, QStyle, QTableView

SLACK = 4  # pixels for rounding between the font metrics and the style's own layout


def text_cell_width(view: QAbstractItemView, texts: Iterable[str], *,
                    decorated: bool = False) -> int:
    """Width a cell of `view` needs to show the widest of `texts` unelided (with a small
    decoration, e.g. a status colour, before it when `decorated`)."""
    style = view.style()
    margin = style.pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, view) + 1
    width = max(view.fontMetrics().horizontalAdvance(text) for text in texts) + 2 * margin
    if decorated:
        icon = view.iconSize().width()
        if icon <= 0:
            icon = style.pixelMetric(QStyle.PixelMetric.PM_SmallIconSize, None, view)
        width += icon + 2 * margin
    return width + SLACK


def shown_width(view: QAbstractItemView, *, columns: int) -> int:
    """Width of `view` that shows its first `columns` columns whole beside a vertical
    scroll bar (a minimum width for a view in a splitter)."""
    header = view.horizontalHeader() if isinstance(view, QTableView) else None
    sections = sum(header.sectionSize(c) for c in range(columns)) if header else 0
    scroll_bar = view.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent, None, view)
    return sections + scroll_bar + 2 * view.frameWidth()
