"""Intake through the database: traps, hostile files, atomicity, idempotence, flags, round trip.

Every file is synthetic (made-up hashes). "Unchanged" means every row of every table the import
could touch is the same before and after.
"""

from __future__ import annotations

import io
import json
import threading
import time
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from tests.worlds.icse import icse_file, icse_row
from tests.worlds.sprint import World
from tests.worlds.vics import (
    V13,
    a_case,
    a_media,
    fake_hash,
    synth_bytes,
    vics_doc,
)
from vidtask.db.engine import Database
from vidtask.db.models import ChangeCounter, Event, Media, Series, SeriesLink
from vidtask.domain.errors import PermissionDenied
from vidtask.interchange.icse import read_icse, write_icse_csv
from vidtask.interchange.vics import read_vics
from vidtask.services import sprints
from vidtask.services.intake import (
    ImportCancelled,
    ImportProgress,
    ImportReport,
    IntakeRefused,
    import_hashlist,
    import_icse,
    import_vics,
)
from vidtask.services.media_export import export_vics


def snapshot(db: Database) -> dict[str, list[tuple[Any, ...]]]:
    out: dict[str, list[tuple[Any, ...]]] = {}
    with db.read() as session:
        for model in (Media, Series, SeriesLink, Event, ChangeCounter):
            rows = session.execute(select(model.__table__)).all()
            out[model.__tablename__] = sorted(tuple(map(repr, r)) for r in rows)
    return out


def vics(world: World, data: bytes, **options: Any) -> ImportReport:
    return import_vics(world.db, "cora", world.sprint_id, io.BytesIO(data), **options)


def media_of(db: Database, code: str) -> dict[str, Any]:
    with db.read() as session:
        rows = session.execute(select(Media.__table__).join(Series).where(Series.code == code))
        return {m.md5: m for m in rows}


# -- the traps of real files, now stored ----------------------------------------------------


def test_a_clean_file_creates_series_and_stores_every_field(world: World) -> None:
    data = vics_doc(a_media(1, SHA256=fake_hash(1, "sha256"), IsDistributed=True),
                    a_media(2, Series="Blue curtain"), region="US")
    report = vics(world, data)
    assert report.summary() == "2 records: 2 new, 0 already there, 0 skipped"
    assert [(s.code, s.created, s.new) for s in report.series] == [
        ("Blue curtain", True, 1), ("Pink wall", True, 1)]
    stored = media_of(world.db, "Pink wall")[fake_hash(1)]
    assert (stored.sha1, stored.sha256, stored.size_bytes, stored.category_code,
            stored.category_scheme, stored.is_distributed, stored.vics_media_id,
            stored.mime_type) == (fake_hash(1, "sha1"), fake_hash(1, "sha256"), 1001, 1,
                                  "VICS-US", True, "1", "image/jpeg")
    assert stored.extra["DateUpdated"] == "2024-06-14T10:00:00.8300Z"
    with world.db.read() as session:
        series = session.scalar(select(Series).where(Series.code == "Pink wall"))
        assert series is not None and series.vics_name == "Pink wall"


TRAPS: dict[str, tuple[bytes, str, dict[str, Any]]] = {
    "utf-8 BOM": (vics_doc(a_media(1), bom=True), "Pink wall", {}),
    "upper-case hashes": (vics_doc(a_media(1, MD5=fake_hash(1).upper(),
                                           SHA1=fake_hash(1, "sha1").upper())),
                          "Pink wall", {"sha1": fake_hash(1, "sha1")}),
    "string booleans": (vics_doc(a_media(1, VictimIdentified="false", IsDistributed="True",
                                         OffenderIdentified="FALSE")),
                        "Pink wall", {"victim_identified": False, "is_distributed": True,
                                      "offender_identified": False}),
    "MediaSize as text": (vics_doc(a_media(1, MediaSize="2048")), "Pink wall",
                          {"size_bytes": 2048}),
    "Series as a list": (vics_doc(a_media(1, Series=["Yellow sofa"])), "Yellow sofa", {}),
    "Tags as a list": (vics_doc(a_media(1, Tags=["a", "b"])), "Pink wall", {}),
    "unknown keys kept": (vics_doc(a_media(1, VendorScore={"x": 1})), "Pink wall", {}),
    "v1.3 PhotoDNA in AlternativeHashes": (
        vics_doc(a_media(1, AlternativeHashes=[{"HashName": "PhotoDNA", "HashValue": "QUJD"}]),
                 header=V13.format(shape="Media"), header_key="odata.metadata"),
        "Pink wall", {"category_scheme": "VICS-1"}),
    "v2.0 UK region": (vics_doc(a_media(1), region="UK"), "Pink wall",
                       {"category_scheme": "VICS-UK"}),
    "missing category is NULL": (vics_doc(a_media(1, Category=None)), "Pink wall",
                                 {"category_code": None, "category_scheme": None}),
    "Category 0 is a category": (vics_doc(a_media(1, Category=0)), "Pink wall",
                                 {"category_code": 0}),
    "case export": (vics_doc(a_case(1, a_media(1)), shape="Cases"), "Pink wall", {}),
    "no header": (vics_doc(a_media(1), header=""), "Pink wall", {"category_scheme": None}),
    "key case forgiven": (vics_doc({"md5": fake_hash(1), "series": "Pink wall"}), "Pink wall",
                          {}),
}


