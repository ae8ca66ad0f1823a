"""Benchmark: export every country packet of a VIDTF-16-scale sprint (600 series, 60 countries,
~5,000 clues) on SQLite, with a progress bar; target 8 s on this 2-core machine (issue 19).

Baseline beside it: the same reads with the raw sqlite3 driver and a ZIP of JSON per country,
without the PDF, to show what the packet's own work (PDF, digests, signing, bookkeeping) costs.
`--serial` adds the same export in one process (no render pool), for comparison.
Run: flock /work/team/bench.lock python benchmarks/packets.py [--series 600] [--countries 60]
     [--clues-per-series 8.4] [--serial]
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import random
import sqlite3
import sys
import tempfile
import time
import zipfile
from datetime import UTC, date, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import insert, update

from vidtask.db.engine import Database
from vidtask.db.migrate import upgrade
from vidtask.db.models import Clue, CountryAssessment, Series
from vidtask.domain.countries import all_countries
from vidtask.services import participants, sprints
from vidtask.services.packets import export_country_packets
from vidtask.services.series import NewSeries, create_series, list_series

TARGET_SECONDS = 8.0


def build(db: Database, series_count: int, country_count: int, clues_per_series: float) -> int:
    rng = random.Random(16)
    participants.add_participant(db, None, "admin", "Admin", role="admin", agency="Europol")
    participants.add_participant(db, "admin", "anna", "Anna Analyst", role="specialist",
                                 agency="BKA", country="DE")
    participants.add_participant(db, "admin", "cora", "Cora Coordinator", role="coordinator",
                                 agency="Europol", country="NL")
    sprint, _ = sprints.create_sprint(db, "admin", "VIDTF 16 bench", date(2025, 5, 5),
                                      date(2025, 5, 16), organiser="Benchmark organiser",
                                      issuing_unit="Benchmark unit",
                                      contact_name="Duty desk",
                                      contact_email="desk@example.invalid",
                                      contact_phone="+99 0000 0000")
    specs = [NewSeries(code=f"VIDTF16-{n:04d}", alias=f"Alias {n}", victim_sex="female",
                       victim_age_band="7-10", production_period="2019–2023",
                       media=[{"md5": hashlib.md5(f"{n}/{m}".encode()).hexdigest(),
                               "sha1": hashlib.sha1(f"{n}/{m}".encode()).hexdigest(),
                               "size_bytes": 100_000 + m, "mime_type": "image/jpeg",
                               "category_code": 1, "category_scheme": "VICS-US"}
                              for m in range(rng.randint(5, 25))])
             for n in range(1, series_count + 1)]
    for start in range(0, len(specs), 200):
        create_series(db, "admin", sprint.id, specs[start:start + 200])
    codes = [c.code for c in all_countries()][:country_count]
    rows = list_series(db, sprint.id)
    now = datetime.now(UTC)
    clue_rows, assessment_rows = [], []
    total_clues = round(series_count * clues_per_series)
    for index, row in enumerate(rows):
        country = codes[index % len(codes)]
        other = codes[(index + 1) % len(codes)]
        assessment_rows += [
            {"series_id": row.id, "country": country, "rank": 1, "confidence": 75,
             "rationale": "Language, sockets and products agree.", "author_id": 2,
             "confirmed": True, "confirmed_by_id": 3, "confirmed_at": now, "created_at": now,
             "updated_at": now, "version": 1},
            {"series_id": row.id, "country": other, "rank": 2, "confidence": 20,
             "rationale": "Product also sold here.", "author_id": 2, "confirmed": False,
             "confirmed_by_id": None, "confirmed_at": None,
             "created_at": now, "updated_at": now, "version": 1}]
        share = total_clues // len(rows) + (1 if index < total_clues % len(rows) else 0)
        for k in range(share):
            clue_rows.append({
                "series_id": row.id, "category": "product",
                "description": f"Clue {k}: a made-up product sold in {country}.",
                "kind": "none", "evidence_md5": specs[index].media[0]["md5"],
                "evidence_time": "00:01", "evidence_region": "1,2,3,4", "confidence": "medium",
                "supports": [country] if k % 3 == 0 else [],
                "excludes": [codes[(index + 7) % len(codes)]] if k % 3 == 1 else [],
                "handling": "H0", "author_id": 2, "created_at": now, "updated_at": now,
                "updated_by_id": 2, "version": 1})
    with db.engine.begin() as conn:
        conn.execute(insert(CountryAssessment), assessment_rows)
        conn.execute(insert(Clue), clue_rows)
        conn.execute(update(Series).where(Series.sprint_id == sprint.id).values(
            status="confirmed", proposed_by_id=2, proposed_at=now))
    print(f"built: {len(rows)} series, {len(set(codes))} countries, {len(clue_rows)} clues, "
          f"{sum(len(s.media) for s in specs)} media", flush=True)
    return sprint.id


def baseline(path: Path, out: Path) -> float:
    """Raw sqlite3 reads per country + one ZIP of JSON each, no PDF."""
    started = time.perf_counter()
    con = sqlite3.connect(path)
    countries = [r[0] for r in con.execute(
        "SELECT DISTINCT country FROM country_assessments WHERE confirmed ORDER BY country")]
    out.mkdir(parents=True, exist_ok=True)
    for country in countries:
        ids = [r[0] for r in con.execute(
            "SELECT s.id FROM series s JOIN country_assessments a ON a.series_id = s.id "
            "WHERE a.country = ? AND a.confirmed ORDER BY s.code", (country,))]
        marks = ",".join("?" * len(ids))
        doc = {
            "series": con.execute(f"SELECT * FROM series WHERE id IN ({marks})", ids).fetchall(),
            "media": con.execute(f"SELECT md5, sha1, size_bytes FROM media WHERE series_id IN "
                                 f"({marks}) ORDER BY series_id, md5", ids).fetchall(),
            "clues": con.execute(f"SELECT * FROM clues WHERE series_id IN ({marks})",
                                 ids).fetchall(),
            "candidates": con.execute(f"SELECT * FROM country_assessments WHERE series_id IN "
                                      f"({marks})", ids).fetchall()}
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("packet.json", json.dumps(doc, default=str))
        (out / f"{country}.zip").write_bytes(buffer.getvalue())
    con.close()
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--series", type=int, default=600)
    parser.add_argument("--countries", type=int, default=60)
    parser.add_argument("--clues-per-series", type=float, default=8.4)
    parser.add_argument("--serial", action="store_true",
                        help="also export again in one process (no render pool)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.sqlite3"
        db = Database(f"sqlite:///{path}")
        upgrade(db)
        sprint_id = build(db, args.series, args.countries, args.clues_per_series)

        def bar(done: int, total: int, country: str) -> None:
            filled = 30 * done // max(total, 1)
            print(f"\r  packets [{'#' * filled}{'.' * (30 - filled)}] {done}/{total} {country:2}",
                  end="" if done < total else "\n", file=sys.stderr, flush=True)

        started = time.perf_counter()
        results = export_country_packets(db, "cora", sprint_id, Path(tmp) / "out", progress=bar)
        elapsed = time.perf_counter() - started
        size = sum(r.path.stat().st_size for r in results if r.path)
        raw = baseline(path, Path(tmp) / "raw")
        print(f"export packets: {len(results)} packets, "
              f"{sum(len(r.series_codes) for r in results)} series, {size / 1e6:.1f} MB "
              f"in {elapsed:.2f} s ({elapsed / max(len(results), 1) * 1000:.0f} ms/packet); "
              f"target <= {TARGET_SECONDS:.0f} s: "
              f"{'met' if elapsed <= TARGET_SECONDS else 'MISSED'}")
        print(f"baseline (raw sqlite3 reads + JSON zip, no PDF, no bookkeeping): {raw:.2f} s")
        if args.serial:
            started = time.perf_counter()
            again = export_country_packets(db, "cora", sprint_id, Path(tmp) / "serial",
                                           include_notified=True, workers=1)
            serial = time.perf_counter() - started
            same = all(a.path and b.path and a.path.read_bytes() == b.path.read_bytes()
                       for a, b in zip(results, again, strict=True))
            print(f"same export in one process: {serial:.2f} s; byte-identical: {same}")
        db.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
