"""`vidtask db create`, `db upgrade` and `db info`: making, migrating and describing a database."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from vidtask.cli.context import CommonOptions, Subparsers, open_database, print_json

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from vidtask.db.engine import Database

#: The top-level command words `register` adds (main.py builds only those a command needs).
COMMANDS = ("db",)


def cmd_db_upgrade(args: argparse.Namespace) -> int:
    from vidtask.db.migrate import current_revision

    db = open_database(args)
    print(f"{db.describe()} is at schema revision {current_revision(db)} (newest).")
    return 0


def cmd_db_create(args: argparse.Namespace) -> int:
    from vidtask.config import masked_url, resolve_settings
    from vidtask.services.setup import create_database

    url = args.url or resolve_settings(args.database).database_url
    db, created = create_database(url)
    db.dispose()
    if created.login is None:
        print(f"Created a new database at {db.sqlite_path}.")
        where = "" if url == resolve_settings(args.database).database_url else \
            f" (use it with --database {masked_url(url)} or VIDTASK_DATABASE_URL)"
        print("Next: add the first person, who becomes its admin: `vidtask participant add "
              f"LOGIN --name \"FULL NAME\"`{where}.")
        return 0
    made = "Created" if created.new_database else "Set up"
    print(f"{made} {created.description} with the newest schema.")
    if created.roles_ready:
        print("Group roles vidtask_specialist, vidtask_coordinator, vidtask_admin ready.")
        print(f"Next, still as {created.login}: `vidtask user add LOGIN --role admin --agency A "
              "--country CC` for the first admin, then each person's own login; everybody "
              "works with their own login, never this one.")
    else:
        print(f"{created.login} is not the table owner or a superuser: the group roles were "
              "not set up (the maintenance login runs `vidtask db init-roles`).")
    return 0


def cmd_db_info(args: argparse.Namespace) -> int:
    from sqlalchemy import func, select

    from vidtask.config import resolve_settings
    from vidtask.db.engine import Database
    from vidtask.db.migrate import current_revision, head_revision
    from vidtask.db.models import Event, Participant, Series, Sprint

    settings = resolve_settings(args.database)
    db = Database(settings.database_url, create=False)
    current, head = current_revision(db), head_revision(db)
    info: dict[str, Any] = {"database": str(db.describe()), "url_from": settings.source,
                            "schema_revision": current, "newest_revision": head}
    if current is not None:
        with db.read() as session:
            for name, model in (("sprints", Sprint), ("participants", Participant),
                                ("series", Series), ("events", Event)):
                info[name] = session.scalar(select(func.count()).select_from(model))
            if db.is_postgresql:
                info["signed_in_as"] = _who(db, session)
    if args.json:
        print_json(info)
    else:
        width = max(len(k) for k in info)
        for key, value in info.items():
            print(f"{key.replace('_', ' '):<{width}}  {value if value is not None else '(none)'}")
        if current != head:
            print("run `vidtask db upgrade` (the app also upgrades at start).")
    return 0


def _who(db: Database, session: Session) -> str:
    """PostgreSQL: the login, and what it is in the sprint."""
    from sqlalchemy import select

    from vidtask.db.models import Participant
    from vidtask.db.roles import signed_in

    me = signed_in(db, session)
    assert me is not None
    if me.maintenance:
        return f"{me.login} (the maintenance login: table owner or superuser)"
    role = session.scalar(select(Participant.role).where(Participant.login == me.login))
    return f"{me.login} ({role})" if role else f"{me.login} (not a participant yet)"


def register(commands: Subparsers, common: CommonOptions) -> None:
    db_sub = common.group(commands, "db", "database schema and location", describe=False)
    create = common.add(
        db_sub, "create", cmd_db_create,
        "make a new, empty database with the newest schema (the only command besides `demo` "
        "that makes a SQLite file away from the default location). SQLite: the file and its "
        "folders are made; an existing file is refused. PostgreSQL: the database is made on the "
        "server if missing (the login needs CREATEDB), and the maintenance login (table owner "
        "or superuser) also sets up the group roles. Next: the first person, who becomes admin")
    create.add_argument("url", nargs="?", metavar="URL",
                        help="sqlite:///PATH (four slashes for an absolute path: "
                        "sqlite:////home/me/x.sqlite3) or postgresql://USER@HOST/DB; "
                        "default: --database, $VIDTASK_DATABASE_URL, the config file, or "
                        "the default location")
    common.add(db_sub, "upgrade", cmd_db_upgrade, "migrate the database to the newest schema")
    info = common.add(db_sub, "info", cmd_db_info,
                      "show which database is used and what it holds")
    info.add_argument("--json", action="store_true")
