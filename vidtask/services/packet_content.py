"""Read one country's packet content from the database: only what that country may see.

Leakage rule (domain.md §5): a packet names only series confirmed for its country, and only
people who worked on those series. Comments and series links are left out (they may name other
series); each series' own assessment may name other countries, and that stays.

Hash annexes come from an allow-list of media columns (`ANNEX_COLUMNS`): hashes, category with
its scheme, the identified/distributed flags, size and MIME type, and of what a source file
brought along (`media.extra`) only the PhotoDNA hash: agency, investigation name, file paths and
unknown keys are not even read.
Each clue's effect on the recipient country is the narrowing model's (`domain.narrowing`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from vidtask.db.models import (
    AppealObject,
    Clue,
    CountryAssessment,
    Event,
    Media,
    Participant,
    Series,
    Tip,
)
from vidtask.domain import wording
from vidtask.domain.appeals import USEFUL_TIPS
from vidtask.domain.countries_basic import country_label
from vidtask.domain.enums import AppealStatus
from vidtask.domain.narrowing import InvalidClue
from vidtask.interchange.packet_content import (
    EFFECTS,
    AuditStep,
    PacketAppeal,
    PacketCandidate,
    PacketClue,
    PacketMedia,
    PacketPerson,
    PacketSeries,
)
from vidtask.services.handling import may_export
from vidtask.services.narrowing import clue_effect

AUDIT_ACTIONS = ("claim.taken", "clue.added", "assessment.ranked", "series.proposed")
#: The event behind each audit step, to say who entered it for somebody (`events.db_login`).
STEP_OF_ACTION = {"claim.taken": "claimed", "clue.added": "clues recorded",
                  "assessment.ranked": "assessed", "series.proposed": "proposed",
                  "series.confirmed": "confirmed"}
#: The only media columns a packet's hash annex is built from (never `Media.extra`).
ANNEX_COLUMNS = (Media.md5, Media.sha1, Media.sha256, Media.size_bytes, Media.mime_type,
                 Media.category_code, Media.category_scheme, Media.victim_identified,
                 Media.offender_identified, Media.is_distributed,
                 Media.extra["PhotoDNA"].as_string())
#: Tips counted as "verified" in the packet's appeal section: found relevant, or more.
USEFUL = [s.value for s in USEFUL_TIPS]


def series_for_country(session: Session, sprint_id: int, country: str,
                       statuses: Sequence[str]) -> list[Series]:
    return list(session.scalars(
        select(Series).join(CountryAssessment, CountryAssessment.series_id == Series.id)
        .where(Series.sprint_id == sprint_id, Series.status.in_(statuses),
               CountryAssessment.country == country, CountryAssessment.confirmed.is_(True))
        .order_by(Series.code)))


def _people(session: Session, ids: set[int]) -> dict[int, PacketPerson]:
    if not ids:
        return {}
    return {p.id: PacketPerson(p.display_name, p.agency)
            for p in session.scalars(select(Participant).where(Participant.id.in_(ids)))}


@dataclass(frozen=True, slots=True)
class OverriddenClue:
    """A restricted (H2/H3) clue a coordinator's override let into the packet."""

    series_id: int
    clue_id: int
    handling: str


