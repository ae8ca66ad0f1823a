"""The `vidtask` command: the argparse root, the options every command shares, dispatch.

Each command group lives in its own module and adds its parsers through `register()`, called
here in a fixed order (the order of `vidtask --help`). Command modules import only from
`vidtask.cli.context`, never from here. Parsing imports no SQLAlchemy, service or report
library: a command pays for what it uses, inside its handler. A command line builds only the
parsers of the modules that own its command word (each module's `COMMANDS`); `--help`, no
command or an unknown word builds them all.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence

from vidtask import __version__
from vidtask.cli import (
    appeals,
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
    tips,
)
from vidtask.cli.context import CommonOptions

ENV_DEBUG = "VIDTASK_DEBUG"

#: In `vidtask --help` order.
COMMAND_MODULES = (gui, demo, db, doctor, series, claims, clues, assessments, review, comments,
                   stats, people, sprints, narrow, packets, security, report, intake, appeals,
                   tips)


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The whole parser; given `argv`, only the command groups its command word needs."""
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
    word = None if argv is None else command_word(argv)
    owners = [m for m in COMMAND_MODULES if word in m.COMMANDS] or COMMAND_MODULES
    for module in owners:
        module.register(commands, common)
    return parser


_VALUED_OPTIONS = ("--database",)
_ROOT_OPTIONS = ("--database", "--debug", "--help", "--version")


def command_word(argv: Sequence[str]) -> str | None:
    """The command word of a command line (`db` in `--database X db info`), None if unsure."""
    tokens = iter(argv)
    for token in tokens:
        if token in {"-h", "--"}:
            return None
        if token.startswith("--") and "=" not in token:
            matches = [o for o in _ROOT_OPTIONS if o.startswith(token)]  # argparse abbreviates
            if len(matches) != 1 or matches[0] == "--help":
                return None
            if matches[0] in _VALUED_OPTIONS:
                next(tokens, None)
            continue
        if token.startswith("-"):
            continue
        return token
    return None


def main(argv: Sequence[str] | None = None,
         gui: Callable[[str | None], int] | None = None) -> int:
    """Run one command. `gui` starts the window (given by vidtask.launcher, above the UI)."""
    argv = sys.argv[1:] if argv is None else list(argv)
    args = build_parser(argv).parse_args(argv)
    from vidtask.cli.failures import configure_logging, report_failure  # not for --help

    args.gui = gui
    debug = bool(args.debug) or os.environ.get(ENV_DEBUG, "") not in {"", "0"}
    log_file = configure_logging()
    try:
        return int(args.handler(args))
    except BaseException as exc:  # the one place where every failure becomes one line
        if isinstance(exc, SystemExit | GeneratorExit):
            raise
        return report_failure(exc, command=args.command, debug=debug, log_file=log_file)
