"""Location clues: add, edit (refused when stale), delete. Editing needs the series' claim."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select

from vidtask.db.engine import Database
from vidtask.db.models import Clue
from vidtask.domain.changes import Changes
from vidtask.domain.countries_basic import read_country
from vidtask.domain.enums import ClueCategory, ClueConfidence, HandlingCode, StructuredKind
from vidtask.domain.errors import ClaimRequired, InvalidInput, NotFound, StaleVersion
from vidtask.domain.limits import check_text, checked, checked_id
from vidtask.domain.narrowing import implied_countries
from vidtask.domain.permissions import Action
from vidtask.domain.vocabulary import read_value, unknown_value, value_without_kind
from vidtask.services.common import load_series, require_claim, snapshot, touch_series
from vidtask.services.tx import WriteTx, retry_busy, sqlite_time, write_tx

CLUE_FIELDS = ("category", "description", "kind", "value", "evidence_md5", "evidence_time",
               "evidence_region", "confidence", "supports", "excludes", "handling")
_MD5 = re.compile(r"^[0-9a-f]{32}$")


@dataclass(frozen=True, slots=True)
class ClueInput:
    category: str
    description: str
    kind: str = StructuredKind.NONE
    value: str | None = None
    evidence_md5: str | None = None
    evidence_time: str = ""
    evidence_region: str = ""
    confidence: str = ClueConfidence.MEDIUM
    supports: Iterable[str] = field(default_factory=tuple)
    excludes: Iterable[str] = field(default_factory=tuple)
    handling: str | None = None


def clean_clue(data: ClueInput) -> dict[str, Any]:
    """Validate and normalise user input; raise InvalidInput naming the field."""
    return interpret_clue(data)[0]


def interpret_clue(data: ClueInput) -> tuple[dict[str, Any], list[str]]:
    """Validated, normalised values and notes on how words were read ("'UK' read as GB").

    A structured value may be a code, a name or a synonym ("schuko" → F, "Ukrainian" → uk);
    it is stored as the code. A value without a kind is refused, saying which kind it is.
    """
    notes: list[str] = []
    try:
        category = ClueCategory(data.category).value
    except ValueError:
        raise InvalidInput("category", f"{data.category!r} is not a clue category") from None
    description = data.description.strip()
    if not description:
        raise InvalidInput("description", "describe what the clue shows")
    checked("clues", "description", description)
    try:
        kind = StructuredKind(data.kind).value
        confidence = ClueConfidence(data.confidence).value
    except ValueError as exc:
        raise InvalidInput("clue", str(exc)) from None
    value = checked("clues", "value", (data.value or "").strip() or None)
    check_text("evidence time", data.evidence_time, 10_000)
    check_text("evidence region", data.evidence_region, 10_000)
    if kind != StructuredKind.NONE and value is None:
        raise InvalidInput("value", f"a {kind.replace('_', ' ')} clue needs a value")
    if value is not None:
        if kind == StructuredKind.NONE:
            raise InvalidInput("value", value_without_kind(value))
        reading = read_value(StructuredKind(kind), value)
        if not implied_countries(StructuredKind(kind), reading.code):
            raise InvalidInput("value", unknown_value(StructuredKind(kind), value))
        value = reading.code
        if reading.note:
            notes.append(reading.note)
    md5 = (data.evidence_md5 or "").strip().lower() or None
    if md5 is not None and not _MD5.match(md5):
        raise InvalidInput("evidence hash", "must be an MD5 of 32 hex characters")
    supports = sorted({_country(c, notes) for c in data.supports})
    excludes = sorted({_country(c, notes) for c in data.excludes})
    both = set(supports) & set(excludes)
    if both:
        raise InvalidInput("countries", f"{', '.join(sorted(both))} both supported and excluded")
    handling = HandlingCode(data.handling).value if data.handling else None
    return {"category": category, "description": description, "kind": kind, "value": value,
            "evidence_md5": md5, "evidence_time": data.evidence_time.strip()[:50],
            "evidence_region": data.evidence_region.strip()[:100], "confidence": confidence,
            "supports": supports, "excludes": excludes, "handling": handling}, notes


def _country(text: str, notes: list[str]) -> str:
    code, note = read_country(text)
    if note and note not in notes:
        notes.append(note)
    return code


def add_clue_in(tx: WriteTx, series_id: int, values: dict[str, Any]) -> Clue:
    assert tx.actor is not None
    series = load_series(tx.session, series_id, for_update=True)
    require_claim(tx, series)
    values = {**values, "handling": values.get("handling") or series.handling}
    clue = Clue(series_id=series_id, author_id=tx.actor.id, updated_by_id=tx.actor.id,
                created_at=tx.now, updated_at=tx.now, **values)
    tx.session.add(clue)
    tx.session.flush()
    if series.status == "claimed":
        series.status = "in_assessment"
    touch_series(tx, series_id)
    tx.emit("clue.added", "clue", clue.id, series_id=series_id, after=values)
    return clue


# ------------------------------------------------------------------------------ hot paths
#
# Saving a clue is one statement on PostgreSQL: the series row locked if (and only if) you hold
# its live lease, the clue written (an edit only at the version you started from), the series
# touched, the event appended; the clock is the statement's now(). SQLite holds the file's
# write lock from BEGIN IMMEDIATE and runs the same steps as plain driver statements. Refusals
# are explained by a read afterwards. Locks: series first, then clue, on every path.

_EDITED = ("category", "description", "kind", "value", "evidence_md5", "evidence_time",
           "evidence_region", "confidence")
_PG_NEW_VALUES = ", ".join(f"%({name})s" for name in _EDITED)
_PG_SET = ", ".join(f"{name} = %({name})s" for name in _EDITED)
_PG_BEFORE = ", ".join(f"'{name}', old.{name}" for name in CLUE_FIELDS)
_PG_APPEND_CLUE = ("vidtask_append_events(jsonb_build_array(jsonb_build_object("
                   "'action', %(action)s::text, 'entity_type', 'clue', 'entity_id', c.id, "
                   "'series_id', c.series_id, 'actor_id', %(me)s::integer, "
                   "'actor_login', %(login)s::text, 'occurred_at', %(occ)s::timestamptz, "
                   "'before', {before}, "
                   "'after', %(after)s::jsonb || jsonb_build_object('handling', c.handling))))")

_PG_ADD = f"""
WITH s AS (
    SELECT x.id, x.handling FROM series x
    WHERE x.id = %(series)s AND x.claimed_by_id = %(me)s AND x.claim_expires_at > now()
    FOR UPDATE
), c AS (
    INSERT INTO clues ({", ".join(_EDITED)}, supports, excludes, handling, series_id, author_id,
                       created_at, updated_at, updated_by_id, version)
    SELECT {_PG_NEW_VALUES}, %(supports)s::jsonb, %(excludes)s::jsonb,
           coalesce(%(handling)s, s.handling), s.id, %(me)s, now(), now(), %(me)s, 1
    FROM s
    RETURNING id, series_id, handling, version
), touched AS (
    UPDATE series x SET version = x.version + 1, updated_at = now(),
           status = CASE WHEN x.status = 'claimed' THEN 'in_assessment' ELSE x.status END
    FROM c WHERE x.id = c.series_id
    RETURNING x.id
)
SELECT c.id, c.series_id, c.version, c.handling, now(), NULL,
       {_PG_APPEND_CLUE.format(before="NULL")}
