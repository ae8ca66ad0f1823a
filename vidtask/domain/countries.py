"""Reference facts about countries, keyed by ISO 3166-1 alpha-2 code.

Codes and names come from pycountry (ISO 3166) and babel (Unicode CLDR); languages, scripts and
currencies from CLDR via babel; plug types, mains supply and driving side from the CSV tables in
``resources/data`` (each names its source). Nothing here is a hand-typed country list.

Every lookup that narrowing needs in a loop is answered from an index built once per process
(``functools.cache``); the forward lookups accept any spelling ``normalize_country`` accepts.
"""

from __future__ import annotations

import csv
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from functools import cache
from pathlib import Path
from typing import Literal, NamedTuple, TypeVar

import pycountry
from babel import Locale, UnknownLocaleError
from babel.core import get_global, parse_locale
from babel.languages import get_official_languages
from babel.numbers import get_currency_name, get_territory_currencies

from vidtask.domain.resources import resource_path

DrivingSide = Literal["left", "right"]
DRIVING_SIDES: tuple[DrivingSide, ...] = ("left", "right")
# IEC World Plugs letters; O is Thailand's TIS 166-2549 socket.
PLUG_LETTERS = frozenset("ABCDEFGHIJKLMNO")

_ENGLISH = Locale("en")
_K = TypeVar("_K")


class CountryError(ValueError):
    """Base class for errors raised by country reference lookups."""


class UnknownCountry(CountryError):
    """Text that names no ISO 3166-1 country."""

    def __init__(self, text: str) -> None:
        super().__init__(
            f"unknown country {text!r}: give an ISO 3166-1 alpha-2 or alpha-3 code "
            "or an English country name"
        )
        self.text = text


class ReferenceDataError(CountryError):
    """A reference table in resources/data is malformed."""

    def __init__(self, path: Path, line: int, reason: str) -> None:
        super().__init__(f"{path.name}, line {line}: {reason}")
        self.path = path
        self.line = line
        self.reason = reason


class Country(NamedTuple):
    """One ISO 3166-1 entry: alpha-2 code and English display name."""

    code: str
    name: str


class MainsSupply(NamedTuple):
    """Domestic mains in one country: IEC plug letters, nominal voltages and frequencies."""

    plug_types: tuple[str, ...]
    voltages: tuple[int, ...]
    frequencies: tuple[int, ...]


# --- ISO 3166 codes and names -------------------------------------------------------------------


def _fold(text: str) -> str:
    """Case- and accent-insensitive key, so "cote d'ivoire" finds "Côte d'Ivoire"."""
    decomposed = unicodedata.normalize("NFKD", text.strip())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


@cache
def _names() -> dict[str, str]:
    """alpha-2 -> English name; CLDR's short names ("Russia") read better than ISO's long ones."""
    cldr = _ENGLISH.territories
    names: dict[str, str] = {}
    for entry in pycountry.countries:
        fallback = getattr(entry, "common_name", None) or entry.name
        names[entry.alpha_2] = cldr.get(entry.alpha_2, fallback)
    return names


@cache
def _name_index() -> dict[str, str]:
    """Folded code/name/alias -> alpha-2, built from pycountry, CLDR names and CLDR aliases."""
    index: dict[str, str] = {}
    # CLDR aliases ("UK", "826", old codes) first so that real ISO entries win any clash.
    for alias, targets in get_global("territory_aliases").items():
        if len(targets) == 1 and targets[0] in _names():
            index[_fold(alias)] = targets[0]
    for code, name in _names().items():
        index[_fold(name)] = code
    for entry in pycountry.countries:
        for attr in ("name", "official_name", "common_name", "alpha_3", "alpha_2"):
            value = getattr(entry, attr, None)
            if value:
                index[_fold(value)] = entry.alpha_2
    return index


@cache
def all_countries() -> tuple[Country, ...]:
    """Every ISO 3166-1 country and territory pycountry knows, sorted by English name."""
    return tuple(
        Country(code, name)
        for code, name in sorted(_names().items(), key=lambda item: (_fold(item[1]), item[0]))
    )


def normalize_country(text: str) -> str:
    """Return the alpha-2 code for an alpha-2/alpha-3 code or English name (any case).

    Raises UnknownCountry if the text names no country.
    """
    if text in _names():  # fast path: already a canonical code
        return text
    code = _name_index().get(_fold(text))
    if code is None:
        raise UnknownCountry(text)
    return code


def country_name(code: str) -> str:
    """English display name of a country (CLDR short form, e.g. "Russia", "Taiwan")."""
    return _names()[normalize_country(code)]


