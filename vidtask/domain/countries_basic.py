"""Country codes as the services need them: validation errors phrased for the user.

The reference data itself lives in `vidtask.domain.countries` (pycountry, CLDR via babel).
"""

from __future__ import annotations

from vidtask.domain.countries import UnknownCountry, country_name, normalize_country
from vidtask.domain.errors import InvalidInput


def normalize_country_code(text: str) -> str:
    """Alpha-2 for an alpha-2/alpha-3 code or a name; InvalidInput otherwise."""
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
    try:
        return country_name(code)
    except UnknownCountry:
        return code
