"""Full-year cases: the design from a few days of the year, the plan from the year's LP of its open sites, and the
bound from average days with cuts from the year's dispatch, in turns with designs dived from that relaxation.

The per-site LPs of 8760 h with free capacities are too slow for column generation, so the design comes from
DESIGN_DAYS evenly spread days (`sites.decompose`). With the design fixed, the open sites' year LPs are priced
with the design days' duals, and column generation over them converges in a round or two: the master's
solution is the plan (`year_sizing`). Its lower bound is the Lagrangian bound of a relaxation of the year on
BOUND_DAYS average days of similar days, each site with groups of its own, the hours of the year that size each
grid connection kept as rows (`planner.model.data.aggregated_days`), and each site's operating cost at least what
its design costs over the real year (`year_cuts`, `year_bound`): looser than the bound on days, so such a plan is
usually reported with a gap.
"""

from __future__ import annotations

import dataclasses
import math
import time
from dataclasses import dataclass

import numpy as np
import pyomo.environ as pyo
from pyomo.common.gc_manager import PauseGC

from planner.decomposition.blocks import SiteBlocks, built_blocks, linking_duals
from planner.decomposition.budget import Budget
from planner.decomposition import progress as stage
from planner.decomposition.outcome import DecompositionOutcome, reporter
from planner.decomposition.progress import NO_PROGRESS, Progress
from planner.decomposition.sites import decompose
from planner.decomposition.tuning import (
    BINARY_ON,
    BOUND_FIRST_SHARE,
    DESIGN_DAYS,
    DESIGN_DAYS_SHARE,
    REDESIGN_ROOM,
    REDESIGN_SHARE,
    YEAR_LP_TOLERANCE,
)
from planner.decomposition.year_bound import YearBound
from planner.decomposition.year_cuts import YearDispatch, design_variables
from planner.decomposition.year_sizing import year_fixings, year_lp_by_sites
from planner.model import roles
from planner.model.data import ModelData, prepare, restricted_to_sites
from planner.pyomo_fast.elements import elements, values
from planner.solver.matrix import HighsMatrix, nearest_to_zero_values
from planner.solver.outcome import target_for


@dataclass
class YearPlan:
    """A full-year plan: the model of the open sites' year that its column values refer to."""

    model: pyo.ConcreteModel
    matrix: HighsMatrix
    x: np.ndarray
    objective: float

    def load_into(self, m: pyo.ConcreteModel) -> None:
        """The plan as values of the full model's variables: the open sites' from the plan, the other
        (closed) sites' 0, or the bound nearest to 0."""
        self.matrix.load(self.model, self.x)
        with PauseGC():
            self._carry_into(m)

    def _carry_into(self, m: pyo.ConcreteModel) -> None:
        for var in m.component_objects(pyo.Var, active=True):
            year_var = getattr(self.model, var.local_name)
            year_values = dict(zip(elements(year_var), values(year_var).tolist()))
            got = list(map(year_values.get, elements(var)))  # None: not in the year's model, nan: no value
            of_var = list(elements(var).values())
            missing = [k for k, value in enumerate(got) if value is None or value != value]
            for k, value in zip(missing, nearest_to_zero_values([of_var[k] for k in missing]).tolist()):
                got[k] = value
            for v, value in zip(of_var, got):
                v.set_value(value, skip_validation=True)


