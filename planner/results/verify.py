"""A plan's design run over a real year (`planner verify`): the year's dispatch LP with the design fixed, what
the year breaks, and (`resize`) how much the capacities must grow to make the design hold.

The design is what a plan decides once (`Design`): the open sites, their modules and cooling, the assignments,
and the capacities PV, wind, battery (power and energy) and grid connection. The year's model is built for the
design's open sites only (`restricted_to_sites`), the other sites stay closed.

1. The dispatch of the year with every design variable fixed (an LP: the integers are fixed too). If it has a
   solution, the year holds every rule with the design as it is.
2. If not, the year breaks something. The elastic model (`build_model(elastic=True)`: every relaxable rule of
   `roles.csv` gets a violation variable) with the design fixed and the grid connection free above the
   design's, first with the least (scaled) violation, then the least cost at those violations: which rules the
   year breaks and by how much (`diagnose.violation_table`), and how much more grid connection it takes to
   serve every hour.
3. `resize`: the year's planning problem with the integers and assignments of the design fixed and PV, wind,
   battery and grid connection free above the design's values, at least cost: what must be added, at what cost.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from typing import Callable

import pandas as pd
import pyomo.environ as pyo

from planner.input.case import Case
from planner.model.build import build_model
from planner.model.data import ModelData, prepare, restricted_to_sites
from planner.results.diagnose import violation_table
from planner.results.postprocess import postprocess
from planner.results.result import INFEASIBILITY_COLUMNS, Result, SolveInfo
from planner.solver.persistent import HighsSolver

# the continuous capacities `resize` may raise (Sites columns of the result workbook = model variables)
CAPACITIES = ("pv_mw", "wind_mw", "battery_mw", "battery_mwh", "grid_mw")
# the violations found first are held within this relative (and absolute) margin while cost is minimised
VIOLATION_SLACK = 1e-6
LP_GAP = 1e-6  # the integers are fixed: the year's model is an LP, solved to (near) optimality
LP_OPTIONS = {"solver": "ipm"}  # HiGHS' interior point method (with crossover) for the year's LPs


class DesignMismatch(ValueError):
    """The design names a site, cooling or demand the year's workbook does not have."""


@dataclass(frozen=True)
class SiteDesign:
    modules: int
    cooling_id: str
    it_mw: float
    pv_mw: float = 0.0
    wind_mw: float = 0.0
    battery_mw: float = 0.0
    battery_mwh: float = 0.0
    grid_mw: float = 0.0


@dataclass(frozen=True)
class Design:
    """A plan's design: per open site, its modules, cooling and capacities; the share of each demand per site."""

    sites: dict[str, SiteDesign]
    shares: dict[tuple[str, str], float]  # (demand_id, site_id) -> share of the demand's IT load (0-1)


@dataclass
class Verification:
    """The year with the design: `year` the result of the year's dispatch (with the rules relaxed and the grid
    connection raised if the design breaks them), `broken` the rules it breaks (INFEASIBILITY_COLUMNS),
    `grid_short_mw` per site the grid connection the year needs above the design's; `resized` the result of
    the resize (None if not asked or no plan), `resize_note` why not."""

    year: Result
    holds: bool
    broken: pd.DataFrame
    grid_short_mw: dict[str, float]
    resized: Result | None = None
    resize_note: str = ""
    notes: list[str] = field(default_factory=list)
    solve_s: float = 0.0


def design_from_tables(sites: pd.DataFrame, assignments: pd.DataFrame) -> Design:
    """The design in a plan's Sites and Assignments tables (a `Result`'s, or read back from its workbook)."""
    def num(r: dict, name: str) -> float:
        v = r.get(name)
        return 0.0 if v is None or (isinstance(v, float) and math.isnan(v)) else float(v)

    designs = {r["site_id"]: SiteDesign(modules=int(round(num(r, "modules"))), cooling_id=str(r["cooling_id"]),
                                        it_mw=num(r, "it_mw"), **{c: num(r, c) for c in CAPACITIES})
               for r in sites[sites["opened"].astype(bool)].to_dict("records")}
    shares = {(str(i), str(s)): float(v) for i, s, v in zip(assignments["demand_id"], assignments["site_id"],
                                                            assignments["share_of_demand"])}
    return Design(sites=designs, shares=shares)


