"""A packet ZIP, built deterministically and signed, and its verification.

Same content, same bytes: entries sorted, stamped with the packet's export time (UTC), fixed
attributes, deterministic PDF and JSON, and a deterministic Ed25519 signature. Names taken from
the database are reduced to safe file-name characters, and the final path is checked to lie
inside the output folder.

`verify_packet` trusts nothing in the file: it streams every entry with size bounds (a zip bomb
costs neither memory nor minutes), refuses anything a packet never holds (directories, symlinks,
`..`, absolute or duplicate names, entries missing from the manifest, an empty manifest), checks
the manifest's signature, then every file's SHA-256.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import stat
import struct
import unicodedata
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO

from vidtask.interchange import packet_signing
from vidtask.interchange.packet_content import PacketContent
from vidtask.interchange.packet_document import PacketDocument
from vidtask.interchange.packet_hashes import icse_csv, vics_media_json
from vidtask.interchange.packet_report import render_report

MANIFEST = "MANIFEST.sha256"
SIGNATURE = "MANIFEST.sha256.sig"
PUBLIC_KEY = "signing-key.pem"
#: Files every signed packet lists in its manifest.
REQUIRED = ("packet.json", PUBLIC_KEY)
EARLIEST_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
MAX_COMPONENT = 60

# verify_packet's bounds: far above any real packet, far below what hurts the machine.
MAX_PACKET_BYTES = 2 << 30
MAX_ENTRIES = 64
MAX_ENTRY_BYTES = 512 << 20
MAX_TOTAL_BYTES = 1 << 30
MAX_MANIFEST_BYTES = 1 << 20
MAX_KEY_BYTES = 4096
_CHUNK = 1 << 20
_SAFE_ENTRY = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,127}")
_MANIFEST_LINE = re.compile(r"([0-9a-f]{64})  (.+)")


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


def manifest_bytes(files: dict[str, bytes]) -> bytes:
    return "".join(f"{hashlib.sha256(data).hexdigest()}  {name}\n"
                   for name, data in sorted(files.items())).encode()


Renderer = Callable[[PacketContent], bytes]


def packet_files(content: PacketContent, private_key_pem: str, *,
                 report_pdf: bytes | None = None,
                 document: PacketDocument | None = None) -> dict[str, bytes]:
    """Every file of the packet, the manifest and its signature.

    `report_pdf` is the already rendered report (rendered elsewhere, e.g. in a process pool);
    `document` the packet.json sections already built for the digests.
    """
    key = content.header.signing_key
    public_raw = packet_signing.public_key_of(private_key_pem)
    if key.raw != public_raw:
        raise ValueError("the packet header names another signing key than the one signing it")
    files = {
        "report.pdf": report_pdf if report_pdf is not None else render_report(content),
        "packet.json": (document or PacketDocument(content.series)).json_bytes(content.header),
        "hashes.vics.json": vics_media_json(content.series),
        "hashes.icse.csv": icse_csv(content.series),
        PUBLIC_KEY: packet_signing.public_pem(public_raw),
    }
    manifest = manifest_bytes(files)
    files[MANIFEST] = manifest
    files[SIGNATURE] = packet_signing.sign(private_key_pem, manifest)
    return files


def zip_time(moment: datetime) -> tuple[int, int, int, int, int, int]:
    """A ZIP entry time (no zone, 2-second steps) in UTC; never before 1980."""
    utc = moment.astimezone(UTC) if moment.tzinfo else moment
    stamp = (utc.year, utc.month, utc.day, utc.hour, utc.minute, utc.second - utc.second % 2)
    return max(stamp, EARLIEST_ZIP_TIME)


def zip_bytes(files: dict[str, bytes], moment: datetime | None = None) -> bytes:
    stamp = zip_time(moment) if moment is not None else EARLIEST_ZIP_TIME
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in sorted(files):
            info = zipfile.ZipInfo(name, date_time=stamp)
            # the PDF's streams are compressed already: deflating it again costs, saves nothing
            info.compress_type = (zipfile.ZIP_STORED if name.endswith(".pdf")
                                  else zipfile.ZIP_DEFLATED)
            info.create_system = 3
            info.external_attr = 0o100644 << 16
            archive.writestr(info, files[name], compresslevel=6)
    return buffer.getvalue()


def build_packet(content: PacketContent, private_key_pem: str, *,
                 report_pdf: bytes | None = None,
                 document: PacketDocument | None = None) -> bytes:
    return zip_bytes(packet_files(content, private_key_pem, report_pdf=report_pdf,
                                  document=document), content.header.generated_at)


# ---------------------------------------------------------------- verification


@dataclass(frozen=True, slots=True)
class VerifyResult:
    ok: bool
    checked: int
    problem: str = ""
    fingerprint: str = ""  # of the key that signed the manifest (when the signature holds)
    trusted: bool = False  # that key is the one the caller said to trust


class _Refused(Exception):
    """One sentence saying why the packet is refused."""


def _check_entry(info: zipfile.ZipInfo) -> None:
    name = info.filename
    if name.startswith(("/", "\\")) or re.match(r"[A-Za-z]:", name):
        raise _Refused(f"it holds an entry with an absolute path ({name!r})")
    if ".." in re.split(r"[\\/]", name):
        raise _Refused(f"it holds an entry that climbs out of its folder ({name!r})")
    if info.is_dir() or "/" in name or "\\" in name:
        raise _Refused(f"it holds a folder entry ({name!r}); packets are flat")
    mode = info.external_attr >> 16
    if info.create_system == 3 and mode and stat.S_IFMT(mode) not in (0, stat.S_IFREG):
        kind = "symbolic link" if stat.S_ISLNK(mode) else "special file"
        raise _Refused(f"{name!r} is a {kind}, not a file")
    if not _SAFE_ENTRY.fullmatch(name) or ".." in name:
        raise _Refused(f"it holds an entry with an unexpected name ({name[:80]!r})")
    if info.flag_bits & 0x1:
        raise _Refused(f"{name} is encrypted")
    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        raise _Refused(f"{name} uses a compression method packets never use")
    if info.file_size > MAX_ENTRY_BYTES:
        raise _Refused(f"{name} would unpack to {info.file_size:,} bytes, more than a packet "
                       f"file may hold ({MAX_ENTRY_BYTES:,})")


def _entry_chunks(handle: BinaryIO, info: zipfile.ZipInfo) -> Iterator[bytes]:
    """The entry's bytes as any unzip tool would produce them, or a refusal.

    Decompressed here rather than by zipfile, which stops silently at the declared size: an
    entry must inflate to exactly its declared size and CRC, ending exactly where its
    compressed data ends, so what was hashed is what a recipient unpacks.
    """
    name = info.filename
    handle.seek(info.header_offset)
    header = handle.read(30)
    if len(header) != 30 or header[:4] != b"PK\x03\x04":
        raise _Refused(f"{name}'s local header is damaged")
    flags, method, _, _, crc, compressed, size, name_length, extra_length = struct.unpack(
        "<HHHHIIIHH", header[6:30])
    local = handle.read(name_length).decode("utf-8" if flags & 0x800 else "cp437", "replace")
    if local != name:
        raise _Refused(f"the entry listed as {name!r} is stored under the name {local!r}")
    if method != info.compress_type:
        raise _Refused(f"{name}'s two headers disagree about its compression")
    if not flags & 0x8 and (crc, compressed, size) != (info.CRC, info.compress_size,
                                                      info.file_size):
        raise _Refused(f"{name}'s two headers disagree about its size")
    handle.seek(extra_length, os.SEEK_CUR)
    inflater = zlib.decompressobj(-15) if method == zipfile.ZIP_DEFLATED else None
    if inflater is None and info.compress_size != info.file_size:
        raise _Refused(f"{name} is stored with a size that does not add up")
    left, produced, running_crc = info.compress_size, 0, 0
    while left > 0:
        raw = handle.read(min(_CHUNK, left))
        if not raw:
            raise _Refused(f"{name} is cut short")
        left -= len(raw)
        while raw:
            if inflater is None:
                data, raw = raw, b""
            else:
                try:
                    data = inflater.decompress(raw, min(_CHUNK, info.file_size - produced + 1))
                except zlib.error:
                    raise _Refused(f"{name} is not valid compressed data") from None
                if not data and inflater.unconsumed_tail == raw and not inflater.eof:
                    raise _Refused(f"{name} is not valid compressed data")
                raw = inflater.unconsumed_tail
            produced += len(data)
            if produced > info.file_size:
                raise _Refused(f"{name} unpacks to more than the {info.file_size:,} bytes it "
                               "declares")
            running_crc = zlib.crc32(data, running_crc)
            if data:
                yield data
    if inflater is not None and (not inflater.eof or inflater.unused_data):
        raise _Refused(f"{name}'s compressed data does not end where it says")
    if produced != info.file_size or running_crc != info.CRC:
        raise _Refused(f"{name} is damaged (its size or checksum does not match its header)")


def _read_bounded(handle: BinaryIO, info: zipfile.ZipInfo, limit: int) -> bytes:
    if info.file_size > limit:
        raise _Refused(f"{info.filename} is {info.file_size:,} bytes, more than {limit:,}")
    return b"".join(_entry_chunks(handle, info))


def _sha256_streamed(handle: BinaryIO, info: zipfile.ZipInfo) -> str:
    digest = hashlib.sha256()
    for chunk in _entry_chunks(handle, info):
        digest.update(chunk)
    return digest.hexdigest()


def _parse_manifest(data: bytes) -> dict[str, str]:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise _Refused(f"{MANIFEST} is not UTF-8 text") from None
    listed: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), 1):
        match = _MANIFEST_LINE.fullmatch(line)
        if match is None:
            raise _Refused(f"{MANIFEST} line {number} is malformed")
        digest, name = match.groups()
        if not _SAFE_ENTRY.fullmatch(name) or name in (MANIFEST, SIGNATURE):
            raise _Refused(f"{MANIFEST} line {number} names an impossible file ({name[:80]!r})")
        if name in listed:
            raise _Refused(f"{MANIFEST} lists {name} twice")
        listed[name] = digest
    if not listed:
        raise _Refused(f"{MANIFEST} is empty")
    missing = [name for name in REQUIRED if name not in listed]
    if missing:
        raise _Refused(f"{MANIFEST} does not list {missing[0]}")
    return listed


def verify_packet(path: Path, *, trusted_key: bytes | None = None) -> VerifyResult:
    """Check structure, signature and every file; report the first problem in one sentence.

    `trusted_key` is the raw public key the recipient was given out of band; without it the
    signature is checked against the key inside the packet and its fingerprint is reported, to
    be compared by a person.
    """
    checked = 0
    signer = ""
    try:
        size = os.stat(path).st_size
        if size > MAX_PACKET_BYTES:
            raise _Refused(f"it is {size:,} bytes, larger than any packet ({MAX_PACKET_BYTES:,})")
        with open(path, "rb") as handle, zipfile.ZipFile(handle) as archive:
            infos = archive.infolist()
            if len(infos) > MAX_ENTRIES:
                raise _Refused(f"it holds {len(infos):,} entries; a packet has a handful")
            seen: dict[str, str] = {}
            total = 0
            for info in infos:
                _check_entry(info)
                folded = unicodedata.normalize("NFC", info.filename).casefold()
                if folded in seen:
                    raise _Refused(f"it holds two entries named {info.filename!r}; a tool "
                                   "could show either")
                seen[folded] = info.filename
                total += info.file_size
            if total > MAX_TOTAL_BYTES:
                raise _Refused(f"it would unpack to {total:,} bytes, more than any packet")
            by_name = {info.filename: info for info in infos}
            for needed in (MANIFEST, SIGNATURE):
                if needed not in by_name:
                    raise _Refused(f"it has no {needed}" + (
                        " (unsigned: anyone could have written it)" if needed == SIGNATURE
                        else ""))
            manifest = _read_bounded(handle, by_name[MANIFEST], MAX_MANIFEST_BYTES)
            listed = _parse_manifest(manifest)
            extra = sorted(set(by_name) - set(listed) - {MANIFEST, SIGNATURE})
            if extra:
                raise _Refused(f"{extra[0]} is in the packet but not in {MANIFEST}")
            absent = [name for name in listed if name not in by_name]
            if absent:
                raise _Refused(f"{absent[0]} is listed in {MANIFEST} but missing from the "
                               "packet")
            signature = _read_bounded(handle, by_name[SIGNATURE],
                                      packet_signing.SIGNATURE_BYTES)
            try:
                embedded = packet_signing.parse_public_key(
                    _read_bounded(handle, by_name[PUBLIC_KEY], MAX_KEY_BYTES))
            except packet_signing.KeyFormatError as exc:
                raise _Refused(f"{PUBLIC_KEY} is not usable: {exc}") from None
            if not packet_signing.verify(embedded, manifest, signature):
                raise _Refused(f"the signature does not match {MANIFEST}: the manifest was "
                               "changed after signing, or the signature was replaced")
            signer = packet_signing.fingerprint(embedded)
            if trusted_key is not None and trusted_key != embedded:
                raise _Refused(f"it is signed with key {signer}, not with the key you trust "
                               f"({packet_signing.fingerprint(trusted_key)})")
            for name, digest in listed.items():
                actual = _sha256_streamed(handle, by_name[name])
                if actual != digest:
                    raise _Refused(f"{name} does not match {MANIFEST} (expected "
                                   f"{digest[:12]}…, found {actual[:12]}…)")
                checked += 1
    except _Refused as exc:
        return VerifyResult(False, checked, f"{path.name} is refused: {exc}.", signer)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, UnicodeDecodeError,
            NotImplementedError, ValueError) as exc:
        reason = str(exc).rstrip(".") or type(exc).__name__
        return VerifyResult(False, checked, f"{path.name} is not a readable packet: {reason}.",
                            signer)
    return VerifyResult(True, checked, "", signer, trusted_key is not None)
