"""verify-packet against hostile ZIPs: each attack of issue 12 item 7 is refused in one sentence."""

from __future__ import annotations

import hashlib
import io
import tracemalloc
import zipfile
import zlib
from pathlib import Path

import pytest

from tests.worlds.packets import RawEntry, deflate_zeros, raw_zip, sample_content
from vidtask.interchange import packet_signing
from vidtask.interchange.packets import (
    MANIFEST,
    PUBLIC_KEY,
    SIGNATURE,
    build_packet,
    manifest_bytes,
    packet_files,
    verify_packet,
)

KEY = packet_signing.generate_private_key()
OTHER_KEY = packet_signing.generate_private_key()


@pytest.fixture(scope="module")
def genuine() -> dict[str, bytes]:
    return packet_files(sample_content(KEY), KEY)


def stored(files: dict[str, bytes]) -> list[RawEntry]:
    return [RawEntry(name, data) for name, data in sorted(files.items())]


def write(tmp_path: Path, data: bytes, name: str = "packet.zip") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def resigned(files: dict[str, bytes], key: str, *, replace_key: bool = False) -> dict[str, bytes]:
    """What a forger does: recompute the manifest (and sign it with `key`)."""
    body = {n: d for n, d in files.items() if n not in (MANIFEST, SIGNATURE)}
    if replace_key:
        body[PUBLIC_KEY] = packet_signing.public_pem(packet_signing.public_key_of(key))
    manifest = manifest_bytes(body)
    return {**body, MANIFEST: manifest, SIGNATURE: packet_signing.sign(key, manifest)}


def test_a_genuine_packet_verifies_and_names_its_key(tmp_path: Path) -> None:
    data = build_packet(sample_content(KEY), KEY)
    result = verify_packet(write(tmp_path, data))
    fingerprint = packet_signing.fingerprint(packet_signing.public_key_of(KEY))
    assert result.ok and result.checked == 5 and result.fingerprint == fingerprint
    assert not result.trusted
    trusted = verify_packet(write(tmp_path, data),
                            trusted_key=packet_signing.public_key_of(KEY))
    assert trusted.ok and trusted.trusted
    assert build_packet(sample_content(KEY), KEY) == data  # deterministic, signature included
    # entry times are the packet's export time, not 1980
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert {i.date_time for i in archive.infolist()} == {(2026, 6, 10, 12, 0, 0)}


def test_a_tampered_file_with_a_rehashed_manifest_fails_the_signature(
        tmp_path: Path, genuine: dict[str, bytes]) -> None:
    forged = dict(genuine)
    forged["hashes.icse.csv"] = genuine["hashes.icse.csv"].replace(b"No", b"Yes", 1)
    body = {n: d for n, d in forged.items() if n not in (MANIFEST, SIGNATURE)}
    forged[MANIFEST] = manifest_bytes(body)  # re-hashed, but the old signature kept
    result = verify_packet(write(tmp_path, raw_zip(stored(forged))))
    assert not result.ok
    assert "the signature does not match MANIFEST.sha256" in result.problem


def test_a_packet_re_signed_with_another_key_fails_against_the_trusted_key(
        tmp_path: Path, genuine: dict[str, bytes]) -> None:
    forged = dict(genuine)
    forged["packet.json"] = genuine["packet.json"].replace(b"Blue room", b"Red room")
    forged = resigned(forged, OTHER_KEY, replace_key=True)
    path = write(tmp_path, raw_zip(stored(forged)))
    trusted = packet_signing.public_key_of(KEY)
    result = verify_packet(path, trusted_key=trusted)
    assert not result.ok and "not with the key you trust" in result.problem
    # without a trusted key it is internally consistent, and the fingerprint tells it apart
    alone = verify_packet(path)
    assert alone.ok and alone.fingerprint != packet_signing.fingerprint(trusted)


def test_an_unsigned_packet_is_refused(tmp_path: Path, genuine: dict[str, bytes]) -> None:
    files = {n: d for n, d in genuine.items() if n != SIGNATURE}
    result = verify_packet(write(tmp_path, raw_zip(stored(files))))
    assert not result.ok and "no MANIFEST.sha256.sig (unsigned" in result.problem


def test_duplicate_entries_are_refused(tmp_path: Path, genuine: dict[str, bytes]) -> None:
    forged_json = b'{"forged": true}'
    entries = [RawEntry("packet.json", forged_json), *stored(genuine)]  # unzip shows the first
    result = verify_packet(write(tmp_path, raw_zip(entries)))
    assert not result.ok and "two entries named 'packet.json'" in result.problem
    # names that collide when a case-insensitive disk unpacks them
    entries = [*stored(genuine), RawEntry("Packet.JSON", forged_json)]
    assert "two entries named" in verify_packet(write(tmp_path, raw_zip(entries))).problem


@pytest.mark.parametrize(("name", "words"), [
    ("../evil.sh", "climbs out of its folder"),
    ("a/../../evil.sh", "climbs out of its folder"),
    ("..\\evil.bat", "climbs out of its folder"),
    ("/etc/cron.d/evil", "absolute path"),
    ("\\\\server\\share\\evil", "absolute path"),
    ("C:\\Windows\\evil.dll", "absolute path"),
    ("sub/report.pdf", "folder entry"),
    (".hidden", "unexpected name"),
])
def test_escaping_absolute_and_nested_names_are_refused(
        tmp_path: Path, genuine: dict[str, bytes], name: str, words: str) -> None:
    entries = [*stored(genuine), RawEntry(name, b"#!/bin/sh\n")]
    result = verify_packet(write(tmp_path, raw_zip(entries)))
    assert not result.ok and words in result.problem, result.problem


