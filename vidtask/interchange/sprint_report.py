"""The end-of-sprint summary as a PDF for the press office and the participating agencies.

Takes plain figures (built by `vidtask.services.report`) and lays them out with reportlab: headline
numbers, a burn-up chart, the countries (a chart of the first 15, a table of any others: nothing
is shown twice) and the agencies. It is given nothing operational (no series identifiers, no
clues, no victim details), so it cannot print any. Every page says "page N of M" and the date
the figures were taken. DejaVu Sans is embedded so that every country and agency name prints in
its own script. Output is byte-identical for identical figures (`invariant=1`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import IO, Any

from reportlab.graphics.charts.barcharts import HorizontalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.charts.lineplots import LinePlot
from reportlab.graphics.shapes import Drawing, Line, String
from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import (
    CondPageBreak,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from vidtask.domain.dates import format_date
from vidtask.domain.resources import resource_path
from vidtask.interchange.pdf_pages import counting_canvas

FONT = "DejaVuSans"
FONT_BOLD = "DejaVuSans-Bold"
ASSESSED_COLOUR = colors.HexColor("#2a6fdb")
CONFIRMED_COLOUR = colors.HexColor("#1e9e5a")
TOTAL_COLOUR = colors.HexColor("#888888")
END_COLOUR = colors.HexColor("#c0392b")
GRID = colors.HexColor("#dddddd")
COUNTRIES_CHARTED = 15


@dataclass(frozen=True, slots=True)
class AgencyLine:
    agency: str
    country: str
    participants: int
    series_assessed: int
    clues_recorded: int


@dataclass(frozen=True, slots=True)
class SprintReportData:
    """Only publishable aggregates: the renderer can print nothing else."""

    sprint_name: str
    starts_on: date
    ends_on: date
    issuing_unit: str
    organiser: str
    generated_on: date
    headline: tuple[tuple[str, int], ...]
    series_total: int
    burn_up: tuple[tuple[date, int, int], ...]  # day, assessed so far, confirmed so far
    countries: tuple[tuple[str, int], ...]  # country name, series confirmed
    agencies: tuple[AgencyLine, ...]
    participants_total: int
    #: Trace an Object: (label, figure) rows, and tips per public object ID ("G19")
    appeal: tuple[tuple[str, int], ...] = ()
    tips_per_object: tuple[tuple[str, int], ...] = ()


def register_fonts() -> None:
    """Embed DejaVu Sans (vendored in resources/fonts); idempotent."""
    if FONT in pdfmetrics.getRegisteredFontNames():
        return
    pdfmetrics.registerFont(TTFont(FONT, str(resource_path("fonts", "DejaVuSans.ttf"))))
    pdfmetrics.registerFont(TTFont(FONT_BOLD, str(resource_path("fonts", "DejaVuSans-Bold.ttf"))))
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=FONT_BOLD, italic=FONT,
                                  boldItalic=FONT_BOLD)


def _styles() -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("body", fontName=FONT, fontSize=9.5, leading=13, alignment=TA_LEFT)
    return {
        "title": ParagraphStyle("title", parent=base, fontName=FONT_BOLD, fontSize=18,
                                leading=23),
        "sub": ParagraphStyle("sub", parent=base, textColor=colors.HexColor("#444444")),
        "h2": ParagraphStyle("h2", parent=base, fontName=FONT_BOLD, fontSize=12.5, leading=17,
                             spaceBefore=8, spaceAfter=4),
        "body": base,
        "cell": ParagraphStyle("cell", parent=base, fontSize=9, leading=11),
        "note": ParagraphStyle("note", parent=base, fontSize=8, leading=10,
                               textColor=colors.HexColor("#666666")),
    }


def _table(rows: list[list[Any]], widths: list[float], *, numeric_from: int = 1) -> Table:
    table = Table(rows, colWidths=widths, repeatRows=1)
    table.setStyle(TableStyle([
        ("FONT", (0, 0), (-1, -1), FONT, 9),
        ("FONT", (0, 0), (-1, 0), FONT_BOLD, 9),
        ("LINEBELOW", (0, 0), (-1, 0), 0.8, colors.black),
        ("LINEBELOW", (0, 1), (-1, -1), 0.25, GRID),
        ("ALIGN", (numeric_from, 0), (-1, -1), "RIGHT"),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 2.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
    ]))
    return table


def _headline_table(data: SprintReportData) -> Table:
    # Two figures per row, each "label  value", so the page reads like a fact sheet.
    cells: list[list[Any]] = []
    pairs = list(data.headline)
    for index in range(0, len(pairs), 2):
        row: list[Any] = []
        for label, value in pairs[index:index + 2]:
            row += [label, f"{value:,}"]
        row += [""] * (4 - len(row))
        cells.append(row)
    table = Table(cells, colWidths=[58 * mm, 22 * mm, 58 * mm, 22 * mm])
    table.setStyle(TableStyle([
        ("FONT", (0, 0), (-1, -1), FONT, 10),
        ("FONT", (1, 0), (1, -1), FONT_BOLD, 12),
        ("FONT", (3, 0), (3, -1), FONT_BOLD, 12),
        ("ALIGN", (1, 0), (1, -1), "RIGHT"),
        ("ALIGN", (3, 0), (3, -1), "RIGHT"),
        ("LINEBELOW", (0, 0), (-1, -1), 0.25, GRID),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 4),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
        ("RIGHTPADDING", (1, 0), (1, -1), 12),
    ]))
    return table


def _country_table(countries: tuple[tuple[str, int], ...], width: float) -> Table:
    """Countries in three side-by-side column pairs, read down each pair."""
    per_column = -(-len(countries) // 3)
    columns = [countries[i * per_column:(i + 1) * per_column] for i in range(3)]
    rows: list[list[str]] = [["Country", "Series"] * 3]
    for index in range(per_column):
        row: list[str] = []
        for column in columns:
            name, count = column[index] if index < len(column) else ("", None)
            row += [name, f"{count:,}" if count is not None else ""]
        rows.append(row)
    pair = width / 3
    table = _table(rows, [pair - 16 * mm, 12 * mm] * 3)
    table.setStyle(TableStyle([
        ("ALIGN", (0, 0), (-1, -1), "LEFT"),
        *[("ALIGN", (c, 0), (c, -1), "RIGHT") for c in (1, 3, 5)],
        *[("LEFTPADDING", (c, 0), (c, -1), 4 * mm) for c in (2, 4)],
    ]))
    return table


def _burn_up_chart(data: SprintReportData, width: float, height: float) -> Drawing:
    drawing = Drawing(width, height)
    plot = LinePlot()
    plot.x, plot.y = 34, 34
    plot.width, plot.height = width - 50, height - 62
    span = max((data.ends_on - data.starts_on).days, 1)

    def x(day: date) -> int:
        return (day - data.starts_on).days

    assessed = [(x(d), a) for d, a, _ in data.burn_up] or [(0, 0)]
    confirmed = [(x(d), c) for d, _, c in data.burn_up] or [(0, 0)]
    total = [(0, data.series_total), (span, data.series_total)]
    plot.data = [total, assessed, confirmed]
    for index, (colour, width_pt) in enumerate(((TOTAL_COLOUR, 1), (ASSESSED_COLOUR, 2),
                                                 (CONFIRMED_COLOUR, 2))):
        plot.lines[index].strokeColor = colour
        plot.lines[index].strokeWidth = width_pt
    plot.lines[0].strokeDashArray = (3, 2)
    plot.xValueAxis.valueMin, plot.xValueAxis.valueMax = 0, span
    step = 1 if span <= 14 else max(span // 10, 1)
    plot.xValueAxis.valueSteps = list(range(0, span + 1, step))
    plot.xValueAxis.labelTextFormat = lambda v: _day_label(data.starts_on, int(v))
    plot.xValueAxis.labels.fontName = FONT
    plot.xValueAxis.labels.fontSize = 7
    plot.xValueAxis.labels.angle = 0
    top = max(data.series_total, 4)
    plot.yValueAxis.valueMin = 0
    plot.yValueAxis.valueMax = top * 1.08
    plot.yValueAxis.valueStep = _nice_step(top)
    plot.yValueAxis.labels.fontName = FONT
    plot.yValueAxis.labels.fontSize = 7
    plot.yValueAxis.labelTextFormat = "%d"
    plot.yValueAxis.visibleGrid = True
    plot.yValueAxis.gridStrokeColor = GRID
    drawing.add(plot)
    # The end date: a red line across the plot, labelled.
    end_x = plot.x + plot.width
    drawing.add(Line(end_x, plot.y, end_x, plot.y + plot.height, strokeColor=END_COLOUR,
                     strokeWidth=1.2, strokeDashArray=(4, 2)))
    drawing.add(String(end_x - 2, plot.y + plot.height + 4, f"end {data.ends_on:%d %b}",
                       fontName=FONT, fontSize=7, fillColor=END_COLOUR, textAnchor="end"))
    legend = Legend()
    legend.x, legend.y = plot.x, height - 6
    legend.fontName, legend.fontSize = FONT, 8
    legend.alignment = "right"
    legend.columnMaximum = 1
    legend.dx, legend.dy, legend.deltax = 12, 4, 105
    legend.colorNamePairs = [(ASSESSED_COLOUR, "assessed"), (CONFIRMED_COLOUR, "confirmed"),
                             (TOTAL_COLOUR, f"all series ({data.series_total})")]
    drawing.add(legend)
    return drawing


def _nice_step(top: float) -> int:
    """A whole 1-2-5 step giving about five gridlines up to `top`."""
    raw = top / 5
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 5, 10) if raw <= m * magnitude)
    return max(int(step), 1)


def _day_label(start: date, offset: int) -> str:
    from datetime import timedelta

    return f"{start + timedelta(days=offset):%d %b}"


def _country_chart(countries: tuple[tuple[str, int], ...], width: float) -> Drawing:
    shown = list(countries[:COUNTRIES_CHARTED])[::-1]  # the chart draws bottom-up
    bar_height = 13
    height = max(len(shown), 1) * bar_height + 30
    drawing = Drawing(width, height)
    chart = HorizontalBarChart()
    chart.x, chart.y = 120, 18
    chart.width, chart.height = width - 150, height - 26
    chart.data = [[count for _, count in shown] or [0]]
    chart.categoryAxis.categoryNames = [name for name, _ in shown] or [""]
    chart.categoryAxis.labels.fontName = FONT
    chart.categoryAxis.labels.fontSize = 7.5
    chart.categoryAxis.labels.boxAnchor = "e"
    chart.categoryAxis.labels.dx = -4
    chart.valueAxis.valueMin = 0
    chart.valueAxis.labels.fontName = FONT
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.labelTextFormat = "%d"
    chart.valueAxis.visibleGrid = True
    chart.valueAxis.gridStrokeColor = GRID
    top = max((c for _, c in shown), default=1)
    chart.valueAxis.valueMax = max(top, 1) * 1.1
    chart.valueAxis.valueStep = max(1, round(top / 6))
    chart.bars[0].fillColor = CONFIRMED_COLOUR
    chart.bars[0].strokeColor = None
    chart.barLabelFormat = "%d"
    chart.barLabels.fontName = FONT
    chart.barLabels.fontSize = 7
    chart.barLabels.boxAnchor = "w"
    chart.barLabels.dx = 3
    drawing.add(chart)
    return drawing


def render_sprint_report(data: SprintReportData, out: Path | IO[bytes]) -> None:
    """Write the summary PDF to a path or a binary file object."""
    register_fonts()
    styles = _styles()
    target: Any = str(out) if isinstance(out, Path) else out
    doc = SimpleDocTemplate(target, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm,
                            topMargin=16 * mm, bottomMargin=18 * mm,
                            title=f"Sprint summary — {data.sprint_name}",
                            author=data.issuing_unit or "vidtask", subject="Sprint summary",
                            creator="vidtask", invariant=1)
    width = doc.width
    issued = " · ".join(_escape(x) for x in (data.organiser, data.issuing_unit) if x)
    people = (f"{data.participants_total} {'person' if data.participants_total == 1 else 'people'}"
              f" from {len(data.agencies)} "
              f"{'agency' if len(data.agencies) == 1 else 'agencies'} recorded work in it.")
    story: list[Any] = [
        Paragraph(f"Sprint summary — {_escape(data.sprint_name)}", styles["title"]),
        Paragraph(f"{format_date(data.starts_on)} – {format_date(data.ends_on)}"
                  + (f" · {issued}" if issued else ""), styles["sub"]),
        Paragraph(f"Figures as of {format_date(data.generated_on)}. {people}", styles["sub"]),
        Spacer(1, 6 * mm),
        Paragraph("Headline figures", styles["h2"]),
        _headline_table(data),
        Spacer(1, 4 * mm),
        KeepTogether([Paragraph("Progress over the sprint", styles["h2"]),
                      _burn_up_chart(data, width, 62 * mm),
                      Paragraph("Series assessed and confirmed by the end of each day, against "
                                "all series in the sprint; the red line marks the last day.",
                                styles["note"])]),
    ]
    if data.countries:
        charted = data.countries[:COUNTRIES_CHARTED]
        rest = data.countries[COUNTRIES_CHARTED:]
        count = len(data.countries)
        title = (f"Series with a confirmed likely country: {count} "
                 f"{'country' if count == 1 else 'countries'}"
                 + (f", the first {COUNTRIES_CHARTED} charted" if rest else ""))
        story.append(KeepTogether([Paragraph(title, styles["h2"]),
                                   _country_chart(charted, width)]))
        if rest:
            story.append(KeepTogether([
                Paragraph(f"The other {len(rest)} countries with a confirmed series",
                          styles["h2"]),
                _country_table(rest, width)]))
    if data.appeal:
        rows: list[list[Any]] = [["Trace an Object (public appeal)", ""],
                                 *[[label, f"{value:,}"] for label, value in data.appeal]]
        shown = data.tips_per_object[:COUNTRIES_CHARTED]
        if shown:
            rows += [["Tips per published object", ""],
                     *[[f"Object {public}", f"{count:,}"] for public, count in shown]]
        story += [CondPageBreak(40 * mm), Paragraph("Trace an Object", styles["h2"]),
                  _table(rows, [width - 40 * mm, 40 * mm])]
    if data.agencies:
        heading = Paragraph("Participating agencies", styles["h2"])
        table = _table([["Agency", "Country", "People", "Series proposed", "Clues recorded"],
                        *[[Paragraph(_escape(a.agency), styles["cell"]),
                           Paragraph(_escape(a.country), styles["cell"]), f"{a.participants:,}",
                           f"{a.series_assessed:,}", f"{a.clues_recorded:,}"]
                          for a in data.agencies]],
                       [width - 122 * mm, 38 * mm, 18 * mm, 32 * mm, 30 * mm], numeric_from=2)
        # the heading never ends a page: it needs room for itself and a few rows below it
        story += [CondPageBreak(40 * mm), heading, table]
    story += [Spacer(1, 5 * mm),
              Paragraph("This summary holds aggregate figures only: no case identifiers, no "
                        "investigative details and nothing about any victim. People and "
                        "agencies count those who recorded at least one action in the sprint; "
                        "media count the series somebody worked on.", styles["note"])]
    stamp = f"{_plain(data.sprint_name)} · generated {format_date(data.generated_on)}"

    def footer(canvas: Any, number: int, total: int) -> None:
        canvas.saveState()
        canvas.setFont(FONT, 7.5)
        canvas.setFillColor(colors.HexColor("#666666"))
        canvas.drawString(18 * mm, 9 * mm, stamp[:110])
        canvas.drawRightString(A4[0] - 18 * mm, 9 * mm, f"page {number} of {total}")
        canvas.restoreState()

    doc.build(story, canvasmaker=counting_canvas(footer))


def _plain(text: str) -> str:
    return "".join(ch for ch in text if ch >= " " and ch != "\x7f")


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
