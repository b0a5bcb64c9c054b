"""The Summary sheet of the result workbook: title, solver status, and one row per KPI and solver row.

The rows, their order, sections, units, descriptions and number formats are those of
`planner.results.schema.SUMMARY_ROWS`; the values come from the `Result` (its KPI table and `SolveInfo`).
"""

from __future__ import annotations

from typing import Any

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Font

from planner import __version__
from planner.input.case import Case
from planner.report import styles
from planner.results.labels import label
from planner.results.result import Result, SolveInfo
from planner.results.schema import KPIS, KPIS_BY_NAME, SOLVER_ROWS, SUMMARY, check_names

BOLD_ROWS = ("total_cost_cny_per_yr",)


def display_unit(kpi: str, unit: str) -> str:
    """The unit the Summary shows for a KPI: its declared sheet unit ('%' for shares stored as fractions)."""
    declared = KPIS_BY_NAME.get(kpi)
    if declared is not None:
        return declared.sheet_unit
    if unit in ("-", "", "share", "fraction") and styles.is_share(kpi):
        return "%"
    return unit


def solver_values(info: SolveInfo) -> dict[str, Any]:
    """The values of the Summary's solver rows (`SOLVER_ROWS`)."""
    return {
        "solver_status": info.status, "proven_optimal": bool(info.proven_optimal), "termination": info.termination,
        "objective_cny_per_yr": info.objective_cny, "best_bound_cny_per_yr": info.best_bound_cny,
        "highs_time_s": info.highs_s, "mip_gap_setting": info.mip_gap_setting,
        "time_limit_s_setting": info.time_limit_s_setting, "n_variables": info.n_variables,
        "n_binaries": info.n_binaries, "n_integers": info.n_integers, "n_constraints": info.n_constraints,
        "solver": f"{info.solver} {info.solver_version}".strip(),
    }


def summary_frame(result: Result, lang: str = "en") -> pd.DataFrame:
    """The Summary table (`SUMMARY` columns): one row per KPI, then the solver rows, in schema order, as the sheet
    shows them (money in million CNY; sections and descriptions in ``lang``, English: the full description).

    Raises ValueError if the result's KPIs are not exactly the declared ones.
    """
    values = dict(zip(result.kpis["kpi"].astype(str), result.kpis["value"]))
    check_names(f"the KPIs of {result.case_name}", (k.name for k in KPIS), values)
    solver = solver_values(result.solve)
    check_names("the solver rows", (k.name for k in SOLVER_ROWS), solver)
    values.update(solver)
    def shown(k, v):
        return v * k.sheet_scale if k.sheet_scale != 1.0 and isinstance(v, (int, float)) and v is not None else v

    rows = [{"section": label(f"section:{k.section}", lang),
             "description": k.sheet_description if lang == "en" else label(f"kpi:{k.name}", lang).strip(),
             "value": shown(k, values[k.name]), "unit": k.sheet_unit, "kpi": k.name} for k in KPIS + SOLVER_ROWS]
    return pd.DataFrame(rows, columns=list(SUMMARY.column_names))


def write_summary_sheet(wb: Workbook, result: Result, case: Case, written_at: str, lang: str = "en") -> None:
    ws = wb.create_sheet("Summary")
    info = result.solve
    subtitle = f"{case.summary()}. Written {written_at} by planner {__version__}."
    r = styles.write_title(ws, 1, f"{label('text:result_title', lang)}: {result.case_name}", subtitle)
    status_cell = ws.cell(row=r, column=1, value=f"{label('text:solver_status', lang)}: {info.status_text()}. "
                                                 f"{label('text:method', lang)}: {info.termination}")
    status_cell.font = styles.OK_FONT if info.status in ("optimal", "within_gap") else styles.WARN_FONT
    r += 2
    df = summary_frame(result, lang)
    formats = [KPIS_BY_NAME[k].sheet_format for k in df["kpi"]]
    # Show each section name once, on its first row
    shown = df.copy()
    shown["section"] = shown["section"].where(shown["section"] != shown["section"].shift())
    fonts = [styles.BOLD_FONT if k in BOLD_ROWS else None for k in df["kpi"]]
    header = r
    first, _ = styles.write_schema_table(ws, SUMMARY, shown, start_row=header, row_formats=formats,
                                         row_fonts=fonts, lang=lang)
    for i in range(len(df)):
        ws.cell(row=first + i, column=1).font = Font(name=styles.FONT, bold=True, color="1F4E78")
    styles.freeze(ws, f"A{first}")
    styles.set_widths(ws, fixed={"A": 26, "B": 70, "C": 18, "D": 12, "E": 34}, wrap_from_row=first)
    styles.print_setup(ws, landscape=False, repeat_rows=f"{first - 1}:{first - 1}")


__all__ = ["display_unit", "solver_values", "summary_frame", "write_summary_sheet"]