def test_a_symlink_entry_is_refused(tmp_path: Path, genuine: dict[str, bytes]) -> None:
    files = dict(genuine)
    files["hashes.icse.csv"] = b"/etc/shadow"
    entries = [RawEntry(n, d, external_attr=(0o120777 << 16) if n == "hashes.icse.csv"
                        else 0o100644 << 16) for n, d in sorted(files.items())]
    result = verify_packet(write(tmp_path, raw_zip(entries)))
    assert not result.ok and "'hashes.icse.csv' is a symbolic link" in result.problem


def test_an_entry_missing_from_the_manifest_is_refused(tmp_path: Path,
                                                       genuine: dict[str, bytes]) -> None:
    entries = [*stored(genuine), RawEntry("extra.txt", b"read me first")]
    result = verify_packet(write(tmp_path, raw_zip(entries)))
    assert not result.ok and "extra.txt is in the packet but not in MANIFEST" in result.problem


def test_an_empty_manifest_is_refused(tmp_path: Path) -> None:
    result = verify_packet(write(tmp_path, raw_zip([RawEntry(MANIFEST, b""),
                                                    RawEntry(SIGNATURE, bytes(64))])))
    assert not result.ok and "MANIFEST.sha256 is empty" in result.problem
    only = verify_packet(write(tmp_path, raw_zip([RawEntry(MANIFEST, b"")])))
    assert not only.ok and only.checked == 0


def test_a_zip_bomb_is_refused_before_it_is_unpacked(tmp_path: Path,
                                                     genuine: dict[str, bytes]) -> None:
    bomb = deflate_zeros(2 << 30)  # 2 GiB of zeros in about 2 MB
    assert len(bomb) < 3 << 20
    honest = [*stored(genuine), RawEntry("hashes.vics.json", bomb, method=8, crc=0,
                                         file_size=2 << 30)]
    honest = [e for e in honest if not (e.name == "hashes.vics.json" and e.method == 0)]
    tracemalloc.start()
    result = verify_packet(write(tmp_path, raw_zip(honest)))
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert not result.ok and "would unpack to 2,147,483,648 bytes" in result.problem
    assert peak < 20 << 20


def test_a_zip_bomb_that_lies_about_its_size_is_refused_after_its_claimed_size(
        tmp_path: Path, genuine: dict[str, bytes]) -> None:
    bomb = deflate_zeros(2 << 30)
    declared = 1000
    files = dict(genuine)
    files["hashes.vics.json"] = bytes(declared)  # what the manifest will say it holds
    files = resigned(files, KEY)
    entries = [RawEntry(n, d) if n != "hashes.vics.json" else
               RawEntry(n, bomb, method=8, crc=zlib.crc32(bytes(declared)), file_size=declared)
               for n, d in sorted(files.items())]
    tracemalloc.start()
    result = verify_packet(write(tmp_path, raw_zip(entries)))
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    # zipfile alone would stop at the declared size and say OK, yet unzip writes 2 GiB
    assert hashlib.sha256(bytes(declared)).hexdigest() in files[MANIFEST].decode()
    assert not result.ok
    assert "unpacks to more than the 1,000 bytes it declares" in result.problem
    assert peak < 20 << 20


def test_encrypted_or_exotic_entries_are_refused(tmp_path: Path,
                                                 genuine: dict[str, bytes]) -> None:
    entries = [RawEntry(n, d, flags=1 if n == "packet.json" else 0)
               for n, d in sorted(genuine.items())]
    assert "packet.json is encrypted" in verify_packet(write(tmp_path, raw_zip(entries))).problem
    entries = [RawEntry(n, d, method=12 if n == "packet.json" else 0)
               for n, d in sorted(genuine.items())]
    assert "compression method" in verify_packet(write(tmp_path, raw_zip(entries))).problem


def test_an_entry_whose_headers_disagree_is_refused(tmp_path: Path,
                                                   genuine: dict[str, bytes]) -> None:
    data = bytearray(raw_zip(stored(genuine)))
    local = zipfile.ZipFile(io.BytesIO(data)).getinfo("packet.json").header_offset + 30
    data[local:local + 11] = b"packet.jsoN"
    result = verify_packet(write(tmp_path, bytes(data)))
    assert not result.ok and "stored under the name 'packet.jsoN'" in result.problem
    trailing = [RawEntry(n, zlib.compressobj(6, zlib.DEFLATED, -15).compress(d) + b"\x03\x00"
                         + b"junk" if n == "packet.json" else d,
                         method=8 if n == "packet.json" else 0, crc=zlib.crc32(d),
                         file_size=len(d)) for n, d in sorted(genuine.items())]
    result = verify_packet(write(tmp_path, raw_zip(trailing)))
    assert not result.ok, result.problem


def test_garbage_gives_one_sentence(tmp_path: Path) -> None:
    result = verify_packet(write(tmp_path, b"PK\x03\x04 not really a zip" * 10))
    assert not result.ok and result.problem.startswith("packet.zip is not a readable packet")
    assert result.problem.count(".") >= 1 and "\n" not in result.problem