FROM c
"""

_PG_EDIT = f"""
WITH s AS (
    SELECT x.id FROM series x JOIN clues k ON k.series_id = x.id
    WHERE k.id = %(clue)s AND x.claimed_by_id = %(me)s AND x.claim_expires_at > now()
    FOR UPDATE OF x
), old AS (
    SELECT k.* FROM clues k
    WHERE k.id = %(clue)s AND k.series_id IN (SELECT id FROM s)
    FOR UPDATE OF k
), c AS (
    UPDATE clues k SET {_PG_SET}, supports = %(supports)s::jsonb,
           excludes = %(excludes)s::jsonb, handling = coalesce(%(handling)s, k.handling),
           updated_by_id = %(me)s, updated_at = now(), version = k.version + 1
    FROM old WHERE k.id = old.id AND k.version = %(expected)s
    RETURNING k.id, k.series_id, k.version, k.handling, jsonb_build_object({_PG_BEFORE}) AS before
), touched AS (
    UPDATE series x SET version = x.version + 1, updated_at = now()
    FROM c WHERE x.id = c.series_id
    RETURNING x.id
)
SELECT c.id, c.series_id, c.version, c.handling, now(), c.before,
       {_PG_APPEND_CLUE.format(before="c.before")}
FROM c
"""

_SQLITE_NOW = "strftime('%Y-%m-%d %H:%M:%f', 'now')"
_SQLITE_SERIES = (f"SELECT code, handling, claimed_by_id, claim_expires_at, {_SQLITE_NOW} "
                  "FROM series WHERE id = ?")
_SQLITE_ADD = (f"INSERT INTO clues ({', '.join(_EDITED)}, supports, excludes, handling, "
               "series_id, author_id, created_at, updated_at, updated_by_id, version) "
               f"VALUES ({', '.join('?' * (len(_EDITED) + 8))}, 1)")
_SQLITE_TOUCH = ("UPDATE series SET version = version + 1, updated_at = ?, status = CASE WHEN "
                 "status = 'claimed' AND ? THEN 'in_assessment' ELSE status END WHERE id = ?")
_SQLITE_CLUE = ("SELECT k.series_id, k.version, u.login, "
                f"{', '.join('k.' + f for f in CLUE_FIELDS)}"
                " FROM clues k JOIN participants u ON u.id = k.updated_by_id WHERE k.id = ?")
_SQLITE_EDIT = (f"UPDATE clues SET {', '.join(f'{n} = ?' for n in _EDITED)}, supports = ?, "
                "excludes = ?, handling = ?, updated_by_id = ?, updated_at = ?, "
                "version = version + 1 WHERE id = ? AND version = ?")


def _hold_of(tx: WriteTx, cursor: Any, series_id: int) -> tuple[str, str]:
    """SQLite: the series' code and handling if the actor holds its live lease (under the write
    lock, so it stays held until COMMIT); else NotFound / ClaimRequired."""
    row = cursor.execute(_SQLITE_SERIES, (series_id,)).fetchone()
    if row is None:
        raise NotFound("series", series_id)
    code, handling, holder, expires_raw, now_raw = row
    now = datetime.fromisoformat(now_raw).replace(tzinfo=UTC)
    tx._now = now
    if holder != tx.actor_id or expires_raw is None or \
            datetime.fromisoformat(expires_raw).replace(tzinfo=UTC) <= now:
        raise ClaimRequired(code)
    return code, handling


def _pg_params(tx: WriteTx, values: dict[str, Any], action: str, **more: object
               ) -> dict[str, object]:
    return {**{name: values[name] for name in _EDITED}, "handling": values["handling"],
            "supports": json.dumps(values["supports"]), "excludes": json.dumps(values["excludes"]),
            "me": tx.actor_id, "login": tx.actor_login, "action": action,
            "occ": tx.occurred_at.isoformat() if tx.occurred_at else None,
            "after": json.dumps({k: v for k, v in values.items() if k != "handling"}), **more}


def _record(tx: WriteTx, action: str, row: tuple[Any, ...], values: dict[str, Any]) -> None:
    """Record the event a PostgreSQL hot statement appended (its row: id, series, version,
    handling, time, before, last version)."""
    clue_id, series_id, _version, handling, at, before, last = row
    tx.appended(last, [tx.pending(action, "clue", clue_id, series_id=series_id, before=before,
                                  after={**values, "handling": handling})], at)


@retry_busy
def add_clue(db: Database, actor: str, series_id: int, data: ClueInput) -> tuple[int, Changes]:
    values = clean_clue(data)
    series_id = checked_id("series", series_id)
    with write_tx(db, actor, Action.EDIT_CLUES, single_statement=True) as tx:
        assert tx.actor is not None
        cursor = tx.cursor()
        if db.is_postgresql:
            cursor.execute(_PG_ADD, _pg_params(tx, values, "clue.added", series=series_id))
            row = cursor.fetchone()
            if row is None:
                raise ClaimRequired(load_series(tx.session, series_id).code)
            clue_id = row[0]
            _record(tx, "clue.added", row, values)
        else:
            _code, series_handling = _hold_of(tx, cursor, series_id)
            handling = values["handling"] or series_handling
            now = sqlite_time(tx.now)
            cursor.execute(_SQLITE_ADD, (
                *(values[name] for name in _EDITED), json.dumps(values["supports"]),
                json.dumps(values["excludes"]), handling, series_id, tx.actor_id, now, now,
                tx.actor_id))
            clue_id = cursor.lastrowid
            cursor.execute(_SQLITE_TOUCH, (now, 1, series_id))
            tx.append_sqlite(cursor, [tx.pending("clue.added", "clue", clue_id,
                                                 series_id=series_id,
                                                 after={**values, "handling": handling})])
    return clue_id, tx.changes


def _load_clue(tx: WriteTx, clue_id: int) -> Clue:
    clue = tx.session.get(Clue, checked_id("clue", clue_id), with_for_update=True)
    if clue is None:
        raise NotFound("clue", clue_id)
    return clue


def _edit_refusal(tx: WriteTx, clue_id: int, expected_version: int) -> Exception:
    """Why an edit did not land (read after the fact): gone, stale, or not your claim."""
    clue = tx.session.get(Clue, clue_id)
    if clue is None:
        return NotFound("clue", clue_id)
    if clue.version != expected_version:
        return StaleVersion("clue", clue_id, expected_version, clue.version,
                            clue.updated_by.login)
    return ClaimRequired(load_series(tx.session, clue.series_id).code)


@retry_busy
def edit_clue(db: Database, actor: str, clue_id: int, expected_version: int,
              data: ClueInput) -> tuple[int, Changes]:
    """Save an edit made on `expected_version`. A stale edit raises StaleVersion; never overwrites.

    Returns the clue's new version.
    """
    values = clean_clue(data)
    clue_id = checked_id("clue", clue_id)
    with write_tx(db, actor, Action.EDIT_CLUES, single_statement=True) as tx:
        assert tx.actor is not None
        cursor = tx.cursor()
        if db.is_postgresql:
            cursor.execute(_PG_EDIT, _pg_params(tx, values, "clue.edited", clue=clue_id,
                                                expected=expected_version))
            row = cursor.fetchone()
            if row is None:
                raise _edit_refusal(tx, clue_id, expected_version)
            new_version = row[2]
            _record(tx, "clue.edited", row, values)
        else:
            found = cursor.execute(_SQLITE_CLUE, (clue_id,)).fetchone()
            if found is None:
                raise NotFound("clue", clue_id)
            series_id, version, editor, *old = found
            if version != expected_version:
                raise StaleVersion("clue", clue_id, expected_version, version, editor)
            _hold_of(tx, cursor, series_id)
            before = dict(zip(CLUE_FIELDS, old, strict=True))
            before["supports"] = json.loads(before["supports"])
            before["excludes"] = json.loads(before["excludes"])
            handling = values["handling"] or before["handling"]
            now = sqlite_time(tx.now)
            cursor.execute(_SQLITE_EDIT, (
                *(values[name] for name in _EDITED), json.dumps(values["supports"]),
                json.dumps(values["excludes"]), handling, tx.actor_id, now, clue_id,
                expected_version))
            cursor.execute(_SQLITE_TOUCH, (now, 0, series_id))
            new_version = version + 1
            tx.append_sqlite(cursor, [tx.pending("clue.edited", "clue", clue_id,
                                                 series_id=series_id, before=before,
                                                 after={**values, "handling": handling})])
    return new_version, tx.changes


@retry_busy
def delete_clue(db: Database, actor: str, clue_id: int, expected_version: int) -> Changes:
    clue_id = checked_id("clue", clue_id)
    with write_tx(db, actor, Action.EDIT_CLUES) as tx:
        # Lock the series before the clue, as every other path does (no deadlock between
        # two windows of the same holder).
        of_series = tx.session.scalar(select(Clue.series_id).where(Clue.id == clue_id))
        if of_series is None:
            raise NotFound("clue", clue_id)
        series = load_series(tx.session, of_series, for_update=True)
        clue = _load_clue(tx, clue_id)
        if clue.version != expected_version:
            raise StaleVersion("clue", clue_id, expected_version, clue.version,
                               clue.updated_by.login)
        require_claim(tx, series)
        before = snapshot(clue, CLUE_FIELDS)
        series_id = clue.series_id
        tx.session.delete(clue)
        tx.session.flush()
        touch_series(tx, series_id)
        tx.emit("clue.deleted", "clue", clue_id, series_id=series_id, before=before)
    return tx.changes
