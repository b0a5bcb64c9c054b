"""Writing input workbooks (and the template) from `planner.input.schema`.

Every sheet gets its header row, units row, header comments with the column's meaning, frozen panes below the
units row, column widths and Excel data-validation dropdowns (choices, yes/no, and references to other sheets'
ids, which follow the user's edits). A README sheet generated from the schema comes first.

    write_case_workbook(path, tables)   # any set of input tables -> a workbook
    write_template(path)                # the template: one marked example row per sheet, valid as written
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from planner.input.reference import LAYOUT, REFERENCE_HEADERS, WORKFLOW_STEPS, column_reference, requirement, sheet_notes
from planner.atomic import atomic_path
from planner.input.schema import (
    FIRST_DATA_ROW, HEADER_ROW, PROFILE_UNIT_HINT, PROFILES, README_SHEET, SETTINGS, SHEETS, SHEETS_BY_NAME,
    UNIT_ROW, Column, Sheet,
)

LAST_VALIDATED_ROW = 1000  # dropdowns cover data rows FIRST_DATA_ROW..this
PROFILE_ID_LAST_COLUMN = "ZZ"  # profile-id dropdowns list Profiles' header row up to this column
SETTINGS_COLUMNS = ("name", "value", "unit", "description")
EXAMPLE_NOTE = "Example row: overwrite it with your own data or delete it."

HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="1F4E78")
UNIT_FONT = Font(italic=True, color="595959")
UNIT_FILL = PatternFill("solid", fgColor="DDEBF7")
EXAMPLE_FONT = Font(italic=True, color="808080")
TITLE_FONT = Font(bold=True, size=14)
BOLD = Font(bold=True)
WRAP = Alignment(wrap_text=True, vertical="top")


# ----------------------------------------------------------------------------------------------------------
# Values and frames
# ----------------------------------------------------------------------------------------------------------
def excel_value(value: Any, col: Column | None = None) -> Any:
    """A Python/numpy/pandas value as written to a cell: blanks -> None, bools -> 'yes'/'no'."""
    if value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, np.generic):
        value = value.item()
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, bool) and (col is None or col.dtype == "bool"):
        return "yes" if value else "no"
    return value


def _as_columns(sheet: Sheet, frame: pd.DataFrame) -> pd.DataFrame:
    """A table with its named index levels moved back into columns (e.g. an index site_id)."""
    names = [n for n in frame.index.names if n is not None]
    if names and set(names) <= set(sheet.column_names):
        frame = frame.reset_index()
    return frame


def table_columns(sheet: Sheet, frame: pd.DataFrame | None) -> list[str]:
    """The columns to write: the schema's, in schema order (Profiles: plus every profile id column)."""
    names = list(sheet.column_names)
    if frame is None:
        return names
    unknown = [str(c) for c in frame.columns if c not in names]
    if unknown and sheet.kind != "profiles":
        raise ValueError(f"{sheet.name}: columns not in the schema: {', '.join(unknown)}")
    return names + unknown


def settings_rows(settings: Mapping[str, Any] | pd.DataFrame | None) -> dict[str, Any]:
    """Settings given as a mapping or a name/value DataFrame -> name -> value."""
    if settings is None:
        return {}
    if isinstance(settings, pd.DataFrame):
        settings = dict(zip(settings["name"], settings["value"]))
    unknown = [n for n in settings if n not in SETTINGS.column_names]
    if unknown:
        raise ValueError(f"Settings: unknown settings {', '.join(map(str, unknown))}")
    return dict(settings)


# ----------------------------------------------------------------------------------------------------------
# Cells, styles, widths, validations
# ----------------------------------------------------------------------------------------------------------
def _header_cells(ws: Worksheet, headers: list[str], units: list[str], notes: list[str | None]) -> None:
    for pos, (header, unit, note) in enumerate(zip(headers, units, notes), start=1):
        cell = ws.cell(HEADER_ROW, pos, header)
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
        if note:
            cell.comment = Comment(note, "planner", width=320, height=110)
        cell = ws.cell(UNIT_ROW, pos, unit)
        cell.font, cell.fill = UNIT_FONT, UNIT_FILL


def column_note(col: Column) -> str:
    """The header comment of a column: meaning, unit, required/default."""
    return f"{col.description}\nUnit: {col.unit}. {requirement(col).capitalize()}."


def _mark_example(ws: Worksheet, rows: range, width: int) -> None:
    for row in rows:
        for pos in range(1, width + 1):
            ws.cell(row, pos).font = EXAMPLE_FONT
    ws.cell(rows.start, 1).comment = Comment(EXAMPLE_NOTE, "planner", width=260, height=60)


