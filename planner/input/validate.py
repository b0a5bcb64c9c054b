"""Validation: raw tables -> a typed `Case`, or every problem found.

Every check is driven by `planner.input.schema`. All problems are collected (not just the first), each with its sheet,
cell, what is wrong and how to fix it. Errors stop the case from being built (`CaseInvalid`); warnings (units
that look wrong, unknown sheets or columns) ride along in `Case.warnings`.

    load_case(path)                -> Case   # read an .xlsx workbook and validate it
    case_from_tables(tables)       -> Case   # validate DataFrames built in Python
"""

from __future__ import annotations

import datetime as dt
import difflib
import math
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from openpyxl.utils import column_index_from_string

from planner.input.case import DAYS_PER_YEAR, HOURS_PER_YEAR, Case, Settings
from planner.input.reference import bounds, format_value
from planner.input.latency import unreachable_demands
from planner.input.reader import RawTable, RawWorkbook, raw_from_frame, raw_from_settings, read_workbook
from planner.input.schema import (
    FIRST_DATA_ROW, HEADER_ROW, INFO_SHEETS, PROFILE_UNITS, PROFILES, SETTINGS, SHEETS, SHEETS_BY_NAME,
    TECHNOLOGY_IDS, UNIT_ROW, Column, Problem, ProblemList, Sheet, by_severity,
)

WEIGHT_TOL = 1e-6
HOURS_PER_DAY = 24
MAX_CELL_PROBLEMS_PER_PROFILE = 5  # per profile column; the rest are summarised in one line
SETTINGS_HEADERS = ("name", "value", "unit", "description")
EXCEL_ERRORS = ("#DIV/0!", "#N/A", "#NAME?", "#NULL!", "#NUM!", "#REF!", "#VALUE!", "#SPILL!", "#CALC!")
PLAIN_NUMBERS = (float, int, np.float64, np.int64)
YES = {"yes", "y", "true", "1", "是"}
NO = {"no", "n", "false", "0", "否"}


class CaseInvalid(Exception):
    """The input has at least one error. `.problems` holds every error and warning found."""

    def __init__(self, problems: list[Problem], source: str = ""):
        self.problems = list(problems)
        self.source = source
        super().__init__(self._text())

    @property
    def errors(self) -> list[Problem]:
        return by_severity(self.problems, "error")

    @property
    def warnings(self) -> list[Problem]:
        return by_severity(self.problems, "warning")

    def _text(self) -> str:
        head = f"{self.source}: {len(self.errors)} error(s), {len(self.warnings)} warning(s)"
        return "\n".join([head] + [f"  {p.severity}: {p}" for p in self.problems])


# ----------------------------------------------------------------------------------------------------------
# One value: coerce to the column's type, then check choices, range and plausibility
# ----------------------------------------------------------------------------------------------------------
class _Bad(ValueError):
    """A value that cannot be coerced; the argument says what was expected."""


def show(value: Any) -> str:
    """A value as it should appear in a message."""
    if isinstance(value, str):
        return repr(value)
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _normal_text(value: str) -> str:
    """Full-width digits and signs to ASCII, unicode minus to '-', outer spaces removed."""
    return unicodedata.normalize("NFKC", value).replace("\u2212", "-").strip()


def to_float(value: Any) -> float:
    """A number from a number or from text such as ' 12.5 ', '1,500', '1 500', '60%'."""
    if isinstance(value, bool) or isinstance(value, (dt.date, dt.time, dt.timedelta)):
        raise _Bad("a number")
    if isinstance(value, (int, float, np.number)):
        number = float(value)
    else:
        text = _normal_text(str(value))
        scale = 1.0
        if text.endswith("%"):
            text, scale = text[:-1].strip(), 0.01
        if re.fullmatch(r"[-+]?\d{1,3}([, ]\d{3})+(\.\d*)?", text):
            text = text.replace(",", "").replace(" ", "")
        try:
            number = float(text) * scale
        except ValueError:
            raise _Bad("a number") from None
    if not math.isfinite(number):
        raise _Bad("a finite number")
    return number


def to_int(value: Any) -> int:
    number = to_float(value)
    if not number.is_integer():
        raise _Bad("a whole number")
    return int(number)


def to_bool(value: Any) -> bool:
    """yes/no, y/n, true/false, 1/0 (any case), or an Excel TRUE/FALSE."""
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)) and value in (0, 1):
        return bool(value)
    text = _normal_text(str(value)).lower()
    if text in YES:
        return True
    if text in NO:
        return False
    raise _Bad("yes or no")


