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
        text = (f"vidtask: the window cannot open. {check.finding}\nfix: {check.fix}\n"
                "(`vidtask doctor` checks everything; the command line works without a window.)")
        print(text, file=sys.stderr)
        if not sys.stderr.isatty():  # started from a desktop menu: nobody reads stderr
            _tell_without_qt(text)
        return 1
    from vidtask.ui.app import run_gui

    return run_gui(database_url)


def main(argv: Sequence[str] | None = None) -> int:
    return run_cli(argv, gui=_run_gui)


#: Dialog tools that need no Qt, tried in order when the window cannot open.
_DIALOG_TOOLS = (("zenity", "--error", "--no-markup", "--title=vidtask", "--text"),
                 ("kdialog", "--title", "vidtask", "--error"), ("xmessage", "-center"))


def _tell_without_qt(text: str) -> None:
    import os
    import shutil
    import subprocess

    if not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        return
    for tool, *options in _DIALOG_TOOLS:
        found = shutil.which(tool)
        if found:
            try:
                subprocess.run([found, *options, text], timeout=600, check=False,
                               capture_output=True)
            except (OSError, subprocess.SubprocessError):
                continue
            return
