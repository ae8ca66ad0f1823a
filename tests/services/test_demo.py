"""The demo sprint reads like real work: its packets' audits keep the steps' order."""

from __future__ import annotations

import json
import zipfile
from datetime import date, datetime
from pathlib import Path

from vidtask.db.engine import Database
from vidtask.services.demo import generate_demo
from vidtask.services.packets import export_country_packets
from vidtask.services.participants import list_participants

ORDER = ("claimed", "clues recorded", "assessed", "proposed", "confirmed")


def test_a_demo_packets_audit_lists_clues_before_the_assessment(db: Database,
                                                                tmp_path: Path) -> None:
    summary = generate_demo(db, series_count=30, today=date(2026, 6, 10))
    coordinator = next(p.login for p in list_participants(db) if p.role == "coordinator")
    audits = []
    for result in export_country_packets(db, coordinator, summary.sprint.id, tmp_path):
        assert result.path is not None
        document = json.loads(zipfile.ZipFile(result.path).read("packet.json"))
        audits += [series["audit"] for series in document["series"]]
    assert audits
    for audit in audits:
        steps = [step["step"] for step in audit]
        assert steps == [s for s in ORDER if s in steps]  # the order a packet lists them in
        times = [datetime.fromisoformat(step["when"]) for step in audit]
        assert times == sorted(times), audit  # … is the order they happened in
        when = dict(zip(steps, times, strict=True))
        assert when["clues recorded"] < when["assessed"]
