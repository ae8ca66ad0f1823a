"""`vidtask confirm`, `send-back`, `eliminate`: coordinators review proposals (four-eyes)."""

from __future__ import annotations

import argparse

from vidtask.cli.context import CommonOptions, Subparsers, actor, open_database, series_id

#: The top-level command words `register` adds (main.py builds only those a command needs).
COMMANDS = ("confirm", "send-back", "eliminate")


def cmd_confirm(args: argparse.Namespace) -> int:
    from vidtask.services.review import confirm_countries

    db = open_database(args)
    confirm_countries(db, actor(args), series_id(db, args, args.series), args.country)
    print(f"Confirmed {', '.join(c.upper() for c in args.country)} for {args.series}.")
    return 0


def cmd_send_back(args: argparse.Namespace) -> int:
    from vidtask.services.review import send_back

    db = open_database(args)
    send_back(db, actor(args), series_id(db, args, args.series), args.comment)
    print(f"Sent {args.series} back for more work.")
    return 0


def cmd_eliminate(args: argparse.Namespace) -> int:
    from vidtask.services.review import eliminate

    db = open_database(args)
    eliminate(db, actor(args), series_id(db, args, args.series), args.reason)
    print(f"Eliminated {args.series}.")
    return 0


def register(commands: Subparsers, common: CommonOptions) -> None:
    who = common.acting_as
    confirm = common.add(commands, "confirm", cmd_confirm,
                         "coordinators: confirm proposed countries", who)
    confirm.add_argument("series", metavar="SERIES")
    confirm.add_argument("--country", action="append", required=True, metavar="ISO2")
    back = common.add(commands, "send-back", cmd_send_back,
                      "coordinators: return a proposal for more work", who)
    back.add_argument("series", metavar="SERIES")
    back.add_argument("--comment", required=True)
    elim = common.add(commands, "eliminate", cmd_eliminate,
                      "coordinators: close a series without a country", who)
    elim.add_argument("series", metavar="SERIES")
    elim.add_argument("--reason", required=True)
