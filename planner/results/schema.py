"""The result workbook schema, declared once.

Every sheet `planner solve` writes, every table on it, and per column its name, type, unit (as shown in the
units row), description and Excel number format; the rows of the Summary sheet (the KPIs and the solver rows)
and of the Run sheet likewise. Everything else follows from this module:

- `planner.results.result`: the column tuples of the `Result` tables (`SITE_COLUMNS`, `KPI_COLUMNS`, ...);
- `kpi_rows`: the KPI table of a `Result`, built from a dict of values in schema order;
- `planner.report`: the result workbook's header rows, units, header comments, number formats and
  Summary/Run rows, and `planner.report.read_result`, which finds and converts the columns it reads back;
- the "Result workbook reference" in README.md (`python -m planner.report.result_reference`).

Shares are stored as fractions (0-1) and shown as percentages: their unit reads '%' on the sheets.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd

from planner.model.cost_components import CAPEX_COMPONENTS, COST_COMPONENTS
from planner.model.policies import POLICIES as POLICY_RULES
from planner.results.schema_green import GREEN_PART_COLUMNS, HUB_GREEN_COLUMNS
from planner.results.schema_types import (
    DType,
    Column,
    FMT_CNY,
    FMT_DAYS,
    FMT_FLOAT,
    FMT_GAP,
    FMT_GENERAL,
    FMT_INT,
    FMT_KG_PER_KWH,
    FMT_LATLON,
    FMT_MCNY,
    FMT_MS,
    FMT_MW,
    FMT_MWH,
    FMT_PUE,
    FMT_REPORT,
    FMT_SECONDS,
    FMT_SHARE,
    FMT_TCO2,
    Kpi,
    PERCENT,
    SEE_UNIT,
    Sheet,
    Table,
    column,
    mw_column,
    mwh_yr_column,
    share_column,
)


FORMAT = "planner-result"  # the Run sheet's `format` item: marks a workbook as a planner result
FORMAT_VERSION = 2  # layout version of the result workbook (Run sheet `format_version`)

# ---------------------------------------------------------------------------------------------------------
# Cost components and policies: the values of Result.costs' `component` and the Policy sheet's `policy`
# ---------------------------------------------------------------------------------------------------------
# component -> (short label, what the Summary sheet says about it); the components are the model's own list
# (planner.model.cost_components.COST_COMPONENTS)
COST_TEXT: dict[str, tuple[str, str]] = {
    "site_opening": ("site opening", "Site opening (land, shell, substation), annualised"),
    "it": ("IT", "IT capacity (building, power chain), annualised"),
    "cooling": ("cooling", "Cooling systems, annualised"),
    "pv": ("PV", "Direct-connected PV: capex annuity + fixed O&M"),
    "wind": ("wind", "Direct-connected wind: capex annuity + fixed O&M"),
    "battery": ("battery", "Battery storage: capex annuity + fixed O&M"),
    "grid_connection": ("grid connection", "Grid connection capacity charge"),
    "energy": ("grid energy", "Grid electricity purchased"),
    "service": ("service / network", "Network / service cost of serving the demand"),
    "carbon": ("carbon", "Carbon price on grid emissions"),
    "export_revenue": ("export revenue", "Revenue from exported renewable energy (negative = income)"),
    "certificates": ("green certificates", "Green certificates bought (绿证)"),
    "green_contracts": ("green-power contracts", "Premium of green-power contracts over the grid price (绿电交易)"),
    "flexible_moves": ("flexible load moves", "Cost of moving flexible compute load in time"),
    "water": ("water", "Water for cooling: water price x water use"),
    "heat_recovery": ("heat recovery", "Waste-heat recovery plant, annualised"),
    "heat_revenue": ("heat revenue", "Revenue from recovered heat sold (negative = income)"),
}

# policy -> what it says (the rules are declared in planner.model.policies)
POLICIES: tuple[tuple[str, str], ...] = tuple((p.name, p.description) for p in POLICY_RULES.values())
POLICY_DESCRIPTIONS: dict[str, str] = dict(POLICIES)


def cost_kpi(component: str) -> str:
    """The KPI name of a cost component: cost_<component>_cny_per_yr."""
    return f"cost_{component}_cny_per_yr"


def capex_kpi(component: str) -> str:
    """The KPI (and Investment column) name of a component's overnight capex: capex_<component>_cny."""
    return f"capex_{component}_cny"


# What the plan's net present value is (the Summary, the Investment sheet and README say it in these words)
NPV_DEFINITION = ("Net present value of the plan's cost over the study lifetime: the total annualised cost, paid "
                  "at the end of each year for site_lifetime_yr years (the study lifetime), discounted at "
                  "discount_rate to the start of year 1: total_cost x (1 - (1 + r)^-L) / r (total_cost x L when "
                  "r = 0). Shorter-lived assets (IT, cooling, PV, wind, batteries) are thereby renewed at their "
                  "annualised cost; a cost, so positive")


