"""Packets built by the worker pool are the bytes the exporter itself would build."""

from __future__ import annotations

from dataclasses import replace

from tests.worlds.packets import sample_content
from vidtask.interchange import packet_signing
from vidtask.interchange.packet_render import PacketBuilder
from vidtask.interchange.packets import build_packet

KEY = packet_signing.generate_private_key()


def test_the_pool_builds_byte_identical_packets() -> None:
    base = sample_content(KEY)
    contents = [replace(base, header=replace(base.header, country=code, packet_code=f"T-{code}"))
                for code in ("AT", "DE", "FR")]
    with PacketBuilder(KEY, len(contents), workers=2) as builder:
        assert builder.parallel
        jobs = [builder.submit(c) for c in contents]
        pooled = [builder.result(j) for j in jobs]
    assert pooled == [build_packet(c, KEY) for c in contents]
    with PacketBuilder(KEY, 1) as alone:  # one packet: no pool started
        assert not alone.parallel
        assert alone.result(alone.submit(contents[0])) == pooled[0]
