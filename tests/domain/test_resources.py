"""The plug/mains and driving-side tables in resources/data: real codes, wide cover, spot checks."""

from __future__ import annotations

import csv
from pathlib import Path

import pycountry
import pytest

from vidtask.domain import countries as c
from vidtask.domain.resources import ResourceMissing, resource_path

ISO_CODES = {entry.alpha_2 for entry in pycountry.countries}
TABLES = ["plug_types.csv", "driving_side.csv"]


def _rows(filename: str) -> list[list[str]]:
    lines = resource_path("data", filename).read_text(encoding="utf-8").splitlines()
    return list(csv.reader(line for line in lines if line and not line.startswith("#")))


@pytest.mark.parametrize("filename", TABLES)
def test_table_names_its_source_and_date_in_leading_comments(filename: str) -> None:
    text = resource_path("data", filename).read_text(encoding="utf-8")
    header = [line for line in text.splitlines() if line.startswith("#")]
    assert text.startswith("#")
    assert any("Source:" in line for line in header)
    assert any("2026-11" in line for line in header)


@pytest.mark.parametrize("filename", TABLES)
def test_every_code_is_a_real_unique_alpha2_and_coverage_is_wide(filename: str) -> None:
    codes = [row[0] for row in _rows(filename)[1:]]
    assert set(codes) <= ISO_CODES, set(codes) - ISO_CODES
    assert len(codes) == len(set(codes))
    assert len(codes) >= 190


def test_plug_table_loads_through_the_validating_reader() -> None:
    assert len(c.countries_with_mains_data()) == len(_rows("plug_types.csv")) - 1
    assert len(c.countries_with_driving_data()) == len(_rows("driving_side.csv")) - 1


@pytest.mark.parametrize("code", ["GB", "IE", "MT", "CY"])
def test_type_g_sockets_in_british_style_countries(code: str) -> None:
    assert "G" in c.plug_types_of(code)


@pytest.mark.parametrize("code", ["DE", "AT", "NL", "UA", "RU", "ES"])
def test_type_f_schuko_in_continental_countries(code: str) -> None:
    assert "F" in c.plug_types_of(code)


def test_france_and_belgium_use_type_e_not_g() -> None:
    assert {"C", "E"} <= set(c.plug_types_of("FR"))
    assert "G" not in c.plug_types_of("FR")
    assert "E" in c.plug_types_of("BE")


def test_mains_voltage_and_frequency_spot_checks() -> None:
    germany, usa, japan = c.mains_of("DE"), c.mains_of("US"), c.mains_of("JP")
    assert germany is not None and usa is not None and japan is not None
    assert germany.voltages == (230,) and germany.frequencies == (50,)
    assert usa.voltages == (120,) and usa.frequencies == (60,)
    assert japan.voltages == (100,) and set(japan.frequencies) == {50, 60}


@pytest.mark.parametrize("code", ["GB", "IE", "JP", "AU", "IN", "ZA", "CY", "MT", "NZ", "TH"])
def test_left_hand_traffic(code: str) -> None:
    assert c.driving_side_of(code) == "left"


@pytest.mark.parametrize("code", ["FR", "DE", "US", "UA", "RU", "CN", "BR", "SE"])
def test_right_hand_traffic(code: str) -> None:
    assert c.driving_side_of(code) == "right"


def test_resource_path_reports_a_missing_file_clearly() -> None:
    with pytest.raises(ResourceMissing, match=r"no-such-table\.csv"):
        resource_path("data", "no-such-table.csv")


def test_malformed_table_is_reported_with_file_and_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "driving_side.csv").write_text("# test\nalpha2,side\nGB,left\nFR,middle\n")
    monkeypatch.setattr("vidtask.domain.resources.RESOURCES_ROOT", tmp_path)
    c._driving_table.cache_clear()
    try:
        with pytest.raises(c.ReferenceDataError, match=r"driving_side\.csv, line 4"):
            c.driving_side_of("FR")
    finally:
        monkeypatch.undo()
        c._driving_table.cache_clear()
        c._driving_index.cache_clear()
