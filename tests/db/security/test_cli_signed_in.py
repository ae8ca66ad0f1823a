"""PostgreSQL on the command line: the signed-in login is who acts.

Personal logins need no `--as` (a contradicting one is refused, and so is `$VIDTASK_USER`); a
login without a participant row is told which admin command adds it; the maintenance login
acts for somebody only with `--as`, and otherwise says so.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select, text

from tests.worlds.room import Room
from vidtask.cli import main
from vidtask.db.models import Event
from vidtask.db.roles import create_login
from vidtask.domain.enums import Role
from vidtask.domain.wording import event_action


@pytest.fixture(autouse=True)
def fresh_user(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for variable, folder in (("XDG_DATA_HOME", "data"), ("XDG_CONFIG_HOME", "config"),
                             ("XDG_STATE_HOME", "state")):
        monkeypatch.setenv(variable, str(tmp_path / folder))
    for variable in ("VIDTASK_DATABASE_URL", "VIDTASK_USER"):
        monkeypatch.delenv(variable, raising=False)


def url_of(room: Room, short: str) -> str:
    return room.db(short).url.render_as_string(hide_password=False)


def owner_url(room: Room) -> str:
    return room.owner.url.render_as_string(hide_password=False)


def run(capsys: pytest.CaptureFixture[str], url: str, *argv: str) -> tuple[int, str, str]:
    code = main(["--database", url, *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_three_personal_logins_work_with_no_as(capsys: pytest.CaptureFixture[str],
                                               room: Room) -> None:
    for short, series in (("anna", "S-001"), ("bert", "S-002"), ("cora", "S-003")):
        code, out, err = run(capsys, url_of(room, short), "claim", series)
        assert code == 0, err
        assert out.startswith(f"Claimed {series} until ")
    code, out, _ = run(capsys, url_of(room, "anna"), "series", "list", "--mine", "--json")
    assert code == 0 and '"S-001"' in out and '"S-002"' not in out
    with room.owner.read() as session:
        actors = session.scalars(select(Event.actor_login).where(
            Event.action == "claim.taken").order_by(Event.version)).all()
    assert actors == [room.login("anna"), room.login("bert"), room.login("cora")]


def test_a_contradicting_as_or_vidtask_user_is_refused(capsys: pytest.CaptureFixture[str],
                                                       room: Room,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    anna, bert = room.login("anna"), room.login("bert")
    code, _, err = run(capsys, url_of(room, "anna"), "claim", "S-001", "--as", bert)
    assert code == 1 and err == (
        f"vidtask: you are signed in to the database as {anna}, and on PostgreSQL your login "
        f"says who you are: --as {bert} contradicts it (leave --as out)\n")
    assert run(capsys, url_of(room, "anna"), "claim", "S-001", "--as", anna)[0] == 0  # agrees
    monkeypatch.setenv("VIDTASK_USER", bert)
    code, _, err = run(capsys, url_of(room, "anna"), "release", "S-001")
    assert code == 1 and f"VIDTASK_USER {bert} contradicts it" in err


def test_a_login_without_a_participant_row_is_told_the_admin_command(
        capsys: pytest.CaptureFixture[str], room: Room) -> None:
    ghost = f"ghost_{room.login('anna').removeprefix('anna_')}"
    with room.owner.engine.begin() as connection:
        create_login(connection, ghost, "not-used-with-trust-auth", Role.SPECIALIST)
    try:
        url = room.db("anna").url.set(username=ghost).render_as_string(hide_password=False)
        code, _, err = run(capsys, url, "claim", "S-001")
        assert code == 1 and err == (
            f"vidtask: the database login {ghost} is not a participant of this sprint database "
            f"yet; an admin adds it with `vidtask participant add {ghost} --name \"FULL NAME\" "
            "--role ROLE --agency AGENCY`\n")
        assert run(capsys, url, "series", "list")[0] == 0  # reading needs nobody
    finally:
        with room.owner.engine.begin() as connection:
            connection.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                                    "WHERE usename = :u"), {"u": ghost})
            connection.execute(text(f'DROP ROLE IF EXISTS "{ghost}"'))


def test_the_maintenance_login_acts_for_somebody_only_with_as(
        capsys: pytest.CaptureFixture[str], room: Room) -> None:
    code, _, err = run(capsys, owner_url(room), "claim", "S-001")
    assert code == 1 and "is the maintenance login (it owns the tables), not a person" in err
    assert "--as LOGIN" in err
    code, _, err = run(capsys, owner_url(room), "claim", "S-001", "--as", "postgres")
    assert code == 1 and "maintenance login" in err  # not "No participant postgres"
    code, _, err = run(capsys, owner_url(room), "claim", "S-001", "--as", room.login("bert"))
    assert code == 0, err
    with room.owner.read() as session:
        actor = session.scalars(select(Event.actor_login).where(
            Event.action == "claim.taken")).one()
    assert actor == room.login("bert")


def test_the_maintenance_login_adds_people_without_as(capsys: pytest.CaptureFixture[str],
                                                      room: Room) -> None:
    code, out, err = run(capsys, owner_url(room), "participant", "add", "zed.x", "--name", "Zed")
    assert code == 0, err
    assert out == "Added zed.x (specialist).\n"
    code, _, err = run(capsys, url_of(room, "cora"), "participant", "add", "yan.y",
                       "--name", "Yan")
    assert code == 1 and "may not" in err


def test_db_info_says_who_you_are_signed_in_as(capsys: pytest.CaptureFixture[str],
                                               room: Room) -> None:
    code, out, _ = run(capsys, url_of(room, "cora"), "db", "info")
    assert code == 0 and f"signed in as     {room.login('cora')} (coordinator)" in out
    _, out, _ = run(capsys, owner_url(room), "db", "info")
    assert "(the maintenance login: table owner or superuser)" in out


def test_what_the_maintenance_login_entered_for_somebody_says_so(
        capsys: pytest.CaptureFixture[str], room: Room) -> None:
    from vidtask.db.models import Series
    from vidtask.services.packet_content import read_packet_series
    from vidtask.services.series_detail import series_timeline

    bert, anna = room.login("bert"), room.login("anna")
    assert run(capsys, owner_url(room), "claim", "S-001", "--as", bert)[0] == 0
    assert run(capsys, url_of(room, "anna"), "claim", "S-002")[0] == 0
    claimed_words = event_action("claim.taken")  # "claimed the series", as a person reads it
    code, out, _ = run(capsys, url_of(room, "anna"), "timeline", "S-001")
    claim_line = next(line for line in out.splitlines() if line.endswith(claimed_words))
    assert code == 0 and f"{bert} (entered by postgres)" in claim_line
    _, out, _ = run(capsys, url_of(room, "anna"), "timeline", "S-002")
    claim_line = next(line for line in out.splitlines() if line.endswith(claimed_words))
    assert anna in claim_line and "entered by" not in claim_line
    [claimed] = [e for e in series_timeline(room.owner, room.series_ids[0])
                 if e.action == "claim.taken"]
    assert (claimed.actor, claimed.entered_by, claimed.who) == (
        bert, "postgres", f"{bert} (entered by postgres)")
    code, out, _ = run(capsys, url_of(room, "anna"), "series", "show", "S-001", "--json")
    assert '"entered_by": "postgres"' in out
    with room.owner.read() as session:
        rows = [session.get(Series, room.series_ids[0]), session.get(Series, room.series_ids[1])]
        sections, _ = read_packet_series(session, [r for r in rows if r is not None], "DE",
                                          include_h2=False)
    steps = {s.code: s.audit for s in sections}
    assert [(a.step, a.who_text) for a in steps["S-001"]] == [
        ("claimed", "Bert (entered by postgres)")]
    assert [(a.step, a.who_text) for a in steps["S-002"]] == [("claimed", "Anna")]
