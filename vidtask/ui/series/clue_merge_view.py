"""The clue editor's merge view: someone else saved the clue first; their version beside mine,
with Use theirs, Add their text to mine, Keep mine (the editor does what each button says).
"""

from __future__ import annotations

import html

from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
)

from vidtask.domain.enums import ClueCategory
from vidtask.domain.vocabulary import describe_value
from vidtask.services.series_detail import ClueInfo
from vidtask.ui.common import country_text, local_time, name_widget


def saved_by(clue: ClueInfo) -> str:
    """Who last saved the clue, as people know them."""
    return clue.updated_by_name or clue.updated_by


class ClueMergeView(QGroupBox):
    def __init__(self) -> None:
        super().__init__("Someone else saved this clue first — merge")
        name_widget(self, "clueMergeView", "Other person's version of the clue")
        self.info = QLabel()
        self.info.setWordWrap(True)
        self.their_text = QPlainTextEdit()
        self.their_text.setReadOnly(True)
        name_widget(self.their_text, "theirDescription", "Their description")
        self.use_theirs = QPushButton("Use their version")
        name_widget(self.use_theirs, "useTheirsButton", "Use their version")
        self.append_theirs = QPushButton("Add their text to mine")
        name_widget(self.append_theirs, "appendTheirsButton", "Add their text to mine")
        self.keep_mine = QPushButton("Keep mine (save over theirs)")
        name_widget(self.keep_mine, "keepMineButton", "Keep my version")
        layout = QVBoxLayout(self)
        layout.addWidget(self.info)
        layout.addWidget(self.their_text)
        buttons = QHBoxLayout()
        for button in self.buttons():
            buttons.addWidget(button)
        layout.addLayout(buttons)
        self.hide()

    def buttons(self) -> tuple[QPushButton, QPushButton, QPushButton]:
        return self.use_theirs, self.append_theirs, self.keep_mine

    def show_theirs(self, theirs: ClueInfo) -> None:
        """Their version: who saved it when, its fields, their description."""
        supports = ", ".join(country_text(c, with_name=False) for c in theirs.supports) or "—"
        excludes = ", ".join(country_text(c, with_name=False) for c in theirs.excludes) or "—"
        value = describe_value(theirs.kind, theirs.value) or "free clue"
        self.info.setText(
            f"<b>{html.escape(saved_by(theirs))}</b> saved version {theirs.version} at "
            f"{local_time(theirs.updated_at)}. Your text is kept on the left; nothing was "
            f"overwritten.<br>Their category: {ClueCategory(theirs.category).label} · "
            f"{value} · confidence {theirs.confidence}<br>Supports {supports} · excludes "
            f"{excludes}")
        self.their_text.setPlainText(theirs.description)
        self.show()
