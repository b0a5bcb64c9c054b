"""The result workbook: what `planner solve` writes.

Sheets: Summary (KPIs with units and descriptions, solver status), Sites, Assignments, Policy, Dispatch,
Charts (native Excel charts + a map picture), Inputs (the validated input tables), Run (provenance).
Every table sheet has the column names on row 1, their units on row 2 and data from row 3, like the input
workbook. `planner.report.read_result` reads the Summary, Sites, Assignments and Run sheets back.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import io
import platform
import sys
from pathlib import Path
from typing import Any

import pandas as pd
from openpyxl import Workbook
from openpyxl.drawing.image import Image as XLImage
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from planner import __version__
from planner.input.case import Case
from planner.report import charts, styles
from planner.report.map_png import site_map_png
from planner.results.result import Result
from planner.input.schema import SHEETS_BY_NAME, SETTINGS
from planner.input.template import save_atomic

FORMAT = "planner-result"
FORMAT_VERSION = 1

SHEET_ORDER = ("Summary", "Sites", "Assignments", "Policy", "Dispatch", "Charts", "Inputs", "Run")

# Summary table columns, in sheet order; `read_result` finds them by name.
SUMMARY_COLUMNS = ("section", "description", "value", "unit", "kpi")

COST_LABELS = {
    "site_opening": "Site opening (land, shell, substation), annualised",
    "it": "IT capacity (building, power chain), annualised",
    "cooling": "Cooling systems, annualised",
    "pv": "Direct-connected PV: capex annuity + fixed O&M",
    "wind": "Direct-connected wind: capex annuity + fixed O&M",
    "battery": "Battery storage: capex annuity + fixed O&M",
    "grid_connection": "Grid connection capacity charge",
    "energy": "Grid electricity purchased",
    "service": "Network / service cost of serving the demand",
    "carbon": "Carbon price on grid emissions",
    "export_revenue": "Revenue from exported renewable energy (negative = income)",
}

SOLVER_KPIS = ("mip_gap", "solve_time_s", "build_time_s")
CAPACITY_KPIS = ("sites_opened", "it_capacity_mw", "pv_capacity_mw", "wind_capacity_mw", "battery_power_mw",
                 "battery_energy_mwh", "grid_connection_mw")

POLICY_TEXT = {
    "hub_pue_cap": "Energy-weighted annual PUE of the hub's sites <= the hub's PUE cap",
    "hub_green_share": "Green share of the hub's consumption >= the hub's minimum",
    "green_selfuse_of_generation": "Green direct connection: self-used renewables >= share of available generation",
    "green_export_limit": "Green direct connection: exported energy <= share of available generation",
    "green_no_export": "Green direct connection: no export to the grid allowed",
    "green_selfuse_of_consumption": "Green direct connection: self-used renewables >= share of the site's "
    "consumption",
    "green_min_storage_power": "Battery power >= the required share of the site's PV + wind MW",
    "latency_cap": "One-way latency of a demand-site assignment <= the demand's latency cap",
    "max_share_per_site": "Share of a demand served by one site <= the demand's maximum",
    "demand_served": "IT load served = the demand's IT load",
    "carbon_cap": "Total annual emissions <= the carbon cap",
}

SITE_DOCS = {
    "opened": "Site opened in this plan",
    "it_mw": "Total IT capacity (existing + new)",
    "new_it_mw": "New IT capacity built (modules x module size)",
    "modules": "New IT modules built",
    "cooling_id": "Cooling technology chosen",
    "pue_annual": "Energy-weighted annual PUE of the site",
    "it_energy_mwh": "IT energy per year",
    "facility_energy_mwh": "Facility energy per year (IT x PUE)",
    "pv_mw": "Direct-connected PV built",
    "wind_mw": "Direct-connected wind built",
    "battery_mw": "Battery power",
    "battery_mwh": "Battery energy",
    "grid_mw": "Grid connection capacity",
    "renewable_generation_mwh": "Available direct-connected renewable energy per year",
    "selfuse_mwh": "Renewable energy used on site per year",
    "export_mwh": "Renewable energy exported to the grid per year",
    "curtailment_mwh": "Renewable energy curtailed per year",
    "grid_import_mwh": "Energy imported from the grid per year",
    "consumption_mwh": "Electricity consumed per year (self-use + grid import)",
    "selfuse_share_of_generation": "Self-use / available renewable generation",
    "selfuse_share_of_consumption": "Self-use / consumption",
    "export_share_of_generation": "Export / available renewable generation",
    "green_share": "(Self-use + green share of grid import) / consumption",
    "emissions_tco2": "Grid-import emissions per year",
    "cost_cny": "The site's share of the annualised cost",
}

ASSIGNMENT_DOCS = {
    "it_mw": "IT load of the demand served by the site",
    "share_of_demand": "Share of the demand's IT load served by the site",
    "latency_ms": "One-way latency demand -> site",
    "latency_cap_ms": "The demand's latency cap",
    "service_cost_cny": "Network / service cost of this assignment per year",
}


class NotSolved(ValueError):
    """The result has no plan (infeasible or failed); there is nothing to write as a result workbook."""


def has_plan(result: Result) -> bool:
    return result.solve.status in ("optimal", "time_limit", "feasible") and not result.kpis.empty


def status_text(result: Result) -> str:
    return result.solve.status_text()


def sha256_of(path: str | Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _versions() -> dict[str, str]:
    out = {"planner": __version__, "python": platform.python_version()}
    try:
        import pyomo.version

        out["pyomo"] = str(pyomo.version.version)
    except Exception:  # pragma: no cover - pyomo is a dependency
        out["pyomo"] = "unknown"
    try:
        from importlib.metadata import version

        out["highspy"] = version("highspy")
    except Exception:  # pragma: no cover
        out["highspy"] = "unknown"
    out["openpyxl"] = _pkg_version("openpyxl")
    return out


def _pkg_version(name: str) -> str:
    try:
        from importlib.metadata import version

        return version(name)
    except Exception:  # pragma: no cover
        return "unknown"


# ---------------------------------------------------------------------------------------------------------
# Summary
# ---------------------------------------------------------------------------------------------------------
def _section(kpi: str) -> str:
    if kpi.startswith("total_cost") or kpi.startswith("cost_"):
        return "Cost"
    if kpi in SOLVER_KPIS:
        return "Solver"
    if kpi in CAPACITY_KPIS:
        return "Capacity"
    if kpi.endswith("_mwh_per_yr") and "curtailment" not in kpi:
        return "Energy"
    return "Emissions and green power"


SECTION_ORDER = ("Cost", "Emissions and green power", "Capacity", "Energy", "Solver")


def display_unit(kpi: str, unit: str) -> str:
    """Shares are stored as fractions and shown as percentages: their unit reads '%'."""
    if unit in ("-", "", "share", "fraction") and styles.is_share(kpi):
        return "%"
    return unit


def summary_frame(result: Result) -> pd.DataFrame:
    """The Summary table: one row per KPI (section, description, value, unit, kpi), solver rows last."""
    rows = []
    for _, r in result.kpis.iterrows():
        kpi = str(r["kpi"])
        desc = str(r["description"])
        if kpi.startswith("cost_") and kpi.endswith("_cny_per_yr"):
            desc = COST_LABELS.get(kpi[len("cost_"):-len("_cny_per_yr")], desc)
        rows.append({"section": _section(kpi), "description": desc, "value": r["value"],
                     "unit": display_unit(kpi, str(r["unit"])), "kpi": kpi})
    info = result.solve
    solver_rows = [
        ("solver_status", info.status, "-", "Solver status: optimal; time_limit (feasible plan, not proven "
         "optimal); feasible (full-year plan by site decomposition, not proven within the gap setting; its bound "
         "is from average days)"),
        ("proven_optimal", bool(info.proven_optimal), "yes/no", "Proven optimal within the MIP gap setting"),
        ("termination", info.termination, "-", "HiGHS termination condition"),
        ("objective_cny_per_yr", info.objective_cny, "CNY/yr", "Objective value reported by HiGHS"),
        ("best_bound_cny_per_yr", info.best_bound_cny, "CNY/yr", "Best bound on the objective"),
        ("highs_time_s", info.highs_s, "s", "HiGHS' own run time"),
        ("mip_gap_setting", info.mip_gap_setting, "%", "MIP gap setting used"),
        ("time_limit_s_setting", info.time_limit_s_setting, "s", "Time limit setting used"),
        ("n_variables", info.n_variables, "count", "Model size: variables"),
        ("n_binaries", info.n_binaries, "count", "Model size: binary variables"),
        ("n_integers", info.n_integers, "count", "Model size: general integer variables"),
        ("n_constraints", info.n_constraints, "count", "Model size: constraints"),
        ("solver", f"{info.solver} {info.solver_version}".strip(), "-", "Solver and version"),
    ]
    for kpi, value, unit, desc in solver_rows:
        rows.append({"section": "Solver", "description": desc, "value": value, "unit": unit, "kpi": kpi})
    df = pd.DataFrame(rows, columns=list(SUMMARY_COLUMNS))
    order = {s: i for i, s in enumerate(SECTION_ORDER)}
    df["_o"] = df["section"].map(lambda s: order.get(s, len(order)))
    df = df.sort_values("_o", kind="stable").drop(columns="_o").reset_index(drop=True)
    return df


def _kpi_format(kpi: str, unit: str) -> str:
    if unit == "count":
        return styles.FMT_INT
    if unit == "%" and "gap" in kpi:
        return styles.FMT_GAP
    return styles.number_format_for(unit, kpi)


def _write_summary(wb: Workbook, result: Result, case: Case, written_at: str) -> None:
    ws = wb.create_sheet("Summary")
    info = result.solve
    subtitle = (f"{case.summary()}. Written {written_at} by planner {__version__}.")
    r = styles.write_title(ws, 1, f"planner result: {result.case_name}", subtitle)
    status_cell = ws.cell(row=r, column=1, value=f"Solver status: {status_text(result)}")
    status_cell.font = styles.OK_FONT if info.status == "optimal" else styles.WARN_FONT
    r += 2
    df = summary_frame(result)
    formats = [_kpi_format(k, u) for k, u in zip(df["kpi"], df["unit"])]
    # Show each section name once, on its first row
    shown = df.copy()
    shown["section"] = shown["section"].where(shown["section"] != shown["section"].shift())
    fonts = [Font(bold=True) if k == "total_cost_cny_per_yr" else None for k in df["kpi"]]
    header = r
    styles.write_table(ws, shown, start_row=header, unit_row=False, row_formats=formats,
                       row_format_columns=("value",), row_fonts=fonts,
                       formats={"value": styles.FMT_GENERAL})
    for i in range(len(df)):
        ws.cell(row=header + 1 + i, column=1).font = Font(bold=True, color="1F4E78")
    styles.freeze(ws, f"A{header + 1}")
    styles.set_widths(ws, fixed={"A": 26, "B": 70, "C": 18, "D": 12, "E": 34})
    styles.print_setup(ws, landscape=False, repeat_rows=f"{header}:{header}")


# ---------------------------------------------------------------------------------------------------------
# Table sheets
# ---------------------------------------------------------------------------------------------------------
def sites_frame(result: Result, case: Case) -> pd.DataFrame:
    df = result.sites.copy()
    loc = case.sites[["lat", "lon"]] if {"lat", "lon"} <= set(case.sites.columns) else None
    if loc is not None:
        ll = loc.reindex(df["site_id"].astype(str))
        pos = list(df.columns).index("hub_id") + 1 if "hub_id" in df.columns else len(df.columns)
        df.insert(pos, "lat", ll["lat"].to_numpy())
        df.insert(pos + 1, "lon", ll["lon"].to_numpy())
    return df


def _write_sites(wb: Workbook, result: Result, case: Case) -> None:
    ws = wb.create_sheet("Sites")
    df = sites_frame(result, case)
    units = {"lat": "deg", "lon": "deg", "cooling_id": "-", "opened": "yes/no", "battery_mwh": "MWh"}
    grey = Font(color="808080")
    fonts = [None if bool(o) else grey for o in df["opened"]] if "opened" in df.columns else None
    _, last = styles.write_table(ws, df, units=units, annual=True, descriptions=SITE_DOCS, row_fonts=fonts,
                                 formats={"lat": "0.00", "lon": "0.00"})
    styles.freeze(ws, "C3")
    styles.set_widths(ws, max_width=28)
    styles.print_setup(ws, repeat_rows="1:2", width_pages=2)


def _write_assignments(wb: Workbook, result: Result, case: Case) -> None:
    ws = wb.create_sheet("Assignments")
    df = result.assignments.copy()
    if "demand_id" in df.columns and "name" in case.demand.columns:
        df.insert(1, "demand_name", df["demand_id"].map(case.demand["name"]).fillna(""))
    if "site_id" in df.columns and "name" in case.sites.columns:
        pos = list(df.columns).index("site_id") + 1
        df.insert(pos, "site_name", df["site_id"].map(case.sites["name"]).fillna(""))
    styles.write_table(ws, df, annual=True, descriptions=ASSIGNMENT_DOCS)
    styles.freeze(ws, "C3")
    styles.set_widths(ws, max_width=30)
    styles.print_setup(ws, repeat_rows="1:2")


def _policy_format(policy: str, unit: str) -> str:
    if unit in ("-", "", "share"):
        return styles.FMT_PUE if "pue" in policy else styles.FMT_SHARE
    return styles.number_format_for(unit, policy)


def _write_policy(wb: Workbook, result: Result) -> None:
    ws = wb.create_sheet("Policy")
    df = result.policy.copy()
    if df.empty:
        df = pd.DataFrame(columns=list(df.columns))
    df["unit"] = [("%" if (u in ("-", "", "share") and "pue" not in p) else u)
                  for p, u in zip(df["policy"], df["unit"])]
    formats = [_policy_format(p, "-" if u == "%" else u) for p, u in zip(df["policy"], df["unit"])]
    df["description"] = df["policy"].map(lambda p: POLICY_TEXT.get(str(p), ""))
    fonts = []
    for b, s in zip(df.get("binding", []), df.get("satisfied", [])):
        fonts.append(styles.WARN_FONT if not bool(s) else (Font(bold=True) if bool(b) else None))
    styles.write_table(ws, df, units={"required": "see unit", "achieved": "see unit", "slack": "see unit",
                                      "binding": "yes/no", "satisfied": "yes/no", "sense": "-"},
                       row_formats=formats, row_format_columns=("required", "achieved", "slack"),
                       row_fonts=fonts, formats={"required": styles.FMT_FLOAT})
    styles.freeze(ws, "C3")
    styles.set_widths(ws, max_width=40)
    styles.print_setup(ws, repeat_rows="1:2")


def _write_dispatch(wb: Workbook, result: Result, case: Case) -> None:
    ws = wb.create_sheet("Dispatch")
    df = result.dispatch
    units = {"t": "-", "day": "-", "hour": "h", "weight_days": "days", "battery_soc_mwh": "MWh"}
    styles.write_table(ws, df, units=units, formats={"weight_days": "0.00"})
    styles.freeze(ws, "C3")
    styles.set_widths(ws, max_width=22, sample_rows=60)
    styles.print_setup(ws, repeat_rows="1:2")


# ---------------------------------------------------------------------------------------------------------
# Charts
# ---------------------------------------------------------------------------------------------------------
def typical_day(dispatch: pd.DataFrame, site_id: str) -> tuple[pd.DataFrame, str]:
    """24 hourly rows of one site's dispatch: the heaviest representative day, or the mean day of a year."""
    d = dispatch[dispatch["site_id"] == site_id]
    if d.empty:
        return d, ""
    weights = d.groupby("day")["weight_days"].first()
    value_cols = [c for c in d.columns if c.endswith("_mw") or c.endswith("_mwh")]
    if weights.nunique() > 1 or len(weights) <= 31:
        day = weights.idxmax()
        label = f"representative day {day} (weight {weights[day]:g} days)"
        out = d[d["day"] == day].sort_values("hour")
    else:
        out = d.groupby("hour", as_index=False)[value_cols].mean()
        label = f"average day over {len(weights)} days"
    return out.reset_index(drop=True), label