# ---------------------------------------------------------------------------------------------------------
# Summary: the KPIs (Result.kpis, one row each, in this order) and the solver rows
# ---------------------------------------------------------------------------------------------------------
SECTIONS = ("Cost", "Investment", "Emissions and green power", "Capacity", "Energy", "Solver")


def _kpi(name: str, unit: str, description: str, number_format: str, section: str, label: str, *,
         headline: bool = True, dtype: DType = "float", summary_text: str = "") -> Kpi:
    return Kpi(name=name, dtype=dtype, unit=unit, description=description, number_format=number_format,
               section=section, label=label, headline=headline, summary_text=summary_text)


def _cost_kpi(component: str) -> Kpi:
    label, text = COST_TEXT.get(component, (component.replace("_", " "), ""))
    return _kpi(cost_kpi(component), "CNY/yr", f"Annualised cost: {component.replace('_', ' ')}", FMT_CNY, "Cost",
                f"  {label}", summary_text=text)


_GREEN = "Emissions and green power"

KPIS: tuple[Kpi, ...] = (
    _kpi("total_cost_cny_per_yr", "CNY/yr", "Total annualised cost (capex annuities + O&M + energy + network + "
         "carbon - export revenue)", FMT_CNY, "Cost", "Total annualised cost"),
    *(_cost_kpi(c) for c in COST_COMPONENTS),
    _kpi("capex_total_cny", "CNY", "Overnight capital cost of the plan: every site's opening, IT, cooling, PV, "
         "wind and battery capex, before annualisation", FMT_CNY, "Investment", "Overnight capex"),
    *(_kpi(capex_kpi(c), "CNY", f"Overnight capex: {COST_TEXT[c][0]}", FMT_CNY, "Investment",
           f"  {COST_TEXT[c][0]}") for c in CAPEX_COMPONENTS),
    _kpi("npv_cost_cny", "CNY", NPV_DEFINITION, FMT_CNY, "Investment", "NPV of cost (lifetime)"),
    _kpi("unit_cost_cny_per_kw_it_yr", "CNY/kW-IT/yr", "Total annualised cost per kW of IT capacity",
         "#,##0", "Investment", "Unit cost per kW IT"),
    _kpi("unit_cost_cny_per_mwh_it", "CNY/MWh-IT", "Total annualised cost per MWh of IT energy", "#,##0.0",
         "Investment", "Unit cost per MWh IT"),
    _kpi("emissions_tco2_per_yr", "tCO2/yr", "Grid-import emissions (Settings.emission_accounting; plus embodied where priced)",
         FMT_TCO2, _GREEN, "Emissions"),
    _kpi("green_share", "-", "Green share of consumption (self-used renewables + green share of grid import)",
         FMT_SHARE, _GREEN, "Green-power share"),
    _kpi("pue_energy_weighted", "-", "Facility energy / IT energy over all sites", FMT_PUE, _GREEN,
         "PUE (energy-weighted)"),
    _kpi("cue_kgco2_per_kwh_it", "kgCO2/kWh", "Carbon usage effectiveness: emissions per kWh of IT energy",
         FMT_KG_PER_KWH, _GREEN, "CUE"),
    _kpi("renewable_selfuse_share", "-", "Self-used share of available renewable energy", FMT_SHARE, _GREEN,
         "Renewable self-use share"),
    _kpi("renewable_export_share", "-", "Exported share of available renewable energy", FMT_SHARE, _GREEN,
         "Renewable export share"),
    _kpi("curtailment_mwh_per_yr", "MWh/yr", "Curtailed renewable energy", FMT_MWH, _GREEN, "Curtailment"),
    _kpi("curtailment_share", "-", "Curtailed share of renewables", FMT_SHARE, _GREEN, "Curtailment share",
         headline=False),
    # compute-power coordination (issue 23): green purchases, embodied carbon
    _kpi("certificate_mwh_per_yr", "MWh/yr", "Green certificates bought", FMT_MWH, _GREEN, "Green certificates",
         headline=False),
    _kpi("contract_mwh_per_yr", "MWh/yr", "Green-power contracts", FMT_MWH, _GREEN, "Green-power contracts",
         headline=False),
    _kpi("embodied_emissions_tco2_per_yr", "tCO2/yr", "Embodied emissions of the capacity built, spread over its "
         "lifetime (under the carbon price and cap only with Settings.embodied_carbon_priced)", FMT_TCO2, _GREEN,
         "Embodied emissions", headline=False),
    _kpi("wue_l_per_kwh", "L/kWh", "Water usage effectiveness: water / IT energy over all sites", FMT_PUE, _GREEN,
         "WUE", headline=False),
    _kpi("heat_reuse_share", "-", "Waste-heat reuse rate: recovered heat / IT energy over all sites", FMT_SHARE,
         _GREEN, "Heat reuse rate", headline=False),
    _kpi("sites_opened", "count", "Sites opened", FMT_INT, "Capacity", "Sites opened", dtype="int"),
    _kpi("it_capacity_mw", "MW", "Total IT capacity", FMT_MW, "Capacity", "IT capacity"),
    _kpi("pv_capacity_mw", "MW", "Direct-connected PV", FMT_MW, "Capacity", "PV capacity"),
    _kpi("wind_capacity_mw", "MW", "Direct-connected wind", FMT_MW, "Capacity", "Wind capacity"),
    _kpi("battery_power_mw", "MW", "Battery power", FMT_MW, "Capacity", "Battery power"),
    _kpi("battery_energy_mwh", "MWh", "Battery energy", FMT_MW, "Capacity", "Battery energy"),
    _kpi("grid_connection_mw", "MW", "Grid connection capacity", FMT_MW, "Capacity", "Grid connection"),
    _kpi("it_energy_mwh_per_yr", "MWh/yr", "IT energy", FMT_MWH, "Energy", "IT energy", headline=False),
    _kpi("facility_energy_mwh_per_yr", "MWh/yr", "Facility energy (IT x PUE)", FMT_MWH, "Energy",
         "Facility energy", headline=False),
    _kpi("consumption_mwh_per_yr", "MWh/yr", "Electricity consumed (facility + storage losses)", FMT_MWH, "Energy",
         "Electricity consumed", headline=False),
    _kpi("grid_import_mwh_per_yr", "MWh/yr", "Grid import", FMT_MWH, "Energy", "Grid import", headline=False),
    _kpi("renewable_generation_mwh_per_yr", "MWh/yr", "Available direct-connected renewable energy", FMT_MWH,
         "Energy", "Renewable generation", headline=False),
    _kpi("flexible_moved_mwh_per_yr", "MWh/yr", "Flexible IT energy moved to other hours of its day", FMT_MWH,
         "Energy", "Flexible load moved", headline=False),
    _kpi("flexible_peak_reduction_mw", "MW", "Sum over sites of peak original IT load less peak served IT load",
         FMT_MW, "Energy", "Peak IT load reduction", headline=False),
    _kpi("flexible_saving_cny_per_yr", "CNY/yr", "Grid energy cost saved by moving load: the moved facility "
         "energy valued at each hour's grid price", FMT_CNY, "Energy", "Saving from moving load", headline=False),
    # water and waste heat (planner.model.water, planner.model.waste_heat)
    _kpi("water_m3_per_yr", "m3/yr", "Water used for cooling", FMT_MWH, "Energy", "Water use", headline=False),
    _kpi("heat_recovered_mwh_per_yr", "MWh/yr", "Recovered waste heat delivered to heat demand", FMT_MWH, "Energy",
         "Heat recovered", headline=False),
    _kpi("mip_gap", "-", "Relative MIP gap at the end", FMT_GAP, "Solver", "MIP gap", headline=False),
    _kpi("solve_time_s", "s", "Solver wall time (hand-off + HiGHS)", FMT_SECONDS, "Solver", "Solve time",
         headline=False),
    _kpi("build_time_s", "s", "Model build time", FMT_SECONDS, "Solver", "Build time", headline=False),
)