def read_packet_series(session: Session, rows: Sequence[Series], country: str, *,
                       include_h2: bool
                       ) -> tuple[tuple[PacketSeries, ...], list[OverriddenClue]]:
    """The packet's series sections, and the restricted clues included (for the override log).

    `include_h2` is the coordinator's override: `handling.may_export` decides per clue.
    """
    ids = [s.id for s in rows]
    if not ids:
        return (), []
    media: dict[int, list[PacketMedia]] = defaultdict(list)
    for series_id, *fields in session.execute(
            select(Media.series_id, *ANNEX_COLUMNS).where(Media.series_id.in_(ids))
            .order_by(Media.series_id, Media.md5)):
        media[series_id].append(PacketMedia(*fields))
    candidates: dict[int, list[CountryAssessment]] = defaultdict(list)
    for a in session.scalars(select(CountryAssessment).where(
            CountryAssessment.series_id.in_(ids)).order_by(CountryAssessment.series_id,
                                                           CountryAssessment.rank,
                                                           CountryAssessment.country)):
        candidates[a.series_id].append(a)
    clues: dict[int, list[Clue]] = defaultdict(list)
    for c in session.scalars(select(Clue).where(Clue.series_id.in_(ids))
                             .order_by(Clue.series_id, Clue.id)):
        clues[c.series_id].append(c)
    events: dict[int, list[Event]] = defaultdict(list)
    for e in session.scalars(select(Event).where(Event.series_id.in_(ids),
                                                 Event.action.in_(AUDIT_ACTIONS))
                             .order_by(Event.version)):
        if e.series_id is not None:
            events[e.series_id].append(e)
    entered = _entered_for_others(session, ids)
    appeals: dict[int, list[PacketAppeal]] = defaultdict(list)
    tips = {oid: (total, useful) for oid, total, useful in session.execute(
        select(Tip.appeal_object_id, func.count(), func.count().filter(Tip.status.in_(USEFUL)))
        .join(AppealObject, AppealObject.id == Tip.appeal_object_id)
        .where(AppealObject.series_id.in_(ids)).group_by(Tip.appeal_object_id))}
    for obj in session.scalars(select(AppealObject).where(  # drafts were never public
            AppealObject.series_id.in_(ids), AppealObject.status != AppealStatus.DRAFT)
            .order_by(AppealObject.public_id)):
        total, useful = tips.get(obj.id, (0, 0))
        appeals[obj.series_id].append(PacketAppeal(
            obj.public_id, obj.object_type, obj.question, obj.status, total, useful))

    person_ids: set[int] = set()
    for s in rows:
        person_ids.update(x for x in (s.proposed_by_id,) if x)
        person_ids.update(a.author_id for a in candidates[s.id])
        person_ids.update(a.confirmed_by_id for a in candidates[s.id]
                          if a.confirmed_by_id and a.country == country)
        person_ids.update(c.author_id for c in clues[s.id])
        person_ids.update(e.actor_id for e in events[s.id] if e.actor_id)
    people = _people(session, person_ids)

    sections: list[PacketSeries] = []
    included_h2: list[OverriddenClue] = []
    for s in rows:
        kept = [c for c in clues[s.id] if may_export(c.handling, include_h2)]
        included_h2 += [OverriddenClue(s.id, c.id, c.handling) for c in kept
                        if not may_export(c.handling, False)]
        packet_clues = sorted((_clue(c, country) for c in kept),
                              key=lambda p: (EFFECTS.index(p.effect), int(p.reference[3:])))
        sections.append(PacketSeries(
            code=s.code, alias=s.alias, icse_id=s.icse_id, ncmec_name=s.ncmec_name,
            vics_name=s.vics_name, priority=s.priority, handling=s.handling,
            victim_sex=s.victim_sex, victim_age_band=s.victim_age_band,
            production_period=s.production_period, in_icse=s.in_icse,
            media=tuple(media[s.id]),
            candidates=tuple(PacketCandidate(a.rank, a.country, country_label(a.country),
                                             a.confidence, a.rationale, a.confirmed)
                             for a in candidates[s.id]),
            clues=tuple(packet_clues),
            withheld_clues=len(clues[s.id]) - len(kept),
            appeals=tuple(appeals[s.id]),
            audit=_audit(s, country, candidates=candidates[s.id], clues=clues[s.id],
                         events=events[s.id], people=people, entered=entered[s.id])))
    return tuple(sections), included_h2


