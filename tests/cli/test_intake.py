"""`vidtask import` / `vidtask export` from the command line, on both backends."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from tests.worlds.sprint import World
from tests.worlds.vics import a_media, fake_hash, vics_doc
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


def test_a_file_nothing_of_which_can_be_placed_exits_1(
        capsys: pytest.CaptureFixture[str], world: World, db_url: str, tmp_path: Path) -> None:
    """A Project VIC distribution names no series: one sentence, exit 1, nothing saved."""
    source = tmp_path / "distribution.json"
    source.write_bytes(vics_doc(a_media(1, Series=None), a_media(2, Series=None),
                                region="Default"))
    code, out, err = run(capsys, db_url, "import", "vics", str(source), "--as", "cora")
    assert code == 1
    assert "This file names no series: give --series NAME" in out + err
    code, out, err = run(capsys, db_url, "import", "vics", str(source), "--as", "cora",
                         "--series", "Project VIC excerpt")
    assert code == 0, err
    assert out.startswith("2 records: 2 new")


def test_export_region_and_iped_header(capsys: pytest.CaptureFixture[str], world: World,
                                       db_url: str, tmp_path: Path) -> None:
    source = tmp_path / "uk.json"
    source.write_bytes(vics_doc(a_media(1, Category=1), region="UK"))
    assert run(capsys, db_url, "import", "vics", str(source), "--as", "cora")[0] == 0
    target = tmp_path / "iped.json"
    code, _, err = run(capsys, db_url, "export", "vics", "--out", str(target),
                         "--series", "Pink wall", "--iped", "--hash-case", "upper")
    assert code == 0, err
    data = target.read_bytes()
    assert data.startswith(b'{"@odata.context":"http://github.com/VICSDATAMODEL/ProjectVic/'
                           b'DataModels/2.0.xml/Default/$metadata#Media","value":[')
    (record,) = read_vics(io.BytesIO(data))
    assert (record.category_code, record.category_scheme) == (1, "VICS-Default")  # UK A → 1
    assert fake_hash(1).upper().encode() in data
