"""SQLite: a database file is made only where the person asked for one.

The default location, `vidtask db create URL` and `vidtask demo` make a file and say so; every
other command given a URL naming a missing file or folder says so in one line and creates
nothing, folders included. Also: the first person becomes admin; later ones are specialists.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from vidtask.cli import main


@pytest.fixture
def home(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """A fresh user: own data/config/log folders, working in an empty folder."""
    for variable, folder in (("XDG_DATA_HOME", "data"), ("XDG_CONFIG_HOME", "config"),
                             ("XDG_STATE_HOME", "state")):
        monkeypatch.setenv(variable, str(tmp_path / folder))
    for variable in ("VIDTASK_DATABASE_URL", "VIDTASK_USER", "VIDTASK_DEBUG"):
        monkeypatch.delenv(variable, raising=False)
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    return tmp_path


def _files(root: Path) -> set[Path]:
    return {p for p in root.rglob("*") if "state" not in p.relative_to(root).parts}


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


COMMANDS = (["series", "list"], ["stats"], ["db", "info"], ["db", "upgrade"],
            ["participant", "list"], ["claim", "S-1", "--as", "anna"], ["timeline", "S-1"])


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c[:2]))
@pytest.mark.parametrize("typo", ["three-slashes", "misspelt-name", "missing-folder"])
def test_a_url_naming_a_missing_file_creates_nothing_and_says_so(
        capsys: pytest.CaptureFixture[str], home: Path, typo: str, command: list[str]) -> None:
    real = home / "shared" / "sprint.sqlite3"
    assert run(capsys, "db", "create", f"sqlite:///{real}")[0] == 0
    url = {"three-slashes": f"sqlite://{real}",  # sqlite:///<home>/…: relative to the cwd
           "misspelt-name": f"sqlite:///{real.with_name('sprint.sqlit3')}",
           "missing-folder": f"sqlite:///{home / 'nonexistent' / 'dir' / 'x.sqlite3'}"}[typo]
    before = _files(home)
    code, out, err = run(capsys, "--database", url, *command)
    assert code == 1 and out == ""
    assert err.startswith("vidtask: No database at ") and err.count("\n") == 1
    assert "create it with `vidtask db create sqlite:////" in err and "check the path" in err
    assert _files(home) == before  # no file, no folder


def test_the_messages_point_at_the_likely_slip(capsys: pytest.CaptureFixture[str],
                                               home: Path) -> None:
    real = home / "shared" / "sprint.sqlite3"
    run(capsys, "db", "create", f"sqlite:///{real}")
    _, _, err = run(capsys, "--database", f"sqlite://{real}", "stats")
    relative = str(real).lstrip("/")
    assert (f"`sqlite:///{relative}` is relative to the current folder; `sqlite:////{relative}` "
            f"with four slashes is {real}") in err
    _, _, err = run(capsys, "--database", f"sqlite:///{real.with_name('sprint.sqlit3')}",
                    "stats")
    assert f"(did you mean {real}?)" in err
    _, _, err = run(capsys, "--database", f"sqlite:///{home}/nonexistent/dir/x.sqlite3", "stats")
    assert f"No database at {home}/nonexistent/dir/x.sqlite3 (no folder {home}/nonexistent " \
           "either)" in err


def test_db_create_makes_the_file_and_its_folders_once(capsys: pytest.CaptureFixture[str],
                                                       home: Path) -> None:
    target = home / "new" / "folder" / "v.sqlite3"
    code, out, _ = run(capsys, "db", "create", f"sqlite:///{target}")
    assert code == 0 and out.startswith(f"Created a new database at {target}.\n")
    assert "becomes its admin" in out
    assert run(capsys, "--database", f"sqlite:///{target}", "participant", "list")[0] == 0
    code, _, err = run(capsys, "db", "create", f"sqlite:///{target}")
    assert code == 1 and f"There is already a file at {target}; nothing was changed" in err


def test_demo_makes_its_file_and_says_so(capsys: pytest.CaptureFixture[str],
                                         home: Path) -> None:
    target = home / "demo" / "d.sqlite3"
    code, _, err = run(capsys, "--database", f"sqlite:///{target}", "demo", "--series", "3",
                         "--quiet")
    assert code == 0, err
    assert err == f"Created a new database at {target}.\n" and target.exists()


def test_the_default_location_is_made_on_first_use_and_said(
        capsys: pytest.CaptureFixture[str], home: Path) -> None:
    default = home / "data" / "vidtask" / "vidtask.sqlite3"
    code, out, err = run(capsys, "participant", "list", "--json")
    assert code == 0 and default.exists() and out == "[]\n"  # stdout stays JSON
    assert err == f"Created a new database at {default}.\n"
    assert run(capsys, "participant", "list", "--json")[2] == ""  # said once


def test_the_first_person_becomes_admin_and_later_ones_are_specialists(
        capsys: pytest.CaptureFixture[str], home: Path) -> None:
    url = f"sqlite:///{home}/p.sqlite3"
    run(capsys, "db", "create", url)
    code, _, err = run(capsys, "--database", url, "participant", "add", "anna", "--name", "A",
                       "--role", "specialist")
    assert code == 1 and "the first person in a database becomes its admin" in err
    code, out, _ = run(capsys, "--database", url, "participant", "add", "anna", "--name", "A")
    assert code == 0 and out == ("Added anna as admin: the first person in a database becomes "
                                 "its admin (nobody else could add people).\n")
    code, _, err = run(capsys, "--database", url, "participant", "add", "bob", "--name", "B")
    assert code == 1 and "say which admin you are with --as ADMIN" in err
    code, out, _ = run(capsys, "--database", url, "participant", "add", "bob", "--name", "B",
                       "--as", "anna")
    assert code == 0 and out == "Added bob (specialist).\n"
    code, out, _ = run(capsys, "--database", url, "participant", "add", "cora", "--name", "C",
                       "--role", "coordinator", "--as", "anna")
    assert out == "Added cora (coordinator).\n"
    code, _, err = run(capsys, "--database", url, "participant", "add", "dan", "--name", "D",
                       "--as", "bob")
    assert code == 1 and "specialist may not" in err


def test_every_rule_is_in_the_help(capsys: pytest.CaptureFixture[str]) -> None:
    from vidtask.services.users import MIN_PASSWORD_LENGTH

    for argv, needles in ((["user", "add"], [f"at least {MIN_PASSWORD_LENGTH} characters",
                                             "maintenance login", "CREATEROLE", "init-roles"]),
                          (["participant", "add"], ["first person", "admin", "--as",
                                                    "specialist"]),
                          (["db", "create"], ["four slashes", "CREATEDB", "refused"]),
                          (["doctor"], ["exit code 1", "creates nothing", "package to install"])):
        with pytest.raises(SystemExit):
            main([*argv, "--help"])
        text = " ".join(capsys.readouterr().out.split())
        for needle in needles:
            assert needle in text, (argv, needle)


def test_nothing_is_created_by_a_read_only_command_at_the_default_location_either_for_db_info(
        capsys: pytest.CaptureFixture[str], home: Path) -> None:
    code, _, err = run(capsys, "db", "info")
    assert code == 1 and "No database at" in err
    assert not (home / "data").exists()
    assert os.listdir(home / "work") == []