CHART_DATA_COL = 16  # column P: chart data blocks sit to the right of the charts


def _write_charts(wb: Workbook, result: Result, case: Case) -> None:
    ws = wb.create_sheet("Charts")
    c0 = CHART_DATA_COL
    styles.write_title(ws, 1, f"Charts: {result.case_name}",
                       f"Charts on the left; their data from column {get_column_letter(c0)} on.")
    styles.freeze(ws, "A3")
    row = 4  # next free row of the data area
    chart_row = 4  # next chart anchor row in column B
    chart_rows = 22

    # 1. cost breakdown (million CNY/yr)
    costs = result.costs.copy()
    if not costs.empty:
        costs = costs[costs["cost_cny_per_yr"].abs() > 1e-6]
    if not costs.empty:
        row = styles.write_section(ws, row, "Annualised cost breakdown", 2, start_col=c0)
        frame = pd.DataFrame({"component": [c.replace("_", " ") for c in costs["component"]],
                              "cost_mcny_per_yr": costs["cost_cny_per_yr"].to_numpy(float) / 1e6})
        first, last = styles.write_table(ws, frame, start_row=row, start_col=c0,
                                         units={"cost_mcny_per_yr": "million CNY/yr"},
                                         formats={"cost_mcny_per_yr": "#,##0.0"})
        charts.bar_chart(ws, title="Annualised cost by component (million CNY/yr)", header_row=row,
                         first_row=first, last_row=last, cat_col=c0, value_cols=[c0 + 1], anchor=f"B{chart_row}",
                         y_title="million CNY/yr", number_format="#,##0", data_labels=True)
        row = last + 2
        chart_row += chart_rows

    # 2. capacity by open site
    opened = result.sites[result.sites["opened"].astype(bool)] if not result.sites.empty else result.sites
    if not opened.empty:
        row = styles.write_section(ws, row, "Capacity of the open sites", 5, start_col=c0)
        frame = pd.DataFrame({"site": opened["name"].astype(str).to_numpy(),
                              "IT": opened["it_mw"].to_numpy(float), "PV": opened["pv_mw"].to_numpy(float),
                              "wind": opened["wind_mw"].to_numpy(float),
                              "battery": opened["battery_mw"].to_numpy(float)})
        first, last = styles.write_table(ws, frame, start_row=row, start_col=c0,
                                         units={"IT": "MW", "PV": "MW", "wind": "MW", "battery": "MW"})
        charts.bar_chart(ws, title="IT, PV, wind and battery capacity by site (MW)", header_row=row,
                         first_row=first, last_row=last, cat_col=c0, value_cols=[c0 + 1, c0 + 2, c0 + 3, c0 + 4],
                         anchor=f"B{chart_row}", y_title="MW", number_format="#,##0")
        row = last + 2
        chart_row += chart_rows

    # 3. typical-day dispatch of the largest site
    if not opened.empty and not result.dispatch.empty:
        big = opened.sort_values("it_mw", ascending=False).iloc[0]
        day, label = typical_day(result.dispatch, str(big["site_id"]))
        if not day.empty:
            row = styles.write_section(ws, row, f"Typical day at {big['name']}: {label}", 9, start_col=c0)
            frame = pd.DataFrame({
                "hour": day["hour"].astype(int).to_numpy(),
                "PV": day["pv_mw"].to_numpy(float), "wind": day["wind_mw"].to_numpy(float),
                "grid import": day["grid_import_mw"].to_numpy(float),
                "battery discharge": day["battery_discharge_mw"].to_numpy(float),
                "facility load": day["facility_load_mw"].to_numpy(float),
                "battery charge": day["battery_charge_mw"].to_numpy(float),
                "export": day["export_mw"].to_numpy(float),
                "curtailment": day["curtailment_mw"].to_numpy(float),
            })
            units = {c: "MW" for c in frame.columns if c != "hour"}
            units["hour"] = "h"
            first, last = styles.write_table(ws, frame, start_row=row, start_col=c0, units=units,
                                             formats={"hour": "0"})
            charts.dispatch_chart(ws, title=f"Typical-day energy flows at {big['name']}, MW ({label})",
                                  header_row=row, first_row=first, last_row=last, cat_col=c0,
                                  area_cols=[c0 + 1, c0 + 2, c0 + 3, c0 + 4],
                                  line_cols=[c0 + 5, c0 + 6, c0 + 7, c0 + 8], anchor=f"B{chart_row}")
            row = last + 2
            chart_row += chart_rows + 2

    # 4. map picture
    if not result.sites.empty:
        sites = sites_frame(result, case)
        demand = case.demand.reset_index()
        if "name" not in demand.columns:
            demand["name"] = demand["demand_id"]
        png = site_map_png(sites, demand, result.assignments,
                           title=f"{result.case_name}: sites, demands and assignments")
        img = XLImage(io.BytesIO(png))
        img.width, img.height = 900, round(900 * img.height / img.width)
        ws.cell(row=chart_row, column=2, value="Map: sites (size ~ IT MW), demands and assignments "
                "(longitude/latitude axes)").font = styles.SECTION_FONT
        ws.add_image(img, f"B{chart_row + 1}")
    ws.column_dimensions["A"].width = 2
    for col in range(2, c0):
        ws.column_dimensions[get_column_letter(col)].width = 10
    for col, width in zip(range(c0, c0 + 9), (20, 16, 12, 12, 16, 16, 16, 12, 12)):
        ws.column_dimensions[get_column_letter(col)].width = width
    styles.print_setup(ws)


