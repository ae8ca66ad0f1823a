"""`vidtask series list` and `vidtask series show`: the board and one series."""

from __future__ import annotations

import argparse

from vidtask.cli.context import (
    CommonOptions,
    Subparsers,
    actor,
    lease_left,
    open_database,
    print_json,
    series_id,
    sprint_id,
)

#: The top-level command words `register` adds (main.py builds only those a command needs).
COMMANDS = ("series",)


def cmd_series_list(args: argparse.Namespace) -> int:
    from vidtask.services.series import SeriesFilter, list_series

    db = open_database(args)
    mine = actor(args) if args.mine else None
    filters = SeriesFilter(statuses=frozenset(args.status or ()), claimed_by=mine,
                           unclaimed_only=args.unclaimed, country=args.country,
                           text=args.text or "", limit=args.limit)
    rows = list_series(db, sprint_id(db, args), filters)
    if args.json:
        print_json([row._asdict() for row in rows])
        return 0
    print(f"{'code':<14} {'status':<13} {'pri':<6} {'holder':<18} {'top':<4} {'clues':>5} alias")
    from vidtask.domain.enums import Priority

    for row in rows:
        holder = f"{row.claimed_by} ({lease_left(row.claim_expires_at)})" if row.claimed_by else ""
        print(f"{row.code:<14} {row.status:<13} {Priority(row.priority).label:<6} {holder:<18} "
              f"{row.top_country or '':<4} {row.clue_count:>5} {row.alias}")
    print(f"{len(rows)} series")
    return 0


def cmd_series_show(args: argparse.Namespace) -> int:
    from dataclasses import asdict

    from vidtask.domain import wording
    from vidtask.domain.vocabulary import describe_value
    from vidtask.services.series_detail import get_series_detail, series_timeline

    db = open_database(args)
    the_series = series_id(db, args, args.series)
    detail = get_series_detail(db, the_series)
    if args.json:
        data = asdict(detail)
        data["timeline"] = [asdict(e) for e in series_timeline(db, the_series)]
        print_json(data)
        return 0
    print(f"{detail.code}  “{detail.alias}”  [{detail.status.replace('_', ' ')}]  "
          f"handling {detail.handling}")
    if detail.claimed_by:
        print(f"claimed by {detail.claimed_by} ({lease_left(detail.claim_expires_at)})")
    if detail.identified_elsewhere:
        print(f"WARNING: {detail.identified_elsewhere} media already marked victim-identified "
              "elsewhere: this series may be solved.")
    print(f"{len(detail.media)} media, {len(detail.clues)} clues, {len(detail.comments)} comments")
    for clue in detail.clues:
        stance = " ".join([*(f"+{c}" for c in clue.supports), *(f"-{c}" for c in clue.excludes)])
        value = f" [{describe_value(clue.kind, clue.value)}]" if clue.value else ""
        print(f"  clue {clue.id} v{clue.version} {wording.clue_category(clue.category)}{value} "
              f"({clue.confidence}) {stance}: {clue.description}")
    for cand in detail.candidates:
        mark = " CONFIRMED" if cand.confirmed else ""
        print(f"  #{cand.rank} {cand.country} {cand.confidence}%{mark}: {cand.rationale}")
    return 0


def register(commands: Subparsers, common: CommonOptions) -> None:
    series_sub = common.group(commands, "series", "list and show series", describe=False)
    listing = common.add(series_sub, "list", cmd_series_list, "list the sprint's series",
                         common.acting_as)
    listing.add_argument("--json", action="store_true")
    listing.add_argument("--status", action="append", metavar="STATUS",
                         choices=["new", "claimed", "in_assessment", "proposed", "confirmed",
                                  "notified", "eliminated"], help="filter (repeatable)")
    listing.add_argument("--mine", action="store_true", help="only series I hold")
    listing.add_argument("--unclaimed", action="store_true")
    listing.add_argument("--country", metavar="ISO2", help="series with this candidate country")
    listing.add_argument("--text", help="search code, alias and external ids")
    listing.add_argument("--limit", type=int)
    show = common.add(series_sub, "show", cmd_series_show, "show one series")
    show.add_argument("series", metavar="SERIES", help="series code")
    show.add_argument("--json", action="store_true")
