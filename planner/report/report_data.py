"""What the report page shows, read back from a result workbook: the Summary, Sites, Assignments and Run sheets
(`read_result`), the Policy and Dispatch tables, and from the Inputs sheet the Hubs, Cooling, Demand and
Settings blocks (for hub names, demand locations and the latency proxy)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from openpyxl import load_workbook

from planner.model.cost_components import COST_COMPONENTS
from planner.report.map_png import MapData, names_of
from planner.report.read_result import ResultTables, read_result_workbook, read_rows_table
from planner.results.labels import label, sheet_titles
from planner.results.schema import DISPATCH, POLICY, cost_kpi

# Inputs-sheet blocks: name -> the column names that find its header
INPUT_BLOCKS = {"Hubs": ("hub_id", "region"), "Cooling": ("cooling_id", "pue_annual"),
                "Demand": ("demand_id", "lat", "lon", "it_load_mw"), "Settings": ("name", "value", "unit")}


@dataclass
class ReportData:
    """A result workbook's contents for the report page (a table is None when the workbook lacks it)."""

    tables: ResultTables
    policy: pd.DataFrame | None = None
    dispatch: pd.DataFrame | None = None
    inputs: dict[str, pd.DataFrame] = field(default_factory=dict)

    @property
    def settings(self) -> dict[str, object]:
        s = self.inputs.get("Settings")
        return {} if s is None else dict(zip(s["name"].astype(str), s["value"]))

    def costs(self) -> pd.DataFrame:
        """component, cost_cny_per_yr from the Summary's cost KPIs (in the model's component order)."""
        kpis = self.tables.kpi_dict()
        units = dict(zip(self.tables.kpis["kpi"], self.tables.kpis["unit"]))
        rows = []
        for c in COST_COMPONENTS:
            name = cost_kpi(c)
            if name in kpis and not math.isnan(kpis[name]):
                rows.append({"component": c, "cost_cny_per_yr": kpis[name] * money_scale(str(units.get(name, "")))})
        return pd.DataFrame(rows, columns=["component", "cost_cny_per_yr"])

    def site_names(self) -> dict[str, str]:
        s = self.tables.sites
        return {} if s is None else dict(zip(s["site_id"].astype(str), s["name"].astype(str)))

    def map_data(self) -> MapData | None:
        """The map's data, or None without site coordinates or demand locations."""
        sites, demand = self.tables.sites, self.inputs.get("Demand")
        if sites is None or demand is None or not {"lat", "lon"} <= set(sites.columns):
            return None
        demand = demand.copy()
        if "name" not in demand.columns:
            demand["name"] = demand["demand_id"]
        assignments = self.tables.assignments
        if assignments is None:
            assignments = pd.DataFrame(columns=["demand_id", "site_id", "it_mw"])
        st = self.settings
        try:
            per_km = float(st["latency_ms_per_km"]) * float(st["latency_route_factor"])
        except (KeyError, TypeError, ValueError):
            per_km = 0.0
        hubs, cooling = self.inputs.get("Hubs"), self.inputs.get("Cooling")
        return MapData(sites, demand, assignments,
                       names_of(hubs.set_index("hub_id")) if hubs is not None else {},
                       names_of(cooling.set_index("cooling_id")) if cooling is not None else {},
                       1.0 / per_km if per_km > 0 else None,
                       label("text:map.title").format(case=self.tables.case_name))


def money_scale(unit: str) -> float:
    """CNY per unit of a money KPI's unit ('CNY/yr' 1, 'M CNY/yr' or 'million CNY/yr' 1e6, 'bn CNY' 1e9)."""
    u = unit.strip().lower()
    if u.startswith(("m cny", "million cny", "mcny")):
        return 1e6
    if u.startswith(("bn cny", "billion cny")):
        return 1e9
    return 1.0


def read_report_data(path: str | Path) -> ReportData:
    """Read a result workbook for the report page (`ResultWorkbookError` if it is not one)."""
    path = Path(path)
    tables = read_result_workbook(path)
    wb = load_workbook(path, read_only=True, data_only=True)
    try:
        def rows(sheet: str) -> list[tuple]:  # the sheet's tab in any language (`solve --lang`)
            tab = next((t for t in wb.sheetnames if t in sheet_titles(sheet)), None)
            return [tuple(r) for r in wb[tab].iter_rows(values_only=True)] if tab is not None else []

        policy = read_rows_table(rows(POLICY.name), ("policy", "scope", "required", "achieved"), POLICY)
        dispatch = read_rows_table(rows(DISPATCH.name), ("site_id", "day", "hour", "weight_days"), DISPATCH)
        inputs_rows = rows("Inputs")
        inputs = {}
        for name, required in INPUT_BLOCKS.items():
            frame = read_rows_table(inputs_rows, required, block=True)
            if frame is not None:
                inputs[name] = frame
    finally:
        wb.close()
    demand = inputs.get("Demand")
    if demand is not None:
        demand["demand_id"] = demand["demand_id"].astype(str)
        for col in ("lat", "lon", "it_load_mw", "latency_cap_ms"):
            if col in demand.columns:
                demand[col] = pd.to_numeric(demand[col], errors="coerce")
    for name, key in (("Hubs", "hub_id"), ("Cooling", "cooling_id")):
        if name in inputs:
            inputs[name][key] = inputs[name][key].astype(str)
    return ReportData(tables, policy, dispatch, inputs)


__all__ = ["INPUT_BLOCKS", "ReportData", "money_scale", "read_report_data"]