# ---------------------------------------------------------------------------------------------------------
# Inputs and Run
# ---------------------------------------------------------------------------------------------------------
def _settings_frame(case: Case) -> pd.DataFrame:
    rows = []
    for f in dataclasses.fields(case.settings):
        value = getattr(case.settings, f.name)
        try:
            col = SETTINGS.column(f.name)
            unit, desc = col.unit, col.description
        except KeyError:
            unit, desc = "-", ""
        rows.append({"name": f.name, "value": value, "unit": unit, "description": desc})
    return pd.DataFrame(rows)


def input_tables(case: Case) -> list[tuple[str, pd.DataFrame]]:
    """(sheet name, table) of the validated inputs, ids as columns, in schema order."""
    out: list[tuple[str, pd.DataFrame]] = [("Settings", _settings_frame(case))]
    for name, attr in (("Hubs", "hubs"), ("Sites", "sites"), ("Cooling", "cooling"),
                       ("SiteCooling", "site_cooling"), ("Demand", "demand"), ("Network", "network"),
                       ("Links", "links"), ("Technologies", "technologies")):
        frame = getattr(case, attr)
        if frame is None or frame.empty:
            continue
        frame = frame.reset_index() if not isinstance(frame.index, pd.RangeIndex) else frame.copy()
        out.append((name, frame))
    prof = pd.concat([case.timesteps.reset_index(drop=True), case.profiles.reset_index(drop=True)], axis=1)
    out.append(("Profiles", prof))
    return out