def _solver_row(name: str, dtype: DType, unit: str, description: str, number_format: str = FMT_GENERAL) -> Kpi:
    return Kpi(name=name, dtype=dtype, unit=unit, description=description, number_format=number_format,
               in_result=False, section="Solver")


# The Summary's rows about the solve itself, from `SolveInfo` (not in Result.kpis), after the Solver KPIs
SOLVER_ROWS: tuple[Kpi, ...] = (
    _solver_row("solver_status", "str", "-", "Solver status: optimal (proven: gap at most 0.0001 %); within_gap "
                "(proven within the gap setting, not optimal); time_limit (feasible plan, not proven "
                "optimal); feasible (full-year plan by site decomposition, not proven within the gap setting; its "
                "bound is from average days)"),
    _solver_row("proven_optimal", "bool", "yes/no", "Proven optimal (gap at most 0.0001 %); no for a plan within "
                "the gap setting"),
    _solver_row("termination", "str", "-", "Method: what proved (or found) the plan and how it ended"),
    _solver_row("objective_cny_per_yr", "float", "CNY/yr", "Objective value reported by HiGHS", FMT_CNY),
    _solver_row("best_bound_cny_per_yr", "float", "CNY/yr", "Best bound on the objective", FMT_CNY),
    _solver_row("highs_time_s", "float", "s", "HiGHS' own run time", FMT_SECONDS),
    _solver_row("mip_gap_setting", "float", PERCENT, "MIP gap setting used", FMT_GAP),
    _solver_row("time_limit_s_setting", "float", "s", "Time limit setting used", FMT_SECONDS),
    _solver_row("n_variables", "int", "count", "Model size: variables", FMT_INT),
    _solver_row("n_binaries", "int", "count", "Model size: binary variables", FMT_INT),
    _solver_row("n_integers", "int", "count", "Model size: general integer variables", FMT_INT),
    _solver_row("n_constraints", "int", "count", "Model size: constraints", FMT_INT),
    _solver_row("solver", "str", "-", "Solver and version"),
)

