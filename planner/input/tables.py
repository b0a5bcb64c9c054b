"""One table sheet: its raw grid -> a `Table` of typed records, with every problem located at its cell.

Headers are matched to the schema (case-insensitive; unknown, duplicate and missing columns reported), a units
row that holds a data row instead (the units row was deleted) is an error, each cell is typed by
`planner.input.values.check_value`, and the sheet's key and minimum row count are checked.
Settings and Profiles have their own parsers (`planner.input.settings_sheet`, `planner.input.profiles`) built
on `cell_value` and `parse_table`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from planner.input.reader import RawTable
from planner.input.schema import (FIRST_DATA_ROW, HEADER_ROW, PROFILE_UNITS, SHEETS, UNIT_ROW, Column, ProblemList,
                                  Sheet)
from planner.input.values import check_value, hint, show, suggest


@dataclass
class Table:
    """A parsed sheet: typed records (None = blank or invalid) and where each value came from."""

    schema: Sheet
    tab: str  # the sheet's name in the workbook
    positions: dict[str, int]  # column name -> 0-based column position
    rows: list[int] = field(default_factory=list)  # Excel row of each record
    records: list[dict[str, Any]] = field(default_factory=list)
    invalid: set[tuple[int, str]] = field(default_factory=set)  # (record, column) with an error

    def cell(self, i: int, *names: str) -> str:
        """Cell of record i in the first of `names` present in the sheet (else the key/first column)."""
        for name in names + self.schema.key + tuple(self.positions):
            if name in self.positions:
                return RawTable.cell(self.positions[name], self.rows[i])
        return f"A{self.rows[i]}"

    def values(self, name: str) -> list[Any]:
        return [r.get(name) for r in self.records]


# ----------------------------------------------------------------------------------------------------------
# Headers and units
# ----------------------------------------------------------------------------------------------------------
def _norm_unit(unit: Any) -> str:
    text = re.sub(r"\s+", "", str(unit or "")).lower()
    return "" if text == "-" else text


# Unit texts besides the schema's and the profile units that a units row may hold (compared by _norm_unit).
OTHER_UNITS = ("%", "kW", "GW", "kWh", "MWh", "GWh", "TWh", "CNY/kWh", "CNY/kW", "CNY/MW/yr", "km", "°C",
               "degrees", "hours", "year", "tCO2", "kgCO2/kWh", "text", "id", "number", "bool", "y/n", "yes/no",
               "0-1", "n/a", "unitless")


def _known_units() -> frozenset[str]:
    units = {c.unit for sheet in SHEETS for c in sheet.columns} | set(PROFILE_UNITS) | set(OTHER_UNITS)
    return frozenset(_norm_unit(u) for u in units)


KNOWN_UNITS = _known_units()


def is_unit(value: Any, column_unit: str = "-") -> bool:
    """Whether a units-row cell reads as a unit: text equal to the column's unit or to a known unit."""
    return isinstance(value, str) and _norm_unit(value) in KNOWN_UNITS | {_norm_unit(column_unit)}


def map_headers(raw: RawTable, sheet: Sheet, problems: ProblemList) -> tuple[dict[str, int], dict[str, int]]:
    """Match row-1 headers to the schema: (column name -> position, profile id -> position).

    Unknown headers are warnings (ignored), except on Profiles where they are profile ids; duplicate and
    missing required headers are errors. A units row that disagrees with the schema is a warning.
    """
    by_lower = {c.name.lower(): c for c in sheet.columns}
    positions: dict[str, int] = {}
    extra: dict[str, int] = {}
    for pos, header in enumerate(raw.headers):
        cell = RawTable.cell(pos, HEADER_ROW)
        if header is None:
            if any(values[pos] is not None for _, values in raw.rows):
                problems.warning(raw.sheet, cell, "this column has values but no header; it is ignored",
                                 "type the column name in row 1 or delete the values")
            continue
        col = by_lower.get(header.lower())
        name = col.name if col else header
        if name in positions or name in extra:
            problems.error(raw.sheet, cell, f"column {header!r} appears twice",
                           "delete or rename one of the two columns")
        elif col:
            positions[name] = pos
        elif sheet.kind == "profiles":
            extra[name] = pos
        else:
            problems.warning(raw.sheet, cell, f"unknown column {header!r} is ignored",
                             f"check the spelling{suggest(header, by_lower)} or delete the column")
    _check_missing_columns(raw, sheet, positions, problems)
    if not _units_row_is_data(raw, sheet, positions, extra, problems):
        _check_units(raw, sheet, positions, problems)
    return positions, extra


def _check_missing_columns(raw: RawTable, sheet: Sheet, positions: dict[str, int], problems: ProblemList) -> None:
    free = max((pos for pos, h in enumerate(raw.headers) if h is not None), default=-1) + 1  # next header cell
    for col in sheet.columns:
        if col.required and col.name not in positions:
            problems.error(raw.sheet, RawTable.cell(free, HEADER_ROW), f"column {col.name} is missing",
                           f"add a column headed {col.name} (unit {col.unit}) in row {HEADER_ROW}: {col.description}")