@pytest.mark.parametrize("trap", list(TRAPS))
def test_every_trap_of_real_files_lands_in_the_database(world: World, trap: str) -> None:
    data, code, expected = TRAPS[trap]
    report = vics(world, data)
    assert (report.new, report.skipped) == (1, 0)
    stored = media_of(world.db, code)[fake_hash(1)]
    for name, value in expected.items():
        assert getattr(stored, name) == value, name
    if trap == "Tags as a list":
        assert stored.extra["Tags"] == ["a", "b"]
    if trap == "unknown keys kept":
        assert stored.extra["VendorScore"] == {"x": 1}
    if trap == "v1.3 PhotoDNA in AlternativeHashes":
        assert stored.extra["PhotoDNA"] == "QUJD"


def test_repeated_media_id_and_repeated_md5(world: World) -> None:
    report = vics(world, vics_doc(a_media(1), a_media(2, MediaID=1), a_media(1)))
    assert (report.records, report.new, report.already) == (3, 2, 1)
    assert len(media_of(world.db, "Pink wall")) == 2


def test_messy_synthetic_file_imports_without_issues(world: World) -> None:
    report = vics(world, synth_bytes(300, messy=True))
    assert (report.records, report.new, report.skipped) == (300, 300, 0)


# -- records with problems are listed; strict refuses -----------------------------------------


def test_bad_records_are_skipped_and_listed_with_number_and_field(world: World) -> None:
    data = vics_doc(a_media(1), a_media(2, MD5="z" * 32), a_media(3, DateUpdated="2024-13-01"),
                    a_media(4, MediaSize="big"), a_media(5, Series=None), a_media(6))
    report = vics(world, data)
    assert report.summary() == "6 records: 3 new, 0 already there, 3 skipped (4 listed); 1 warning"
    assert [(i.record_no, i.field) for i in report.issues] == [
        (2, "MD5"), (3, "DateUpdated"), (4, "MediaSize"), (5, "Series")]


def test_records_without_series_go_to_the_chosen_series(world: World) -> None:
    report = vics(world, vics_doc(a_media(1, Series=None)), series="Loose media")
    assert [s.code for s in report.series] == ["Loose media"]


def test_overlong_series_name_is_a_listed_problem(world: World) -> None:
    report = vics(world, vics_doc(a_media(1, Series="x" * 150), a_media(2)))
    assert report.skipped == 1 and "longer than 100" in report.issues[0].reason


def test_strict_refuses_the_file_on_any_problem(world: World) -> None:
    before = snapshot(world.db)
    data = vics_doc(a_media(1), a_media(2), a_media(3, SHA1="abc"))
    with pytest.raises(IntakeRefused, match=r"Record 3, field 'SHA1'.*Nothing was imported"):
        vics(world, data, strict=True)
    assert snapshot(world.db) == before


# -- hostile and malformed files leave the database unchanged ---------------------------------


def _deep() -> bytes:
    return b'{"value":[{"MD5":' + b"[" * 100_000


