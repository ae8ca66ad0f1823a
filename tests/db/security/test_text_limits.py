"""Length limits, NUL and out-of-range numbers: the same one sentence on SQLite and PostgreSQL,
from the service and (for raw SQL) from the database's CHECK constraints (issue 12)."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from tests.worlds.sprint import World
from vidtask.cli import main
from vidtask.db.models import Base
from vidtask.domain.errors import InvalidInput, NotFound, VidtaskError
from vidtask.domain.limits import ALL_TEXT_LIMITS, TextLimit
from vidtask.services import assessments, claims, clues, feedback, participants, review, sprints
from vidtask.services.series import NewSeries, create_series, series_id_by_code
from vidtask.services.tx import write_tx

LIMITS = {f"{limit.table}.{limit.column}": limit for limit in ALL_TEXT_LIMITS}


def _constraints(world: World) -> dict[str, str]:
    """Every CHECK constraint's name and definition, as the database holds them."""
    with world.db.engine.connect() as connection:
        if world.db.is_postgresql:
            return dict(connection.execute(text(
                "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                "WHERE contype = 'c'")).all())
        found: dict[str, str] = {}
        for (sql,) in connection.execute(text("SELECT sql FROM sqlite_master "
                                              "WHERE type = 'table'")):
            for part in (sql or "").split("CONSTRAINT ")[1:]:
                name, _, rest = part.partition(" ")
                found[name] = rest
        return found


def test_every_text_limit_is_a_check_constraint_in_the_database_and_the_model(
        world: World) -> None:
    held = _constraints(world)
    for limit in ALL_TEXT_LIMITS:
        definition = held.get(limit.full_name, "")
        assert limit.column in definition and str(limit.max_chars) in definition, limit
        model = {c.name for c in Base.metadata.tables[limit.table].constraints}
        assert limit.full_name in model, limit


def _with_a_row_in_every_table(world: World) -> None:
    s1, s2 = world.series_ids[:2]
    claims.claim_series(world.db, "anna", s1)
    clue_id, _ = clues.add_clue(world.db, "anna", s1, clues.ClueInput(category="toy",
                                                                      description="a toy"))
    assessments.set_candidates(world.db, "anna", s1, [assessments.CandidateInput("DE", 50)])
    from vidtask.services.comments import add_comment
    add_comment(world.db, "bert", s1, "nice")
    feedback.record_feedback(world.db, "cora", s1, "DE", victim_identified=True)
    with write_tx(world.db, "admin") as tx:
        tx.session.execute(text(
            "INSERT INTO series_links (series_a_id, series_b_id, reason, created_at) "
            "VALUES (:a, :b, 'same hash', :now)"), {"a": s1, "b": s2, "now": tx.now})
        appeal = tx.session.execute(text(
            "INSERT INTO appeal_objects (series_id, clue_id, public_id, object_type, question, "
            "region_hint, crop_image, crop_mime, crop_width, crop_height, status, "
            "outcome_note, withdrawn_reason, created_by_id, created_at, updated_at, version) "
            "VALUES (:s, :c, 'G1', 'bottle', 'where?', '', :img, 'image/png', 1, 1, 'draft', "
            "'', '', :me, :now, :now, 1) RETURNING id"),
            {"s": s1, "c": clue_id, "img": b"png", "me": tx.actor.id if tx.actor else None,
             "now": tx.now}).scalar_one()
        tip = tx.session.execute(text(
            "INSERT INTO tips (appeal_object_id, received_at, channel, source, text, text_key, "
            "fingerprint, suggested_place, status) VALUES (:a, :now, 'web form', '', 'RU', "
            "'k', 'f', '', 'new') RETURNING id"), {"a": appeal, "now": tx.now}).scalar_one()
        tx.session.execute(text("INSERT INTO tip_contacts (tip_id, contact) VALUES (:t, 'x')"),
                           {"t": tip})


@pytest.mark.parametrize("column", sorted(LIMITS))
def test_raw_over_long_text_is_refused_by_the_database_in_one_sentence(
        world: World, column: str) -> None:
    limit: TextLimit = LIMITS[column]
    _with_a_row_in_every_table(world)
    with pytest.raises(VidtaskError) as caught, write_tx(world.db, "admin") as tx:
        tx.session.execute(text(f"UPDATE {limit.table} SET {limit.column} = :v"),
                           {"v": "x" * (limit.max_chars + 1)})
    message = str(caught.value)
    assert message.endswith(f"is longer than {limit.max_chars:,} characters")
    # CHECK constraints name the field; PostgreSQL's VARCHAR(n) refuses before the CHECK
    # runs and does not say which column, so that sentence says "text".
    assert message.split(":", maxsplit=1)[0] in {limit.field, "text"}
    if world.db.is_postgresql is False or limit.max_chars >= 2_000:
        assert message.split(":", maxsplit=1)[0] == limit.field


LONG = "x" * 10_001


@pytest.mark.parametrize(("action", "sentence"), [
    ("send back", "comment: is longer than 10,000 characters"),
    ("eliminate", "reason: is longer than 2,000 characters"),
    ("rationale", "rationale: is longer than 2,000 characters"),
    ("feedback", "feedback text: is longer than 10,000 characters"),
    ("force release", "reason: is longer than 2,000 characters"),
])
def test_review_texts_have_limits(world: World, action: str, sentence: str) -> None:
    s1 = world.series_ids[0]
    claims.claim_series(world.db, "anna", s1)
    assessments.set_candidates(world.db, "anna", s1, [assessments.CandidateInput("DE", 50)])
    calls = {
        "send back": lambda: review.send_back(world.db, "cora", s1, LONG),
        "eliminate": lambda: review.eliminate(world.db, "cora", s1, LONG),
        "rationale": lambda: assessments.set_candidates(
            world.db, "anna", s1, [assessments.CandidateInput("DE", 50, LONG)]),
        "feedback": lambda: feedback.record_feedback(world.db, "cora", s1, "DE", text=LONG),
        "force release": lambda: claims.force_release(world.db, "cora", s1, LONG),
    }
    with pytest.raises(InvalidInput) as caught:
        calls[action]()
    assert str(caught.value) == sentence


@pytest.mark.parametrize("bad", ["Ann\x00a", "A" * 201])
def test_nul_and_over_long_names_are_refused_alike_on_both_backends(world: World,
                                                                     bad: str) -> None:
    reason = ("must not contain a NUL character (\\0)" if "\x00" in bad
              else "is longer than 200 characters")
    with pytest.raises(InvalidInput, match=r"^display name: " + reason.replace("(", r"\(")
                       .replace(")", r"\)").replace("\\0", r"\\0") + "$"):
        participants.add_participant(world.db, "admin", "newbie", bad)
    with pytest.raises(InvalidInput) as caught:
        sprints.create_sprint(world.db, "admin", bad, *_dates())
    assert str(caught.value) == f"sprint name: {reason}"
    with pytest.raises(InvalidInput) as caught:
        create_series(world.db, "admin", world.sprint_id, [NewSeries(code="S-900", alias=bad)])
    assert str(caught.value) == f"alias: {reason}"
    with pytest.raises(NotFound):
        series_id_by_code(world.db, world.sprint_id, "S-900")


def _dates():  # type: ignore[no-untyped-def]
    from datetime import date
    return date(2026, 7, 1), date(2026, 7, 9)


@pytest.mark.parametrize("number", [2**63, 2**31, -1, 0])
def test_an_id_out_of_range_is_simply_not_found(world: World, number: int) -> None:
    with pytest.raises(NotFound) as caught:
        clues.edit_clue(world.db, "anna", number, 1,
                        clues.ClueInput(category="toy", description="x"))
    assert str(caught.value) == f"No clue {number} exists."
    with pytest.raises(NotFound):
        claims.claim_series(world.db, "anna", number)


def test_the_cli_says_one_line_for_a_huge_clue_id(world: World, db_url: str,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["--database", db_url, "clue", "edit", str(2**63), "--version",
                 str(2**63), "--category", "toy", "--description", "x", "--as", "anna"])
    _out, err = capsys.readouterr()
    assert code == 1
    assert err.strip() == f"vidtask: No clue {2**63} exists."