def to_text(value: Any) -> str:
    """Trimmed text; whole numbers typed as numbers become '12', not '12.0'."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return _normal_text(str(value)) if isinstance(value, str) else str(value)


CONVERTERS: dict[str, Callable[[Any], Any]] = {
    "float": to_float, "int": to_int, "bool": to_bool, "id": to_text, "str": to_text,
}


KINDS = {"float": "a number", "int": "a whole number", "bool": "yes or no", "id": "an id", "str": "text"}


def expectation(col: Column) -> str:
    """What a column holds, e.g. 'a number > 0 in MW', 'one of east, west', 'a hub_id from Hubs'."""
    if col.choices:
        return " or ".join(col.choices) if len(col.choices) == 2 else f"one of {', '.join(col.choices)}"
    if col.ref == "Profiles":
        return "a profile id (a column name of Profiles)"
    if col.ref:
        sheet, column = col.ref.split(".")
        return f"a {column} from {sheet}"
    rule = bounds(col)
    unit = f" in {col.unit}" if col.dtype in ("float", "int") and col.unit not in ("-", "") else ""
    return f"{KINDS[col.dtype]}{' ' + rule if rule else ''}{unit}"


def hint(col: Column) -> str:
    """The usual fix for a bad or missing value: what to enter and what the column means."""
    return f"enter {expectation(col)}: {col.description}"


def _unit(col: Column) -> str:
    return f" {col.unit}" if col.unit not in ("-", "") else ""


def _in_range(value: float, col: Column) -> bool:
    if col.min is not None and (value < col.min or (col.min_exclusive and value <= col.min)):
        return False
    return col.max is None or value <= col.max


def unit_hint(unit: str, value: float, low: float, high: float) -> str:
    """How a value outside its plausible range might be in the wrong unit."""
    candidates = [("/MWh", "/kWh", 1000.0), ("/kWh", "/MWh", 1e-3), ("/kW", "/MW", 1e-3), ("/MW", "/kW", 1000.0)]
    for ours, theirs, factor in candidates:
        if unit.endswith(ours) and low <= value * factor <= high:
            verb = "multiply" if factor > 1 else "divide"
            return f"looks like {unit[: -len(ours)]}{theirs}: {verb} by 1000 to get {unit}"
    if unit in ("-", "") and low <= value / 100 <= high:
        return "looks like a percentage: divide by 100"
    unit_text = f" and its unit ({unit})" if unit not in ("-", "") else ""
    return f"check the value{unit_text}; if it is right, ignore this warning"


def check_value(value: Any, col: Column) -> tuple[Any, list[tuple[str, str, str]]]:
    """Coerce a non-blank cell value to the column's type and check it.

    Returns (typed value or None if unusable, [(severity, message, fix), ...]).
    """
    if col.dtype == "float" and type(value) in PLAIN_NUMBERS:  # fast path: the usual case
        return _check_number(value, col)
    if isinstance(value, str) and value.strip() in EXCEL_ERRORS:
        return None, [("error", f"{col.name} is the Excel error {value.strip()}",
                       "correct the formula or type the value")]
    try:
        typed = CONVERTERS[col.dtype](value)
    except _Bad as bad:
        return None, [("error", f"{col.name} is {show(value)}, not {bad}", hint(col))]
    if col.choices:
        match = {c.lower(): c for c in col.choices}.get(typed.lower() if isinstance(typed, str) else
                                                         ("yes" if typed else "no"))
        if match is None:
            return None, [("error", f"{col.name} is {show(value)}, not one of {', '.join(col.choices)}",
                           f"pick one of {', '.join(col.choices)} from the dropdown")]
        typed = match if isinstance(typed, str) else typed
    if isinstance(typed, (int, float)) and not isinstance(typed, bool):
        return _check_number(typed, col)
    return typed, []


def _check_number(value: float, col: Column) -> tuple[Any, list[tuple[str, str, str]]]:
    """Range (error) and plausibility (warning) of a typed number."""
    if not math.isfinite(value):
        return None, [("error", f"{col.name} is {show(value)}, not a finite number", hint(col))]
    if not _in_range(value, col):
        return None, [("error", f"{col.name} is {show(value)}, must be {bounds(col)}{_unit(col)}", hint(col))]
    if col.plausible and not col.plausible[0] <= value <= col.plausible[1]:
        low, high = col.plausible
        return value, [("warning", f"{col.name} is {show(value)}{_unit(col)}, outside the usual range "
                        f"{format_value(low)}-{format_value(high)}{_unit(col)}", unit_hint(col.unit, value, low, high))]
    return value, []


# ----------------------------------------------------------------------------------------------------------
# Parsed tables
# ----------------------------------------------------------------------------------------------------------
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


def _suggest(word: str, options: Iterable[str]) -> str:
    """' (did you mean 'x'?)' for a close match, else ''."""
    lower = {o.lower(): o for o in options}
    close = difflib.get_close_matches(word.lower(), list(lower), n=1, cutoff=0.6)
    return f" (did you mean {lower[close[0]]!r}?)" if close else ""


def _norm_unit(unit: Any) -> str:
    text = re.sub(r"\s+", "", str(unit or "")).lower()
    return "" if text == "-" else text


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
                             f"check the spelling{_suggest(header, by_lower)} or delete the column")
    _check_missing_columns(raw, sheet, positions, problems)
    _check_units(raw, sheet, positions, problems)
    return positions, extra


def _check_missing_columns(raw: RawTable, sheet: Sheet, positions: dict[str, int], problems: ProblemList) -> None:
    free = max((pos for pos, h in enumerate(raw.headers) if h is not None), default=-1) + 1  # next header cell
    for col in sheet.columns:
        if col.required and col.name not in positions:
            problems.error(raw.sheet, RawTable.cell(free, HEADER_ROW), f"column {col.name} is missing",
                           f"add a column headed {col.name} (unit {col.unit}) in row {HEADER_ROW}: {col.description}")


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


def _cell_value(raw: RawTable, row: int, pos: int, values: list[Any], col: Column,
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
            record[name], bad = _cell_value(raw, row, pos, values, columns[name], problems)
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


# ----------------------------------------------------------------------------------------------------------
# Settings
# ----------------------------------------------------------------------------------------------------------
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
                             f"check the spelling{_suggest(to_text(name), known)} or delete the row")
        elif col.name in rows:
            problems.error(raw.sheet, cell, f"setting {col.name} appears twice (also in row {rows[col.name]})",
                           "delete one of the two rows")
        else:
            rows[col.name] = row
            values[col.name], _ = _cell_value(raw, row, value_pos, cells, col, problems)
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


def build_settings(values: Mapping[str, Any]) -> Settings:
    """The Settings dataclass with schema defaults filled in."""
    kwargs = {}
    for col in SETTINGS.columns:
        value = values.get(col.name)
        kwargs[col.name] = col.default if value is None else value
    return Settings(**kwargs)


# ----------------------------------------------------------------------------------------------------------
# Profiles
# ----------------------------------------------------------------------------------------------------------
@dataclass
class ProfileData:
    """Profiles sheet: time columns (Table) plus one float array per profile id (NaN = blank/invalid)."""

    table: Table
    positions: dict[str, int]  # profile id -> column position
    units: dict[str, str]  # profile id -> unit from row 2 ('' if none)
    values: dict[str, np.ndarray]
    time_ok: bool = False

    def cell(self, pid: str, t: int) -> str:
        return RawTable.cell(self.positions[pid], self.table.rows[t])


def _profile_column(pid: str, unit: str) -> Column:
    return Column(name=pid, dtype="float", unit=unit or "-", description=f"Value of profile {pid} in this hour.")


def parse_profiles(raw: RawTable, problems: ProblemList) -> ProfileData:
    """Type the day/hour/weight_days columns and every profile column; check the time structure."""
    columns = {c.name: c for c in PROFILES.columns}
    columns["weight_days"] = replace(columns["weight_days"], required=False)  # blank = 1 for 8760 h, see below
    table, extra = parse_table(raw, PROFILES, problems, columns)
    units = {pid: to_text(raw.units[pos]) if raw.units and raw.units[pos] is not None else ""
             for pid, pos in extra.items()}
    data = ProfileData(table, extra, units, {})
    for pid, pos in extra.items():
        data.values[pid] = _profile_values(raw, pid, pos, units[pid], problems)
        if units[pid] and units[pid] not in PROFILE_UNITS:
            problems.warning(raw.sheet, RawTable.cell(pos, UNIT_ROW), f"unknown profile unit {units[pid]!r}",
                             f"use one of {', '.join(PROFILE_UNITS)}")
    data.time_ok = _check_time(table, problems)
    return data


def _profile_values(raw: RawTable, pid: str, pos: int, unit: str, problems: ProblemList) -> np.ndarray:
    """One profile column as floats; blank cells are one 'wrong length' error, bad cells a few errors."""
    col = _profile_column(pid, unit)
    out = np.full(len(raw.rows), np.nan)
    blank, bad = [], 0
    for t, (row, values) in enumerate(raw.rows):
        value = values[pos]
        if type(value) in PLAIN_NUMBERS and math.isfinite(value):  # fast path (range checked per profile)
            out[t] = value
            continue
        cell = RawTable.cell(pos, row)
        if value is None:
            if cell in raw.formula_cells:
                bad += 1
                if bad <= MAX_CELL_PROBLEMS_PER_PROFILE:
                    problems.error(raw.sheet, cell, f"{pid} is a formula with no saved value",
                                   "open and save the file in Excel, or type the value")
            else:
                blank.append(cell)
            continue
        typed, issues = check_value(value, col)
        if typed is None:
            bad += 1
            if bad <= MAX_CELL_PROBLEMS_PER_PROFILE:
                problems.error(raw.sheet, cell, issues[0][1], issues[0][2])
        else:
            out[t] = typed
    if bad > MAX_CELL_PROBLEMS_PER_PROFILE:
        problems.error(raw.sheet, RawTable.cell(pos, HEADER_ROW),
                       f"profile {pid} has {bad - MAX_CELL_PROBLEMS_PER_PROFILE} more invalid cells",
                       "enter a number in every hour")
    if blank:
        problems.error(raw.sheet, blank[0], f"profile {pid} has {len(raw.rows) - len(blank)} values but the "
                       f"sheet has {len(raw.rows)} time steps ({len(blank)} blank, first {blank[0]})",
                       "enter a value for every hour of every day")
    return out


def _check_time(table: Table, problems: ProblemList) -> bool:
    """Days of 24 consecutive rows with hours 0..23, constant weight per day, weights summing to 365."""
    if not {"day", "hour"} <= set(table.positions) or any(n in ("day", "hour") for _, n in table.invalid):
        return False
    if not table.records:
        return False
    weights = table.values("weight_days")
    if len(table.records) == int(HOURS_PER_YEAR) and all(w is None for w in weights):
        for record in table.records:
            record["weight_days"] = 1.0
    elif any(w is None for w in weights):
        for i, w in enumerate(weights):
            if w is None and (i, "weight_days") not in table.invalid:
                problems.error(table.tab, table.cell(i, "weight_days"), "weight_days is empty",
                               "enter how many days this day stands for (blank only allowed for 8760 rows)")
        return False
    ok = _check_days(table, problems)
    return _check_weights(table, problems) and ok


def _day_runs(table: Table) -> list[tuple[Any, int, int]]:
    """(day, first record, end record) for each run of consecutive rows with the same day."""
    runs, start = [], 0
    days = table.values("day")
    for i in range(1, len(days) + 1):
        if i == len(days) or days[i] != days[start]:
            runs.append((days[start], start, i))
            start = i
    return runs


def _check_days(table: Table, problems: ProblemList) -> bool:
    ok, seen = True, {}
    hours = table.values("hour")
    for day, start, end in _day_runs(table):
        if day in seen:
            problems.error(table.tab, table.cell(start, "day"), f"day {day} appears again (also in row {seen[day]})",
                           "keep the 24 rows of a day together and give every day its own number")
            ok = False
            continue
        seen[day] = table.rows[start]
        if hours[start:end] != list(range(HOURS_PER_DAY)):
            problems.error(table.tab, table.cell(start, "hour"),
                           f"day {day} has {end - start} row(s) with hours {_hours_text(hours[start:end])}",
                           "each day needs exactly 24 rows with hour 0, 1, ..., 23 in order")
            ok = False
    return ok


def _hours_text(hours: list[int]) -> str:
    text = ", ".join(str(h) for h in hours[:6])
    return text + (", ..." if len(hours) > 6 else "")


def _check_weights(table: Table, problems: ProblemList) -> bool:
    if any(n == "weight_days" for _, n in table.invalid):
        return False
    ok = True
    weights = table.values("weight_days")
    total = 0.0
    for day, start, end in _day_runs(table):
        differs = [i for i in range(start, end) if weights[i] != weights[start]]
        if differs:
            problems.error(table.tab, table.cell(differs[0], "weight_days"),
                           f"weight_days of day {day} is {show(weights[differs[0]])} here but "
                           f"{show(weights[start])} in row {table.rows[start]}",
                           "give all 24 rows of a day the same weight")
            ok = False
        total += weights[start]
    if ok and abs(total - DAYS_PER_YEAR) > WEIGHT_TOL:
        problems.error(table.tab, table.cell(0, "weight_days"), f"weight_days sum to {total:g} days, not 365",
                       "set each day's weight to the number of days it stands for so that they sum to 365")
        ok = False
    return ok


# ----------------------------------------------------------------------------------------------------------
# Cross-sheet checks
# ----------------------------------------------------------------------------------------------------------
def check_references(tables: Mapping[str, Table], profiles: ProfileData | None, problems: ProblemList) -> None:
    """Every value of a column with `ref` must exist in the referenced sheet's column (or be a profile id)."""
    for table in tables.values():
        for col in table.schema.columns:
            if not col.ref or col.name not in table.positions:
                continue
            targets = _targets(col.ref, tables, profiles)
            if targets is None:
                continue  # the referenced sheet is missing: reported already
            for i, value in enumerate(table.values(col.name)):
                if value is not None and value not in targets:
                    _unknown_reference(table, i, col, value, targets, problems)


