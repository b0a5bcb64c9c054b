"""The table sheets of the result workbook: Sites, Assignments, Policy and Dispatch.

Each is one table of `planner.results.schema` (SITES, ASSIGNMENTS, POLICY, DISPATCH): the `Result` table plus
the columns the writer adds from the inputs (site coordinates, display names) or from the schema (policy text).
"""

from __future__ import annotations

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from planner.input.case import Case
from planner.report import styles
from planner.results.result import Result
from planner.results.labels import label
from planner.results.schema import (ASSIGNMENTS, DISPATCH, HUBS, INVESTMENT, NPV_DEFINITION, POLICY,
                                    POLICY_DESCRIPTIONS, SITES)

GREY = Font(name=styles.FONT, color="808080")


def sites_frame(result: Result, case: Case) -> pd.DataFrame:
    """The Sites table with each site's lat/lon from the inputs after hub_id."""
    df = result.sites.copy()
    coords = case.sites.reindex(df["site_id"].astype(str))
    pos = list(df.columns).index("hub_id") + 1
    for i, name in enumerate(("lat", "lon")):
        df.insert(pos + i, name, coords[name].to_numpy() if name in coords.columns else float("nan"))
    return df


def assignments_frame(result: Result, case: Case) -> pd.DataFrame:
    """The Assignments table with the demand's and the site's display names."""
    df = result.assignments.copy()

    def names(ids: pd.Series, table: pd.DataFrame) -> pd.Series:
        return ids.map(table["name"]).fillna("") if "name" in table.columns else pd.Series("", index=ids.index)

    df.insert(list(df.columns).index("demand_id") + 1, "demand_name", names(df["demand_id"], case.demand))
    df.insert(list(df.columns).index("site_id") + 1, "site_name", names(df["site_id"], case.sites))
    return df


def with_names(df: pd.DataFrame, id_column: str, table: pd.DataFrame) -> pd.DataFrame:
    """``df`` with the display name (from the input ``table``) after its id column."""
    df = df.copy()
    names = df[id_column].map(table["name"]).fillna("") if "name" in table.columns else ""
    df.insert(list(df.columns).index(id_column) + 1, "name", names)
    return df


def write_sites_sheet(wb: Workbook, result: Result, case: Case, lang: str = "en") -> None:
    ws = wb.create_sheet("Sites")
    df = sites_frame(result, case)
    fonts = [None if bool(o) else GREY for o in df["opened"]]
    styles.write_schema_table(ws, SITES, df, row_fonts=fonts, lang=lang)
    styles.freeze(ws, "C3")
    styles.set_widths(ws, max_width=16, wrap_from_row=2)
    styles.print_setup(ws, repeat_rows="1:2", width_pages=2)


def write_hubs_sheet(wb: Workbook, result: Result, case: Case, lang: str = "en") -> None:
    ws = wb.create_sheet("Hubs")
    styles.write_schema_table(ws, HUBS, with_names(result.hubs, "hub_id", case.hubs), lang=lang)
    styles.freeze(ws, "C3")
    styles.set_widths(ws, max_width=18, wrap_from_row=2)
    styles.print_setup(ws, repeat_rows="1:2")


def write_investment_sheet(wb: Workbook, result: Result, case: Case, lang: str = "en") -> None:
    ws = wb.create_sheet("Investment")
    _, last = styles.write_schema_table(ws, INVESTMENT, with_names(result.investment, "site_id", case.sites),
                                        lang=lang)
    styles.freeze(ws, "C3")
    styles.set_widths(ws, max_width=16, wrap_from_row=2)
    widths = [ws.column_dimensions[get_column_letter(j)].width or 8 for j in range(1, len(INVESTMENT.columns) + 1)]
    styles.write_paragraph(ws, last + 2, f"{label('kpi:npv_cost_cny', lang).strip()}: {NPV_DEFINITION}.", widths)
    ws.cell(last + 2, 1).font = GREY
    styles.print_setup(ws, repeat_rows="1:2")


def write_assignments_sheet(wb: Workbook, result: Result, case: Case, lang: str = "en") -> None:
    ws = wb.create_sheet("Assignments")
    styles.write_schema_table(ws, ASSIGNMENTS, assignments_frame(result, case), lang=lang)
    styles.freeze(ws, "C3")
    styles.set_widths(ws, max_width=24, wrap_from_row=2)
    styles.print_setup(ws, repeat_rows="1:2")


def policy_format(policy: str, unit: str) -> str:
    """The number format of a policy row's values: shares as %, PUE with 3 decimals, else by the row's unit."""
    if unit in ("-", "", "share"):
        return styles.FMT_PUE if "pue" in policy else styles.FMT_SHARE
    return styles.number_format_for(unit, policy)


def write_policy_sheet(wb: Workbook, result: Result, lang: str = "en") -> None:
    ws = wb.create_sheet("Policy")
    df = result.policy.copy()
    formats = [policy_format(str(p), str(u)) for p, u in zip(df["policy"], df["unit"])]
    df["unit"] = [("%" if (u in ("-", "", "share") and "pue" not in p) else u)
                  for p, u in zip(df["policy"], df["unit"])]
    df["description"] = df["policy"].map(lambda p: label(f"policy:{p}", lang) if str(p) in POLICY_DESCRIPTIONS
                                         else "")
    fonts = [styles.WARN_FONT if not bool(s) else (styles.BOLD_FONT if bool(b) else None)
             for b, s in zip(df["binding"], df["satisfied"])]
    styles.write_schema_table(ws, POLICY, df, row_formats=formats, row_fonts=fonts, lang=lang)
    styles.freeze(ws, "C3")
    styles.set_widths(ws, max_width=40, wrap_from_row=2)
    styles.print_setup(ws, repeat_rows="1:2")


def write_dispatch_sheet(wb: Workbook, result: Result, lang: str = "en") -> None:
    ws = wb.create_sheet("Dispatch")
    styles.write_schema_table(ws, DISPATCH, result.dispatch, lang=lang)
    styles.freeze(ws, "C3")
    styles.set_widths(ws, max_width=14, sample_rows=60, wrap_from_row=2)
    styles.print_setup(ws, repeat_rows="1:2")


__all__ = ["assignments_frame", "policy_format", "sites_frame", "with_names", "write_assignments_sheet",
           "write_dispatch_sheet", "write_hubs_sheet", "write_investment_sheet", "write_policy_sheet",
           "write_sites_sheet"]