def flag_emoji(code: str) -> str:
    """Flag emoji built from the two regional-indicator letters of the alpha-2 code."""
    return "".join(chr(0x1F1E6 + ord(letter) - ord("A")) for letter in normalize_country(code))


# --- Languages and scripts (CLDR) ---------------------------------------------------------------


def split_language_tag(tag: str) -> tuple[str, str | None]:
    """Split "sr-Latn" / "sr_Latn_RS" / "UK" into (language, script or None), normalised case."""
    parts = tag.strip().replace("-", "_").split("_")
    language = parts[0].lower()
    script = next((p.title() for p in parts[1:] if len(p) == 4 and p.isalpha()), None)
    return language, script


def _likely_script(language: str, territory: str | None = None) -> str | None:
    """Script CLDR's likely-subtags data gives a language, in a territory if one is named."""
    likely = get_global("likely_subtags")
    full = (territory and likely.get(f"{language}_{territory}")) or likely.get(language)
    if not full:
        return None
    return parse_locale(full)[2]


def _script_in(tag: str, territory: str) -> str | None:
    """Script of a CLDR official-language tag as written in that territory (pa in PK -> Arab)."""
    language, script = split_language_tag(tag)
    return script or _likely_script(language, territory)


def languages_of(code: str, *, regional: bool = True) -> tuple[str, ...]:
    """CLDR official, de-facto and (unless ``regional=False``) regional-official languages.

    Most spoken first. Tags are CLDR's: ISO 639 codes ("uk"), with a script where CLDR names
    one ("sr_Latn").
    """
    return _languages_by_country(regional).get(normalize_country(code), ())


@cache
def _languages_by_country(regional: bool) -> dict[str, tuple[str, ...]]:
    return {
        code: tuple(get_official_languages(code, regional=regional, de_facto=True))
        for code in _names()
    }


@cache
def _language_indexes(regional: bool = True) -> tuple[
    dict[str, frozenset[str]], dict[tuple[str, str], frozenset[str]], dict[str, frozenset[str]]
]:
    """Inverted indexes: language -> countries, (language, script) -> countries, script -> ..."""
    by_language: defaultdict[str, set[str]] = defaultdict(set)
    by_language_script: defaultdict[tuple[str, str], set[str]] = defaultdict(set)
    by_script: defaultdict[str, set[str]] = defaultdict(set)
    for code, tags in _languages_by_country(regional).items():
        for tag in tags:
            language, _ = split_language_tag(tag)
            by_language[language].add(code)
            script = _script_in(tag, code)
            if script:
                by_language_script[language, script].add(code)
                by_script[script].add(code)
    return _freeze(by_language), _freeze(by_language_script), _freeze(by_script)


def countries_speaking(language: str, *, regional: bool = True) -> frozenset[str]:
    """Countries where CLDR lists the language as official, de facto or (unless
    ``regional=False``) regionally official.

    "sr" matches every country with Serbian in any script; "sr-Latn" only those writing it in
    Latin script.
    """
    base, script = split_language_tag(language)
    by_language, by_language_script, _ = _language_indexes(regional)
    if script is None:
        return by_language.get(base, frozenset())
    return by_language_script.get((base, script), frozenset())


def scripts_of_language(language: str) -> tuple[str, ...]:
    """ISO 15924 scripts a language is written in: CLDR's likely script first (uk -> Cyrl).

    Other scripts follow when CLDR records the language officially written in them somewhere
    (sr -> Cyrl, Latn). A tag that names its script ("sr-Latn") gives just that script.
    """
    base, script = split_language_tag(language)
    if script is not None:
        return (script,)
    likely = _likely_script(base)
    _, by_language_script, _ = _language_indexes()
    others = sorted({s for (lang, s) in by_language_script if lang == base and s != likely})
    return (likely, *others) if likely else tuple(others)


#: ISO 15924 scripts defined as a union of others: CLDR records Korean as Kore (Hangul + Han) and
#: Japanese as Jpan (Han + Hiragana + Katakana), while a specialist sees Hangul or Kanji.
SCRIPT_PARTS: dict[str, frozenset[str]] = {
    "Jpan": frozenset({"Hani", "Hira", "Kana"}),
    "Kore": frozenset({"Hang", "Hani"}),
    "Hanb": frozenset({"Hani", "Bopo"}),
    "Hans": frozenset({"Hani"}),
    "Hant": frozenset({"Hani"}),
}


