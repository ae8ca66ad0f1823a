"""The review pane's evidence as HTML: the series' candidates, every clue with its value in words
and its effect on each candidate, and who assessed it (every value from the database escaped)."""

from __future__ import annotations

import html
from collections.abc import Iterable

from vidtask.domain import wording
from vidtask.domain.countries_basic import country_label
from vidtask.domain.dates import format_datetime
from vidtask.services.review import ReviewClue, ReviewItem

EFFECT_MARK = {"supports": "points to", "excludes": "points away from",
               "neutral": "says nothing about"}


def _clue_lines(clues: Iterable[ReviewClue]) -> str:
    rows = []
    for clue in clues:
        info = clue.info
        evidence = [f"CL-{info.id}"]
        if info.evidence_md5:
            evidence.append(f"media {info.evidence_md5[:12]}…")
        if info.evidence_time:
            evidence.append(f"at {info.evidence_time}")
        if info.evidence_region:
            evidence.append(wording.evidence_region(info.evidence_region))
        named = " ".join([*(f"+{c}" for c in info.supports), *(f"−{c}" for c in info.excludes)])
        effects = " · ".join(f"{EFFECT_MARK[stance]} {country}" for country, stance in clue.effects)
        value = f"<br><b>{html.escape(clue.value_words)}</b>" if clue.value_words else ""
        rows.append(
            f"<tr><td width='9%' valign='top'><b>CL-{info.id}</b></td><td width='91%'>"
            f"{html.escape(info.description)}{value}"
            f"<br><span style='color:#1f4e79'>{html.escape(effects or '—')}</span>"
            f"<br><small>{html.escape(clue.category_words)} · "
            f"{html.escape(wording.confidence(info.confidence))} · "
            f"{html.escape(' · '.join(evidence[1:]) + ' · ' if evidence[1:] else '')}"
            f"{html.escape(info.author_name or info.author)}"
            f"{' · names ' + html.escape(named) if named else ''}"
            f"{' · ' + html.escape(info.handling) if info.handling != 'H0' else ''}"
            f"</small></td></tr>")
    if not rows:
        return "<p><i>none recorded</i></p>"
    return "<table cellspacing='0' cellpadding='3' width='100%'>" + "".join(rows) + "</table>"


def detail_html(item: ReviewItem) -> str:
    """The detail pane's text; every value from the database is escaped."""
    candidates = "".join(
        f"<tr><td>{c.rank}</td><td><b>{html.escape(c.country)}</b> "
        f"{html.escape(country_label(c.country))}</td><td align='right'>{c.confidence} %</td>"
        f"<td>{html.escape(c.rationale)}</td><td>{html.escape(c.author_name or c.author)}</td></tr>"
        for c in item.candidates)
    proposed = format_datetime(item.proposed_at) if item.proposed_at else "—"
    return (
        f"<h3>{html.escape(series_title(item))}</h3>"
        f"<p>Priority {item.priority} · handling {html.escape(item.handling)} · proposed by "
        f"{html.escape(item.proposed_by_name or item.proposed_by or '—')} on "
        f"{html.escape(proposed)}</p>"
        "<h4>Candidates</h4><table cellspacing='0' cellpadding='3' width='100%'>"
        "<tr><th align='left'>#</th><th align='left'>Country</th><th align='right'>Conf.</th>"
        "<th align='left'>Rationale</th><th align='left'>By</th></tr>"
        f"{candidates}</table>"
        f"<h4>Clues ({len(item.clues)})</h4>{_clue_lines(item.clues)}"
        f"<h4>Assessed by</h4>"
        f"<p>{html.escape(', '.join(item.assessor_names or item.assessors) or '—')}</p>")


def series_title(item: ReviewItem) -> str:
    return f"{item.code} — “{item.alias}”" if item.alias.strip() else item.code
