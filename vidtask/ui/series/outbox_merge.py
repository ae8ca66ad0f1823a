"""A workspace's writes that go through the offline writer — clue add/edit/delete and comments —
what of them waits in this computer's outbox, and refused ones brought back to merge.

Saved now: the write's Changes reach the workspace by the bus. Kept offline: the clue list and
comment thread show it waiting until a replay sends it. Refused on replay (a stale edit, a lost
claim): the user's text comes back in the editor or the comment box, never overwritten; saving
the merge, or taking theirs, drops the refused entry. A refusal that arrives while the user is
typing waits until the open clue is saved or discarded.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict

from PySide6.QtWidgets import QMessageBox, QTabWidget

from vidtask.domain.enums import ClueCategory
from vidtask.domain.errors import StaleVersion
from vidtask.services import series_detail
from vidtask.services.clues import ClueInput, clean_clue
from vidtask.services.offline import Submitted
from vidtask.services.series_detail import ClueInfo
from vidtask.sync.outbox import OutboxEntry
from vidtask.ui.context import AppContext
from vidtask.ui.offline_saves import SAVED_LOCALLY, OfflineSaves
from vidtask.ui.operations import Op, sentence
from vidtask.ui.series.clues_tab import CluesTab
from vidtask.ui.series.comments import CommentsPane

CLUES_TAB, COMMENTS_TAB = 0, 2


class OfflineEdits:
    def __init__(self, ctx: AppContext, series_id: int, clues: CluesTab,
                 comments: CommentsPane, tabs: QTabWidget, *, saved: Callable[[], object],
                 restored: Callable[[], object]) -> None:
        """`saved`: the open clue is saved (drop the "changed by" banner); `restored`: the
        editor holds the user's refused text again (rank it)."""
        self.ctx, self.series_id = ctx, series_id
        self.clues, self.comments, self.tabs = clues, comments, tabs
        self.saved, self.restored = saved, restored
        #: Writes kept in the outbox (entry id -> what the user sees while they wait).
        self.waiting_clues: dict[int, tuple[int | None, str]] = {}
        self.waiting_comments: dict[int, str] = {}
        #: Refused outbox entries being merged in the editor, by clue id (None: a new clue).
        self._resolving: dict[int | None, int] = {}
        self._queued: list[tuple[OutboxEntry, ClueInfo | None]] = []
        self._resolving_comment: int | None = None
        clues.editor.theirsChosen.connect(self._took_theirs)

    @property
    def saves(self) -> OfflineSaves:
        saves = self.ctx.saves
        assert saves is not None, "the main window sets ctx.saves before opening series"
        return saves

    def waiting_summaries(self) -> list[str]:
        return [summary for _clue_id, summary in self.waiting_clues.values()]

    def kept_clue_ids(self) -> list[int | None]:
        return [clue_id for clue_id, _summary in self.waiting_clues.values()]

    # ---------------------------------------------------------------- clues
    def save_clue(self) -> None:
        """Save through the offline writer: the database now, or this computer's outbox.

        The clue is checked first (a value without a kind, a word no country matches), so a
        refusal is said now, never after it waited in the outbox."""
        editor = self.clues.editor
        if editor.read_only:
            return
        data = editor.current_input()
        self.clues.hide_error()
        shown, base_version = editor.clue, editor.base_version

        def submit(_checked: object) -> None:
            if shown is None:
                args = {"series_id": self.series_id, "clue": asdict(data)}
                self.saves.submit(self.ctx.login, "clue.add", args,
                                  done=lambda s: self._clue_submitted(s, None, data),
                                  failed=self._save_failed)
            else:
                args = {"series_id": self.series_id, "clue_id": shown.id, "clue": asdict(data)}
                self.saves.submit(self.ctx.login, "clue.edit", args,
                                  based_on_version=base_version,
                                  done=lambda s: self._clue_submitted(s, shown.id, data),
                                  failed=self._save_failed)

        Op(self.ctx, clean_clue, data).success(submit).failure(self._save_failed)\
            .owned_by(self.clues).run()

    def _clue_submitted(self, submitted: Submitted, clue_id: int | None,
                        data: ClueInput) -> None:
        resolving = self._resolving.pop(clue_id, None)
        if resolving is not None:
            self.saves.discard(resolving)  # the merge the user saved replaces the refused one
        if submitted.saved == "locally":
            self._saved_locally(submitted, data, clue_id)
            return
        if clue_id is None:
            clue_id = int(submitted.result["clue_id"])
        self._clue_saved(clue_id)

    def _saved_locally(self, submitted: Submitted, data: ClueInput,
                       clue_id: int | None) -> None:
        """Kept in the outbox (fsync'd): the editor is clean, the clue list shows it waiting."""
        editor = self.clues.editor
        if submitted.entry_id is not None:
            summary = f"{ClueCategory(data.category).label}: {data.description}"
            if clue_id is not None:
                summary = f"#{clue_id} edited — {summary}"
            self.waiting_clues[submitted.entry_id] = (clue_id, summary)
        if clue_id is None:
            editor.load(None)
        else:
            editor.mark_saved_locally()
        editor.meta.setText(SAVED_LOCALLY + ".")
        self.saved()
        self.clues.fill(self.clues.clues, self.waiting_summaries())
        self.ctx.notices.info(SAVED_LOCALLY + ".")
        self.show_next_conflict()

    def _clue_saved(self, clue_id: int) -> None:
        def show(clue: ClueInfo) -> None:
            self.clues.editor.mark_saved(clue)
            self.saved()
            self.ctx.notices.info(f"Clue #{clue_id} saved.")
            self.show_next_conflict()

        Op(self.ctx, series_detail.get_clue, self.ctx.db, clue_id).success(show)\
            .owned_by(self.clues).run()

    def _save_failed(self, error: BaseException) -> None:
        editor = self.clues.editor
        self.clues.show_error(sentence(error))
        self.ctx.notices.failure(error)
        if isinstance(error, StaleVersion) and editor.clue is not None:
            Op(self.ctx, series_detail.get_clue, self.ctx.db, editor.clue.id)\
                .success(editor.show_conflict).owned_by(self.clues).run()

    def delete_clue(self) -> None:
        editor = self.clues.editor
        shown = editor.clue
        if shown is None or editor.read_only:
            return
        answer = QMessageBox.question(self.clues, "Delete clue",
                                      f"Delete clue #{shown.id}? The timeline keeps a record.")
        if answer != QMessageBox.StandardButton.Yes:
            return

        def submitted(result: Submitted) -> None:
            editor.load(None)
            if result.saved == "database":
                self.ctx.notices.info(f"Clue #{shown.id} deleted.")
                return
            self.ctx.notices.info(f"Deletion of clue #{shown.id}: {SAVED_LOCALLY.lower()}.")
            editor.meta.setText(SAVED_LOCALLY + ".")

        self.saves.submit(self.ctx.login, "clue.delete",
                          {"series_id": self.series_id, "clue_id": shown.id},
                          based_on_version=editor.base_version, done=submitted,
                          failed=self._save_failed)

    # ---------------------------------------------------------------- comments
    def post_comment(self, text: str, show_comments: Callable[[], object]) -> None:
        def done(submitted: Submitted) -> None:
            self.comments.posted()
            if self._resolving_comment is not None:
                self.saves.discard(self._resolving_comment)
                self._resolving_comment = None
            if submitted.saved == "database":
                self.ctx.notices.info("Comment posted.")
                return
            if submitted.entry_id is not None:
                self.waiting_comments[submitted.entry_id] = text
            show_comments()
            self.ctx.notices.info(f"Comment: {SAVED_LOCALLY.lower()}.")

        self.saves.submit(self.ctx.login, "comment.add",
                          {"series_id": self.series_id, "body": text}, done=done,
                          failed=self.ctx.notices.failure)

    # ---------------------------------------------------------------- replay
    def replayed(self, waiting_ids: frozenset[int]) -> None:
        """Some kept writes were sent: stop showing them as waiting (the feed brings them)."""
        for entry_id in [e for e in self.waiting_clues if e not in waiting_ids]:
            del self.waiting_clues[entry_id]
        for entry_id in [e for e in self.waiting_comments if e not in waiting_ids]:
            del self.waiting_comments[entry_id]
        self.clues.fill(self.clues.clues, self.waiting_summaries())
        if not self.waiting_clues and not self.clues.editor.dirty:
            self.clues.editor.refresh_meta()  # no longer "saved on this computer"

    def show_conflict(self, entry: OutboxEntry, theirs: ClueInfo | None) -> None:
        """A write kept offline was refused on replay: bring the user's text back to merge."""
        editor = self.clues.editor
        if editor.dirty and not editor.read_only:
            # never replace what the user is typing now; shown after the next save
            self._queued.append((entry, theirs))
            self.ctx.notices.warning("One of your changes kept on this computer needs a merge: "
                                     "save or discard the open clue first.")
            return
        reason = entry.error or "The database refused it."
        self.tabs.setCurrentIndex(COMMENTS_TAB if entry.operation == "comment.add" else CLUES_TAB)
        if entry.operation == "comment.add":
            self.comments.box.setPlainText(str(entry.args.get("body", "")))
            self._resolving_comment = entry.id  # dropped from the outbox once posted again
            self.ctx.notices.warning(f"Your comment was not posted: {reason} It is back in the "
                                     "comment box.")
            return
        if entry.operation == "clue.delete":
            if theirs is not None:
                editor.load(theirs)
                self.clues.show_error(f"Your deletion of clue #{theirs.id} was not sent: "
                                      f"{reason} Delete it again if you still want to.")
            self.saves.discard(entry.id)
            return
        mine = ClueInput(**entry.args["clue"])
        editor.restore_draft(theirs if entry.operation == "clue.edit" else None, mine,
                             entry.based_on_version)
        self._resolving[editor.clue.id if editor.clue else None] = entry.id
        self.clues.show_error(f"Your change kept on this computer was not applied: {reason} "
                              "Your text is in the editor; nothing was overwritten.")
        if theirs is not None:
            editor.show_conflict(theirs)
        self.restored()

    def _took_theirs(self) -> None:
        """Their version wins in the merge view: the refused change kept offline is dropped."""
        editor = self.clues.editor
        entry_id = self._resolving.pop(editor.clue.id if editor.clue else None, None)
        if entry_id is not None:
            self.saves.discard(entry_id)

    def show_next_conflict(self) -> None:
        if self._queued and not self.clues.editor.dirty:
            self.show_conflict(*self._queued.pop(0))
