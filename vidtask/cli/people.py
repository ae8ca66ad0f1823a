"""`vidtask participant add|list`: the people taking part."""

from __future__ import annotations

import argparse

from vidtask.cli.context import (
    CliError,
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
    from vidtask.domain.enums import Role
    from vidtask.services.participants import FIRST_PERSON_IS_ADMIN, add_participant, is_empty

    db = open_database(args)
    who = optional_actor(args)
    if who is None and not db.is_postgresql and not is_empty(db):
        raise CliError("once anyone exists, an admin adds people: say which admin you are "
                       "with --as ADMIN (`vidtask participant list` shows the admins)")
    languages = tuple(csv_codes(args.languages))
    info, _ = add_participant(db, who, args.login, args.name, role=args.role,
                              agency=args.agency or "", country=args.country,
                              languages=languages)
    if args.role is None and info.role is Role.ADMIN:
        print(f"Added {info.login} as admin: {FIRST_PERSON_IS_ADMIN}.")
    else:
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
    padd = common.add(
        person_sub, "add", cmd_participant_add,
        "add a person (admins). The first person in an empty database needs no --as and "
        "becomes its admin; after that an admin adds people (--as ADMIN on SQLite; on "
        "PostgreSQL an admin's own login, or the maintenance login). On PostgreSQL this adds "
        "the participant row for an existing database login; `vidtask user add` makes both",
        common.acting_as)
    padd.add_argument("login", help="2-63 lower-case letters, digits, '.', '_' or '-', starting "
                                    "with a letter (on PostgreSQL: the person's database login)")
    padd.add_argument("--name", required=True, help="full name shown to others")
    padd.add_argument("--role", default=None, choices=["specialist", "coordinator", "admin"],
                      help="default: specialist (the first person: admin, and only admin)")
    padd.add_argument("--agency", help="the person's agency, shown beside their name")
    padd.add_argument("--country", metavar="ISO2", help="the agency's country (ISO 3166 code)")
    padd.add_argument("--languages", metavar="LL,LL", help="languages they read (ISO 639-1)")
    plist = common.add(person_sub, "list", cmd_participant_list, "list participants")
    plist.add_argument("--json", action="store_true")
