"""The main window's coordinator dialogs: import series, export packets, sprint report, feedback.

Each function opens its dialog window-modal (`open()`, not `exec()`), keeps it on the window as
`window.dialogs[name]` (tests and scripts find it there), and sends the dialog's writes back into
the window's change feed so the board, review queue and dashboard update at once.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QDialog, QFileDialog, QInputDialog

from vidtask.domain.changes import Changes
from vidtask.domain.countries_basic import country_label
from vidtask.domain.permissions import Action
from vidtask.services import review
from vidtask.services.report import default_report_name
from vidtask.ui.common import error_sentence
from vidtask.ui.export.dialog import ExportPacketsDialog
from vidtask.ui.intake.dialog import ImportDialog
from vidtask.ui.review.feedback import FeedbackDialog

if TYPE_CHECKING:
    from vidtask.ui.main_window import MainWindow

#: Series statuses that have been confirmed for (and maybe sent to) a country.
FEEDBACK_STATUSES = frozenset({"confirmed", "notified"})


def _show(window: MainWindow, name: str, dialog: QDialog) -> QDialog:
    old = window.dialogs.pop(name, None)
    if old is not None:
        old.close()
    window.dialogs[name] = dialog
    dialog.finished.connect(lambda _result: window.dialogs.pop(name, None)
                            if window.dialogs.get(name) is dialog else None)
    dialog.open()
    return dialog


def open_import(window: MainWindow) -> QDialog | None:
    if not window.ctx.may(Action.IMPORT_SERIES):
        window.show_message("Only coordinators import series.")
        return None
    dialog = ImportDialog(window.ctx.db, window.ctx.login, window)
    # the import writes through write_tx: the wake-up brings its events; refresh on close anyway
    dialog.finished.connect(lambda _r: window.live.poll_now())
    return _show(window, "import", dialog)


def open_export(window: MainWindow) -> QDialog | None:
    if not window.ctx.may(Action.EXPORT_PACKETS):
        window.show_message("Only coordinators export packets.")
        return None
    dialog = ExportPacketsDialog(window.ctx.db, window.ctx.sprint.id, window.ctx.login, window)
    dialog.changesMade.connect(window.screen_wrote)
    return _show(window, "export", dialog)


def export_report(window: MainWindow, path: Path | None = None) -> None:
    """The press-office PDF (no operational detail); asks where unless `path` is given."""
    dashboard = window.dashboard
    if path is None:
        data = dashboard.data
        name = default_report_name(data.stats.sprint if data else window.ctx.sprint.name,
                                   data.as_of.date() if data else datetime.now(UTC).date())
        chosen, _ = QFileDialog.getSaveFileName(window, "Export sprint report (PDF)",
                                                str(Path.home() / name), "PDF (*.pdf)")
        if not chosen:
            return
        path = Path(chosen)
    window.show_message(f"Writing {path.name}…")
    dashboard.export_report(path)


def record_feedback(window: MainWindow) -> None:
    """Feedback a country sent on the selected confirmed/notified series."""
    if not window.ctx.may(Action.RECORD_FEEDBACK):
        window.show_message("Only coordinators record country feedback.")
        return
    series_id = window.current_series_id()
    row = window.model.series(series_id) if series_id else None
    if row is None:
        window.show_message("Select a confirmed or notified series first.")
        return
    if row.status not in FEEDBACK_STATUSES:
        window.show_message(f"{row.code} is {row.status}: feedback comes for confirmed or "
                            "notified series.")
        return

    def countries(entries: list[review.DisseminationEntry]) -> None:
        mine = [e.country for e in entries if row.code in e.waiting or row.code in e.sent]
        if not mine:
            window.show_message(f"{row.code} is not confirmed for any country.")
            return
        country = mine[0]
        if len(mine) > 1:
            labels = [f"{c} — {country_label(c)}" for c in mine]
            picked, ok = QInputDialog.getItem(window, "Record country feedback",
                                              f"Which country's feedback on {row.code}?",
                                              labels, 0, False)
            if not ok:
                return
            country = mine[labels.index(picked)]
        dialog = FeedbackDialog(window.ctx.db, row.id, country, window.ctx.login, window,
                                series_code=row.code)
        dialog.changesMade.connect(window.screen_wrote)
        dialog.accepted.connect(lambda: window.show_message(
            f"Feedback from {country_label(country)} on {row.code} recorded."))
        _show(window, "feedback", dialog)

    window.ctx.workers.run(review.dissemination_list, window.ctx.db, window.ctx.sprint.id,
                           done=countries,
                           failed=lambda e: window.show_message(error_sentence(e)))


def changes_of(payload: Any) -> Changes:
    """Dialogs and screens emit `Changes`; be lenient with a bare event list."""
    if isinstance(payload, Changes):
        return payload
    return Changes(tuple(payload or ()))
