"""Rank candidate countries of production from location clues, with the reasons for each rank.

The model is a sum of log-odds weights, one per (clue, country) pair a clue says something about:

* a *structured* clue (a language, script, currency, socket type or driving side) supports every
  country its value implies and strongly opposes every other country for which the reference
  tables have data; a country the tables know nothing about is left alone (weight 0);
* a clue's explicit ``supports`` / ``excludes`` add the same support / exclusion weights;
* weights are scaled by the clue's confidence.

Countries with the same score share a rank ("=1"): the evidence cannot tell them apart, and the
ranking says so, with what kind of clue would (``TieGroup``). Within a tie, and only there, a
documented prior orders them and splits their share: CLDR's population figure, because media are
produced where people live. ``clue_effect`` is one clue's effect on one country — the same
reasons the ranking sums, for a packet or a review pane. See docs/narrowing.md.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Literal, NamedTuple

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
    driving_side_of,
    is_un_member,
    languages_of,
    plug_types_of,
    population_of,
    split_language_tag,
)
from vidtask.domain.enums import ClueConfidence, StructuredKind
from vidtask.domain.errors import InvalidInput
from vidtask.domain.vocabulary import STRUCTURED_KINDS, canonical, read_value, value_words
from vidtask.domain.wording import clue_category, counted

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
#: Fewer people than this (South Georgia 20, Pitcairn 50, Cocos Islands 596): ranked only when a
#: clue names the territory, like the uninhabited ones.
MIN_POPULATION = 1_000
#: Population used for a country CLDR gives none (named only by an explicit clue).
UNKNOWN_POPULATION = 1_000
#: A specialist's confidence this many points from the clues' share is flagged.
CONFIDENCE_GAP = 50

Stance = Literal["supports", "excludes", "neutral"]


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
    """Why one clue moved one country's score: the clue, a one-line explanation, the weight.

    ``explicit`` marks a country the clue names in its supports/excludes.
    """

    clue_id: int
    explanation: str
    weight: float
    explicit: bool = False


class _Channel(NamedTuple):
    """One clue's word on a set of countries: the weight and the sentence before the name."""

    clue_id: int
    weight: float
    text: str  # ends where the country's name goes, e.g. "Cyrillic (Cyrl) script is used in "
    explicit: bool = False


def _reason(channel: _Channel, code: str) -> Reason:
    return Reason(channel.clue_id, channel.text + _display_name(code), channel.weight,
                  channel.explicit)


@dataclass(frozen=True, slots=True)
class Candidate:
    """A country with its summed log-odds score, its shared rank and its reasons.

    ``rank`` is shared by every country with the same score (1, 1, 1, 4 …; ``tied`` says how
    many share it). ``share`` is a softmax of the scores over all countries, each tie's part
    split by population (the prior): read it as a guide, not a statistic. ``reasons`` always
    sum to ``score``.
    """

    country: str
    name: str
    score: float
    share: float
    rank: int = 1
    tied: int = 1
    population: int | None = None
    _evidence: tuple[_Channel, ...] = field(default=(), repr=False, compare=False)

    @property
    def rank_label(self) -> str:
        """"=1" when the rank is shared, "1" when it is not."""
        return f"={self.rank}" if self.tied > 1 else str(self.rank)

    @property
    def supporting(self) -> list[Reason]:
        """Reasons that raised the score, strongest first."""
        return sorted((_reason(ch, self.country) for ch in self._evidence if ch.weight > 0),
                      key=lambda r: (-r.weight, r.clue_id, r.explanation))

    @property
    def opposing(self) -> list[Reason]:
        """Reasons that lowered the score, strongest first."""
        return sorted((_reason(ch, self.country) for ch in self._evidence if ch.weight < 0),
                      key=lambda r: (r.weight, r.clue_id, r.explanation))

    @property
    def reasons(self) -> list[Reason]:
        """Every reason, supporting then opposing; their weights sum to ``score``."""
        return self.supporting + self.opposing

    @property
    def spoken_for(self) -> bool:
        """Whether any clue says anything about this country."""
        return bool(self._evidence)


class Separator(NamedTuple):
    """A kind of clue whose reference facts differ within a tie, with values that split it."""

    kind: StructuredKind
    values: tuple[str, ...]  # held by some of the tied countries but not all, best split first