def countries_using_script(script: str, *, regional: bool = True) -> frozenset[str]:
    """Countries with an official or de-facto (or, unless ``regional=False``, regionally
    official) language written in the ISO 15924 script, or in a script made of it
    (Hangul counts for Kore, Han for Jpan, Kore, Hans and Hant)."""
    wanted = script.strip().title()
    by_script = _language_indexes(regional)[2]
    found: set[str] = set(by_script.get(wanted, ()))
    for composite, parts in SCRIPT_PARTS.items():
        if wanted in parts:
            found.update(by_script.get(composite, ()))
    return frozenset(found)


def scripts_in_use() -> frozenset[str]:
    """ISO 15924 codes some country's official language is written in, with their parts."""
    used = set(_language_indexes(True)[2])
    for composite in list(used):
        used.update(SCRIPT_PARTS.get(composite, ()))
    return frozenset(used)


def languages_in_use() -> frozenset[str]:
    """Language tags (and their base languages) CLDR lists as official anywhere."""
    tags = {tag for tags in _languages_by_country(True).values() for tag in tags}
    return frozenset(tags | {split_language_tag(tag)[0] for tag in tags})


def currencies_in_use() -> frozenset[str]:
    """ISO 4217 codes that are legal tender in some country today."""
    return frozenset(_currency_index())


def language_name(language: str) -> str:
    """English name of a language tag ("uk" -> "Ukrainian", "sr_Latn" -> "Serbian (Latin)")."""
    tag = language.strip().replace("-", "_")
    try:
        name = Locale.parse(tag).get_display_name(_ENGLISH)
    except (ValueError, UnknownLocaleError):  # no CLDR locale (gil, tvl): the name list has it
        base, script = split_language_tag(tag)
        name = _ENGLISH.languages.get(base)
        if name and script:
            name = f"{name} ({script_name(script)})"
    return name or language


def script_name(script: str) -> str:
    """English name of an ISO 15924 script ("Cyrl" -> "Cyrillic")."""
    return _ENGLISH.scripts.get(script.strip().title(), script)


# --- Currencies (CLDR) --------------------------------------------------------------------------


def currencies_of(code: str) -> tuple[str, ...]:
    """ISO 4217 currencies that are legal tender in the country today (CLDR)."""
    return _currencies_by_country().get(normalize_country(code), ())


@cache
def _currencies_by_country() -> dict[str, tuple[str, ...]]:
    # Evaluated once per process: "today" is the day the app started, which is close enough.
    return {code: tuple(get_territory_currencies(code)) for code in _names()}


@cache
def _currency_index() -> dict[str, frozenset[str]]:
    return _invert(_currencies_by_country())


def countries_using_currency(currency: str) -> frozenset[str]:
    """Countries where the ISO 4217 currency is legal tender today."""
    return _currency_index().get(currency.strip().upper(), frozenset())


def currency_name(currency: str) -> str:
    """English name of an ISO 4217 currency ("UAH" -> "Ukrainian Hryvnia")."""
    code = currency.strip().upper()
    return get_currency_name(code, locale=_ENGLISH) or code


# --- Plugs, mains and driving side (resources/data tables) --------------------------------------


def read_table(filename: str, columns: tuple[str, ...], *,
               extra_codes: frozenset[str] = frozenset(), code_column: bool = True
               ) -> Iterator[tuple[int, dict[str, str]]]:
    """Yield (line number, row) from a resources/data CSV whose leading lines are # comments.

    With ``code_column`` the first column is a unique ISO 3166-1 alpha-2 code (or one of
    ``extra_codes``, such as XK).
    """
    path = resource_path("data", filename)
    with path.open(encoding="utf-8", newline="") as handle:
        body = [
            (number, line)
            for number, line in enumerate(handle, start=1)
            if line.strip() and not line.lstrip().startswith("#")
        ]
    if not body or tuple(next(csv.reader([body[0][1]]))) != columns:
        at = body[0][0] if body else 1
        raise ReferenceDataError(path, at, f"header must be {','.join(columns)}")
    known = _names()
    seen: set[str] = set()
    for number, line in body[1:]:
        values = next(csv.reader([line]))
        if len(values) != len(columns):
            raise ReferenceDataError(path, number, f"expected {len(columns)} fields")
        row = dict(zip(columns, (value.strip() for value in values), strict=True))
        if not code_column:
            yield number, row
            continue
        code = row[columns[0]]
        if code not in known and code not in extra_codes:
            raise ReferenceDataError(path, number, f"{code!r} is not an ISO 3166-1 alpha-2 code")
        if code in seen:
            raise ReferenceDataError(path, number, f"{code} appears twice")
        seen.add(code)
        yield number, row


def _int_list(text: str, filename: str, number: int) -> tuple[int, ...]:
    try:
        return tuple(int(part) for part in text.split(";"))
    except ValueError:
        raise ReferenceDataError(Path(filename), number, f"not a number list: {text!r}") from None


