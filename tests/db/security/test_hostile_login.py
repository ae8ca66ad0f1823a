"""Issue 12, replayed: what a specialist (and a coordinator, for four-eyes) did with psql under
their own login, set up the README's way. Each attack is refused by the database or changes
nothing. Raw SQL through the login's own engine (psycopg), never the app's services, unless the
test is about what the app then shows.
"""

from __future__ import annotations

import contextlib
import json
import threading
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import psycopg
import pytest
from sqlalchemy import event, text
from sqlalchemy.exc import DBAPIError, OperationalError

from tests.conftest import silent_event
from tests.db.security.raw_sql import (
    REFUSED,
    participant_id,
    query,
    refused,
    run,
    scalar,
)
from tests.worlds.room import Room
from vidtask.db.engine import PG_KEEPALIVES, Database
from vidtask.db.roles import LOGIN_SETTINGS
from vidtask.domain.errors import DatabaseBusy, DatabaseRefused
from vidtask.services import assessments, claims, clues, comments, review, users
from vidtask.services.review import dissemination_list
from vidtask.services.tx import write_tx
from vidtask.sync.feed import changes_since, current_version
from vidtask.sync.wakeup import PgListenWakeup, Wake

RU = [assessments.CandidateInput("RU", 80, "Cyrillic on the packaging")]


def proposed_by(room: Room, short: str, series_id: int) -> None:
    db, login = room.db(short), room.login(short)
    claims.claim_series(db, login, series_id)
    assessments.set_candidates(db, login, series_id, RU)
    assessments.propose(db, login, series_id)


def pid(room: Room, short: str) -> int:
    return participant_id(room, short)


def written(db: Database, sql: str, **params: Any) -> Any:
    """`scalar` for a statement that writes: committed."""
    with db.engine.begin() as connection:
        return connection.execute(text(sql), params).scalar()


def attempt(connection: Any, sql: str, **params: Any) -> str | None:
    """Run `sql` in a savepoint; the SQLSTATE if the database refused it, None if it ran."""
    savepoint = connection.begin_nested()
    try:
        connection.execute(text(sql), params)
    except DBAPIError as exc:
        savepoint.rollback()
        return str(getattr(exc.orig, "sqlstate", None))
    savepoint.commit()
    return None


# ------------------------------------------------------------------ temporary-table hijack

#: Every SECURITY DEFINER function, and how the hijack test calls it (trigger functions are
#: exercised by the forgeries below, which fire them).
CALLS = {
    "vidtask_is_maintenance": "SELECT vidtask_is_maintenance()",
    "vidtask_participant_id": "SELECT vidtask_participant_id()",
    "vidtask_is_lead": "SELECT vidtask_is_lead()",
    "vidtask_holds_series": "SELECT vidtask_holds_series(:other) OR vidtask_holds_series(:own)",
    "vidtask_end_stalled_sessions": "SELECT vidtask_end_stalled_sessions()",
    # SECURITY DEFINER since 0009 (its probes need the owner's advisory-lock grant)
    "vidtask_feed_horizon": "SELECT vidtask_feed_horizon() >> 16 "
                            "<= pg_snapshot_xmax(pg_current_snapshot())::text::bigint",
}
FIRED = {"vidtask_append_events", "vidtask_series_guard", "vidtask_assessment_guard"}

HIJACK = [
    "CREATE TEMP TABLE participants AS SELECT * FROM public.participants",
    "UPDATE pg_temp.participants SET role = 'admin', active = true",
    "CREATE TEMP TABLE pg_roles AS SELECT * FROM pg_catalog.pg_roles",
    "UPDATE pg_temp.pg_roles SET rolsuper = true",
    "CREATE TEMP TABLE pg_class AS SELECT oid, relname, relowner FROM pg_catalog.pg_class "
    "WHERE relname = 'events'",
    "UPDATE pg_temp.pg_class SET relowner = (SELECT oid FROM pg_catalog.pg_roles "
    "WHERE rolname = session_user)",
    "CREATE TEMP TABLE series AS SELECT * FROM public.series",
    "UPDATE pg_temp.series SET claimed_by_id = :anna, claim_expires_at = now() + "
    "interval '10 years', status = 'claimed'",
    "CREATE TEMP TABLE sprints AS SELECT * FROM public.sprints",
    "UPDATE pg_temp.sprints SET lease_minutes = 5256000",
    "CREATE TEMP TABLE country_assessments AS SELECT * FROM public.country_assessments",
    "DELETE FROM pg_temp.country_assessments",
    "CREATE TEMP TABLE change_counter (id integer, version bigint)",
    "INSERT INTO pg_temp.change_counter VALUES (1, 9223372036854775806)",
    "CREATE TEMP TABLE events AS SELECT * FROM public.events WHERE false",
]


