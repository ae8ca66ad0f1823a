"""DashboardWidget: the sprint at a glance, refreshed in place from the change bus.

Its figures are read by an `Op` (off the GUI thread), at most once per burst of changes, and
only while the tab is showing: changes that arrive while it is hidden mark it stale, and it
re-reads when shown. The press-office PDF is written by an `Op` too.

Signals
-------
reportExported(str)
    The PDF summary was written; carries its path.
reportFailed(str)
    Writing the PDF failed; carries one sentence for the user.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from PySide6.QtCore import QAbstractItemModel, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QKeySequence, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from vidtask.domain.changes import Changes
from vidtask.domain.countries_basic import country_label
from vidtask.domain.dates import format_time
from vidtask.domain.enums import ClueCategory
from vidtask.services.dashboard import SprintDashboard, sprint_dashboard
from vidtask.services.report import default_report_name, export_sprint_report
from vidtask.ui.context import AppContext
from vidtask.ui.dashboard.charts import (
    ASSESSED,
    CONFIRMED,
    HELD,
    BurnUpChart,
    GroupedHorizontalBars,
    HorizontalBars,
)
from vidtask.ui.dashboard.tables import participant_model, waiting_model
from vidtask.ui.operations import ChangeBatch, Op, sentence

#: Changes that cannot move any dashboard figure (a renewal, a comment) cause no refresh.
IGNORED_ACTIONS = ("claim.renewed", "comment.added", "presence.seen")
#: Bursts of changes (a bulk import, a busy minute) collapse into one refresh.
REFRESH_DELAY_MS = 250
#: "Stuck" depends on time passing, so the figures are re-read now and then even if quiet.
PERIODIC_REFRESH_MS = 60_000

HEADLINE = (
    ("series_total", "Series"), ("claimed", "Claimed"), ("assessed", "Assessed"),
    ("proposed", "Proposed"), ("confirmed", "Confirmed"), ("notified", "Notified"),
    ("eliminated", "Eliminated"), ("countries_with_confirmed", "Countries confirmed"),
    ("clues_total", "Clues"),
)
#: Trace an Object (`AppealStats`): the figures Europol publishes.
APPEAL_HEADLINE = (
    ("tips_received", "Tips received"), ("tips_useful", "Tips found relevant"),
    ("objects_on_appeal", "Objects on appeal"),
    ("identified", "Countries found through tips"), ("too_widespread", "Too widespread"),
)


def _category_label(name: str) -> str:
    if name == ClueCategory.TV_RADIO:
        return "TV and radio"
    try:
        return ClueCategory(name).label
    except ValueError:
        return name


def moves_figures(changes: Changes) -> bool:
    return bool(changes.without_actions(*IGNORED_ACTIONS))


class _Tile(QFrame):
    """One headline number with its caption."""

    def __init__(self, key: str, caption: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(f"dashboardTile_{key}")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.value = QLabel("–", self)
        self.value.setObjectName(f"dashboardValue_{key}")
        self.value.setAlignment(Qt.AlignmentFlag.AlignCenter)
        font = self.value.font()
        font.setPointSizeF(font.pointSizeF() * 1.9)
        font.setBold(True)
        self.value.setFont(font)
        label = QLabel(caption, self)
        label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 4)
        layout.setSpacing(0)
        layout.addWidget(self.value)
        layout.addWidget(label)
        self.caption = caption
        self.setAccessibleName(caption)

    def show_value(self, value: int) -> None:
        text = f"{value:,}"
        if self.value.text() != text:
            self.value.setText(text)
            self.setAccessibleDescription(f"{self.caption}: {text}")


class DashboardWidget(QWidget):
    """Headline counts, burn-up, per-country, clue categories, activity, waiting work.

    Call `refresh()` to re-read everything; changes on the bus (this window's or another
    desktop's) refresh it shortly; updates replace chart data in place.
    """

    reportExported = Signal(str)
    reportFailed = Signal(str)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("dashboard")
        self.setAccessibleName("Sprint dashboard")
        self.ctx = ctx
        self.db, self.sprint_id = ctx.db, ctx.sprint.id
        self.data: SprintDashboard | None = None
        self._now = datetime.now(UTC)
        #: Changes arrived while hidden: re-read when shown.
        self.stale = False
        self._reading = False

        self.tiles = {key: _Tile(key, caption) for key, caption in HEADLINE}
        self.appeal_tiles = {key: _Tile(key, caption) for key, caption in APPEAL_HEADLINE}
        self.tips_chart = HorizontalBars("Tips per public appeal object", "tips", ASSESSED,
                                         "dashboardTipsChart", self)
        self.burn_up = BurnUpChart(self)
        self.countries = HorizontalBars("Confirmed series per country", "confirmed", CONFIRMED,
                                        "dashboardCountryChart", self)
        self.clue_categories = HorizontalBars("Clues by category", "clues", ASSESSED,
                                              "dashboardClueChart", self)
        self.agencies = GroupedHorizontalBars(
            "Activity per agency", ("series proposed", "claims held now"), (ASSESSED, HELD),
            "dashboardAgencyChart", self)
        self.people_model = participant_model(lambda: self._now)
        self.waiting_model = waiting_model(lambda: self._now)
        self.people_view = self._table(self.people_model, "dashboardParticipants",
                                       "Activity per participant")
        self.waiting_view = self._table(self.waiting_model, "dashboardUnclaimed",
                                        "Unclaimed high-priority series")
        self.people_caption = QLabel("Activity per participant")
        self.waiting_caption = QLabel("Unclaimed high-priority series")
        self.as_of = QLabel("")
        self.as_of.setObjectName("dashboardAsOf")

        self.refresh_button = QPushButton("&Refresh")
        self.refresh_button.setObjectName("dashboardRefresh")
        self.refresh_button.setAccessibleName("Refresh the dashboard")
        self.refresh_button.setShortcut(QKeySequence(QKeySequence.StandardKey.Refresh))
        self.refresh_button.setToolTip("Re-read the figures (F5)")
        self.refresh_button.clicked.connect(self.refresh)
        self.export_button = QPushButton("Export &report…")
        self.export_button.setObjectName("dashboardExportReport")
        self.export_button.setAccessibleName("Export the sprint summary PDF")
        self.export_button.setShortcut(QKeySequence("Ctrl+Shift+E"))
        self.export_button.setToolTip("Write the press-office summary PDF (Ctrl+Shift+E)")
        self.export_button.clicked.connect(self._choose_report_path)

        self._build_layout()
        self._pending = QTimer(self)
        self._pending.setSingleShot(True)
        self._pending.setInterval(REFRESH_DELAY_MS)
        self._pending.timeout.connect(self.refresh)
        self._periodic = QTimer(self)
        self._periodic.setInterval(PERIODIC_REFRESH_MS)
        self._periodic.timeout.connect(self._refresh_if_visible)
        self._periodic.start()
        ctx.bus.subscribe(self.on_changes)
        self.refresh()

    # ------------------------------------------------------------------ layout

    def _table(self, model: QAbstractItemModel, name: str, accessible: str) -> QTableView:
        view = QTableView(self)
        view.setModel(model)
        view.setObjectName(name)
        view.setAccessibleName(accessible)
        view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        view.setAlternatingRowColors(True)
        view.verticalHeader().setVisible(False)
        view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        view.verticalHeader().setDefaultSectionSize(view.fontMetrics().height() + 6)
        header = view.horizontalHeader()
        header.setStretchLastSection(True)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        view.setMinimumHeight(220)
        return view

    def _build_layout(self) -> None:
        content = QWidget()
        grid = QGridLayout(content)
        grid.setContentsMargins(8, 8, 8, 8)
        grid.setHorizontalSpacing(10)
        grid.setVerticalSpacing(10)

        top = QHBoxLayout()
        for tile in self.tiles.values():
            tile.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
            top.addWidget(tile)
        buttons = QVBoxLayout()
        buttons.addWidget(self.refresh_button)
        buttons.addWidget(self.export_button)
        buttons.addWidget(self.as_of)
        top.addLayout(buttons)
        grid.addLayout(top, 0, 0, 1, 2)

        grid.addWidget(self.burn_up.view, 1, 0)
        grid.addWidget(self.countries.view, 1, 1)
        grid.addWidget(self.agencies.view, 2, 0)
        grid.addWidget(self.clue_categories.view, 2, 1)
        for column, (caption, view) in enumerate(((self.people_caption, self.people_view),
                                                  (self.waiting_caption, self.waiting_view))):
            box = QVBoxLayout()
            bold = caption.font()
            bold.setBold(True)
            caption.setFont(bold)
            box.addWidget(caption)
            box.addWidget(view)
            grid.addLayout(box, 3, column)
        appeal_row = QVBoxLayout()
        caption = QLabel("Trace an Object")
        bold = caption.font()
        bold.setBold(True)
        caption.setFont(bold)
        appeal_row.addWidget(caption)
        appeal_tiles = QHBoxLayout()
        for tile in self.appeal_tiles.values():
            tile.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
            appeal_tiles.addWidget(tile)
        appeal_row.addLayout(appeal_tiles)
        appeal_row.addStretch(1)
        grid.addLayout(appeal_row, 4, 0)
        grid.addWidget(self.tips_chart.view, 4, 1)
        self.tips_chart.view.setMinimumHeight(260)
        grid.setColumnStretch(0, 3)
        grid.setColumnStretch(1, 2)
        for row in (1, 2, 3, 4):
            grid.setRowStretch(row, 1)
        for chart_view in (self.burn_up.view, self.countries.view, self.agencies.view,
                     self.clue_categories.view):
            chart_view.setMinimumHeight(320)

        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(content)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)

    # ------------------------------------------------------------------ updates

    def on_changes(self, batch: ChangeBatch) -> None:
        """Hear about changes (this window's or another desktop's); refresh once, shortly."""
        if not moves_figures(batch.changes):
            return
        if self.isVisible():
            self._pending.start()
        else:  # read only when someone looks
            self.stale = True

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self.stale:
            self.refresh()

    @Slot()
    def refresh(self) -> None:
        """Re-read the figures (a few grouped queries, off the GUI thread); views update in
        place when they arrive."""
        self._pending.stop()
        self.stale = False
        if self._reading:
            self._pending.start()  # once the read in flight is back
            return
        self._reading = True
        Op(self.ctx, sprint_dashboard, self.db, self.sprint_id).success(self._read)\
            .failure(self._read_failed).owned_by(self).run()

    def _read(self, data: SprintDashboard) -> None:
        self._reading = False
        self.show_dashboard(data)

    def _read_failed(self, error: BaseException) -> None:
        self._reading = False
        self.ctx.notices.failure(error)

    def stop(self) -> None:
        """The window is closing: no more refreshes (the database may be gone next)."""
        self._pending.stop()
        self._periodic.stop()

    def _refresh_if_visible(self) -> None:
        if self.isVisible():
            self.refresh()

    def show_dashboard(self, data: SprintDashboard) -> None:
        self.data = data
        self._now = data.as_of
        stats = data.stats
        values = {**{key: getattr(stats, key, 0) for key, _ in HEADLINE},
                  "proposed": stats.by_status.get("proposed", 0)}
        for key, tile in self.tiles.items():
            tile.show_value(int(values[key]))
        if data.appeals is not None:
            for key, tile in self.appeal_tiles.items():
                tile.show_value(int(getattr(data.appeals, key)))
            self.tips_chart.update(list(data.appeals.tips_per_object))
        self.burn_up.update(data.burn_up)
        self.countries.update([(country_label(code), count)
                               for code, count in stats.confirmed_per_country.items()])
        self.clue_categories.update([(_category_label(name), count)
                                     for name, count in data.clues_by_category.items()])
        self.agencies.update_pairs([(a.agency, a.proposals_total, a.claims_held)
                                    for a in data.agencies])
        people = sorted(data.participants, key=lambda p: (not p.stuck, not p.overloaded,
                                                          -p.claims_held, -p.proposals_total,
                                                          p.display_name))
        first_fill = not self.people_model.rows()
        self.people_model.set_rows(people)
        self.waiting_model.set_rows(data.unclaimed_high_priority)
        if first_fill:  # small tables (one row per person): fitting columns once is cheap
            self.people_model.fit_columns(self.people_view)
            self.waiting_model.fit_columns(self.waiting_view)
        stuck = sum(p.stuck for p in people)
        overloaded = sum(p.overloaded for p in people)
        hours = int(data.stuck_after.total_seconds() // 3600)
        self.people_caption.setText(
            f"Activity per participant — {stuck} stuck (claim held, nothing done for {hours} h), "
            f"{overloaded} overloaded ({data.overloaded_at}+ claims)")
        shown, total = len(data.unclaimed_high_priority), data.unclaimed_high_priority_total
        self.waiting_caption.setText(f"Unclaimed high-priority series — {total}"
                                     + (f" (first {shown} shown)" if shown < total else ""))
        self.as_of.setText(f"as of {format_time(data.as_of, utc=True)}")

    # ------------------------------------------------------------------ report

    def _choose_report_path(self) -> None:
        name = default_report_name(self.data.stats.sprint if self.data else "sprint",
                                   self._now.date())
        path, _ = QFileDialog.getSaveFileName(self, "Export sprint summary",
                                              str(Path.home() / name), "PDF (*.pdf)")
        if path:
            self.export_report(Path(path))

    def export_report(self, path: Path) -> None:
        """Write the press-office PDF off the GUI thread; reportExported/reportFailed follow."""
        self.export_button.setEnabled(False)
        self.export_button.setText("Exporting…")
        Op(self.ctx, export_sprint_report, self.db, self.sprint_id, path)\
            .with_progress(f"Writing {path.name}…")\
            .success(lambda _r: self._export_done(str(path)))\
            .failure(lambda e: self._export_failed(path, e)).owned_by(self).run()

    def _finish_export(self) -> None:
        self.export_button.setEnabled(True)
        self.export_button.setText("Export &report…")

    def _export_done(self, path: str) -> None:
        self._finish_export()
        self.as_of.setText(f"summary written: {Path(path).name}")
        self.reportExported.emit(path)

    def _export_failed(self, path: Path, error: BaseException) -> None:
        self._finish_export()
        if isinstance(error, OSError):
            self.reportFailed.emit(f"Cannot write {path}: {error.strerror or error}.")
        else:
            self.reportFailed.emit(sentence(error))
