"""Validation: raw tables -> a typed `Case`, or every problem found.

Every check is driven by `planner.input.schema`. All problems are collected (not just the first), each with its sheet,
cell, what is wrong and how to fix it. Errors stop the case from being built (`CaseInvalid`); warnings (units
that look wrong, unknown sheets or columns) ride along in `Case.warnings`.

    load_case(path)                -> Case   # read an .xlsx workbook and validate it
    case_from_tables(tables)       -> Case   # validate DataFrames built in Python

The pipeline, one module per step:
    planner.input.reader          the file -> raw tables (values with their cells)
    planner.input.values          one cell value -> a typed value, or what is wrong with it
    planner.input.tables          a table sheet -> typed records (`settings_sheet`, `profiles`: the two others)
    planner.input.checks          references between sheets and other cross-row checks; latency pre-check
    planner.input.assemble        checked tables -> the Case
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import pandas as pd
from openpyxl.utils import column_index_from_string

from planner.input.assemble import build_case
from planner.input.case import Case
from planner.input.checks import cross_checks, latency_problems
from planner.input.flexible_window import window_problems
from planner.input.profiles import ProfileData, parse_profiles
from planner.input.reader import RawTable, RawWorkbook, raw_from_frame, raw_from_settings, read_workbook
from planner.input.schema import FIRST_DATA_ROW, INFO_SHEETS, SHEETS, SHEETS_BY_NAME, Problem, ProblemList, by_severity
from planner.input.settings_sheet import parse_settings
from planner.input.tables import Table, parse_table
from planner.input.values import check_value, to_bool, to_float


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


def match_sheets(raw: RawWorkbook, problems: ProblemList) -> dict[str, RawTable]:
    """Schema sheet name -> raw table (names matched ignoring case and outer spaces).

    Two sheets whose names match one input sheet (e.g. 'Sites' and 'Sites ') are an error: neither is read.
    """
    groups: dict[str, list[RawTable]] = {}
    for name, table in raw.tables.items():
        groups.setdefault(name.strip().lower(), []).append(table)
    matched = {}
    for sheet in SHEETS:
        tables = groups.pop(sheet.name.lower(), [])
        if len(tables) > 1:
            names = " and ".join(repr(t.sheet) for t in tables)
            problems.error(sheet.name, "", f"sheets {names} are both read as {sheet.name} (names are matched "
                           f"ignoring case and spaces before and after), so it is not clear which one to use",
                           f"delete one of them, or rename it (e.g. to {sheet.name} old) to keep it as notes")
        elif tables:
            matched[sheet.name] = tables[0]
        elif sheet.required:
            problems.error(sheet.name, "", f"sheet {sheet.name} is missing",
                           f"add a sheet named {sheet.name} ({sheet.description}); `planner template` writes one")
    info = {s.lower() for s in INFO_SHEETS}
    for name, tables in groups.items():
        if name not in info:
            for table in tables:
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
    problems.items.extend(latency_problems(case, tables.get("Demand")))
    problems.items.extend(window_problems(case, tables.get("Demand")))  # rolling windows of flexible load
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
