"""Write resources/data/territory_population.csv from Unicode CLDR's supplementalData.xml.

The input is CLDR's own file, as the Debian package unicode-cldr-core installs it
(/usr/share/unicode/cldr/common/supplemental/supplementalData.xml); pass another path for a newer
CLDR. Columns: alpha2, population (territoryInfo), un_member (territoryContainment group "UN").
Run: python scripts/make_territory_table.py [SUPPLEMENTAL_DATA_XML [CLDR_RELEASE]]
"""

from __future__ import annotations

import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pycountry

DEFAULT = Path("/usr/share/unicode/cldr/common/supplemental/supplementalData.xml")
OUT = Path(__file__).resolve().parent.parent / "resources" / "data" / "territory_population.csv"


def main() -> int:
    source = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT
    root = ET.parse(source).getroot()
    # The file carries no version number; name the release it came from.
    label = sys.argv[2] if len(sys.argv) > 2 else "41 (Debian unicode-cldr-core 41-0.1)"
    un = next(g.get("contains", "").split() for g in root.iter("group") if g.get("type") == "UN"
              and g.get("status") is None)
    population = {t.get("type"): int(float(t.get("population", "0")))
                  for t in root.iter("territory") if t.get("population")}
    iso = {entry.alpha_2 for entry in pycountry.countries}
    lines = [
        "# Population and United Nations membership per ISO 3166-1 alpha-2 territory.",
        f"# Source: Unicode CLDR {label} supplementalData.xml: territoryInfo/@population and the",
        "#   territoryContainment group \"UN\" (https://cldr.unicode.org, Unicode licence),",
        "#   as installed by Debian's unicode-cldr-core package; written by",
        "#   scripts/make_territory_table.py (do not edit by hand). Territories CLDR gives no",
        "#   population are left out: no row means \"unknown\".",
        "alpha2,population,un_member",
    ]
    for code in sorted(iso | {"XK"}):
        if code in population:
            lines.append(f"{code},{population[code]},{'yes' if code in un else 'no'}")
    OUT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {len(lines) - 7} rows to {OUT}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
