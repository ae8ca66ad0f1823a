"""The review queue's three decisions as controls: the candidate countries to tick and Confirm
(with the four-eyes note when this coordinator may not), a comment and Send back, a reason and
Eliminate. Each button is enabled only when its decision can be made.

Not a widget of its own: `grid` is the layout the queue puts under the evidence. The queue
connects the buttons and decides; `edited()` is emitted when a tick, comment or reason changes.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
)

from vidtask.domain.countries_basic import country_label
from vidtask.services.review import ReviewItem
from vidtask.ui.naming import named

ELIMINATION_REASONS = ("too widespread", "already identified", "not enough to go on",
                       "duplicate of another series")
NO_COMMENT_TIP = "Write a comment first: the assessor needs to know what to do next."
NO_REASON_TIP = "Give a reason first, e.g. “too widespread”."


def four_eyes_reason(item: ReviewItem, login: str) -> str:
    return (f"Four-eyes rule: you ({login}) proposed or ranked {item.code}, so another "
            "coordinator must confirm it.")


class DecisionControls(QObject):
    edited = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.countries = named(QListWidget(), "confirmCountries",
                               "Candidate countries to confirm")
        self.countries.setMaximumHeight(96)
        self.countries.itemChanged.connect(lambda _item: self.edited.emit())
        self.confirm_button = named(QPushButton("&Confirm"), "confirmButton",
                                    "Confirm the checked countries")
        self.four_eyes = named(QLabel(), "fourEyesNote", "Why confirming is not possible")
        self.four_eyes.setWordWrap(True)
        self.four_eyes.setStyleSheet("color: #8a5a00")
        self.comment = named(QLineEdit(), "sendBackComment", "Comment for the assessor")
        self.comment.setPlaceholderText("What needs more work?")
        self.comment.textChanged.connect(lambda _t: self.edited.emit())
        self.send_back_button = named(QPushButton("Send &back"), "sendBackButton",
                                      "Send the series back for more work")
        self.reason = named(QComboBox(), "eliminateReason", "Reason for eliminating")
        self.reason.setEditable(True)
        self.reason.addItems(["", *ELIMINATION_REASONS])
        self.reason.setCurrentIndex(0)
        line = self.reason.lineEdit()
        assert line is not None
        line.setPlaceholderText("Why eliminate? e.g. too widespread")
        self.reason.currentTextChanged.connect(lambda _t: self.edited.emit())
        self.eliminate_button = named(QPushButton("&Eliminate"), "eliminateButton",
                                      "Eliminate the series without a country")
        grid = self.grid = QGridLayout()
        grid.addWidget(QLabel("Confirm for:"), 0, 0, Qt.AlignmentFlag.AlignTop)
        grid.addWidget(self.countries, 0, 1)
        grid.addWidget(self.confirm_button, 0, 2, Qt.AlignmentFlag.AlignTop)
        grid.addWidget(self.four_eyes, 1, 1, 1, 2)
        grid.addWidget(QLabel("Comment:"), 2, 0)
        grid.addWidget(self.comment, 2, 1)
        grid.addWidget(self.send_back_button, 2, 2)
        grid.addWidget(QLabel("Reason:"), 3, 0)
        grid.addWidget(self.reason, 3, 1)
        grid.addWidget(self.eliminate_button, 3, 2)
        grid.setColumnStretch(1, 1)

    def clear(self) -> None:
        self.countries.clear()

    def offer(self, item: ReviewItem) -> None:
        """A new series: its candidates, none ticked; comment and reason emptied."""
        self.countries.blockSignals(True)
        self.countries.clear()
        for candidate in item.candidates:
            entry = QListWidgetItem(f"{candidate.country} — {country_label(candidate.country)}"
                                    f" ({candidate.confidence} %)")
            entry.setData(Qt.ItemDataRole.UserRole, candidate.country)
            entry.setFlags(entry.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            # nothing pre-ticked: the coordinator chooses, every time
            entry.setCheckState(Qt.CheckState.Unchecked)
            self.countries.addItem(entry)
        self.countries.blockSignals(False)
        self.comment.clear()
        self.reason.setCurrentIndex(0)

    def offered(self) -> int:
        return self.countries.count()

    def checked_countries(self) -> list[str]:
        return [str(self.countries.item(i).data(Qt.ItemDataRole.UserRole))
                for i in range(self.countries.count())
                if self.countries.item(i).checkState() == Qt.CheckState.Checked]

    def update(self, item: ReviewItem | None, *, busy: bool, login: str) -> None:
        """Enable each decision that can be made now, and say why not where it cannot."""
        idle = item is not None and not busy
        allowed = item is not None and item.may_confirm(login)
        self.countries.setEnabled(idle and allowed)
        self.confirm_button.setEnabled(idle and allowed and bool(self.checked_countries()))
        if item is not None and not allowed:
            reason = four_eyes_reason(item, login)
            self.confirm_button.setToolTip(reason)
            self.four_eyes.setText(reason)
            self.four_eyes.show()
        else:
            self.confirm_button.setToolTip("Confirm the checked candidate countries "
                                           "(Ctrl+Return)")
            self.four_eyes.hide()
        has_comment = bool(self.comment.text().strip())
        self.send_back_button.setEnabled(idle and has_comment)
        self.send_back_button.setToolTip("Send back with the comment (Ctrl+B)" if has_comment
                                         else NO_COMMENT_TIP)
        has_reason = bool(self.reason.currentText().strip())
        self.eliminate_button.setEnabled(idle and has_reason)
        self.eliminate_button.setToolTip("Eliminate with the reason (Ctrl+Alt+E)" if has_reason
                                         else NO_REASON_TIP)
        self.comment.setEnabled(item is not None)
        self.reason.setEnabled(item is not None)
