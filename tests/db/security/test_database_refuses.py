"""Raw SQL through the same engine the app uses: the database itself refuses what a role may not
do, even when the app's own checks are bypassed."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import text

from tests.db.security.raw_sql import participant_id, query, refused, run, scalar
from tests.worlds.room import Room
from vidtask.services import assessments, claims, clues


def bert_holds_s2_with_a_clue(room: Room) -> int:
    claims.claim_series(room.db("bert"), room.login("bert"), room.series_ids[1])
    clue_id, _ = clues.add_clue(room.db("bert"), room.login("bert"), room.series_ids[1],
                                clues.ClueInput(category="toy", description="Bert's clue"))
    return clue_id


# ------------------------------------------------------------------ clues and assessments

def test_a_specialist_cannot_edit_add_move_or_delete_anothers_clue(room: Room) -> None:
    clue_id = bert_holds_s2_with_a_clue(room)
    anna = room.db("anna")
    message = refused(anna, "UPDATE clues SET description = 'anna was here' WHERE id = :i",
                      i=clue_id)
    assert "row-level security" in message
    refused(anna, "UPDATE clues SET series_id = :s WHERE id = :i", s=room.series_ids[0],
            i=clue_id)  # moving is not even a granted column
    refused(anna, "INSERT INTO clues (series_id, category, description, kind, evidence_time, "
            "evidence_region, confidence, supports, excludes, handling, author_id, created_at, "
            "updated_at, updated_by_id, version) VALUES (:s, 'toy', 'planted', 'none', '', '', "
            "'low', '[]', '[]', 'H0', :me, now(), now(), :me, 1)",
            s=room.series_ids[1], me=participant_id(room, "anna"))
    # Row-level security hides the row from DELETE: nothing goes, silently.
    assert run(anna, "DELETE FROM clues WHERE id = :i", i=clue_id) == 0
    assert scalar(room.owner, "SELECT description FROM clues WHERE id = :i",
                  i=clue_id) == "Bert's clue"


def test_a_lapsed_claim_no_longer_lets_its_holder_edit(room: Room) -> None:
    clue_id = bert_holds_s2_with_a_clue(room)
    run(room.owner, "UPDATE series SET claim_expires_at = now() - interval '1 minute' "
        "WHERE id = :s", s=room.series_ids[1])
    refused(room.db("bert"), "UPDATE clues SET description = 'late' WHERE id = :i", i=clue_id)


def test_a_specialist_cannot_rank_or_confirm_countries_on_a_series_they_do_not_hold(
        room: Room) -> None:
    s1 = room.series_ids[0]
    claims.claim_series(room.db("anna"), room.login("anna"), s1)
    assessments.set_candidates(room.db("anna"), room.login("anna"), s1,
                               [assessments.CandidateInput("DE", 70)])
    bert, anna = room.db("bert"), room.db("anna")
    refused(bert, "UPDATE country_assessments SET confidence = 1 WHERE series_id = :s", s=s1)
    refused(bert, "INSERT INTO country_assessments (series_id, country, rank, confidence, "
            "rationale, author_id, confirmed, created_at, updated_at, version) VALUES "
            "(:s, 'FR', 2, 50, '', :me, false, now(), now(), 1)",
            s=s1, me=participant_id(room, "bert"))
    # Even the holder cannot confirm her own candidates: not a granted column…
    refused(anna, "UPDATE country_assessments SET confirmed = true WHERE series_id = :s", s=s1)
    # …nor by inserting a row that is confirmed already.
    refused(anna, "INSERT INTO country_assessments (series_id, country, rank, confidence, "
            "rationale, author_id, confirmed, created_at, updated_at, version) VALUES "
            "(:s, 'AT', 2, 50, '', :me, true, now(), now(), 1)",
            s=s1, me=participant_id(room, "anna"))


# ------------------------------------------------------------------ series status and claims

def test_a_specialist_cannot_confirm_eliminate_or_send_back_a_series(room: Room) -> None:
    s1 = room.series_ids[0]
    anna = room.db("anna")
    claims.claim_series(anna, room.login("anna"), s1)
    for status in ("confirmed", "eliminated", "notified", "proposed"):
        # proposing is refused too here: it must come with proposed_by = yourself
        assert "may not move series S-001" in refused(
            anna, "UPDATE series SET status = :st WHERE id = :s", st=status, s=s1)
    refused(anna, "UPDATE series SET handling = 'H0', outcome_reason = 'x' WHERE id = :s", s=s1)
    refused(anna, "INSERT INTO series (sprint_id, code, alias, status, priority, handling, "
            "victim_sex, production_period, in_icse, notes, outcome_reason, created_at, "
            "updated_at, version) VALUES (:p, 'S-999', '', 'new', 3, 'H0', 'unknown', '', false, "
            "'', '', now(), now(), 1)", p=room.sprint_id)
    assert scalar(room.owner, "SELECT status FROM series WHERE id = :s", s=s1) == "claimed"


def test_a_specialist_cannot_force_release_steal_or_stretch_a_claim(room: Room) -> None:
    s2 = room.series_ids[1]
    bert_holds_s2_with_a_clue(room)
    anna = room.db("anna")
    assert "only coordinators force-release" in refused(
        anna, "UPDATE series SET claimed_by_id = NULL WHERE id = :s", s=s2)
    refused(anna, "UPDATE series SET claimed_by_id = :me WHERE id = :s",
            me=participant_id(room, "anna"), s=s2)
    refused(room.db("bert"), "UPDATE series SET claim_expires_at = now() + interval '30 days' "
            "WHERE id = :s", s=s2)
    assert scalar(room.owner, "SELECT claimed_by_id FROM series WHERE id = :s",
                  s=s2) == participant_id(room, "bert")


def test_a_coordinator_can_do_what_coordinators_do(room: Room) -> None:
    s1, s2 = room.series_ids[:2]
    bert_holds_s2_with_a_clue(room)
    cora = room.db("cora")
    assert run(cora, "UPDATE series SET claimed_by_id = NULL, claim_expires_at = NULL "
               "WHERE id = :s", s=s2) == 1  # force-release
    claims.claim_series(room.db("anna"), room.login("anna"), s1)
    assessments.set_candidates(room.db("anna"), room.login("anna"), s1,
                               [assessments.CandidateInput("DE", 70)])
    assessments.propose(room.db("anna"), room.login("anna"), s1)
    assert run(cora, "UPDATE country_assessments SET confirmed = true, confirmed_by_id = :me, "
               "confirmed_at = now() WHERE series_id = :s",
               me=participant_id(room, "cora"), s=s1) == 1
    assert run(cora, "UPDATE series SET status = 'confirmed' WHERE id = :s", s=s1) == 1
    assert run(cora, "UPDATE series SET status = 'eliminated', outcome_reason = 'dup' "
               "WHERE id = :s", s=s2) == 1
    assert run(cora, "INSERT INTO packets (packet_code, sprint_id, country, packet_version, "
               "handling, generated_at, generated_by_id, file_name, file_sha256, "
               "content_sha256, series_ids, changes, status) VALUES ('P-DE-1', :p, 'DE', 1, "
               "'H0', now(), :me, 'p.zip', '', '', '[]', '', 'generated')",
               p=room.sprint_id, me=participant_id(room, "cora")) == 1
    # …but not what only admins do.
    refused(cora, "UPDATE participants SET role = 'admin' WHERE login = :l",
            l=room.login("cora"))
    refused(cora, "UPDATE sprints SET lease_minutes = 600")


def test_only_admins_write_participants_and_sprints(room: Room) -> None:
    for short in ("anna", "cora"):
        refused(room.db(short), "UPDATE participants SET role = 'admin' WHERE login = :l",
                l=room.login(short))
        refused(room.db(short), "INSERT INTO participants (login, display_name, agency, "
                "languages, role, active, created_at) VALUES ('x_y', 'X', '', '[]', 'admin', "
                "true, now())")
        refused(room.db(short), "DELETE FROM sprints")
    assert run(room.db("admin"), "UPDATE participants SET agency = 'BKA' WHERE login = :l",
               l=room.login("anna")) == 1
    refused(room.db("anna"), "INSERT INTO packets (packet_code, sprint_id, country, "
            "packet_version, handling, generated_at, generated_by_id, file_name, file_sha256, "
            "content_sha256, series_ids, changes, status) VALUES ('P-X', :p, 'DE', 1, 'H0', "
            "now(), 1, 'p.zip', '', '', '[]', '', 'generated')", p=room.sprint_id)


# ------------------------------------------------------------------ the event log

def test_nobody_updates_deletes_or_truncates_events_not_even_the_admin_or_owner(
        room: Room) -> None:
    claims.claim_series(room.db("anna"), room.login("anna"), room.series_ids[0])
    before = scalar(room.owner, "SELECT count(*) FROM events")
    for short in ("anna", "cora", "admin"):
        db = room.db(short)
        assert "permission denied" in refused(db, "UPDATE events SET actor_login = 'nobody'")
        refused(db, "DELETE FROM events")
        refused(db, "TRUNCATE events")
    # The owner holds every grant; the trigger still says no.
    assert "append-only" in refused(room.owner, "UPDATE events SET action = 'x'")
    assert "append-only" in refused(room.owner, "DELETE FROM events")
    assert scalar(room.owner, "SELECT count(*) FROM events") == before


def test_nobody_writes_an_event_as_somebody_else(room: Room) -> None:
    anna = room.db("anna")
    # No direct INSERT at all: events come through vidtask_append_events only…
    refused(anna, "INSERT INTO events (version, occurred_at, actor_id, actor_login, action, "
            "entity_type) VALUES (999, '2001-01-01', :aid, :login, 'forged', 'series')",
            aid=participant_id(room, "cora"), login=room.login("cora"))
    # …which takes actor, id, time and version from the session, whatever the JSON says.
    with anna.engine.begin() as connection:
        connection.execute(text("SELECT vidtask_append_events(CAST(:b AS jsonb))"), {
            "b": json.dumps([{"action": "forged", "entity_type": "series",
                              "actor_login": room.login("cora"),
                              "actor_id": participant_id(room, "cora"),
                              "occurred_at": "2001-01-01T00:00:00Z"}])})
    row = query(room.owner)(text(
        "SELECT actor_login, actor_id, occurred_at > now() - interval '1 hour' FROM events "
        "WHERE action = 'forged'")).one()
    assert tuple(row) == (room.login("anna"), participant_id(room, "anna"), True)


# ------------------------------------------------------------------ secrets

@pytest.mark.parametrize("sql", [
    "SELECT rolpassword FROM pg_authid",
    "SELECT passwd FROM pg_shadow",
    "SELECT pg_read_file('postgresql.conf')",
    "SELECT pg_read_file('pg_hba.conf')",
    "SELECT current_setting('hba_file')",
    "SELECT current_setting('config_file')",
    "COPY events TO '/tmp/vidtask-leak.csv'",
    "SELECT lo_import('/etc/passwd')",
])
def test_a_specialist_cannot_read_server_secrets_or_files(room: Room, sql: str) -> None:
    refused(room.db("anna"), sql)


def test_the_database_holds_no_password_a_participant_could_read(room: Room) -> None:
    columns = query(room.db("anna"))(text(
        "SELECT table_name, column_name FROM information_schema.columns "
        "WHERE table_schema = current_schema() AND (column_name ILIKE '%pass%' "
        "OR column_name ILIKE '%secret%' OR column_name ILIKE '%token%')")).all()
    assert columns == []
