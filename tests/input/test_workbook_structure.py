"""The structure of an input workbook, before any cell is typed: sheet names that clash once trimmed, a units
row that holds data, and files that are damaged or encrypted. Real .xlsx files written with openpyxl."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from planner import load_case
from planner.input.reader import WorkbookError, read_workbook
from planner.input.template import write_template
from xlsx_helpers import (
    assert_problem, at, break_sheet_xml, column_letter, delete_rows, encrypted_xlsx, poke, problems_of, valid_tables,
    write_plain, write_valid,
)

DATA = Path(__file__).resolve().parents[2] / "planner" / "data"
MAX_IT = column_letter("Sites", "max_it_mw")
EF = column_letter("Sites", "grid_ef_tco2_per_mwh")




# ----------------------------------------------------------------------------------------------------------
# Sheet names
# ----------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("twin", ["Sites ", " Sites", " sites  "])
def test_two_sheets_equal_after_trimming_are_an_error_naming_both(tmp_path, twin):
    tables = valid_tables()
    tables[twin] = tables["Sites"].iloc[:1]  # the twin comes last: it used to replace the real sheet silently
    problems = problems_of(write_plain(tmp_path / "twins.xlsx", tables))
    problem = assert_problem(problems, "Sites", "are both read as Sites")
    assert "'Sites'" in problem.message and repr(twin) in problem.message
    assert "delete one of them, or rename it" in problem.fix
    assert not [p for p in problems if "unknown sheet" in p.message]


def test_a_sheet_name_with_outer_spaces_alone_is_still_read(tmp_path):
    tables = valid_tables()
    tables[" Sites "] = tables.pop("Sites")
    case = load_case(write_plain(tmp_path / "spaced.xlsx", tables))
    assert list(case.sites.index) == ["s1", "s2", "s3"]


# ----------------------------------------------------------------------------------------------------------
# Units row
# ----------------------------------------------------------------------------------------------------------
def test_missing_units_row_with_numbers_is_an_error_not_a_lost_site(tmp_path):
    book = delete_rows(write_valid(tmp_path), "Sites", 2)  # s1 now sits in row 2
    problems = problems_of(book)
    problem = assert_problem(problems, "Sites!row 2", "row 2 holds data ('s1', 'west', 'S1'")
    assert "units row is missing" in problem.message
    assert "row 2 must hold the units of row 1's columns, e.g." in problem.fix
    assert "deg under lat" in problem.fix and "MW under max_it_mw" in problem.fix
    assert not at(problems, "Sites!A2", "warning")  # one error, not a warning per cell


def test_missing_units_row_of_text_only_cells_is_an_error(tmp_path):
    book = delete_rows(write_valid(tmp_path), "SiteCooling", 2)  # row 2: s3, air, no
    problems = problems_of(book)
    assert_problem(problems, "SiteCooling!row 2", "row 2 holds data ('s3', 'air', 'no')")
    assert not [p for p in problems if p.sheet == "SiteCooling" and p.severity == "warning"]


def test_missing_units_row_on_profiles_is_an_error(tmp_path):
    book = delete_rows(write_valid(tmp_path), "Profiles", 2)
    problems = problems_of(book)
    assert_problem(problems, "Profiles!row 2", "units row is missing")


def test_units_row_with_blank_and_other_units_is_still_units(tmp_path):
    """Blank units cells are fine; a wrong but recognisable unit stays a warning about that cell."""
    book = write_valid(tmp_path, cells={"Sites": {"A2": None, "B2": None, f"{MAX_IT}2": "kW", f"{EF}2": "-"},
                                        "SiteCooling": {"A2": None, "B2": None, "C2": None}})
    case = load_case(book)
    assert list(case.sites.index) == ["s1", "s2", "s3"]
    assert any(p.location == f"Sites!{MAX_IT}2" and "unit of max_it_mw is 'kW'" in p.message for p in case.warnings)


def test_blank_units_row_is_valid(tmp_path):
    blank = {f"{chr(ord('A') + i)}2": None for i in range(len(valid_tables()["Sites"].columns))}
    case = load_case(write_valid(tmp_path, cells={"Sites": blank}))
    assert len(case.sites) == 3


@pytest.mark.parametrize("name", ["east_data_west.xlsx", "quickstart.xlsx"])
def test_built_in_examples_still_validate(name):
    assert load_case(DATA / name).summary()


def test_template_still_validates(tmp_path):
    assert load_case(write_template(tmp_path / "template.xlsx")).summary()


# ----------------------------------------------------------------------------------------------------------
# Damaged and encrypted files
# ----------------------------------------------------------------------------------------------------------
def test_damaged_sheet_xml_names_the_file_the_sheet_and_the_fix(tmp_path):
    book = break_sheet_xml(write_valid(tmp_path), "Sites")
    with pytest.raises(WorkbookError) as caught:
        read_workbook(book)
    text = str(caught.value)
    assert text.startswith(f"{book}: sheet 'Sites' is damaged")
    assert "broken XML" in text and "open it in Excel" in text and "repair" in text


def test_damaged_later_sheet_is_named_too(tmp_path):
    book = break_sheet_xml(write_valid(tmp_path), "Profiles")
    with pytest.raises(WorkbookError, match="sheet 'Profiles' is damaged"):
        load_case(book)


def test_broken_zip_member_names_the_sheet(tmp_path):
    """A flipped byte in a stored (uncompressed) worksheet: the zip's CRC check fails on that sheet."""
    book = write_valid(tmp_path)
    with zipfile.ZipFile(book) as archive:
        items = [(info, archive.read(info.filename)) for info in archive.infolist()]
    with zipfile.ZipFile(book, "w", zipfile.ZIP_STORED) as archive:
        for info, data in items:
            info.compress_type = zipfile.ZIP_STORED
            archive.writestr(info, data)
    data = bytearray(book.read_bytes())
    data[data.find(b"<sheetData") + 3] ^= 1  # inside the first worksheet (Settings)
    book.write_bytes(bytes(data))
    with pytest.raises(WorkbookError, match=r"sheet 'Settings' is damaged .*CRC.*open it in Excel"):
        read_workbook(book)


def test_encrypted_workbook_says_save_it_without_a_password(tmp_path):
    book = encrypted_xlsx(tmp_path / "locked.xlsx")
    with pytest.raises(WorkbookError) as caught:
        read_workbook(book)
    text = str(caught.value)
    assert str(book) in text and "encrypted" in text and "save it without a password" in text
    assert "zip" not in text


def test_old_xls_saved_as_xlsx_says_save_as_xlsx(tmp_path):
    book = tmp_path / "old.xlsx"
    book.write_bytes(bytes.fromhex("D0CF11E0A1B11AE1") + b"\0" * 504 + "Workbook".encode("utf-16-le") + b"\0" * 512)
    with pytest.raises(WorkbookError, match=r"Excel 97-2003 \(\.xls\).*save it as 'Excel Workbook"):
        read_workbook(book)


def test_poke_helper_keeps_units_row(tmp_path):
    """A workbook saved again by openpyxl (as Excel would) keeps reading its units row as units."""
    book = poke(write_valid(tmp_path), "Sites", {f"{MAX_IT}3": 150.0})
    assert load_case(book).sites.at["s1", "max_it_mw"] == 150.0
