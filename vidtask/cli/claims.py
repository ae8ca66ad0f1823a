"""`vidtask claim`, `renew`, `claim-next`, `release`: claims and their leases."""

from __future__ import annotations

import argparse

from vidtask.cli.context import (
    CommonOptions,
    Subparsers,
    actor,
    open_database,
    series_id,
    sprint_id,
)
from vidtask.domain.dates import format_datetime

#: The top-level command words `register` adds (main.py builds only those a command needs).
COMMANDS = ("claim", "renew", "claim-next", "release")


def cmd_claim(args: argparse.Namespace) -> int:
    from vidtask.services.claims import claim_series

    db = open_database(args)
    result = claim_series(db, actor(args), series_id(db, args, args.series))
    print(f"Claimed {result.code} until {format_datetime(result.expires_at, utc=True)}.")
    return 0


def cmd_claim_next(args: argparse.Namespace) -> int:
    from vidtask.services.claims import claim_next

    db = open_database(args)
    result = claim_next(db, actor(args), sprint_id(db, args))
    if result is None:
        print("No unclaimed series left.")
        return 0
    print(f"Claimed {result.code} until {format_datetime(result.expires_at, utc=True)}.")
    return 0


def cmd_renew(args: argparse.Namespace) -> int:
    from vidtask.services.claims import renew_claim

    db = open_database(args)
    result = renew_claim(db, actor(args), series_id(db, args, args.series))
    print(f"Renewed {result.code} until {format_datetime(result.expires_at, utc=True)}.")
    return 0


def cmd_release(args: argparse.Namespace) -> int:
    from vidtask.services.claims import force_release, release_claim

    db = open_database(args)
    the_series = series_id(db, args, args.series)
    if args.force:
        force_release(db, actor(args), the_series, args.reason or "")
        print(f"Force-released {args.series}.")
    else:
        release_claim(db, actor(args), the_series)
        print(f"Released {args.series}.")
    return 0


def register(commands: Subparsers, common: CommonOptions) -> None:
    for name, handler, text in (("claim", cmd_claim, "claim a series to work on it"),
                                ("renew", cmd_renew, "extend your claim's lease")):
        sub = common.add(commands, name, handler, text, common.acting_as)
        sub.add_argument("series", metavar="SERIES", help="series code")
    common.add(commands, "claim-next", cmd_claim_next, "claim the most urgent unclaimed series",
               common.acting_as)
    release = common.add(commands, "release", cmd_release, "release a claim", common.acting_as)
    release.add_argument("series", metavar="SERIES")
    release.add_argument("--force", action="store_true",
                         help="coordinators: release somebody else's claim")
    release.add_argument("--reason", help="why (required with --force)")
