"""database rules that hold against a hostile login

Revision ID: 0003_database_rules
Revises: 0002_security

Both backends:
* `events.db_login`: the database login that really wrote the event (`session_user`, set by the
  database on PostgreSQL; NULL on SQLite, which has no logins).
* CHECK constraints `ck_<table>_<column>_length` for every user text column, the numbers from
  `vidtask.domain.limits` (what the services refuse too). Longer text already stored is cut to
  the limit first, so the upgrade cannot fail on old data. SQLite through `batch_alter_table`
  (the table is copied; `vidtask.db.migrate` turns foreign keys off around it so the copy does
  not cascade).

PostgreSQL only:
* Every SECURITY DEFINER function pins `search_path = pg_catalog, <schema>, pg_temp` (pg_temp
  last: an unqualified name can no longer resolve to the caller's temporary table) and
  qualifies every name.
* Events are appended only through `vidtask_append_events(jsonb)` (SECURITY DEFINER): it takes
  the versions from the change counter (the counter moves by exactly the number of events it
  inserts), stamps actor, login and time from the session, and sends the NOTIFY. The groups
  lose UPDATE on `change_counter` and INSERT on `events`; an INSERT that does not come through
  the function is refused by the events trigger.
* The series guard enforces the state machine for every column it cares about (claims only on
  claimable statuses and within the sprint's lease, `proposed` only with an assessment and
  by yourself, confirm/send back/eliminate/notify by leads only, four-eyes at confirm) and sets
  the bookkeeping columns itself (`version = old + 1`, `updated_at`, `claimed_at`,
  `proposed_at`); a specialist cannot touch a series they do not hold except to claim it or to
  release an expired lease.
* Assessments: bookkeeping by the database; confirming needs a lead who neither ranked nor
  proposed the series (four-eyes), and `confirmed_by_id`/`confirmed_at` are the database's.
* Clues, comments, country feedback: `created_at`/`updated_at`/`version`/author columns set by
  the database (a comment cannot be back-dated).
* Row rules for `presence` (own rows; anybody may clear expired ones), `tips` (leads record
  them; nobody verifies in somebody else's name) and `appeal_objects` (leads, or the holder of
  the clue's series while the object is a draft) — issue 17 refines the last two.
* `vidtask_end_stalled_sessions()`: ends personal logins' sessions that sit idle in a
  transaction, or block others, for longer than the timeouts allow (a login can switch its own
  timeouts off; this cannot be). Needs the owner to hold pg_signal_backend and
  pg_read_all_stats (`vidtask db init-roles` grants them when run as a superuser).
Per-login timeouts (`lock_timeout`, `statement_timeout`, `idle_in_transaction_session_timeout`,
server keepalives) and `REVOKE TEMPORARY` are set by `vidtask db init-roles` / `user add`
(vidtask.db.roles), not here: they are cluster objects.
"""
from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy import text

from vidtask.domain.limits import TEXT_LIMITS, limits_of

revision = '0003_database_rules'
down_revision = '0002_security'
branch_labels = None
depends_on = None

DENIED = "USING ERRCODE = 'insufficient_privilege'"
GROUPS = ("vidtask_specialist", "vidtask_coordinator", "vidtask_admin")
#: How long a personal login may sit idle in a transaction, or block someone, before
#: `vidtask_end_stalled_sessions` ends its session (the per-login timeouts are 30 s).
STALLED_AFTER = "45 seconds"
#: A transaction of a personal login older than this is ended whatever it does.
LONGEST_TRANSACTION = "10 minutes"
#: Largest before+after of one event (bytes of JSON): a 200 MB event made every reader suffer.
MAX_EVENT_BYTES = 1_048_576
#: Presence rows cannot claim to be online for longer than this.
PRESENCE_MAX = "10 minutes"

_TABLES_WITH_LIMITS = tuple(dict.fromkeys(limit.table for limit in TEXT_LIMITS))


def _path(s: str) -> str:
    return f"SET search_path = pg_catalog, {s}, pg_temp"