SUMMARY_ROWS: tuple[Kpi, ...] = KPIS + SOLVER_ROWS
KPIS_BY_NAME: dict[str, Kpi] = {k.name: k for k in SUMMARY_ROWS}
TEXT_ROWS: tuple[str, ...] = tuple(k.name for k in SUMMARY_ROWS if not k.numeric)

_KPI = column("kpi", "id", "-", "KPI name (unit in the name where it has one)")
_VALUE = column("value", "float", SEE_UNIT, "The KPI's value, in the row's unit", FMT_GENERAL)
_UNIT = column("unit", "str", "-", "Unit of the value ('%': a fraction shown as a percentage)")
_DESCRIPTION = column("description", "str", "-", "What the KPI measures")

# Result.kpis: one row per KPI of KPIS
KPI_TABLE = Table("Result.kpis", "The KPIs of a result, one row each.", (_KPI, _VALUE, _UNIT, _DESCRIPTION),
                  key=("kpi",), unit_row=False, rows=KPIS)

SUMMARY = Table(
    "Summary",
    "One row per KPI, grouped by section (Cost, Emissions and green power, Capacity, Energy, Solver), then the "
    "solver rows. No units row: each row has its unit in the unit column.",
    (column("section", "str", "-", f"KPI group: {', '.join(SECTIONS)} (shown on the group's first row)"),
     _DESCRIPTION, _VALUE, _UNIT, _KPI),
    key=("kpi",), unit_row=False, rows=SUMMARY_ROWS)

# ---------------------------------------------------------------------------------------------------------
# Table sheets
# ---------------------------------------------------------------------------------------------------------
SITES = Table(
    "Sites",
    "One row per candidate site (closed sites in grey); energy, emissions and cost are per year.",
    (
        column("site_id", "id", "-", "Candidate site id (Sites.site_id of the input)"),
        column("name", "str", "-", "Display name"),
        column("hub_id", "id", "-", "Hub the site belongs to"),
        column("lat", "float", "deg", "Latitude (WGS84), from the input", FMT_LATLON, in_result=False),
        column("lon", "float", "deg", "Longitude (WGS84), from the input", FMT_LATLON, in_result=False),
        column("opened", "bool", "yes/no", "Site opened in this plan"),
        mw_column("it_mw", "Total IT capacity (existing + new)"),
        mw_column("new_it_mw", "New IT capacity built (modules x module size)"),
        column("modules", "int", "-", "New IT modules built", FMT_INT),
        column("cooling_id", "id", "-", "Cooling technology chosen (blank: site closed)"),
        column("pue_annual", "float", "-", "Energy-weighted annual PUE of the site", FMT_PUE),
        mwh_yr_column("it_energy_mwh", "IT energy per year"),
        mwh_yr_column("facility_energy_mwh", "Facility energy per year (IT x PUE)"),
        mw_column("pv_mw", "Direct-connected PV built"),
        mw_column("wind_mw", "Direct-connected wind built"),
        mw_column("battery_mw", "Battery power"),
        column("battery_mwh", "float", "MWh", "Battery energy", FMT_MW),
        mw_column("grid_mw", "Grid connection capacity"),
        mwh_yr_column("renewable_generation_mwh", "Available direct-connected renewable energy per year"),
        mwh_yr_column("selfuse_mwh", "Renewable energy used on site per year"),
        mwh_yr_column("export_mwh", "Renewable energy exported to the grid per year"),
        mwh_yr_column("curtailment_mwh", "Renewable energy curtailed per year"),
        mwh_yr_column("grid_import_mwh", "Energy imported from the grid per year"),
        mwh_yr_column("consumption_mwh", "Electricity consumed per year (self-use + grid import)"),
        share_column("selfuse_share_of_generation", "Self-use / available renewable generation"),
        share_column("selfuse_share_of_consumption", "Self-use / consumption"),
        share_column("export_share_of_generation", "Export / available renewable generation"),
        share_column("green_share", "(Self-use + green share of grid import) / consumption"),
        column("emissions_tco2", "float", "tCO2/yr", "Grid-import emissions per year", FMT_TCO2),
        mwh_yr_column("certificate_mwh", "Green certificates bought per year"),
        mwh_yr_column("contract_mwh", "Green-power contracts per year"),
        column("embodied_tco2", "float", "tCO2/yr", "Embodied emissions of the site's capacity per year", FMT_TCO2),
        mwh_yr_column("flexible_moved_mwh", "Flexible IT energy moved within its day per year"),
        column("cost_cny", "float", "CNY/yr", "The site's share of the annualised cost", FMT_CNY),
        column("capex_cny", "float", "CNY", "The site's overnight capex (see the Investment sheet)", FMT_CNY),
        # water and waste heat (planner.model.water, planner.model.waste_heat)
        column("water_m3", "float", "m3/yr", "Water used for cooling per year", FMT_MWH),
        column("wue_l_per_kwh", "float", "L/kWh", "Water usage effectiveness: water / IT energy", FMT_PUE),
        mwh_yr_column("heat_recovered_mwh", "Recovered waste heat delivered per year"),
        mwh_yr_column("heat_pump_mwh", "Heat pumps' electricity per year (part of the facility energy)"),
        share_column("heat_reuse_share", "Waste-heat reuse rate: recovered heat / IT energy"),
        column("heat_revenue_cny", "float", "CNY/yr", "Revenue from recovered heat (the heat_revenue cost, "
               "negated)", FMT_CNY),
    ),
    key=("site_id",),
)

