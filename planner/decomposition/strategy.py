"""The "sites" strategy: the decomposition's plan and bound, and HiGHS' branch and bound only if they are not within
the gap (then starting from the plan and stopping as soon as the bound proves its incumbent)."""

from __future__ import annotations

import math
import time

import pyomo.environ as pyo

from planner.decomposition.blocks import site_blocks
from planner.decomposition.budget import Budget
from planner.decomposition.highs_tools import highs_solution
from planner.decomposition import progress as stage
from planner.decomposition.outcome import DecompositionOutcome
from planner.decomposition.progress import Progress
from planner.decomposition.sites import decompose
from planner.decomposition.tuning import DECOMPOSE_SHARE, FINAL_MIP_MIN_S, FULL_DETAIL_MAX_TIME_STEPS
from planner.decomposition.warm import SitePool
from planner.decomposition.year_plan import decompose_on_days
from planner.model.data import ModelData
from planner.solver.matrix import compile_to_highs
from planner.solver.outcome import SOLVED, SolveOutcome, proven_status, relative_gap, target_for


def solve_by_sites(m: pyo.ConcreteModel, d: ModelData, *, mip_gap: float, time_limit_s: float, log=None,
                   progress=None, options: dict | None = None, pool: SitePool | None = None) -> SolveOutcome:
    """Solve the MILP by site decomposition; HiGHS' branch and bound runs only if the plan is not yet proven
    within `mip_gap`, then starting from that plan and stopping as soon as the bound proves it. The solution is
    loaded into the Pyomo model. `pool`: warm start from the last decomposition of `m` and kept for the next
    (`warm.SitePool`; representative-day cases only)."""
    start = time.perf_counter()
    budget = Budget(start, time_limit_s)
    moves = Progress(progress, start, time_limit_s)

    def report(dec: DecompositionOutcome) -> None:
        moves.moved(dec)

    if d.n_t > FULL_DETAIL_MAX_TIME_STEPS:
        dec, year = decompose_on_days(m, d, mip_gap=mip_gap, budget=budget, log=log, progress=moves)
        if year is not None:
            report(dec)
            year.load_into(m)
            return SolveOutcome(
                status=proven_status(dec.gap) if dec.gap is not None and dec.gap <= mip_gap else "feasible",
                termination="site decomposition: full-year plan from the design of a few days" +
                            (f", bound from {dec.bound_days} average days and {dec.year_cuts} cuts from the "
                             "year's dispatch" if math.isfinite(dec.bound)
                             else ", no bound for the year"),
                has_solution=True, objective=dec.plan_objective, bound=dec.bound if math.isfinite(dec.bound) else None,
                gap=dec.gap, wall_s=time.perf_counter() - start, highs_s=dec.highs_s, log="\n".join(dec.log))
        # no plan for the year that way: HiGHS on the full model, with the time left
        mat = compile_to_highs(m)
        h = mat.highs
    else:
        mat = compile_to_highs(m)
        h = mat.highs
        blocks = site_blocks(m, d, mat)
        if pool is not None:
            pool.bind(blocks, mat.columns)
        dec = decompose(h, blocks, mip_gap=mip_gap, budget=budget.share(DECOMPOSE_SHARE), log=log,
                        progress=moves, pool=pool)
    highs_s = dec.highs_s + h.getRunTime()
    report(dec)
    if dec.plan is not None and dec.gap is not None and dec.gap <= mip_gap:
        mat.load(m, dec.plan)
        if pool is not None:
            pool.keep_plan(dec.plan)
        return SolveOutcome(
            status=proven_status(dec.gap),
            termination="site decomposition: its plan within the gap of its Lagrangian bound (no branch and bound)",
            has_solution=True, objective=dec.plan_objective, bound=dec.bound, gap=dec.gap,
            wall_s=time.perf_counter() - start, highs_s=highs_s, log="\n".join(dec.log))
    if dec.plan is not None:
        h.setSolution(highs_solution(dec.plan))
    extra = dict(options or {})
    if math.isfinite(dec.bound):
        extra["objective_target"] = target_for(dec.bound, mip_gap)
    moves.stage(stage.BRANCH, dec)
    outcome = mat.solve(mip_gap=mip_gap, time_limit_s=max(budget.left(), FINAL_MIP_MIN_S), log=log,
                        progress=_in_phase(progress, stage.BRANCH, time_limit_s, dec.bound), options=extra)
    outcome.termination = f"site decomposition's plan and bound, then {outcome.termination}"
    plan = mat.solution() if outcome.has_solution else dec.plan  # dec.plan: HiGHS found nothing better in time
    if plan is not None:
        mat.load(m, plan)
    if pool is not None and d.n_t <= FULL_DETAIL_MAX_TIME_STEPS:
        pool.keep_plan(plan)
    if not outcome.has_solution and dec.plan is not None:
        outcome.status, outcome.has_solution, outcome.objective = "time_limit", True, dec.plan_objective
    outcome.highs_s = highs_s + outcome.highs_s
    outcome.wall_s = time.perf_counter() - start
    outcome.log = "\n".join(dec.log)
    if outcome.has_solution and outcome.objective is not None:
        bound = max(outcome.bound if outcome.bound is not None else -math.inf, dec.bound)
        if math.isfinite(bound):
            outcome.bound = bound
            outcome.gap = relative_gap(outcome.objective, bound)
            if outcome.gap <= mip_gap and outcome.status in ("time_limit", *SOLVED):
                outcome.status = proven_status(outcome.gap)
        else:
            outcome.bound = outcome.gap = None
    return outcome


def _in_phase(progress, phase: str, time_limit_s: float, bound: float):
    """HiGHS' progress events (from its log lines) tagged with the decomposition's stage and the time limit, their
    bound never below the decomposition's `bound` (HiGHS' own starts from its LP relaxation)."""
    if progress is None:
        return None

    def report(info: dict) -> None:
        best = max(info.get("bound") or -math.inf, bound)
        gap = relative_gap(info.get("incumbent"), best) if math.isfinite(best) else info.get("gap")
        progress({**info, "phase": phase, "time_limit_s": time_limit_s,
                  "bound": best if math.isfinite(best) else None, "gap": gap})
    return report
