"""Rank candidate countries of production from location clues, with the reasons for each rank.

The model is a sum of log-odds weights, one per (clue, country) pair a clue says something about:

* a *structured* clue (a language, script, currency, socket type or driving side) supports every
  country its value implies and strongly opposes every other country for which the reference
  tables have data; a country the tables know nothing about is left alone (weight 0);
* a clue's explicit ``supports`` / ``excludes`` add the same support / exclusion weights;
* weights are scaled by the clue's confidence.

Exclusion outweighs support on purpose: a Cyrillic shop sign does not prove Ukraine, but it makes
France very unlikely. See docs/narrowing.md for the model in a page and a worked example.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cache
from typing import NamedTuple

from vidtask.domain.countries import (
    DRIVING_SIDES,
    PLUG_LETTERS,
    UnknownCountry,
    all_countries,
    countries_driving_on,
    countries_speaking,
    countries_using_currency,
    countries_using_script,
    countries_with_driving_data,
    countries_with_mains_data,
    countries_with_plug,
    country_name,
    currencies_of,
    currency_name,
    language_name,
    languages_of,
    script_name,
    split_language_tag,
)
from vidtask.domain.enums import ClueConfidence, StructuredKind

# Dyadic weights keep every sum exact in binary floating point; fsum makes order irrelevant anyway.
SUPPORT_WEIGHT = 1.0
EXCLUSION_WEIGHT = -4.0
CONFIDENCE_SCALE: dict[ClueConfidence, float] = {
    ClueConfidence.LOW: 0.5,
    ClueConfidence.MEDIUM: 1.0,
    ClueConfidence.HIGH: 2.0,
}
# A language (or script) that is only regionally official is weaker evidence for the country.
REGIONAL_SCALE = 0.5


class NarrowingError(ValueError):
    """Base class for errors raised while ranking countries."""


class InvalidClue(NarrowingError):
    """A clue whose facts contradict themselves or are incomplete."""

    def __init__(self, clue_id: int, reason: str) -> None:
        super().__init__(f"clue {clue_id}: {reason}")
        self.clue_id = clue_id
        self.reason = reason


class UnknownClueValue(InvalidClue):
    """A structured value that no country's reference data matches (likely a typo)."""

    def __init__(self, clue_id: int, kind: StructuredKind, value: str) -> None:
        super().__init__(clue_id, f"no country matches {kind.value} {value!r}")
        self.kind = kind
        self.value = value


@dataclass(frozen=True, slots=True)
class ClueFacts:
    """The facts about one clue that narrowing needs; country codes are ISO 3166-1 alpha-2."""

    clue_id: int
    category: str
    description: str
    kind: StructuredKind
    value: str | None
    confidence: ClueConfidence
    supports: frozenset[str] = field(default_factory=frozenset)
    excludes: frozenset[str] = field(default_factory=frozenset)

    def __post_init__(self) -> None:
        # Accept plain strings and sets from callers, but store the canonical types.
        try:
            object.__setattr__(self, "kind", StructuredKind(self.kind))
            object.__setattr__(self, "confidence", ClueConfidence(self.confidence))
        except ValueError as exc:
            raise InvalidClue(self.clue_id, str(exc)) from None
        object.__setattr__(self, "supports", frozenset(self.supports))
        object.__setattr__(self, "excludes", frozenset(self.excludes))
        if self.kind is StructuredKind.NONE and self.value is not None:
            raise InvalidClue(self.clue_id, "a free clue (kind none) carries no value")
        if self.kind is not StructuredKind.NONE and not (self.value and self.value.strip()):
            raise InvalidClue(self.clue_id, f"a {self.kind.value} clue needs a value")
        for code in self.supports | self.excludes:
            if not (len(code) == 2 and code.isascii() and code.isalpha() and code.isupper()):
                raise InvalidClue(self.clue_id, f"{code!r} is not an alpha-2 country code")
        if both := self.supports & self.excludes:
            raise InvalidClue(self.clue_id, f"both supports and excludes {sorted(both)}")


class Reason(NamedTuple):
    """Why one clue moved one country's score: the clue, a one-line explanation, the weight."""

    clue_id: int
    explanation: str
    weight: float


