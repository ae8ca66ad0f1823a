"""The clue editor: category, description, structured value, evidence reference, confidence and
countries, with a merge view when someone else saved the same clue first.

Signals: ``draftChanged()`` — any field changed (the live ranking listens);
``saveRequested()``, ``deleteRequested()``, ``newRequested()`` — the workspace does the writing;
``theirsChosen()`` — the user took the other person's version in the merge view.

Its parts: the structured value's fields (`structured_value`, words from `value_reading`) and
the merge view (`clue_merge_view`).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from vidtask.domain.enums import ClueCategory, ClueConfidence, StructuredKind
from vidtask.services.clues import ClueInput
from vidtask.services.series_detail import ClueInfo, MediaInfo
from vidtask.ui.common import local_time, name_widget
from vidtask.ui.operations import OpHost
from vidtask.ui.series.clue_merge_view import ClueMergeView, saved_by
from vidtask.ui.series.country_picker import CountryPicker
from vidtask.ui.series.ranking import DRAFT_ID
from vidtask.ui.series.structured_value import StructuredValueField
from vidtask.ui.series.value_reading import shown_value


def clue_summary(clue: ClueInfo) -> str:
    return f"{ClueCategory(clue.category).label}: {clue.description}"


class ClueEditor(QGroupBox):
    draftChanged = Signal()
    saveRequested = Signal()
    deleteRequested = Signal()
    newRequested = Signal()
    theirsChosen = Signal()

    def __init__(self, host: OpHost, parent: QWidget | None = None) -> None:
        super().__init__("Clue", parent)
        name_widget(self, "clueEditor", "Clue editor")
        self.host = host
        self.clue: ClueInfo | None = None
        self.base_version: int | None = None
        self._baseline: ClueInput = self._blank()
        self._loading = False
        self.read_only = True

        self.category = QComboBox()
        name_widget(self.category, "clueCategory", "Clue category")
        for category in ClueCategory:
            self.category.addItem(category.label, category.value)
        self.description = QPlainTextEdit()
        name_widget(self.description, "clueDescription", "Clue description")
        self.description.setPlaceholderText("What does the image show, and why does it point "
                                            "somewhere? (never paste imagery)")
        self.description.setTabChangesFocus(True)
        self.description.setMinimumHeight(70)
        self.structured = StructuredValueField(host, self)
        self.kind, self.value = self.structured.kind, self.structured.value
        self.reading, self.kind_fix = self.structured.reading, self.structured.kind_fix
        self.evidence = QComboBox()
        name_widget(self.evidence, "clueEvidenceMedia", "Evidence media hash")
        self.evidence_time = QLineEdit()
        name_widget(self.evidence_time, "clueEvidenceTime", "Evidence frame or time")
        self.evidence_time.setPlaceholderText("time mm:ss or frame #")
        self.evidence_region = QLineEdit()
        name_widget(self.evidence_region, "clueEvidenceRegion", "Evidence region")
        self.evidence_region.setPlaceholderText("region x,y,w,h")
        self.confidence = QComboBox()
        name_widget(self.confidence, "clueConfidence", "Clue confidence")
        for confidence in ClueConfidence:
            self.confidence.addItem(confidence.value.capitalize(), confidence.value)
        self.countries = CountryPicker()
        self.meta = QLabel()
        self.meta.setObjectName("clueMeta")
        self.meta.setWordWrap(True)

        self.save_button = QPushButton("Save clue")
        name_widget(self.save_button, "clueSaveButton", "Save clue (Ctrl+S)")
        self.save_button.setToolTip("Save clue (Ctrl+S)")
        self.new_button = QPushButton("New clue")
        name_widget(self.new_button, "clueNewButton", "New clue (Ctrl+N)")
        self.delete_button = QPushButton("Delete clue")
        name_widget(self.delete_button, "clueDeleteButton", "Delete clue")
        self.save_button.clicked.connect(self.saveRequested)
        self.new_button.clicked.connect(self.newRequested)
        self.delete_button.clicked.connect(self.deleteRequested)

        self.merge = ClueMergeView()
        self.use_theirs, self.append_theirs, self.keep_mine = self.merge.buttons()
        self.use_theirs.clicked.connect(self._use_theirs)
        self.append_theirs.clicked.connect(self._append_theirs)
        self.keep_mine.clicked.connect(self._keep_mine)
        self._theirs: ClueInfo | None = None

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow("&Category", self.category)
        form.addRow("&Description", self.description)
        structured = QHBoxLayout()
        structured.addWidget(self.kind, 1)
        structured.addWidget(self.value, 1)
        form.addRow(self._label("S&tructured", self.kind), structured)
        form.addRow("", self.reading)
        fix = QHBoxLayout()
        fix.addWidget(self.kind_fix)
        fix.addStretch(1)
        form.addRow("", fix)
        evidence = QHBoxLayout()
        evidence.addWidget(self.evidence, 3)
        evidence.addWidget(self.evidence_time, 1)
        evidence.addWidget(self.evidence_region, 1)
        form.addRow(self._label("&Evidence", self.evidence), evidence)
        form.addRow("C&onfidence", self.confidence)
        form.addRow("Co&untries", self.countries)
        buttons = QHBoxLayout()
        buttons.addWidget(self.meta, 1)
        buttons.addWidget(self.delete_button)
        buttons.addWidget(self.new_button)
        buttons.addWidget(self.save_button)
        editor_side = QVBoxLayout()
        editor_side.addLayout(form)
        editor_side.addLayout(buttons)
        outer = QHBoxLayout(self)
        outer.addLayout(editor_side, 3)
        outer.addWidget(self.merge, 2)

        for signal in (self.category.currentIndexChanged, self.kind.currentIndexChanged,
                       self.value.currentTextChanged, self.evidence.currentIndexChanged,
                       self.evidence_time.textChanged, self.evidence_region.textChanged,
                       self.confidence.currentIndexChanged, self.description.textChanged,
                       self.countries.changed):
            signal.connect(self._edited)
        self.structured.connect_edits()
        self.setTabOrder(self.category, self.description)
        self.setTabOrder(self.description, self.kind)
        self.setTabOrder(self.kind, self.value)
        self.setTabOrder(self.value, self.evidence)
        self.setTabOrder(self.evidence, self.evidence_time)
        self.setTabOrder(self.evidence_time, self.evidence_region)
        self.setTabOrder(self.evidence_region, self.confidence)
        self.setTabOrder(self.confidence, self.countries.search)
        self.load(None)

    @staticmethod
    def _label(text: str, buddy: QWidget) -> QLabel:
        """A row label whose Alt+letter jumps to the row's first field."""
        label = QLabel(text)
        label.setBuddy(buddy)
        return label

    # ---------------------------------------------------------------- loading
    def set_media(self, media: tuple[MediaInfo, ...]) -> None:
        current = self.evidence.currentData()
        self._loading = True
        self.evidence.clear()
        self.evidence.addItem("No evidence media", "")
        for item in media:
            kind = (item.mime_type or "").split("/")[-1]
            self.evidence.addItem(f"{item.md5}  {kind}", item.md5)
        self._select(self.evidence, current or "")
        self._loading = False

    def load(self, clue: ClueInfo | None) -> None:
        """Show a saved clue (or an empty new one); the editor is clean afterwards."""
        self._loading = True
        self.clue = clue
        self.base_version = clue.version if clue else None
        self._fill(self._input_of(clue) if clue else self._blank())
        self._loading = False
        self._baseline = self.current_input()
        self.merge.hide()
        self._theirs = None
        self._update_meta()
        self.set_read_only(self.read_only)
        self.read_value_now()

    def _fill(self, data: ClueInput) -> None:
        self._select(self.category, str(data.category))
        self.description.setPlainText(data.description)
        self._select(self.kind, str(data.kind))
        self.structured.kind_changed()
        self.value.setCurrentText(shown_value(str(data.kind), data.value))
        self._select(self.evidence, data.evidence_md5 or "")
        self.evidence_time.setText(data.evidence_time)
        self.evidence_region.setText(data.evidence_region)
        self._select(self.confidence, str(data.confidence))
        self.countries.set_countries(data.supports, data.excludes)

    @staticmethod
    def _select(combo: QComboBox, value: str) -> None:
        at = combo.findData(value)
        combo.setCurrentIndex(max(at, 0))

    @staticmethod
    def _blank() -> ClueInput:
        return ClueInput(ClueCategory.PRODUCT.value, "", confidence=ClueConfidence.MEDIUM.value)

    @staticmethod
    def _input_of(clue: ClueInfo) -> ClueInput:
        return ClueInput(clue.category, clue.description, clue.kind, clue.value,
                         clue.evidence_md5, clue.evidence_time, clue.evidence_region,
                         clue.confidence, tuple(clue.supports), tuple(clue.excludes))

    def refresh_meta(self) -> None:
        """Author, time and version of the shown clue (or "not saved yet"), nothing else."""
        self._update_meta()

    def _update_meta(self) -> None:
        clue = self.clue
        if clue is None:
            self.meta.setText("New clue — not saved yet.")
            self.setTitle("New clue")
            return
        edited = ""
        if clue.updated_at != clue.created_at:
            edited = f"; edited by {saved_by(clue)} {local_time(clue.updated_at)}"
        self.meta.setText(f"Clue #{clue.id} by {clue.author_name or clue.author}, "
                          f"{local_time(clue.created_at)}{edited} · version {clue.version}")
        self.setTitle(f"Clue #{clue.id}")

    # ---------------------------------------------------------------- state
    def current_input(self) -> ClueInput:
        kind = str(self.kind.currentData())
        value = self.value.currentText().strip() or None
        return ClueInput(
            category=str(self.category.currentData()),
            description=self.description.toPlainText(),
            kind=kind, value=value,  # a value without a kind is refused when saved, not dropped
            evidence_md5=str(self.evidence.currentData() or "") or None,
            evidence_time=self.evidence_time.text(), evidence_region=self.evidence_region.text(),
            confidence=str(self.confidence.currentData()),
            supports=tuple(self.countries.supports()), excludes=tuple(self.countries.excludes()))

    @property
    def dirty(self) -> bool:
        return self.current_input() != self._baseline

    def draft_info(self, author: str) -> ClueInfo:
        """The editor's content as a ClueInfo, so the ranking can count unsaved work (a value
        without a kind counts for nothing: the reading line says why)."""
        data = self.current_input()
        now = datetime.now(UTC)
        value = data.value if data.kind != StructuredKind.NONE else None
        return ClueInfo(self.clue.id if self.clue else DRAFT_ID, 0, data.category,
                        data.description or "(draft)", data.kind, value, data.evidence_md5,
                        data.evidence_time, data.evidence_region, data.confidence,
                        tuple(data.supports), tuple(data.excludes), "H0", author, author, now,
                        author, now, self.base_version or 0)

    def mark_saved(self, clue: ClueInfo) -> None:
        self.load(clue)

    def mark_saved_locally(self) -> None:
        """Kept in the outbox: clean now, still based on the version the edit started from."""
        self._baseline = self.current_input()

    def restore_draft(self, clue: ClueInfo | None, mine: ClueInput,
                      based_on_version: int | None) -> None:
        """Bring back the user's refused change (from the outbox) over `clue`, unsaved."""
        self.load(clue)
        self._loading = True
        self._fill(replace(mine, supports=tuple(mine.supports), excludes=tuple(mine.excludes)))
        self._loading = False
        if clue is not None and based_on_version is not None:
            self.base_version = based_on_version
        self.draftChanged.emit()

    def set_read_only(self, read_only: bool) -> None:
        self.read_only = self.structured.read_only = read_only
        for widget in (self.category, self.kind, self.value, self.evidence, self.confidence,
                       self.kind_fix):
            widget.setEnabled(not read_only)
        for line in (self.evidence_time, self.evidence_region):
            line.setReadOnly(read_only)
        self.description.setReadOnly(read_only)
        self.countries.set_read_only(read_only)
        self.save_button.setEnabled(not read_only)
        self.new_button.setEnabled(not read_only)
        self.delete_button.setEnabled(not read_only and self.clue is not None)
        for button in (self.use_theirs, self.append_theirs, self.keep_mine):
            button.setEnabled(not read_only)

    def _edited(self) -> None:
        if not self._loading:
            self.draftChanged.emit()

    def completion_entries(self) -> list[str]:
        """What the value field's completer offers for the current kind (empty until built)."""
        return self.structured.completion_entries()

    def read_value_now(self) -> None:
        """Say how the value field reads (latest request only)."""
        self.structured.read_value_now()

    # ---------------------------------------------------------------- conflicts
    def show_conflict(self, theirs: ClueInfo) -> None:
        """Keep every character the user typed; show the saved version beside it to merge."""
        self._theirs = theirs
        self.merge.show_theirs(theirs)

    def _use_theirs(self) -> None:
        if self._theirs is not None:
            self.load(self._theirs)
            self.draftChanged.emit()
            self.theirsChosen.emit()

    def _append_theirs(self) -> None:
        if self._theirs is None:
            return
        mine = self.description.toPlainText().rstrip()
        self.description.setPlainText(f"{mine}\n\n{self._theirs.description}".strip())
        self._keep_mine()

    def _keep_mine(self) -> None:
        """Base the next save on their version, so it applies (and is logged) over theirs."""
        if self._theirs is None:
            return
        self.base_version = self._theirs.version
        self.clue = self._theirs
        self._theirs = None
        self.merge.hide()
        self._update_meta()
        self.meta.setText(self.meta.text() + " — your merge is not saved yet (Ctrl+S).")
        self.description.setFocus(Qt.FocusReason.OtherFocusReason)