def helper_functions(s: str) -> list[str]:
    """Who am I, am I a lead, do I hold this series: SECURITY DEFINER, pinned, qualified."""
    path = _path(s)
    return [
        # Owner of `events` or a superuser: trusted for migrations, bootstrap and maintenance.
        f"""CREATE OR REPLACE FUNCTION {s}.vidtask_is_maintenance() RETURNS boolean
        LANGUAGE sql STABLE SECURITY DEFINER {path} AS $$
          SELECT coalesce((SELECT r.rolsuper OR r.oid = c.relowner
                           FROM pg_catalog.pg_roles r, pg_catalog.pg_class c
                           WHERE r.rolname = session_user
                             AND c.oid = '{s}.events'::pg_catalog.regclass), false)
        $$""",
        f"""CREATE OR REPLACE FUNCTION {s}.vidtask_participant_id() RETURNS integer
        LANGUAGE sql STABLE SECURITY DEFINER {path} AS $$
          SELECT p.id FROM {s}.participants p WHERE p.login = session_user AND p.active
        $$""",
        f"""CREATE OR REPLACE FUNCTION {s}.vidtask_is_lead() RETURNS boolean
        LANGUAGE sql STABLE SECURITY DEFINER {path} AS $$
          SELECT {s}.vidtask_is_maintenance() OR EXISTS (
            SELECT 1 FROM {s}.participants p
            WHERE p.login = session_user AND p.active AND p.role IN ('coordinator', 'admin'))
        $$""",
        f"""CREATE OR REPLACE FUNCTION {s}.vidtask_holds_series(target bigint) RETURNS boolean
        LANGUAGE sql STABLE SECURITY DEFINER {path} AS $$
          SELECT EXISTS (
            SELECT 1 FROM {s}.series x JOIN {s}.participants p ON p.id = x.claimed_by_id
            WHERE x.id = target AND p.login = session_user AND p.active
              AND x.claim_expires_at > pg_catalog.now())
        $$""",
    ]


def append_function(s: str) -> str:
    """The only way a personal login appends events (versions from the change counter)."""
    return f"""CREATE OR REPLACE FUNCTION {s}.vidtask_append_events(batch jsonb) RETURNS bigint
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER {_path(s)} AS $$
    DECLARE
      n integer;
      last bigint;
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
      -- The counter moves by exactly the number of events inserted below, and its row lock
      -- (held to COMMIT) makes the versions commit-ordered.
      UPDATE {s}.change_counter SET version = version + n WHERE id = 1 RETURNING version
        INTO last;
      INSERT INTO {s}.events (version, occurred_at, actor_id, actor_login, action, entity_type,
                              entity_id, series_id, sprint_id, before, after)
      SELECT last - n + e.ord,
             CASE WHEN trusted THEN coalesce(e.occurred_at, now()) ELSE now() END,
             CASE WHEN trusted THEN e.actor_id ELSE me END,
             CASE WHEN trusted THEN coalesce(e.actor_login, session_user) ELSE session_user END,
             e.action, e.entity_type, e.entity_id, e.series_id, e.sprint_id, e.before, e.after
      FROM ROWS FROM (jsonb_to_recordset(batch) AS (
             actor_id integer, actor_login text, occurred_at timestamptz, action text,
             entity_type text, entity_id bigint, series_id bigint, sprint_id integer,
             before jsonb, after jsonb)) WITH ORDINALITY
           AS e(actor_id, actor_login, occurred_at, action, entity_type, entity_id, series_id,
                sprint_id, before, after, ord);
      PERFORM pg_notify('vidtask_changes', last::text);
      RETURN last;
    END $$"""


