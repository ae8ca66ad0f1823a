"""Packets built by the worker pool are the bytes the exporter itself would build."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import replace
from pathlib import Path

from reportlab.lib import rl_accel

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


_WITHOUT_ACCELERATOR = """
import sys
sys.modules["_rl_accel"] = None  # reportlab falls back to its own Python functions
from reportlab.lib import rl_accel
assert not rl_accel._c_funcs
from tests.worlds.packets import sample_content
from vidtask.interchange.packets import build_packet
key = sys.stdin.read()
sys.stdout.buffer.write(build_packet(sample_content(key), key))
"""


def test_a_packet_is_the_same_bytes_with_or_without_reportlabs_c_accelerator() -> None:
    # a country re-exporting on another install must get the file it was sent before
    assert rl_accel._c_funcs, "rl_accel (a dependency) is not in use"
    root = Path(__file__).resolve().parents[2]
    plain = subprocess.run([sys.executable, "-c", _WITHOUT_ACCELERATOR], input=KEY.encode(),
                           capture_output=True, cwd=root, check=True).stdout
    assert plain == build_packet(sample_content(KEY), KEY)
