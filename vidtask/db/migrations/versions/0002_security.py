"""security: append-only events, actor from the database session, row-level security

Revision ID: 0002_security
Revises: 0001

PostgreSQL only (a no-op on SQLite, which trusts whoever can open the file).
Identity comes from `session_user`, matched to `participants.login`; the participant's `role`
column decides leads (coordinator/admin) — so policies never name cluster-wide group roles and
the same migration works in every database on a server. The table owner and superusers are the
"maintenance" identity (migrations, bootstrap, `vidtask db init-roles`).
Table privileges per group role are granted by `vidtask db init-roles` (vidtask.db.roles).
"""
from alembic import op
from sqlalchemy import text

revision = '0002_security'
down_revision = '0001'
branch_labels = None
depends_on = None

_DENIED = "USING ERRCODE = 'insufficient_privilege'"


def _functions(schema: str) -> list[str]:
    path = f"SET search_path = {schema}, pg_catalog"
    return [
        # Owner of `events` or a superuser: trusted for migrations, bootstrap and maintenance.
        f"""CREATE OR REPLACE FUNCTION vidtask_is_maintenance() RETURNS boolean
        LANGUAGE sql STABLE SECURITY DEFINER {path} AS $$
          SELECT coalesce((SELECT r.rolsuper OR r.oid = c.relowner
                           FROM pg_roles r, pg_class c
                           WHERE r.rolname = session_user AND c.oid = 'events'::regclass), false)
        $$""",
        f"""CREATE OR REPLACE FUNCTION vidtask_participant_id() RETURNS integer
        LANGUAGE sql STABLE SECURITY DEFINER {path} AS $$
          SELECT id FROM participants WHERE login = session_user AND active
        $$""",
        f"""CREATE OR REPLACE FUNCTION vidtask_is_lead() RETURNS boolean
        LANGUAGE sql STABLE SECURITY DEFINER {path} AS $$
          SELECT vidtask_is_maintenance() OR EXISTS (
            SELECT 1 FROM participants
            WHERE login = session_user AND active AND role IN ('coordinator', 'admin'))
        $$""",
        f"""CREATE OR REPLACE FUNCTION vidtask_holds_series(target bigint) RETURNS boolean
        LANGUAGE sql STABLE SECURITY DEFINER {path} AS $$
          SELECT EXISTS (
            SELECT 1 FROM series s JOIN participants p ON p.id = s.claimed_by_id
            WHERE s.id = target AND p.login = session_user AND p.active
              AND s.claim_expires_at > now())
        $$""",
        # events: nobody updates or deletes, admin and owner included.
        f"""CREATE OR REPLACE FUNCTION vidtask_events_append_only() RETURNS trigger
        LANGUAGE plpgsql {path} AS $$
        BEGIN
          IF TG_OP = 'TRUNCATE' AND vidtask_is_maintenance() THEN
            RETURN NULL;  -- test resets and archive rotation by the owner only
          END IF;
          RAISE EXCEPTION 'vidtask: the event log is append-only (% refused)', TG_OP {_DENIED};
        END $$""",
        # events: the actor is the signed-in database user, stamped on the server clock.
        f"""CREATE OR REPLACE FUNCTION vidtask_events_stamp() RETURNS trigger
        LANGUAGE plpgsql SECURITY DEFINER {path} AS $$
        DECLARE
          me integer;
        BEGIN
          IF vidtask_is_maintenance() THEN
            RETURN NEW;
          END IF;
          IF NEW.actor_login IS DISTINCT FROM session_user THEN
            RAISE EXCEPTION 'vidtask: events are written as the signed-in user %, not as %',
              session_user, NEW.actor_login {_DENIED};
          END IF;
          me := vidtask_participant_id();
          IF me IS NULL THEN
            RAISE EXCEPTION 'vidtask: % is not an active participant', session_user {_DENIED};
          END IF;
          IF NEW.version > (SELECT version FROM change_counter WHERE id = 1) THEN
            RAISE EXCEPTION 'vidtask: event versions come from the change counter' {_DENIED};
          END IF;
          NEW.actor_id := me;
          NEW.occurred_at := now();
          RETURN NEW;
        END $$""",
        # series: what a specialist may change (claims, own proposal); leads may do anything.
        f"""CREATE OR REPLACE FUNCTION vidtask_series_guard() RETURNS trigger
        LANGUAGE plpgsql SECURITY DEFINER {path} AS $$
        DECLARE
          me integer;
          held boolean;
          lease interval;
        BEGIN
          IF vidtask_is_lead() THEN
            RETURN NEW;
          END IF;
          me := vidtask_participant_id();
          IF me IS NULL THEN
            RAISE EXCEPTION 'vidtask: % is not an active participant', session_user {_DENIED};
          END IF;
          held := coalesce(OLD.claimed_by_id = me AND OLD.claim_expires_at > now(), false);
          IF NEW.claimed_by_id IS DISTINCT FROM OLD.claimed_by_id
             OR NEW.claim_expires_at IS DISTINCT FROM OLD.claim_expires_at THEN
            IF NEW.claimed_by_id = me THEN
              IF NOT coalesce(OLD.claimed_by_id IS NULL OR OLD.claimed_by_id = me
                              OR OLD.claim_expires_at < now(), false) THEN
                RAISE EXCEPTION 'vidtask: series % is claimed by somebody else', OLD.code
                  {_DENIED};
              END IF;
              SELECT make_interval(mins => lease_minutes) INTO lease
                FROM sprints WHERE id = NEW.sprint_id;
              IF NEW.claim_expires_at IS NULL OR NEW.claim_expires_at > now() + lease THEN
                RAISE EXCEPTION 'vidtask: a claim may not outlast the sprint''s lease' {_DENIED};
              END IF;
            ELSIF NEW.claimed_by_id IS NULL THEN
              IF NOT coalesce(OLD.claimed_by_id IS NULL OR OLD.claimed_by_id = me
                              OR OLD.claim_expires_at < now(), false) THEN
                RAISE EXCEPTION 'vidtask: only coordinators force-release a live claim (%)',
                  OLD.code {_DENIED};
              END IF;
            ELSE
              RAISE EXCEPTION 'vidtask: nobody claims a series for somebody else' {_DENIED};
            END IF;
          END IF;
          -- coalesce: a NULL in any test must refuse, never slip through three-valued logic.
          IF NEW.status IS DISTINCT FROM OLD.status AND NOT coalesce(
               (OLD.status = 'new' AND NEW.status = 'claimed' AND NEW.claimed_by_id = me)
            OR (OLD.status = 'claimed' AND NEW.status = 'new' AND NEW.claimed_by_id IS NULL)
            OR (OLD.status = 'claimed' AND NEW.status = 'in_assessment' AND held)
            OR (OLD.status IN ('claimed', 'in_assessment') AND NEW.status = 'proposed'
                AND held AND NEW.proposed_by_id = me), false) THEN
            RAISE EXCEPTION 'vidtask: a specialist may not move series % from % to %',
              OLD.code, OLD.status, NEW.status {_DENIED};
          END IF;
          IF NEW.proposed_by_id IS DISTINCT FROM OLD.proposed_by_id
             AND NEW.proposed_by_id IS DISTINCT FROM me THEN
            RAISE EXCEPTION 'vidtask: nobody proposes for somebody else' {_DENIED};
          END IF;
          RETURN NEW;
        END $$""",
    ]