class TieGroup(NamedTuple):
    """Countries the evidence cannot tell apart, in prior order, and what kind of clue could."""

    rank: int
    score: float
    countries: tuple[str, ...]
    separated_by: tuple[Separator, ...]
    share: float = 0.0  # the tie's share together: what the evidence gives it, prior aside

    def sentence(self, shown: int = 6) -> str:
        """ "United Kingdom and 3 territories share this evidence: Isle of Man, Jersey, …"."""
        lead, *rest = self.countries
        countries = sum(1 for code in rest if is_un_member(code))
        territories = len(rest) - countries
        others = counted(countries, "other country", "other countries")
        places = counted(territories, "territory", "territories")
        if countries and territories:
            head = f"{_display_name(lead)}, {others} and {places}"
        else:
            head = f"{_display_name(lead)} and {others if countries else places}"
        names = [_display_name(code) for code in rest[:shown]]
        if len(rest) > shown:
            names.append(f"{len(rest) - shown} more")
        return f"{head} share this evidence: {', '.join(names)}."

    def members(self) -> str:
        """Who shares the rank, counted as `sentence` counts them: "1 country and 3
        territories", "64 countries and 9 territories", "4 countries"."""
        countries = sum(1 for code in self.countries if is_un_member(code))
        territories = len(self.countries) - countries
        return " and ".join(words for number, words in (
            (countries, counted(countries, "country", "countries")),
            (territories, counted(territories, "territory", "territories"))) if number)

    def separation(self, examples: int = 3) -> str:
        """Which kind of clue would tell them apart (with values), or that only a name can."""
        if not self.separated_by:
            return ("No language, script, currency, socket or driving-side fact tells them "
                    "apart: only a clue that names a country (a product, a licence plate, a "
                    "broadcaster) can.")
        parts = []
        for separator in self.separated_by:
            shown = [_short_words(separator.kind, v) for v in separator.values[:examples]]
            more = ", …" if len(separator.values) > examples else ""
            parts.append(f"{separator.kind.value.replace('_', ' ')} ({', '.join(shown)}{more})")
        listed = parts[0] if len(parts) == 1 else f"{'; '.join(parts[:-1])} or {parts[-1]}"
        return f"A clue of {listed} would tell them apart."


class Counts(NamedTuple):
    """Where every country stands: listed + more possible + ruled out == total."""

    listed: int
    more_possible: int  # not listed, score >= 0
    more_supported: int  # of those, score > 0
    ruled_out: int  # score < 0
    total: int

    def sentence(self) -> str:
        """ "15 listed, 58 more possible, 176 ruled out (of 249 countries and territories)"."""
        unknown = self.more_possible - self.more_supported
        detail = ""
        if self.more_supported and unknown:
            detail = f" ({self.more_supported} with support, {unknown} no clue speaks about)"
        return (f"{self.listed} listed, {self.more_possible} more possible{detail}, "
                f"{self.ruled_out} ruled out (of {self.total} countries and territories)")


class Contradiction(NamedTuple):
    """A human ranking at odds with the clues; ``message`` is one sentence."""

    kind: Literal["excluded", "unsupported_top", "confidence"]
    country: str
    message: str


class ClueEffect(NamedTuple):
    """One clue's effect on one country: its reasons and their sum (the same as in a ranking)."""

    clue_id: int
    country: str
    weight: float
    reasons: tuple[Reason, ...]

    @property
    def stance(self) -> Stance:
        """"supports" (weight > 0), "excludes" (weight < 0) or "neutral" (the clue is silent)."""
        if self.weight > 0:
            return "supports"
        return "excludes" if self.weight < 0 else "neutral"


