"""`vidtask comment` and `vidtask timeline`: a series' discussion and its history of events."""

from __future__ import annotations

import argparse

from vidtask.cli.context import CommonOptions, Subparsers, actor, open_database, series_id
from vidtask.domain.dates import format_datetime
from vidtask.domain.wording import event_action

#: The top-level command words `register` adds (main.py builds only those a command needs).
COMMANDS = ("comment", "timeline")


def cmd_comment(args: argparse.Namespace) -> int:
    from vidtask.services.comments import add_comment

    db = open_database(args)
    add_comment(db, actor(args), series_id(db, args, args.series), args.text)
    print(f"Commented on {args.series}.")
    return 0


def cmd_timeline(args: argparse.Namespace) -> int:
    from vidtask.services.series_detail import series_timeline

    db = open_database(args)
    for entry in series_timeline(db, series_id(db, args, args.series)):
        print(f"{format_datetime(entry.occurred_at, seconds=True):<22}  {entry.who:<20} "
              f"{event_action(entry.action)}")
    return 0


def register(commands: Subparsers, common: CommonOptions) -> None:
    comment = common.add(commands, "comment", cmd_comment, "comment on a series",
                         common.acting_as)
    comment.add_argument("series", metavar="SERIES")
    comment.add_argument("--text", required=True)
    timeline = common.add(commands, "timeline", cmd_timeline, "every event on a series",
                          common.acting_as)
    timeline.add_argument("series", metavar="SERIES")
