"""Reading result workbooks back (for `planner compare` and tests).

Only what comparisons need is read: the KPI table of the Summary sheet (required), the Sites and Assignments
tables and the Run sheet (optional: a workbook from an older planner may lack them; `notes` says so). Sheet
names, the columns that identify each table, column types and units come from `planner.results.schema`.
"""

from __future__ import annotations

import math
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from planner.input.schema import SHEETS as INPUT_SCHEMA_SHEETS
from planner.results.labels import is_label_row, sheet_titles, unit_texts
from planner.results.schema_types import CNY_PER_MCNY, MONEY_SHEET_UNITS
from planner.results.schema import (ASSIGNMENTS, KPI_COLUMNS, POLICY, RUN, RUN_REPEATED, SITES, SUMMARY,
                                    SUMMARY_ROWS, TEXT_ROWS, Table)


def _declared(table: Table, *names: str) -> tuple[str, ...]:
    """`names`, each a declared column of `table` (KeyError at import if the schema no longer has one)."""
    return tuple(table.column(n).name for n in names)


# the columns the reader needs of each table (the rest are read when present)
REQUIRED_COLUMNS = {SUMMARY.name: _declared(SUMMARY, "kpi", "value"), RUN.name: _declared(RUN, "item", "value"),
                    SITES.name: _declared(SITES, "site_id", "opened"),
                    ASSIGNMENTS.name: _declared(ASSIGNMENTS, "demand_id", "site_id", "it_mw"),
                    POLICY.name: _declared(POLICY, "policy", "scope", "satisfied")}
SUMMARY_SHEET = SUMMARY.name
REQUIRED_SUMMARY_COLUMNS = REQUIRED_COLUMNS[SUMMARY.name]
TEXT_KPIS = TEXT_ROWS  # Summary rows whose value is text or yes/no: `ResultTables.status`
YES_NO_ROWS = tuple(k.name for k in SUMMARY_ROWS if k.dtype == "bool")
INPUT_SHEETS = {s.name for s in INPUT_SCHEMA_SHEETS}


class ResultWorkbookError(ValueError):
    """The file is not a readable planner result workbook; the message names the file and what is missing."""


@dataclass
class ResultTables:
    """What `read_result_workbook` returns.

    kpis: kpi, value (float), unit, description, section - numeric KPIs in sheet order.
    status: text rows of the Summary (solver_status, proven_optimal, termination, solver).
    sites / assignments: the Sites / Assignments tables (ids as str, opened as bool), or None when absent.
    run: the Run sheet as item -> value (repeated items such as input_warning joined with newlines).
    notes: what was missing or could not be read (older planner versions).
    """

    path: Path
    case_name: str
    kpis: pd.DataFrame
    status: dict[str, Any] = field(default_factory=dict)
    sites: pd.DataFrame | None = None
    assignments: pd.DataFrame | None = None
    run: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    policy: pd.DataFrame | None = None  # the Policy table (read for `planner verify`), None when absent

    @property
    def label(self) -> str:
        """A short name for comparisons: the file name without '.xlsx' and a trailing '-result'."""
        stem = self.path.stem
        return stem[: -len("-result")] if stem.endswith("-result") and len(stem) > len("-result") else stem

    @property
    def planner_version(self) -> str | None:
        v = self.run.get("planner_version")
        return None if v in (None, "") else str(v)

    @property
    def format_version(self) -> int | None:
        try:
            return int(self.run.get("format_version"))
        except (TypeError, ValueError):
            return None

    def kpi(self, name: str) -> float:
        row = self.kpis.loc[self.kpis["kpi"] == name]
        if row.empty:
            raise KeyError(f"{self.path.name} has no KPI named {name!r}")
        return float(row["value"].iloc[0])

    def kpi_dict(self) -> dict[str, float]:
        return dict(zip(self.kpis["kpi"], self.kpis["value"].astype(float)))


