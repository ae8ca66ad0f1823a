"""Narrowing over stored clues: the ranking follows the clues a specialist records."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from tests.worlds.sprint import World
from vidtask.cli import main
from vidtask.db.models import Clue
from vidtask.domain.errors import InvalidInput
from vidtask.services import claims, clues
from vidtask.services.narrowing import clue_effect, narrow_series, series_ranking


def _add(world: World, **fields: object) -> None:
    values: dict[str, object] = {"category": "electrical", "description": "clue"}
    values.update(fields)
    clues.add_clue(world.db, "dmytro", world.series_ids[0],
                   clues.ClueInput(**values))  # type: ignore[arg-type]


def test_each_clue_moves_the_ranking(world: World) -> None:
    claims.claim_series(world.db, "dmytro", world.series_ids[0])
    assert narrow_series(world.db, world.series_ids[0]) == []
    _add(world, category="text", description="Shop sign", kind="script", value="Cyrl")
    first = [c.country for c in narrow_series(world.db, world.series_ids[0], limit=12)]
    assert "UA" in first and "RU" in first
    _add(world, description="Socket", kind="socket", value="F", confidence="high")
    _add(world, category="currency", description="Hryvnia note", kind="currency", value="UAH")
    top = narrow_series(world.db, world.series_ids[0], limit=3)
    assert top[0].country == "UA"
    explanations = " ".join(r.explanation for r in top[0].supporting)
    assert "UAH" in explanations and "Type F" in explanations


def test_mistyped_structured_value_is_refused_before_saving(world: World) -> None:
    claims.claim_series(world.db, "dmytro", world.series_ids[0])
    with pytest.raises(InvalidInput, match="no country matches script 'Cyrilic'"):
        _add(world, kind="script", value="Cyrilic")


def test_words_are_stored_as_codes_and_a_value_needs_a_kind(world: World) -> None:
    claims.claim_series(world.db, "dmytro", world.series_ids[0])
    values, notes = clues.interpret_clue(clues.ClueInput(
        "electrical", "Wall socket", kind="socket", value="schuko", supports=["UK"]))
    assert (values["value"], values["supports"]) == ("F", ["GB"])
    assert notes == ["read 'schuko' as socket type F (Schuko)",
                     "read 'UK' as GB (United Kingdom)"]
    _add(world, description="Wall socket", kind="socket", value="schuko")
    with world.db.read() as session:  # packets read db.models.Clue rows
        (row,) = session.scalars(select(Clue).where(Clue.series_id == world.series_ids[0]))
        assert row.value == "F"
        assert clue_effect(row, "DE").stance == "supports"
        assert clue_effect(row, "GB").stance == "excludes"
        effect = clue_effect(row, "DE")
    assert [r.explanation for r in effect.reasons] == [
        "Type F (Schuko) sockets are used in Germany"]
    ranking = series_ranking(world.db, world.series_ids[0])
    assert ranking.candidate("DE").reasons == list(effect.reasons)  # type: ignore[union-attr]
    with pytest.raises(InvalidInput, match=r"a value needs a kind.*'de' is language German"):
        _add(world, kind="none", value="de")
    with pytest.raises(InvalidInput, match="'schuko' is socket type F"):
        _add(world, kind="script", value="schuko")


def test_cli_narrow_prints_the_same_ranking(world: World, db_url: str,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    claims.claim_series(world.db, "dmytro", world.series_ids[0])
    _add(world, description="Type G socket", kind="socket", value="G", confidence="high")
    _add(world, category="vehicle", description="Cars keep left", kind="driving_side",
         value="left")
    assert main(["--database", db_url, "narrow", "S-001", "--json", "--limit", "300"]) == 0
    printed = json.loads(capsys.readouterr().out)
    best = printed[0]["score"]
    leaders = {c["country"] for c in printed if c["score"] == best}
    assert {"GB", "IE", "MT", "CY"} <= leaders  # many type-G, left-hand countries tie
    (france,) = [c for c in printed if c["country"] == "FR"]
    assert france["score"] < best - 8
    assert main(["--database", db_url, "narrow", "S-001", "--limit", "300"]) == 0
    text = capsys.readouterr().out
    assert "Type G (BS 1363) sockets are used in United Kingdom" in text


def test_demo_series_with_structured_clues_rank_their_confirmed_country_first(
        db_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--database", db_url, "demo", "--series", "40", "--quiet"]) == 0
    capsys.readouterr()
    assert main(["--database", db_url, "series", "list", "--json", "--status",
                 "confirmed"]) == 0
    confirmed = json.loads(capsys.readouterr().out)
    assert confirmed
    hits = 0
    for row in confirmed:
        assert main(["--database", db_url, "narrow", row["code"], "--json"]) == 0
        ranked = json.loads(capsys.readouterr().out)
        assert ranked, f"{row['code']} has clues but no ranking"
        hits += ranked[0]["country"] == row["top_country"]
    assert hits >= len(confirmed) * 0.8
