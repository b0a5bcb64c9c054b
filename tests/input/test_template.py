"""The template and the workbook writer: real .xlsx files, read back with openpyxl and the validator."""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest
from openpyxl import load_workbook

from planner import case_from_tables, load_case
from planner.input.schema import FIRST_DATA_ROW, README_SHEET, SETTINGS, SHEETS, SHEETS_BY_NAME, UNIT_ROW
from planner.input.template import write_case_workbook, write_template
from xlsx_helpers import PROFILE_UNITS, valid_tables


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    return write_template(tmp_path_factory.mktemp("tpl") / "inputs" / "my-case.xlsx")


@pytest.fixture(scope="module")
def wb(template):
    return load_workbook(template)


def validations(ws) -> dict[str, str]:
    """Cell range (first cell) -> list formula of every data validation of a sheet."""
    return {str(dv.sqref).split(":")[0]: dv.formula1 for dv in ws.data_validations.dataValidation}


def test_template_reads_back_valid(template):
    case = load_case(template)
    assert case.summary() == ("1 site in 1 hub, 1 demand region, 2 cooling technologies, "
                              "1 representative day (24 h) of profiles")
    assert case.warnings == []
    assert case.settings.case_name == "my-case"


def test_template_sheets_in_schema_order_readme_first(wb):
    assert wb.sheetnames == [README_SHEET] + [s.name for s in SHEETS]


@pytest.mark.parametrize("sheet", [s for s in SHEETS if s.kind == "table"], ids=lambda s: s.name)
def test_headers_and_units_come_from_the_schema(wb, sheet):
    ws = wb[sheet.name]
    width = len(sheet.columns)
    assert [c.value for c in ws[1][:width]] == sheet.column_names
    assert [c.value for c in ws[UNIT_ROW][:width]] == [c.unit for c in sheet.columns]
    assert ws.freeze_panes == f"B{FIRST_DATA_ROW}"
    assert ws["A1"].comment is not None  # the column's meaning on hover


def test_settings_sheet_lists_every_setting(wb):
    ws = wb["Settings"]
    assert [ws.cell(r, 1).value for r in range(FIRST_DATA_ROW, FIRST_DATA_ROW + len(SETTINGS.columns))] == \
        SETTINGS.column_names
    units = {ws.cell(r, 1).value: ws.cell(r, 3).value for r in range(FIRST_DATA_ROW, ws.max_row + 1)}
    assert units["discount_rate"] == "1/yr" and units["carbon_price_cny_per_tco2"] == "CNY/tCO2"
    row = FIRST_DATA_ROW + SETTINGS.column_names.index("objective")
    assert validations(ws)[f"B{row}"] == '"cost,emissions"'


def test_dropdowns_for_choices_and_references(wb):
    sites = validations(wb["Sites"])
    col = {name: chr(ord("A") + i) for i, name in enumerate(SHEETS_BY_NAME["Sites"].column_names)}
    assert sites[f"{col['hub_id']}3"] == "Hubs!$A$3:$A$1000"
    assert sites[f"{col['must_open']}3"] == '"yes,no"'
    for name in ("pv_profile", "wind_profile", "temp_profile", "grid_price_profile", "grid_ef_profile"):
        assert sites[f"{col[name]}3"] == "Profiles!$D$1:$ZZ$1"
    assert validations(wb["Hubs"])["C3"] == '"east,west"'
    assert validations(wb["SiteCooling"]) == {"A3": "Sites!$A$3:$A$1000", "B3": "Cooling!$A$3:$A$1000",
                                              "C3": '"yes,no"'}
    assert validations(wb["Network"]) == {"A3": "Demand!$A$3:$A$1000", "B3": "Sites!$A$3:$A$1000"}
    assert validations(wb["Technologies"])["A3"] == '"pv,wind,battery"'
    assert validations(wb["Demand"])["H3"] == "Profiles!$D$1:$ZZ$1"


def test_example_rows_are_clearly_marked(wb):
    for sheet in SHEETS:
        if sheet.kind == "settings":
            continue
        cell = wb[sheet.name].cell(FIRST_DATA_ROW, 1)
        assert cell.font.i and "Example" in cell.comment.text, sheet.name
    assert "overwrite" in " ".join(str(c.value) for row in wb[README_SHEET].iter_rows() for c in row).lower()


def test_bools_are_written_as_yes_no(wb):
    ws = wb["SiteCooling"]
    assert ws["C3"].value == "no"


