"""No module of vidtask/ui over 400 lines (issue 18): a screen that grows past it is split into
modules with one job each, not allowed to become the next MainWindow."""

from __future__ import annotations

from pathlib import Path

import vidtask.ui

LIMIT = 400
UI = Path(vidtask.ui.__file__).parent


def test_no_ui_module_is_over_400_lines() -> None:
    lengths = {path.relative_to(UI.parent.parent).as_posix():
               len(path.read_text(encoding="utf-8").splitlines())
               for path in UI.rglob("*.py")}
    assert len(lengths) > 50  # the ui package was found
    over = {name: n for name, n in sorted(lengths.items()) if n > LIMIT}
    assert not over, f"UI modules over {LIMIT} lines (split them): {over}"
