"""Country reference helpers: codes, names, languages, scripts, currencies, plugs, driving side."""

from __future__ import annotations

import pycountry
import pytest

from vidtask.domain import countries as c


def test_all_countries_are_every_iso_code_sorted_by_name() -> None:
    listed = c.all_countries()
    assert {country.code for country in listed} == {e.alpha_2 for e in pycountry.countries}
    names = [country.name for country in listed]
    assert names.index("Afghanistan") < names.index("Åland Islands") < names.index("Albania")
    assert names[-1] == "Zimbabwe"


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("UA", "UA"),
        ("ua", "UA"),
        ("UKR", "UA"),
        ("ukraine", "UA"),
        ("  Ukraine ", "UA"),
        ("Russian Federation", "RU"),
        ("Russia", "RU"),  # CLDR short name
        ("Korea, Republic of", "KR"),
        ("South Korea", "KR"),
        ("cote d'ivoire", "CI"),  # accents are optional
        ("UK", "GB"),  # CLDR alias, common in notes
    ],
)
def test_normalize_country_accepts_codes_and_names(text: str, code: str) -> None:
    assert c.normalize_country(text) == code


@pytest.mark.parametrize("text", ["", "Atlantis", "XX", "U", "Ukrain"])
def test_normalize_country_rejects_unknown_text_with_a_clear_error(text: str) -> None:
    with pytest.raises(c.UnknownCountry, match="unknown country"):
        c.normalize_country(text)


def test_unknown_country_is_a_value_error_for_callers_that_catch_broadly() -> None:
    with pytest.raises(ValueError):
        c.country_name("Narnia")


def test_country_name_and_flag() -> None:
    assert c.country_name("de") == "Germany"
    assert c.country_name("RU") == "Russia"
    assert c.flag_emoji("UA") == "\U0001f1fa\U0001f1e6"
    assert c.flag_emoji("gb") == "🇬🇧"


def test_languages_of_includes_official_and_de_facto_languages() -> None:
    assert c.languages_of("UA")[0] == "uk"
    assert {"de", "fr", "it", "rm"} <= set(c.languages_of("CH"))
    assert "en" in c.languages_of("US")  # de facto, not de jure
    assert c.languages_of("AQ") == ()


def test_countries_speaking_matches_language_and_optional_script() -> None:
    assert "UA" in c.countries_speaking("uk")
    assert "FR" not in c.countries_speaking("uk")
    assert {"AT", "CH", "DE", "LI", "LU"} <= c.countries_speaking("de")
    assert "RS" in c.countries_speaking("sr-Latn")
    assert c.countries_speaking("sr-Latn") <= c.countries_speaking("sr")
    assert c.countries_speaking("zz") == frozenset()


@pytest.mark.parametrize(
    ("language", "script"),
    [
        ("uk", "Cyrl"),
        ("ka", "Geor"),
        ("ar", "Arab"),
        ("he", "Hebr"),
        ("el", "Grek"),
        ("de", "Latn"),
    ],
)
def test_scripts_of_language_gives_likely_script_first(language: str, script: str) -> None:
    assert c.scripts_of_language(language)[0] == script


def test_scripts_of_language_lists_other_official_scripts_and_respects_explicit_ones() -> None:
    assert c.scripts_of_language("sr") == ("Cyrl", "Latn")
    assert c.scripts_of_language("sr-Latn") == ("Latn",)
    assert c.scripts_of_language("qq") == ()


def test_countries_using_script() -> None:
    cyrillic = c.countries_using_script("Cyrl")
    assert {"UA", "RU", "BY", "BG", "RS", "MK", "KZ"} <= cyrillic
    assert not {"FR", "DE", "GB", "PL"} & cyrillic
    assert c.countries_using_script("geor") == c.countries_using_script("Geor")
    assert "GE" in c.countries_using_script("Geor")
    assert "IL" in c.countries_using_script("Hebr")


def test_currencies() -> None:
    assert c.currencies_of("UA") == ("UAH",)
    assert c.currencies_of("DE") == ("EUR",)
    assert c.countries_using_currency("uah") == frozenset({"UA"})
    eurozone = c.countries_using_currency("EUR")
    assert {"DE", "FR", "IE", "MT", "CY", "ME", "VA"} <= eurozone
    assert "GB" not in eurozone
    assert c.countries_using_currency("XYZ") == frozenset()


def test_display_names_for_explanations() -> None:
    assert c.language_name("uk") == "Ukrainian"
    assert c.script_name("Cyrl") == "Cyrillic"
    assert c.currency_name("uah") == "Ukrainian Hryvnia"


def test_plug_and_driving_lookups() -> None:
    assert c.plug_types_of("gb") == ("G",)
    assert "GB" in c.countries_with_plug("g")
    assert "FR" not in c.countries_with_plug("G")
    assert c.plug_types_of("AQ") == ()  # unknown, not "no sockets"
    mains = c.mains_of("US")
    assert mains is not None
    assert mains.voltages == (120,)
    assert mains.frequencies == (60,)
    assert c.driving_side_of("Japan") == "left"
    assert c.driving_side_of("FR") == "right"
    assert c.driving_side_of("AQ") is None
    assert "JP" in c.countries_driving_on("LEFT")


def test_lookups_reject_unknown_countries() -> None:
    for lookup in (c.languages_of, c.currencies_of, c.plug_types_of, c.driving_side_of):
        with pytest.raises(c.UnknownCountry):
            lookup("Atlantis")


def test_regional_languages_can_be_left_out() -> None:
    assert "hu" in c.languages_of("RS")
    assert "hu" not in c.languages_of("RS", regional=False)
    assert c.countries_speaking("uk") >= {"UA", "RS"}  # Serbia: regionally official
    assert c.countries_speaking("uk", regional=False) == frozenset({"UA"})
    assert "GE" in c.countries_using_script("Cyrl")  # Abkhaz, Ossetian
    assert "GE" not in c.countries_using_script("Cyrl", regional=False)
