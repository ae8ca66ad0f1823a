"""Ask before a decision that reaches other people: confirm, eliminate, propose, export.

One box for all of them, naming the series and countries concerned, with Cancel as the default
and Escape button, so a stray Return or double click never decides anything. Screens call
`ask(...)`; tests answer in its place with `answer_with` (a modal box would block them).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QMessageBox, QWidget

#: (parent, title, question, the action button's text) -> True when the person chose the action
Ask = Callable[[QWidget | None, str, str, str], bool]


def decision_box(parent: QWidget | None, title: str, question: str, action: str
                 ) -> QMessageBox:
    box = QMessageBox(parent)
    box.setObjectName("decisionBox")
    box.setAccessibleName(title)
    box.setIcon(QMessageBox.Icon.Question)
    box.setWindowTitle(title)
    box.setText(question)
    go = box.addButton(action, QMessageBox.ButtonRole.AcceptRole)
    go.setObjectName("decisionGo")
    cancel = box.addButton(QMessageBox.StandardButton.Cancel)
    cancel.setObjectName("decisionCancel")
    box.setDefaultButton(cancel)
    box.setEscapeButton(cancel)
    return box


def ask_decision(parent: QWidget | None, title: str, question: str, action: str) -> bool:
    box = decision_box(parent, title, question, action)
    box.exec()
    clicked = box.clickedButton()
    return clicked is not None and box.buttonRole(clicked) == QMessageBox.ButtonRole.AcceptRole


def countries_in_words(codes: list[str] | tuple[str, ...]) -> str:
    """'Germany (DE)', 'Germany (DE) and Austria (AT)', 'A, B and C'."""
    from vidtask.domain.countries_basic import country_label

    names = [f"{country_label(c)} ({c})" for c in codes]
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


_asker: Ask = ask_decision


def ask(parent: QWidget | None, title: str, question: str, action: str) -> bool:
    """True when the person chose `action` in the box (Cancel is the default)."""
    return _asker(parent, title, question, action)


def answer_with(asker: Ask | None) -> None:
    """Tests: answer every question with `asker` (None: ask people again)."""
    global _asker  # noqa: PLW0603 - one process-wide switch, for tests only
    _asker = asker or ask_decision
