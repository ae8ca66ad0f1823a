"""The workspace's "Clues & assessment" tab: the clue list, the clue editor (with its error
line) and the country assessment panel, side by side.

It shows clues and keeps the editor honest: a refresh never overwrites unsaved text
(`refresh_editor` reports the newer version instead), and switching clues asks before
discarding. Writes are the workspace's (`outbox_merge.OfflineEdits`).

Signals: ``clueChosen()`` — the editor now shows another clue (or a new one).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLabel, QListWidget, QListWidgetItem, QSplitter, QVBoxLayout, QWidget

from vidtask.domain.enums import StructuredKind
from vidtask.domain.vocabulary import describe_value
from vidtask.services.series_detail import ClueInfo
from vidtask.ui.common import local_time, name_widget
from vidtask.ui.offline_saves import SAVED_LOCALLY
from vidtask.ui.operations import OpHost
from vidtask.ui.series.assessment import AssessmentPanel
from vidtask.ui.series.clue_editor import ClueEditor, clue_summary

CLUE_ID_ROLE = Qt.ItemDataRole.UserRole + 1


def clue_line(clue: ClueInfo) -> str:
    text = clue_summary(clue)
    if clue.value:
        words = describe_value(clue.kind, clue.value) if clue.kind != StructuredKind.NONE \
            else f"value {clue.value!r} without a kind (counts for nothing)"
        text += f"  [{words}]"
    countries = (["+" + c for c in clue.supports] + ["−" + c for c in clue.excludes])
    if countries:
        text += "  " + " ".join(countries)
    return f"{text}\n    {clue.author_name} · {local_time(clue.created_at)} · {clue.confidence}"


class CluesTab(QSplitter):
    clueChosen = Signal()

    def __init__(self, host: OpHost, confirm_discard: Callable[[str], bool],
                 parent: QWidget | None = None) -> None:
        super().__init__(Qt.Orientation.Horizontal, parent)
        self.confirm_discard = confirm_discard
        self.clues: Sequence[ClueInfo] = ()
        self.clue_list = QListWidget()
        name_widget(self.clue_list, "clueList", "Clues of this series")
        self.clue_list.setWordWrap(True)
        self.clue_list.currentItemChanged.connect(self._clue_selected)
        self.editor = ClueEditor(host)
        self.error = QLabel()
        self.error.setObjectName("clueError")
        self.error.setStyleSheet("QLabel { color: #b3261e; font-weight: bold; }")
        self.error.setWordWrap(True)
        self.error.hide()
        self.assessment = AssessmentPanel()

        clue_column = QWidget()
        clue_layout = QVBoxLayout(clue_column)
        clue_layout.setContentsMargins(0, 0, 0, 0)
        clue_layout.addWidget(QLabel("<b>Clues</b> — select one to edit; New clue (Ctrl+N) "
                                     "starts another"))
        clue_layout.addWidget(self.clue_list, 1)
        editor_column = QWidget()
        editor_layout = QVBoxLayout(editor_column)
        editor_layout.setContentsMargins(0, 0, 0, 0)
        editor_layout.addWidget(self.editor)
        editor_layout.addWidget(self.error)
        left = QSplitter(Qt.Orientation.Vertical)
        left.addWidget(clue_column)
        left.addWidget(editor_column)
        left.setStretchFactor(0, 1)
        left.setStretchFactor(1, 3)
        left.setSizes([190, 600])
        self.addWidget(left)
        self.addWidget(self.assessment)
        self.setStretchFactor(0, 3)
        self.setStretchFactor(1, 2)

    def show_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.show()

    def hide_error(self) -> None:
        self.error.hide()

    def fill(self, clues: Sequence[ClueInfo], waiting: Iterable[str] = ()) -> None:
        """The stored clues, then the ones kept on this computer (not selectable)."""
        self.clues = clues
        waiting = list(waiting)
        current = self.editor.clue.id if self.editor.clue else None
        self.clue_list.blockSignals(True)
        self.clue_list.clear()
        for clue in clues:
            item = QListWidgetItem(clue_line(clue))
            item.setData(CLUE_ID_ROLE, clue.id)
            self.clue_list.addItem(item)
            if clue.id == current:
                self.clue_list.setCurrentItem(item)
        for summary in waiting:
            item = QListWidgetItem(f"{summary}\n    {SAVED_LOCALLY}")
            item.setFlags(Qt.ItemFlag.NoItemFlags)
            item.setToolTip("Kept on this computer; sent when the database is back")
            self.clue_list.addItem(item)
        if not clues and not waiting:
            empty = QListWidgetItem("No clues yet. Claim the series, then describe what you "
                                    "see in the editor below.")
            empty.setFlags(Qt.ItemFlag.NoItemFlags)
            self.clue_list.addItem(empty)
        self.clue_list.blockSignals(False)

    def refresh_editor(self, kept_clue_ids: Iterable[int | None]) -> ClueInfo | None:
        """Bring the open clue up to date; returns the newer version when the user's unsaved
        text must be kept instead (someone else changed it meanwhile)."""
        editor, shown = self.editor, self.editor.clue
        if shown is None:
            return None
        fresh = next((c for c in self.clues if c.id == shown.id), None)
        if fresh is None or fresh.version == editor.base_version:
            return None
        if shown.id in set(kept_clue_ids):
            return None  # the user's edit waits in the outbox: keep showing it until it is sent
        if editor.dirty:
            editor.meta.setText(f"Changed by {fresh.updated_by_name or fresh.updated_by} at "
                                f"{local_time(fresh.updated_at)} since you opened it — "
                                "your text is kept; saving shows both versions to merge.")
            return fresh
        editor.load(fresh)
        return None

    def new_clue(self) -> None:
        if self.editor.read_only or not self.confirm_discard("Start a new clue"):
            return
        self.clue_list.blockSignals(True)
        self.clue_list.clearSelection()
        self.clue_list.setCurrentRow(-1)
        self.clue_list.blockSignals(False)
        self.editor.load(None)
        self.hide_error()
        self.editor.category.setFocus()
        self.clueChosen.emit()

    def _clue_selected(self, current: QListWidgetItem | None,
                       previous: QListWidgetItem | None) -> None:
        if current is None or not self.clues:
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
        clue = next((c for c in self.clues if c.id == clue_id), None)
        if clue is not None:
            self.editor.load(clue)
            self.hide_error()
            self.clueChosen.emit()