def _norm(v: Any) -> str:
    return str(v).strip().lower() if v is not None else ""


def _find_header(rows: list[tuple], required: tuple[str, ...], max_scan: int = 20) -> int | None:
    for i, row in enumerate(rows[:max_scan]):
        names = {_norm(v) for v in row}
        if all(r in names for r in required):
            return i
    return None


def _is_unit_row(row: tuple, headers: list[str]) -> bool:
    """Our tables have a units row under the header: only text, its id column(s) '-'."""
    values = [v for v in row if v is not None]
    if not values or not all(isinstance(v, str) for v in values):
        return False
    first = row[0] if row else None
    return first is None or str(first).strip() in ("-", "")


def _number(v: Any) -> float:
    if v is None or v == "":
        return math.nan
    if isinstance(v, bool):
        return float(v)
    if isinstance(v, (int, float)):
        return float(v)
    try:
        return float(str(v).replace(",", "").strip())
    except ValueError:
        return math.nan


def _bool(v: Any) -> bool:
    if isinstance(v, bool):
        return v
    if isinstance(v, (int, float)):
        return bool(v)
    return _norm(v) in ("yes", "true", "1", "y")


def _has_label_row(rows: list[tuple], header_index: int, table: Table | None = None) -> bool:
    """Whether the row under the column ids is their labels (result workbooks from format version 2 on, which
    also show money in million CNY): the known labels, or text where `table` declares a number."""
    headers = [str(v).strip() if v is not None else "" for v in rows[header_index]]
    if header_index + 1 >= len(rows):
        return False
    row = rows[header_index + 1]
    if is_label_row(row, headers):
        return True
    numeric = {c.name for c in table.columns if c.numeric} if table is not None else set()
    cells = [(h, v) for h, v in zip(headers, row) if h and v is not None]
    return bool(cells) and all(isinstance(v, str) for _, v in cells) and any(
        h in numeric and math.isnan(_number(v)) for h, v in cells)


LABEL_UNIT = re.compile(r"\(([^()]*)\)\s*$")


def _label_units(row: tuple, headers: list[str]) -> dict[str, str]:
    """column -> the unit in its label ('IT capacity (MW)' -> 'MW'; '-' for a label without one)."""
    out = {}
    for h, v in zip(headers, row):
        if h and isinstance(v, str):
            m = LABEL_UNIT.search(v)
            out[h] = m.group(1).strip() if m else "-"
    return out


def _table(rows: list[tuple], header_index: int, label_row: bool | None = None) -> pd.DataFrame:
    headers = [str(v).strip() if v is not None else "" for v in rows[header_index]]
    data = rows[header_index + 1:]
    if label_row is None:
        label_row = bool(data) and is_label_row(data[0], headers)
    if data and (label_row or _is_unit_row(data[0], headers)):
        data = data[1:]
    width = len(headers)
    records = [list(r[:width]) + [None] * (width - len(r)) for r in data if any(v is not None for v in r)]
    frame = pd.DataFrame(records, columns=headers)
    return frame.loc[:, [h for h in headers if h]]


def _tab(wb, name: str) -> str | None:
    """The tab of the schema's sheet `name` (its title in any language), or None."""
    return next((t for t in wb.sheetnames if t in sheet_titles(name)), None)


def _sheet_rows(wb, name: str) -> list[tuple]:
    return [tuple(r) for r in wb[_tab(wb, name)].iter_rows(values_only=True)]


def _not_result(path: Path, what: str) -> ResultWorkbookError:
    return ResultWorkbookError(f"{path}: not a planner result workbook: {what}. Result workbooks are written by "
                               f"'planner solve'.")


