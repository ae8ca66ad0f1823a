"""The packet's PDF as its recipient reads it (text through pypdf, whitespace normalised)."""

from __future__ import annotations

import io
import re
from dataclasses import replace

from pypdf import PdfReader

from tests.worlds.packets import sample_content
from vidtask.interchange import packet_signing
from vidtask.interchange.packet_report import render_report

KEY = packet_signing.generate_private_key()


def _text(pdf: bytes) -> str:
    return re.sub(r"\s+", " ", " ".join(p.extract_text() or ""
                                        for p in PdfReader(io.BytesIO(pdf)).pages))


def test_a_clues_image_region_reads_in_words() -> None:
    content = sample_content(KEY)
    series = content.series[0]
    clue = replace(series.clues[0], evidence_md5="9" * 32, evidence_time="00:21",
                   evidence_region="177,552,120,80")
    content = replace(content, series=(replace(series, clues=(clue,)),))
    text = _text(render_report(content))
    assert "region 120 × 80 px at (177, 552)" in text
    assert "177,552,120,80" not in text
