"""The result of a solve: tables of decisions and KPIs.

Produced by `planner.results.postprocess`, consumed by the result workbook writer and by `planner compare`.
Every numeric column name carries its unit.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import pandas as pd

# KPI table columns: one row per KPI
KPI_COLUMNS = ("kpi", "value", "unit", "description")

# Sites table: one row per candidate site (index site_id)
SITE_COLUMNS = (
    "site_id", "name", "hub_id", "opened", "it_mw", "new_it_mw", "modules", "cooling_id", "pue_annual",
    "it_energy_mwh", "facility_energy_mwh", "pv_mw", "wind_mw", "battery_mw", "battery_mwh", "grid_mw",
    "renewable_generation_mwh", "selfuse_mwh", "export_mwh", "curtailment_mwh", "grid_import_mwh",
    "consumption_mwh", "selfuse_share_of_generation", "selfuse_share_of_consumption",
    "export_share_of_generation", "green_share", "emissions_tco2", "cost_cny",
)

# Assignments table: one row per demand-site pair with served load > 0
ASSIGNMENT_COLUMNS = ("demand_id", "site_id", "it_mw", "share_of_demand", "latency_ms", "latency_cap_ms",
                      "service_cost_cny")

# Policy table: one row per policy constraint instance
POLICY_COLUMNS = ("policy", "scope", "required", "achieved", "slack", "unit", "sense", "binding", "satisfied")

# Dispatch table: long format, one row per open site and time step
DISPATCH_COLUMNS = (
    "site_id", "t", "day", "hour", "weight_days", "it_load_mw", "facility_load_mw", "pv_mw", "wind_mw",
    "grid_import_mw", "battery_charge_mw", "battery_discharge_mw", "battery_soc_mwh", "export_mw",
    "curtailment_mw",
)

# Cost breakdown: one row per cost component (annualised CNY/yr)
COST_COMPONENTS = ("site_opening", "it", "cooling", "pv", "wind", "battery", "grid_connection", "energy",
                   "service", "carbon", "export_revenue")


@dataclass
class SolveInfo:
    # "optimal", "time_limit" (incumbent, not proven optimal), "feasible" (a full-year plan from the site
    # decomposition, not proven within the gap setting: its bound, if any, is from average days), "infeasible",
    # "unbounded", "error"
    status: str
    termination: str  # solver's own termination condition text
    objective_cny: float | None
    best_bound_cny: float | None
    gap: float | None  # relative MIP gap at the end
    proven_optimal: bool
    build_s: float = 0.0
    solve_s: float = 0.0  # wall time of the solver call (hand-off + HiGHS)
    highs_s: float | None = None  # HiGHS' own run time
    n_variables: int = 0
    n_constraints: int = 0
    n_binaries: int = 0
    n_integers: int = 0
    solver: str = "HiGHS"
    solver_version: str = ""
    mip_gap_setting: float | None = None
    time_limit_s_setting: float | None = None

    @property
    def gap_text(self) -> str:
        return f"{self.gap:.2%}" if self.gap is not None and math.isfinite(self.gap) else "n/a"

    def status_text(self) -> str:
        """One line for people: optimal, or feasible but not proven optimal, with the gap."""
        if self.status == "optimal":
            return f"optimal (within the MIP gap setting; final gap {self.gap_text})"
        if self.status == "time_limit":
            return f"NOT PROVEN OPTIMAL: stopped at the time limit with a feasible plan (gap {self.gap_text})"
        if self.status == "feasible":
            if self.gap is not None and math.isfinite(self.gap):
                return (f"NOT PROVEN OPTIMAL: a feasible full-year plan, designed on representative days; within "
                        f"{self.gap_text} of a lower bound from average days and each site's year dispatch")
            return ("NOT PROVEN OPTIMAL: a feasible full-year plan, designed on representative days; no bound "
                    "for the year, so its gap is unknown")
        return self.status


@dataclass
class Result:
    case_name: str
    solve: SolveInfo
    kpis: pd.DataFrame  # KPI_COLUMNS
    costs: pd.DataFrame  # component, cost_cny_per_yr
    sites: pd.DataFrame  # SITE_COLUMNS
    assignments: pd.DataFrame  # ASSIGNMENT_COLUMNS
    policy: pd.DataFrame  # POLICY_COLUMNS
    dispatch: pd.DataFrame  # DISPATCH_COLUMNS
    infeasibility: pd.DataFrame | None = None  # when infeasible: constraint, scope, required, reachable, violation
    messages: list[str] = field(default_factory=list)

    def kpi(self, name: str) -> float:
        row = self.kpis.loc[self.kpis["kpi"] == name]
        if row.empty:
            raise KeyError(f"no KPI named {name!r}")
        return float(row["value"].iloc[0])