def _read_summary(path: Path, wb) -> tuple[pd.DataFrame, dict[str, Any], list[str]]:
    rows = _sheet_rows(wb, SUMMARY_SHEET)
    h = _find_header(rows, REQUIRED_SUMMARY_COLUMNS)
    if h is None:
        raise _not_result(path, f"its '{SUMMARY_SHEET}' sheet has no table with the columns "
                                f"{', '.join(repr(c) for c in REQUIRED_SUMMARY_COLUMNS)}")
    frame = _table(rows, h)
    notes = []
    for col in (c for c in SUMMARY.column_names if c not in REQUIRED_SUMMARY_COLUMNS):
        if col not in frame.columns:
            frame[col] = ""
            if col != "section":
                notes.append(f"{path.name}: Summary has no '{col}' column")
    frame = frame[frame["kpi"].notna() & (frame["kpi"].astype(str).str.strip() != "")].copy()
    frame["kpi"] = frame["kpi"].astype(str).str.strip()
    frame["section"] = frame["section"].ffill().fillna("")
    status = {}
    numeric = []
    for _, r in frame.iterrows():
        v = r["value"]
        if r["kpi"] in TEXT_KPIS or (isinstance(v, str) and math.isnan(_number(v))):
            status[r["kpi"]] = v
            continue
        unit = "" if r["unit"] is None else str(r["unit"]).strip()
        money = {shown: stored for stored, shown in MONEY_SHEET_UNITS.items()}
        value = _number(v) * (CNY_PER_MCNY if unit in money else 1.0)
        numeric.append({"kpi": r["kpi"], "value": value, "unit": money.get(unit, unit),
                        "description": "" if r["description"] is None else str(r["description"]),
                        "section": str(r["section"])})
    kpis = pd.DataFrame(numeric, columns=[*KPI_COLUMNS, "section"])
    for name in YES_NO_ROWS:
        if name in status:
            status[name] = _bool(status[name])
    if kpis.empty:
        raise _not_result(path, f"its '{SUMMARY_SHEET}' sheet lists no numeric KPIs")
    return kpis, status, notes


def _unit_row(rows: list[tuple], header_index: int) -> dict[str, str]:
    """column -> unit of the table whose header is rows[header_index] ({} without a units row)."""
    if header_index + 1 >= len(rows):
        return {}
    headers = [str(v).strip() if v is not None else "" for v in rows[header_index]]
    units = rows[header_index + 1]
    if not _is_unit_row(units, headers):
        return {}
    return {h: str(u).strip() for h, u in zip(headers, units) if h and u is not None}


def _convert(frame: pd.DataFrame, table: Table) -> pd.DataFrame:
    """Each declared column as its schema type: ids and text as stripped str, yes/no as bool, numbers as float."""
    for col in table.columns:
        if col.name not in frame.columns:
            continue
        if col.dtype in ("id", "str"):
            frame[col.name] = frame[col.name].map(lambda v: "" if v is None else str(v).strip())
        elif col.dtype == "bool":
            frame[col.name] = frame[col.name].map(_bool)
        else:
            frame[col.name] = frame[col.name].map(_number)
    return frame


def _read_table(path: Path, wb, table: Table, notes: list[str]) -> pd.DataFrame | None:
    """A table sheet of the schema; None (and a note) when the sheet or a column compare needs is missing."""
    sheet = table.name
    required = REQUIRED_COLUMNS[sheet]
    if _tab(wb, sheet) is None:
        notes.append(f"{path.name} has no '{sheet}' sheet: {sheet.lower()} changes are not compared")
        return None
    rows = _sheet_rows(wb, sheet)
    h = _find_header(rows, required, max_scan=5)
    if h is None:
        notes.append(f"{path.name}: the '{sheet}' sheet lacks the columns {', '.join(required)}: "
                     f"{sheet.lower()} changes are not compared")
        return None
    label_row = _has_label_row(rows, h, table)
    frame = _table(rows, h, label_row)
    lacks = [c for c in table.column_names if c not in frame.columns]
    if lacks:
        notes.append(f"{path.name}: the '{sheet}' sheet lacks the columns {', '.join(lacks)} (older planner "
                     f"version?)")
    units = _label_units(rows[h + 1], [str(v).strip() if v else "" for v in rows[h]]) if label_row else \
        _unit_row(rows, h)
    for col in table.columns:
        unit = col.sheet_unit if label_row else col.unit
        if col.name in units and units[col.name] not in ("", *unit_texts(unit)) and not (
                unit == "-" and col.dtype != "float"):
            notes.append(f"{path.name}: {sheet}.{col.name} is in {units[col.name]}, this planner writes {unit}")
    frame = _convert(frame, table)
    if label_row:  # money shown in million CNY: back to CNY
        for name, scale in table.sheet_scales.items():
            if name in frame.columns:
                frame[name] = frame[name] / scale
    return frame.reset_index(drop=True)