def _forged_event(room: Room, series_id: int, action: str = "series.confirmed") -> str:
    return json.dumps([{"action": action, "entity_type": "series",
                        "entity_id": series_id, "series_id": series_id,
                        "actor_login": room.login("cora"), "actor_id": pid(room, "cora"),
                        "occurred_at": "2001-01-01T00:00:00+00:00",
                        "after": {"countries": ["RU"]}}])


def test_a_specialist_cannot_create_temporary_tables(room: Room) -> None:
    assert "temporary tables" in refused(room.db("anna"), "CREATE TEMP TABLE participants "
                                                          "(id integer)")


def test_every_vidtask_function_pins_its_search_path_with_pg_temp_last(room: Room) -> None:
    rows = query(room.owner)(text(
        "SELECT p.proname, p.prosecdef, p.proconfig FROM pg_proc p "
        "JOIN pg_namespace n ON n.oid = p.pronamespace "
        "WHERE n.nspname = current_schema() AND p.proname LIKE 'vidtask%'")).all()
    definers = {name for name, definer, _ in rows if definer}
    assert definers == set(CALLS) | FIRED, "add the new function to the hijack test"
    for name, _definer, config in rows:
        path = next(c for c in config or () if c.startswith("search_path="))
        parts = [p.strip().strip('"') for p in path.removeprefix("search_path=").split(",")]
        assert parts[0] == "pg_catalog" and parts[-1] == "pg_temp", (name, path)


