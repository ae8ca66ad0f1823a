"""`vidtask report`: the end-of-sprint summary PDF for the press office (no Qt involved)."""

from __future__ import annotations

import argparse
from pathlib import Path

from vidtask.cli.context import CliError, CommonOptions, Subparsers, open_database, sprint_id

#: The top-level command words `register` adds (main.py builds only those a command needs).
COMMANDS = ("report",)


def cmd_report(args: argparse.Namespace) -> int:
    from vidtask.services.report import export_sprint_report

    out = Path(args.out).expanduser()
    if out.is_dir():
        raise CliError(f"{out} is a folder; give a file name such as {out / 'report.pdf'}")
    if not out.parent.exists():
        raise CliError(f"folder {out.parent} does not exist")
    db = open_database(args)
    try:
        export_sprint_report(db, sprint_id(db, args), out)
    except OSError as exc:
        raise CliError(f"cannot write {out}: {exc.strerror or exc}") from exc
    print(f"Wrote the sprint summary to {out}.")
    return 0


def register(commands: Subparsers, common: CommonOptions) -> None:
    report = common.add(commands, "report", cmd_report,
                        "write the end-of-sprint summary PDF (press office)")
    report.add_argument("--out", required=True, metavar="FILE.pdf", help="where to write it")