class _Channel(NamedTuple):
    """One clue's word on a set of countries: the weight and the sentence before the code."""

    clue_id: int
    weight: float
    text: str  # ends where the country code goes, e.g. "Cyrillic script is used in "


@dataclass(frozen=True, slots=True)
class Candidate:
    """A country with its summed log-odds score and the reasons for and against it.

    ``share`` is the softmax of the scores over every country a clue touched: a probability
    only under a uniform prior over those countries and independent clues, so read it as a guide.
    Reasons are built when asked for, since a UI reads them for a handful of candidates only.
    """

    country: str
    name: str
    score: float
    share: float
    _evidence: tuple[_Channel, ...] = field(repr=False, compare=False)

    @property
    def supporting(self) -> list[Reason]:
        """Reasons that raised the score, strongest first."""
        return sorted(
            (
                Reason(ch.clue_id, ch.text + self.country, ch.weight)
                for ch in self._evidence
                if ch.weight > 0
            ),
            key=lambda r: (-r.weight, r.clue_id, r.explanation),
        )

    @property
    def opposing(self) -> list[Reason]:
        """Reasons that lowered the score, strongest first."""
        return sorted(
            (
                Reason(ch.clue_id, ch.text + self.country, ch.weight)
                for ch in self._evidence
                if ch.weight < 0
            ),
            key=lambda r: (r.weight, r.clue_id, r.explanation),
        )


class _Effect(NamedTuple):
    """What a structured (kind, value) says, as (countries, relative weight, sentence) groups."""

    groups: tuple[tuple[frozenset[str], float, str], ...]
    implied: frozenset[str]


def implied_countries(kind: StructuredKind, value: str) -> frozenset[str]:
    """Countries a structured clue value points to; empty when the value matches none.

    Services can call this to refuse a mistyped value before a clue is saved.
    """
    kind = StructuredKind(kind)
    return _effect(kind, _canonical_value(kind, value)).implied


def rank_countries(clues: Iterable[ClueFacts], *, limit: int | None = None) -> list[Candidate]:
    """Rank every country at least one clue says something about, best first.

    Countries some clue supports come first; then by score (descending), English name and
    code, so equal inputs give equal output whatever the clue order. Raises InvalidClue on
    duplicate clue ids and
    UnknownClueValue on a structured value that matches no country.
    """
    channels: list[_Channel] = []
    touched: defaultdict[str, list[int]] = defaultdict(list)  # country -> channel indexes
    seen_ids: set[int] = set()
    seen_clues: list[ClueFacts] = []
    for clue in clues:
        seen_clues.append(clue)
        if clue.clue_id in seen_ids:
            raise InvalidClue(clue.clue_id, "appears twice; each clue may count once")
        seen_ids.add(clue.clue_id)
        scale = CONFIDENCE_SCALE[clue.confidence]
        groups: list[tuple[Iterable[str], float, str]] = []
        if clue.kind is not StructuredKind.NONE:
            assert clue.value is not None  # guaranteed by ClueFacts.__post_init__
            effect = _effect(clue.kind, _canonical_value(clue.kind, clue.value))
            if not effect.implied:
                raise UnknownClueValue(clue.clue_id, clue.kind, clue.value)
            groups.extend(effect.groups)
        if clue.supports or clue.excludes:
            label = _clue_label(clue)
            groups.append((clue.supports, SUPPORT_WEIGHT, f"{label} supports "))
            groups.append((clue.excludes, EXCLUSION_WEIGHT, f"{label} excludes "))
        for codes, weight, text in groups:
            index = len(channels)
            channels.append(_Channel(clue.clue_id, weight * scale, text))
            for code in codes:
                touched[code].append(index)

    # Territories CLDR knows no language for are uninhabited (BV, HM, TF…): media are not
    # produced there, so they appear only when a clue names them explicitly.
    named = {code for clue in seen_clues for code in clue.supports | clue.excludes}
    inhabited = _universe_with(languages_of)
    for code in [c for c in touched if c not in inhabited and c not in named]:
        del touched[code]
    # fsum is exactly rounded, hence independent of the order the clues arrived in.
    scores = {
        code: math.fsum([channels[i].weight for i in indexes]) for code, indexes in touched.items()
    }
    names = {code: _display_name(code) for code in scores}
    # A country no clue speaks for never outranks one that some clue supports: otherwise
    # territories lacking reference data (uninhabited BV, HM…) float above real neighbours.
    supported = {code for code, indexes in touched.items()
                 if any(channels[i].weight > 0 for i in indexes)}
    order = sorted(scores, key=lambda code: (code not in supported, -scores[code],
                                             names[code], code))
    top = max(scores.values(), default=0.0)
    total = math.fsum([math.exp(score - top) for score in scores.values()])
    if limit is not None:
        order = order[: max(limit, 0)]
    return [
        Candidate(
            country=code,
            name=names[code],
            score=scores[code],
            share=math.exp(scores[code] - top) / total,
            _evidence=tuple(channels[i] for i in touched[code]),
        )
        for code in order
    ]


