"""The press-office PDF: its numbers equal `vidtask stats --json`; nothing operational in it."""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader

from tests.worlds.dashboard import worked_sprint
from vidtask.cli import main
from vidtask.db.engine import Database
from vidtask.services.report import (
    HEADLINE_FIELDS,
    MEDIA_WORKED_LABEL,
    export_sprint_report,
    report_data,
)


def pdf_text(path_or_bytes: Path | bytes) -> str:
    source = io.BytesIO(path_or_bytes) if isinstance(path_or_bytes, bytes) else path_or_bytes
    text = " ".join(page.extract_text() or "" for page in PdfReader(source).pages)
    return re.sub(r"\s+", " ", text)


def test_report_numbers_equal_stats_json(db: Database, db_url: str, tmp_path: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    world = worked_sprint(db)
    out = tmp_path / "report.pdf"
    assert main(["report", "--database", db_url, "--out", str(out)]) == 0
    assert main(["stats", "--json", "--database", db_url]) == 0
    stats = json.loads(capsys.readouterr().out.split("\n", 1)[1])
    text = pdf_text(out)
    for key, label in HEADLINE_FIELDS:
        assert f"{label} {stats[key]:,}" in text, (label, stats[key])
    assert "Series with a confirmed likely country: 1 country" in text  # the country chart
    assert "DE police" in text and "Test sprint" in text
    for code in world.codes:
        assert code not in text  # no series identifiers
    for operational in ("Shampoo", "Handwritten", "Alias", "Cereal", "anna", "Anna"):
        assert operational not in text  # no clues, aliases or officers' names


def test_report_counts_only_people_who_acted_and_media_of_worked_series(
        db: Database, tmp_path: Path) -> None:
    from vidtask.services import participants

    world = worked_sprint(db)
    # registered, never did anything: not a participant in the press office's sense
    participants.add_participant(db, "admin", "idle", "Idle Ivo", role="specialist",
                                 agency="Idle agency", country="IT")
    data = report_data(db, world.sprint_id)
    # cora, cody, anna, bert, dmytro acted; the admin only set the sprint up
    assert data.participants_total == 5
    assert "Idle agency" not in {a.agency for a in data.agencies}
    # S-005 was only re-prioritised: its 2 media were never worked on; 6 series x 2 media were
    assert dict(data.headline)[MEDIA_WORKED_LABEL] == 12
    out = tmp_path / "report.pdf"
    export_sprint_report(db, world.sprint_id, out)
    pages = [re.sub(r"\s+", " ", p.extract_text() or "") for p in PdfReader(out).pages]
    for number, page in enumerate(pages, 1):
        assert f"page {number} of {len(pages)}" in page
        assert "generated" in page
    text = " ".join(pages)
    assert "5 people from 5 agencies recorded work in it" in text
    assert "Idle" not in text
    # the chart shows the countries; no table repeats it (there are fewer than 15)
    assert "The other" not in text and "Country Series" not in text


def test_a_failed_report_leaves_an_existing_file_untouched(db: Database, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch
                                                         ) -> None:
    from vidtask.interchange import sprint_report

    world = worked_sprint(db)
    (tmp_path / "reports").mkdir()
    out = tmp_path / "reports" / "report.pdf"
    out.write_bytes(b"the report of yesterday")

    def broken(*_: object) -> None:
        raise RuntimeError("layout failed")

    monkeypatch.setattr("vidtask.services.report.render_sprint_report", broken)
    with pytest.raises(RuntimeError):
        export_sprint_report(db, world.sprint_id, out)
    assert out.read_bytes() == b"the report of yesterday"
    assert [p.name for p in out.parent.iterdir()] == ["report.pdf"]
    assert sprint_report  # the module itself is untouched


def test_report_is_byte_identical_for_the_same_figures(db: Database) -> None:
    world = worked_sprint(db)
    data = report_data(db, world.sprint_id)
    first, second = io.BytesIO(), io.BytesIO()
    from vidtask.interchange.sprint_report import render_sprint_report

    render_sprint_report(data, first)
    render_sprint_report(data, second)
    assert first.getvalue() == second.getvalue()
    assert first.getvalue().startswith(b"%PDF")


def test_report_prints_names_in_any_script(db: Database, tmp_path: Path) -> None:
    from vidtask.services import participants

    world = worked_sprint(db)
    participants.add_participant(db, "admin", "olena", "Олена", role="specialist",
                                 agency="Національна поліція України", country="UA")
    from vidtask.services import claims

    claims.claim_series(db, "olena", world.series_ids[4])
    out = tmp_path / "unicode.pdf"
    export_sprint_report(db, world.sprint_id, out)
    assert "Національна поліція України" in pdf_text(out)


def test_report_command_never_loads_qt(tmp_path: Path, capsys: pytest.CaptureFixture[str]
                                       ) -> None:
    url = f"sqlite:///{tmp_path / 'demo.sqlite3'}"
    assert main(["demo", "--series", "12", "--quiet", "--database", url]) == 0
    capsys.readouterr()
    code = ("import sys; from vidtask.cli import main; "
            f"rc = main(['report', '--database', {url!r}, '--out', {str(tmp_path / 'r.pdf')!r}]);"
            " assert rc == 0; assert 'PySide6' not in sys.modules, 'Qt was imported'")
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            env=env, check=False)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "r.pdf").stat().st_size > 10_000


def test_report_to_a_missing_folder_is_one_line(tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    url = f"sqlite:///{tmp_path / 'x.sqlite3'}"
    assert main(["report", "--database", url, "--out", str(tmp_path / "no" / "r.pdf")]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "does not exist" in err
