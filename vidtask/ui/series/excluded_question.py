"""The question asked before ranking a country the clues rule out (Cancel is the default)."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox, QWidget


def ask_rank_excluded(parent: QWidget, message: str) -> bool:
    """Ask before ranking a country the clues rule out; Cancel is the default."""
    box = QMessageBox(QMessageBox.Icon.Warning, "Rank a country the clues rule out?",
                      message, QMessageBox.StandardButton.Cancel, parent)
    box.setObjectName("excludedCandidateQuestion")
    box.setAccessibleName("Rank a country the clues rule out?")
    box.setInformativeText("You may know more than the clues recorded; if so, say why in "
                           "the rationale. Otherwise check the clues first.")
    rank = box.addButton("Rank it anyway", QMessageBox.ButtonRole.AcceptRole)
    rank.setObjectName("rankAnywayButton")
    box.setDefaultButton(QMessageBox.StandardButton.Cancel)
    box.setEscapeButton(QMessageBox.StandardButton.Cancel)
    box.exec()
    return box.clickedButton() is rank
