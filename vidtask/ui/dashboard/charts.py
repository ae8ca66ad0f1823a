"""QtCharts views for the dashboard, each built once and then fed new numbers in place.

Why QtCharts: it ships with PySide6-Addons (no new dependency), draws through QPainter so it
renders offscreen, and its series accept whole new point lists (`replace`) without rebuilding the
chart, so a refresh repaints once and never flickers. Animations are off: they cost frames and
make a live number look as if it were still moving.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from PySide6.QtCharts import (
    QAbstractBarSeries,
    QBarCategoryAxis,
    QBarSet,
    QCategoryAxis,
    QChart,
    QChartView,
    QHorizontalBarSeries,
    QLineSeries,
    QValueAxis,
)
from PySide6.QtCore import QMargins, QPointF, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPen
from PySide6.QtWidgets import QWidget

from vidtask.domain.dates import format_day
from vidtask.services.dashboard import BurnUp

ASSESSED = QColor("#2a6fdb")
CONFIRMED = QColor("#1e9e5a")
TOTAL = QColor("#8a8a8a")
END = QColor("#c0392b")
HELD = QColor("#e08e0b")


def _chart(title: str) -> QChart:
    chart = QChart()
    chart.setTitle(title)
    font = QFont(chart.titleFont())
    font.setBold(True)
    font.setPointSizeF(max(font.pointSizeF(), 10.0))
    chart.setTitleFont(font)
    chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
    chart.setMargins(QMargins(4, 4, 4, 4))
    chart.layout().setContentsMargins(0, 0, 0, 0)
    chart.setBackgroundRoundness(0)
    return chart


def _view(chart: QChart, name: str, parent: QWidget | None) -> QChartView:
    view = QChartView(chart, parent)
    view.setRenderHint(QPainter.RenderHint.Antialiasing)
    view.setObjectName(name)
    view.setAccessibleName(chart.title())
    view.setMinimumHeight(240)
    return view


def _scale(axis: QValueAxis, top: float) -> None:
    """Whole-number ticks for small counts, Qt's "nice numbers" for larger ones."""
    if top < 8:
        upper = max(int(top) + 1, 4)
        axis.setRange(0, upper)
        axis.setTickCount(upper + 1)
    else:
        axis.setRange(0, top * 1.08)
        axis.applyNiceNumbers()


