"""Solve a validated case: build -> solve -> post-process (or explain infeasibility).

`PlanningModel` keeps the Pyomo model and the persistent HiGHS instance, so changing the carbon price or
cap and solving again only sends the changes to HiGHS. `solve_case` is the one-call version.
"""

from __future__ import annotations

import math
import time
from collections import Counter
from operator import attrgetter
from typing import Callable

import numpy as np
import pandas as pd
import pyomo.environ as pyo
from pyomo.common.gc_manager import PauseGC

from planner.input.case import Case
from planner.model.build import build_model
from planner.model.data import ModelData, prepare
from planner.decomposition import solve_by_sites
from planner.decomposition.tuning import FULL_DETAIL_MAX_TIME_STEPS
from planner.decomposition.warm import SitePool
from planner.results.diagnose import explain_infeasibility
from planner.pyomo_fast.elements import elements
from planner.pyomo_fast.gc_quiet import leave_alive_objects_alone, promote_built
from planner.results.postprocess import postprocess
from planner.solver.log import LogCallback, ProgressCallback
from planner.solver.outcome import SOLVED, WITH_PLAN, SolveOutcome, target_for
from planner.solver.persistent import HighsSolver
from planner.solver.stop import run_stoppable
from planner.results.result import (
    ASSIGNMENT_COLUMNS,
    DISPATCH_COLUMNS,
    KPI_COLUMNS,
    POLICY_COLUMNS,
    SITE_COLUMNS,
    Result,
    SolveInfo,
)

STRATEGIES = ("auto", "direct", "sites")
# 'auto' decomposes by site when there are many sites, each with an hourly block of at least two days, and
# few enough demands for the small master LP (benchmarks/README.md). From about 12 sites on the decomposition
# is the faster (synthetic cases of 12-20 sites: 0.7-6.6 s against 3.5-27 s direct; the built-in example, 29
# sites: 23 s against about 120 s); at 10 sites the direct solve is as fast and finds slightly better plans.
AUTO_SITES_MIN_SITES = 16
AUTO_SITES_MIN_TIME_STEPS = 48
AUTO_SITES_MAX_DEMANDS = 200
# the 'emissions' objective's first stage (least emissions) may take up to this share of the time limit; the
# second (least cost at that level) gets the rest: both are MILPs of the same size
EMISSIONS_FIRST_STAGE_SHARE = 0.5
# the second stage's emission level is never below the first stage's plan by more than this relative (and absolute,
# tCO2/yr) margin: the plan's emissions are exact only to HiGHS' tolerances
LEXICOGRAPHIC_SLACK = 1e-6
# a stage always gets at least this many seconds, even when the first used the whole limit
MIN_STAGE_S = 1.0


class SolveError(Exception):
    """The solver could not produce a plan; the message says why in input terms."""


def model_size(m: pyo.ConcreteModel) -> dict[str, int]:
    """Active variables, constraints, binaries and integers of a model, counted per component and, within
    one, per domain."""
    n_var = n_bin = n_int = 0
    for var in m.component_objects(pyo.Var, active=True):
        of_var = elements(var).values()
        domains = Counter(map(id, map(attrgetter("_domain"), of_var)))  # domains are not hashable
        n_var += sum(domains.values())
        for domain, n in domains.items():
            example = next(v for v in of_var if id(v.domain) == domain)
            if example.is_binary():
                n_bin += n
            elif example.is_integer():
                n_int += n
    n_con = sum(sum(map(attrgetter("_active"), elements(con).values()))
                for con in m.component_objects(pyo.Constraint, active=True))
    return {"n_variables": n_var, "n_constraints": n_con, "n_binaries": n_bin, "n_integers": n_int}