def _input_units(sheet: str, frame: pd.DataFrame) -> dict[str, str]:
    spec = SHEETS_BY_NAME.get(sheet)
    units = {}
    for c in frame.columns:
        try:
            units[str(c)] = spec.column(str(c)).unit if spec is not None else "-"
        except KeyError:
            units[str(c)] = "-"
    return units


def _input_formats(units: dict[str, str]) -> dict[str, str]:
    out = {}
    for c, u in units.items():
        if u in ("CNY", "CNY/MW", "CNY/(MW*yr)"):
            out[c] = "#,##0"
        elif u in ("-", "deg", "1/yr", "1/degC", "tCO2/MWh", "ms/km", "MW/MW", "cf", "share", "degC"):
            out[c] = "0.####"
        else:
            out[c] = styles.number_format_for(u, c)
    return out


def _write_inputs(wb: Workbook, case: Case, input_name: str) -> None:
    ws = wb.create_sheet("Inputs")
    r = styles.write_title(ws, 1, "Inputs as used (validated, defaults filled in)",
                           f"From {input_name or case.source}. Each block: sheet name, column names, units, "
                           f"data.")
    styles.freeze(ws, "B3")
    r += 1
    for sheet, frame in input_tables(case):
        spec = SHEETS_BY_NAME.get(sheet)
        r = styles.write_section(ws, r, f"{sheet}: {spec.description}" if spec else sheet,
                                 min(len(frame.columns), 12))
        units = _input_units(sheet, frame)
        if sheet == "Settings":
            units = {"name": "-", "value": "see unit", "unit": "-", "description": "-"}
        frame = frame.copy()
        frame.columns = [str(c) for c in frame.columns]
        _, last = styles.write_table(ws, frame, start_row=r, units=units, formats=_input_formats(units))
        r = last + 2
    styles.set_widths(ws, max_width=28, sample_rows=200, fixed={"A": 24})
    styles.print_setup(ws)