def _targets(ref: str, tables: Mapping[str, Table], profiles: ProfileData | None) -> set[str] | None:
    if ref == "Profiles":
        return set(profiles.positions) if profiles is not None else None
    sheet, column = ref.split(".")
    table = tables.get(sheet)
    return {v for v in table.values(column) if v is not None} if table is not None else None


def _unknown_reference(table: Table, i: int, col: Column, value: str, targets: set[str],
                       problems: ProblemList) -> None:
    hint = _suggest(value, targets)
    if col.ref == "Profiles":
        problems.error(table.tab, table.cell(i, col.name), f"{col.name} {value!r} is not a profile in Profiles",
                       f"use a profile id from Profiles row 1{hint}, or add a column {value} to Profiles")
    else:
        sheet, column = col.ref.split(".")
        problems.error(table.tab, table.cell(i, col.name), f"{col.name} {value!r} is not a {column} in {sheet}",
                       f"use a {column} listed in {sheet}{hint}, or add a row for {value!r} to {sheet}")


def check_sites(sites: Table, problems: ProblemList) -> None:
    """Per-site rules that involve more than one column (skipped where one of the values is already wrong)."""
    for i, r in enumerate(sites.records):
        def ok(*names: str) -> bool:
            return not any((i, n) in sites.invalid for n in names)

        for flat, profile, what in (("grid_price_cny_per_mwh", "grid_price_profile", "a grid price"),
                                    ("grid_ef_tco2_per_mwh", "grid_ef_profile", "a grid emission factor")):
            if ok(flat, profile) and r.get(flat) is None and r.get(profile) is None:
                problems.error(sites.tab, sites.cell(i, flat), f"site {r.get('site_id')!r} has no {flat} and no "
                               f"{profile}", f"enter {what}: a flat value in {flat} or a profile id in {profile}")
        for mw, profile in (("max_pv_mw", "pv_profile"), ("max_wind_mw", "wind_profile")):
            if ok(profile) and (r.get(mw) or 0.0) > 0 and r.get(profile) is None:
                problems.error(sites.tab, sites.cell(i, profile),
                               f"site {r.get('site_id')!r} has {mw} {show(r[mw])} but no {profile}",
                               f"enter the capacity-factor profile id in {profile}, or set {mw} to 0")
        existing, max_it, module = r.get("existing_it_mw") or 0.0, r.get("max_it_mw"), r.get("module_mw")
        if max_it is not None and existing > max_it:
            problems.error(sites.tab, sites.cell(i, "existing_it_mw"),
                           f"existing_it_mw {show(existing)} is larger than max_it_mw {show(max_it)}",
                           "lower existing_it_mw or raise max_it_mw")
        if module is not None and max_it is not None and module > max_it:
            problems.warning(sites.tab, sites.cell(i, "module_mw"),
                             f"module_mw {show(module)} is larger than max_it_mw {show(max_it)}: no module fits",
                             "lower module_mw or raise max_it_mw")