class PlanningModel:
    """A built planning MILP with a persistent HiGHS solver attached."""

    def __init__(self, case: Case, *, progress: ProgressCallback | None = None):
        self.case = case
        start = time.perf_counter()
        self.data: ModelData = prepare(case)
        with PauseGC():  # GC passes would only walk the new model; `promote_built` spares the ones after
            self.model = build_model(self.data)
            self.size = model_size(self.model)
            promote_built()
        self.build_s = time.perf_counter() - start
        if progress:
            progress({"stage": "build", "build_s": self.build_s, **self.size})
        self.solver = HighsSolver(self.model)
        self.site_pool = SitePool()  # the site decomposition's warm start for the next solve of this model

    def set_carbon_price(self, cny_per_tco2: float) -> None:
        self.model.carbon_price.set_value(float(cny_per_tco2))

    def set_carbon_cap(self, tco2_per_yr: float | None) -> None:
        if tco2_per_yr is None:
            self.model.carbon_cap.deactivate()
        else:
            self.model.carbon_cap_tco2.set_value(float(tco2_per_yr))
            self.model.carbon_cap.activate()

    def _use_objective(self, name: str) -> None:
        for obj in (self.model.total_cost, self.model.total_emissions):
            obj.deactivate()
        getattr(self.model, name).activate()

    def solve(self, *, mip_gap: float | None = None, time_limit_s: float | None = None,
              objective: str | None = None, log: LogCallback | None = None,
              progress: ProgressCallback | None = None, options: dict | None = None,
              strategy: str = "auto", start: np.ndarray | None = None, warm: bool = True) -> Result:
        """Solve (again); `options` are passed to HiGHS as they are (e.g. {"threads": 2}); `start`: a plan of
        this case (`self.solver.plan()` after an earlier solve, here or in another process) as the direct solve's
        MIP start (a warm start; the site decomposition makes its own). `warm`: a least-cost solve by site
        decomposition starts from the last one's site proposals and plan (`self.site_pool`, kept while only
        linking rows and costs change, e.g. the carbon cap or price); false: cold, like a first solve.

        `strategy`: "direct" hands the whole MILP to HiGHS; "sites" solves it by site decomposition
        (`planner.decomposition`: candidate sites, a Lagrangian lower bound, a rounded plan, and HiGHS only if
        that plan is not yet proven within the gap); "auto" picks "sites" for cases with many candidate sites.

        Ctrl-C (KeyboardInterrupt) stops HiGHS at its next check (progress gets {"stage": "stopping"}) and
        leaves the model ready for another solve; a second Ctrl-C returns at once (`planner.solver.stop`).
        """
        if strategy not in STRATEGIES:
            raise ValueError(f"strategy must be one of {', '.join(STRATEGIES)}, not {strategy!r}")
        stopping = (lambda: progress({"stage": "stopping"})) if progress else None
        if not warm:
            self.site_pool.forget()
        with leave_alive_objects_alone():
            return run_stoppable(
                lambda: self._solve(mip_gap, time_limit_s, objective, log, progress, options, strategy,
                                    start_plan=start),
                on_stop=stopping)

    def _solve(self, mip_gap, time_limit_s, objective, log, progress, options, strategy, start_plan=None) -> Result:
        st = self.case.settings
        gap = st.mip_gap if mip_gap is None else mip_gap
        limit = st.time_limit_s if time_limit_s is None else time_limit_s
        objective = objective or st.objective
        self._options = dict(options or {})
        if progress:
            progress({"stage": "solve", "elapsed_s": 0.0, "time_limit_s": limit})
        start = time.perf_counter()
        self.model.emissions_lexicographic.deactivate()
        self.strategy_used = self.pick_strategy(strategy, objective)
        if objective == "emissions":
            outcome = self._solve_min_emissions_then_cost(gap, limit, log, progress)
        else:
            self._use_objective("total_cost")
            outcome = self._run(gap, limit, log, progress, start_plan)
        info = SolveInfo(
            status=outcome.status, termination=outcome.termination, objective_cny=outcome.objective,
            best_bound_cny=outcome.bound, gap=outcome.gap, proven_optimal=outcome.status == "optimal",
            build_s=self.build_s, solve_s=time.perf_counter() - start, highs_s=outcome.highs_s,
            solver_version=HighsSolver.version(), mip_gap_setting=gap, time_limit_s_setting=limit, **self.size)
        return self._result(outcome, info, limit, progress)

    def pick_strategy(self, strategy: str, objective: str) -> str:
        """'auto': 'sites' for many candidate sites with hourly blocks of two days or more, else 'direct'. The
        'emissions' objective on more than FULL_DETAIL_MAX_TIME_STEPS time steps is solved directly: beyond them
        the site decomposition designs a full year on a few days for the least cost."""
        d = self.data
        emissions_on_year = objective == "emissions" and d.n_t > FULL_DETAIL_MAX_TIME_STEPS
        if strategy == "sites" and emissions_on_year:
            raise SolveError(f"the emissions objective on {d.n_t} time steps cannot use the site decomposition (it "
                             "designs a full year on a few days for the least cost): use --strategy direct or auto")
        if strategy != "auto":
            return strategy
        large = (len(d.sites) >= AUTO_SITES_MIN_SITES and d.n_t >= AUTO_SITES_MIN_TIME_STEPS
                 and len(d.demands) <= AUTO_SITES_MAX_DEMANDS)
        return "sites" if large and not emissions_on_year else "direct"

    def _run(self, gap, limit, log, progress, start_plan=None) -> SolveOutcome:
        """One solve of the active objective by the strategy picked, within `limit` seconds."""
        if self.strategy_used == "sites":
            return solve_by_sites(self.model, self.data, mip_gap=gap, time_limit_s=limit, log=log, progress=progress,
                                  options=self._options, pool=self.site_pool)
        return self.solver.solve(mip_gap=gap, time_limit_s=limit, log=log, progress=progress, options=self._options,
                                 start=start_plan)

    def _solve_min_emissions_then_cost(self, gap, limit, log, progress) -> SolveOutcome:
        """Lexicographic: minimal emissions first, then the cheapest plan within the MIP gap of that minimum; both
        stages by the strategy picked and within the one time limit (`emission_level`)."""
        start = time.perf_counter()
        self._use_objective("total_emissions")
        self.site_pool.forget()  # both stages cold, as a single solve: the pool keeps the second for later solves
        first = self._run(gap, EMISSIONS_FIRST_STAGE_SHARE * limit, log, progress)
        if not first.has_solution:
            return first
        level = emission_level(float(pyo.value(self.model.emissions_tco2)), first.bound, gap)
        self.model.emissions_bound_tco2.set_value(level)
        self.model.emissions_lexicographic.activate()
        self._use_objective("total_cost")
        self.site_pool.forget()
        cleanest = self.solver.plan() if self.strategy_used == "direct" else None  # meets the level: a MIP start
        second = self._run(gap, max(limit - (time.perf_counter() - start), MIN_STAGE_S), log, progress, cleanest)
        if first.status == "time_limit" and second.status in SOLVED:
            second.status = "time_limit"
        return second

    def _result(self, outcome: SolveOutcome, info: SolveInfo, limit: float,
                progress: ProgressCallback | None) -> Result:
        if outcome.status in WITH_PLAN and outcome.has_solution:
            if progress:
                progress({"stage": "postprocess"})
            return postprocess(self.model, self.data, info)
        if outcome.status in ("infeasible", "infeasible_or_unbounded"):
            if progress:
                progress({"stage": "diagnose"})
            table, messages = explain_infeasibility(self.data, time_limit_s=limit)
            info.status = "infeasible"
            return _empty_result(self.case.name, info, table, messages)
        if outcome.status == "interrupted":
            raise KeyboardInterrupt
        if outcome.status == "no_solution":
            raise SolveError(f"no feasible plan found within the time limit of {limit:g} s: raise the time limit "
                             f"(--time-limit or Settings time_limit_s)")
        if outcome.status == "unbounded":
            raise SolveError("the case is unbounded: some cost is negative without a limit (check negative "
                             "prices or export prices against grid limits)")
        raise SolveError(f"HiGHS stopped without a plan ({outcome.termination}); run with --debug for its log")


