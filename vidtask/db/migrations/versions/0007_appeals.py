"""Trace an Object: appeal objects on a series, tips with provenance and triage, contacts apart

Revision ID: 0007_appeals
Revises: 0006_sprint_issuer

`appeal_objects` and `tips` of 0001 were never written by any service (nothing could create an
appeal), so both are dropped and made again in their real shape:

* `appeal_objects`: on a series (`series_id`), optionally from a clue (`clue_id`, SET NULL), a
  unique `public_id` ("G19"), object type, question, region hint, the sanitised crop
  (`crop_image`, PNG or JPEG re-encoded without metadata, its size), status draft → approved →
  published → withdrawn, outcome (identified + country / too widespread / no result), who
  drafted and who approved. CHECKs on both backends: four-eyes (`approved_by_id <>
  created_by_id`), nothing approved or public without an approver, outcome and country agree.
* `tips`: the object, received_at, channel and source (provenance), text, `text_key` (the
  normalised text's hash: same object + same key = one duplicate group), `fingerprint` (unique:
  re-importing a file adds nothing), suggested place as given and the country read from it,
  triage status (new → relevant / not relevant / duplicate → developed → disseminated), who
  recorded it, who triaged it, the clue made from it.
* `tip_contacts`: a tipster's contact, held apart from the tip text.
* Length CHECKs `ck_<table>_<column>_length` from `vidtask.domain.limits.APPEAL_TEXT_LIMITS`.

PostgreSQL only (functions pinned to `pg_catalog, <schema>, pg_temp`, every name qualified):
* `vidtask_appeal_guard` (BEFORE INSERT OR UPDATE on appeal_objects): drafts only by a lead or
  the holder of the series' claim; bookkeeping (`created_by_id`, `version`, `*_at`) by the
  database; content changes only while a draft; every status step as `APPEAL_STEPS`, by leads,
  and approval by a lead who did not draft it — the approver is the session's login.
* `vidtask_tip_guard` (BEFORE UPDATE on tips): a tip's evidence never changes, only its triage,
  along `TIP_STEPS`; `triaged_by_id`/`triaged_at` by the database; a clue linked must be on the
  object's series. Inserts are checked by row-level security only (its `(SELECT fn())` runs once
  per statement, so importing 100,000 tips costs no per-row function calls).
* Row-level security: everyone reads objects and tips; `tip_contacts` is read, changed and
  deleted by coordinators and admins only, and added by them or by whoever recorded the tip.
  Replaces the placeholder tip/appeal rules of 0003 (dropped here if present).
Changing `APPEAL_STEPS`/`TIP_STEPS` or the limits needs a migration that re-creates these.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy import text

import vidtask.db.types
from vidtask.domain.appeals import APPEAL_STEPS, TIP_STEPS
from vidtask.domain.limits import APPEAL_TEXT_LIMITS

revision = '0007_appeals'
down_revision = '0006_sprint_issuer'
branch_labels = None
depends_on = None

DENIED = "USING ERRCODE = 'insufficient_privilege'"
GROUPS = ("vidtask_specialist", "vidtask_coordinator", "vidtask_admin")
LEADS = ("vidtask_coordinator", "vidtask_admin")
_TIME = vidtask.db.types.UtcDateTime(timezone=True)
#: (privilege, table, groups) for databases whose roles exist already (vidtask.db.roles).
GRANTS = (("INSERT, UPDATE", "appeal_objects", GROUPS), ("INSERT, UPDATE", "tips", GROUPS),
          ("INSERT", "tip_contacts", GROUPS), ("UPDATE, DELETE", "tip_contacts", LEADS))
#: 0003's placeholder rules for these tables (issue 17 replaces them).
OLD_TRIGGERS = (("vidtask_appeal_stamp", "appeal_objects"), ("vidtask_tip_guard", "tips"))
OLD_POLICIES = (("tips_read", "tips"), ("tips_insert", "tips"), ("tips_update", "tips"),
                ("appeal_objects_read", "appeal_objects"),
                ("appeal_objects_insert", "appeal_objects"),
                ("appeal_objects_update", "appeal_objects"))
FUNCTIONS = ("vidtask_appeal_guard()", "vidtask_tip_guard()")


def _length_checks(table: str) -> list[sa.CheckConstraint]:
    return [sa.CheckConstraint(limit.condition, name=op.f(limit.full_name))
            for limit in APPEAL_TEXT_LIMITS if limit.table == table]


def _create_tables() -> None:
    op.create_table(
        'appeal_objects',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('series_id', sa.Integer(), nullable=False),
        sa.Column('clue_id', sa.Integer(), nullable=True),
        sa.Column('public_id', sa.String(length=20), nullable=False),
        sa.Column('object_type', sa.String(length=100), nullable=False),
        sa.Column('question', sa.Text(), nullable=False),
        sa.Column('region_hint', sa.String(length=200), nullable=False),
        sa.Column('crop_image', sa.LargeBinary(), nullable=False),
        sa.Column('crop_mime', sa.String(length=20), nullable=False),
        sa.Column('crop_width', sa.Integer(), nullable=False),
        sa.Column('crop_height', sa.Integer(), nullable=False),
        sa.Column('status', sa.String(length=20), nullable=False),
        sa.Column('outcome', sa.String(length=20), nullable=True),
        sa.Column('outcome_country', sa.String(length=2), nullable=True),
        sa.Column('outcome_note', sa.Text(), nullable=False),
        sa.Column('withdrawn_reason', sa.Text(), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=False),
        sa.Column('approved_by_id', sa.Integer(), nullable=True),
        sa.Column('approved_at', _TIME, nullable=True),
        sa.Column('published_at', _TIME, nullable=True),
        sa.Column('withdrawn_at', _TIME, nullable=True),
        sa.Column('created_at', _TIME, nullable=False),
        sa.Column('updated_at', _TIME, nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['series_id'], ['series.id'], ondelete='CASCADE',
                                name=op.f('fk_appeal_objects_series_id_series')),
        sa.ForeignKeyConstraint(['clue_id'], ['clues.id'], ondelete='SET NULL',
                                name=op.f('fk_appeal_objects_clue_id_clues')),
        sa.ForeignKeyConstraint(['created_by_id'], ['participants.id'],
                                name=op.f('fk_appeal_objects_created_by_id_participants')),
        sa.ForeignKeyConstraint(['approved_by_id'], ['participants.id'],
                                name=op.f('fk_appeal_objects_approved_by_id_participants')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_appeal_objects')),
        sa.UniqueConstraint('public_id', name=op.f('uq_appeal_objects_public_id')),
        sa.CheckConstraint("status IN ('draft','approved','published','withdrawn')",
                           name=op.f('ck_appeal_objects_status')),
        sa.CheckConstraint("outcome IS NULL OR outcome IN ('identified','too_widespread',"
                           "'no_result')", name=op.f('ck_appeal_objects_outcome')),
        sa.CheckConstraint("coalesce(outcome = 'identified', false) = "
                           "(outcome_country IS NOT NULL)",
                           name=op.f('ck_appeal_objects_outcome_country')),
        sa.CheckConstraint("crop_mime IN ('image/png','image/jpeg')",
                           name=op.f('ck_appeal_objects_crop_mime')),
        sa.CheckConstraint("approved_by_id IS NULL OR approved_by_id <> created_by_id",
                           name=op.f('ck_appeal_objects_four_eyes')),
        sa.CheckConstraint("status NOT IN ('approved','published') OR approved_by_id IS NOT NULL",
                           name=op.f('ck_appeal_objects_approved_before_public')),
        *_length_checks('appeal_objects'),
    )
    op.create_index(op.f('ix_appeal_objects_series_id'), 'appeal_objects', ['series_id'])
    op.create_table(
        'tips',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('appeal_object_id', sa.Integer(), nullable=False),
        sa.Column('received_at', _TIME, nullable=False),
        sa.Column('channel', sa.String(length=50), nullable=False),
        sa.Column('source', sa.String(length=300), nullable=False),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('text_key', sa.String(length=32), nullable=False),
        sa.Column('fingerprint', sa.String(length=64), nullable=False),
        sa.Column('suggested_place', sa.String(length=200), nullable=False),
        sa.Column('suggested_country', sa.String(length=2), nullable=True),
        sa.Column('status', sa.String(length=20), nullable=False),
        sa.Column('recorded_by_id', sa.Integer(), nullable=True),
        sa.Column('triaged_by_id', sa.Integer(), nullable=True),
        sa.Column('triaged_at', _TIME, nullable=True),
        sa.Column('clue_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['appeal_object_id'], ['appeal_objects.id'], ondelete='CASCADE',
                                name=op.f('fk_tips_appeal_object_id_appeal_objects')),
        sa.ForeignKeyConstraint(['recorded_by_id'], ['participants.id'],
                                name=op.f('fk_tips_recorded_by_id_participants')),
        sa.ForeignKeyConstraint(['triaged_by_id'], ['participants.id'],
                                name=op.f('fk_tips_triaged_by_id_participants')),
        sa.ForeignKeyConstraint(['clue_id'], ['clues.id'], ondelete='SET NULL',
                                name=op.f('fk_tips_clue_id_clues')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_tips')),
        sa.UniqueConstraint('fingerprint', name=op.f('uq_tips_fingerprint')),
        sa.CheckConstraint("status IN ('new','relevant','not_relevant','duplicate','developed',"
                           "'disseminated')", name=op.f('ck_tips_status')),
        *_length_checks('tips'),
    )
    op.create_index('ix_tips_object_text', 'tips', ['appeal_object_id', 'text_key'])
    op.create_index('ix_tips_object_status', 'tips', ['appeal_object_id', 'status'])
    op.create_table(
        'tip_contacts',
        sa.Column('tip_id', sa.Integer(), nullable=False),
        sa.Column('contact', sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(['tip_id'], ['tips.id'], ondelete='CASCADE',
                                name=op.f('fk_tip_contacts_tip_id_tips')),
        sa.PrimaryKeyConstraint('tip_id', name=op.f('pk_tip_contacts')),
        *_length_checks('tip_contacts'),
    )


def _steps_sql(steps: dict) -> str:
    return " OR ".join(f"(OLD.status = '{a.value}' AND NEW.status = '{b.value}')"
                       for a, targets in steps.items() for b in sorted(targets))


def functions(s: str) -> list[str]:
    path = f"SET search_path = pg_catalog, {s}, pg_temp"
    maint, me, lead = (f"{s}.vidtask_is_maintenance()", f"{s}.vidtask_participant_id()",
                       f"{s}.vidtask_is_lead()")
    return [
        f"""CREATE OR REPLACE FUNCTION {s}.vidtask_appeal_guard() RETURNS trigger
        LANGUAGE plpgsql {path} AS $$
        DECLARE
          me integer;
          lead boolean;
        BEGIN
          IF {maint} THEN
            RETURN NEW;
          END IF;
          me := {me};
          IF me IS NULL THEN
            RAISE EXCEPTION 'vidtask: % is not an active participant', session_user {DENIED};
          END IF;
          lead := {lead};
          IF TG_OP = 'INSERT' THEN
            IF NOT lead AND NOT {s}.vidtask_holds_series(NEW.series_id) THEN
              RAISE EXCEPTION 'vidtask: a specialist drafts appeal objects only on a series they hold'
                {DENIED};
            END IF;
            IF NEW.status IS DISTINCT FROM 'draft' THEN
              RAISE EXCEPTION 'vidtask: an appeal object starts as a draft' {DENIED};
            END IF;
            NEW.created_by_id := me;
            NEW.created_at := now();
            NEW.updated_at := now();
            NEW.version := 1;
            NEW.approved_by_id := NULL;
            NEW.approved_at := NULL;
            NEW.published_at := NULL;
            NEW.withdrawn_at := NULL;
            NEW.outcome := NULL;
            NEW.outcome_country := NULL;
            RETURN NEW;
          END IF;
          NEW.id := OLD.id;
          NEW.series_id := OLD.series_id;
          NEW.created_by_id := OLD.created_by_id;
          NEW.created_at := OLD.created_at;
          NEW.version := OLD.version + 1;
          NEW.updated_at := now();
          IF (NEW.public_id, NEW.object_type, NEW.question, NEW.region_hint, NEW.crop_image,
              NEW.crop_mime, NEW.crop_width, NEW.crop_height, NEW.clue_id)
             IS DISTINCT FROM (OLD.public_id, OLD.object_type, OLD.question, OLD.region_hint,
              OLD.crop_image, OLD.crop_mime, OLD.crop_width, OLD.crop_height, OLD.clue_id) THEN
            IF OLD.status <> 'draft' THEN
              RAISE EXCEPTION 'vidtask: appeal object % is %; only a draft may change (its approval covers what is published)',
                OLD.public_id, OLD.status {DENIED};
            END IF;
            IF NOT lead AND NOT (OLD.created_by_id = me AND {s}.vidtask_holds_series(OLD.series_id)) THEN
              RAISE EXCEPTION 'vidtask: only its author, holding the series, or a coordinator edits draft %',
                OLD.public_id {DENIED};
            END IF;
          END IF;
          NEW.approved_by_id := OLD.approved_by_id;
          NEW.approved_at := OLD.approved_at;
          NEW.published_at := OLD.published_at;
          NEW.withdrawn_at := OLD.withdrawn_at;
          IF NEW.status IS DISTINCT FROM OLD.status THEN
            IF NOT coalesce({_steps_sql(APPEAL_STEPS)}, false) THEN
              RAISE EXCEPTION 'vidtask: appeal object % cannot go from % to %', OLD.public_id,
                OLD.status, NEW.status {DENIED};
            END IF;
            IF NOT lead THEN
              RAISE EXCEPTION 'vidtask: only coordinators approve, publish or withdraw appeal objects'
                {DENIED};
            END IF;
            IF NEW.status = 'approved' THEN
              IF me = OLD.created_by_id THEN
                RAISE EXCEPTION 'vidtask: you drafted appeal object %; another coordinator must approve it (four-eyes)',
                  OLD.public_id {DENIED};
              END IF;
              NEW.approved_by_id := me;
              NEW.approved_at := now();
            ELSIF NEW.status = 'published' THEN
              NEW.published_at := now();
            ELSIF NEW.status = 'withdrawn' THEN
              NEW.withdrawn_at := now();
            END IF;
          END IF;
          IF NOT lead AND (NEW.outcome, NEW.outcome_country, NEW.outcome_note, NEW.withdrawn_reason)
             IS DISTINCT FROM (OLD.outcome, OLD.outcome_country, OLD.outcome_note, OLD.withdrawn_reason) THEN
            RAISE EXCEPTION 'vidtask: only coordinators record what an appeal came to' {DENIED};
          END IF;
          RETURN NEW;
        END $$""",
        f"""CREATE OR REPLACE FUNCTION {s}.vidtask_tip_guard() RETURNS trigger
        LANGUAGE plpgsql {path} AS $$
        DECLARE
          me integer;
        BEGIN
          IF {maint} THEN
            RETURN NEW;
          END IF;
          me := {me};
          IF me IS NULL THEN
            RAISE EXCEPTION 'vidtask: % is not an active participant', session_user {DENIED};
          END IF;
          IF (NEW.id, NEW.appeal_object_id, NEW.received_at, NEW.channel, NEW.source, NEW.text,
              NEW.text_key, NEW.fingerprint, NEW.suggested_place, NEW.suggested_country,
              NEW.recorded_by_id)
             IS DISTINCT FROM (OLD.id, OLD.appeal_object_id, OLD.received_at, OLD.channel,
              OLD.source, OLD.text, OLD.text_key, OLD.fingerprint, OLD.suggested_place,
              OLD.suggested_country, OLD.recorded_by_id) THEN
            RAISE EXCEPTION 'vidtask: a tip is evidence: only its triage changes (TIP-%)', OLD.id
              {DENIED};
          END IF;
          IF NEW.status IS DISTINCT FROM OLD.status THEN
            IF NOT coalesce({_steps_sql(TIP_STEPS)}, false) THEN
              RAISE EXCEPTION 'vidtask: TIP-% cannot go from % to %', OLD.id,
                replace(OLD.status, '_', ' '), replace(NEW.status, '_', ' ') {DENIED};
            END IF;
            NEW.triaged_by_id := me;
            NEW.triaged_at := now();
          ELSE
            NEW.triaged_by_id := OLD.triaged_by_id;
            NEW.triaged_at := OLD.triaged_at;
          END IF;
          IF NEW.clue_id IS DISTINCT FROM OLD.clue_id AND NEW.clue_id IS NOT NULL
             AND NOT EXISTS (SELECT 1 FROM {s}.clues c JOIN {s}.appeal_objects o
                             ON o.series_id = c.series_id
                             WHERE c.id = NEW.clue_id AND o.id = OLD.appeal_object_id) THEN
            RAISE EXCEPTION 'vidtask: the clue made from TIP-% must be on its object''s series',
              OLD.id {DENIED};
          END IF;
          RETURN NEW;
        END $$""",
    ]


def policies(s: str) -> dict[str, list[tuple[str, str]]]:
    me = f"(SELECT {s}.vidtask_participant_id())"
    lead = f"(SELECT {s}.vidtask_is_lead())"
    return {
        "appeal_objects": [
            ("appeal_objects_read", "FOR SELECT USING (true)"),
            ("appeal_objects_insert", f"FOR INSERT WITH CHECK ({lead} OR "
                                      f"{s}.vidtask_holds_series(series_id))"),
            # the guard trigger decides what may change; USING (true) lets it say why
            ("appeal_objects_update", f"FOR UPDATE USING (true) WITH CHECK ({me} IS NOT NULL)"),
        ],
        "tips": [
            ("tips_read", "FOR SELECT USING (true)"),
            ("tips_insert", f"FOR INSERT WITH CHECK (recorded_by_id = {me} "
                            "AND status IN ('new', 'duplicate') AND triaged_by_id IS NULL "
                            "AND triaged_at IS NULL AND clue_id IS NULL)"),
            ("tips_update", f"FOR UPDATE USING (true) WITH CHECK ({me} IS NOT NULL)"),
        ],
        "tip_contacts": [
            ("tip_contacts_read", f"FOR SELECT USING ({lead})"),
            ("tip_contacts_insert", f"FOR INSERT WITH CHECK ({lead} OR EXISTS (SELECT 1 "
                                    f"FROM {s}.tips t WHERE t.id = tip_id "
                                    f"AND t.recorded_by_id = {me}))"),
            ("tip_contacts_update", f"FOR UPDATE USING ({lead}) WITH CHECK ({lead})"),
            ("tip_contacts_delete", f"FOR DELETE USING ({lead})"),
        ],
    }


TRIGGERS = (("vidtask_appeal_guard", "appeal_objects", "BEFORE INSERT OR UPDATE"),
            ("vidtask_tip_guard", "tips", "BEFORE UPDATE"))


def _grant_to_existing_groups(s: str) -> None:
    for privilege, table, groups in GRANTS:
        names = ", ".join(f"'{g}'" for g in groups)
        op.execute(f"DO $$ DECLARE g text; BEGIN FOR g IN SELECT rolname FROM pg_catalog.pg_roles "
                   f"WHERE rolname IN ({names}) LOOP EXECUTE format('GRANT {privilege} ON "
                   f"{s}.{table} TO %I', g); END LOOP; END $$")


def upgrade() -> None:
    bind = op.get_bind()
    postgresql = bind.dialect.name == "postgresql"
    if postgresql:
        schema = bind.execute(text("SELECT current_schema()")).scalar_one()
        s = f'"{schema}"'
        for trigger, table in OLD_TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {trigger} ON {s}.{table}")
        for policy, table in OLD_POLICIES:
            op.execute(f"DROP POLICY IF EXISTS {policy} ON {s}.{table}")
        op.execute(f"DROP FUNCTION IF EXISTS {s}.vidtask_appeal_stamp()")
    op.drop_table('tips')
    op.drop_table('appeal_objects')
    _create_tables()
    if not postgresql:
        return
    for statement in functions(s):
        op.execute(statement)
    for trigger, table, timing in TRIGGERS:
        op.execute(f"CREATE TRIGGER {trigger} {timing} ON {s}.{table} FOR EACH ROW "
                   f"EXECUTE FUNCTION {s}.{trigger}()")
    for table, rules in policies(s).items():
        op.execute(f"ALTER TABLE {s}.{table} ENABLE ROW LEVEL SECURITY")
        for name, definition in rules:
            op.execute(f"CREATE POLICY {name} ON {s}.{table} {definition}")
    op.execute(f"REVOKE ALL ON {s}.tip_contacts FROM PUBLIC")
    _grant_to_existing_groups(s)
    op.execute("DO $$ BEGIN IF EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = "
               f"'vidtask_specialist') THEN REVOKE SELECT ON {s}.tip_contacts FROM "
               "vidtask_specialist; END IF; END $$")


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        schema = bind.execute(text("SELECT current_schema()")).scalar_one()
        for name in FUNCTIONS:
            op.execute(f'DROP FUNCTION IF EXISTS "{schema}".{name} CASCADE')
    op.drop_table('tip_contacts')
    op.drop_table('tips')
    op.drop_table('appeal_objects')
    # the shape of 0001 (empty, as before this revision)
    op.create_table(
        'appeal_objects',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('clue_id', sa.Integer(), nullable=False),
        sa.Column('object_code', sa.String(length=20), nullable=False),
        sa.Column('object_type', sa.String(length=100), nullable=False),
        sa.Column('question', sa.Text(), nullable=False),
        sa.Column('crop_png', sa.LargeBinary(), nullable=True),
        sa.Column('status', sa.String(length=20), nullable=False),
        sa.Column('outcome', sa.Text(), nullable=False),
        sa.Column('created_at', _TIME, nullable=False),
        sa.ForeignKeyConstraint(['clue_id'], ['clues.id'], ondelete='CASCADE',
                                name=op.f('fk_appeal_objects_clue_id_clues')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_appeal_objects')),
        sa.UniqueConstraint('object_code', name=op.f('uq_appeal_objects_object_code')))
    op.create_index(op.f('ix_appeal_objects_clue_id'), 'appeal_objects', ['clue_id'])
    op.create_table(
        'tips',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('appeal_object_id', sa.Integer(), nullable=False),
        sa.Column('received_at', _TIME, nullable=False),
        sa.Column('channel', sa.String(length=50), nullable=False),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('suggested_country', sa.String(length=2), nullable=True),
        sa.Column('status', sa.String(length=20), nullable=False),
        sa.Column('verified_by_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['appeal_object_id'], ['appeal_objects.id'], ondelete='CASCADE',
                                name=op.f('fk_tips_appeal_object_id_appeal_objects')),
        sa.ForeignKeyConstraint(['verified_by_id'], ['participants.id'],
                                name=op.f('fk_tips_verified_by_id_participants')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_tips')))
    op.create_index(op.f('ix_tips_appeal_object_id'), 'tips', ['appeal_object_id'])
