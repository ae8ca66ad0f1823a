"""Trace an Object: draft an appeal object from a crop, approve it (four-eyes), publish the public
pages, withdraw it, record what it came to (domain.md §4). One transaction per use case.

Drafting needs the series' live claim (coordinators excepted); the crop is sanitised before the
transaction and the original is never stored. Approving needs a coordinator who did not draft
it — the service refuses, a CHECK refuses on both backends, and on PostgreSQL the guard trigger
stamps the approver from the session's login. Publishing moves every approved object to
published and writes the page set of every published object (`vidtask.interchange.
appeal_site`): files staged beside their targets before the commit, renamed after it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, aliased, undefer

from vidtask.db.engine import Database
from vidtask.db.models import AppealObject, Clue, Participant, Series, Tip
from vidtask.domain.appeals import (
    DEFAULT_ID_PREFIX,
    USEFUL_TIPS,
    check_appeal_step,
    check_outcome,
    checked_text,
    public_id,
)
from vidtask.domain.changes import Changes
from vidtask.domain.countries_basic import normalize_country_code
from vidtask.domain.enums import AppealOutcome, AppealStatus, Role, TipStatus
from vidtask.domain.errors import InvalidInput, NotFound, VidtaskError
from vidtask.domain.permissions import Action, may
from vidtask.interchange.appeal_site import IMAGE_FOLDER, PAGE_FOLDER, PublicObject, site_files
from vidtask.interchange.atomic_files import StagedFile, prepare_folder
from vidtask.interchange.crops import sanitise_crop
from vidtask.services.common import load_series, require_claim, snapshot
from vidtask.services.tx import WriteTx, write_tx

CONTENT_FIELDS = ("public_id", "object_type", "question", "region_hint", "clue_id")


class FourEyesRequired(VidtaskError):
    def __init__(self, public: str) -> None:
        super().__init__(f"You drafted {public}; another coordinator must approve it "
                         "(four-eyes rule).")


@dataclass(frozen=True, slots=True)
class AppealInfo:
    id: int
    public_id: str
    series_id: int
    series_code: str
    sprint_id: int
    clue_id: int | None
    object_type: str
    question: str
    region_hint: str
    status: str
    outcome: str | None
    outcome_country: str | None
    outcome_note: str
    withdrawn_reason: str
    crop_mime: str
    crop_width: int
    crop_height: int
    created_by: str
    approved_by: str | None
    created_at: datetime
    approved_at: datetime | None
    published_at: datetime | None
    withdrawn_at: datetime | None
    version: int
    tips_total: int = 0
    tips_new: int = 0
    tips_useful: int = 0
    created_by_name: str = ""  # display names: `created_by`/`approved_by` are logins
    approved_by_name: str | None = None

    def may_approve(self, login: str) -> bool:
        """Only a draft, and never by the person who drafted it (four-eyes)."""
        return self.status == AppealStatus.DRAFT and self.created_by != login


@dataclass(frozen=True, slots=True)
class AppealWritten:
    appeal_id: int
    public_id: str
    changes: Changes = field(default_factory=Changes)


@dataclass(frozen=True, slots=True)
class Publication:
    """What `publish_appeals` did: objects made public now, every object on the pages, files."""

    folder: Path
    published_now: tuple[str, ...]
    on_site: tuple[str, ...]
    files: tuple[Path, ...]
    removed: tuple[Path, ...]
    changes: Changes = field(default_factory=Changes)


# ------------------------------------------------------------------ reading

def _info_query():  # type: ignore[no-untyped-def]
    creator, approver = aliased(Participant), aliased(Participant)
    tips = (select(Tip.appeal_object_id.label("oid"), func.count().label("total"),
                   func.count().filter(Tip.status == TipStatus.NEW).label("new"),
                   func.count().filter(Tip.status.in_([s.value for s in USEFUL_TIPS]))
                   .label("useful"))
            .group_by(Tip.appeal_object_id).subquery())
    return (select(AppealObject, Series.code, Series.sprint_id, creator.login, approver.login,
                   func.coalesce(tips.c.total, 0), func.coalesce(tips.c.new, 0),
                   func.coalesce(tips.c.useful, 0), creator.display_name,
                   approver.display_name)
            .join(Series, Series.id == AppealObject.series_id)
            .join(creator, creator.id == AppealObject.created_by_id)
            .outerjoin(approver, approver.id == AppealObject.approved_by_id)
            .outerjoin(tips, tips.c.oid == AppealObject.id))


def _info(row: tuple[Any, ...]) -> AppealInfo:
    o, code, sprint_id, creator, approver, total, new, useful, creator_name, approver_name = row
    return AppealInfo(
        id=o.id, public_id=o.public_id, series_id=o.series_id, series_code=code,
        sprint_id=sprint_id, clue_id=o.clue_id, object_type=o.object_type, question=o.question,
        region_hint=o.region_hint, status=o.status, outcome=o.outcome,
        outcome_country=o.outcome_country, outcome_note=o.outcome_note,
        withdrawn_reason=o.withdrawn_reason, crop_mime=o.crop_mime, crop_width=o.crop_width,
        crop_height=o.crop_height, created_by=creator, approved_by=approver,
        created_at=o.created_at, approved_at=o.approved_at, published_at=o.published_at,
        withdrawn_at=o.withdrawn_at, version=o.version, tips_total=int(total),
        tips_new=int(new), tips_useful=int(useful), created_by_name=creator_name,
        approved_by_name=approver_name)


def list_appeals(db: Database, sprint_id: int | None = None, *,
                 statuses: Sequence[str] = ()) -> list[AppealInfo]:
    """Appeal objects (of one sprint, or all), newest first, with their tips' counts."""
    query = _info_query()
    if sprint_id is not None:
        query = query.where(Series.sprint_id == sprint_id)
    if statuses:
        query = query.where(AppealObject.status.in_(list(statuses)))
    with db.read() as session:
        rows = session.execute(query.order_by(AppealObject.created_at.desc(),
                                              AppealObject.id.desc())).all()
        return [_info(tuple(r)) for r in rows]


