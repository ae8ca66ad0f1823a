"""Trace an Object by the command line, end to end: crop file → published page, tips file →
triage → clue, on both backends."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from PIL import Image

from tests.worlds.appeals import tips_csv
from tests.worlds.crops import jpeg_with_metadata
from tests.worlds.sprint import World
from vidtask.cli import main
from vidtask.interchange.crops import metadata_blocks


def run(capsys: pytest.CaptureFixture[str], url: str, who: str, *argv: str
        ) -> tuple[int, str, str]:
    code = main(["--database", url, *argv, *(("--as", who) if who else ())])
    out, err = capsys.readouterr()
    return code, out, err


def test_an_appeal_from_crop_file_to_published_page_and_its_tips_to_a_clue(
        capsys: pytest.CaptureFixture[str], world: World, db_url: str, tmp_path: Path) -> None:
    crop = tmp_path / "crop.jpg"
    crop.write_bytes(jpeg_with_metadata())
    code, out, _ = run(capsys, db_url, "cora", "appeal", "create", "S-001", "--crop", str(crop),
                       "--object-type", "shampoo bottle", "--question", "Where is it sold?",
                       "--public-id", "G19")
    assert code == 0 and "Drafted appeal object G19" in out
    code, _, err = run(capsys, db_url, "cora", "appeal", "approve", "G19")
    assert code == 1 and "another coordinator must approve it" in err
    assert run(capsys, db_url, "cody", "appeal", "approve", "g19")[0] == 0
    site = tmp_path / "site"
    code, out, _ = run(capsys, db_url, "cody", "appeal", "publish", "--out", str(site))
    assert code == 0 and "Published now: G19" in out
    image = (site / "images" / "G19.jpg").read_bytes()
    assert metadata_blocks(image) == [] and not Image.open(io.BytesIO(image)).getexif()
    assert "Where is it sold?" in (site / "objects" / "G19.html").read_text()

    tips_file = tips_csv(tmp_path / "tips.csv", [
        "G19,2026-06-03T10:00:00Z,Sold at Lidl in Germany,DE,me@example.invalid",
        "G19,2026-06-03T12:00:00Z,sold at lidl in GERMANY,DE,",
        "G19,not a time,x,DE,"])
    code, out, err = run(capsys, db_url, "cora", "tips", "import", str(tips_file))
    assert code == 0
    assert "3 rows: 2 new tips (1 duplicate grouped), 0 already imported, 1 malformed" in out
    assert "line 4: received_at 'not a time' is not an ISO 8601" in err
    assert "1 row" not in run(capsys, db_url, "cora", "tips", "import", str(tips_file))[1]
    code, out, _ = run(capsys, db_url, "anna", "tips", "list", "--json")
    listed = json.loads(out)
    assert [(t["status"], t["group_size"], t["contact"]) for t in listed] == [
        ("new", 2, None), ("duplicate", 2, None)]
    code, out, _ = run(capsys, db_url, "cora", "tips", "list", "--contacts", "--object", "G19")
    assert "[me@example.invalid]" in out and "per object: G19 2" in out
    assert run(capsys, db_url, "anna", "tips", "list", "--contacts")[0] == 1
    first = listed[0]["reference"]
    code, out, _ = run(capsys, db_url, "anna", "tips", "triage", first, "--state", "relevant")
    assert code == 0 and f"{first} is now relevant" in out
    assert run(capsys, db_url, "anna", "claim", "S-001")[0] == 0
    code, out, _ = run(capsys, db_url, "anna", "tips", "to-clue", first)
    assert code == 0 and "Made clue CL-" in out
    code, out, _ = run(capsys, db_url, "", "narrow", "S-001")
    assert code == 0 and "DE" in out  # the tip's country ranks now
    code, out, _ = run(capsys, db_url, "cora", "appeal", "outcome", "G19", "--identified", "DE")
    assert "country identified (DE Germany)" in out
    code, out, _ = run(capsys, db_url, "cora", "appeal", "list")
    assert "G19" in out and "S-001" in out and "country identified" in out
    code, out, _ = run(capsys, db_url, "cora", "appeal", "withdraw", "G19", "--reason", "solved")
    assert code == 0
    code, out, _ = run(capsys, db_url, "cora", "appeal", "publish", "--out", str(site))
    assert "show 0 objects" in out and not (site / "objects" / "G19.html").exists()