@cache
def _mains_table() -> dict[str, MainsSupply]:
    filename = "plug_types.csv"
    table: dict[str, MainsSupply] = {}
    for number, row in read_table(filename, ("alpha2", "plug_types", "voltage_v", "frequency_hz")):
        letters = tuple(row["plug_types"].split(";"))
        if not letters or not set(letters) <= PLUG_LETTERS:
            raise ReferenceDataError(
                Path(filename), number, f"plug types must be IEC letters: {row['plug_types']!r}"
            )
        table[row["alpha2"]] = MainsSupply(
            letters,
            _int_list(row["voltage_v"], filename, number),
            _int_list(row["frequency_hz"], filename, number),
        )
    return table


@cache
def _plug_index() -> dict[str, frozenset[str]]:
    return _invert({code: mains.plug_types for code, mains in _mains_table().items()})


@cache
def _driving_table() -> dict[str, DrivingSide]:
    filename = "driving_side.csv"
    table: dict[str, DrivingSide] = {}
    for number, row in read_table(filename, ("alpha2", "side")):
        side = row["side"]
        if side == "left":
            table[row["alpha2"]] = "left"
        elif side == "right":
            table[row["alpha2"]] = "right"
        else:
            raise ReferenceDataError(Path(filename), number, f"side is not left/right: {side!r}")
    return table


@cache
def _driving_index() -> dict[str, frozenset[str]]:
    return _invert({code: (side,) for code, side in _driving_table().items()})


def mains_of(code: str) -> MainsSupply | None:
    """Plug types, voltages and frequencies of a country; None when the table has no row."""
    return _mains_table().get(normalize_country(code))


def plug_types_of(code: str) -> tuple[str, ...]:
    """IEC plug/socket letters in common domestic use in a country; () when unknown."""
    mains = mains_of(code)
    return mains.plug_types if mains else ()


def countries_with_plug(letter: str) -> frozenset[str]:
    """Countries where the IEC plug/socket type (e.g. "G") is in common domestic use."""
    return _plug_index().get(letter.strip().upper(), frozenset())


def countries_with_mains_data() -> frozenset[str]:
    """Countries the plug table covers; for the rest plug type is unknown, not absent."""
    return frozenset(_mains_table())


def driving_side_of(code: str) -> DrivingSide | None:
    """Side of the road traffic keeps to; None when the table has no row."""
    return _driving_table().get(normalize_country(code))


def countries_driving_on(side: str) -> frozenset[str]:
    """Countries whose traffic keeps to the given side ("left" or "right")."""
    return _driving_index().get(side.strip().lower(), frozenset())


def countries_with_driving_data() -> frozenset[str]:
    """Countries the driving-side table covers."""
    return frozenset(_driving_table())


# --- Population and UN membership (CLDR territoryInfo, resources/data) -------------------------


class Territory(NamedTuple):
    """CLDR's population figure for a territory and whether it is a UN member state."""

    population: int
    un_member: bool


@cache
def _territory_table() -> dict[str, Territory]:
    filename = "territory_population.csv"
    table: dict[str, Territory] = {}
    for number, row in read_table(filename, ("alpha2", "population", "un_member"),
                                   extra_codes=frozenset({"XK"})):
        try:
            population = int(row["population"])
        except ValueError:
            raise ReferenceDataError(Path(filename), number, "population is not a number") from None
        if row["un_member"] not in ("yes", "no"):
            raise ReferenceDataError(Path(filename), number, "un_member must be yes or no")
        table[row["alpha2"]] = Territory(population, row["un_member"] == "yes")
    return table


def population_of(code: str) -> int | None:
    """CLDR's population of a country or territory; None when CLDR gives none."""
    entry = _territory_table().get(code) or _territory_table().get(_safe_code(code))
    return entry.population if entry else None


def is_un_member(code: str) -> bool:
    """True for the 193 UN member states; False for territories (Isle of Man, Guam, …)."""
    entry = _territory_table().get(code)
    return bool(entry and entry.un_member)


def _safe_code(code: str) -> str:
    try:
        return normalize_country(code)
    except UnknownCountry:
        return code


# --- helpers ------------------------------------------------------------------------------------


def _invert(forward: Mapping[str, Iterable[str]]) -> dict[str, frozenset[str]]:
    inverted: defaultdict[str, set[str]] = defaultdict(set)
    for code, values in forward.items():
        for value in values:
            inverted[value].add(code)
    return _freeze(inverted)


def _freeze(index: Mapping[_K, set[str]]) -> dict[_K, frozenset[str]]:
    return {key: frozenset(codes) for key, codes in index.items()}