def watchdog_function(s: str) -> str:
    return f"""CREATE OR REPLACE FUNCTION {s}.vidtask_end_stalled_sessions(
        stalled interval DEFAULT interval '{STALLED_AFTER}') RETURNS integer
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER {_path(s)} AS $$
    DECLARE
      ended integer := 0;
      victim integer;
      owner oid := (SELECT c.relowner FROM pg_catalog.pg_class c
                    WHERE c.oid = '{s}.events'::pg_catalog.regclass);
    BEGIN
      IF NOT {s}.vidtask_is_maintenance() THEN
        stalled := greatest(stalled, interval '{STALLED_AFTER}');  -- only the owner may hurry
      END IF;
      FOR victim IN
        SELECT a.pid FROM pg_catalog.pg_stat_activity a
        JOIN pg_catalog.pg_roles r ON r.oid = a.usesysid
        WHERE a.datname = current_database() AND a.pid <> pg_backend_pid()
          AND NOT r.rolsuper AND r.oid <> owner
          AND EXISTS (SELECT 1 FROM {s}.participants p WHERE p.login = a.usename)
          AND (   (a.state LIKE 'idle in transaction%'
                   AND a.state_change < now() - stalled)
               OR (a.xact_start < now() - stalled
                   AND EXISTS (SELECT 1 FROM pg_catalog.pg_stat_activity w
                               WHERE w.datname = current_database()
                                 AND a.pid = ANY (pg_catalog.pg_blocking_pids(w.pid))))
               OR a.xact_start < now() - interval '{LONGEST_TRANSACTION}')
      LOOP
        BEGIN
          IF pg_catalog.pg_terminate_backend(victim) THEN
            ended := ended + 1;
          END IF;
        EXCEPTION WHEN insufficient_privilege THEN
          RAISE WARNING 'vidtask: the owner may not end session % (grant it pg_signal_backend)',
            victim;
          RETURN ended;
        END;
      END LOOP;
      RETURN ended;
    END $$"""