INVESTMENT = Table(
    "Investment",
    "One row per open site: overnight capex by technology (before annualisation), the annualised cost and the "
    "unit costs.",
    (
        column("site_id", "id", "-", "Open site"),
        column("name", "str", "-", "The site's display name, from the input", in_result=False),
        column("hub_id", "id", "-", "Hub the site belongs to"),
        mw_column("it_mw", "Total IT capacity"),
        *(column(capex_kpi(c), "float", "CNY", f"Overnight capex: {COST_TEXT[c][0]}", FMT_CNY)
          for c in CAPEX_COMPONENTS),
        column("capex_total_cny", "float", "CNY", "Overnight capex of the site", FMT_CNY),
        column("cost_cny", "float", "CNY/yr", "The site's share of the annualised cost", FMT_CNY),
        column("unit_cost_cny_per_kw_it_yr", "float", "CNY/kW-IT/yr", "Annualised cost per kW of IT capacity", "#,##0"),
        column("unit_cost_cny_per_mwh_it", "float", "CNY/MWh-IT", "Annualised cost per MWh of IT energy", "#,##0.0"),
    ),
    key=("site_id",),
)

HUBS = Table(
    "Hubs",
    "One row per hub with an open site: the sums over its open sites; green share and PUE energy-weighted.",
    (
        column("hub_id", "id", "-", "Hub (Hubs.hub_id of the input)"),
        column("name", "str", "-", "The hub's display name, from the input", in_result=False),
        column("sites_opened", "int", "count", "Sites opened in the hub", FMT_INT),
        mw_column("it_mw", "IT capacity"),
        mw_column("pv_mw", "Direct-connected PV"),
        mw_column("wind_mw", "Direct-connected wind"),
        mw_column("battery_mw", "Battery power"),
        column("capex_cny", "float", "CNY", "Overnight capex", FMT_CNY),
        column("cost_cny", "float", "CNY/yr", "Annualised cost", FMT_CNY),
        column("unit_cost_cny_per_kw_it_yr", "float", "CNY/kW-IT/yr", "Annualised cost per kW of IT capacity", "#,##0"),
        mwh_yr_column("it_energy_mwh", "IT energy per year"),
        mwh_yr_column("consumption_mwh", "Electricity consumed per year"),
        share_column("green_share", "(Self-use + green share of grid import + certificates + contracts) / consumption"),
        *HUB_GREEN_COLUMNS,  # what makes up the green share (planner.results.schema_green)
        column("pue", "float", "-", "Facility energy / IT energy", FMT_PUE),
        column("emissions_tco2", "float", "tCO2/yr", "Grid-import emissions per year", FMT_TCO2),
    ),
    key=("hub_id",),
)

ASSIGNMENTS = Table(
    "Assignments",
    "One row per demand-site pair that serves IT load.",
    (
        column("demand_id", "id", "-", "Demand id (Demand.demand_id of the input)"),
        column("demand_name", "str", "-", "The demand's display name, from the input", in_result=False),
        column("site_id", "id", "-", "Site serving (part of) the demand"),
        column("site_name", "str", "-", "The site's display name, from the input", in_result=False),
        mw_column("it_mw", "IT load of the demand served by the site"),
        share_column("share_of_demand", "Share of the demand's IT load served by the site"),
        column("latency_ms", "float", "ms", "One-way latency demand -> site", FMT_MS),
        column("latency_cap_ms", "float", "ms", "The demand's latency cap", FMT_MS),
        column("service_cost_cny", "float", "CNY/yr", "Network / service cost of this assignment per year", FMT_CNY),
    ),
    key=("demand_id", "site_id"),
)

