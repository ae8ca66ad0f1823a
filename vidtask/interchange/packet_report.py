"""`report.pdf` of a packet: what a national officer who never saw vidtask reads first.

reportlab (pure Python, no Qt: the CLI must not load PySide6) with `invariant=1` and the
packet's export time as the PDF's date, so the same content gives the same bytes; DejaVu Sans is
embedded so every name renders the same anywhere. Words come from `domain.wording`, dates from
`domain.dates` in one fixed locale (the packet must not depend on who exported it). Every clue
is listed with its structured value in words and its effect on the recipient country.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from datetime import UTC, date, datetime
from functools import cache
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import (
    CondPageBreak,
    KeepTogether,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus.flowables import Flowable

from vidtask.domain import wording
from vidtask.domain.dates import format_date, format_datetime
from vidtask.domain.resources import resource_path
from vidtask.interchange.packet_content import (
    AuditStep,
    PacketClue,
    PacketContent,
    PacketSeries,
)
from vidtask.interchange.packet_document import FEEDBACK_REQUEST, REQUESTED_ACTION
from vidtask.interchange.packet_signing import PublicKeyInfo
from vidtask.interchange.pdf_pages import counting_canvas

FONT, BOLD = "DejaVuSans", "DejaVuSans-Bold"
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
INK = colors.HexColor("#1b2a3a")
MUTED = colors.HexColor("#5a6673")
RULE = colors.HexColor("#c5ccd3")
BAND = colors.HexColor("#eef1f4")
HANDLING_COLOURS = {"H0": "#1f5f99", "H1": "#8a5a00", "H2": "#a3261b", "H3": "#6b2a86"}
EVALUATION_TEXT = {
    "A": "source completely reliable", "B": "source usually reliable",
    "C": "source not usually reliable", "X": "source reliability cannot be judged",
    "1": "information known to be true", "2": "information known personally to the source",
    "3": "information not known personally but corroborated",
    "4": "information cannot be judged",
}


#: Packets are written in English and dated the British way, whoever exports them.
PACKET_LOCALE = "en_GB"
#: Table rows kept on the same page as their heading.
ROWS_WITH_HEADING = 3


@cache
def _register_fonts() -> None:
    pdfmetrics.registerFont(TTFont(FONT, str(resource_path("fonts", "DejaVuSans.ttf"))))
    pdfmetrics.registerFont(TTFont(BOLD, str(resource_path("fonts", "DejaVuSans-Bold.ttf"))))
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=BOLD, italic=FONT, boldItalic=BOLD)


def preload() -> None:
    """Load fonts and styles once per process (a render worker's initializer)."""
    _register_fonts()
    _styles()


@cache
def _styles() -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("body", fontName=FONT, fontSize=9, leading=12, textColor=INK)
    return {
        "body": base,
        "small": ParagraphStyle("small", parent=base, fontSize=7.5, leading=9.5, textColor=MUTED),
        "cell": ParagraphStyle("cell", parent=base, fontSize=8, leading=10),
        "cellb": ParagraphStyle("cellb", parent=base, fontName=BOLD, fontSize=8, leading=10),
        "title": ParagraphStyle("title", parent=base, fontName=BOLD, fontSize=20, leading=25),
        "subtitle": ParagraphStyle("subtitle", parent=base, fontSize=11, leading=15,
                                   textColor=MUTED),
        "h1": ParagraphStyle("h1", parent=base, fontName=BOLD, fontSize=14, leading=18,
                             spaceBefore=6, spaceAfter=4),
        "h2": ParagraphStyle("h2", parent=base, fontName=BOLD, fontSize=10.5, leading=14,
                             spaceBefore=8, spaceAfter=3),
        "handling": ParagraphStyle("handling", parent=base, fontName=BOLD, fontSize=13,
                                   leading=17, textColor=colors.white, alignment=TA_CENTER),
        "handling_small": ParagraphStyle("handling_small", parent=base, fontSize=9, leading=12,
                                         textColor=colors.white, alignment=TA_CENTER),
    }


def _t(value: object) -> str:
    """Text from the database, made safe for reportlab's paragraph markup."""
    text = "" if value is None else str(value)
    return escape(_CONTROL.sub("", text))


def _p(value: object, style: str = "body") -> Paragraph:
    return Paragraph(_t(value), _styles()[style])


def _markup(markup: str, style: str = "body") -> Paragraph:
    return Paragraph(markup, _styles()[style])


def _when(value: datetime | None) -> str:
    return format_datetime(value, utc=True, locale=PACKET_LOCALE) if value else "—"


def _day(value: date) -> str:
    return format_date(value, locale=PACKET_LOCALE)


_CELL_SIZE, _CELL_LEADING, _PADDING = 8, 10, 3
#: A table row cannot break across pages: longer cells are cut and point to packet.json.
MAX_CELL_LINES = 45


def _cell(value: Any, width: float, font: str, size: float = _CELL_SIZE) -> Any:
    """Table text as plain lines, wrapped here: tables draw them directly, with no paragraph
    layout (which took most of the rendering time). Flowables pass through."""
    if isinstance(value, Flowable):
        return value
    text = _CONTROL.sub("", "" if value is None else str(value).replace("\r", ""))
    room = width - 2 * _PADDING
    if "\n" not in text and stringWidth(text, font, size) <= room:
        return text
    lines = [line for part in text.split("\n")
             for line in (simpleSplit(part, font, size, room) or [""])]
    if len(lines) > MAX_CELL_LINES:
        rest = len(lines) - MAX_CELL_LINES + 1
        lines = [*lines[:MAX_CELL_LINES - 1], f"… {rest} more lines in packet.json"]
    return "\n".join(lines)


def _grid(rows: Sequence[Sequence[Any]], widths: Sequence[float], *, header: bool = True,
          bold_first_column: bool = False, small_columns: Sequence[int] = ()) -> Table:
    def font(row: int, column: int) -> str:
        return BOLD if (header and row == 0) or (bold_first_column and column == 0) else FONT

    def size(row: int, column: int) -> float:
        return _SMALL_SIZE if column in small_columns and not (header and row == 0) \
            else _CELL_SIZE

    cells = [[_cell(c, widths[j], font(i, j), size(i, j)) for j, c in enumerate(row)]
             for i, row in enumerate(rows)]
    table = Table(cells, colWidths=list(widths), repeatRows=1 if header else 0)
    style = [("FONT", (0, 0), (-1, -1), FONT, _CELL_SIZE, _CELL_LEADING),
             ("TEXTCOLOR", (0, 0), (-1, -1), INK),
             ("VALIGN", (0, 0), (-1, -1), "TOP"),
             ("LINEBELOW", (0, 0), (-1, -1), 0.4, RULE),
             ("LEFTPADDING", (0, 0), (-1, -1), 3), ("RIGHTPADDING", (0, 0), (-1, -1), 3),
             ("TOPPADDING", (0, 0), (-1, -1), 2), ("BOTTOMPADDING", (0, 0), (-1, -1), 2)]
    if header:
        style += [("BACKGROUND", (0, 0), (-1, 0), BAND),
                  ("FONT", (0, 0), (-1, 0), BOLD, _CELL_SIZE, _CELL_LEADING)]
    if bold_first_column:
        style.append(("FONT", (0, 0), (0, -1), BOLD, _CELL_SIZE, _CELL_LEADING))
    for column in small_columns:
        style.append(("FONT", (column, 1 if header else 0), (column, -1), FONT, _SMALL_SIZE,
                      _SMALL_LEADING))
    table.setStyle(TableStyle(style))
    return table


_SMALL_SIZE, _SMALL_LEADING = 7, 8.8


def _headed(heading: Sequence[Flowable], rows: Sequence[Sequence[Any]],
            widths: Sequence[float], **options: Any) -> list[Flowable]:
    """A heading and its table, the heading never alone at the foot of a page: a page break
    comes first unless the heading, the table's header and its first rows fit below."""
    width = sum(widths)
    first = _grid(rows[:ROWS_WITH_HEADING + 1], widths, **options)
    need = first.wrap(width, A4[1])[1] + sum(
        h.wrap(width, A4[1])[1] + h.getSpaceBefore() + h.getSpaceAfter() for h in heading)
    return [CondPageBreak(need), *heading, _grid(rows, widths, **options)]


def _fields(rows: Sequence[tuple[str, object]], width: float) -> Table:
    return _grid([[k, v] for k, v in rows], [42 * mm, width - 42 * mm], header=False,
                 bold_first_column=True)


def _handling_box(code: str, meaning: str, width: float) -> Table:
    box = Table([[_markup(f"Handling code {_t(code)}", "handling")],
                 [_markup(_t(meaning), "handling_small")]], colWidths=[width])
    box.setStyle(TableStyle([
        ("BACKGROUND", (0, 0), (-1, -1), colors.HexColor(HANDLING_COLOURS.get(code, "#444444"))),
        ("TOPPADDING", (0, 0), (-1, -1), 5), ("BOTTOMPADDING", (0, 0), (-1, -1), 5)]))
    return box


def _evaluation(code: str) -> str:
    parts = [EVALUATION_TEXT.get(ch, "") for ch in code]
    return f"{code} ({'; '.join(p for p in parts if p)})" if any(parts) else code


def _cover(content: PacketContent, width: float) -> list[Flowable]:
    h = content.header
    c = h.contact
    story: list[Flowable] = [
        _p("Victim identification — notification packet", "title"),
        _p(f"for {h.country_name} ({h.country})", "subtitle"),
        Spacer(1, 5 * mm),
        _handling_box(h.handling, h.handling_meaning, width),
        Spacer(1, 5 * mm),
        _fields([
            ("Packet ID", f"{h.packet_code} — version {h.packet_version}"),
            ("Date", _when(h.generated_at)),
            ("Recipient", f"{h.recipient_authority}, {h.country_name} ({h.country})"),
            ("Organised by", c.organiser or "—"),
            ("Issued by", c.issuing_unit or "—"),
            ("Contact", " · ".join(x for x in (c.name, c.email, c.phone) if x) or "—"),
            ("Operation", f"{h.sprint} ({_day(h.sprint_starts_on)} – "
                          f"{_day(h.sprint_ends_on)})"),
            ("Evaluation", _evaluation(h.evaluation)),
            ("Priority", _priority(h.priority)),
            ("Series in this packet", str(len(content.series))),
        ], width),
        Spacer(1, 4 * mm),
        _p("What this is", "h2"),
        _p(f"During a victim identification taskforce organised by {c.organiser or '—'}, "
           "specialists from several countries studied the background of child sexual abuse "
           "material (objects, text, products, architecture) to find where it was produced. For "
           f"the series listed below they concluded that the most likely country is "
           f"{h.country_name}. This report contains no images: only descriptions, the reasoning "
           "and the file hashes (hashes.vics.json, hashes.icse.csv) needed to find the material "
           "in your own systems. Each clue is shown with what it says about "
           f"{h.country_name}: it points there, points away, or says nothing either way."),
        _p("Requested action", "h2"),
        _p(REQUESTED_ACTION),
        _p("Feedback asked", "h2"),
        _p(FEEDBACK_REQUEST),
    ]
    if h.changes:
        story += [_p("Changes since the previous version", "h2"), _p(h.changes)]
    story += _headed(
        [_p("Series overview", "h2")],
        [["Series", "Alias", "Victim", "Media", f"{h.country} confidence", "Priority"]] + [
            [s.code, s.alias or "—", _victim(s), str(len(s.media)),
             _confidence_for(s, h.country), _priority(s.priority)] for s in content.series],
        [34 * mm, 38 * mm, 34 * mm, 14 * mm, 26 * mm, width - 146 * mm])
    story.append(Spacer(1, 3 * mm))
    story.append(_p(_integrity_text(h.signing_key), "small"))
    return story


def _integrity_text(key: PublicKeyInfo) -> str:
    return (f"Integrity: MANIFEST.sha256 lists the SHA-256 of every file in this packet and "
            f"MANIFEST.sha256.sig is its {key.algorithm} signature by the sprint's key "
            f"(signing-key.pem), fingerprint {key.fingerprint}. Check both with `vidtask "
            "verify-packet FILE.zip --fingerprint …`, or with `sha256sum -c MANIFEST.sha256` and "
            "`openssl pkeyutl -verify -pubin -inkey signing-key.pem -rawin -in MANIFEST.sha256 "
            "-sigfile MANIFEST.sha256.sig`. Compare the fingerprint with the one the issuing "
            "unit gave you by another channel: a forger can sign with a key of their own.")


def _priority(value: int) -> str:
    return {1: "1 – urgent", 2: "2 – high", 3: "3 – normal", 4: "4 – low"}.get(value, str(value))


def _victim(series: PacketSeries) -> str:
    age = f"aged {series.victim_age_band}" if series.victim_age_band else "age unknown"
    sex = {"female": "girl", "male": "boy"}.get(series.victim_sex, "sex unknown")
    return f"{sex}, {age}"


def _confidence_for(series: PacketSeries, country: str) -> str:
    for cand in series.candidates:
        if cand.country == country:
            return f"{cand.confidence} % (rank {cand.rank})"
    return "—"


def _clue_rows(clues: Sequence[PacketClue], country: str) -> list[list[Any]]:
    rows: list[list[Any]] = [["Ref", "Clue", f"What it says about {country}",
                              "Evidence (hash, time, region)"]]
    for clue in clues:
        named = " ".join([*(f"+{c}" for c in clue.supports), *(f"−{c}" for c in clue.excludes)])
        restricted = f", handling {clue.handling}" if clue.handling != "H0" else ""
        lines = [f"{clue.category_words} ({wording.confidence(clue.confidence)}{restricted})",
                 clue.description]
        if clue.value_words:
            lines.append(clue.value_words)
        if named:
            lines.append(f"Names countries: {named}")
        effect = [f"{_EFFECT_WORDS[clue.effect]} {country}", *clue.effect_reasons]
        evidence = [x for x in (clue.evidence_md5 or "", clue.evidence_time,
                                wording.evidence_region(clue.evidence_region)) if x] or ["—"]
        rows.append([clue.reference, "\n".join(lines), "\n".join(effect), "\n".join(evidence)])
    return rows


_EFFECT_WORDS = {"supports": "Points to", "excludes": "Points away from",
                 "neutral": "Says nothing about"}


def _audit_rows(steps: Sequence[AuditStep]) -> list[list[str]]:
    return [["Step", "Who", "Agency", "When"]] + [
        [s.step, s.who_text, s.who.agency or "—", _when(s.when)] for s in steps]


def _series_title(series: PacketSeries) -> str:
    title = f"Series {_t(series.code)}"
    return f"{title} — “{_t(series.alias)}”" if series.alias.strip() else title


def _series_section(series: PacketSeries, country: str, country_name: str, width: float
                    ) -> list[Flowable]:
    counts = series.media_counts
    ids = [("Series code", series.code), ("Alias", series.alias or "none given")]
    ids += [(label, value) for label, value in (("ICSE series", series.icse_id),
                                                ("NCMEC series", series.ncmec_name),
                                                ("VICS series", series.vics_name)) if value]
    ids += [
        ("Victim", _victim(series) + " (no imagery is shared)"),
        ("Media", f"{len(series.media)} files: {counts['images']} images, "
                  f"{counts['videos']} videos, {counts['other']} other"),
        ("Production period", series.production_period or "unknown"),
        ("Already in ICSE?", "yes" if series.in_icse else "no"),
        ("Handling", series.handling), ("Priority", _priority(series.priority)),
    ]
    story: list[Flowable] = [
        CondPageBreak(60 * mm),
        KeepTogether([_markup(_series_title(series), "h1"), _fields(ids, width)]),
    ]
    story += _headed(
        [_p("Country assessment", "h2")],
        [["Rank", "Country", "Confidence", "Reasoning", "Confirmed"]] + [
            [str(c.rank), f"{c.country_name} ({c.country})", f"{c.confidence} %",
             c.rationale or "—", "yes" if c.confirmed else "no"] for c in series.candidates],
        [11 * mm, 38 * mm, 20 * mm, width - 89 * mm, 20 * mm])
    if series.excluded_countries:
        story.append(_p("Countries some clue excludes by name: "
                        + ", ".join(series.excluded_countries), "small"))
    clue_widths = [13 * mm, width - 114 * mm, 46 * mm, 55 * mm]
    for effect, title in (("supports", f"Clues pointing to {country_name}"),
                          ("excludes", f"Clues pointing away from {country_name}"),
                          ("neutral", f"Clues that say nothing about {country_name} either "
                                      "way")):
        clues = series.clues_with(effect)
        if clues:
            story += _headed([_p(title, "h2")], _clue_rows(clues, country), clue_widths,
                             small_columns=(3,))
    if not series.clues:
        story.append(_p("No clue was released with this packet.", "small"))
    if series.withheld_clues:
        story.append(_p(f"{series.withheld_clues} clue(s) under handling code H2 or H3 are "
                        "withheld from this packet; ask the issuing unit for them.", "small"))
    if series.appeals:
        story += _headed([_p("Public appeal (Trace an Object)", "h2")],
                         [["Object", "Type", "Question", "Status", "Tips"]] + [
                             [a.object_code, a.object_type, a.question,
                              wording.appeal_status(a.status),
                              f"{a.tips_received} received, {a.tips_verified} verified"]
                             for a in series.appeals],
                         [18 * mm, 30 * mm, width - 118 * mm, 25 * mm, 45 * mm])
    story += _headed([_p("Audit", "h2")], _audit_rows(series.audit),
                     [30 * mm, 45 * mm, width - 120 * mm, 45 * mm])
    return story


def _packet_audit(content: PacketContent, width: float) -> list[Flowable]:
    h = content.header
    return [CondPageBreak(40 * mm), _p("Packet audit", "h1"), _fields([
        ("Packet approved by", f"{h.approved_by.name} ({h.approved_by.agency or '—'})"),
        ("Approved at", _when(h.generated_at)),
        ("Packet", f"{h.packet_code}, version {h.packet_version}"),
        ("Files", "report.pdf, packet.json, hashes.vics.json, hashes.icse.csv, "
                  "signing-key.pem; their SHA-256 in MANIFEST.sha256, signed in "
                  "MANIFEST.sha256.sig"),
        ("Signing key", f"{h.signing_key.algorithm} {h.signing_key.public_key}"),
        ("Key fingerprint", h.signing_key.fingerprint),
    ], width)]


def _pdf_date(moment: datetime) -> str:
    utc = moment.astimezone(UTC) if moment.tzinfo else moment
    return f"D:{utc:%Y%m%d%H%M%S}+00'00'"


def render_report(content: PacketContent) -> bytes:
    """The PDF bytes; same content, same bytes."""
    _register_fonts()
    buffer = io.BytesIO()
    h = content.header
    doc = SimpleDocTemplate(
        buffer, pagesize=A4, invariant=1, leftMargin=18 * mm, rightMargin=18 * mm,
        topMargin=20 * mm, bottomMargin=18 * mm,
        title=_CONTROL.sub("", f"Notification packet {h.packet_code} v{h.packet_version}"),
        author=_CONTROL.sub("", h.contact.issuing_unit), creator="vidtask",
        producer="vidtask",
        subject=f"{h.country_name} ({h.country}) — handling {h.handling}")
    width = doc.width
    story = _cover(content, width)
    if content.series:
        story.append(PageBreak())
    for series in content.series:
        story += _series_section(series, h.country, h.country_name, width)
        story.append(Spacer(1, 6 * mm))
    story += _packet_audit(content, width)

    stamp = _pdf_date(h.generated_at)

    def decorate(canvas: Any, document: Any) -> None:
        canvas.setDateFormatter(lambda *_: stamp)  # the packet's export time, not 2000-01-01
        canvas.saveState()
        canvas.setFont(BOLD, 8)
        canvas.setFillColor(colors.HexColor(HANDLING_COLOURS.get(h.handling, "#444444")))
        canvas.drawString(18 * mm, A4[1] - 12 * mm,
                          _CONTROL.sub("", f"{h.handling} — {h.handling_meaning}"))
        canvas.setFont(FONT, 8)
        canvas.setFillColor(MUTED)
        canvas.drawRightString(A4[0] - 18 * mm, A4[1] - 12 * mm,
                               _CONTROL.sub("", f"{h.packet_code} v{h.packet_version}")[:80])
        canvas.drawString(18 * mm, 10 * mm, _CONTROL.sub("", f"{h.country_name} ({h.country})"))
        canvas.restoreState()

    def footer(canvas: Any, number: int, total: int) -> None:
        canvas.saveState()
        canvas.setFont(FONT, 8)
        canvas.setFillColor(MUTED)
        canvas.drawRightString(A4[0] - 18 * mm, 10 * mm, f"page {number} of {total}")
        canvas.restoreState()

    doc.build(story, onFirstPage=decorate, onLaterPages=decorate,
              canvasmaker=counting_canvas(footer))
    return buffer.getvalue()
