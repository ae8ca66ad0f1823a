"""The "Export packets…" dialog: pick countries, handling and contact, write one ZIP per country.

Countries come from the dissemination list with their waiting/sent counts. The export is an
`Op` of the window with a `Progress`: the bar moves per packet and the results table fills at
the end; Cancel stops between two packets (each packet is its own transaction, so nothing is
half done). What the export changed goes out on the window's bus.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from vidtask.db.engine import Database
from vidtask.domain.changes import Changes
from vidtask.domain.enums import HandlingCode
from vidtask.domain.progress import Progress
from vidtask.interchange.packet_content import ContactBlock
from vidtask.services.packets import DEFAULT_EVALUATION, PacketResult, export_country_packets
from vidtask.services.review import DisseminationEntry, dissemination_list
from vidtask.services.sprints import SprintInfo, list_sprints
from vidtask.ui.context import AppContext
from vidtask.ui.decisions import ask, countries_in_words
from vidtask.ui.naming import named
from vidtask.ui.operations import Op, sentence
from vidtask.ui.rows_model import Column, RowsModel

EVALUATION_CODES = tuple(f"{s}{i}" for s in "ABCX" for i in "1234")


RESULT_COLUMNS: list[Column[PacketResult]] = [
    Column("Country", lambda r: f"{r.country} — {r.country_name}"),
    Column("File", lambda r: r.path.name if r.path else "—"),
    Column("Outcome", lambda r: r.outcome),
    Column("Version", lambda r: "" if r.packet_version is None else str(r.packet_version)),
    Column("Series", lambda r: ", ".join(r.series_codes)),
]


class PacketResultsModel(RowsModel[PacketResult]):
    def __init__(self) -> None:
        super().__init__(RESULT_COLUMNS,
                         tooltip=lambda r: r.changes or (str(r.path) if r.path else None))

    def result(self, row: int) -> PacketResult:
        return self.row(row)


def exported_changes(results: list[PacketResult]) -> Changes:
    return Changes.merge(r.events for r in results)


class ExportPacketsDialog(QDialog):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._db, self._sprint_id, self._login = ctx.db, ctx.sprint.id, ctx.login
        self._running = False
        self._progress: Progress | None = None
        self.setObjectName("exportDialog")
        self.setAccessibleName("Export packets")
        self.setWindowTitle("Export packets")
        self.resize(960, 680)

        self.countries = named(QListWidget(), "exportCountries",
                               "Countries to export, with waiting series")
        self.countries.itemChanged.connect(lambda _i: self._update_run())
        all_button = named(QPushButton("&All waiting"), "exportSelectWaiting",
                           "Check every country with waiting series")
        all_button.clicked.connect(lambda: self._check(lambda e: bool(e.waiting)))
        none_button = named(QPushButton("&None"), "exportSelectNone", "Uncheck every country")
        none_button.clicked.connect(lambda: self._check(lambda e: False))

        self.handling = named(QComboBox(), "exportHandling", "Packet handling code")
        self.evaluation = named(QComboBox(), "exportEvaluation",
                                "Evaluation code: source reliability and information")
        self.evaluation.addItems(list(EVALUATION_CODES))
        self.evaluation.setCurrentText(DEFAULT_EVALUATION)
        self.issuing_unit = named(QLineEdit(), "exportIssuingUnit", "Issuing unit")
        self.contact_name = named(QLineEdit(), "exportContactName", "Contact name")
        self.contact_email = named(QLineEdit(), "exportContactEmail", "Contact e-mail")
        self.contact_phone = named(QLineEdit(), "exportContactPhone", "Contact phone")
        self.include_notified = named(
            QCheckBox("&Include series already sent (re-export, new version if changed)"),
            "exportIncludeNotified", "Include series already sent")
        self.include_notified.toggled.connect(lambda _c: self._update_run())
        self.override = named(QCheckBox("&Release H2/H3 clues (coordinator override, logged)"),
                              "exportOverride", "Release H2 and H3 clues")
        self.override_reason = named(QLineEdit(), "exportOverrideReason",
                                     "Reason for releasing H2/H3 clues")
        self.override_reason.setPlaceholderText("Originator's permission reference")
        self.override_reason.setEnabled(False)
        self.override.toggled.connect(self.override_reason.setEnabled)
        self.override.toggled.connect(lambda _c: self._update_run())
        self.override_reason.textChanged.connect(lambda _t: self._update_run())
        self.folder = named(QLineEdit(), "exportFolder", "Output folder")
        self.folder.setPlaceholderText("Folder for the packet ZIPs")
        self.folder.textChanged.connect(lambda _t: self._update_run())
        browse = named(QPushButton("&Browse…"), "exportBrowse", "Choose the output folder")
        browse.clicked.connect(self._browse)

        self.progress = named(QProgressBar(), "exportProgress", "Export progress")
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        self.progress.setFormat("%p %")
        self.message = named(QLabel(), "exportMessage", "Export status")
        self.message.setWordWrap(True)
        self.results_model = PacketResultsModel()
        self.results = named(QTableView(), "exportResults", "Packets written")
        self.results.setModel(self.results_model)
        self.results.verticalHeader().hide()
        self.results.verticalHeader().setDefaultSectionSize(24)
        self.results.horizontalHeader().setStretchLastSection(True)
        self.results.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        for column, width in enumerate((170, 250, 90, 60)):
            self.results.setColumnWidth(column, width)

        self.run_button = named(QPushButton("&Export"), "exportRunButton",
                                "Export the checked countries' packets")
        self.run_button.setDefault(True)
        self.run_button.setShortcut(QKeySequence("Ctrl+Return"))
        self.run_button.clicked.connect(self.run)
        self.close_button = named(QPushButton("Close"), "exportCloseButton",
                                  "Close, or cancel a running export")
        self.close_button.setShortcut(QKeySequence("Esc"))
        self.close_button.clicked.connect(self._close_or_cancel)

        country_box = QGroupBox("Countries (waiting / sent series)")
        country_layout = QVBoxLayout(country_box)
        country_layout.addWidget(self.countries)
        picks = QHBoxLayout()
        picks.addWidget(all_button)
        picks.addWidget(none_button)
        picks.addStretch(1)
        country_layout.addLayout(picks)
        form = QFormLayout()
        form.addRow("&Handling code", self.handling)
        form.addRow("E&valuation", self.evaluation)
        form.addRow("Issuing &unit", self.issuing_unit)
        form.addRow("Contact na&me", self.contact_name)
        form.addRow("Contact e-ma&il", self.contact_email)
        form.addRow("Contact &phone", self.contact_phone)
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.folder, 1)
        folder_row.addWidget(browse)
        folder_label = QLabel("Output &folder")  # a row holding a layout gets no buddy itself
        folder_label.setBuddy(self.folder)
        form.addRow(folder_label, folder_row)
        form.addRow("", self.include_notified)
        form.addRow("", self.override)
        form.addRow("Override &reason", self.override_reason)
        top = QHBoxLayout()
        top.addWidget(country_box, 1)  # "GB — United Kingdom (2 waiting, 0 sent)" fits
        top.addLayout(form, 1)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.run_button)
        buttons.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top, 3)
        layout.addWidget(self.progress)
        layout.addWidget(self.message)
        layout.addWidget(self.results, 2)
        layout.addLayout(buttons)

        self._entries: list[DisseminationEntry] = []
        self._loading = True
        self._update_run()
        self._load()

    # ------------------------------------------------------------ loading

    def _load(self) -> None:
        Op(self.ctx, load_dissemination, self._db, self._sprint_id).success(self._loaded)\
            .failure(self._show_error).owned_by(self).run()

    def _loaded(self, result: tuple[SprintInfo | None, list[DisseminationEntry]]) -> None:
        self._loading = False
        sprint, entries = result
        default = sprint.default_handling if sprint else HandlingCode.H0.value
        self.handling.clear()
        self.handling.addItem(f"Sprint default ({default}) or the strictest series code")
        for code in HandlingCode:
            self.handling.addItem(f"{code.value} — {code.meaning}")
        if sprint is not None:
            self.issuing_unit.setText(sprint.issuing_unit)
            self.contact_name.setText(sprint.contact_name)
            self.contact_email.setText(sprint.contact_email)
            self.contact_phone.setText(sprint.contact_phone)
        self._entries = entries
        self.countries.blockSignals(True)
        self.countries.clear()
        for entry in entries:
            item = QListWidgetItem(f"{entry.country} — {entry.country_name}   "
                                   f"({len(entry.waiting)} waiting, {len(entry.sent)} sent)")
            item.setData(Qt.ItemDataRole.UserRole, entry.country)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if entry.waiting else Qt.CheckState.Unchecked)
            self.countries.addItem(item)
        self.countries.blockSignals(False)
        if not entries:
            self.message.setText("No series is confirmed yet: nothing to export.")
        self._update_run()

    def _check(self, wanted: Callable[[DisseminationEntry], bool]) -> None:
        for row, entry in enumerate(self._entries):
            self.countries.item(row).setCheckState(
                Qt.CheckState.Checked if wanted(entry) else Qt.CheckState.Unchecked)

    def handling_code(self) -> str | None:
        """None for the sprint default, else the chosen code."""
        index = self.handling.currentIndex()
        return list(HandlingCode)[index - 1].value if index > 0 else None

    def checked_countries(self) -> list[str]:
        return [str(self.countries.item(i).data(Qt.ItemDataRole.UserRole))
                for i in range(self.countries.count())
                if self.countries.item(i).checkState() == Qt.CheckState.Checked]

    def _browse(self) -> None:
        chosen = QFileDialog.getExistingDirectory(self, "Folder for the packets",
                                                  self.folder.text())
        if chosen:
            self.folder.setText(chosen)

    def _missing(self) -> str:
        if self._loading:
            return "Loading the dissemination list…"
        if not self.checked_countries():
            return "Check at least one country."
        if not self.folder.text().strip():
            return "Choose an output folder."
        if self.override.isChecked() and not self.override_reason.text().strip():
            return "Give the reason for releasing H2/H3 clues."
        return ""

    def _update_run(self) -> None:
        missing = self._missing()
        self.run_button.setEnabled(not self._running and not missing)
        self.run_button.setToolTip(missing or "Export the checked countries (Ctrl+Return)")
        for widget in (self.countries, self.handling, self.evaluation, self.issuing_unit,
                       self.contact_name, self.contact_email, self.contact_phone,
                       self.include_notified, self.override, self.folder):
            widget.setEnabled(not self._running)
        self.override_reason.setEnabled(not self._running and self.override.isChecked())
        self.close_button.setText("Cancel" if self._running else "Close")

    # ------------------------------------------------------------ export

    def run(self) -> None:
        if self._running or self._missing():
            return
        countries = self.checked_countries()
        folder = Path(self.folder.text().strip()).expanduser()
        waiting = {e.country: e for e in self._entries}
        series = sorted({code for c in countries if c in waiting for code in (
            (*waiting[c].waiting, *waiting[c].sent) if self.include_notified.isChecked()
            else waiting[c].waiting)})
        listed = ", ".join(series[:12]) + (f" and {len(series) - 12} more" if len(series) > 12
                                           else "")
        if not ask(self, "Export packets",
                   f"Export {len(countries)} {'packet' if len(countries) == 1 else 'packets'} "
                   f"for {countries_in_words(countries)}, with {len(series)} series "
                   f"({listed or 'none new'}), to {folder}? Each packet is recorded as sent and "
                   "its series become “country notified”.", "Export"):
            return
        # by index: QComboBox.currentData() returning None corrupts None's refcount (PySide6 6.12)
        handling = self.handling_code()
        contact = ContactBlock(self.issuing_unit.text().strip(), self.contact_name.text().strip(),
                               self.contact_email.text().strip(),
                               self.contact_phone.text().strip())
        evaluation = self.evaluation.currentText()
        include_notified = self.include_notified.isChecked()
        override = self.override.isChecked()
        reason = self.override_reason.text()
        progress = self._progress = Progress()
        self._running = True
        self.results_model.set_rows([])
        self.progress.setRange(0, len(countries))
        self.progress.setValue(0)
        self.message.setStyleSheet("")
        self.message.setText(f"Exporting {len(countries)} packet(s) to {folder}…")
        self._update_run()
        Op(self.ctx, export_country_packets, self._db, self._login, self._sprint_id, folder,
           countries=countries, handling=handling, include_notified=include_notified,
           progress=progress, override_h2=override, override_reason=reason, contact=contact,
           evaluation=evaluation)\
            .with_progress("Exporting packets…", progress=progress, on_report=self._progressed)\
            .publishing(exported_changes).success(self._exported).failure(self._show_error)\
            .owned_by(self).run()

    def _progressed(self, done: int, total: int, country: str) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done if total else 1)
        if country:
            self.progress.setFormat(f"%p % — {done} of {total}, now {country}")
        else:
            self.progress.setFormat(f"%p % — {done} of {total}")

    def _exported(self, results: list[PacketResult]) -> None:
        self._running = False
        self.results_model.set_rows(results)
        self.progress.setValue(self.progress.maximum())
        written = [r for r in results if r.path is not None]
        new = sum(r.outcome in {"new", "new version"} for r in results)
        folder = written[0].path.parent if written and written[0].path else self.folder.text()
        self.message.setStyleSheet("color: #1b5e20")
        self.message.setText(f"{len(written)} packet(s) written to {folder} ({new} new or new "
                             f"version); {len(results) - len(written)} country(ies) had "
                             "nothing new.")
        self._update_run()
        self._load()

    def _show_error(self, error: BaseException) -> None:
        self._running = False
        self._loading = False
        self.message.setStyleSheet("color: #b00020")
        self.message.setText(sentence(error))
        self._update_run()
        if self.countries.count():
            self._load()

    def _close_or_cancel(self) -> None:
        if self._running:
            if self._progress is not None:
                self._progress.cancel()
            self.message.setText("Cancelling after the current packet…")
        else:
            self.reject()

    def reject(self) -> None:
        if self._running:  # Esc / window close while exporting: cancel, don't abandon the task
            self._close_or_cancel()
            return
        super().reject()


def load_dissemination(db: Database, sprint_id: int
                       ) -> tuple[SprintInfo | None, list[DisseminationEntry]]:
    sprint = next((s for s in list_sprints(db) if s.id == sprint_id), None)
    return sprint, dissemination_list(db, sprint_id)
