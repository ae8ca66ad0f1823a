"""Presence: who is online and which series each person has open, from heartbeat rows.

Each running client upserts one row (its `client_id`) every ~30 s with an expiry on the server
clock; a row whose expiry has passed means the client is gone (crashed, network lost), and a
client that closes deletes its row at once.

Why not `write_tx`: heartbeats are frequent (40 desktops × 2 a minute for two weeks) and not
audit-worthy. Through `write_tx` each one would append an event to the audit log and take the
`change_counter` row lock that serialises every real write, for no one's benefit. So a heartbeat
writes no event and bumps no version, but it is still checked and atomic: the login must be an
active participant, a client id can only be refreshed by the person who owns it, the time comes
from the database server, and the upsert (plus the clean-up of long-dead rows) is one
transaction. On PostgreSQL it sends NOTIFY on its own channel so boards refresh presence
promptly; on SQLite the commit moves `PRAGMA data_version`, which wakes the pollers anyway.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select, text
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from vidtask.db.engine import Database
from vidtask.db.models import Participant, Presence
from vidtask.domain.errors import InvalidInput, NotFound, PermissionDenied
from vidtask.sync.wakeup import PRESENCE_CHANNEL

#: A client heartbeats every HEARTBEAT_INTERVAL; missing three in a row means "gone".
HEARTBEAT_INTERVAL = timedelta(seconds=30)
PRESENCE_TTL = timedelta(seconds=90)
_FORGET_AFTER = timedelta(days=1)
MAX_OPEN_SERIES = 200


@dataclass(frozen=True, slots=True)
class OnlinePerson:
    login: str
    display_name: str
    client_id: str
    open_series_ids: tuple[int, ...]
    seen_at: datetime
    expires_at: datetime


def _check_client_id(client_id: str) -> str:
    client_id = client_id.strip()
    if not client_id or len(client_id) > 64:
        raise InvalidInput("client id", "must be 1 to 64 characters")
    return client_id


def heartbeat(db: Database, login: str, client_id: str, open_series_ids: list[int],
              *, ttl: timedelta = PRESENCE_TTL) -> datetime:
    """Say "I am here, with these series open" until the returned expiry (server clock)."""
    client_id = _check_client_id(client_id)
    series_ids = sorted({int(s) for s in open_series_ids})[:MAX_OPEN_SERIES]
    session = db.write_session()
    try:
        person = session.execute(
            select(Participant.id, Participant.active).where(Participant.login == login)).first()
        if person is None:
            raise NotFound("participant", login)
        if not person.active:
            raise PermissionDenied("be online", "deactivated participant",
                                   f"{login} is deactivated.")
        owner = session.scalar(select(Presence.participant_id)
                               .where(Presence.client_id == client_id))
        if owner is not None and owner != person.id:
            raise PermissionDenied("take over another person's session", "participant")
        now = db.server_now(session)
        expires_at = now + ttl
        values = {"client_id": client_id, "participant_id": person.id,
                  "open_series_ids": series_ids, "seen_at": now, "expires_at": expires_at}
        insert = pg_insert if db.is_postgresql else sqlite_insert
        statement = insert(Presence).values(**values)
        session.execute(statement.on_conflict_do_update(
            index_elements=[Presence.client_id],
            set_={"open_series_ids": statement.excluded.open_series_ids,
                  "seen_at": statement.excluded.seen_at,
                  "expires_at": statement.excluded.expires_at},
            where=Presence.participant_id == person.id))
        session.execute(delete(Presence).where(Presence.expires_at < now - _FORGET_AFTER))
        if db.is_postgresql:
            session.execute(text("SELECT pg_notify(:channel, :payload)"),
                            {"channel": PRESENCE_CHANNEL, "payload": client_id})
        session.commit()
        return expires_at
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def end_presence(db: Database, login: str, client_id: str) -> None:
    """The client is closing: it is offline now, not in 90 seconds."""
    session = db.write_session()
    try:
        person_id = session.scalar(select(Participant.id).where(Participant.login == login))
        if person_id is None:
            raise NotFound("participant", login)
        session.execute(delete(Presence).where(Presence.client_id == client_id,
                                               Presence.participant_id == person_id))
        if db.is_postgresql:
            session.execute(text("SELECT pg_notify(:channel, :payload)"),
                            {"channel": PRESENCE_CHANNEL, "payload": client_id})
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def who_is_online(db: Database) -> list[OnlinePerson]:
    """Live sessions by person (one person may run two windows), newest heartbeat first."""
    with db.read() as session:
        now = db.server_now(session)
        rows = session.execute(
            select(Participant.login, Participant.display_name, Presence.client_id,
                   Presence.open_series_ids, Presence.seen_at, Presence.expires_at)
            .join(Participant, Participant.id == Presence.participant_id)
            .where(Presence.expires_at > now, Participant.active.is_(True))
            .order_by(Participant.login, Presence.seen_at.desc())
        ).all()
    return [OnlinePerson(r[0], r[1], r[2], tuple(r[3] or ()), r[4], r[5]) for r in rows]


def viewers_of(db: Database, series_id: int) -> list[str]:
    """Logins of people who have `series_id` open right now (for the board's eye icon)."""
    return sorted({p.login for p in who_is_online(db) if series_id in p.open_series_ids})
