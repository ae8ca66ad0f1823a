"""The clue editor: category, description, structured value, evidence reference, confidence and
countries, with a merge view when someone else saved the same clue first.

Signals: ``draftChanged()`` — any field changed (the live ranking listens);
``saveRequested()``, ``deleteRequested()``, ``newRequested()`` — the workspace does the writing;
``theirsChosen()`` — the user took the other person's version in the merge view.
"""

from __future__ import annotations

import html
from dataclasses import replace
from datetime import UTC, datetime
from typing import NamedTuple

from PySide6.QtCore import QStringListModel, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
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

from vidtask.domain.countries import DRIVING_SIDES, PLUG_LETTERS
from vidtask.domain.enums import ClueCategory, ClueConfidence, StructuredKind
from vidtask.domain.errors import InvalidInput
from vidtask.domain.narrowing import implied_countries
from vidtask.domain.vocabulary import (
    completions,
    describe_value,
    other_kinds,
    read_value,
    unknown_value,
    value_without_kind,
    value_words,
)
from vidtask.domain.wording import structured_kind
from vidtask.services.clues import ClueInput
from vidtask.services.series_detail import ClueInfo, MediaInfo
from vidtask.ui.common import WrappingLabel, country_text, local_time, name_widget
from vidtask.ui.operations import Op, OpHost
from vidtask.ui.series.country_picker import CountryPicker
from vidtask.ui.series.ranking import DRAFT_ID

KIND_LABELS = {StructuredKind.NONE: "None (free clue)", StructuredKind.LANGUAGE: "Language",
               StructuredKind.SCRIPT: "Script", StructuredKind.CURRENCY: "Currency",
               StructuredKind.SOCKET: "Socket / plug type",
               StructuredKind.DRIVING_SIDE: "Driving side"}
VALUE_HINTS = {StructuredKind.NONE: "choose a kind first",
               StructuredKind.LANGUAGE: "code or name, e.g. uk, Ukrainian, pt-BR",
               StructuredKind.SCRIPT: "code or name, e.g. Cyrl, Cyrillic, Latn",
               StructuredKind.CURRENCY: "code, name or symbol, e.g. UAH, hryvnia, €",
               StructuredKind.SOCKET: "letter or name, e.g. F, schuko, BS 1363",
               StructuredKind.DRIVING_SIDE: "left or right (LHT, RHT)"}
#: Kinds with few enough values to list them all in the drop-down (the others complete).
LISTED_KINDS = (StructuredKind.SOCKET, StructuredKind.DRIVING_SIDE)
#: Typing in the value field pauses this long before it is read again.
READING_DEBOUNCE_MS = 150
#: Completer entries per kind, built once per process (off the GUI thread: babel is slow).
_COMPLETIONS: dict[StructuredKind, list[str]] = {}


class ValueReading(NamedTuple):
    """How the value field's text reads: a sentence, whether it can be saved, and (for a value
    typed without a kind) the kind and code it names."""

    text: str
    ok: bool = True
    fix: tuple[StructuredKind, str] | None = None


def _sentence(text: str) -> str:
    text = text.strip()
    text = text[:1].upper() + text[1:]
    return text if text.endswith((".", "?", "!")) else text + "."


def read_typed_value(kind: str, text: str) -> ValueReading:
    """The value field in words, as saving it would read it ("Socket: type F (Schuko) — read
    from 'schuko'"), or the service's refusal as a sentence. Pure; may build the vocabulary's
    index on first use (about a second for languages), so the editor runs it as an `Op`."""
    typed = text.strip()
    structured = StructuredKind(kind or StructuredKind.NONE)
    if not typed:
        return ValueReading("")
    if structured is StructuredKind.NONE:
        found = other_kinds(typed)
        return ValueReading(_sentence(value_without_kind(typed)), False,
                            found[0] if found else None)
    try:
        reading = read_value(structured, typed)
        if not implied_countries(structured, reading.code):
            raise InvalidInput("value", unknown_value(structured, typed))
    except InvalidInput as error:
        return ValueReading(_sentence(error.reason), False)
    words = describe_value(structured, reading.code)
    return ValueReading(f"{words} — read from {typed!r}" if reading.note else words)


def shown_value(kind: str, value: str | None) -> str:
    """A stored code as the field shows it: in words, as the completer offers it ("F" →
    "type F (Schuko)"); anything else (words already, a draft's text) as it is."""
    if not value or not kind or kind == StructuredKind.NONE:
        return value or ""
    structured = StructuredKind(kind)
    if not implied_countries(structured, value):
        return value
    return value_words(structured, value)