def _units_row_is_data(raw: RawTable, sheet: Sheet, positions: dict[str, int], extra: dict[str, int],
                       problems: ProblemList) -> bool:
    """Whether row 2 holds a data row instead of units (the units row was deleted); an error if so.

    Row 2 reads as units unless one of its cells under a known column is a number, date or yes/no value, or
    none of its non-blank cells is a unit (the column's own or a known unit text). Such a row is reported and
    its cells are then treated as blank units.
    """
    if raw.units is None or sheet.kind == "settings":
        return False
    units = {name: sheet.column(name).unit for name in positions}
    cells = sorted((pos, name) for name, pos in {**positions, **extra}.items() if raw.units[pos] is not None)
    if not cells:
        return False
    values = [raw.units[pos] for pos, _ in cells]
    if all(isinstance(v, str) for v in values) and any(is_unit(raw.units[pos], units.get(name, "-"))
                                                        for pos, name in cells):
        return False
    shown = ", ".join(show(v) for v in values[:4]) + (", ..." if len(values) > 4 else "")
    order = sorted(positions.items(), key=lambda item: item[1])
    examples = order[:1] + [(n, p) for n, p in order[1:] if units[n] != "-"][:3]
    example = ", ".join(f"{units[n]} under {n}" for n, _ in examples)
    problems.error(raw.sheet, f"row {UNIT_ROW}",
                   f"row {UNIT_ROW} holds data ({shown}), not units: the units row is missing, so this row "
                   f"would be read as units and its data lost",
                   f"insert a row above it: row {UNIT_ROW} must hold the units of row {HEADER_ROW}'s columns, e.g. "
                   f"{example} (`planner template` writes them); data starts in row {FIRST_DATA_ROW}")
    raw.units = [None] * len(raw.units)
    return True


def _check_units(raw: RawTable, sheet: Sheet, positions: dict[str, int], problems: ProblemList) -> None:
    if raw.units is None or sheet.kind == "settings":
        return
    for name, pos in positions.items():
        col = sheet.column(name)
        given = raw.units[pos]
        if given is not None and _norm_unit(given) != _norm_unit(col.unit):
            problems.warning(raw.sheet, RawTable.cell(pos, UNIT_ROW),
                             f"unit of {name} is {show(given)}, but the column is read as {col.unit}",
                             f"convert the values to {col.unit} and set the unit back to {col.unit}")


# ----------------------------------------------------------------------------------------------------------
# Cells and rows
# ----------------------------------------------------------------------------------------------------------
def cell_value(raw: RawTable, row: int, pos: int, values: list[Any], col: Column,
               problems: ProblemList) -> tuple[Any, bool]:
    """Typed value of one cell (None if blank/invalid) and whether it had an error."""
    value = values[pos]
    if value is None:
        cell = RawTable.cell(pos, row)
        if cell in raw.formula_cells:
            problems.error(raw.sheet, cell, f"{col.name} is a formula with no saved value",
                           "open and save the file in Excel, or type the value")
            return None, True
        if col.required:
            problems.error(raw.sheet, cell, f"{col.name} is empty (required)", hint(col))
            return None, True
        return None, False
    typed, issues = check_value(value, col)
    for severity, message, fix in issues:
        getattr(problems, severity)(raw.sheet, RawTable.cell(pos, row), message, fix)
    return typed, any(s == "error" for s, _, _ in issues)


def parse_table(raw: RawTable, sheet: Sheet, problems: ProblemList,
                columns: Mapping[str, Column] | None = None) -> tuple[Table, dict[str, int]]:
    """Type every cell of a table sheet; returns the table and the extra (profile) columns' positions."""
    positions, extra = map_headers(raw, sheet, problems)
    columns = columns or {c.name: c for c in sheet.columns}
    table = Table(sheet, raw.sheet, positions)
    for row, values in raw.rows:
        record = {}
        for name, pos in positions.items():
            record[name], bad = cell_value(raw, row, pos, values, columns[name], problems)
            if bad:
                table.invalid.add((len(table.records), name))
        table.rows.append(row)
        table.records.append(record)
    _check_keys(table, problems)
    _check_min_rows(raw, table, problems)
    return table, extra


def _check_keys(table: Table, problems: ProblemList) -> None:
    key = table.schema.key
    if not key or not all(k in table.positions for k in key):
        return
    seen: dict[tuple, int] = {}
    for i, record in enumerate(table.records):
        values = tuple(record.get(k) for k in key)
        if any(v is None for v in values):
            continue
        if values in seen:
            shown = ", ".join(f"{k} {v!r}" for k, v in zip(key, values))
            problems.error(table.tab, table.cell(i, key[-1]), f"duplicate {shown} (also in row {seen[values]})",
                           "make the ids unique or delete the duplicate row")
        else:
            seen[values] = table.rows[i]


def _check_min_rows(raw: RawTable, table: Table, problems: ProblemList) -> None:
    need = table.schema.min_rows
    if len(table.records) < need:
        problems.error(raw.sheet, RawTable.cell(0, FIRST_DATA_ROW + len(table.records)),
                       f"{raw.sheet} has {len(table.records)} data row(s), at least {need} needed",
                       f"add rows from row {FIRST_DATA_ROW} on")
