"""The words people use for structured clue values, read into the codes narrowing stores.

Per kind, every value some country's reference data uses, with its synonyms:

* language: ISO 639 codes (2- and 3-letter), English names and endonyms from CLDR via babel
  ("Ukrainian", "українська" → ``uk``; "Serbian (Latin)" → ``sr-Latn``);
* script: ISO 15924 codes and names from CLDR and pycountry ("Cyrillic" → ``Cyrl``);
* currency: ISO 4217 codes, English names, the last word of a name when only one currency has it
  ("hryvnia" → ``UAH``) and symbols as CLDR writes them in the countries using them (€, zł, ₴);
* socket: IEC letters and the standards' names ("schuko", "CEE 7/3" → ``F``);
* driving side: ``left``/``right`` and "LHT"/"RHT".

Synonyms CLDR does not provide are in ``resources/data/value_synonyms.csv`` (sources named there).
A word that names two values ("$", "CEE 7/7") is never guessed: the error lists the choices.
Errors are ``InvalidInput`` sentences that say what the word is ("'schuko' is socket type F").
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable
from functools import cache
from typing import NamedTuple

import pycountry
from babel import Locale, UnknownLocaleError
from babel.numbers import get_currency_name, get_currency_symbol

from vidtask.domain.countries import (
    DRIVING_SIDES,
    PLUG_LETTERS,
    countries_driving_on,
    countries_speaking,
    countries_using_currency,
    countries_using_script,
    countries_with_plug,
    currencies_in_use,
    currency_name,
    language_name,
    languages_in_use,
    languages_of,
    population_of,
    read_table,
    script_name,
    scripts_in_use,
    split_language_tag,
)
from vidtask.domain.enums import StructuredKind
from vidtask.domain.errors import InvalidInput
from vidtask.domain.wording import structured_kind

K = StructuredKind
STRUCTURED_KINDS: tuple[StructuredKind, ...] = (K.LANGUAGE, K.SCRIPT, K.CURRENCY, K.SOCKET,
                                                K.DRIVING_SIDE)
#: What each kind's values are, for error messages.
EXAMPLES: dict[StructuredKind, str] = {
    K.LANGUAGE: "an ISO 639 code or a language name, e.g. uk, Ukrainian, de, German",
    K.SCRIPT: "an ISO 15924 code or a script name, e.g. Cyrl, Cyrillic, Latn, Arabic",
    K.CURRENCY: "an ISO 4217 code, name or symbol, e.g. UAH, hryvnia, EUR, €",
    K.SOCKET: "an IEC socket letter A-O or its name, e.g. F, Schuko, G, BS 1363",
    K.DRIVING_SIDE: "left or right (LHT, RHT)",
}
_PAREN = re.compile(r"^(?P<words>.*?)\s*\((?P<code>[^()]+)\)\s*$")
_SOCKET_NOISE = {"type", "socket", "sockets", "plug", "plugs", "outlet", "iec"}


class Reading(NamedTuple):
    """A value read from what the user typed; ``note`` says how when it was not the code."""

    code: str
    note: str | None = None


def fold(text: str) -> str:
    """Case-, accent- and space-insensitive key ("  Côte " and "cote" match)."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(bare.casefold().replace("_", "-").split())


# --- words for a value ------------------------------------------------------------------------


def canonical(kind: StructuredKind, value: str) -> str:
    """The stored spelling of a code: "sr_latn" → "sr-Latn", "cyrl" → "Cyrl", "g" → "G"."""
    kind = StructuredKind(kind)
    text = value.strip()
    if kind is K.LANGUAGE:
        language, script = split_language_tag(text)
        return f"{language}-{script}" if script else language
    if kind is K.SCRIPT:
        return text.title()
    if kind is K.DRIVING_SIDE:
        return text.lower()
    return text.upper()


def value_words(kind: StructuredKind, value: str) -> str:
    """A value in words with its code: "Ukrainian (uk)", "type F (Schuko)", "left-hand traffic"."""
    kind = StructuredKind(kind)
    code = canonical(kind, value)
    if kind is K.LANGUAGE:
        return f"{language_name(code.replace('-', '_'))} ({code})"
    if kind is K.SCRIPT:
        return f"{script_name(code)} ({code})"
    if kind is K.CURRENCY:
        return f"{currency_name(code)} ({code})"
    if kind is K.SOCKET:
        name = _socket_names().get(code)
        return f"type {code} ({name})" if name else f"type {code}"
    if kind is K.DRIVING_SIDE:
        return f"{code}-hand traffic" if code in DRIVING_SIDES else code
    return value


def describe_value(kind: str | None, value: str | None) -> str:
    """A structured value as a person reads it: "Language of visible text: Ukrainian (uk)".

    Empty for a clue without a structured value.
    """
    if not kind or kind == K.NONE or not value:
        return ""
    return f"{structured_kind(kind)}: {value_words(StructuredKind(kind), value)}"


