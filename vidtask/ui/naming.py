"""Give a widget its objectName and accessible name in one call (tests and screen readers)."""

from __future__ import annotations

from typing import TypeVar

from PySide6.QtWidgets import QWidget

W = TypeVar("W", bound=QWidget)


def named(widget: W, name: str, accessible: str, tooltip: str = "") -> W:
    widget.setObjectName(name)
    widget.setAccessibleName(accessible)
    if tooltip:
        widget.setToolTip(tooltip)
    return widget
