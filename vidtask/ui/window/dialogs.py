"""The window's coordinator dialogs: import series, export packets, sprint report, feedback.

Each opens window-modal (`open()`, not `exec()`) and is kept in `dialogs[name]` while open
(tests and scripts find it there). Their writes are `Op`s of the window's context, so what they
change reaches the board, review queue and dashboard through the bus like any other write.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from PySide6.QtWidgets import QDialog, QFileDialog, QInputDialog, QWidget

from vidtask.domain.countries_basic import country_label
from vidtask.domain.permissions import Action
from vidtask.services import review
from vidtask.services.report import default_report_name
from vidtask.services.series import SeriesRow
from vidtask.ui.context import AppContext
from vidtask.ui.dashboard import DashboardWidget
from vidtask.ui.export.dialog import ExportPacketsDialog
from vidtask.ui.intake.dialog import ImportDialog
from vidtask.ui.operations import Op
from vidtask.ui.review.feedback import FeedbackDialog
from vidtask.ui.sprint_settings import SprintSettingsDialog

#: Series statuses that have been confirmed for (and maybe sent to) a country.
FEEDBACK_STATUSES = frozenset({"confirmed", "notified"})


class CoordinatorDialogs:
    def __init__(self, ctx: AppContext, parent: QWidget, dashboard: DashboardWidget,
                 current_series: Callable[[], SeriesRow | None]) -> None:
        self.ctx, self.parent, self.dashboard = ctx, parent, dashboard
        self.current_series = current_series
        self.open: dict[str, QDialog] = {}

    def _show(self, name: str, dialog: QDialog) -> QDialog:
        old = self.open.pop(name, None)
        if old is not None:
            old.close()
        self.open[name] = dialog
        dialog.finished.connect(lambda _result: self.open.pop(name, None)
                                if self.open.get(name) is dialog else None)
        dialog.open()
        return dialog

    def open_import(self) -> QDialog | None:
        if not self.ctx.may(Action.IMPORT_SERIES):
            self.ctx.notices.warning("Only coordinators import series.")
            return None
        return self._show("import", ImportDialog(self.ctx, self.parent))

    def open_export(self) -> QDialog | None:
        if not self.ctx.may(Action.EXPORT_PACKETS):
            self.ctx.notices.warning("Only coordinators export packets.")
            return None
        return self._show("export", ExportPacketsDialog(self.ctx, self.parent))

    def open_sprint_settings(self) -> QDialog | None:
        if not self.ctx.may(Action.EDIT_SPRINT):
            self.ctx.notices.warning("Only administrators change the sprint settings.")
            return None
        return self._show("sprint settings", SprintSettingsDialog(self.ctx, self.parent))

    def export_report(self, path: Path | None = None) -> None:
        """The press-office PDF (no operational detail); asks where unless `path` is given."""
        if path is None:
            data = self.dashboard.data
            name = default_report_name(data.stats.sprint if data else self.ctx.sprint.name,
                                       data.as_of.date() if data else datetime.now(UTC).date())
            chosen, _ = QFileDialog.getSaveFileName(self.parent, "Export sprint report (PDF)",
                                                    str(Path.home() / name), "PDF (*.pdf)")
            if not chosen:
                return
            path = Path(chosen)
        self.dashboard.export_report(path)

    def record_feedback(self) -> None:
        """Feedback a country sent on the selected confirmed/notified series."""
        if not self.ctx.may(Action.RECORD_FEEDBACK):
            self.ctx.notices.warning("Only coordinators record country feedback.")
            return
        row = self.current_series()
        if row is None:
            self.ctx.notices.warning("Select a confirmed or notified series first.")
            return
        if row.status not in FEEDBACK_STATUSES:
            self.ctx.notices.warning(f"{row.code} is {row.status}: feedback comes for "
                                     "confirmed or notified series.")
            return
        Op(self.ctx, review.dissemination_list, self.ctx.db, self.ctx.sprint.id)\
            .success(lambda entries: self._feedback_for(row, entries)).run()

    def _feedback_for(self, row: SeriesRow, entries: list[review.DisseminationEntry]) -> None:
        mine = [e.country for e in entries if row.code in e.waiting or row.code in e.sent]
        if not mine:
            self.ctx.notices.warning(f"{row.code} is not confirmed for any country.")
            return
        country = mine[0]
        if len(mine) > 1:
            labels = [f"{c} — {country_label(c)}" for c in mine]
            picked, ok = QInputDialog.getItem(self.parent, "Record country feedback",
                                              f"Which country's feedback on {row.code}?",
                                              labels, 0, False)
            if not ok:
                return
            country = mine[labels.index(picked)]
        dialog = FeedbackDialog(self.ctx, row.id, country, self.parent, series_code=row.code)
        dialog.accepted.connect(lambda: self.ctx.notices.info(
            f"Feedback from {country_label(country)} on {row.code} recorded."))
        self._show("feedback", dialog)