# --- the index ----------------------------------------------------------------------------------


@cache
def _extra_synonyms() -> dict[StructuredKind, list[tuple[str, str]]]:
    """(code, synonym) pairs from resources/data/value_synonyms.csv, in file order."""
    rows: defaultdict[StructuredKind, list[tuple[str, str]]] = defaultdict(list)
    for _number, row in read_table("value_synonyms.csv", ("kind", "code", "synonym"),
                                    code_column=False):
        rows[StructuredKind(row["kind"])].append((row["code"], row["synonym"]))
    return dict(rows)


@cache
def _socket_names() -> dict[str, str]:
    names: dict[str, str] = {}
    for code, synonym in _extra_synonyms().get(K.SOCKET, []):
        names.setdefault(code, synonym)
    return names


def _locale_name(tag: str, in_locale: str) -> str | None:
    try:
        return Locale.parse(tag.replace("-", "_")).get_display_name(in_locale) or None
    except (ValueError, UnknownLocaleError):
        return None


@cache
def _index(kind: StructuredKind) -> dict[str, frozenset[str]]:
    """Folded word → the codes it may mean, for one kind."""
    return {word: frozenset(codes) for word, codes in _words(kind)[0].items()}


@cache
def _spellings(kind: StructuredKind) -> dict[str, str]:
    """Folded word → the word as CLDR or the synonym table spells it."""
    return _words(kind)[1]


def _words(kind: StructuredKind) -> tuple[dict[str, set[str]], dict[str, str]]:
    words: defaultdict[str, set[str]] = defaultdict(set)
    spelled: dict[str, str] = {}

    def add(word: str | None, code: str) -> None:
        if word and word.strip():
            key = fold(word)
            words[key].add(code)
            spelled.setdefault(key, " ".join(word.split()))

    if kind is K.LANGUAGE:
        english = Locale("en")
        for tag in sorted(languages_in_use()):
            code = canonical(kind, tag)
            add(code, code)
            add(tag, code)
            add(language_name(tag), code)
            add(_locale_name(tag, tag.replace("-", "_")), code)
            base, script = split_language_tag(tag)
            if script is None:
                add(english.languages.get(base), code)
                entry = pycountry.languages.get(alpha_2=base) if len(base) == 2 else None
                if entry is not None:
                    add(getattr(entry, "alpha_3", None), code)
                    add(getattr(entry, "bibliographic", None), code)
                    add(getattr(entry, "name", None), code)
    elif kind is K.SCRIPT:
        for code in sorted(scripts_in_use()):
            add(code, code)
            add(script_name(code), code)
            entry = pycountry.scripts.get(alpha_4=code)
            if entry is not None:
                add(entry.name, code)
    elif kind is K.CURRENCY:
        last_words: defaultdict[str, set[str]] = defaultdict(set)
        for code in sorted(currencies_in_use()):
            add(code, code)
            name = currency_name(code)
            add(name, code)
            last_words[fold(name).split()[-1]].add(code)
            add(get_currency_symbol(code, locale="en"), code)
            for country in sorted(countries_using_currency(code)):
                for language in languages_of(country, regional=False)[:1]:
                    try:
                        locale = Locale.parse(f"{language}_{country}")
                    except (ValueError, UnknownLocaleError):
                        continue
                    add(get_currency_symbol(code, locale=locale), code)
                    add(get_currency_name(code, locale=locale), code)
        # "hryvnia" names one currency; "dollar" or "franc" name many and must be asked about.
        for word, codes in last_words.items():
            if word not in words:
                words[word].update(codes)
                spelled.setdefault(word, word)
    elif kind is K.SOCKET:
        for code in sorted(PLUG_LETTERS):
            add(code, code)
            add(f"type {code}", code)
    elif kind is K.DRIVING_SIDE:
        for code in DRIVING_SIDES:
            add(code, code)
            add(f"{code}-hand traffic", code)
    for code, synonym in _extra_synonyms().get(kind, []):
        add(synonym, code)
    return dict(words), spelled


def _lookup(kind: StructuredKind, text: str) -> frozenset[str]:
    index = _index(kind)
    key = fold(text)
    found = index.get(key)
    if found is None and kind is K.SOCKET:
        bare = " ".join(w for w in key.replace("-", " ").split() if w not in _SOCKET_NOISE)
        found = index.get(bare)
    if found is None and kind is K.LANGUAGE:
        found = index.get(fold(canonical(kind, text)))
    return found or frozenset()


