"""First start: pick or create the sprint (or load the demo) and say who you are.

The choice is remembered: the login in the config file (`identity`, shared with the CLI) and the
sprint name in QSettings, so the next start goes straight to the board.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, QSettings
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from vidtask.config import write_config_value
from vidtask.db.engine import Database
from vidtask.domain.enums import Role
from vidtask.domain.errors import NotFound, VidtaskError
from vidtask.services import demo, participants, sprints
from vidtask.services.participants import ParticipantInfo
from vidtask.services.sprints import SprintInfo
from vidtask.ui.common import name_widget
from vidtask.ui.operations import Op, OpRunner, Progress, sentence

SPRINT_KEY = "identity/sprint"


def remembered(db: Database, login: str | None, settings: QSettings
               ) -> tuple[ParticipantInfo, SprintInfo] | None:
    """The remembered person and sprint, if both still exist."""
    if not login:
        return None
    try:
        me = participants.get_participant(db, login)
        name = settings.value(SPRINT_KEY)
        try:
            sprint = sprints.find_sprint(db, str(name) if name else None)
        except NotFound:
            sprint = sprints.find_sprint(db)
    except NotFound:
        return None
    return (me, sprint) if me.active else None


def remember(me: ParticipantInfo, sprint: SprintInfo, settings: QSettings) -> None:
    write_config_value("identity", me.login)
    settings.setValue(SPRINT_KEY, sprint.name)


def _load_demo(db: Database, progress: Progress) -> demo.DemoSummary:
    return demo.generate_demo(db, progress=progress.report)


class IdentityDialog(QDialog):
    def __init__(self, db: Database, settings: QSettings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("identityDialog")
        self.setWindowTitle(f"vidtask — who is working? ({db.describe()})")
        self.db, self.settings = db, settings
        #: Before any window exists: its own runner (no change bus, errors shown inline).
        self.runner = OpRunner(self)
        self.result_identity: tuple[ParticipantInfo, SprintInfo] | None = None

        intro = QLabel("<b>Welcome to vidtask.</b> Choose the sprint you work on and who you "
                       "are. vidtask remembers this for next time.")
        intro.setWordWrap(True)

        self.sprint_combo = QComboBox()
        name_widget(self.sprint_combo, "sprintCombo", "Sprint")
        self.sprint_name = QLineEdit()
        name_widget(self.sprint_name, "newSprintName", "New sprint name")
        self.sprint_name.setPlaceholderText("e.g. VIDTF 10")
        self.sprint_start = QDateEdit(QDate.currentDate())
        self.sprint_start.setCalendarPopup(True)
        self.sprint_end = QDateEdit(QDate.currentDate().addDays(11))
        self.sprint_end.setCalendarPopup(True)
        self.demo_button = QPushButton("Load the demo sprint (invented data)")
        name_widget(self.demo_button, "loadDemoButton", "Load the demo sprint")
        self.demo_button.clicked.connect(self.load_demo)
        self.progress = QProgressBar()
        self.progress.setObjectName("demoProgress")
        self.progress.hide()
        sprint_box = QGroupBox("Sprint")
        sprint_form = QFormLayout(sprint_box)
        sprint_form.addRow("&Existing sprint", self.sprint_combo)
        dates = QHBoxLayout()
        dates.addWidget(self.sprint_start)
        dates.addWidget(QLabel("to"))
        dates.addWidget(self.sprint_end)
        sprint_form.addRow("or &create", self.sprint_name)
        sprint_form.addRow("dates", dates)
        sprint_form.addRow("or", self.demo_button)
        sprint_form.addRow("", self.progress)

        self.person_combo = QComboBox()
        name_widget(self.person_combo, "participantCombo", "Who you are")
        self.person_combo.setEditable(True)  # type to find yourself among 40 people
        self.new_login = QLineEdit()
        name_widget(self.new_login, "newLogin", "New login")
        self.new_login.setPlaceholderText("login, e.g. anna.berg")
        self.new_name = QLineEdit()
        name_widget(self.new_name, "newDisplayName", "Your name")
        self.new_agency = QLineEdit()
        self.new_agency.setPlaceholderText("agency (optional)")
        self.person_note = QLabel()
        self.person_note.setWordWrap(True)
        person_box = QGroupBox("You")
        person_form = QFormLayout(person_box)
        person_form.addRow("&I am", self.person_combo)
        person_form.addRow("or new &login", self.new_login)
        person_form.addRow("&name", self.new_name)
        person_form.addRow("agency", self.new_agency)
        person_form.addRow(self.person_note)

        self.error = QLabel()
        self.error.setObjectName("identityError")
        self.error.setStyleSheet("QLabel { color: #b3261e; font-weight: bold; }")
        self.error.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.start_button = buttons.addButton("Start", QDialogButtonBox.ButtonRole.AcceptRole)
        name_widget(self.start_button, "startButton", "Start working")
        self.start_button.setDefault(True)
        buttons.accepted.connect(self.start)
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(sprint_box)
        layout.addWidget(person_box)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.resize(560, 520)
        self.refresh()

    def refresh(self) -> None:
        all_sprints = sprints.list_sprints(self.db)
        people = participants.list_participants(self.db)
        self.sprint_combo.clear()
        for sprint in all_sprints:
            self.sprint_combo.addItem(f"{sprint.name} ({sprint.starts_on:%d %b} – "
                                      f"{sprint.ends_on:%d %b %Y})", sprint.name)
        if not all_sprints:
            self.sprint_combo.addItem("No sprint yet — create one or load the demo", "")
        remembered_name = self.settings.value(SPRINT_KEY)
        at = self.sprint_combo.findData(remembered_name)
        self.sprint_combo.setCurrentIndex(max(at, 0))
        self.sprint_combo.setEnabled(bool(all_sprints))
        self.demo_button.setEnabled(not any(s.name == demo.DEMO_SPRINT_NAME for s in all_sprints))
        self.person_combo.clear()
        for person in people:
            if person.active:
                self.person_combo.addItem(f"{person.display_name} — {person.login} "
                                          f"({person.role.value}, {person.agency or 'no agency'})",
                                          person.login)
        self.person_combo.setEnabled(bool(people))
        bootstrap = not people
        for widget in (self.new_login, self.new_name, self.new_agency):
            widget.setEnabled(bootstrap)
        self.person_note.setText(
            "Nobody is registered yet: you will be the sprint's first participant, with the "
            "admin role." if bootstrap else
            "Not listed? An admin adds you (vidtask participant add LOGIN --name …).")

    def load_demo(self) -> None:
        self.demo_button.setEnabled(False)
        self.progress.show()
        self.progress.setRange(0, 0)
        def step(done: int, total: int, _what: str) -> None:
            self.progress.setRange(0, total)
            self.progress.setValue(done)

        def finished(summary: demo.DemoSummary) -> None:
            self.progress.hide()
            self.error.setText("")
            self.refresh()
            at = self.sprint_combo.findData(summary.sprint.name)
            self.sprint_combo.setCurrentIndex(max(at, 0))

        def failed(error: BaseException) -> None:
            self.progress.hide()
            self.error.setText(sentence(error))
            self.refresh()

        progress = Progress()
        Op(self.runner, _load_demo, self.db, progress)\
            .with_progress("Loading the demo sprint…", progress=progress, on_report=step)\
            .success(finished).failure(failed).run()

    def start(self) -> None:
        try:
            self.result_identity = self._resolve()
        except VidtaskError as exc:
            self.error.setText(str(exc))
            return
        remember(*self.result_identity, self.settings)
        self.accept()

    def _resolve(self) -> tuple[ParticipantInfo, SprintInfo]:
        if self.person_combo.isEnabled() and self.person_combo.currentData():
            me = participants.get_participant(self.db, str(self.person_combo.currentData()))
        else:
            login = self.new_login.text().strip()
            name = self.new_name.text().strip() or login
            me, _ = participants.add_participant(self.db, None, login, name, role=Role.ADMIN,
                                                 agency=self.new_agency.text().strip())
        new_name = self.sprint_name.text().strip()
        if new_name:
            start = self.sprint_start.date().toPython()
            end = self.sprint_end.date().toPython()
            assert isinstance(start, date) and isinstance(end, date)
            sprint, _ = sprints.create_sprint(self.db, me.login, new_name, start, end)
            return me, sprint
        chosen = self.sprint_combo.currentData()
        if not chosen:
            from vidtask.domain.errors import InvalidInput

            raise InvalidInput("sprint", "create a sprint (name and dates) or load the demo")
        return me, sprints.find_sprint(self.db, str(chosen))

    def done(self, result: int) -> None:
        self.runner.close()
        super().done(result)


