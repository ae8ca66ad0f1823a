"""What one simulated desktop does in the reliability run, and the checks run on the result.

Each client is its own process with its own `Database` (engine, pool), like 40 desktops. It
claims (next-free or a random series, so clients collide), renews, releases, adds and edits its
own clues, and sweeps expired leases, recording every write the services acknowledged. A chaos
process makes random leases run out (what time does in a real sprint), so take-overs and
`claim.expired` happen within seconds. Readers follow the feed and record the versions they see.
"""

from __future__ import annotations

import json
import random
import time
import traceback
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select, update

from vidtask.db.engine import Database
from vidtask.db.models import Clue, Event, Participant, Series
from vidtask.domain.errors import ClaimConflict, ClaimRequired, StaleVersion
from vidtask.services import claims, clues
from vidtask.services.leases import sweep_if_needed
from vidtask.sync.feed import changes_since

EXPECTED_REFUSALS = (ClaimConflict, ClaimRequired, StaleVersion)


@dataclass
class ClientPlan:
    url: str
    login: str
    sprint_id: int
    series_ids: list[int]
    seconds: float
    seed: int
    result_path: str


def _write(path: str, payload: dict[str, Any]) -> None:
    Path(path).write_text(json.dumps(payload))


def run_client(plan: ClientPlan, start: Any) -> None:
    """One desktop. `start` is a multiprocessing Event: every client begins together."""
    rng = random.Random(plan.seed)
    db = Database(plan.url, pool_size=1)
    held: set[int] = set()
    my_clues: dict[int, tuple[int, int]] = {}  # clue id -> (series id, version)
    acks: list[dict[str, Any]] = []
    errors: list[str] = []
    refusals: Counter[str] = Counter()
    timings: dict[str, list[float]] = {"claim": [], "write": []}
    ops = 0
    start.wait()
    deadline = time.monotonic() + plan.seconds
    while time.monotonic() < deadline:
        ops += 1
        roll = rng.random()
        series_id = None
        began = time.perf_counter()
        try:
            if not held or (roll < 0.25 and len(held) < 3):
                if rng.random() < 0.5:
                    result = claims.claim_next(db, plan.login, plan.sprint_id)
                else:
                    result = claims.claim_series(db, plan.login, rng.choice(plan.series_ids))
                if result is not None:
                    held.add(result.series_id)
                    acks.append({"op": "claim", "series": result.series_id,
                                 "version": result.changes.last_version})
                timings["claim"].append(time.perf_counter() - began)
                continue
            series_id = rng.choice(sorted(held))
            own = [c for c, (s, _v) in my_clues.items() if s == series_id]
            if roll < 0.45:
                token = f"{plan.login}:{ops}:add"
                clue_id, _ = clues.add_clue(db, plan.login, series_id,
                                            clues.ClueInput(category="text", description=token))
                my_clues[clue_id] = (series_id, 1)
                acks.append({"op": "clue", "clue": clue_id, "version": 1, "text": token})
            elif roll < 0.75 and own:
                clue_id = rng.choice(own)
                token = f"{plan.login}:{ops}:edit"
                version, _ = clues.edit_clue(db, plan.login, clue_id, my_clues[clue_id][1],
                                             clues.ClueInput(category="text", description=token))
                my_clues[clue_id] = (series_id, version)
                acks.append({"op": "clue", "clue": clue_id, "version": version, "text": token})
            elif roll < 0.88:
                claims.renew_claim(db, plan.login, series_id)
            elif roll < 0.97:
                claims.release_claim(db, plan.login, series_id)
                held.discard(series_id)
            else:
                sweep_if_needed(db, plan.sprint_id)
            timings["write"].append(time.perf_counter() - began)
        except EXPECTED_REFUSALS as refusal:
            refusals[type(refusal).__name__] += 1
            if series_id is not None and isinstance(refusal, ClaimConflict | ClaimRequired):
                held.discard(series_id)  # the lease ran out and somebody else may have it
        except Exception:
            errors.append(traceback.format_exc(limit=6))
    db.dispose()
    _write(plan.result_path, {"login": plan.login, "ops": ops, "acks": acks, "errors": errors,
                              "refusals": dict(refusals), "timings": timings})


def run_reader(url: str, since: int, seconds: float, result_path: str, start: Any) -> None:
    """Follow the feed by polling, the strictest reader: any reordering (or, on SQLite whose
    versions are dense, any gap) is recorded; the caller compares the count with the log."""
    db = Database(url, pool_size=1)
    dense = not db.is_postgresql
    last = since
    problems: list[str] = []
    count = 0
    start.wait()
    deadline = time.monotonic() + seconds + 5
    while time.monotonic() < deadline:
        for event in changes_since(db, last):
            if event.version <= last or (dense and event.version != last + 1):
                problems.append(f"after {last} came {event.version}")
            last = event.version
            count += 1
        time.sleep(0.02)
    db.dispose()
    _write(result_path, {"last": last, "count": count, "problems": problems})