def _clue(c: Clue, country: str) -> PacketClue:
    effect, reasons = clue_effect_for(c, country)
    return PacketClue(
        reference=f"CL-{c.id}", category=c.category,
        category_words=wording.clue_category(c.category), description=c.description,
        kind=c.kind, value=c.value, value_words=wording.clue_value(c.kind, c.value),
        confidence=c.confidence, supports=tuple(c.supports or ()),
        excludes=tuple(c.excludes or ()), effect=effect, effect_reasons=reasons,
        evidence_md5=c.evidence_md5, evidence_time=c.evidence_time,
        evidence_region=c.evidence_region, handling=c.handling)


def clue_effect_for(c: Clue, country: str) -> tuple[str, tuple[str, ...]]:
    """("supports" | "excludes" | "neutral", the model's reasons) of one clue for `country`.

    The narrowing model's own `clue_effect`, the one the workspace and review rank with: the
    clue's structured value and its explicit supports/excludes, scaled by its confidence. A
    value no reference table knows (a typo) counts for nothing, and the reasons say so.
    """
    try:
        effect = clue_effect(c, country)
    except InvalidClue as exc:
        note = (f"its value is not counted ({exc.reason})",)
        try:
            effect = clue_effect(_without_value(c), country)
        except InvalidClue:
            return "neutral", note
        return effect.stance, tuple(r.explanation for r in effect.reasons) + note
    return effect.stance, tuple(r.explanation for r in effect.reasons)


@dataclass(frozen=True, slots=True)
class _FreeClue:
    """A clue read as if it had no structured value (its value matches no country)."""

    id: int
    category: str
    description: str
    confidence: str
    supports: Sequence[str] | None
    excludes: Sequence[str] | None
    kind: str = "none"
    value: str | None = None


def _without_value(c: Clue) -> _FreeClue:
    return _FreeClue(c.id, c.category, c.description, c.confidence, c.supports, c.excludes)


def _entered_for_others(session: Session, series_ids: Sequence[int]
                        ) -> dict[int, dict[tuple[str, int], str]]:
    """Per series, (step, person) -> the login that entered it for them: the events whose
    database login is not their actor's (the maintenance login with `--as`). Usually none."""
    entered: dict[int, dict[tuple[str, int], str]] = defaultdict(dict)
    rows = session.execute(select(Event.series_id, Event.action, Event.actor_id, Event.db_login)
                           .where(Event.series_id.in_(series_ids),
                                  Event.action.in_(tuple(STEP_OF_ACTION)),
                                  Event.db_login.is_not(None),
                                  Event.db_login != Event.actor_login)
                           .order_by(Event.version))
    for series_id, action, actor_id, login in rows:
        if series_id is not None and actor_id is not None and login:
            entered[series_id].setdefault((STEP_OF_ACTION[action], actor_id), login)
    return entered


def _audit(s: Series, country: str, *, candidates: list[CountryAssessment], clues: list[Clue],
           events: list[Event], people: dict[int, PacketPerson],
           entered: dict[tuple[str, int], str] | None = None) -> tuple[AuditStep, ...]:
    steps: list[AuditStep] = []
    seen: set[tuple[str, int]] = set()
    entered = entered or {}

    def add(step: str, person_id: int | None, when: datetime | None) -> None:
        if person_id is None or (step, person_id) in seen or person_id not in people:
            return
        seen.add((step, person_id))
        steps.append(AuditStep(step, people[person_id], when, entered.get((step, person_id))))

    for e in events:
        if e.action == "claim.taken":
            add("claimed", e.actor_id, e.occurred_at)
    # The log's time, as for the other steps (a row's own stamp where no event exists).
    added = {e.entity_id: e.occurred_at for e in events if e.action == "clue.added"}
    for c in clues:
        add("clues recorded", c.author_id, added.get(c.id, c.created_at))
    for e in events:
        if e.action == "assessment.ranked":
            add("assessed", e.actor_id, e.occurred_at)
    for a in candidates:
        add("assessed", a.author_id, a.updated_at)
    add("proposed", s.proposed_by_id, s.proposed_at)
    for a in candidates:
        if a.country == country and a.confirmed:
            add("confirmed", a.confirmed_by_id, a.confirmed_at)
    return tuple(steps)
