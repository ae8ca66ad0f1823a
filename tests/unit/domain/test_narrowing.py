"""Country narrowing: known answers a specialist would check, invariants, errors and speed."""

from __future__ import annotations

import dataclasses
import itertools

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vidtask.domain.narrowing import (
    EXCLUSION_WEIGHT,
    SUPPORT_WEIGHT,
    Candidate,
    ClueConfidence,
    ClueFacts,
    InvalidClue,
    StructuredKind,
    UnknownClueValue,
    implied_countries,
    rank_countries,
)

K = StructuredKind
_ids = itertools.count(1)


def clue(
    kind: StructuredKind = K.NONE,
    value: str | None = None,
    confidence: ClueConfidence = ClueConfidence.MEDIUM,
    *,
    supports: set[str] | None = None,
    excludes: set[str] | None = None,
    description: str = "seen in frame",
    clue_id: int | None = None,
) -> ClueFacts:
    return ClueFacts(
        clue_id=next(_ids) if clue_id is None else clue_id,
        category=kind.value,
        description=description,
        kind=kind,
        value=value,
        confidence=confidence,
        supports=frozenset(supports or ()),
        excludes=frozenset(excludes or ()),
    )


def by_country(ranking: list[Candidate]) -> dict[str, Candidate]:
    return {candidate.country: candidate for candidate in ranking}


def codes(ranking: list[Candidate]) -> list[str]:
    return [candidate.country for candidate in ranking]


# --- known answers --------------------------------------------------------------------------------


def test_cyrillic_sign_schuko_socket_and_hryvnia_point_to_ukraine() -> None:
    ranking = rank_countries(
        [clue(K.SCRIPT, "Cyrl"), clue(K.SOCKET, "F"), clue(K.CURRENCY, "UAH")]
    )
    first, second = ranking[0], ranking[1]
    assert first.country == "UA"
    assert first.name == "Ukraine"
    assert first.opposing == []
    assert [r.explanation for r in first.supporting] == [
        "Cyrillic script is used in UA",
        "type F sockets are used in UA",
        "UAH (Ukrainian Hryvnia) is legal tender in UA",
    ]
    # Russia shares script and socket but not the currency: one exclusion outweighs two supports.
    assert first.score - second.score >= -EXCLUSION_WEIGHT
    assert first.share > 0.9


def test_type_g_socket_and_left_hand_traffic_put_gb_ie_mt_cy_ahead_of_france() -> None:
    ranking = rank_countries([clue(K.SOCKET, "G"), clue(K.DRIVING_SIDE, "left")])
    order = codes(ranking)
    scores = by_country(ranking)
    for code in ("GB", "IE", "MT", "CY"):
        assert order.index(code) < order.index("FR")
        assert scores[code].score == 2 * SUPPORT_WEIGHT
    france = scores["FR"]
    assert france.score == 2 * EXCLUSION_WEIGHT
    assert france.supporting == []
    # Equal weights: listed in clue order (the socket clue was recorded first).
    assert [r.explanation for r in france.opposing] == [
        "type G sockets are not used in FR",
        "traffic does not keep left in FR",
    ]


def test_ukrainian_language_puts_ukraine_first_ahead_of_regional_use() -> None:
    ranking = rank_countries([clue(K.LANGUAGE, "uk", ClueConfidence.HIGH)])
    assert ranking[0].country == "UA"
    # CLDR lists Ukrainian as regionally official in Serbia: weaker support, not exclusion.
    serbia = by_country(ranking)["RS"]
    assert 0 < serbia.score < ranking[0].score
    assert "regional" in serbia.supporting[0].explanation
    assert by_country(ranking)["FR"].score < 0


def test_script_clue_accepts_any_case_and_language_clue_any_separator() -> None:
    lower = rank_countries([clue(K.SCRIPT, "cyrl", clue_id=1)])
    proper = rank_countries([clue(K.SCRIPT, "Cyrl", clue_id=1)])
    assert lower == proper
    assert implied_countries(K.LANGUAGE, "sr_Latn") == implied_countries(K.LANGUAGE, "sr-Latn")


# --- weights ----------------------------------------------------------------------------------


def test_confidence_scales_support_and_exclusion() -> None:
    def score(confidence: ClueConfidence, country: str) -> float:
        ranking = rank_countries([clue(K.SOCKET, "G", confidence)])
        return by_country(ranking)[country].score

    assert score(ClueConfidence.LOW, "GB") == 0.5
    assert score(ClueConfidence.MEDIUM, "GB") == 1.0
    assert score(ClueConfidence.HIGH, "GB") == 2.0
    assert score(ClueConfidence.HIGH, "FR") == 2 * score(ClueConfidence.MEDIUM, "FR")
    assert abs(score(ClueConfidence.MEDIUM, "FR")) > 2 * score(ClueConfidence.MEDIUM, "GB")