def check_technologies(tech: Table, problems: ProblemList) -> None:
    """Exactly one row each for pv, wind and battery; battery min_hours <= max_hours."""
    ids = tech.values("tech_id")
    missing = [t for t in TECHNOLOGY_IDS if t not in ids]
    if missing and not any(n == "tech_id" for _, n in tech.invalid):
        problems.error(tech.tab, RawTable.cell(0, FIRST_DATA_ROW + len(ids)),
                       f"Technologies has no row for {', '.join(missing)}",
                       f"add one row each for {', '.join(TECHNOLOGY_IDS)}")
    for i, r in enumerate(tech.records):
        if r.get("tech_id") != "battery":
            continue
        low = r.get("min_hours") if r.get("min_hours") is not None else tech.schema.column("min_hours").default
        high = r.get("max_hours") if r.get("max_hours") is not None else tech.schema.column("max_hours").default
        if low > high:
            problems.error(tech.tab, tech.cell(i, "min_hours"),
                           f"battery min_hours {show(low)} is larger than max_hours {show(high)}",
                           "lower min_hours or raise max_hours")


def check_links(links: Table, problems: ProblemList) -> None:
    for i, r in enumerate(links.records):
        if r.get("node_a") is not None and r.get("node_a") == r.get("node_b"):
            problems.error(links.tab, links.cell(i, "node_b"), f"link connects {r['node_a']!r} to itself",
                           "enter two different nodes or delete the row")


