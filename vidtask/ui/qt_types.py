"""Type aliases for Qt signatures shared by the UI's models."""

from __future__ import annotations

from typing import TypeAlias

from PySide6.QtCore import QModelIndex, QPersistentModelIndex

#: What Qt passes as a model index: overrides of rowCount/data accept either kind.
AnyIndex: TypeAlias = QModelIndex | QPersistentModelIndex
