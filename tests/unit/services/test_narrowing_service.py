"""Narrowing over stored clues: the ranking follows the clues a specialist records."""

from __future__ import annotations

import json

import pytest

from tests.conftest import World
from vidtask.cli import main
from vidtask.domain.errors import InvalidInput
from vidtask.services import claims, clues
from vidtask.services.narrowing import narrow_series


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
    assert "UAH" in explanations and "type F" in explanations


def test_mistyped_structured_value_is_refused_before_saving(world: World) -> None:
    claims.claim_series(world.db, "dmytro", world.series_ids[0])
    with pytest.raises(InvalidInput, match="no country matches script 'Cyrilic'"):
        _add(world, kind="script", value="Cyrilic")


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
    assert "type G sockets are used in GB" in text


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
