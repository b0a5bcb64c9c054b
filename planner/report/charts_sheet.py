"""The Charts sheet of the result workbook: native Excel charts on the left, their data blocks on the right
(`planner.results.schema` CHART_COSTS, CHART_CAPACITY, CHART_DAY), and a map picture below the charts."""

from __future__ import annotations

import io

import pandas as pd
from openpyxl import Workbook
from openpyxl.drawing.image import Image as XLImage
from openpyxl.utils import get_column_letter

from planner.input.case import Case
from planner.report import charts, styles
from planner.report.figures import waterfall_steps
from planner.report.map_png import map_data, site_map_png
from planner.results.labels import label as text_label
from planner.results.result import Result
from planner.results.schema import CHART_CAPACITY, CHART_COSTS, CHART_DAY
from planner.report.flex_chart import write_flexible_chart

CHART_DATA_COL = 16  # column P: chart data blocks sit to the right of the charts
CHART_ROWS = 22  # rows between two chart anchors


def typical_day(dispatch: pd.DataFrame, site_id: str, lang: str = "en") -> tuple[pd.DataFrame, str]:
    """24 hourly rows of one site's dispatch: the heaviest representative day, or the mean day of a year (and its
    description in `lang`)."""
    d = dispatch[dispatch["site_id"] == site_id]
    if d.empty:
        return d, ""
    weights = d.groupby("day")["weight_days"].first()
    value_cols = [c for c in d.columns if c.endswith("_mw") or c.endswith("_mwh")]
    if weights.nunique() > 1 or len(weights) <= 31:
        day = weights.idxmax()
        shown = f"{day:g}" if isinstance(day, float) else day
        label = text_label("text:report.representative_day", lang).format(day=shown, weight=f"{weights[day]:g}")
        out = d[d["day"] == day].sort_values("hour")
    else:
        out = d.groupby("hour", as_index=False)[value_cols].mean()
        label = text_label("text:report.average_day", lang).format(n=len(weights))
    return out.reset_index(drop=True), label


def cost_block(result: Result) -> pd.DataFrame:
    """CHART_COSTS: the non-zero cost components then the total, in million CNY/yr, as waterfall steps."""
    steps = waterfall_steps(result.costs)
    return pd.DataFrame({"component": steps["label"], "cost_mcny_per_yr": steps["value"],
                         "base_mcny_per_yr": steps["base"], "bar_mcny_per_yr": steps["height"]})


def capacity_block(opened: pd.DataFrame) -> pd.DataFrame:
    """CHART_CAPACITY: IT, PV, wind and battery MW of the open sites (by display name, largest IT first)."""
    opened = opened.sort_values("it_mw", ascending=False)
    return pd.DataFrame({"site": opened["name"].astype(str).to_numpy(), "IT": opened["it_mw"].to_numpy(float),
                         "PV": opened["pv_mw"].to_numpy(float), "wind": opened["wind_mw"].to_numpy(float),
                         "battery": opened["battery_mw"].to_numpy(float)})


def day_block(day: pd.DataFrame) -> pd.DataFrame:
    """CHART_DAY: one typical day's flows (areas first, then lines)."""
    flows = {"PV": "pv_mw", "wind": "wind_mw", "grid import": "grid_import_mw",
             "battery discharge": "battery_discharge_mw", "facility load": "facility_load_mw",
             "battery charge": "battery_charge_mw", "export": "export_mw", "curtailment": "curtailment_mw"}
    return pd.DataFrame({"hour": day["hour"].astype(int).to_numpy(),
                         **{name: day[col].to_numpy(float) for name, col in flows.items()}})


def write_charts_sheet(wb: Workbook, result: Result, case: Case) -> None:
    ws = wb.create_sheet("Charts")
    c0 = CHART_DATA_COL
    styles.write_title(ws, 1, f"Charts: {result.case_name}",
                       f"Charts on the left; their data from column {get_column_letter(c0)} on.")
    styles.freeze(ws, "A3")
    row = 4  # next free row of the data area
    chart_row = 4  # next chart anchor row in column B

    # 1. cost waterfall (million CNY/yr)
    frame = cost_block(result) if not result.costs.empty else pd.DataFrame()
    if len(frame) > 1:
        row = styles.write_section(ws, row, CHART_COSTS.name, 4, start_col=c0)
        first, last = styles.write_schema_table(ws, CHART_COSTS, frame, start_row=row, start_col=c0)
        charts.waterfall_chart(ws, title="Annualised cost by component down to the total (million CNY/yr)",
                               header_row=row, first_row=first, last_row=last, cat_col=c0, base_col=c0 + 2,
                               bar_col=c0 + 3, values=list(frame["cost_mcny_per_yr"]), anchor=f"B{chart_row}",
                               y_title="million CNY/yr", number_format="#,##0.0")
        row = last + 2
        chart_row += CHART_ROWS

    # 2. capacity by open site
    opened = result.sites[result.sites["opened"].astype(bool)] if not result.sites.empty else result.sites
    if not opened.empty:
        row = styles.write_section(ws, row, CHART_CAPACITY.name, 5, start_col=c0)
        first, last = styles.write_schema_table(ws, CHART_CAPACITY, capacity_block(opened), start_row=row,
                                                start_col=c0)
        charts.bar_chart(ws, title="IT, PV, wind and battery capacity by site (MW)", header_row=row,
                         first_row=first, last_row=last, cat_col=c0, value_cols=[c0 + 1, c0 + 2, c0 + 3, c0 + 4],
                         anchor=f"B{chart_row}", y_title="MW", number_format="#,##0", horizontal=True)
        row = last + 2
        chart_row += CHART_ROWS

    # 3. typical-day dispatch of every open site (largest first)
    if not opened.empty and not result.dispatch.empty:
        for _, site in opened.sort_values("it_mw", ascending=False).iterrows():
            day, label = typical_day(result.dispatch, str(site["site_id"]))
            if day.empty:
                continue
            row = styles.write_section(ws, row, f"{CHART_DAY.name} at {site['name']}: {label}", 9, start_col=c0)
            first, last = styles.write_schema_table(ws, CHART_DAY, day_block(day), start_row=row, start_col=c0)
            charts.dispatch_chart(ws, title=f"Typical-day energy flows at {site['name']}, MW ({label})",
                                  header_row=row, first_row=first, last_row=last, cat_col=c0,
                                  area_cols=[c0 + 1, c0 + 2, c0 + 3, c0 + 4],
                                  line_cols=[c0 + 5, c0 + 6, c0 + 7, c0 + 8], anchor=f"B{chart_row}")
            row = last + 2
            chart_row += CHART_ROWS + 2
    row, chart_row = write_flexible_chart(ws, result, row, chart_row, typical_day, c0)  # if load moved

    # 4. map picture
    if not result.sites.empty:
        png = site_map_png(map_data(result, case))
        img = XLImage(io.BytesIO(png))
        img.width, img.height = 900, round(900 * img.height / img.width)
        ws.cell(row=chart_row, column=2, value="Map: sites (size ~ IT MW), demands and assignments "
                "on China's provinces").font = styles.SECTION_FONT
        ws.add_image(img, f"B{chart_row + 1}")
    ws.column_dimensions["A"].width = 2
    for col in range(2, c0):
        ws.column_dimensions[get_column_letter(col)].width = 10
    for col, width in zip(range(c0, c0 + 9), (20, 16, 12, 12, 16, 16, 16, 12, 12)):
        ws.column_dimensions[get_column_letter(col)].width = width
    styles.print_setup(ws)


__all__ = ["CHART_DATA_COL", "capacity_block", "cost_block", "day_block", "typical_day", "write_charts_sheet"]
