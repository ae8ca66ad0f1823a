"""`vidtask export packets` end to end, for a sprint built with the command line alone: create the
sprint, import ICSE and VICS files that carry agencies, operation names and file paths, record
clues that hold only structured values, confirm, export, verify — on both backends."""

from __future__ import annotations

import base64
import io
import json
import re
import zipfile
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from vidtask.cli import main

ICSE_HEADER = ("MD5;SHA1;ZZ40;PhotoDNA;Lace;Image ID;Is distributed;Victim identified;"
               "Offender identified;Series name;Investigation name;Agency;Number of submissions;"
               "File Available;Media Type;Baseline;Case officer")
#: Operational strings a source file brought along: none may appear in any packet.
OPERATIONAL = {
    "agencies": ["Kriminalpolizei Kassel Sonderkommission", "Delegacia Especial Recife"],
    "investigations": ["Operation Nachtfalter", "Operacao Beija-flor"],
    "paths": ["Evidence/Laptop-Hans/Users/hans/Private/IMG_0001.JPG",
              "D:\\Seized\\Phone-7\\DCIM\\Camera\\VID_2023.mp4", "IMG_0001.JPG"],
    "unknown keys": ["Hauptkommissarin Weber", "ZZ40-sekret-value", "lace-sekret-value",
                     "a comment naming Officer Braga"],
    "case headers": ["Landespolizei Nordwest Ermittlungsgruppe", "KHK Brandt-Oldenburg",
                     "AZ-2023-4711-K7", "khk.brandt@polizei.test"],
}
MD5 = {code: [f"{n:02d}" + "ab" * 15 for n in range(first, first + 2)]
       for code, first in (("CLI-ALPHA", 10), ("CLI-BRAVO", 20), ("CLI-CHARLIE", 30))}
#: A PhotoDNA (144 bytes) per series: ICSE gives it as hex, VICS as base64.
PHOTODNA = {code: bytes((n * 7 + first) % 256 for n in range(144))
            for code, first in (("CLI-ALPHA", 1), ("CLI-BRAVO", 2), ("CLI-CHARLIE", 3))}


def icse_file(path: Path) -> Path:
    rows = [ICSE_HEADER]
    for code, agency, investigation in (
            ("CLI-ALPHA", OPERATIONAL["agencies"][0], OPERATIONAL["investigations"][0]),
            ("CLI-BRAVO", OPERATIONAL["agencies"][1], OPERATIONAL["investigations"][1])):
        for md5 in MD5[code]:
            rows.append(f"{md5};;ZZ40-sekret-value;{PHOTODNA[code].hex().upper()};"
                        f"lace-sekret-value;77{md5[:4]};Yes;No;No;"
                        f"{code};{investigation};{agency};3;Yes;Image;No;Hauptkommissarin Weber")
    path.write_text("\r\n".join(rows) + "\r\n", encoding="utf-8")
    return path


def vics_file(path: Path) -> Path:
    """A VICS 2.0 #Cases export: a case header naming its unit, media naming seized paths."""
    context = ("http://github.com/VICSDATAMODEL/ProjectVic/DataModels/2.0.xml/US/"
               "$metadata#Cases")
    media = [{"MD5": md5, "Category": 1, "Series": "CLI-CHARLIE", "MimeType": "video/mp4",
              "RelativeFilePath": OPERATIONAL["paths"][0],
              "PhotoDNA": base64.b64encode(PHOTODNA["CLI-CHARLIE"]).decode(),
              "Comments": "a comment naming Officer Braga",
              "MediaFiles": [{"MD5": md5, "FileName": "IMG_0001.JPG",
                              "FilePath": OPERATIONAL["paths"][1]}]}
             for md5 in MD5["CLI-CHARLIE"]]
    case = {"CaseID": "{0b6a3c55-2f1e-4c1a-9d7b-3e2f8a1c4d5e}", "CaseNumber": "AZ-2023-4711-K7",
            "ContactOrganization": "Landespolizei Nordwest Ermittlungsgruppe",
            "ContactName": "KHK Brandt-Oldenburg", "ContactEmail": "khk.brandt@polizei.test",
            "Media": media}
    path.write_text(json.dumps({"@odata.context": context, "value": [case]}), encoding="utf-8")
    return path