def trigger_functions(s: str) -> list[str]:
    path = _path(s)
    maint = f"{s}.vidtask_is_maintenance()"
    me = f"{s}.vidtask_participant_id()"
    return [
        # events: nobody updates or deletes, admin and owner included.
        f"""CREATE OR REPLACE FUNCTION {s}.vidtask_events_append_only() RETURNS trigger
        LANGUAGE plpgsql {path} AS $$
        BEGIN
          IF TG_OP = 'TRUNCATE' AND {maint} THEN
            RETURN NULL;  -- test resets and archive rotation by the owner only
          END IF;
          RAISE EXCEPTION 'vidtask: the event log is append-only (% refused)', TG_OP {DENIED};
        END $$""",
        # events: SECURITY INVOKER on purpose: current_user tells a row inserted by
        # vidtask_append_events (the owner) from one inserted directly.
        f"""CREATE OR REPLACE FUNCTION {s}.vidtask_events_stamp() RETURNS trigger
        LANGUAGE plpgsql {path} AS $$
        DECLARE
          me integer;
        BEGIN
          NEW.db_login := session_user;
          IF {maint} THEN
            RETURN NEW;
          END IF;
          IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles r, pg_catalog.pg_class c
                         WHERE r.rolname = current_user
                           AND c.oid = '{s}.events'::pg_catalog.regclass
                           AND (r.rolsuper OR r.oid = c.relowner)) THEN
            RAISE EXCEPTION 'vidtask: events are appended through vidtask_append_events only'
              {DENIED};
          END IF;
          IF NEW.actor_login IS DISTINCT FROM session_user THEN
            RAISE EXCEPTION 'vidtask: events are written as the signed-in user %, not as %',
              session_user, NEW.actor_login {DENIED};
          END IF;
          me := {me};
          IF me IS NULL THEN
            RAISE EXCEPTION 'vidtask: % is not an active participant', session_user {DENIED};
          END IF;
          NEW.actor_id := me;
          NEW.occurred_at := now();
          RETURN NEW;
        END $$""",
        # series: the state machine and the bookkeeping columns.
        f"""CREATE OR REPLACE FUNCTION {s}.vidtask_series_guard() RETURNS trigger
        LANGUAGE plpgsql SECURITY DEFINER {path} AS $$
        DECLARE
          me integer;
          lead boolean;
          who text;
          held boolean;
          lease interval;
          ok boolean;
          untouchable boolean := false;
        BEGIN
          IF {maint} THEN
            RETURN NEW;
          END IF;
          me := {me};
          IF me IS NULL THEN
            RAISE EXCEPTION 'vidtask: % is not an active participant', session_user {DENIED};
          END IF;
          lead := {s}.vidtask_is_lead();
          who := CASE WHEN lead THEN 'a coordinator' ELSE 'a specialist' END;
          -- Bookkeeping is the database's, whatever the statement says.
          NEW.version := OLD.version + 1;
          NEW.updated_at := now();
          NEW.created_at := OLD.created_at;
          held := coalesce(OLD.claimed_by_id = me AND OLD.claim_expires_at > now(), false);

          IF NEW.claimed_by_id IS DISTINCT FROM OLD.claimed_by_id
             OR NEW.claim_expires_at IS DISTINCT FROM OLD.claim_expires_at THEN
            IF NEW.claimed_by_id IS NULL THEN
              -- release your own, clear an expired lease, or (leads) force-release
              IF NOT lead AND NOT coalesce(OLD.claimed_by_id IS NULL OR OLD.claimed_by_id = me
                                           OR OLD.claim_expires_at < now(), false) THEN
                RAISE EXCEPTION 'vidtask: only coordinators force-release a live claim (%)',
                  OLD.code {DENIED};
              END IF;
              NEW.claim_expires_at := NULL;
              NEW.claimed_at := NULL;
            ELSIF NEW.claimed_by_id = me THEN
              IF OLD.status NOT IN ('new', 'claimed', 'in_assessment') THEN
                RAISE EXCEPTION 'vidtask: series % is %; it cannot be claimed',
                  OLD.code, replace(OLD.status, '_', ' ') {DENIED};
              END IF;
              IF NOT coalesce(OLD.claimed_by_id IS NULL OR OLD.claimed_by_id = me
                              OR OLD.claim_expires_at < now(), false) THEN
                RAISE EXCEPTION 'vidtask: series % is claimed by somebody else', OLD.code
                  {DENIED};
              END IF;
              SELECT make_interval(mins => t.lease_minutes) INTO lease
                FROM {s}.sprints t WHERE t.id = NEW.sprint_id;
              IF NEW.claim_expires_at IS NULL OR NEW.claim_expires_at <= now()
                 OR NEW.claim_expires_at > now() + coalesce(lease, interval '2 hours') THEN
                RAISE EXCEPTION 'vidtask: a claim may not outlast the sprint''s lease' {DENIED};
              END IF;
              NEW.claimed_at := CASE WHEN held THEN OLD.claimed_at ELSE now() END;
            ELSE
              RAISE EXCEPTION 'vidtask: nobody claims a series for somebody else' {DENIED};
            END IF;
          ELSE
            NEW.claimed_at := OLD.claimed_at;
            -- without a claim change a specialist may touch only a series they hold
            -- (refused at the end, so a status change gets its own sentence first)
            untouchable := NOT lead AND NOT held;
          END IF;

          -- coalesce: a NULL in any test must refuse, never slip through three-valued logic.
          IF NEW.status IS DISTINCT FROM OLD.status THEN
            ok := coalesce(CASE
              WHEN OLD.status = 'new' AND NEW.status = 'claimed' THEN NEW.claimed_by_id = me
              WHEN OLD.status = 'claimed' AND NEW.status = 'new' THEN NEW.claimed_by_id IS NULL
              WHEN OLD.status = 'claimed' AND NEW.status = 'in_assessment' THEN held OR lead
              WHEN OLD.status IN ('claimed', 'in_assessment') AND NEW.status = 'proposed' THEN
                (held OR lead) AND NEW.proposed_by_id = me
              WHEN OLD.status = 'proposed' AND NEW.status IN ('confirmed', 'in_assessment')
                THEN lead
              WHEN OLD.status = 'confirmed' AND NEW.status = 'notified' THEN lead
              WHEN NEW.status = 'eliminated' THEN lead AND OLD.status <> 'notified'
              ELSE false END, false);
            IF NOT ok THEN
              RAISE EXCEPTION 'vidtask: % may not move series % from % to %', who, OLD.code,
                replace(OLD.status, '_', ' '), replace(NEW.status, '_', ' ') {DENIED};
            END IF;
            IF NEW.status = 'proposed' AND NOT EXISTS (
                SELECT 1 FROM {s}.country_assessments a WHERE a.series_id = OLD.id) THEN
              RAISE EXCEPTION 'vidtask: series % has no ranked country to propose', OLD.code
                {DENIED};
            END IF;
            IF NEW.status = 'confirmed' AND (OLD.proposed_by_id = me OR EXISTS (
                SELECT 1 FROM {s}.country_assessments a
                WHERE a.series_id = OLD.id AND a.author_id = me)) THEN
              RAISE EXCEPTION 'vidtask: you assessed series %; another coordinator must confirm it (four-eyes)',
                OLD.code {DENIED};
            END IF;
            NEW.proposed_at := CASE WHEN NEW.status = 'proposed' THEN now()
                                    ELSE OLD.proposed_at END;
          ELSE
            NEW.proposed_at := OLD.proposed_at;
          END IF;
          IF NEW.proposed_by_id IS DISTINCT FROM OLD.proposed_by_id
             AND NOT coalesce(NEW.status = 'proposed' AND OLD.status <> 'proposed'
                              AND NEW.proposed_by_id = me, false) THEN
            RAISE EXCEPTION 'vidtask: nobody proposes for somebody else' {DENIED};
          END IF;
          IF untouchable THEN
            RAISE EXCEPTION 'vidtask: series % is not claimed by you', OLD.code {DENIED};
          END IF;
          RETURN NEW;
        END $$""",
        # assessments: bookkeeping, and confirmation only by a second pair of eyes.
        f"""CREATE OR REPLACE FUNCTION {s}.vidtask_assessment_guard() RETURNS trigger
        LANGUAGE plpgsql SECURITY DEFINER {path} AS $$
        DECLARE
          me integer;
          target record;
        BEGIN
          IF {maint} THEN
            RETURN NEW;
          END IF;
          me := {me};
          IF TG_OP = 'INSERT' THEN
            NEW.created_at := now();
            NEW.version := 1;
          ELSE
            NEW.created_at := OLD.created_at;
            NEW.version := OLD.version + 1;
            NEW.series_id := OLD.series_id;
          END IF;
          NEW.updated_at := now();
          IF NEW.confirmed AND (TG_OP = 'INSERT' OR NOT OLD.confirmed) THEN
            SELECT x.code, x.status, x.proposed_by_id INTO target
              FROM {s}.series x WHERE x.id = NEW.series_id;
            IF NOT {s}.vidtask_is_lead() THEN
              RAISE EXCEPTION 'vidtask: only coordinators confirm a country' {DENIED};
            END IF;
            IF target.status NOT IN ('proposed', 'confirmed') THEN
              RAISE EXCEPTION 'vidtask: series % is %; only a proposed series is confirmed',
                target.code, replace(target.status, '_', ' ') {DENIED};
            END IF;
            IF me = NEW.author_id OR me = target.proposed_by_id OR EXISTS (
                SELECT 1 FROM {s}.country_assessments a
                WHERE a.series_id = NEW.series_id AND a.author_id = me) THEN
              RAISE EXCEPTION 'vidtask: you assessed series %; another coordinator must confirm it (four-eyes)',
                target.code {DENIED};
            END IF;
            NEW.confirmed_by_id := me;
            NEW.confirmed_at := now();
          ELSIF NEW.confirmed THEN
            NEW.confirmed_by_id := OLD.confirmed_by_id;
            NEW.confirmed_at := OLD.confirmed_at;
          ELSE
            NEW.confirmed_by_id := NULL;
            NEW.confirmed_at := NULL;
          END IF;
          RETURN NEW;
        END $$""",
        f"""CREATE OR REPLACE FUNCTION {s}.vidtask_clue_stamp() RETURNS trigger
        LANGUAGE plpgsql {path} AS $$
        DECLARE
          me integer;
        BEGIN
          IF {maint} THEN
            RETURN NEW;
          END IF;
          me := {me};
          IF TG_OP = 'INSERT' THEN
            NEW.created_at := now();
            NEW.version := 1;
            NEW.author_id := me;
          ELSE
            NEW.created_at := OLD.created_at;
            NEW.version := OLD.version + 1;
            NEW.author_id := OLD.author_id;
            NEW.series_id := OLD.series_id;
          END IF;
          NEW.updated_at := now();
          NEW.updated_by_id := me;
          RETURN NEW;
        END $$""",
        f"""CREATE OR REPLACE FUNCTION {s}.vidtask_comment_stamp() RETURNS trigger
        LANGUAGE plpgsql {path} AS $$
        BEGIN
          IF NOT {maint} THEN
            NEW.created_at := now();
            NEW.author_id := {me};
          END IF;
          RETURN NEW;
        END $$""",
        f"""CREATE OR REPLACE FUNCTION {s}.vidtask_feedback_stamp() RETURNS trigger
        LANGUAGE plpgsql {path} AS $$
        BEGIN
          IF {maint} THEN
            RETURN NEW;
          END IF;
          IF TG_OP = 'INSERT' THEN
            NEW.created_at := now();
            NEW.recorded_by_id := {me};
          ELSE
            NEW.created_at := OLD.created_at;
            NEW.recorded_by_id := OLD.recorded_by_id;
          END IF;
          RETURN NEW;
        END $$""",
        f"""CREATE OR REPLACE FUNCTION {s}.vidtask_presence_stamp() RETURNS trigger
        LANGUAGE plpgsql {path} AS $$
        BEGIN
          IF {maint} THEN
            RETURN NEW;
          END IF;
          IF TG_OP = 'UPDATE' THEN  -- an INSERT for somebody else fails the row policy
            NEW.participant_id := OLD.participant_id;
          END IF;
          NEW.seen_at := now();
          NEW.expires_at := least(greatest(NEW.expires_at, now()),
                                  now() + interval '{PRESENCE_MAX}');
          RETURN NEW;
        END $$""",
        f"""CREATE OR REPLACE FUNCTION {s}.vidtask_tip_guard() RETURNS trigger
        LANGUAGE plpgsql {path} AS $$
        DECLARE
          was integer;
        BEGIN
          IF {maint} THEN
            RETURN NEW;
          END IF;
          IF TG_OP = 'UPDATE' THEN
            was := OLD.verified_by_id;
          END IF;
          IF NEW.verified_by_id IS DISTINCT FROM was
             AND NEW.verified_by_id IS DISTINCT FROM {me} THEN
            RAISE EXCEPTION 'vidtask: nobody verifies a tip in somebody else''s name' {DENIED};
          END IF;
          RETURN NEW;
        END $$""",
        f"""CREATE OR REPLACE FUNCTION {s}.vidtask_appeal_stamp() RETURNS trigger
        LANGUAGE plpgsql {path} AS $$
        BEGIN
          IF NOT {maint} THEN
            IF TG_OP = 'INSERT' THEN
              NEW.created_at := now();
            ELSE
              NEW.created_at := OLD.created_at;
            END IF;
          END IF;
          RETURN NEW;
        END $$""",
    ]


