"""A clue's structured value in words: the kinds' labels and hints, how a typed value reads
("Socket: type F (Schuko) — read from 'schuko'", or why it cannot be saved), and how a stored
code is shown. Pure: no widgets.
"""

from __future__ import annotations

from typing import NamedTuple

from vidtask.domain.enums import StructuredKind
from vidtask.domain.errors import InvalidInput
from vidtask.domain.narrowing import implied_countries
from vidtask.domain.vocabulary import (
    describe_value,
    other_kinds,
    read_value,
    unknown_value,
    value_without_kind,
    value_words,
)

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

