"""Packet file helpers: safe names, formula-proof CSV cells, paths that cannot escape."""

from __future__ import annotations

from pathlib import Path

import pytest

from vidtask.interchange.icse import csv_safe
from vidtask.interchange.packet_hashes import printable
from vidtask.interchange.packets import UnsafePath, packet_file_name, path_inside, safe_component


@pytest.mark.parametrize("hostile", ["../../etc/x", "..", "a/../../b", "\x00evil", "Z" * 500,
                                     "C:\\Windows\\x", "Ünïcødé ✓"])
def test_file_names_from_the_database_are_reduced_to_safe_characters(hostile: str,
                                                                     tmp_path: Path) -> None:
    name = packet_file_name(hostile, hostile, hostile)
    assert "/" not in name and "\\" not in name and "\x00" not in name and ".." not in name
    assert len(name) < 200
    assert path_inside(tmp_path, name).parent == tmp_path.resolve()
    assert safe_component(hostile)


def test_path_inside_refuses_escapes(tmp_path: Path) -> None:
    with pytest.raises(UnsafePath):
        path_inside(tmp_path, "../x.zip")


def test_csv_cells_cannot_start_a_formula() -> None:
    assert csv_safe("=HYPERLINK(1)") == "'=HYPERLINK(1)"
    assert csv_safe("-2+3") == "'-2+3"
    assert csv_safe("@SUM") == "'@SUM"
    # names from the database lose control characters before they reach a cell
    assert printable("a\x00b\x1b[31m") == "ab[31m"