MALFORMED: dict[str, tuple[str, bytes]] = {
    "truncated JSON": ("vics", vics_doc(a_media(1), a_media(2), a_media(3))[:-20]),
    "JSON bomb of deep nesting": ("vics", _deep()),
    "long single string": ("vics", vics_doc(a_media(1), a_media(2, Comments="x" * 2_000_000))),
    "binary file": ("vics", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4),
    "UTF-16": ("vics", vics_doc(a_media(1)).decode().encode("utf-16")),
    "Latin-1": ("vics", vics_doc(a_media(1), a_media(2, Comments="café")).replace(
        b"\\u00e9", b"\xe9")),
    "not VICS": ("vics", b'{"name": "not vics"}'),
    "empty": ("vics", b""),
    "ICSE with commas": ("icse", b"MD5,SHA1\nabc,def\n"),
    "ICSE without MD5 column": ("icse", b"SHA1;Series name\nabc;x\n"),
    "ICSE endless line": ("icse", b"MD5;x\n" + b"a" * 2_000_000),
    "hash list of SHA-256 only": ("hashes", (fake_hash(1, "sha256") + "\n").encode()),
    "hash list in UTF-16": ("hashes", fake_hash(1).encode("utf-16")),
}


@pytest.mark.parametrize("case", list(MALFORMED))
def test_malformed_files_are_refused_and_change_nothing(world: World, case: str) -> None:
    kind, data = MALFORMED[case]
    vics(world, vics_doc(a_media(100)))  # something already there
    before = snapshot(world.db)
    with pytest.raises(IntakeRefused, match=r"Cannot import this file: .*Nothing was imported"):
        if kind == "vics":
            vics(world, data)
        elif kind == "icse":
            import_icse(world.db, "cora", world.sprint_id, io.BytesIO(data))
        else:
            import_hashlist(world.db, "cora", world.sprint_id, io.BytesIO(data), "List")
    assert snapshot(world.db) == before


def _huge_number_file() -> bytes:
    """5 KB: an integer of 4,500 digits, which once crashed ijson's C backend (SIGSEGV)."""
    return vics_doc(a_media(1)).replace(b'"MediaSize": 1001', b'"MediaSize": ' + b"7" * 4500)


CRASH_INPUTS: dict[str, tuple[bytes, str]] = {
    "integer of 4,500 digits (#Media)": (
        _huge_number_file(), "a number runs longer than 100 digits"),
    "integer of 4,500 digits (#Cases)": (
        vics_doc(a_case(1, a_media(1)), shape="Cases").replace(
            b'"MediaSize": 1001', b'"MediaSize": -' + b"3" * 4500),
        "a number runs longer than 100 digits"),
    "NUL in a text value": (  # json.dumps writes the NUL as \\u0000
        vics_doc(a_media(1), a_media(2, Comments="before\x00after")), "NUL character"),
    "NUL in a series name": (vics_doc(a_media(1, Series="Pink\x00wall")), "NUL character"),
}


@pytest.mark.parametrize("case", list(CRASH_INPUTS))
def test_crash_inputs_give_one_sentence_and_change_nothing(world: World, case: str) -> None:
    data, sentence = CRASH_INPUTS[case]
    vics(world, vics_doc(a_media(100)))
    before = snapshot(world.db)
    with pytest.raises(IntakeRefused, match=sentence) as refused:
        vics(world, data)
    message = str(refused.value)
    assert message.startswith("Cannot import this file: ") and message.count(". ") == 1
    assert message.endswith("Nothing was imported.")
    assert snapshot(world.db) == before


def test_an_escaped_backslash_before_u0000_is_text_not_nul(world: World) -> None:
    report = vics(world, vics_doc(a_media(1, Comments="C:\\u0000\\x")))
    assert report.new == 1
    assert media_of(world.db, "Pink wall")[fake_hash(1)].extra["Comments"] == "C:\\u0000\\x"


def test_numbers_beyond_the_columns_skip_the_record_not_the_import(world: World) -> None:
    report = vics(world, vics_doc(a_media(1, MediaSize=2**63), a_media(2, Category=2**31),
                                  a_media(3, MediaID="x" * 101), a_media(4)))
    assert (report.new, report.skipped) == (1, 3)
    assert [i.field for i in report.issues] == ["MediaSize", "Category", "MediaID"]


