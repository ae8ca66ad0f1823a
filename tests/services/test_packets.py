"""Notification packets: leakage, determinism, versions, sanitising, handling, feedback."""

from __future__ import annotations

import io
import json
import re
import zipfile
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader

from tests.worlds.review import confirmed
from tests.worlds.sprint import World
from vidtask.cli import main
from vidtask.db.engine import Database
from vidtask.domain.errors import InvalidInput, PermissionDenied
from vidtask.interchange.packets import verify_packet
from vidtask.services import assessments, claims, clues, review
from vidtask.services.assessments import CandidateInput
from vidtask.services.demo import generate_demo
from vidtask.services.feedback import import_feedback
from vidtask.services.packets import export_country_packets
from vidtask.services.participants import list_participants
from vidtask.services.review import dissemination_list, review_queue
from vidtask.services.series import NewSeries, create_series, series_id_by_code, update_series
from vidtask.services.series_detail import get_series_detail, series_timeline
from vidtask.services.stats import sprint_stats


def zip_text(path: Path) -> str:
    """Every file of a packet as text; the PDF through pypdf, whitespace normalised."""
    parts = []
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            data = archive.read(name)
            if name.endswith(".pdf"):
                text = "\n".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(data)).pages)
                parts.append(re.sub(r"\s+", " ", text))
            elif name.endswith(".sig"):
                parts.append(data.hex())
            else:
                parts.append(data.decode("utf-8"))
    return "\n".join(parts)


def test_no_packet_names_another_countrys_series(db: Database, tmp_path: Path) -> None:
    summary = generate_demo(db, series_count=60, today=date(2026, 6, 10))
    coordinator = next(p.login for p in list_participants(db) if p.role == "coordinator")
    results = export_country_packets(db, coordinator, summary.sprint.id, tmp_path)
    assert len(results) >= 5
    series_of = {r.country: set(r.series_codes) for r in results}
    media_of = {code: [m.md5 for m in get_series_detail(
        db, series_id_by_code(db, summary.sprint.id, code)).media]
        for codes in series_of.values() for code in codes}
    for result in results:
        assert result.path is not None and verify_packet(result.path).ok
        text = zip_text(result.path)
        for code in result.series_codes:
            assert code in text
        others = {c for country, codes in series_of.items() if country != result.country
                  for c in codes} - series_of[result.country]
        for code in others:
            assert code not in text, f"{result.country} packet names {code}"
            for md5 in media_of[code]:
                assert md5 not in text.lower()


def test_reexport_is_byte_identical_and_a_change_bumps_the_version(world: World,
                                                                    tmp_path: Path) -> None:
    confirmed(world, world.series_ids[0])
    confirmed(world, world.series_ids[1])
    first = export_country_packets(world.db, "cora", world.sprint_id, tmp_path / "a")
    assert [(r.country, r.packet_version, r.outcome) for r in first] == [("DE", 1, "new")]
    assert {s.status for s in (get_series_detail(world.db, i) for i in world.series_ids[:2])} \
        == {"notified"}
    assert export_country_packets(world.db, "cora", world.sprint_id, tmp_path / "b")[0].outcome \
        == "nothing new"
    again = export_country_packets(world.db, "cora", world.sprint_id, tmp_path / "c",
                                   include_notified=True)
    assert again[0].outcome == "unchanged"
    assert first[0].path is not None and again[0].path is not None
    assert again[0].path.name == first[0].path.name
    assert again[0].path.read_bytes() == first[0].path.read_bytes()

    detail = get_series_detail(world.db, world.series_ids[0])
    update_series(world.db, "cora", detail.id, detail.version, victim_age_band="7-10")
    bumped = export_country_packets(world.db, "cora", world.sprint_id, tmp_path / "d",
                                    include_notified=True)[0]
    assert bumped.packet_version == 2 and bumped.outcome == "new version"
    assert "S-001 (victim description)" in bumped.changes
    assert bumped.path is not None and "version 2" in zip_text(bumped.path)


