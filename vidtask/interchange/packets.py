"""A packet ZIP, built deterministically, and its verification against MANIFEST.sha256.

Same content, same bytes: fixed entry timestamps and attributes, sorted entries, deterministic
PDF and JSON. Names taken from the database are reduced to safe file-name characters, and the
final path is checked to lie inside the output folder.
"""

from __future__ import annotations

import hashlib
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path

from vidtask.interchange.packet_content import PacketContent
from vidtask.interchange.packet_document import document_bytes, packet_document
from vidtask.interchange.packet_hashes import icse_csv, vics_media_json
from vidtask.interchange.packet_report import render_report

MANIFEST = "MANIFEST.sha256"
FIXED_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest a ZIP can say: no clock leaks in
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
MAX_COMPONENT = 60


class UnsafePath(ValueError):
    """A computed output path would leave the output folder."""


def safe_component(text: str, fallback: str = "x") -> str:
    """A file-name piece from untrusted text: ASCII letters, digits, '.', '_', '-' only."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    cleaned = _UNSAFE.sub("-", folded).strip(".-_")
    cleaned = re.sub(r"\.{2,}", ".", cleaned)[:MAX_COMPONENT].strip(".-_")
    return cleaned or fallback


def packet_file_name(sprint: str, country: str, packet_id: str) -> str:
    return (f"{safe_component(sprint, 'sprint')}-{safe_component(country, 'XX')[:2].upper()}-"
            f"{safe_component(packet_id, 'packet')}.zip")


def path_inside(out_dir: Path, name: str) -> Path:
    base = out_dir.resolve()
    target = (base / name).resolve()
    if target.parent != base or name in {"", ".", ".."}:
        raise UnsafePath(f"refusing to write {name!r} outside {base}")
    return target


def packet_files(content: PacketContent) -> dict[str, bytes]:
    files = {
        "report.pdf": render_report(content),
        "packet.json": document_bytes(packet_document(content)),
        "hashes.vics.json": vics_media_json(content.series),
        "hashes.icse.csv": icse_csv(content.series),
    }
    manifest = "".join(f"{hashlib.sha256(data).hexdigest()}  {name}\n"
                       for name, data in sorted(files.items()))
    files[MANIFEST] = manifest.encode()
    return files


def zip_bytes(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in sorted(files):
            info = zipfile.ZipInfo(name, date_time=FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3
            info.external_attr = 0o100644 << 16
            archive.writestr(info, files[name], compresslevel=6)
    return buffer.getvalue()


def build_packet(content: PacketContent) -> bytes:
    return zip_bytes(packet_files(content))


@dataclass(frozen=True, slots=True)
class VerifyResult:
    ok: bool
    checked: int
    problem: str = ""


def verify_packet(path: Path) -> VerifyResult:
    """Check every file against MANIFEST.sha256; report the first mismatch in one sentence."""
    try:
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
            if MANIFEST not in names:
                return VerifyResult(False, 0, f"{path.name} has no {MANIFEST}.")
            listed: dict[str, str] = {}
            for number, line in enumerate(archive.read(MANIFEST).decode().splitlines(), 1):
                digest, sep, name = line.partition("  ")
                if not sep or not re.fullmatch(r"[0-9a-f]{64}", digest):
                    return VerifyResult(False, 0, f"{MANIFEST} line {number} is malformed.")
                listed[name] = digest
            checked = 0
            for name, digest in listed.items():
                if name not in names:
                    return VerifyResult(False, checked, f"{name} is listed in {MANIFEST} but "
                                                        "missing from the packet.")
                actual = hashlib.sha256(archive.read(name)).hexdigest()
                if actual != digest:
                    return VerifyResult(False, checked, f"{name} does not match {MANIFEST} "
                                                        f"(expected {digest[:12]}…, found "
                                                        f"{actual[:12]}…).")
                checked += 1
            extra = sorted(set(names) - set(listed) - {MANIFEST})
            if extra:
                return VerifyResult(False, checked, f"{extra[0]} is in the packet but not in "
                                                    f"{MANIFEST}.")
            return VerifyResult(True, checked)
    except (zipfile.BadZipFile, OSError, UnicodeDecodeError) as exc:
        return VerifyResult(False, 0, f"{path.name} is not a readable packet: {exc}.")
    except KeyError as exc:
        return VerifyResult(False, 0, f"{path.name} is damaged: {exc}.")
