"""Country codes as the services need them: validation errors phrased for the user.

The reference data itself lives in `vidtask.domain.countries` (pycountry, CLDR via babel).
`country_label` reads the shipped table `resources/data/country_names_en.csv` (the same names,
written by `scripts/make_country_names.py`) so that printing a few labels does not load
pycountry and babel; anything not in it goes to `countries` as before.
"""

from __future__ import annotations

import csv
from functools import cache

from vidtask.domain.errors import InvalidInput
from vidtask.domain.resources import resource_path

NAMES_TABLE = ("data", "country_names_en.csv")


def normalize_country_code(text: str) -> str:
    """Alpha-2 for an alpha-2/alpha-3 code or a name; InvalidInput otherwise."""
    from vidtask.domain.countries import UnknownCountry, normalize_country

    try:
        return normalize_country(text)
    except UnknownCountry:
        raise InvalidInput("country", f"{text!r} is not an ISO 3166 country") from None


def read_country(text: str) -> tuple[str, str | None]:
    """Alpha-2 for what the user typed, and a note when it was not that code ("UK" → GB)."""
    code = normalize_country_code(text)
    typed = text.strip()
    if typed.upper() == code:
        return code, None
    return code, f"read {typed!r} as {code} ({country_label(code)})"


def country_label(code: str) -> str:
    name = shipped_country_names().get(code)
    if name is not None:
        return name
    from vidtask.domain.countries import UnknownCountry, country_name

    try:
        return country_name(code)
    except UnknownCountry:
        return code


@cache
def shipped_country_names() -> dict[str, str]:
    """alpha-2 -> English name from the shipped table (`countries.country_name`'s names)."""
    with resource_path(*NAMES_TABLE).open(encoding="utf-8", newline="") as lines:
        rows = csv.reader(line for line in lines if not line.startswith("#"))
        next(rows)  # header
        return {code: name for code, name in rows}
