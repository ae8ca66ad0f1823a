"""Screenshots for the record: `VIDTASK_SCREENS=/some/folder pytest tests/ui/...` saves them
(offscreen `widget.grab()`); without the variable nothing is written."""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtWidgets import QWidget


def save_screen(widget: QWidget, name: str) -> None:
    folder = os.environ.get("VIDTASK_SCREENS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        widget.grab().save(str(Path(folder) / name))
