"""write path: commit-ordered versions without one hot row

Revision ID: 0008_write_path
Revises: 0007_appeals

PostgreSQL only (SQLite writers are serialised by the file lock anyway and keep the counter).

Before: every write transaction bumped the one `change_counter` row and held its lock until
COMMIT, so every write in the room queued behind the previous one's COMMIT (a WAL flush).
Now an event's version is its *position*: `(p << 16) + n`, where `p` is a transaction id
assigned while the events are appended (a subtransaction's id, obtained by a throw-away row in
`vidtask_position_probe`) and `n` numbers the events of that append. Nothing is shared between
writers but the server's transaction-id counter.

Why a reader never skips an event (`vidtask_feed_horizon`, read inside the reader's snapshot S):
1. Before taking its position, an appending transaction T takes the advisory lock
   `APPEND_LOCK + (T's top-level id mod 2**32)`, held to its end.
2. Positions are transaction ids assigned after that lock, so p > T's top-level id, and p is
   at least the next id to be assigned at the moment T took the lock.
3. The horizon starts at S's xmax (every id below it was assigned before S; ids assigned later
   are ≥ it). For each top-level id x that S sees in progress, the reader probes x's lock,
   then x's status: if x holds the lock (appended, not yet visible) or committed after S (may
   have appended, invisible to S), the horizon drops to x + 1 ≤ p; if x is still in progress
   and held no lock at the probe, any append it makes comes later and its p ≥ S's xmax.
   Aborted transactions never become visible and are ignored.
4. So every event with a position below the horizon is visible in S or never will be: reading
   "after N, below the horizon" in position order delivers each event once, in order.
Causality is kept as well: a transaction that waited for another's row lock appends after the
other committed, so its position is larger. Transactions of other databases on the server
never hold this database's advisory locks and only lower the horizon in the instant after they
commit; a long transaction that has not appended yet (an import still copying rows) does not
hold the feed back at all.

The old counter row stays (SQLite uses it; PostgreSQL no longer touches it).
"""
from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

from alembic import op
from sqlalchemy import text

revision = '0008_write_path'
down_revision = '0007_appeals'
branch_labels = None
depends_on = None

DENIED = "USING ERRCODE = 'insufficient_privilege'"
#: Advisory-lock keys of appending transactions: APPEND_LOCK + (top-level xid mod 2**32).
APPEND_LOCK = 0x5644_0000_0000_0000  # "VD" in the high bytes; migrate.py uses a small key
#: Events per append call: the low 16 bits of a version number them.
MAX_BATCH = 65_536
MAX_EVENT_BYTES = 1_048_576
GROUPS = ("vidtask_specialist", "vidtask_coordinator", "vidtask_admin")


def _path(s: str) -> str:
    return f"SET search_path = pg_catalog, {s}, pg_temp"


def append_function(s: str) -> str:
    return f"""CREATE OR REPLACE FUNCTION {s}.vidtask_append_events(batch jsonb) RETURNS bigint
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER {_path(s)} AS $$
    DECLARE
      n integer;
      top bigint;
      slot bigint;
      probe tid;
      trusted boolean := {s}.vidtask_is_maintenance();
      me integer;
    BEGIN
      IF batch IS NULL OR jsonb_typeof(batch) <> 'array' THEN
        RAISE EXCEPTION 'vidtask: events come as a JSON array'
          USING ERRCODE = 'invalid_parameter_value';
      END IF;
      n := jsonb_array_length(batch);
      IF n = 0 THEN
        RETURN NULL;
      END IF;
      IF n > {MAX_BATCH} THEN
        RAISE EXCEPTION 'vidtask: at most {MAX_BATCH} events in one append'
          USING ERRCODE = 'program_limit_exceeded';
      END IF;
      IF EXISTS (SELECT 1 FROM jsonb_array_elements(batch) AS x(event)
                 WHERE octet_length(x.event::text) > {MAX_EVENT_BYTES}) THEN
        RAISE EXCEPTION 'vidtask: an event is larger than {MAX_EVENT_BYTES // 1024} KiB'
          USING ERRCODE = 'program_limit_exceeded';
      END IF;
      IF NOT trusted THEN
        me := {s}.vidtask_participant_id();
        IF me IS NULL THEN
          RAISE EXCEPTION 'vidtask: % is not an active participant', session_user {DENIED};
        END IF;
      END IF;
      top := pg_current_xact_id()::text::bigint;
      -- 1. "this transaction appends", before it takes its slot (see vidtask_feed_horizon)
      PERFORM pg_advisory_xact_lock({APPEND_LOCK} + top % 4294967296);
      BEGIN  -- a subtransaction: its id, assigned now, is the position
        INSERT INTO {s}.vidtask_position_probe VALUES (0)
          RETURNING xmin::text::bigint, ctid INTO slot, probe;
        DELETE FROM {s}.vidtask_position_probe WHERE ctid = probe;
        -- 64 bits: the top-level id's epoch (the subtransaction's id is the later one)
        slot := (top >> 32 << 32) + slot
                    + CASE WHEN slot < top % 4294967296 THEN 4294967296 ELSE 0 END;
        INSERT INTO {s}.events (version, occurred_at, actor_id, actor_login, action,
                                entity_type, entity_id, series_id, sprint_id, before, after)
        SELECT (slot << 16) + e.ord - 1,
               CASE WHEN trusted THEN coalesce(e.occurred_at, now()) ELSE now() END,
               CASE WHEN trusted THEN e.actor_id ELSE me END,
               CASE WHEN trusted THEN coalesce(e.actor_login, session_user)
                    ELSE session_user END,
               e.action, e.entity_type, e.entity_id, e.series_id, e.sprint_id, e.before,
               e.after
        FROM ROWS FROM (jsonb_to_recordset(batch) AS (
               actor_id integer, actor_login text, occurred_at timestamptz, action text,
               entity_type text, entity_id bigint, series_id bigint, sprint_id integer,
               before jsonb, after jsonb)) WITH ORDINALITY
             AS e(actor_id, actor_login, occurred_at, action, entity_type, entity_id,
                  series_id, sprint_id, before, after, ord);
      EXCEPTION WHEN OTHERS THEN
        RAISE;
      END;
      PERFORM pg_notify('vidtask_changes', ((slot << 16) + n - 1)::text);
      RETURN (slot << 16) + n - 1;
    END $$"""