def _name(clue: ClueInfo) -> str:
    """Who last saved the clue, as people know them."""
    return clue.updated_by_name or clue.updated_by


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
        self.kind = QComboBox()
        name_widget(self.kind, "clueKind", "Structured kind")
        for kind, label in KIND_LABELS.items():
            self.kind.addItem(label, kind.value)
        self.value = QComboBox()
        self.value.setEditable(True)
        name_widget(self.value, "clueValue", "Structured value")
        self.value.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.completer = QCompleter(QStringListModel(self), self)
        self.completer.setObjectName("clueValueCompleter")
        self.completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.completer.setMaxVisibleItems(12)
        self.value.setCompleter(self.completer)
        self.reading = WrappingLabel()
        name_widget(self.reading, "clueValueReading", "How the structured value is read")
        self.reading.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.reading.hide()
        self.kind_fix = QPushButton()
        name_widget(self.kind_fix, "clueKindFix", "Give the value the kind it names")
        self.kind_fix.hide()
        self.kind_fix.clicked.connect(self._apply_kind_fix)
        self._fix: tuple[StructuredKind, str] | None = None
        self._reading_generation = 0
        self.reading_timer = QTimer(self)
        self.reading_timer.setSingleShot(True)
        self.reading_timer.setInterval(READING_DEBOUNCE_MS)
        self.reading_timer.timeout.connect(self.read_value_now)
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
        self.kind.currentIndexChanged.connect(self._kind_changed)
        self.value.currentTextChanged.connect(lambda _t: self.reading_timer.start())
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
        self._kind_changed()
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
            edited = f"; edited by {_name(clue)} {local_time(clue.updated_at)}"
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
        self.read_only = read_only
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

    def _kind_changed(self) -> None:
        kind = StructuredKind(self.kind.currentData())
        text = self.value.currentText()
        self.value.blockSignals(True)
        self.value.clear()
        if kind is StructuredKind.SOCKET:
            self.value.addItems([value_words(kind, letter) for letter in sorted(PLUG_LETTERS)])
        elif kind is StructuredKind.DRIVING_SIDE:
            self.value.addItems([value_words(kind, side) for side in DRIVING_SIDES])
        self.value.setCurrentText(text)
        self.value.blockSignals(False)
        line = self.value.lineEdit()
        if line is not None:
            line.setPlaceholderText(VALUE_HINTS.get(kind, ""))
        self._offer_completions(kind)
        self.reading_timer.start()

    # ---------------------------------------------------------------- the value in words
    def _offer_completions(self, kind: StructuredKind) -> None:
        """The vocabulary of the kind as the value field's completer (built once, off the GUI
        thread)."""
        model = self.completer.model()
        assert isinstance(model, QStringListModel)
        if kind is StructuredKind.NONE:
            model.setStringList([])
            return
        cached = _COMPLETIONS.get(kind)
        if cached is not None:
            model.setStringList(cached)
            return
        model.setStringList([])

        def built(entries: list[str]) -> None:
            _COMPLETIONS[kind] = entries
            if StructuredKind(self.kind.currentData()) is kind:
                model.setStringList(entries)

        Op(self.host, completions, kind).success(built).owned_by(self).run()

    def completion_entries(self) -> list[str]:
        """What the value field's completer offers for the current kind (empty until built)."""
        model = self.completer.model()
        assert isinstance(model, QStringListModel)
        return list(model.stringList())

    def read_value_now(self) -> None:
        """Say how the value field reads (latest request only)."""
        self.reading_timer.stop()
        self._reading_generation += 1
        generation = self._reading_generation
        kind, text = str(self.kind.currentData()), self.value.currentText()

        def arrived(reading: ValueReading) -> None:
            if generation == self._reading_generation:
                self._show_reading(reading)

        if not text.strip():
            self._show_reading(ValueReading(""))
            return
        Op(self.host, read_typed_value, kind, text).success(arrived).owned_by(self).run()

    def _show_reading(self, reading: ValueReading) -> None:
        self.reading.setText(reading.text)
        self.reading.setStyleSheet("" if reading.ok else "QLabel { color: #b3261e; }")
        self.reading.setVisible(bool(reading.text))
        self._fix = reading.fix
        if reading.fix is not None:
            kind, code = reading.fix
            self.kind_fix.setText(f"Set kind: {structured_kind(kind)}")
            self.kind_fix.setToolTip(f"Set the kind to {structured_kind(kind)} and the value to "
                                     f"{value_words(kind, code)}")
        self.kind_fix.setVisible(reading.fix is not None)

    def _apply_kind_fix(self) -> None:
        if self._fix is None or self.read_only:
            return
        kind, code = self._fix
        self._select(self.kind, kind.value)
        self.value.setCurrentText(value_words(kind, code))
        self.read_value_now()

    # ---------------------------------------------------------------- conflicts
    def show_conflict(self, theirs: ClueInfo) -> None:
        """Keep every character the user typed; show the saved version beside it to merge."""
        self._theirs = theirs
        supports = ", ".join(country_text(c, with_name=False) for c in theirs.supports) or "—"
        excludes = ", ".join(country_text(c, with_name=False) for c in theirs.excludes) or "—"
        value = describe_value(theirs.kind, theirs.value) or "free clue"
        self.merge_info.setText(
            f"<b>{html.escape(_name(theirs))}</b> saved version {theirs.version} at "
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
