"""Sprints: create one, edit its settings, find the current one, its packet-signing key.

The issuer settings (organiser, issuing unit, contact) are printed in every packet; packets are
refused while any is missing (`issuer_problem`). Each sprint gets an Ed25519 signing key when it
is created; its public half is readable by everyone, the private half by leads only
(docs/security.md, "Packet signatures").
"""

from __future__ import annotations

import base64
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from vidtask.db.engine import Database
from vidtask.db.models import Sprint, SprintSigningKey
from vidtask.domain.changes import Changes
from vidtask.domain.enums import HandlingCode
from vidtask.domain.errors import InvalidInput, NotFound, VidtaskError
from vidtask.domain.limits import checked
from vidtask.domain.permissions import Action
from vidtask.interchange import packet_signing
from vidtask.services.tx import WriteTx, write_tx

#: The issuer settings a packet needs, with the words and the CLI option for each.
ISSUER_FIELDS: tuple[tuple[str, str, str], ...] = (
    ("organiser", "organiser", "--organiser"),
    ("issuing_unit", "issuing unit", "--issuing-unit"),
    ("contact_name", "contact name", "--contact-name"),
    ("contact_email", "contact e-mail", "--contact-email"),
    ("contact_phone", "contact phone", "--contact-phone"),
)
_LIMITS = {"organiser": 200, "issuing_unit": 200, "contact_name": 200, "contact_email": 200,
           "contact_phone": 100}
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_PHONE = re.compile(r"\+?[0-9][0-9 ()./-]{4,}")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class MissingIssuer(VidtaskError):
    """A packet cannot say who sent it: one of the sprint's issuer settings is empty."""

    def __init__(self, sprint: str, missing: list[str], options: list[str]) -> None:
        words = ", ".join(missing)
        super().__init__(
            f"Sprint {sprint!r} has no {words} yet, and every packet must say who sent it: "
            f"an administrator sets {' '.join(o + ' …' for o in options)} with "
            f"`vidtask sprint edit`.")
        self.missing = missing


class SigningKeyMissing(VidtaskError):
    def __init__(self, sprint: str) -> None:
        super().__init__(f"Sprint {sprint!r} has no packet-signing key readable by you: "
                         "packets are signed by coordinators or administrators only (an "
                         "administrator can make a new key with `vidtask sprint edit "
                         "--new-signing-key`).")


@dataclass(frozen=True, slots=True)
class SprintInfo:
    id: int
    name: str
    starts_on: date
    ends_on: date
    lease_minutes: int
    default_handling: str
    issuing_unit: str
    contact_name: str
    contact_email: str
    contact_phone: str
    organiser: str = ""
    signing_public_key: str = ""  # base64 of the raw Ed25519 key

    @property
    def signing_fingerprint(self) -> str:
        if not self.signing_public_key:
            return ""
        return packet_signing.fingerprint(base64.b64decode(self.signing_public_key))


def _info(sprint: Sprint) -> SprintInfo:
    return SprintInfo(sprint.id, sprint.name, sprint.starts_on, sprint.ends_on,
                      sprint.lease_minutes, sprint.default_handling, sprint.issuing_unit,
                      sprint.contact_name, sprint.contact_email, sprint.contact_phone,
                      sprint.organiser, sprint.signing_public_key)


def clean_issuer_value(field: str, value: str) -> str:
    """One issuer setting, trimmed and checked; '' stays '' (not set)."""
    words = dict((f, w) for f, w, _ in ISSUER_FIELDS)[field]
    text = " ".join(_CONTROL.sub(" ", value).split())
    if len(text) > _LIMITS[field]:
        raise InvalidInput(words, f"at most {_LIMITS[field]} characters")
    if text and field == "contact_email" and not _EMAIL.fullmatch(text):
        raise InvalidInput(words, f"{text!r} is not an e-mail address")
    if text and field == "contact_phone" and not _PHONE.fullmatch(text):
        raise InvalidInput(words, f"{text!r} is not a telephone number (digits, spaces, "
                                  "+ ( ) - . /)")
    return text


def issuer_problem(sprint_name: str, values: Mapping[str, str]) -> MissingIssuer | None:
    """The refusal to give while an issuer setting (`ISSUER_FIELDS` key) is empty, else None."""
    missing = [(words, option) for field, words, option in ISSUER_FIELDS
               if not str(values.get(field) or "").strip()]
    if not missing:
        return None
    return MissingIssuer(sprint_name, [w for w, _ in missing], [o for _, o in missing])


def issuer_values(sprint: SprintInfo | Sprint) -> dict[str, str]:
    return {field: str(getattr(sprint, field) or "") for field, _, _ in ISSUER_FIELDS}


def _store_new_key(tx: WriteTx, sprint: Sprint) -> str:
    private = packet_signing.generate_private_key()
    public = base64.b64encode(packet_signing.public_key_of(private)).decode("ascii")
    row = tx.session.get(SprintSigningKey, sprint.id)
    if row is None:
        tx.session.add(SprintSigningKey(sprint_id=sprint.id, algorithm=packet_signing.ALGORITHM,
                                        private_key=private, created_at=tx.now))
    else:
        row.private_key, row.created_at = private, tx.now
    sprint.signing_public_key = public
    return public