def _read_run(wb) -> dict[str, Any]:
    if _tab(wb, RUN.name) is None:
        return {}
    rows = _sheet_rows(wb, RUN.name)
    h = _find_header(rows, REQUIRED_COLUMNS[RUN.name], max_scan=5)
    if h is None:
        return {}
    frame = _table(rows, h)
    out: dict[str, Any] = {}
    for item, value in zip(frame["item"], frame["value"]):
        if item is None:
            continue
        key = str(item).strip()
        if key in out and key in RUN_REPEATED:
            out[key] = f"{out[key]}\n{value}"
        else:
            out[key] = value
    return out


def read_result_workbook(path: str | Path) -> ResultTables:
    """Read a result workbook written by `planner solve`.

    Raises `ResultWorkbookError` naming the file and what is missing for anything else (a missing file, a
    non-Excel file, an input workbook, a workbook without the Summary KPI table).
    """
    path = Path(path)
    if not path.exists():
        raise ResultWorkbookError(f"{path}: no such file")
    if not path.is_file():
        raise ResultWorkbookError(f"{path}: not a file")
    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError) as exc:
        raise ResultWorkbookError(f"{path}: not an Excel .xlsx workbook ({exc})") from None
    try:
        if _tab(wb, SUMMARY_SHEET) is None:
            have = ", ".join(wb.sheetnames) or "no sheets"
            hint = ""
            if INPUT_SHEETS & set(wb.sheetnames) >= {"Settings", "Sites", "Demand"}:
                hint = f" (this looks like an input workbook: solve it first with 'planner solve {path}')"
            raise _not_result(path, f"it has no '{SUMMARY_SHEET}' sheet (sheets: {have}){hint}")
        kpis, status, notes = _read_summary(path, wb)
        sites = _read_table(path, wb, SITES, notes)
        assignments = _read_table(path, wb, ASSIGNMENTS, notes)
        policy = _read_table(path, wb, POLICY, []) if POLICY.name in wb.sheetnames else None
        run = _read_run(wb)
        if not run:
            notes.append(f"{path.name} has no '{RUN.name}' sheet: provenance unknown")
    finally:
        wb.close()
    case_name = str(run.get("case_name") or path.stem)
    return ResultTables(path=path, case_name=case_name, kpis=kpis.reset_index(drop=True), status=status,
                        sites=sites, assignments=assignments, run=run, notes=notes, policy=policy)


def read_rows_table(rows: list[tuple], required: tuple[str, ...], table: Table | None = None, *,
                    block: bool = False) -> pd.DataFrame | None:
    """The table among `rows` (a sheet's values) whose header holds the `required` column names (None if none
    does): its units row skipped, the `table`'s declared columns converted to their types; `block`: only up
    to the first empty row (one block of the Inputs sheet)."""
    h = _find_header(rows, tuple(required), max_scan=len(rows))
    if h is None:
        return None
    if block:
        end = next((i for i in range(h + 1, len(rows)) if all(v is None for v in rows[i])), len(rows))
        rows = rows[:end]
    frame = _table(rows, h)
    return _convert(frame, table).reset_index(drop=True) if table is not None else frame


__all__ = ["ResultTables", "ResultWorkbookError", "read_result_workbook", "read_rows_table"]
