"""File ▸ Switch person… (SQLite): hand the keyboard to somebody else without restarting.

SQLite trusts whoever says who they are, so this is a choice, not a sign-in; the window then
reopens as the chosen person (their claims, their role's menus). On PostgreSQL the login is who
you are: the window says so and points at File ▸ Connect to database….

The people are read on the dialog's own `OpRunner`; Switch is disabled until they arrive
(`loaded`).
"""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

from vidtask.db.engine import Database
from vidtask.domain import wording
from vidtask.services import participants
from vidtask.services.participants import ParticipantInfo
from vidtask.ui.common import name_widget
from vidtask.ui.operations import Op, OpRunner, sentence
from vidtask.ui.people_picker import PeoplePicker

#: What File ▸ Switch person… / Sign out say on a PostgreSQL personal login.
LOGIN_DECIDES = ("On this shared PostgreSQL database your login is who you are: use File ▸ "
                 "Connect to database… to sign in as somebody else.")


class SwitchPersonDialog(QDialog):
    def __init__(self, db: Database, current: ParticipantInfo,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("switchPersonDialog")
        self.setWindowTitle("Switch person")
        self.current = current
        self.chosen: ParticipantInfo | None = None
        self.runner = OpRunner(self)
        #: The people have arrived (Switch is disabled until then).
        self.loaded = False
        intro = QLabel(f"You are working as <b>{current.display_name}</b> "
                       f"({wording.role(current.role.value)}, {current.agency or 'no agency'})"
                       ". Who is at the keyboard now?")
        name_widget(intro, "switchPersonIntro", "Who is working now")
        intro.setWordWrap(True)
        self.people = PeoplePicker()
        self.people.chosen.connect(lambda _login: self.accept())
        note = QLabel("Your open editors close; anything not saved stays only if you save it "
                      "first. This database trusts whoever says who they are.")
        note.setWordWrap(True)
        self.error = QLabel()
        name_widget(self.error, "switchPersonError", "Switch problem")
        self.error.setStyleSheet("QLabel { color: #b3261e; }")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.switch_button = buttons.addButton("&Switch", QDialogButtonBox.ButtonRole.AcceptRole)
        name_widget(self.switch_button, "switchButton", "Switch to the chosen person")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.people)
        layout.addWidget(note)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.resize(560, 520)
        self.switch_button.setEnabled(False)
        Op(self.runner, participants.list_participants, db).success(self._arrived)\
            .failure(lambda error: self.error.setText(sentence(error))).owned_by(self).run()

    def _arrived(self, people: list[ParticipantInfo]) -> None:
        self.people.set_people(people, self.current.login)
        self.switch_button.setEnabled(True)
        self.loaded = True

    def accept(self) -> None:
        if not self.loaded:
            return
        person = self.people.current_person()
        if person is None:
            self.error.setText("Choose a person in the list (type to search).")
            return
        if person.login == self.current.login:
            self.error.setText(f"You are already working as {person.display_name}.")
            return
        self.chosen = person
        super().accept()

    def done(self, result: int) -> None:
        self.runner.close()
        super().done(result)
