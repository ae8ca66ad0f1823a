"""`vidtask doctor`: check this computer can run vidtask, and say what to do where it cannot."""

from __future__ import annotations

import argparse

from vidtask.cli.context import CommonOptions, Subparsers, print_json

#: The top-level command words `register` adds (main.py builds only those a command needs).
COMMANDS = ("doctor",)

_MARK = {"ok": "ok", "warning": "warning", "failed": "FAILED"}


def cmd_doctor(args: argparse.Namespace) -> int:
    from dataclasses import asdict

    from vidtask.services.doctor import Status, run_all

    checks = run_all(args.database, start_qt=not args.no_qt_start)
    if args.json:
        print_json([{**asdict(c), "status": c.status.value} for c in checks])
    else:
        for check in checks:
            print(f"{_MARK[check.status.value]:<8} {check.name}: {check.finding}")
            if check.fix and not check.ok:
                print(f"{'':<8} fix: {check.fix}")
    failed = [c for c in checks if c.status is Status.FAILED]
    if not args.json:
        count = f"{len(failed)} problem stops" if len(failed) == 1 else \
            f"{len(failed)} problems stop"
        print(f"{count} vidtask working here." if failed else "vidtask can run here.")
    return 1 if failed else 0


def register(commands: Subparsers, common: CommonOptions) -> None:
    doctor = common.add(
        commands, "doctor", cmd_doctor,
        "check this computer can run vidtask: the Qt platform plugin and every system "
        "library it lacks (with the package to install), the database, keyring and fonts; "
        "the fix for each problem; exit code 1 when something stops vidtask working; "
        "creates nothing")
    doctor.add_argument("--json", action="store_true")
    doctor.add_argument("--no-qt-start", action="store_true",
                        help="only read the plugin's libraries; do not start Qt in a child "
                        "process to confirm")