POLICY = Table(
    "Policy",
    "One row per policy constraint instance: required and achieved value, slack, whether it binds (bold) and "
    "whether it is met (red if not). Shares are shown as %.",
    (
        column("policy", "id", "-", "The constraint (see the list below)", values=POLICIES),
        column("scope", "str", "-", "Where it applies: a hub, a site, a demand -> site pair, a demand or the case"),
        column("required", "float", SEE_UNIT, "The limit or target", FMT_FLOAT),
        column("achieved", "float", SEE_UNIT, "The plan's value", FMT_FLOAT),
        column("slack", "float", SEE_UNIT, "How far inside the limit (negative: violated)", FMT_FLOAT),
        column("unit", "str", "-", "Unit of required, achieved and slack"),
        column("sense", "str", "-", "<= (at most), >= (at least) or == (equal)"),
        column("binding", "bool", "yes/no", "The constraint is at its limit"),
        column("satisfied", "bool", "yes/no", "The constraint is met (within tolerance)"),
        *GREEN_PART_COLUMNS,  # hub_green_share rows: what makes up the share (planner.results.schema_green)
        column("description", "str", "-", "What the constraint says", in_result=False),
    ),
    key=("policy", "scope"),
)

DISPATCH = Table(
    "Dispatch",
    "Hourly energy flows in long format: one row per open site and time step.",
    (
        column("site_id", "id", "-", "Open site"),
        column("t", "int", "-", "Time step, 0-based, in the order of the Profiles rows", FMT_INT),
        column("day", "int", "-", "Day (period) number of the Profiles sheet", FMT_INT),
        column("hour", "int", "h", "Hour of the day, 0-23", FMT_INT),
        column("weight_days", "float", "days", "Days of the year this day stands for", FMT_DAYS),
        mw_column("it_load_mw", "IT load of the demands assigned to the site (before flexible load moves)"),
        mw_column("served_it_load_mw", "IT load served at the site (after flexible load moves)"),
        mw_column("facility_load_mw", "Facility load (served IT load x hourly PUE)"),
        mw_column("pv_mw", "Available PV generation"),
        mw_column("wind_mw", "Available wind generation"),
        mw_column("grid_import_mw", "Power imported from the grid"),
        mw_column("battery_charge_mw", "Battery charging"),
        mw_column("battery_discharge_mw", "Battery discharging"),
        column("battery_soc_mwh", "float", "MWh", "Battery state of charge at the end of the hour", FMT_MW),
        mw_column("export_mw", "Renewable power exported to the grid"),
        mw_column("curtailment_mw", "Renewable power curtailed"),
    ),
    key=("site_id", "t"),
)

# ---------------------------------------------------------------------------------------------------------
# Charts: the data blocks next to the charts
# ---------------------------------------------------------------------------------------------------------
CHART_COSTS = Table(
    "Annualised cost waterfall",
    "Data of the cost waterfall: the non-zero cost components, then the total; each bar stands on an invisible "
    "base at the running total.",
    (column("component", "str", "-", "Cost component (last row: the total)"),
     column("cost_mcny_per_yr", "float", "million CNY/yr", "Annualised cost of the component", FMT_MCNY),
     column("base_mcny_per_yr", "float", "million CNY/yr", "Where the bar starts (the running total)", FMT_MCNY),
     column("bar_mcny_per_yr", "float", "million CNY/yr", "Height of the bar (the component's size)", FMT_MCNY)),
)

CHART_CAPACITY = Table(
    "Capacity of the open sites",
    "Data of the capacity bar chart: one row per open site.",
    (column("site", "str", "-", "Site name"), mw_column("IT", "IT capacity"), mw_column("PV", "PV built"),
     mw_column("wind", "Wind built"), mw_column("battery", "Battery power")),
)

CHART_DAY = Table(
    "Typical day",
    "Data of the dispatch charts: 24 hours of each open site on its heaviest representative day (or the "
    "average day of a full year), one block per site; generation as areas, load, charging, export and "
    "curtailment as lines.",
    (column("hour", "int", "h", "Hour of the day", FMT_INT), mw_column("PV", "Available PV generation"),
     mw_column("wind", "Available wind generation"), mw_column("grid import", "Grid import"),
     mw_column("battery discharge", "Battery discharging"), mw_column("facility load", "Facility load"),
     mw_column("battery charge", "Battery charging"), mw_column("export", "Export to the grid"),
     mw_column("curtailment", "Curtailment")),
)

CHART_FLEX = Table(
    "Flexible load on a typical day",
    "Data of the flexible-load chart (only when load was moved): 24 hours of the site that moved the most IT "
    "energy, on the same kind of day as the dispatch chart; IT load before and after the moves.",
    (column("hour", "int", "h", "Hour of the day", FMT_INT), mw_column("IT load before", "IT load of the demands "
     "assigned to the site, before moves"), mw_column("IT load after", "IT load served after flexible moves")),
)

