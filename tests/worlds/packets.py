"""A small packet built without a database, and a raw ZIP writer for hostile archives."""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass
from datetime import UTC, date, datetime

from vidtask.interchange import packet_signing
from vidtask.interchange.packet_content import (
    ContactBlock,
    PacketCandidate,
    PacketClue,
    PacketContent,
    PacketHeader,
    PacketMedia,
    PacketPerson,
    PacketSeries,
)


def sample_content(private_pem: str, *, country: str = "DE") -> PacketContent:
    key = packet_signing.public_key_info(packet_signing.public_key_of(private_pem))
    series = PacketSeries(
        code="S-001", alias="Blue room", icse_id=None, ncmec_name=None, vics_name=None,
        priority=3, handling="H0", victim_sex="female", victim_age_band="7-10",
        production_period="2020", in_icse=False,
        media=(PacketMedia("0" * 32, None, None, 1000, "image/jpeg", 1, "VICS-US", None, None,
                           None),),
        candidates=(PacketCandidate(1, country, "Germany", 70, "reason", True),),
        clues=(PacketClue("CL-1", "text", "Text and language", "German labels", "language", "de",
                          "Language of visible text: German (de)", "medium", (), (),
                          "supports", ("German (de) is an official or national language in DE",),
                          None, "", "", "H0"),),
        withheld_clues=0, appeals=(), audit=())
    header = PacketHeader(
        packet_code="T-DE-S1V1", packet_version=1, sprint="Test",
        sprint_starts_on=date(2026, 6, 1), sprint_ends_on=date(2026, 6, 12), country=country,
        country_name="Germany",
        recipient_authority="National victim identification unit",
        contact=ContactBlock("Unit", "Desk", "desk@test.invalid", "+99 1", "Organiser"),
        generated_at=datetime(2026, 6, 10, 12, 0, tzinfo=UTC),
        approved_by=PacketPerson("Cora", "NL police"), handling="H0",
        handling_meaning="Law-enforcement use only", evaluation="X3", priority=3, changes="",
        signing_key=key)
    return PacketContent(header, (series,))


@dataclass
class RawEntry:
    """One ZIP entry exactly as written: nothing is checked or corrected."""

    name: str
    data: bytes = b""  # already compressed when method is 8
    method: int = 0
    crc: int | None = None
    file_size: int | None = None  # declared uncompressed size
    external_attr: int = 0o100644 << 16
    create_system: int = 3
    flags: int = 0


def raw_zip(entries: list[RawEntry]) -> bytes:
    """A ZIP built by hand, so tests can write what zipfile refuses to (duplicates, lies)."""
    body = bytearray()
    central = bytearray()
    for entry in entries:
        name = entry.name.encode("utf-8")
        crc = entry.crc if entry.crc is not None else zlib.crc32(entry.data)
        size = entry.file_size if entry.file_size is not None else len(entry.data)
        offset = len(body)
        body += struct.pack("<4sHHHHHIIIHH", b"PK\x03\x04", 20, entry.flags | 0x800,
                            entry.method, 0, 0x21, crc, len(entry.data), size, len(name), 0)
        body += name + entry.data
        central += struct.pack("<4sHHHHHHIIIHHHHHII", b"PK\x01\x02",
                               (entry.create_system << 8) | 20, 20, entry.flags | 0x800,
                               entry.method, 0, 0x21, crc, len(entry.data), size, len(name), 0,
                               0, 0, 0, entry.external_attr, offset)
        central += name
    end = struct.pack("<4sHHHHIIH", b"PK\x05\x06", 0, 0, len(entries), len(entries),
                      len(central), len(body), 0)
    return bytes(body + central + end)


def deflate_zeros(total: int) -> bytes:
    """A raw deflate stream of `total` zero bytes, built in O(total / 1 MiB) time."""
    block = 1 << 20
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    segment = compressor.compress(bytes(block)) + compressor.flush(zlib.Z_FULL_FLUSH)
    # a fresh compressor's segment refers only to itself, so copies of it decode as copies
    count, rest = divmod(total, block)
    tail = zlib.compressobj(9, zlib.DEFLATED, -15)
    return segment * count + tail.compress(bytes(rest)) + tail.flush(zlib.Z_FINISH)
