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
from planner.solver.outcome import WITH_PLAN
from planner.report import styles
from planner.report.charts_sheet import typical_day, write_charts_sheet
from planner.report.inputs_sheet import input_tables, write_inputs_sheet
from planner.report.run_sheet import run_rows, sha256_of, write_run_sheet
from planner.report.summary_sheet import display_unit, summary_frame, write_summary_sheet
from planner.report.table_sheets import (sites_frame, write_assignments_sheet, write_dispatch_sheet,
                                         write_hubs_sheet, write_investment_sheet, write_policy_sheet,
                                         write_sites_sheet)
from planner.results.labels import check_lang, sheet_title
from planner.results.result import Result
from planner.results.schema import FORMAT, FORMAT_VERSION, INFEASIBILITY, SHEET_ORDER, SHEETS_BY_NAME, SUMMARY

# column widths of the Infeasibility sheet (constraint, scope, required, reachable, violation, unit, explanation):
# one landscape A4 page wide
INFEASIBILITY_WIDTHS = (22, 18, 12, 12, 12, 12, 70)

# Summary table columns, in sheet order; `read_result` finds them by name.
SUMMARY_COLUMNS = SUMMARY.column_names


class NotSolved(ValueError):
    """The result has no plan (infeasible or failed); there is nothing to write as a result workbook."""


def has_plan(result: Result) -> bool:
    return result.solve.status in WITH_PLAN and not result.kpis.empty


def status_text(result: Result) -> str:
    return result.solve.status_text()


def now_text() -> str:
    """The local time, to the second, as written into the workbooks."""
    return dt.datetime.now().astimezone().isoformat(timespec="seconds")


def build_result_workbook(result: Result, case: Case, *, input_path: str | Path | None = None,
                          command_line: str | None = None, written_at: str | None = None,
                          lang: str = "en") -> Workbook:
    """The result workbook in memory (see `write_result_workbook`)."""
    check_lang(lang)
    if not has_plan(result):
        raise NotSolved(f"no plan to write: the solve ended {result.solve.status!r}")
    written_at = written_at or now_text()
    wb = Workbook()
    wb.remove(wb.active)
    input_name = Path(input_path).name if input_path else case.source
    write_summary_sheet(wb, result, case, written_at, lang)
    write_sites_sheet(wb, result, case, lang)
    write_hubs_sheet(wb, result, case, lang)
    write_investment_sheet(wb, result, case, lang)
    write_assignments_sheet(wb, result, case, lang)
    write_policy_sheet(wb, result, lang)
    write_dispatch_sheet(wb, result, lang)
    write_charts_sheet(wb, result, case)
    write_inputs_sheet(wb, case, input_name, lang)
    write_run_sheet(wb, result, case, input_path=input_path, command_line=command_line, written_at=written_at,
                    lang=lang)
    translate_tabs(wb, lang)
    wb.properties.title = f"planner result: {result.case_name}"
    wb.properties.subject = status_text(result)
    wb.properties.creator = f"planner {__version__}"
    wb.properties.keywords = FORMAT
    wb.active = 0
    return wb


def translate_tabs(wb: Workbook, lang: str) -> None:
    """Each schema sheet's tab named in ``lang`` (`planner.report.read_result` finds it in any language)."""
    for ws in wb.worksheets:
        if ws.title in SHEETS_BY_NAME:
            ws.title = sheet_title(ws.title, lang)


def write_result_workbook(result: Result, case: Case, path: str | Path, *, input_path: str | Path | None = None,
                          command_line: str | None = None, lang: str = "en") -> Path:
    """Write the result workbook to ``path`` atomically (temporary file + rename); returns the path.

    Raises `NotSolved` when the result has no plan (infeasible / error). Never leaves a partial file.
    """
    path = Path(path)
    wb = build_result_workbook(result, case, input_path=input_path, command_line=command_line, lang=lang)
    return save_atomic(wb, path)


def write_infeasibility_workbook(result: Result, case: Case, path: str | Path, *,
                                 input_path: str | Path | None = None, command_line: str | None = None,
                                 lang: str = "en") -> Path:
    """A small report of why the case is infeasible: the explanation table, the messages and provenance. The
    Infeasibility sheet prints on one page: messages merged across the table's width with their row heights
    set from their length, wrapped columns, fit to one page."""
    check_lang(lang)
    written_at = now_text()
    wb = Workbook()
    ws = wb.active
    ws.title = "Infeasibility"
    widths = INFEASIBILITY_WIDTHS
    r = styles.write_title(ws, 1, f"planner: case {result.case_name} is infeasible",
                           "No plan meets every constraint. The rows below say which constraints cannot be met "
                           "together and by how much.")
    r += 1
    for m in result.messages:
        styles.write_paragraph(ws, r, m, widths)
        r += 1
    r += 1
    table = result.infeasibility if result.infeasibility is not None else pd.DataFrame()
    if not table.empty:
        first, _ = styles.write_schema_table(ws, INFEASIBILITY, table, start_row=r, lang=lang)
        styles.freeze(ws, f"A{first}")
    styles.set_widths(ws, fixed=dict(zip("ABCDEFG", widths)), wrap_from_row=r + 1)
    styles.print_setup(ws, one_page=True)
    write_inputs_sheet(wb, case, Path(input_path).name if input_path else case.source, lang)
    write_run_sheet(wb, result, case, input_path=input_path, command_line=command_line, written_at=written_at,
                    lang=lang)
    translate_tabs(wb, lang)
    return save_atomic(wb, path)


__all__ = ["FORMAT", "FORMAT_VERSION", "NotSolved", "SHEET_ORDER", "SUMMARY_COLUMNS", "build_result_workbook",
           "display_unit", "has_plan", "input_tables", "run_rows", "sha256_of", "sites_frame", "status_text",
           "summary_frame", "typical_day", "write_infeasibility_workbook", "write_result_workbook"]