#: (trigger, table, timing and events, function)
TRIGGERS = (
    ("vidtask_events_append_only", "events", "BEFORE UPDATE OR DELETE", "ROW",
     "vidtask_events_append_only"),
    ("vidtask_events_no_truncate", "events", "BEFORE TRUNCATE", "STATEMENT",
     "vidtask_events_append_only"),
    ("vidtask_events_stamp", "events", "BEFORE INSERT", "ROW", "vidtask_events_stamp"),
    ("vidtask_series_guard", "series", "BEFORE UPDATE", "ROW", "vidtask_series_guard"),
    ("vidtask_assessment_guard", "country_assessments", "BEFORE INSERT OR UPDATE", "ROW",
     "vidtask_assessment_guard"),
    ("vidtask_clue_stamp", "clues", "BEFORE INSERT OR UPDATE", "ROW", "vidtask_clue_stamp"),
    ("vidtask_comment_stamp", "comments", "BEFORE INSERT", "ROW", "vidtask_comment_stamp"),
    ("vidtask_feedback_stamp", "country_feedback", "BEFORE INSERT OR UPDATE", "ROW",
     "vidtask_feedback_stamp"),
    ("vidtask_presence_stamp", "presence", "BEFORE INSERT OR UPDATE", "ROW",
     "vidtask_presence_stamp"),
    ("vidtask_tip_guard", "tips", "BEFORE INSERT OR UPDATE", "ROW", "vidtask_tip_guard"),
    ("vidtask_appeal_stamp", "appeal_objects", "BEFORE INSERT OR UPDATE", "ROW",
     "vidtask_appeal_stamp"),
)

