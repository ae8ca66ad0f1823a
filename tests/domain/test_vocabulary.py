"""The words people type for clue values: read into codes, refused with a useful sentence."""

from __future__ import annotations

import pytest

from vidtask.domain.enums import StructuredKind
from vidtask.domain.errors import InvalidInput
from vidtask.domain.vocabulary import completions, describe_value, read_value

K = StructuredKind


@pytest.mark.parametrize(("kind", "typed", "code"), [
    (K.LANGUAGE, "uk", "uk"), (K.LANGUAGE, "Ukrainian", "uk"), (K.LANGUAGE, "українська", "uk"),
    (K.LANGUAGE, "deu", "de"), (K.LANGUAGE, "Deutsch", "de"), (K.LANGUAGE, "sr_latn", "sr-Latn"),
    (K.LANGUAGE, "Ukrainian (uk)", "uk"),
    (K.SCRIPT, "Cyrillic", "Cyrl"), (K.SCRIPT, "cyrl", "Cyrl"), (K.SCRIPT, "Hangul", "Hang"),
    (K.SCRIPT, "Kanji", "Hani"),
    (K.CURRENCY, "euro", "EUR"), (K.CURRENCY, "€", "EUR"), (K.CURRENCY, "hryvnia", "UAH"),
    (K.CURRENCY, "zł", "PLN"), (K.CURRENCY, "uah", "UAH"),
    (K.SOCKET, "schuko", "F"), (K.SOCKET, "Type F", "F"), (K.SOCKET, "europlug", "C"),
    (K.SOCKET, "BS 1363", "G"), (K.SOCKET, "g", "G"),
    (K.DRIVING_SIDE, "LHT", "left"), (K.DRIVING_SIDE, "RHT", "right"),
    (K.DRIVING_SIDE, "Left", "left"),
])
def test_codes_names_endonyms_symbols_and_synonyms_are_read(kind: StructuredKind, typed: str,
                                                            code: str) -> None:
    assert read_value(kind, typed).code == code


def test_a_reading_says_how_it_read_words_but_not_codes() -> None:
    assert read_value(K.SOCKET, "schuko").note == "read 'schuko' as socket type F (Schuko)"
    assert read_value(K.SOCKET, "F").note is None
    assert read_value(K.LANGUAGE, "Ukrainian (uk)").note is None  # picked from the completer


@pytest.mark.parametrize(("kind", "typed", "says"), [
    (K.SCRIPT, "schuko", "'schuko' is socket type F (Schuko)"),
    (K.LANGUAGE, "EUR", "'EUR' is currency Euro (EUR)"),
    (K.SCRIPT, "Cyrilic", "did you mean Cyrillic (Cyrl)?"),
    (K.SCRIPT, "Klingon", "e.g. Cyrl, Cyrillic"),
    (K.CURRENCY, "$", "'$' could be US Dollar (USD)"),
    (K.SOCKET, "CEE 7/7", "could be type F (Schuko), type E (French)"),
    (K.NONE, "de", "a value needs a kind"),
])
def test_errors_say_what_the_word_is(kind: StructuredKind, typed: str, says: str) -> None:
    with pytest.raises(InvalidInput) as error:
        read_value(kind, typed)
    assert says in str(error.value)


def test_structured_values_in_words() -> None:
    assert describe_value("language", "uk") == "Language of visible text: Ukrainian (uk)"
    assert describe_value("socket", "F") == "Socket: type F (Schuko)"
    assert describe_value("currency", "BRL") == "Currency: Brazilian Real (BRL)"
    assert describe_value("driving_side", "left") == "Driving side: left-hand traffic"
    assert describe_value("script", "Cyrl") == "Writing system: Cyrillic (Cyrl)"
    assert describe_value("none", None) == ""


def test_completions_offer_every_value_in_words() -> None:
    sockets = completions(K.SOCKET)
    assert sockets[:2] == ["type A (US two-pin)", "type B (US three-pin)"]
    assert "Schuko (F)" in sockets
    assert "Ukrainian (uk)" in completions(K.LANGUAGE)
    sides = completions(K.DRIVING_SIDE)
    assert sides[:2] == ["left-hand traffic", "right-hand traffic"]
    assert "left (left)" not in sides and "keep left (left)" in sides
    for entry in completions(K.CURRENCY)[:40]:
        assert read_value(K.CURRENCY, entry).code