def check_design(case: Case, design: Design) -> None:
    """DesignMismatch naming what the design has and the year's case lacks."""
    missing = [s for s in design.sites if s not in case.sites.index]
    if missing:
        raise DesignMismatch(f"the plan opens site(s) {', '.join(missing)}, which the year's Sites sheet does not "
                             "have: verify a plan against the year of the same case")
    for s, sd in design.sites.items():
        if (s, sd.cooling_id) not in case.site_cooling.index or not bool(case.site_cooling.at[(s, sd.cooling_id),
                                                                                              "allowed"]):
            raise DesignMismatch(f"the plan cools site {s} with {sd.cooling_id!r}, which the year's case does not "
                                 "allow there")
    demands = [i for i, _ in design.shares if i not in case.demand.index]
    if demands:
        raise DesignMismatch(f"the plan serves demand(s) {', '.join(sorted(set(demands)))}, which the year's Demand "
                             "sheet does not have")


def _fix(var, value: float | None, *, at_least: bool = False) -> None:
    """Fix one variable at `value` by its bounds (within its own bounds), or only raise its lower bound."""
    if value is None:
        return
    if var.is_integer():
        value = float(round(value))
    lb, ub = var.lb, var.ub
    value = max(value, lb) if lb is not None else value
    value = min(value, ub) if ub is not None else value
    var.setlb(value)
    if not at_least:
        var.setub(value)


def fix_design(m: pyo.ConcreteModel, design: Design, *, free: tuple[str, ...] = ()) -> None:
    """Fix the design's variables in `m`; the capacities named in `free` only from below (at least the
    design's)."""
    for s, sd in design.sites.items():
        _fix(m.open[s], 1.0)
        _fix(m.modules[s], sd.modules)
        for (site, k), v in m.cool.items():
            if site == s:
                _fix(v, 1.0 if k == sd.cooling_id else 0.0)
                _fix(m.it_mw[site, k], sd.it_mw if k == sd.cooling_id else 0.0)
        for name in CAPACITIES:
            var = getattr(m, name)
            if s in var:
                _fix(var[s], getattr(sd, name), at_least=name in free)
    for (i, s), v in m.assign_share.items():
        _fix(v, design.shares.get((i, s), 0.0))


def _info(outcome, build_s: float, solve_s: float) -> SolveInfo:
    return SolveInfo(status="optimal" if outcome.status == "optimal" else outcome.status,
                     termination=outcome.termination, objective_cny=outcome.objective, best_bound_cny=outcome.bound,
                     gap=outcome.gap, proven_optimal=outcome.status == "optimal", build_s=build_s, solve_s=solve_s,
                     highs_s=outcome.highs_s, solver_version=HighsSolver.version(), mip_gap_setting=LP_GAP)


def as_lp(m: pyo.ConcreteModel) -> pyo.ConcreteModel:
    """The integer columns of a model whose design is fixed made continuous (their bounds hold them): HiGHS then
    solves an LP, by its interior point method (much faster than the MIP path's simplex on a year of hours)."""
    for var in m.component_data_objects(pyo.Var):
        if var.is_integer():
            var.domain = pyo.Reals
    return m


def _solve(m: pyo.ConcreteModel, time_limit_s: float | None, solver: HighsSolver | None = None):
    start = time.perf_counter()
    outcome = (solver or HighsSolver(m)).solve(mip_gap=LP_GAP, time_limit_s=time_limit_s, options=LP_OPTIONS)
    return outcome, time.perf_counter() - start


def year_data(case: Case, design: Design) -> ModelData:
    check_design(case, design)
    return restricted_to_sites(prepare(case), list(design.sites))


StageReport = Callable[[str], None]  # hears the name of each of the year's solves as it starts


def _size(m: pyo.ConcreteModel) -> str:
    rows = sum(1 for _ in m.component_data_objects(pyo.Constraint, active=True))
    cols = sum(1 for _ in m.component_data_objects(pyo.Var))
    return f"{rows:,} rows x {cols:,} columns"