def test_the_temp_table_hijack_fools_no_security_definer_function(room: Room) -> None:
    """Even where TEMPORARY was left granted (roles set up before this release), a temp table
    named like a real one changes no answer and opens no door."""
    s1, s2, s3 = room.series_ids
    anna = room.db("anna")
    database = scalar(room.owner, "SELECT current_database()")
    run(room.owner, f'GRANT TEMPORARY ON DATABASE "{database}" TO "{room.login("anna")}"')
    try:
        proposed_by(room, "bert", s1)  # something worth forging a confirmation for
        claims.claim_series(room.db("cora"), room.login("cora"), s2)
        claims.claim_series(anna, room.login("anna"), s3)
        run(room.owner, "UPDATE participants SET active = false WHERE login = :l",
            l=room.login("cody"))
        params = {"other": s2, "own": s3}
        clean = {name: scalar(anna, sql, **params) for name, sql in CALLS.items()}
        assert clean["vidtask_is_lead"] is False and clean["vidtask_holds_series"] is True
        with anna.engine.connect() as connection:
            for statement in HIJACK:
                connection.execute(text(statement), {"anna": pid(room, "anna")})
            hijacked = {name: connection.execute(text(sql), params).scalar()
                        for name, sql in CALLS.items()}
            assert hijacked == clean
            forgeries = {
                "confirm RU as cora": attempt(
                    connection, "UPDATE public.country_assessments SET confirmed = true, "
                    "confirmed_by_id = :cora, confirmed_at = now() WHERE series_id = :s",
                    cora=pid(room, "cora"), s=s1),
                "series confirmed": attempt(
                    connection, "UPDATE public.series SET status = 'confirmed' WHERE id = :s",
                    s=s1),
                "ten-year claim on cora's series": attempt(
                    connection, "UPDATE public.series SET claimed_by_id = :me, "
                    "claim_expires_at = now() + interval '10 years' WHERE id = :s",
                    me=pid(room, "anna"), s=s2),
                "ten-year claim on her own": attempt(
                    connection, "UPDATE public.series SET claim_expires_at = now() + "
                    "interval '10 years' WHERE id = :s", s=s3),
                "re-enable cody": attempt(
                    connection, "UPDATE public.participants SET active = true WHERE login = :l",
                    l=room.login("cody")),
                "insert an event": attempt(
                    connection, "INSERT INTO public.events (version, occurred_at, actor_login, "
                    "action, entity_type) VALUES (1, '2001-01-01', :l, 'x', 'x')",
                    l=room.login("cora")),
            }
            forgeries["append series.confirmed"] = attempt(  # a coordinator's action (0009)
                connection, "SELECT vidtask_append_events(CAST(:e AS jsonb))",
                e=_forged_event(room, s1))
            assert forgeries == dict.fromkeys(forgeries, REFUSED)
            assert attempt(connection, "SELECT vidtask_append_events(CAST(:e AS jsonb))",
                           e=_forged_event(room, s1, "comment.added")) is None  # as anna, now
            connection.commit()
    finally:
        run(room.owner, f'REVOKE TEMPORARY ON DATABASE "{database}" FROM "{room.login("anna")}"')
    assert scalar(room.owner, "SELECT count(*) FROM events "
                  "WHERE action = 'series.confirmed'") == 0
    forged = query(room.owner)(text(
        "SELECT actor_login, db_login, occurred_at FROM events WHERE action = 'comment.added'"
    )).one()
    assert forged[:2] == (room.login("anna"), room.login("anna"))
    assert forged[2] > datetime.now(UTC) - timedelta(minutes=5)
    assert scalar(room.owner, "SELECT status FROM series WHERE id = :s", s=s1) == "proposed"
    assert scalar(room.owner, "SELECT count(*) FROM country_assessments WHERE confirmed") == 0
    assert scalar(room.owner, "SELECT active FROM participants WHERE login = :l",
                  l=room.login("cody")) is False
    # …so the next ordinary export has nothing to put in a packet for RU.
    assert dissemination_list(room.db("cora"), room.sprint_id) == []


# ------------------------------------------------------------------ the change counter

@pytest.mark.parametrize("sql", [
    "UPDATE change_counter SET version = 9223372036854775806",
    "UPDATE change_counter SET version = 0",
    "SELECT version FROM change_counter FOR UPDATE",
    "LOCK TABLE change_counter IN EXCLUSIVE MODE",
    "INSERT INTO events (version, occurred_at, actor_login, action, entity_type) "
    "VALUES (1, now(), current_user, 'x', 'x')",
])
def test_nobody_moves_or_locks_the_change_counter_or_inserts_events(room: Room,
                                                                    sql: str) -> None:
    """(PostgreSQL no longer versions events from the counter, migration 0008; the row stays
    out of every login's reach all the same.)"""
    before = scalar(room.owner, "SELECT version FROM change_counter")
    with room.db("anna").engine.connect() as connection, \
            pytest.raises(DBAPIError) as caught:
        connection.execute(text(sql))
    assert getattr(caught.value.orig, "sqlstate", None) == REFUSED
    assert scalar(room.owner, "SELECT version FROM change_counter") == before
    since = current_version(room.owner)
    claims.claim_series(room.db("bert"), room.login("bert"), room.series_ids[0])  # still writes
    assert [e.action for e in changes_since(room.owner, since)] == ["claim.taken"]


def test_events_are_appended_only_at_the_transactions_own_versions(room: Room) -> None:
    """The append function takes the versions — positions of the calling transaction, after
    everything already written — whatever versions, order numbers or actors the JSON says."""
    batch = [{"action": "test.forged", "entity_type": "test", "version": 1, "ord": 10**6,
              "actor_login": room.login("cora"), "occurred_at": "2001-01-01T00:00:00Z"}] * 3
    newest = scalar(room.owner, "SELECT coalesce(max(version), 0) FROM events")
    with room.db("anna").engine.begin() as connection:
        own = connection.execute(text("SELECT pg_current_xact_id()::text::bigint")).scalar()
        last = connection.execute(text("SELECT vidtask_append_events(CAST(:b AS jsonb))"),
                                  {"b": json.dumps(batch)}).scalar()
    assert last > newest and last >> 16 > own
    found = [tuple(r) for r in query(room.owner)(text(
        "SELECT version, actor_login, actor_id, db_login FROM events "
        "WHERE action = 'test.forged' ORDER BY version"))]
    anna = room.login("anna")
    assert found == [(last - 2 + n, anna, pid(room, "anna"), anna) for n in (0, 1, 2)]
    huge = json.dumps([{"action": "test.huge", "entity_type": "test",
                        "after": {"x": "y" * 2_000_000}}])
    with pytest.raises(DBAPIError, match="larger than 1024 KiB"):
        scalar(room.db("anna"), "SELECT vidtask_append_events(CAST(:b AS jsonb))", b=huge)


