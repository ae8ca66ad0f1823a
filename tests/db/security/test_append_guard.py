"""Issue 12 against 0008's write path (migration 0009), replayed as personal logins with raw SQL:
nobody squats the advisory locks appenders take, and `vidtask_append_events` takes from a login
only the events its work may produce (a packet's audit block and the dashboard read them)."""

from __future__ import annotations

import contextlib
import json
import threading
import time
from typing import TYPE_CHECKING, Any

import psycopg
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.db.security.raw_sql import REFUSED, participant_id, refused, run, scalar
from vidtask.db.models import Series
from vidtask.db.roles import ADVISORY_LOCKERS
from vidtask.services import assessments, claims, clues, comments, review
from vidtask.services.packet_content import read_packet_series
from vidtask.sync.feed import changes_since, current_version

if TYPE_CHECKING:  # the `room` fixture comes from this folder's conftest.py
    from tests.db.security.conftest import Room

APPEND_LOCK = 0x5644_0000_0000_0000
RU = [assessments.CandidateInput("RU", 80, "Cyrillic on the packaging")]
def _raw(room: Room, short: str) -> psycopg.Connection:
    url = room.db(short).url.set(drivername="postgresql").render_as_string(hide_password=False)
    return psycopg.connect(url, autocommit=True)


def _squat(connection: psycopg.Connection, how_many: int = 2_000) -> None:
    """Session locks on the append keys of the next transaction ids, held between statements."""
    first = connection.execute("SELECT pg_current_xact_id()::text::bigint").fetchone()
    assert first is not None
    connection.execute("SELECT count(pg_advisory_lock(%s::bigint + g %% 4294967296)) "
                       "FROM generate_series(%s::bigint, %s::bigint + %s) AS g",
                       (APPEND_LOCK, first[0], first[0], how_many))


@pytest.mark.parametrize("function", ADVISORY_LOCKERS)
def test_nobody_but_the_owner_takes_a_bigint_advisory_lock(room: Room, function: str) -> None:
    """The keys of appending transactions are predictable: taking them in advance is refused."""
    name = function.removeprefix("pg_catalog.").removesuffix("(bigint)")
    for short in ("anna", "cora", "admin"):
        assert "permission denied for function" in refused(
            room.db(short), f"SELECT {name}(:k)", k=APPEND_LOCK + 12345)
    # …and every login still appends (the append function and the horizon run as the owner)
    since = current_version(room.owner)
    claims.claim_series(room.db("anna"), room.login("anna"), room.series_ids[0])
    assert [e.action for e in changes_since(room.db("bert"), since)] == ["claim.taken"]


def test_a_squatter_on_the_append_locks_is_ended_by_the_next_watchdog_run(room: Room) -> None:
    """Where no superuser could revoke those functions (granted back here to replay it), a
    login that squats the next keys and keeps its session busy with `SELECT 1` — which the
    stalled-session rule never catches — is ended by any client's watchdog run at once."""
    login = room.login("anna")
    grants = [f'GRANT EXECUTE ON FUNCTION {f} TO "{login}"' for f in ADVISORY_LOCKERS]
    for statement in grants:
        run(room.owner, statement)
    squatter = _raw(room, "anna")
    stop = threading.Event()

    def keep_busy() -> None:
        with contextlib.suppress(psycopg.Error):  # ended from outside: the point of the test
            while not stop.is_set():
                squatter.execute("SELECT 1")
                time.sleep(0.2)

    busy = threading.Thread(target=keep_busy)
    try:
        _squat(squatter)
        busy.start()
        time.sleep(0.5)
        # a specialist's own periodic run (the 45 s floor does not apply to squatting)
        assert scalar(room.db("bert"), "SELECT vidtask_end_stalled_sessions()") == 1
        stop.set()
        busy.join(10)
        with pytest.raises(psycopg.OperationalError):
            squatter.execute("SELECT 1")
    finally:
        stop.set()
        busy.join(10)
        squatter.close()
        for statement in grants:
            run(room.owner, statement.replace("GRANT", "REVOKE").replace(" TO ", " FROM "))
    began = time.monotonic()
    claims.claim_series(room.db("bert"), room.login("bert"), room.series_ids[1])
    assert time.monotonic() - began < 5