def verify_design(case: Case, design: Design, *, resize: bool = False, time_limit_s: float | None = None,
                  stage: StageReport = lambda text: None) -> Verification:
    """Run the year `case` with `design` (steps 1-3 of the module's description); `stage` hears each solve."""
    clock = time.perf_counter()
    d = year_data(case, design)
    start = time.perf_counter()
    m = build_model(d)
    fix_design(m, design)
    as_lp(m)
    build_s = time.perf_counter() - start
    stage(f"1. the year's dispatch with the design fixed ({_size(m)})")
    outcome, solve_s = _solve(m, time_limit_s)
    if outcome.has_solution and outcome.status == "optimal":
        out = Verification(year=postprocess(m, d, _info(outcome, build_s, solve_s)), holds=True,
                           broken=pd.DataFrame(columns=list(INFEASIBILITY_COLUMNS)), grid_short_mw={})
    else:
        out = _broken(d, design, time_limit_s, stage)
    if resize:
        out.resized, out.resize_note = resize_design(d, design, time_limit_s, stage)
    out.solve_s = time.perf_counter() - clock
    return out


def _broken(d: ModelData, design: Design, time_limit_s: float | None, stage: StageReport) -> Verification:
    """The year with the design breaks a rule or cannot serve an hour: the least violation (grid connection free
    above the design's), then the least cost at it."""
    start = time.perf_counter()
    m = build_model(d, elastic=True)
    fix_design(m, design, free=("grid_mw",))
    as_lp(m)
    build_s = time.perf_counter() - start
    solver = HighsSolver(m)
    stage(f"2. the design breaks the year: its least violation, grid connection free ({_size(m)})")
    first, _ = _solve(m, time_limit_s, solver)
    if not first.has_solution:
        raise RuntimeError(f"the year cannot be run with the design even with every rule relaxed and the grid "
                           f"connection free ({first.termination}): check Sites.max_grid_mw of the open sites")
    broken = violation_table(m, d)  # the least violations: what the year cannot avoid breaking
    for v in m.violation.values():
        found = float(v.value or 0.0)
        v.setub(found * (1 + VIOLATION_SLACK) + VIOLATION_SLACK)
    m.total_violation.deactivate()
    m.total_cost.activate()
    stage("3. the least cost at those violations")
    second, _ = _solve(m, time_limit_s, solver)
    outcome = second if second.has_solution else first
    short = {s: float(m.grid_mw[s].value) - sd.grid_mw for s, sd in design.sites.items()
             if float(m.grid_mw[s].value) - sd.grid_mw > 1e-6 * max(1.0, sd.grid_mw)}
    info = _info(outcome, build_s, first.wall_s + second.wall_s)
    return Verification(year=postprocess(m, d, info), holds=False, broken=broken, grid_short_mw=short)


def resize_design(d: ModelData, design: Design, time_limit_s: float | None,
                  stage: StageReport = lambda text: None) -> tuple[Result | None, str]:
    """The year with the design's integers and assignments fixed and PV, wind, battery and grid connection at
    least the design's, at least cost: (its result, '') or (None, why there is none)."""
    start = time.perf_counter()
    m = build_model(d)
    fix_design(m, design, free=CAPACITIES)
    as_lp(m)
    build_s = time.perf_counter() - start
    stage(f"resize: the year at least cost, PV, wind, battery and grid connection free above the design's "
          f"({_size(m)})")
    outcome, solve_s = _solve(m, time_limit_s)
    if not outcome.has_solution:
        return None, (f"no capacities make the design hold for the year ({outcome.status}): a rule cannot be met "
                      "by PV, wind, battery and grid connection within their limits alone (change the sites or "
                      "assignments)")
    return postprocess(m, d, _info(outcome, build_s, solve_s)), ""


def capacity_changes(design: Design, resized: Result) -> pd.DataFrame:
    """Per open site and capacity: the design's value, the resized one, the change."""
    rows = []
    sites = resized.sites.set_index("site_id")
    for s, sd in design.sites.items():
        for name in CAPACITIES:
            before, after = float(getattr(sd, name)), float(sites.at[s, name]) if s in sites.index else math.nan
            rows.append({"site_id": s, "capacity": name, "design": before, "resized": after,
                         "change": after - before})
    return pd.DataFrame(rows, columns=["site_id", "capacity", "design", "resized", "change"])