@dataclass(frozen=True, slots=True)
class Ranking:
    """Every country, best first, with shared ranks, tie groups and the counts that add up."""

    candidates: tuple[Candidate, ...]
    clue_ids: frozenset[int] = frozenset()

    def __len__(self) -> int:
        return len(self.candidates)

    def candidate(self, code: str) -> Candidate | None:
        return next((c for c in self.candidates if c.country == code), None)

    def listed(self, limit: int | None = None) -> list[Candidate]:
        """The candidates worth listing: some support (score > 0), best first."""
        positive = [c for c in self.candidates if c.score > 0]
        return positive if limit is None else positive[: max(limit, 0)]

    def counts(self, listed: int) -> Counts:
        """Counts for a list showing the first ``listed`` candidates of ``listed()``."""
        positive = sum(1 for c in self.candidates if c.score > 0)
        listed = min(listed, positive)
        ruled_out = sum(1 for c in self.candidates if c.score < 0)
        return Counts(listed, len(self.candidates) - listed - ruled_out, positive - listed,
                      ruled_out, len(self.candidates))

    def ties(self) -> list[TieGroup]:
        """Every rank shared by two or more countries, best first."""
        groups: defaultdict[int, list[Candidate]] = defaultdict(list)
        for candidate in self.candidates:
            if candidate.tied > 1:
                groups[candidate.rank].append(candidate)
        return [TieGroup(rank, members[0].score, tuple(c.country for c in members),
                         separating_kinds([c.country for c in members]),
                         math.fsum(c.share for c in members))
                for rank, members in sorted(groups.items())]

    def tie_of(self, code: str) -> TieGroup | None:
        candidate = self.candidate(code)
        if candidate is None or candidate.tied == 1:
            return None
        return next(g for g in self.ties() if g.rank == candidate.rank)

    def contradictions(self, chosen: Sequence[tuple[str, int]]) -> list[Contradiction]:
        """What a human ranking ((country, confidence %) best first) says against the clues.

        * a ranked country the clues rule out (negative score, or a clue excludes it);
        * a first choice no clue supports (when there are clues at all);
        * a confidence ``CONFIDENCE_GAP`` points or more from the clues' share.
        """
        found: list[Contradiction] = []
        if not self.clue_ids:
            return found
        for place, (code, confidence) in enumerate(chosen, start=1):
            candidate = self.candidate(code)
            name = _display_name(code)
            if candidate is None:
                continue
            against = candidate.opposing
            explicit = [r for r in against if r.explicit]
            if candidate.score < 0 or explicit:
                strongest = (explicit or against)[0]
                found.append(Contradiction(
                    "excluded", code,
                    f"{name} is ranked {_ordinal(place)} but the clues rule it out "
                    f"(score {candidate.score:+.1f}): clue {strongest.clue_id}: "
                    f"{strongest.explanation}."))
            if place == 1 and not candidate.supporting:
                found.append(Contradiction(
                    "unsupported_top", code,
                    f"{name} is your first choice but no clue supports it."))
            share = round(candidate.share * 100)
            if abs(confidence - share) >= CONFIDENCE_GAP:
                # a supported country's small share is not nothing: say "under 1 %", not "0 %"
                said = f"{share} %" if share or candidate.share == 0 else "under 1 %"
                found.append(Contradiction(
                    "confidence", code,
                    f"You give {name} {confidence} %; the clues alone give it {said}."))
        return found


def _ordinal(number: int) -> str:
    suffix = "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(
        number % 10, "th")
    return f"{number}{suffix}"


class _Effect(NamedTuple):
    """What a structured (kind, value) says, as (countries, relative weight, sentence) groups."""

    groups: tuple[tuple[frozenset[str], float, str], ...]
    implied: frozenset[str]


def implied_countries(kind: StructuredKind, value: str) -> frozenset[str]:
    """Countries a structured clue value points to; empty when the value matches none.

    Services can call this to refuse a mistyped value before a clue is saved.
    """
    kind = StructuredKind(kind)
    return _effect(kind, canonical(kind, value)).implied


def _clue_channels(clue: ClueFacts) -> list[tuple[_Channel, frozenset[str]]]:
    """Every (channel, countries) pair of one clue; the one source of weights and reasons."""
    scale = CONFIDENCE_SCALE[clue.confidence]
    groups: list[tuple[frozenset[str], float, str, bool]] = []
    if clue.kind is not StructuredKind.NONE:
        assert clue.value is not None  # guaranteed by ClueFacts.__post_init__
        effect = _effect(clue.kind, canonical(clue.kind, clue.value))
        if not effect.implied:  # a draft may still hold the words typed: "schuko", "euro"
            try:
                effect = _effect(clue.kind, read_value(clue.kind, clue.value).code)
            except InvalidInput:
                raise UnknownClueValue(clue.clue_id, clue.kind, clue.value) from None
        if not effect.implied:
            raise UnknownClueValue(clue.clue_id, clue.kind, clue.value)
        groups.extend((codes, weight, text, False) for codes, weight, text in effect.groups)
    if clue.supports or clue.excludes:
        label = _clue_label(clue)
        groups.append((clue.supports, SUPPORT_WEIGHT, f"{label} supports ", True))
        groups.append((clue.excludes, EXCLUSION_WEIGHT, f"{label} excludes ", True))
    return [(_Channel(clue.clue_id, weight * scale, text, explicit), codes)
            for codes, weight, text, explicit in groups if codes]