def test_the_maintenance_login_acting_as_somebody_is_recorded_as_itself(room: Room) -> None:
    """`--as bruno` on the owner's connection: the actor is bruno, `db_login` the owner."""
    with write_tx(room.owner, room.login("anna")) as tx:
        tx.emit("note.entered", "series", room.series_ids[0], series_id=room.series_ids[0])
    with write_tx(room.db("bert"), None) as tx:
        tx.emit("note.entered", "series", room.series_ids[0], series_id=room.series_ids[0])
    rows = query(room.owner)(text(
        "SELECT actor_login, db_login FROM events WHERE action = 'note.entered' "
        "ORDER BY version")).all()
    owner = scalar(room.owner, "SELECT session_user")
    assert [tuple(r) for r in rows] == [(room.login("anna"), owner),
                                        (room.login("bert"), room.login("bert"))]


def test_a_fake_notify_does_not_disable_the_safety_poll(room: Room) -> None:
    source = PgListenWakeup(room.db("bert"), safety_poll=0.3)
    wakes: list[Wake] = []
    arrived = threading.Event()

    def record(wake: Wake) -> None:
        wakes.append(wake)
        if wake.reason == "safety_poll":
            arrived.set()

    source.start(record)
    try:
        deadline = time.monotonic() + 10
        while not source.stats.connected and time.monotonic() < deadline:
            time.sleep(0.05)
        run(room.db("anna"), "SELECT pg_notify('vidtask_changes', '999999999999999999')")
        time.sleep(0.5)
        silent_event(room.owner)  # a commit whose NOTIFY never came
        assert arrived.wait(10), [w.reason for w in wakes]
    finally:
        source.stop()


# ------------------------------------------------------------------ locks and timeouts

def test_every_personal_login_has_timeouts_and_keepalives(room: Room) -> None:
    for short in room.logins:
        with room.db(short).engine.connect() as connection:
            for name, value in LOGIN_SETTINGS:
                shown = connection.execute(text(f"SHOW {name}")).scalar()
                assert shown == value, (short, name, shown)
    assert PG_KEEPALIVES["keepalives"] == 1 and PG_KEEPALIVES["keepalives_idle"] <= 10


def test_init_roles_sets_the_timeouts_of_logins_that_existed_before(room: Room) -> None:
    login = f"old_{room.login('anna')}"[:63]
    with room.owner.engine.begin() as connection:
        connection.execute(text(f'CREATE ROLE "{login}" LOGIN'))
        connection.execute(text(f'GRANT vidtask_specialist TO "{login}"'))
    try:
        users.initialise_roles(room.owner, room.login("admin"))
        settings = scalar(room.owner, "SELECT setconfig FROM pg_db_role_setting s "
                          "JOIN pg_roles r ON r.oid = s.setrole WHERE r.rolname = :l", l=login)
        assert set(settings) >= {f"{name}={value}" for name, value in LOGIN_SETTINGS}
    finally:
        run(room.owner, f'DROP ROLE "{login}"')


def _hold_lock_open(room: Room, short: str, statements: list[str]) -> psycopg.Connection:
    url = room.db(short).url.set(drivername="postgresql").render_as_string(hide_password=False)
    connection = psycopg.connect(url)
    for statement in statements:
        connection.execute(statement)
    return connection  # open transaction: the lock stays until the session ends


