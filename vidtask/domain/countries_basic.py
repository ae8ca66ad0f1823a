"""ISO 3166-1 country codes via pycountry: validation and names (never a hand-typed list)."""

from __future__ import annotations

from functools import cache

import pycountry

from vidtask.domain.errors import InvalidInput


@cache
def _by_alpha2() -> dict[str, str]:
    return {c.alpha_2: getattr(c, "common_name", None) or c.name for c in pycountry.countries}


def is_country_code(code: str) -> bool:
    return code.upper() in _by_alpha2()


def normalize_country_code(text: str) -> str:
    """Alpha-2 for an alpha-2/alpha-3 code or a name; a clear error otherwise."""
    value = text.strip()
    if value.upper() in _by_alpha2():
        return value.upper()
    try:
        return str(pycountry.countries.lookup(value).alpha_2)
    except LookupError:
        raise InvalidInput("country", f"{text!r} is not an ISO 3166 country") from None


def country_label(code: str) -> str:
    return _by_alpha2().get(code.upper(), code)
