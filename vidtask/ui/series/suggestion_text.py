"""What the suggestions say in words: shares, populations, a tie and a country's reasons (HTML).

Pure text for the assessment panel and its table model; no widgets.
"""

from __future__ import annotations

import math
from html import escape

from vidtask.domain.narrowing import Candidate, TieGroup
from vidtask.ui.common import country_text

PRIOR_NOTE = ("A shared rank (=1) is a tie: the clues cannot tell those countries apart. Within "
              "it they are listed by population and share its part in proportion: that is the "
              "prior, not evidence.")


def share_text(share: float) -> str:
    """A share as a person reads it: "96 %", "4.5 %", "< 0.1 %"."""
    percent = share * 100  # a no-break space keeps "%" with its number when a line wraps
    if percent >= 9.95:
        return f"{percent:.0f}\u00a0%"
    if percent >= 0.05:
        return f"{percent:.1f}\u00a0%"
    return "<\u00a00.1\u00a0%" if share > 0 else "0\u00a0%"


def people_text(population: int | None, *, short: bool = False) -> str:
    """"65.8 million" ("65.8 M" when short), "101,073", or "unknown"."""
    if not population:
        return "—" if short else "unknown"
    if population >= 1_000_000:
        return f"{population / 1_000_000:.1f} {'M' if short else 'million'}"
    if short and population >= 10_000:
        return f"{population / 1000:.0f} k"
    return f"{population:,}"



def tie_html(group: TieGroup) -> str:
    """One tie: its shared rank, who shares it, the tie's share together, what would split it."""
    return (f"<b>={group.rank}</b> {escape(group.sentence())} Together "
            f"{share_text(group.share)}, listed and split by population: <i>the prior, not "
            f"evidence</i>. {escape(group.separation())}")


def rank_text(candidate: Candidate, tie: TieGroup | None) -> str:
    """"rank 2", or "rank =1, shared by 1 country and 3 territories" (counted as the tie line
    counts them)."""
    if candidate.tied == 1:
        return f"rank {candidate.rank}"
    if tie is None:
        return f"rank ={candidate.rank}, shared by {candidate.tied}"
    return f"rank ={candidate.rank}, shared by {tie.members()}"


def reasons_html(candidate: Candidate, tie: TieGroup | None = None) -> str:
    """Every reason for one country, supporting then opposing, and that they sum to the score;
    `tie` is the candidate's tie group, if it shares its rank."""
    rank = rank_text(candidate, tie)
    lines = [f"<b>{escape(country_text(candidate.country))}</b> — {rank}, score "
             f"{candidate.score:+.1f}, share {share_text(candidate.share)}"]
    if candidate.tied > 1:
        lines.append(f"<i>Population {people_text(candidate.population)}: the prior within "
                     "the tie, not evidence.</i>")
    for reason in candidate.reasons:
        mark = "✔" if reason.weight > 0 else "✘"
        lines.append(f"{mark} {reason.weight:+.1f}&nbsp; clue {reason.clue_id}: "
                     f"{escape(reason.explanation)}")
    total = math.fsum(r.weight for r in candidate.reasons)
    count = len(candidate.reasons)
    lines.append(f"<small>{count} {'reason' if count == 1 else 'reasons'}, together "
                 f"{total:+.1f} = the score.</small>")
    return "<br>".join(lines)