def check_hubs_used(hubs: Table, sites: Table, problems: ProblemList) -> None:
    used = set(sites.values("hub_id"))
    for i, hub in enumerate(hubs.values("hub_id")):
        if hub is not None and hub not in used:
            problems.warning(hubs.tab, hubs.cell(i, "hub_id"), f"hub {hub!r} has no sites",
                             "add sites with this hub_id in Sites, or delete the hub")


def check_cooling_allowed(site_cooling: pd.DataFrame, sites: Table, problems: ProblemList) -> None:
    """Each site needs at least one allowed cooling technology after the SiteCooling overrides."""
    if site_cooling.empty:
        return
    allowed = site_cooling["allowed"].groupby(level="site_id").any()
    for i, site in enumerate(sites.values("site_id")):
        if site is not None and not allowed.get(site, True):
            problems.error(sites.tab, sites.cell(i, "site_id"), f"site {site!r} has no allowed cooling technology",
                           "set allowed = yes for at least one cooling technology of this site in SiteCooling")


def check_profile_usage(tables: Mapping[str, Table], profiles: ProfileData, problems: ProblemList) -> None:
    """Each profile must fit the unit its use needs (e.g. PV capacity factors within 0-1) and the unit of its
    own units row."""
    checked: set[tuple[str, str]] = set()
    for table in tables.values():
        for col in table.schema.columns:
            if col.ref != "Profiles" or not col.profile_unit or col.name not in table.positions:
                continue
            for i, pid in enumerate(table.values(col.name)):
                if pid in profiles.values and (pid, col.profile_unit) not in checked:
                    checked.add((pid, col.profile_unit))
                    reason = f"{table.tab}!{table.cell(i, col.name)} uses it as {col.name}"
                    _check_unit_row(profiles, pid, col.profile_unit, reason, problems)
                    _check_profile_values(profiles, pid, col.profile_unit, reason, problems)
    for pid, unit in profiles.units.items():
        if unit in PROFILE_UNITS and (pid, unit) not in checked:
            _check_profile_values(profiles, pid, unit, f"its unit in row {UNIT_ROW} is {unit}", problems)


