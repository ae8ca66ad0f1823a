"""The "Import…" dialog: pick a file and format, run the import off the GUI thread, show the result.

The import runs in a QThread worker calling the intake service; progress arrives by signal.
Cancel sets an Event the service checks between batches, which rolls the whole file back.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Qt, QThread, Signal, Slot
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
from vidtask.services import intake
from vidtask.services.sprints import list_sprints

FORMATS = (("VICS JSON", "vics"), ("ICSE CSV", "icse"), ("Hash list", "hashes"))


class ImportWorker(QObject):
    """Runs one import in a worker thread; emits progress, then finished or failed."""

    progress = Signal(object)  # intake.ImportProgress
    finished = Signal(object)  # intake.ImportReport
    failed = Signal(str)

    def __init__(self, db: Database, actor: str, *, sprint_id: int, path: str, fmt: str,
                 series: str | None, dry_run: bool, strict: bool) -> None:
        super().__init__()
        self._args = (db, actor, sprint_id, path, fmt, series, dry_run, strict)
        self.cancel_event = threading.Event()

    @Slot()
    def run(self) -> None:
        db, actor, sprint_id, path, fmt, series, dry_run, strict = self._args
        options: dict[str, Any] = {"dry_run": dry_run, "strict": strict,
                                   "progress": self.progress.emit,
                                   "cancel": self.cancel_event}
        try:
            with open(path, "rb") as stream:
                if fmt == "vics":
                    report = intake.import_vics(db, actor, sprint_id, stream, series=series,
                                                **options)
                elif fmt == "icse":
                    report = intake.import_icse(db, actor, sprint_id, stream, series=series,
                                                **options)
                else:
                    report = intake.import_hashlist(db, actor, sprint_id, stream, series or "",
                                                    **options)
        except (VidtaskError, OSError) as exc:
            self.failed.emit(str(exc))
            return
        except Exception as exc:  # a bug: still tell the user, the transaction rolled back
            self.failed.emit(f"The import failed and nothing was imported ({exc}).")
            return
        self.finished.emit(report)


def _duration(seconds: float | None) -> str:
    if seconds is None:
        return "—"
    seconds = int(seconds)
    return f"{seconds // 60}:{seconds % 60:02d}"


class ImportDialog(QDialog):
    """Standalone dialog; the main window opens it with the database and the acting login."""

    # Threads outlive a closed dialog until they finish: Qt aborts if a running QThread dies.
    _live: set[tuple[QThread, ImportWorker]] = set()

    def __init__(self, db: Database, actor: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Import series")
        self.db = db
        self.actor = actor
        self.import_thread: QThread | None = None
        self.worker: ImportWorker | None = None
        self.report: intake.ImportReport | None = None

        self.path_edit = QLineEdit()
        self.path_edit.setPlaceholderText("VICS .json, ICSE .csv or a hash list")
        browse = QPushButton("Choose…")
        browse.clicked.connect(self._choose_file)
        path_row = QHBoxLayout()
        path_row.addWidget(self.path_edit, 1)
        path_row.addWidget(browse)
        self.format_box = QComboBox()
        for label, key in FORMATS:
            self.format_box.addItem(label, key)
        self.sprint_box = QComboBox()
        for sprint in list_sprints(db):
            self.sprint_box.addItem(sprint.name, sprint.id)
        self.series_edit = QLineEdit()
        self.series_edit.setPlaceholderText("for records naming no series (required for lists)")
        self.dry_run_box = QCheckBox("Dry run: check and count, save nothing")
        self.strict_box = QCheckBox("Strict: refuse the file on any problem")

        form = QFormLayout()
        form.addRow("File", path_row)
        form.addRow("Format", self.format_box)
        form.addRow("Sprint", self.sprint_box)
        form.addRow("Series", self.series_edit)
        form.addRow("", self.dry_run_box)
        form.addRow("", self.strict_box)

        self.progress_bar = QProgressBar()
        self.progress_bar.setRange(0, 1000)
        self.progress_bar.setValue(0)
        self.rate_label = QLabel("")
        self.summary_label = QLabel("")
        self.summary_label.setWordWrap(True)
        self.summary_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.issue_list = QListWidget()

        self.import_button = QPushButton("Import")
        self.import_button.setDefault(True)
        self.import_button.clicked.connect(self.start)
        self.cancel_button = QPushButton("Cancel import")
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
        self.worker = ImportWorker(self.db, self.actor,
                                   sprint_id=int(self.sprint_box.currentData()), path=path,
                                   fmt=fmt, series=series, dry_run=self.dry_run_box.isChecked(),
                                   strict=self.strict_box.isChecked())
        self.import_thread = QThread()
        pair = (self.import_thread, self.worker)
        ImportDialog._live.add(pair)
        self.import_thread.finished.connect(lambda: ImportDialog._live.discard(pair))
        self.worker.moveToThread(self.import_thread)
        self.import_thread.started.connect(self.worker.run)
        self.worker.progress.connect(self._on_progress)
        self.worker.finished.connect(self._on_finished)
        self.worker.failed.connect(self._on_failed)
        self.worker.finished.connect(self.import_thread.quit)
        self.worker.failed.connect(self.import_thread.quit)
        self.import_thread.start()

    def cancel(self) -> None:
        if self.worker is not None:
            self.worker.cancel_event.set()
            self.cancel_button.setEnabled(False)
            self.summary_label.setText("Cancelling… (rolling back)")

    def is_running(self) -> bool:
        return self.import_thread is not None and self.import_thread.isRunning()

    def wait(self, msecs: int = 60_000) -> bool:
        return self.import_thread.wait(msecs) if self.import_thread is not None else True

    def done(self, result: int) -> None:
        if self.is_running():  # closing mid-import cancels it rather than leaving it orphaned
            self.cancel()
            self.wait()
        super().done(result)

    def closeEvent(self, event: Any) -> None:
        if self.is_running():
            self.cancel()
            self.wait()
        super().closeEvent(event)

    # -- results ----------------------------------------------------------------------------

    def _set_running(self, running: bool) -> None:
        self.import_button.setEnabled(not running)
        self.cancel_button.setEnabled(running)
        for widget in (self.path_edit, self.format_box, self.sprint_box, self.series_edit,
                       self.dry_run_box, self.strict_box):
            widget.setEnabled(not running)

    @Slot(object)
    def _on_progress(self, step: intake.ImportProgress) -> None:
        if step.fraction is not None:
            self.progress_bar.setValue(int(step.fraction * 1000))
        self.rate_label.setText(f"{step.records:,} records · {step.records_per_second:,.0f}/s · "
                                f"ETA {_duration(step.eta_seconds)}")

    @Slot(object)
    def _on_finished(self, report: intake.ImportReport) -> None:
        self.report = report
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

    @Slot(str)
    def _on_failed(self, message: str) -> None:
        self._set_running(False)
        self._fail(message)

    def _fail(self, message: str) -> None:
        self.summary_label.setText(message)
