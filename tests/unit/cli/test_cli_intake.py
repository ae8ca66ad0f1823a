"""`vidtask import` / `vidtask export` from the command line, on both backends."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from tests.conftest import World
from tests.interchange.vics_fixtures import a_media, fake_hash, vics_doc
from vidtask.cli import main
from vidtask.interchange.vics import read_vics


def run(capsys: pytest.CaptureFixture[str], url: str, *argv: str) -> tuple[int, str, str]:
    code = main(["--database", url, *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_import_twice_then_export(capsys: pytest.CaptureFixture[str], world: World,
                                  db_url: str, tmp_path: Path) -> None:
    source = tmp_path / "in.json"
    source.write_bytes(vics_doc(a_media(1), a_media(2, VictimIdentified="true"),
                                a_media(3, MD5="abc")))
    code, out, err = run(capsys, db_url, "import", "vics", str(source), "--as", "cora")
    assert code == 0, err
    assert out.splitlines()[0] == "3 records: 2 new, 0 already there, 1 skipped (1 listed)"
    assert "skipped: Record 3, field 'MD5'" in out
    assert "Pink wall (new series): 2 new, 0 already there; 1 already marked victim identified" \
        in out
    assert err == ""  # not a terminal: no progress bar
    code, out, _ = run(capsys, db_url, "import", "vics", str(source), "--as", "cora")
    assert out.startswith("3 records: 0 new, 2 already there, 1 skipped")
    target = tmp_path / "out.json"
    code, out, err = run(capsys, db_url, "export", "vics", "--out", str(target),
                         "--series", "Pink wall")
    assert code == 0, err
    assert "Wrote 2 media records of 1 series" in out
    records = list(read_vics(io.BytesIO(target.read_bytes())).records())
    assert {r.md5 for r in records} == {fake_hash(1), fake_hash(2)}


def test_strict_dry_run_and_errors_are_one_line(capsys: pytest.CaptureFixture[str],
                                                world: World, db_url: str,
                                                tmp_path: Path) -> None:
    source = tmp_path / "in.json"
    source.write_bytes(vics_doc(a_media(1), a_media(2, MD5="abc")))
    code, _, err = run(capsys, db_url, "import", "vics", str(source), "--strict", "--as", "cora")
    assert code == 1 and err.count("\n") == 1 and "Strict import refused" in err
    code, out, _ = run(capsys, db_url, "import", "vics", str(source), "--dry-run", "--as", "cora")
    assert code == 0 and "dry run, nothing was saved" in out
    source.write_bytes(b"\x00\x01binary")
    code, _, err = run(capsys, db_url, "import", "vics", str(source), "--as", "cora")
    assert code == 1 and err.startswith("vidtask: Cannot import this file")
    code, _, err = run(capsys, db_url, "import", "hashes", str(source), "--as", "cora")
    assert code == 1 and "--series" in err
    hashes = tmp_path / "h.txt"
    hashes.write_text(fake_hash(9) + "\n")
    code, out, _ = run(capsys, db_url, "import", "hashes", str(hashes), "--series", "List",
                       "--as", "cora")
    assert out.startswith("1 record: 1 new")