def _canonical_value(kind: StructuredKind, value: str) -> str:
    """One spelling per value, so "cyrl"/"Cyrl" or "g"/"G" share a cache entry and a sentence."""
    text = value.strip()
    if kind is StructuredKind.LANGUAGE:
        language, script = split_language_tag(text)
        return f"{language}-{script}" if script else language
    if kind is StructuredKind.SCRIPT:
        return text.title()
    if kind is StructuredKind.DRIVING_SIDE:
        return text.lower()
    return text.upper()  # currency, socket


@cache
def _effect(kind: StructuredKind, value: str) -> _Effect:
    """Country groups and weights for a structured value, computed once per value."""
    regional: frozenset[str] = frozenset()
    regional_text = ""
    if kind is StructuredKind.LANGUAGE:
        implied = countries_speaking(value, regional=False)
        regional = countries_speaking(value) - implied
        universe = _universe_with(languages_of)
        label = f"{language_name(value)} ({value})"
        yes = f"{label} is an official or national language in "
        regional_text = f"{label} is only a regional official language in "
        no = f"{label} is not an official or widely used language in "
    elif kind is StructuredKind.SCRIPT:
        implied = countries_using_script(value, regional=False)
        regional = countries_using_script(value) - implied
        universe = _universe_with(languages_of)
        yes = f"{script_name(value)} script is used in "
        regional_text = f"{script_name(value)} script is used only by regional languages in "
        no = f"{script_name(value)} script is not used in "
    elif kind is StructuredKind.CURRENCY:
        implied = countries_using_currency(value)
        universe = _universe_with(currencies_of)
        label = f"{value} ({currency_name(value)})"
        yes, no = f"{label} is legal tender in ", f"{label} is not legal tender in "
    elif kind is StructuredKind.SOCKET:
        implied = countries_with_plug(value) if value in PLUG_LETTERS else frozenset()
        universe = countries_with_mains_data()
        yes, no = f"type {value} sockets are used in ", f"type {value} sockets are not used in "
    elif kind is StructuredKind.DRIVING_SIDE:
        implied = countries_driving_on(value) if value in DRIVING_SIDES else frozenset()
        universe = countries_with_driving_data()
        yes, no = f"traffic keeps {value} in ", f"traffic does not keep {value} in "
    else:
        raise ValueError(f"{kind.value} clues have no structured value")
    # Countries without reference data stay neutral: no information is not evidence against.
    opposed = universe - implied - regional
    return _Effect(
        groups=(
            (implied, SUPPORT_WEIGHT, yes),
            (regional, SUPPORT_WEIGHT * REGIONAL_SCALE, regional_text),
            (opposed, EXCLUSION_WEIGHT, no),
        ),
        implied=implied | regional,
    )


@cache
def _universe_with(lookup: Callable[[str], tuple[str, ...]]) -> frozenset[str]:
    """Countries for which a per-country lookup (languages_of, currencies_of) has any data."""
    return frozenset(country.code for country in all_countries() if lookup(country.code))


def _clue_label(clue: ClueFacts) -> str:
    """Short quotation of a clue for explanations of its explicit supports/excludes."""
    text = " ".join(clue.description.split()) or clue.category
    if len(text) > 60:
        text = text[:59].rstrip() + "…"
    return f'{clue.category} "{text}"' if clue.category else f'"{text}"'


def _display_name(code: str) -> str:
    try:
        return country_name(code)
    except UnknownCountry:  # e.g. XK (Kosovo): usable in explicit supports, not in ISO 3166
        return code