def test_a_session_that_switched_its_timeouts_off_is_ended(room: Room) -> None:
    """`SET idle_in_transaction_session_timeout = 0; LOCK TABLE clues` and sit there: the
    next client's housekeeping ends the session, and writing works again."""
    claims.claim_series(room.db("bert"), room.login("bert"), room.series_ids[1])
    locker = _hold_lock_open(room, "anna", [
        "SET idle_in_transaction_session_timeout = 0", "SET statement_timeout = 0",
        "LOCK TABLE clues IN ACCESS EXCLUSIVE MODE"])
    try:
        time.sleep(1.2)
        # A specialist cannot hurry the watchdog (it keeps its own 45 s floor)…
        assert scalar(room.db("bert"), "SELECT vidtask_end_stalled_sessions('0 seconds')") == 0
        # …the owner can, which is how this test avoids waiting 45 s.
        assert scalar(room.owner, "SELECT vidtask_end_stalled_sessions('1 second')") == 1
        with pytest.raises(psycopg.OperationalError):
            locker.execute("SELECT 1")
    finally:
        locker.close()
    clues.add_clue(room.db("bert"), room.login("bert"), room.series_ids[1],
                   clues.ClueInput(category="toy", description="after the lock"))


def test_a_session_that_appended_and_keeps_its_transaction_is_ended(room: Room) -> None:
    """Appending and then running (or idling) forever holds every feed back: the watchdog
    ends it, and the events committed meanwhile reach the readers."""
    since = current_version(room.owner)
    locker = _hold_lock_open(room, "anna", [
        "SET idle_in_transaction_session_timeout = 0", "SET statement_timeout = 0",
        "SELECT vidtask_append_events('[{\"action\": \"test.held\", \"entity_type\": "
        "\"test\"}]')"])
    sleeping = threading.Thread(target=lambda: _quietly(locker, "SELECT pg_sleep(60)"))
    try:
        sleeping.start()
        claims.claim_series(room.db("bert"), room.login("bert"), room.series_ids[0])
        assert changes_since(room.owner, since) == []  # committed, held back by anna
        time.sleep(1.2)
        assert scalar(room.owner, "SELECT vidtask_end_stalled_sessions('1 second')") == 1
        sleeping.join(10)
    finally:
        locker.close()
    assert [e.action for e in changes_since(room.owner, since)] == ["claim.taken"]


def _quietly(connection: psycopg.Connection, sql: str) -> None:
    with contextlib.suppress(psycopg.Error):  # ended from outside: the point of the test
        connection.execute(sql)


def test_a_write_blocked_by_a_held_lock_is_retried_once_then_says_so(room: Room) -> None:
    login = room.login("bert")
    run(room.owner, f"ALTER ROLE \"{login}\" SET lock_timeout = '300ms'")
    bert = Database(room.db("bert").url.render_as_string(hide_password=False))
    locker = _hold_lock_open(room, "cora", [
        f"SELECT 1 FROM series WHERE id = {room.series_ids[0]} FOR UPDATE"])
    try:
        began = time.monotonic()
        with pytest.raises(DatabaseBusy) as caught:
            claims.claim_series(bert, login, room.series_ids[0])
        assert time.monotonic() - began >= 0.6  # two waits of 300 ms
        message = str(caught.value)
        assert message.startswith("The database is busy") and "tried twice" in message
        assert message.count(".") == 1 and message.endswith("try again.")
    finally:
        locker.close()
        bert.dispose()
        run(room.owner, f"ALTER ROLE \"{login}\" SET lock_timeout = '30s'")
    claims.claim_series(room.db("bert"), login, room.series_ids[0])  # free again


# ------------------------------------------------------------------ reviewed work

