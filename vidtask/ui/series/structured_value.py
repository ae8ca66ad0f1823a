"""The clue editor's structured value: kind and value fields, the value's completer, the line that
says how the value reads, and the button that gives a value the kind it names.

Not a widget of its own: the editor lays the fields out in its form. Typing pauses
READING_DEBOUNCE_MS before the value is read again; readings and completions are `Op`s (the
vocabulary's index takes about a second to build the first time).
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QStringListModel, Qt, QTimer
from PySide6.QtWidgets import QComboBox, QCompleter, QPushButton, QWidget

from vidtask.domain.countries import DRIVING_SIDES, PLUG_LETTERS
from vidtask.domain.enums import StructuredKind
from vidtask.domain.vocabulary import completions, value_words
from vidtask.domain.wording import structured_kind
from vidtask.ui.common import WrappingLabel, name_widget
from vidtask.ui.operations import Op, OpHost
from vidtask.ui.series.value_reading import KIND_LABELS, VALUE_HINTS, ValueReading, read_typed_value

#: Typing in the value field pauses this long before it is read again.
READING_DEBOUNCE_MS = 150
#: Completer entries per kind, built once per process (off the GUI thread: babel is slow).
_COMPLETIONS: dict[StructuredKind, list[str]] = {}


class StructuredValueField(QObject):
    """Kind, value, reading and kind fix of one clue editor (`owner`)."""

    def __init__(self, host: OpHost, owner: QWidget) -> None:
        super().__init__(owner)
        self.host, self.owner = host, owner
        self.read_only = True
        self.kind = QComboBox()
        name_widget(self.kind, "clueKind", "Structured kind")
        for kind, label in KIND_LABELS.items():
            self.kind.addItem(label, kind.value)
        self.value = QComboBox()
        self.value.setEditable(True)
        name_widget(self.value, "clueValue", "Structured value")
        self.value.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.completer = QCompleter(QStringListModel(owner), owner)
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
        self.reading_timer = QTimer(owner)
        self.reading_timer.setSingleShot(True)
        self.reading_timer.setInterval(READING_DEBOUNCE_MS)
        self.reading_timer.timeout.connect(self.read_value_now)

    def connect_edits(self) -> None:
        """After the editor's own "edited" connections: a kind change refills the value list,
        typing reads the value again once the typing pauses."""
        self.kind.currentIndexChanged.connect(self.kind_changed)
        self.value.currentTextChanged.connect(lambda _t: self.reading_timer.start())

    def select_kind(self, kind: str) -> None:
        self.kind.setCurrentIndex(max(self.kind.findData(kind), 0))

    def kind_changed(self) -> None:
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

        Op(self.host, completions, kind).success(built).owned_by(self.owner).run()

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
        Op(self.host, read_typed_value, kind, text).success(arrived).owned_by(self.owner).run()

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
        self.select_kind(kind.value)
        self.value.setCurrentText(value_words(kind, code))
        self.read_value_now()
