"""Every stored code a person may see has human words (statuses, roles, categories, events)."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from vidtask.domain import dates, wording
from vidtask.domain.enums import (
    AppealOutcome,
    AppealStatus,
    ClueCategory,
    PacketStatus,
    Role,
    SeriesStatus,
    StructuredKind,
    TipStatus,
)

VIDTASK = Path(__file__).resolve().parents[2] / "vidtask"


@pytest.mark.parametrize(("table", "enum"), [
    (wording.SERIES_STATUS, SeriesStatus), (wording.ROLE, Role),
    (wording.CLUE_CATEGORY, ClueCategory), (wording.STRUCTURED_KIND, StructuredKind),
    (wording.PACKET_STATUS, PacketStatus), (wording.APPEAL_STATUS, AppealStatus),
    (wording.TIP_STATUS, TipStatus), (wording.APPEAL_OUTCOME, AppealOutcome),
])
def test_every_enum_value_has_words_without_underscores(table: dict[str, str],
                                                         enum: type) -> None:
    for member in enum:
        assert member.value in table, f"{enum.__name__}.{member.name} has no label"
        assert "_" not in table[member.value]


def test_every_action_a_service_emits_has_words() -> None:
    emitted: set[str] = set()
    for path in VIDTASK.rglob("*.py"):
        emitted |= set(re.findall(r"""emit\(\s*["']([a-z_]+\.[a-z_]+)["']""", path.read_text()))
        emitted |= set(re.findall(r"""^[A-Z_]+_EVENT\s*=\s*["']([a-z_]+\.[a-z_]+)["']""",
                                  path.read_text(), flags=re.MULTILINE))
    assert emitted, "the scan found no emitted actions: the pattern is out of date"
    missing = sorted(emitted - wording.EVENT_ACTION.keys())
    assert not missing, f"actions without human words: {missing}"


def test_in_assessment_reads_as_words() -> None:
    assert wording.series_status("in_assessment") == "being assessed"
    assert wording.clue_category("tv_radio") == "TV or radio"


def test_dates_follow_the_chosen_locale_and_c_reads_as_british() -> None:
    moment = datetime(2026, 12, 1, 17, 5, tzinfo=UTC)
    try:
        dates.set_user_locale("C")
        assert dates.format_date(date(2026, 12, 1)) == "1 Dec 2026"
        assert dates.format_datetime(moment, utc=True) == "1 Dec 2026, 17:05 UTC"
        dates.set_user_locale("de_DE")
        assert dates.format_date(date(2026, 12, 1)) == "01.12.2026"
        dates.set_user_locale("en-US")
        assert dates.format_datetime(moment, utc=True).replace("\u202f", " ") == (
            "Dec 1, 2026, 5:05 PM UTC")
    finally:
        dates.set_user_locale(None)


def test_seconds_and_a_chart_day_follow_the_locale_too() -> None:
    moment = datetime(2026, 12, 1, 17, 5, 9, tzinfo=UTC)
    assert dates.format_datetime(moment, utc=True, seconds=True, locale="en_GB") == (
        "1 Dec 2026, 17:05:09 UTC")
    assert dates.format_time(moment, utc=True, seconds=True, locale="de_DE") == "17:05:09 UTC"
    assert dates.format_day(date(2026, 12, 1), locale="en_GB") == "1 Dec"
    assert dates.format_day(date(2026, 12, 1), locale="en_US") == "Dec 1"


@pytest.mark.parametrize(("stored", "words"), [
    ("177,552,120,80", "region 120 × 80 px at (177, 552)"),
    (" 0, 0 ,50,50 ", "region 50 × 50 px at (0, 0)"),
    ("top left", "region top left"),
    ("appeal object G19", "region appeal object G19"),
    ("", ""), (None, "")])
def test_an_evidence_region_reads_in_words(stored: str | None, words: str) -> None:
    assert wording.evidence_region(stored) == words