def _set_widths(ws: Worksheet, columns: list[list[Any]], low: int = 8, high: int = 45) -> None:
    """Each column as wide as its longest text (within [low, high] characters)."""
    for pos, values in enumerate(columns, start=1):
        longest = max((len(_text(v)) for v in values if v is not None), default=0)
        ws.column_dimensions[get_column_letter(pos)].width = min(high, max(low, longest + 3))


def _text(value: Any) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def _list_validation(ws: Worksheet, formula: str, cells: str, *, strict: bool, what: str) -> None:
    dv = DataValidation(type="list", formula1=formula, allow_blank=True, showErrorMessage=True,
                        errorStyle="stop" if strict else "warning", errorTitle="Not in the list",
                        error=f"Choose {what} from the list.")
    dv.add(cells)
    ws.add_data_validation(dv)


def sheet_ref(name: str) -> str:
    """A sheet name for a formula: quoted only when Excel needs it."""
    return name if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name) else quote_sheetname(name)


def reference_formula(ref: str) -> str:
    """The list formula for a reference: the key column of the referenced sheet (or Profiles' header row)."""
    if ref == "Profiles":
        first = get_column_letter(len(PROFILES.columns) + 1)
        return f"{sheet_ref(PROFILES.name)}!${first}${HEADER_ROW}:${PROFILE_ID_LAST_COLUMN}${HEADER_ROW}"
    sheet_name, column = ref.split(".")
    letter = get_column_letter(SHEETS_BY_NAME[sheet_name].column_names.index(column) + 1)
    return f"{sheet_ref(sheet_name)}!${letter}${FIRST_DATA_ROW}:${letter}${LAST_VALIDATED_ROW}"


def choices_formula(choices: tuple[str, ...]) -> str:
    return '"' + ",".join(choices) + '"'


def _column_validation(ws: Worksheet, col: Column, cells: str) -> None:
    """A dropdown for a column (or a setting's value cell) with choices or a reference."""
    if col.choices:
        _list_validation(ws, choices_formula(col.choices), cells, strict=True, what=" or ".join(col.choices))
    elif col.ref:
        what = "a profile id from the Profiles sheet" if col.ref == "Profiles" else f"a {col.ref} id"
        _list_validation(ws, reference_formula(col.ref), cells, strict=False, what=what)


# ----------------------------------------------------------------------------------------------------------
# Sheets
# ----------------------------------------------------------------------------------------------------------
def write_table_sheet(ws: Worksheet, sheet: Sheet, frame: pd.DataFrame | None, *,
                      profile_units: Mapping[str, str] | None = None, example_rows: int = 0) -> None:
    """A table sheet (or Profiles): header, units, data, comments, frozen panes, widths, dropdowns."""
    frame = _as_columns(sheet, frame) if frame is not None else None
    names = table_columns(sheet, frame)
    cols = {c.name: c for c in sheet.columns}
    units = [cols[n].unit if n in cols else (profile_units or {}).get(n, "-") for n in names]
    notes = [column_note(cols[n]) if n in cols else None for n in names]
    _header_cells(ws, names, units, notes)
    data = [[excel_value(v, cols.get(n)) for v in frame[n]] if frame is not None and n in frame else []
            for n in names]
    rows = max((len(d) for d in data), default=0)
    for pos, values in enumerate(data, start=1):
        for i, value in enumerate(values):
            ws.cell(FIRST_DATA_ROW + i, pos, value)
    if example_rows:
        _mark_example(ws, range(FIRST_DATA_ROW, FIRST_DATA_ROW + min(example_rows, rows)), len(names))
    ws.freeze_panes = ws.cell(FIRST_DATA_ROW, len(PROFILES.columns) + 1 if sheet.kind == "profiles" else 2)
    for pos, name in enumerate(names, start=1):
        if name in cols:
            letter = get_column_letter(pos)
            _column_validation(ws, cols[name], f"{letter}{FIRST_DATA_ROW}:{letter}{LAST_VALIDATED_ROW}")
    _set_widths(ws, [[n, u] + d[:50] for n, u, d in zip(names, units, data)])