#: Functions 0003 creates beside those of 0002 (dropped again on downgrade).
NEW_FUNCTIONS = ("vidtask_append_events(jsonb)", "vidtask_end_stalled_sessions(interval)",
                 "vidtask_assessment_guard()", "vidtask_clue_stamp()",
                 "vidtask_comment_stamp()", "vidtask_feedback_stamp()",
                 "vidtask_presence_stamp()", "vidtask_tip_guard()", "vidtask_appeal_stamp()")


def policies(s: str) -> dict[str, list[tuple[str, str]]]:
    """Row-level security per table: (policy name, definition after `ON table`)."""
    me = f"(SELECT {s}.vidtask_participant_id())"
    lead = f"(SELECT {s}.vidtask_is_lead())"
    holds = f"{s}.vidtask_holds_series"
    clue_series = f"(SELECT c.series_id FROM {s}.clues c WHERE c.id = clue_id)"
    return {
        "clues": [
            ("clues_read", "FOR SELECT USING (true)"),
            ("clues_insert", f"FOR INSERT WITH CHECK (author_id = {me} AND updated_by_id = {me} "
                             f"AND ({lead} OR {holds}(series_id)))"),
            # USING (true): an edit of somebody else's clue fails loudly on WITH CHECK.
            ("clues_update", f"FOR UPDATE USING (true) WITH CHECK ({lead} OR "
                             f"(updated_by_id = {me} AND {holds}(series_id)))"),
            ("clues_delete", f"FOR DELETE USING ({lead} OR {holds}(series_id))"),
        ],
        "country_assessments": [
            ("assessments_read", "FOR SELECT USING (true)"),
            ("assessments_insert", f"FOR INSERT WITH CHECK ({lead} OR (author_id = {me} AND "
                                   f"{holds}(series_id) AND NOT confirmed))"),
            ("assessments_update", f"FOR UPDATE USING (true) WITH CHECK ({lead} OR "
                                   f"(author_id = {me} AND {holds}(series_id) AND NOT confirmed))"),
            ("assessments_delete", f"FOR DELETE USING ({lead} OR ({holds}(series_id) "
                                   f"AND NOT confirmed))"),
        ],
        "comments": [
            ("comments_read", "FOR SELECT USING (true)"),
            ("comments_insert", f"FOR INSERT WITH CHECK (author_id = {me})"),
        ],
        "presence": [
            ("presence_read", "FOR SELECT USING (true)"),
            ("presence_insert", f"FOR INSERT WITH CHECK (participant_id = {me})"),
            ("presence_update", f"FOR UPDATE USING (participant_id = {me}) "
                                f"WITH CHECK (participant_id = {me})"),
            ("presence_delete", f"FOR DELETE USING (participant_id = {me} OR {lead} "
                                f"OR expires_at < now())"),
        ],
        "tips": [
            ("tips_read", "FOR SELECT USING (true)"),
            ("tips_insert", f"FOR INSERT WITH CHECK ({lead})"),
            ("tips_update", f"FOR UPDATE USING ({lead} OR verified_by_id IS NULL OR "
                            f"verified_by_id = {me}) WITH CHECK ({lead} OR verified_by_id = {me})"),
        ],
        "appeal_objects": [
            ("appeal_objects_read", "FOR SELECT USING (true)"),
            ("appeal_objects_insert", f"FOR INSERT WITH CHECK ({lead} OR (status = 'draft' "
                                      f"AND {holds}({clue_series})))"),
            ("appeal_objects_update", f"FOR UPDATE USING ({lead} OR (status = 'draft' AND "
                                      f"{holds}({clue_series}))) WITH CHECK ({lead} OR "
                                      f"(status = 'draft' AND {holds}({clue_series})))"),
        ],
    }