def create_sprint(db: Database, actor: str | None, name: str, starts_on: date, ends_on: date, *,
                  lease_minutes: int = 120, default_handling: str = "H0",
                  issuing_unit: str = "", contact_name: str = "", contact_email: str = "",
                  contact_phone: str = "", organiser: str = "") -> tuple[SprintInfo, Changes]:
    name = name.strip()
    if not name:
        raise InvalidInput("sprint name", "must not be empty")
    checked("sprints", "name", name)
    if ends_on < starts_on:
        raise InvalidInput("sprint dates", "the end date is before the start date")
    if not 5 <= lease_minutes <= 24 * 60:
        raise InvalidInput("lease", "must be between 5 minutes and 24 hours")
    handling = HandlingCode(default_handling)
    issuer = {field: clean_issuer_value(field, value) for field, value in (
        ("organiser", organiser), ("issuing_unit", issuing_unit),
        ("contact_name", contact_name), ("contact_email", contact_email),
        ("contact_phone", contact_phone))}
    with write_tx(db, actor, Action.CREATE_SPRINT) as tx:
        if tx.session.scalar(select(Sprint.id).where(Sprint.name == name)) is not None:
            raise InvalidInput("sprint name", f"a sprint called {name!r} already exists")
        sprint = Sprint(name=name, starts_on=starts_on, ends_on=ends_on,
                        lease_minutes=lease_minutes, default_handling=handling.value,
                        created_at=tx.now, **issuer)
        tx.session.add(sprint)
        tx.session.flush()
        public = _store_new_key(tx, sprint)
        tx.emit("sprint.created", "sprint", sprint.id, sprint_id=sprint.id,
                after={"name": name, "starts_on": starts_on, "ends_on": ends_on, **issuer,
                       "signing_public_key": public})
        info = _info(sprint)
    return info, tx.changes


def edit_sprint(db: Database, actor: str | None, sprint_id: int, *,
                organiser: str | None = None, issuing_unit: str | None = None,
                contact_name: str | None = None, contact_email: str | None = None,
                contact_phone: str | None = None, new_signing_key: bool = False
                ) -> tuple[SprintInfo, Changes]:
    """Change the issuer settings (None = keep) and/or replace the signing key (admins)."""
    wanted = {field: clean_issuer_value(field, value) for field, value in (
        ("organiser", organiser), ("issuing_unit", issuing_unit),
        ("contact_name", contact_name), ("contact_email", contact_email),
        ("contact_phone", contact_phone)) if value is not None}
    with write_tx(db, actor, Action.EDIT_SPRINT) as tx:
        sprint = tx.session.get(Sprint, sprint_id)
        if sprint is None:
            raise NotFound("sprint", sprint_id)
        before = {f: getattr(sprint, f) for f in wanted if getattr(sprint, f) != wanted[f]}
        after = {f: wanted[f] for f in before}
        for field, value in after.items():
            setattr(sprint, field, value)
        if after:
            tx.emit("sprint.edited", "sprint", sprint.id, sprint_id=sprint.id, before=before,
                    after=after)
        if new_signing_key:
            old = sprint.signing_public_key
            public = _store_new_key(tx, sprint)
            tx.emit("sprint.signing_key_replaced", "sprint", sprint.id, sprint_id=sprint.id,
                    before={"signing_public_key": old}, after={"signing_public_key": public})
        tx.session.flush()
        info = _info(sprint)
    return info, tx.changes


def signing_key(db: Database, actor: str, sprint_id: int) -> str:
    """The sprint's private signing key (PEM), for a lead about to export packets."""
    with db.read() as session:
        sprint = session.get(Sprint, sprint_id)
        if sprint is None:
            raise NotFound("sprint", sprint_id)
        row = session.get(SprintSigningKey, sprint_id)
        if row is None:  # absent, or hidden by row-level security (not a lead)
            raise SigningKeyMissing(sprint.name)
        public = base64.b64encode(packet_signing.public_key_of(row.private_key)).decode()
        if public != sprint.signing_public_key:
            raise VidtaskError(f"Sprint {sprint.name!r}'s signing key does not match its "
                               "published public key; an administrator must replace it "
                               "(`vidtask sprint edit --new-signing-key`).")
        return row.private_key


def list_sprints(db: Database) -> list[SprintInfo]:
    with db.read() as session:
        return [_info(s) for s in session.scalars(select(Sprint).order_by(Sprint.starts_on.desc(),
                                                                           Sprint.id.desc()))]


def find_sprint(db: Database, name: str | None = None) -> SprintInfo:
    """The named sprint, or the most recent one when no name is given."""
    with db.read() as session:
        query = select(Sprint)
        query = (query.where(Sprint.name == name) if name
                 else query.order_by(Sprint.starts_on.desc(), Sprint.id.desc()).limit(1))
        sprint = session.scalar(query)
        if sprint is None:
            if name:
                raise NotFound("sprint", repr(name))
            raise NotFound("sprint", "yet (run `vidtask demo` or create one)")
        return _info(sprint)


def sprint_info(db: Database, sprint_id: int) -> SprintInfo:
    with db.read() as session:
        sprint = session.get(Sprint, sprint_id)
        if sprint is None:
            raise NotFound("sprint", sprint_id)
        return _info(sprint)

