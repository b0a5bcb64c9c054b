"""The result workbook: what `planner solve` writes.

Sheets: Summary (KPIs with units and descriptions, solver status), Sites, Assignments, Policy, Dispatch,
Charts (native Excel charts + a map picture), Inputs (the validated input tables), Run (provenance).
Every table sheet has the column names on row 1, their units on row 2 and data from row 3, like the input
workbook. Sheets, columns, units, descriptions and number formats are declared in `planner.results.schema`;
one module per sheet writes it (summary_sheet, table_sheets, charts_sheet, inputs_sheet, run_sheet).
`planner.report.read_result` reads the Summary, Sites, Assignments and Run sheets back.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
from openpyxl import Workbook

from planner import __version__
from planner.input.case import Case
from planner.input.template import save_atomic
from planner.report import styles
from planner.report.charts_sheet import typical_day, write_charts_sheet
from planner.report.inputs_sheet import input_tables, write_inputs_sheet
from planner.report.run_sheet import run_rows, sha256_of, write_run_sheet
from planner.report.summary_sheet import display_unit, summary_frame, write_summary_sheet
from planner.report.table_sheets import (sites_frame, write_assignments_sheet, write_dispatch_sheet,
                                         write_policy_sheet, write_sites_sheet)
from planner.results.result import Result
from planner.results.schema import FORMAT, FORMAT_VERSION, INFEASIBILITY, SHEET_ORDER, SUMMARY

# Summary table columns, in sheet order; `read_result` finds them by name.
SUMMARY_COLUMNS = SUMMARY.column_names


class NotSolved(ValueError):
    """The result has no plan (infeasible or failed); there is nothing to write as a result workbook."""


def has_plan(result: Result) -> bool:
    return result.solve.status in ("optimal", "within_gap", "time_limit", "feasible") and not result.kpis.empty


def status_text(result: Result) -> str:
    return result.solve.status_text()


def now_text() -> str:
    """The local time, to the second, as written into the workbooks."""
    return dt.datetime.now().astimezone().isoformat(timespec="seconds")


def build_result_workbook(result: Result, case: Case, *, input_path: str | Path | None = None,
                          command_line: str | None = None, written_at: str | None = None) -> Workbook:
    """The result workbook in memory (see `write_result_workbook`)."""
    if not has_plan(result):
        raise NotSolved(f"no plan to write: the solve ended {result.solve.status!r}")
    written_at = written_at or now_text()
    wb = Workbook()
    wb.remove(wb.active)
    input_name = Path(input_path).name if input_path else case.source
    write_summary_sheet(wb, result, case, written_at)
    write_sites_sheet(wb, result, case)
    write_assignments_sheet(wb, result, case)
    write_policy_sheet(wb, result)
    write_dispatch_sheet(wb, result)
    write_charts_sheet(wb, result, case)
    write_inputs_sheet(wb, case, input_name)
    write_run_sheet(wb, result, case, input_path=input_path, command_line=command_line, written_at=written_at)
    wb.properties.title = f"planner result: {result.case_name}"
    wb.properties.subject = status_text(result)
    wb.properties.creator = f"planner {__version__}"
    wb.properties.keywords = FORMAT
    wb.active = 0
    return wb


def write_result_workbook(result: Result, case: Case, path: str | Path, *, input_path: str | Path | None = None,
                          command_line: str | None = None) -> Path:
    """Write the result workbook to ``path`` atomically (temporary file + rename); returns the path.

    Raises `NotSolved` when the result has no plan (infeasible / error). Never leaves a partial file.
    """
    path = Path(path)
    wb = build_result_workbook(result, case, input_path=input_path, command_line=command_line)
    return save_atomic(wb, path)


def write_infeasibility_workbook(result: Result, case: Case, path: str | Path, *,
                                 input_path: str | Path | None = None, command_line: str | None = None) -> Path:
    """A small report of why the case is infeasible: the explanation table, the messages and provenance."""
    written_at = now_text()
    wb = Workbook()
    ws = wb.active
    ws.title = "Infeasibility"
    r = styles.write_title(ws, 1, f"planner: case {result.case_name} is infeasible",
                           "No plan meets every constraint. The rows below say which constraints cannot be met "
                           "together and by how much.")
    r += 1
    for m in result.messages:
        styles.put(ws, r, 1, m).alignment = styles.WRAP
        r += 1
    r += 1
    table = result.infeasibility if result.infeasibility is not None else pd.DataFrame()
    if not table.empty:
        styles.write_schema_table(ws, INFEASIBILITY, table, start_row=r)
        styles.freeze(ws, f"A{r + 2}")
    styles.set_widths(ws, max_width=70)
    write_inputs_sheet(wb, case, Path(input_path).name if input_path else case.source)
    write_run_sheet(wb, result, case, input_path=input_path, command_line=command_line, written_at=written_at)
    return save_atomic(wb, path)


__all__ = ["FORMAT", "FORMAT_VERSION", "NotSolved", "SHEET_ORDER", "SUMMARY_COLUMNS", "build_result_workbook",
           "display_unit", "has_plan", "input_tables", "run_rows", "sha256_of", "sites_frame", "status_text",
           "summary_frame", "typical_day", "write_infeasibility_workbook", "write_result_workbook"]