def get_appeal(db: Database, key: int | str) -> AppealInfo:
    """One appeal object by its id or its public ID ("G19")."""
    with db.read() as session:
        row = session.execute(_info_query().where(_key_clause(key))).first()
        if row is None:
            raise NotFound("appeal object", key)
        return _info(tuple(row))


def appeal_crop(db: Database, appeal_id: int) -> tuple[bytes, str]:
    """The sanitised crop (bytes, MIME type) of an appeal object."""
    with db.read() as session:
        row = session.execute(select(AppealObject.crop_image, AppealObject.crop_mime)
                              .where(AppealObject.id == appeal_id)).first()
        if row is None:
            raise NotFound("appeal object", appeal_id)
        return bytes(row[0]), str(row[1])


def _key_clause(key: int | str):  # type: ignore[no-untyped-def]
    if isinstance(key, int) or (isinstance(key, str) and key.strip().isdigit()):
        return AppealObject.id == int(key)
    return AppealObject.public_id == str(key).strip().upper()


def _load(tx: WriteTx, key: int | str) -> AppealObject:
    found = tx.session.scalar(select(AppealObject).where(_key_clause(key)).with_for_update())
    if found is None:
        raise NotFound("appeal object", key)
    return found


# ------------------------------------------------------------------ drafting

def _next_public_id(session: Session) -> str:
    taken = session.scalars(select(AppealObject.public_id).where(
        AppealObject.public_id.like(f"{DEFAULT_ID_PREFIX}%"))).all()
    numbers = [int(m.group(1)) for p in taken
               if (m := re.fullmatch(rf"{DEFAULT_ID_PREFIX}(\d+)", p))]
    return f"{DEFAULT_ID_PREFIX}{max(numbers, default=0) + 1}"


