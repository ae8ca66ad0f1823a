"""First start: pick or create the sprint (or load the demo) and say who you are.

SQLite: the person picks themselves from everybody, grouped by role and searchable; only in an
empty database may they register, and they are told that the first person is the admin.
PostgreSQL: the signed-in login is who you are (nobody to pick); the maintenance login picks
whom it acts for, with a warning that the log records it as entered by that login.

Every read and write runs on the dialog's own `OpRunner` (`identity_choice`): the dialog opens at
once and says it is reading the database (Start disabled) until the sprints and people arrive;
Start waits for its answer the same way. The choice is remembered (`remembered_identity`), so
the next start goes straight to the board.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, QSettings
from PySide6.QtWidgets import (
    QComboBox,
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

from vidtask.db.engine import Database
from vidtask.db.roles import SignedIn
from vidtask.domain import dates, wording
from vidtask.domain.enums import Role
from vidtask.services import demo
from vidtask.services.participants import ParticipantInfo
from vidtask.services.sprints import SprintInfo
from vidtask.ui.common import name_widget
from vidtask.ui.date_fields import date_field
from vidtask.ui.identity_choice import (
    Choice,
    FirstStart,
    NewSprint,
    Registration,
    Resolved,
    read_first_start,
    resolve_identity,
)
from vidtask.ui.operations import Op, OpRunner, Progress, sentence
from vidtask.ui.people_picker import PeoplePicker
from vidtask.ui.remembered_identity import SPRINT_KEY, remember
from vidtask.ui.signin import Connection, ask_for_database

#: What the dialog says while the database is read.
READING = "Reading the database…"


def sprint_line(sprint: SprintInfo) -> str:
    """'VIDTF 10 (1 Jun 2026 – 12 Jun 2026)' in the user's locale."""
    return f"{sprint.name} ({dates.format_date(sprint.starts_on)} – " \
           f"{dates.format_date(sprint.ends_on)})"


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
        #: Said to the person once the window opens ("…so you are its administrator").
        self.result_note = ""
        #: Open or make another database… chose one: the caller opens it instead.
        self.result_connection: Connection | None = None
        #: Who the database says this login is (read with the sprints and people).
        self.signed_in: SignedIn | None = None
        #: The sprints and people have arrived (until then Start is disabled).
        self.loaded = False
        self._reading = 0
        self._starting = False

        intro = QLabel("<b>Welcome to vidtask.</b> Choose the sprint you work on and who you "
                       "are. vidtask remembers this for next time.")
        intro.setWordWrap(True)
        made = f"vidtask made a new, empty database at {db.sqlite_path}. " if db.created else ""
        self.database_label = QLabel(f"{made}Database: {db.describe()}.")
        name_widget(self.database_label, "databaseInUse", "The database in use")
        self.database_label.setWordWrap(True)
        self.other_database = QPushButton("Open or make &another database…")
        name_widget(self.other_database, "otherDatabaseButton",
                    "Open a database file, make a new one, or sign in to a server")
        self.other_database.clicked.connect(self.choose_other_database)
        database_row = QHBoxLayout()
        database_row.addWidget(self.database_label, 1)
        database_row.addWidget(self.other_database)

        self.sprint_combo = QComboBox()
        name_widget(self.sprint_combo, "sprintCombo", "Sprint")
        self.sprint_name = QLineEdit()
        name_widget(self.sprint_name, "newSprintName", "New sprint name")
        self.sprint_name.setPlaceholderText("e.g. VIDTF 10")
        self.sprint_start = date_field(QDate.currentDate())
        name_widget(self.sprint_start, "newSprintStart", "New sprint's first day")
        self.sprint_end = date_field(QDate.currentDate().addDays(11))
        name_widget(self.sprint_end, "newSprintEnd", "New sprint's last day")
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

        self.signed_in_label = QLabel()
        name_widget(self.signed_in_label, "signedInAs", "Who the database says you are")
        self.signed_in_label.setWordWrap(True)
        self.people = PeoplePicker()
        self.people.chosen.connect(lambda _login: self.start())
        self.new_login = QLineEdit()
        name_widget(self.new_login, "newLogin", "New login")
        self.new_login.setPlaceholderText("login, e.g. anna.berg")
        self.new_name = QLineEdit()
        name_widget(self.new_name, "newDisplayName", "Your name")
        self.new_agency = QLineEdit()
        name_widget(self.new_agency, "newAgency", "Your agency")
        self.new_agency.setPlaceholderText("agency, e.g. Europol")
        self.new_box = QGroupBox("Register: nobody is in this database yet")
        self.new_box.setObjectName("newPersonBox")
        new_form = QFormLayout(self.new_box)
        new_form.addRow("&Login", self.new_login)
        new_form.addRow("&Name", self.new_name)
        new_form.addRow("A&gency", self.new_agency)
        self.person_note = QLabel()
        name_widget(self.person_note, "personNote", "About choosing who you are")
        self.person_note.setWordWrap(True)
        person_box = QGroupBox("You")
        person_layout = QVBoxLayout(person_box)
        person_layout.addWidget(self.signed_in_label)
        person_layout.addWidget(self.people)
        person_layout.addWidget(self.new_box)
        person_layout.addWidget(self.person_note)

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
        layout.addLayout(database_row)
        layout.addWidget(sprint_box)
        layout.addWidget(person_box)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.resize(640, 640)
        self.refresh()

    def refresh(self, select: str | None = None) -> None:
        """Read the sprints and people off the GUI thread (then `select` that sprint)."""
        self.loaded = False
        self._reading += 1
        reading = self._reading
        self.sprint_combo.clear()
        self.sprint_combo.addItem(READING, "")
        self.sprint_combo.setEnabled(False)
        self.demo_button.setEnabled(False)
        self.start_button.setEnabled(False)
        if not self.person_note.text():
            self.person_note.setText(READING)

        def arrived(facts: FirstStart) -> None:
            if reading == self._reading:
                self._show(facts, select)

        def failed(error: BaseException) -> None:
            if reading == self._reading:
                self.error.setText(sentence(error))
                self.person_note.setText("")

        Op(self.runner, read_first_start, self.db).success(arrived).failure(failed)\
            .owned_by(self).run()

    def _show(self, facts: FirstStart, select: str | None) -> None:
        self.signed_in = facts.signed_in
        all_sprints, people = facts.sprints, facts.people
        self.sprint_combo.clear()
        for sprint in all_sprints:
            self.sprint_combo.addItem(sprint_line(sprint), sprint.name)
        if not all_sprints:
            self.sprint_combo.addItem("No sprint yet — create one or load the demo", "")
        remembered_name = select or self.settings.value(SPRINT_KEY)
        at = self.sprint_combo.findData(remembered_name)
        self.sprint_combo.setCurrentIndex(max(at, 0))
        self.sprint_combo.setEnabled(bool(all_sprints))
        has_demo = any(s.name == demo.DEMO_SPRINT_NAME for s in all_sprints)
        personal = self.signed_in is not None and not self.signed_in.maintenance
        self.demo_button.setEnabled(not has_demo and not personal)
        if personal:
            self.demo_button.setToolTip("The demo is loaded by the database's administrator "
                                        "(its people have no logins of their own).")
        self._refresh_person(people)
        self.loaded = True

    def _refresh_person(self, people: list[ParticipantInfo]) -> None:
        me = self.signed_in
        active = [p for p in people if p.active]
        admins = sorted(p.display_name for p in active if p.role is Role.ADMIN)
        ask = (f"ask an administrator of the sprint ({', '.join(admins[:3])}"
               f"{' …' if len(admins) > 3 else ''}) to add you" if admins
               else "ask the sprint's administrator to add you")
        bootstrap = not people and (me is None or me.maintenance)
        self.new_box.setVisible(bootstrap)
        self.start_button.setEnabled(True)
        if me is not None and not me.maintenance:
            self.people.hide()
            mine = next((p for p in people if p.login == me.login), None)
            if mine is None:
                self.signed_in_label.setText(f"You are signed in to the database as "
                                             f"<b>{me.login}</b>, who is not a participant "
                                             "of this sprint database yet.")
                self.person_note.setText(f"To work here, {ask}.")
                self.start_button.setEnabled(False)
            else:
                self.signed_in_label.setText(f"You are signed in as <b>{mine.display_name}</b>"
                                             f" — {wording.role(mine.role.value)}, "
                                             f"{mine.agency or 'no agency given'}.")
                self.person_note.setText("On a shared PostgreSQL database your login says "
                                         "who you are; File ▸ Connect to database… signs in "
                                         "as somebody else.")
            self.signed_in_label.show()
            return
        self.signed_in_label.setVisible(me is not None)
        if me is not None:
            self.signed_in_label.setText(
                f"You are connected as <b>{me.login}</b>, the database's maintenance login. "
                "Choose whom you enter work for: the log records it as entered by "
                f"{me.login}. Day-to-day work uses each person's own login.")
        current = self.people.current_login() or self._remembered_login()
        self.people.set_people(people, current)
        self.people.setVisible(bool(active))
        if bootstrap:
            self.person_note.setText(
                "<b>You will be the first person in this database, and so its administrator"
                "</b>: you add everybody else (they join as specialists unless you choose "
                "another role).")
            self.start_button.setText("Start as administrator")
        else:
            self.person_note.setText(f"Not listed? Double-check the search above, or {ask}.")
            self.start_button.setText("Start")

    def _remembered_login(self) -> str | None:
        from vidtask.config import read_config_file

        value = read_config_file().get("identity")
        return str(value) if value else None

    def choose_other_database(self) -> None:
        chosen = ask_for_database(self, url=self.db.url.render_as_string())
        if chosen is not None:
            self.result_connection = chosen
            self.reject()

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
            self.refresh(select=summary.sprint.name)

        def failed(error: BaseException) -> None:
            self.progress.hide()
            self.error.setText(sentence(error))
            self.refresh()

        progress = Progress()
        Op(self.runner, _load_demo, self.db, progress)\
            .with_progress("Loading the demo sprint…", progress=progress, on_report=step)\
            .success(finished).failure(failed).run()

    def start(self) -> None:
        """Resolve the choice off the GUI thread; accept once it is made (or say why not)."""
        if not self.loaded or self._starting:
            return
        self._starting = True
        self.start_button.setEnabled(False)
        Op(self.runner, resolve_identity, self.db, self.signed_in, self._choice())\
            .success(self._resolved).failure(self._refused).owned_by(self).run()

    def _choice(self) -> Choice:
        me = self.signed_in
        personal = me is not None and not me.maintenance
        registration = None
        if not personal and self.new_box.isVisible():
            login = self.new_login.text().strip()
            registration = Registration(login, self.new_name.text().strip() or login,
                                        self.new_agency.text().strip())
        new_sprint = None
        new_name = self.sprint_name.text().strip()
        if new_name:
            start = self.sprint_start.date().toPython()
            end = self.sprint_end.date().toPython()
            assert isinstance(start, date) and isinstance(end, date)
            new_sprint = NewSprint(new_name, start, end)
        chosen = self.sprint_combo.currentData()
        return Choice(None if personal else self.people.current_login(), registration,
                      new_sprint, str(chosen) if chosen else None)

    def _resolved(self, resolved: Resolved) -> None:
        self._starting = False
        self.result_identity = (resolved.me, resolved.sprint)
        self.result_note = resolved.note
        remember(resolved.me, resolved.sprint, self.settings, self.db)
        self.accept()

    def _refused(self, error: BaseException) -> None:
        self._starting = False
        self.start_button.setEnabled(True)
        self.error.setText(sentence(error))

    def done(self, result: int) -> None:
        self.runner.close()
        super().done(result)