def test_free_clue_touches_only_the_countries_it_names() -> None:
    ranking = rank_countries(
        [clue(supports={"PL"}, excludes={"DE", "CZ"}, description="Biedronka shop flyer")]
    )
    assert codes(ranking) == ["PL", "CZ", "DE"]  # ties broken by name: Czechia before Germany
    poland, czechia, _ = ranking
    assert poland.score == SUPPORT_WEIGHT
    assert czechia.score == EXCLUSION_WEIGHT
    assert poland.supporting[0].explanation == 'none "Biedronka shop flyer" supports PL'
    assert czechia.opposing[0].explanation == 'none "Biedronka shop flyer" excludes CZ'


def test_countries_without_reference_data_stay_neutral() -> None:
    # Antarctica has no row in the plug or driving tables: a socket clue says nothing about it.
    ranking = rank_countries([clue(K.SOCKET, "G"), clue(K.DRIVING_SIDE, "left")])
    assert "AQ" not in codes(ranking)


def test_explicit_support_adds_to_a_structured_clue() -> None:
    plain = by_country(rank_countries([clue(K.SCRIPT, "Cyrl", clue_id=7)]))
    backed = by_country(rank_countries([clue(K.SCRIPT, "Cyrl", clue_id=7, supports={"BY"})]))
    assert backed["BY"].score == plain["BY"].score + SUPPORT_WEIGHT
    assert len(backed["BY"].supporting) == 2
    assert all(reason.clue_id == 7 for reason in backed["BY"].supporting)


def test_no_clues_no_candidates_and_limit_truncates() -> None:
    assert rank_countries([]) == []
    ranking = rank_countries([clue(K.CURRENCY, "EUR")], limit=3)
    assert len(ranking) == 3
    assert all(candidate.score > 0 for candidate in ranking)


def test_shares_sum_to_one_over_all_touched_countries() -> None:
    ranking = rank_countries([clue(K.SOCKET, "G"), clue(K.CURRENCY, "EUR")])
    assert sum(candidate.share for candidate in ranking) == pytest.approx(1.0)
    assert ranking[0].share == max(candidate.share for candidate in ranking)


def test_clue_facts_accept_plain_strings_from_the_database() -> None:
    facts = ClueFacts(1, "currency", "coin", "currency", "uah", "high")  # type: ignore[arg-type]
    assert facts.kind is K.CURRENCY
    assert facts.confidence is ClueConfidence.HIGH
    assert rank_countries([facts])[0].country == "UA"


# --- errors -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "value"),
    [(K.SCRIPT, "Klingon"), (K.CURRENCY, "XYZ"), (K.SOCKET, "Z"), (K.DRIVING_SIDE, "middle")],
)
def test_a_value_no_country_matches_is_refused_not_turned_into_global_exclusion(
    kind: StructuredKind, value: str
) -> None:
    assert implied_countries(kind, value) == frozenset()
    with pytest.raises(UnknownClueValue, match=f"no country matches {kind.value}"):
        rank_countries([clue(kind, value)])


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"kind": K.NONE, "value": "G"}, "carries no value"),
        ({"kind": K.SOCKET, "value": None}, "needs a value"),
        ({"kind": K.SOCKET, "value": "  "}, "needs a value"),
        ({"supports": frozenset({"gb"})}, "not an alpha-2"),
        ({"supports": frozenset({"GB"}), "excludes": frozenset({"GB"})}, "both supports and"),
        ({"confidence": "certain"}, "certain"),
        ({"kind": "vibes"}, "vibes"),
    ],
)
def test_inconsistent_clue_facts_are_refused(changes: dict[str, object], message: str) -> None:
    fields: dict[str, object] = {
        "clue_id": 3,
        "category": "c",
        "description": "d",
        "kind": K.NONE,
        "value": None,
        "confidence": ClueConfidence.LOW,
    }
    fields.update(changes)
    with pytest.raises(InvalidClue, match=message):
        ClueFacts(**fields)  # type: ignore[arg-type]


def test_the_same_clue_twice_is_refused_rather_than_counted_twice() -> None:
    twice = clue(K.SOCKET, "G")
    with pytest.raises(InvalidClue, match="appears twice"):
        rank_countries([twice, twice])


# --- speed ------------------------------------------------------------------------------------


# --- properties -------------------------------------------------------------------------------