# ---------------------------------------------------------------------------------------------------------
# Inputs, Run, Infeasibility
# ---------------------------------------------------------------------------------------------------------
INPUT_SETTINGS = Table(
    "Settings",
    "The settings as used, one row per setting (defaults filled in).",
    (column("name", "id", "-", "Setting name"), column("value", "str", SEE_UNIT, "Value", FMT_FLOAT),
     column("unit", "str", "-", "Unit of the value"), column("description", "str", "-", "What the setting does")),
    key=("name",),
)


def _item(name: str, description: str, unit: str = "-", dtype: DType = "str") -> Column:
    return column(name, dtype, unit, description)


RUN_REPEATED = ("input_warning", "message", "override")  # items that may appear on several rows

RUN = Table(
    "Run",
    "Provenance: one row per item (input file and its SHA-256, versions, settings, command line).",
    (column("item", "id", "-", "Item name"), column("value", "str", "-", "Item value"),
     column("note", "str", "-", "What the item is")),
    key=("item",),
    rows=(
        _item("format", "Marks this workbook as a planner result (read by planner compare)"),
        _item("format_version", "Layout version of this workbook", dtype="int"),
        _item("case_name", "Settings case_name"),
        _item("input_file", "Input workbook"),
        _item("input_path", "Full path of the input workbook when solved"),
        _item("input_sha256", "SHA-256 of the input workbook"),
        _item("written_at", "When this workbook was written (local time)"),
        _item("command_line", "Command"),
        _item("planner_version", "planner version that wrote this workbook"),
        _item("pyomo_version", "Pyomo version"),
        _item("highs_version", "HiGHS (highspy)"),
        _item("python_version", "Python version"),
        _item("openpyxl_version", "openpyxl version"),
        _item("platform", "Operating system and machine"),
        _item("solver_status", "Solver status; the note says what it means for this plan"),
        _item("termination", "Method: what proved (or found) the plan (HiGHS' branch and bound, the site "
              "decomposition) and how it ended"),
        _item("mip_gap_setting", "Relative MIP gap setting used", dtype="float"),
        _item("time_limit_s_setting", "Time limit used (s)", "s", "float"),
        _item("objective", "Settings objective"),
        _item("carbon_price_cny_per_tco2", "Settings carbon_price_cny_per_tco2", "CNY/tCO2", "float"),
        _item("carbon_cap_tco2_per_yr", "Settings carbon_cap_tco2_per_yr (blank = none)", "tCO2/yr", "float"),
        _item("case_summary", "Size of the case: sites, hubs, demands, cooling technologies, time steps"),
        _item("input_warning", "Validation warning (one row each)"),
        _item("message", "Solver / post-processing message (one row each)"),
        _item("override", "Override applied to the input workbook (--set or a scenario; one row each)"),
    ),
)

# The explanation table of an infeasible case (planner.results.diagnose.INFEASIBILITY_COLUMNS)
INFEASIBILITY = Table(
    "Infeasibility",
    "Which constraints cannot be met together, and by how much (after the messages at the top).",
    (
        column("constraint", "id", "-", "The constraint that had to be violated (see the Policy sheet's list)"),
        column("scope", "str", "-", "Where: a hub, a site, a demand or the case"),
        column("required", "float", SEE_UNIT, "The limit or target", FMT_REPORT),
        column("reachable", "float", SEE_UNIT, "The best value the inputs allow", FMT_REPORT),
        column("violation", "float", SEE_UNIT, "How far the constraint had to be violated", FMT_REPORT),
        column("unit", "str", "-", "Unit of required, reachable and violation"),
        column("explanation", "str", "-", "The shortfall in input terms"),
    ),
    key=("constraint", "scope"),
)

# Result.costs: one row per cost component
COSTS = Table("Result.costs", "The annualised cost per component.",
              (column("component", "id", "-", f"Cost component: {', '.join(COST_COMPONENTS)}"),
               column("cost_cny_per_yr", "float", "CNY/yr", "Annualised cost of the component", FMT_CNY)),
              key=("component",))

# ---------------------------------------------------------------------------------------------------------
# The workbooks
# ---------------------------------------------------------------------------------------------------------
INPUTS_SHEET = Sheet(
    "Inputs",
    "The input tables as used (validated, defaults filled in), one block per input sheet: a title, the column "
    "names, the units, the data. Columns and units as in the input workbook reference; Settings as name, value, "
    "unit, description rows.", (INPUT_SETTINGS,))
RUN_SHEET = Sheet("Run", RUN.description, (RUN,))

