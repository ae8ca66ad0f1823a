"""Series workspace: one series in one tab — header with the claim, the clues & assessment
tab, media, comments and timeline. Several may be open, one tab each.

Composed of `header.WorkspaceHeader`, `clues_tab.CluesTab`, `outbox_merge.OfflineEdits` (writes
that survive losing the database) and `ranking.LiveRanking`. Read-only unless the user holds the
claim; every write is an `Op` of the window, and the workspace reloads (one background call:
detail, timeline and the saved clues' ranking) when a batch on the change bus touches its
series — its own writes included. A refresh never overwrites unsaved edits: a dirty editor
keeps its text and says who changed the clue. As a `Screen` it handles Claim, Release, Extend,
Save clue, New clue, Propose and Post comment. Signals: ``titleChanged(str)``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QMessageBox,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from vidtask.db.engine import Database
from vidtask.domain.claims import ClaimState
from vidtask.domain.countries_basic import country_label
from vidtask.domain.enums import StructuredKind
from vidtask.domain.errors import ClaimConflict
from vidtask.domain.narrowing import Candidate
from vidtask.domain.vocabulary import describe_value
from vidtask.services import assessments, series_detail
from vidtask.services.series_detail import ClueInfo, SeriesDetail, TimelineEntry
from vidtask.sync.outbox import OutboxEntry
from vidtask.ui import claims as claim_ops
from vidtask.ui.commands import Command, Handler
from vidtask.ui.common import name_widget
from vidtask.ui.context import AppContext
from vidtask.ui.decisions import ask
from vidtask.ui.operations import ChangeBatch, Op, Reload, sentence
from vidtask.ui.series.clues_tab import CluesTab
from vidtask.ui.series.comments import CommentsPane
from vidtask.ui.series.header import WorkspaceHeader
from vidtask.ui.series.media import MediaModel
from vidtask.ui.series.outbox_merge import OfflineEdits
from vidtask.ui.series.ranking import DRAFT_ID, LiveRanking, Suggestions, rank_clues
from vidtask.ui.series.timeline import TimelineModel


@dataclass(frozen=True, slots=True)
class WorkspaceData:
    detail: SeriesDetail
    timeline: list[TimelineEntry]
    #: The saved clues' ranking (what the panel shows while no draft counts).
    ranking: Suggestions


def load_workspace(db: Database, series_id: int) -> WorkspaceData:
    detail = series_detail.get_series_detail(db, series_id)
    data = WorkspaceData(detail, series_detail.series_timeline(db, series_id),
                         rank_clues(list(detail.clues), ""))
    # The clue list and editor show values in words on the GUI thread: read the tables here.
    for clue in detail.clues:
        describe_value(clue.kind, clue.value if clue.kind != StructuredKind.NONE else None)
    describe_value(StructuredKind.SOCKET, "F")
    return data


def _fixed_table(view: QTableView, widths: Sequence[int]) -> None:
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setAlternatingRowColors(True)
    view.setTabKeyNavigation(False)
    view.setWordWrap(False)
    view.verticalHeader().hide()
    view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    view.verticalHeader().setDefaultSectionSize(22)
    for column, width in enumerate(widths):
        view.setColumnWidth(column, width)
    view.horizontalHeader().setStretchLastSection(True)


class SeriesWorkspace(QWidget):
    titleChanged = Signal(str)

    def __init__(self, ctx: AppContext, series_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(f"seriesWorkspace_{series_id}")
        self.ctx = ctx
        self.series_id = series_id
        self.detail: SeriesDetail | None = None
        self.loaded = False
        #: What the assessment panel lists now (the clues' suggestions, best first).
        self.last_ranking: list[Candidate] = []
        self._changed_clue: ClueInfo | None = None

        self.header = WorkspaceHeader()
        self.header.claimRequested.connect(self.claim)
        self.header.extendRequested.connect(self.extend)
        self.header.releaseRequested.connect(self.release)
        self.header.reviewChangeRequested.connect(self.review_change)
        self.clues = CluesTab(ctx, self.confirm_discard)
        self.editor, self.assessment = self.clues.editor, self.clues.assessment
        self.media_model = MediaModel(self)
        self.media_view = QTableView()
        name_widget(self.media_view, "mediaTable", "Media of this series")
        self.media_view.setModel(self.media_model)
        _fixed_table(self.media_view, (270, 90, 75, 230, 90))
        self.comments = CommentsPane()
        self.timeline_model = TimelineModel(self)
        self.timeline = QTableView()
        name_widget(self.timeline, "timelineView", "Timeline of this series")
        self.timeline.setModel(self.timeline_model)
        _fixed_table(self.timeline, (135, 130, 190))
        self.tabs = QTabWidget()
        self.tabs.setObjectName("workspaceTabs")
        self.tabs.addTab(self.clues, "Clues && assessment")
        self.tabs.addTab(self.media_view, "Media")
        self.tabs.addTab(self.comments, "Comments")
        self.tabs.addTab(self.timeline, "Timeline")
        layout = QVBoxLayout(self)
        layout.addWidget(self.header)
        layout.addWidget(self.tabs, 1)

        self.ranking = LiveRanking(ctx, self._ranking_input, self._show_ranking, self)
        self.edits = OfflineEdits(ctx, series_id, self.clues, self.comments, self.tabs,
                                  saved=self._hide_change, restored=self.ranking.schedule)
        self.editor.saveRequested.connect(self.save_clue)
        self.editor.newRequested.connect(self.new_clue)
        self.editor.deleteRequested.connect(self.edits.delete_clue)
        self.editor.draftChanged.connect(self.ranking.schedule)
        self.clues.clueChosen.connect(self._clue_chosen)
        self.assessment.saveRequested.connect(self.save_ranking)
        self.assessment.proposeRequested.connect(self.propose)
        self.comments.postRequested.connect(
            lambda text: self.edits.post_comment(text, self._show_comments))
        self._apply_claim_state()
        self._reload = Reload(lambda: Op(self.ctx, load_workspace, self.ctx.db, self.series_id)
                              .success(self._loaded).owned_by(self))
        ctx.bus.subscribe(self.on_changes)
        self.reload()

    # ---------------------------------------------------------------- Screen
    def commands(self) -> Mapping[Command, Handler]:
        return {Command.CLAIM: self.claim, Command.RELEASE: self.release,
                Command.EXTEND: self.extend, Command.SAVE_CLUE: self.save_clue,
                Command.NEW_CLUE: self.new_clue, Command.PROPOSE: self.propose_now,
                Command.POST_COMMENT: self.comments.post}

    def current_series_id(self) -> int:
        return self.series_id

    # ---------------------------------------------------------------- loading
    def on_changes(self, batch: ChangeBatch) -> None:
        if batch.changes.touches_series(self.series_id):
            self.reload()

    def reload(self) -> None:
        self._reload.request()

    def _loaded(self, data: WorkspaceData) -> None:
        detail, timeline = data.detail, data.timeline
        self.detail = detail
        self.header.show_detail(detail)
        self.titleChanged.emit(detail.code)
        self.media_model.set_media(detail.media)
        self.tabs.setTabText(1, f"Media ({len(detail.media)})")
        self.tabs.setTabText(2, f"Comments ({len(detail.comments)})")
        self.tabs.setTabText(3, f"Timeline ({len(timeline)})")
        self._show_comments()
        self.timeline_model.set_entries(timeline)
        self.timeline.scrollToBottom()
        self.editor.set_media(detail.media)
        self.clues.fill(detail.clues, self.edits.waiting_summaries())
        fresh = self.clues.refresh_editor(self.edits.kept_clue_ids())
        if fresh is not None:  # someone else saved the clue the user is editing
            self._changed_clue = fresh
            self.header.show_change(fresh)
        elif self.editor.clue is not None and not self.editor.dirty:
            self._hide_change()
        if not self.assessment.dirty:
            self.assessment.load(detail.candidates)
        self._apply_claim_state()
        self.loaded = True
        clue_infos, draft_note, _draft = self._ranking_input() or ([], "", None)
        if not draft_note and [c.id for c in clue_infos] == [c.id for c in detail.clues]:
            self.ranking.known(data.ranking)
        else:
            self.ranking.recompute()

    def _show_comments(self) -> None:
        self.comments.show_comments(self.detail.comments if self.detail else (),
                                    waiting=list(self.edits.waiting_comments.values()))

    # ---------------------------------------------------------------- clues
    def save_clue(self) -> None:
        self.edits.save_clue()

    def new_clue(self) -> None:
        self.clues.new_clue()

    def _clue_chosen(self) -> None:
        self._hide_change()
        self.ranking.schedule()

    def review_change(self) -> None:
        """Show the other person's version beside the user's unsaved text, to merge."""
        if self._changed_clue is not None:
            self.editor.show_conflict(self._changed_clue)
        self._hide_change()

    def _hide_change(self) -> None:
        self._changed_clue = None
        self.header.hide_change()

    def set_viewers(self, names: Sequence[str]) -> None:
        self.header.set_viewers(names)

    # ---------------------------------------------------------------- outbox
    @property
    def waiting_comments(self) -> dict[int, str]:
        return self.edits.waiting_comments

    def outbox_replayed(self, waiting_ids: frozenset[int]) -> None:
        self.edits.replayed(waiting_ids)
        self._show_comments()

    def show_outbox_conflict(self, entry: OutboxEntry, theirs: ClueInfo | None) -> None:
        self.edits.show_conflict(entry, theirs)

    # ---------------------------------------------------------------- claim
    def claim_state(self) -> ClaimState | None:
        detail = self.detail
        if detail is None:
            return None
        return ClaimState.of(detail.status, detail.claimed_by, detail.claim_expires_at,
                             self.ctx.login)

    @property
    def holds_claim(self) -> bool:
        state = self.claim_state()
        return state is not None and state.mine

    def _apply_claim_state(self) -> None:
        state = self.claim_state()
        mine = state is not None and state.mine
        self.editor.set_read_only(not mine)
        self.assessment.set_read_only(not mine)
        self.header.show_claim(self.detail, state)

    def claim(self) -> None:
        def lost(error: BaseException) -> None:
            if isinstance(error, ClaimConflict):
                self.header.claim_refused(sentence(error))
            self.reload()  # who holds it now

        claim_ops.claim(self.ctx, self.series_id, lost=lost)

    def extend(self) -> None:
        claim_ops.renew(self.ctx, self.series_id)

    def release(self) -> None:
        if self.confirm_discard("Release the series"):
            claim_ops.release(self.ctx, self.series_id,
                              self.detail.code if self.detail else f"series {self.series_id}")

    # ---------------------------------------------------------------- assessment
    def save_ranking(self) -> None:
        Op(self.ctx, assessments.set_candidates, self.ctx.db, self.ctx.login, self.series_id,
           self.assessment.candidates()).success(lambda _c: self._ranking_saved(
               "Ranking saved.")).run()

    def _ranking_saved(self, message: str) -> None:
        self.assessment.mark_saved()  # the reload then shows the stored ranking
        self.ctx.notices.info(message)

    def propose_now(self) -> None:
        """Ctrl+P: what the Propose button does, when it may."""
        if self.assessment.propose_button.isEnabled():
            self.assessment.propose_button.click()

    def propose(self) -> None:
        if self.editor.dirty:
            self.ctx.notices.warning("Save or discard the open clue before proposing.")
            self.clues.show_error("Save or discard this clue before proposing.")
            return
        ranked = self.assessment.candidates()
        code = self.detail.code if self.detail else f"series {self.series_id}"
        ranking = ", ".join(f"{country_label(c.country)} ({c.country}) {c.confidence} %"
                            for c in ranked) or "no country"
        if not ask(self, "Propose for confirmation",
                        f"Propose {code} with {ranking}? A coordinator reviews it next; you can "
                        "no longer change its clues or ranking unless it is sent back.",
                        "Propose"):
            return
        Op(self.ctx, assessments.rank_and_propose, self.ctx.db, self.ctx.login, self.series_id,
           self.assessment.candidates()).success(lambda _c: self._ranking_saved(
               "Proposed for confirmation; the coordinators take it from here.")).run()

    def _ranking_input(self) -> tuple[list[ClueInfo], str, int | None] | None:
        """The saved clues plus the editor's unsaved draft (if it says anything), a note, and
        the draft's id (None when only saved clues count)."""
        if self.detail is None:
            return None
        saved = list(self.detail.clues)
        editor = self.editor
        if not editor.read_only and (editor.dirty or editor.clue is None):
            draft = editor.draft_info(self.ctx.login)
            if editor.clue is not None:
                saved = [c for c in saved if c.id != editor.clue.id]
            if draft.value or draft.supports or draft.excludes:
                saved.append(draft)
                return saved, "Includes your unsaved clue.", \
                    editor.clue.id if editor.clue else DRAFT_ID
        return saved, "", None

    def recompute_ranking(self) -> None:
        self.ranking.recompute()

    def _show_ranking(self, suggestions: Suggestions) -> None:
        self.last_ranking = suggestions.listed
        self.assessment.show_ranking(suggestions)

    # ---------------------------------------------------------------- closing
    @property
    def dirty(self) -> bool:
        return (self.editor.dirty and not self.editor.read_only) or self.assessment.dirty

    def confirm_discard(self, what: str) -> bool:
        """Unsaved edits are never lost silently: ask before throwing them away."""
        if not self.dirty:
            return True
        answer = QMessageBox.question(
            self, what, "You have unsaved changes in this series. Discard them?",
            QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel)
        if answer == QMessageBox.StandardButton.Discard:
            self.editor.load(self.editor.clue)
            if self.detail is not None:
                self.assessment.load(self.detail.candidates)
            return True
        return False

    def tick(self) -> None:
        """Once a second: the lease countdown and expiry without a database call."""
        if self.detail is not None:
            self._apply_claim_state()