SAMPLE_CODES = ["UA", "RU", "GB", "IE", "FR", "DE", "PL", "RS", "JP", "US", "MT", "XK"]
VALUES: dict[StructuredKind, list[str]] = {
    K.LANGUAGE: ["uk", "ru", "de", "en", "sr-Latn", "ar"],
    K.SCRIPT: ["Cyrl", "Latn", "Arab", "Geor"],
    K.CURRENCY: ["UAH", "EUR", "GBP", "USD"],
    K.SOCKET: list("ABCDEFGHIJKLMNO"),
    K.DRIVING_SIDE: ["left", "right"],
}


@st.composite
def clue_facts(draw: st.DrawFn, clue_id: int) -> ClueFacts:
    kind = draw(st.sampled_from(list(StructuredKind)))
    value = None if kind is K.NONE else draw(st.sampled_from(VALUES[kind]))
    supports = draw(st.frozensets(st.sampled_from(SAMPLE_CODES), max_size=3))
    excludes = draw(st.frozensets(st.sampled_from(SAMPLE_CODES), max_size=3)) - supports
    confidence = draw(st.sampled_from(list(ClueConfidence)))
    return ClueFacts(clue_id, kind.value, "d", kind, value, confidence, supports, excludes)


@st.composite
def clue_sets(draw: st.DrawFn) -> list[ClueFacts]:
    count = draw(st.integers(min_value=0, max_value=8))
    return [draw(clue_facts(clue_id)) for clue_id in range(1, count + 1)]


def _position(ranking: list[Candidate], code: str) -> int | None:
    return next((i for i, c in enumerate(ranking) if c.country == code), None)


def _score(ranking: list[Candidate], code: str) -> float:
    return next((c.score for c in ranking if c.country == code), 0.0)


PROPERTY_SETTINGS = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


@PROPERTY_SETTINGS
@given(clues=clue_sets(), data=st.data())
def test_clue_order_does_not_matter(clues: list[ClueFacts], data: st.DataObject) -> None:
    shuffled = data.draw(st.permutations(clues))
    before, after = rank_countries(clues), rank_countries(shuffled)
    assert before == after
    for one, other in zip(before, after, strict=True):
        assert one.supporting == other.supporting
        assert one.opposing == other.opposing


@PROPERTY_SETTINGS
@given(
    clues=clue_sets(),
    target=st.sampled_from(SAMPLE_CODES),
    confidence=st.sampled_from(list(ClueConfidence)),
    into_existing=st.booleans(),
)
def test_adding_an_exclusion_never_raises_a_country(
    clues: list[ClueFacts], target: str, confidence: ClueConfidence, into_existing: bool
) -> None:
    host = next((c for c in clues if target not in c.supports | c.excludes), None)
    if into_existing and host is not None:
        changed = dataclasses.replace(host, excludes=host.excludes | {target})
        extended = [changed if c is host else c for c in clues]
    else:
        extended = [*clues, clue(confidence=confidence, excludes={target}, clue_id=999)]
    before, after = rank_countries(clues), rank_countries(extended)
    assert _score(after, target) < _score(before, target)
    old, new = _position(before, target), _position(after, target)
    assert new is not None
    if old is not None:
        assert new >= old


@PROPERTY_SETTINGS
@given(
    clues=clue_sets(),
    target=st.sampled_from(SAMPLE_CODES),
    confidence=st.sampled_from(list(ClueConfidence)),
    into_existing=st.booleans(),
)
def test_adding_a_support_never_lowers_a_country(
    clues: list[ClueFacts], target: str, confidence: ClueConfidence, into_existing: bool
) -> None:
    host = next((c for c in clues if target not in c.supports | c.excludes), None)
    if into_existing and host is not None:
        changed = dataclasses.replace(host, supports=host.supports | {target})
        extended = [changed if c is host else c for c in clues]
    else:
        extended = [*clues, clue(confidence=confidence, supports={target}, clue_id=999)]
    before, after = rank_countries(clues), rank_countries(extended)
    assert _score(after, target) > _score(before, target)
    old, new = _position(before, target), _position(after, target)
    assert new is not None
    if old is not None:
        assert new <= old


def test_territories_without_data_never_outrank_a_supported_country() -> None:
    """Georgian + GEL: uninhabited BV/HM have no language data but must not beat Armenia."""
    ranked = rank_countries([
        ClueFacts(1, "text", "Georgian note", StructuredKind.LANGUAGE, "ka",
                  ClueConfidence.HIGH),
        ClueFacts(2, "currency", "Lari coins", StructuredKind.CURRENCY, "GEL",
                  ClueConfidence.MEDIUM),
        ClueFacts(3, "product", "Sold in GE and AM", StructuredKind.NONE, None,
                  ClueConfidence.MEDIUM, supports=frozenset({"GE", "AM"})),
    ])
    assert [c.country for c in ranked[:2]] == ["GE", "AM"]
    assert ranked[1].score < 0  # Armenia is supported by the product but opposed by the rest
