"""A realistic, synthetic demo sprint: people, series, media hashes, claims, clues, assessments.

Everything is made up and harmless (random hashes, invented products). Deterministic for a seed:
the same seed gives the same series, clues and decisions. It goes through the services, so the
event log, permissions and four-eyes rule all hold as in real use.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from babel.languages import get_official_languages

from vidtask.db.engine import Database
from vidtask.domain.countries import currencies_of, driving_side_of, language_name, plug_types_of
from vidtask.domain.countries_basic import country_label
from vidtask.domain.enums import (
    AgeBand,
    ClueCategory,
    ClueConfidence,
    HandlingCode,
    Priority,
    Role,
    StructuredKind,
    VictimSex,
)
from vidtask.domain.errors import InvalidInput
from vidtask.services import assessments, claims, clues, comments, participants, review, sprints
from vidtask.services.series import NewSeries, create_series
from vidtask.services.sprints import SprintInfo
from vidtask.services.tx import backdated_events

DEMO_SPRINT_NAME = "VIDTF demo"

#: The agencies of a real taskforce edition (VIDTF 9), with the ISO code of their country.
AGENCIES: tuple[tuple[str, str | None], ...] = (
    ("Australian Federal Police", "AU"), ("Belgian Federal Police", "BE"),
    ("Police of Bosnia and Herzegovina", "BA"), ("Royal Canadian Mounted Police", "CA"),
    ("Danish National Police", "DK"), ("Estonian Police and Border Guard Board", "EE"),
    ("French Gendarmerie", "FR"), ("Georgian Ministry of Internal Affairs", "GE"),
    ("German Federal Criminal Police Office", "DE"), ("Hungarian National Police", "HU"),
    ("Latvian State Police", "LV"), ("Moldovan General Police Inspectorate", "MD"),
    ("Netherlands Police", "NL"), ("Norwegian Police (Kripos)", "NO"),
    ("Portuguese Judicial Police", "PT"), ("Spanish National Police", "ES"),
    ("Swiss Federal Office of Police", "CH"), ("National Police of Ukraine", "UA"),
    ("INTERPOL", None), ("US FBI", "US"), ("US ICE (HSI)", "US"),
)

FIRST_NAMES = ("Anna", "Bram", "Carla", "Dmytro", "Elin", "Farid", "Greta", "Hugo", "Ines",
               "Jonas", "Katrin", "Luka", "Marta", "Nils", "Olga", "Pieter", "Rosa", "Sander",
               "Tamar", "Ugo", "Vera", "Wim", "Yara", "Zoltan", "Ada", "Bruno", "Chloe", "Davit",
               "Eva", "Filip", "Gita", "Henrik", "Ilse", "Jan", "Kaja", "Lars", "Mia", "Noor")
LAST_NAMES = ("Berg", "Claes", "Dubois", "Eriksen", "Fischer", "Gomes", "Horvat", "Ivanova",
              "Jansen", "Kask", "Lopez", "Meier", "Novak", "Ozols", "Petrenko", "Quist", "Rossi",
              "Santos", "Tamm", "Urban", "Varga", "Weber", "Zeller", "Beridze", "Moreau")

ALIAS_COLOURS = ("Pink", "Blue", "Green", "Yellow", "Striped", "Orange", "Grey", "Teal", "Red",
                 "Lilac", "White", "Checked", "Brown", "Spotted")
ALIAS_THINGS = ("wall", "sofa", "curtain", "blanket", "lamp", "rug", "wardrobe", "kitchen",
                "bunk bed", "garden", "tiles", "door", "shelf", "window", "tent", "balcony")
PRODUCT_WORDS = ("Blorp", "Zindle", "Quaffo", "Mervik", "Snazzo", "Tululu", "Gromble",
                 "Fennik", "Plimsy", "Vortella", "Kazoo", "Dribbet")
PRODUCT_KINDS = ("shampoo bottle", "cereal box", "toothpaste tube", "juice carton",
                 "washing powder", "biscuit tin", "yoghurt pot", "crisps bag", "soap bar")

#: Countries series are "really" from; ordinary taskforce caseload spread over many states.
PRODUCTION_COUNTRIES = ("DE", "FR", "ES", "PT", "NL", "BE", "PL", "CZ", "HU", "RO", "UA", "MD",
                        "GE", "LV", "EE", "LT", "IT", "GB", "IE", "US", "CA", "AU", "BR", "MX",
                        "PH", "TH", "RU", "BY", "AT", "CH", "DK", "NO", "SE", "FI", "GR", "BG")
NEIGHBOURS = {"DE": "AT", "AT": "DE", "FR": "BE", "BE": "FR", "ES": "PT", "PT": "ES",
              "NL": "BE", "PL": "CZ", "CZ": "SK", "HU": "RO", "RO": "MD", "MD": "RO", "UA": "BY",
              "BY": "RU", "RU": "BY", "GE": "AM", "LV": "LT", "LT": "LV", "EE": "FI", "FI": "EE",
              "IT": "CH", "CH": "DE", "GB": "IE", "IE": "GB", "US": "CA", "CA": "US", "AU": "NZ",
              "BR": "PT", "MX": "US", "PH": "TH", "TH": "PH", "DK": "NO", "NO": "SE", "SE": "NO",
              "GR": "BG", "BG": "GR"}


@dataclass(frozen=True)
class DemoSummary:
    sprint: SprintInfo
    participants: int
    series: int
    media: int
    clues: int
    by_outcome: dict[str, int]


def _hex(rng: random.Random, nbytes: int) -> str:
    return rng.getrandbits(nbytes * 8).to_bytes(nbytes, "big").hex()


def _media(rng: random.Random, count: int) -> list[dict[str, Any]]:
    records: list[dict[str, Any]] = []
    for _ in range(count):
        seed = _hex(rng, 16)
        records.append({
            "md5": seed,
            "sha1": hashlib.sha1(seed.encode()).hexdigest(),
            "sha256": hashlib.sha256(seed.encode()).hexdigest(),
            "pdq": _hex(rng, 32) if rng.random() < 0.7 else None,
            "pdq_quality": rng.randint(40, 100),
            "size_bytes": rng.randint(40_000, 6_000_000),
            "mime_type": rng.choice(("image/jpeg", "image/jpeg", "image/png", "video/mp4")),
            "category_code": rng.choice((1, 1, 2, None)),
            "category_scheme": "VICS-US",
            "victim_identified": rng.random() < 0.01,
            "offender_identified": False,
            "is_distributed": rng.random() < 0.3,
            "vics_media_id": None,
            "extra": {},
        })
    # MD5 is unique per series; random 128-bit values never collide in practice.
    return records


def _language_and_currency(country: str) -> tuple[str | None, str | None]:
    # The same reference data narrowing uses, so demo clues are always valid values.
    languages = get_official_languages(country, de_facto=True)
    currencies = currencies_of(country)
    return (languages[0] if languages else None), (currencies[0] if currencies else None)


def _clue_inputs(rng: random.Random, country: str, media_md5s: list[str]) -> list[clues.ClueInput]:
    language, currency = _language_and_currency(country)
    other = NEIGHBOURS.get(country, "DE")
    picks: list[clues.ClueInput] = []

    def evidence() -> dict[str, str]:
        return {"evidence_md5": rng.choice(media_md5s),
                "evidence_time": f"00:{rng.randint(0, 59):02d}",
                "evidence_region": f"{rng.randint(0, 800)},{rng.randint(0, 600)},120,80"}

    if language:
        picks.append(clues.ClueInput(
            ClueCategory.TEXT, "Handwritten note on the fridge; the words look like "
            f"{language_name(language)}.", kind=StructuredKind.LANGUAGE, value=language,
            confidence=rng.choice((ClueConfidence.MEDIUM, ClueConfidence.HIGH)), **evidence()))
    if currency and rng.random() < 0.6:
        picks.append(clues.ClueInput(
            ClueCategory.CURRENCY, f"Coins on the table resemble {currency} coins.",
            kind=StructuredKind.CURRENCY, value=currency, confidence=ClueConfidence.MEDIUM,
            **evidence()))
    sockets = plug_types_of(country)
    if sockets and rng.random() < 0.6:
        picks.append(clues.ClueInput(
            ClueCategory.ELECTRICAL, f"Wall socket by the bed looks like type {sockets[0]}.",
            kind=StructuredKind.SOCKET, value=sockets[0],
            confidence=rng.choice((ClueConfidence.MEDIUM, ClueConfidence.HIGH)), **evidence()))
    side = driving_side_of(country)
    if side and rng.random() < 0.3:
        picks.append(clues.ClueInput(
            ClueCategory.VEHICLE, f"Through the window, parked cars face traffic keeping {side}.",
            kind=StructuredKind.DRIVING_SIDE, value=side, confidence=ClueConfidence.LOW,
            **evidence()))
    product = f"{rng.choice(PRODUCT_WORDS)} {rng.choice(PRODUCT_KINDS)}"
    picks.append(clues.ClueInput(
        ClueCategory.PRODUCT, f"A {product} on the shelf (made-up brand); retailer says it is "
        f"sold only in {country_label(country)} and {country_label(other)}.",
        supports=(country, other), confidence=ClueConfidence.MEDIUM, **evidence()))
    if rng.random() < 0.5:
        picks.append(clues.ClueInput(
            rng.choice((ClueCategory.ARCHITECTURE, ClueCategory.WALLPAPER, ClueCategory.FURNITURE)),
            "Flat-pack furniture model sold in 40 countries: does not narrow the search.",
            confidence=ClueConfidence.LOW, **evidence()))
    if rng.random() < 0.4:
        far = rng.choice([c for c in PRODUCTION_COUNTRIES if c not in (country, other)])
        picks.append(clues.ClueInput(
            ClueCategory.TV_RADIO, f"TV channel logo not broadcast in {country_label(far)}.",
            excludes=(far,), confidence=ClueConfidence.HIGH, **evidence()))
    return picks


WORKDAY_START = time(8)
WORKDAY = timedelta(hours=10)
HELD_WINDOW = timedelta(hours=6)


def _work_time(outcome: str, fraction: float, start: date, now: datetime) -> datetime:
    """When the demo's work on a series happened, so the event log spans the sprint's days.

    Finished series spread over the working hours of the days before today, a little slower at
    first; series still held were worked on in the last hours (some of their holders look stuck).
    """
    if outcome in ("claimed", "in_assessment"):
        return now - HELD_WINDOW * (1 - fraction)
    days = max((now.date() - start).days, 1)
    position = WORKDAY * days * fraction ** 1.25
    day = int(position / WORKDAY)
    return datetime.combine(start + timedelta(days=day), WORKDAY_START, UTC) + (
        position - WORKDAY * day)


STEP = timedelta(minutes=5)  # between one step of the work on a series and the next


def _later(at: datetime, steps: int, now: datetime) -> datetime:
    """The time of the `steps`-th step after `at`: the log keeps the work's real order
    (claim, clues, assessment, proposal), never in the future."""
    return min(at + STEP * steps, now)


def generate_demo(db: Database, *, series_count: int = 320, seed: int = 7,
                  sprint_name: str = DEMO_SPRINT_NAME, today: date | None = None,
                  progress: Callable[[int, int], None] | None = None) -> DemoSummary:
    """Fill the database with a demo sprint. Refuses if a sprint of that name exists."""
    if series_count < 1 or series_count > 20_000:
        raise InvalidInput("series", "choose between 1 and 20,000 demo series")
    rng = random.Random(seed)
    today = today or date.today()
    now = datetime.now(UTC)
    if now.date() != today:
        now = datetime.combine(today, time(17), UTC)
    existing = [s for s in sprints.list_sprints(db) if s.name == sprint_name]
    if existing:
        raise InvalidInput("demo", f"a sprint called {sprint_name!r} already exists in this "
                                   "database; use another database or --sprint-name")

    # People: bootstrap an admin (the first participant needs no actor), then the rest.
    if not participants.list_participants(db):
        participants.add_participant(db, None, "admin", "Sprint Administrator", role=Role.ADMIN,
                                     agency="Europol", country="NL", languages=("en",))
    people: list[tuple[str, Role]] = []
    used_logins = {p.login for p in participants.list_participants(db)}
    coordinators_left = 4
    for index in range(40):
        agency, country = AGENCIES[index % len(AGENCIES)]
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        login = f"{first}.{last}".lower()
        while login in used_logins:
            login = f"{first}.{last}{rng.randint(2, 99)}".lower()
        used_logins.add(login)
        role = Role.COORDINATOR if coordinators_left and index % 10 == 9 else Role.SPECIALIST
        coordinators_left -= role == Role.COORDINATOR
        spoken = tuple(dict.fromkeys(
            [*(get_official_languages(country, de_facto=True)[:1] if country else ()), "en"]))
        participants.add_participant(db, "admin", login, f"{first} {last}", role=role,
                                     agency=agency, country=country, languages=spoken)
        people.append((login, role))
    specialists = [login for login, role in people if role == Role.SPECIALIST]
    coordinators = [login for login, role in people if role == Role.COORDINATOR]

    start = today - timedelta(days=7)
    sprint, _ = sprints.create_sprint(
        db, "admin", sprint_name, start, start + timedelta(days=13),
        organiser="Europol (demo)",
        issuing_unit="Europol AP Twins — Victim Identification Taskforce",
        contact_name="VIDTF duty desk", contact_email="vidtf-desk@example.invalid",
        contact_phone="+31 70 000 0000")

    specs: list[NewSeries] = []
    truth: dict[str, str] = {}
    for number in range(1, series_count + 1):
        code = f"VIDTF-D-{number:04d}"
        truth[code] = rng.choice(PRODUCTION_COUNTRIES)
        specs.append(NewSeries(
            code=code, alias=f"{rng.choice(ALIAS_COLOURS)} {rng.choice(ALIAS_THINGS)}",
            icse_id=f"ICSE-{rng.randint(10000, 99999)}" if rng.random() < 0.5 else None,
            ncmec_name=f"Series{rng.choice(PRODUCT_WORDS)}{number}" if rng.random() < 0.3
            else None,
            vics_name=f"demo-{number:04d}",
            priority=rng.choice((Priority.URGENT, Priority.HIGH, Priority.NORMAL,
                                 Priority.NORMAL, Priority.LOW)),
            handling=rng.choice((HandlingCode.H0, HandlingCode.H0, HandlingCode.H1)),
            victim_sex=rng.choice(tuple(VictimSex)),
            victim_age_band=rng.choice(tuple(AgeBand)).value,
            production_period=f"{rng.randint(2015, 2024)}–{rng.randint(2024, 2025)}",
            in_icse=rng.random() < 0.6,
            media=_media(rng, rng.randint(4, 30))))
    for chunk in range(0, len(specs), 200):
        create_series(db, "admin", sprint.id, specs[chunk:chunk + 200])

    from vidtask.services.series import list_series

    rows = list_series(db, sprint.id)
    outcomes = {"new": 0, "claimed": 0, "in_assessment": 0, "proposed": 0, "confirmed": 0,
                "eliminated": 0}
    clue_total = 0
    for index, row in enumerate(rows):
        if progress:
            progress(index, len(rows))
        roll = rng.random()
        outcome = ("new" if roll < 0.40 else "claimed" if roll < 0.48 else
                   "in_assessment" if roll < 0.62 else "proposed" if roll < 0.74 else
                   "confirmed" if roll < 0.94 else "eliminated")
        outcomes[outcome] += 1
        if outcome == "new":
            continue
        at = _work_time(outcome, index / len(rows), start, now)
        with backdated_events(at):
            specialist = rng.choice(specialists)
            claims.claim_series(db, specialist, row.id)
            if outcome == "claimed":
                continue
            country = truth[row.code]
            from vidtask.services.series_detail import get_series_detail

            md5s = [m.md5 for m in get_series_detail(db, row.id).media]
            step = 0
            for step, clue in enumerate(_clue_inputs(rng, country, md5s), start=1):
                with backdated_events(_later(at, step, now)):  # clues first, one by one
                    clues.add_clue(db, specialist, row.id, clue)
                clue_total += 1
            second = NEIGHBOURS.get(country, "DE")
            with backdated_events(_later(at, step + 1, now)):  # then the assessment
                assessments.set_candidates(db, specialist, row.id, [
                    assessments.CandidateInput(
                        country, rng.randint(55, 90),
                        "Language, currency and product availability agree."),
                    assessments.CandidateInput(
                        second, rng.randint(10, 40),
                        "Product also sold here; language less likely."),
                ])
            if outcome == "in_assessment":
                if rng.random() < 0.3:
                    with backdated_events(_later(at, step + 2, now)):
                        comments.add_comment(db, specialist, row.id,
                                             "Checking the socket type against reference photos.")
                continue
            with backdated_events(_later(at, step + 2, now)):  # then the decision
                if outcome == "eliminated":
                    review.eliminate(db, rng.choice(coordinators), row.id,
                                     "Too widespread: every clue points to products sold "
                                     "EU-wide.")
                    continue
                assessments.propose(db, specialist, row.id)
            if outcome == "confirmed":
                # Coordinators confirm some hours after the proposal: the burn-up's lines part.
                with backdated_events(min(at + timedelta(hours=1 + 3 * (index % 7)), now)):
                    review.confirm_countries(db, rng.choice(coordinators), row.id, [country])
    if progress:
        progress(len(rows), len(rows))
    media_total = sum(len(s.media) for s in specs)
    return DemoSummary(sprint, len(people) + 1, len(rows), media_total, clue_total, outcomes)
