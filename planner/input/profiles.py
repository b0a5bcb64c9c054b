"""The Profiles sheet: day/hour/weight_days plus one float column per profile id, and its time structure.

Either 8760 hourly rows (weight_days may be blank: 1 day each) or representative days: 24 consecutive rows
per day with hours 0..23, one weight per day, weights summing to 365. Whether each profile's values fit the
unit its users need is a cross-sheet check (`planner.input.checks.check_profile_usage`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from planner.input.case import DAYS_PER_YEAR, HOURS_PER_YEAR
from planner.input.reader import RawTable
from planner.input.schema import HEADER_ROW, PROFILE_UNITS, PROFILES, UNIT_ROW, Column, ProblemList
from planner.input.tables import Table, parse_table
from planner.input.values import PLAIN_NUMBERS, check_value, show, to_text

WEIGHT_TOL = 1e-6
HOURS_PER_DAY = 24
MAX_CELL_PROBLEMS_PER_PROFILE = 5  # per profile column; the rest are summarised in one line


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


# ----------------------------------------------------------------------------------------------------------
# Time structure
# ----------------------------------------------------------------------------------------------------------
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
