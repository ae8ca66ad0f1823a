"""What a person sees when a command fails: one line, never a password, a log for bugs."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from vidtask.cli import main


@pytest.fixture
def log_dir(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))  # platformdirs' log dir
    monkeypatch.delenv("VIDTASK_DEBUG", raising=False)
    return tmp_path / "state" / "vidtask" / "log"


@pytest.fixture
def broken_stats(monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(args: argparse.Namespace) -> int:
        raise TypeError("unsupported operand type(s) for +: 'int' and 'str'\nsecond line")

    monkeypatch.setattr("vidtask.cli.stats.cmd_stats", boom)


def test_a_bug_gives_one_line_naming_the_log_file_and_exit_1(
        capsys: pytest.CaptureFixture[str], log_dir: Path, broken_stats: None) -> None:
    code = main(["stats", "--database", "postgresql://anna:s3cret@nowhere/x"])
    err = capsys.readouterr().err
    log_file = log_dir / "vidtask.log"
    assert code == 1
    assert err == ("vidtask: unexpected error (TypeError): unsupported operand type(s) for +: "
                   f"'int' and 'str'; details in {log_file}\n")
    logged = log_file.read_text(encoding="utf-8")
    assert "Traceback" in logged and "TypeError" in logged and "`vidtask stats`" in logged


def test_an_unwritable_log_still_gives_one_line(capsys: pytest.CaptureFixture[str],
                                               monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                               broken_stats: None) -> None:
    blocker = tmp_path / "state"
    blocker.write_text("a file where the log folder should be")
    monkeypatch.setenv("XDG_STATE_HOME", str(blocker))
    assert main(["stats"]) == 1
    assert capsys.readouterr().err == (
        "vidtask: unexpected error (TypeError): unsupported operand type(s) for +: 'int' and "
        "'str'; run again with --debug for details\n")


def test_a_successful_command_writes_no_log(capsys: pytest.CaptureFixture[str], log_dir: Path,
                                            tmp_path: Path) -> None:
    assert main(["db", "create", f"sqlite:///{tmp_path}/ok.sqlite3"]) == 0
    assert main(["sprint", "list", "--database", f"sqlite:///{tmp_path}/ok.sqlite3"]) == 0
    assert not log_dir.parent.exists()


@pytest.mark.parametrize("how", ["option", "environment"])
def test_debug_prints_the_traceback_instead(capsys: pytest.CaptureFixture[str], log_dir: Path,
                                            broken_stats: None, monkeypatch: pytest.MonkeyPatch,
                                            how: str) -> None:
    argv = ["stats"]
    if how == "option":
        argv.insert(0, "--debug")
    else:
        monkeypatch.setenv("VIDTASK_DEBUG", "1")
    assert main(argv) == 1
    err = capsys.readouterr().err
    assert err.startswith("Traceback (most recent call last):")
    assert "in boom" in err and err.rstrip().endswith("second line")


def test_expected_failures_stay_one_line_without_a_log(capsys: pytest.CaptureFixture[str],
                                                      log_dir: Path, tmp_path: Path) -> None:
    assert main(["db", "create", f"sqlite:///{tmp_path}/e.sqlite3"]) == 0
    capsys.readouterr()
    assert main(["series", "show", "X", "--database", f"sqlite:///{tmp_path}/e.sqlite3"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "No sprint" in err and "unexpected" not in err
    assert not (log_dir / "vidtask.log").exists()


def test_argparse_errors_are_unchanged(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["claim"])
    assert exit_.value.code == 2
    assert "the following arguments are required: SERIES" in capsys.readouterr().err


def test_a_malformed_url_is_echoed_without_its_password(
        capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["db", "info", "--database", "postgres ql://anna:s3cret@db/vidtask"])
    err = capsys.readouterr().err
    assert code == 1
    assert err == "vidtask: Not a database URL: 'postgres ql://anna:***@db/vidtask'\n"


def test_a_password_in_an_unexpected_error_is_masked_on_screen_and_in_the_log(
        capsys: pytest.CaptureFixture[str], log_dir: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    def leak(args: argparse.Namespace) -> int:
        raise RuntimeError("cannot reach postgresql://anna:s3cret@db/vidtask")

    monkeypatch.setattr("vidtask.cli.stats.cmd_stats", leak)
    assert main(["stats"]) == 1
    assert "s3cret" not in capsys.readouterr().err
    assert "s3cret" not in (log_dir / "vidtask.log").read_text(encoding="utf-8")
