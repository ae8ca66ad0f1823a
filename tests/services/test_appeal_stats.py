"""The figures Europol publishes, from the sprint's appeals: on the dashboard and in the report."""

from __future__ import annotations

from pathlib import Path

from tests.services.test_report import pdf_text
from tests.worlds.appeals import published, tips_csv
from tests.worlds.sprint import World
from vidtask.services import appeals, claims, tips
from vidtask.services.appeal_stats import appeal_stats
from vidtask.services.dashboard import sprint_dashboard
from vidtask.services.report import export_sprint_report


def test_tips_objects_and_countries_found_reach_the_dashboard_and_the_report(
        world: World, tmp_path: Path) -> None:
    published(world, tmp_path / "site", "G19", "G20", "G21")
    tips.import_tips(world.db, "cora", tips_csv(tmp_path / "t.csv", [
        "G19,2026-06-03T10:00:00Z,Sold at Lidl in Germany,DE,secret@example.invalid",
        "G19,2026-06-03T11:00:00Z,It is from Austria,AT,",
        "G19,2026-06-03T12:00:00Z,sold at lidl in germany,DE,",
        "G20,2026-06-03T12:00:00Z,Everywhere in Europe,,"]))
    first = tips.list_tips(world.db, world.sprint_id, appeal="G19")[0]
    claims.claim_series(world.db, "anna", world.series_ids[0])
    tips.tip_to_clue(world.db, "anna", first.id)
    appeals.record_outcome(world.db, "cora", "G19", "identified", country="DE")
    appeals.record_outcome(world.db, "cora", "G20", "too_widespread")
    appeals.withdraw_appeal(world.db, "cora", "G19", "country found")

    stats = appeal_stats(world.db, world.sprint_id)
    assert (stats.objects_published, stats.objects_on_appeal, stats.tips_received,
            stats.tips_useful, stats.tips_made_clues) == (3, 2, 4, 1, 1)
    assert (stats.identified, stats.too_widespread, stats.countries_identified) == (
        1, 1, ("DE",))
    assert stats.tips_per_object == (("G19", 3), ("G20", 1))
    assert stats.tips_per_country == (("DE", 2), ("AT", 1))
    assert sprint_dashboard(world.db, world.sprint_id).appeals == stats

    out = tmp_path / "report.pdf"
    export_sprint_report(world.db, world.sprint_id, out)
    text = pdf_text(out)
    for figure in ("Tips received from the public 4", "Objects published 3",
                   "Objects traced to a country 1", "Countries found through tips 1",
                   "Objects found too widespread 1", "Tips that became location clues 1",
                   "Object G19 3", "Object G20 1"):
        assert figure in text, figure
    for secret in ("secret@example.invalid", "Lidl", "S-001", "TIP-"):
        assert secret not in text
