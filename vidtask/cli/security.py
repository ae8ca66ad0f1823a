"""Database security: `vidtask db init-roles` and `vidtask user add`.

Passwords are prompted (getpass) or read from stdin with --password-stdin; never an argument,
so they stay out of shell history and `ps`.
"""

from __future__ import annotations

import argparse
import getpass
import sys

from vidtask.cli.context import CliError, CommonOptions, Subparsers, open_database, optional_actor

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
    common.add(db_sub, "init-roles", cmd_init_roles, "admins (PostgreSQL): create the group "
               "roles and grant table privileges; safe to repeat", who)
    user_sub = common.group(commands, "user", "database logins (PostgreSQL)", describe=False)
    uadd = common.add(user_sub, "add", cmd_user_add, "admins: create a person's database login "
                      "and participant row; the password is prompted", who)
    uadd.add_argument("login")
    uadd.add_argument("--role", required=True, choices=["specialist", "coordinator", "admin"])
    uadd.add_argument("--agency", required=True)
    uadd.add_argument("--country", required=True, metavar="ISO2")
    uadd.add_argument("--name", help="display name (default: the login)")
    uadd.add_argument("--password-stdin", action="store_true",
                      help="read the password from the first line of stdin")