def stored_source_strings(url: str) -> set[str]:
    """Every string a source file left in the sprint — media `extra` and `provenance` (agencies,
    operations, paths, unknown keys) and the case headers — except hashes: the leakage check
    reads them from the database, not from this file."""
    from sqlalchemy import select

    from vidtask.db.engine import Database
    from vidtask.db.models import IntakeCase, Media

    found: set[str] = set()

    def walk(value: Any) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                if key != "PhotoDNA":  # a hash: the annexes carry it (checked on its own)
                    walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)
        elif isinstance(value, str) and len(value) >= 8 \
                and not re.fullmatch(r"[0-9a-fA-F]{32,64}", value):
            found.add(value)

    db = Database(url)
    try:
        with db.read() as session:
            for extra, provenance in session.execute(select(Media.extra, Media.provenance)):
                walk(extra)
                walk(provenance)
            for case in session.scalars(select(IntakeCase)):
                walk([case.case_id, case.case_number, case.contact_organization,
                      case.contact_name, case.contact_phone, case.contact_email,
                      case.contact_title, case.extra])
    finally:
        db.dispose()
    return found


def packet_texts(path: Path) -> dict[str, str]:
    """Every file of a packet as text: the PDF through pypdf (whitespace normalised)."""
    texts = {}
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            data = archive.read(name)
            if name.endswith(".pdf"):
                pages = PdfReader(io.BytesIO(data)).pages
                texts[name] = re.sub(r"\s+", " ", " ".join(p.extract_text() or "" for p in pages))
            elif name.endswith(".sig"):
                texts[name] = data.hex()
            else:
                texts[name] = data.decode("utf-8")
    return texts


class Cli:
    def __init__(self, capsys: pytest.CaptureFixture[str], url: str) -> None:
        self.capsys, self.url = capsys, url

    def __call__(self, *argv: str, ok: bool = True) -> str:
        self.capsys.readouterr()
        code = main([*argv, "--database", self.url])
        out, err = self.capsys.readouterr()
        assert (code == 0) == ok, (argv, out, err)
        return out if ok else err


def build_sprint_with_the_cli(cli: Cli, tmp_path: Path) -> None:
    cli("participant", "add", "admin", "--name", "Ada Admin", "--role", "admin",
        "--agency", "Taskforce secretariat")
    for login, name, role, agency in (
            ("cora", "Cora Coordinator", "coordinator", "Coordination desk A"),
            ("cody", "Cody Coordinator", "coordinator", "Coordination desk B"),
            ("anna", "Anna Analyst", "specialist", "Landeskriminalamt Hessen"),
            ("bruno", "Bruno Analista", "specialist", "Policia Federal Brasilia"),
            ("clara", "Clara Analytik", "specialist", "Policie Ceske republiky")):
        cli("participant", "add", login, "--name", name, "--role", role, "--agency", agency,
            "--as", "admin")
    cli("sprint", "create", "CLI sprint", "--start", "2026-06-01", "--end", "2026-06-12",
        "--as", "admin")
    cli("import", "icse", str(icse_file(tmp_path / "icse.csv")), "--as", "cora")
    cli("import", "vics", str(vics_file(tmp_path / "media.json")), "--as", "cora")
    for series, who, country, clues in (
            ("CLI-ALPHA", "anna", "DE", [("text", "Labels on the shelf", "language", "de"),
                                         ("electrical", "Wall socket", "socket", "F")]),
            ("CLI-BRAVO", "bruno", "BR", [("currency", "Coins on the table", "currency", "BRL"),
                                          ("text", "Words on a poster", "language", "pt")]),
            ("CLI-CHARLIE", "clara", "CZ", [("text", "Handwritten note", "language", "cs")])):
        cli("claim", series, "--as", who)
        for category, description, kind, value in clues:
            cli("clue", "add", series, "--category", category, "--description", description,
                "--kind", kind, "--value", value, "--as", who)
        cli("assess", series, "--candidate", f"{country}:70:language and objects agree",
            "--as", who)
        cli("propose", series, "--as", who)
        cli("confirm", series, "--country", country, "--as", "cody")


