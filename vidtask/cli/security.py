"""Database security: `vidtask db init-roles` and `vidtask user add`.

Passwords are prompted (getpass) or read from stdin with --password-stdin; never an argument,
so they stay out of shell history and `ps`.
"""

from __future__ import annotations

import argparse
import getpass
import sys

from vidtask.cli.context import CliError, CommonOptions, Subparsers, open_database, optional_actor

#: `services.users.MIN_PASSWORD_LENGTH`, restated so that `--help` imports no service.
_MIN_PASSWORD = 12
#: The top-level command words `register` adds (main.py builds only those a command needs).
COMMANDS = ("db", "user")


def read_password(args: argparse.Namespace) -> str:
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        if not sys.stdin.isatty():
            raise CliError("stdin is not a terminal: type the password at a terminal, "
                           "or pass it on stdin with --password-stdin")
        password = getpass.getpass(f"Password for {args.login}: ")
        if getpass.getpass("Repeat it: ") != password:
            raise CliError("the two passwords differ; nothing was created")
    if not password:
        raise CliError("an empty password is not allowed")
    from vidtask.services.users import MIN_PASSWORD_LENGTH

    if len(password) < MIN_PASSWORD_LENGTH:
        raise CliError(f"the password needs at least {MIN_PASSWORD_LENGTH} characters; "
                       "nothing was created")
    return password


def cmd_init_roles(args: argparse.Namespace) -> int:
    from vidtask.services.users import initialise_roles

    db = open_database(args)
    initialise_roles(db, optional_actor(args))
    print(f"Group roles vidtask_specialist, vidtask_coordinator, vidtask_admin ready; "
          f"privileges granted in {db.describe()}.")
    return 0


def cmd_user_add(args: argparse.Namespace) -> int:
    from vidtask.services.users import add_user

    password = read_password(args)
    db = open_database(args)
    info, _ = add_user(db, optional_actor(args), args.login, password, role=args.role,
                       agency=args.agency, country=args.country, display_name=args.name)
    print(f"Added database login {info.login} ({info.role.value}, {info.agency}).")
    return 0


def register(commands: Subparsers, common: CommonOptions) -> None:
    who = common.acting_as
    db_sub = common.group(commands, "db", "database schema and location", describe=False)
    common.add(db_sub, "init-roles", cmd_init_roles, "PostgreSQL, the maintenance login (table "
               "owner or superuser): create the group roles vidtask_specialist, "
               "vidtask_coordinator, vidtask_admin and grant table privileges; safe to repeat, "
               "and needed again after an upgrade that adds tables (`db create` runs it)", who)
    user_sub = common.group(commands, "user", "database logins (PostgreSQL)", describe=False)
    uadd = common.add(
        user_sub, "add", cmd_user_add,
        "PostgreSQL: create a person's own database login (in the group of their role) and "
        "their participant row, in one transaction. Run it as the maintenance login (table "
        "owner or superuser; no --as needed) or as an admin's login that has CREATEROLE. "
        f"The password is prompted twice (or read with --password-stdin), needs at least "
        f"{_MIN_PASSWORD} characters, and leaves this computer only as a SCRAM verifier. "
        "Needs `vidtask db init-roles` (or `db create`) first", who)
    uadd.add_argument("login", help="the new database login: 2-63 lower-case letters, digits, "
                                    "'.', '_' or '-', starting with a letter")
    uadd.add_argument("--role", required=True, choices=["specialist", "coordinator", "admin"],
                      help="what the person may do (see README, Security)")
    uadd.add_argument("--agency", required=True, help="the person's agency")
    uadd.add_argument("--country", required=True, metavar="ISO2",
                      help="the agency's country (ISO 3166 code)")
    uadd.add_argument("--name", help="full name shown to others (default: the login)")
    uadd.add_argument("--password-stdin", action="store_true",
                      help="read the password from the first line of stdin (scripts)")
