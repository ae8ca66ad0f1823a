"""VICS category schemes: what each number means per region, and how codes cross schemes.

A category number means nothing without its scheme, so media store both (``category_code``,
``category_scheme``). The schemes (docs/interchange.md, "Categories", names the sources):

- ``VICS-1`` — VICS 1.x files (Project VIC / ICMEC data model 1.x, NIST CAID 1.2), the older
  DHS numbering: 0 uncategorised … 5 non-pertinent; NIST CAID writes 8 on every record for a
  known (NSRL) file, which IPED's HashDBTool reads as status "known".
- ``VICS-Default`` and ``VICS-US`` — VICS 2.0: 0 non-pertinent, 1 child abuse material, 2 child
  exploitive / age difficult, 3 CGI / animation, 4 comparison (IPED reads Default 0 as
  "known", 1 and 2 as CSAM).
- ``VICS-UK`` — VICS 2.0 UK region: 0 non-pertinent, 1–3 the UK's indecent-image severity
  categories A, B and C, 4 comparison.
- ``VICS-CUSTOM`` — a custom numbering agreed between agencies: no labels, never translated.

Category 0 per scheme: uncategorised in VICS-1 (stored as NULL, never 0), non-pertinent in every
2.0 region. An uncategorised media is written without a ``Category`` key (as Clees4All does), so
no reader takes a missing category for "non-pertinent".
"""

from __future__ import annotations

DEFAULT, US, UK, CUSTOM, V1 = "VICS-Default", "VICS-US", "VICS-UK", "VICS-CUSTOM", "VICS-1"
REGION_OF_SCHEME = {DEFAULT: "Default", US: "US", UK: "UK", CUSTOM: "CUSTOM"}
SCHEME_OF_REGION = {region: scheme for scheme, region in REGION_OF_SCHEME.items()}

_PROJECT_VIC = {0: "non-pertinent", 1: "child abuse material", 2: "exploitive / age difficult",
                3: "CGI / animation", 4: "comparison"}
LABELS: dict[str, dict[int, str]] = {
    V1: {0: "uncategorised", 1: "child abuse material", 2: "exploitive / age difficult",
         3: "CGI / animation", 4: "comparison", 5: "non-pertinent",
         8: "known file (NSRL)"},
    DEFAULT: _PROJECT_VIC,
    US: _PROJECT_VIC,
    UK: {0: "non-pertinent", 1: "category A", 2: "category B", 3: "category C",
         4: "comparison"},
    CUSTOM: {},
}
# codes that mean "uncategorised": intake stores them as NULL
UNCATEGORISED: dict[str, int] = {V1: 0, "DHS": 0}

# (from scheme, to scheme) -> {code: code}; a code missing from a table has no equivalent there
_V1_TO_PROJECT_VIC = {1: 1, 2: 2, 3: 3, 4: 4, 5: 0, 8: 0}
_TRANSLATIONS: dict[tuple[str, str], dict[int, int]] = {
    (V1, DEFAULT): _V1_TO_PROJECT_VIC,
    (V1, US): _V1_TO_PROJECT_VIC,
    (V1, UK): {4: 4, 5: 0, 8: 0},  # CAM has no A/B/C severity: left uncategorised
    (DEFAULT, US): {c: c for c in _PROJECT_VIC},
    (US, DEFAULT): {c: c for c in _PROJECT_VIC},
    (UK, DEFAULT): {0: 0, 1: 1, 2: 1, 3: 1, 4: 4},  # every UK category A-C is abuse material
    (UK, US): {0: 0, 1: 1, 2: 1, 3: 1, 4: 4},
    (DEFAULT, UK): {0: 0, 4: 4},
    (US, UK): {0: 0, 4: 4},
}


def label(code: int | None, scheme: str | None) -> str:
    """Human words for a stored category: "1 child abuse material (VICS-US)"."""
    if code is None:
        return "uncategorised"
    known = LABELS.get(scheme or "", {}).get(code)
    shown = scheme or "no scheme"
    return f"{code} {known} ({shown})" if known else f"{code} ({shown})"


def code_for(scheme: str | None, code: int | None) -> int | None:
    """The code to store: None when the scheme's code means "uncategorised"."""
    if code is None or scheme is None:
        return code
    return None if UNCATEGORISED.get(scheme) == code else code


def translate(code: int | None, source: str | None, target: str) -> int | None:
    """``code`` of scheme ``source`` in scheme ``target``; None when it has no equivalent
    there (the record is then written uncategorised: nothing is claimed that was not said)."""
    if code is None:
        return None
    if source is None or source == target:
        return code
    return _TRANSLATIONS.get((source, target), {}).get(code)
