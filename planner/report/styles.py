"""Shared formatting of the result and comparison workbooks: one place for every style decision.

Layout of every table written here (same as the input workbook): a header row with the column names, a
units row below it, data below that. Units come from the column name's suffix (``_mw`` -> MW, ``_cny`` ->
CNY, ...) unless the caller gives them; the number format of a column follows from its unit. The result
workbook's own tables take their units, formats and header comments from `planner.results.schema`
(`write_schema_table`).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
from openpyxl.cell import Cell
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.table import Table as ExcelTable, TableStyleInfo
from openpyxl.worksheet.worksheet import Worksheet

from planner.results.schema import (FMT_CNY, FMT_FLOAT, FMT_GAP, FMT_GENERAL, FMT_INT, FMT_MS, FMT_MW, FMT_MWH,
                                    FMT_PUE, FMT_SECONDS, FMT_SHARE, FMT_TCO2, Table, check_names)
from planner.results.labels import header

# ---------------------------------------------------------------------------------------------------------
# Styles
# ---------------------------------------------------------------------------------------------------------
FONT = "Calibri"  # named on every styled cell: a font without a name prints in the viewer's default (serif)
HEADER_FONT = Font(name=FONT, bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="1F4E78")
UNIT_FONT = Font(name=FONT, italic=True, color="595959")
UNIT_FILL = PatternFill("solid", fgColor="DDEBF7")
TITLE_FONT = Font(name=FONT, bold=True, size=14, color="1F4E78")
SUBTITLE_FONT = Font(name=FONT, italic=True, color="595959")
SECTION_FONT = Font(name=FONT, bold=True, size=12, color="1F4E78")
SECTION_FILL = PatternFill("solid", fgColor="F2F2F2")
WARN_FONT = Font(name=FONT, bold=True, color="C00000")
OK_FONT = Font(name=FONT, bold=True, color="375623")
HEADER_BORDER = Border(bottom=Side(style="thin", color="1F4E78"))
WRAP = Alignment(wrap_text=True, vertical="top")
BOLD_FONT = Font(name=FONT, bold=True)
ID_FONT = Font(name=FONT, size=8, color="808080")  # the hidden row of column ids above a table's labels
HEADER_HEIGHT = 45  # points: a header row of labels wrapped on up to three lines

# ---------------------------------------------------------------------------------------------------------
# Units and number formats
# ---------------------------------------------------------------------------------------------------------
# the number formats are declared with the result schema (FMT_MW, FMT_SHARE, ...)

# suffix -> unit, first match wins (longest suffixes first)
_SUFFIX_UNITS: tuple[tuple[str, str], ...] = (
    ("_cny_per_yr", "CNY/yr"),
    ("_cny_per_mw_yr", "CNY/(MW*yr)"),
    ("_cny_per_mwh", "CNY/MWh"),
    ("_cny_per_mw_it", "CNY/MW"),
    ("_cny_per_mw", "CNY/MW"),
    ("_cny_per_kwh", "CNY/kWh"),
    ("_cny_per_kw", "CNY/kW"),
    ("_cny_per_tco2", "CNY/tCO2"),
    ("_tco2_per_mwh", "tCO2/MWh"),
    ("_tco2_per_yr", "tCO2/yr"),
    ("_kgco2_per_kwh", "kgCO2/kWh"),
    ("_mwh", "MWh"),
    ("_mw", "MW"),
    ("_cny", "CNY"),
    ("_tco2", "tCO2"),
    ("_ms", "ms"),
    ("_km", "km"),
    ("_s", "s"),
    ("_yr", "yr"),
    ("_days", "days"),
    ("_pct", "%"),
)

# units that are annual amounts when a table holds annual totals (Sites, Summary)
_ANNUAL = {"MWh": "MWh/yr", "CNY": "CNY/yr", "tCO2": "tCO2/yr"}


def is_share(name: str) -> bool:
    """Shares are stored as fractions 0-1 and shown as percentages."""
    n = name.lower()
    return "share" in n or n.endswith("_fraction") or n in {"gap", "mip_gap", "relative_gap"}


def unit_for(name: str, *, annual: bool = False) -> str:
    """The unit of a column from its name (``it_mw`` -> MW). ``annual``: energy, cost and emissions are per year."""
    n = name.lower()
    if is_share(n):
        return "%"
    if "pue" in n:
        return "-"
    if n == "hour":
        return "h"
    if n in {"modules", "n_sites", "sites_opened", "t", "day"}:
        return "-"
    for suffix, unit in _SUFFIX_UNITS:
        if n.endswith(suffix):
            return _ANNUAL.get(unit, unit) if annual else unit
    return "-"


def number_format_for(unit: str | None, name: str = "") -> str:
    """Excel number format for a value of this unit (and name, for shares, PUE and counts)."""
    u = (unit or "").strip()
    n = name.lower()
    if u in {"%", "share", "fraction"} or (u in {"", "-"} and is_share(n)):
        return FMT_GAP if "gap" in n else FMT_SHARE
    if "pue" in n and u in {"", "-"}:
        return FMT_PUE
    base = u.split("/")[0].strip()
    if u in {"CNY/kWh", "CNY/kW"}:
        return "#,##0.00"
    if u in {"CNY/MWh", "CNY/tCO2"}:
        return "#,##0.0"
    if base == "CNY":
        return FMT_CNY
    if u.startswith("kgCO2"):
        return "0.000"
    if u.startswith("tCO2/MWh"):
        return "0.0000"
    if base == "tCO2":
        return FMT_TCO2
    if u == "MWh" and not n.endswith(("_mwh_per_yr",)) and ("battery" in n or "soc" in n or not n):
        return FMT_MW  # an energy capacity or state of charge: one decimal
    if base == "MWh" or base == "GWh":
        return FMT_MWH
    if base in {"MW", "GW"}:
        return FMT_MW
    if u == "ms":
        return FMT_MS
    if u == "s":
        return FMT_SECONDS
    if u in {"count", "sites", "modules", "int"} or n in {"modules", "t", "day", "hour", "sites_opened"}:
        return FMT_INT
    if u == "h" or u == "days":
        return "0.##"
    if u in {"yes/no", "bool"}:
        return FMT_GENERAL
    return FMT_FLOAT


# ---------------------------------------------------------------------------------------------------------
# Cells
# ---------------------------------------------------------------------------------------------------------
def excel_value(v: Any) -> Any:
    """A value openpyxl can write: numpy scalars to Python, NaN/inf/None to empty, bools to yes/no."""
    if v is None:
        return None
    if isinstance(v, (bool, np.bool_)):
        return "yes" if bool(v) else "no"
    if isinstance(v, (np.integer,)):
        return int(v)
    if isinstance(v, (float, np.floating)):
        f = float(v)
        return None if (math.isnan(f) or math.isinf(f)) else f
    if isinstance(v, pd.Timestamp):
        return v.to_pydatetime()
    if v is pd.NA or v is pd.NaT:
        return None
    return v


def put(ws: Worksheet, row: int, column: int, value: Any) -> Cell:
    """Write a value; text starting with '=' stays text (openpyxl would make it a formula)."""
    cell = ws.cell(row=row, column=column, value=excel_value(value))
    if isinstance(cell.value, str) and cell.value.startswith("="):
        cell.data_type = "s"
    return cell


def style_header_cell(cell: Cell) -> None:
    cell.font = HEADER_FONT
    cell.fill = HEADER_FILL
    cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    cell.border = HEADER_BORDER


def style_unit_cell(cell: Cell) -> None:
    cell.font = UNIT_FONT
    cell.fill = UNIT_FILL
    cell.alignment = Alignment(horizontal="center")


def write_title(ws: Worksheet, row: int, title: str, subtitle: str | None = None) -> int:
    """A title (and optional subtitle) at ``row``; returns the next free row."""
    put(ws, row, 1, title).font = TITLE_FONT
    row += 1
    if subtitle:
        put(ws, row, 1, subtitle).font = SUBTITLE_FONT
        row += 1
    return row


def write_section(ws: Worksheet, row: int, text: str, width: int = 1, *, start_col: int = 1) -> int:
    """A shaded section title row ``width`` columns wide; returns the next row."""
    for col in range(start_col, start_col + max(width, 1)):
        ws.cell(row=row, column=col).fill = SECTION_FILL
    put(ws, row, start_col, text).font = SECTION_FONT
    return row + 1


def write_table(
    ws: Worksheet,
    df: pd.DataFrame,
    *,
    start_row: int = 1,
    start_col: int = 1,
    units: Mapping[str, str] | None = None,
    annual: bool = False,
    formats: Mapping[str, str] | None = None,
    row_formats: Sequence[str | None] | None = None,
    row_format_columns: Iterable[str] = (),
    descriptions: Mapping[str, str] | None = None,
    unit_row: bool = True,
    row_fonts: Sequence[Font | None] | None = None,
) -> tuple[int, int]:
    """Write ``df`` as a formatted table: header row, units row, data rows.

    ``units``/``formats`` override the unit or format of named columns. ``row_formats`` gives one number format
    per row (or None) for the numeric cells of ``row_format_columns`` (e.g. the value column of the KPI table,
    whose unit changes from row to row). ``descriptions`` become comments on the header cells; ``row_fonts``
    one font per row (or None). Returns (first data row, last row).
    """
    units = dict(units or {})
    formats = dict(formats or {})
    columns = [str(c) for c in df.columns]
    col_units = [units.get(c, unit_for(c, annual=annual)) for c in columns]
    col_formats = [formats.get(c, number_format_for(u, c)) for c, u in zip(columns, col_units)]

    r = start_row
    for j, name in enumerate(columns):
        cell = put(ws, r, start_col + j, name)
        style_header_cell(cell)
        if descriptions and descriptions.get(name):
            cell.comment = Comment(descriptions[name], "planner", width=300, height=90)
    r += 1
    if unit_row:
        for j, unit in enumerate(col_units):
            style_unit_cell(ws.cell(row=r, column=start_col + j, value=unit))
        r += 1
    first_data = r

    per_row = {columns.index(c) for c in row_format_columns if c in columns}
    values = df.to_numpy(dtype=object).tolist()
    for i, row in enumerate(values):
        row_fmt = row_formats[i] if row_formats is not None else None
        font = row_fonts[i] if row_fonts is not None else None
        for j, v in enumerate(row):
            cell = put(ws, r, start_col + j, v)
            val = cell.value
            if isinstance(val, (int, float)) and not isinstance(val, bool):
                cell.number_format = row_fmt if (row_fmt and j in per_row) else col_formats[j]
            if font is not None:
                cell.font = font
        r += 1
    return first_data, r - 1


def write_schema_table(ws: Worksheet, table: Table, df: pd.DataFrame, *, start_row: int = 1, start_col: int = 1,
                       row_formats: Sequence[str | None] | None = None,
                       row_fonts: Sequence[Font | None] | None = None, lang: str = "en",
                       excel_table: bool = True) -> tuple[int, int]:
    """Write ``df`` as the schema's ``table``: a hidden row of the column ids (what `planner.report.read_result`
    finds), a header row of labels with units in ``lang`` (`planner.results.labels`), the data. Number formats,
    header comments and the money scale (CNY stored, million CNY shown) come from the schema; the header row and
    data become an Excel Table with an autofilter (``excel_table``). ``row_formats`` (one per row) apply to the
    columns whose unit is the row's own ('see unit'). Raises ValueError naming missing or undeclared columns.
    Returns (first data row, last row).
    """
    check_names(f"the {table.name} table", table.column_names, [str(c) for c in df.columns])
    df = df[list(table.column_names)].copy()
    for name, scale in table.sheet_scales.items():
        df[name] = pd.to_numeric(df[name], errors="coerce") * scale
    ids = start_row
    for j, c in enumerate(table.columns):
        cell = put(ws, ids, start_col + j, c.name)
        cell.font = ID_FONT
    ws.row_dimensions[ids].hidden = True
    labels = pd.DataFrame(df.to_numpy(dtype=object), columns=[header(table, c, lang) for c in table.columns])
    descriptions = {header(table, c, lang): c.description for c in table.columns}
    first, last = write_table(
        ws, labels, start_row=ids + 1, start_col=start_col,
        formats={header(table, c, lang): c.sheet_format for c in table.columns}, descriptions=descriptions,
        unit_row=False, row_formats=row_formats,
        row_format_columns=[header(table, table.column(c), lang) for c in table.per_row_unit_columns]
        if row_formats is not None else (), row_fonts=row_fonts)
    ws.row_dimensions[ids + 1].height = HEADER_HEIGHT
    if excel_table:
        add_excel_table(ws, table.name, ids + 1, start_col, start_col + len(table.columns) - 1, max(last, first))
    return first, last


def add_excel_table(ws: Worksheet, name: str, header_row: int, first_col: int, last_col: int,
                    last_row: int) -> None:
    """An Excel Table (banded rows, autofilter) over a header row and its data, named after ``name``."""
    existing = {t for sheet in ws.parent.worksheets for t in sheet.tables}
    base = re.sub(r"\W", "_", name, flags=re.ASCII).strip("_") or "Table"
    display, n = base, 1
    while display in existing:
        n += 1
        display = f"{base}_{n}"
    ref = f"{get_column_letter(first_col)}{header_row}:{get_column_letter(last_col)}{last_row}"
    xl = ExcelTable(displayName=display, ref=ref)
    xl.tableStyleInfo = TableStyleInfo(name="TableStyleLight9", showRowStripes=True, showColumnStripes=False)
    ws.add_table(xl)


def set_widths(ws: Worksheet, *, min_width: float = 8, max_width: float = 60, sample_rows: int = 400,
               fixed: Mapping[str, float] | None = None, wrap_from_row: int | None = 1) -> None:
    """Column widths from the longest text in the first ``sample_rows`` rows (numbers as ~12 chars); from
    ``wrap_from_row`` on, text longer than its column wraps inside its cell (None: no wrapping)."""
    widths: dict[int, float] = {}
    for row in ws.iter_rows(min_row=1, max_row=min(ws.max_row, sample_rows)):
        for cell in row:
            v = cell.value
            if v is None:
                continue
            if isinstance(v, float):
                length = 12
            elif isinstance(v, int):
                length = max(6, len(str(v)) + 2)
            else:
                length = max(len(line) for line in str(v).splitlines() or [""]) + 2
            if cell.font is not None and cell.font.b:
                length *= 1.1
            widths[cell.column] = max(widths.get(cell.column, 0), length)
    for col, width in widths.items():
        ws.column_dimensions[get_column_letter(col)].width = max(min_width, min(max_width, width))
    for letter, width in (fixed or {}).items():
        ws.column_dimensions[letter].width = width
    # text longer than its column wraps inside the cell instead of running over its neighbours, its row made
    # tall enough (viewers do not grow the rows of a written file, so wrapped lines would overprint)
    for row in ws.iter_rows(min_row=wrap_from_row or 1, max_row=min(ws.max_row, sample_rows) if wrap_from_row else 0):
        lines = 1
        for cell in row:
            if isinstance(cell.value, str) and not cell.alignment.wrap_text:
                width = ws.column_dimensions[get_column_letter(cell.column)].width or min_width
                if len(cell.value) + 1 > width:
                    cell.alignment = Alignment(wrap_text=True, vertical="top",
                                               horizontal=cell.alignment.horizontal)
                    lines = max(lines, lines_needed(cell.value, width))
        if lines > 1:
            ws.row_dimensions[row[0].row].height = max(ws.row_dimensions[row[0].row].height or 0, 15 * lines)
            for cell in row:  # the row's other cells at the top too, level with the first line
                if cell.value is not None and not cell.alignment.wrap_text:
                    cell.alignment = Alignment(vertical="top", horizontal=cell.alignment.horizontal)


def freeze(ws: Worksheet, cell: str) -> None:
    ws.freeze_panes = cell


def autofilter(ws: Worksheet, header_row: int, first_col: int, last_col: int, last_row: int) -> None:
    if last_row > header_row:
        ws.auto_filter.ref = (f"{get_column_letter(first_col)}{header_row}:"
                              f"{get_column_letter(last_col)}{last_row}")


def write_key_values(ws: Worksheet, rows: Iterable[Sequence[Any]], *, start_row: int = 1,
                     headers: Sequence[str] = ("item", "value"), formats: Mapping[int, str] | None = None) -> int:
    """A simple two-or-more column key/value table with a styled header; returns the next free row."""
    r = start_row
    for j, h in enumerate(headers):
        style_header_cell(ws.cell(row=r, column=1 + j, value=h))
    r += 1
    for row in rows:
        for j, v in enumerate(row):
            cell = put(ws, r, 1 + j, v)
            if formats and j in formats and isinstance(cell.value, (int, float)):
                cell.number_format = formats[j]
        r += 1
    return r


def lines_needed(text: str, width_chars: float) -> int:
    """How many lines ``text`` takes wrapped in a cell ``width_chars`` characters wide (wide CJK characters
    count twice)."""
    total = 0
    for line in str(text).splitlines() or [""]:
        length = sum(2 if ord(ch) > 0x2E80 else 1 for ch in line)
        total += max(1, math.ceil(length / max(width_chars, 1)))
    return total


def write_paragraph(ws: Worksheet, row: int, text: str, widths: Sequence[float]) -> None:
    """A paragraph merged across ``widths`` columns, wrapped, its row tall enough for its lines."""
    put(ws, row, 1, text).alignment = WRAP
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=len(widths))
    ws.row_dimensions[row].height = 15 * lines_needed(text, sum(widths))


def print_setup(ws: Worksheet, *, landscape: bool = True, repeat_rows: str | None = None,
                fit_width: bool = True, width_pages: int = 1, one_page: bool = False) -> None:
    """Printing / PDF export: landscape, fit all columns on one page width (``one_page``: the whole sheet on one
    page), repeat the header rows."""
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    if fit_width or one_page:
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.page_setup.fitToWidth = width_pages
        ws.page_setup.fitToHeight = 1 if one_page else 0
    if repeat_rows:
        ws.print_title_rows = repeat_rows
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.5
