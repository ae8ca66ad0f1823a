"""Trace an Object against raw SQL as personal logins: the database itself keeps contact details
from specialists, approval four-eyes, and a tip's evidence unchanged (migration 0007)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.db.security.raw_sql import participant_id, refused, run, scalar
from tests.worlds.appeals import tips_csv
from tests.worlds.crops import jpeg_with_metadata
from tests.worlds.room import Room
from vidtask.services import appeals, claims, tips


def _draft(room: Room, short: str = "cora", public: str = "G19") -> int:
    db, login = room.db(short), room.login(short)
    return appeals.create_appeal(db, login, room.series_ids[0], jpeg_with_metadata((200, 120)),
                                 object_type="shopping bag", question="Where is it from?",
                                 public=public).appeal_id


@pytest.fixture
def on_appeal(room: Room, tmp_path: Path) -> int:
    """G19, drafted by cora, approved by cody, published; two tips with contacts."""
    appeal_id = _draft(room)
    appeals.approve_appeal(room.db("cody"), room.login("cody"), appeal_id)
    appeals.publish_appeals(room.db("cody"), room.login("cody"), tmp_path / "site")
    tips.import_tips(room.db("cora"), room.login("cora"), tips_csv(tmp_path / "t.csv", [
        "G19,2026-06-03T10:00:00Z,Sold at Lidl,DE,tipster@example.invalid",
        "G19,2026-06-03T11:00:00Z,Seen in Poland,PL,+48 555 0101"]))
    return appeal_id


def test_contact_details_are_unreadable_by_a_specialist(room: Room, on_appeal: int) -> None:
    assert scalar(room.db("cora"), "SELECT count(*) FROM tip_contacts") == 2
    for short in ("anna", "bert"):
        assert "permission denied" in refused(room.db(short),
                                              "SELECT contact FROM tip_contacts")
    # nor through the tips table or the event log
    for sql in ("SELECT string_agg(t::text, ' ') FROM tips t",
                "SELECT string_agg(coalesce(after::text, ''), ' ') FROM events"):
        seen = scalar(room.db("anna"), sql) or ""
        assert "tipster@example.invalid" not in seen and "555 0101" not in seen
    # a specialist taking a call records the contact, and still cannot read it back
    written = tips.record_tip(room.db("anna"), room.login("anna"), "G19", "Phoned in",
                              contact="+31 20 555 0000", suggested="NL")
    assert scalar(room.owner, "SELECT contact FROM tip_contacts WHERE tip_id = :t",
                  t=written.tip_id) == "+31 20 555 0000"
    refused(room.db("anna"), "SELECT contact FROM tip_contacts WHERE tip_id = :t",
            t=written.tip_id)
    # …and cannot attach a contact to somebody else's tip
    other = scalar(room.owner, "SELECT min(id) FROM tips")
    run(room.owner, "DELETE FROM tip_contacts WHERE tip_id = :t", t=other)
    assert "row-level security" in refused(
        room.db("anna"), "INSERT INTO tip_contacts (tip_id, contact) VALUES (:t, 'x')", t=other)


def test_a_coordinator_cannot_approve_their_own_appeal(room: Room) -> None:
    appeal_id = _draft(room)
    cora, cody = room.db("cora"), room.db("cody")
    assert "four-eyes" in refused(
        cora, "UPDATE appeal_objects SET status = 'approved' WHERE id = :i", i=appeal_id)
    # naming somebody else as approver changes nothing: the approver is the session's login
    assert "four-eyes" in refused(
        cora, "UPDATE appeal_objects SET status = 'approved', approved_by_id = :c "
        "WHERE id = :i", c=participant_id(room, "cody"), i=appeal_id)
    # nor does making somebody else the author first: authorship is the database's
    run(cora, "UPDATE appeal_objects SET created_by_id = :c WHERE id = :i",
        c=participant_id(room, "cody"), i=appeal_id)
    assert scalar(room.owner, "SELECT created_by_id FROM appeal_objects WHERE id = :i",
                  i=appeal_id) == participant_id(room, "cora")
    assert "only coordinators" in refused(
        room.db("anna"), "UPDATE appeal_objects SET status = 'approved' WHERE id = :i",
        i=appeal_id)
    # straight to published is no shortcut
    assert "cannot go from draft to published" in refused(
        cody, "UPDATE appeal_objects SET status = 'published' WHERE id = :i", i=appeal_id)
    assert run(cody, "UPDATE appeal_objects SET status = 'approved', approved_by_id = :a "
               "WHERE id = :i", a=participant_id(room, "anna"), i=appeal_id) == 1
    assert scalar(room.owner, "SELECT approved_by_id FROM appeal_objects WHERE id = :i",
                  i=appeal_id) == participant_id(room, "cody")
    # what was approved is what gets published
    assert "only a draft may change" in refused(
        cora, "UPDATE appeal_objects SET question = 'Who is this?' WHERE id = :i", i=appeal_id)


def test_a_specialist_drafts_only_on_a_series_they_hold(room: Room) -> None:
    anna = room.db("anna")
    with pytest.raises(Exception, match="Claim series"):
        _draft(room, "anna")
    refused(anna, "INSERT INTO appeal_objects (series_id, public_id, object_type, question, "
            "region_hint, crop_image, crop_mime, crop_width, crop_height, status, outcome_note, "
            "withdrawn_reason, created_by_id, created_at, updated_at, version) VALUES "
            "(:s, 'X1', 'bag', 'q', '', 'x', 'image/png', 1, 1, 'draft', '', '', :me, now(), "
            "now(), 1)", s=room.series_ids[0], me=participant_id(room, "anna"))
    claims.claim_series(anna, room.login("anna"), room.series_ids[0])
    _draft(room, "anna", "A1")


def test_a_tip_is_evidence_only_its_triage_changes(room: Room, on_appeal: int) -> None:
    anna = room.db("anna")
    tip = scalar(room.owner, "SELECT min(id) FROM tips")
    assert "only its triage changes" in refused(
        anna, "UPDATE tips SET text = 'rewritten' WHERE id = :t", t=tip)
    refused(room.db("cora"), "UPDATE tips SET suggested_country = 'FR' WHERE id = :t", t=tip)
    assert "cannot go from new to disseminated" in refused(
        anna, "UPDATE tips SET status = 'disseminated' WHERE id = :t", t=tip)
    assert run(anna, "UPDATE tips SET status = 'relevant', triaged_by_id = :c WHERE id = :t",
               c=participant_id(room, "cody"), t=tip) == 1
    assert scalar(room.owner, "SELECT triaged_by_id FROM tips WHERE id = :t",
                  t=tip) == participant_id(room, "anna")
    refused(anna, "INSERT INTO tips (appeal_object_id, received_at, channel, source, text, "
            "text_key, fingerprint, suggested_place, status, recorded_by_id) VALUES "
            "(:o, now(), 'web form', '', 'x', 'k', 'f', '', 'developed', :me)",
            o=on_appeal, me=participant_id(room, "anna"))