def test_a_fatal_error_at_record_500_leaves_the_database_unchanged(world: World) -> None:
    records = [a_media(n) for n in range(1, 1001)]
    records[499] = a_media(500, Vendor=_nested(40))
    before = snapshot(world.db)
    with pytest.raises(IntakeRefused, match="nests deeper"):
        vics(world, vics_doc(*records))
    assert snapshot(world.db) == before


def _nested(depth: int) -> Any:
    value: Any = "leaf"
    for _ in range(depth):
        value = [value]
    return value


def test_cancel_halfway_rolls_everything_back(world: World) -> None:
    before = snapshot(world.db)
    cancel = threading.Event()
    seen: list[ImportProgress] = []

    def progress(step: ImportProgress) -> None:
        seen.append(step)
        if step.records >= 12_000:
            cancel.set()

    with pytest.raises(ImportCancelled, match="nothing was imported"):
        vics(world, synth_bytes(30_000), progress=progress, cancel=cancel)
    assert snapshot(world.db) == before
    assert seen[-1].bytes_total and 0 < seen[-1].bytes_read < seen[-1].bytes_total
    assert seen[-1].eta_seconds is not None


def test_dry_run_reports_without_saving(world: World) -> None:
    before = snapshot(world.db)
    report = vics(world, vics_doc(a_media(1), a_media(2, Series="New one")), dry_run=True)
    assert (report.new, report.series_created) == (2, 2)
    assert report.summary().endswith("dry run, nothing was saved")
    assert snapshot(world.db) == before


def test_specialists_may_not_import(world: World) -> None:
    with pytest.raises(PermissionDenied):
        import_vics(world.db, "anna", world.sprint_id, io.BytesIO(vics_doc(a_media(1))))


# -- idempotence, links, flags, events --------------------------------------------------------


def test_importing_the_same_file_twice_changes_nothing(world: World) -> None:
    data = synth_bytes(500, messy=True)
    first = vics(world, data)
    media_before = snapshot(world.db)["media"]
    again = vics(world, data)
    assert (again.new, again.already, again.series_created) == (0, first.new + first.already, 0)
    assert "0 new, 500 already there" in again.summary()
    assert snapshot(world.db)["media"] == media_before


def test_a_media_in_several_series_links_them(world: World) -> None:
    report = vics(world, vics_doc(a_media(1, Series="Pink wall, Hotel 12"),
                                  a_media(2, Series=["Hotel 12", "S-001"])))
    assert {frozenset(pair) for pair in report.links} == {
        frozenset({"Hotel 12", "S-001"}), frozenset({"Pink wall", "Hotel 12"})}
    with world.db.read() as session:
        assert len(session.scalars(select(SeriesLink)).all()) == 2


def test_existing_series_are_found_by_code_and_get_their_media(world: World) -> None:
    report = vics(world, vics_doc(a_media(1, Series="S-002")))
    (series,) = report.series
    assert (series.code, series.created, series.new) == ("S-002", False, 1)
    assert len(media_of(world.db, "S-002")) == 3


def test_identified_and_distributed_records_are_flagged_per_series(world: World) -> None:
    report = vics(world, vics_doc(a_media(1, VictimIdentified="true"),
                                  a_media(2, IsDistributed=True), a_media(3)))
    (series,) = report.series
    assert (series.victim_identified, series.distributed, series.flagged) == (1, 1, True)
    from vidtask.services.series import list_series

    row = next(r for r in list_series(world.db, world.sprint_id) if r.code == "Pink wall")
    assert row.identified_elsewhere == 1


def test_one_event_per_series_and_one_summary_event(world: World) -> None:
    report = vics(world, synth_bytes(2000))
    with world.db.read() as session:
        actions = [e.action for e in session.scalars(
            select(Event).where(Event.version > (report.changes.events[0].version - 1)))]
    assert actions.count("series.media_imported") == 5
    assert actions.count("intake.imported") == 1
    assert len(actions) == 5 + 5 + 1  # created, imported per series; one summary


# -- ICSE and hash lists ----------------------------------------------------------------------


