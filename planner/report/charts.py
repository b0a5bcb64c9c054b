"""Native Excel charts (openpyxl) over data blocks written on the same sheet.

Each function takes the block's position (header row, first/last data row, category column, value columns)
and anchors one chart. The data blocks stay visible next to the charts so a consultant can reuse them.
"""

from __future__ import annotations

from collections.abc import Sequence

from openpyxl.chart import AreaChart, BarChart, LineChart, Reference, Series
from openpyxl.chart.label import DataLabelList
from openpyxl.worksheet.worksheet import Worksheet

# A small, colour-blind-friendly palette (hex without '#')
PALETTE = ("1F77B4", "FF7F0E", "2CA02C", "D62728", "9467BD", "8C564B", "E377C2", "7F7F7F", "BCBD22", "17BECF")
SERIES_COLOURS = {
    "IT": "1F4E78", "PV": "F2B705", "wind": "4BACC6", "battery": "8064A2", "grid import": "7F7F7F",
    "battery discharge": "8064A2", "battery charge": "B7A6D1", "facility load": "C00000", "export": "2CA02C",
    "curtailment": "D9D9D9",
}


def _colour(series, name: str, i: int, *, line: bool = False) -> None:
    colour = SERIES_COLOURS.get(name, PALETTE[i % len(PALETTE)])
    if line:
        series.graphicalProperties.line.solidFill = colour
        series.graphicalProperties.line.width = 28000
        series.smooth = False
    else:
        series.graphicalProperties.solidFill = colour
        series.graphicalProperties.line.solidFill = colour


def _add_series(chart, ws: Worksheet, col: int, header_row: int, first_row: int, last_row: int) -> str:
    """One series: values from first_row..last_row (the units row between header and data is skipped)."""
    name = str(ws.cell(row=header_row, column=col).value)
    values = Reference(ws, min_col=col, min_row=first_row, max_row=last_row)
    chart.series.append(Series(values, title=name))
    return name


def _size(chart, width: float, height: float) -> None:
    chart.width = width
    chart.height = height


def bar_chart(ws: Worksheet, *, title: str, header_row: int, first_row: int, last_row: int, cat_col: int,
              value_cols: Sequence[int], anchor: str, y_title: str, x_title: str | None = None,
              horizontal: bool = False, stacked: bool = False, number_format: str = "#,##0",
              width: float = 18, height: float = 9, data_labels: bool = False) -> BarChart:
    """A (clustered or stacked) bar/column chart; series names come from the header row."""
    chart = BarChart()
    chart.type = "bar" if horizontal else "col"
    chart.grouping = "stacked" if stacked else "clustered"
    if stacked:
        chart.overlap = 100
    chart.title = title
    chart.y_axis.title = y_title
    chart.y_axis.numFmt = number_format
    chart.y_axis.delete = False
    chart.x_axis.delete = False
    if x_title:
        chart.x_axis.title = x_title
    cats = Reference(ws, min_col=cat_col, min_row=first_row, max_row=last_row)
    for i, col in enumerate(value_cols):
        name = _add_series(chart, ws, col, header_row, first_row, last_row)
        _colour(chart.series[-1], name, i)
    chart.set_categories(cats)
    if horizontal:
        chart.x_axis.scaling.orientation = "maxMin"  # first category on top
        chart.y_axis.crosses = "max"
    if data_labels:
        labels = DataLabelList()
        labels.showVal = True
        labels.showSerName = labels.showCatName = labels.showLegendKey = labels.showPercent = False
        labels.numFmt = number_format
        labels.position = "outEnd"
        for series in chart.series:
            series.dLbls = labels
    if len(value_cols) == 1:
        chart.legend = None
    else:
        chart.legend.position = "b"
    _size(chart, width, height)
    ws.add_chart(chart, anchor)
    return chart


def dispatch_chart(ws: Worksheet, *, title: str, header_row: int, first_row: int, last_row: int, cat_col: int,
                   area_cols: Sequence[int], line_cols: Sequence[int], anchor: str, width: float = 22,
                   height: float = 10) -> AreaChart:
    """Stacked areas of the supply (PV, wind, grid, battery discharge) with lines for the loads."""
    area = AreaChart()
    area.grouping = "stacked"
    area.title = title
    area.y_axis.title = "MW"
    area.y_axis.numFmt = "#,##0"
    area.x_axis.title = "hour of day"
    area.y_axis.delete = False
    area.x_axis.delete = False
    cats = Reference(ws, min_col=cat_col, min_row=first_row, max_row=last_row)
    for i, col in enumerate(area_cols):
        name = _add_series(area, ws, col, header_row, first_row, last_row)
        _colour(area.series[-1], name, i)
    area.set_categories(cats)
    if line_cols:
        line = LineChart()
        for i, col in enumerate(line_cols):
            name = _add_series(line, ws, col, header_row, first_row, last_row)
            _colour(line.series[-1], name, i + len(area_cols), line=True)
            line.series[-1].marker.symbol = "none"
        line.set_categories(cats)
        area += line
    area.legend.position = "b"
    _size(area, width, height)
    ws.add_chart(area, anchor)
    return area


def waterfall_chart(ws: Worksheet, *, title: str, header_row: int, first_row: int, last_row: int, cat_col: int,
                    base_col: int, bar_col: int, values: Sequence[float], anchor: str, y_title: str,
                    number_format: str = "#,##0", width: float = 18, height: float = 9) -> BarChart:
    """A cost waterfall as a stacked column chart: an invisible base series under the visible bars; each bar
    coloured as an increase (red), a decrease (green) or the total (last row, blue)."""
    from openpyxl.chart.marker import DataPoint

    chart = BarChart()
    chart.type, chart.grouping, chart.overlap, chart.gapWidth = "col", "stacked", 100, 60
    chart.title = title
    chart.y_axis.title = y_title
    chart.y_axis.numFmt = number_format
    chart.y_axis.delete = False
    chart.x_axis.delete = False
    for col in (base_col, bar_col):
        _add_series(chart, ws, col, header_row, first_row, last_row)
    base, bars = chart.series
    base.graphicalProperties.noFill = True
    base.graphicalProperties.line.noFill = True
    bars.graphicalProperties.line.solidFill = "404040"
    for i, v in enumerate(values):
        point = DataPoint(idx=i)
        point.graphicalProperties.solidFill = "1F4E78" if i == len(values) - 1 else ("C0504D" if v >= 0 else "4F9D69")
        point.graphicalProperties.line.solidFill = "404040"
        bars.dPt.append(point)
    labels = DataLabelList()
    labels.showVal = True
    labels.showSerName = labels.showCatName = labels.showLegendKey = labels.showPercent = False
    labels.numFmt = number_format
    labels.position = "inEnd"
    for i, v in enumerate(values):  # a decrease's bar is its size: its label says minus
        if v < 0 and i < len(values) - 1:
            from openpyxl.chart.label import DataLabel

            labels.dLbl.append(DataLabel(idx=i, numFmt=f'"-"{number_format}', showVal=True, showSerName=False,
                                         showCatName=False, showLegendKey=False, showPercent=False))
    bars.dLbls = labels
    chart.set_categories(Reference(ws, min_col=cat_col, min_row=first_row, max_row=last_row))
    chart.legend = None
    _size(chart, width, height)
    ws.add_chart(chart, anchor)
    return chart
