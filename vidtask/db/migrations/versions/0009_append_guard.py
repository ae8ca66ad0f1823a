"""append guard: nobody squats the append locks, and events say only what their writer may do

Revision ID: 0009_append_guard
Revises: 0008_write_path

PostgreSQL only. Two holes of 0008's write path, replayed as a specialist with psql (issue 12):

1. **Squatting the append locks stopped every write in the room.** An appending transaction
   takes the advisory lock `APPEND_LOCK + its transaction id`; those keys are predictable and
   `pg_advisory_lock` is executable by PUBLIC, so one specialist took the keys of the next
   3,000 transaction ids with session locks and sent `SELECT 1` every few seconds: every
   writer waited 30 s and failed, and the watchdog (which looks at `state_change`) never
   ended the squatter. Now, when a superuser migrates (or runs `init-roles`), the advisory-lock
   functions that take bigint keys are revoked from PUBLIC in this database and granted to the
   owner of the tables only; `vidtask_feed_horizon` runs as that owner (SECURITY DEFINER) so
   readers can still probe. Where no superuser ever ran either, the watchdog ends any session
   that holds an append lock other than its own transaction's between statements.
2. **A specialist's own-name events reached real packets.** `vidtask_append_events` took any
   action from anybody, so a specialist appended `claim.taken` and `assessment.ranked` for a
   confirmed series they never touched, and the next `export packets` listed them in that
   series' audit ("claimed", "assessed"); a `series.confirmed` of their own counted on the
   dashboard. Now the actions of coordinators' and admins' work are refused from anybody else,
   and the casework actions the packet audit reads (`claim.taken`, `assessment.ranked`,
   `clue.*`) from every personal login only while it holds the event's series.
"""
from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

from alembic import op
from sqlalchemy import text

from vidtask.db.roles import advisory_lock_statements

revision = '0009_append_guard'
down_revision = '0008_write_path'
branch_labels = None
depends_on = None

DENIED = "USING ERRCODE = 'insufficient_privilege'"

#: Actions only coordinators and admins (or the maintenance login) append: the services that
#: emit them require a lead (domain/permissions.py).
LEAD_ACTIONS = (
    "series.confirmed", "series.sent_back", "series.eliminated", "series.notified",
    "claim.force_released", "packet.generated", "packet.reexported", "feedback.recorded",
    "appeal.approved", "appeal.published", "appeal.withdrawn", "appeal.site_written",
    "tips.imported", "series.created", "series.updated", "series.media_imported",
    "series.linked", "media.updated", "intake.imported", "participant.added",
    "sprint.created", "sprint.edited", "sprint.signing_key_replaced", "roles.initialised",
)
#: Casework a packet's audit block reads: only from the holder of the event's series.
HOLDER_ACTIONS = ("claim.taken", "assessment.ranked", "clue.added", "clue.edited",
                  "clue.deleted")


def _array(values: tuple[str, ...]) -> str:
    return "ARRAY[" + ", ".join(f"'{v}'" for v in values) + "]::text[]"


def _module(name: str) -> Any:
    spec = importlib.util.spec_from_file_location(
        f"vidtask_migration_{name[:4]}", Path(__file__).with_name(f"{name}.py"))
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def append_function(s: str) -> str:
    """0008's append function, refusing events a non-lead may not write."""
    function: str = _module("0008_write_path").append_function(s)
    marker = "      top := pg_current_xact_id()::text::bigint;\n"
    assert function.count(marker) == 1
    rules = f"""      IF NOT trusted AND NOT {s}.vidtask_is_lead() THEN
        SELECT x.event ->> 'action' INTO refused FROM jsonb_array_elements(batch) AS x(event)
          WHERE x.event ->> 'action' = ANY ({_array(LEAD_ACTIONS)}) LIMIT 1;
        IF refused IS NOT NULL THEN
          RAISE EXCEPTION 'vidtask: only coordinators and admins record %', refused {DENIED};
        END IF;
      END IF;
      IF NOT trusted THEN
        SELECT x.event ->> 'action' INTO refused FROM jsonb_array_elements(batch) AS x(event)
          WHERE x.event ->> 'action' = ANY ({_array(HOLDER_ACTIONS)})
            AND NOT coalesce({s}.vidtask_holds_series((x.event ->> 'series_id')::bigint), false)
          LIMIT 1;
        IF refused IS NOT NULL THEN
          RAISE EXCEPTION 'vidtask: only the holder of a series records % on it', refused
            {DENIED};
        END IF;
      END IF;
"""
    function = function.replace(marker, rules + marker)
    declare = "      me integer;\n"
    assert function.count(declare) == 1
    return function.replace(declare, declare + "      refused text;\n")


def watchdog_function(s: str) -> str:
    """0008's watchdog, which also ends a session holding somebody else's append lock (or its
    own outside a transaction) between statements: a squatter. Appenders hold only their own
    transaction's key until COMMIT; a reader's probe holds a key only inside its statement."""
    migration = _module("0008_write_path")
    function: str = migration.watchdog_function(s)
    marker = "OR a.xact_start < now() - interval"
    assert function.count(marker) == 1
    squatting = ("OR (a.state <> 'active' AND EXISTS ("
                 "SELECT 1 FROM pg_catalog.pg_locks l WHERE l.pid = a.pid "
                 f"AND l.locktype = 'advisory' AND l.classid = {migration.APPEND_LOCK >> 32} "
                 "AND l.objsubid = 1 AND l.objid::text::bigint IS DISTINCT FROM "
                 "a.backend_xid::text::bigint))\n               ")
    return function.replace(marker, squatting + marker)


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    schema = bind.execute(text("SELECT current_schema()")).scalar_one()
    s = f'"{schema}"'
    op.execute(append_function(s))
    op.execute(watchdog_function(s))
    op.execute(f"ALTER FUNCTION {s}.vidtask_feed_horizon() SECURITY DEFINER")
    for statement in advisory_lock_statements(bind):
        op.execute(statement)


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    schema = bind.execute(text("SELECT current_schema()")).scalar_one()
    s = f'"{schema}"'
    migration = _module("0008_write_path")
    op.execute(migration.append_function(s))
    op.execute(migration.watchdog_function(s))
    op.execute(f"ALTER FUNCTION {s}.vidtask_feed_horizon() SECURITY INVOKER")
    for statement in advisory_lock_statements(bind, grant_back=True):
        op.execute(statement)
