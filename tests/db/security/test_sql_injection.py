"""Text from the search box, clue description, series code and comments is data, never SQL."""

from __future__ import annotations

from sqlalchemy import func, select

from tests.worlds.sprint import World
from vidtask.db.models import Event, Participant
from vidtask.services import claims, clues, comments
from vidtask.services.series import NewSeries, SeriesFilter, create_series, list_series
from vidtask.services.series_detail import get_series_detail

ATTACKS = (
    "'; DROP TABLE events; --",
    "x' OR '1'='1",
    "S-001%' OR 1=1 --",
    "\"; UPDATE participants SET role='admin'; --",
    "Robert'); DELETE FROM clues; --",
    "\\'; SELECT pg_sleep(10); --",
)


def _intact(world: World) -> tuple[int, int]:
    with world.db.read() as session:
        admins = session.scalar(select(func.count()).select_from(Participant)
                                .where(Participant.role == "admin"))
        events = session.scalar(select(func.count()).select_from(Event))
    return int(admins or 0), int(events or 0)


def test_search_box_text_is_matched_literally(world: World) -> None:
    for attack in ATTACKS:
        assert list_series(world.db, world.sprint_id, SeriesFilter(text=attack)) == []
    assert [r.code for r in list_series(world.db, world.sprint_id,
                                        SeriesFilter(text="%"))] == []  # % is not a wildcard
    assert _intact(world)[0] == 1


def test_series_codes_clue_text_and_comments_are_stored_verbatim(world: World) -> None:
    admins, events_before = _intact(world)
    create_series(world.db, "admin", world.sprint_id, [NewSeries(code=a) for a in ATTACKS])
    codes = {r.code for r in list_series(world.db, world.sprint_id)}
    assert set(ATTACKS) <= codes
    found = list_series(world.db, world.sprint_id, SeriesFilter(text=ATTACKS[1]))
    assert [r.code for r in found] == [ATTACKS[1]]

    series_id = world.series_ids[0]
    claims.claim_series(world.db, "anna", series_id)
    for attack in ATTACKS:
        clues.add_clue(world.db, "anna", series_id,
                       clues.ClueInput(category="text", description=attack,
                                       evidence_time=attack, evidence_region=attack))
        comments.add_comment(world.db, "bert", series_id, attack)
    detail = get_series_detail(world.db, series_id)
    assert [c.description for c in detail.clues] == list(ATTACKS)
    assert [c.body for c in detail.comments][-len(ATTACKS):] == list(ATTACKS)
    admins_after, events_after = _intact(world)
    assert admins_after == admins
    assert events_after > events_before  # the log is still there and still growing