def _check_unit_row(profiles: ProfileData, pid: str, unit: str, reason: str, problems: ProblemList) -> None:
    given = profiles.units.get(pid, "")
    if given in PROFILE_UNITS and given != unit:
        problems.warning(profiles.table.tab, RawTable.cell(profiles.positions[pid], UNIT_ROW),
                         f"profile {pid} has unit {given!r} but {reason} ({unit})",
                         f"check the profile: a {unit} profile holds {PROFILE_UNITS[unit].meaning}")


def _check_profile_values(profiles: ProfileData, pid: str, unit: str, reason: str, problems: ProblemList) -> None:
    """Values outside the unit's range are an error (first cell + count); an odd mean is a unit warning."""
    spec, values, tab = PROFILE_UNITS[unit], profiles.values[pid], profiles.table.tab
    low = -np.inf if spec.min is None else spec.min
    high = np.inf if spec.max is None else spec.max
    outside = np.flatnonzero((values < low) | (values > high))
    if outside.size:
        t = int(outside[0])
        problems.error(tab, profiles.cell(pid, t),
                       f"profile {pid} is {show(float(values[t]))} here ({outside.size} value(s) outside "
                       f"{format_value(spec.min)}-{format_value(spec.max)}); {reason}",
                       f"a {unit} profile holds {spec.meaning}: enter values between {format_value(spec.min)} "
                       f"and {format_value(spec.max)}")
    finite = values[np.isfinite(values)]
    if spec.plausible_mean and finite.size:
        mean, (lo, hi) = float(finite.mean()), spec.plausible_mean
        if not lo <= mean <= hi:
            problems.warning(tab, RawTable.cell(profiles.positions[pid], HEADER_ROW),
                             f"profile {pid} averages {mean:.4g} {unit}, outside the usual "
                             f"{format_value(lo)}-{format_value(hi)} {unit}; {reason}", unit_hint(unit, mean, lo, hi))


# ----------------------------------------------------------------------------------------------------------
# Case assembly
# ----------------------------------------------------------------------------------------------------------
def _fill(value: Any, col: Column) -> Any:
    if value is not None:
        return value
    return col.default if col.default is not None else np.nan


def table_frame(table: Table | None, sheet: Sheet, *, index: bool = True) -> pd.DataFrame:
    """A table as a DataFrame with every schema column, defaults filled, indexed by the sheet's key."""
    records = table.records if table is not None else []
    data = {}
    for col in sheet.columns:
        values = [_fill(r.get(col.name), col) for r in records]
        dtype = {"float": float, "int": "int64", "bool": bool}.get(col.dtype, object)
        data[col.name] = pd.Series(values, dtype=dtype)
    frame = pd.DataFrame(data, columns=sheet.column_names)
    return frame.set_index(list(sheet.key)) if index and sheet.key else frame


