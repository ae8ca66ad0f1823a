"""Tips: a form's file with duplicates and bad rows imports with the right counts, re-import adds
nothing, contacts stay apart, triage follows the rules, and a tip becomes a clue that moves the
country ranking."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from tests.worlds.appeals import published, tips_csv
from tests.worlds.sprint import World
from vidtask.db.models import Event, Tip, TipContact
from vidtask.domain.errors import ClaimRequired, InvalidInput, PermissionDenied
from vidtask.interchange.tips_file import TipsFileError
from vidtask.services import claims, tips
from vidtask.services.narrowing import series_ranking

ROWS = [
    "G19,2026-06-03T10:00:00Z,Sold at Lidl in Germany,DE,anna@example.invalid",
    "G19,2026-06-03T14:00:00+02:00,\"sold at LIDL, in germany!\",Germany,",  # duplicate
    "G19,2026-06-03T10:00:00Z,Sold at Lidl in Germany,DE,anna@example.invalid",  # repeated row
    "G20,2026-06-04T09:30:00Z,My grandmother had this wallpaper in Kraków,Kraków,+48 123",
    "G20,2026-06-04,a date without a time,PL,",  # malformed: no time
    "G99,2026-06-04T09:30:00Z,unknown object,PL,",  # malformed: no such object
    "G20,2026-06-05T08:00:00Z,,PL,",  # malformed: no text
    "G20,yesterday,bad time,PL,",  # malformed
]


@pytest.fixture
def on_appeal(world: World, tmp_path: Path) -> World:
    published(world, tmp_path / "site", "G19", "G20")
    return world


def test_a_file_with_duplicates_and_bad_rows_imports_with_the_right_counts(
        on_appeal: World, tmp_path: Path) -> None:
    path = tips_csv(tmp_path / "tips.csv", ROWS)
    report = tips.import_tips(on_appeal.db, "cora", path)
    assert (report.rows, report.added, report.duplicates, report.already, report.malformed) == (
        8, 3, 1, 1, 4)
    assert report.per_object == {"G19": 2, "G20": 1}
    assert report.problems == [
        "line 6: received_at '2026-06-04' is not an ISO 8601 date and time "
        "(e.g. 2026-06-03T14:05:00+02:00)",
        "line 7: no appeal object G99 exists", "line 8: text is empty",
        "line 9: received_at 'yesterday' is not an ISO 8601 date and time "
        "(e.g. 2026-06-03T14:05:00+02:00)"]
    assert report.summary() == ("8 rows: 3 new tips (1 duplicate grouped), 1 already imported, "
                                "4 malformed")
    listed = tips.list_tips(on_appeal.db, on_appeal.sprint_id)
    assert [(t.public_id, t.status, t.suggested_country, t.group_size) for t in listed] == [
        ("G19", "new", "DE", 2), ("G19", "duplicate", "DE", 2), ("G20", "new", None, 1)]
    assert listed[2].suggested_place == "Kraków"

    again = tips.import_tips(on_appeal.db, "cora", path)
    assert (again.added, again.already, again.malformed) == (0, 4, 4)
    with on_appeal.db.read() as session:
        assert session.scalar(select(func.count()).select_from(Tip)) == 3
        assert session.scalar(select(func.count()).select_from(TipContact)) == 2


def test_json_from_the_form_imports_the_same_way(on_appeal: World, tmp_path: Path) -> None:
    path = tmp_path / "tips.json"
    path.write_text(json.dumps([
        {"public_id": "g19", "received_at": "2026-06-03T10:00:00Z", "text": "Seen in Aldi",
         "suggested_country": "AT", "contact": "", "unknown_key": 1},
        {"public_id": "G19", "received_at": "2026-06-03T12:00:00Z", "text": "  seen in ALDI. ",
         "suggested_country": "Austria"},
        {"public_id": "G20", "received_at": 5, "text": "x"},
        "not an object",
    ]), encoding="utf-8")
    report = tips.import_tips(on_appeal.db, "cora", path)
    assert (report.rows, report.added, report.duplicates, report.malformed) == (4, 2, 1, 2)
    assert report.problems[1] == "record 4: is not an object with public_id, received_at, text"


def test_files_that_are_not_tips_files_import_nothing(on_appeal: World, tmp_path: Path) -> None:
    wrong = tmp_path / "wrong.csv"
    wrong.write_text("object,when,what\nG19,2026-06-03T10:00:00Z,x\n", encoding="utf-8")
    with pytest.raises(TipsFileError, match="no public_id, received_at, text column"):
        tips.import_tips(on_appeal.db, "cora", wrong)
    broken = tmp_path / "broken.json"
    broken.write_text('[{"public_id": "G19", "received_at": "2026-06-03T10:00:00Z", '
                      '"text": "ok"}, {"public_id": ', encoding="utf-8")
    with pytest.raises(TipsFileError, match="breaks after record 1"):
        tips.import_tips(on_appeal.db, "cora", broken)
    bomb = tmp_path / "bomb.json"
    bomb.write_text('[{"public_id": "G19", "n": ' + "9" * 500 + "}]", encoding="utf-8")
    with pytest.raises(TipsFileError, match="longer than 100 digits"):
        tips.import_tips(on_appeal.db, "cora", bomb)
    with on_appeal.db.read() as session:  # one transaction per file: nothing half-imported
        assert session.scalar(select(func.count()).select_from(Tip)) == 0


def test_contacts_are_held_apart_and_shown_to_coordinators_only(
        on_appeal: World, tmp_path: Path) -> None:
    tips.import_tips(on_appeal.db, "cora", tips_csv(tmp_path / "t.csv", ROWS[:1]))
    written = tips.record_tip(on_appeal.db, "anna", "G20", "Phoned in: the flyer is Polish",
                              suggested="Poland", contact="+48 555 0101", channel="phone")
    assert written.status == "new"
    first = tips.list_tips(on_appeal.db, on_appeal.sprint_id)[0]
    assert tips.tip_detail(on_appeal.db, "coordinator", first.id).contact == \
        "anna@example.invalid"
    assert tips.tip_detail(on_appeal.db, "specialist", first.id).contact is None
    assert tips.tip_detail(on_appeal.db, "coordinator", written.tip_id).source == \
        "phone, taken by anna"
    with on_appeal.db.read() as session:
        columns = {c.name for c in Tip.__table__.columns}
        events = json.dumps([(e.before, e.after) for e in session.scalars(select(Event))])
    assert "contact" not in columns
    assert "anna@example.invalid" not in events and "555 0101" not in events
    with pytest.raises(PermissionDenied):  # files carry contacts: coordinators import them
        tips.import_tips(on_appeal.db, "anna", tmp_path / "t.csv")


def test_triage_follows_the_rules(on_appeal: World, tmp_path: Path) -> None:
    tips.import_tips(on_appeal.db, "cora", tips_csv(tmp_path / "t.csv", ROWS[:2]))
    first, second = (t.id for t in tips.list_tips(on_appeal.db, on_appeal.sprint_id))
    tips.triage_tip(on_appeal.db, "anna", f"TIP-{first}", "relevant")
    with pytest.raises(InvalidInput, match="duplicate; it cannot become disseminated"):
        tips.triage_tip(on_appeal.db, "anna", second, "disseminated")
    tips.triage_tip(on_appeal.db, "bert", second, "not relevant")
    tips.triage_tip(on_appeal.db, "bert", second, "new")  # a wrong key press undone
    with pytest.raises(InvalidInput, match="not a tip state"):
        tips.triage_tip(on_appeal.db, "anna", first, "maybe")
    detail = tips.tip_detail(on_appeal.db, "specialist", first)
    assert (detail.status, detail.triaged_by, detail.group_size) == ("relevant", "anna", 2)


def test_a_tip_becomes_a_clue_that_moves_the_ranking(on_appeal: World, tmp_path: Path) -> None:
    tips.import_tips(on_appeal.db, "cora", tips_csv(tmp_path / "t.csv", ROWS[:1] + ROWS[3:4]))
    de_tip, pl_tip = (t.id for t in tips.list_tips(on_appeal.db, on_appeal.sprint_id))
    series_id = on_appeal.series_ids[0]
    before = series_ranking(on_appeal.db, series_id)
    assert before.listed() == []
    with pytest.raises(ClaimRequired):
        tips.tip_to_clue(on_appeal.db, "anna", de_tip)
    claims.claim_series(on_appeal.db, "anna", series_id)
    clue_id, changes = tips.tip_to_clue(on_appeal.db, "anna", de_tip)
    assert changes.has_actions("clue.added", "tip.clue_made")
    after = series_ranking(on_appeal.db, series_id)
    assert after.listed()[0].country == "DE" and clue_id in after.clue_ids
    detail = tips.tip_detail(on_appeal.db, "specialist", de_tip)
    assert (detail.status, detail.clue_id) == ("developed", clue_id)
    from vidtask.services.series_detail import get_series_detail

    clue = next(c for c in get_series_detail(on_appeal.db, series_id).clues if c.id == clue_id)
    assert tuple(clue.supports) == ("DE",) and f"TIP-{de_tip}" in clue.description
    assert clue.category == "product"  # a shampoo bottle
    with pytest.raises(InvalidInput, match="already clue"):
        tips.tip_to_clue(on_appeal.db, "anna", de_tip)
    tips.triage_tip(on_appeal.db, "anna", de_tip, "disseminated")
    with pytest.raises(InvalidInput, match="names no country vidtask can read"):
        tips.tip_to_clue(on_appeal.db, "anna", pl_tip)  # "Kraków": a place, for a person