def test_icse_import_and_formula_cells_stay_text_and_are_escaped_again(world: World) -> None:
    evil = "=cmd|' /C calc'!A0"
    data = icse_file(icse_row(1, **{"Image ID": evil, "Series name": "+Series"}), icse_row(2))
    report = import_icse(world.db, "cora", world.sprint_id, io.BytesIO(data))
    assert report.new == 2
    stored = media_of(world.db, "+Series")[fake_hash(1)]
    assert stored.extra["ICSEImageID"] == evil
    out = io.BytesIO()
    ids = [s.series_id for s in report.series]
    export_vics(world.db, ids, out)
    records = list(read_vics(io.BytesIO(out.getvalue())).records())
    csv_out = io.BytesIO()
    write_icse_csv(records, csv_out)
    text = csv_out.getvalue().decode()
    assert "'=cmd|" in text and ";'+Series;" in text
    assert [r.extra["ICSEImageID"] for r in read_icse(io.BytesIO(csv_out.getvalue()))
            if r.md5 == fake_hash(1)] == [evil]


def test_hash_list_into_a_named_series(world: World) -> None:
    data = f"{fake_hash(1).upper()}  a.jpg\n{fake_hash(2)}\nnot-a-hash\n".encode()
    report = import_hashlist(world.db, "cora", world.sprint_id, io.BytesIO(data), "List 1")
    assert report.summary() == "3 records: 2 new, 0 already there, 1 skipped (1 listed)"
    assert set(media_of(world.db, "List 1")) == {fake_hash(1), fake_hash(2)}


# -- export and round trip --------------------------------------------------------------------


def _rows(db: Database, sprint_id: int) -> list[tuple[Any, ...]]:
    with db.read() as session:
        rows = session.execute(
            select(Series.code, Series.vics_name, *[c for c in Media.__table__.c
                                                    if c.name not in _NOT_COMPARED])
            .join(Series, Series.id == Media.series_id).where(Series.sprint_id == sprint_id)
        ).all()
    return sorted(tuple(_shown(v) for v in r) for r in rows)


# ids of this database, and the source file's MediaID (each exported file numbers its media)
_NOT_COMPARED = ("id", "series_id", "vics_media_id", "intake_case_id")


def _shown(value: Any) -> str:
    return json.dumps(value, sort_keys=True) if isinstance(value, dict | list) else repr(value)


@pytest.mark.parametrize("shape", ["Media", "Cases"])
def test_export_then_import_keeps_every_stored_field(world: World, shape: str) -> None:
    traps = [a_media(1, SHA256=fake_hash(1, "sha256"), Tags=["a", "b"], VendorScore=[1, 2],
                     AlternativeHashes=[{"HashName": "PDQ", "HashValue": "f" * 64,
                                         "Quality": 80}]),
             a_media(2, Series="Pink wall, Blue curtain", VictimIdentified="true",
                     Comments="=cmd|x", Category=None),
             a_media(3, MediaSize="77", MediaID="x-3")]
    first = vics(world, vics_doc(*traps, region="UK"))
    second = vics(world, synth_bytes(200, messy=True, region="UK"))
    ids = sorted({s.series_id for s in first.series + second.series})
    out = io.BytesIO()
    written = export_vics(world.db, ids, out, shape=shape)
    assert written >= 202
    fresh = sprints.create_sprint(world.db, "admin", "Fresh", date(2027, 1, 1),
                                  date(2027, 1, 9))[0]
    report = import_vics(world.db, "cora", fresh.id, io.BytesIO(out.getvalue()))
    assert report.skipped == 0
    original = [r for r in _rows(world.db, world.sprint_id) if r[0] not in map(repr, world.codes)]
    assert _rows(world.db, fresh.id) == original
    again = io.BytesIO()
    fresh_ids = [s.series_id for s in report.series]
    export_vics(world.db, fresh_ids, again, shape=shape)
    assert again.getvalue() == out.getvalue()


def test_a_media_already_in_another_series_from_an_earlier_import_links_them(
        world: World) -> None:
    vics(world, vics_doc(a_media(1, Series="Pink wall"), a_media(2, Series="Pink wall")))
    report = vics(world, vics_doc(a_media(2, Series="Hotel 12"), a_media(3, Series="Hotel 12")))
    assert report.links == [("Pink wall", "Hotel 12")]
    with world.db.read() as session:
        (link,) = session.scalars(select(SeriesLink)).all()
        assert fake_hash(2) in link.reason
    again = vics(world, vics_doc(a_media(2, Series="Hotel 12")))
    assert again.new == 0 and again.links == []


