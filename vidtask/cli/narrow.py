"""`vidtask narrow SERIES`: the ranked, explained candidate countries from a series' clues."""

from __future__ import annotations

import argparse

from vidtask.cli.context import CommonOptions, Subparsers, open_database, print_json, series_id

#: The top-level command words `register` adds (main.py builds only those a command needs).
COMMANDS = ("narrow",)


def cmd_narrow(args: argparse.Namespace) -> int:
    from vidtask.services.narrowing import narrow_series

    db = open_database(args)
    candidates = narrow_series(db, series_id(db, args, args.series), limit=args.limit)
    if args.json:
        print_json([{
            "country": c.country, "name": c.name, "score": round(c.score, 3),
            "share": round(c.share, 4),
            "supporting": [r._asdict() for r in c.supporting],
            "opposing": [r._asdict() for r in c.opposing],
        } for c in candidates])
        return 0
    if not candidates:
        print(f"{args.series}: no clue says anything about countries yet.")
        return 0
    print(f"{args.series}: candidate countries from its clues (log-odds score; higher is likelier)")
    for rank, candidate in enumerate(candidates, start=1):
        print(f"{rank:>3}. {candidate.country}  {candidate.name:<28} score {candidate.score:+5.1f}"
              f"  share {candidate.share:6.1%}")
        for reason in candidate.supporting[:args.reasons]:
            print(f"        + {reason.weight:+.1f}  clue {reason.clue_id}: {reason.explanation}")
        for reason in candidate.opposing[:args.reasons]:
            print(f"        - {reason.weight:+.1f}  clue {reason.clue_id}: {reason.explanation}")
    return 0


def register(commands: Subparsers, common: CommonOptions) -> None:
    narrow = common.add(commands, "narrow", cmd_narrow,
                        "rank candidate countries from a series' clues")
    narrow.add_argument("series", metavar="SERIES", help="series code")
    narrow.add_argument("--json", action="store_true")
    narrow.add_argument("--limit", type=int, default=8, help="how many countries (default 8)")
    narrow.add_argument("--reasons", type=int, default=3,
                        help="reasons shown per side (default 3)")