def site_cooling_frame(sites: pd.DataFrame, cooling: pd.DataFrame, overrides: pd.DataFrame) -> pd.DataFrame:
    """Every site x cooling pair: allowed, pue_annual, capex_cny_per_mw_it with the overrides applied."""
    index = pd.MultiIndex.from_product([sites.index, cooling.index], names=["site_id", "cooling_id"])
    cooling_ids = index.get_level_values("cooling_id")
    frame = pd.DataFrame({
        "allowed": True,
        "pue_annual": cooling["pue_annual"].reindex(cooling_ids).to_numpy(dtype=float),
        "capex_cny_per_mw_it": cooling["capex_cny_per_mw_it"].reindex(cooling_ids).to_numpy(dtype=float),
    }, index=index)
    for key, row in overrides.iterrows():
        if key not in frame.index:
            continue
        frame.loc[key, "allowed"] = bool(row["allowed"])
        for name in ("pue_annual", "capex_cny_per_mw_it"):
            if pd.notna(row[name]):
                frame.loc[key, name] = float(row[name])
    frame["allowed"] = frame["allowed"].astype(bool)
    return frame


def timesteps_frame(profiles: ProfileData) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(timesteps, profiles) with RangeIndex t."""
    table = profiles.table
    index = pd.RangeIndex(len(table.records), name="t")
    steps = pd.DataFrame({"day": pd.Series(table.values("day"), dtype="int64").to_numpy(),
                          "hour": pd.Series(table.values("hour"), dtype="int64").to_numpy(),
                          "weight_days": pd.Series(table.values("weight_days"), dtype=float).to_numpy()},
                         index=index)
    series = pd.DataFrame({pid: values for pid, values in profiles.values.items()}, index=index, dtype=float)
    return steps, series


def build_case(settings: Mapping[str, Any], tables: Mapping[str, Table], profiles: ProfileData,
               source: str) -> Case:
    """Assemble the Case from tables that passed every check."""
    frames = {name: table_frame(tables.get(name), SHEETS_BY_NAME[name])
              for name in ("Hubs", "Sites", "Cooling", "SiteCooling", "Demand", "Network", "Technologies")}
    steps, series = timesteps_frame(profiles)
    return Case(
        settings=build_settings(settings),
        hubs=frames["Hubs"], sites=frames["Sites"], cooling=frames["Cooling"],
        site_cooling=site_cooling_frame(frames["Sites"], frames["Cooling"], frames["SiteCooling"]),
        demand=frames["Demand"], network=frames["Network"],
        links=table_frame(tables.get("Links"), SHEETS_BY_NAME["Links"], index=False),
        technologies=frames["Technologies"], timesteps=steps, profiles=series, source=source,
    )


# ----------------------------------------------------------------------------------------------------------
# The pipeline
# ----------------------------------------------------------------------------------------------------------
def match_sheets(raw: RawWorkbook, problems: ProblemList) -> dict[str, RawTable]:
    """Schema sheet name -> raw table (names matched ignoring case and outer spaces)."""
    by_lower = {name.strip().lower(): table for name, table in raw.tables.items()}
    matched = {}
    for sheet in SHEETS:
        table = by_lower.pop(sheet.name.lower(), None)
        if table is not None:
            matched[sheet.name] = table
        elif sheet.required:
            problems.error(sheet.name, "", f"sheet {sheet.name} is missing",
                           f"add a sheet named {sheet.name} ({sheet.description}); `planner template` writes one")
    info = {s.lower() for s in INFO_SHEETS}
    for name, table in by_lower.items():
        if name not in info:
            problems.warning(table.sheet, "", f"unknown sheet {table.sheet!r} is ignored",
                             f"the input sheets are {', '.join(s.name for s in SHEETS)}")
    return matched


def _is_empty(raw: RawTable) -> bool:
    return not raw.rows and not any(h is not None for h in raw.headers)


def parse_sheets(matched: Mapping[str, RawTable], problems: ProblemList
                 ) -> tuple[dict[str, Any] | None, dict[str, Table], ProfileData | None]:
    """Parse every present sheet: (settings values, tables by schema name, profiles)."""
    settings, tables, profiles = None, {}, None
    for name, raw in matched.items():
        sheet = SHEETS_BY_NAME[name]
        if _is_empty(raw):
            if sheet.required:
                problems.error(raw.sheet, "A1", f"sheet {raw.sheet} is empty",
                               f"copy its header and unit rows from `planner template` and fill it from row "
                               f"{FIRST_DATA_ROW}")
            continue
        if sheet.kind == "settings":
            settings = parse_settings(raw, problems)
        elif sheet.kind == "profiles":
            profiles = parse_profiles(raw, problems)
        else:
            tables[name], _ = parse_table(raw, sheet, problems)
    return settings, tables, profiles


def cross_checks(tables: Mapping[str, Table], profiles: ProfileData | None, problems: ProblemList) -> None:
    """Checks across rows and sheets, run on whatever sheets were present."""
    check_references(tables, profiles, problems)
    if "Sites" in tables:
        check_sites(tables["Sites"], problems)
        if "Hubs" in tables:
            check_hubs_used(tables["Hubs"], tables["Sites"], problems)
    if "Technologies" in tables:
        check_technologies(tables["Technologies"], problems)
    if "Links" in tables:
        check_links(tables["Links"], problems)
    if profiles is not None:
        check_profile_usage(tables, profiles, problems)
    if {"Sites", "Cooling"} <= set(tables):
        frames = {n: _unique(table_frame(tables.get(n), SHEETS_BY_NAME[n]))
                  for n in ("Sites", "Cooling", "SiteCooling")}
        pairs = site_cooling_frame(frames["Sites"], frames["Cooling"], frames["SiteCooling"])
        check_cooling_allowed(pairs, tables["Sites"], problems)


def _unique(frame: pd.DataFrame) -> pd.DataFrame:
    """Rows with a complete, first-seen index (duplicates and blank ids are reported elsewhere)."""
    keep = ~frame.index.duplicated() & ~pd.isna(frame.index.to_frame()).any(axis=1).to_numpy()
    return frame[keep]


def _latency_problems(case: Case, demand: Table | None) -> list[Problem]:
    """planner.input.latency's unreachable-demand errors, with cells mapped to where the values really are."""
    problems = []
    for p in unreachable_demands(case):
        if demand is not None and p.sheet == "Demand":
            p = replace(p, sheet=demand.tab, cell=_remap_cell(p.cell, demand))
        problems.append(p)
    return problems


