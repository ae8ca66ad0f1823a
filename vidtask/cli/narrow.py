"""`vidtask narrow SERIES`: the ranked, explained candidate countries from a series' clues.

Text output lists the countries with support, with shared ranks ("=1"), each tie's group and
what would separate it, every reason (or "+N more" with their sum, `--all` to print them), and
a counts line that adds up to every country. JSON keeps codes and numbers.
"""

from __future__ import annotations

import argparse
import math
from typing import Any

from vidtask.cli.context import CommonOptions, Subparsers, open_database, print_json, series_id

#: The top-level command words `register` adds (main.py builds only those a command needs).
COMMANDS = ("narrow",)


def _candidate_json(c: Any) -> dict[str, Any]:
    return {
        "country": c.country, "name": c.name, "rank": c.rank, "rank_label": c.rank_label,
        "tied": c.tied, "population": c.population, "score": round(c.score, 3),
        "share": round(c.share, 4),
        "reasons": [r._asdict() for r in c.reasons],
        "supporting": [r._asdict() for r in c.supporting],
        "opposing": [r._asdict() for r in c.opposing],
    }


def _people(population: int | None) -> str:
    if not population:
        return "population unknown"
    if population >= 1_000_000:
        return f"population {population / 1_000_000:.1f} million"
    return f"population {population:,}"


def cmd_narrow(args: argparse.Namespace) -> int:
    from vidtask.services.narrowing import series_ranking

    db = open_database(args)
    ranking = series_ranking(db, series_id(db, args, args.series))
    if args.json:
        spoken = [c for c in ranking.candidates if c.spoken_for][: max(args.limit, 0)]
        print_json([_candidate_json(c) for c in spoken])
        return 0
    if not ranking.clue_ids or not any(c.spoken_for for c in ranking.candidates):
        print(f"{args.series}: no clue says anything about countries yet.")
        return 0
    listed = ranking.listed(args.limit)
    print(f"{args.series}: candidate countries from its clues (log-odds score; higher is "
          "likelier; a shared rank is a tie, listed by population)")
    ties = {group.rank: group for group in ranking.ties()}
    shown_ties: set[int] = set()
    for candidate in listed:
        group = ties.get(candidate.rank)
        if group is not None and candidate.rank not in shown_ties:
            shown_ties.add(candidate.rank)
            print(f"  {candidate.rank_label}: {group.sentence()} Together {group.share:.1%}.")
            print(f"      {group.separation()}")
        prior = f"  ({_people(candidate.population)}: the prior within the tie)" \
            if candidate.tied > 1 else ""
        print(f"{candidate.rank_label:>4} {candidate.country}  {candidate.name:<28} "
              f"score {candidate.score:+5.1f}  share {candidate.share:6.1%}{prior}")
        reasons = candidate.reasons
        shown = reasons if args.all else reasons[: args.reasons]
        for reason in shown:
            sign = "+" if reason.weight > 0 else "-"
            print(f"        {sign} {reason.weight:+.1f}  clue {reason.clue_id}: "
                  f"{reason.explanation}")
        if len(shown) < len(reasons):
            rest = reasons[len(shown):]
            print(f"        … +{len(rest)} more ({math.fsum(r.weight for r in rest):+.1f} "
                  "together; --all prints them)")
    if not listed:
        print("  No country has support from these clues.")
    print(ranking.counts(len(listed)).sentence() + ".")
    return 0


def register(commands: Subparsers, common: CommonOptions) -> None:
    narrow = common.add(commands, "narrow", cmd_narrow,
                        "rank candidate countries from a series' clues")
    narrow.add_argument("series", metavar="SERIES", help="series code")
    narrow.add_argument("--json", action="store_true")
    narrow.add_argument("--limit", type=int, default=8, help="how many countries (default 8)")
    narrow.add_argument("--reasons", type=int, default=6,
                        help="reasons shown per country before '+N more' (default 6)")
    narrow.add_argument("--all", action="store_true", help="print every reason")