def feed_functions(s: str) -> list[str]:
    path = _path(s)
    return [
        # Positions below the returned bound are final in the caller's snapshot (see above).
        f"""CREATE OR REPLACE FUNCTION {s}.vidtask_feed_horizon() RETURNS bigint
        LANGUAGE plpgsql STABLE {path} AS $$
        DECLARE
          snap pg_snapshot := pg_current_snapshot();
          bound bigint := pg_snapshot_xmax(snap)::text::bigint;
          running bigint;
          lock_key bigint;
          appending boolean;
        BEGIN
          FOR running IN SELECT x::text::bigint FROM pg_snapshot_xip(snap) AS x LOOP
            IF running < bound THEN
              lock_key := {APPEND_LOCK} + running % 4294967296;
              -- the probe, then the status: in this order (see migration 0008)
              appending := CASE WHEN pg_try_advisory_lock_shared(lock_key)
                                THEN NOT pg_advisory_unlock_shared(lock_key) ELSE true END;
              IF appending OR pg_xact_status(running::text::xid8) = 'committed' THEN
                bound := running + 1;
              END IF;
            END IF;
          END LOOP;
          RETURN bound << 16;
        END $$""",
        f"""CREATE OR REPLACE FUNCTION {s}.vidtask_changes_since(since_version bigint, most integer)
        RETURNS SETOF {s}.events
        LANGUAGE plpgsql STABLE {path} AS $$
        DECLARE
          below bigint := {s}.vidtask_feed_horizon();
        BEGIN
          RETURN QUERY SELECT * FROM {s}.events e
            WHERE e.version > since_version AND e.version < below ORDER BY e.version LIMIT most;
        END $$""",
        # The newest final position: where a new reader starts, what a safety poll compares.
        f"""CREATE OR REPLACE FUNCTION {s}.vidtask_feed_position() RETURNS bigint
        LANGUAGE plpgsql STABLE {path} AS $$
        DECLARE
          below bigint := {s}.vidtask_feed_horizon();
        BEGIN
          RETURN coalesce((SELECT max(e.version) FROM {s}.events e WHERE e.version < below), 0);
        END $$""",
    ]


