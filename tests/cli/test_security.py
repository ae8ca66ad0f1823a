"""`vidtask db init-roles` and `vidtask user add`: logins with prompted passwords."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from vidtask.cli import main
from vidtask.db.engine import Database


def run(capsys: pytest.CaptureFixture[str], url: str, *argv: str) -> tuple[int, str, str]:
    code = main(["--database", url, *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_user_add_refuses_a_non_terminal_without_password_stdin(
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
        tmp_path: object) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("secret-in-a-pipe\n"))
    code, _, err = run(capsys, f"sqlite:///{tmp_path}/v.sqlite3", "user", "add", "anna",
                       "--role", "specialist", "--agency", "BKA", "--country", "DE")
    assert code == 1
    assert err.strip() == ("vidtask: stdin is not a terminal: type the password at a terminal, "
                           "or pass it on stdin with --password-stdin")


def test_user_add_and_init_roles_need_postgresql(capsys: pytest.CaptureFixture[str],
                                                 monkeypatch: pytest.MonkeyPatch,
                                                 tmp_path: object) -> None:
    url = f"sqlite:///{tmp_path}/v.sqlite3"
    assert main(["db", "create", url]) == 0
    monkeypatch.setattr("sys.stdin", io.StringIO("a-long-enough-password\n"))
    code, _, err = run(capsys, url, "user", "add", "anna", "--role", "specialist",
                       "--agency", "BKA", "--country", "DE", "--password-stdin")
    assert code == 1 and "needs PostgreSQL" in err and "trusts everyone" in err
    code, _, err = run(capsys, url, "db", "init-roles")
    assert code == 1 and "needs PostgreSQL" in err


def test_init_roles_then_user_add_creates_a_scram_login_in_its_group(
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
        postgres_url: str) -> None:
    suffix = make_url(postgres_url).database.removeprefix("vidtask_test_")  # type: ignore[union-attr]
    login = f"cli_{suffix}"
    owner = Database(postgres_url)
    with owner.engine.begin() as connection:
        connection.execute(text("TRUNCATE participants RESTART IDENTITY CASCADE"))
    try:
        assert run(capsys, postgres_url, "db", "init-roles")[0] == 0
        assert run(capsys, postgres_url, "db", "init-roles")[0] == 0  # idempotent
        monkeypatch.setattr("sys.stdin", io.StringIO("a-long-enough-password\n"))
        code, out, err = run(capsys, postgres_url, "user", "add", login, "--role",
                             "coordinator", "--agency", "BKA", "--country", "DE",
                             "--name", "Kim Koordinator", "--password-stdin")
        assert code == 0, err
        assert out.strip() == f"Added database login {login} (coordinator, BKA)."
        with owner.engine.connect() as connection:
            password, groups = connection.execute(text(
                "SELECT a.rolpassword, array(SELECT g.rolname FROM pg_auth_members m "
                "JOIN pg_roles g ON g.oid = m.roleid WHERE m.member = a.oid) "
                "FROM pg_authid a WHERE a.rolname = :l"), {"l": login}).one()
            assert password.startswith("SCRAM-SHA-256$")
            assert groups == ["vidtask_coordinator"]
            assert connection.execute(text("SELECT role FROM participants WHERE login = :l"),
                                      {"l": login}).scalar() == "coordinator"
        monkeypatch.setattr("sys.stdin", io.StringIO("a-long-enough-password\n"))
        code, _, err = run(capsys, postgres_url, "user", "add", login, "--role", "specialist",
                           "--agency", "BKA", "--country", "DE", "--password-stdin",
                           "--as", login)
        assert code == 1 and "already" in err
    finally:
        with owner.engine.begin() as connection:
            connection.execute(text(f'DROP ROLE IF EXISTS "{login}"'))
            connection.execute(text("TRUNCATE participants RESTART IDENTITY CASCADE"))
        owner.dispose()