def emission_level(plan_tco2: float, bound_tco2: float | None, mip_gap: float) -> float:
    """The emission level the 'emissions' objective's second stage holds (tCO2/yr): every plan the gap setting
    lets count as least-emissions (the most that the first stage's lower bound proves within `mip_gap`, as the
    solver measures the gap), and never below the
    first stage's own plan (which thereby stays feasible). With the minimum exact to the gap alone (a plan 0.01 %
    above its bound under a 1 % gap), holding the plan's own level makes the second stage a needle-in-a-haystack
    MILP: on the built-in example its dived plans stayed 2.9 % above the LP bound and branch and bound ran for
    minutes (benchmarks/README.md, "The emissions objective's second stage")."""
    level = plan_tco2
    if bound_tco2 is not None and math.isfinite(bound_tco2):
        level = max(level, target_for(bound_tco2, mip_gap))
    return level * (1 + LEXICOGRAPHIC_SLACK) + LEXICOGRAPHIC_SLACK


def _empty_result(name: str, info: SolveInfo, infeasibility, messages: list[str]) -> Result:
    empty = {cols: pd.DataFrame(columns=list(cols)) for cols in (KPI_COLUMNS, SITE_COLUMNS, ASSIGNMENT_COLUMNS,
                                                                 POLICY_COLUMNS, DISPATCH_COLUMNS)}
    return Result(case_name=name, solve=info, kpis=empty[KPI_COLUMNS],
                  costs=pd.DataFrame(columns=["component", "cost_cny_per_yr"]), sites=empty[SITE_COLUMNS],
                  assignments=empty[ASSIGNMENT_COLUMNS], policy=empty[POLICY_COLUMNS],
                  dispatch=empty[DISPATCH_COLUMNS], infeasibility=infeasibility, messages=messages)


def solve_case(case: Case, *, mip_gap: float | None = None, time_limit_s: float | None = None,
               log: Callable[[str], None] | None = None, progress: Callable[[dict], None] | None = None,
               options: dict | None = None, strategy: str = "auto") -> Result:
    """Build and solve the planning MILP of a validated case; an infeasible case comes back explained."""
    return PlanningModel(case, progress=progress).solve(mip_gap=mip_gap, time_limit_s=time_limit_s, log=log,
                                                        progress=progress, options=options, strategy=strategy)
