"""`vidtask db upgrade` and `vidtask db info`: the database's schema and location."""

from __future__ import annotations

import argparse
from typing import Any

from vidtask.cli.context import CommonOptions, Subparsers, open_database, print_json

#: The top-level command words `register` adds (main.py builds only those a command needs).
COMMANDS = ("db",)


def cmd_db_upgrade(args: argparse.Namespace) -> int:
    from vidtask.db.migrate import current_revision

    db = open_database(args)
    print(f"{db.describe()} is at schema revision {current_revision(db)} (newest).")
    return 0


def cmd_db_info(args: argparse.Namespace) -> int:
    from sqlalchemy import func, select

    from vidtask.config import resolve_settings
    from vidtask.db.engine import Database
    from vidtask.db.migrate import current_revision, head_revision
    from vidtask.db.models import Event, Participant, Series, Sprint

    settings = resolve_settings(args.database)
    db = Database(settings.database_url)
    current, head = current_revision(db), head_revision(db)
    info: dict[str, Any] = {"database": str(db.describe()), "url_from": settings.source,
                            "schema_revision": current, "newest_revision": head}
    if current is not None:
        with db.read() as session:
            for name, model in (("sprints", Sprint), ("participants", Participant),
                                ("series", Series), ("events", Event)):
                info[name] = session.scalar(select(func.count()).select_from(model))
    if args.json:
        print_json(info)
    else:
        width = max(len(k) for k in info)
        for key, value in info.items():
            print(f"{key.replace('_', ' '):<{width}}  {value if value is not None else '(none)'}")
        if current != head:
            print("run `vidtask db upgrade` (the app also upgrades at start).")
    return 0


def register(commands: Subparsers, common: CommonOptions) -> None:
    db_sub = common.group(commands, "db", "database schema and location", describe=False)
    common.add(db_sub, "upgrade", cmd_db_upgrade, "migrate the database to the newest schema")
    info = common.add(db_sub, "info", cmd_db_info,
                      "show which database is used and what it holds")
    info.add_argument("--json", action="store_true")