def run_rows(result: Result, case: Case, *, input_path: str | Path | None, command_line: str | None,
             written_at: str) -> list[tuple[str, Any, str]]:
    info, st = result.solve, case.settings
    versions = _versions()
    p = Path(input_path) if input_path else None
    rows: list[tuple[str, Any, str]] = [
        ("format", FORMAT, "Marks this workbook as a planner result (read by planner compare)"),
        ("format_version", FORMAT_VERSION, "Layout version of this workbook"),
        ("case_name", result.case_name, "Settings case_name"),
        ("input_file", p.name if p else (case.source or ""), "Input workbook"),
        ("input_path", str(p.resolve()) if p else "", "Full path of the input workbook when solved"),
        ("input_sha256", sha256_of(p) if p and p.is_file() else "", "SHA-256 of the input workbook"),
        ("written_at", written_at, "When this workbook was written (local time)"),
        ("command_line", command_line if command_line is not None else " ".join(sys.argv), "Command"),
        ("planner_version", versions["planner"], ""),
        ("pyomo_version", versions["pyomo"], ""),
        ("highs_version", info.solver_version or versions["highspy"], "HiGHS (highspy)"),
        ("python_version", versions["python"], ""),
        ("openpyxl_version", versions["openpyxl"], ""),
        ("platform", platform.platform(), ""),
        ("solver_status", info.status, status_text(result)),
        ("termination", info.termination, "HiGHS termination condition"),
        ("mip_gap_setting", info.mip_gap_setting, "Relative MIP gap setting used"),
        ("time_limit_s_setting", info.time_limit_s_setting, "Time limit used (s)"),
        ("objective", st.objective, "Settings objective"),
        ("carbon_price_cny_per_tco2", st.carbon_price_cny_per_tco2, "Settings"),
        ("carbon_cap_tco2_per_yr", st.carbon_cap_tco2_per_yr, "Settings (blank = none)"),
        ("case_summary", case.summary(), ""),
    ]
    for w in case.warnings:
        rows.append(("input_warning", str(w), "Validation warning"))
    for m in result.messages:
        rows.append(("message", m, "Solver / post-processing message"))
    return rows