_OLD_POLICIES = {"clues": ["clues_read", "clues_insert", "clues_update", "clues_delete"],
                 "country_assessments": ["assessments_read", "assessments_insert",
                                         "assessments_update", "assessments_delete"],
                 "comments": ["comments_read", "comments_insert"]}


def _groups_sql(statement: str) -> str:
    """Run `statement` (with {group}) for each vidtask group role that exists on this server."""
    return ("DO $$ DECLARE g text; BEGIN FOR g IN SELECT rolname FROM pg_catalog.pg_roles "
            f"WHERE rolname IN ({', '.join(repr(g) for g in GROUPS)}) LOOP "
            f"EXECUTE format({statement!r}, g); END LOOP; END $$")


def _truncate_long_text(bind: sa.engine.Connection) -> None:
    for limit in TEXT_LIMITS:
        bind.execute(text(f"UPDATE {limit.table} SET {limit.column} = "
                          f"substr({limit.column}, 1, {limit.max_chars}) "
                          f"WHERE length({limit.column}) > {limit.max_chars}"))


def upgrade() -> None:
    bind = op.get_bind()
    with op.batch_alter_table("events") as batch:
        batch.add_column(sa.Column("db_login", sa.String(length=63), nullable=True))
    _truncate_long_text(bind)
    postgresql = bind.dialect.name == "postgresql"
    for table in _TABLES_WITH_LIMITS:
        if postgresql:
            for limit in limits_of(table):
                op.create_check_constraint(op.f(limit.full_name), table, limit.condition)
        else:
            with op.batch_alter_table(table, recreate="always") as batch:
                for limit in limits_of(table):
                    batch.create_check_constraint(op.f(limit.full_name), limit.condition)
    if not postgresql:
        return
    schema = bind.execute(text("SELECT current_schema()")).scalar_one()
    s = f'"{schema}"'
    for statement in [*helper_functions(s), append_function(s), watchdog_function(s),
                      *trigger_functions(s)]:
        op.execute(statement)
    for name in ("vidtask_append_events(jsonb)", "vidtask_end_stalled_sessions(interval)"):
        op.execute(f"REVOKE ALL ON FUNCTION {s}.{name} FROM PUBLIC")
        op.execute(_groups_sql(f"GRANT EXECUTE ON FUNCTION {s}.{name} TO %I"))
    # Databases whose roles were initialised before 0003 lose the dangerous grants now,
    # not only at the next `vidtask db init-roles`.
    op.execute(f"REVOKE UPDATE, INSERT, DELETE, TRUNCATE ON {s}.change_counter FROM PUBLIC")
    op.execute(f"REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON {s}.events FROM PUBLIC")
    op.execute(_groups_sql(f"REVOKE UPDATE, INSERT, DELETE, TRUNCATE ON {s}.change_counter "
                           "FROM %I"))
    op.execute(_groups_sql(f"REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON {s}.events FROM %I"))
    for trigger, table, _timing, _level, _function in TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {trigger} ON {s}.{table}")
    for trigger, table, timing, level, function in TRIGGERS:
        op.execute(f"CREATE TRIGGER {trigger} {timing} ON {s}.{table} FOR EACH {level} "
                   f"EXECUTE FUNCTION {s}.{function}()")
    for table, names in _OLD_POLICIES.items():
        for name in names:
            op.execute(f"DROP POLICY IF EXISTS {name} ON {s}.{table}")
    for table, rules in policies(s).items():
        op.execute(f"ALTER TABLE {s}.{table} ENABLE ROW LEVEL SECURITY")
        for name, definition in rules:
            op.execute(f"CREATE POLICY {name} ON {s}.{table} {definition}")


