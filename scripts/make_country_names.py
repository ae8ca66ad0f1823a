"""Write resources/data/country_names_en.csv: the English country names vidtask shows.

The names are exactly what `vidtask.domain.countries.country_name` computes (CLDR's English short
names via babel, pycountry's name where CLDR has none). The table only spares short commands
loading pycountry and babel (~65 ms) to print a few labels; `tests/domain/
test_countries_basic.py` fails when an upgrade of either changes a name: run this again.
Run: python scripts/make_country_names.py
"""

from __future__ import annotations

import csv
import io
import sys
from importlib.metadata import version
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
OUT = ROOT / "resources" / "data" / "country_names_en.csv"


def table_text() -> str:
    from vidtask.domain.countries import _names

    out = io.StringIO()
    out.write("# English display name per ISO 3166-1 alpha-2 code, as vidtask shows it.\n")
    out.write(f"# Source: Unicode CLDR English territory names (babel {version('babel')}), "
              f"else ISO 3166 via pycountry {version('pycountry')};\n")
    out.write("#   written by scripts/make_country_names.py from vidtask.domain.countries "
              "(do not edit by hand).\n")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["alpha2", "name"])
    for code, name in sorted(_names().items()):
        writer.writerow([code, name])
    return out.getvalue()


def main() -> int:
    OUT.write_text(table_text(), encoding="utf-8")
    print(f"wrote {OUT}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