def _write_run(wb: Workbook, result: Result, case: Case, *, input_path, command_line, written_at) -> None:
    ws = wb.create_sheet("Run")
    rows = run_rows(result, case, input_path=input_path, command_line=command_line, written_at=written_at)
    frame = pd.DataFrame(rows, columns=["item", "value", "note"])
    frame["value"] = frame["value"].map(lambda v: "" if v is None else v)
    styles.write_table(ws, frame, units={"item": "-", "value": "-", "note": "-"},
                       formats={"value": "General"})
    styles.freeze(ws, "B3")
    styles.set_widths(ws, fixed={"A": 28, "B": 70, "C": 60})
    styles.print_setup(ws, repeat_rows="1:2")


# ---------------------------------------------------------------------------------------------------------
# Public API
# ---------------------------------------------------------------------------------------------------------
def build_result_workbook(result: Result, case: Case, *, input_path: str | Path | None = None,
                          command_line: str | None = None, written_at: str | None = None) -> Workbook:
    """The result workbook in memory (see `write_result_workbook`)."""
    if not has_plan(result):
        raise NotSolved(f"no plan to write: the solve ended {result.solve.status!r}")
    written_at = written_at or dt.datetime.now().astimezone().isoformat(timespec="seconds")
    wb = Workbook()
    wb.remove(wb.active)
    input_name = Path(input_path).name if input_path else case.source
    _write_summary(wb, result, case, written_at)
    _write_sites(wb, result, case)
    _write_assignments(wb, result, case)
    _write_policy(wb, result)
    _write_dispatch(wb, result, case)
    _write_charts(wb, result, case)
    _write_inputs(wb, case, input_name)
    _write_run(wb, result, case, input_path=input_path, command_line=command_line, written_at=written_at)
    wb.properties.title = f"planner result: {result.case_name}"
    wb.properties.subject = status_text(result)
    wb.properties.creator = f"planner {__version__}"
    wb.properties.keywords = FORMAT
    wb.active = 0
    return wb