@pytest.mark.parametrize("status", ["proposed", "confirmed"])
def test_a_reviewed_series_cannot_be_claimed_so_its_work_cannot_be_rewritten(
        room: Room, status: str) -> None:
    s1 = room.series_ids[0]
    clue_id, _ = (claims.claim_series(room.db("anna"), room.login("anna"), s1),
                  clues.add_clue(room.db("anna"), room.login("anna"), s1,
                                 clues.ClueInput(category="toy", description="anna's")))[1]
    assessments.set_candidates(room.db("anna"), room.login("anna"), s1, RU)
    assessments.propose(room.db("anna"), room.login("anna"), s1)
    if status == "confirmed":
        review.confirm_countries(room.db("cora"), room.login("cora"), s1, ["RU"])
    bert = room.db("bert")
    assert f"is {status}; it cannot be claimed" in refused(
        bert, "UPDATE series SET claimed_by_id = :me, claim_expires_at = now() + "
        "interval '1 hour' WHERE id = :s", me=pid(room, "bert"), s=s1)
    refused(bert, "UPDATE clues SET description = 'rewritten' WHERE id = :c", c=clue_id)
    refused(bert, "UPDATE country_assessments SET confidence = 1, author_id = :me "
            "WHERE series_id = :s", me=pid(room, "bert"), s=s1)
    assert scalar(room.owner, "SELECT description FROM clues WHERE id = :c", c=clue_id) \
        == "anna's"


def test_a_coordinator_cannot_confirm_their_own_proposal(room: Room) -> None:
    s2 = room.series_ids[1]
    proposed_by(room, "cora", s2)
    cora = room.db("cora")
    assert "four-eyes" in refused(cora, "UPDATE country_assessments SET confirmed = true, "
                                        "confirmed_by_id = :me WHERE series_id = :s",
                                  me=pid(room, "cora"), s=s2)
    assert "four-eyes" in refused(cora, "UPDATE series SET status = 'confirmed' WHERE id = :s",
                                  s=s2)
    # A second coordinator may, and the database names them whatever the statement says.
    assert run(room.db("cody"), "UPDATE country_assessments SET confirmed = true, "
               "confirmed_by_id = :cora, confirmed_at = '2001-01-01' WHERE series_id = :s",
               cora=pid(room, "cora"), s=s2) == 1
    assert run(room.db("cody"), "UPDATE series SET status = 'confirmed' WHERE id = :s",
               s=s2) == 1
    row = query(room.owner)(text(
        "SELECT confirmed_by_id, confirmed_at > now() - interval '5 minutes' "
        "FROM country_assessments WHERE series_id = :s"), {"s": s2}).one()
    assert tuple(row) == (pid(room, "cody"), True)


# ------------------------------------------------------------------ bookkeeping columns

@pytest.mark.parametrize("assignment", [
    "version = version + 1", "updated_at = '2000-01-01'", "claimed_at = '2000-01-01'",
    "proposed_at = '2000-01-01'", "proposed_by_id = NULL"])
def test_a_specialist_cannot_touch_a_series_they_do_not_hold(room: Room,
                                                              assignment: str) -> None:
    s2 = room.series_ids[1]
    claims.claim_series(room.db("bert"), room.login("bert"), s2)
    version = scalar(room.owner, "SELECT version FROM series WHERE id = :s", s=s2)
    refused(room.db("anna"), f"UPDATE series SET {assignment} WHERE id = :s", s=s2)
    refused(room.db("anna"), f"UPDATE series SET {assignment} WHERE id = :s",
            s=room.series_ids[2])  # nobody's
    assert scalar(room.owner, "SELECT version FROM series WHERE id = :s", s=s2) == version


def test_on_a_held_series_the_database_keeps_the_books(room: Room) -> None:
    s1 = room.series_ids[0]
    claims.claim_series(room.db("anna"), room.login("anna"), s1)
    before = query(room.owner)(text(
        "SELECT version, claimed_at FROM series WHERE id = :s"), {"s": s1}).one()
    run(room.db("anna"), "UPDATE series SET version = 999999, claimed_at = '2000-01-01', "
        "updated_at = '2000-01-01', status = 'in_assessment' WHERE id = :s", s=s1)
    after = query(room.owner)(text(
        "SELECT version, claimed_at, updated_at > now() - interval '5 minutes' "
        "FROM series WHERE id = :s"), {"s": s1}).one()
    assert tuple(after) == (before.version + 1, before.claimed_at, True)


