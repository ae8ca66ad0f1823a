"""`vidtask participant add|list`: the people taking part."""

from __future__ import annotations

import argparse

from vidtask.cli.context import (
    CommonOptions,
    Subparsers,
    csv_codes,
    open_database,
    optional_actor,
    print_json,
)

#: The top-level command words `register` adds (main.py builds only those a command needs).
COMMANDS = ("participant",)


def cmd_participant_add(args: argparse.Namespace) -> int:
    from vidtask.services.participants import add_participant

    db = open_database(args)
    languages = tuple(csv_codes(args.languages))
    info, _ = add_participant(db, optional_actor(args), args.login, args.name, role=args.role,
                              agency=args.agency or "", country=args.country,
                              languages=languages)
    print(f"Added {info.login} ({info.role.value}).")
    return 0


def cmd_participant_list(args: argparse.Namespace) -> int:
    from vidtask.services.participants import list_participants

    db = open_database(args)
    people = list_participants(db)
    if args.json:
        from dataclasses import asdict

        print_json([asdict(p) for p in people])
        return 0
    for person in people:
        print(f"{person.login:<24} {person.role.value:<12} {person.country or '--':<3} "
              f"{person.display_name} — {person.agency}")
    return 0


def register(commands: Subparsers, common: CommonOptions) -> None:
    person_sub = common.group(commands, "participant", "people taking part", describe=False)
    padd = common.add(person_sub, "add", cmd_participant_add, "add a participant (admins)",
                      common.acting_as)
    padd.add_argument("login")
    padd.add_argument("--name", required=True)
    padd.add_argument("--role", default="specialist",
                      choices=["specialist", "coordinator", "admin"])
    padd.add_argument("--agency")
    padd.add_argument("--country", metavar="ISO2")
    padd.add_argument("--languages", metavar="LL,LL")
    plist = common.add(person_sub, "list", cmd_participant_list, "list participants")
    plist.add_argument("--json", action="store_true")