def clue_effect(clue: ClueFacts, country: str) -> ClueEffect:
    """One clue's effect on one country: the reasons a ranking would show, and their sum.

    ``stance`` reads "supports", "excludes" or "neutral"; a structured clue is neutral only for
    a country its reference table has no data about.
    """
    reasons = tuple(sorted((_reason(channel, country)
                            for channel, codes in _clue_channels(clue) if country in codes),
                           key=lambda r: (-r.weight, r.explanation)))
    return ClueEffect(clue.clue_id, country, math.fsum(r.weight for r in reasons), reasons)


def rank(clues: Iterable[ClueFacts]) -> Ranking:
    """Rank every inhabited country (and any country a clue names), best first.

    Order: score (descending), then population (the prior, descending), then English name and
    code — so equal inputs give equal output whatever the clue order. Raises InvalidClue on
    duplicate clue ids and UnknownClueValue on a structured value that matches no country.
    """
    channels: list[_Channel] = []
    touched: defaultdict[str, list[int]] = defaultdict(list)  # country -> channel indexes
    seen_ids: set[int] = set()
    named: set[str] = set()
    for clue in clues:
        if clue.clue_id in seen_ids:
            raise InvalidClue(clue.clue_id, "appears twice; each clue may count once")
        seen_ids.add(clue.clue_id)
        named |= clue.supports | clue.excludes
        for channel, codes in _clue_channels(clue):
            index = len(channels)
            channels.append(channel)
            for code in codes:
                touched[code].append(index)

    # Territories CLDR knows no language for are uninhabited (BV, HM, TF…), and a few have fewer
    # than MIN_POPULATION people: media are hardly produced there, so they take part only when
    # a clue names them explicitly.
    universe = _inhabited() | named
    # fsum is exactly rounded, hence independent of the order the clues arrived in.
    scores = {code: math.fsum([channels[i].weight for i in touched.get(code, ())])
              for code in universe}
    names = {code: _display_name(code) for code in universe}
    people = {code: population_of(code) for code in universe}
    order = sorted(universe, key=lambda code: (-scores[code], -(people[code] or 0),
                                               names[code], code))
    by_score: defaultdict[float, list[str]] = defaultdict(list)
    for code in order:
        by_score[scores[code]].append(code)
    top = max(scores.values(), default=0.0)
    mass = {score: len(codes) * math.exp(score - top) for score, codes in by_score.items()}
    total = math.fsum(mass.values())
    shares: dict[str, float] = {}
    ranks: dict[str, int] = {}
    position = 1
    for score in sorted(by_score, reverse=True):
        tied = by_score[score]
        weights = [people[code] or UNKNOWN_POPULATION for code in tied]
        weight_sum = math.fsum(weights)
        for code, weight in zip(tied, weights, strict=True):
            shares[code] = mass[score] * weight / weight_sum / total
            ranks[code] = position
        position += len(tied)
    return Ranking(tuple(
        Candidate(country=code, name=names[code], score=scores[code], share=shares[code],
                  rank=ranks[code], tied=len(by_score[scores[code]]), population=people[code],
                  _evidence=tuple(channels[i] for i in touched.get(code, ())))
        for code in order), frozenset(seen_ids))


def rank_countries(clues: Iterable[ClueFacts], *, limit: int | None = None) -> list[Candidate]:
    """The countries some clue speaks about, in ``rank`` order (first ``limit`` of them)."""
    spoken = [c for c in rank(clues).candidates if c.spoken_for]
    return spoken if limit is None else spoken[: max(limit, 0)]


def separating_kinds(codes: Sequence[str]) -> tuple[Separator, ...]:
    """Kinds of structured clue whose reference facts differ among the countries, finest first.

    Each comes with the values that some of the countries have and others lack, those that
    split the group most evenly first.
    """
    found: list[tuple[int, int, Separator]] = []
    for order, kind in enumerate(STRUCTURED_KINDS):
        facts = [_facts_of(kind, code) for code in codes]
        if len(set(facts)) < 2:
            continue
        holders: defaultdict[str, int] = defaultdict(int)
        for values in facts:
            for value in values:
                holders[value] += 1
        telling = sorted((v for v, n in holders.items() if n < len(codes)),
                         key=lambda v: (abs(len(codes) - 2 * holders[v]), v))
        if not telling:  # some countries have no data at all: any value of the kind splits
            telling = sorted(holders)
        found.append((-len(set(facts)), order, Separator(kind, tuple(telling))))
    return tuple(separator for _n, _o, separator in sorted(found))


