"""The "Import…" dialog: pick a file and format, run the import off the GUI thread, show the result.

The import is an `Op` of the window with a `Progress`: the bar follows the bytes read, the rate
line the records; Cancel asks the service to stop at its next batch, which rolls the whole file
back. What the import changed goes out on the window's bus.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from vidtask.db.engine import Database
from vidtask.domain.errors import VidtaskError
from vidtask.domain.progress import Progress
from vidtask.services import intake
from vidtask.services.sprints import SprintInfo, list_sprints
from vidtask.ui.context import AppContext
from vidtask.ui.naming import named
from vidtask.ui.operations import Op, sentence

FORMATS = (("VICS JSON", "vics"), ("ICSE CSV", "icse"), ("Hash list", "hashes"))


@dataclass(frozen=True, slots=True)
class ImportRequest:
    """What the person asked for: one file into one sprint."""

    sprint_id: int
    path: str
    fmt: str  # one of FORMATS' keys
    series: str | None
    dry_run: bool
    strict: bool


def run_import(db: Database, actor: str, request: ImportRequest,
               progress: Progress) -> intake.ImportReport:
    """One file, one transaction: the intake service for the chosen format."""
    dry_run, strict = request.dry_run, request.strict
    with open(request.path, "rb") as stream:
        if request.fmt == "vics":
            return intake.import_vics(db, actor, request.sprint_id, stream,
                                      series=request.series, dry_run=dry_run, strict=strict,
                                      progress=progress)
        if request.fmt == "icse":
            return intake.import_icse(db, actor, request.sprint_id, stream,
                                      series=request.series, dry_run=dry_run, strict=strict,
                                      progress=progress)
        return intake.import_hashlist(db, actor, request.sprint_id, stream,
                                      request.series or "", dry_run=dry_run, strict=strict,
                                      progress=progress)


def failure_text(error: BaseException) -> str:
    if isinstance(error, VidtaskError | OSError):
        return sentence(error)
    # a bug: still tell the user, the transaction rolled back
    return f"The import failed and nothing was imported ({sentence(error)})"


class ImportDialog(QDialog):
    """The main window opens it with its context (database, acting login, sprint)."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Import series")
        named(self, "importDialog", "Import series")
        self.ctx = ctx
        self.db = ctx.db
        self.actor = ctx.login
        self.progress: Progress | None = None
        self.report: intake.ImportReport | None = None

        self.path_edit = named(QLineEdit(), "importPath", "File to import")
        self.path_edit.setPlaceholderText("VICS .json, ICSE .csv or a hash list")
        browse = named(QPushButton("Choose…"), "importChoose", "Choose the file")
        browse.clicked.connect(self._choose_file)
        path_row = QHBoxLayout()
        path_row.addWidget(self.path_edit, 1)
        path_row.addWidget(browse)
        self.format_box = named(QComboBox(), "importFormat", "File format")
        for label, key in FORMATS:
            self.format_box.addItem(label, key)
        self.sprint_box = named(QComboBox(), "importSprint", "Sprint to import into")
        self.sprint_box.addItem(ctx.sprint.name, ctx.sprint.id)  # the others follow
        Op(ctx, list_sprints, ctx.db).success(self._sprints_loaded).owned_by(self).run()
        self.series_edit = named(QLineEdit(), "importSeries", "Series for unnamed records")
        self.series_edit.setPlaceholderText("for records naming no series (required for lists)")
        self.dry_run_box = named(QCheckBox("Dry run: check and count, save nothing"),
                                 "importDryRun", "Dry run")
        self.strict_box = named(QCheckBox("Strict: refuse the file on any problem"),
                                "importStrict", "Strict")

        form = QFormLayout()
        form.addRow("File", path_row)
        form.addRow("Format", self.format_box)
        form.addRow("Sprint", self.sprint_box)
        form.addRow("Series", self.series_edit)
        form.addRow("", self.dry_run_box)
        form.addRow("", self.strict_box)

        self.progress_bar = named(QProgressBar(), "importProgress", "Import progress")
        self.progress_bar.setRange(0, 1000)
        self.progress_bar.setValue(0)
        self.rate_label = named(QLabel(""), "importRate", "Records read and rate")
        self.summary_label = named(QLabel(""), "importSummary", "Import result")
        self.summary_label.setWordWrap(True)
        self.summary_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.issue_list = named(QListWidget(), "importIssues", "Skipped records")

        self.import_button = named(QPushButton("Import"), "importButton", "Import the file")
        self.import_button.setDefault(True)
        self.import_button.clicked.connect(self.start)
        self.cancel_button = named(QPushButton("Cancel import"), "importCancelButton",
                                   "Cancel the import (rolls it back)")
        self.cancel_button.setEnabled(False)
        self.cancel_button.clicked.connect(self.cancel)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        self.close_button = buttons.button(QDialogButtonBox.StandardButton.Close)
        buttons.addButton(self.import_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.cancel_button, QDialogButtonBox.ButtonRole.ActionRole)

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.progress_bar)
        layout.addWidget(self.rate_label)
        layout.addWidget(self.summary_label)
        layout.addWidget(QLabel("Skipped records"))
        layout.addWidget(self.issue_list, 1)
        layout.addWidget(buttons)
        self.resize(640, 520)

    # -- actions ----------------------------------------------------------------------------

    def _choose_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "Import file", "", "Hash files (*.json *.csv *.txt *.md5);;All files (*)")
        if path:
            self.path_edit.setText(path)
            suffix = Path(path).suffix.lower()
            guess = {".json": "vics", ".csv": "icse"}.get(suffix, "hashes")
            self.format_box.setCurrentIndex(self.format_box.findData(guess))

    def start(self) -> None:
        path = self.path_edit.text().strip()
        fmt = str(self.format_box.currentData())
        series = self.series_edit.text().strip() or None
        if not path:
            self._fail("Choose a file to import.")
            return
        if self.sprint_box.currentIndex() < 0:
            self._fail("There is no sprint to import into; create one first.")
            return
        if fmt == "hashes" and not series:
            self._fail("A hash list goes into one series: type its name.")
            return
        self.report = None
        self.issue_list.clear()
        self.summary_label.setText("Importing…")
        self.progress_bar.setValue(0)
        self._set_running(True)
        progress = self.progress = Progress()
        request = ImportRequest(int(self.sprint_box.currentData()), path, fmt, series,
                                self.dry_run_box.isChecked(), self.strict_box.isChecked())
        Op(self.ctx, run_import, self.db, self.actor, request, progress)\
            .with_progress("Importing…", progress=progress, on_report=self._on_progress)\
            .success(self._on_finished).failure(self._on_failed).owned_by(self).run()

    def cancel(self) -> None:
        if self.progress is not None:
            self.progress.cancel()
            self.cancel_button.setEnabled(False)
            self.summary_label.setText("Cancelling… (rolling back)")

    def is_running(self) -> bool:
        return self.progress is not None

    def done(self, result: int) -> None:
        if self.is_running():  # closing mid-import cancels it rather than leaving it orphaned
            self.cancel()
        super().done(result)

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.is_running():
            self.cancel()
        super().closeEvent(event)

    def _sprints_loaded(self, sprints: list[SprintInfo]) -> None:
        keep = self.sprint_box.currentData()
        self.sprint_box.clear()
        for sprint in sprints:
            self.sprint_box.addItem(sprint.name, sprint.id)
        self.sprint_box.setCurrentIndex(max(self.sprint_box.findData(keep), 0))

    # -- results ----------------------------------------------------------------------------

    def _set_running(self, running: bool) -> None:
        self.import_button.setEnabled(not running)
        self.cancel_button.setEnabled(running)
        for widget in (self.path_edit, self.format_box, self.sprint_box, self.series_edit,
                       self.dry_run_box, self.strict_box):
            widget.setEnabled(not running)

    def _on_progress(self, bytes_read: int, bytes_total: int, line: str) -> None:
        if bytes_total:
            self.progress_bar.setValue(min(1000, int(bytes_read * 1000 / bytes_total)))
        self.rate_label.setText(line)

    def _on_finished(self, report: intake.ImportReport) -> None:
        self.report = report
        self.progress = None
        self._set_running(False)
        self.progress_bar.setValue(1000)
        lines = [report.summary()]
        for series in report.series:
            flags = []
            if series.victim_identified:
                flags.append(f"{series.victim_identified:,} already marked victim identified")
            if series.distributed:
                flags.append(f"{series.distributed:,} distributed")
            lines.append(f"{series.code}{' (new)' if series.created else ''}: {series.new:,} new,"
                         f" {series.already:,} already there"
                         + (f" — {', '.join(flags)}" if flags else ""))
        self.summary_label.setText("\n".join(lines))
        for issue in report.issues:
            self.issue_list.addItem(str(issue))

    def _on_failed(self, error: BaseException) -> None:
        self.progress = None
        self._set_running(False)
        self._fail(failure_text(error))

    def _fail(self, message: str) -> None:
        self.summary_label.setText(message)
