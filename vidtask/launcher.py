"""Entry point of the `vidtask` command: the CLI, with the GUI plugged in from above.

It sits above both `ui` and `cli` so that the CLI never imports Qt itself; the window is only
loaded when asked for.
"""

from __future__ import annotations

from collections.abc import Sequence

from vidtask.cli.main import main as run_cli


def _run_gui(database_url: str | None) -> int:
    """The window, after the doctor's Qt check: a missing system library is named in one
    sentence with its fix, instead of Qt's abort (which names at most one of them)."""
    import sys

    from vidtask.services.doctor import qt_platform

    check = qt_platform()
    if not check.ok:
        print(f"vidtask: the window cannot open. {check.finding}\nfix: {check.fix}\n"
              "(`vidtask doctor` checks everything; the command line works without a window.)",
              file=sys.stderr)
        return 1
    from vidtask.ui.app import run_gui

    return run_gui(database_url)


def main(argv: Sequence[str] | None = None) -> int:
    return run_cli(argv, gui=_run_gui)