def test_the_watchdog_leaves_appenders_and_readers_alone(room: Room) -> None:
    """An appender holds only its own transaction's key; a reader's probe only inside its
    statement: neither is a squatter."""
    appender = _raw(room, "anna")
    try:
        appender.execute("BEGIN")
        appender.execute("SELECT vidtask_append_events('[{\"action\": \"test.open\", "
                         "\"entity_type\": \"test\"}]')")
        changes_since(room.db("bert"), 0)
        assert scalar(room.db("bert"), "SELECT vidtask_end_stalled_sessions()") == 0
        appender.execute("COMMIT")
    finally:
        appender.close()


def _append(room: Room, short: str, *events: dict[str, Any]) -> str | None:
    """The SQLSTATE if `short`'s raw append was refused, None if it went in."""
    with _raw(room, short) as connection:
        try:
            connection.execute("SELECT vidtask_append_events(%s::jsonb)",
                               (json.dumps(list(events)),))
        except psycopg.Error as exc:
            return str(exc.sqlstate)
    return None


def _confirmed_by_cora(room: Room) -> int:
    """S-001: bert's work, proposed by him, confirmed for RU by cora."""
    s1 = room.series_ids[0]
    bert, login = room.db("bert"), room.login("bert")
    claims.claim_series(bert, login, s1)
    clues.add_clue(bert, login, s1, clues.ClueInput(category="toy", description="bert's"))
    assessments.set_candidates(bert, login, s1, RU)
    assessments.propose(bert, login, s1)
    review.confirm_countries(room.db("cora"), room.login("cora"), s1, ["RU"])
    return s1


def _audit(room: Room, series_id: int) -> list[tuple[str, str]]:
    """The audit block the next packet for RU would carry, read as cora."""
    with Session(room.db("cora").engine) as session:
        rows = session.scalars(select(Series).where(Series.id == series_id)).all()
        sections, _ = read_packet_series(session, rows, "RU", include_h2=False)
    return [(step.step, step.who.name) for step in sections[0].audit]


@pytest.mark.parametrize("action", ["claim.taken", "assessment.ranked", "clue.added"])
def test_casework_on_a_series_is_recorded_only_by_its_holder(room: Room, action: str) -> None:
    """Anna never touched S-001: her raw `claim.taken` or `assessment.ranked` would put her
    name in the audit of the next packet for RU; a coordinator's neither."""
    s1 = _confirmed_by_cora(room)
    audit = _audit(room, s1)
    before = scalar(room.owner, "SELECT count(*) FROM events")
    event = {"action": action, "entity_type": "series", "entity_id": s1, "series_id": s1}
    assert _append(room, "anna", event) == REFUSED
    assert _append(room, "cody", event) == REFUSED
    assert _append(room, "anna", {**event, "series_id": None}) == REFUSED
    assert scalar(room.owner, "SELECT count(*) FROM events") == before
    assert _audit(room, s1) == audit
    assert ("claimed", "Anna") not in audit and ("assessed", "Anna") not in audit


@pytest.mark.parametrize("action", ["series.confirmed", "series.eliminated",
                                    "claim.force_released", "packet.generated",
                                    "participant.added", "sprint.edited"])
def test_a_specialist_records_no_coordinators_or_admins_event(room: Room, action: str) -> None:
    s2 = room.series_ids[1]
    claims.claim_series(room.db("anna"), room.login("anna"), s2)  # even on her own series
    before = scalar(room.owner, "SELECT count(*) FROM events")
    assert _append(room, "anna", {"action": "comment.added", "entity_type": "series",
                                  "series_id": s2},
                   {"action": action, "entity_type": "series", "series_id": s2}) == REFUSED
    assert scalar(room.owner, "SELECT count(*) FROM events") == before


def test_the_services_still_record_every_step_as_personal_logins(room: Room) -> None:
    """What the app appends passes the new rules: claim (one statement), clue, ranking,
    proposal, a comment from somebody without the claim, confirmation, force-release."""
    s1 = _confirmed_by_cora(room)
    comments.add_comment(room.db("anna"), room.login("anna"), s1, "well done")
    claims.claim_series(room.db("anna"), room.login("anna"), room.series_ids[1])
    claims.force_release(room.db("cody"), room.login("cody"), room.series_ids[1], "holiday")
    actions = scalar(room.owner, "SELECT string_agg(action, ' ' ORDER BY version) FROM events "
                     "WHERE series_id = :s", s=s1).split()
    steps = ["claim.taken", "clue.added", "assessment.ranked", "series.proposed",
             "series.confirmed"]
    assert [a for a in actions if a in steps] == steps
    assert actions[-1] == "comment.added"
    assert scalar(room.owner, "SELECT count(*) FROM events WHERE action = 'claim.force_released' "
                  "AND actor_id = :c", c=participant_id(room, "cody")) == 1