_TRIGGERS = [
    "CREATE TRIGGER vidtask_events_append_only BEFORE UPDATE OR DELETE ON events "
    "FOR EACH ROW EXECUTE FUNCTION vidtask_events_append_only()",
    "CREATE TRIGGER vidtask_events_no_truncate BEFORE TRUNCATE ON events "
    "FOR EACH STATEMENT EXECUTE FUNCTION vidtask_events_append_only()",
    "CREATE TRIGGER vidtask_events_stamp BEFORE INSERT ON events "
    "FOR EACH ROW EXECUTE FUNCTION vidtask_events_stamp()",
    "CREATE TRIGGER vidtask_series_guard BEFORE UPDATE ON series "
    "FOR EACH ROW EXECUTE FUNCTION vidtask_series_guard()",
]

_ME = "vidtask_participant_id()"
_POLICIES = [
    "ALTER TABLE clues ENABLE ROW LEVEL SECURITY",
    "CREATE POLICY clues_read ON clues FOR SELECT USING (true)",
    f"CREATE POLICY clues_insert ON clues FOR INSERT WITH CHECK (author_id = {_ME} "
    f"AND updated_by_id = {_ME} AND (vidtask_is_lead() OR vidtask_holds_series(series_id)))",
    # USING (true) so an edit of somebody else's clue fails loudly on WITH CHECK, not silently.
    f"CREATE POLICY clues_update ON clues FOR UPDATE USING (true) WITH CHECK "
    f"(vidtask_is_lead() OR (updated_by_id = {_ME} AND vidtask_holds_series(series_id)))",
    "CREATE POLICY clues_delete ON clues FOR DELETE "
    "USING (vidtask_is_lead() OR vidtask_holds_series(series_id))",
    "ALTER TABLE country_assessments ENABLE ROW LEVEL SECURITY",
    "CREATE POLICY assessments_read ON country_assessments FOR SELECT USING (true)",
    f"CREATE POLICY assessments_insert ON country_assessments FOR INSERT WITH CHECK "
    f"(vidtask_is_lead() OR (author_id = {_ME} AND vidtask_holds_series(series_id) "
    f"AND NOT confirmed AND confirmed_by_id IS NULL))",
    f"CREATE POLICY assessments_update ON country_assessments FOR UPDATE USING (true) WITH CHECK "
    f"(vidtask_is_lead() OR (author_id = {_ME} AND vidtask_holds_series(series_id) "
    f"AND NOT confirmed AND confirmed_by_id IS NULL))",
    "CREATE POLICY assessments_delete ON country_assessments FOR DELETE USING "
    "(vidtask_is_lead() OR (vidtask_holds_series(series_id) AND NOT confirmed))",
    "ALTER TABLE comments ENABLE ROW LEVEL SECURITY",
    "CREATE POLICY comments_read ON comments FOR SELECT USING (true)",
    f"CREATE POLICY comments_insert ON comments FOR INSERT WITH CHECK (author_id = {_ME})",
]

