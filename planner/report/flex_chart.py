"""The Charts sheet's flexible-load chart: a typical day's IT load before and after flexible moves (CHART_FLEX),
drawn only when the plan moved load."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
from openpyxl.worksheet.worksheet import Worksheet

from planner.report import charts, styles
from planner.results.result import Result
from planner.results.schema import CHART_FLEX

CHART_ROWS = 22  # rows between two chart anchors, as on the rest of the Charts sheet


def flexible_block(day: pd.DataFrame) -> pd.DataFrame:
    """CHART_FLEX: the day's IT load before and after the moves."""
    return pd.DataFrame({"hour": day["hour"].astype(int).to_numpy(),
                         "IT load before": day["it_load_mw"].to_numpy(float),
                         "IT load after": day["served_it_load_mw"].to_numpy(float)})


def write_flexible_chart(ws: Worksheet, result: Result, row: int, chart_row: int,
                         typical_day: Callable[[pd.DataFrame, str], tuple[pd.DataFrame, str]], c0: int
                         ) -> tuple[int, int]:
    """The chart (anchored at B`chart_row`) and its data (from column c0, row `row`) at the site that moved the most
    energy; returns the next data row and the next chart row."""
    sites = result.sites
    if sites.empty or result.dispatch.empty or "flexible_moved_mwh" not in sites:
        return row, chart_row
    moved = sites.set_index("site_id")["flexible_moved_mwh"].astype(float)
    if not moved.max() > 1e-6:
        return row, chart_row
    site = str(moved.idxmax())
    day, label = typical_day(result.dispatch, site)
    if day.empty:
        return row, chart_row
    name = sites.set_index("site_id").at[site, "name"]
    row = styles.write_section(ws, row, f"{CHART_FLEX.name} at {name}: {label}", 3, start_col=c0)
    first, last = styles.write_schema_table(ws, CHART_FLEX, flexible_block(day), start_row=row, start_col=c0)
    charts.dispatch_chart(ws, title=f"Flexible load at {name}: IT load before and after moves, MW ({label})",
                          header_row=row, first_row=first, last_row=last, cat_col=c0, area_cols=[],
                          line_cols=[c0 + 1, c0 + 2], anchor=f"B{chart_row}")
    return last + 2, chart_row + CHART_ROWS + 2