def _remap_cell(cell: str, table: Table) -> str:
    """A cell computed for the template layout -> the same record and column in the real sheet."""
    match = re.fullmatch(r"([A-Z]+)(\d+)", cell)
    if not match:
        return cell
    i = int(match[2]) - FIRST_DATA_ROW
    pos = column_index_from_string(match[1]) - 1
    names = table.schema.column_names
    if not 0 <= i < len(table.rows) or pos >= len(names):
        return cell
    return table.cell(i, names[pos])


def sort_problems(problems: Iterable[Problem]) -> list[Problem]:
    """Problems in workbook order: sheet (schema order), then row, then column; whole-sheet problems first."""
    order = {s.name.lower(): i for i, s in enumerate(SHEETS)}

    def key(p: Problem) -> tuple:
        match = re.fullmatch(r"([A-Z]+)(\d+)", p.cell)
        where = (int(match[2]), column_index_from_string(match[1])) if match else (0, 0)
        return (order.get(p.sheet.strip().lower(), len(order)), *where)

    return sorted(problems, key=key)


def validate(raw: RawWorkbook) -> Case:
    """Raw tables -> Case; raises CaseInvalid with every problem if there is any error."""
    problems = ProblemList()
    matched = match_sheets(raw, problems)
    settings, tables, profiles = parse_sheets(matched, problems)
    cross_checks(tables, profiles, problems)
    if problems.errors or settings is None or profiles is None or not profiles.time_ok:
        raise CaseInvalid(sort_problems(problems.items), raw.source)
    case = build_case(settings, tables, profiles, raw.source)
    problems.items.extend(_latency_problems(case, tables.get("Demand")))
    if problems.errors:
        raise CaseInvalid(sort_problems(problems.items), raw.source)
    case.warnings = sort_problems(problems.warnings)
    return case


def load_case(path: str | Path) -> Case:
    """Read an input workbook (never modifying it) and validate it into a Case."""
    return validate(read_workbook(path))


def raw_tables(tables: Mapping[str, pd.DataFrame | Mapping], source: str = "<tables>") -> RawWorkbook:
    """DataFrames (Settings: a mapping or a name/value DataFrame) as a RawWorkbook in template layout."""
    out = {}
    for name, value in tables.items():
        sheet = SHEETS_BY_NAME.get(name) or next((s for s in SHEETS if s.name.lower() == str(name).lower()), None)
        if sheet is not None and sheet.kind == "settings":
            out[name] = raw_from_settings(name, value)
        else:
            known = sheet.column_names if sheet is not None else ()
            out[name] = raw_from_frame(name, pd.DataFrame(value), known)
    return RawWorkbook(source, out)


def case_from_tables(tables: Mapping[str, pd.DataFrame | Mapping], source: str = "<tables>") -> Case:
    """Validate tables built in Python (schema column names) into a Case; raises CaseInvalid."""
    return validate(raw_tables(tables, source))


__all__ = ["CaseInvalid", "case_from_tables", "load_case", "validate", "check_value", "to_float", "to_bool"]
