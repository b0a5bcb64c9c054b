"""`planner verify`: the design read back from a result workbook, the planned and the real year side by side,
and the verification workbook.

The design is read from the result workbook's Sites (opened, modules, cooling_id, it_mw, pv_mw, wind_mw,
battery_mw, battery_mwh, grid_mw) and Assignments (share_of_demand) sheets: the values `planner solve` wrote, at
full precision.
"""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
from openpyxl import Workbook

from planner.input.template import save_atomic, write_plain_sheet
from planner.report.read_result import ResultTables, ResultWorkbookError
from planner.results.schema import KPIS, SITES
from planner.results.verify import CAPACITIES, Design, Verification, capacity_changes, design_from_tables

# the KPIs compared (all but the solver's)
COMPARED = tuple(k for k in KPIS if k.section != "Solver")
KPI_COLUMNS = ("kpi", "unit", "planned", "year", "change", "change_pct")
POLICY_COLUMNS = ("policy", "scope", "unit", "sense", "required", "planned", "planned_met", "year", "year_met",
                  "year_slack")


def design_of(result: ResultTables) -> Design:
    """The design of the plan in a result workbook (ResultWorkbookError if its Sites or Assignments are missing)."""
    if result.sites is None or result.assignments is None:
        raise ResultWorkbookError(f"{result.path}: the design cannot be read: the Sites and Assignments sheets are "
                                  "needed (" + "; ".join(result.notes) + ")")
    missing = [c for c in ("modules", "cooling_id", *CAPACITIES) if c not in result.sites.columns]
    if missing:
        raise ResultWorkbookError(f"{result.path}: the Sites sheet lacks {', '.join(missing)}: the design cannot be "
                                  "read (solve the case again with this planner version)")
    if "share_of_demand" not in result.assignments.columns:
        raise ResultWorkbookError(f"{result.path}: the Assignments sheet lacks share_of_demand")
    return design_from_tables(result.sites, result.assignments)


def kpi_comparison(planned: ResultTables, v: Verification) -> pd.DataFrame:
    """The plan's KPIs on its days against the real year's, one row per KPI."""
    have = planned.kpi_dict()
    rows = []
    for k in COMPARED:
        before = have.get(k.name, math.nan)
        after = v.year.kpi(k.name)
        change = after - before
        pct = 100.0 * change / abs(before) if before and math.isfinite(before) and abs(before) > 1e-12 else math.nan
        rows.append((k.name, k.unit, before, after, change, pct))
    return pd.DataFrame(rows, columns=list(KPI_COLUMNS))


def policy_comparison(planned: ResultTables, v: Verification) -> pd.DataFrame:
    """Every Policy row of the real year with the plan's value on its days, and whether each is met."""
    year = v.year.policy
    before = {}
    if planned.policy is not None:
        before = {(r["policy"], r["scope"]): r for r in planned.policy.to_dict("records")}
    rows = []
    for r in year.to_dict("records"):
        p = before.get((r["policy"], r["scope"]), {})
        rows.append((r["policy"], r["scope"], r["unit"], r["sense"], r["required"], p.get("achieved", math.nan),
                     p.get("satisfied"), r["achieved"], bool(r["satisfied"]), r["slack"]))
    return pd.DataFrame(rows, columns=list(POLICY_COLUMNS))


def resize_table(design: Design, v: Verification) -> pd.DataFrame | None:
    return None if v.resized is None else capacity_changes(design, v.resized)


def verdict(v: Verification) -> list[str]:
    """The year in sentences: holds, or which rules break by how much and how much grid connection is short."""
    if v.holds:
        return ["the design holds for the whole year: every hour is served and every rule is met"]
    lines = [f"{r['constraint']} at {r['scope']}: {r['explanation']}" for r in v.broken.to_dict("records")]
    lines += [f"grid connection at {s} is {mw:,.2f} MW short of the year's peak import" for s, mw in
              v.grid_short_mw.items()]
    return lines or ["the year's dispatch with the design fixed has no solution"]


def resize_lines(design: Design, v: Verification) -> list[str]:
    if v.resized is None:
        return [v.resize_note] if v.resize_note else []
    table = capacity_changes(design, v.resized)
    grown = table[table["change"] > 1e-6 * table["design"].abs().clip(lower=1.0)]
    cost = v.resized.kpi("total_cost_cny_per_yr") - v.year.kpi("total_cost_cny_per_yr")
    lines = [f"{r['site_id']}: {r['capacity']} {r['design']:,.2f} -> {r['resized']:,.2f} (+{r['change']:,.2f})"
             for r in grown.to_dict("records")] or ["no capacity needs to change"]
    lines.append(f"annual cost with the resized capacities: {v.resized.kpi('total_cost_cny_per_yr'):,.0f} CNY/yr "
                 f"({cost:+,.0f} against the year with the design"
                 + (" and the rules relaxed)" if not v.holds else ")"))
    return lines


def write_verification_workbook(path: str | Path, planned: ResultTables, design: Design, v: Verification,
                                year_path: str | Path) -> Path:
    """Verdict, KPIs side by side, Policy side by side, the broken rules, the resize and the year's Sites."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Verdict"
    lines = pd.DataFrame({"item": ["plan", "year", "holds", *(["finding"] * len(verdict(v))),
                                   *(["resize"] * len(resize_lines(design, v)))],
                          "value": [str(planned.path), str(year_path), "yes" if v.holds else "no", *verdict(v),
                                    *resize_lines(design, v)]})
    write_plain_sheet(ws, lines)
    write_plain_sheet(wb.create_sheet("KPIs"), kpi_comparison(planned, v))
    write_plain_sheet(wb.create_sheet("Policy"), policy_comparison(planned, v))
    if not v.broken.empty:
        write_plain_sheet(wb.create_sheet("Broken"), v.broken)
    table = resize_table(design, v)
    if table is not None:
        write_plain_sheet(wb.create_sheet("Resize"), table)
    write_plain_sheet(wb.create_sheet("Year sites"), v.year.sites[[c for c in SITES.result_columns
                                                                   if c in v.year.sites.columns]])
    return save_atomic(wb, path)
