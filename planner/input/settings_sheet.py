"""The Settings sheet: rows of (name, value, unit, description) -> setting name -> typed value.

Defaults are not filled here: `planner.input.case.Settings.from_values` fills them from the schema.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from planner.input.reader import RawTable
from planner.input.schema import FIRST_DATA_ROW, HEADER_ROW, SETTINGS, UNIT_ROW, Column, ProblemList
from planner.input.tables import cell_value
from planner.input.values import expectation, suggest, to_text

SETTINGS_HEADERS = ("name", "value", "unit", "description")


def parse_settings(raw: RawTable, problems: ProblemList) -> dict[str, Any]:
    """Settings rows (name, value, ...) -> setting name -> typed value (defaults not yet filled)."""
    headers = {h.lower(): pos for pos, h in enumerate(raw.headers) if h is not None}
    for pos, header in enumerate(raw.headers):
        if header is not None and header.lower() not in SETTINGS_HEADERS:
            problems.warning(raw.sheet, RawTable.cell(pos, HEADER_ROW), f"unknown column {header!r} is ignored",
                             f"the Settings columns are {', '.join(SETTINGS_HEADERS)}")
    if "name" not in headers or "value" not in headers:
        missing = [h for h in ("name", "value") if h not in headers]
        problems.error(raw.sheet, "A1", f"Settings needs the columns name and value; missing {', '.join(missing)}",
                       "put name in A1 and value in B1, one setting per row from row 3")
        return {}
    name_pos, value_pos = headers["name"], headers["value"]
    known = {c.name.lower(): c for c in SETTINGS.columns}
    values: dict[str, Any] = {}
    rows: dict[str, int] = {}
    for row, cells in _settings_rows(raw, name_pos, known):
        name = cells[name_pos]
        cell = RawTable.cell(name_pos, row)
        if name is None:
            if cells[value_pos] is not None:
                problems.error(raw.sheet, cell, "setting has a value but no name", f"type the setting name in {cell}")
            continue
        col = known.get(to_text(name).lower())
        if col is None:
            problems.warning(raw.sheet, cell, f"unknown setting {to_text(name)!r} is ignored",
                             f"check the spelling{suggest(to_text(name), known)} or delete the row")
        elif col.name in rows:
            problems.error(raw.sheet, cell, f"setting {col.name} appears twice (also in row {rows[col.name]})",
                           "delete one of the two rows")
        else:
            rows[col.name] = row
            values[col.name], _ = cell_value(raw, row, value_pos, cells, col, problems)
    last = max([FIRST_DATA_ROW - 1] + [r for r, _ in raw.rows])
    for col in SETTINGS.columns:
        if col.required and col.name not in rows:
            last += 1
            problems.error(raw.sheet, RawTable.cell(name_pos, last), f"setting {col.name} is missing",
                           f"add a row with name {col.name} and value {expectation(col)}: {col.description}")
    return values


def _settings_rows(raw: RawTable, name_pos: int, known: Mapping[str, Column]) -> list[tuple[int, list[Any]]]:
    """Data rows of Settings; row 2 too when it holds a setting rather than units (units row deleted)."""
    units = raw.units or []
    if name_pos < len(units) and units[name_pos] is not None and to_text(units[name_pos]).lower() in known:
        return [(UNIT_ROW, units)] + raw.rows
    return raw.rows
