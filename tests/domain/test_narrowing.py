"""Country narrowing: known answers a specialist would check, invariants, errors and speed."""

from __future__ import annotations

import dataclasses
import itertools
import math

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
    clue_effect,
    implied_countries,
    rank,
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
        category="shop_flyer" if kind is K.NONE else "text",
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
        "Cyrillic (Cyrl) script is used in Ukraine",
        "Type F (Schuko) sockets are used in Ukraine",
        "Ukrainian Hryvnia (UAH) is legal tender in Ukraine",
    ]
    assert (first.rank_label, first.tied) == ("1", 1)
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
    # GB, IE, MT and CY share the evidence: one shared rank, population first.
    assert scores["GB"].rank == scores["MT"].rank == 1
    assert scores["GB"].rank_label == "=1"
    assert [r.explanation for r in france.opposing] == [
        "Type G (BS 1363) sockets are not used in France",
        "Traffic does not keep left in France",
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
    assert codes(ranking) == ["PL", "DE", "CZ"]  # a tie in score: more populous first
    poland, _, czechia = ranking
    assert poland.score == SUPPORT_WEIGHT
    assert czechia.score == EXCLUSION_WEIGHT
    quoted = 'Shop flyer clue "Biedronka shop flyer"'
    assert poland.supporting[0].explanation == f"{quoted} supports Poland"
    assert czechia.opposing[0].explanation == f"{quoted} excludes Czechia"
    assert czechia.opposing[0].explicit


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


def test_shares_sum_to_one_over_all_countries() -> None:
    ranking = rank([clue(K.SOCKET, "G"), clue(K.CURRENCY, "EUR")])
    assert sum(candidate.share for candidate in ranking.candidates) == pytest.approx(1.0)
    assert ranking.candidates[0].share == max(c.share for c in ranking.candidates)


def test_clue_facts_accept_plain_strings_from_the_database() -> None:
    facts = ClueFacts(1, "currency", "coin", "currency", "uah", "high")  # type: ignore[arg-type]
    assert facts.kind is K.CURRENCY
    assert facts.confidence is ClueConfidence.HIGH
    assert rank_countries([facts])[0].country == "UA"


def test_a_draft_may_hold_words_instead_of_codes() -> None:
    words = rank_countries([clue(K.SOCKET, "schuko", clue_id=1), clue(K.CURRENCY, "hryvnia",
                                                                      clue_id=2)])
    codes_ = rank_countries([clue(K.SOCKET, "F", clue_id=1), clue(K.CURRENCY, "UAH", clue_id=2)])
    assert words == codes_


# --- errors -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "value"),
    [(K.SCRIPT, "Klingon"), (K.CURRENCY, "XYZ"), (K.SOCKET, "Z"), (K.DRIVING_SIDE, "middle"),
     (K.SCRIPT, "schuko")],
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


# --- ties, the prior, counts, reasons --------------------------------------------------------


def test_one_schuko_clue_ties_dozens_of_countries_at_rank_one_largest_first() -> None:
    ranking = rank([clue(K.SOCKET, "F")])
    top = ranking.listed()
    assert all(c.rank == 1 and c.rank_label == "=1" for c in top)
    assert top[0].tied == len(top) > 50
    people = [c.population or 0 for c in top]
    assert people == sorted(people, reverse=True)  # the prior orders the tie
    germany, liechtenstein = ranking.candidate("DE"), ranking.candidate("AT")
    assert germany is not None and liechtenstein is not None
    assert germany.score == liechtenstein.score
    assert germany.share > liechtenstein.share  # and splits its share


def test_prior_only_splits_a_tie_it_never_outranks_evidence() -> None:
    # Liechtenstein (39 thousand people) with a Swiss socket beats Germany (80 million) without.
    ranking = rank([clue(K.LANGUAGE, "de"), clue(K.SOCKET, "J")])
    order = codes(list(ranking.candidates))
    assert order.index("LI") < order.index("DE")
    assert ranking.candidate("LI").rank < ranking.candidate("DE").rank  # type: ignore[union-attr]


def test_gb_and_crown_dependencies_share_rank_and_say_what_would_separate_them() -> None:
    ranking = rank([clue(K.LANGUAGE, "en"), clue(K.SOCKET, "G"),
                    clue(K.DRIVING_SIDE, "left"), clue(K.CURRENCY, "GBP")])
    group = ranking.tie_of("GB")
    assert group is not None
    assert group.rank == 1
    assert set(group.countries) == {"GB", "IM", "JE", "GG"}
    assert group.countries[0] == "GB"
    assert group.sentence().startswith("United Kingdom and 3 territories share this evidence: ")
    for name in ("Isle of Man", "Jersey", "Guernsey"):
        assert name in group.sentence()
    assert group.members() == "1 country and 3 territories"  # counted as the sentence counts
    assert [s.kind for s in group.separated_by] == [K.LANGUAGE]
    assert "Welsh" in group.separation()
    assert ranking.candidate("GB").share > 0.9  # type: ignore[union-attr]


def test_a_tie_nothing_in_the_tables_separates_says_so() -> None:
    ranking = rank([clue(K.LANGUAGE, "it"), clue(K.CURRENCY, "EUR"), clue(K.SOCKET, "L"),
                    clue(supports={"SM", "VA"}, description="Parish newsletter")])
    group = ranking.tie_of("SM")
    assert group is not None and group.rank == 1 and set(group.countries) == {"SM", "VA"}
    assert group.sentence().startswith("San Marino and 1 territory share this evidence")
    assert group.members() == "1 country and 1 territory"
    assert group.separated_by == ()
    assert "only a clue that names a country" in group.separation()


def test_counts_add_up_to_every_country() -> None:
    ranking = rank([clue(K.SOCKET, "F")])
    shown = ranking.listed(15)
    counts = ranking.counts(len(shown))
    assert counts.listed == 15
    assert counts.ruled_out == sum(1 for c in ranking.candidates if c.score < 0)
    assert counts.more_supported == sum(1 for c in ranking.candidates if c.score > 0) - 15
    assert counts.listed + counts.more_possible + counts.ruled_out == counts.total == len(ranking)
    assert "15 listed" in counts.sentence() and f"{counts.ruled_out} ruled out" in \
        counts.sentence()


def test_a_ruled_out_country_is_never_listed() -> None:
    ranking = rank([clue(excludes={"DE"})])
    assert ranking.listed() == []
    assert ranking.counts(0).ruled_out == 1
    assert ranking.counts(0).more_possible == len(ranking) - 1


def test_hangul_and_kanji_match_the_composite_scripts_cldr_records() -> None:
    assert {"KR", "KP"} <= implied_countries(K.SCRIPT, "Hang")
    assert "JP" in implied_countries(K.SCRIPT, "Hani")
    assert "JP" in implied_countries(K.SCRIPT, "Hira")
    ranking = rank([clue(K.SCRIPT, "Hang"), clue(K.CURRENCY, "KRW")])
    assert ranking.candidates[0].country == "KR" and ranking.candidates[0].tied == 1


def test_contradictions_flag_excluded_unsupported_and_far_confidence() -> None:
    ranking = rank([clue(K.SCRIPT, "Cyrl", clue_id=1), clue(K.CURRENCY, "UAH", clue_id=2),
                    clue(excludes={"BY"}, description="TV channel not broadcast in BY",
                         clue_id=3)])
    found = ranking.contradictions([("UA", 60), ("BY", 25), ("PL", 10)])
    kinds = {(c.kind, c.country) for c in found}
    assert ("excluded", "BY") in kinds
    assert ("excluded", "PL") in kinds
    by = next(c for c in found if c.country == "BY")
    assert "Belarus is ranked 2nd but the clues rule it out" in by.message
    assert "clue 3" in by.message  # the explicit exclusion is named first
    assert not any(c.country == "UA" for c in found if c.kind == "excluded")
    top_alone = ranking.contradictions([("PL", 90)])
    assert {c.kind for c in top_alone} >= {"unsupported_top", "confidence"}
    assert rank([]).contradictions([("PL", 90)]) == []


def test_clue_effect_is_the_rankings_reason_for_that_country() -> None:
    clues = [clue(K.SOCKET, "F", ClueConfidence.HIGH, clue_id=1),
             clue(K.LANGUAGE, "de", clue_id=2, supports={"AT"}),
             clue(K.DRIVING_SIDE, "left", clue_id=3)]
    ranking = rank(clues)
    for code in ("DE", "AT", "GB", "FR"):
        candidate = ranking.candidate(code)
        assert candidate is not None
        effects = [clue_effect(c, code) for c in clues]
        assert sorted(r for e in effects for r in e.reasons) == sorted(candidate.reasons)
        assert sum(e.weight for e in effects) == candidate.score
    assert clue_effect(clues[0], "DE").stance == "supports"
    assert clue_effect(clues[2], "DE").stance == "excludes"
    assert clue_effect(clues[0], "AQ").stance == "neutral"  # no plug data for Antarctica
    assert len(clue_effect(clues[1], "AT").reasons) == 2  # its language and its explicit support


@PROPERTY_SETTINGS
@given(clues=clue_sets())
def test_reasons_always_sum_to_the_score_and_counts_add_up(clues: list[ClueFacts]) -> None:
    ranking = rank(clues)
    for candidate in ranking.candidates:
        assert math.fsum(r.weight for r in candidate.reasons) == candidate.score
    ranks = [c.rank for c in ranking.candidates]
    assert ranks == sorted(ranks)
    for listed in (0, 5, 15, 1000):
        counts = ranking.counts(len(ranking.listed(listed)))
        assert counts.listed + counts.more_possible + counts.ruled_out == len(ranking)