def run_chaos(url: str, seconds: float, start: Any, seed: int) -> None:
    """Time passing: every ~0.3 s one held lease runs out (no event; the next taker records it)."""
    rng = random.Random(seed)
    db = Database(url, pool_size=1)
    start.wait()
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        time.sleep(0.3)
        with db.write_session() as session:
            held = list(session.scalars(select(Series.id).where(Series.claimed_by_id.is_not(None))))
            if held:
                now = db.server_now(session)
                session.execute(update(Series).where(Series.id == rng.choice(held))
                                .values(claim_expires_at=now - timedelta(seconds=1)))
            session.commit()
    db.dispose()


@dataclass
class Verdict:
    events: int
    problems: list[str] = field(default_factory=list)


def check_holders(db: Database) -> Verdict:
    """Replay the event log: a series never had two holders, and only its holder edited it."""
    with db.read() as session:
        rows = session.execute(
            select(Event.version, Event.action, Event.actor_login, Event.series_id,
                   Event.before, Event.entity_id)
            .where(Event.series_id.is_not(None)).order_by(Event.version)).all()
        final = dict(session.execute(
            select(Series.id, Participant.login)
            .join(Participant, Participant.id == Series.claimed_by_id, isouter=True)).all())
    verdict = Verdict(len(rows))
    holder: dict[int, str | None] = {}
    for version, action, actor, series_id, before, _entity in rows:
        current = holder.get(series_id)
        if action == "claim.taken":
            if current is not None and current != actor:
                verdict.problems.append(f"v{version}: {actor} took {series_id} held by {current}")
            holder[series_id] = actor
        elif action in {"claim.released", "claim.expired", "claim.force_released"}:
            was = (before or {}).get("holder")
            if was != current:
                verdict.problems.append(f"v{version}: {action} of {was}, holder was {current}")
            holder[series_id] = None
        elif (action in {"claim.renewed", "clue.added", "clue.edited", "clue.deleted"}
              and actor != current):
            verdict.problems.append(f"v{version}: {actor} did {action} on {series_id} "
                                    f"held by {current}")
    for series_id, login in final.items():
        if holder.get(series_id) != login:
            verdict.problems.append(f"series {series_id}: log says {holder.get(series_id)}, "
                                    f"row says {login}")
    return verdict


def check_acknowledged(db: Database, results: Sequence[dict[str, Any]]) -> list[str]:
    """Every acknowledged clue write is logged; each clue holds its last acknowledged text."""
    with db.read() as session:
        logged = {(r[0], (r[1] or {}).get("description")) for r in session.execute(
            select(Event.entity_id, Event.after)
            .where(Event.action.in_(["clue.added", "clue.edited"]))).all()}
        stored = {r[0]: (r[1], r[2]) for r in session.execute(
            select(Clue.id, Clue.version, Clue.description)).all()}
    problems: list[str] = []
    latest: dict[int, tuple[int, str]] = {}
    for result in results:
        for ack in result["acks"]:
            if ack["op"] != "clue":
                continue
            if (ack["clue"], ack["text"]) not in logged:
                problems.append(f"acknowledged write missing from the log: {ack}")
            if ack["version"] > latest.get(ack["clue"], (0, ""))[0]:
                latest[ack["clue"]] = (ack["version"], ack["text"])
    for clue_id, (version, text) in latest.items():
        if stored.get(clue_id) != (version, text):
            problems.append(f"clue {clue_id}: acknowledged v{version} {text!r}, "
                            f"stored {stored.get(clue_id)}")
    return problems


def check_versions(db: Database) -> list[str]:
    """SQLite: versions 1..N without a gap. PostgreSQL: positions (migration 0008) are sparse;
    each append's events are consecutive, and readers must have seen every one (see
    `events_after`)."""
    with db.read() as session:
        versions = list(session.scalars(select(Event.version).order_by(Event.version)))
    if not db.is_postgresql and versions != list(range(1, len(versions) + 1)):
        missing = sorted(set(range(1, versions[-1] + 1)) - set(versions))[:10]
        return [f"event versions have gaps, e.g. {missing}"]
    if len(set(versions)) != len(versions):
        return ["an event version is used twice"]
    return []


def events_after(db: Database, since: int) -> int:
    """How many events the log holds above `since`: what every reader must have counted."""
    from sqlalchemy import func

    with db.read() as session:
        return int(session.scalar(select(func.count()).select_from(Event)
                                  .where(Event.version > since)) or 0)