def test_export_packets_end_to_end(capsys: pytest.CaptureFixture[str], db_url: str,
                                   tmp_path: Path) -> None:
    cli = Cli(capsys, db_url)
    build_sprint_with_the_cli(cli, tmp_path)
    out = tmp_path / "out"

    # a sprint without issuer settings cannot send a packet: one sentence, no file
    err = cli("export", "packets", "--out", str(out), "--as", "cora", "--quiet", ok=False)
    assert err.count("\n") == 1 and "has no organiser, issuing unit, contact name" in err
    assert not out.exists() or not any(out.iterdir())
    cli("sprint", "edit", "--organiser", "Northern VID Taskforce", "--issuing-unit",
        "VID Coordination Cell", "--contact-name", "Duty officer", "--contact-email",
        "vid-cell@taskforce.test", "--contact-phone", "+99 555 0100", "--as", "admin")

    printed = cli("export", "packets", "--out", str(out), "--as", "cora", "--quiet")
    assert "3 packet(s)" in printed
    zips = {p.name.split("-")[2]: p for p in sorted(out.glob("*.zip"))}
    assert sorted(zips) == ["BR", "CZ", "DE"]
    assert not [p for p in out.iterdir() if p.suffix != ".zip"]  # no temporary files left
    key = json.loads(cli("sprint", "public-key", "--json"))
    for path in zips.values():
        assert "That is the key you trust." in cli("verify-packet", str(path), "--fingerprint",
                                                   key["fingerprint"])

    texts = {country: packet_texts(path) for country, path in zips.items()}
    pdf = {country: files["report.pdf"] for country, files in texts.items()}
    assert "Language of visible text: German (de)" in pdf["DE"]
    assert "Socket: type F (Schuko)" in pdf["DE"]
    assert "Currency: Brazilian real (BRL)" in pdf["BR"]
    assert "Language of visible text: Portuguese (pt)" in pdf["BR"]
    assert "Language of visible text: Czech (cs)" in pdf["CZ"]
    for country, text in pdf.items():
        # every clue points to its country; none is filed as saying nothing
        assert f"Points to {country}" in text and "say nothing about" not in text
        assert "Northern VID Taskforce" in text and "Europol" not in text
        for issuer in ("VID Coordination Cell", "Duty officer", "vid-cell@taskforce.test",
                       "+99 555 0100", key["fingerprint"]):
            assert issuer in text, (country, issuer)
        assert re.search(r"page 1 of \d", text)
    document = json.loads(texts["DE"]["packet.json"])
    assert document["schema_version"] == "2.0"
    assert [(c["value_words"], c["effect"]) for c in document["series"][0]["clues"]] == [
        ("Language of visible text: German (de)", "supports"),
        ("Socket: type F (Schuko)", "supports")]

    # leakage: nothing about another country's series, nothing operational from source files
    series_of = {"DE": "CLI-ALPHA", "BR": "CLI-BRAVO", "CZ": "CLI-CHARLIE"}
    worker_of = {"DE": ("Anna Analyst", "Landeskriminalamt Hessen"),
                 "BR": ("Bruno Analista", "Policia Federal Brasilia"),
                 "CZ": ("Clara Analytik", "Policie Ceske republiky")}
    forbidden = stored_source_strings(db_url)
    assert {v for values in OPERATIONAL.values() for v in values if len(v) >= 8} <= forbidden
    for country, files in texts.items():
        for name, text in files.items():
            folded = text.lower()
            for other, code in series_of.items():
                if other == country:
                    continue
                assert code not in text, (country, name, code)
                assert not any(md5 in folded for md5 in MD5[code]), (country, name, code)
                for person in worker_of[other]:
                    assert person not in text, (country, name, person)
            for value in forbidden:
                assert value.lower() not in folded, (country, name, value)

    # the hash annexes carry each series' PhotoDNA, as ICSE (hex) and VICS (base64) write it
    for country, code in series_of.items():
        assert PHOTODNA[code].hex().upper() in texts[country]["hashes.icse.csv"]
        vics_media = json.loads(texts[country]["hashes.vics.json"])["value"]
        assert {m["PhotoDNA"] for m in vics_media} == {
            base64.b64encode(PHOTODNA[code]).decode()}
        for other, other_code in series_of.items():
            if other != country:
                assert PHOTODNA[other_code].hex().upper() not in texts[country]["hashes.icse.csv"]

    # re-export of unchanged data: the same bytes
    again = tmp_path / "again"
    assert "unchanged" in cli("export", "packets", "--out", str(again), "--include-notified",
                              "--as", "cora", "--quiet")
    for path in zips.values():
        assert (again / path.name).read_bytes() == path.read_bytes()


def test_export_packets_refuses_a_read_only_folder_in_one_sentence(
        capsys: pytest.CaptureFixture[str], db_url: str, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    import errno
    import tempfile

    cli = Cli(capsys, db_url)
    build_sprint_with_the_cli(cli, tmp_path)
    cli("sprint", "edit", "--organiser", "O", "--issuing-unit", "U", "--contact-name", "N",
        "--contact-email", "n@o.test", "--contact-phone", "+99 1234", "--as", "admin")
    out = tmp_path / "read-only"
    out.mkdir()

    def refuse(*_: Any, **__: Any) -> Any:
        raise OSError(errno.EROFS, "Read-only file system", str(out))

    monkeypatch.setattr(tempfile, "mkstemp", refuse)  # root ignores chmod; a read-only mount
    err = cli("export", "packets", "--out", str(out), "--as", "cora", "--quiet", ok=False)
    assert err.count("\n") == 1 and "read-only disk" in err and "Traceback" not in err
    assert not any(out.iterdir())
    # nothing was recorded: the series are still waiting
    assert "CLI-ALPHA" in cli("series", "list", "--status", "confirmed")
