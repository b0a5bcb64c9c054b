"""The study workbook: the scenarios and their overrides, KPIs side by side, the design changes against the
first scenario, charts; and, for `planner pareto` and `planner sensitivity`, the frontier and the tornado."""

from __future__ import annotations

from typing import Any

import pandas as pd
from openpyxl import Workbook
from openpyxl.chart import Reference, ScatterChart, Series

from planner.report import charts, styles
from planner.results.schema import KPIS

COST, EMISSIONS = "total_cost_cny_per_yr", "emissions_tco2_per_yr"
DESIGN_ITEMS = ("opened", "it_mw", "cooling_id", "pv_mw", "wind_mw", "battery_mw", "battery_mwh", "grid_mw")
SAME_TOLERANCE = 1e-6  # relative: capacities that differ less are the same


def scenarios_frame(study) -> pd.DataFrame:
    rows = [{"scenario": r.scenario, "description": r.description, "overrides": "\n".join(r.overrides),
             "status": r.status, "reason": r.reason, "workbook": r.workbook, "solve_s": r.seconds,
             "worker": r.worker, "peak_memory_mb": r.peak_rss_mb, "resumed": r.resumed} for r in study.ordered]
    return pd.DataFrame(rows, columns=["scenario", "description", "overrides", "status", "reason", "workbook",
                                       "solve_s", "worker", "peak_memory_mb", "resumed"])


def kpi_frame(study) -> pd.DataFrame:
    """KPI, unit, then one column per solved scenario."""
    solved = [r for r in study.ordered if r.solved]
    rows = [{"kpi": k.name, "unit": k.unit, **{r.scenario: r.kpis.get(k.name) for r in solved}} for k in KPIS]
    return pd.DataFrame(rows, columns=["kpi", "unit", *[r.scenario for r in solved]])


def _differs(a: Any, b: Any) -> bool:
    if isinstance(a, (int, float)) and isinstance(b, (int, float)) and not isinstance(a, bool):
        return abs(a - b) > SAME_TOLERANCE * max(1.0, abs(a), abs(b))
    return (a or None) != (b or None)


def design_changes(study) -> pd.DataFrame:
    """Every site decision that differs from the first solved scenario: scenario, site, item, base, value."""
    solved = [r for r in study.ordered if r.solved]
    rows = []
    if solved:
        base = solved[0]
        for r in solved[1:]:
            for site in sorted(set(base.design) | set(r.design)):
                a, b = base.design.get(site, {}), r.design.get(site, {})
                for item in DESIGN_ITEMS:
                    if _differs(a.get(item), b.get(item)):
                        rows.append({"scenario": r.scenario, "site_id": site, "item": item,
                                     "base": a.get(item), "value": b.get(item)})
    return pd.DataFrame(rows, columns=["scenario", "site_id", "item", "base", "value"])


def _sheet(wb: Workbook, title: str, heading: str, frame: pd.DataFrame, **kw) -> tuple[Any, int, int]:
    ws = wb.create_sheet(title)
    row = styles.write_title(ws, 1, heading)
    first, last = styles.write_table(ws, frame, start_row=row + 1, **kw)
    styles.set_widths(ws)
    return ws, first, last


def _charts(wb: Workbook, study) -> None:
    solved = [r for r in study.ordered if r.solved]
    frame = pd.DataFrame({"scenario": [r.scenario for r in solved],
                          "total_cost_m_cny_per_yr": [r.kpis.get(COST, 0.0) / 1e6 for r in solved],
                          EMISSIONS: [r.kpis.get(EMISSIONS) for r in solved]})
    ws, first, last = _sheet(wb, "Charts", "Total cost and emissions by scenario", frame,
                             units={"total_cost_m_cny_per_yr": "M CNY/yr"})
    if solved:
        for col, title, anchor in ((2, "Total annualised cost (M CNY/yr)", "E3"), (3, "Emissions (tCO2/yr)", "E22")):
            charts.bar_chart(ws, title=title, header_row=first - 2, first_row=first, last_row=last, cat_col=1,
                             value_cols=[col], anchor=anchor, y_title=title, data_labels=True)


def _pareto(wb: Workbook, points: pd.DataFrame) -> None:
    ws, first, last = _sheet(wb, "Pareto", "The cost-carbon frontier (epsilon constraint on emissions)", points)
    chart = ScatterChart()
    chart.title = "Cost vs emissions"
    chart.style = 13
    chart.x_axis.title = "Emissions (tCO2/yr)"
    chart.y_axis.title = "Total annualised cost (CNY/yr)"
    chart.x_axis.delete = chart.y_axis.delete = False
    cols = list(points.columns)
    x = Reference(ws, min_col=cols.index(EMISSIONS) + 1, min_row=first, max_row=last)
    y = Reference(ws, min_col=cols.index(COST) + 1, min_row=first, max_row=last)
    series = Series(y, x, title="frontier")
    series.marker.symbol = "circle"
    chart.series.append(series)
    chart.legend = None
    chart.width, chart.height = 20, 11
    ws.add_chart(chart, f"{chr(ord('A') + len(cols) + 1)}3")


def _tornado(wb: Workbook, table: pd.DataFrame) -> None:
    ws, first, last = _sheet(wb, "Sensitivity", "One-at-a-time sensitivity of the total cost (and emissions)", table)
    cols = list(table.columns)
    if not table.empty:
        charts.bar_chart(ws, title="Tornado: change of total cost (CNY/yr)", header_row=first - 2, first_row=first,
                         last_row=last, cat_col=1, value_cols=[cols.index("cost_low_delta_cny_per_yr") + 1,
                                                               cols.index("cost_high_delta_cny_per_yr") + 1],
                         anchor=f"A{last + 3}", y_title="CNY/yr", horizontal=True, stacked=True, width=22)


def build_study_workbook(study, *, pareto: pd.DataFrame | None = None,
                         sensitivity: pd.DataFrame | None = None) -> Workbook:
    wb = Workbook()
    wb.remove(wb.active)
    if pareto is not None:
        _pareto(wb, pareto)
    if sensitivity is not None:
        _tornado(wb, sensitivity)
    _sheet(wb, "Scenarios", f"Study of {study.input_path.name}: scenarios, overrides and outcomes",
           scenarios_frame(study))
    _sheet(wb, "KPIs", "KPIs side by side (solved scenarios)", kpi_frame(study), unit_row=False)
    _sheet(wb, "Design changes", "Site decisions that differ from the first scenario", design_changes(study),
           unit_row=False)
    _charts(wb, study)
    return wb