def _security_0002() -> Any:
    spec = importlib.util.spec_from_file_location(
        "vidtask_migration_0002", Path(__file__).with_name("0002_security.py"))
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        schema = bind.execute(text("SELECT current_schema()")).scalar_one()
        s = f'"{schema}"'
        for table, rules in policies(s).items():
            for name, _definition in rules:
                op.execute(f"DROP POLICY IF EXISTS {name} ON {s}.{table}")
            if table not in _OLD_POLICIES:
                op.execute(f"ALTER TABLE {s}.{table} DISABLE ROW LEVEL SECURITY")
        for trigger, table, *_rest in TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {trigger} ON {s}.{table}")
        for name in NEW_FUNCTIONS:
            op.execute(f"DROP FUNCTION IF EXISTS {s}.{name}")
        old = _security_0002()
        for statement in old._functions(s):
            op.execute(statement)
        for statement in old._TRIGGERS + old._POLICIES:
            if not statement.startswith("ALTER TABLE"):
                op.execute(statement)
    for table in reversed(_TABLES_WITH_LIMITS):
        with op.batch_alter_table(table) as batch:
            for limit in limits_of(table):
                batch.drop_constraint(op.f(limit.full_name), type_="check")
    with op.batch_alter_table("events") as batch:
        batch.drop_column("db_login")
