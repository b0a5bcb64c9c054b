"""Reading input workbooks into raw tables that remember each value's Excel cell.

Nothing here knows the meaning of a column: `planner.input.validate` turns raw tables into a typed `Case`. A raw
table is the grid of one sheet: its header row, its units row and its data rows (with their Excel row
numbers), values exactly as openpyxl returns them except that whitespace-only text counts as blank and fully
blank rows are dropped. Reading opens the file read-only and never writes to it.

A file that cannot be read is a `WorkbookError` naming the file and the fix: not an .xlsx (an .xls, or an encrypted
workbook, both OLE compound files), or damaged (broken XML or zip member, naming the sheet when it can be found).

Raw tables can also be built from plain DataFrames / mappings (`raw_from_frame`, `raw_from_settings`), laid out
as the template would lay them out (header row 1, units row 2, data from row 3), so that problems found in
tables built in Python point at the cells they would have in a workbook.
"""

from __future__ import annotations

import math
import re
import warnings
import zipfile
import zlib
from xml.etree import ElementTree
from xml.etree.ElementTree import ParseError
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
OLE_SIGNATURE = bytes.fromhex("D0CF11E0A1B11AE1")  # an OLE compound file: an encrypted .xlsx or an old .xls
ENCRYPTED_PACKAGE = "EncryptedPackage".encode("utf-16-le")  # the stream an encrypted .xlsx keeps its zip in
# What reading a damaged .xlsx raises: broken XML, a broken zip member, a missing part.
DAMAGED = (ParseError, zipfile.BadZipFile, zlib.error, EOFError, KeyError)
SAVE_AS_XLSX = "open it in Excel and save it as 'Excel Workbook (*.xlsx)'"
REPAIR = ("open it in Excel (which offers to repair it) and save it again as 'Excel Workbook (*.xlsx)', "
          "or use an undamaged copy")


def _not_xlsx(path: Path) -> WorkbookError | None:
    """A WorkbookError for an OLE compound file (an encrypted .xlsx or an .xls), else None."""
    try:
        with open(path, "rb") as file:
            head = file.read(len(OLE_SIGNATURE))
            if head != OLE_SIGNATURE:
                return None
            data = file.read(4 << 20)  # the directory naming the streams is near the start
    except OSError:
        return None
    if ENCRYPTED_PACKAGE in data:
        return WorkbookError(f"{path} is encrypted (protected with a password to open), so it cannot be read; "
                             f"open it in Excel and save it without a password (File > Info > Protect Workbook > "
                             f"Encrypt with Password: clear the password)")
    return WorkbookError(f"{path} is an old-format Excel 97-2003 (.xls) or other OLE file, not an .xlsx workbook; "
                         f"{SAVE_AS_XLSX}")


def _open(path: Path, *, data_only: bool):
    """Open a workbook read-only; openpyxl's warnings (e.g. unsupported extensions) are not for users."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return load_workbook(path, read_only=True, data_only=data_only, keep_links=False)
    except (InvalidFileException, zipfile.BadZipFile) as exc:
        if isinstance(exc, zipfile.BadZipFile) and zipfile.is_zipfile(path):  # a zip with a broken member
            raise _damaged(path, exc) from exc
        raise _not_xlsx(path) or WorkbookError(f"{path} is not an .xlsx workbook ({exc}); {SAVE_AS_XLSX}") from exc
    except FileNotFoundError:
        raise
    except DAMAGED as exc:
        raise _damaged(path, exc) from exc
    except OSError as exc:  # e.g. no read permission, a folder, a file locked by another program
        raise WorkbookError(f"{path} cannot be read ({exc.strerror or exc}); check that the file can be opened "
                            f"and is not locked by another program") from exc


def _reason(exc: BaseException) -> str:
    if isinstance(exc, ParseError):
        return f"broken XML: {exc}"
    if isinstance(exc, KeyError):
        return f"a part is missing: {exc}"
    return str(exc) or type(exc).__name__


def _broken_sheet(path: Path) -> str | None:
    """Name of the first worksheet whose XML cannot be parsed (None if none, or it cannot be told)."""
    try:
        with zipfile.ZipFile(path) as archive:
            ns_rel = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
            rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
            targets = {r.get("Id"): r.get("Target", "") for r in rels}
            book = ElementTree.fromstring(archive.read("xl/workbook.xml"))
            for sheet in book.iter():
                if not sheet.tag.endswith("}sheet"):
                    continue
                target = targets.get(sheet.get(ns_rel), "")
                part = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
                try:
                    for _ in ElementTree.iterparse(archive.open(part)):
                        pass
                except DAMAGED:
                    return sheet.get("name")
    except (*DAMAGED, OSError):
        return None
    return None


def _damaged(path: Path, exc: BaseException) -> WorkbookError:
    """The error for a workbook that fails to load: naming the damaged sheet when it can be found."""
    sheet = _broken_sheet(path)
    if sheet is not None:
        return _damaged_sheet(path, sheet, exc)
    return WorkbookError(f"{path} is damaged and cannot be read ({_reason(exc)}); {REPAIR}")


def _damaged_sheet(path: Path, sheet: str, exc: BaseException) -> WorkbookError:
    return WorkbookError(f"{path}: sheet {sheet!r} is damaged and cannot be read ({_reason(exc)}); {REPAIR}, or "
                         f"copy its cells into a new workbook")


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
            try:
                for number, values in _sheet_rows(ws, min(rows), max(rows)):
                    for pos in rows.get(number, ()):
                        if pos < len(values) and _is_formula(values[pos]):
                            tables[name].formula_cells.add(RawTable.cell(pos, number))
            except DAMAGED as exc:
                raise _damaged_sheet(path, name, exc) from exc
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
            try:
                tables[ws.title] = build_table(ws.title, _sheet_rows(ws))
            except DAMAGED as exc:
                raise _damaged_sheet(path, ws.title, exc) from exc
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