def test_nobody_proposes_a_series_without_a_ranked_country(room: Room) -> None:
    s1 = room.series_ids[0]
    claims.claim_series(room.db("anna"), room.login("anna"), s1)
    assert "no ranked country" in refused(
        room.db("anna"), "UPDATE series SET status = 'proposed', proposed_by_id = :me "
        "WHERE id = :s", me=pid(room, "anna"), s=s1)


def test_a_comment_cannot_be_back_dated_or_signed_by_somebody_else(room: Room) -> None:
    s1 = room.series_ids[0]
    run(room.db("anna"), "INSERT INTO comments (series_id, author_id, body, created_at) "
        "VALUES (:s, :me, 'old news', '2001-01-01')", s=s1, me=pid(room, "anna"))
    assert scalar(room.owner, "SELECT created_at > now() - interval '5 minutes' FROM comments "
                  "WHERE body = 'old news'") is True
    run(room.db("anna"), "INSERT INTO comments (series_id, author_id, body, created_at) "
        "VALUES (:s, :cora, 'said cora', now())", s=s1, cora=pid(room, "cora"))
    assert scalar(room.owner, "SELECT author_id FROM comments WHERE body = 'said cora'") \
        == pid(room, "anna")


# ------------------------------------------------------------------ presence, tips, appeals

def test_presence_rows_are_each_persons_own(room: Room) -> None:
    bert_id = pid(room, "bert")
    run(room.db("bert"), "INSERT INTO presence (client_id, participant_id, open_series_ids, "
        "seen_at, expires_at) VALUES ('bert-desk', :b, '[]', now(), now() + interval '1 minute')",
        b=bert_id)
    anna = room.db("anna")
    assert run(anna, "UPDATE presence SET open_series_ids = '[1,2,3]' "
                     "WHERE client_id = 'bert-desk'") == 0
    assert run(anna, "DELETE FROM presence WHERE client_id = 'bert-desk'") == 0
    refused(anna, "INSERT INTO presence (client_id, participant_id, open_series_ids, seen_at, "
            "expires_at) VALUES ('fake', :b, '[]', now(), now())", b=bert_id)
    run(anna, "INSERT INTO presence (client_id, participant_id, open_series_ids, seen_at, "
        "expires_at) VALUES ('anna-desk', :a, '[]', now(), '3000-01-01')", a=pid(room, "anna"))
    assert scalar(room.owner, "SELECT expires_at < now() + interval '11 minutes' "
                  "FROM presence WHERE client_id = 'anna-desk'") is True
    assert scalar(room.owner, "SELECT count(*) FROM presence WHERE client_id = 'bert-desk' "
                  "AND open_series_ids = '[]'") == 1


def _appeal_object_and_tip(room: Room) -> tuple[int, int, int]:
    """Bert, holding S-002, drafts G19 from his clue by raw SQL; cora records a tip about it."""
    s2 = room.series_ids[1]
    claims.claim_series(room.db("bert"), room.login("bert"), s2)
    clue_id, _ = clues.add_clue(room.db("bert"), room.login("bert"), s2,
                                clues.ClueInput(category="product", description="shampoo"))
    appeal = written(room.db("bert"), _APPEAL_INSERT, s=s2, c=clue_id, p="G19",
                     me=pid(room, "bert"))
    tip = written(room.db("cora"), _TIP_INSERT, a=appeal, st="new", me=pid(room, "cora"))
    return clue_id, int(appeal), int(tip)


_APPEAL_INSERT = ("INSERT INTO appeal_objects (series_id, clue_id, public_id, object_type, "
                  "question, region_hint, crop_image, crop_mime, crop_width, crop_height, "
                  "status, outcome_note, withdrawn_reason, created_by_id, created_at, "
                  "updated_at, version) VALUES (:s, :c, :p, 'bottle', 'Where is it sold?', '', "
                  "'png', 'image/png', 1, 1, 'draft', '', '', :me, now(), now(), 1) RETURNING id")
_TIP_INSERT = ("INSERT INTO tips (appeal_object_id, received_at, channel, source, text, "
               "text_key, fingerprint, suggested_place, status, recorded_by_id) VALUES "
               "(:a, now(), 'web form', '', 'Sold in RU', 'k', md5(random()::text), '', :st, "
               ":me) RETURNING id")