def helper_functions(s: str) -> list[str]:
    """0003's who-am-I helpers, unchanged in meaning, in PL/pgSQL: a LANGUAGE sql function
    that cannot be inlined (SECURITY DEFINER, SET search_path) is planned again at every call;
    measured 0.2 ms a call for vidtask_is_maintenance (its pg_roles view), which made it half of
    an event append. PL/pgSQL keeps each plan for the session."""
    path = _path(s)
    return [
        f"""CREATE OR REPLACE FUNCTION {s}.vidtask_is_maintenance() RETURNS boolean
        LANGUAGE plpgsql STABLE SECURITY DEFINER {path} AS $$
        BEGIN
          RETURN coalesce((SELECT r.rolsuper OR r.oid = c.relowner
                           FROM pg_catalog.pg_roles r, pg_catalog.pg_class c
                           WHERE r.rolname = session_user
                             AND c.oid = '{s}.events'::pg_catalog.regclass), false);
        END $$""",
        f"""CREATE OR REPLACE FUNCTION {s}.vidtask_participant_id() RETURNS integer
        LANGUAGE plpgsql STABLE SECURITY DEFINER {path} AS $$
        BEGIN
          RETURN (SELECT p.id FROM {s}.participants p WHERE p.login = session_user AND p.active);
        END $$""",
        f"""CREATE OR REPLACE FUNCTION {s}.vidtask_is_lead() RETURNS boolean
        LANGUAGE plpgsql STABLE SECURITY DEFINER {path} AS $$
        BEGIN
          RETURN {s}.vidtask_is_maintenance() OR EXISTS (
            SELECT 1 FROM {s}.participants p
            WHERE p.login = session_user AND p.active AND p.role IN ('coordinator', 'admin'));
        END $$""",
        f"""CREATE OR REPLACE FUNCTION {s}.vidtask_holds_series(target bigint) RETURNS boolean
        LANGUAGE plpgsql STABLE SECURITY DEFINER {path} AS $$
        BEGIN
          RETURN EXISTS (
            SELECT 1 FROM {s}.series x JOIN {s}.participants p ON p.id = x.claimed_by_id
            WHERE x.id = target AND p.login = session_user AND p.active
              AND x.claim_expires_at > pg_catalog.now());
        END $$""",
    ]


def events_stamp_function(s: str) -> str:
    """The events trigger, lighter: rows come from `vidtask_append_events` (which checks and
    stamps them) or from the maintenance login; anybody else's INSERT is refused."""
    return f"""CREATE OR REPLACE FUNCTION {s}.vidtask_events_stamp() RETURNS trigger
    LANGUAGE plpgsql {_path(s)} AS $$
    BEGIN
      NEW.db_login := session_user;
      IF EXISTS (SELECT 1 FROM pg_catalog.pg_roles r, pg_catalog.pg_class c
                 WHERE r.rolname = current_user
                   AND c.oid = '{s}.events'::pg_catalog.regclass
                   AND (r.rolsuper OR r.oid = c.relowner)) THEN
        RETURN NEW;
      END IF;
      RAISE EXCEPTION 'vidtask: events are appended through vidtask_append_events only'
        {DENIED};
    END $$"""


def watchdog_function(s: str) -> str:
    """0003's `vidtask_end_stalled_sessions`, which also ends a personal login's session that
    has appended events and keeps its transaction open past the limit: it holds every other
    desktop's feed back (not their writes)."""
    rules = _rules_0003()
    # state_change: when it went idle, or began the statement it still runs — never the
    # moment an import appends its events just before COMMIT.
    appending = (f"OR (a.state_change < now() - stalled AND EXISTS ("
                 "SELECT 1 FROM pg_catalog.pg_locks l WHERE l.pid = a.pid "
                 f"AND l.locktype = 'advisory' AND l.classid = {APPEND_LOCK >> 32} "
                 "AND l.granted))\n               OR a.xact_start < now() - interval")
    function = rules.watchdog_function(s)
    marker = "OR a.xact_start < now() - interval"
    assert function.count(marker) == 1
    return function.replace(marker, appending)


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    schema = bind.execute(text("SELECT current_schema()")).scalar_one()
    s = f'"{schema}"'
    op.execute(f"CREATE UNLOGGED TABLE IF NOT EXISTS {s}.vidtask_position_probe "
               "(x smallint)")
    op.execute(f"REVOKE ALL ON {s}.vidtask_position_probe FROM PUBLIC")
    for statement in helper_functions(s):
        op.execute(statement)
    op.execute(append_function(s))
    op.execute(events_stamp_function(s))
    op.execute(watchdog_function(s))
    for statement in feed_functions(s):
        op.execute(statement)


def _rules_0003() -> Any:
    spec = importlib.util.spec_from_file_location(
        "vidtask_migration_0003", Path(__file__).with_name("0003_database_rules.py"))
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    schema = bind.execute(text("SELECT current_schema()")).scalar_one()
    s = f'"{schema}"'
    for name in ("vidtask_feed_position()", "vidtask_changes_since(bigint, integer)",
                 "vidtask_feed_horizon()"):
        op.execute(f"DROP FUNCTION IF EXISTS {s}.{name}")
    rules = _rules_0003()
    for statement in rules.helper_functions(s):
        op.execute(statement)
    op.execute(rules.append_function(s))
    op.execute(next(f for f in rules.trigger_functions(s) if "vidtask_events_stamp()" in f))
    op.execute(rules.watchdog_function(s))
    # The counter continues above every position handed out, so versions keep increasing.
    op.execute(f"UPDATE {s}.change_counter SET version = greatest(version, "
               f"(SELECT coalesce(max(version), 0) FROM {s}.events)) WHERE id = 1")
    op.execute(f"DROP TABLE IF EXISTS {s}.vidtask_position_probe")