def write_result_workbook(result: Result, case: Case, path: str | Path, *, input_path: str | Path | None = None,
                          command_line: str | None = None) -> Path:
    """Write the result workbook to ``path`` atomically (temporary file + rename); returns the path.

    Raises `NotSolved` when the result has no plan (infeasible / error). Never leaves a partial file.
    """
    path = Path(path)
    wb = build_result_workbook(result, case, input_path=input_path, command_line=command_line)
    return save_atomic(wb, path)


def write_infeasibility_workbook(result: Result, case: Case, path: str | Path, *,
                                 input_path: str | Path | None = None, command_line: str | None = None) -> Path:
    """A small report of why the case is infeasible: the explanation table, the messages and provenance."""
    written_at = dt.datetime.now().astimezone().isoformat(timespec="seconds")
    wb = Workbook()
    ws = wb.active
    ws.title = "Infeasibility"
    r = styles.write_title(ws, 1, f"planner: case {result.case_name} is infeasible",
                           "No plan meets every constraint. The rows below say which constraints cannot be met "
                           "together and by how much.")
    r += 1
    for m in result.messages:
        styles.put(ws, r, 1, m).alignment = styles.WRAP
        r += 1
    r += 1
    table = result.infeasibility if result.infeasibility is not None else pd.DataFrame()
    if not table.empty:
        header = r
        styles.write_table(ws, table, start_row=header, units={"required": "see unit", "reachable": "see unit",
                                                              "violation": "see unit"},
                           formats={"required": "#,##0.###", "reachable": "#,##0.###", "violation": "#,##0.###"})
        styles.freeze(ws, f"A{header + 2}")
    styles.set_widths(ws, max_width=70)
    _write_inputs(wb, case, Path(input_path).name if input_path else case.source)
    _write_run(wb, result, case, input_path=input_path, command_line=command_line, written_at=written_at)
    return save_atomic(wb, path)


__all__ = ["FORMAT", "FORMAT_VERSION", "NotSolved", "SHEET_ORDER", "build_result_workbook", "has_plan",
           "status_text", "summary_frame", "write_infeasibility_workbook", "write_result_workbook"]
