"""The app's services work unchanged when each person is signed in with their own login,
and the audit actor is whoever the database says is signed in."""

from __future__ import annotations

import pytest
from sqlalchemy import select, text

from tests.worlds.room import Room
from vidtask.db.models import Event
from vidtask.domain.errors import DatabaseRefused, PermissionDenied
from vidtask.services import assessments, claims, clues, comments, handling, participants, review
from vidtask.services.series import SeriesFilter, list_series
from vidtask.services.series_detail import get_series_detail
from vidtask.services.tx import write_tx
from vidtask.sync.feed import changes_since

CLUE = clues.ClueInput(category="electrical", description="Type F socket", kind="socket",
                       value="F", supports=("DE",))


def test_a_whole_series_lifecycle_runs_as_the_people_doing_it(room: Room) -> None:
    anna, bert, cora, cody = (room.db(n) for n in ("anna", "bert", "cora", "cody"))
    a, b, c, d = (room.login(n) for n in ("anna", "bert", "cora", "cody"))
    s1, s2, s3 = room.series_ids

    claims.claim_series(anna, a, s1)
    claims.renew_claim(anna, a, s1)
    clue_id, _ = clues.add_clue(anna, a, s1, CLUE)
    spare_id, _ = clues.add_clue(anna, a, s1, CLUE)
    version, _ = clues.edit_clue(anna, a, clue_id, 1, clues.ClueInput(
        category="electrical", description="Type F socket, Schuko", supports=("DE", "AT")))
    clues.delete_clue(anna, a, spare_id, 1)
    assessments.set_candidates(anna, a, s1, [assessments.CandidateInput("DE", 70, "socket"),
                                             assessments.CandidateInput("AT", 20)])
    comments.add_comment(bert, b, s1, "Seen this wallpaper in S-002 too")  # no claim needed
    assessments.propose(anna, a, s1)
    review.confirm_countries(cora, c, s1, ["DE"])

    nxt = claims.claim_next(bert, b, room.sprint_id)
    assert nxt is not None and nxt.series_id == s2
    claims.release_claim(bert, b, s2)
    claims.claim_series(bert, b, s3)
    claims.force_release(cora, c, s3, "Bert is off sick")
    review.eliminate(cody, d, s3, "Too widespread")
    claims.sweep_expired_claims(bert)
    handling.record_handling_override(cora, c, s1, "Originator agreed, ref 42")

    detail = get_series_detail(anna, s1)
    assert detail.status == "confirmed"
    assert [(cl.id, cl.version, cl.author) for cl in detail.clues] == [(clue_id, version, a)]
    assert [row.code for row in list_series(bert, room.sprint_id, SeriesFilter(text="S-00"))] \
        == ["S-001", "S-002", "S-003"]
    with room.owner.read() as session:
        actors = {e.action: (e.actor_login, e.actor_id) for e in session.scalars(
            select(Event).where(Event.series_id.in_([s1, s3])))}
    assert actors["clue.edited"][0] == a
    assert actors["series.confirmed"][0] == c
    assert actors["claim.force_released"][0] == c
    assert actors["handling.overridden"][0] == c
    assert actors["comment.added"][0] == b
    assert [e.actor for e in changes_since(anna, 0) if e.action == "series.eliminated"] == [d]


def test_as_cannot_name_somebody_else_on_postgresql(room: Room) -> None:
    s1 = room.series_ids[0]
    with pytest.raises(PermissionDenied, match="signed in to the database as anna_"):
        claims.claim_series(room.db("anna"), room.login("bert"), s1)
    with pytest.raises(PermissionDenied, match="signed in to the database as"):
        review.eliminate(room.db("anna"), room.login("cora"), s1, "borrowing a coordinator")
    assert get_series_detail(room.owner, s1).status == "new"


def test_a_system_transaction_on_a_personal_login_is_attributed_to_that_person(
        room: Room) -> None:
    with write_tx(room.db("bert"), None) as tx:
        tx.emit("note.tested", "series", room.series_ids[0], series_id=room.series_ids[0])
    assert [e.actor for e in tx.changes.events] == [room.login("bert")]


def test_service_checks_and_database_agree_on_participants(room: Room) -> None:
    with pytest.raises(PermissionDenied):
        participants.add_participant(room.db("cora"), room.login("cora"), "zed_x", "Zed")
    info, _ = participants.add_participant(room.db("admin"), room.login("admin"),
                                           "zed_x", "Zed", role="specialist")
    assert info.login == "zed_x"


def test_a_database_refusal_reads_as_one_sentence(room: Room) -> None:
    with pytest.raises(DatabaseRefused, match=r"^The database refused this: a specialist may "
                       r"not move series S-001 from new to confirmed\.$"), \
            write_tx(room.db("anna"), None) as tx:
        tx.session.execute(text("UPDATE series SET status = 'confirmed' WHERE id = :i"),
                           {"i": room.series_ids[0]})


def test_only_admins_create_sprints_in_the_service_and_the_database(room: Room) -> None:
    from datetime import date

    from vidtask.services.sprints import create_sprint

    with pytest.raises(PermissionDenied, match="A coordinator may not create a sprint"):
        create_sprint(room.db("cora"), room.login("cora"), "Rogue", date(2026, 7, 1),
                      date(2026, 7, 9))
    info, _ = create_sprint(room.db("admin"), room.login("admin"), "Next", date(2026, 7, 1),
                            date(2026, 7, 9))
    assert info.name == "Next"
