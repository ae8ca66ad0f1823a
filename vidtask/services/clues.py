"""Location clues: add, edit (refused when stale), delete. Editing needs the series' claim."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from vidtask.db.engine import Database
from vidtask.db.models import Clue
from vidtask.domain.changes import Changes
from vidtask.domain.countries_basic import read_country
from vidtask.domain.enums import ClueCategory, ClueConfidence, HandlingCode, StructuredKind
from vidtask.domain.errors import InvalidInput, NotFound, StaleVersion
from vidtask.domain.limits import check_text, checked, checked_id
from vidtask.domain.narrowing import implied_countries
from vidtask.domain.permissions import Action
from vidtask.domain.vocabulary import read_value, unknown_value, value_without_kind
from vidtask.services.common import load_series, require_claim, snapshot, touch_series
from vidtask.services.tx import WriteTx, retry_busy, write_tx

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


@retry_busy
def add_clue(db: Database, actor: str, series_id: int, data: ClueInput) -> tuple[int, Changes]:
    values = clean_clue(data)
    with write_tx(db, actor, Action.EDIT_CLUES) as tx:
        clue = add_clue_in(tx, series_id, values)
        clue_id = clue.id
    return clue_id, tx.changes


def _load_clue(tx: WriteTx, clue_id: int) -> Clue:
    clue = tx.session.get(Clue, checked_id("clue", clue_id), with_for_update=True)
    if clue is None:
        raise NotFound("clue", clue_id)
    return clue


@retry_busy
def edit_clue(db: Database, actor: str, clue_id: int, expected_version: int,
              data: ClueInput) -> tuple[int, Changes]:
    """Save an edit made on `expected_version`. A stale edit raises StaleVersion; never overwrites.

    Returns the clue's new version.
    """
    values = clean_clue(data)
    with write_tx(db, actor, Action.EDIT_CLUES) as tx:
        clue = _load_clue(tx, clue_id)
        if clue.version != expected_version:
            raise StaleVersion("clue", clue_id, expected_version, clue.version,
                               clue.updated_by.login)
        require_claim(tx, load_series(tx.session, clue.series_id, for_update=True))
        values["handling"] = values["handling"] or clue.handling
        before = snapshot(clue, CLUE_FIELDS)
        for name, value in values.items():
            setattr(clue, name, value)
        assert tx.actor is not None
        clue.updated_by_id = tx.actor.id
        clue.updated_at = tx.now
        tx.session.flush()  # version_id_col bumps the version and guards the race
        touch_series(tx, clue.series_id)
        tx.emit("clue.edited", "clue", clue.id, series_id=clue.series_id, before=before,
                after=values)
        new_version = clue.version
    return new_version, tx.changes


@retry_busy
def delete_clue(db: Database, actor: str, clue_id: int, expected_version: int) -> Changes:
    with write_tx(db, actor, Action.EDIT_CLUES) as tx:
        clue = _load_clue(tx, clue_id)
        if clue.version != expected_version:
            raise StaleVersion("clue", clue_id, expected_version, clue.version,
                               clue.updated_by.login)
        require_claim(tx, load_series(tx.session, clue.series_id, for_update=True))
        before = snapshot(clue, CLUE_FIELDS)
        series_id = clue.series_id
        tx.session.delete(clue)
        tx.session.flush()
        touch_series(tx, series_id)
        tx.emit("clue.deleted", "clue", clue_id, series_id=series_id, before=before)
    return tx.changes
