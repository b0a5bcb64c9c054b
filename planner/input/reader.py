"""Reading input workbooks into raw tables that remember each value's Excel cell.

Nothing here knows the meaning of a column: `planner.input.validate` turns raw tables into a typed `Case`. A raw
table is the grid of one sheet: its header row, its units row and its data rows (with their Excel row
numbers), values exactly as openpyxl returns them except that whitespace-only text counts as blank and fully
blank rows are dropped. Reading opens the file read-only and never writes to it.

Raw tables can also be built from plain DataFrames / mappings (`raw_from_frame`, `raw_from_settings`), laid out
as the template would lay them out (header row 1, units row 2, data from row 3), so that problems found in
tables built in Python point at the cells they would have in a workbook.
"""

from __future__ import annotations

import math
import re
import warnings
import zipfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.utils import get_column_letter

from planner.input.schema import FIRST_DATA_ROW, HEADER_ROW, UNIT_ROW


class WorkbookError(ValueError):
    """The file cannot be read as an .xlsx workbook at all."""


@dataclass
class RawTable:
    """The grid of one sheet.

    headers: row 1 values (trimmed text, or None), one per column position (A, B, ...).
    units:   row 2 values, same length; None when the table did not come from a workbook.
    rows:    (Excel row number, values) for every data row that is not fully blank; values padded to
             len(headers) or longer if data extends past the last header.
    formula_cells: cells (e.g. "G4") holding a formula whose value was never saved (read as None).
    """

    sheet: str
    headers: list[str | None]
    units: list[Any] | None
    rows: list[tuple[int, list[Any]]]
    formula_cells: set[str] = field(default_factory=set)

    @property
    def width(self) -> int:
        return max([len(self.headers)] + [len(values) for _, values in self.rows])

    @staticmethod
    def cell(position: int, row: int) -> str:
        """Excel address of a 0-based column position and an Excel row, e.g. (6, 4) -> 'G4'."""
        return f"{get_column_letter(position + 1)}{row}"


@dataclass
class RawWorkbook:
    """Every sheet of a workbook (or of a set of tables), in order."""

    source: str
    tables: dict[str, RawTable]


def is_blank(value: Any) -> bool:
    """None, NaN/NA, or text of only whitespace."""
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, float):
        return math.isnan(value)
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _clean(value: Any) -> Any:
    return None if is_blank(value) else value


def _header(value: Any) -> str | None:
    value = _clean(value)
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _pad(values: list[Any], width: int) -> list[Any]:
    return values + [None] * (width - len(values))


def build_table(sheet: str, grid: Iterable[tuple[int, Iterable[Any]]], *, has_units: bool = True) -> RawTable:
    """A RawTable from (Excel row number, row values) pairs; row HEADER_ROW is the header row."""
    headers: list[str | None] = []
    units: list[Any] | None = [] if has_units else None
    rows: list[tuple[int, list[Any]]] = []
    for number, values in grid:
        values = [_clean(v) for v in values]
        if number == HEADER_ROW:
            headers = [_header(v) for v in values]
        elif has_units and number == UNIT_ROW:
            units = values
        elif number >= FIRST_DATA_ROW and any(v is not None for v in values):
            rows.append((number, values))
    while headers and headers[-1] is None:
        headers.pop()
    table = RawTable(sheet, headers, units, rows)
    width = table.width
    table.headers = _pad(table.headers, width)
    if table.units is not None:
        table.units = _pad(table.units, width)[:width]
    table.rows = [(n, _pad(v, width)) for n, v in rows]
    return table


