"""An edit racing a take-over of its series is refused, never logged after the new claim."""

from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import select, update

from tests.worlds.sprint import World
from vidtask.db.engine import Database
from vidtask.db.models import Participant, Series
from vidtask.domain.errors import ClaimRequired
from vidtask.services import claims, clues
from vidtask.services.series_detail import get_clue


def test_an_edit_waiting_on_a_take_over_is_refused(world: World) -> None:
    series_id = world.series_ids[0]
    claims.claim_series(world.db, "anna", series_id)
    clue_id, _ = clues.add_clue(world.db, "anna", series_id,
                                clues.ClueInput(category="text", description="first"))
    other = Database(world.db.url.render_as_string(hide_password=False))
    locked = threading.Event()

    def take_over_slowly() -> None:
        with other.write_session() as session:
            bert = session.scalar(select(Participant.id).where(Participant.login == "bert"))
            session.execute(update(Series).where(Series.id == series_id)
                            .values(claimed_by_id=bert))
            locked.set()
            time.sleep(0.5)  # anna's edit starts while the take-over is not yet committed
            session.commit()

    thread = threading.Thread(target=take_over_slowly)
    thread.start()
    locked.wait()
    try:
        with pytest.raises(ClaimRequired):
            clues.edit_clue(world.db, "anna", clue_id, 1,
                            clues.ClueInput(category="text", description="too late"))
    finally:
        thread.join()
        other.dispose()
    assert get_clue(world.db, clue_id).description == "first"
