"""`vidtask narrow`, `clue add` and `assess` as a specialist types them: ties, every reason,
counts that add up, words read into codes, and a ranking that contradicts the clues questioned."""

from __future__ import annotations

import re

import pytest

from tests.worlds.sprint import World
from vidtask.cli import main
from vidtask.services import claims


def _run(db_url: str, capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    code = main(["--database", db_url, *argv])
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def _clue(db_url: str, capsys: pytest.CaptureFixture[str], *fields: str) -> str:
    code, out = _run(db_url, capsys, "clue", "add", "S-001", "--as", "dmytro", *fields)
    assert code == 0, out
    return out


def test_narrow_shows_ties_every_reason_and_counts_that_add_up(
        world: World, db_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    claims.claim_series(world.db, "dmytro", world.series_ids[0])
    out = _clue(db_url, capsys, "--category", "text", "--description", "Leaflet",
                "--kind", "language", "--value", "eng")
    assert "Note: read 'eng' as language English (en)." in out
    _clue(db_url, capsys, "--category", "electrical", "--description", "Socket",
          "--kind", "socket", "--value", "BS 1363")
    _clue(db_url, capsys, "--category", "vehicle", "--description", "Cars", "--kind",
          "driving_side", "--value", "LHT")
    _clue(db_url, capsys, "--category", "currency", "--description", "Coins", "--kind",
          "currency", "--value", "British pound")
    code, out = _run(db_url, capsys, "narrow", "S-001", "--limit", "6", "--reasons", "2")
    assert code == 0
    assert "=1: United Kingdom and 3 territories share this evidence" in out
    assert "A clue of language (Welsh" in out
    assert re.search(r"=1 GB  United Kingdom .*population 65\.8 million: the prior", out)
    assert "… +2 more (+2.0 together; --all prints them)" in out
    counts = re.search(r"(\d+) listed, (\d+) more possible.*, (\d+) ruled out \(of (\d+) ", out)
    assert counts is not None
    listed, possible, ruled_out, total = map(int, counts.groups())
    assert listed + possible + ruled_out == total
    code, out = _run(db_url, capsys, "narrow", "S-001", "--limit", "1", "--all")
    assert len(re.findall(r"^        [+-] .*clue \d+: ", out, re.M)) == 4  # all its reasons

    code, out = _run(db_url, capsys, "series", "show", "S-001")
    assert "[Socket: type G (BS 1363)]" in out and "[Language of visible text: English (en)]" in out


def test_clue_errors_say_what_the_word_is(world: World, db_url: str,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    claims.claim_series(world.db, "dmytro", world.series_ids[0])
    base = ("clue", "add", "S-001", "--as", "dmytro", "--category", "text", "--description", "x")
    code, out = _run(db_url, capsys, *base, "--value", "de")
    assert code != 0
    assert "--value needs --kind" in out and "--kind language --value de" in out
    code, out = _run(db_url, capsys, *base, "--kind", "script", "--value", "schuko")
    assert code != 0 and "'schuko' is socket type F (Schuko)" in out
    code, out = _run(db_url, capsys, *base, "--kind", "script", "--value", "Cyrilic")
    assert code != 0 and "did you mean Cyrillic (Cyrl)?" in out
    code, out = _run(db_url, capsys, *base, "--supports", "UK")
    assert code == 0 and "read 'UK' as GB (United Kingdom)" in out


def test_assess_says_what_it_assumed_and_questions_an_excluded_candidate(
        world: World, db_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    claims.claim_series(world.db, "dmytro", world.series_ids[0])
    _clue(db_url, capsys, "--category", "currency", "--description", "Hryvnia note",
          "--kind", "currency", "--value", "UAH")
    _clue(db_url, capsys, "--category", "tv_radio", "--description", "Channel not in BY",
          "--excludes", "BY")
    code, out = _run(db_url, capsys, "assess", "S-001", "--as", "dmytro",
                     "--candidate", "UA", "--candidate", "BY:25")
    assert code != 0
    assert "Belarus is ranked 2nd but the clues rule it out" in out
    assert "Nothing was saved; add --yes" in out
    code, out = _run(db_url, capsys, "assess", "S-001", "--as", "dmytro",
                     "--candidate", "UA", "--candidate", "BY:25", "--yes")
    assert code == 0
    assert "Note: UA: no confidence given, recorded 50 %" in out
    assert "Warning: Belarus is ranked 2nd" in out
    code, out = _run(db_url, capsys, "assess", "S-001", "--as", "dmytro",
                     "--candidate", "ukraine:80")
    assert code == 0 and "Note: read 'ukraine' as UA (Ukraine)." in out
