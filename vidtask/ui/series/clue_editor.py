"""The clue editor: category, description, structured value, evidence reference, confidence and
countries, with a merge view when someone else saved the same clue first.

Signals: ``draftChanged()`` — any field changed (the live ranking listens);
``saveRequested()``, ``deleteRequested()``, ``newRequested()`` — the workspace does the writing;
``theirsChosen()`` — the user took the other person's version in the merge view.
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
from vidtask.ui.common import country_text, local_time, name_widget
from vidtask.ui.series.country_picker import CountryPicker

KIND_LABELS = {StructuredKind.NONE: "None (free clue)", StructuredKind.LANGUAGE: "Language",
               StructuredKind.SCRIPT: "Script", StructuredKind.CURRENCY: "Currency",
               StructuredKind.SOCKET: "Socket / plug type",
               StructuredKind.DRIVING_SIDE: "Driving side"}
VALUE_HINTS = {StructuredKind.LANGUAGE: "language code, e.g. uk, de, pt-BR",
               StructuredKind.SCRIPT: "script code, e.g. Cyrl, Latn, Geor",
               StructuredKind.CURRENCY: "ISO currency, e.g. UAH, EUR",
               StructuredKind.SOCKET: "plug letter A–O, e.g. F",
               StructuredKind.DRIVING_SIDE: "left or right"}
VALUE_CHOICES = {StructuredKind.SOCKET: list("ABCDEFGHIJKLMNO"),
                 StructuredKind.DRIVING_SIDE: ["left", "right"]}


def clue_summary(clue: ClueInfo) -> str:
    return f"{ClueCategory(clue.category).label}: {clue.description}"


class ClueEditor(QGroupBox):
    draftChanged = Signal()
    saveRequested = Signal()
    deleteRequested = Signal()
    newRequested = Signal()
    theirsChosen = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Clue", parent)
        name_widget(self, "clueEditor", "Clue editor")
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
        self.kind = QComboBox()
        name_widget(self.kind, "clueKind", "Structured kind")
        for kind, label in KIND_LABELS.items():
            self.kind.addItem(label, kind.value)
        self.value = QComboBox()
        self.value.setEditable(True)
        name_widget(self.value, "clueValue", "Structured value")
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

        self.merge = QGroupBox("Someone else saved this clue first — merge")
        name_widget(self.merge, "clueMergeView", "Other person's version of the clue")
        self.merge_info = QLabel()
        self.merge_info.setWordWrap(True)
        self.their_text = QPlainTextEdit()
        self.their_text.setReadOnly(True)
        name_widget(self.their_text, "theirDescription", "Their description")
        self.use_theirs = QPushButton("Use their version")
        name_widget(self.use_theirs, "useTheirsButton", "Use their version")
        self.append_theirs = QPushButton("Add their text to mine")
        name_widget(self.append_theirs, "appendTheirsButton", "Add their text to mine")
        self.keep_mine = QPushButton("Keep mine (save over theirs)")
        name_widget(self.keep_mine, "keepMineButton", "Keep my version")
        self.use_theirs.clicked.connect(self._use_theirs)
        self.append_theirs.clicked.connect(self._append_theirs)
        self.keep_mine.clicked.connect(self._keep_mine)
        merge_layout = QVBoxLayout(self.merge)
        merge_layout.addWidget(self.merge_info)
        merge_layout.addWidget(self.their_text)
        merge_buttons = QHBoxLayout()
        for button in (self.use_theirs, self.append_theirs, self.keep_mine):
            merge_buttons.addWidget(button)
        merge_layout.addLayout(merge_buttons)
        self.merge.hide()
        self._theirs: ClueInfo | None = None

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow("&Category", self.category)
        form.addRow("&Description", self.description)
        structured = QHBoxLayout()
        structured.addWidget(self.kind, 1)
        structured.addWidget(self.value, 1)
        form.addRow(self._label("S&tructured", self.kind), structured)
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
        self.kind.currentIndexChanged.connect(self._kind_changed)
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

    def _fill(self, data: ClueInput) -> None:
        self._select(self.category, str(data.category))
        self.description.setPlainText(data.description)
        self._select(self.kind, str(data.kind))
        self._kind_changed()
        self.value.setCurrentText(data.value or "")
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
            edited = f"; edited by {clue.updated_by} {local_time(clue.updated_at)}"
        self.meta.setText(f"Clue #{clue.id} by {clue.author_name} ({clue.author}), "
                          f"{local_time(clue.created_at)}{edited} · version {clue.version}")
        self.setTitle(f"Clue #{clue.id}")

    # ---------------------------------------------------------------- state
    def current_input(self) -> ClueInput:
        kind = str(self.kind.currentData())
        value = self.value.currentText().strip() or None
        return ClueInput(
            category=str(self.category.currentData()),
            description=self.description.toPlainText(),
            kind=kind, value=value if kind != StructuredKind.NONE else None,
            evidence_md5=str(self.evidence.currentData() or "") or None,
            evidence_time=self.evidence_time.text(), evidence_region=self.evidence_region.text(),
            confidence=str(self.confidence.currentData()),
            supports=tuple(self.countries.supports()), excludes=tuple(self.countries.excludes()))

    @property
    def dirty(self) -> bool:
        return self.current_input() != self._baseline

    def draft_info(self, author: str) -> ClueInfo:
        """The editor's content as a ClueInfo, so the ranking can count unsaved work."""
        data = self.current_input()
        now = datetime.now(UTC)
        return ClueInfo(self.clue.id if self.clue else -1, 0, data.category,
                        data.description or "(draft)", data.kind, data.value, data.evidence_md5,
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
        self.read_only = read_only
        for widget in (self.category, self.kind, self.value, self.evidence, self.confidence):
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

    def _kind_changed(self) -> None:
        kind = StructuredKind(self.kind.currentData())
        text = self.value.currentText()
        self.value.blockSignals(True)
        self.value.clear()
        self.value.addItems(VALUE_CHOICES.get(kind, []))
        self.value.setCurrentText(text if kind != StructuredKind.NONE else "")
        self.value.blockSignals(False)
        self.value.setEnabled(kind != StructuredKind.NONE and not self.read_only)
        line = self.value.lineEdit()
        if line is not None:
            line.setPlaceholderText(VALUE_HINTS.get(kind, "no value for a free clue"))

    # ---------------------------------------------------------------- conflicts
    def show_conflict(self, theirs: ClueInfo) -> None:
        """Keep every character the user typed; show the saved version beside it to merge."""
        self._theirs = theirs
        supports = ", ".join(country_text(c, with_name=False) for c in theirs.supports) or "—"
        excludes = ", ".join(country_text(c, with_name=False) for c in theirs.excludes) or "—"
        value = f"{theirs.kind} {theirs.value}" if theirs.value else "free clue"
        self.merge_info.setText(
            f"<b>{theirs.updated_by}</b> saved version {theirs.version} at "
            f"{local_time(theirs.updated_at)}. Your text is kept on the left; nothing was "
            f"overwritten.<br>Their category: {ClueCategory(theirs.category).label} · "
            f"{value} · confidence {theirs.confidence}<br>Supports {supports} · excludes "
            f"{excludes}")
        self.their_text.setPlainText(theirs.description)
        self.merge.show()

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