def _short_words(kind: StructuredKind, value: str) -> str:
    if kind is StructuredKind.LANGUAGE:
        return value_words(kind, value).rsplit(" (", 1)[0]
    if kind is StructuredKind.DRIVING_SIDE:
        return value
    if kind is StructuredKind.SOCKET:
        return f"type {value}"
    if kind is StructuredKind.SCRIPT:
        return value_words(kind, value).rsplit(" (", 1)[0]
    return value


@cache
def _facts_of(kind: StructuredKind, code: str) -> frozenset[str]:
    if kind is StructuredKind.LANGUAGE:
        return frozenset(split_language_tag(tag)[0] for tag in _safe(languages_of, code))
    if kind is StructuredKind.SCRIPT:
        return frozenset(s for s in _all_scripts() if code in countries_using_script(s))
    if kind is StructuredKind.CURRENCY:
        return frozenset(_safe(currencies_of, code))
    if kind is StructuredKind.SOCKET:
        return frozenset(_safe(plug_types_of, code))
    side = _safe_side(code)
    return frozenset({side} if side else ())


@cache
def _all_scripts() -> tuple[str, ...]:
    from vidtask.domain.countries import scripts_in_use

    return tuple(sorted(scripts_in_use()))


def _safe(lookup: Callable[[str], tuple[str, ...]], code: str) -> tuple[str, ...]:
    try:
        return lookup(code)
    except (UnknownCountry, KeyError):
        return ()


def _safe_side(code: str) -> str | None:
    try:
        return driving_side_of(code)
    except (UnknownCountry, KeyError):
        return None


@cache
def _effect(kind: StructuredKind, value: str) -> _Effect:
    """Country groups and weights for a structured value, computed once per value."""
    regional: frozenset[str] = frozenset()
    regional_text = ""
    words = value_words(kind, value)
    if kind is StructuredKind.LANGUAGE:
        implied = countries_speaking(value, regional=False)
        regional = countries_speaking(value) - implied
        universe = _universe_with(languages_of)
        yes = f"{words} is an official or national language in "
        regional_text = f"{words} is only a regional official language in "
        no = f"{words} is not an official or widely used language in "
    elif kind is StructuredKind.SCRIPT:
        implied = countries_using_script(value, regional=False)
        regional = countries_using_script(value) - implied
        universe = _universe_with(languages_of)
        yes = f"{words} script is used in "
        regional_text = f"{words} script is used only by regional languages in "
        no = f"{words} script is not used in "
    elif kind is StructuredKind.CURRENCY:
        implied = countries_using_currency(value)
        universe = _universe_with(currencies_of)
        yes, no = f"{words} is legal tender in ", f"{words} is not legal tender in "
    elif kind is StructuredKind.SOCKET:
        implied = countries_with_plug(value) if value in PLUG_LETTERS else frozenset()
        universe = countries_with_mains_data()
        yes = f"{words[0].upper()}{words[1:]} sockets are used in "
        no = f"{words[0].upper()}{words[1:]} sockets are not used in "
    elif kind is StructuredKind.DRIVING_SIDE:
        implied = countries_driving_on(value) if value in DRIVING_SIDES else frozenset()
        universe = countries_with_driving_data()
        yes, no = f"Traffic keeps {value} in ", f"Traffic does not keep {value} in "
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


@cache
def _inhabited() -> frozenset[str]:
    """Where media may be produced: CLDR lists a language, and at least MIN_POPULATION people."""
    return frozenset(code for code in _universe_with(languages_of)
                     if (population_of(code) or MIN_POPULATION) >= MIN_POPULATION)


def _clue_label(clue: ClueFacts) -> str:
    """Short quotation of a clue for explanations of its explicit supports/excludes."""
    text = " ".join(clue.description.split()) or clue.category
    if len(text) > 60:
        text = text[:59].rstrip() + "…"
    category = clue_category(clue.category) if clue.category else ""
    return f'{category} clue "{text}"' if category else f'"{text}"'


def _display_name(code: str) -> str:
    try:
        return country_name(code)
    except UnknownCountry:  # e.g. XK (Kosovo): usable in explicit supports, not in ISO 3166
        return code
