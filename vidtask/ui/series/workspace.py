"""Series workspace: header and claim, media, clues with their editor, country assessment,
comments and timeline of one series. Several may be open, one tab each.

Read-only unless the user holds the claim; every write goes through a service on a worker
thread. A refresh never overwrites unsaved edits: a dirty editor keeps its text and says who
changed the clue. Signals: ``titleChanged(str)``; ``closeRequested()``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import asdict
from datetime import UTC, datetime
from typing import Any

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

from vidtask.domain.enums import ClueCategory
from vidtask.domain.errors import ClaimConflict, StaleVersion
from vidtask.domain.narrowing import Candidate, NarrowingError
from vidtask.services import assessments, claims, series_detail
from vidtask.services.assessments import CandidateInput
from vidtask.services.clues import ClueInput
from vidtask.services.narrowing import narrow_clues
from vidtask.services.offline import Submitted
from vidtask.services.series_detail import ClueInfo, SeriesDetail, TimelineEntry
from vidtask.sync.outbox import OutboxEntry
from vidtask.ui.common import (
    error_sentence,
    lease_left,
    local_time,
    name_widget,
    priority_label,
    status_colour,
    status_label,
)
from vidtask.ui.context import AppContext
from vidtask.ui.offline_saves import SAVED_LOCALLY, OfflineSaves
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


def _load(db: Any, series_id: int) -> tuple[SeriesDetail, list[TimelineEntry]]:
    return (series_detail.get_series_detail(db, series_id),
            series_detail.series_timeline(db, series_id))


def plausible(ranked: list[Candidate], note: str) -> tuple[list[Candidate], str]:
    """Hide the long tail the clues rule out (share under 0.5 %), but say how many there are."""
    shown = [c for c in ranked if c.share >= MIN_SHARE or c.score > 0][:RANKING_LIMIT]
    hidden = len(ranked) - len(shown)
    if hidden:
        extra = f"{hidden} other countries are ruled out by the clues (not listed)."
        note = f"{note} {extra}".strip()
    return shown, note


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
    def reload(self) -> None:
        self.ctx.workers.run(_load, self.ctx.db, self.series_id, done=self._loaded,
                             failed=self._failed)

    def _loaded(self, result: tuple[SeriesDetail, list[TimelineEntry]]) -> None:
        detail, timeline = result
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
        self.recompute_ranking()

    def _failed(self, error: BaseException) -> None:
        self.ctx.say(error_sentence(error))

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
    @property
    def holds_claim(self) -> bool:
        detail = self.detail
        return bool(detail and detail.claimed_by == self.ctx.login
                    and detail.claim_expires_at is not None
                    and detail.claim_expires_at > datetime.now(UTC))

    def _apply_claim_state(self) -> None:
        detail = self.detail
        mine = self.holds_claim
        self.editor.set_read_only(not mine)
        self.assessment.set_read_only(not mine)
        self.extend_button.setVisible(mine)
        self.release_button.setVisible(mine)
        claimable = detail is not None and detail.status in ("new", "claimed", "in_assessment")
        self.claim_button.setVisible(not mine and claimable)
        if detail is None:
            self.claim_label.setText("")
            self.read_only_note.hide()
            return
        if mine:
            self.claim_label.setText(f"You hold this series · lease "
                                     f"{lease_left(detail.claim_expires_at)} left")
            self.read_only_note.hide()
            return
        if detail.claimed_by and detail.claim_expires_at and \
                detail.claim_expires_at > datetime.now(UTC):
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
    def _write(self, fn: Callable[..., Any], *args: Any, done: Callable[[Any], object],
               failed: Callable[[BaseException], object] | None = None) -> None:
        def fail(error: BaseException) -> None:
            self.ctx.say(error_sentence(error))

        self.ctx.workers.run(fn, *args, done=done, failed=failed or fail)

    def _wrote(self, changes: Any, message: str) -> None:
        if changes:
            self.ctx.wrote(changes)
        else:  # saved through the offline writer: the feed brings the change everywhere
            self.ctx.changed_elsewhere()
        self.ctx.say(message)
        self.reload()

    def claim(self) -> None:
        def lost(error: BaseException) -> None:
            text = error_sentence(error)
            if isinstance(error, ClaimConflict):
                self.claim_label.setText(f"⚠ {text}")
            self.ctx.say(text)
            self.reload()

        self._write(claims.claim_series, self.ctx.db, self.ctx.login, self.series_id,
                    done=lambda r: self._wrote(r.changes, f"You claimed {r.code}."), failed=lost)

    def extend(self) -> None:
        self._write(claims.renew_claim, self.ctx.db, self.ctx.login, self.series_id,
                    done=lambda r: self._wrote(r.changes, f"Lease on {r.code} extended to "
                                                          f"{local_time(r.expires_at)}."))

    def release(self) -> None:
        if not self.confirm_discard("Release the series"):
            return
        self._write(claims.release_claim, self.ctx.db, self.ctx.login, self.series_id,
                    done=lambda c: self._wrote(c, "Claim released."))

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
        self._clue_saved(clue_id, None)

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
        self.ctx.say(SAVED_LOCALLY + ".")
        self._show_next_conflict()

    def _clue_saved(self, clue_id: int, changes: Any) -> None:
        def show(clue: ClueInfo) -> None:
            self.editor.mark_saved(clue)
            self._hide_change_banner()
            self._wrote(changes, f"Clue #{clue_id} saved.")
            self._show_next_conflict()

        self.ctx.workers.run(series_detail.get_clue, self.ctx.db, clue_id, done=show,
                             failed=self._failed)

    def _save_failed(self, error: BaseException) -> None:
        text = error_sentence(error)
        self.editor_error.setText(text)
        self.editor_error.show()
        self.ctx.say(text)
        if isinstance(error, StaleVersion) and self.editor.clue is not None:
            self.ctx.workers.run(series_detail.get_clue, self.ctx.db, self.editor.clue.id,
                                 done=self.editor.show_conflict, failed=self._failed)

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
        self.reload()

    def show_outbox_conflict(self, entry: OutboxEntry, theirs: ClueInfo | None) -> None:
        """A write kept offline was refused on replay: bring the user's text back to merge."""
        editor = self.editor
        if editor.dirty and not editor.read_only:
            # never replace what the user is typing now; shown after the next save
            self._queued_conflicts.append((entry, theirs))
            self.ctx.say("One of your changes kept on this computer needs a merge: save or "
                         "discard the open clue first.")
            return
        reason = entry.error or "The database refused it."
        self.tabs.setCurrentIndex(0 if entry.operation != "comment.add" else 2)
        if entry.operation == "comment.add":
            self.comments.box.setPlainText(str(entry.args.get("body", "")))
            self._resolving_comment = entry.id  # dropped from the outbox once posted again
            self.ctx.say(f"Your comment was not posted: {reason} It is back in the comment box.")
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
        def deleted(changes: Any) -> None:
            self.editor.load(None)
            self._wrote(changes, f"Clue #{shown.id} deleted.")

        def submitted(result: Submitted) -> None:
            if result.saved == "database":
                deleted(None)
                return
            self.editor.load(None)
            self.ctx.say(f"Deletion of clue #{shown.id}: {SAVED_LOCALLY.lower()}.")
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
        self._write(assessments.set_candidates, self.ctx.db, self.ctx.login, self.series_id,
                    candidates, done=lambda c: self._ranking_saved(c, "Ranking saved."))

    def _ranking_saved(self, changes: Any, message: str) -> None:
        self.assessment.mark_saved()  # the reload then shows the stored ranking
        self._wrote(changes, message)

    def propose(self, candidates: list[CandidateInput]) -> None:
        if self.editor.dirty:
            self.ctx.say("Save or discard the open clue before proposing.")
            self.editor_error.setText("Save or discard this clue before proposing.")
            self.editor_error.show()
            return

        def both(db: Any, login: str, series_id: int) -> Any:
            ranked = assessments.set_candidates(db, login, series_id, candidates)
            proposed = assessments.propose(db, login, series_id)
            return type(ranked)(ranked.events + proposed.events)

        self._write(both, self.ctx.db, self.ctx.login, self.series_id,
                    done=lambda c: self._ranking_saved(
                        c, "Proposed for confirmation; the coordinators take it from here."))

    def post_comment(self, text: str) -> None:
        def done(submitted: Submitted) -> None:
            self.comments.posted()
            if self._resolving_comment is not None:
                self._saves().discard(self._resolving_comment)
                self._resolving_comment = None
            if submitted.saved == "database":
                self._wrote(None, "Comment posted.")
                return
            if submitted.entry_id is not None:
                self.waiting_comments[submitted.entry_id] = text
            self._show_comments()
            self.ctx.say(f"Comment: {SAVED_LOCALLY.lower()}.")

        self._saves().submit(self.ctx.login, "comment.add",
                             {"series_id": self.series_id, "body": text}, done=done,
                             failed=lambda e: self.ctx.say(error_sentence(e)))

    def _show_comments(self) -> None:
        self.comments.show_comments(self.detail.comments if self.detail else (),
                                    waiting=list(self.waiting_comments.values()))

    # ---------------------------------------------------------------- live ranking
    def _schedule_ranking(self) -> None:
        self._ranking_timer.start()

    def recompute_ranking(self) -> None:
        """Rank the saved clues plus the editor's unsaved draft, off the GUI thread."""
        if self.detail is None:
            return
        saved = list(self.detail.clues)
        draft_note = ""
        editor = self.editor
        if not editor.read_only and (editor.dirty or editor.clue is None):
            draft = editor.draft_info(self.ctx.login)
            has_facts = draft.value or draft.supports or draft.excludes
            if editor.clue is not None:
                saved = [c for c in saved if c.id != editor.clue.id]
            if has_facts:
                saved.append(draft)
                draft_note = "Includes your unsaved clue."
        self._ranking_generation += 1
        generation = self._ranking_generation

        def rank(clue_infos: list[ClueInfo]) -> tuple[list[Candidate], str]:
            try:
                ranked, note = narrow_clues(clue_infos), draft_note
            except NarrowingError as exc:
                ok = [c for c in clue_infos if c.id != -1 and c is not clue_infos[-1]]
                ranked, note = narrow_clues(ok), f"Not counted: {exc}."
            return plausible(ranked, note)

        def show(result: tuple[list[Candidate], str]) -> None:
            if generation == self._ranking_generation:
                self.last_ranking = result[0]
                self.assessment.show_ranking(*result)

        self.ctx.workers.run(rank, saved, done=show, failed=self._failed)

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

    def refresh_if_touched(self, series_ids: frozenset[int]) -> None:
        if self.series_id in series_ids:
            self.reload()

    def tick(self) -> None:
        """Once a second: the lease countdown and expiry without a database call."""
        if self.detail is not None:
            self._apply_claim_state()
