"""`vidtask demo`: fill the database with a synthetic demo sprint."""

from __future__ import annotations

import argparse
import sys

from vidtask.cli.context import CommonOptions, Subparsers, open_database

#: The top-level command words `register` adds (main.py builds only those a command needs).
COMMANDS = ("demo",)


def cmd_demo(args: argparse.Namespace) -> int:
    from vidtask.services.demo import generate_demo

    db = open_database(args, create=True)
    show = sys.stderr.isatty() and not args.quiet

    def progress(done: int, total: int) -> None:
        if show:
            width = 30
            filled = width * done // max(total, 1)
            print(f"\r  building series [{'#' * filled}{'.' * (width - filled)}] {done}/{total}",
                  end="", file=sys.stderr, flush=True)

    summary = generate_demo(db, series_count=args.series, seed=args.seed,
                            sprint_name=args.sprint_name, progress=progress)
    if show:
        print(file=sys.stderr)
    outcome = ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in summary.by_outcome.items())
    print(f"Demo sprint {summary.sprint.name!r} ({summary.sprint.starts_on} – "
          f"{summary.sprint.ends_on}) in {db.describe()}")
    print(f"  {summary.participants} participants, {summary.series} series, "
          f"{summary.media} media records, {summary.clues} clues")
    print(f"  {outcome}")
    print("  sign in as 'admin' (admin) or any participant: `vidtask participant list`")
    return 0


def register(commands: Subparsers, common: CommonOptions) -> None:
    demo = common.add(commands, "demo", cmd_demo,
                      "fill the database with a synthetic demo sprint (a SQLite file that does "
                      "not exist yet is created, and you are told so)")
    demo.add_argument("--series", type=int, default=320, help="number of series (default 320)")
    demo.add_argument("--seed", type=int, default=7, help="random seed (same seed, same sprint)")
    demo.add_argument("--sprint-name", default="VIDTF demo", help="name of the demo sprint")
    demo.add_argument("--quiet", action="store_true", help="no progress bar")
