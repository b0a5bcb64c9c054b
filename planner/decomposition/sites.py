"""Bound and plan for a model with few enough time steps for per-site LPs (e.g. representative days).

1. The bound: column generation over the sites (`colgen`) for BOUND_SHARE of the time.
2. The plan: diving in the master (`dives`). If the master's solution with every integer whole is within the
   gap of the bound, it is the plan; otherwise the dived plan goes to the full model (`local_search`).
"""

from __future__ import annotations

import time

import highspy
import numpy as np

from planner.decomposition.blocks import SiteBlocks, plan_holds
from planner.decomposition.budget import Budget
from planner.decomposition.colgen import ColumnGeneration
from planner.decomposition.dives import dive_plan
from planner.decomposition.local_search import find_plan
from planner.decomposition.master_moves import improve_in_master
from planner.decomposition import progress as stage
from planner.decomposition.outcome import DecompositionOutcome, reporter
from planner.decomposition.progress import NO_PROGRESS, Progress
from planner.decomposition.restricted import Restricted
from planner.decomposition.tuning import BOUND_SHARE, BOUND_TOLERANCE, MASTER_MOVES_SHARE, VALUE_TOL
from planner.decomposition.warm import SitePool
from planner.solver.outcome import target_for


def decompose(h: highspy.Highs, b: SiteBlocks, *, mip_gap: float, budget: Budget, log=None,
              progress: Progress = NO_PROGRESS, stages: bool = True, pool: SitePool | None = None
              ) -> DecompositionOutcome:
    """Bound and plan for the full MILP held in `h` (see the module docstring). `h` is left as it was. `progress`
    hears of each move; `stages`: it also hears of the bound and plan stages (else it stays in its own stage).
    `pool` (bound to `b`): the last decomposition's proposals seed the master, its plan is the incumbent where it
    holds (the dives are skipped only if it is as good as the bound, to the column generation's tolerance); this
    one's proposals are kept in it."""
    start = time.perf_counter()
    out = DecompositionOutcome()
    say = reporter(out, log, start, progress)
    if stages:
        progress.stage(stage.BOUND, out)

    cg = ColumnGeneration(b, out, say)
    if pool is not None and pool.proposals:
        cg.seed(pool.proposals)
        say(f"{len(pool.proposals)} site proposals of the last solve in the master")
    try:
        return _bound_and_plan(h, b, cg, out, say, mip_gap, budget, progress, stages,
                               None if pool is None else pool.incumbent(b))
    finally:
        if pool is not None:
            pool.keep(cg.master.proposals, cg.master.retired)


def _bound_and_plan(h, b: SiteBlocks, cg: ColumnGeneration, out: DecompositionOutcome, say, mip_gap: float,
                    budget: Budget, progress: Progress, stages: bool, incumbent) -> DecompositionOutcome:
    x = cg.run(tolerance=BOUND_TOLERANCE * mip_gap, budget=budget.share_of_total(BOUND_SHARE))
    if x is None:
        return out
    candidates = {i for i in range(len(b.sites)) if x[b.open_col[i]] > VALUE_TOL}
    if stages:
        progress.stage(stage.PLAN, out)
    out.candidates = [b.sites[i] for i in sorted(candidates)]
    if incumbent is not None and incumbent[1] <= target_for(out.bound, BOUND_TOLERANCE * mip_gap):
        # within the gap would not do: along a frontier the last point's plan often is, and every point would be it
        out.plan, out.plan_objective = incumbent
        out.link_duals = cg.y_link
        say(f"the last solve's plan {incumbent[1]:,.0f} is as good as the bound {out.bound:,.0f}: no dives")
        return out
    opened, design = dive_plan(cg, x, budget)
    if opened is None:  # out of time: every site with some capacity in the LP, which is feasible; moves close
        opened = candidates | cg.forced
        say(f"diving ran out of time: opening all {len(opened)} sites with some capacity in the LP")
    say(f"cooling and modules dived, rounds {out.rounds}: master {cg.z:,.0f}" if design is not None
        else "cooling and modules: no dive")
    target = target_for(out.bound, mip_gap)
    moved = None
    if design is not None and not cg.needs_artificials and cg.z > target:
        opened, design, _ = improve_in_master(cg, opened, design, x, candidates, target,
                                              budget.share(MASTER_MOVES_SHARE))
        if not cg.needs_artificials and plan_holds(b, cg.x):
            moved = cg.x, cg.z
    out.link_duals = cg.y_link
    if (design is not None and not cg.needs_artificials and cg.z <= target
            and plan_holds(b, cg.x)):
        # the master's solution is itself a plan: every proposal holds the fixed integers and satisfies its
        # site's rows, and the convex combination satisfies the linking rows
        out.plan, out.plan_objective = cg.x, cg.z
        say(f"plan from the master, opening {len(opened)} sites: {cg.z:,.0f}, bound {out.bound:,.0f}, "
            f"gap {out.gap:.3%}")
        return _better(out, incumbent)
    with Restricted(h, b) as r:
        find_plan(r, b, x, opened, design, candidates, out, mip_gap, say, budget, moved)
    _better(out, incumbent)
    say(f"best plan {'none' if out.plan_objective is None else f'{out.plan_objective:,.0f}'}, "
        f"bound {out.bound:,.0f}" + ("" if out.gap is None else f", gap {out.gap:.3%}"))
    return out


def _better(out: DecompositionOutcome, incumbent: tuple[np.ndarray, float] | None) -> DecompositionOutcome:
    """`out` with the incumbent as its plan if that is cheaper than the plan found (or there is none)."""
    if incumbent is not None and (out.plan_objective is None or incumbent[1] < out.plan_objective):
        out.plan, out.plan_objective = incumbent
    return out
