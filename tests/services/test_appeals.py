"""Appeal objects: a crop file in, a clean crop stored; four-eyes approval; publish; withdraw."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import select

from tests.worlds.appeals import draft, published
from tests.worlds.crops import SECRET_WORDS, jpeg_with_metadata
from tests.worlds.sprint import World
from vidtask.db.models import AppealObject, Event
from vidtask.domain.errors import ClaimRequired, InvalidInput, PermissionDenied
from vidtask.interchange.crops import CropRejected, metadata_blocks
from vidtask.services import appeals, claims


def stored_crop(world: World, public: str) -> bytes:
    with world.db.read() as session:
        return bytes(session.scalar(select(AppealObject.crop_image)
                                    .where(AppealObject.public_id == public)))


def test_a_crop_that_carried_gps_exif_is_stored_clean(world: World) -> None:
    original = jpeg_with_metadata()
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(0x8825)  # GPS really there
    public = draft(world, "cora")
    crop = stored_crop(world, public)
    assert crop != original and crop[:3] == b"\xff\xd8\xff"
    assert metadata_blocks(crop) == []
    info = Image.open(io.BytesIO(crop)).info
    assert not {"exif", "xmp", "icc_profile", "comment", "photoshop"} & info.keys()
    assert not Image.open(io.BytesIO(crop)).getexif()
    assert not [word for word in SECRET_WORDS if word in crop]
    with world.db.read() as session:  # the event log keeps no image and no metadata either
        events = json.dumps([e.after for e in session.scalars(
            select(Event).where(Event.action == "appeal.created"))])
    assert "VidCam" not in events and "image/jpeg 900x600" in events


def test_ids_are_proposed_and_a_taken_id_is_refused(world: World) -> None:
    assert draft(world, "cora") == "T1"
    assert draft(world, "cora") == "T2"
    assert draft(world, "cora", public="g19 ") == "G19"
    with pytest.raises(InvalidInput, match="G19 is already taken"):
        draft(world, "cora", public="G19")
    with pytest.raises(InvalidInput, match="not a public ID"):
        draft(world, "cora", public="../etc")


def test_a_specialist_drafts_only_on_a_series_they_hold(world: World) -> None:
    with pytest.raises(ClaimRequired):
        appeals.create_appeal(world.db, "anna", world.series_ids[0], jpeg_with_metadata(),
                              object_type="bag", question="Where is this bag from?")
    assert draft(world, "anna") == "T1"


def test_files_that_are_not_png_or_jpeg_are_refused(world: World) -> None:
    gif = io.BytesIO()
    Image.new("RGB", (20, 20)).save(gif, "GIF")
    for data, words in ((gif.getvalue(), "only PNG and JPEG"),
                        (jpeg_with_metadata()[:2000], "cannot be read")):
        with pytest.raises(CropRejected, match=words):
            appeals.create_appeal(world.db, "cora", world.series_ids[0], data,
                                  object_type="bag", question="Where?")
    assert appeals.list_appeals(world.db, world.sprint_id) == []


def test_approval_is_four_eyes(world: World) -> None:
    public = draft(world, "cora")
    with pytest.raises(appeals.FourEyesRequired, match="another coordinator"):
        appeals.approve_appeal(world.db, "cora", public)
    with pytest.raises(PermissionDenied):
        appeals.approve_appeal(world.db, "anna", public)
    appeals.approve_appeal(world.db, "cody", public)
    info = appeals.get_appeal(world.db, public)
    assert (info.status, info.created_by, info.approved_by) == ("approved", "cora", "cody")
    assert (info.created_by_name, info.approved_by_name) == ("Cora Coordinator",
                                                             "Cody Coordinator")
    assert not info.may_approve("admin")  # approved already
    with pytest.raises(InvalidInput, match="cannot become approved"):
        appeals.approve_appeal(world.db, "admin", public)


def test_publish_makes_approved_objects_public_and_withdraw_takes_the_page_down(
        world: World, tmp_path: Path) -> None:
    out = tmp_path / "site"
    draft_only = draft(world, "cora", public="D1")
    published(world, out, "G19", "G20")
    assert appeals.get_appeal(world.db, "G19").status == "published"
    assert appeals.get_appeal(world.db, draft_only).status == "draft"
    names = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
    assert names == ["images/G19.jpg", "images/G20.jpg", "index.html", "objects.json",
                     "objects/G19.html", "objects/G20.html", "style.css"]
    assert not list(out.rglob(".*.part"))
    document = json.loads((out / "objects.json").read_text())
    assert [o["id"] for o in document["objects"]] == ["G19", "G20"]
    appeals.withdraw_appeal(world.db, "cora", "G20", "identified")
    result = appeals.publish_appeals(world.db, "cora", out)
    assert result.on_site == ("G19",) and result.published_now == ()
    assert sorted(p.name for p in result.removed) == ["G20.html", "G20.jpg"]
    assert "G20" not in (out / "index.html").read_text()


def test_outcomes_name_a_country_only_when_identified(world: World, tmp_path: Path) -> None:
    published(world, tmp_path / "site", "G19")
    with pytest.raises(InvalidInput, match="which country"):
        appeals.record_outcome(world.db, "cora", "G19", "identified")
    with pytest.raises(PermissionDenied):
        appeals.record_outcome(world.db, "anna", "G19", "too_widespread")
    appeals.record_outcome(world.db, "cora", "G19", "identified", country="Germany")
    info = appeals.get_appeal(world.db, "G19")
    assert (info.outcome, info.outcome_country) == ("identified", "DE")
    appeals.record_outcome(world.db, "cora", "G19", "too_widespread",
                           note="sold in 40 countries")
    assert appeals.get_appeal(world.db, "G19").outcome_country is None


def test_a_draft_on_a_released_series_stays_with_its_series(world: World) -> None:
    public = draft(world, "anna")
    claims.release_claim(world.db, "anna", world.series_ids[0])
    info = appeals.get_appeal(world.db, public)
    assert (info.series_code, info.status) == ("S-001", "draft")


def test_the_database_itself_refuses_self_approval_on_both_backends(world: World) -> None:
    from sqlalchemy import text
    from sqlalchemy.exc import IntegrityError

    public = draft(world, "cora")
    for sql in ("UPDATE appeal_objects SET status = 'approved', approved_by_id = created_by_id",
                "UPDATE appeal_objects SET status = 'published'",  # nobody approved it
                "UPDATE appeal_objects SET outcome = 'identified'"):  # no country
        with pytest.raises(IntegrityError), world.db.engine.begin() as connection:
            connection.execute(text(sql + " WHERE public_id = :p"), {"p": public})
    assert appeals.get_appeal(world.db, public).status == "draft"
