"""The sprint's private packet-signing key, on PostgreSQL with personal logins: coordinators and
admins read it (they sign), specialists see no row, nobody but admins writes it."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from tests.db.security.raw_sql import refused, scalar
from tests.worlds.room import Room
from tests.worlds.sprint import TEST_ISSUER
from vidtask.interchange.packets import verify_packet
from vidtask.services import assessments, claims, review, sprints
from vidtask.services.packets import export_country_packets
from vidtask.services.sprints import SigningKeyMissing, signing_key


def test_a_specialist_cannot_read_or_replace_the_signing_key(room: Room) -> None:
    anna = room.db("anna")
    assert scalar(anna, "SELECT count(*) FROM sprint_signing_keys") == 0  # RLS hides the row
    assert scalar(anna, "SELECT signing_public_key FROM sprints WHERE id = :s",
                  s=room.sprint_id)  # the public half is for everyone
    with pytest.raises(SigningKeyMissing):
        signing_key(anna, room.login("anna"), room.sprint_id)
    refused(anna, "INSERT INTO sprint_signing_keys (sprint_id, algorithm, private_key, "
            "created_at) VALUES (:s, 'Ed25519', 'x', now())", s=room.sprint_id)
    refused(anna, "UPDATE sprint_signing_keys SET private_key = 'x'")
    refused(anna, "UPDATE sprints SET signing_public_key = 'x'")
    # coordinators read it to sign, but do not replace it
    cora = room.db("cora")
    assert "BEGIN PRIVATE KEY" in signing_key(cora, room.login("cora"), room.sprint_id)
    refused(cora, "UPDATE sprint_signing_keys SET private_key = 'x'")
    with room.owner.engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM sprint_signing_keys")).scalar() == 1


def test_a_coordinator_login_exports_a_signed_packet(room: Room, tmp_path: Path) -> None:
    admin = room.login("admin")
    sprints.edit_sprint(room.db("admin"), admin, room.sprint_id, **TEST_ISSUER)
    s1 = room.series_ids[0]
    claims.claim_series(room.db("anna"), room.login("anna"), s1)
    assessments.set_candidates(room.db("anna"), room.login("anna"), s1,
                               [assessments.CandidateInput("DE", 70)])
    assessments.propose(room.db("anna"), room.login("anna"), s1)
    review.confirm_countries(room.db("cody"), room.login("cody"), s1, ["DE"])
    [result] = export_country_packets(room.db("cora"), room.login("cora"), room.sprint_id,
                                      tmp_path)
    assert result.path is not None and verify_packet(result.path).ok