def test_tips_are_recorded_and_triaged_in_ones_own_name(room: Room) -> None:
    _clue, appeal, tip = _appeal_object_and_tip(room)
    anna = room.db("anna")
    # not in somebody else's name, and not straight into a triaged state (migration 0007)
    refused(anna, _TIP_INSERT.removesuffix(" RETURNING id"), a=appeal, st="new",
            me=pid(room, "cora"))
    refused(anna, _TIP_INSERT.removesuffix(" RETURNING id"), a=appeal, st="relevant",
            me=pid(room, "anna"))
    # whoever triages is the database's to say
    assert run(anna, "UPDATE tips SET status = 'relevant', triaged_by_id = :admin "
               "WHERE id = :t", admin=pid(room, "admin"), t=tip) == 1
    assert scalar(room.owner, "SELECT triaged_by_id FROM tips WHERE id = :t",
                  t=tip) == pid(room, "anna")


def test_appeal_objects_are_drafted_by_the_holder_and_published_by_coordinators(
        room: Room) -> None:
    clue_id, appeal, _tip = _appeal_object_and_tip(room)
    anna, bert = room.db("anna"), room.db("bert")
    refused(anna, _APPEAL_INSERT.removesuffix(" RETURNING id"), s=room.series_ids[1],
            c=clue_id, p="G20", me=pid(room, "anna"))
    assert "only its author" in refused(
        anna, "UPDATE appeal_objects SET question = 'hijacked' WHERE id = :a", a=appeal)
    refused(bert, "UPDATE appeal_objects SET status = 'published' WHERE id = :a", a=appeal)
    assert run(room.db("cora"), "UPDATE appeal_objects SET status = 'approved' WHERE id = :a",
               a=appeal) == 1


# ------------------------------------------------------------------ text length limits

@pytest.mark.parametrize(("sql", "field"), [
    ("INSERT INTO comments (series_id, author_id, body, created_at) "
     "VALUES (:s, :me, repeat('x', 10001), now())", "comment"),
    ("UPDATE clues SET description = repeat('x', 10001) WHERE series_id = :s", "description"),
])
def test_over_long_text_is_refused_by_the_database_in_one_sentence(room: Room, sql: str,
                                                                   field: str) -> None:
    s1 = room.series_ids[0]
    claims.claim_series(room.db("anna"), room.login("anna"), s1)
    clues.add_clue(room.db("anna"), room.login("anna"), s1,
                   clues.ClueInput(category="toy", description="short"))
    with pytest.raises(Exception) as caught, write_tx(room.db("anna"), None) as tx:
        tx.session.execute(text(sql), {"s": s1, "me": pid(room, "anna")})
    assert str(caught.value) == f"{field}: is longer than 10,000 characters"


# ------------------------------------------------------------------ creating logins

def test_user_add_without_createrole_sends_no_password_verifier(room: Room) -> None:
    admin = room.db("admin")
    sent: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_rest: Any) -> None:
        sent.append(statement)

    event.listen(admin.engine, "before_cursor_execute", record)
    try:
        with pytest.raises(DatabaseRefused, match="needs CREATEROLE"):
            users.add_user(admin, room.login("admin"), "newbie_x", "a-long-password-1",
                           role="specialist", agency="police", country="NL")
    finally:
        event.remove(admin.engine, "before_cursor_execute", record)
    assert sent and not any("PASSWORD" in s.upper() or "SCRAM" in s.upper() for s in sent)
    assert scalar(room.owner, "SELECT count(*) FROM pg_roles WHERE rolname = 'newbie_x'") == 0


def test_a_terminated_connection_reads_as_a_database_problem(room: Room) -> None:
    """(What the desktop sees when the watchdog ended its stalled session.)"""
    with room.db("anna").engine.connect() as connection:
        backend = connection.execute(text("SELECT pg_backend_pid()")).scalar()
        run(room.owner, "SELECT pg_terminate_backend(:p)", p=backend)
        with pytest.raises(OperationalError):
            connection.execute(text("SELECT 1"))
    comments.add_comment(room.db("anna"), room.login("anna"), room.series_ids[0], "still here")
