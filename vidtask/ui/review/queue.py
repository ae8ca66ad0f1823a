"""The coordinator's review queue: proposed series, their evidence, and the three decisions.

Left: proposed series (most urgent, oldest first). Right: the selected series' candidates, every
clue with its value in words and its effect on each candidate (the narrowing model's), a warning
when the ranking contradicts the clues, and who assessed it; below, Confirm (checked candidate
countries), Send back (needs a comment) and Eliminate (needs a reason). Nothing is ticked when a
series is shown, so Confirm stays disabled until the coordinator chooses; Confirm and Eliminate
ask first, naming the series and the countries (Cancel is the default). After a decision the next
series in the list is selected. A second tab lists the confirmed series per country, waiting or
already sent. Every service call is an `Op` of the window; its decisions' Changes go out on the
window's bus, and the queue reloads from the bus when a batch can change what it shows
(`concerns_review`). The evidence's text comes from `evidence_html`, the decisions' controls
from `decision_controls`. Slots: refresh().
"""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtCore import QItemSelection, QTimer, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableView,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from vidtask.db.engine import Database
from vidtask.domain.changes import Changes
from vidtask.services import review
from vidtask.services.review import DisseminationEntry, ReviewItem
from vidtask.ui.column_fit import shown_width, text_cell_width
from vidtask.ui.commands import Command, Handler
from vidtask.ui.context import AppContext
from vidtask.ui.decisions import ask, countries_in_words
from vidtask.ui.naming import named
from vidtask.ui.operations import ChangeBatch, Op, sentence
from vidtask.ui.review.contradictions import ContradictionNote
from vidtask.ui.review.decision_controls import NO_COMMENT_TIP, NO_REASON_TIP, DecisionControls
from vidtask.ui.review.evidence_html import detail_html, series_title
from vidtask.ui.review.models import (
    WIDEST_TOP_CANDIDATES,
    DisseminationModel,
    ReviewQueueModel,
)

# events after which the queue or the dissemination list may look different; claims only
# touch series that are open for work, never one waiting for review or confirmed
RELEVANT_ENTITIES = ("series", "assessment", "clue", "packet", "comment")


def concerns_review(changes: Changes) -> bool:
    return changes.without_actions("claim.*").touches(*RELEVANT_ENTITIES)


