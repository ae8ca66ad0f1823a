"""Small Trace-an-Object worlds for tests: published objects on the test sprint's series."""

from __future__ import annotations

from pathlib import Path

from tests.worlds.crops import jpeg_with_metadata, png_with_metadata
from tests.worlds.sprint import World
from vidtask.services import appeals, claims

TIPS_HEADER = "public_id,received_at,text,suggested_country,contact\n"


def draft(world: World, login: str = "cora", series: int = 0, *, public: str | None = None,
          object_type: str = "shampoo bottle", png: bool = False) -> str:
    """A draft object on series number `series`, drafted by `login` (who claims it if needed)."""
    series_id = world.series_ids[series]
    if login in ("anna", "bert", "dmytro"):
        claims.claim_series(world.db, login, series_id)
    crop = png_with_metadata() if png else jpeg_with_metadata()
    return appeals.create_appeal(world.db, login, series_id, crop, object_type=object_type,
                                 question="In which country is this sold?",
                                 public=public, region_hint="on the shelf, left").public_id


def published(world: World, out: Path, *publics: str, series: int = 0) -> list[str]:
    """Objects drafted by cora, approved by cody and published into `out`."""
    made = []
    for public in publics or ("G19",):
        made.append(draft(world, "cora", series, public=public))
        appeals.approve_appeal(world.db, "cody", made[-1])
    appeals.publish_appeals(world.db, "cody", out)
    return made


def tips_csv(path: Path, rows: list[str]) -> Path:
    path.write_text(TIPS_HEADER + "".join(r + "\n" for r in rows), encoding="utf-8")
    return path
