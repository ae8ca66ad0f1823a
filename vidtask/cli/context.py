"""What every command module shares: the one-line error, the database, the actor, the sprint.

Command modules import from here and never from `vidtask.cli.main` (import-linter holds it).
Nothing here imports SQLAlchemy, a service or even the config (platformdirs) at module level:
building the parser and `vidtask --help` stay quick.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from datetime import datetime

    from vidtask.db.engine import Database

EXIT_ERROR = 1
EXIT_USAGE = 2
ENV_USER = "VIDTASK_USER"
#: `vidtask export …` holds commands from several modules (packets, VICS).
EXPORT_GROUP_HELP = "write files for others: packets, VICS"

Handler = Callable[[argparse.Namespace], int]
#: What `ArgumentParser.add_subparsers()` returns (argparse keeps the class private).
Subparsers = Any


class CliError(Exception):
    """A user mistake the CLI reports in one line."""


class CommonOptions:
    """The option groups commands share, and the one way to add a command or a command group.

    `database_and_sprint` (`--database`, `--sprint`) goes on every command; `acting_as`
    (`--as LOGIN`) on commands that act as somebody. (A plain class: `dataclasses` would cost
    `vidtask --help` ~8 ms of imports.)
    """

    def __init__(self, database_and_sprint: argparse.ArgumentParser,
                 acting_as: argparse.ArgumentParser) -> None:
        self.database_and_sprint = database_and_sprint
        self.acting_as = acting_as
        self._groups: dict[str, Subparsers] = {}

    def add(self, into: Subparsers, name: str, handler: Handler, help_text: str,
            *parents: argparse.ArgumentParser) -> argparse.ArgumentParser:
        sub: argparse.ArgumentParser = into.add_parser(
            name, help=help_text, description=help_text,
            parents=[self.database_and_sprint, *parents])
        sub.set_defaults(handler=handler, command=sub.prog.partition(" ")[2])
        return sub

    def group(self, commands: Subparsers, name: str, help_text: str, *,
              describe: bool = True) -> Subparsers:
        """The sub-command group `name` (e.g. `export`), created once and shared by modules."""
        if name not in self._groups:
            extra = {"description": help_text} if describe else {}
            parser = commands.add_parser(name, help=help_text, **extra)
            self._groups[name] = parser.add_subparsers(title=f"{name} commands",
                                                       metavar="COMMAND", required=True)
        return self._groups[name]


#: Where `open_database` keeps the Database on the parsed options (`actor` asks it who is in).
_DATABASE_ATTRIBUTE = "_vidtask_database"


def open_database(args: argparse.Namespace, *, create: bool = False) -> Database:
    """The database the options name, migrated to the newest schema.

    A SQLite file is made only at the default location or when `create` (`db create`, `demo`):
    anywhere else a missing file is one sentence and nothing is created, folders included.
    A new file is announced on stderr (stdout may be JSON).
    """
    import sys

    from vidtask.config import resolve_settings
    from vidtask.db.engine import Database
    from vidtask.db.migrate import upgrade

    settings = resolve_settings(args.database)
    db = Database(settings.database_url, create=create or settings.is_default_location)
    upgrade(db)
    if db.created:
        print(f"Created a new database at {db.sqlite_path}.", file=sys.stderr)
    setattr(args, _DATABASE_ATTRIBUTE, db)
    return db


def actor(args: argparse.Namespace) -> str:
    """Who is acting; CliError when nobody can be named.

    PostgreSQL, a personal login: that login (a contradicting `--as`/`$VIDTASK_USER` is
    refused; a login without a participant row gets the admin command that adds it).
    PostgreSQL, the maintenance login (table owner or superuser): `--as LOGIN`, recorded in the
    event log as entered by the maintenance login. SQLite: `--as`, else `$VIDTASK_USER`, else
    the identity remembered in the config file.
    """
    login = _acting(args, required=True)
    assert login is not None
    return login


def optional_actor(args: argparse.Namespace) -> str | None:
    """Like `actor`, but None when nobody is named: the bootstrap of an empty SQLite database,
    or the PostgreSQL maintenance login acting as itself (init-roles, user add)."""
    return _acting(args, required=False)


def _acting(args: argparse.Namespace, *, required: bool) -> str | None:
    given = getattr(args, "as_login", None)
    env = os.environ.get(ENV_USER) or None
    db: Database = getattr(args, _DATABASE_ATTRIBUTE, None) or open_database(args)
    if db.is_postgresql:
        return _postgresql_actor(db, given, env, required=required)
    from vidtask.config import resolve_settings

    login = given or env or (resolve_settings(args.database).identity if required else None)
    if not login and required:
        raise CliError("say who you are: --as LOGIN (or set VIDTASK_USER); "
                       "`vidtask participant list` shows the logins")
    return str(login) if login else None


def _postgresql_actor(db: Database, given: str | None, env: str | None, *,
                      required: bool) -> str | None:
    from vidtask.db.roles import signed_in

    with db.read() as session:
        me = signed_in(db, session)
    assert me is not None
    if me.maintenance:
        named = given or env
        if named == me.login:  # the maintenance login is nobody in the sprint
            named = None
        if named is None and required:
            raise CliError(
                f"{me.login} is the maintenance login (it owns the tables), not a person in "
                "the sprint: sign in with your own login, or name who you enter this for "
                f"with --as LOGIN (the log records that {me.login} entered it)")
        return named
    for source, value in (("--as", given), (ENV_USER, env)):
        if value and value != me.login:
            raise CliError(f"you are signed in to the database as {me.login}, and on "
                           f"PostgreSQL your login says who you are: {source} {value} "
                           f"contradicts it (leave {source} out)")
    _require_participant(db, me.login)
    return me.login


def _require_participant(db: Database, login: str) -> None:
    from vidtask.domain.errors import NotFound
    from vidtask.services.participants import get_participant

    try:
        person = get_participant(db, login)
    except NotFound:
        raise CliError(f"the database login {login} is not a participant of this sprint "
                       f"database yet; an admin adds it with `vidtask participant add {login} "
                       "--name \"FULL NAME\" --role ROLE --agency AGENCY`") from None
    if not person.active:
        raise CliError(f"{login} is deactivated in this database; ask an admin")


def sprint_id(db: Database, args: argparse.Namespace) -> int:
    """`--sprint NAME`, or the most recent sprint."""
    from vidtask.services.lookup import sprint_id_by_name

    return sprint_id_by_name(db, getattr(args, "sprint", None))


def series_id(db: Database, args: argparse.Namespace, code: str) -> int:
    """The id of the series `code` in the sprint the options name."""
    from vidtask.services.lookup import series_id_by_code

    return series_id_by_code(db, sprint_id(db, args), code)


def print_json(value: Any) -> None:
    import json

    print(json.dumps(value, indent=2, ensure_ascii=False, default=_json_default))


def _json_default(value: object) -> object:
    from datetime import date, datetime

    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, frozenset | set | tuple):
        return list(value)
    raise TypeError(type(value).__name__)


def lease_left(expires_at: datetime | None) -> str:
    """Time left on a lease: "1h05m left", "expired", or "" without one."""
    from datetime import UTC, datetime

    if expires_at is None:
        return ""
    minutes = int((expires_at - datetime.now(UTC)).total_seconds() // 60)
    return "expired" if minutes < 0 else f"{minutes // 60}h{minutes % 60:02d}m left"


def csv_codes(text: str | None) -> list[str]:
    return [part.strip() for part in (text or "").split(",") if part.strip()]