def completions(kind: StructuredKind) -> list[str]:
    """Entries for a completer: every value of the kind as "words (code)", then its synonyms."""
    kind = StructuredKind(kind)
    if kind is K.NONE:
        return []
    codes = sorted({code for codes in _index(kind).values() for code in codes})
    entries = [value_words(kind, code) for code in codes]
    seen = {fold(e) for e in entries}
    spelled = _spellings(kind)
    for word, meant in sorted(_index(kind).items()):
        if len(meant) == 1 and len(word) > 3 and word not in seen:
            (code,) = meant
            if word != fold(code):  # "left (left)" says nothing "left-hand traffic" does not
                entries.append(f"{spelled[word]} ({code})")
    return entries


def _reach(kind: StructuredKind, code: str) -> int:
    """How many people live where a value is used: the likelier reading of an ambiguous word."""
    lookup: dict[StructuredKind, Callable[[str], frozenset[str]]] = {
        K.LANGUAGE: countries_speaking, K.SCRIPT: countries_using_script,
        K.CURRENCY: countries_using_currency, K.SOCKET: countries_with_plug,
        K.DRIVING_SIDE: countries_driving_on}
    return sum(population_of(country) or 0 for country in lookup[kind](code))


# --- reading what was typed ---------------------------------------------------------------------


def read_value(kind: StructuredKind, text: str) -> Reading:
    """The code for what the user typed as a value of ``kind``; InvalidInput when none fits.

    Accepts codes in any case, names, endonyms, symbols, synonyms and completer entries
    ("Ukrainian (uk)"). The reading carries a note when the text was not the code itself.
    """
    kind = StructuredKind(kind)
    typed = text.strip()
    label = kind.value.replace("_", " ")
    if kind is K.NONE:
        raise InvalidInput("value", value_without_kind(typed))
    if not typed:
        raise InvalidInput("value", f"a {kind.value.replace('_', ' ')} clue needs a value")
    code = canonical(kind, typed)
    if code in _codes(kind):  # the code itself, in any case: no index needed
        return Reading(code)
    meant = _lookup(kind, typed)
    picked = False  # a completer entry, "Ukrainian (uk)": nothing to point out
    if not meant:
        match = _PAREN.match(typed)
        if match:
            meant = _lookup(kind, match["code"]) or _lookup(kind, match["words"])
            picked = bool(meant)
    if len(meant) > 1:
        likeliest = sorted(meant, key=lambda code: (-_reach(kind, code), code))
        choices = ", ".join(value_words(kind, code) for code in likeliest[:6])
        more = f" (and {len(meant) - 6} more)" if len(meant) > 6 else ""
        raise InvalidInput("value", f"{typed!r} could be {choices}{more}: give the code")
    if not meant:
        raise InvalidInput("value", unknown_value(kind, typed))
    (code,) = meant
    words = value_words(kind, code)
    if picked or fold(typed) in (fold(code), fold(words), fold(words.rsplit(" (", 1)[0])):
        return Reading(code)
    return Reading(code, f"read {typed!r} as {label} {value_words(kind, code)}")


@cache
def _codes(kind: StructuredKind) -> frozenset[str]:
    """Every stored code of a kind (what a completer or a code-typing user gives)."""
    if kind is K.LANGUAGE:
        return frozenset(canonical(kind, tag) for tag in languages_in_use())
    if kind is K.SCRIPT:
        return scripts_in_use()
    if kind is K.CURRENCY:
        return currencies_in_use()
    if kind is K.SOCKET:
        return PLUG_LETTERS
    if kind is K.DRIVING_SIDE:
        return frozenset(DRIVING_SIDES)
    return frozenset()


def other_kinds(text: str) -> list[tuple[StructuredKind, str]]:
    """(kind, code) pairs that the text names exactly, in kind order."""
    return [(kind, code) for kind in STRUCTURED_KINDS for code in sorted(_lookup(kind, text))]


def _what_it_is(text: str, *, besides: StructuredKind | None = None) -> str:
    found = [(k, c) for k, c in other_kinds(text) if k is not besides]
    return "; ".join(f"{text!r} is {k.value.replace('_', ' ')} {value_words(k, c)}"
                     for k, c in found[:3])


def unknown_value(kind: StructuredKind, text: str) -> str:
    """Why no country matches: what the word is in another kind, a close spelling, or examples."""
    head = f"no country matches {kind.value.replace('_', ' ')} {text!r}"
    elsewhere = _what_it_is(text, besides=kind)
    if elsewhere:
        return f"{head}; {elsewhere}"
    close = difflib.get_close_matches(fold(text), list(_index(kind)), n=3, cutoff=0.75)
    meant = sorted({code for word in close for code in _index(kind)[word]})
    if meant:
        options = " or ".join(value_words(kind, code) for code in meant[:3])
        return f"{head}: did you mean {options}?"
    return f"{head}; give {EXAMPLES[kind]}"


def value_without_kind(text: str) -> str:
    """A value was given with no kind: refuse, and say which kind it would be."""
    elsewhere = _what_it_is(text)
    hint = f": {elsewhere}" if elsewhere else ""
    return ("a value needs a kind (language, script, currency, socket or driving side)"
            f"{hint}")