# ----------------------------------------------------------------------------------------------------------
# xlsx
# ----------------------------------------------------------------------------------------------------------
def _open(path: Path, *, data_only: bool):
    """Open a workbook read-only; openpyxl's warnings (e.g. unsupported extensions) are not for users."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return load_workbook(path, read_only=True, data_only=data_only, keep_links=False)
    except (InvalidFileException, zipfile.BadZipFile, KeyError) as exc:
        raise WorkbookError(f"{path} is not an .xlsx workbook ({exc}); open it in Excel and save it as "
                            f"'Excel Workbook (*.xlsx)'") from exc
    except FileNotFoundError:
        raise
    except OSError as exc:  # e.g. no read permission, a folder, a file locked by another program
        raise WorkbookError(f"{path} cannot be read ({exc.strerror or exc}); check that the file can be opened "
                            f"and is not locked by another program") from exc


def _sheet_rows(ws, min_row: int = 1, max_row: int | None = None):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for number, values in enumerate(ws.iter_rows(min_row=min_row, max_row=max_row, values_only=True),
                                        start=min_row):
            yield number, list(values)


def _holes(table: RawTable) -> dict[int, list[int]]:
    """Excel row -> column positions that read blank inside a non-blank row (candidate unsaved formulas)."""
    width = len(table.headers)
    out = {}
    for number, values in table.rows:
        blank = [i for i, v in enumerate(values[:width]) if v is None]
        if blank:
            out[number] = blank
    return out


def _is_formula(value: Any) -> bool:
    if isinstance(value, str):
        return value.startswith("=")
    return value is not None and type(value).__name__.endswith("Formula")  # ArrayFormula, DataTableFormula


FORMULA_TAG = re.compile(rb"<(?:\w+:)?f[\s>/]")


def has_formulas(path: Path) -> bool:
    """Whether any worksheet of the .xlsx holds a formula (cheap scan of the zipped XML, no parsing)."""
    try:
        with zipfile.ZipFile(path) as archive:
            return any(FORMULA_TAG.search(archive.read(name)) for name in archive.namelist()
                       if name.startswith("xl/worksheets/") and name.endswith(".xml"))
    except (zipfile.BadZipFile, KeyError, OSError):
        return True  # let openpyxl decide


def _mark_formulas(path: Path, tables: dict[str, RawTable]) -> None:
    """Find blank-reading cells that hold a formula with no saved value (second, formula-text read)."""
    holes = {name: _holes(t) for name, t in tables.items()}
    holes = {name: h for name, h in holes.items() if h}
    if not holes or not has_formulas(path):
        return
    wb = _open(path, data_only=False)
    try:
        for name, rows in holes.items():
            ws = wb[name]
            ws.reset_dimensions()
            for number, values in _sheet_rows(ws, min(rows), max(rows)):
                for pos in rows.get(number, ()):
                    if pos < len(values) and _is_formula(values[pos]):
                        tables[name].formula_cells.add(RawTable.cell(pos, number))
    finally:
        wb.close()


def read_workbook(path: str | Path) -> RawWorkbook:
    """Every worksheet of an .xlsx file as raw tables. Opens the file read-only; never modifies it."""
    path = Path(path)
    wb = _open(path, data_only=True)
    try:
        tables = {}
        for ws in wb.worksheets:
            if not hasattr(ws, "iter_rows"):
                continue  # chartsheet
            ws.reset_dimensions()  # some writers store a wrong used range; read every row instead
            tables[ws.title] = build_table(ws.title, _sheet_rows(ws))
    finally:
        wb.close()
    _mark_formulas(path, tables)
    return RawWorkbook(str(path), tables)


# ----------------------------------------------------------------------------------------------------------
# Tables built in Python
# ----------------------------------------------------------------------------------------------------------
def _index_as_columns(frame: pd.DataFrame, known: Iterable[str]) -> pd.DataFrame:
    """Move named index levels that are schema columns (e.g. an index site_id) back into columns."""
    names = [n for n in frame.index.names if n is not None]
    if names and all(n in set(known) for n in names):
        return frame.reset_index()
    return frame


def raw_from_frame(sheet: str, frame: pd.DataFrame, known: Iterable[str] = ()) -> RawTable:
    """A RawTable laid out like the template: the DataFrame's columns from A, its rows from row 3."""
    frame = _index_as_columns(frame, known)
    grid = [(HEADER_ROW, [str(c) for c in frame.columns])]
    grid += [(FIRST_DATA_ROW + i, list(values)) for i, values in enumerate(frame.itertuples(index=False))]
    return build_table(sheet, grid, has_units=False)


def raw_from_settings(sheet: str, settings: Mapping[str, Any] | pd.DataFrame) -> RawTable:
    """Settings as a mapping name -> value, or a DataFrame with columns name, value."""
    if isinstance(settings, pd.DataFrame):
        return raw_from_frame(sheet, settings)
    frame = pd.DataFrame({"name": list(settings), "value": pd.Series(list(settings.values()), dtype=object)})
    return raw_from_frame(sheet, frame)
