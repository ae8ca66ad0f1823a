"""`vidtask sprint create|list`: sprints."""

from __future__ import annotations

import argparse
from datetime import date

from vidtask.cli.context import CliError, CommonOptions, Subparsers, actor, open_database


def cmd_sprint_create(args: argparse.Namespace) -> int:
    from vidtask.services.sprints import create_sprint

    db = open_database(args)
    try:
        starts, ends = date.fromisoformat(args.start), date.fromisoformat(args.end)
    except ValueError:
        raise CliError("dates are YYYY-MM-DD") from None
    info, _ = create_sprint(db, actor(args), args.name, starts, ends,
                            lease_minutes=args.lease_minutes, default_handling=args.handling)
    print(f"Created sprint {info.name!r} ({info.starts_on} – {info.ends_on}).")
    return 0


def cmd_sprint_list(args: argparse.Namespace) -> int:
    from vidtask.services.sprints import list_sprints

    db = open_database(args)
    for sprint in list_sprints(db):
        print(f"{sprint.name:<30} {sprint.starts_on} – {sprint.ends_on}  "
              f"lease {sprint.lease_minutes} min")
    return 0


def register(commands: Subparsers, common: CommonOptions) -> None:
    sprint_sub = common.group(commands, "sprint", "sprints", describe=False)
    screate = common.add(sprint_sub, "create", cmd_sprint_create, "create a sprint (admins)",
                         common.acting_as)
    screate.add_argument("name")
    screate.add_argument("--start", required=True, metavar="YYYY-MM-DD")
    screate.add_argument("--end", required=True, metavar="YYYY-MM-DD")
    screate.add_argument("--lease-minutes", type=int, default=120)
    screate.add_argument("--handling", default="H0", choices=["H0", "H1", "H2", "H3"])
    common.add(sprint_sub, "list", cmd_sprint_list, "list sprints")