def create_appeal(db: Database, actor: str, series_id: int, crop: bytes, *, object_type: str,
                  question: str, public: str | None = None, region_hint: str = "",
                  clue_id: int | None = None) -> AppealWritten:
    """Draft an appeal object on a series from the bytes of a crop file (PNG or JPEG)."""
    object_type = checked_text("appeal_objects", "object_type", object_type.strip())
    question = checked_text("appeal_objects", "question", question.strip())
    region_hint = checked_text("appeal_objects", "region_hint", region_hint.strip())
    if not object_type:
        raise InvalidInput("object type", "say what the object is (e.g. shampoo bottle)")
    if not question:
        raise InvalidInput("question", "ask the public something (e.g. where is this sold?)")
    wanted = public_id(public) if public else None
    image = sanitise_crop(crop)  # before the transaction: decoding takes a while
    with write_tx(db, actor, Action.DRAFT_APPEAL) as tx:
        assert tx.actor is not None
        series = load_series(tx.session, series_id, for_update=True)
        if not may(tx.role, Action.PUBLISH_APPEALS):
            require_claim(tx, series)
        if clue_id is not None:
            clue = tx.session.get(Clue, clue_id)
            if clue is None or clue.series_id != series_id:
                raise InvalidInput("clue", f"CL-{clue_id} is not a clue of {series.code}")
        chosen = wanted or _next_public_id(tx.session)
        if tx.session.scalar(select(AppealObject.id).where(AppealObject.public_id == chosen)):
            raise InvalidInput("public ID", f"{chosen} is already taken")
        obj = AppealObject(
            series_id=series_id, clue_id=clue_id, public_id=chosen, object_type=object_type,
            question=question, region_hint=region_hint, crop_image=image.data,
            crop_mime=image.mime, crop_width=image.width, crop_height=image.height,
            status=AppealStatus.DRAFT.value, outcome_note="", withdrawn_reason="",
            created_by_id=tx.actor.id, created_at=tx.now, updated_at=tx.now)
        tx.session.add(obj)
        try:
            tx.session.flush()
        except IntegrityError:  # another desktop took the same ID a moment ago
            raise InvalidInput("public ID", f"{chosen} is already taken") from None
        tx.emit("appeal.created", "appeal", obj.id, series_id=series_id,
                sprint_id=series.sprint_id,
                after={**snapshot(obj, CONTENT_FIELDS),
                       "crop": f"{image.mime} {image.width}x{image.height}"})
        written = AppealWritten(obj.id, chosen)
    return AppealWritten(written.appeal_id, written.public_id, tx.changes)


# ------------------------------------------------------------------ coordinators' steps

def approve_appeal(db: Database, actor: str, key: int | str) -> AppealWritten:
    """A coordinator who did not draft it approves a draft (four-eyes)."""
    with write_tx(db, actor, Action.APPROVE_APPEAL) as tx:
        assert tx.actor is not None
        obj = _load(tx, key)
        check_appeal_step(obj.status, AppealStatus.APPROVED, obj.public_id)
        if obj.created_by_id == tx.actor.id:
            raise FourEyesRequired(obj.public_id)
        obj.status = AppealStatus.APPROVED.value
        obj.approved_by_id, obj.approved_at, obj.updated_at = tx.actor.id, tx.now, tx.now
        tx.session.flush()
        tx.emit("appeal.approved", "appeal", obj.id, series_id=obj.series_id,
                before={"status": "draft"}, after={"status": "approved"})
        written = AppealWritten(obj.id, obj.public_id)
    return AppealWritten(written.appeal_id, written.public_id, tx.changes)


def withdraw_appeal(db: Database, actor: str, key: int | str, reason: str) -> AppealWritten:
    """Take an object off the appeal (solved, or not to be shown); the reason is kept."""
    reason = checked_text("appeal_objects", "withdrawn_reason", reason.strip())
    if not reason:
        raise InvalidInput("reason", "say why the object is withdrawn")
    with write_tx(db, actor, Action.PUBLISH_APPEALS) as tx:
        obj = _load(tx, key)
        before = obj.status
        check_appeal_step(before, AppealStatus.WITHDRAWN, obj.public_id)
        obj.status = AppealStatus.WITHDRAWN.value
        obj.withdrawn_reason, obj.withdrawn_at, obj.updated_at = reason, tx.now, tx.now
        tx.session.flush()
        tx.emit("appeal.withdrawn", "appeal", obj.id, series_id=obj.series_id,
                before={"status": before}, after={"status": "withdrawn", "reason": reason})
        written = AppealWritten(obj.id, obj.public_id)
    return AppealWritten(written.appeal_id, written.public_id, tx.changes)


