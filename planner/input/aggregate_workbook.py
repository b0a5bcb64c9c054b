"""Write the case of representative days (`planner aggregate`): the year's workbook with its Profiles sheet
replaced by the days, and an informational Aggregation sheet (`AGGREGATION_SHEET`, one of the schema's
`INFO_SHEETS`: the reader ignores it) saying which real day each is and how well the days stand for the year.
Every other sheet of the year's workbook (Settings, Sites, ..., Sources, Notes) is kept as it is."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from openpyxl import load_workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from planner.input.aggregate import Aggregation
from planner.input.schema import AGGREGATION_SHEET, PROFILES, UNIT_ROW
from planner.input.template import excel_value, save_atomic, write_table_sheet

TITLE = Font(bold=True, size=12)


def _profile_units(ws) -> dict[str, str]:
    """Profile id -> the unit on the Profiles sheet's units row."""
    headers = [c.value for c in ws[1]]
    units = [c.value for c in ws[UNIT_ROW]]
    fixed = set(PROFILES.column_names)
    return {str(h).strip(): str(u).strip() for h, u in zip(headers, units)
            if h is not None and u is not None and str(h).strip() not in fixed}


def write_aggregated_workbook(year_path: str | Path, out_path: str | Path, agg: Aggregation) -> Path:
    """`year_path`'s workbook with the Profiles of `agg` and the Aggregation sheet, saved (atomically) as
    `out_path`."""
    wb = load_workbook(year_path)
    old = wb[PROFILES.name]
    position = wb.sheetnames.index(PROFILES.name)
    units = _profile_units(old)
    wb.remove(old)
    write_table_sheet(wb.create_sheet(PROFILES.name, position), PROFILES, agg.profiles, profile_units=units)
    if AGGREGATION_SHEET in wb.sheetnames:
        wb.remove(wb[AGGREGATION_SHEET])
    ws = wb.create_sheet(AGGREGATION_SHEET)
    _write_blocks(ws, agg)
    return save_atomic(wb, out_path)


def _write_blocks(ws, agg: Aggregation) -> None:
    """Title and method, the quality table, then the days table (each with a bold header row)."""
    lines = [f"Representative days: {len(agg.days)} days standing for 365 (informational: planner ignores this "
             "sheet)", agg.method, *agg.notes]
    for i, text in enumerate(lines, start=1):
        ws.cell(i, 1, text).font = TITLE if i == 1 else Font(italic=True)
    row = len(lines) + 2
    row = _table(ws, row, "Each profile: annual mean and duration curve, days against the year", agg.quality)
    row = _table(ws, row + 1, "Annual totals a plan depends on, days against the year", agg.totals)
    _table(ws, row + 1, "The representative days (date: the real day each one is)", agg.days)


def _table(ws, row: int, title: str, frame: pd.DataFrame) -> int:
    """`frame` under a bold title, its column names in bold; the row after it."""
    ws.cell(row, 1, title).font = Font(bold=True)
    for pos, name in enumerate(frame.columns, start=1):
        ws.cell(row + 1, pos, str(name)).font = Font(bold=True)
        ws.column_dimensions[get_column_letter(pos)].width = max(14, len(str(name)) + 2)
    for r, values in enumerate(frame.itertuples(index=False), start=row + 2):
        for pos, value in enumerate(values, start=1):
            ws.cell(r, pos, excel_value(value))
    return row + 2 + len(frame)
