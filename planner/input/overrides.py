"""Overrides: one syntax for `--set`, the Scenarios sheet and sensitivities, applied to the raw tables.

    carbon_price_cny_per_tco2=300          a setting (Settings name)
    Hubs[yrd].pue_cap=1.2                  one cell: the row whose key is yrd (SiteCooling[site,cooling])
    Demand.it_load_mw*=1.5                 a whole column (every non-blank cell for *= and +=)

with `=value` (as typed in the cell; blank clears it), `*=factor` or `+=delta`. Overrides change the workbook's
raw tables before validation, so an overridden workbook is validated exactly like one edited by hand; a problem
in an overridden cell is reported at the override (the Scenarios cell or the --set argument) with its fix.
The Scenarios sheet (`planner.input.schema.SCENARIOS`) groups overrides into named scenarios (`based_on`
another scenario first).
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from planner.input.case import Case
from planner.input.reader import RawTable, RawWorkbook, read_workbook
from planner.input.schema import FIRST_DATA_ROW, SCENARIOS, SETTINGS, SHEETS, Problem, ProblemList, Sheet
from planner.input.tables import parse_table
from planner.input.validate import CaseInvalid, sort_problems, validate
from planner.input.values import NotCoercible, show, suggest, to_float, to_text

SET_ARGUMENT = "--set"
SYNTAX = ("write NAME=value for a setting, Sheet[id].column=value for one cell or Sheet.column=value for a whole "
          "column; *=factor and +=delta change numbers, e.g. Demand.it_load_mw*=1.5")
PATTERN = re.compile(r"^\s*(?P<target>[^=]+?)\s*(?P<op>\*=|\+=|=)(?P<value>.*)$", re.S)
TARGET = re.compile(r"^(?P<sheet>[A-Za-z_]\w*)(\[(?P<ids>[^\]]*)\])?\.(?P<column>[^.\[\]]+)$")
BASE = "base"  # the workbook as it is: always scenario one of a sweep unless the Scenarios sheet names it


@dataclass(frozen=True)
class Override:
    """One parsed override and where it was written (the Scenarios cell, or --set)."""

    text: str
    sheet: str  # schema sheet name; "Settings" for a setting
    column: str  # column (header) name, or the setting name
    ids: tuple[str, ...] | None  # the row's key values; None = the whole column
    op: str  # "=", "*=" or "+="
    value: str
    origin: str = SET_ARGUMENT  # "--set" or the Scenarios tab
    cell: str = ""  # the Scenarios cell

    def problem(self, message: str, fix: str) -> Problem:
        return Problem("error", self.origin, self.cell, f"override {self.text!r}: {message}", fix)


@dataclass
class Scenario:
    name: str
    description: str = ""
    overrides: list[Override] = field(default_factory=list)
    based_on: str = ""

    @property
    def texts(self) -> list[str]:
        return [o.text for o in self.overrides]


def _schema_sheet(name: str) -> Sheet | None:
    return next((s for s in SHEETS if s.name.lower() == name.strip().lower()), None)


def parse_override(text: str, origin: str = SET_ARGUMENT, cell: str = "") -> Override:
    """Parse one override; CaseInvalid naming the argument or the cell if it cannot be read."""
    text = str(text).strip()
    bad = Override(text, "", "", None, "=", "", origin, cell)
    match = PATTERN.match(text)
    if not match:
        raise CaseInvalid([bad.problem("has no =, *= or +=", SYNTAX)], origin)
    target, op, value = match["target"].strip(), match["op"], match["value"].strip()
    found = TARGET.match(target)
    if found is None:
        col = next((c for c in SETTINGS.columns if c.name.lower() == target.lower()), None)
        if col is None:
            names = [c.name for c in SETTINGS.columns]
            raise CaseInvalid([bad.problem(f"{target!r} is not a setting{suggest(target, names)}", SYNTAX)], origin)
        return Override(text, SETTINGS.name, col.name, None, op, value, origin, cell)
    sheet = _schema_sheet(found["sheet"])
    if sheet is None or sheet.name == SCENARIOS.name:
        names = [s.name for s in SHEETS if s.name != SCENARIOS.name]
        raise CaseInvalid([bad.problem(f"{found['sheet']!r} is not an input sheet{suggest(found['sheet'], names)}",
                                       f"the sheets are {', '.join(names)}")], origin)
    column = found["column"].strip()
    if sheet.name == SETTINGS.name:
        if found["ids"] is not None:
            raise CaseInvalid([bad.problem("a setting has no [id]", f"write {column}{op}{value}")], origin)
        return replace(parse_override(f"{column}{op}{value}", origin, cell), text=text)
    col = next((c.name for c in sheet.columns if c.name.lower() == column.lower()), None)
    if col is None and sheet.kind != "profiles":
        raise CaseInvalid([bad.problem(f"{sheet.name} has no column {column!r}{suggest(column, sheet.column_names)}",
                                       f"the columns are {', '.join(sheet.column_names)}")], origin)
    ids = None
    if found["ids"] is not None:
        ids = tuple(i.strip() for i in found["ids"].split(","))
        if len(ids) != len(sheet.key) or not all(ids):
            key = ",".join(sheet.key) or "(no key)"
            raise CaseInvalid([bad.problem(f"{sheet.name} rows are named by {key}, not {found['ids']!r}",
                                           f"write {sheet.name}[{key}].{column}, or {sheet.name}.{column} for the "
                                           f"whole column")], origin)
    return Override(text, sheet.name, col or column, ids, op, value, origin, cell)


def parse_overrides(texts: Iterable[str], origin: str = SET_ARGUMENT) -> list[Override]:
    """Every override of a list (e.g. the --set arguments); CaseInvalid with all their problems."""
    out, problems = [], []
    for text in texts:
        try:
            out.append(parse_override(text, origin))
        except CaseInvalid as exc:
            problems += exc.problems
    if problems:
        raise CaseInvalid(problems, origin)
    return out


# ----------------------------------------------------------------------------------------------------------
# Applying to raw tables
# ----------------------------------------------------------------------------------------------------------
def _raw_sheet(raw: RawWorkbook, name: str) -> str | None:
    return next((t for t in raw.tables if t.strip().lower() == name.lower()), None)


def _position(table: RawTable, name: str) -> int | None:
    return next((p for p, h in enumerate(table.headers) if h is not None and h.lower() == name.lower()), None)


def _new_value(o: Override, current: Any, default: Any, single: bool) -> tuple[Any, str | None]:
    """(the cell's new value, or the reason it cannot be computed); (current, None) leaves a blank alone."""
    if o.op == "=":
        return (o.value if o.value != "" else None), None
    try:
        amount = to_float(o.value)
    except NotCoercible:
        return None, f"{o.value!r} is not a number, so it cannot {'scale' if o.op == '*=' else 'shift'} the value"
    if current is None:
        current = default
        if current is None:
            return None, ("the cell is blank: there is nothing to change" if single else None)
    try:
        number = to_float(current)
    except NotCoercible:
        return None, f"the current value {show(current)} is not a number"
    return (number * amount if o.op == "*=" else number + amount), None


def _add_column(table: RawTable, name: str) -> int:
    """Append a column headed `name` (an optional column the workbook lacks); its position."""
    pos = len(table.headers)
    table.headers.append(name)
    if table.units is not None:
        table.units.append(None)
    for _, values in table.rows:
        values.extend([None] * (pos + 1 - len(values)))
    return pos


def _apply_setting(table: RawTable, o: Override, cells: dict, problems: list[Problem]) -> None:
    name_pos, value_pos = _position(table, "name"), _position(table, "value")
    if name_pos is None or value_pos is None:
        problems.append(o.problem("the Settings sheet has no name and value columns", "fix the Settings sheet first"))
        return
    row = next(((n, v) for n, v in table.rows if v[name_pos] is not None
                and to_text(v[name_pos]).lower() == o.column.lower()), None)
    if row is None:
        number = max([FIRST_DATA_ROW - 1] + [n for n, _ in table.rows]) + 1
        values = [None] * table.width
        values[name_pos] = o.column
        row = (number, values)
        table.rows.append(row)
    col = SETTINGS.column(o.column)
    new, why = _new_value(o, row[1][value_pos], col.default, True)
    if why:
        problems.append(o.problem(f"setting {o.column}: {why}", f"use {o.column}=value"))
        return
    row[1][value_pos] = new
    cells[(table.sheet, RawTable.cell(value_pos, row[0]))] = o


def _apply_table(table: RawTable, sheet: Sheet, o: Override, cells: dict, problems: list[Problem]) -> None:
    pos = _position(table, o.column)
    if pos is None:
        if sheet.kind == "profiles":
            ids = [h for h in table.headers[3:] if h]
            problems.append(o.problem(f"Profiles has no profile {o.column!r}{suggest(o.column, ids)}",
                                      "name a column of the Profiles sheet"))
            return
        pos = _add_column(table, o.column)
    key_pos = [_position(table, k) for k in sheet.key]
    rows = table.rows
    if o.ids is not None:
        if None in key_pos:
            problems.append(o.problem(f"{sheet.name} has no key column {', '.join(sheet.key)}",
                                      "fix the sheet's headers first"))
            return
        rows = [(n, v) for n, v in table.rows if tuple(to_text(v[p]) if v[p] is not None else "" for p in key_pos)
                == o.ids]
        if not rows:
            known = [",".join(to_text(v[p]) for p in key_pos if v[p] is not None) for _, v in table.rows]
            problems.append(o.problem(f"{sheet.name} has no row {','.join(o.ids)}"
                                      f"{suggest(','.join(o.ids), known)}",
                                      f"use one of: {', '.join(known[:12])}{' ...' if len(known) > 12 else ''}"))
            return
    default = sheet.column(o.column).default if o.column in sheet.column_names else None
    for number, values in rows:
        new, why = _new_value(o, values[pos], default, o.ids is not None)
        if why:
            problems.append(o.problem(f"{sheet.name}!{RawTable.cell(pos, number)}: {why}",
                                      "use = to set a value, or change a numeric column"))
            return
        if new is None and values[pos] is None:
            continue
        values[pos] = new
        cells[(table.sheet, RawTable.cell(pos, number))] = o


def apply_overrides(raw: RawWorkbook, overrides: Sequence[Override]) -> tuple[RawWorkbook, dict]:
    """A copy of the workbook's raw tables with the overrides applied in order (the file is not touched), and
    (tab, cell) -> the override that last set it. CaseInvalid for an override that cannot be applied."""
    tables = dict(raw.tables)
    copied: set[str] = set()
    cells: dict[tuple[str, str], Override] = {}
    problems: list[Problem] = []
    for o in overrides:
        tab = _raw_sheet(raw, o.sheet)
        if tab is None:
            problems.append(o.problem(f"the workbook has no {o.sheet} sheet", f"add a {o.sheet} sheet "
                                      "(`planner template` writes one), or remove the override"))
            continue
        if tab not in copied:
            tables[tab] = copy.deepcopy(tables[tab])
            copied.add(tab)
        sheet = _schema_sheet(o.sheet)
        if sheet.kind == "settings":
            _apply_setting(tables[tab], o, cells, problems)
        else:
            _apply_table(tables[tab], sheet, o, cells, problems)
    if problems:
        raise CaseInvalid(problems, raw.source)
    return RawWorkbook(raw.source, tables), cells


def relocate(problems: Iterable[Problem], cells: dict) -> list[Problem]:
    """Problems in overridden cells reported at their override, keeping the workbook cell in the message."""
    out = []
    for p in problems:
        o = cells.get((p.sheet, p.cell))
        if o is None:
            out.append(p)
        else:
            out.append(Problem(p.severity, o.origin, o.cell, f"override {o.text!r} makes {p.sheet}!{p.cell} invalid: {p.message}",
                               f"change the override: {p.fix}" if p.fix else "change the override", p.workbook))
    return out


def case_with_overrides(raw: RawWorkbook, overrides: Sequence[Override]) -> Case:
    """Validate the raw tables with the overrides applied; `Case.overrides` records them."""
    if not overrides:
        return validate(raw)
    changed, cells = apply_overrides(raw, overrides)
    try:
        case = validate(changed)
    except CaseInvalid as exc:
        raise CaseInvalid(sort_problems(relocate(exc.problems, cells)), exc.source) from None
    case.warnings = relocate(case.warnings, cells)
    case.overrides = [o.text for o in overrides]
    return case


def load_case_with(path, overrides: Sequence[str | Override] = ()) -> Case:
    """Read a workbook and validate it with overrides (texts are parsed as --set arguments)."""
    parsed = [o if isinstance(o, Override) else parse_override(o) for o in overrides]
    return case_with_overrides(read_workbook(path), parsed)


# ----------------------------------------------------------------------------------------------------------
# The Scenarios sheet
# ----------------------------------------------------------------------------------------------------------
def read_scenarios(raw: RawWorkbook, *, with_base: bool = True) -> list[Scenario]:
    """The workbook's scenarios in sheet order (each with its based_on overrides first), `base` first unless the
    sheet names it; CaseInvalid naming the Scenarios cells of every problem."""
    problems = ProblemList()
    tab = _raw_sheet(raw, SCENARIOS.name)
    table = parse_table(raw.tables[tab], SCENARIOS, problems)[0] if tab else None
    if problems.errors:
        raise CaseInvalid(problems.items, raw.source)
    found: dict[str, Scenario] = {}
    bases: dict[str, tuple[str, str]] = {}
    errors: list[Problem] = []
    for i, record in enumerate(table.records if table else []):
        name = record.get("scenario")
        if name is None:
            continue
        scenario = found.setdefault(name, Scenario(name))
        scenario.description = scenario.description or (record.get("description") or "")
        if record.get("based_on"):
            bases[name] = (record["based_on"], table.cell(i, "based_on"))
        if record.get("override"):
            try:
                scenario.overrides.append(parse_override(record["override"], table.tab, table.cell(i, "override")))
            except CaseInvalid as exc:
                errors += exc.problems
    for name, (base, cell) in bases.items():
        if base not in found:
            errors.append(Problem("error", table.tab, cell, f"scenario {name!r} is based on {base!r}, which is not "
                                  f"a scenario{suggest(base, found)}", "name a scenario of this sheet"))
    if errors:
        raise CaseInvalid(sort_problems(errors), raw.source)
    own = {name: list(scenario.overrides) for name, scenario in found.items()}
    for name, scenario in found.items():
        chain, at = [], name
        while at in bases:
            at = bases[at][0]
            if at == name or at in chain:
                raise CaseInvalid([Problem("error", table.tab, bases[name][1], f"scenario {name!r} is based on "
                                           "itself (through based_on)", "remove the loop of based_on")], raw.source)
            chain.append(at)
        scenario.based_on = bases.get(name, ("", ""))[0]
        scenario.overrides = [o for at in [*reversed(chain), name] for o in own[at]]
    scenarios = list(found.values())
    if with_base and BASE not in found:
        scenarios.insert(0, Scenario(BASE, "The workbook as it is"))
    return scenarios


__all__ = ["BASE", "Override", "Scenario", "apply_overrides", "case_with_overrides", "load_case_with",
           "parse_override", "parse_overrides", "read_scenarios", "relocate", "SET_ARGUMENT", "SYNTAX"]
