"""The command line: whole user journeys through `vidtask.cli.main`, on both backends."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest

from vidtask.cli import main


def run(capsys: pytest.CaptureFixture[str], url: str, *argv: str) -> tuple[int, str, str]:
    code = main(["--database", url, *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_demo_then_stats_gives_consistent_numbers(capsys: pytest.CaptureFixture[str],
                                                  db_url: str) -> None:
    code, out, _ = run(capsys, db_url, "demo", "--series", "40", "--seed", "3", "--quiet")
    assert code == 0, out
    assert "40 series" in out
    _, out, _ = run(capsys, db_url, "stats", "--json")
    stats = json.loads(out)
    assert stats["series_total"] == 40
    assert sum(stats["by_status"].values()) == 40
    assert stats["confirmed"] == sum(stats["confirmed_per_country"].values())
    assert stats["assessed"] >= stats["with_likely_country"] >= stats["confirmed"] > 0
    code, out, _ = run(capsys, db_url, "series", "list", "--json", "--status", "confirmed")
    rows = json.loads(out)
    assert len(rows) == stats["by_status"]["confirmed"]
    assert all(row["top_country"] for row in rows)


def test_demo_is_deterministic_for_a_seed(capsys: pytest.CaptureFixture[str], tmp_path) -> None:
    outputs = []
    for name in ("a", "b"):
        url = f"sqlite:///{tmp_path / name}.sqlite3"
        assert run(capsys, url, "demo", "--series", "15", "--seed", "11", "--quiet")[0] == 0
        _, out, _ = run(capsys, url, "series", "list", "--json")
        outputs.append([(r["code"], r["alias"], r["status"], r["top_country"], r["clue_count"])
                        for r in json.loads(out)])
    assert outputs[0] == outputs[1]


def test_specialist_journey(capsys: pytest.CaptureFixture[str], db_url: str) -> None:
    assert run(capsys, db_url, "participant", "add", "admin", "--name", "Ada", "--role",
               "admin")[0] == 0
    for login, role in (("anna", "specialist"), ("cora", "coordinator")):
        code, _, err = run(capsys, db_url, "participant", "add", login, "--name", login.title(),
                           "--role", role, "--as", "admin", "--country", "DE")
        assert code == 0, err
    assert run(capsys, db_url, "sprint", "create", "June", "--start", "2026-06-01", "--end",
               "2026-06-12", "--as", "admin")[0] == 0
    from vidtask.db.engine import Database
    from vidtask.services.series import NewSeries, create_series
    from vidtask.services.sprints import find_sprint

    db = Database(db_url)
    create_series(db, "admin", find_sprint(db).id, [NewSeries("PINK-1", "Pink wall")])
    db.dispose()
    code, out, _ = run(capsys, db_url, "claim", "PINK-1", "--as", "anna")
    assert code == 0 and "Claimed PINK-1" in out
    assert not re.search(r"\d{4}-\d{2}-\d{2}", out)  # the app's one date format, not ISO
    code, out, err = run(capsys, db_url, "clue", "add", "PINK-1", "--as", "anna", "--category",
                         "electrical", "--description", "Type F socket", "--kind", "socket",
                         "--value", "F", "--supports", "DE,AT", "--confidence", "high")
    assert code == 0, err
    code, _, err = run(capsys, db_url, "assess", "PINK-1", "--as", "anna", "--candidate",
                       "DE:70:socket and language", "--candidate", "AT:20")
    assert code == 0, err
    assert run(capsys, db_url, "propose", "PINK-1", "--as", "anna")[0] == 0
    assert run(capsys, db_url, "confirm", "PINK-1", "--as", "cora", "--country", "DE")[0] == 0
    code, out, _ = run(capsys, db_url, "series", "show", "PINK-1", "--json")
    detail = json.loads(out)
    assert detail["status"] == "confirmed"
    assert [e["action"] for e in detail["timeline"]][-5:] == [
        "claim.taken", "clue.added", "assessment.ranked", "series.proposed", "series.confirmed"]
    # for a person: what happened in words, when in the app's date format
    code, out, _ = run(capsys, db_url, "timeline", "PINK-1")
    lines = out.splitlines()
    assert code == 0 and lines[-5].endswith("claimed the series")
    assert "claim.taken" not in out and not re.search(r"\d{4}-\d{2}-\d{2}", out)


@pytest.mark.parametrize("argv, message", [
    (["claim", "NOPE", "--as", "anna"], "No sprint"),
    (["series", "show", "X"], "No sprint"),
    (["assess", "X", "--candidate", "DE:lots", "--as", "a"], "COUNTRY:CONFIDENCE"),
    (["sprint", "create", "S", "--start", "2026-13-01", "--end", "2026-06-01", "--as", "a"],
     "YYYY-MM-DD"),
])
def test_bad_input_gives_one_line_and_nonzero_exit(capsys: pytest.CaptureFixture[str],
                                                   tmp_path, argv: list[str],
                                                   message: str) -> None:
    url = f"sqlite:///{tmp_path}/e.sqlite3"
    assert main(["db", "create", url]) == 0
    capsys.readouterr()
    code = main(["--database", url, *argv])
    err = capsys.readouterr().err
    assert code != 0
    assert message in err
    assert err.count("\n") == 1 and "Traceback" not in err


def test_unsupported_database_url_is_refused_clearly(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["db", "info", "--database", "mysql://x/y"])
    assert code == 1
    assert "Unsupported database 'mysql'" in capsys.readouterr().err


def test_cli_commands_do_not_import_qt(tmp_path) -> None:
    script = ("import sys; from vidtask.cli import main; "
              f"main(['db', 'info', '--database', 'sqlite:///{tmp_path}/q.sqlite3']); "
              "print('PySide6' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            check=True)
    assert result.stdout.strip().endswith("False")
