"""The public pages carry nothing operational: leak-tested like packets, on a real sprint."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from tests.worlds.crops import jpeg_with_metadata
from tests.worlds.sprint import World
from vidtask.db.models import Media, Participant, Series, Sprint
from vidtask.interchange.appeal_site import PublicObject, site_files
from vidtask.interchange.crops import metadata_blocks
from vidtask.services import appeals, claims, clues
from vidtask.services.series import update_series


def _operational_words(world: World) -> list[str]:
    """Everything of the sprint the public must never read."""
    with world.db.read() as session:
        words = [w for s in session.scalars(select(Series)) for w in (s.code, s.alias) if w]
        words += [m.md5 for m in session.scalars(select(Media)) if m.md5]
        for person in session.scalars(select(Participant)):
            words += [person.login, person.display_name, person.agency]
        sprint = session.scalars(select(Sprint)).one()
        words += [sprint.name, sprint.issuing_unit, sprint.contact_name, sprint.contact_email]
    return [w for w in words if w and len(w) >= 4]


def test_published_pages_carry_no_series_code_alias_clue_hash_or_officer_name(
        world: World, tmp_path: Path) -> None:
    series_id = world.series_ids[0]
    claims.claim_series(world.db, "anna", series_id)
    clue_id, _ = clues.add_clue(world.db, "anna", series_id, clues.ClueInput(
        category="packaging", description="Blue shampoo bottle beside the bath, Cyrillic label",
        evidence_md5=f"{1:08x}{0:024x}", evidence_region="top left", supports=("UA",)))
    from vidtask.services.series_detail import get_series_detail

    detail_version = get_series_detail(world.db, series_id).version
    update_series(world.db, "cora", series_id, detail_version, alias="Pink bathroom wall")
    public = appeals.create_appeal(
        world.db, "anna", series_id, jpeg_with_metadata(), object_type="shampoo bottle",
        question="In which country is this shampoo sold?", region_hint="the label's colours",
        clue_id=clue_id).public_id
    appeals.approve_appeal(world.db, "cody", public)
    out = tmp_path / "site"
    appeals.publish_appeals(world.db, "cody", out, tip_url="https://tips.example.invalid/form")

    files = [p for p in sorted(out.rglob("*")) if p.is_file()]
    everything = b"".join(p.read_bytes() for p in files)
    folded = "".join(p.read_text("utf-8") for p in files
                     if p.suffix in (".html", ".json", ".css")).casefold()
    forbidden = [*_operational_words(world), "Blue shampoo bottle beside the bath", "Cyrillic",
                 "CL-", "top left", "Pink bathroom wall", "S-00"]
    assert [w for w in forbidden if re.search(
        rf"(?<![a-z0-9]){re.escape(w.casefold())}(?![a-z0-9])", folded)] == []
    assert "ua" not in _words(folded)  # the country the clue supports
    for secret in (b"VidCam", b"SN-4711-SECRET", b"case-folder-S-001", b"Europol-unit-comment",
                   b"Exif", b"ICC_PROFILE", b"http://ns.adobe.com"):
        assert secret not in everything
    images = [p for p in files if p.parent.name == "images"]
    assert [metadata_blocks(p.read_bytes()) for p in images] == [[]]
    index = (out / "index.html").read_text()
    assert "In which country is this shampoo sold?" in index and f"{public}: shampoo bottle" \
        in index
    page = (out / "objects" / f"{public}.html").read_text()
    assert "the label&#x27;s colours" in page
    assert f"https://tips.example.invalid/form?object={public}" in page
    document = json.loads((out / "objects.json").read_text())
    assert set(document["objects"][0]) == {"id", "object_type", "question", "region_hint",
                                           "page", "image", "image_type", "image_width",
                                           "image_height", "on_appeal_since"}


def _words(text: str) -> set[str]:
    return set(re.findall(r"[a-z0-9]+", text))


def test_markup_in_what_people_typed_is_escaped_and_ids_never_make_paths() -> None:
    obj = PublicObject("G1", "<script>alert(1)</script>", "Is it \"yours\" & where?", "",
                       b"\x89PNG", "image/png", 10, 10, date(2026, 6, 3))
    files = site_files([obj], published_on=date(2026, 6, 3))
    page = files["objects/G1.html"].decode()
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert "&quot;yours&quot; &amp; where?" in page
    with pytest.raises(ValueError, match="unsafe public ID"):
        site_files([PublicObject("../x", "t", "q", "", b"", "image/png", 1, 1,
                                 date(2026, 6, 3))], published_on=date(2026, 6, 3))


def test_the_same_objects_give_the_same_bytes() -> None:
    objects = [PublicObject(f"G{n}", "bag", "Where?", "", bytes([n]), "image/jpeg", 5, 5,
                            date(2026, 6, n)) for n in (10, 2, 1)]
    first = site_files(objects, published_on=date(2026, 6, 12))
    assert first == site_files(list(reversed(objects)), published_on=date(2026, 6, 12))
    ids = [o["id"] for o in json.loads(first["objects.json"])["objects"]]
    assert ids == ["G1", "G2", "G10"]
    assert list(first)[-1] == "index.html"


def _visible(page: bytes) -> str:
    return " ".join(re.sub(r"<[^>]+>", "", page.decode()).split())


def test_dates_read_as_in_the_app_and_packets_whoever_publishes() -> None:
    from vidtask.domain.dates import set_user_locale

    obj = PublicObject("G19", "bag", "Where?", "", b"\x89PNG", "image/png", 5, 5,
                       date(2026, 12, 1))
    set_user_locale("de_DE")  # the publisher's desktop; the English pages do not follow it
    try:
        files = site_files([obj], published_on=date(2026, 12, 2))
    finally:
        set_user_locale(None)
    page, index = _visible(files["objects/G19.html"]), _visible(files["index.html"])
    assert "Object G19, on appeal since 1 Dec 2026." in page
    assert "Updated 2 Dec 2026." in index
    assert not re.search(r"\d{4}-\d\d-\d\d", page + index)
    assert '<time datetime="2026-12-01">' in files["objects/G19.html"].decode()
    assert json.loads(files["objects.json"])["objects"][0]["on_appeal_since"] == "2026-12-01"
