"""The shipped English names table says exactly what `countries.country_name` computes."""

from __future__ import annotations

import subprocess
import sys

from vidtask.domain import countries, countries_basic


def test_the_shipped_table_matches_cldr_and_pycountry() -> None:
    assert countries_basic.shipped_country_names() == countries._names(), (
        "babel or pycountry changed a name: run `python scripts/make_country_names.py`")


def test_country_label_of_codes_and_names() -> None:
    assert countries_basic.country_label("RU") == countries.country_name("RU") == "Russia"
    assert countries_basic.country_label("deu") == "Germany"  # not a table key: full lookup
    assert countries_basic.country_label("XX") == "XX"


def test_a_label_needs_neither_pycountry_nor_babel() -> None:
    script = ("import sys; from vidtask.domain.countries_basic import country_label; "
              "country_label('DE'); print(sorted(m for m in sys.modules "
              "if m.split('.')[0] in ('pycountry', 'babel')))")
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            check=True)
    assert result.stdout.strip() == "[]"