def test_hostile_names_stay_inside_the_output_folder(world: World, db_url: str,
                                                    tmp_path: Path) -> None:
    nul = ""  # NUL in names is refused on both backends now (issue 12); see test_text_limits
    codes = ["../../etc/x", f"..\\..\\win{nul}dows", "Z" * 100]
    create_series(world.db, "admin", world.sprint_id, [
        NewSeries(code=c, alias=f"../{nul}<b>evil</b> " + "long " * 30, media=[
            {"md5": f"{i:032x}", "mime_type": "image/jpeg"}]) for i, c in enumerate(codes, 100)])
    for code in codes:
        confirmed(world, series_id_by_code(world.db, world.sprint_id, code))
    out = tmp_path / "jail" / "out"
    results = export_country_packets(world.db, "cora", world.sprint_id, out)
    files = [p for p in (tmp_path / "jail").rglob("*") if p.is_file()]
    assert files and all(p.parent == out for p in files)
    assert results[0].path is not None and verify_packet(results[0].path).ok
    text = zip_text(results[0].path)
    assert "../../etc/x" in text and "Z" * 100 in text


def test_verify_packet_finds_tampering(world: World, tmp_path: Path,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    confirmed(world, world.series_ids[0])
    path = export_country_packets(world.db, "cora", world.sprint_id, tmp_path)[0].path
    assert path is not None
    assert main(["verify-packet", str(path)]) == 0
    tampered = tmp_path / "tampered.zip"
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(tampered, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "hashes.icse.csv":
                data = data.replace(b"No", b"Yes", 1)
            dst.writestr(info, data)
    assert main(["verify-packet", str(tampered)]) == 1
    # the file no longer matches the signed manifest
    assert "hashes.icse.csv does not match MANIFEST.sha256" in capsys.readouterr().err


def test_packets_are_signed_with_the_sprints_key_and_checked_against_its_fingerprint(
        world: World, db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    confirmed(world, world.series_ids[0])
    path = export_country_packets(world.db, "cora", world.sprint_id, tmp_path)[0].path
    assert path is not None
    capsys.readouterr()
    assert main(["sprint", "public-key", "--json", "--database", db_url]) == 0
    key = json.loads(capsys.readouterr().out)
    assert key["algorithm"] == "Ed25519" and key["fingerprint"].startswith("SHA256:")
    # the key and its fingerprint are printed in the packet itself
    text = zip_text(path)
    assert key["fingerprint"] in text and key["public_key"] in text
    assert json.loads(zipfile.ZipFile(path).read("packet.json"))["header"]["signing_key"] == {
        "algorithm": "Ed25519", "public_key": key["public_key"],
        "fingerprint": key["fingerprint"]}
    assert main(["verify-packet", str(path), "--fingerprint", key["fingerprint"]]) == 0
    assert "That is the key you trust." in capsys.readouterr().out
    pem = tmp_path / "sprint.pem"
    assert main(["sprint", "public-key", "--out", str(pem), "--database", db_url]) == 0
    assert main(["verify-packet", str(path), "--public-key", str(pem)]) == 0
    capsys.readouterr()
    # after the administrator replaces the key, the old packet no longer matches the sprint's
    assert main(["sprint", "edit", "--new-signing-key", "--database", db_url,
                 "--as", "admin"]) == 0
    capsys.readouterr()
    assert main(["sprint", "public-key", "--out", str(pem), "--database", db_url]) == 0
    assert main(["verify-packet", str(path), "--public-key", str(pem)]) == 1
    assert "not with the key you trust" in capsys.readouterr().err
    again = export_country_packets(world.db, "cora", world.sprint_id, tmp_path / "b",
                                   include_notified=True)[0]
    assert again.outcome == "new version" and again.path is not None
    assert "Packet header changed" in again.changes
    assert main(["verify-packet", str(again.path), "--public-key", str(pem)]) == 0


def test_specialists_neither_export_nor_read_the_signing_key(world: World) -> None:
    from vidtask.services.sprints import signing_key

    confirmed(world, world.series_ids[0])
    with pytest.raises(PermissionDenied):
        export_country_packets(world.db, "anna", world.sprint_id, Path("/nonexistent"))
    assert "BEGIN PRIVATE KEY" in signing_key(world.db, "cora", world.sprint_id)


def test_deeply_nested_feedback_gives_one_sentence(world: World) -> None:
    from vidtask.interchange.packet_feedback import FeedbackFormatError

    for hostile in (b"[" * 100_000, b'{"feedback":' * 50_000, b'{"a":' + b"[" * 2_000_000):
        with pytest.raises(FeedbackFormatError, match="nested more than 32 levels deep"):
            import_feedback(world.db, "cody", hostile)


def test_pdf_names_every_series_country_and_handling_code(world: World, tmp_path: Path) -> None:
    confirmed(world, world.series_ids[0])
    confirmed(world, world.series_ids[1], ("AT", "DE"), proposed=("AT", "DE"))
    results = export_country_packets(world.db, "cora", world.sprint_id, tmp_path, handling="H1")
    assert [r.country for r in results] == ["AT", "DE"]
    for result in results:
        assert result.path is not None
        with zipfile.ZipFile(result.path) as archive:
            reader = PdfReader(io.BytesIO(archive.read("report.pdf")))
            doc = json.loads(archive.read("packet.json"))
        text = re.sub(r"\s+", " ", " ".join(p.extract_text() for p in reader.pages))
        for code in result.series_codes:
            assert code in text
        assert result.country_name in text and "H1" in text
        assert "Not for use in court without permission of the originator" in text
        assert doc["schema_version"] == "2.0" and doc["header"]["handling"] == "H1"
    # The series confirmed for both countries appears in both packets.
    assert "S-002" in results[0].series_codes and "S-002" in results[1].series_codes


def test_h2_clues_need_a_logged_override(world: World, tmp_path: Path) -> None:
    confirmed(world, world.series_ids[0], h2_clue=True)
    with pytest.raises(PermissionDenied):
        export_country_packets(world.db, "anna", world.sprint_id, tmp_path, override_h2=True,
                               override_reason="court order")
    with pytest.raises(InvalidInput, match="reason"):
        export_country_packets(world.db, "cora", world.sprint_id, tmp_path, override_h2=True,
                               override_reason="  ")
    plain = export_country_packets(world.db, "cora", world.sprint_id, tmp_path / "a")[0]
    assert plain.path is not None
    assert "Kassel" not in zip_text(plain.path) and "green van" not in zip_text(plain.path)
    assert "2 clue(s) under handling code H2 or H3 are withheld" in zip_text(plain.path)
    assert not any(e.action == "handling.overridden" for e in plain.events.events)
    forced = export_country_packets(world.db, "cora", world.sprint_id, tmp_path / "b",
                                    include_notified=True, override_h2=True,
                                    override_reason="prosecutor agreed")[0]
    assert forced.path is not None
    assert "Kassel" in zip_text(forced.path) and "green van" in zip_text(forced.path)
    # one override mechanism: the event the handling service defines, on the series
    [override] = [e for e in forced.events.events if e.action == "handling.overridden"]
    assert (override.entity_type, override.series_id) == ("series", world.series_ids[0])
    assert [e.action for e in series_timeline(world.db, world.series_ids[0])][-1] \
        == "handling.overridden"
    assert json.loads(zipfile.ZipFile(forced.path).read("packet.json"))["header"]["handling"] \
        == "H3"


def test_review_queue_shows_four_eyes_and_the_dissemination_list(world: World) -> None:
    series_id = world.series_ids[0]
    claims.claim_series(world.db, "cora", series_id)
    assessments.set_candidates(world.db, "cora", series_id, [CandidateInput("PL", 60)])
    assessments.propose(world.db, "cora", series_id)
    item = review_queue(world.db, world.sprint_id)[0]
    assert item.code == "S-001" and not item.may_confirm("cora") and item.may_confirm("cody")
    with pytest.raises(PermissionDenied, match="four-eyes"):
        review.confirm_countries(world.db, "cora", series_id, ["PL"])
    review.confirm_countries(world.db, "cody", series_id, ["PL"])
    assert review_queue(world.db, world.sprint_id) == []
    [entry] = dissemination_list(world.db, world.sprint_id)
    assert (entry.country, entry.waiting, entry.sent) == ("PL", ("S-001",), ())


def test_feedback_import_feeds_the_statistics(world: World, db_url: str, tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    confirmed(world, world.series_ids[0])
    path = export_country_packets(world.db, "cora", world.sprint_id, tmp_path)[0].path
    assert path is not None
    document = json.loads(zipfile.ZipFile(path).read("packet.json"))
    document["feedback"]["series"][0].update(victim_identified="yes", victim_safeguarded=True,
                                              offender_identified="false",
                                              reported_on="2026-07-01", text="Child safe.")
    result = import_feedback(world.db, "cody", json.dumps(document).encode())
    assert result.recorded == 1
    stats = sprint_stats(world.db, world.sprint_id)
    assert (stats.victims_identified, stats.victims_safeguarded, stats.offenders_identified) \
        == (1, 1, 0)
    feedback_file = tmp_path / "back.json"
    feedback_file.write_text(json.dumps(document))
    assert main(["feedback", "import", str(feedback_file), "--database", db_url,
                 "--as", "anna"]) == 1
    assert "may not record country feedback" in capsys.readouterr().err


def test_hash_annex_reads_back_with_the_intake_readers(world: World, tmp_path: Path) -> None:
    from vidtask.interchange.icse import read_icse
    from vidtask.interchange.vics import read_vics

    confirmed(world, world.series_ids[0])
    path = export_country_packets(world.db, "cora", world.sprint_id, tmp_path)[0].path
    assert path is not None
    with zipfile.ZipFile(path) as archive:
        vics = list(read_vics(io.BytesIO(archive.read("hashes.vics.json"))))
        icse = list(read_icse(io.BytesIO(archive.read("hashes.icse.csv"))))
    md5s = sorted(m.md5.lower() for m in get_series_detail(world.db, world.series_ids[0]).media)
    assert sorted(r.md5.lower() for r in vics) == md5s == sorted(r.md5.lower() for r in icse)
    assert {r.series_names for r in icse} == {("S-001",)}
    # the world's categories are VICS-US, so the file is written in the US region
    assert {(r.category_code, r.category_scheme) for r in vics} == {(1, "VICS-US")}


def test_every_clue_says_what_it_means_for_the_recipient(world: World, tmp_path: Path) -> None:
    series_id = world.series_ids[0]
    claims.claim_series(world.db, "anna", series_id)
    for category, description, kind, value, supports in (
            ("text", "Labels on the shelf", "language", "de", ()),
            ("currency", "A coin on the floor", "currency", "CHF", ()),
            ("product", "Crisps sold in Austria only", "none", None, ("AT",)),
            ("furniture", "Flat-pack shelf sold in 40 countries", "none", None, ())):
        clues.add_clue(world.db, "anna", series_id, clues.ClueInput(
            category, description, kind=kind, value=value, supports=supports))
    assessments.set_candidates(world.db, "anna", series_id, [CandidateInput("DE", 60),
                                                             CandidateInput("AT", 40)])
    assessments.propose(world.db, "anna", series_id)
    review.confirm_countries(world.db, "cora", series_id, ["DE", "AT"])
    results = {r.country: r for r in export_country_packets(world.db, "cora", world.sprint_id,
                                                            tmp_path)}
    effects = {}
    for country, result in results.items():
        assert result.path is not None
        document = json.loads(zipfile.ZipFile(result.path).read("packet.json"))
        effects[country] = {c["description"]: (c["effect"], c["value_words"])
                            for c in document["series"][0]["clues"]}
    assert effects["DE"] == {
        "Labels on the shelf": ("supports", "Language of visible text: German (de)"),
        "A coin on the floor": ("excludes", "Currency: Swiss franc (CHF)"),
        "Crisps sold in Austria only": ("neutral", ""),
        "Flat-pack shelf sold in 40 countries": ("neutral", "")}
    assert effects["AT"]["Crisps sold in Austria only"] == ("supports", "")
    assert results["DE"].path is not None
    pdf = zipfile.ZipFile(results["DE"].path).read("report.pdf")
    text = re.sub(r"\s+", " ", " ".join(p.extract_text() or ""
                                        for p in PdfReader(io.BytesIO(pdf)).pages))
    pointing_away = text.index("Clues pointing away from Germany")
    assert text.index("Clues pointing to Germany") < text.index("Labels on the shelf") \
        < pointing_away < text.index("Currency: Swiss franc (CHF)")
    assert "Swiss franc" in text.split("Clues pointing away from Germany")[1]
    assert "Clues that say nothing about Germany either way" in text


def test_a_failed_commit_leaves_no_packet_on_disk(world: World, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    from sqlalchemy.exc import OperationalError
    from sqlalchemy.orm import Session

    confirmed(world, world.series_ids[0])
    out = tmp_path / "out"
    out.mkdir()

    def cut(self: Session) -> None:
        raise OperationalError("COMMIT", {}, Exception("server closed the connection"))

    monkeypatch.setattr(Session, "commit", cut)
    with pytest.raises(OperationalError):
        export_country_packets(world.db, "cora", world.sprint_id, out)
    monkeypatch.undo()
    assert list(out.iterdir()) == []  # neither a ZIP nor a temporary file
    assert get_series_detail(world.db, world.series_ids[0]).status == "confirmed"
    [entry] = dissemination_list(world.db, world.sprint_id)
    assert entry.sent == ()
    # the next export works and writes the packet
    [result] = export_country_packets(world.db, "cora", world.sprint_id, out)
    assert result.outcome == "new" and [p.name for p in out.iterdir()] == [result.path.name]


def test_a_refused_vics_export_leaves_the_existing_file_untouched(
        world: World, db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    create_series(world.db, "admin", world.sprint_id, [NewSeries(code="S-UK", media=[
        {"md5": "f" * 32, "category_code": 1, "category_scheme": "VICS-UK"}])])
    out = tmp_path / "export.json"
    out.write_text("yesterday's export")
    # mixed category schemes (VICS-US and VICS-UK) are refused in one sentence
    assert main(["export", "vics", "--out", str(out), "--database", db_url]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "several VICS regions" in err
    assert out.read_text() == "yesterday's export"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []
    assert main(["export", "vics", "--out", str(out), "--series", "S-001",
                 "--database", db_url]) == 0
    assert json.loads(out.read_text())["value"]


def test_a_change_committed_during_the_export_is_in_the_packet(world: World,
                                                               tmp_path: Path) -> None:
    """The export reads its plans first and writes each packet later: a change to a planned
    series committed in between is seen and the packet re-planned, not sent stale."""
    confirmed(world, world.series_ids[0])
    detail = get_series_detail(world.db, world.series_ids[0])

    def meanwhile(done: int, total: int, country: str) -> None:
        if country == "DE":
            update_series(world.db, "cora", detail.id, detail.version, victim_age_band="7-10")

    result = export_country_packets(world.db, "cora", world.sprint_id, tmp_path, progress=meanwhile)
    assert result[0].path is not None
    assert '"victim_age_band": "7-10"' in zip_text(result[0].path)


def test_a_transaction_that_appended_earlier_but_commits_later_is_not_missed(
        world: World, tmp_path: Path) -> None:
    """PostgreSQL positions are taken while appending, so an earlier transaction can commit
    after a later one; the export's snapshot is the feed horizon, not the largest version."""
    if not world.db.is_postgresql:
        pytest.skip("SQLite writers are serialised: versions are commit-ordered")
    import psycopg

    confirmed(world, world.series_ids[0])
    sid = world.series_ids[0]
    early = psycopg.connect(world.db.url.set(drivername="postgresql").render_as_string(
        hide_password=False))
    try:
        early.execute("UPDATE series SET victim_age_band = '7-10' WHERE id = %s", (sid,))
        early.execute("SELECT vidtask_append_events(%s::jsonb)", (json.dumps([{
            "actor_login": "postgres", "action": "series.updated", "entity_type": "series",
            "entity_id": sid, "series_id": sid, "sprint_id": world.sprint_id}]),))
        claims.claim_series(world.db, "bert", world.series_ids[2])  # later, commits first

        def meanwhile(done: int, total: int, country: str) -> None:
            if country == "DE" and not early.closed:
                early.commit()
                early.close()

        result = export_country_packets(world.db, "cora", world.sprint_id, tmp_path,
                                        progress=meanwhile)
    finally:
        early.close()
    assert result[0].path is not None
    assert '"victim_age_band": "7-10"' in zip_text(result[0].path)