def coarse_case(case, n_days: int):
    """The case on `n_days` of its days, evenly spread, each weighted with the days it stands for."""
    ts = case.timesteps
    days = list(dict.fromkeys(ts["day"]))
    if len(days) <= n_days:
        return case
    day_weight = ts.groupby("day", sort=False)["weight_days"].first()
    keep, weight = [], {}
    for chunk in np.array_split(np.arange(len(days)), n_days):
        pick = days[chunk[len(chunk) // 2]]
        keep.append(pick)
        weight[pick] = float(sum(day_weight[days[j]] for j in chunk))
    rows = ts.index[ts["day"].isin(keep)]
    new_ts = ts.loc[rows].reset_index(drop=True)
    new_ts["weight_days"] = new_ts["day"].map(weight).astype(float)
    return dataclasses.replace(case, timesteps=new_ts, profiles=case.profiles.loc[rows].reset_index(drop=True))


def case_as_modelled(m: pyo.ConcreteModel, case):
    """`case` with the carbon price and cap the model holds now (`PlanningModel.set_carbon_price` and
    `set_carbon_cap` change the model, not the case): the models built from it for design days, average days
    and the open sites must solve the same problem."""
    cap = float(pyo.value(m.carbon_cap_tco2)) if m.carbon_cap.active else None
    settings = dataclasses.replace(case.settings, carbon_price_cny_per_tco2=float(pyo.value(m.carbon_price)),
                                   carbon_cap_tco2_per_yr=cap)
    return dataclasses.replace(case, settings=settings)


def decompose_on_days(m: pyo.ConcreteModel, d: ModelData, *, mip_gap: float, budget: Budget,
                      log=None, progress: Progress = NO_PROGRESS) -> tuple[DecompositionOutcome, YearPlan | None]:
    """Full-year cases: the design by `decompose` on a few evenly spread days of the year, then the year's
    LP with that design fixed (`_year_plan`); then the lower bound from average days with cuts from the year's
    dispatch, and a second design from that relaxation if the first plan is not proven (`_bound_and_redesign`).

    The year's LP is built for the open sites only (`restricted_to_sites`): the closed sites' hourly blocks,
    most of the full model, are never compiled. The design fixed for the year is the integers, the assignments
    and the PV, wind and battery capacities; the grid connection stays free, since the year's peak load is not
    among the design days. A site that cannot run the year with that design (e.g. a green-connection rule fails
    over the whole year) frees its battery and then its PV and wind (`year_sizing.year_fixings`)."""
    start = time.perf_counter()
    out = DecompositionOutcome()
    say = reporter(out, log, start, progress)
    d = dataclasses.replace(d, case=case_as_modelled(m, d.case))
    progress.stage(stage.DESIGN_DAYS)

    coarse = prepare(coarse_case(d.case, DESIGN_DAYS))
    if coarse.facility is not None and d.facility is not None:  # water is annual: the real year's own coefficients,
        # so a design that meets a water limit or WUE cap on the days meets it over the year
        coarse.facility = dataclasses.replace(coarse.facility, water_m3_per_mw=d.facility.water_m3_per_mw)
    cm, coarse_mat, cb = built_blocks(coarse)
    say(f"design on {DESIGN_DAYS} days of the year ({coarse.n_t} time steps)")
    design = decompose(coarse_mat.highs, cb, mip_gap=mip_gap, budget=budget.share_of_total(DESIGN_DAYS_SHARE),
                       log=log, progress=progress, stages=False)
    progress.stage(stage.YEAR)
    out.log = [*out.log, *design.log]
    out.highs_s = design.highs_s + coarse_mat.highs.getRunTime()
    out.rounds = design.rounds
    if design.plan is None:
        return out, None
    first = _year_plan(d, design.plan, (cm, coarse_mat, cb), design.link_duals, source=f"{DESIGN_DAYS} days",
                       mip_gap=mip_gap, budget=budget, out=out, say=say)
    if first is None:
        return out, None
    plan, b = first
    out.plan, out.plan_objective = plan.x, plan.objective
    if not budget.expired:
        plan = _bound_and_redesign(d, plan, b, (cb, coarse_mat.rows, design.link_duals),
                                   {_design_key(cb, coarse_mat, design.plan)}, mip_gap=mip_gap, budget=budget,
                                   out=out, say=say, progress=progress)
    if not math.isfinite(out.bound):
        say("no lower bound for the full year")
    return out, plan


def _year_plan(d: ModelData, x: np.ndarray, source_model, link_duals: np.ndarray | None, *, source: str,
               mip_gap: float, budget: Budget, out: DecompositionOutcome, say) -> tuple[YearPlan, SiteBlocks] | None:
    """The year's LP with a design fixed: x, column values of a model of a few days (`source_model`: its Pyomo
    model, HighsMatrix and SiteBlocks; `link_duals`: its duals of the linking rows, to price the first round).
    Built for the design's open sites only (`restricted_to_sites`). (The plan, the year model's blocks), or None
    if the design has no dispatch for the year within `budget`."""
    dm, dmat, db = source_model
    opened = [s for i, s in enumerate(db.sites) if x[db.open_col[i]] > BINARY_ON]
    clock = time.perf_counter()
    ym, year_mat, b = built_blocks(restricted_to_sites(d, opened))
    say(f"year: model of the {len(opened)} open sites built ({time.perf_counter() - clock:.1f} s)")
    duals = linking_duals(b, year_mat.rows, db, dmat.rows, link_duals)
    fixings = year_fixings()
    levels = [(what, _design_fixes(ym, year_mat.column, dm, dmat.column, x, names), solver)
              for what, names, solver in fixings]
    got = year_lp_by_sites(b, levels, duals, tolerance=YEAR_LP_TOLERANCE * mip_gap, budget=budget, out=out, say=say)
    if got is None:
        say(f"the year's LP of the {len(opened)} open sites: no plan")
        return None
    by_level = {}
    for i, k in enumerate(got[2]):
        by_level.setdefault(k, []).append(b.sites[i])
    say(f"the year's LP of the {len(opened)} open sites: {got[1]:,.0f}, with "
        + "; ".join(f"{fixings[k][0]} of the {source} fixed at "
                    + (", ".join(sites) if len(sites) < len(opened) else "every site")
                    for k, sites in sorted(by_level.items())))
    return YearPlan(ym, year_mat, got[0], got[1]), b


def _bound_and_redesign(d: ModelData, plan: YearPlan, b: SiteBlocks, start_duals, tried: set[tuple], *,
                        mip_gap: float, budget: Budget, out: DecompositionOutcome, say,
                        progress: Progress = NO_PROGRESS) -> YearPlan:
    """The lower bound for the year (`year_bound.YearBound`), with cuts first at the plan's design, in turns with
    new designs: while the plan is not proven, rounds of cuts (the first turn for up to BOUND_FIRST_SHARE of the
    time) until the bound rises too slowly to prove it, then a design dived from the relaxation with the year's
    cuts so far, whose year LP replaces the plan if cheaper and is cut at. When the time left would not hold
    another design, the rounds go on to the deadline; they end early when no cut is violated and the dive gives
    a design tried before (`tried`: `_design_key` of the designs run over the year so far). The best plan."""
    def dispatch(p: YearPlan, pb: SiteBlocks) -> dict:
        return {pb.sites[i]: lp for i, lp in YearDispatch.for_sites(p.matrix, pb.col_site).items()}

    def proven() -> bool:
        return out.plan_objective <= target_for(out.bound, mip_gap)

    progress.stage(stage.CUTS, out)
    relaxation: list[YearBound] = []

    def say_bound(text: str) -> None:  # the relaxation's bound moves before `out.bound` takes it
        say(text)
        progress.moved(out, relaxation[0].bound if relaxation else None)

    try:
        yb = YearBound(d, mip_gap=mip_gap, out=out, say=say_bound, start_duals=start_duals)
        relaxation.append(yb)
    except ValueError as why:  # days that are not 24 hourly steps
        say(f"no average days: {why}")
        return plan

    def redesign(dive_budget: Budget) -> bool:
        """A design dived from the relaxation, run over the year and cut at; the plan if cheaper. Whether the
        design was a new one."""
        nonlocal plan
        progress.stage(stage.REDESIGN, out)
        x = yb.design(dive_budget)
        if x is None:
            return False
        key = _design_key(yb.blocks, yb.mat, x)
        if key in tried:
            say("the design dived from the relaxation was tried before")
            return False
        tried.add(key)
        got = _year_plan(d, x, (yb.model, yb.mat, yb.blocks), yb.cg.y_link, source="average days with the year's "
                         "cuts", mip_gap=mip_gap, budget=budget, out=out, say=say)
        if got is not None:
            cheaper = got[0].objective < out.plan_objective
            yb.cut_at(_site_designs(got[1], got[0].matrix, got[0].x), dispatch(*got), budget, core=cheaper)
            say(f"plan from the average days with the year's cuts: {got[0].objective:,.0f}, "
                f"{got[0].objective / out.plan_objective - 1:+.3%} against the best so far")
            if cheaper:
                plan = got[0]
                out.plan, out.plan_objective = plan.x, plan.objective
        return True

    try:
        yb.cut_at(_site_designs(b, plan.matrix, plan.x), dispatch(plan, b), budget)
        rounds, redesign_s = budget.share(BOUND_FIRST_SHARE), 0.0
        while True:
            out.bound = max(out.bound, yb.tighten(out.plan_objective, rounds))
            clock = time.perf_counter()
            if proven() or budget.expired or yb.stopped == "failed":
                break
            rounds = budget
            if budget.left() < REDESIGN_ROOM * redesign_s:  # no time for another design: rounds to the deadline
                if yb.stopped != "converged":
                    out.bound = max(out.bound, yb.tighten(out.plan_objective, budget, give_up=False))
                break
            redesigned = redesign(budget.share(REDESIGN_SHARE))
            progress.stage(stage.CUTS, out)
            if not redesigned and yb.stopped == "converged":
                break  # neither the bound nor the designs can change any more
            redesign_s = time.perf_counter() - clock
    finally:
        yb.close()
    return plan


def _design_fixes(year: pyo.ConcreteModel, year_col, coarse: pyo.ConcreteModel, coarse_col, plan: np.ndarray,
                  names) -> dict[int, float]:
    """Year-model columns -> the coarse plan's values, for the variables `names` (not indexed by time, so both
    models have the same index)."""
    fixes: dict[int, float] = {}
    for name in names:
        coarse_var = getattr(coarse, name)
        for idx, v in getattr(year, name).items():
            j, jc = year_col(v), coarse_col(coarse_var[idx])
            if j is not None and jc is not None:
                value = float(plan[jc])
                fixes[j] = float(round(value)) if v.is_integer() else value
    return fixes


def _design_key(b: SiteBlocks, mat: HighsMatrix, x: np.ndarray) -> tuple:
    """The integers and assignments of a design (column values x of a model of all sites), rounded: what a
    design's year plan keeps of it once the year sizes PV, wind and battery, to tell a design met before."""
    integer_design = roles.year_fixings()[-1]
    return tuple((site, k, round(v, 3)) for site, at in _site_designs(b, mat, x).items() for k, v in at.items()
                 if k[0] in integer_design)


def _site_designs(b: SiteBlocks, mat: HighsMatrix, x: np.ndarray) -> dict[str, dict[tuple[str, object], float]]:
    """Each site's design in the column values x: {site: {(variable, index): value}} (`year_cuts.design_variables`)."""
    design_vars = design_variables()
    designs: dict[str, dict] = {s: {} for s in b.sites}
    for j, v in enumerate(mat.columns):
        name = v.parent_component().local_name
        if name in design_vars and b.col_site[j] >= 0:
            designs[b.sites[b.col_site[j]]][name, v.index()] = float(x[j])
    return designs