def test_the_same_media_in_two_records_of_one_file_links_their_series(world: World) -> None:
    report = vics(world, vics_doc(a_media(1, Series="Pink wall"), a_media(1, Series="S-003")))
    assert {frozenset(pair) for pair in report.links} == {frozenset({"Pink wall", "S-003"})}


# -- SQLite: the write lock is taken only for the final copy ---------------------------------


def test_another_desktop_saves_while_a_sqlite_import_parses(world: World, backend: str,
                                                             db_url: str) -> None:
    """The file is parsed and staged with no write lock; a save elsewhere does not wait."""
    if backend != "sqlite":
        pytest.skip("PostgreSQL writers never wait on an import (row locks only)")
    other = Database(db_url)
    waited: list[float] = []

    def save_elsewhere(step: ImportProgress) -> None:
        if waited or step.records < 1000:
            return
        started = time.perf_counter()
        sprints.create_sprint(other, "admin", "Saved meanwhile", date(2027, 2, 1),
                              date(2027, 2, 9))
        waited.append(time.perf_counter() - started)

    report = vics(world, synth_bytes(5000), progress=save_elsewhere)
    assert report.new == 5000
    assert waited and waited[0] < 1.0
    other.dispose()
    folder = Path(str(world.db.engine.url.database)).parent
    assert not list(folder.glob(".vidtask-intake-*"))  # the scratch file is gone


def test_a_failed_sqlite_import_leaves_no_scratch_file(world: World, backend: str) -> None:
    if backend != "sqlite":
        pytest.skip("SQLite only")
    records = [a_media(n) for n in range(1, 3001)]
    records[2500] = a_media(2501, Vendor=_nested(40))
    with pytest.raises(IntakeRefused):
        vics(world, vics_doc(*records))
    folder = Path(str(world.db.engine.url.database)).parent
    assert not list(folder.glob(".vidtask-intake-*"))


def test_extra_json_is_the_same_through_the_fast_encoder() -> None:
    """encode_extra takes msgspec for text-only extras: byte for byte what json writes, on
    clean and messy synthetic files and every real-writer fixture; anything else (floats,
    unknown keys, a surrogate) goes through json."""
    from vidtask.services.intake import encode_extra

    plain = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    import tests.interchange

    fixtures = Path(tests.interchange.__file__).resolve().parent / "fixtures"
    files = [synth_bytes(300), synth_bytes(300, messy=True)]
    files += [p.read_bytes() for p in sorted(fixtures.glob("*.json"))]
    assert len(files) > 5
    seen = 0
    for data in files:
        for record in read_vics(io.BytesIO(data)).records():
            assert encode_extra(record.extra) == plain(record.extra)
            seen += 1
    assert seen > 600
    for extra in ({"DateUpdated": 1e16}, {"DateUpdated": [1.5]}, {"VendorScore": 2.5},
                  {"Comments": "\udc80 \u2028 \x00 \x7f é 😀 \"q\" \\"},
                  {"Tags": ["a", "b"], "IsSuspected": None, "PhotoDNA": "x" * 192}):
        assert encode_extra(extra) == plain(extra)


@pytest.mark.parametrize("cases", [2, 40])  # SQLite: ids mapped by a CASE, then by a join
def test_each_media_points_to_its_own_case(world: World, cases: int) -> None:
    from vidtask.db.models import IntakeCase

    doc = vics_doc(*[a_case(n, a_media(n, Series=f"S{n % 3}")) for n in range(1, cases + 1)],
                   shape="Cases")
    report = vics(world, doc)
    assert report.new == cases
    with world.db.read() as session:
        numbers = {c.id: c.case_number for c in session.scalars(select(IntakeCase))}
        media = {m.md5: (numbers[m.intake_case_id], m.series_id)
                 for m in session.scalars(select(Media).where(Media.intake_case_id.is_not(None)))}
        series = {s.id: s.code for s in session.scalars(select(Series))}
    assert {md5: (case, series[sid]) for md5, (case, sid) in media.items()} == {
        fake_hash(n): (f"SYN-{n}", f"S{n % 3}") for n in range(1, cases + 1)}