class BurnUpChart:
    """Assessed and confirmed series per sprint day against the total, end date marked."""

    def __init__(self, parent: QWidget | None = None) -> None:
        self.chart = _chart("Burn-up: series assessed and confirmed")
        self.assessed, self.confirmed, self.total, self.end = (
            QLineSeries(), QLineSeries(), QLineSeries(), QLineSeries())
        self.assessed.setName("assessed")
        self.confirmed.setName("confirmed")
        for series, colour, width, style in (
                (self.total, TOTAL, 1.5, Qt.PenStyle.DashLine),
                (self.assessed, ASSESSED, 2.5, Qt.PenStyle.SolidLine),
                (self.confirmed, CONFIRMED, 2.5, Qt.PenStyle.SolidLine),
                (self.end, END, 1.5, Qt.PenStyle.DashDotLine)):
            pen = QPen(colour)
            pen.setWidthF(width)
            pen.setStyle(style)
            series.setPen(pen)
            self.chart.addSeries(series)
        for series in (self.assessed, self.confirmed):
            series.setPointsVisible(True)
        # Day numbers on a category axis: one labelled tick per day (or every few days), dated.
        self.x_axis = QCategoryAxis()
        self.x_axis.setLabelsPosition(QCategoryAxis.AxisLabelsPosition.AxisLabelsPositionOnValue)
        self._x_span: tuple[object, object] | None = None
        self.y_axis = QValueAxis()
        self.y_axis.setLabelFormat("%d")
        self.chart.addAxis(self.x_axis, Qt.AlignmentFlag.AlignBottom)
        self.chart.addAxis(self.y_axis, Qt.AlignmentFlag.AlignLeft)
        for series in (self.total, self.assessed, self.confirmed, self.end):
            series.attachAxis(self.x_axis)
            series.attachAxis(self.y_axis)
        self.chart.legend().setAlignment(Qt.AlignmentFlag.AlignTop)
        self.view = _view(self.chart, "dashboardBurnUpChart", parent)

    def update(self, burn_up: BurnUp) -> None:
        span = max((burn_up.ends_on - burn_up.starts_on).days, 1)
        _scale(self.y_axis, burn_up.total)
        top = self.y_axis.max()

        def x(day: object) -> float:
            return float((day - burn_up.starts_on).days)  # type: ignore[operator]

        self.assessed.replace([QPointF(x(d.day), d.assessed) for d in burn_up.days])
        self.confirmed.replace([QPointF(x(d.day), d.confirmed) for d in burn_up.days])
        self.total.replace([QPointF(0, burn_up.total), QPointF(span, burn_up.total)])
        self.end.replace([QPointF(span, 0), QPointF(span, top)])
        self.end.setName(f"sprint end {format_day(burn_up.ends_on)}")
        self.total.setName(f"all series ({burn_up.total})")
        if self._x_span != (burn_up.starts_on, burn_up.ends_on):
            self._x_span = (burn_up.starts_on, burn_up.ends_on)
            for label in self.x_axis.categoriesLabels():
                self.x_axis.remove(label)
            step = 1 if span <= 10 else 2 if span <= 20 else max(span // 10, 1)
            for offset in range(0, span + 1, step):
                self.x_axis.append(format_day(burn_up.starts_on + timedelta(days=offset)),
                                   float(offset))
            self.x_axis.setStartValue(0)
        self.x_axis.setRange(-0.3, span + 0.3)


class HorizontalBars:
    """One bar per category, biggest on top; values and categories replaced in place."""

    def __init__(self, title: str, set_name: str, colour: QColor, name: str,
                 parent: QWidget | None = None, *, limit: int = 15) -> None:
        self.limit = limit
        self.title = title
        self.chart = _chart(title)
        self.bars = QBarSet(set_name)
        self.bars.setColor(colour)
        self.bars.setBorderColor(colour)
        self.series = QHorizontalBarSeries()
        self.series.append(self.bars)
        self.series.setLabelsVisible(True)
        self.series.setLabelsPosition(QAbstractBarSeries.LabelsPosition.LabelsInsideEnd)
        self.series.setBarWidth(0.75)
        self.chart.addSeries(self.series)
        self.categories = QBarCategoryAxis()
        # Country and agency names are the point of these charts: never elide them to "…".
        self.categories.setTruncateLabels(False)
        self.values = QValueAxis()
        self.values.setLabelFormat("%d")
        self.chart.addAxis(self.categories, Qt.AlignmentFlag.AlignLeft)
        self.chart.addAxis(self.values, Qt.AlignmentFlag.AlignBottom)
        self.series.attachAxis(self.categories)
        self.series.attachAxis(self.values)
        self.chart.legend().setVisible(False)
        self.view = _view(self.chart, name, parent)
        self._names: list[str] = []

    def update(self, items: Sequence[tuple[str, int]]) -> None:
        shown = list(items[:self.limit])[::-1] or [("none yet", 0)]
        names = [label for label, _ in shown]
        values = [float(value) for _, value in shown]
        if names != self._names:
            self.categories.setCategories(names)
            self._names = names
        _set_values(self.bars, values)
        _scale(self.values, max(values, default=0))
        hidden = len(items) - len(shown) if items else 0
        self.chart.setTitle(self.title + (f" (top {len(shown)} of {len(items)})" if hidden > 0
                                          else ""))


class GroupedHorizontalBars(HorizontalBars):
    """Two bar sets side by side per category (e.g. proposals and claims per agency)."""

    def __init__(self, title: str, names: tuple[str, str], colours: tuple[QColor, QColor],
                 name: str, parent: QWidget | None = None, *, limit: int = 10) -> None:
        super().__init__(title, names[0], colours[0], name, parent, limit=limit)
        self.second = QBarSet(names[1])
        self.second.setColor(colours[1])
        self.second.setBorderColor(colours[1])
        self.series.append(self.second)
        self.series.setBarWidth(0.85)
        self.chart.legend().setVisible(True)
        self.chart.legend().setAlignment(Qt.AlignmentFlag.AlignTop)

    def update_pairs(self, items: Sequence[tuple[str, int, int]]) -> None:
        shown = list(items[:self.limit])
        self.update([(label, first) for label, first, _ in shown])
        seconds = [float(second) for _, _, second in shown][::-1] or [0.0]
        _set_values(self.second, seconds)
        _scale(self.values, max([*seconds, *(float(first) for _, first, _ in shown)],
                                default=0))


def _set_values(bars: QBarSet, values: list[float]) -> None:
    """Replace a bar set's values without removing it from its series (no re-layout)."""
    if bars.count() > len(values):
        bars.remove(len(values), bars.count() - len(values))
    for index, value in enumerate(values):
        if index < bars.count():
            if bars.at(index) != value:
                bars.replace(index, value)
        else:
            bars.append(value)
