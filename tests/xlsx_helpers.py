"""Helpers for tests that write real .xlsx input workbooks and read them back.

`valid_tables()` is a small valid case as plain DataFrames (schema column names); `write_plain()` writes it
with bare openpyxl (header row, units row, data from row 3 - no styles, no README), independent of
planner.input.template; `poke()` changes cells of a saved workbook; `problems_of()` validates and returns problems.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from openpyxl import Workbook, load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.utils.cell import coordinate_to_tuple

from planner.input.schema import SETTINGS, SHEETS, SHEETS_BY_NAME, Problem
from planner.input.validate import CaseInvalid, load_case

HOURS = np.arange(24)


def valid_tables() -> dict[str, Any]:
    """A small valid case: 2 hubs, 3 sites, 2 cooling technologies, 2 demands, 2 representative days."""
    sites = pd.DataFrame({
        "site_id": ["s1", "s2", "s3"], "hub_id": ["west", "west", "east"], "name": ["S1", "S2", "S3"],
        "lat": [35.7, 36.0, 31.0], "lon": [107.6, 107.0, 121.0], "max_it_mw": [200.0, 100.0, 50.0],
        "module_mw": [20.0, 20.0, 10.0], "existing_it_mw": [0.0, 20.0, 0.0], "must_open": ["no", "no", "yes"],
        "it_capex_cny_per_mw": [4e7, 4e7, 5e7], "grid_price_cny_per_mwh": [380.0, None, 600.0],
        "grid_price_profile": [None, "price_a", None], "grid_ef_tco2_per_mwh": [0.45, 0.45, 0.58],
        "max_pv_mw": [100.0, 0.0, 0.0], "pv_profile": ["pv_a", None, None], "temp_profile": ["temp_a", None, None],
    })
    return {
        "Settings": {"case_name": "small", "discount_rate": 0.08, "objective": "cost"},
        "Hubs": pd.DataFrame({"hub_id": ["west", "east"], "name": ["West hub", "East hub"],
                              "region": ["west", "east"], "pue_cap": [1.2, 1.25], "min_green_share": [0.8, None]}),
        "Sites": sites,
        "Cooling": pd.DataFrame({"cooling_id": ["air", "liquid"], "name": ["Air", "Liquid"],
                                 "pue_annual": [1.3, 1.1], "capex_cny_per_mw_it": [3e6, 6e6]}),
        "SiteCooling": pd.DataFrame({"site_id": ["s3"], "cooling_id": ["air"], "allowed": ["no"]}),
        "Demand": pd.DataFrame({"demand_id": ["d1", "d2"], "name": ["D1", "D2"], "lat": [31.2, 39.9],
                                "lon": [121.5, 116.4], "it_load_mw": [50.0, 30.0], "latency_cap_ms": [40.0, 40.0],
                                "load_profile": ["load_a", None]}),
        "Technologies": pd.DataFrame({"tech_id": ["pv", "wind", "battery"], "capex_cny_per_kw": [3300.0, 4800.0, 500.0],
                                      "capex_cny_per_kwh": [None, None, 700.0], "lifetime_yr": [25, 25, 15],
                                      "min_hours": [None, None, 1.0], "max_hours": [None, None, 4.0]}),
        "Profiles": profiles_frame(),
    }


def profiles_frame(days: int = 2, weights: Iterable[float] = (200.0, 165.0)) -> pd.DataFrame:
    """Representative days: pv_a (cf), load_a (share), temp_a (degC), price_a (CNY/MWh)."""
    weights = list(weights)
    frame = pd.DataFrame({"day": np.repeat(np.arange(1, days + 1), 24), "hour": np.tile(HOURS, days),
                          "weight_days": np.repeat(weights, 24)})
    hours = frame["hour"].to_numpy()
    frame["pv_a"] = np.round(np.clip(np.sin(np.pi * (hours - 6) / 12), 0, None) * 0.8, 3)
    frame["load_a"] = 0.7 + 0.2 * np.sin(np.pi * hours / 24)
    frame["temp_a"] = 12.0 + 5 * np.sin(2 * np.pi * hours / 24)
    frame["price_a"] = 300.0 + 100 * np.sin(2 * np.pi * hours / 24)
    return frame


PROFILE_UNITS = {"pv_a": "cf", "load_a": "share", "temp_a": "degC", "price_a": "CNY/MWh"}


def table_grid(name: str, table: Any, units: Mapping[str, str]) -> list[list[Any]]:
    """A table as rows of cells: row 1 headers, row 2 units, data from row 3 (Settings: name/value/unit)."""
    if isinstance(table, Mapping):
        rows = [["name", "value", "unit"], ["-", "-", "-"]]
        return rows + [[k, _cell(v), SETTINGS.column(k).unit if k in SETTINGS.column_names else ""]
                       for k, v in table.items()]
    sheet = SHEETS_BY_NAME.get(name)
    col_units = {c.name: c.unit for c in sheet.columns} if sheet else {}
    rows = [[str(c) for c in table.columns], [col_units.get(c, units.get(c, "-")) for c in table.columns]]
    return rows + [[_cell(v) for v in values] for values in table.itertuples(index=False)]


def _edit(grid: list[list[Any]], cells: Mapping[str, Any]) -> None:
    for ref, value in cells.items():
        row, col = coordinate_to_tuple(ref)
        while len(grid) < row:
            grid.append([])
        line = grid[row - 1]
        line.extend([None] * (col - len(line)))
        line[col - 1] = value


def write_plain(path: Path, tables: Mapping[str, Any], profile_units: Mapping[str, str] | None = None,
                cells: Mapping[str, Mapping[str, Any]] | None = None) -> Path:
    """Write tables as a bare workbook (openpyxl write-only: fast, no styles); `cells` edits cells first,
    e.g. {"Sites": {"F4": -20}}."""
    units = {**PROFILE_UNITS, **(profile_units or {})}
    wb = Workbook(write_only=True)
    for name, table in tables.items():
        grid = table_grid(name, table, units)
        _edit(grid, (cells or {}).get(name, {}))
        ws = wb.create_sheet(name)
        for row in grid:
            ws.append(row)
    wb.save(path)
    return path


def _cell(value: Any) -> Any:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    return value.item() if isinstance(value, np.generic) else value


def write_valid(tmp_path: Path, name: str = "case.xlsx", cells: Mapping[str, Mapping[str, Any]] | None = None,
                **changes: Any) -> Path:
    """valid_tables() written bare, with sheets replaced/removed by `changes` (Sheet=DataFrame or None) and
    cells edited by `cells` ({"Sites": {"F4": -20}})."""
    tables = valid_tables()
    for sheet, table in changes.items():
        if table is None:
            tables.pop(sheet)
        else:
            tables[sheet] = table
    return write_plain(tmp_path / name, tables, cells=cells)


def bad(tmp_path: Path, sheet: str, cells: Mapping[str, Any]) -> list[Problem]:
    """Problems of valid_tables() with some cells of one sheet changed."""
    return problems_of(write_valid(tmp_path, cells={sheet: cells}))


def column_letter(sheet: str, column: str, tables: Mapping[str, Any] | None = None) -> str:
    """Letter of a column as written by write_plain(valid_tables())."""
    table = (tables or valid_tables())[sheet]
    return get_column_letter(list(table.columns).index(column) + 1)


def poke(path: Path, sheet: str, cells: Mapping[str, Any]) -> Path:
    """Set cells (e.g. {'G4': -20}) of a saved workbook and save it again."""
    wb = load_workbook(path)
    for ref, value in cells.items():
        wb[sheet][ref] = value
    wb.save(path)
    return path


def delete_rows(path: Path, sheet: str, first: int, count: int = 1) -> Path:
    wb = load_workbook(path)
    wb[sheet].delete_rows(first, count)
    wb.save(path)
    return path


def problems_of(path: Path) -> list[Problem]:
    """Every problem of an invalid workbook (fails the test if it is valid)."""
    try:
        load_case(path)
    except CaseInvalid as exc:
        return exc.problems
    raise AssertionError(f"{path} was expected to be invalid")


def at(problems: list[Problem], location: str, severity: str = "error") -> list[Problem]:
    """Problems at 'Sheet!Cell' (or a bare sheet name) of the given severity."""
    return [p for p in problems if p.location == location and p.severity == severity]


def assert_problem(problems: list[Problem], location: str, phrase: str, severity: str = "error") -> Problem:
    """Exactly the expected problem: at `location`, whose text contains `phrase`."""
    found = [p for p in at(problems, location, severity) if phrase in str(p)]
    assert found, f"no {severity} at {location} containing {phrase!r}; got:\n" + "\n".join(
        f"  {p.severity} {p}" for p in problems)
    return found[0]


ALL_SHEETS = [s.name for s in SHEETS]


X14_VALIDATION = (
    '<extLst><ext uri="{CCE6A557-97BC-4b89-ADB6-D9C93CAAB3DF}" '
    'xmlns:x14="http://schemas.microsoft.com/office/spreadsheetml/2009/9/main">'
    '<x14:dataValidations count="1" xmlns:xm="http://schemas.microsoft.com/office/excel/2006/main">'
    '<x14:dataValidation type="list" allowBlank="1"><x14:formula1><xm:f>Hubs!$A$3:$A$10</xm:f></x14:formula1>'
    '<xm:sqref>B3:B10</xm:sqref></x14:dataValidation></x14:dataValidations></ext></extLst>'
)


def add_excel_extensions(path: Path) -> Path:
    """Add the x14 data-validation extension Excel writes for cross-sheet dropdowns to every worksheet
    (openpyxl warns about it when reading)."""
    data = {}
    with zipfile.ZipFile(path) as archive:
        infos = archive.infolist()
        for info in infos:
            data[info.filename] = archive.read(info.filename)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in infos:
            content = data[info.filename]
            if info.filename.startswith("xl/worksheets/sheet"):
                content = content.replace(b"</worksheet>", X14_VALIDATION.encode() + b"</worksheet>")
            archive.writestr(info, content)
    return path


def encrypted_xlsx(path: Path) -> Path:
    """What Excel writes for a workbook with a password to open: an OLE compound file (signature D0 CF 11 E0
    A1 B1 1A E1) whose directory names the EncryptionInfo and EncryptedPackage streams (a minimal stand-in)."""
    directory = b"".join(name.encode("utf-16-le").ljust(64, b"\0") + b"\0" * 64
                         for name in ("Root Entry", "EncryptionInfo", "EncryptedPackage"))
    path.write_bytes(bytes.fromhex("D0CF11E0A1B11AE1") + b"\0" * 504 + directory + b"\0" * 1024)
    return path


def break_sheet_xml(path: Path, sheet: str) -> Path:
    """Cut the XML of one worksheet in half (what a truncated save or a bad edit leaves)."""
    wb = load_workbook(path, read_only=True)
    index = wb.sheetnames.index(sheet) + 1
    wb.close()
    part = f"xl/worksheets/sheet{index}.xml"
    with zipfile.ZipFile(path) as archive:
        items = [(info, archive.read(info.filename)) for info in archive.infolist()]
    assert part in [info.filename for info, _ in items]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for info, data in items:
            archive.writestr(info, data[: len(data) // 2] if info.filename == part else data)
    return path