def record_outcome(db: Database, actor: str, key: int | str, outcome: str | None, *,
                   country: str | None = None, note: str = "") -> AppealWritten:
    """What the appeal came to: identified (with the country), too widespread, or no result."""
    result = AppealOutcome(outcome) if outcome else None
    code = normalize_country_code(country) if country else None
    check_outcome(result, code)
    note = checked_text("appeal_objects", "outcome_note", note.strip())
    with write_tx(db, actor, Action.PUBLISH_APPEALS) as tx:
        obj = _load(tx, key)
        if obj.status == AppealStatus.DRAFT:
            raise InvalidInput("outcome", f"{obj.public_id} is a draft: nobody has seen it yet")
        before = {"outcome": obj.outcome, "country": obj.outcome_country}
        obj.outcome = result.value if result else None
        obj.outcome_country, obj.outcome_note, obj.updated_at = code, note, tx.now
        tx.session.flush()
        tx.emit("appeal.outcome_recorded", "appeal", obj.id, series_id=obj.series_id,
                before=before, after={"outcome": obj.outcome, "country": code, "note": note})
        written = AppealWritten(obj.id, obj.public_id)
    return AppealWritten(written.appeal_id, written.public_id, tx.changes)


# ------------------------------------------------------------------ publishing

def _check_tip_url(tip_url: str | None) -> str | None:
    if not tip_url:
        return None
    url = tip_url.strip()
    if not re.fullmatch(r"https?://[^\s\"'<>]+", url):
        raise InvalidInput("tip form address", "must be an http:// or https:// address")
    return url


def publish_appeals(db: Database, actor: str, out_dir: Path | str, *,
                    tip_url: str | None = None) -> Publication:
    """Make every approved object public and write the page set of all published objects.

    The pages are staged in `out_dir` before the commit and renamed into place after it; pages
    and images of objects no longer published (withdrawn) are removed from the folder.
    """
    folder = prepare_folder(Path(out_dir))
    url = _check_tip_url(tip_url)
    for sub in (PAGE_FOLDER, IMAGE_FOLDER):
        prepare_folder(folder / sub)
    staged: list[StagedFile] = []
    try:
        with write_tx(db, actor, Action.PUBLISH_APPEALS) as tx:
            approved = tx.session.scalars(
                select(AppealObject).where(AppealObject.status == AppealStatus.APPROVED)
                .order_by(AppealObject.id).with_for_update()).all()
            now_public = []
            for obj in approved:
                obj.status = AppealStatus.PUBLISHED.value
                obj.published_at, obj.updated_at = tx.now, tx.now
                now_public.append(obj.public_id)
                tx.emit("appeal.published", "appeal", obj.id, series_id=obj.series_id,
                        before={"status": "approved"}, after={"status": "published"})
            tx.session.flush()
            public = _public_objects(tx.session, tx.now)
            files = site_files(public, published_on=tx.now.date(), tip_url=url)
            for relative, data in files.items():
                part = StagedFile(folder / relative)
                staged.append(part)
                part.write(data)
                part.finish()
            tx.emit("appeal.site_written", "appeal_site", None,
                    after={"objects": [p.public_id for p in public],
                           "published_now": now_public})
        written = tuple(part.commit() for part in staged)  # index.html comes last
    except BaseException:
        for part in staged:
            part.discard()
        raise
    removed = _remove_stale(folder, {p.relative_to(folder).as_posix() for p in written})
    return Publication(folder, tuple(now_public), tuple(p.public_id for p in public), written,
                       removed, tx.changes)


def _public_objects(session: Session, now: datetime) -> list[PublicObject]:
    rows = session.scalars(select(AppealObject).options(undefer(AppealObject.crop_image))
                           .where(AppealObject.status == AppealStatus.PUBLISHED)).all()
    return [PublicObject(public_id=o.public_id, object_type=o.object_type, question=o.question,
                         region_hint=o.region_hint, image=bytes(o.crop_image), mime=o.crop_mime,
                         width=o.crop_width, height=o.crop_height,
                         published_on=(o.published_at or now).date()) for o in rows]


def _remove_stale(folder: Path, keep: set[str]) -> tuple[Path, ...]:
    """Pages and images this module wrote for objects no longer on appeal."""
    removed = []
    for sub, pattern in ((PAGE_FOLDER, "*.html"), (IMAGE_FOLDER, "*.*")):
        for path in sorted((folder / sub).glob(pattern)):
            if path.relative_to(folder).as_posix() not in keep and path.is_file() \
                    and not path.name.startswith("."):
                with suppress(OSError):
                    path.unlink()
                    removed.append(path)
    return tuple(removed)


def is_lead(role: Role | str) -> bool:
    return may(role, Action.PUBLISH_APPEALS)
