"""Dissemination: a country's packet lists the appeal objects of its series with their tips."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

from tests.services.test_packets import zip_text
from tests.worlds.appeals import draft, published, tips_csv
from tests.worlds.review import confirmed
from tests.worlds.sprint import World
from vidtask.services import tips
from vidtask.services.packets import export_country_packets


def test_a_packet_lists_its_series_appeal_objects_with_their_tips(world: World,
                                                                 tmp_path: Path) -> None:
    published(world, tmp_path / "site", "G19")
    draft(world, "cora", public="D9")  # never public: not in the packet
    published(world, tmp_path / "site", "G30", series=1)  # another series, another country
    tips.import_tips(world.db, "cora", tips_csv(tmp_path / "t.csv", [
        "G19,2026-06-03T10:00:00Z,Sold at Lidl,DE,secret@example.invalid",
        "G19,2026-06-03T11:00:00Z,Seen in Austria,AT,",
        "G30,2026-06-03T11:00:00Z,Seen in France,FR,"]))
    first = tips.list_tips(world.db, world.sprint_id, appeal="G19")[0]
    tips.triage_tip(world.db, "bert", first.id, "relevant")
    confirmed(world, world.series_ids[0])
    (result,) = export_country_packets(world.db, "cody", world.sprint_id, tmp_path / "out")
    assert result.path is not None
    with zipfile.ZipFile(result.path) as archive:
        name = next(n for n in archive.namelist() if n.endswith(".json") and "packet" in n)
        document = json.loads(archive.read(name))
    (series,) = document["series"]
    assert [(a["object_code"], a["status"], a["tips_received"], a["tips_verified"])
            for a in series["appeals"]] == [("G19", "published", 2, 1)]
    text = zip_text(result.path)
    assert "G30" not in text and "D9" not in text and "secret@example.invalid" not in text