RESULT_SHEETS: tuple[Sheet, ...] = (
    Sheet("Summary", "Title, the solver status in words (NOT PROVEN OPTIMAL when stopped early), then the KPI "
          "table.", (SUMMARY,)),
    Sheet("Sites", SITES.description, (SITES,)),
    Sheet("Hubs", HUBS.description, (HUBS,)),
    Sheet("Investment", INVESTMENT.description, (INVESTMENT,)),
    Sheet("Assignments", ASSIGNMENTS.description, (ASSIGNMENTS,)),
    Sheet("Policy", POLICY.description, (POLICY,)),
    Sheet("Dispatch", DISPATCH.description, (DISPATCH,)),
    Sheet("Charts", "Native Excel charts on the left (cost waterfall, capacity by site, a typical-day dispatch per "
          "open site) and a map picture of sites, demands and assignments; with flexible load moved, a typical "
          "day's IT load before and after the moves; each chart's data block on the right.",
          (CHART_COSTS, CHART_CAPACITY, CHART_DAY, CHART_FLEX)),
    INPUTS_SHEET,
    RUN_SHEET,
)

# `planner solve` writes this instead when the case is infeasible (outputs/<input-stem>-infeasibility.xlsx)
INFEASIBILITY_SHEETS: tuple[Sheet, ...] = (
    Sheet("Infeasibility", INFEASIBILITY.description, (INFEASIBILITY,)),
    INPUTS_SHEET,
    RUN_SHEET,
)

SHEET_ORDER: tuple[str, ...] = tuple(s.name for s in RESULT_SHEETS)
SHEETS_BY_NAME: dict[str, Sheet] = {s.name: s for s in RESULT_SHEETS + INFEASIBILITY_SHEETS}

# ---------------------------------------------------------------------------------------------------------
# The Result tables' columns
# ---------------------------------------------------------------------------------------------------------
KPI_COLUMNS: tuple[str, ...] = KPI_TABLE.column_names
COST_COLUMNS: tuple[str, ...] = COSTS.column_names
SITE_COLUMNS: tuple[str, ...] = SITES.result_columns
HUB_COLUMNS: tuple[str, ...] = HUBS.result_columns
INVESTMENT_COLUMNS: tuple[str, ...] = INVESTMENT.result_columns
ASSIGNMENT_COLUMNS: tuple[str, ...] = ASSIGNMENTS.result_columns
POLICY_COLUMNS: tuple[str, ...] = POLICY.result_columns
DISPATCH_COLUMNS: tuple[str, ...] = DISPATCH.result_columns
INFEASIBILITY_COLUMNS: tuple[str, ...] = INFEASIBILITY.column_names


def check_names(what: str, declared: Iterable[str], given: Iterable[str]) -> None:
    """Raise ValueError naming what is missing from / not declared in `given`, if anything."""
    declared, given = list(declared), list(given)
    missing = [n for n in declared if n not in given]
    extra = [n for n in given if n not in declared]
    if missing or extra:
        parts = ([f"missing {', '.join(missing)}"] if missing else []) + (
            [f"not declared in planner.results.schema: {', '.join(extra)}"] if extra else [])
        raise ValueError(f"{what}: {'; '.join(parts)}")


def kpi_rows(values: Mapping[str, Any], kpis: Iterable[Kpi] = KPIS) -> pd.DataFrame:
    """The KPI table (columns KPI_COLUMNS) of `values` (kpi name -> value), in schema order.

    Raises ValueError if a declared KPI has no value or a value is given for an undeclared one. `kpis`: the
    declared rows (default: the KPIs of Result.kpis; SOLVER_ROWS for the Summary's solver rows).
    """
    kpis = tuple(kpis)
    check_names("KPI values", (k.name for k in kpis), values)
    return pd.DataFrame([(k.name, values[k.name], k.unit, k.description) for k in kpis], columns=list(KPI_COLUMNS))


__all__ = [
    "ASSIGNMENTS", "ASSIGNMENT_COLUMNS", "CHART_CAPACITY", "CHART_COSTS", "CHART_DAY", "CHART_FLEX", "COSTS", "COST_COLUMNS",
    "COST_COMPONENTS", "COST_TEXT", "Column", "DISPATCH", "DISPATCH_COLUMNS", "FORMAT", "FORMAT_VERSION",
    "HUBS", "HUB_COLUMNS", "INFEASIBILITY", "INFEASIBILITY_COLUMNS", "INVESTMENT", "INVESTMENT_COLUMNS",
    "NPV_DEFINITION", "CAPEX_COMPONENTS", "capex_kpi", "INFEASIBILITY_SHEETS", "INPUT_SETTINGS", "KPIS", "KPIS_BY_NAME",
    "KPI_COLUMNS", "KPI_TABLE", "Kpi", "POLICIES", "POLICY", "POLICY_COLUMNS", "POLICY_DESCRIPTIONS",
    "RESULT_SHEETS", "RUN", "RUN_REPEATED", "SECTIONS", "SEE_UNIT", "SHEETS_BY_NAME", "SHEET_ORDER", "SITES",
    "SITE_COLUMNS", "SOLVER_ROWS", "SUMMARY", "SUMMARY_ROWS", "Sheet", "TEXT_ROWS", "Table", "check_names",
    "cost_kpi", "kpi_rows",
]