_FUNCTION_NAMES = ["vidtask_series_guard()", "vidtask_events_stamp()",
                   "vidtask_events_append_only()", "vidtask_holds_series(bigint)",
                   "vidtask_is_lead()", "vidtask_participant_id()", "vidtask_is_maintenance()"]


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    schema = bind.execute(text("SELECT current_schema()")).scalar_one()
    for statement in _functions(f'"{schema}"'):
        op.execute(statement)
    # The helper functions stay executable by PUBLIC: policies run them as the querying user,
    # and they reveal only the caller's own participant id and role.
    op.execute("REVOKE UPDATE, DELETE, TRUNCATE ON events FROM PUBLIC")
    for statement in _TRIGGERS + _POLICIES:
        op.execute(statement)


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    for table, policies in (("clues", ["clues_read", "clues_insert", "clues_update",
                                       "clues_delete"]),
                            ("country_assessments", ["assessments_read", "assessments_insert",
                                                     "assessments_update", "assessments_delete"]),
                            ("comments", ["comments_read", "comments_insert"])):
        for policy in policies:
            op.execute(f"DROP POLICY IF EXISTS {policy} ON {table}")
        op.execute(f"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY")
    for trigger, table in (("vidtask_events_append_only", "events"),
                           ("vidtask_events_no_truncate", "events"),
                           ("vidtask_events_stamp", "events"),
                           ("vidtask_series_guard", "series")):
        op.execute(f"DROP TRIGGER IF EXISTS {trigger} ON {table}")
    for name in _FUNCTION_NAMES:
        op.execute(f"DROP FUNCTION IF EXISTS {name}")