def test_profiles_example_is_one_representative_day(wb):
    ws = wb["Profiles"]
    assert ws.freeze_panes == "D3"
    header = [c.value for c in ws[1]]
    units = dict(zip(header, [c.value for c in ws[2]]))
    assert header[:3] == ["day", "hour", "weight_days"]
    assert units["pv_qingyang"] == "cf" and units["temp_qingyang"] == "degC"
    assert [ws.cell(r, 2).value for r in range(3, 27)] == list(range(24))
    assert {ws.cell(r, 3).value for r in range(3, 27)} == {365}


def test_column_widths_are_set(wb):
    ws = wb["Sites"]
    assert ws.column_dimensions["A"].width >= len("qingyang-1")
    letter = chr(ord("A") + SHEETS_BY_NAME["Sites"].column_names.index("grid_connection_cost_cny_per_mw_yr"))
    assert ws.column_dimensions[letter].width > 30


def test_readme_sheet_documents_every_column(wb):
    text = {str(c.value) for row in wb[README_SHEET].iter_rows() for c in row if c.value is not None}
    for sheet in SHEETS:
        assert f"Sheet {sheet.name}" in text
        assert set(sheet.column_names) <= text


def test_write_case_workbook_round_trip(tmp_path):
    tables = valid_tables()
    sources = pd.DataFrame({"what": ["PV"], "source": ["made up"]})
    path = write_case_workbook(tmp_path / "case.xlsx", tables, profile_units=PROFILE_UNITS,
                               extra_sheets={"Sources": sources})
    wb = load_workbook(path)
    assert wb.sheetnames == [README_SHEET] + [s.name for s in SHEETS] + ["Sources"]
    assert wb["Links"].max_row == 2 and wb["Links"]["A2"].value == "-"  # empty optional sheet: header + units
    assert wb["Profiles"]["D2"].value == "cf"
    case, expected = load_case(path), case_from_tables(tables)
    assert case.warnings == []  # the Sources sheet is a known documentation sheet
    for name in ("hubs", "sites", "cooling", "site_cooling", "demand", "technologies", "timesteps", "profiles"):
        pd.testing.assert_frame_equal(getattr(case, name), getattr(expected, name), check_dtype=False)
    assert case.settings == expected.settings


def test_write_case_workbook_from_a_case(tmp_path):
    """Tables of a Case (indexed, bools, full site x cooling table) write back to an equivalent workbook."""
    case = case_from_tables(valid_tables())
    tables = {"Settings": dataclasses.asdict(case.settings), "Hubs": case.hubs, "Sites": case.sites,
              "Cooling": case.cooling, "SiteCooling": case.site_cooling, "Demand": case.demand,
              "Technologies": case.technologies, "Profiles": pd.concat([case.timesteps, case.profiles], axis=1)}
    again = load_case(write_case_workbook(tmp_path / "again.xlsx", tables))
    pd.testing.assert_frame_equal(again.sites, case.sites, check_dtype=False)
    pd.testing.assert_frame_equal(again.site_cooling, case.site_cooling, check_dtype=False)
    assert again.settings == case.settings
    assert load_workbook(tmp_path / "again.xlsx")["Profiles"]["D2"].value == "cf"  # inferred from pv_profile


def test_write_is_atomic_and_overwrites(tmp_path):
    path = tmp_path / "case.xlsx"
    path.write_bytes(b"old")
    write_case_workbook(path, valid_tables())
    assert load_workbook(path).sheetnames[0] == README_SHEET
    assert sorted(p.name for p in tmp_path.iterdir()) == ["case.xlsx"]  # no temporary file left


def test_unknown_columns_are_refused(tmp_path):
    tables = valid_tables()
    tables["Hubs"]["colour"] = "red"
    with pytest.raises(ValueError, match="colour"):
        write_case_workbook(tmp_path / "x.xlsx", tables)
    assert not (tmp_path / "x.xlsx").exists()


def test_written_workbook_has_ordinary_permissions(tmp_path):
    """Atomic writes go through mkstemp (0600); the result must be readable like any new file."""
    import os
    import stat

    from planner.input.template import write_template

    path = write_template(tmp_path / "t.xlsx")
    mask = os.umask(0)
    os.umask(mask)
    assert stat.S_IMODE(path.stat().st_mode) == 0o666 & ~mask
    assert [p.name for p in tmp_path.iterdir()] == ["t.xlsx"]