class ReviewQueueWidget(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._db, self._sprint_id, self._login = ctx.db, ctx.sprint.id, ctx.login
        self._busy = False
        self._pending_refresh = False
        self._selected_id: int | None = None
        self._after_decision: int | None = None  # row to select once the decided series left
        self.setObjectName("reviewQueueWidget")

        self.queue_model = ReviewQueueModel()
        self.queue = named(QTableView(), "reviewQueue", "Proposed series to review")
        self.queue.setModel(self.queue_model)
        self.queue.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.queue.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.queue.verticalHeader().hide()
        self.queue.verticalHeader().setDefaultSectionSize(24)
        self.queue.horizontalHeader().setStretchLastSection(True)
        widest = text_cell_width(self.queue, [WIDEST_TOP_CANDIDATES, "Top candidates"])
        for column, width in enumerate((125, 140, widest, 110)):
            self.queue.setColumnWidth(column, width)
        self.queue.setMinimumWidth(shown_width(self.queue, columns=3))  # series, alias, top
        self.queue.selectionModel().selectionChanged.connect(self._selection_changed)

        self.detail = named(QTextBrowser(), "reviewDetail", "Selected series: evidence")
        self.detail.setOpenLinks(False)
        self.contradictions = ContradictionNote(ctx)
        self.decisions = DecisionControls(self)
        self.decisions.edited.connect(self._update_actions)
        self.decisions.confirm_button.clicked.connect(self.confirm)
        self.decisions.send_back_button.clicked.connect(self.send_back)
        self.decisions.eliminate_button.clicked.connect(self.eliminate)
        self.status = named(QLabel(), "reviewStatus", "Review status message")
        self.status.setWordWrap(True)
        self.warnings = named(QLabel(), "reviewWarnings",
                              "Where the ranking contradicts the series' clues")
        self.warnings.setWordWrap(True)
        self.warnings.setStyleSheet("color: #8a3b00; font-weight: bold")

        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.detail, 1)
        right_layout.addWidget(self.contradictions)
        right_layout.addWidget(self.warnings)
        right_layout.addLayout(self.decisions.grid)
        right_layout.addWidget(self.status)
        splitter = QSplitter()
        splitter.addWidget(self.queue)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 4)

        self.dissemination_model = DisseminationModel()
        self.dissemination = dissemination_view(self.dissemination_model)

        self.tabs = named(QTabWidget(), "reviewTabs", "Review queue and dissemination list")
        self.tabs.addTab(splitter, "&Queue")
        self.tabs.addTab(self.dissemination, "&Dissemination")
        refresh = named(QPushButton("&Refresh"), "reviewRefresh", "Reload the review queue")
        refresh.clicked.connect(self.refresh)
        self.summary = named(QLabel(), "reviewSummary", "Queue summary")
        top = QHBoxLayout()
        top.addWidget(self.summary, 1)
        top.addWidget(refresh)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.tabs)
        self._show(None)
        ctx.bus.subscribe(self.on_changes)
        self.refresh()

    def commands(self) -> Mapping[Command, Handler]:
        """The decisions, from the window's menu and shortcuts while this tab shows."""
        return {Command.CONFIRM: self.confirm, Command.SEND_BACK: self.send_back,
                Command.ELIMINATE: self.eliminate}

    # ------------------------------------------------------------ loading

    def current_item(self) -> ReviewItem | None:
        rows = self.queue.selectionModel().selectedRows()
        return self.queue_model.item(rows[0].row()) if rows else None

    @Slot()
    def refresh(self) -> None:
        """Reload queue and dissemination list in the background; keeps the selection."""
        if self._busy:
            self._pending_refresh = True
            return
        self._busy = True
        Op(self.ctx, load_review, self._db, self._sprint_id).success(self._loaded)\
            .failure(self._failed).owned_by(self).run()
        self._update_actions()

    def on_changes(self, batch: ChangeBatch) -> None:
        """Any change on the bus (this window's or another desktop's) that can touch this screen."""
        if concerns_review(batch.changes):
            self.refresh()

    def _loaded(self, result: tuple[list[ReviewItem], list[DisseminationEntry]]) -> None:
        self._busy = False
        queue, entries = result
        keep = self._selected_id
        self.queue_model.set_rows(queue)
        self.dissemination_model.set_rows(entries)
        waiting = sum(len(e.waiting) for e in entries)
        countries = sum(1 for e in entries if e.waiting)
        self.summary.setText(f"{len(queue)} series to review · {waiting} confirmed series "
                             f"waiting for {countries} "
                             f"{'country' if countries == 1 else 'countries'}")
        row = self.queue_model.row_of(keep) if keep is not None else None
        if row is None and queue:
            # the decided series left: the one after it, never silently the top of the list
            row = min(self._after_decision or 0, len(queue) - 1)
        self._after_decision = None
        if row is not None:
            self.queue.selectRow(row)
        else:
            self._show(None)
        if self._pending_refresh:
            self._pending_refresh = False
            QTimer.singleShot(0, self.refresh)

    def _failed(self, error: BaseException) -> None:
        self._busy = False
        self._set_status(sentence(error), error=True)
        self._update_actions()
        if self._pending_refresh:
            self._pending_refresh = False
            self.refresh()

    def _selection_changed(self, _selected: QItemSelection, _deselected: QItemSelection) -> None:
        self._show(self.current_item())

    def _show(self, item: ReviewItem | None) -> None:
        changed = (item.series_id if item else None) != self._selected_id
        self._selected_id = item.series_id if item else None
        self._show_warnings(item)
        self.contradictions.show_for(item.series_id if item else None, [
            (c.country, c.confidence) for c in item.candidates] if item else [])
        if item is None:
            self.detail.setHtml("<p><i>Nothing proposed is waiting for review.</i></p>")
            self.decisions.clear()
        elif changed or self.decisions.offered() != len(item.candidates):
            self.detail.setHtml(detail_html(item))
            self.decisions.offer(item)
        else:
            self.detail.setHtml(detail_html(item))
        self._update_actions()

    def _show_warnings(self, item: ReviewItem | None) -> None:
        """What the contradiction note above does not say: a lower-ranked country that no
        clue supports (the note names the first choice only)."""
        extra = [w.message for w in item.warnings if w.kind == "unsupported" and w.place > 1] \
            if item is not None else []
        if not extra:
            self.warnings.hide()
            self.warnings.clear()
            return
        self.warnings.setText("⚠ " + " ".join(extra))
        self.warnings.show()

    def checked_countries(self) -> list[str]:
        return self.decisions.checked_countries()

    def _update_actions(self) -> None:
        self.decisions.update(self.current_item(), busy=self._busy, login=self._login)

    def _set_status(self, text: str, *, error: bool = False) -> None:
        self.status.setStyleSheet("color: #b00020" if error else "color: #1b5e20")
        self.status.setText(text)

    # ------------------------------------------------------------ decisions

    @Slot()
    def confirm(self) -> None:
        item = self.current_item()
        countries = self.checked_countries()
        if item is None or not countries or not item.may_confirm(self._login):
            return
        warned = (" Mind the warning: " + " ".join(w.message for w in item.warnings)
                  if item.warnings else "")
        if not ask(self, "Confirm the likely country",
                        f"Confirm {series_title(item)} for {countries_in_words(countries)}? "
                        "It goes into the next packet for "
                        f"{'that country' if len(countries) == 1 else 'each of them'}.{warned}",
                        "Confirm"):
            return
        self._decide(Op(self.ctx, review.confirm_countries, self._db, self._login,
                        item.series_id, countries),
                     f"{item.code} confirmed for {', '.join(countries)}.")

    @Slot()
    def send_back(self) -> None:
        item = self.current_item()
        comment = self.decisions.comment.text().strip()
        if item is None:
            return
        if not comment:
            self._set_status(NO_COMMENT_TIP, error=True)
            return
        self._decide(Op(self.ctx, review.send_back, self._db, self._login, item.series_id,
                        comment), f"{item.code} sent back to the assessor.")

    @Slot()
    def eliminate(self) -> None:
        item = self.current_item()
        reason = self.decisions.reason.currentText().strip()
        if item is None:
            return
        if not reason:
            self._set_status(NO_REASON_TIP, error=True)
            return
        ranked = countries_in_words([c.country for c in item.candidates])
        if not ask(self, "Eliminate the series",
                        f"Eliminate {series_title(item)} without a country ({reason})? No country "
                        f"is notified{' — not ' + ranked if ranked else ''}, and it leaves the "
                        "review queue.", "Eliminate"):
            return
        self._decide(Op(self.ctx, review.eliminate, self._db, self._login, item.series_id,
                        reason), f"{item.code} eliminated ({reason}).")

    def _decide(self, op: Op[Changes], done_text: str) -> None:
        if self._busy:
            return
        self._busy = True
        rows = self.queue.selectionModel().selectedRows()
        self._after_decision = rows[0].row() if rows else None
        self._update_actions()

        def done(_changes: Changes) -> None:
            self._busy = False
            self._set_status(done_text)
            self._update_actions()
            if self._pending_refresh:  # the bus asked for the reload while we were busy
                self._pending_refresh = False
                self.refresh()

        op.success(done).failure(self._failed).owned_by(self).run()


def load_review(db: Database, sprint_id: int
                ) -> tuple[list[ReviewItem], list[DisseminationEntry]]:
    return review.review_queue(db, sprint_id), review.dissemination_list(db, sprint_id)


def dissemination_view(model: DisseminationModel) -> QTableView:
    """The Dissemination tab: confirmed series per country, waiting or already sent."""
    view = named(QTableView(), "disseminationList", "Confirmed series per country, waiting or sent")
    view.setModel(model)
    view.verticalHeader().hide()
    view.verticalHeader().setDefaultSectionSize(24)
    view.horizontalHeader().setStretchLastSection(True)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    for column, width in enumerate((200, 70, 60, 300)):
        view.setColumnWidth(column, width)
    view.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Interactive)
    return view
