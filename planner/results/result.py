"""The result of a solve: tables of decisions and KPIs.

Produced by `planner.results.postprocess`, consumed by the result workbook writer and by `planner compare`.
Every numeric column name carries its unit; the columns and KPIs are declared in `planner.results.schema`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import pandas as pd

# The column tuples of the tables below, derived from the result schema (planner.results.schema):
# KPI_COLUMNS (one row per KPI), SITE_COLUMNS (one row per candidate site), ASSIGNMENT_COLUMNS (one row per
# demand-site pair with served load > 0), POLICY_COLUMNS (one row per policy constraint instance),
# DISPATCH_COLUMNS (long format, one row per open site and time step), COST_COMPONENTS (one row of the cost
# breakdown per component, annualised CNY/yr; the model's own list).
from planner.results.schema import (  # re-exported: other modules import them from here
    ASSIGNMENT_COLUMNS,
    COST_COLUMNS,
    COST_COMPONENTS,
    DISPATCH_COLUMNS,
    HUB_COLUMNS,
    INFEASIBILITY_COLUMNS,
    INVESTMENT_COLUMNS,
    KPI_COLUMNS,
    POLICY_COLUMNS,
    SITE_COLUMNS,
)


@dataclass
class SolveInfo:
    # "optimal" (proven: gap at most planner.solver.outcome.OPTIMAL_GAP), "within_gap" (proven within the gap
    # setting, not optimal), "time_limit" (incumbent, not proven optimal), "feasible" (a full-year plan from the site
    # decomposition, not proven within the gap setting: its bound, if any, is from average days), "infeasible",
    # "unbounded", "error"
    status: str
    termination: str  # the method that proved (or found) the plan and how it ended
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
        return _pct(self.gap) if self.gap is not None and math.isfinite(self.gap) else "n/a"

    def status_text(self) -> str:
        """One line for people: optimal, or feasible but not proven optimal, with the gap."""
        if self.status == "optimal":
            return f"optimal (proven: final gap {self.gap_text})"
        if self.status == "within_gap":
            setting = f" of {_pct(self.mip_gap_setting)}" if self.mip_gap_setting is not None else ""
            return f"within gap ({self.gap_text}): proven within the gap setting{setting}, not proven optimal"
        if self.status == "time_limit":
            return f"NOT PROVEN OPTIMAL: stopped at the time limit with a feasible plan (gap {self.gap_text})"
        if self.status == "feasible":
            if self.gap is not None and math.isfinite(self.gap):
                return (f"NOT PROVEN OPTIMAL: a feasible full-year plan, designed on representative days; within "
                        f"{self.gap_text} of a lower bound from average days and each site's year dispatch")
            return ("NOT PROVEN OPTIMAL: a feasible full-year plan, designed on representative days; no bound "
                    "for the year, so its gap is unknown")
        return self.status


def _pct(share: float) -> str:
    """A gap as a percentage: two decimals, or two significant digits below 0.01 % (never '0.00 %' for a gap)."""
    return f"{share:.2%}" if share == 0 or share >= 1e-4 else f"{share * 100:.2g}%"


@dataclass
class Result:
    case_name: str
    solve: SolveInfo
    kpis: pd.DataFrame  # KPI_COLUMNS
    costs: pd.DataFrame  # COST_COLUMNS: component, cost_cny_per_yr
    sites: pd.DataFrame  # SITE_COLUMNS
    assignments: pd.DataFrame  # ASSIGNMENT_COLUMNS
    policy: pd.DataFrame  # POLICY_COLUMNS
    dispatch: pd.DataFrame  # DISPATCH_COLUMNS
    infeasibility: pd.DataFrame | None = None  # when infeasible: INFEASIBILITY_COLUMNS
    messages: list[str] = field(default_factory=list)
    hubs: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=list(HUB_COLUMNS)))
    investment: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=list(INVESTMENT_COLUMNS)))

    def kpi(self, name: str) -> float:
        row = self.kpis.loc[self.kpis["kpi"] == name]
        if row.empty:
            raise KeyError(f"no KPI named {name!r}")
        return float(row["value"].iloc[0])


__all__ = ["ASSIGNMENT_COLUMNS", "COST_COLUMNS", "COST_COMPONENTS", "DISPATCH_COLUMNS", "HUB_COLUMNS",
           "INFEASIBILITY_COLUMNS", "INVESTMENT_COLUMNS",
           "KPI_COLUMNS", "POLICY_COLUMNS", "Result", "SITE_COLUMNS", "SolveInfo"]
