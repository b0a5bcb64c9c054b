"""The cost difference between two scenarios as a waterfall: the base's total cost, each cost component's change,
the scenario's total cost.

`cost_steps(comparison, label)` is the table (its change bars sum to the difference of the totals: a part of the
difference that no component carries - none unless a workbook was edited - is its own bar, "other");
`write_waterfall_sheet` draws it per scenario as a native Excel chart (stacked columns over an invisible base, so
that a bar starts where the previous one ended; bars that cross zero are split at it).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference, Series

from planner.report import compare_labels as cl
from planner.report import styles
from planner.results.labels import unit_text

# `c` below is a `planner.report.compare.Comparison` (not imported: compare imports this module)

TOTAL = "total_cost_cny_per_yr"
# a part of the difference below this (CNY/yr) is rounding, not a bar of its own
OTHER_MIN_CNY = 1.0

STEP_COLUMNS = ("step", "kind", "delta_cny_per_yr", "start_cny_per_yr", "end_cny_per_yr")
# the chart's series: the invisible base and the visible parts (a bar crossing zero has a part on each side)
SERIES = ("base", "total", "increase", "increase below 0", "decrease", "decrease below 0")
COLOURS = {"total": "1F4E78", "increase": "C00000", "increase below 0": "C00000", "decrease": "2CA02C",
           "decrease below 0": "2CA02C"}


def cost_components(c) -> list[str]:
    """The cost components compared (Cost section, without the total), in table order."""
    return [k for k in c.info.index if c.info.at[k, "section"] == "Cost" and k != TOTAL]


def cost_steps(c, label: str, lang: str = "en") -> pd.DataFrame:
    """The waterfall from the base's total cost to `label`'s: STEP_COLUMNS, one row per total and changed
    component (components that did not change are left out; their change is 0)."""
    if TOTAL not in c.values.index:
        return pd.DataFrame(columns=list(STEP_COLUMNS))
    base_total, total = float(c.values.at[TOTAL, c.base]), float(c.values.at[TOTAL, label])
    rows = [(cl.phrase("total_of", lang, label=c.base), "total", np.nan, 0.0, base_total)]
    level = base_total
    for k in cost_components(c):
        delta = float(np.nan_to_num(c.values.at[k, label]) - np.nan_to_num(c.values.at[k, c.base]))
        if delta == 0:
            continue
        rows.append((cl.kpi_name(k, str(c.info.at[k, "description"]), lang).strip(), "change", delta, level,
                     level + delta))
        level += delta
    if abs(total - level) >= OTHER_MIN_CNY:
        rows.append((cl.phrase("other_cost", lang), "change", total - level, level, total))
    rows.append((cl.phrase("total_of", lang, label=label), "total", np.nan, 0.0, total))
    return pd.DataFrame(rows, columns=list(STEP_COLUMNS))


def chart_columns(steps: pd.DataFrame) -> pd.DataFrame:
    """The steps as stacked-column values (SERIES, in M CNY/yr): an invisible base under each visible part."""
    out = []
    for _, s in steps.iterrows():
        row = dict.fromkeys(SERIES, 0.0)
        lo, hi = sorted((s["start_cny_per_yr"] / 1e6, s["end_cny_per_yr"] / 1e6))
        if s["kind"] == "total":
            row["total"] = s["end_cny_per_yr"] / 1e6
        else:
            up = s["delta_cny_per_yr"] > 0
            above, below = ("increase", "increase below 0") if up else ("decrease", "decrease below 0")
            if lo >= 0:  # above zero: a base up to the bar's foot
                row["base"], row[above] = lo, hi - lo
            elif hi <= 0:  # below zero: a base down to the bar's top
                row["base"], row[below] = hi, lo - hi
            else:  # across zero: a part on each side
                row[above], row[below] = hi, lo
        out.append(row)
    return pd.DataFrame(out, columns=list(SERIES))


def write_waterfall_sheet(wb: Workbook, c, lang: str = "en") -> None:
    """A 'Cost waterfall' sheet: per scenario against the base, the steps table and its chart (in `lang`)."""
    ws = wb.create_sheet(cl.sheet("Cost waterfall", lang))
    r = styles.write_title(ws, 1, cl.phrase("waterfall_title", lang, base=c.base),
                           cl.phrase("waterfall_subtitle", lang))
    styles.freeze(ws, "A3")
    for label in c.others:
        steps = cost_steps(c, label, lang)
        if steps.empty:
            continue
        table = pd.DataFrame({"step": steps["step"], "change_m_cny_per_yr": steps["delta_cny_per_yr"] / 1e6,
                              "level_m_cny_per_yr": steps["end_cny_per_yr"] / 1e6})
        cols = chart_columns(steps)
        for name in SERIES:
            table[name] = cols[name].to_numpy()
        header, first, last = cl.write_table(ws, table, lang, start_row=r + 1, start_col=1,
                                             units={col: "M CNY/yr" for col in table.columns if col != "step"},
                                             formats={col: "#,##0.0" for col in table.columns if col != "step"})
        chart = BarChart()
        chart.type, chart.grouping, chart.overlap, chart.gapWidth = "col", "stacked", 100, 40
        chart.title = cl.phrase("waterfall_chart", lang, base=c.base, label=label, delta=_signed(steps),
                                unit=unit_text("M CNY/yr", lang))
        chart.y_axis.title, chart.y_axis.numFmt = unit_text("M CNY/yr", lang), "#,##0"
        chart.y_axis.delete = chart.x_axis.delete = False
        chart.x_axis.tickLblPos = "low"  # category names under the plot, not under bars below zero
        for j, name in enumerate(SERIES):
            series = Series(Reference(ws, min_col=4 + j, min_row=first, max_row=last), title=cl.heading(name, lang))
            if name == "base":
                series.graphicalProperties.noFill = True
                series.graphicalProperties.line.noFill = True
            else:
                series.graphicalProperties.solidFill = COLOURS[name]
                series.graphicalProperties.line.solidFill = COLOURS[name]
            chart.series.append(series)
        chart.set_categories(Reference(ws, min_col=1, min_row=first, max_row=last))
        chart.legend = None
        chart.width, chart.height = 24, 11
        ws.add_chart(chart, f"K{header}")
        r = max(last, header + 22) + 2
    styles.set_widths(ws, max_width=30)
    styles.print_setup(ws)


def _signed(steps: pd.DataFrame) -> str:
    d = float(steps["delta_cny_per_yr"].sum()) / 1e6
    return f"{d:+,.1f}"


__all__ = ["STEP_COLUMNS", "chart_columns", "cost_components", "cost_steps", "write_waterfall_sheet"]
