"""Series workspace: header and claim, media, clues with their editor, country assessment,
comments and timeline of one series. Several may be open, one tab each.

Read-only unless the user holds the claim; every write is an `Op` of the window, and the
workspace reloads when a batch on the change bus touches its series (its own writes included).
A refresh never overwrites unsaved edits: a dirty editor keeps its text and says who changed
the clue. Signals: ``titleChanged(str)``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from vidtask.db.engine import Database
from vidtask.domain.claims import ClaimState
from vidtask.domain.enums import ClueCategory
from vidtask.domain.errors import ClaimConflict, StaleVersion
from vidtask.domain.narrowing import Candidate, NarrowingError
from vidtask.services import assessments, series_detail
from vidtask.services.assessments import CandidateInput
from vidtask.services.clues import ClueInput
from vidtask.services.narrowing import narrow_clues
from vidtask.services.offline import Submitted
from vidtask.services.series_detail import ClueInfo, SeriesDetail, TimelineEntry
from vidtask.sync.outbox import OutboxEntry
from vidtask.ui import claims as claim_ops
from vidtask.ui.commands import Command, Handler
from vidtask.ui.common import (
    lease_left,
    local_time,
    name_widget,
    priority_label,
    status_colour,
    status_label,
)
from vidtask.ui.context import AppContext
from vidtask.ui.offline_saves import SAVED_LOCALLY, OfflineSaves
from vidtask.ui.operations import ChangeBatch, Op, sentence
from vidtask.ui.series.assessment import AssessmentPanel
from vidtask.ui.series.clue_editor import ClueEditor, clue_summary
from vidtask.ui.series.comments import CommentsPane
from vidtask.ui.series.media import MediaModel
from vidtask.ui.series.timeline import TimelineModel

CLUE_ID_ROLE = Qt.ItemDataRole.UserRole + 1
RANKING_LIMIT = 15
MIN_SHARE = 0.005
BANNER_STYLE = ("QLabel { background: #fff3cd; color: #4d3800; border: 1px solid #e0b800; "
                "border-radius: 4px; padding: 6px; }")
READ_ONLY_STYLE = ("QLabel { background: #e8eef7; color: #1f3552; border: 1px solid #9db3d4; "
                   "border-radius: 4px; padding: 6px; }")


Ranking = tuple[list[Candidate], str]


@dataclass(frozen=True, slots=True)
class WorkspaceData:
    detail: SeriesDetail
    timeline: list[TimelineEntry]
    #: The saved clues' ranking (what the panel shows while no draft counts).
    ranking: Ranking


def load_workspace(db: Database, series_id: int) -> WorkspaceData:
    detail = series_detail.get_series_detail(db, series_id)
    return WorkspaceData(detail, series_detail.series_timeline(db, series_id),
                         rank_clues(list(detail.clues), ""))


def plausible(ranked: list[Candidate], note: str) -> tuple[list[Candidate], str]:
    """Hide the long tail the clues rule out (share under 0.5 %), but say how many there are."""
    shown = [c for c in ranked if c.share >= MIN_SHARE or c.score > 0][:RANKING_LIMIT]
    hidden = len(ranked) - len(shown)
    if hidden:
        extra = f"{hidden} other countries are ruled out by the clues (not listed)."
        note = f"{note} {extra}".strip()
    return shown, note


def rank_clues(clue_infos: list[ClueInfo], draft_note: str) -> Ranking:
    """The live ranking (pure CPU): a draft the narrowing refuses is left out, and said so."""
    try:
        ranked, note = narrow_clues(clue_infos), draft_note
    except NarrowingError as exc:
        ok = [c for c in clue_infos if c.id != -1 and c is not clue_infos[-1]]
        ranked, note = narrow_clues(ok), f"Not counted: {exc}."
    return plausible(ranked, note)


class SeriesWorkspace(QWidget):
    titleChanged = Signal(str)

    def __init__(self, ctx: AppContext, series_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(f"seriesWorkspace_{series_id}")
        self.ctx = ctx
        self.series_id = series_id
        self.detail: SeriesDetail | None = None
        self.loaded = False
        #: Writes kept in the outbox (entry id -> what the user sees while they wait).
        self.waiting_clues: dict[int, tuple[int | None, str]] = {}
        self.waiting_comments: dict[int, str] = {}
        #: Refused outbox entries being merged in the editor, by clue id (None: a new clue).
        self._resolving: dict[int | None, int] = {}
        self._queued_conflicts: list[tuple[OutboxEntry, ClueInfo | None]] = []
        self._resolving_comment: int | None = None
        self._ranking_generation = 0
        self.last_ranking: list[Candidate] = []

        # ---- header
        self.title = QLabel("Loading…")
        self.title.setObjectName("workspaceTitle")
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.35)
        font.setBold(True)
        self.title.setFont(font)
        self.status_badge = QLabel()
        self.status_badge.setObjectName("workspaceStatus")
        self.facts = QLabel()
        self.facts.setObjectName("workspaceFacts")
        self.facts.setWordWrap(True)
        self.facts.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.claim_label = QLabel()
        self.claim_label.setObjectName("workspaceClaim")
        self.claim_button = QPushButton("Claim to edit")
        name_widget(self.claim_button, "claimToEditButton", "Claim this series to edit it")
        self.claim_button.clicked.connect(self.claim)
        self.extend_button = QPushButton("Extend lease")
        name_widget(self.extend_button, "workspaceExtendButton", "Extend the lease")
        self.extend_button.clicked.connect(self.extend)
        self.release_button = QPushButton("Release")
        name_widget(self.release_button, "workspaceReleaseButton", "Release this series")
        self.release_button.clicked.connect(self.release)
        self.banner = QLabel()
        name_widget(self.banner, "identifiedBanner", "Warning")
        self.banner.setStyleSheet(BANNER_STYLE)
        self.banner.setWordWrap(True)
        self.banner.hide()
        # someone else saved the clue this user is editing: say so, keep the text, offer merge
        self.change_banner = QLabel()
        name_widget(self.change_banner, "changeBanner", "Changed by someone else")
        self.change_banner.setStyleSheet(BANNER_STYLE)
        self.change_banner.setWordWrap(True)
        self.change_banner.setTextFormat(Qt.TextFormat.RichText)
        self.change_banner.linkActivated.connect(lambda _link: self.review_change())
        self.change_banner.hide()
        self._changed_clue: ClueInfo | None = None
        self.viewers_label = QLabel()
        name_widget(self.viewers_label, "workspaceViewers", "Who else has this series open")
        self.viewers_label.hide()
        self.read_only_note = QLabel()
        name_widget(self.read_only_note, "readOnlyNote", "Read-only note")
        self.read_only_note.setStyleSheet(READ_ONLY_STYLE)
        self.read_only_note.setWordWrap(True)

        top = QHBoxLayout()
        top.addWidget(self.title)
        top.addWidget(self.status_badge)
        top.addStretch(1)
        top.addWidget(self.viewers_label)
        top.addWidget(self.claim_label)
        top.addWidget(self.claim_button)
        top.addWidget(self.extend_button)
        top.addWidget(self.release_button)

        # ---- clues tab
        self.clue_list = QListWidget()
        name_widget(self.clue_list, "clueList", "Clues of this series")
        self.clue_list.setWordWrap(True)
        self.clue_list.currentItemChanged.connect(self._clue_selected)
        self.editor = ClueEditor()
        self.editor.saveRequested.connect(self.save_clue)
        self.editor.newRequested.connect(self.new_clue)
        self.editor.deleteRequested.connect(self.delete_clue)
        self.editor.draftChanged.connect(self._schedule_ranking)
        self.editor.theirsChosen.connect(self._took_theirs)
        self.editor_error = QLabel()
        self.editor_error.setObjectName("clueError")
        self.editor_error.setStyleSheet("QLabel { color: #b3261e; font-weight: bold; }")
        self.editor_error.setWordWrap(True)
        self.editor_error.hide()
        self.assessment = AssessmentPanel()
        self.assessment.saveRequested.connect(self.save_ranking)
        self.assessment.proposeRequested.connect(self.propose)

        clue_column = QWidget()
        clue_layout = QVBoxLayout(clue_column)
        clue_layout.setContentsMargins(0, 0, 0, 0)
        clues_title = QLabel("<b>Clues</b> — select one to edit; New clue (Ctrl+N) starts another")
        clue_layout.addWidget(clues_title)
        clue_layout.addWidget(self.clue_list, 1)
        editor_column = QWidget()
        editor_layout = QVBoxLayout(editor_column)
        editor_layout.setContentsMargins(0, 0, 0, 0)
        editor_layout.addWidget(self.editor)
        editor_layout.addWidget(self.editor_error)
        left = QSplitter(Qt.Orientation.Vertical)
        left.addWidget(clue_column)
        left.addWidget(editor_column)
        left.setStretchFactor(0, 1)
        left.setStretchFactor(1, 3)
        left.setSizes([190, 600])
        self.clue_splitter = QSplitter(Qt.Orientation.Horizontal)
        self.clue_splitter.addWidget(left)
        self.clue_splitter.addWidget(self.assessment)
        self.clue_splitter.setStretchFactor(0, 3)
        self.clue_splitter.setStretchFactor(1, 2)

        # ---- other tabs
        self.media_model = MediaModel(self)
        self.media_view = QTableView()
        name_widget(self.media_view, "mediaTable", "Media of this series")
        self.media_view.setModel(self.media_model)
        self._fixed_table(self.media_view, (270, 90, 75, 230, 90))
        self.comments = CommentsPane()
        self.comments.postRequested.connect(self.post_comment)
        self.timeline_model = TimelineModel(self)
        self.timeline = QTableView()
        name_widget(self.timeline, "timelineView", "Timeline of this series")
        self.timeline.setModel(self.timeline_model)
        self._fixed_table(self.timeline, (135, 130, 190))

        self.tabs = QTabWidget()
        self.tabs.setObjectName("workspaceTabs")
        self.tabs.addTab(self.clue_splitter, "Clues && assessment")
        self.tabs.addTab(self.media_view, "Media")
        self.tabs.addTab(self.comments, "Comments")
        self.tabs.addTab(self.timeline, "Timeline")

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.facts)
        layout.addWidget(self.banner)
        layout.addWidget(self.change_banner)
        layout.addWidget(self.read_only_note)
        layout.addWidget(self.tabs, 1)

        self._ranking_timer = QTimer(self)
        self._ranking_timer.setSingleShot(True)
        self._ranking_timer.setInterval(150)
        self._ranking_timer.timeout.connect(self.recompute_ranking)
        self._apply_claim_state()
        ctx.bus.subscribe(self.on_changes)
        self.reload()

    @staticmethod
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

    # ---------------------------------------------------------------- loading
    # ---------------------------------------------------------------- Screen
    def commands(self) -> Mapping[Command, Handler]:
        return {Command.CLAIM: self.claim, Command.RELEASE: self.release,
                Command.EXTEND: self.extend, Command.SAVE_CLUE: self.save_clue,
                Command.NEW_CLUE: self.new_clue, Command.PROPOSE: self.propose_now,
                Command.POST_COMMENT: self.comments.post}

    def current_series_id(self) -> int:
        return self.series_id

    def propose_now(self) -> None:
        """Ctrl+P: what the Propose button does, when it may."""
        if self.assessment.propose_button.isEnabled():
            self.assessment.propose_button.click()

    def on_changes(self, batch: ChangeBatch) -> None:
        if batch.changes.touches_series(self.series_id):
            self.reload()

    def reload(self) -> None:
        Op(self.ctx, load_workspace, self.ctx.db, self.series_id).success(self._loaded)\
            .owned_by(self).run()

    def _loaded(self, data: WorkspaceData) -> None:
        detail, timeline = data.detail, data.timeline
        self.detail = detail
        self.title.setText(f"{detail.code} — {detail.alias}" if detail.alias else detail.code)
        self.titleChanged.emit(detail.code)
        colour = status_colour(detail.status).name()
        self.status_badge.setText(f"<span style='color:{colour}'>●</span> "
                                  f"{status_label(detail.status)}")
        ids = [f"ICSE {detail.icse_id}" if detail.icse_id else "",
               f"NCMEC {detail.ncmec_name}" if detail.ncmec_name else "",
               f"VICS {detail.vics_name}" if detail.vics_name else ""]
        victim = detail.victim_sex + (f", {detail.victim_age_band} y" if detail.victim_age_band
                                      else "")
        facts = [*filter(None, ids), f"priority {priority_label(detail.priority)}",
                 f"handling {detail.handling}", f"victim {victim}",
                 f"produced {detail.production_period}" if detail.production_period else "",
                 f"{len(detail.media)} media", "in ICSE" if detail.in_icse else "not in ICSE"]
        if detail.linked_series:
            facts.append("linked: " + ", ".join(code for _i, code, _r in detail.linked_series))
        self.facts.setText(" · ".join(filter(None, facts)))
        identified = detail.identified_elsewhere
        self.banner.setText(f"⚠ Victim already identified elsewhere: {identified} of "
                            f"{len(detail.media)} media carry the “victim identified” flag. "
                            "Check with the originating agency before spending time here.")
        self.banner.setVisible(identified > 0)
        self.media_model.set_media(detail.media)
        self.tabs.setTabText(1, f"Media ({len(detail.media)})")
        self.tabs.setTabText(2, f"Comments ({len(detail.comments)})")
        self.tabs.setTabText(3, f"Timeline ({len(timeline)})")
        self._show_comments()
        self.timeline_model.set_entries(timeline)
        self.timeline.scrollToBottom()
        self.editor.set_media(detail.media)
        self._fill_clue_list(detail.clues)
        self._refresh_editor(detail.clues)
        if not self.assessment.dirty:
            self.assessment.load(detail.candidates)
        self._apply_claim_state()
        self.loaded = True
        clues, draft_note = self._ranking_input()
        if not draft_note and [c.id for c in clues] == [c.id for c in detail.clues]:
            self._ranking_generation += 1  # a ranking still computing for older clues is moot
            self._show_ranking(data.ranking)
        else:
            self.recompute_ranking()

    def _fill_clue_list(self, clue_infos: Sequence[ClueInfo]) -> None:
        current = self.editor.clue.id if self.editor.clue else None
        self.clue_list.blockSignals(True)
        self.clue_list.clear()
        for clue in clue_infos:
            text = clue_summary(clue)
            if clue.value:
                text += f"  [{clue.kind} {clue.value}]"
            countries = (["+" + c for c in clue.supports] + ["−" + c for c in clue.excludes])
            if countries:
                text += "  " + " ".join(countries)
            item = QListWidgetItem(f"{text}\n    {clue.author_name} · "
                                   f"{local_time(clue.created_at)} · {clue.confidence}")
            item.setData(CLUE_ID_ROLE, clue.id)
            self.clue_list.addItem(item)
            if clue.id == current:
                self.clue_list.setCurrentItem(item)
        for _clue_id, summary in self.waiting_clues.values():
            waiting = QListWidgetItem(f"{summary}\n    {SAVED_LOCALLY}")
            waiting.setFlags(Qt.ItemFlag.NoItemFlags)
            waiting.setToolTip("Kept on this computer; sent when the database is back")
            self.clue_list.addItem(waiting)
        if not clue_infos and not self.waiting_clues:
            empty = QListWidgetItem("No clues yet. Claim the series, then describe what you "
                                    "see in the editor below.")
            empty.setFlags(Qt.ItemFlag.NoItemFlags)
            self.clue_list.addItem(empty)
        self.clue_list.blockSignals(False)

    def _refresh_editor(self, clue_infos: Sequence[ClueInfo]) -> None:
        shown = self.editor.clue
        if shown is None:
            return
        fresh = next((c for c in clue_infos if c.id == shown.id), None)
        if fresh is None or fresh.version == self.editor.base_version:
            return
        if any(clue_id == shown.id for clue_id, _s in self.waiting_clues.values()):
            return  # the user's edit waits in the outbox: keep showing it until it is sent
        if self.editor.dirty:
            self.editor.meta.setText(f"Changed by {fresh.updated_by} at "
                                     f"{local_time(fresh.updated_at)} since you opened it — "
                                     "your text is kept; saving shows both versions to merge.")
            self._changed_clue = fresh
            self.change_banner.setText(
                f"⚠ This clue was changed by <b>{fresh.updated_by}</b> at "
                f"{local_time(fresh.updated_at, '%H:%M')} — <a href='review'>review</a> "
                "(your unsaved text is kept)")
            self.change_banner.show()
        else:
            self.editor.load(fresh)
            self._hide_change_banner()

    def review_change(self) -> None:
        """Show the other person's version beside the user's unsaved text, to merge."""
        if self._changed_clue is not None:
            self.editor.show_conflict(self._changed_clue)
        self._hide_change_banner()

    def _hide_change_banner(self) -> None:
        self._changed_clue = None
        self.change_banner.hide()

    def set_viewers(self, names: Sequence[str]) -> None:
        """Presence: who else has this series open right now."""
        self.viewers_label.setText("Also open by " + ", ".join(names) if names else "")
        self.viewers_label.setToolTip("People who have this series open on their desktop now")
        self.viewers_label.setVisible(bool(names))

    # ---------------------------------------------------------------- claim state
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
        detail, state = self.detail, self.claim_state()
        mine = state is not None and state.mine
        self.editor.set_read_only(not mine)
        self.assessment.set_read_only(not mine)
        self.extend_button.setVisible(mine)
        self.release_button.setVisible(mine)
        claimable = state is not None and state.claimable
        self.claim_button.setVisible(claimable)
        if detail is None or state is None:
            self.claim_label.setText("")
            self.read_only_note.hide()
            return
        if mine:
            self.claim_label.setText(f"You hold this series · lease "
                                     f"{lease_left(detail.claim_expires_at)} left")
            self.read_only_note.hide()
            return
        if state.live:
            self.claim_label.setText(f"Claimed by {detail.claimed_by_name} "
                                     f"({detail.claimed_by}, "
                                     f"{lease_left(detail.claim_expires_at)} left)")
        else:
            self.claim_label.setText("Not claimed")
        if claimable:
            self.read_only_note.setText("Read-only: you have not claimed this series. Press "
                                        "“Claim to edit” (Ctrl+K) to add clues and rank "
                                        "countries. Anyone may comment.")
        else:
            self.read_only_note.setText(f"Read-only: this series is "
                                        f"{status_label(detail.status)}. Anyone may comment.")
        self.read_only_note.show()

    # ---------------------------------------------------------------- writes
    def claim(self) -> None:
        def lost(error: BaseException) -> None:
            if isinstance(error, ClaimConflict):
                self.claim_label.setText(f"⚠ {sentence(error)}")
            self.reload()  # who holds it now

        claim_ops.claim(self.ctx, self.series_id, lost=lost)

    def extend(self) -> None:
        claim_ops.renew(self.ctx, self.series_id)

    def release(self) -> None:
        if not self.confirm_discard("Release the series"):
            return
        claim_ops.release(self.ctx, self.series_id,
                          self.detail.code if self.detail else f"series {self.series_id}")

    def _saves(self) -> OfflineSaves:
        saves = self.ctx.saves
        assert saves is not None, "the main window sets ctx.saves before opening series"
        return saves

    def save_clue(self) -> None:
        """Save through the offline writer: the database now, or this computer's outbox."""
        if self.editor.read_only:
            return
        data = self.editor.current_input()
        self.editor_error.hide()
        shown = self.editor.clue
        if shown is None:
            args = {"series_id": self.series_id, "clue": asdict(data)}
            self._saves().submit(self.ctx.login, "clue.add", args,
                                 done=lambda s: self._clue_submitted(s, None, data),
                                 failed=self._save_failed)
        else:
            args = {"series_id": self.series_id, "clue_id": shown.id, "clue": asdict(data)}
            self._saves().submit(self.ctx.login, "clue.edit", args,
                                 based_on_version=self.editor.base_version,
                                 done=lambda s: self._clue_submitted(s, shown.id, data),
                                 failed=self._save_failed)

    def _clue_submitted(self, submitted: Submitted, clue_id: int | None,
                        data: ClueInput) -> None:
        resolving = self._resolving.pop(clue_id, None)
        if resolving is not None:
            self._saves().discard(resolving)  # the merge the user saved replaces the refused one
        if submitted.saved == "locally":
            self._saved_locally(submitted, data, clue_id)
            return
        if clue_id is None:
            clue_id = int(submitted.result["clue_id"])
        self._clue_saved(clue_id)

    def _saved_locally(self, submitted: Submitted, data: ClueInput,
                       clue_id: int | None) -> None:
        """Kept in the outbox (fsync'd): the editor is clean, the clue list shows it waiting."""
        if submitted.entry_id is not None:
            summary = f"{ClueCategory(data.category).label}: {data.description}"
            if clue_id is not None:
                summary = f"#{clue_id} edited — {summary}"
            self.waiting_clues[submitted.entry_id] = (clue_id, summary)
        if clue_id is None:
            self.editor.load(None)
        else:
            self.editor.mark_saved_locally()
        self.editor.meta.setText(SAVED_LOCALLY + ".")
        self._hide_change_banner()
        if self.detail is not None:
            self._fill_clue_list(self.detail.clues)
        self.ctx.notices.info(SAVED_LOCALLY + ".")
        self._show_next_conflict()

    def _clue_saved(self, clue_id: int) -> None:
        def show(clue: ClueInfo) -> None:
            self.editor.mark_saved(clue)
            self._hide_change_banner()
            self.ctx.notices.info(f"Clue #{clue_id} saved.")
            self._show_next_conflict()

        Op(self.ctx, series_detail.get_clue, self.ctx.db, clue_id).success(show)\
            .owned_by(self).run()

    def _save_failed(self, error: BaseException) -> None:
        self.editor_error.setText(sentence(error))
        self.editor_error.show()
        self.ctx.notices.failure(error)
        if isinstance(error, StaleVersion) and self.editor.clue is not None:
            Op(self.ctx, series_detail.get_clue, self.ctx.db, self.editor.clue.id)\
                .success(self.editor.show_conflict).owned_by(self).run()

    # ---------------------------------------------------------------- outbox
    def outbox_replayed(self, waiting_ids: frozenset[int]) -> None:
        """Some of this window's kept writes were sent: stop showing them as waiting."""
        for entry_id in [e for e in self.waiting_clues if e not in waiting_ids]:
            del self.waiting_clues[entry_id]
        for entry_id in [e for e in self.waiting_comments if e not in waiting_ids]:
            del self.waiting_comments[entry_id]
        self._show_comments()
        if self.detail is not None:
            self._fill_clue_list(self.detail.clues)
        if not self.waiting_clues and not self.editor.dirty:
            self.editor.refresh_meta()  # no longer "saved on this computer"
        # the replayed writes themselves arrive through the change feed

    def show_outbox_conflict(self, entry: OutboxEntry, theirs: ClueInfo | None) -> None:
        """A write kept offline was refused on replay: bring the user's text back to merge."""
        editor = self.editor
        if editor.dirty and not editor.read_only:
            # never replace what the user is typing now; shown after the next save
            self._queued_conflicts.append((entry, theirs))
            self.ctx.notices.warning("One of your changes kept on this computer needs a merge: "
                                     "save or discard the open clue first.")
            return
        reason = entry.error or "The database refused it."
        self.tabs.setCurrentIndex(0 if entry.operation != "comment.add" else 2)
        if entry.operation == "comment.add":
            self.comments.box.setPlainText(str(entry.args.get("body", "")))
            self._resolving_comment = entry.id  # dropped from the outbox once posted again
            self.ctx.notices.warning(f"Your comment was not posted: {reason} It is back in the "
                                     "comment box.")
            return
        if entry.operation == "clue.delete":
            if theirs is not None:
                editor.load(theirs)
                self.editor_error.setText(f"Your deletion of clue #{theirs.id} was not sent: "
                                          f"{reason} Delete it again if you still want to.")
                self.editor_error.show()
            self._saves().discard(entry.id)
            return
        mine = ClueInput(**entry.args["clue"])
        editor.restore_draft(theirs if entry.operation == "clue.edit" else None, mine,
                             entry.based_on_version)
        self._resolving[editor.clue.id if editor.clue else None] = entry.id
        self.editor_error.setText(f"Your change kept on this computer was not applied: "
                                  f"{reason} Your text is in the editor; nothing was "
                                  "overwritten.")
        self.editor_error.show()
        if theirs is not None:
            editor.show_conflict(theirs)
        self._schedule_ranking()

    def _took_theirs(self) -> None:
        """Their version wins in the merge view: the refused change kept offline is dropped."""
        entry_id = self._resolving.pop(self.editor.clue.id if self.editor.clue else None, None)
        if entry_id is not None:
            self._saves().discard(entry_id)

    def _show_next_conflict(self) -> None:
        if self._queued_conflicts and not self.editor.dirty:
            self.show_outbox_conflict(*self._queued_conflicts.pop(0))

    def new_clue(self) -> None:
        if self.editor.read_only or not self.confirm_discard("Start a new clue"):
            return
        self.clue_list.blockSignals(True)
        self.clue_list.clearSelection()
        self.clue_list.setCurrentRow(-1)
        self.clue_list.blockSignals(False)
        self.editor.load(None)
        self.editor_error.hide()
        self.editor.category.setFocus()
        self._schedule_ranking()

    def delete_clue(self) -> None:
        shown = self.editor.clue
        if shown is None or self.editor.read_only:
            return
        answer = QMessageBox.question(self, "Delete clue",
                                      f"Delete clue #{shown.id}? The timeline keeps a record.")
        if answer != QMessageBox.StandardButton.Yes:
            return
        def submitted(result: Submitted) -> None:
            self.editor.load(None)
            if result.saved == "database":
                self.ctx.notices.info(f"Clue #{shown.id} deleted.")
                return
            self.ctx.notices.info(f"Deletion of clue #{shown.id}: {SAVED_LOCALLY.lower()}.")
            self.editor.meta.setText(SAVED_LOCALLY + ".")

        self._saves().submit(self.ctx.login, "clue.delete",
                             {"series_id": self.series_id, "clue_id": shown.id},
                             based_on_version=self.editor.base_version, done=submitted,
                             failed=self._save_failed)

    def _clue_selected(self, current: QListWidgetItem | None,
                       previous: QListWidgetItem | None) -> None:
        if current is None or self.detail is None:
            return
        clue_id = current.data(CLUE_ID_ROLE)
        if self.editor.clue is not None and self.editor.clue.id == clue_id:
            return
        if not self.confirm_discard("Open another clue"):
            self.clue_list.blockSignals(True)
            if previous is not None:
                self.clue_list.setCurrentItem(previous)
            self.clue_list.blockSignals(False)
            return
        clue = next((c for c in self.detail.clues if c.id == clue_id), None)
        if clue is not None:
            self.editor.load(clue)
            self.editor_error.hide()
            self._hide_change_banner()
            self._schedule_ranking()

    def save_ranking(self, candidates: list[CandidateInput]) -> None:
        Op(self.ctx, assessments.set_candidates, self.ctx.db, self.ctx.login, self.series_id,
           candidates).success(lambda _c: self._ranking_saved("Ranking saved.")).run()

    def _ranking_saved(self, message: str) -> None:
        self.assessment.mark_saved()  # the reload then shows the stored ranking
        self.ctx.notices.info(message)

    def propose(self, candidates: list[CandidateInput]) -> None:
        if self.editor.dirty:
            self.ctx.notices.warning("Save or discard the open clue before proposing.")
            self.editor_error.setText("Save or discard this clue before proposing.")
            self.editor_error.show()
            return

        Op(self.ctx, assessments.rank_and_propose, self.ctx.db, self.ctx.login, self.series_id,
           candidates).success(lambda _c: self._ranking_saved(
               "Proposed for confirmation; the coordinators take it from here.")).run()

    def post_comment(self, text: str) -> None:
        def done(submitted: Submitted) -> None:
            self.comments.posted()
            if self._resolving_comment is not None:
                self._saves().discard(self._resolving_comment)
                self._resolving_comment = None
            if submitted.saved == "database":
                self.ctx.notices.info("Comment posted.")
                return
            if submitted.entry_id is not None:
                self.waiting_comments[submitted.entry_id] = text
            self._show_comments()
            self.ctx.notices.info(f"Comment: {SAVED_LOCALLY.lower()}.")

        self._saves().submit(self.ctx.login, "comment.add",
                             {"series_id": self.series_id, "body": text}, done=done,
                             failed=self.ctx.notices.failure)

    def _show_comments(self) -> None:
        self.comments.show_comments(self.detail.comments if self.detail else (),
                                    waiting=list(self.waiting_comments.values()))

    # ---------------------------------------------------------------- live ranking
    def _schedule_ranking(self) -> None:
        self._ranking_timer.start()

    def _ranking_input(self) -> tuple[list[ClueInfo], str]:
        """The saved clues plus the editor's unsaved draft (if it says anything), and a note."""
        assert self.detail is not None
        saved = list(self.detail.clues)
        editor = self.editor
        if not editor.read_only and (editor.dirty or editor.clue is None):
            draft = editor.draft_info(self.ctx.login)
            if editor.clue is not None:
                saved = [c for c in saved if c.id != editor.clue.id]
            if draft.value or draft.supports or draft.excludes:
                saved.append(draft)
                return saved, "Includes your unsaved clue."
        return saved, ""

    def recompute_ranking(self) -> None:
        """Rank the saved clues plus the editor's unsaved draft, off the GUI thread."""
        if self.detail is None:
            return
        clue_infos, draft_note = self._ranking_input()
        self._ranking_generation += 1
        generation = self._ranking_generation

        def show(result: Ranking) -> None:
            if generation == self._ranking_generation:
                self._show_ranking(result)

        Op(self.ctx, rank_clues, clue_infos, draft_note).success(show).owned_by(self).run()

    def _show_ranking(self, ranking: Ranking) -> None:
        self.last_ranking = ranking[0]
        self.assessment.show_ranking(*ranking)

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
