"""The `vidtask` command: the argparse root, the options every command shares, dispatch.

Each command group lives in its own module and adds its parsers through `register()`, called
here in a fixed order (the order of `vidtask --help`). Command modules import only from
`vidtask.cli.context`, never from here. Parsing imports no SQLAlchemy, service or report
library: a command pays for what it uses, inside its handler.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable, Sequence

from vidtask import __version__
from vidtask.cli import (
    assessments,
    claims,
    clues,
    comments,
    db,
    demo,
    doctor,
    gui,
    intake,
    narrow,
    packets,
    people,
    report,
    review,
    security,
    series,
    sprints,
    stats,
)
from vidtask.cli.context import CommonOptions
from vidtask.cli.failures import configure_logging, report_failure

ENV_DEBUG = "VIDTASK_DEBUG"

#: In `vidtask --help` order.
COMMAND_MODULES = (gui, demo, db, doctor, series, claims, clues, assessments, review, comments, stats,
                   people, sprints, narrow, packets, security, report, intake)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="vidtask", description="Victim-identification taskforce sprints: claim series, "
        "record location clues, assess countries. Run without a command to open the window.")
    parser.add_argument("--version", action="version", version=f"vidtask {__version__}")
    database_and_sprint = argparse.ArgumentParser(add_help=False)
    # SUPPRESS: a subcommand's missing --database must not clobber one given before it.
    database_and_sprint.add_argument(
        "--database", metavar="URL", default=argparse.SUPPRESS,
        help="database URL (sqlite:///PATH or postgresql://USER@HOST/DB); default: "
        "$VIDTASK_DATABASE_URL, the config file, or SQLite in the user data dir")
    database_and_sprint.add_argument("--sprint", metavar="NAME", default=argparse.SUPPRESS,
                                     help="sprint (default: the most recent)")
    acting_as = argparse.ArgumentParser(add_help=False)
    acting_as.add_argument("--as", dest="as_login", metavar="LOGIN",
                           help="who is acting (default: $VIDTASK_USER or the config identity)")
    parser.add_argument("--database", metavar="URL", help="database URL (also after a command)")
    parser.add_argument("--debug", action="store_true",
                        help=f"print the traceback of an unexpected error (or set {ENV_DEBUG}=1)")
    parser.set_defaults(handler=gui.cmd_gui, command="gui", sprint=None)
    commands = parser.add_subparsers(title="commands", metavar="COMMAND")
    common = CommonOptions(database_and_sprint, acting_as)
    for module in COMMAND_MODULES:
        module.register(commands, common)
    return parser


def main(argv: Sequence[str] | None = None,
         gui: Callable[[str | None], int] | None = None) -> int:
    """Run one command. `gui` starts the window (given by vidtask.launcher, above the UI)."""
    args = build_parser().parse_args(argv)
    args.gui = gui
    debug = bool(args.debug) or os.environ.get(ENV_DEBUG, "") not in {"", "0"}
    log_file = configure_logging()
    try:
        return int(args.handler(args))
    except BaseException as exc:  # the one place where every failure becomes one line
        if isinstance(exc, SystemExit | GeneratorExit):
            raise
        return report_failure(exc, command=args.command, debug=debug, log_file=log_file)
