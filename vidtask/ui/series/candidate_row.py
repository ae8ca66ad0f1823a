"""One line of "My ranking": a candidate country with its confidence and rationale.

Signals of `CandidateRow`: ``changed()`` — confidence or rationale edited;
``moveRequested(int)`` — up (-1) or down (+1); ``removeRequested()``.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QToolButton,
    QWidget,
)

from vidtask.services.assessments import CandidateInput
from vidtask.ui.common import country_text, name_widget


class CandidateRow(QWidget):
    """One ranked candidate: rank, country, confidence %, rationale, move and remove."""

    changed = Signal()
    moveRequested = Signal(int)
    removeRequested = Signal()

    def __init__(self, country: str, confidence: int, rationale: str) -> None:
        super().__init__()
        self.country = country
        self.rank = QLabel()
        self.rank.setMinimumWidth(22)
        self.label = QLabel(country_text(country))
        self.label.setMinimumWidth(130)
        self.confidence = QSpinBox()
        self.confidence.setRange(0, 100)
        self.confidence.setSuffix(" %")
        self.confidence.setValue(confidence)
        name_widget(self.confidence, f"candidateConfidence_{country}",
                    f"Confidence for {country}")
        self.rationale = QLineEdit(rationale)
        self.rationale.setPlaceholderText("Rationale: which clues, why")
        name_widget(self.rationale, f"candidateRationale_{country}", f"Rationale for {country}")
        self.up = QToolButton()
        self.up.setText("▲")
        self.up.setAccessibleName(f"Move {country} up")
        self.down = QToolButton()
        self.down.setText("▼")
        self.down.setAccessibleName(f"Move {country} down")
        self.remove = QToolButton()
        self.remove.setText("✕")
        self.remove.setAccessibleName(f"Remove {country}")
        self.remove.setToolTip("Remove from my ranking")
        # Two lines: the rationale needs the panel's full width to stay readable.
        layout = QGridLayout(self)
        layout.setContentsMargins(0, 2, 0, 2)
        layout.setVerticalSpacing(2)
        top = QHBoxLayout()
        top.addWidget(self.rank)
        top.addWidget(self.label, 1)
        top.addWidget(QLabel("confidence"))
        top.addWidget(self.confidence)
        for button in (self.up, self.down, self.remove):
            top.addWidget(button)
        layout.addLayout(top, 0, 0)
        layout.addWidget(self.rationale, 1, 0)
        self.up.clicked.connect(lambda: self.moveRequested.emit(-1))
        self.down.clicked.connect(lambda: self.moveRequested.emit(1))
        self.remove.clicked.connect(self.removeRequested)
        self.confidence.valueChanged.connect(self.changed)
        self.rationale.textChanged.connect(self.changed)

    def value(self) -> CandidateInput:
        return CandidateInput(self.country, self.confidence.value(), self.rationale.text())

