"""Files shaped like those real writers produce (tests/interchange/fixtures/README.md names each
source), imported, exported and imported again through the services on both backends."""

from __future__ import annotations

import io
import json
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from tests.worlds.sprint import World
from vidtask.db.models import IntakeCase, Media
from vidtask.services import sprints
from vidtask.services.intake import (
    ImportReport,
    IntakeRefused,
    import_hashlist,
    import_icse,
    import_vics,
)
from vidtask.services.media_export import export_vics

FIXTURES = Path(__file__).parent / "fixtures"

# file -> (format, --series given, new records, warnings)
FORMATS: dict[str, tuple[str, str | None, int, int]] = {
    "nsrl_caid_v1_2.json": ("vics", "NSRL known files", 3, 0),
    "projectvic_2_0_distribution.json": ("vics", "Project VIC excerpt", 4, 0),
    "nsrlconvert_sha1_only.json": ("vics", "NSRL SHA-1", 3, 0),
    "clees4all_old.json": ("vics", None, 3, 3),  # three dates read as +01:00
    "clees4all_new.json": ("vics", None, 3, 0),
    "recon_lab_cases_in_media.json": ("vics", None, 2, 2),  # Category "SRC1" as a tag
    "icse_2022_baseline.csv": ("icse", None, 3, 0),
    "NSRLFile.txt": ("hashes", "NSRL RDS", 3, 0),
    "hashkeeper.hsh": ("hashes", "HashKeeper", 3, 0),
    "hashdeep.txt": ("hashes", "hashdeep", 3, 0),
    "md5sum.txt": ("hashes", "md5sum", 3, 0),
    "md5sum_tag.txt": ("hashes", "md5sum --tag", 3, 0),
    "sha1sum.txt": ("hashes", "sha1sum", 3, 0),
}


def run(world: World, name: str, fmt: str, series: str | None, *,
        sprint_id: int | None = None, data: bytes | None = None) -> ImportReport:
    stream = io.BytesIO(data if data is not None else (FIXTURES / name).read_bytes())
    sprint = sprint_id or world.sprint_id
    if fmt == "vics":
        return import_vics(world.db, "cora", sprint, stream, series=series)
    if fmt == "icse":
        return import_icse(world.db, "cora", sprint, stream, series=series)
    assert series is not None
    return import_hashlist(world.db, "cora", sprint, stream, series)


@pytest.mark.parametrize("name", list(FORMATS))
def test_each_real_format_imports_exports_and_imports_again(world: World, name: str) -> None:
    fmt, series, new, warnings = FORMATS[name]
    report = run(world, name, fmt, series)
    assert (report.new, report.skipped, report.warnings) == (new, 0, warnings), report.issues
    ids = [s.series_id for s in report.series]
    out = io.BytesIO()
    assert export_vics(world.db, ids, out) == new  # every imported file exports
    doc = json.loads(out.getvalue())
    assert list(doc) == ["@odata.context", "value"]
    assert [m["MediaID"] for m in doc["value"]] == list(range(1, new + 1))
    text = json.dumps(doc["value"])
    for never in ("odata.", "ProductCode", "Agency", "Investigation name", "CRC32", "ZZ40"):
        assert never not in text, never
    fresh = sprints.create_sprint(world.db, "admin", f"Again {name}", date(2027, 1, 1),
                                  date(2027, 1, 9))[0]
    again = run(world, name, "vics", series, sprint_id=fresh.id, data=out.getvalue())
    assert (again.new, again.skipped) == (new, 0)


def test_a_distribution_without_series_is_refused_up_front(world: World) -> None:
    with pytest.raises(IntakeRefused, match="This file names no series: give --series NAME"):
        run(world, "projectvic_2_0_distribution.json", "vics", None)


def test_a_list_of_sha256_only_is_refused_in_one_sentence(world: World) -> None:
    with pytest.raises(IntakeRefused, match=r"only SHA-256 hashes.*Nothing was imported"):
        run(world, "sha256sum.txt", "hashes", "sha256sum")


def test_nsrl_caid_categories_export_as_non_pertinent(world: World) -> None:
    report = run(world, "nsrl_caid_v1_2.json", "vics", "NSRL known files")
    out = io.BytesIO()
    export_vics(world.db, [s.series_id for s in report.series], out, region="US")
    doc = json.loads(out.getvalue())
    assert {m["Category"] for m in doc["value"]} == {0}  # VICS-1 8 (known file)
    assert {m["MediaSize"] for m in doc["value"]} == {488, 489, 490}


def test_nsrl_rds_size_and_provenance(world: World) -> None:
    report = run(world, "NSRLFile.txt", "hashes", "NSRL RDS")
    with world.db.read() as session:
        rows = list(session.scalars(select(Media).where(
            Media.series_id == report.series[0].series_id).order_by(Media.size_bytes)))
        assert [r.size_bytes for r in rows] == [4096, 8192, 12288]
        assert rows[0].provenance["NSRL"]["FileName"] == "synthetic0.dll"
        assert rows[0].extra == {}


def test_recon_lab_cases_are_stored_and_come_back_in_a_cases_export(world: World) -> None:
    report = run(world, "recon_lab_cases_in_media.json", "vics", None)
    with world.db.read() as session:
        (case,) = session.scalars(select(IntakeCase))
        assert (case.case_number, case.source_application_version) == ("SYN-RL-1", "6.1")
    out = io.BytesIO()
    export_vics(world.db, [s.series_id for s in report.series], out, shape="Cases")
    (written,) = json.loads(out.getvalue())["value"]
    assert (written["CaseID"], written["ContactOrganization"]) == (
        "{00000000-0000-4000-8000-000000000001}", "Synthetic Lab")
    assert all("SRC1" in m["Tags"] for m in written["Media"])


def test_reimport_adds_new_facts_and_keeps_a_conflicting_category(world: World) -> None:
    name = "clees4all_new.json"
    run(world, name, "vics", None)
    doc = json.loads((FIXTURES / name).read_text())
    doc["value"][0]["VictimIdentified"] = True
    doc["value"][1]["Category"] = 1  # stored: 2
    del doc["value"][2]["SHA1"]
    report = run(world, name, "vics", None, data=json.dumps(doc).encode())
    assert (report.new, report.updated, report.already) == (0, 1, 2)
    assert "1 updated" in report.summary()
    assert [(i.field, i.kept) for i in report.issues] == [("Category", True)]
    with world.db.read() as session:
        rows = list(session.scalars(select(Media).where(
            Media.series_id == report.series[0].series_id).order_by(Media.size_bytes)))
        assert [r.victim_identified for r in rows] == [True, False, False]
        assert rows[1].category_code == 2
        assert rows[2].sha1 is not None
