"""`vidtask gui` (and bare `vidtask`): the desktop window, plugged in by `vidtask.launcher`.

The CLI never imports Qt: the launcher, above both, hands the window in as `args.gui`.
"""

from __future__ import annotations

import argparse

from vidtask.cli.context import CliError, CommonOptions, Subparsers

#: The top-level command words `register` adds (main.py builds only those a command needs).
COMMANDS = ("gui",)


def cmd_gui(args: argparse.Namespace) -> int:
    if args.gui is None:
        raise CliError("this entry point has no desktop window; run `vidtask` instead")
    try:
        return int(args.gui(args.database))
    except ImportError as exc:
        raise CliError(f"the desktop window needs PySide6 ({exc})") from exc


def register(commands: Subparsers, common: CommonOptions) -> None:
    common.add(commands, "gui", cmd_gui, "open the desktop window")