def write_settings_sheet(ws: Worksheet, values: Mapping[str, Any], *, example: bool = False) -> None:
    """Settings: one row per schema setting (name, value, unit, description), dropdowns on choice values."""
    _header_cells(ws, list(SETTINGS_COLUMNS), ["-", "see unit", "-", "-"],
                  [None, "The setting's value, in the unit of column C.", None, None])
    for i, col in enumerate(SETTINGS.columns):
        row = FIRST_DATA_ROW + i
        value = excel_value(values.get(col.name), col)
        for pos, text in enumerate((col.name, value, col.unit, f"{col.description} ({requirement(col)})"), 1):
            ws.cell(row, pos, text)
        ws.cell(row, 4).alignment = Alignment(wrap_text=False)
        _column_validation(ws, col, f"B{row}")
    if example:
        ws.cell(HEADER_ROW, 2).comment = Comment("Example values: change them for your case.", "planner",
                                                 width=240, height=50)
    ws.freeze_panes = ws.cell(FIRST_DATA_ROW, 2)
    names = [c.name for c in SETTINGS.columns]
    _set_widths(ws, [names, ["value"] + [excel_value(values.get(n)) for n in names],
                     ["unit"] + [c.unit for c in SETTINGS.columns]], low=10)
    ws.column_dimensions["D"].width = 90


def write_plain_sheet(ws: Worksheet, frame: pd.DataFrame) -> None:
    """An extra sheet (e.g. Sources): bold header, frozen, widths; no units row."""
    for pos, name in enumerate(frame.columns, start=1):
        cell = ws.cell(1, pos, str(name))
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
    for i, values in enumerate(frame.itertuples(index=False), start=2):
        for pos, value in enumerate(values, start=1):
            ws.cell(i, pos, excel_value(value))
    ws.freeze_panes = "A2"
    _set_widths(ws, [[str(n)] + list(frame[n])[:50] for n in frame.columns], high=80)


def readme_lines() -> list[tuple[str, Any]]:
    """The README sheet as (style, content) rows: content is a string or a tuple of cells."""
    lines: list[tuple[str, Any]] = [("title", "planner input workbook"), ("", ""), ("bold", "Workflow"),
                                    *[("", step) for step in WORKFLOW_STEPS], ("", ""), ("bold", "Layout"),
                                    ("", LAYOUT), ("", PROFILE_UNIT_HINT),
                                    ("", "Grey italic rows are examples: overwrite them with your data or delete "
                                         "them. Dropdowns list allowed values and the ids of other sheets; hover "
                                         "over a column header for its meaning."),
                                    ("", "")]
    for sheet in SHEETS:
        lines.append(("bold", f"Sheet {sheet.name}"))
        lines.append(("", " ".join(sheet_notes(sheet))))
        lines.append(("header", REFERENCE_HEADERS))
        lines += [("", column_reference(col)) for col in sheet.columns]
        lines.append(("", ""))
    return lines


def write_readme_sheet(ws: Worksheet) -> None:
    """The README sheet: workflow, layout, and every sheet's column reference (from planner.input.reference)."""
    for row, (style, content) in enumerate(readme_lines(), start=1):
        cells = content if isinstance(content, tuple) else (content,)
        for pos, text in enumerate(cells, start=1):
            cell = ws.cell(row, pos, text if text != "" else None)
            if style == "title":
                cell.font = TITLE_FONT
            elif style == "bold":
                cell.font = BOLD
            elif style == "header":
                cell.font, cell.fill = HEADER_FONT, HEADER_FILL
    for letter, width in zip("ABCDEF", (34, 14, 16, 26, 36, 100)):
        ws.column_dimensions[letter].width = width


# ----------------------------------------------------------------------------------------------------------
# Workbooks
# ----------------------------------------------------------------------------------------------------------
def save_atomic(wb: Workbook, path: str | Path) -> Path:
    """Save via a temporary file in the same directory and os.replace, so a crash never leaves half a file."""
    with atomic_path(path) as tmp:
        wb.save(tmp)
    return Path(path)


def _write(path: str | Path, tables: Mapping[str, Any], *, profile_units: Mapping[str, str] | None = None,
           extra_sheets: Mapping[str, pd.DataFrame] | None = None, example_rows: Mapping[str, int] | None = None
           ) -> Path:
    unknown = [n for n in tables if n not in SHEETS_BY_NAME]
    if unknown:
        raise ValueError(f"not input sheets: {', '.join(unknown)} (use extra_sheets for other sheets)")
    wb = Workbook()
    write_readme_sheet(wb.active)
    wb.active.title = README_SHEET
    examples = example_rows or {}
    for sheet in SHEETS:
        ws = wb.create_sheet(sheet.name)
        if sheet.kind == "settings":
            write_settings_sheet(ws, settings_rows(tables.get(sheet.name)), example=bool(examples))
        else:
            frame = tables.get(sheet.name)
            write_table_sheet(ws, sheet, None if frame is None else pd.DataFrame(frame),
                              profile_units=profile_units, example_rows=examples.get(sheet.name, 0))
    for name, frame in (extra_sheets or {}).items():
        write_plain_sheet(wb.create_sheet(name), frame)
    return save_atomic(wb, path)


