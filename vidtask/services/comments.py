"""Comments on a series or one of its clues: anyone may comment, no claim needed.

A comment does not touch the series row (its version and `updated_at` belong to whoever holds
or reviews the series; on PostgreSQL the series guard refuses a non-holder's touch): the
`comment.added` event is what tells other desktops.
"""

from __future__ import annotations

from vidtask.db.engine import Database
from vidtask.db.models import Clue, Comment
from vidtask.domain.changes import Changes
from vidtask.domain.errors import InvalidInput
from vidtask.domain.limits import checked, checked_id, limit_of
from vidtask.domain.permissions import Action
from vidtask.services.common import load_series
from vidtask.services.tx import retry_busy, write_tx

MAX_COMMENT_LENGTH = limit_of("comments", "body").max_chars


@retry_busy
def add_comment(db: Database, actor: str, series_id: int, body: str,
                clue_id: int | None = None) -> tuple[int, Changes]:
    body = body.strip()
    if not body:
        raise InvalidInput("comment", "must not be empty")
    checked("comments", "body", body)
    if clue_id is not None:
        clue_id = checked_id("clue", clue_id)
    with write_tx(db, actor, Action.COMMENT) as tx:
        assert tx.actor is not None
        load_series(tx.session, series_id)
        if clue_id is not None:
            clue = tx.session.get(Clue, clue_id)
            if clue is None or clue.series_id != series_id:
                raise InvalidInput("clue", "does not belong to this series")
        comment = Comment(series_id=series_id, clue_id=clue_id, author_id=tx.actor.id,
                          body=body, created_at=tx.now)
        tx.session.add(comment)
        tx.session.flush()
        tx.emit("comment.added", "comment", comment.id, series_id=series_id,
                after={"clue_id": clue_id, "length": len(body)})
        comment_id = comment.id
    return comment_id, tx.changes