def write_case_workbook(path: str | Path, tables: Mapping[str, pd.DataFrame], *,
                        profile_units: Mapping[str, str] | None = None,
                        extra_sheets: Mapping[str, pd.DataFrame] | None = None) -> Path:
    """Write an input workbook: README first, then every schema sheet in schema order.

    tables: sheet name -> DataFrame with schema column names (an index named like the key columns is fine);
    Settings as a DataFrame name/value (or a mapping). Missing optional sheets are written empty.
    profile_units: profile id -> unit for the Profiles units row ('cf', 'share', 'degC', 'CNY/MWh', 'tCO2/MWh');
    when not given, a profile's unit is taken from the Sites/Demand column that refers to it.
    """
    units = {**inferred_profile_units(tables), **(profile_units or {})}
    return _write(path, tables, profile_units=units, extra_sheets=extra_sheets)


def inferred_profile_units(tables: Mapping[str, Any]) -> dict[str, str]:
    """Profile id -> unit, from the columns (pv_profile, temp_profile, ...) that refer to it."""
    units: dict[str, str] = {}
    for sheet in SHEETS:
        frame = tables.get(sheet.name)
        if frame is None or sheet.kind != "table":
            continue
        frame = _as_columns(sheet, pd.DataFrame(frame))
        for col in sheet.columns:
            if col.ref == "Profiles" and col.profile_unit and col.name in frame:
                units.update({str(v).strip(): col.profile_unit for v in frame[col.name] if excel_value(v)})
    return units


# ----------------------------------------------------------------------------------------------------------
# Template
# ----------------------------------------------------------------------------------------------------------
def example_frame(sheet: Sheet) -> pd.DataFrame:
    """The schema's example row of a sheet, plus its `more_examples` rows."""
    rows = [{c.name: c.example for c in sheet.columns}, *sheet.more_examples]
    return pd.DataFrame(rows, columns=sheet.column_names)


def example_profile(column: str, unit: str, hours: np.ndarray) -> np.ndarray:
    """A plausible 24-hour profile for the template, by the referring column and its unit."""
    if column == "pv_profile":
        return np.round(np.clip(np.sin(np.pi * (hours - 6) / 12), 0.0, None) * 0.85, 3)
    if unit in ("cf", "share"):
        return np.round(0.35 + 0.15 * np.cos(2 * np.pi * hours / 24), 3)
    if unit == "degC":
        return np.round(10.0 + 7.0 * np.sin(2 * np.pi * (hours - 9) / 24), 1)
    if unit == "CNY/MWh":
        return np.round(350.0 + 120.0 * np.sin(2 * np.pi * (hours - 12) / 24), 1)
    return np.full(hours.shape, 0.55)


def example_profiles() -> tuple[pd.DataFrame, dict[str, str]]:
    """One representative day (24 h, weight 365) with every profile the example rows refer to."""
    hours = np.arange(24)
    frame = pd.DataFrame({"day": 1, "hour": hours, "weight_days": 365.0})
    units = {}
    for sheet in SHEETS:
        for col in sheet.columns:
            if col.ref == "Profiles" and col.example is not None:
                frame[col.example] = example_profile(col.name, col.profile_unit or "", hours)
                units[col.example] = col.profile_unit or "-"
    return frame, units


def template_tables() -> tuple[dict[str, Any], dict[str, str]]:
    """The template's tables (schema examples) and profile units."""
    tables: dict[str, Any] = {}
    for sheet in SHEETS:
        if sheet.kind == "settings":
            tables[sheet.name] = {c.name: c.example for c in sheet.columns}
        elif sheet.kind == "table":
            tables[sheet.name] = example_frame(sheet)
    tables[PROFILES.name], units = example_profiles()
    return tables, units


def write_template(path: str | Path) -> Path:
    """The input template: every sheet with clearly marked example rows; valid as written."""
    tables, units = template_tables()
    rows = {name: len(frame) for name, frame in tables.items() if isinstance(frame, pd.DataFrame)}
    return _write(path, tables, profile_units=units, example_rows=rows)
